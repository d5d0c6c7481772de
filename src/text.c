/* Text shown to a person; see text.h. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif

#include "text.h"

#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "utf8.h"

bool text_is_invisible(unsigned cp)
{
	return cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
	       (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	       (cp >= 0xE0000 && cp <= 0xE007F);
}

const char *text_invisible_kind(unsigned cp)
{
	if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return "a bidirectional control, which reorders the text shown";
	if (cp == 0x2028 || cp == 0x2029)
		return "a line or paragraph separator";
	return "a zero-width character, which makes different text look "
	       "the same";
}

bool text_find_invisible(const char *s, size_t n, unsigned *cp, size_t *at)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		k = utf8_len(p + i, n - i);
		/* every invisible character takes two bytes or more */
		if (k > 1 && text_is_invisible(utf8_code_point(p + i, k))) {
			*cp = utf8_code_point(p + i, k);
			*at = i;
			return true;
		}
	}
	return false;
}

/* How the character at p (avail > 0 bytes) is shown: its length in *len,
 * and the escape in esc (at least 12 bytes), or "" when it is shown as it
 * is, with its columns in *cols. */
static void escape_at(const unsigned char *p, size_t avail, size_t *len,
		      char *esc, int *cols)
{
	size_t k = utf8_len(p, avail);
	esc[0] = '\0';
	*len = k ? k : 1;
	*cols = 1;
	if (!k) {
		snprintf(esc, 12, "\\x%02x", p[0]); /* not UTF-8 */
	} else if (k == 1) {
		if (p[0] < 0x20 || p[0] == 0x7F)
			snprintf(esc, 12, "\\x%02x", p[0]);
	} else {
		unsigned cp = utf8_code_point(p, k);
		if (utf8_is_control(cp) || text_is_invisible(cp)) {
			snprintf(esc, 12, cp > 0xFFFF ? "\\U%08x" : "\\u%04x",
				 cp);
		} else {
			int w = wcwidth((wchar_t)cp);
			/* -1: a locale that is not UTF-8 (or an unassigned
			 * code point); the terminal shows something anyway */
			*cols = w < 0 ? 1 : w;
		}
	}
	if (esc[0])
		*cols = (int)strlen(esc);
}

void text_write(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[12];
	size_t len;
	int cols;
	for (size_t i = 0; i < n; i += len) {
		escape_at(p + i, n - i, &len, esc, &cols);
		if (esc[0])
			fputs(esc, out);
		else
			fwrite(p + i, 1, len, out);
	}
}

void text_put(FILE *out, const char *s)
{
	if (!s)
		s = "(null)";
	text_write(out, s, strlen(s));
}

char *text_show(char *buf, size_t size, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[12];
	size_t o = 0, len, chars = 0;
	int cols;
	if (size == 0)
		return buf;
	/* whether all of it fits: else each character leaves room for
	 * the "..." that will follow */
	size_t whole = 0;
	for (size_t i = 0; i < n && whole < size; i += len, chars++) {
		escape_at(p + i, n - i, &len, esc, &cols);
		whole += esc[0] ? strlen(esc) : len;
	}
	size_t reserve = whole < size && (!max || chars <= max) ? 1 : 4;
	chars = 0;
	for (size_t i = 0; i < n; i += len, chars++) {
		escape_at(p + i, n - i, &len, esc, &cols);
		size_t need = esc[0] ? strlen(esc) : len;
		if ((max && chars == max) || o + need + reserve > size) {
			if (o + 4 <= size)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		memcpy(buf + o, esc[0] ? esc : (const char *)p + i, need);
		o += need;
	}
	buf[o] = '\0';
	return buf;
}

int text_prefix(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	for (size_t chars = 0; i < n && chars < max && i < INT_MAX;
	     i += k, chars++)
		if (!(k = utf8_len(p + i, n - i)))
			k = 1; /* a byte that is not UTF-8 counts as one */
	return (int)i;
}

void text_drop_partial(char *s)
{
	size_t n = strlen(s), start = n;
	/* back over continuation bytes to the last lead byte */
	while (start > 0 && n - start < 4 &&
	       ((unsigned char)s[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0 || (unsigned char)s[start - 1] < 0xC0)
		return;
	start--;
	if (!utf8_len((const unsigned char *)s + start, n - start))
		s[start] = '\0';
}

/* Columns of the first n bytes of s, escaped; stops after max columns
 * (a negative max: no limit), with the bytes that fit in *fit. */
static int width_of(const char *s, size_t n, int max, size_t *fit)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[12];
	size_t len, i = 0;
	int cols, total = 0;
	for (; i < n; i += len) {
		escape_at(p + i, n - i, &len, esc, &cols);
		if (max >= 0 && total + cols > max)
			break;
		total += cols;
	}
	if (fit)
		*fit = i;
	return total;
}

int text_width(const char *s)
{
	return s ? width_of(s, strlen(s), -1, NULL) : 6;
}

/* ---- printf ------------------------------------------------------------- */

/* One %s: s escaped, cut to prec columns (prec < 0: whole) and padded to
 * width columns, on the left unless left is set. */
static int put_string(FILE *out, const char *s, int width, int prec, bool left)
{
	if (!s)
		s = "(null)";
	size_t n;
	int cols = width_of(s, strlen(s), prec, &n);
	int pad = width > cols ? width - cols : 0;
	for (int i = 0; !left && i < pad; i++)
		putc(' ', out);
	text_write(out, s, n);
	for (int i = 0; left && i < pad; i++)
		putc(' ', out);
	return cols + pad;
}

/* A conversion other than %s: the argument is taken by its type (the
 * length modifier and the conversion, which the format attribute has
 * checked at the call) and printed by fprintf with the same spec, whose
 * '*' were replaced by their values. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int put_other(FILE *out, const char *spec, const char *length, char conv,
		     va_list *ap)
{
	bool l = length[0] == 'l' && length[1] != 'l';
	bool ll = length[0] == 'l' && length[1] == 'l';
	switch (conv) {
	case 'd':
	case 'i':
		if (ll)
			return fprintf(out, spec, va_arg(*ap, long long));
		if (l)
			return fprintf(out, spec, va_arg(*ap, long));
		if (length[0] == 'z')
			return fprintf(out, spec, va_arg(*ap, ssize_t));
		if (length[0] == 'j')
			return fprintf(out, spec, va_arg(*ap, intmax_t));
		if (length[0] == 't')
			return fprintf(out, spec, va_arg(*ap, ptrdiff_t));
		return fprintf(out, spec, va_arg(*ap, int));
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		if (ll)
			return fprintf(out, spec,
				       va_arg(*ap, unsigned long long));
		if (l)
			return fprintf(out, spec, va_arg(*ap, unsigned long));
		if (length[0] == 'z')
			return fprintf(out, spec, va_arg(*ap, size_t));
		if (length[0] == 'j')
			return fprintf(out, spec, va_arg(*ap, uintmax_t));
		if (length[0] == 't')
			return fprintf(out, spec, va_arg(*ap, ptrdiff_t));
		return fprintf(out, spec, va_arg(*ap, unsigned));
	case 'c': {
		/* a character is text too */
		char c = (char)va_arg(*ap, int);
		char esc[12];
		size_t len;
		int cols;
		escape_at((const unsigned char *)&c, 1, &len, esc, &cols);
		return esc[0] ? fputs(esc, out) : putc(c, out);
	}
	case 'p':
		return fprintf(out, spec, va_arg(*ap, void *));
	default: /* the floating-point conversions */
		if (length[0] == 'L')
			return fprintf(out, spec, va_arg(*ap, long double));
		return fprintf(out, spec, va_arg(*ap, double));
	}
}
#pragma GCC diagnostic pop

static int format_to(FILE *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int format_to(FILE *out, const char *fmt, va_list ap)
{
	va_list args;
	va_copy(args, ap);
	int total = 0;
	const char *p = fmt;
	while (*p) {
		if (*p != '%' || p[1] == '%') {
			putc(*p, out);
			p += *p == '%' ? 2 : 1;
			total++;
			continue;
		}
		char spec[64] = "%", length[3] = "";
		size_t o = 1;
		bool left = false;
		int width = 0, prec = -1;
		for (p++; *p && strchr("-+ #0", *p); p++) {
			left |= *p == '-';
			if (*p != '-' && o < 8)
				spec[o++] = *p;
		}
		if (*p == '*') {
			width = va_arg(args, int);
			left |= width < 0;
			width = abs(width);
			p++;
		} else {
			width = (int)strtol(p, (char **)&p, 10);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				prec = va_arg(args, int);
				p++;
			} else {
				prec = (int)strtol(p, (char **)&p, 10);
			}
		}
		for (size_t k = 0; k < 2 && *p && strchr("hljztL", *p); p++)
			length[k++] = *p;
		char conv = *p ? *p++ : 's';
		if (conv == 's') {
			total += put_string(out, va_arg(args, const char *),
					    width, prec, left);
			continue;
		}
		if (left)
			spec[o++] = '-';
		if (width > 0)
			o += (size_t)snprintf(spec + o, sizeof spec - o, "%d",
					      width);
		if (prec >= 0)
			o += (size_t)snprintf(spec + o, sizeof spec - o, ".%d",
					      prec);
		snprintf(spec + o, sizeof spec - o, "%s%c", length, conv);
		int n = put_other(out, spec, length, conv, &args);
		total += n > 0 ? n : 0;
	}
	va_end(args);
	return total;
}

/* One write per message, as diag_print does: stderr is unbuffered, and a
 * system call per character is slow and lets other output interleave. */
int text_vfprintf(FILE *out, const char *fmt, va_list ap)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return format_to(out, fmt, ap);
	int n = format_to(mem, fmt, ap);
	if (fclose(mem) == 0)
		fwrite(text, 1, len, out);
	else
		n = format_to(out, fmt, ap);
	free(text);
	return n;
}

int text_fprintf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = text_vfprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

int text_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = text_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

char *text_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	if (size == 0)
		return buf;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	buf[0] = '\0';
	if (!mem)
		return buf;
	va_list ap;
	va_start(ap, fmt);
	format_to(mem, fmt, ap);
	va_end(ap);
	if (fclose(mem) == 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(buf, text, n);
		buf[n] = '\0';
		if (n < len)
			text_drop_partial(buf);
	}
	free(text);
	return buf;
}

/* ---- encodings ---------------------------------------------------------- */

const char *text_encoding_problem(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	if (len >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && !p[2] && !p[3]) ||
			 (!p[0] && !p[1] && p[2] == 0xFE && p[3] == 0xFF)))
		return "UTF-32 text";
	if (len >= 2 &&
	    ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return "UTF-16 text";
	/* No byte order mark: ASCII in UTF-16 has a NUL in every other
	 * byte, which no UTF-8 text has. */
	if (len >= 4 && ((p[0] && !p[1] && p[2] && !p[3]) ||
			 (!p[0] && p[1] && !p[2] && p[3])))
		return "UTF-16 text";
	return NULL;
}

/* ---- YAML --------------------------------------------------------------- */

void text_yaml_quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	putc('"', out);
	for (size_t i = 0, k; i < n; i += k) {
		k = utf8_len(p + i, n - i);
		unsigned cp = k ? utf8_code_point(p + i, k) : 0xFFFD;
		if (!k)
			k = 1;
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp < 0x20 || cp == 0x7F)
			fprintf(out, "\\x%02X", cp);
		else if (utf8_is_control(cp) || text_is_invisible(cp) ||
			 cp == 0xFFFE || cp == 0xFFFF || cp == 0xFFFD)
			fprintf(out, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
		else
			fwrite(p + i, 1, k, out);
	}
	putc('"', out);
}

/* ---- option errors ------------------------------------------------------ */

/* getopt's own messages quote the argument raw (opterr); this says the
 * same, escaped. */
void text_option_error(char *const argv[], const char *shortopts,
		       const struct option *longopts)
{
	const char *prog = argv[0], *arg = optind > 0 ? argv[optind - 1] : "";
	bool long_option = strncmp(arg, "--", 2) == 0;
	if (optopt && !long_option) {
		/* a short option: unknown, or its argument missing */
		char c[2] = {(char)optopt, '\0'};
		text_fprintf(stderr,
			     strchr(shortopts, optopt) && optopt != ':'
				     ? "%s: option requires an argument -- "
				       "'%s'\n"
				     : "%s: invalid option -- '%s'\n",
			     prog, c);
		return;
	}
	const char *name = long_option ? arg + 2 : arg;
	size_t len = strcspn(name, "=");
	const struct option *exact = NULL;
	int prefixed = 0;
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		prefixed++;
		if (strlen(o->name) == len || prefixed == 1)
			exact = o;
	}
	if (!optopt && prefixed > 1) {
		text_fprintf(stderr,
			     "%s: option '%s' is ambiguous; possibilities:",
			     prog, arg);
		for (const struct option *o = longopts; o->name; o++)
			if (strncmp(o->name, name, len) == 0)
				text_fprintf(stderr, " '--%s'", o->name);
		putc('\n', stderr);
	} else if (!optopt || !exact)
		text_fprintf(stderr, "%s: unrecognized option '%s'\n", prog,
			     arg);
	else if (exact->has_arg == no_argument)
		text_fprintf(stderr,
			     "%s: option '--%s' doesn't allow an argument\n",
			     prog, exact->name);
	else
		text_fprintf(stderr, "%s: option '--%s' requires an argument\n",
			     prog, exact->name);
}
