#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void diag_init(struct diag_list *list, FILE *echo)
{
	memset(list, 0, sizeof *list);
	list->echo = echo;
}

void diag_free(struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].file);
		free(list->items[i].message);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

static char *format_message(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static char *format_message(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void diag_add(struct diag_list *list, enum diag_severity severity,
	      const char *file, unsigned line, unsigned col, const char *fmt,
	      ...)
{
	struct diag d = {severity, NULL, line, col, NULL};
	va_list ap;
	va_start(ap, fmt);
	d.message = format_message(fmt, ap);
	va_end(ap);
	d.file = strdup(file ? file : "");
	if (severity == DIAG_ERROR)
		list->errors++;
	else
		list->warnings++;
	if (list->echo)
		diag_print(&d, list->echo);
	/* Out of memory: the count above still makes the command fail, and
	 * the echo still told the user; only the stored copy is lost. */
	if (!d.file || !d.message) {
		free(d.file);
		free(d.message);
		return;
	}
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct diag *items = realloc(list->items, cap * sizeof *items);
		if (!items) {
			free(d.file);
			free(d.message);
			return;
		}
		list->items = items;
		list->cap = cap;
	}
	list->items[list->count++] = d;
}

/* Messages quote file names and what was read (a CSV cell, a key): a
 * control character in them would be obeyed by the terminal (ESC starts a
 * command) or split the file:line:col line, a byte that is not UTF-8
 * garbles it, and a bidirectional control reorders it, so all of them are
 * written escaped (text.h). */
static void put_escaped(const char *s, FILE *out)
{
	text_put(out, s);
}

static void print_to(const struct diag *d, FILE *out)
{
	put_escaped(d->file ? d->file : "?", out);
	if (d->line)
		fprintf(out, ":%u:%u", d->line, d->col);
	fputs(d->severity == DIAG_WARNING ? ": warning: " : ": ", out);
	put_escaped(d->message ? d->message : "(out of memory)", out);
	putc('\n', out);
}

/* One write per message: stderr is unbuffered, and a character at a time
 * made a hundred thousand warnings cost seconds of system calls. */
void diag_print(const struct diag *d, FILE *out)
{
	char *line = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&line, &len);
	if (!mem) {
		print_to(d, out);
		return;
	}
	print_to(d, mem);
	if (fclose(mem) == 0)
		fwrite(line, 1, len, out);
	else
		print_to(d, out);
	free(line);
}
