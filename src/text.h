/* Text shown to a person: every string that came from outside (a file
 * name, an argument, a name from a profile) goes through here before it
 * reaches a terminal, so that it can neither drive the terminal nor look
 * like something it is not.
 *
 * One escape scheme everywhere (messages, tables, the explorer):
 *   - a control character (C0, DEL) and a byte that is not UTF-8: \xHH
 *   - a C1 control and an invisible character (bidirectional controls,
 *     zero-width characters, U+2028/U+2029, tags): \uHHHH (\UHHHHHHHH
 *     past U+FFFF)
 * Everything else, backslashes included, is shown as it is. */
#ifndef ENERGYLENS_TEXT_H
#define ENERGYLENS_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether a code point is invisible or reorders what is around it: the
 * bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9), the
 * zero-width and other default-ignorable format characters (U+180E,
 * U+200B-D, U+2060-F, U+FEFF, U+FFF9-B, tags U+E0000-7F) and the line
 * and paragraph separators U+2028/U+2029. Shown raw, two different names
 * look the same, or a name shows reversed. */
bool text_is_invisible(unsigned cp);
/* The first invisible character of the n bytes at s: its code point in
 * *cp and its byte offset in *at; false when there is none. */
bool text_find_invisible(const char *s, size_t n, unsigned *cp, size_t *at);
/* A few words on what kind of invisible character cp is, for messages. */
const char *text_invisible_kind(unsigned cp);

/* Writes the n bytes at s, escaped. */
void text_write(FILE *out, const char *s, size_t n);
/* Writes the string s escaped ("(null)" for NULL). */
void text_put(FILE *out, const char *s);
/* The n bytes at s escaped into buf (always NUL-terminated), cut after
 * max characters of s (0: no limit) or where buf is full, never inside a
 * character or an escape; "..." marks a cut. Returns buf. */
char *text_show(char *buf, size_t size, const char *s, size_t n, size_t max);
/* The bytes of the first max characters of s (all of s when shorter),
 * for "%.*s": a cut by characters, never inside one. */
int text_prefix(const char *s, size_t max);
/* Cuts off the end of s a character that a cut at a byte count (an
 * snprintf that ran out of room) left incomplete. */
void text_drop_partial(char *s);
/* The columns s takes on a terminal once escaped: wcwidth under the
 * user's locale (CJK takes two), one per character where it says
 * nothing. */
int text_width(const char *s);

/* fprintf, with every %s argument escaped; a width or precision given to
 * %s counts columns (text_width), not bytes, so tables line up with CJK
 * names. Other conversions are printf's. %n is not supported. */
int text_vfprintf(FILE *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
int text_fprintf(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* snprintf by text_fprintf's rules (arguments escaped, %s widths in
 * columns), cut where buf is full never inside a character. Returns buf. */
char *text_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct option;
/* After getopt_long returned '?' with opterr 0: says why on stderr, as
 * getopt would have ("PROG: unrecognized option '--x'", argv[0] is PROG),
 * with the argument escaped. */
void text_option_error(char *const argv[], const char *shortopts,
		       const struct option *longopts);

/* Why the len bytes at buf are not UTF-8 text as a whole, when they are
 * recognisably in another Unicode encoding ("UTF-16 text" by its byte
 * order mark or by the NUL bytes of ASCII in UTF-16; "UTF-32 text"); NULL
 * otherwise. Other problems are the parser's to find. */
const char *text_encoding_problem(const char *buf, size_t len);

/* Writes s as a YAML double-quoted scalar that reads back as exactly s:
 * quotes, backslashes, controls, C1, U+2028/U+2029 (line breaks to YAML,
 * which would fold them), U+FFFE/U+FFFF and the invisible characters as
 * escapes; a byte that is not UTF-8 (never in a name the loader read) as
 * U+FFFD. NULL is written as "". */
void text_yaml_quoted(FILE *out, const char *s);

#endif
