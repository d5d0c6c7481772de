#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* One kind of message in one file, by a hash of the file name, the
 * severity and the message without its numbers and quoted values (0: an
 * empty slot). Open addressing, power-of-two table. */
struct kind_slot {
	uint64_t key;
	size_t shown;
	size_t held; /* index + 1 into held, 0 when none held back */
};

/* What was held back of one kind, in the order first met. */
struct held {
	char *file, *example; /* the first message held back */
	enum diag_severity severity;
	size_t count;
};

struct diag_kinds {
	struct kind_slot *slots;
	size_t cap, count;
	struct held *held;
	size_t nheld, heldcap;
};

void diag_init(struct diag_list *list, FILE *echo)
{
	memset(list, 0, sizeof *list);
	list->echo = echo;
	list->echo_limit = DIAG_ECHO_LIMIT;
}

static void drop_held(struct diag_kinds *k)
{
	for (size_t i = 0; i < k->nheld; i++) {
		free(k->held[i].file);
		free(k->held[i].example);
	}
	free(k->held);
	k->held = NULL;
	k->nheld = k->heldcap = 0;
	for (size_t i = 0; i < k->cap; i++)
		k->slots[i].held = 0;
}

void diag_free(struct diag_list *list)
{
	/* held-back counts are never lost silently, whoever forgot them */
	diag_echo_rest(list);
	if (list->kinds) {
		drop_held(list->kinds);
		free(list->kinds->slots);
		free(list->kinds);
	}
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
	diag_echo(list, &d);
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

/* ---- at most echo_limit of a kind -------------------------------------- */

static uint64_t mix(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL; /* FNV-1a */
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Past a number ("2201.07", "-1e+06") starting at s. */
static const char *skip_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	while (is_digit(*s) || *s == '.' ||
	       ((*s == 'e' || *s == 'E') && is_digit(s[-1])) ||
	       ((*s == '-' || *s == '+') && (s[-1] == 'e' || s[-1] == 'E')))
		s++;
	return s;
}

/* The kind of a message: its text less numbers and 'quoted' values, which
 * differ from run to run while the problem is the same. An apostrophe
 * inside a word ("can't") opens no quote. */
static uint64_t kind_key(const struct diag *d)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = d->file; *p; p++)
		h = mix(h, (unsigned char)*p);
	h = mix(mix(h, 0), (unsigned char)d->severity);
	const char *m = d->message;
	for (const char *p = m; *p;) {
		bool sign = (*p == '-' || *p == '+') && is_digit(p[1]);
		if (is_digit(*p) || sign) {
			p = skip_number(p);
		} else if (*p == '\'' && (p == m || !is_alnum(p[-1]))) {
			const char *end = strchr(p + 1, '\'');
			p = end ? end + 1 : p + strlen(p);
		} else {
			h = mix(h, (unsigned char)*p++);
		}
	}
	return h ? h : 1;
}

static struct kind_slot *find_slot(struct diag_kinds *k, uint64_t key)
{
	size_t j = (size_t)(key ^ key >> 31) & (k->cap - 1);
	while (k->slots[j].key && k->slots[j].key != key)
		j = (j + 1) & (k->cap - 1);
	return &k->slots[j];
}

static bool kinds_grow(struct diag_kinds *k)
{
	struct diag_kinds bigger = *k;
	bigger.cap = k->cap ? k->cap * 2 : 64;
	if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
		return false;
	for (size_t i = 0; i < k->cap; i++)
		if (k->slots[i].key)
			*find_slot(&bigger, k->slots[i].key) = k->slots[i];
	free(k->slots);
	*k = bigger;
	return true;
}

/* d's slot, made when new; NULL when out of memory. */
static struct kind_slot *kind_of(struct diag_list *list, const struct diag *d)
{
	if (!list->kinds && !(list->kinds = calloc(1, sizeof *list->kinds)))
		return NULL;
	struct diag_kinds *k = list->kinds;
	if ((k->count + 1) * 2 > k->cap && !kinds_grow(k))
		return NULL;
	uint64_t key = kind_key(d);
	struct kind_slot *s = find_slot(k, key);
	if (!s->key) {
		s->key = key;
		k->count++;
	}
	return s;
}

static bool hold(struct diag_kinds *k, struct kind_slot *s,
		 const struct diag *d)
{
	if (s->held) {
		k->held[s->held - 1].count++;
		return true;
	}
	if (k->nheld == k->heldcap) {
		size_t cap = k->heldcap ? k->heldcap * 2 : 8;
		struct held *grown = realloc(k->held, cap * sizeof *grown);
		if (!grown)
			return false;
		k->held = grown;
		k->heldcap = cap;
	}
	struct held h = {strdup(d->file), strdup(d->message), d->severity, 1};
	if (!h.file || !h.example) {
		free(h.file);
		free(h.example);
		return false;
	}
	k->held[k->nheld++] = h;
	s->held = k->nheld;
	return true;
}

void diag_echo(struct diag_list *list, const struct diag *d)
{
	if (!list->echo)
		return;
	struct kind_slot *s = NULL;
	/* without a message or memory to count in, it is shown */
	if (list->echo_limit && d->file && d->message)
		s = kind_of(list, d);
	if (s && s->shown >= list->echo_limit && hold(list->kinds, s, d))
		return;
	if (s)
		s->shown++;
	diag_print(d, list->echo);
}

static void print_rest(const struct held *h, FILE *out)
{
	bool one = h->count == 1;
	put_escaped(h->file, out);
	fprintf(out, ": note: %zu more %s like \"", h->count,
		h->severity == DIAG_ERROR ? (one ? "error" : "errors")
					  : (one ? "warning" : "warnings"));
	put_escaped(h->example, out);
	fputs("\" not shown (energylens check --all-messages shows every "
	      "one)\n",
	      out);
}

void diag_echo_rest(struct diag_list *list)
{
	struct diag_kinds *k = list->kinds;
	if (!k || !k->nheld)
		return;
	for (size_t i = 0; list->echo && i < k->nheld; i++) {
		char *line = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&line, &len);
		if (mem) {
			print_rest(&k->held[i], mem);
			if (fclose(mem) == 0)
				fwrite(line, 1, len, list->echo);
			free(line);
		} else {
			print_rest(&k->held[i], list->echo);
		}
	}
	drop_held(k);
}
