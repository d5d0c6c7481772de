/* What each key does, in one table: the application dispatches on it and
 * the help view lists it, so the two cannot disagree (as tig keeps its
 * bindings). Keys are curses key codes; a key script for the headless
 * tests is parsed into the same codes. */
#ifndef ENERGYLENS_KEYS_H
#define ENERGYLENS_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

enum keys_action {
	ACT_NONE,
	ACT_QUIT,
	ACT_HELP,
	ACT_BACK,
	ACT_VIEW_MAIN,
	ACT_VIEW_MAP,
	ACT_VIEW_FIT,
	ACT_NEXT_PANE,
	ACT_PREV_PANE,
	ACT_UP,
	ACT_DOWN,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_TURN_DOWN,
	ACT_TURN_UP,
	ACT_TYPE,
	ACT_DEFAULT_KNOBS,
	ACT_SEARCH,
	ACT_SEARCH_NEXT,
	ACT_FILTER,
	ACT_COMPARE,
	ACT_THEME,
	ACT_MAP_AXIS,
	ACT_ENTER,
	ACT_RELOAD,
	ACT_REDRAW,
	ACT_EXPORT,
	ACT_UNIT,
};

/* A key code that stands for a terminal resize in a key script, read as
 * <Resize WxH>: the size travels beside it. */
#define KEYS_RESIZE_SCRIPT (-2)

struct keys_binding {
	const char *keys; /* as the help shows them */
	const char *what;
	enum keys_action action;
	unsigned views; /* bit (1 << view) per view it works in */
};

/* The bindings in help order, ended by one with keys == NULL. */
extern const struct keys_binding keys_bindings[];

/* The action of a key in a view. */
enum keys_action keys_action(enum layout_view view, int key);

/* One step of a key script: a key code, or a resize to width x height. */
struct keys_step {
	int key;
	int width, height; /* for KEYS_RESIZE_SCRIPT */
};

/* Parses a key script: characters stand for themselves; <Name> for a
 * special key (Up Down Left Right PgUp PgDn Home End Tab BTab Enter Esc
 * Backspace Space F1..F12 lt), <Resize WxH> for a resize; white space
 * between keys is ignored (type a space as <Space>) and a line starting
 * with '#' is a comment. Returns the number of steps, or -1 after writing
 * "name:line:col: what is wrong" into err. */
long keys_parse_script(const char *name, const char *text,
		       struct keys_step *out, size_t max, char *err,
		       size_t errsize);

#endif
