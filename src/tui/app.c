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

#include "cmd.h"
#include "cmd_fitted.h"
#include "defaults.h"
#include "exitcode.h"
#include "fileid.h"

/* ---- what the views read ------------------------------------------------ */

const struct profile_workload *app_workload(const struct app *a)
{
	return a->set.workload_count ? &a->set.workloads[a->workload] : NULL;
}

const struct fit_group *app_fit(const struct app *a)
{
	if (a->group < 0 || !a->fits[a->group].done)
		return NULL;
	return &a->fits[a->group].fit;
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

static const char *const knob_names[KNOB_COUNT] = {"batch", "input", "output",
						   "GPUs", "eta"};

const char *app_knob_name(enum app_knob k)
{
	return knob_names[k];
}

void app_knob_value(const struct app *a, enum app_knob k, char *buf,
		    size_t size)
{
	switch (k) {
	case KNOB_BATCH:
		snprintf(buf, size, "%u", a->knobs.batch);
		break;
	case KNOB_INPUT:
		snprintf(buf, size, "%.0f", a->knobs.input);
		break;
	case KNOB_OUTPUT:
		snprintf(buf, size, "%.0f", a->knobs.output);
		break;
	case KNOB_GPUS:
		if (a->gpus)
			snprintf(buf, size, "%u", a->gpus);
		else
			snprintf(buf, size, "measured");
		break;
	default:
		snprintf(buf, size, "%.1f", a->eta);
		break;
	}
}

void app_layout(const struct app *a, struct layout *l)
{
	layout_compute(a->view, a->width, a->height, (int)a->models[0]->nterms,
		       l);
}

/* Knobs sit in equal slots: one row of five on a wide pane, else three
 * above two. */
struct layout_rect app_knob_slot(const struct layout_rect *pane,
				 enum app_knob k)
{
	int per_row = pane->h >= 2 ? 3 : KNOB_COUNT;
	int row = (int)k / per_row, col = (int)k % per_row;
	int w = pane->w / per_row;
	struct layout_rect r = {pane->y + row, pane->x + col * w, 1, w};
	return r;
}

int app_map_visible_rows(const struct layout_rect *pane)
{
	return pane->h > 2 ? pane->h - 2 : 0; /* a title and a header */
}

int app_map_visible_cols(const struct layout_rect *pane)
{
	int n = (pane->w - APP_MAP_LABEL_W) / APP_MAP_CELL_W;
	return n > 0 ? n : 0;
}

/* ---- ranking ------------------------------------------------------------ */

static size_t candidates(const struct app *a, const struct select_knobs *k,
			 struct select_layout *out)
{
	if (a->gpus)
		return select_gpu_layouts(app_workload(a), a->gpus, k, out,
					  SELECT_MAX_CANDIDATES);
	memcpy(out, a->measured, a->nmeasured * sizeof *out);
	return a->nmeasured;
}

bool app_rank_at(const struct app *a, const struct select_knobs *k,
		 struct select_result *r)
{
	memset(r, 0, sizeof *r);
	const struct fit_group *f = app_fit(a);
	if (!f || f->energy_status != FIT_OK)
		return false;
	struct select_layout layouts[SELECT_MAX_CANDIDATES];
	size_t n = candidates(a, k, layouts);
	struct select_models m = {a->models[0], a->models[1], f->energy.value,
				  f->latency_status == FIT_OK ? f->latency.value
							      : NULL};
	return n && select_rank(&m, app_workload(a), a->workload, &a->set,
				layouts, n, k, a->eta, r) == 0;
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
	const struct fit_group *f = app_fit(a);
	if (!a->rank.n || !f)
		return;
	const struct select_layout *l = &a->rank.c[a->cursor].layout;
	struct profile_run r;
	memset(&r, 0, sizeof r);
	r.tp = l->tp;
	r.pp = l->pp;
	r.dp = l->dp;
	r.batch_size = a->knobs.batch;
	r.input_tokens = a->knobs.input;
	r.output_tokens = a->knobs.output;
	double in[MODEL_NINPUTS];
	model_inputs(app_workload(a), &r, in);
	model_predict(a->models[0], in, f->energy.value, a->terms);
}

static void fit_workload_group(struct app *a)
{
	a->group = dataset_group_of(&a->ds, a->workload);
	if (a->group < 0 || a->fits[a->group].done)
		return;
	fit_group(a->models[0], a->models[1], &a->ds.groups[a->group],
		  &a->fits[a->group].fit);
	a->fits[a->group].done = true;
}

/* Rows a pane of the main view shows below its title, whatever view is
 * on screen now (so scrolling in another view keeps them right). */
static size_t main_rows(const struct app *a, enum layout_pane p)
{
	struct layout l;
	layout_compute(VIEW_MAIN, a->width, a->height,
		       (int)a->models[0]->nterms, &l);
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
	a->list_top = scrolled(a->list_top, a->workload, a->set.workload_count,
			       main_rows(a, PANE_WORKLOADS));
	a->table_top = scrolled(a->table_top, a->cursor, a->rank.n,
				main_rows(a, PANE_TABLE));
	struct layout l;
	layout_compute(VIEW_MAP, a->width, a->height, 0, &l);
	int vr = app_map_visible_rows(&l.pane[PANE_MAP]);
	int vc = app_map_visible_cols(&l.pane[PANE_MAP]);
	a->map_top =
		(int)scrolled((size_t)a->map_top, (size_t)a->map_row,
			      (size_t)a->map_nrows, (size_t)(vr > 0 ? vr : 1));
	a->map_left =
		(int)scrolled((size_t)a->map_left, (size_t)a->map_col,
			      (size_t)a->map_ncols, (size_t)(vc > 0 ? vc : 1));
}

/* Ranks the candidates at the knobs, keeping the cursor on the layout it
 * was on (the energy-optimal one when that layout is gone). */
void app_recompute(struct app *a)
{
	select_result_free(&a->rank);
	a->cursor = 0;
	if (!app_rank_at(a, &a->knobs, &a->rank)) {
		memset(&a->rank, 0, sizeof a->rank);
		app_cursor_terms(a);
		app_fix_scroll(a);
		return;
	}
	a->cursor = a->rank.energy_best;
	for (size_t i = 0; i < a->rank.n; i++)
		if (same_layout(&a->rank.c[i].layout, &a->cursor_layout))
			a->cursor = i;
	a->cursor_layout = a->rank.c[a->cursor].layout;
	app_cursor_terms(a);
	app_fix_scroll(a);
}

void app_select_workload(struct app *a, size_t w)
{
	a->workload = w;
	a->nmeasured = select_measured_layouts(&a->set, w, a->measured,
					       SELECT_MAX_CANDIDATES);
	a->cursor_layout = (struct select_layout){0, 0, 0};
	fit_workload_group(a);
	app_recompute(a);
}

/* ---- opening ------------------------------------------------------------ */

static int compare_doubles(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* The median of one measured quantity over the workload's runs, rounded;
 * fallback without runs. */
static double median_of(const struct app *a, size_t field, double fallback)
{
	double *v = malloc((a->set.run_count + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; v && i < a->set.run_count; i++) {
		const struct profile_run *r = &a->set.runs[i];
		if (r->workload != a->workload)
			continue;
		double x = field == 0	? r->batch_size
			   : field == 1 ? r->input_tokens
					: r->output_tokens;
		if (isfinite(x) && x > 0)
			v[n++] = x;
	}
	double m = fallback;
	if (n) {
		qsort(v, n, sizeof *v, compare_doubles);
		m = round(v[n / 2]);
	}
	free(v);
	return m >= 1 ? m : fallback;
}

/* A run's workload and layout, to count every workload's distinct layouts
 * with one sort: asking select_measured_layouts workload by workload scans
 * every run for each, seconds for a file of many workloads. */
struct run_layout {
	uint32_t w, tp, pp, dp;
};

static int by_workload_layout(const void *x, const void *y)
{
	const struct run_layout *a = x, *b = y;
	if (a->w != b->w)
		return a->w < b->w ? -1 : 1;
	if (a->tp != b->tp)
		return a->tp < b->tp ? -1 : 1;
	if (a->pp != b->pp)
		return a->pp < b->pp ? -1 : 1;
	return (a->dp > b->dp) - (a->dp < b->dp);
}

/* layouts[w]: workload w's distinct measured layouts, at most as many as
 * the selector takes. NULL when out of memory. */
static size_t *count_layouts(const struct profile_set *set)
{
	size_t nr = set->run_count, nw = set->workload_count;
	struct run_layout *v = malloc((nr ? nr : 1) * sizeof *v);
	size_t *layouts = calloc(nw ? nw : 1, sizeof *layouts);
	if (!v || !layouts) {
		free(v);
		free(layouts);
		return NULL;
	}
	for (size_t i = 0; i < nr; i++) {
		const struct profile_run *r = &set->runs[i];
		v[i] = (struct run_layout){r->workload, r->tp, r->pp, r->dp};
	}
	if (nr > 1)
		qsort(v, nr, sizeof *v, by_workload_layout);
	for (size_t i = 0; i < nr; i++)
		if ((i == 0 || by_workload_layout(&v[i - 1], &v[i]) != 0) &&
		    layouts[v[i].w] < SELECT_MAX_CANDIDATES)
			layouts[v[i].w]++;
	free(v);
	return layouts;
}

/* With no --workload, the workload with the most measured layouts (the
 * most to choose between), then the most runs. */
static size_t richest_workload(const struct app *a)
{
	size_t best = 0, best_layouts = 0;
	size_t *layouts = count_layouts(&a->set);
	for (size_t w = 0; layouts && w < a->set.workload_count; w++) {
		size_t n = layouts[w];
		if (n > best_layouts ||
		    (n == best_layouts &&
		     a->set.workloads[w].run_count >
			     a->set.workloads[best].run_count)) {
			best = w;
			best_layouts = n;
		}
	}
	free(layouts);
	return best;
}

static bool contains(const char *hay, const char *needle)
{
	if (!hay)
		return false;
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) ==
			       tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

bool app_workload_matches(const struct profile_workload *w, const char *text)
{
	return contains(w->name, text) || contains(w->model, text) ||
	       contains(w->hardware, text) || contains(w->engine, text);
}

/* --workload: NAME, MODEL or NAME:MODEL exactly, else a substring. */
static long find_workload(const struct app *a, const char *q)
{
	for (size_t w = 0; w < a->set.workload_count; w++) {
		const struct profile_workload *W = &a->set.workloads[w];
		char both[512];
		snprintf(both, sizeof both, "%s:%s", W->name ? W->name : "",
			 W->model ? W->model : "");
		if ((W->name && strcmp(W->name, q) == 0) ||
		    (W->model && strcmp(W->model, q) == 0) ||
		    strcmp(both, q) == 0)
			return (long)w;
	}
	for (size_t w = 0; w < a->set.workload_count; w++)
		if (app_workload_matches(&a->set.workloads[w], q))
			return (long)w;
	return -1;
}

static void default_knobs(struct app *a)
{
	const struct app_options *o = &a->opt;
	a->knobs.batch =
		(unsigned)(o->batch > 0 ? o->batch : median_of(a, 0, 32));
	a->knobs.input = o->input > 0 ? o->input : median_of(a, 1, 1024);
	a->knobs.output = o->output > 0 ? o->output : median_of(a, 2, 256);
	a->gpus = o->gpus;
	a->eta = isnan(o->eta) ? 1.0 : o->eta;
}

void app_map_axes(struct app *a)
{
	a->map_nrows = 0;
	for (double b = 1; a->map_nrows < APP_MAP_ROWS; b *= 2)
		a->map_rows[a->map_nrows++] = b;
	a->map_ncols = 0;
	double first = a->map_output ? 16 : 64;
	for (double t = first; a->map_ncols < APP_MAP_COLS; t *= 2)
		a->map_cols[a->map_ncols++] = t;
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
	a->map_row = nearest(a->map_rows, a->map_nrows, a->knobs.batch);
	a->map_col = nearest(a->map_cols, a->map_ncols,
			     a->map_output ? a->knobs.output : a->knobs.input);
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

/* Loads the profiles into a new set and fit groups, which replace the
 * app's when there are runs and at most max_errors errors (a reload takes
 * no more than the last load had, so a file half-written by a running
 * sweep keeps the runs shown, while one bad file from the start does not
 * stop --follow). */
static int load(struct app *a, struct diag_list *diags, size_t max_errors,
		bool *replaced)
{
	*replaced = false;
	struct profile_set set;
	profile_set_init(&set);
	int status = cmd_load_paths(&set, diags, a->opt.npaths, a->opt.paths);
	if (status == EXIT_SOFTWARE || status == EXIT_NOINPUT ||
	    set.run_count == 0 || diags->errors > max_errors) {
		if (status == EXIT_OK || status == EXIT_DATAERR)
			status = EXIT_DATAERR;
		profile_set_free(&set);
		return status;
	}
	struct dataset ds = {NULL, 0, 0, NULL};
	struct app_fit *fits = NULL;
	if (dataset_build(&set, BY_HARDWARE, &ds, diags) != 0 ||
	    !(fits = calloc(ds.count + 1, sizeof *fits))) {
		dataset_free(&ds);
		profile_set_free(&set);
		return EXIT_SOFTWARE;
	}
	profile_set_free(&a->set);
	dataset_free(&a->ds);
	free(a->fits);
	a->set = set;
	a->ds = ds;
	a->fits = fits;
	*replaced = true;
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
		fprintf(err,
			"energylens: no theme named '%s' (expected one "
			"of:",
			a->opt.theme);
		for (size_t i = 0; i < a->nthemes; i++)
			fprintf(err, " %s", a->themes[i].name);
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
	a->view = a->back = o->view;
	a->focus = FOCUS_KNOBS;
	profile_set_init(&a->set);
	diag_init(&a->diags, NULL);
	int status = load_themes(a, err);
	if (status == EXIT_OK)
		status = cmd_models(o->model_paths, a->models);
	if (status != EXIT_OK)
		return status;
	a->signature = signature(a);
	bool replaced;
	status = load(a, &a->diags, SIZE_MAX, &replaced);
	/* On success the caller shows them: a snapshot at once, the
	 * explorer after the terminal is given back. */
	for (size_t i = 0;
	     status != EXIT_OK && !a->set.run_count && i < a->diags.count; i++)
		diag_print(&a->diags.items[i], err);
	if (status == EXIT_DATAERR && a->set.run_count == 0)
		fputs("energylens: no run to explore\n", err);
	if (status != EXIT_OK && !(status == EXIT_DATAERR && a->set.run_count))
		return status;
	long w = o->workload ? find_workload(a, o->workload)
			     : (long)richest_workload(a);
	if (w < 0) {
		fprintf(err, "energylens: no workload matches '%s'\n",
			o->workload);
		return EXIT_USAGE;
	}
	a->workload = (size_t)w;
	default_knobs(a);
	app_map_axes(a);
	app_select_workload(a, a->workload);
	app_map_to_knobs(a);
	if (a->diags.errors)
		snprintf(a->message, sizeof a->message,
			 "%zu error%s in the profiles: those runs are left "
			 "out (listed on exit)",
			 a->diags.errors, a->diags.errors == 1 ? "" : "s");
	a->message_is_error = a->diags.errors > 0;
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
	dataset_free(&a->ds);
	free(a->fits);
	profile_set_free(&a->set);
	model_free(a->models[0]);
	model_free(a->models[1]);
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

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* The workload of the new set that is the one shown before, or 0. */
static size_t same_workload(const struct app *a,
			    const struct profile_workload *old)
{
	for (size_t w = 0; w < a->set.workload_count; w++) {
		const struct profile_workload *W = &a->set.workloads[w];
		if (same_str(W->name, old->name) &&
		    same_str(W->model, old->model) &&
		    same_str(W->hardware, old->hardware) &&
		    same_str(W->engine, old->engine))
			return w;
	}
	return 0;
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
		app_select_workload(a, same_workload(a, &old));
		app_message(a, diags.errors > 0,
			    "reloaded: %zu runs of %zu workloads, refitted%s",
			    a->set.run_count, a->set.workload_count,
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
