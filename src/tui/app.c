/* The explorer's state machine; see app.h. */

#include "app.h"
#include "app_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <curses.h> /* key codes only: nothing here draws */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_file.h"
#include "exitcode.h"
#include "fileid.h"
#include "terms.h"
#include "text.h"

/* ---- what the views read ------------------------------------------------ */

const struct profile_workload *app_workload(const struct app *a)
{
	return a->ws.set.workload_count ? &a->ws.set.workloads[a->workload]
					: NULL;
}

const struct fit_group *app_fit(const struct app *a)
{
	return a->ws.set.workload_count ? workspace_fit_of(&a->ws, a->workload)
					: NULL;
}

const struct workspace_served *app_own_fit(const struct app *a)
{
	if (!a->errors_valid || a->group < 0 ||
	    a->errors_group != (size_t)a->group)
		return NULL;
	for (size_t k = 0; k < a->errors.nserved; k++)
		if (a->errors.served[k].workload == a->workload)
			return a->errors.served[k].runs ? &a->errors.served[k]
							: NULL;
	return NULL;
}

const struct theme *app_theme(const struct app *a)
{
	return &a->themes[a->theme];
}

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	a->message_is_error = error;
}

const struct diag_list *app_diags(const struct app *a)
{
	return &a->diags;
}

const char *app_knob_name(enum workspace_knob k)
{
	return workspace_knob(k)->label;
}

void app_knob_value(const struct app *a, enum workspace_knob k, char *buf,
		    size_t size)
{
	workspace_knob_format(&a->knobs, k, buf, size);
}

int app_bar_sets(const struct app *a, const double *sets[2])
{
	bool both = a->compare && a->rank.n && a->rank.diverge;
	sets[0] = both ? a->best_terms[0] : a->terms;
	sets[1] = a->best_terms[1];
	return both ? 2 : 1;
}

/* The main view for the terms on screen: with the minor ones folded on a
 * short screen. */
static void main_layout(const struct app *a, enum layout_view view,
			struct layout *l)
{
	const double *sets[2];
	int nsets = app_bar_sets(a, sets);
	size_t n = a->ws.models[0]->nterms;
	layout_compute(view, a->width, a->height, (int)n,
		       terms_folded_rows(sets, (size_t)nsets, n), l);
}

void app_layout(const struct app *a, struct layout *l)
{
	main_layout(a, a->view, l);
}

/* Knobs sit in equal slots: one row of five on a wide pane, else three
 * above two. */
struct layout_rect app_knob_slot(const struct layout_rect *pane,
				 enum workspace_knob k)
{
	int per_row = pane->h >= 2 ? 3 : WS_KNOB_COUNT;
	int row = (int)k / per_row, col = (int)k % per_row;
	int w = pane->w / per_row;
	struct layout_rect r = {pane->y + row, pane->x + col * w, 1, w};
	return r;
}

int app_map_visible_rows(const struct layout_rect *pane)
{
	/* a title and a header above, a row saying how far it scrolled
	 * below */
	return pane->h > 3 ? pane->h - 3 : 0;
}

int app_map_visible_cols(const struct layout_rect *pane)
{
	int n = (pane->w - APP_MAP_LABEL_W) / APP_MAP_CELL_W;
	return n > 0 ? n : 0;
}

/* ---- what a frame needs, computed once per change ----------------------- */

const struct workspace_cell *app_cell(const struct app *a, int row, int col)
{
	if (!a->cells_valid || row < 0 || col < 0 ||
	    (size_t)row >= a->grid.nrows || (size_t)col >= a->grid.ncols)
		return NULL;
	return &a->cells[(size_t)row * a->grid.ncols + (size_t)col];
}

static bool same_layout(const struct select_layout *x,
			const struct select_layout *y)
{
	return x->tp == y->tp && x->pp == y->pp && x->dp == y->dp;
}

/* The terms of the cursor's candidate at the knobs. */
void app_cursor_terms(struct app *a)
{
	memset(a->terms, 0, sizeof a->terms);
	if (!a->rank.n)
		return;
	workspace_terms(&a->ws, a->workload, &a->rank.c[a->cursor].layout,
			&a->knobs.at, a->terms);
	/* the two optima, for the comparison of their terms */
	memset(a->best_terms, 0, sizeof a->best_terms);
	workspace_terms(&a->ws, a->workload,
			&a->rank.c[a->rank.energy_best].layout, &a->knobs.at,
			a->best_terms[0]);
	if (a->rank.latency_best >= 0)
		workspace_terms(&a->ws, a->workload,
				&a->rank.c[a->rank.latency_best].layout,
				&a->knobs.at, a->best_terms[1]);
}

/* The list's rows for the filter, keeping the workload shown on screen
 * even when the filter leaves it out (the list then has none selected);
 * false when out of memory. */
bool app_build_list(struct app *a)
{
	wlist_free(&a->list);
	return wlist_build(&a->list, &a->ws.set, a->filter);
}

/* Rows a pane of the main view shows below its title, whatever view is
 * on screen now (so scrolling in another view keeps them right). */
static size_t main_rows(const struct app *a, enum layout_pane p)
{
	struct layout l;
	main_layout(a, VIEW_MAIN, &l);
	return l.pane[p].h > 2 ? (size_t)l.pane[p].h - 1 : 1;
}

/* top such that the cursor is among the rows shown, and no row is left
 * blank while entries above it are hidden. */
static size_t scrolled(size_t top, size_t cursor, size_t count, size_t rows)
{
	if (cursor < top)
		top = cursor;
	if (cursor >= top + rows)
		top = cursor - rows + 1;
	if (count > rows && top > count - rows)
		top = count - rows;
	return count <= rows ? 0 : top;
}

/* Keeps every cursor on screen after a move or a resize. */
void app_fix_scroll(struct app *a)
{
	/* the workload's row, and its group's title when it is the first */
	long row = wlist_row_of(&a->list, a->workload);
	size_t list_rows = main_rows(a, PANE_WORKLOADS);
	if (row > 0 && a->list.rows[row - 1].workload < 0)
		a->list_top = scrolled(a->list_top, (size_t)row - 1, a->list.n,
				       list_rows);
	a->list_top = scrolled(a->list_top, row < 0 ? 0 : (size_t)row,
			       a->list.n, list_rows);
	a->table_top = scrolled(a->table_top, a->cursor, a->rank.n,
				main_rows(a, PANE_TABLE));
	struct layout l;
	layout_compute(VIEW_MAP, a->width, a->height, 0, 0, &l);
	int vr = app_map_visible_rows(&l.pane[PANE_MAP]);
	int vc = app_map_visible_cols(&l.pane[PANE_MAP]);
	a->map_top = (int)scrolled((size_t)a->map_top, (size_t)a->map_row,
				   a->grid.nrows, (size_t)(vr > 0 ? vr : 1));
	a->map_left = (int)scrolled((size_t)a->map_left, (size_t)a->map_col,
				    a->grid.ncols, (size_t)(vc > 0 ? vc : 1));
}

/* The map's cells, when the map is on screen and what they depend on
 * changed: the workload, its fit, the GPUs, the length held fixed, the
 * axis. Turning the batch or the length across changes none of them. */
static void fill_map(struct app *a)
{
	struct app_map_key key = {
		.workload = a->workload,
		.gpus = a->knobs.gpus,
		.fixed = a->map_output ? a->knobs.at.input : a->knobs.at.output,
		.output_axis = a->map_output,
		.generation = a->generation,
	};
	const struct app_map_key *old = &a->cells_key;
	if (a->view != VIEW_MAP ||
	    (a->cells_valid && key.workload == old->workload &&
	     key.gpus == old->gpus && key.fixed == old->fixed &&
	     key.output_axis == old->output_axis &&
	     key.generation == old->generation))
		return;
	a->cells_key = key;
	a->cells_valid = workspace_fill_grid(&a->ws, a->workload, &a->grid,
					     &a->knobs, a->cells) == WS_OK;
}

/* The predictions and error by workload of the group's fit, once per
 * fit: the fit view draws them, and the header the workload's own error
 * beside the group's. */
static void fill_errors(struct app *a)
{
	if (a->group < 0 ||
	    (a->errors_valid && a->errors_generation == a->generation &&
	     a->errors_group == (size_t)a->group))
		return;
	workspace_errors_free(&a->errors);
	a->errors_valid = workspace_errors(&a->ws, a->workload, &a->errors);
	a->errors_generation = a->generation;
	a->errors_group = (size_t)a->group;
}

/* Everything the views read, after any change of knob, workload, fit or
 * view: the candidates ranked at the knobs (the cursor kept on the layout
 * it was on, or the energy-optimal one when that layout is gone), the
 * cursor's terms, and what the view on screen needs beyond them. Drawing
 * computes nothing. */
void app_recompute(struct app *a)
{
	select_result_free(&a->rank);
	a->cursor = 0;
	a->has_fit = workspace_fitted(&a->ws, a->workload, &a->fitted);
	enum workspace_status st =
		workspace_rank(&a->ws, a->workload, &a->knobs, &a->rank);
	char left_out[200];
	if (st == WS_NOT_FINITE)
		app_message(a, true, "%s", workspace_status_text(st));
	if (st != WS_OK) {
		memset(&a->rank, 0, sizeof a->rank);
	} else {
		workspace_unranked_text(&a->rank, left_out, sizeof left_out);
		if (left_out[0])
			app_message(a, true, "%s", left_out);
		a->cursor = a->rank.energy_best;
		for (size_t i = 0; i < a->rank.n; i++)
			if (same_layout(&a->rank.c[i].layout,
					&a->cursor_layout))
				a->cursor = i;
		a->cursor_layout = a->rank.c[a->cursor].layout;
	}
	app_cursor_terms(a);
	app_fill_units(a);
	app_refresh_view(a);
}

void app_fill_units(struct app *a)
{
	free(a->shown);
	a->shown = NULL;
	const struct profile_workload *w = app_workload(a);
	a->tdp = units_tdp(&a->units, w ? w->hardware : NULL, &a->tdp_source);
	if (!a->rank.n || !(a->shown = calloc(a->rank.n, sizeof *a->shown)))
		return;
	for (size_t i = 0; i < a->rank.n; i++)
		units_convert(&a->units, a->units.unit, &a->rank.c[i],
			      &a->knobs.at, a->tdp, &a->shown[i]);
}

void app_refresh_view(struct app *a)
{
	fill_map(a);
	fill_errors(a);
	app_fix_scroll(a);
}

/* The knobs the workload starts at, and where 'd' returns them: its
 * runs' medians, or what the command line said; the GPUs and the blend
 * are the operator's, not the workload's, and stay. */
void app_default_knobs(struct app *a)
{
	const struct app_options *o = &a->opt;
	struct workspace_knobs k;
	workspace_default_knobs(&a->ws, a->workload, &k);
	a->knobs.at = k.at;
	if (o->batch > 0)
		a->knobs.at.batch = (unsigned)o->batch;
	if (o->input > 0)
		a->knobs.at.input = o->input;
	if (o->output > 0)
		a->knobs.at.output = o->output;
}

void app_select_workload(struct app *a, size_t w)
{
	a->workload = w;
	a->group = dataset_group_of(&a->ws.ds, w);
	a->cursor_layout = (struct select_layout){0, 0, 0};
	app_default_knobs(a);
	a->map_row = a->map_col = 0;
	app_recompute(a);
	app_map_to_knobs(a);
}

void app_unit_note(const struct app *a, char *buf, size_t size)
{
	const struct units_config *u = &a->units;
	buf[0] = '\0';
	if ((u->unit == UNITS_TOKENS_S || u->unit == UNITS_WATTS_GPU) &&
	    a->rank.n && a->rank.latency_best < 0)
		snprintf(buf, size,
			 "; it needs a latency fit, and there is "
			 "none");
	else if (u->unit == UNITS_WATTS_GPU && isnan(a->tdp))
		snprintf(buf, size,
			 "; TDP of this GPU unknown: set tdp in "
			 "the config or --tdp");
	else if (u->unit == UNITS_WATTS_GPU)
		snprintf(buf, size, "; TDP %g W from %s", a->tdp,
			 a->tdp_source);
	else if (u->unit == UNITS_COST_MTOK && isnan(u->price_kwh))
		snprintf(buf, size,
			 "; no price: set price in the config or "
			 "--price");
	else if (u->unit == UNITS_COST_MTOK)
		snprintf(buf, size, "; at %g %s per kWh", u->price_kwh,
			 u->currency);
	else if (u->unit == UNITS_CO2_MTOK && isnan(u->intensity))
		snprintf(buf, size,
			 "; no grid intensity: set intensity in the "
			 "config or --intensity");
	else if (u->unit == UNITS_CO2_MTOK)
		snprintf(buf, size, "; at %g gCO2 per kWh", u->intensity);
}

void app_next_unit(struct app *a)
{
	a->units.unit = (enum units_unit)((a->units.unit + 1) % UNITS_COUNT);
	app_fill_units(a);
	char note[160], why[300] = "";
	app_unit_note(a, note, sizeof note);
	bool saved = a->opt.config_path &&
		     config_save_unit(a->opt.config_path, a->units.unit, why,
				      sizeof why);
	if (a->opt.config_path && !saved)
		app_message(a, true, "unit: %s, not remembered: %s",
			    units_label(a->units.unit), why);
	else
		app_message(a, false, "unit: %s, %s%s%s",
			    units_label(a->units.unit),
			    units_meaning(a->units.unit), note,
			    saved ? " (remembered)" : "");
}

/* ---- opening ------------------------------------------------------------ */

void app_map_axes(struct app *a)
{
	workspace_default_grid(&a->grid, a->map_output);
}

/* The map cell nearest the knobs (on a log scale). */
static int nearest(const double *axis, int n, double v)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (fabs(log(axis[i] / v)) < fabs(log(axis[best] / v)))
			best = i;
	return best;
}

void app_map_to_knobs(struct app *a)
{
	a->map_row = nearest(a->grid.rows, (int)a->grid.nrows,
			     a->knobs.at.batch);
	a->map_col = nearest(a->grid.cols, (int)a->grid.ncols,
			     a->map_output ? a->knobs.at.output
					   : a->knobs.at.input);
	app_fix_scroll(a);
}

/* Hashes the names, sizes and modification times of the files the
 * profile paths lead to (the loader's own walk), so --follow sees any
 * change to them with one walk a second, and none to notes or scripts
 * beside them. */
static unsigned long long mix(unsigned long long h, unsigned long long v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static enum profile_status hash_file(void *ctx, const char *path,
				     const struct stat *st,
				     struct diag_list *diags)
{
	(void)diags;
	unsigned long long *h = ctx;
	for (const char *c = path; *c; c++)
		*h = mix(*h, (unsigned char)*c);
	*h = mix(*h, (unsigned long long)st->st_size);
	*h = mix(*h, (unsigned long long)st->st_mtim.tv_sec);
	*h = mix(*h, (unsigned long long)st->st_mtim.tv_nsec);
	return PROFILE_OK;
}

static unsigned long long signature(const struct app *a)
{
	unsigned long long h = 1469598103934665603ull;
	struct fileid_set seen;
	struct diag_list quiet; /* the reload reports problems, not this */
	fileid_init(&seen);
	diag_init(&quiet, NULL);
	for (int i = 0; i < a->opt.npaths; i++) {
		enum profile_status status = profile_walk(
			a->opt.paths[i], &seen, &quiet, hash_file, &h);
		h = mix(h, status); /* a path that cannot be read, too */
	}
	diag_free(&quiet);
	fileid_free(&seen);
	return h;
}

/* Loads the profiles, which replace those shown when there are runs and
 * at most max_errors errors (a reload takes no more than the last load
 * had, so a file half-written by a running sweep keeps the runs shown,
 * while one bad file from the start does not stop --follow). */
static int load(struct app *a, struct diag_list *diags, size_t max_errors,
		bool *replaced)
{
	int status = workspace_load(&a->ws, a->opt.npaths, a->opt.paths, diags,
				    max_errors, replaced);
	if (*replaced) {
		a->generation++;
		a->cells_valid = a->errors_valid = false;
		workspace_errors_free(&a->errors);
	}
	return status;
}

static int load_themes(struct app *a, FILE *err)
{
	struct diag_list diags;
	diag_init(&diags, err);
	a->nthemes = theme_list_load(&a->themes, a->opt.theme_dirs,
				     a->opt.ntheme_dirs, &diags);
	diag_free(&diags);
	if (!a->nthemes)
		return EXIT_SOFTWARE;
	if (!a->opt.theme) {
		/* Without colour the theme that tells kinds apart by their
		 * characters reads best, when it is installed. */
		long mono = theme_find(a->themes, a->nthemes, "monochrome");
		if (!a->opt.color && mono >= 0)
			a->theme = (size_t)mono;
		return EXIT_OK;
	}
	long t = theme_find(a->themes, a->nthemes, a->opt.theme);
	if (t < 0) {
		text_fprintf(err,
			     "energylens: no theme named '%s' (expected one "
			     "of:",
			     a->opt.theme);
		for (size_t i = 0; i < a->nthemes; i++)
			text_fprintf(err, " %s", a->themes[i].name);
		fputs(")\n", err);
		return EXIT_USAGE;
	}
	a->theme = (size_t)t;
	return EXIT_OK;
}

int app_open(struct app *a, const struct app_options *o, FILE *err)
{
	memset(a, 0, sizeof *a);
	a->opt = *o;
	a->group = -1;
	a->width = 80;
	a->height = 24;
	a->view = o->view;
	/* Esc from help started with --view help goes to the main view */
	a->back = o->view == VIEW_HELP ? VIEW_MAIN : o->view;
	a->focus = FOCUS_KNOBS;
	diag_init(&a->diags, NULL);
	int status = workspace_init(&a->ws, o->model_paths);
	/* --follow reads them again: a FIFO would hang the open */
	a->ws.regular_only = o->follow;
	if (status == EXIT_OK)
		status = load_themes(a, err);
	if (status != EXIT_OK)
		return status;
	a->signature = signature(a);
	bool replaced;
	status = load(a, &a->diags, SIZE_MAX, &replaced);
	/* On success the caller shows them: a snapshot at once, the
	 * explorer after the terminal is given back. */
	for (size_t i = 0;
	     status != EXIT_OK && !a->ws.set.run_count && i < a->diags.count;
	     i++)
		diag_print(&a->diags.items[i], err);
	if (status == EXIT_DATAERR && a->ws.set.run_count == 0)
		fputs("energylens: no run to explore\n", err);
	if (status == EXIT_NOINPUT && o->default_paths)
		fputs("energylens: the sample profiles are not installed: give "
		      "a PATH, run 'make install', or set ENERGYLENS_DATADIR\n",
		      err);
	if (status != EXIT_OK &&
	    !(status == EXIT_DATAERR && a->ws.set.run_count))
		return status;
	struct workspace_query q = {.workload = o->workload,
				    .hardware = o->hardware,
				    .engine = o->engine};
	long w = workspace_find(&a->ws, &q, true, a->opt.verb, err);
	if (w < 0) {
		/* what was refused may be why: say it, as the verbs do */
		for (size_t i = 0; i < a->diags.count; i++)
			diag_print(&a->diags.items[i], err);
		return EXIT_USAGE;
	}
	a->units = o->units;
	if (!a->units.currency[0]) /* options not set up (a test) */
		units_config_default(&a->units);
	a->knobs.gpus = o->gpus;
	a->knobs.eta = o->eta; /* NaN: no blend, as rank */
	app_map_axes(a);
	if (!app_build_list(a))
		return EXIT_SOFTWARE;
	app_select_workload(a, (size_t)w);
	if (a->diags.errors)
		snprintf(a->message, sizeof a->message,
			 "%zu error%s in the profiles: those runs are left "
			 "out (listed on exit)",
			 a->diags.errors, a->diags.errors == 1 ? "" : "s");
	if (a->diags.errors)
		a->message_is_error = true;
	if (!a->message[0] && o->default_paths)
		app_message(a, false,
			    "showing the sample profiles in %s; give a PATH "
			    "to explore your own",
			    o->paths[0]);
	return EXIT_OK;
}

void app_close(struct app *a)
{
	select_result_free(&a->rank);
	free(a->shown);
	workspace_errors_free(&a->errors);
	workspace_free(&a->ws);
	wlist_free(&a->list);
	free(a->themes);
	diag_free(&a->diags);
	memset(a, 0, sizeof *a);
}

void app_resize(struct app *a, int width, int height)
{
	a->width = width;
	a->height = height;
	app_fix_scroll(a);
}

/* ---- reloading ---------------------------------------------------------- */

/* After a reload the workload shown before keeps its knobs and cursor. */
static void app_reload_workload(struct app *a, size_t w)
{
	a->workload = w;
	a->group = dataset_group_of(&a->ws.ds, w);
	app_recompute(a);
}

void app_reload(struct app *a)
{
	struct diag_list diags;
	diag_init(&diags, NULL);
	/* The old strings are freed with the old set: keep a copy of what
	 * identifies the workload shown. */
	const struct profile_workload *w = app_workload(a);
	struct profile_workload old = {
		.name = w->name ? strdup(w->name) : NULL,
		.model = w->model ? strdup(w->model) : NULL,
		.hardware = w->hardware ? strdup(w->hardware) : NULL,
		.engine = w->engine ? strdup(w->engine) : NULL};
	bool replaced;
	load(a, &diags, a->diags.errors, &replaced);
	if (!replaced) {
		char first[160] = "no run left";
		if (diags.count)
			snprintf(first, sizeof first, "%s:%u:%u: %s",
				 diags.items[0].file, diags.items[0].line,
				 diags.items[0].col, diags.items[0].message);
		app_message(a, true,
			    "reload: %zu error%s, the runs shown are those "
			    "loaded before: %s",
			    diags.errors, diags.errors == 1 ? "" : "s", first);
		diag_free(&diags);
	} else {
		diag_free(&a->diags);
		a->diags = diags;
		/* out of memory: an empty list, and the rest works */
		(void)app_build_list(a);
		long same = workspace_same(&a->ws, &old);
		/* the workload shown is gone: the first listed, at its own
		 * knobs */
		long first = wlist_first(&a->list);
		if (same < 0)
			app_select_workload(a, first < 0 ? 0 : (size_t)first);
		else
			app_reload_workload(a, (size_t)same);
		app_message(a, diags.errors > 0,
			    "reloaded: %zu run%s of %zu workload%s, "
			    "refitted%s",
			    a->ws.set.run_count,
			    a->ws.set.run_count == 1 ? "" : "s",
			    a->ws.set.workload_count,
			    a->ws.set.workload_count == 1 ? "" : "s",
			    diags.errors
				    ? " (some runs left out: listed on exit)"
				    : "");
	}
	free((char *)old.name);
	free((char *)old.model);
	free((char *)old.hardware);
	free((char *)old.engine);
}

bool app_follow(struct app *a)
{
	unsigned long long s = signature(a);
	if (s == a->signature)
		return false;
	a->signature = s;
	app_reload(a);
	return true;
}
