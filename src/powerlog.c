/* Power logs to segments, and the integral over a window (powerlog.h). */
#include "powerlog.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "csv.h"
#include "exitcode.h"
#include "import.h"
#include "import.h"

/* One reading as a log gives it, before it becomes a segment. */
enum sample_kind {
	S_POWER,   /* watts at t */
	S_COUNTER, /* joules since some start, at t */
	S_WINDOW,  /* joules over [t, t + span] */
};

struct sample {
	long gpu;
	enum sample_kind kind;
	double t, v, span;
	unsigned line;
};

struct samples {
	struct sample *v;
	size_t count, cap;
};

static void add_sample(struct samples *s, struct sample x)
{
	if (s->count == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = import_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->count++] = x;
}

/* ---- times ------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so that no time zone is involved. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/* "+HH:MM", "-HHMM", "+HH", "Z", "UTC": seconds east of UTC. */
static bool parse_offset(const char *s, size_t len, double *out)
{
	if ((len == 1 && *s == 'Z') || (len == 3 && memcmp(s, "UTC", 3) == 0)) {
		*out = 0;
		return true;
	}
	if (len < 3 || (*s != '+' && *s != '-'))
		return false;
	int digits[4], n = 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == ':' && i == 3)
			continue;
		if (!isdigit((unsigned char)s[i]) || n == 4)
			return false;
		digits[n++] = s[i] - '0';
	}
	if (n != 2 && n != 4)
		return false;
	int h = digits[0] * 10 + digits[1];
	int m = n == 4 ? digits[2] * 10 + digits[3] : 0;
	if (h > 14 || m > 59)
		return false;
	*out = (*s == '-' ? -1 : 1) * (h * 3600.0 + m * 60.0);
	return true;
}

bool powerlog_zone_parse(struct powerlog_zone *z, const char *text)
{
	z->fixed = true;
	if (parse_offset(text, strlen(text), &z->offset_s))
		return true;
	/* A name: it must exist, as glibc reads an unknown one as UTC. */
	if (!*text || text[0] == '/' || strstr(text, ".."))
		return false;
	const char *dir = getenv("TZDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s",
		 dir && *dir ? dir : "/usr/share/zoneinfo", text);
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if (setenv("TZ", text, 1) != 0)
		return false;
	tzset();
	z->fixed = false;
	z->offset_s = 0;
	return true;
}

static bool take_digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (*p >= end || !isdigit((unsigned char)**p))
			return false;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return true;
}

/* Seconds since the epoch of a local wall-clock time in the zone of TZ. */
static double local_to_epoch(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return (double)mktime(&tm);
}

static bool parse_number(const char *s, size_t len, double *out);

bool powerlog_time_parse(const char *text, size_t len,
			 const struct powerlog_zone *z, double *out)
{
	while (len && isspace((unsigned char)*text))
		text++, len--;
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (parse_number(text, len, out))
		return true;
	const char *p = text, *end = text + len;
	int y, mo, d, h, mi, s;
	if (!take_digits(&p, end, 4, &y) || p >= end ||
	    (*p != '/' && *p != '-'))
		return false;
	char sep = *p++;
	if (!take_digits(&p, end, 2, &mo) || p >= end || *p++ != sep ||
	    !take_digits(&p, end, 2, &d) || p >= end ||
	    (*p != ' ' && *p != 'T'))
		return false;
	p++;
	if (!take_digits(&p, end, 2, &h) || p >= end || *p++ != ':' ||
	    !take_digits(&p, end, 2, &mi) || p >= end || *p++ != ':' ||
	    !take_digits(&p, end, 2, &s))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return false;
	double frac = 0, scale = 0.1;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (p >= end || !isdigit((unsigned char)*p))
			return false;
		for (; p < end && isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	while (p < end && *p == ' ')
		p++;
	double offset;
	if (p < end) {
		if (!parse_offset(p, (size_t)(end - p), &offset))
			return false;
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
		       h * 3600.0 + mi * 60.0 + s + frac - offset;
		return true;
	}
	if (z->fixed)
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
		       h * 3600.0 + mi * 60.0 + s + frac - z->offset_s;
	else
		*out = local_to_epoch(y, mo, d, h, mi, s) + frac;
	return true;
}

/* ---- numbers ------------------------------------------------------------ */

/* A plain decimal of len bytes (no "nan", "inf" or hex), blanks around it
 * forgiven. */
static bool parse_number(const char *s, size_t len, double *out)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > 63)
		return false;
	char buf[64];
	memcpy(buf, s, len);
	buf[len] = '\0';
	return import_decimal(buf, out);
}

static bool parse_index(const char *s, size_t len, long *out)
{
	double x;
	if (!parse_number(s, len, &x) || x < 0 || x > 1e6 || x != floor(x))
		return false;
	*out = (long)x;
	return true;
}

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s))
		++*s, --*len;
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		--*len;
}

/* ---- nvidia-smi ------------------------------------------------------- */

/* A header cell as nvidia-smi writes it, " power.draw [W]", by its name. */
static int header_column(const struct csv_table *t, const char *name)
{
	const struct csv_record *h = &t->records[0];
	for (size_t i = 0; i < h->count; i++) {
		const char *s = h->fields[i].text;
		size_t len = h->fields[i].len;
		trim(&s, &len);
		size_t n = strlen(name);
		if (len >= n && memcmp(s, name, n) == 0 &&
		    (len == n || s[n] == ' '))
			return (int)i;
	}
	return -1;
}

/* " 30.07 W", "30.07": watts; "[N/A]" and the like: no reading (false with
 * *missing set). */
static bool parse_watts(const struct csv_field *f, double *w, bool *missing)
{
	const char *s = f->text;
	size_t len = f->len;
	trim(&s, &len);
	*missing = len && *s == '[';
	if (len >= 1 && s[len - 1] == 'W') {
		len--;
		while (len && s[len - 1] == ' ')
			len--;
	}
	return parse_number(s, len, w) && *w >= 0;
}

static void read_nvidia_smi(const struct csv_table *t, const char *name,
			    const struct powerlog_zone *z, struct samples *out,
			    struct diag_list *diags)
{
	int ct = header_column(t, "timestamp"), ci = header_column(t, "index");
	int cp = header_column(t, "power.draw");
	if (ct < 0 || ci < 0 || cp < 0) {
		diag_add(diags, DIAG_ERROR, name, 1, 1,
			 "no %s column in the header (expected nvidia-smi "
			 "--query-gpu=timestamp,index,power.draw --format=csv)",
			 ct < 0	  ? "timestamp"
			 : ci < 0 ? "index"
				  : "power.draw");
		return;
	}
	for (size_t r = 1; r < t->count; r++) {
		const struct csv_record *row = &t->records[r];
		if ((size_t)ct >= row->count || (size_t)ci >= row->count ||
		    (size_t)cp >= row->count)
			continue; /* csv_read has said so */
		const struct csv_field *ft = &row->fields[ct],
				       *fi = &row->fields[ci],
				       *fp = &row->fields[cp];
		struct sample x = {0, S_POWER, 0, 0, 0, row->line};
		bool missing;
		if (!powerlog_time_parse(ft->text, ft->len, z, &x.t))
			diag_add(diags, DIAG_ERROR, name, ft->line, ft->col,
				 "'%s' is not a time (expected YYYY/MM/DD "
				 "HH:MM:SS.mmm)",
				 ft->text);
		else if (!parse_index(fi->text, fi->len, &x.gpu))
			diag_add(diags, DIAG_ERROR, name, fi->line, fi->col,
				 "'%s' is not a GPU index (expected an "
				 "integer >= 0)",
				 fi->text);
		else if (parse_watts(fp, &x.v, &missing))
			add_sample(out, x);
		else if (!missing)
			diag_add(diags, DIAG_ERROR, name, fp->line, fp->col,
				 "'%s' is not a power (expected watts, as "
				 "'30.07 W' or '30.07')",
				 fp->text);
	}
}

/* ---- Zeus ------------------------------------------------------------- */

static void read_zeus(const struct csv_table *t, const char *name,
		      struct samples *out, struct diag_list *diags)
{
	int cs = csv_column(t, "start_time"),
	    ce = csv_column(t, "elapsed_time");
	const struct csv_record *h = &t->records[0];
	if (cs < 0 || ce < 0) {
		diag_add(diags, DIAG_ERROR, name, 1, 1,
			 "no %s column in the header (expected ZeusMonitor's "
			 "start_time,window_name,elapsed_time,gpu0_energy,...)",
			 cs < 0 ? "start_time" : "elapsed_time");
		return;
	}
	for (size_t r = 1; r < t->count; r++) {
		const struct csv_record *row = &t->records[r];
		if (row->count != h->count)
			continue; /* csv_read has said so */
		const struct csv_field *fs = &row->fields[cs],
				       *fe = &row->fields[ce];
		double start, span;
		if (!parse_number(fs->text, fs->len, &start)) {
			diag_add(diags, DIAG_ERROR, name, fs->line, fs->col,
				 "'%s' is not a time (expected seconds)",
				 fs->text);
			continue;
		}
		if (!parse_number(fe->text, fe->len, &span) || !(span > 0)) {
			diag_add(diags, DIAG_ERROR, name, fe->line, fe->col,
				 "'%s' is not a duration (expected seconds > "
				 "0)",
				 fe->text);
			continue;
		}
		for (size_t i = 0; i < h->count; i++) {
			const char *col = h->fields[i].text;
			long gpu;
			char *endp;
			if (strncmp(col, "gpu", 3) != 0 ||
			    !isdigit((unsigned char)col[3]))
				continue;
			gpu = strtol(col + 3, &endp, 10);
			if (strcmp(endp, "_energy") != 0)
				continue;
			const struct csv_field *f = &row->fields[i];
			struct sample x = {gpu, S_WINDOW, start,
					   0,	span,	  row->line};
			if (!parse_number(f->text, f->len, &x.v) || x.v < 0)
				diag_add(diags, DIAG_ERROR, name, f->line,
					 f->col,
					 "'%s' is not an energy (expected "
					 "joules >= 0)",
					 f->text);
			else
				add_sample(out, x);
		}
	}
}

/* ---- DCGM exporter text --------------------------------------------- */

/* The value of label gpu="N" in {...}, or -1. */
static long dcgm_gpu(const char *labels, size_t len)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (memcmp(labels + i, "gpu=\"", 5) != 0 ||
		    (i > 0 && labels[i - 1] != '{' && labels[i - 1] != ',' &&
		     labels[i - 1] != ' '))
			continue;
		const char *v = labels + i + 5;
		const char *q = memchr(v, '"', len - i - 5);
		long gpu;
		if (q && parse_index(v, (size_t)(q - v), &gpu))
			return gpu;
		return -1;
	}
	return -1;
}

static void dcgm_line(const char *name, const char *s, size_t len,
		      unsigned line, double *now, struct samples *out,
		      struct diag_list *diags)
{
	static const char power[] = "DCGM_FI_DEV_POWER_USAGE",
			  energy[] = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION";
	trim(&s, &len);
	if (len == 0 || *s == '#')
		return;
	double t;
	if (parse_number(s, len, &t)) { /* a time mark: date +%s.%N */
		*now = t;
		return;
	}
	size_t n = 0; /* the name: up to '{' or a blank, within the line */
	while (n < len && s[n] != '{' && s[n] != ' ' && s[n] != '\t')
		n++;
	enum sample_kind kind;
	if (n == sizeof power - 1 && memcmp(s, power, n) == 0)
		kind = S_POWER;
	else if (n == sizeof energy - 1 && memcmp(s, energy, n) == 0)
		kind = S_COUNTER;
	else
		return; /* another metric */
	const char *rest = s + n, *end = s + len;
	long gpu = -1;
	if (rest < end && *rest == '{') {
		const char *close = memchr(rest, '}', (size_t)(end - rest));
		if (close)
			gpu = dcgm_gpu(rest, (size_t)(close - rest));
		rest = close ? close + 1 : end;
	}
	if (gpu < 0) {
		diag_add(diags, DIAG_ERROR, name, line, 1,
			 "no gpu label (expected %.*s{gpu=\"N\",...} VALUE)",
			 (int)n, s);
		return;
	}
	while (rest < end && isspace((unsigned char)*rest))
		rest++;
	size_t vlen = strcspn(rest, " \t\r\n");
	if (vlen > (size_t)(end - rest))
		vlen = (size_t)(end - rest);
	struct sample x = {gpu, kind, *now, 0, 0, line};
	if (!parse_number(rest, vlen, &x.v) || x.v < 0) {
		diag_add(diags, DIAG_ERROR, name, line,
			 (unsigned)(rest - s) + 1,
			 "'%.*s' is not a reading (expected a number >= 0)",
			 (int)vlen, rest);
		return;
	}
	const char *ts = rest + vlen;
	while (ts < end && isspace((unsigned char)*ts))
		ts++;
	double ms;
	if (ts < end) {
		if (!parse_number(ts, (size_t)(end - ts), &ms)) {
			diag_add(diags, DIAG_ERROR, name, line,
				 (unsigned)(ts - s) + 1,
				 "'%.*s' is not a timestamp (expected "
				 "milliseconds since the epoch)",
				 (int)(end - ts), ts);
			return;
		}
		x.t = ms / 1000;
	} else if (isnan(*now)) {
		diag_add(diags, DIAG_ERROR, name, line, 1,
			 "a reading without a time (expected a Prometheus "
			 "timestamp after the value, or a line with the Unix "
			 "time before each scrape)");
		return;
	}
	if (kind == S_COUNTER)
		x.v /= 1000; /* mJ */
	add_sample(out, x);
}

static void read_dcgm(const char *name, const char *buf, size_t len,
		      struct samples *out, struct diag_list *diags)
{
	double now = NAN;
	unsigned line = 1;
	for (size_t i = 0; i < len; line++) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		dcgm_line(name, buf + i, n, line, &now, out, diags);
		i += n + 1;
	}
}

/* ---- samples to segments ---------------------------------------------- */

static struct powerlog_gpu *gpu_slot(struct powerlog_set *s, long index)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->gpus[i].index == index)
			return &s->gpus[i];
	if (s->count == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->gpus = import_xrealloc(s->gpus, s->cap * sizeof *s->gpus);
	}
	struct powerlog_gpu *g = &s->gpus[s->count++];
	memset(g, 0, sizeof *g);
	g->index = index;
	return g;
}

static void add_seg(struct powerlog_gpu *g, struct powerlog_seg x)
{
	if (g->count == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->segs = import_xrealloc(g->segs, g->cap * sizeof *g->segs);
	}
	g->segs[g->count++] = x;
}

/* One GPU's samples of one kind, in the order of the log. */
static void gpu_segments(struct powerlog_gpu *g, const struct samples *in,
			 long gpu, enum sample_kind kind, unsigned file,
			 const char *name, struct diag_list *diags)
{
	const struct sample *prev = NULL;
	for (size_t i = 0; i < in->count; i++) {
		const struct sample *x = &in->v[i];
		if (x->gpu != gpu || x->kind != kind)
			continue;
		if (kind == S_WINDOW) {
			double p = x->v / x->span;
			if (prev && x->t < prev->t + prev->span - 1e-9)
				diag_add(diags, DIAG_ERROR, name, x->line, 1,
					 "this window begins before the one on "
					 "line %u ends (expected windows one "
					 "after another)",
					 prev->line);
			else
				add_seg(g, (struct powerlog_seg){
						   x->t, x->t + x->span, p, p,
						   x->line, file, true});
			prev = x;
			continue;
		}
		if (prev && x->t < prev->t) {
			diag_add(diags, DIAG_ERROR, name, x->line, 1,
				 "GPU %ld's time goes back %.3f s from line "
				 "%u (expected samples in time order; a "
				 "daylight-saving change? give --tz a fixed "
				 "offset)",
				 gpu, prev->t - x->t, prev->line);
			return;
		}
		if (prev && x->t > prev->t) {
			if (kind == S_POWER)
				add_seg(g, (struct powerlog_seg){
						   prev->t, x->t, prev->v, x->v,
						   x->line, file, false});
			else if (x->v < prev->v)
				diag_add(diags, DIAG_WARNING, name, x->line, 1,
					 "GPU %ld's energy counter went down "
					 "from line %u (a reset?); that "
					 "interval is not counted (expected a "
					 "counter that only grows)",
					 gpu, prev->line);
			else {
				double p = (x->v - prev->v) / (x->t - prev->t);
				add_seg(g, (struct powerlog_seg){prev->t, x->t,
								 p, p, x->line,
								 file, true});
			}
		}
		prev = x;
	}
}

/* Per GPU: the energy counter when the log has one for it (it counts
 * every joule), else the power readings. */
static void build(struct powerlog_set *s, const struct samples *in,
		  unsigned file, const char *name, struct diag_list *diags)
{
	/* The GPUs in the order the log first names them, and what kinds of
	 * reading each has: one pass, however long the log. */
	struct seen {
		long gpu;
		bool counter, window;
	} *seen = NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < in->count; i++) {
		const struct sample *x = &in->v[i];
		size_t k = 0;
		while (k < nseen && seen[k].gpu != x->gpu)
			k++;
		if (k == nseen) {
			seen = import_xrealloc(seen,
					       (nseen + 1) * sizeof *seen);
			seen[nseen++] = (struct seen){x->gpu, false, false};
		}
		seen[k].counter |= x->kind == S_COUNTER;
		seen[k].window |= x->kind == S_WINDOW;
	}
	for (size_t k = 0; k < nseen; k++)
		gpu_segments(gpu_slot(s, seen[k].gpu), in, seen[k].gpu,
			     seen[k].window    ? S_WINDOW
			     : seen[k].counter ? S_COUNTER
					       : S_POWER,
			     file, name, diags);
	free(seen);
}

void powerlog_init(struct powerlog_set *s)
{
	memset(s, 0, sizeof *s);
}

void powerlog_free(struct powerlog_set *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->gpus[i].segs);
	free(s->gpus);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	memset(s, 0, sizeof *s);
}

static bool has_text(const char *buf, size_t len, const char *what);

static void read_csv_log(const char *name, const char *buf, size_t len,
			 bool zeus, const struct powerlog_zone *z,
			 struct samples *out, struct diag_list *diags)
{
	struct csv_table t;
	memset(&t, 0, sizeof t);
	if (csv_read(&t, buf, len, name, diags) < 0) {
		fputs("energylens: out of memory\n", stderr);
		exit(EXIT_SOFTWARE);
	}
	if (t.count > 0) {
		if (zeus)
			read_zeus(&t, name, out, diags);
		else
			read_nvidia_smi(&t, name, z, out, diags);
	}
	csv_free(&t);
}

int powerlog_read(struct powerlog_set *s, const char *name, const char *buf,
		  size_t len, const struct powerlog_zone *z,
		  struct diag_list *diags)
{
	size_t errors = diags->errors;
	size_t first = strcspn(buf, "\n");
	if (first > len)
		first = len;
	struct samples in = {NULL, 0, 0};
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		buf += 3, len -= 3, first -= first >= 3 ? 3 : first;
	if (first >= 10 && memcmp(buf, "start_time", 10) == 0)
		read_csv_log(name, buf, len, true, z, &in, diags);
	else if (first >= 9 && memcmp(buf, "timestamp", 9) == 0)
		read_csv_log(name, buf, len, false, z, &in, diags);
	else if (has_text(buf, len, "DCGM_FI_DEV_"))
		read_dcgm(name, buf, len, &in, diags);
	else
		diag_add(diags, DIAG_ERROR, name, 1, 1,
			 "not a power log of a known format (expected "
			 "nvidia-smi --query-gpu=timestamp,index,power.draw "
			 "--format=csv, a ZeusMonitor CSV, or dcgm-exporter "
			 "metrics)");
	if (diags->errors == errors && in.count == 0)
		diag_add(diags, DIAG_ERROR, name, 1, 1,
			 "no power readings (expected at least two samples "
			 "of a GPU)");
	if (diags->errors == errors) {
		s->files = import_xrealloc(s->files,
					   (s->nfiles + 1) * sizeof *s->files);
		s->files[s->nfiles] = import_xstrdup(name);
		/* On error the segments already added stay, but the caller
		 * writes nothing. */
		build(s, &in, (unsigned)s->nfiles, name, diags);
		s->nfiles++;
	}
	free(in.v);
	return diags->errors == errors ? 0 : -1;
}

static bool has_text(const char *buf, size_t len, const char *what)
{
	size_t n = strlen(what);
	for (const char *p = buf; (size_t)(p - buf) + n <= len; p++) {
		p = memchr(p, what[0], len - (size_t)(p - buf));
		if (!p || (size_t)(p - buf) + n > len)
			return false;
		if (memcmp(p, what, n) == 0)
			return true;
	}
	return false;
}

static int by_start(const void *a, const void *b)
{
	const struct powerlog_seg *x = a, *y = b;
	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return (x->file > y->file) - (x->file < y->file);
}

int powerlog_finish(struct powerlog_set *s, struct diag_list *diags)
{
	size_t errors = diags->errors;
	for (size_t i = 0; i < s->count; i++) {
		struct powerlog_gpu *g = &s->gpus[i];
		if (g->count > 1) /* a GPU may have none: qsort(NULL, ...) */
			qsort(g->segs, g->count, sizeof *g->segs, by_start);
		for (size_t k = 1; k < g->count; k++) {
			const struct powerlog_seg *a = &g->segs[k - 1],
						  *b = &g->segs[k];
			if (b->t0 < a->t1 - 1e-9 && a->file != b->file) {
				diag_add(diags, DIAG_ERROR, s->files[b->file],
					 b->line, 1,
					 "GPU %ld at %.3f s is also in %s:%u "
					 "(expected each GPU in one log at a "
					 "time)",
					 g->index, b->t0, s->files[a->file],
					 a->line);
				break;
			}
		}
	}
	return diags->errors == errors ? 0 : -1;
}

const struct powerlog_gpu *powerlog_find(const struct powerlog_set *s,
					 long index)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->gpus[i].index == index)
			return &s->gpus[i];
	return NULL;
}

static double power_at(const struct powerlog_seg *x, double t)
{
	if (x->t1 <= x->t0)
		return x->p0;
	return x->p0 + (x->p1 - x->p0) * (t - x->t0) / (x->t1 - x->t0);
}

static void note_gap(struct powerlog_energy *e, double len,
		     const struct powerlog_seg *at)
{
	if (len > 1 && len > e->gap_s) {
		e->gap_s = len;
		e->gap_at = at;
	}
}

void powerlog_energy(const struct powerlog_gpu *g, double a, double b,
		     struct powerlog_energy *e)
{
	memset(e, 0, sizeof *e);
	if (g->count == 0)
		return;
	e->first_t = g->segs[0].t0;
	e->last_t = g->segs[g->count - 1].t1;
	/* Segments do not overlap, so their ends are in order too. */
	size_t lo = 0, hi = g->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->segs[mid].t1 <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	double prev_end = a;
	for (size_t k = lo; k < g->count && g->segs[k].t0 < b; k++) {
		const struct powerlog_seg *x = &g->segs[k];
		double u = x->t0 > a ? x->t0 : a, v = x->t1 < b ? x->t1 : b;
		if (u > prev_end && k > lo)
			note_gap(e, u - prev_end, x);
		if (v > u) {
			e->joules +=
				(v - u) * (power_at(x, u) + power_at(x, v)) / 2;
			e->covered_s += v - u;
			if (!x->whole)
				note_gap(e, v - u, x);
		}
		prev_end = v;
	}
}
