/* What keys and the mouse do to the explorer's state; the bindings are in
 * keys.c. Split from app.c, which loads and ranks. */
#include <curses.h> /* key codes only */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_internal.h"

/* ---- knobs -------------------------------------------------------------- */

static void turn(struct app *a, enum workspace_knob k, int dir)
{
	struct workspace_knobs before = a->knobs;
	workspace_knob_turn(&a->knobs, k, dir);
	/* at a limit the key changes nothing, and nothing is recomputed */
	if (!workspace_knobs_same(&before, &a->knobs))
		app_recompute(a);
}

/* A typed value for knob k; false (with a message) when it is not one. */
static bool set_knob(struct app *a, enum workspace_knob k, const char *text)
{
	double v;
	if (k == WS_GPUS &&
	    (strcmp(text, "m") == 0 || strcmp(text, "measured") == 0))
		text = "0";
	if (!workspace_knob_parse(k, text, &v)) {
		char why[200];
		workspace_knob_error(k, text, false, why, sizeof why);
		app_message(a, true, "%s", why);
		return false;
	}
	workspace_knob_set(&a->knobs, k, v + 0.0); /* -0 reads as 0 */
	return true;
}

/* ---- typing in the status line ----------------------------------------- */

/* The next workload of the list (in its order, from the one shown) whose
 * name, model, hardware or engine hold every word searched for. */
static void search(struct app *a, bool from_next)
{
	const struct wlist *l = &a->list;
	long at = wlist_row_of(l, a->workload);
	for (size_t i = from_next ? 1 : 0; i <= l->n; i++) {
		size_t row = ((size_t)(at < 0 ? 0 : at) + i) % l->n;
		long w = l->rows[row].workload;
		if (w >= 0 &&
		    wlist_matches(&a->ws.set.workloads[w], a->search)) {
			if ((size_t)w != a->workload)
				app_select_workload(a, (size_t)w);
			app_fix_scroll(a);
			return;
		}
	}
	app_message(a, true, "no workload%s matches '%s'",
		    a->filter[0] ? " in the filtered list" : "", a->search);
}

/* Keeps only the workloads matching every word typed (none: all of
 * them); the one shown moves to the first match when it does not. */
static void filter_list(struct app *a, const char *words)
{
	char old[sizeof a->filter];
	snprintf(old, sizeof old, "%s", a->filter);
	snprintf(a->filter, sizeof a->filter, "%s", words);
	if (!app_build_list(a) || (!a->list.shown && words[0])) {
		snprintf(a->filter, sizeof a->filter, "%s", old);
		app_build_list(a);
		app_message(a, true,
			    "no workload matches '%s': the list is as it was",
			    words);
		return;
	}
	if (wlist_row_of(&a->list, a->workload) < 0)
		app_select_workload(a, (size_t)wlist_first(&a->list));
	if (words[0])
		app_message(a, false,
			    "%zu workload%s match '%s' (& and Enter: all)",
			    a->list.shown, a->list.shown == 1 ? "" : "s",
			    words);
	app_fix_scroll(a);
}

static void finish_edit(struct app *a)
{
	if (a->editing == EDIT_KNOB) {
		if (a->edit[0] && set_knob(a, a->knob, a->edit))
			app_recompute(a);
		if (a->view == VIEW_MAP)
			app_map_to_knobs(a);
	} else if (a->editing == EDIT_EXPORT) {
		if (a->edit[0])
			app_export(a, a->edit);
	} else if (a->editing == EDIT_FILTER) {
		filter_list(a, a->edit);
	} else if (a->edit[0]) {
		snprintf(a->search, sizeof a->search, "%s", a->edit);
		search(a, false);
	}
	a->editing = EDIT_NONE;
}

static void edit_key(struct app *a, int key)
{
	size_t len = strlen(a->edit);
	if (key == 27) {
		a->editing = EDIT_NONE;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		finish_edit(a);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (len)
			a->edit[len - 1] = '\0';
		else
			a->editing = EDIT_NONE;
	} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof a->edit &&
		   (a->editing != EDIT_KNOB || key != ' ')) {
		a->edit[len] = (char)key;
		a->edit[len + 1] = '\0';
	}
}

/* ---- moving ------------------------------------------------------------- */

static size_t moved(size_t at, long by, size_t count)
{
	if (count == 0)
		return 0;
	long to = (long)at + by;
	return to < 0 ? 0 : to >= (long)count ? count - 1 : (size_t)to;
}

static void move_table(struct app *a, long by)
{
	if (!a->rank.n)
		return;
	a->cursor = moved(a->cursor, by, a->rank.n);
	a->cursor_layout = a->rank.c[a->cursor].layout;
	app_cursor_terms(a);
	app_fix_scroll(a);
}

/* by workloads on in the list's order (its titles are not stops) */
static void move_workload(struct app *a, long by)
{
	long w = wlist_step(&a->list, a->workload, by);
	if (w >= 0 && (size_t)w != a->workload)
		app_select_workload(a, (size_t)w);
	app_fix_scroll(a);
}

static void move_map(struct app *a, int rows, int cols)
{
	int nr = (int)a->grid.nrows, nc = (int)a->grid.ncols;
	int r = a->map_row + rows, c = a->map_col + cols;
	a->map_row = r < 0 ? 0 : r >= nr ? nr - 1 : r;
	a->map_col = c < 0 ? 0 : c >= nc ? nc - 1 : c;
	struct workspace_knobs before = a->knobs;
	a->knobs.at.batch = (unsigned)a->grid.rows[a->map_row];
	if (a->map_output)
		a->knobs.at.output = a->grid.cols[a->map_col];
	else
		a->knobs.at.input = a->grid.cols[a->map_col];
	if (!workspace_knobs_same(&before, &a->knobs))
		app_recompute(a);
	app_fix_scroll(a);
}

/* The last first line of the fit view's residuals (a row per workload of
 * the group) or of help (a line per key, and the legend's APP_HELP_EXTRA
 * lines). */
static int scroll_max(const struct app *a)
{
	struct layout l;
	app_layout(a, &l);
	int total, shown;
	if (a->view == VIEW_FIT) {
		total = a->group >= 0 ? (int)a->ws.ds.groups[a->group].nworkloads
				      : 0;
		shown = l.pane[PANE_RESIDUALS].h - 1;
	} else {
		total = APP_HELP_EXTRA;
		while (keys_bindings[total - APP_HELP_EXTRA].keys)
			total++;
		shown = l.pane[PANE_HELP].h - 1;
	}
	return total > shown ? total - shown : 0;
}

/* Up and down (by < 0 is up) in whatever the view and focus move. */
static void vertical(struct app *a, long by)
{
	switch (a->view) {
	case VIEW_MAIN:
		if (a->focus == FOCUS_WORKLOADS)
			move_workload(a, by);
		else if (a->focus == FOCUS_TABLE)
			move_table(a, by);
		else if (by == -1 || by == 1)
			turn(a, a->knob, by < 0 ? 1 : -1);
		break;
	case VIEW_MAP:
		move_map(a, (int)by, 0);
		break;
	default:
		a->scroll[a->view] += (int)by;
		if (a->scroll[a->view] > scroll_max(a))
			a->scroll[a->view] = scroll_max(a);
		if (a->scroll[a->view] < 0)
			a->scroll[a->view] = 0;
		break;
	}
}

/* A page: the rows the pane that scrolls shows, less two for context. */
static int page(const struct app *a)
{
	struct layout l;
	app_layout(a, &l);
	int rows = a->view == VIEW_MAP		 ? l.pane[PANE_MAP].h - 2
		   : a->view == VIEW_FIT	 ? l.pane[PANE_RESIDUALS].h - 1
		   : a->view == VIEW_HELP	 ? l.pane[PANE_HELP].h - 1
		   : a->focus == FOCUS_WORKLOADS ? l.pane[PANE_WORKLOADS].h - 1
						 : l.pane[PANE_TABLE].h - 1;
	return rows > 3 ? rows - 2 : 1;
}

static void go_view(struct app *a, enum layout_view v)
{
	if (a->view == VIEW_MAIN || a->view == VIEW_MAP || a->view == VIEW_FIT)
		a->back = a->view == v ? VIEW_MAIN : a->view;
	if (v == VIEW_MAP)
		app_map_to_knobs(a);
	a->view = v;
	a->scroll[v] = v == VIEW_HELP ? 0 : a->scroll[v];
	app_refresh_view(a);
}

static void start_edit(struct app *a, int kind)
{
	a->editing = kind;
	a->edit[0] = '\0';
}

static void act(struct app *a, enum keys_action action)
{
	switch (action) {
	case ACT_QUIT:
		a->quit = true;
		break;
	case ACT_HELP:
		go_view(a, VIEW_HELP);
		break;
	case ACT_BACK:
		a->view = a->view == VIEW_HELP ? a->back : VIEW_MAIN;
		app_refresh_view(a);
		break;
	case ACT_ENTER:
		move_map(a, 0, 0); /* the cell's knobs, as the key says */
		a->view = VIEW_MAIN;
		break;
	case ACT_VIEW_MAIN:
		a->view = VIEW_MAIN;
		break;
	case ACT_VIEW_MAP:
		go_view(a, a->view == VIEW_MAP ? VIEW_MAIN : VIEW_MAP);
		break;
	case ACT_VIEW_FIT:
		go_view(a, a->view == VIEW_FIT ? VIEW_MAIN : VIEW_FIT);
		break;
	case ACT_NEXT_PANE:
	case ACT_PREV_PANE:
		a->focus = (a->focus + (action == ACT_NEXT_PANE ? 1 : 2)) %
			   FOCUS_COUNT;
		break;
	case ACT_UP:
	case ACT_DOWN:
		vertical(a, action == ACT_UP ? -1 : 1);
		break;
	case ACT_LEFT:
	case ACT_RIGHT:
		if (a->view == VIEW_MAP)
			move_map(a, 0, action == ACT_LEFT ? -1 : 1);
		else
			a->knob = (a->knob + (action == ACT_LEFT
							      ? WS_KNOB_COUNT - 1
							      : 1)) %
				  WS_KNOB_COUNT;
		break;
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
		vertical(a, (action == ACT_PAGE_UP ? -1 : 1) * page(a));
		break;
	case ACT_HOME:
	case ACT_END:
		vertical(a, (action == ACT_HOME ? -1 : 1) * 1000000L);
		break;
	case ACT_TURN_DOWN:
	case ACT_TURN_UP:
		turn(a, a->knob, action == ACT_TURN_UP ? 1 : -1);
		if (a->view == VIEW_MAP)
			app_map_to_knobs(a);
		break;
	case ACT_TYPE:
		start_edit(a, EDIT_KNOB);
		break;
	case ACT_DEFAULT_KNOBS: {
		struct workspace_knobs before = a->knobs;
		app_default_knobs(a);
		if (!workspace_knobs_same(&before, &a->knobs))
			app_recompute(a);
		if (a->view == VIEW_MAP)
			app_map_to_knobs(a);
		app_message(a, false,
			    "knobs at the workload's defaults: the medians of "
			    "its runs");
		break;
	}
	case ACT_SEARCH:
		start_edit(a, EDIT_SEARCH);
		break;
	case ACT_EXPORT:
		start_edit(a, EDIT_EXPORT);
		break;
	case ACT_UNIT:
		app_next_unit(a);
		break;
	case ACT_FILTER:
		start_edit(a, EDIT_FILTER);
		break;
	case ACT_COMPARE:
		a->compare = !a->compare;
		if (a->compare && !(a->rank.n && a->rank.diverge))
			app_message(a, false,
				    "the energy- and the latency-optimal "
				    "layout are one here: the bars compare "
				    "them where they differ");
		app_fix_scroll(a); /* the bars may take other rows */
		break;
	case ACT_SEARCH_NEXT:
		if (a->search[0])
			search(a, true);
		break;
	case ACT_THEME:
		a->theme = (a->theme + 1) % a->nthemes;
		app_message(a, false, "theme: %s", app_theme(a)->name);
		break;
	case ACT_MAP_AXIS:
		a->map_output = !a->map_output;
		app_map_axes(a);
		app_map_to_knobs(a);
		app_refresh_view(a);
		break;
	case ACT_RELOAD:
		app_reload(a);
		break;
	default:
		break;
	}
}

void app_key(struct app *a, int key)
{
	if (a->editing) {
		edit_key(a, key);
		return;
	}
	a->message[0] = '\0';
	a->message_is_error = false;
	enum keys_action action = keys_action(a->view, key);
	/* Keys that mean nothing in this view are ignored, not misread. */
	if (a->view == VIEW_HELP && action != ACT_QUIT && action != ACT_BACK &&
	    action != ACT_UP && action != ACT_DOWN && action != ACT_PAGE_UP &&
	    action != ACT_PAGE_DOWN && action != ACT_HOME &&
	    action != ACT_END && action != ACT_THEME && action != ACT_RELOAD &&
	    action != ACT_REDRAW && action != ACT_VIEW_MAP &&
	    action != ACT_VIEW_FIT)
		return;
	if (a->view != VIEW_MAIN &&
	    (action == ACT_SEARCH || action == ACT_SEARCH_NEXT ||
	     action == ACT_EXPORT || action == ACT_UNIT ||
	     action == ACT_FILTER || action == ACT_COMPARE ||
	     action == ACT_NEXT_PANE || action == ACT_PREV_PANE))
		return;
	if (a->view == VIEW_FIT &&
	    (action == ACT_LEFT || action == ACT_RIGHT ||
	     action == ACT_TURN_UP || action == ACT_TURN_DOWN ||
	     action == ACT_TYPE))
		return;
	if (a->view != VIEW_MAP &&
	    (action == ACT_MAP_AXIS || action == ACT_ENTER))
		return;
	act(a, action);
}

/* ---- mouse -------------------------------------------------------------- */

static void click_knobs(struct app *a, const struct layout_rect *pane, int y,
			int x, int turns)
{
	for (int k = 0; k < WS_KNOB_COUNT; k++) {
		struct layout_rect s = app_knob_slot(pane, (enum workspace_knob)k);
		if (y == s.y && x >= s.x && x < s.x + s.w) {
			a->knob = (enum workspace_knob)k;
			if (turns)
				turn(a, a->knob, turns > 0 ? 1 : -1);
		}
	}
}

static void click_map(struct app *a, const struct layout_rect *pane, int y,
		      int x)
{
	int row = y - pane->y - 2, col = (x - pane->x - APP_MAP_LABEL_W);
	if (row < 0 || col < 0)
		return;
	row += a->map_top;
	col = col / APP_MAP_CELL_W + a->map_left;
	if (row < (int)a->grid.nrows && col < (int)a->grid.ncols)
		move_map(a, row - a->map_row, col - a->map_col);
}

/* The workloads from the one shown to that of a list row. */
static long row_step(const struct app *a, size_t row)
{
	size_t w = (size_t)a->list.rows[row].workload;
	return (long)wlist_ordinal(&a->list, w) -
	       (long)wlist_ordinal(&a->list, a->workload);
}

void app_click(struct app *a, int y, int x)
{
	if (a->editing)
		return; /* a value being typed has the keyboard's attention */
	struct layout l;
	app_layout(a, &l);
	int p = layout_pane_at(&l, y, x);
	if (p < 0)
		return;
	const struct layout_rect *r = &l.pane[p];
	if (p == PANE_WORKLOADS) {
		a->focus = FOCUS_WORKLOADS;
		size_t row = a->list_top + (size_t)(y - r->y - 1);
		/* a workload's row; a group's title selects nothing */
		if (y > r->y && row < a->list.n &&
		    a->list.rows[row].workload >= 0)
			move_workload(a, row_step(a, row));
	} else if (p == PANE_KNOBS && a->view == VIEW_MAIN) {
		a->focus = FOCUS_KNOBS;
		click_knobs(a, r, y, x, 0);
	} else if (p == PANE_TABLE) {
		a->focus = FOCUS_TABLE;
		if (y > r->y && a->rank.n)
			move_table(a, (long)(a->table_top +
					     (size_t)(y - r->y - 1)) -
					      (long)a->cursor);
	} else if (p == PANE_MAP) {
		click_map(a, r, y, x);
	}
}

void app_wheel(struct app *a, int y, int x, int turns)
{
	if (a->editing)
		return;
	struct layout l;
	app_layout(a, &l);
	int p = layout_pane_at(&l, y, x);
	if (p == PANE_KNOBS && a->view == VIEW_MAIN)
		click_knobs(a, &l.pane[p], y, x, turns);
	else if (p == PANE_WORKLOADS)
		move_workload(a, -turns);
	else if (p == PANE_TABLE)
		move_table(a, -turns);
	else if (p == PANE_MAP)
		move_map(a, -turns, 0);
	else if (a->view == VIEW_FIT || a->view == VIEW_HELP)
		vertical(a, -turns);
}
