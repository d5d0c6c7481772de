/* A screen in memory: what the TUI draws, as cells of one character and
 * one theme element each. The curses front end copies it to the terminal,
 * 'energylens snapshot' prints it as text, and the tests compare it, so
 * all three see exactly the same screen. */
#ifndef ENERGYLENS_SCREEN_H
#define ENERGYLENS_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

/* A cell holds one character as UTF-8. A wide character (two columns)
 * takes its cell and leaves the next one empty (glyph ""). */
struct screen_cell {
	char glyph[5];
	unsigned char element; /* enum theme_element */
};

struct screen {
	int width, height;
	struct screen_cell *cells;
};

/* Returns false when out of memory or the size is not positive. */
bool screen_init(struct screen *s, int width, int height);
void screen_free(struct screen *s);
/* Blanks every cell with the default element. */
void screen_clear(struct screen *s);

/* Writes UTF-8 text from (y, x), at most maxw columns and never past the
 * screen's edge; returns the columns written. A byte that is not valid
 * UTF-8, a control character or a character of no width is written as
 * '?', so data can never move the cursor of the real terminal. */
int screen_text(struct screen *s, int y, int x, int maxw, int element,
		const char *text);
int screen_printf(struct screen *s, int y, int x, int maxw, int element,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fills w columns from (y, x) with one character (a UTF-8 string of one
 * column). */
void screen_fill(struct screen *s, int y, int x, int w, int element,
		 const char *glyph);
/* Gives w cells from (y, x) another element, keeping their characters. */
void screen_paint(struct screen *s, int y, int x, int w, int element);
/* The columns a UTF-8 string takes when written (as screen_text does). */
int screen_width_of(const char *text);

/* Each row as text, trailing blanks removed, each ended by '\n'. */
void screen_write(const struct screen *s, FILE *out);

#endif
