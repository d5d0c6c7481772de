/* The in-memory screen; see screen.h. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif

#include "screen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "utf8.h"

bool screen_init(struct screen *s, int width, int height)
{
	s->cells = NULL;
	s->width = s->height = 0;
	if (width <= 0 || height <= 0 || width > 4096 || height > 4096)
		return false;
	s->cells = calloc((size_t)width * (size_t)height, sizeof *s->cells);
	if (!s->cells)
		return false;
	s->width = width;
	s->height = height;
	screen_clear(s);
	return true;
}

void screen_free(struct screen *s)
{
	free(s->cells);
	s->cells = NULL;
	s->width = s->height = 0;
}

void screen_clear(struct screen *s)
{
	for (int i = 0; i < s->width * s->height; i++) {
		memcpy(s->cells[i].glyph, " ", 2);
		s->cells[i].element = 0;
	}
}

static struct screen_cell *cell(struct screen *s, int y, int x)
{
	if (y < 0 || y >= s->height || x < 0 || x >= s->width)
		return NULL;
	return &s->cells[y * s->width + x];
}

/* Columns a code point takes: 1 or 2, or 0 when it must not be drawn. */
static int columns(unsigned cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return 0;
	if (cp < 0x7f)
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w == 1 || w == 2 ? w : 0;
}

/* Steps over one character of text: its bytes in *len, its columns (0:
 * draw '?' in one column instead). */
static int next_char(const char *text, int *len)
{
	const unsigned char *p = (const unsigned char *)text;
	/* a NUL ends the text, so at most 4 bytes, up to one, are read */
	size_t avail = 0;
	while (avail < 4 && p[avail])
		avail++;
	*len = (int)utf8_len(p, avail);
	if (!*len) {
		*len = 1;
		return 0;
	}
	return columns(utf8_code_point(p, (size_t)*len));
}

/* The escape an invisible character (a bidirectional control, a
 * zero-width character: text.h) is drawn as, so that a name holding one
 * does not look like another or show reversed; its length, or 0 for any
 * other character. */
static int escape_of(const char *text, int len, char *esc, size_t size)
{
	unsigned cp = len > 1 ? utf8_code_point((const unsigned char *)text,
						(size_t)len)
			      : 0;
	if (!text_is_invisible(cp))
		return 0;
	return snprintf(esc, size, cp > 0xFFFF ? "\\U%08x" : "\\u%04x", cp);
}

int screen_width_of(const char *text)
{
	int width = 0, len;
	char esc[12];
	for (const char *p = text; *p; p += len) {
		int w = next_char(p, &len);
		if (!w)
			w = escape_of(p, len, esc, sizeof esc);
		width += w ? w : 1;
	}
	return width;
}

static void set(struct screen_cell *c, const char *bytes, int len, int element)
{
	memcpy(c->glyph, bytes, (size_t)len);
	c->glyph[len] = '\0';
	c->element = (unsigned char)element;
}

int screen_text(struct screen *s, int y, int x, int maxw, int element,
		const char *text)
{
	if (y < 0 || y >= s->height || x < 0)
		return 0;
	int limit = x + maxw < s->width ? x + maxw : s->width;
	int at = x, len;
	for (const char *p = text; *p && at < limit; p += len) {
		int w = next_char(p, &len);
		char esc[12];
		int n = w ? 0 : escape_of(p, len, esc, sizeof esc);
		for (int i = 0; i < n && at < limit; i++)
			set(cell(s, y, at++), esc + i, 1, element);
		if (w == 0 && n == 0)
			set(cell(s, y, at++), "?", 1, element);
		if (w == 0)
			continue;
		if (at + w > limit)
			break;
		set(cell(s, y, at++), p, len, element);
		if (w == 2)
			set(cell(s, y, at++), "", 0, element);
	}
	return at - x;
}

int screen_printf(struct screen *s, int y, int x, int maxw, int element,
		  const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return screen_text(s, y, x, maxw, element, buf);
}

void screen_fill(struct screen *s, int y, int x, int w, int element,
		 const char *glyph)
{
	for (int i = 0; i < w; i++)
		screen_text(s, y, x + i, 1, element, glyph);
}

void screen_paint(struct screen *s, int y, int x, int w, int element)
{
	for (int i = 0; i < w; i++) {
		struct screen_cell *c = cell(s, y, x + i);
		if (c)
			c->element = (unsigned char)element;
	}
}

void screen_write(const struct screen *s, FILE *out)
{
	for (int y = 0; y < s->height; y++) {
		const struct screen_cell *row = &s->cells[y * s->width];
		int end = s->width;
		while (end > 0 && strcmp(row[end - 1].glyph, " ") == 0)
			end--;
		for (int x = 0; x < end; x++)
			fputs(row[x].glyph, out);
		fputc('\n', out);
	}
}
