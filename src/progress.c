#include "progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The delay: PROGRESS_DELAY unless ENERGYLENS_PROGRESS_DELAY says another
 * number of seconds (0: at once, as the tests want). */
static double delay_of(void)
{
	const char *s = getenv("ENERGYLENS_PROGRESS_DELAY");
	char *end;
	double d = s && *s ? strtod(s, &end) : -1;
	return s && *s && !*end && d >= 0 && d < 1e6 ? d : PROGRESS_DELAY;
}

void progress_start(struct progress *p, FILE *out, const char *what)
{
	p->out = out && isatty(fileno(out)) ? out : NULL;
	p->what = what;
	p->start = now();
	p->delay = delay_of();
	p->next = p->start + p->delay;
	p->shown = false;
	p->base = 0;
}

void progress_update(struct progress *p, size_t done, size_t total)
{
	if (!p->out || total == 0)
		return;
	double t = now();
	if (t < p->next)
		return;
	p->next = t + 0.2; /* a few times a second is enough to read */
	done += p->base;
	if (done > total)
		done = total;
	double frac = (double)done / (double)total;
	fprintf(p->out, "\r\033[K%s: %.0f%%", p->what, 100 * frac);
	double left = frac > 0 ? (t - p->start) * (1 - frac) / frac : -1;
	if (left >= 0 && left < 360000) {
		long s = (long)(left + 0.5);
		if (s >= 60)
			fprintf(p->out, ", about %ld:%02ld left", s / 60,
				s % 60);
		else
			fprintf(p->out, ", about %ld s left", s);
	}
	fflush(p->out);
	p->shown = true;
}

void progress_end(struct progress *p)
{
	if (p->out && p->shown) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
	}
	p->shown = false;
}
