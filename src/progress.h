/* A line of progress on a terminal for a step that takes a while: nothing
 * for its first seconds (most steps end before), then "energylens eval:
 * 42%, about 1:12 left", rewritten in place a few times a second and
 * erased when the step ends. Nothing at all when the stream is not a
 * terminal: a pipe, a log or a test never gets carriage returns. */
#ifndef ENERGYLENS_PROGRESS_H
#define ENERGYLENS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Seconds before the line appears; ENERGYLENS_PROGRESS_DELAY overrides. */
#define PROGRESS_DELAY 2.0

struct progress {
	FILE *out; /* NULL: silent */
	const char *what;
	double start, next; /* seconds, monotonic clock */
	double delay;
	bool shown;
	size_t base; /* added to done: a step made of parts (eval's groups) */
};

/* out is used only when it is a terminal. */
void progress_start(struct progress *p, FILE *out, const char *what);
/* done of total units of work are done (plus p->base). */
void progress_update(struct progress *p, size_t done, size_t total);
/* Erases the line, if one was shown. */
void progress_end(struct progress *p);

#endif
