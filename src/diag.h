/* Diagnostics: every problem found in input is one record with its position,
 * kept so that a command can list all of them (and emit them as JSON), not
 * just the first. */
#ifndef ENERGYLENS_DIAG_H
#define ENERGYLENS_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_severity severity;
	char *file;
	unsigned line, col; /* 1-based; 0 when the problem has no position */
	char *message;
};

struct diag_list {
	struct diag *items;
	size_t count, cap;
	size_t errors, warnings;
	FILE *echo; /* when set, each diagnostic is printed here as it is added
		     */
};

void diag_init(struct diag_list *list, FILE *echo);
void diag_free(struct diag_list *list);

/* Printed as "file:line:col: message" (warnings: "file:line:col: warning:
 * message"); the message says what is wrong and, in parentheses, what was
 * expected. */
void diag_add(struct diag_list *list, enum diag_severity severity,
	      const char *file, unsigned line, unsigned col, const char *fmt,
	      ...) __attribute__((format(printf, 6, 7)));

void diag_print(const struct diag *d, FILE *out);

#endif
