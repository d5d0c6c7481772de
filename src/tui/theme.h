/* Themes: how each element of the screen is drawn (foreground, background,
 * attributes) and which character each kind of term's bar uses. A theme is
 * a plain file (themes/NAME.theme, see energylens(1)):
 *
 *   # comment
 *   element = fg bg [attr...]      e.g.  bar.compute = green default bold
 *   glyph.KIND = C                 e.g.  glyph.memory = =
 *
 * Colours: default, the eight names (black red green yellow blue magenta
 * cyan white), bright-NAME, or a number 0-255. Attributes: normal bold dim
 * underline reverse standout blink italic. A file sets only what it
 * changes: every element starts from the compiled-in dark theme. The
 * theme module knows nothing of curses; the front end maps the values. */
#ifndef ENERGYLENS_THEME_H
#define ENERGYLENS_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

enum theme_element {
	EL_DEFAULT,	  /* "default": everything not named below */
	EL_HEADER,	  /* "header": the top lines */
	EL_TITLE,	  /* "title": a pane's title */
	EL_TITLE_FOCUS,	  /* "title.focus": the focused pane's title */
	EL_STATUS,	  /* "status": the key hints on the last line */
	EL_CURSOR,	  /* "cursor": the selected row or cell */
	EL_DIM,		  /* "dim": secondary text (units, held params) */
	EL_KNOB,	  /* "knob": a knob's value */
	EL_KNOB_SELECTED, /* "knob.selected": the knob the keys turn */
	EL_EDIT,	  /* "edit": a value being typed */
	EL_BAR_COMPUTE,	  /* "bar.compute" */
	EL_BAR_MEMORY,	  /* "bar.memory" */
	EL_BAR_TP,	  /* "bar.tp" */
	EL_BAR_PP,	  /* "bar.pp" */
	EL_BAR_IDLE,	  /* "bar.idle" */
	EL_ENERGY_BEST,	  /* "energy.best": the energy-optimal row */
	EL_LATENCY_BEST,  /* "latency.best": the latency-optimal row */
	EL_BANNER,	  /* "banner": the divergence banner */
	EL_MAP_SAME,	  /* "map.same": a cell where the optima agree */
	EL_MAP_DIVERGE,	  /* "map.diverge": a cell where they differ */
	EL_GOOD,	  /* "good": a fit quality that is fine */
	EL_WARN,	  /* "warn": a fit quality to doubt */
	EL_ERROR,	  /* "error": a message about a failure */
	EL_HELP_KEY,	  /* "help.key": a key in the help view */
	THEME_ELEMENTS
};

/* Colour values: THEME_COLOR_DEFAULT (the terminal's own), 0-255. */
#define THEME_COLOR_DEFAULT (-1)

enum theme_attr {
	THEME_BOLD = 1 << 0,
	THEME_DIM = 1 << 1,
	THEME_UNDERLINE = 1 << 2,
	THEME_REVERSE = 1 << 3,
	THEME_STANDOUT = 1 << 4,
	THEME_BLINK = 1 << 5,
	THEME_ITALIC = 1 << 6,
};

struct theme_style {
	short fg, bg;	/* THEME_COLOR_DEFAULT or 0-255 */
	unsigned attrs; /* enum theme_attr bits */
};

#define THEME_NAME_MAX 64

struct theme {
	char name[THEME_NAME_MAX];
	struct theme_style style[THEME_ELEMENTS];
	/* The character of each kind's bar (enum model_kind) when colour
	 * cannot tell the kinds apart: one printable ASCII character. */
	char glyph[5];
	/* The theme asks for glyphs even in colour (monochrome themes). */
	bool glyphs_always;
};

/* The element's name in theme files ("bar.compute"), and back (-1). */
const char *theme_element_name(enum theme_element e);
int theme_element_lookup(const char *name);

/* The compiled-in dark theme, the base of every other. */
void theme_default(struct theme *t);

/* Parses a theme held in memory over the compiled-in default; name is the
 * file name used in messages ("file:line:col: what (expected ...)"), and
 * the theme's name is set by the caller. Returns false after adding every
 * problem to diags. */
bool theme_parse(struct theme *t, const char *name, const char *text,
		 size_t len, struct diag_list *diags);
/* Reads and parses a file; the theme's name is the file's base name less
 * ".theme". */
bool theme_load(struct theme *t, const char *path, struct diag_list *diags);

/* The themes a user can cycle through: the compiled-in default first, then
 * every *.theme under each directory in dirs (in order; a later file of
 * the same name replaces an earlier one, so user themes override the
 * installed ones), sorted by name with "dark" first. Files that fail to
 * parse are reported in diags and left out. Directories that do not exist
 * are skipped silently. Returns the count, or 0 when out of memory. */
size_t theme_list_load(struct theme **out, const char *const *dirs,
		       size_t ndirs, struct diag_list *diags);
/* Index of a theme by name in a list, or -1. */
long theme_find(const struct theme *list, size_t n, const char *name);

/* A 256-colour value reduced to the nearest of the first 8 (for terminals
 * with fewer colours); DEFAULT and 0-7 are kept, 8-15 lose brightness. */
short theme_color_to_8(short color);

#endif
