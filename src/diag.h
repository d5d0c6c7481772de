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

/* How many of one kind of message (the same text but for its numbers and
 * quoted values, in one file, of one severity) are echoed before the rest
 * are only counted: a file of 200 000 runs with the same fault would
 * otherwise print 200 000 lines, as compilers learnt not to. */
#define DIAG_ECHO_LIMIT 5

struct diag_list {
	struct diag *items;
	size_t count, cap;
	size_t errors, warnings;
	FILE *echo; /* when set, each diagnostic is printed here as it is added
		     */
	/* messages of one kind echoed before the rest are counted; 0: all of
	 * them (check --all-messages). Every one is kept in items either way.
	 */
	size_t echo_limit;
	struct diag_kinds *kinds; /* what was echoed and held back (opaque) */
};

/* echo_limit starts at DIAG_ECHO_LIMIT. */
void diag_init(struct diag_list *list, FILE *echo);
/* Says what diag_echo_rest would say, when nobody has yet. */
void diag_free(struct diag_list *list);

/* Printed as "file:line:col: message" (warnings: "file:line:col: warning:
 * message"); the message says what is wrong and, in parentheses, what was
 * expected. */
void diag_add(struct diag_list *list, enum diag_severity severity,
	      const char *file, unsigned line, unsigned col, const char *fmt,
	      ...) __attribute__((format(printf, 6, 7)));

void diag_print(const struct diag *d, FILE *out);

/* Echoes d to list->echo (when set) unless echo_limit messages of its kind
 * in its file were echoed already; those are counted instead. */
void diag_echo(struct diag_list *list, const struct diag *d);
/* For each kind held back: "FILE: note: N more like \"MESSAGE\" not
 * shown", and the counts start again. */
void diag_echo_rest(struct diag_list *list);

#endif
