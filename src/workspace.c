/* The workspace; see workspace.h. */
#include "workspace.h"

#include <ctype.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "slurp.h"
#include "text.h"

/* ---- the knob table ----------------------------------------------------- */

/* The one place the knobs' limits live: options, keys, the snapshot and
 * the messages all read it; the profile keys of the same conditions share
 * the limits and their words (defaults.h). */
static const struct workspace_knob_info knob_table[WS_KNOB_COUNT] = {
	[WS_BATCH] = {.option = "batch",
		      .label = "batch",
		      .meaning = "requests served at once, over all replicas",
		      .min = 1,
		      .max = LIMIT_BATCH,
		      .whole = true,
		      .pow2 = true,
		      .expected = LIMIT_BATCH_TEXT},
	[WS_INPUT] = {.option = "input",
		      .label = "input",
		      .meaning = "input tokens per request",
		      .min = 1,
		      .max = LIMIT_TOKENS,
		      .pow2 = true,
		      .expected = LIMIT_TOKENS_TEXT},
	[WS_OUTPUT] = {.option = "output",
		       .label = "output",
		       .meaning = "output tokens per request",
		       .min = 1,
		       .max = LIMIT_TOKENS,
		       .pow2 = true,
		       .expected = LIMIT_TOKENS_TEXT},
	[WS_GPUS] = {.option = "gpus",
		     .label = "GPUs",
		     .meaning = "layouts ranked: those on up to N GPUs",
		     .min = 1,
		     .max = LIMIT_GPUS,
		     .whole = true,
		     .pow2 = true,
		     .zero = "measured",
		     .expected = "0 (the measured layouts) or " LIMIT_GPUS_TEXT},
	[WS_ETA] = {.option = "eta",
		    .label = "eta",
		    .meaning = "weight of energy against latency in the best "
			       "blend",
		    .min = 0,
		    .max = 1,
		    .step = 0.1,
		    .expected = "a number from 0 to 1"},
};

const struct workspace_knob_info *workspace_knob(enum workspace_knob k)
{
	return &knob_table[k];
}

/* strtod's number, refusing anything past it, an overflow, and
 * non-finite values; a value too small to hold (1e-320) reads as 0,
 * which the limits then judge. */
static bool parse_finite(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v))
		return false;
	if (errno == ERANGE && fabs(v) > 1)
		return false;
	*out = v;
	return true;
}

bool workspace_knob_parse(enum workspace_knob k, const char *text,
			  double *out)
{
	const struct workspace_knob_info *K = &knob_table[k];
	double v;
	if (!parse_finite(text, &v))
		return false;
	if (K->zero && v == 0) {
		*out = 0;
		return true;
	}
	if (v < K->min || v > K->max || (K->whole && v != floor(v)))
		return false;
	*out = v;
	return true;
}

/* The text as it may be shown: escaped as every message shows text from
 * outside (text.h), so a message cannot drive the terminal. */
static void shown(const char *s, char *buf, size_t size)
{
	text_show(buf, size, s, strlen(s), 0);
}

void workspace_knob_error(enum workspace_knob k, const char *text,
			  bool as_option, char *buf, size_t size)
{
	char value[64];
	shown(text, value, sizeof value);
	snprintf(buf, size, "%s%s expects %s, got '%s'", as_option ? "--" : "",
		 knob_table[k].option, knob_table[k].expected, value);
}

bool workspace_knobs_same(const struct workspace_knobs *x,
			  const struct workspace_knobs *y)
{
	for (int k = 0; k < WS_KNOB_COUNT; k++) {
		double a = workspace_knob_get(x, (enum workspace_knob)k);
		double b = workspace_knob_get(y, (enum workspace_knob)k);
		if (a != b && !(isnan(a) && isnan(b)))
			return false;
	}
	return x->at.vision == y->at.vision &&
	       x->at.vision_encoder == y->at.vision_encoder;
}

double workspace_knob_get(const struct workspace_knobs *k,
			  enum workspace_knob which)
{
	switch (which) {
	case WS_BATCH:
		return k->at.batch;
	case WS_INPUT:
		return k->at.input;
	case WS_OUTPUT:
		return k->at.output;
	case WS_GPUS:
		return k->gpus;
	default:
		return k->eta;
	}
}

void workspace_knob_set(struct workspace_knobs *k, enum workspace_knob which,
			double v)
{
	switch (which) {
	case WS_BATCH:
		k->at.batch = (unsigned)v;
		break;
	case WS_INPUT:
		k->at.input = v;
		break;
	case WS_OUTPUT:
		k->at.output = v;
		break;
	case WS_GPUS:
		k->gpus = (unsigned)v;
		break;
	default:
		k->eta = v;
		break;
	}
}

/* The next power of two above (dir > 0) or below v; from 0 (the measured
 * GPUs) up is the minimum, and down from the minimum is 0 where 0 means
 * something. */
static double step_pow2(const struct workspace_knob_info *K, double v,
			int dir)
{
	if (v < K->min)
		return dir > 0 ? K->min : v;
	double p = pow(2, floor(log2(v)));
	double next = dir > 0 ? p * 2 : (p < v ? p : p / 2);
	if (next < K->min)
		return K->zero ? 0 : K->min;
	return next > K->max ? K->max : next;
}

void workspace_knob_turn(struct workspace_knobs *k, enum workspace_knob which,
			 int dir)
{
	const struct workspace_knob_info *K = &knob_table[which];
	double v = workspace_knob_get(k, which);
	if (isnan(v))
		v = K->max; /* eta off: the first turn starts at energy */
	if (K->pow2)
		v = step_pow2(K, v, dir);
	else
		v = round((v + (dir > 0 ? K->step : -K->step)) / K->step) *
		    K->step;
	workspace_knob_set(k, which, fmin(fmax(v, K->zero ? 0 : K->min), K->max));
}

void workspace_knob_format(const struct workspace_knobs *k,
			   enum workspace_knob which, char *buf, size_t size)
{
	const struct workspace_knob_info *K = &knob_table[which];
	double v = workspace_knob_get(k, which);
	if (K->zero && v == 0)
		snprintf(buf, size, "%s", K->zero);
	else if (isnan(v))
		snprintf(buf, size, "off");
	else if (K->pow2 || K->whole)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.1f", v);
}

bool workspace_parse_number(const char *s, bool whole, double *out)
{
	double v;
	if (!parse_finite(s, &v) || v < 0)
		return false;
	if (whole && (v < 1 || v != floor(v) || v > 1 << 20))
		return false;
	*out = v;
	return true;
}

/* ---- opening ------------------------------------------------------------ */

int workspace_models(const char *const paths[2], struct model *models[2])
{
	models[0] = models[1] = NULL;
	struct diag_list diags;
	diag_init(&diags, stderr);
	int status = EXIT_OK;
	for (int i = 0; i < 2 && paths[i]; i++) {
		struct model *m = model_load(paths[i], &diags);
		if (!m) {
			status = access(paths[i], R_OK) != 0 ? EXIT_NOINPUT
							     : EXIT_DATAERR;
			break;
		}
		if (models[m->target]) {
			text_fprintf(
				stderr,
				"energylens: %s: a second %s model (expected "
				"one energy and one latency model)\n",
				paths[i], model_target_name(m->target));
			model_free(m);
			status = EXIT_USAGE;
			break;
		}
		models[m->target] = m;
	}
	for (int t = 0; t < 2 && status == EXIT_OK; t++)
		if (!models[t] && !(models[t] = model_builtin(t)))
			status = EXIT_SOFTWARE;
	if (status != EXIT_OK) {
		model_free(models[0]);
		model_free(models[1]);
		models[0] = models[1] = NULL;
	}
	diag_free(&diags);
	return status;
}

int workspace_load_paths(struct profile_set *set, struct diag_list *diags,
			 int count, char **paths)
{
	enum profile_status worst = PROFILE_OK;
	for (int i = 0; i < count; i++) {
		enum profile_status st =
			profile_load_path(set, paths[i], diags);
		if (st > worst)
			worst = st;
		if (st == PROFILE_NO_MEMORY)
			break;
	}
	diag_echo_rest(diags);
	switch (worst) {
	case PROFILE_OK:
		return EXIT_OK;
	case PROFILE_BAD_DATA:
		return EXIT_DATAERR;
	case PROFILE_UNREADABLE:
		return EXIT_NOINPUT;
	case PROFILE_NO_MEMORY:
		fprintf(stderr, "energylens: out of memory\n");
		return EXIT_SOFTWARE;
	}
	return EXIT_SOFTWARE;
}

int workspace_init(struct workspace *ws, const char *const model_paths[2])
{
	memset(ws, 0, sizeof *ws);
	profile_set_init(&ws->set);
	return workspace_models(model_paths, ws->models);
}

/* Runs grouped by workload with one counting pass, so every per-workload
 * question (layouts, medians) reads only that workload's runs. */
static bool index_runs(const struct profile_set *set, size_t **order,
		       size_t **start)
{
	size_t nw = set->workload_count, nr = set->run_count;
	*order = malloc((nr ? nr : 1) * sizeof **order);
	*start = calloc(nw + 2, sizeof **start);
	size_t *fill = calloc(nw + 1, sizeof *fill);
	if (!*order || !*start || !fill) {
		free(fill);
		return false;
	}
	for (size_t w = 0; w < nw; w++)
		(*start)[w + 1] = (*start)[w] + set->workloads[w].run_count;
	for (size_t i = 0; i < nr; i++) {
		size_t w = set->runs[i].workload;
		(*order)[(*start)[w] + fill[w]++] = i;
	}
	free(fill);
	return true;
}

/* A run's layout and where it first appears among its workload's runs,
 * to find every workload's distinct layouts with two sorts: a scan per
 * knob turn of 10 000 runs against 64 layouts was most of a redraw. */
struct seen_layout {
	struct select_layout l;
	size_t first;
};

static int by_layout(const void *x, const void *y)
{
	const struct seen_layout *a = x, *b = y;
	if (a->l.tp != b->l.tp)
		return a->l.tp < b->l.tp ? -1 : 1;
	if (a->l.pp != b->l.pp)
		return a->l.pp < b->l.pp ? -1 : 1;
	if (a->l.dp != b->l.dp)
		return a->l.dp < b->l.dp ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

static int by_first(const void *x, const void *y)
{
	const struct seen_layout *a = x, *b = y;
	return (a->first > b->first) - (a->first < b->first);
}

/* Into *layouts and *lstart (the caller frees both, also on failure). */
static bool index_layouts(const struct profile_set *set, const size_t *order,
			  const size_t *start, struct select_layout **layouts,
			  size_t **lstart)
{
	size_t nw = set->workload_count, nr = set->run_count;
	struct seen_layout *v = malloc((nr ? nr : 1) * sizeof *v);
	*layouts = malloc((nr ? nr : 1) * sizeof **layouts);
	*lstart = calloc(nw + 2, sizeof **lstart);
	if (!v || !*layouts || !*lstart) {
		free(v);
		return false;
	}
	size_t out = 0;
	for (size_t w = 0; w < nw; w++) {
		size_t from = start[w], n = start[w + 1] - from;
		for (size_t i = 0; i < n; i++) {
			const struct profile_run *r =
				&set->runs[order[from + i]];
			v[i] = (struct seen_layout){{r->tp, r->pp, r->dp}, i};
		}
		qsort(v, n, sizeof *v, by_layout);
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (i == 0 || memcmp(&v[i].l, &v[k - 1].l,
					     sizeof v[i].l) != 0)
				v[k++] = v[i];
		qsort(v, k, sizeof *v, by_first);
		(*lstart)[w] = out;
		for (size_t i = 0; i < k; i++)
			(*layouts)[out++] = v[i].l;
	}
	(*lstart)[nw] = out;
	free(v);
	return true;
}

static void drop_runs(struct workspace *ws)
{
	/* the fits made so far, one per group asked for */
	for (size_t g = 0; ws->fits && g < ws->ds.count; g++)
		if (ws->fits[g].done) {
			fit_group_free(&ws->fits[g].fit);
			for (int t = 0; t < 2; t++)
				if (ws->fits[g].est_ok[t])
					estimate_free(&ws->fits[g].est[t]);
		}
	free(ws->fits);
	dataset_free(&ws->ds);
	profile_set_free(&ws->set);
	fitfile_free(ws->file);
	free(ws->order);
	free(ws->start);
	free(ws->layouts);
	free(ws->lstart);
	ws->fits = NULL;
	ws->file = NULL;
	ws->order = ws->start = ws->lstart = NULL;
	ws->layouts = NULL;
}

int workspace_load(struct workspace *ws, int npaths, char **paths,
		   struct diag_list *diags, size_t max_errors, bool *replaced)
{
	*replaced = false;
	struct profile_set set;
	profile_set_init(&set);
	set.regular_only = ws->regular_only;
	int status = workspace_load_paths(&set, diags, npaths, paths);
	if (status == EXIT_SOFTWARE || status == EXIT_NOINPUT ||
	    set.run_count == 0 || diags->errors > max_errors) {
		if (status == EXIT_OK)
			status = EXIT_DATAERR;
		profile_set_free(&set);
		return status;
	}
	struct dataset ds = {NULL, 0, 0, NULL};
	struct workspace_fit *fits = NULL;
	size_t *order = NULL, *start = NULL, *lstart = NULL;
	struct select_layout *layouts = NULL;
	/* everything of the new set is made before the old one goes, so a
	 * failure leaves the workspace as it was */
	if (dataset_build(&set, BY_HARDWARE, &ds, diags) != 0 ||
	    !(fits = calloc(ds.count + 1, sizeof *fits)) ||
	    !index_runs(&set, &order, &start) ||
	    !index_layouts(&set, order, start, &layouts, &lstart)) {
		free(order);
		free(start);
		free(layouts);
		free(lstart);
		free(fits);
		dataset_free(&ds);
		profile_set_free(&set);
		fputs("energylens: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	drop_runs(ws);
	ws->set = set;
	ws->ds = ds;
	ws->fits = fits;
	ws->order = order;
	ws->start = start;
	ws->layouts = layouts;
	ws->lstart = lstart;
	*replaced = true;
	return status;
}

int workspace_load_fitted(struct workspace *ws, const char *path)
{
	struct diag_list diags;
	diag_init(&diags, stderr);
	struct fitfile *ff = fitfile_load(path, &diags);
	int status = ff					       ? EXIT_OK
		     : diags.count && diags.items[0].line == 0 ? EXIT_NOINPUT
							       : EXIT_DATAERR;
	diag_free(&diags);
	if (!ff)
		return status;
	drop_runs(ws);
	model_free(ws->models[0]);
	model_free(ws->models[1]);
	ws->models[0] = ff->models[0];
	ws->models[1] = ff->models[1];
	ff->models[0] = ff->models[1] = NULL;
	ws->file = ff;
	/* The file's workloads are the set's: move them, no runs. */
	ws->set = ff->set;
	profile_set_init(&ff->set);
	if (!index_runs(&ws->set, &ws->order, &ws->start) ||
	    !index_layouts(&ws->set, ws->order, ws->start, &ws->layouts,
			   &ws->lstart)) {
		fputs("energylens: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	return EXIT_OK;
}

void workspace_free(struct workspace *ws)
{
	drop_runs(ws);
	model_free(ws->models[0]);
	model_free(ws->models[1]);
	memset(ws, 0, sizeof *ws);
}

/* ---- workloads ---------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool same_or_null(const char *a, const char *b)
{
	return a == b || same(a, b);
}

/* NAME, MODEL or NAME:MODEL exactly (one model often serves several
 * named workloads). */
static bool named(const struct profile_workload *w, const char *sel)
{
	if (same(w->name, sel) || same(w->model, sel))
		return true;
	const char *colon = strchr(sel, ':');
	while (colon) {
		if (w->name && same(w->model, colon + 1) &&
		    strlen(w->name) == (size_t)(colon - sel) &&
		    strncmp(w->name, sel, (size_t)(colon - sel)) == 0)
			return true;
		colon = strchr(colon + 1, ':');
	}
	return false;
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

bool workspace_matches(const struct profile_workload *w, const char *text)
{
	return contains(w->name, text) || contains(w->model, text) ||
	       contains(w->hardware, text) || contains(w->engine, text);
}

enum match { MATCH_NONE, MATCH_SUBSTRING, MATCH_EXACT };

static enum match how_matched(const struct profile_workload *w,
			      const struct workspace_query *q)
{
	if ((q->hardware && !same(w->hardware, q->hardware)) ||
	    (q->engine && !same(w->engine, q->engine)))
		return MATCH_NONE;
	if (!q->workload || named(w, q->workload))
		return MATCH_EXACT;
	return workspace_matches(w, q->workload) ? MATCH_SUBSTRING
						 : MATCH_NONE;
}

/* The distinct layouts of w's runs, in order of first appearance. */
static size_t measured_layouts(const struct workspace *ws, size_t w,
			       struct select_layout *out, size_t max)
{
	if (!ws->lstart || w >= ws->set.workload_count)
		return 0;
	size_t n = ws->lstart[w + 1] - ws->lstart[w];
	n = n < max ? n : max;
	memcpy(out, ws->layouts + ws->lstart[w], n * sizeof *out);
	return n;
}

/* The workload with the most measured layouts (the most to choose
 * between), then the most runs, among those the query allows. */
static long richest(const struct workspace *ws,
		    const struct workspace_query *q)
{
	long best = -1;
	size_t best_layouts = 0;
	struct select_layout l[SELECT_MAX_CANDIDATES];
	for (size_t w = 0; w < ws->set.workload_count; w++) {
		if (how_matched(&ws->set.workloads[w], q) == MATCH_NONE)
			continue;
		size_t n = measured_layouts(ws, w, l, SELECT_MAX_CANDIDATES);
		if (best < 0 || n > best_layouts ||
		    (n == best_layouts &&
		     ws->set.workloads[w].run_count >
			     ws->set.workloads[best].run_count)) {
			best = (long)w;
			best_layouts = n;
		}
	}
	return best;
}

static void list_matches(const struct workspace *ws,
			 const struct workspace_query *q, enum match level,
			 FILE *err)
{
	size_t shown = 0, more = 0;
	for (size_t w = 0; w < ws->set.workload_count; w++) {
		const struct profile_workload *W = &ws->set.workloads[w];
		if (level != MATCH_NONE && how_matched(W, q) != level)
			continue;
		if (shown == 20) {
			more++;
			continue;
		}
		text_fprintf(err, "  %s:%s  on %s  (%s)\n", or_dash(W->name),
			     or_dash(W->model), or_dash(W->hardware),
			     or_dash(W->engine));
		shown++;
	}
	if (more)
		fprintf(err, "  and %zu more\n", more);
}

long workspace_find(const struct workspace *ws, const struct workspace_query *q,
		    bool fallback_richest, const char *verb, FILE *err)
{
	size_t count[3] = {0, 0, 0};
	long first[3] = {-1, -1, -1};
	for (size_t w = 0; w < ws->set.workload_count; w++) {
		enum match m = how_matched(&ws->set.workloads[w], q);
		if (count[m]++ == 0)
			first[m] = (long)w;
	}
	enum match level = count[MATCH_EXACT] ? MATCH_EXACT : MATCH_SUBSTRING;
	if (count[level] == 1)
		return first[level];
	if (count[level] > 1 && !q->workload && fallback_richest)
		return richest(ws, q);
	char what[160] = "";
	if (q->workload) {
		char s[100];
		shown(q->workload, s, sizeof s);
		snprintf(what, sizeof what, " '%s'", s);
	}
	text_fprintf(err,
		     "%s: %s%s (expected --workload NAME, MODEL or NAME:MODEL, "
		     "with --hardware and --engine, to pick one of):\n",
		     verb,
		     count[level] ? "several workloads match"
				  : "no workload matches",
		     what);
	list_matches(ws, q, count[level] ? level : MATCH_NONE, err);
	return -1;
}

long workspace_same(const struct workspace *ws,
		    const struct profile_workload *old)
{
	for (size_t w = 0; w < ws->set.workload_count; w++) {
		const struct profile_workload *W = &ws->set.workloads[w];
		if (same_or_null(W->name, old->name) &&
		    same_or_null(W->model, old->model) &&
		    same_or_null(W->hardware, old->hardware) &&
		    same_or_null(W->engine, old->engine))
			return (long)w;
	}
	return -1;
}

int workspace_open(struct workspace *ws, const struct workspace_source *src,
		   const struct workspace_query *q, const char *verb,
		   size_t *workload)
{
	char who[64];
	snprintf(who, sizeof who, "energylens %s", verb);
	int status = workspace_init(ws, src->model_paths);
	if (status == EXIT_OK && src->fitted) {
		status = workspace_load_fitted(ws, src->fitted);
	} else if (status == EXIT_OK) {
		struct diag_list diags;
		bool replaced;
		diag_init(&diags, stderr);
		status = workspace_load(ws, src->npaths, src->paths, &diags,
					SIZE_MAX, &replaced);
		diag_free(&diags);
	}
	if (status != EXIT_OK)
		return status;
	long w = workspace_find(ws, q, false, who, stderr);
	if (w < 0)
		return EXIT_USAGE;
	*workload = (size_t)w;
	struct workspace_fitted f;
	if (workspace_fitted(ws, (size_t)w, &f))
		return EXIT_OK;
	if (ws->file) {
		text_fprintf(stderr, "%s: %s: %s\n", who,
			     slurp_name(src->fitted), f.error);
		return EXIT_USAGE;
	}
	text_fprintf(stderr, "%s: %s: %s\n", who, f.group ? f.group : "-",
		     f.error);
	return EXIT_DATAERR;
}

static int compare_doubles(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* The median of one measured quantity over w's runs, rounded and within
 * the knob's limits; fallback without runs. */
/* The median of knob k over the workload's runs; vision 1 or 2 takes V or
 * Ve instead (the runs without vision inputs count as 0). */
static double median_of(const struct workspace *ws, size_t w,
			enum workspace_knob k, int vision, double fallback)
{
	if (!ws->start || w >= ws->set.workload_count)
		return fallback;
	size_t from = ws->start[w], to = ws->start[w + 1];
	double *v = malloc((to - from + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = from; v && i < to; i++) {
		const struct profile_run *r = &ws->set.runs[ws->order[i]];
		double x = k == WS_BATCH   ? r->batch_size
			   : k == WS_INPUT ? r->input_tokens
					   : r->output_tokens;
		if (vision)
			x = vision == 1 ? r->vision_tokens
					: r->vision_encoder_tokens;
		if (isfinite(x) && (x > 0 || (vision && x == 0)))
			v[n++] = x;
	}
	double m = fallback;
	if (n) {
		qsort(v, n, sizeof *v, compare_doubles);
		m = round(v[n / 2]);
	}
	free(v);
	if (vision)
		return m;
	const struct workspace_knob_info *K = &knob_table[k];
	return fmin(fmax(m, K->min), K->max);
}

void workspace_default_knobs(const struct workspace *ws, size_t w,
			     struct workspace_knobs *k)
{
	k->at.batch = (unsigned)median_of(ws, w, WS_BATCH, 0, 32);
	k->at.input = median_of(ws, w, WS_INPUT, 0, 1024);
	k->at.output = median_of(ws, w, WS_OUTPUT, 0, 256);
	k->at.vision = median_of(ws, w, WS_INPUT, 1, 0);
	k->at.vision_encoder = median_of(ws, w, WS_INPUT, 2, 0);
	k->gpus = 0;
	k->eta = NAN;
}

/* ---- fits and estimates ------------------------------------------------- */

static long group_of(const struct workspace *ws, size_t w)
{
	return ws->file ? -1 : dataset_group_of(&ws->ds, w);
}

const struct fit_group *workspace_fit_of(const struct workspace *ws, size_t w)
{
	long g = group_of(ws, w);
	return g >= 0 && ws->fits[g].done ? &ws->fits[g].fit : NULL;
}

static bool from_file(const struct workspace *ws, size_t w,
		      struct workspace_fitted *out)
{
	for (size_t g = 0; g < ws->file->count; g++) {
		const struct fitfile_group *G = &ws->file->groups[g];
		for (size_t k = 0; k < G->nworkloads; k++) {
			if (G->workloads[k] != w)
				continue;
			out->group = G->label;
			out->energy = G->energy.value;
			out->latency = G->has_latency ? G->latency.value : NULL;
			out->latency_missing = "no latency fit in the file";
			return true;
		}
	}
	out->error = "the workload is in no fitted group of the file";
	return false;
}

/* One target's estimates from the group's rows and fit; est_ok stays
 * false when the fit failed or memory ran out (the ranking then has the
 * fit's predictions alone). */
static void build_estimate(const struct workspace *ws, const struct model *m,
			   const struct fit_result *fit, bool ok,
			   const struct dataset_rows *rows,
			   struct estimate_group *est, bool *est_ok)
{
	*est_ok = false;
	if (!ok || rows->n == 0)
		return;
	size_t *wl = malloc(rows->n * sizeof *wl);
	if (!wl)
		return;
	for (size_t i = 0; i < rows->n; i++)
		wl[i] = ws->set.runs[rows->run[i]].workload;
	struct estimate_rows er = {rows->n, rows->inputs, rows->y, wl};
	*est_ok = estimate_build(est, m, fit->value, fit->cov, fit->nparams,
				 &er) == 0;
	/* the confidence of energy is calibrated (eval scores it); the
	 * latency's draws are taken as they come */
	if (*est_ok && m->target == TARGET_ENERGY &&
	    estimate_calibrate(est, &er) != 0) {
		estimate_free(est);
		*est_ok = false;
	}
	free(wl);
}

static void build_estimates(const struct workspace *ws, struct workspace_fit *F,
			    const struct dataset_group *G)
{
	build_estimate(ws, ws->models[0], &F->fit.energy,
		       F->fit.energy_status == FIT_OK, &G->energy, &F->est[0],
		       &F->est_ok[0]);
	build_estimate(ws, ws->models[1], &F->fit.latency,
		       F->fit.latency_status == FIT_OK, &G->latency, &F->est[1],
		       &F->est_ok[1]);
}

bool workspace_fitted(struct workspace *ws, size_t w,
		      struct workspace_fitted *out)
{
	memset(out, 0, sizeof *out);
	if (ws->file)
		return from_file(ws, w, out);
	long g = group_of(ws, w);
	if (g < 0) {
		out->error = "no run of this workload can be fitted";
		return false;
	}
	struct workspace_fit *F = &ws->fits[g];
	const struct dataset_group *G = &ws->ds.groups[g];
	if (!F->done) {
		fit_group(ws->models[0], ws->models[1], G, &F->fit);
		F->done = true;
		build_estimates(ws, F, G);
	}
	out->group = G->label;
	out->fit = &F->fit;
	if (F->fit.energy_status != FIT_OK) {
		out->error = F->fit.energy.message;
		return false;
	}
	out->energy = F->fit.energy.value;
	bool latency = F->fit.latency_status == FIT_OK;
	out->latency = latency ? F->fit.latency.value : NULL;
	out->latency_missing = G->latency.n ? F->fit.latency.message
					    : "no run has a measured latency";
	return true;
}

const char *workspace_status_text(enum workspace_status s)
{
	switch (s) {
	case WS_OK:
		return "ok";
	case WS_NO_FIT:
		return "no energy fit for the workload's group";
	case WS_NO_CANDIDATE:
		return "no candidate layout (expected measured runs, or "
		       "--gpus N with room for the model)";
	case WS_NOT_FINITE:
		return "the model's energy is not finite for any candidate "
		       "layout at these knobs (a term outside its domain?)";
	default:
		return "out of memory";
	}
}

void workspace_unranked_text(const struct select_result *r, char *buf,
			     size_t size)
{
	buf[0] = '\0';
	if (!r->unranked)
		return;
	char name[32];
	select_layout_name(&r->first_unranked, name, sizeof name);
	snprintf(buf, size,
		 "%zu candidate layout%s (%s%s) left out: the model's energy "
		 "is not finite there",
		 r->unranked, r->unranked == 1 ? "" : "s", name,
		 r->unranked > 1 ? ", ..." : "");
}

size_t workspace_candidates(const struct workspace *ws, size_t w,
			    const struct workspace_knobs *k,
			    struct select_layout *out, size_t max)
{
	if (w >= ws->set.workload_count)
		return 0;
	if (k->gpus)
		return select_gpu_layouts(&ws->set.workloads[w], k->gpus, &k->at,
					  out, max);
	return measured_layouts(ws, w, out, max);
}

/* What was measured of one candidate at the knobs, on the log scale
 * for the estimates. */
struct measured {
	double log_e, log_t;
	size_t ne, nt;
};

static bool near_tokens(double a, double b)
{
	return fabs(a - b) <=
	       SELECT_MEASURED_TOLERANCE * fmax(fabs(a), fabs(b));
}

/* Each candidate's measurements at the knobs: one pass over w's runs. */
static void gather(const struct workspace *ws, size_t w,
		   const struct select_knobs *k, const struct select_result *r,
		   struct measured *m)
{
	memset(m, 0, r->n * sizeof *m);
	for (size_t i = ws->start[w]; i < ws->start[w + 1]; i++) {
		const struct profile_run *run = &ws->set.runs[ws->order[i]];
		if (run->batch_size != k->batch ||
		    !near_tokens(run->input_tokens, k->input) ||
		    !near_tokens(run->output_tokens, k->output))
			continue;
		for (size_t c = 0; c < r->n; c++) {
			const struct select_layout *l = &r->c[c].layout;
			if (run->tp != l->tp || run->pp != l->pp ||
			    run->dp != l->dp)
				continue;
			double lat = dataset_latency_of(run);
			if (run->energy_total_j > 0) {
				m[c].log_e += log(run->energy_total_j);
				m[c].ne++;
			}
			if (lat > 0 && isfinite(lat)) {
				m[c].log_t += log(lat);
				m[c].nt++;
			}
		}
	}
}

/* Candidates measured at the knobs whose measured order two by two is
 * not the order of their predictions (the fit with the offsets). */
static void flag_disagreements(struct select_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = i + 1; j < r->n; j++) {
			struct select_candidate *a = &r->c[i], *b = &r->c[j];
			if (isnan(a->measured_j) || isnan(b->measured_j) ||
			    a->measured_j == b->measured_j)
				continue;
			if ((a->measured_j < b->measured_j) !=
			    (a->predicted_j < b->predicted_j))
				a->disagrees = b->disagrees = true;
		}
}

/* P(best) of one target into each candidate (p_cheapest or p_fastest),
 * seeded by the workload and the knobs so a view drawn again says the
 * same. */
static void confidence(const struct estimate_group *E, size_t w,
		       const struct select_knobs *k, struct select_result *r,
		       const struct estimate_in *in, bool latency,
		       size_t ndraws)
{
	double *p = malloc(r->n * sizeof *p);
	if (!p)
		return;
	unsigned long long seed = ((unsigned long long)w << 32) ^
				  (unsigned long long)k->batch * 2654435761u ^
				  (unsigned long long)(k->input * 40503) ^
				  (unsigned long long)(k->output * 97) ^
				  (latency ? 0x5bd1e995u : 0);
	estimate_confidence_draws(E, estimate_workload(E, w), in, r->n, ndraws,
				  seed, p);
	for (size_t c = 0; c < r->n; c++)
		*(latency ? &r->c[c].p_fastest : &r->c[c].p_cheapest) = p[c];
	free(p);
}

/* The estimates of r's candidates (estimate.h), then the ranking again. */
static bool apply_estimates(struct workspace *ws, size_t w,
			    const struct workspace_knobs *k,
			    struct select_result *r, bool cell)
{
	long g = group_of(ws, w);
	if (g < 0 || !ws->fits[g].est_ok[0])
		return true;
	const struct workspace_fit *F = &ws->fits[g];
	size_t n = r->n;
	double *in = malloc(n * MODEL_NINPUTS * sizeof *in);
	struct measured *m = malloc(n * sizeof *m);
	struct estimate_in *ce = malloc(n * sizeof *ce);
	struct estimate_in *ct = malloc(n * sizeof *ct);
	bool ok = in && m && ce && ct;
	if (ok) {
		gather(ws, w, &k->at, r, m);
		for (size_t c = 0; c < n; c++) {
			struct profile_run run;
			select_run_at(&r->c[c].layout, &k->at, &run);
			model_inputs(&ws->set.workloads[w], &run,
				     in + c * MODEL_NINPUTS);
			ce[c] = (struct estimate_in){
				in + c * MODEL_NINPUTS,
				m[c].ne ? m[c].log_e / (double)m[c].ne : 0,
				m[c].ne};
			ct[c] = (struct estimate_in){
				in + c * MODEL_NINPUTS,
				m[c].nt ? m[c].log_t / (double)m[c].nt : 0,
				m[c].nt};
			struct select_candidate *C = &r->c[c];
			struct estimate_out o;
			estimate_one(&F->est[0],
				     estimate_workload(&F->est[0], w), &ce[c],
				     &o);
			C->predicted_j = o.pooled_j;
			C->energy_j = o.energy_j;
			C->basis = (unsigned char)o.basis;
			C->measured_s =
				m[c].nt ? exp(m[c].log_t / (double)m[c].nt)
					: NAN;
			if (F->est_ok[1] && !isnan(C->latency_s)) {
				estimate_one(&F->est[1],
					     estimate_workload(&F->est[1], w),
					     &ct[c], &o);
				C->latency_s = o.energy_j;
				C->latency_basis = (unsigned char)o.basis;
			}
		}
		/* a cell of the map asks only whether the fastest layout may
		 * be the cheapest, for 120 cells at a time: fewer draws, and
		 * no P(fastest) */
		confidence(&F->est[0], w, &k->at, r, ce, false,
			   cell ? WS_CELL_DRAWS : ESTIMATE_DRAWS);
		if (!cell && F->est_ok[1] && r->latency_best >= 0)
			confidence(&F->est[1], w, &k->at, r, ct, true,
				   ESTIMATE_DRAWS);
		flag_disagreements(r);
		select_finish(r, k->eta);
	}
	free(in);
	free(m);
	free(ce);
	free(ct);
	return ok;
}

long workspace_rival(const struct select_result *r, bool latency)
{
	long best = latency ? r->latency_best : (long)r->energy_best;
	long rival = -1;
	double most = 0;
	for (size_t c = 0; best >= 0 && c < r->n; c++) {
		double p = latency ? r->c[c].p_fastest : r->c[c].p_cheapest;
		if ((long)c != best && p >= WS_WITHIN_NOISE && p > most) {
			most = p;
			rival = (long)c;
		}
	}
	return rival;
}

int workspace_percent(double p)
{
	if (isnan(p))
		return -1;
	int v = (int)lround(100 * p);
	/* 99.6% is not "100% sure", nor 0.3% "no chance" */
	if (v == 100 && p < 1)
		return 99;
	if (v == 0 && p > 0)
		return 1;
	return v;
}

void workspace_sure_text(const struct select_result *r, bool latency, char *buf,
			 size_t size)
{
	long best = latency ? r->latency_best : (long)r->energy_best;
	buf[0] = '\0';
	if (best < 0)
		return;
	const struct select_candidate *c = &r->c[best];
	char name[32];
	select_layout_name(&c->layout, name, sizeof name);
	double p = latency ? c->p_fastest : c->p_cheapest;
	if (isnan(p)) {
		snprintf(buf, size, "%s", name);
		return;
	}
	int shown_p = workspace_percent(p);
	long rival = workspace_rival(r, latency);
	if (rival < 0) {
		snprintf(buf, size, "%s, %d%% sure", name, shown_p);
		return;
	}
	char other[32];
	select_layout_name(&r->c[rival].layout, other, sizeof other);
	snprintf(buf, size, "%s, %d%% sure; %s is within noise", name, shown_p,
		 other);
}

/* workspace_rank, or a map cell's ranking (cell): that one draws its
 * confidence fewer times and leaves P(fastest) out (apply_estimates). */
static enum workspace_status rank_at(struct workspace *ws, size_t w,
				     const struct workspace_knobs *k,
				     struct select_result *r, bool cell)
{
	memset(r, 0, sizeof *r);
	struct workspace_fitted f;
	if (!workspace_fitted(ws, w, &f))
		return WS_NO_FIT;
	struct select_layout layouts[SELECT_MAX_CANDIDATES];
	size_t n = workspace_candidates(ws, w, k, layouts,
					SELECT_MAX_CANDIDATES);
	if (n == 0)
		return WS_NO_CANDIDATE;
	struct select_models m = {ws->models[0], ws->models[1], f.energy,
				  f.latency};
	ws->ranked++;
	if (select_rank(&m, &ws->set.workloads[w], w,
			ws->file ? NULL : &ws->set, layouts, n, &k->at, k->eta,
			r) != 0)
		return WS_NO_MEMORY;
	if (r->n == 0) {
		select_result_free(r);
		return WS_NOT_FINITE;
	}
	if (!ws->file && !apply_estimates(ws, w, k, r, cell)) {
		select_result_free(r);
		return WS_NO_MEMORY;
	}
	return WS_OK;
}

enum workspace_status workspace_rank(struct workspace *ws, size_t w,
				     const struct workspace_knobs *k,
				     struct select_result *r)
{
	return rank_at(ws, w, k, r, false);
}

bool workspace_terms(struct workspace *ws, size_t w,
		     const struct select_layout *l, const struct select_knobs *k,
		     double *terms)
{
	memset(terms, 0, MODEL_MAX_TERMS * sizeof *terms);
	struct workspace_fitted f;
	if (!workspace_fitted(ws, w, &f))
		return false;
	double sum = select_predict(ws->models[0], f.energy,
				    &ws->set.workloads[w], l, k, terms);
	long g = group_of(ws, w);
	if (g < 0 || !ws->fits[g].est_ok[0] || !(sum > 0) || !isfinite(sum))
		return true;
	/* The terms of the estimate the table shows: each carries its
	 * kind's offset, and all of them the rest of the estimate (the
	 * layout's factor, the measurements) in proportion, so the bars
	 * add up to the table's energy. */
	const struct estimate_group *E = &ws->fits[g].est[0];
	const struct estimate_workload *ew = estimate_workload(E, w);
	struct select_candidate one = {.layout = *l};
	struct select_result r = {.c = &one, .n = 1};
	struct measured m;
	gather(ws, w, k, &r, &m);
	struct profile_run run;
	select_run_at(l, k, &run);
	double in[MODEL_NINPUTS];
	model_inputs(&ws->set.workloads[w], &run, in);
	struct estimate_in c = {in, m.ne ? m.log_e / (double)m.ne : 0, m.ne};
	struct estimate_out o;
	estimate_one(E, ew, &c, &o);
	double kinds = 0;
	for (size_t t = 0; t < ws->models[0]->nterms; t++) {
		if (ew)
			terms[t] *=
				exp(ew->offset[ws->models[0]->terms[t].kind]);
		kinds += terms[t];
	}
	for (size_t t = 0; kinds > 0 && t < ws->models[0]->nterms; t++)
		terms[t] *= o.energy_j / kinds;
	return true;
}

/* ---- the divergence grid ------------------------------------------------ */

void workspace_default_grid(struct workspace_grid *g, bool output_axis)
{
	memset(g, 0, sizeof *g);
	g->output_axis = output_axis;
	for (double b = 1; g->nrows < WS_DEFAULT_ROWS; b *= 2)
		g->rows[g->nrows++] = b;
	for (double t = output_axis ? 16 : 64; g->ncols < WS_DEFAULT_COLS;
	     t *= 2)
		g->cols[g->ncols++] = t;
}

enum workspace_status workspace_fill_grid(struct workspace *ws, size_t w,
					  const struct workspace_grid *g,
					  const struct workspace_knobs *k,
					  struct workspace_cell *cells)
{
	memset(cells, 0, g->nrows * g->ncols * sizeof *cells);
	for (size_t i = 0; i < g->nrows; i++)
		for (size_t j = 0; j < g->ncols; j++) {
			struct workspace_knobs at = *k;
			at.at.batch = (unsigned)g->rows[i];
			if (g->output_axis)
				at.at.output = g->cols[j];
			else
				at.at.input = g->cols[j];
			struct select_result r;
			enum workspace_status s = rank_at(ws, w, &at, &r, true);
			if (s == WS_NO_CANDIDATE || s == WS_NOT_FINITE)
				continue;
			if (s != WS_OK)
				return s;
			struct workspace_cell *c = &cells[i * g->ncols + j];
			c->any = true;
			c->energy = r.c[r.energy_best];
			c->has_latency = r.latency_best >= 0;
			if (c->has_latency)
				c->latency = r.c[r.latency_best];
			c->diverge = r.diverge;
			c->within_noise =
				r.diverge && r.c[r.latency_best].p_cheapest >=
						     WS_WITHIN_NOISE;
			c->energy_penalty = r.energy_penalty;
			c->latency_penalty = r.latency_penalty;
			select_result_free(&r);
		}
	return WS_OK;
}

/* ---- how well the fit serves each workload ------------------------------ */

static int by_mape(const void *x, const void *y)
{
	const struct workspace_served *a = x, *b = y;
	/* a workload whose error is not a number is the worst */
	if (isnan(a->mape) != isnan(b->mape))
		return isnan(a->mape) ? -1 : 1;
	if (a->mape != b->mape && !isnan(a->mape))
		return (a->mape < b->mape) - (a->mape > b->mape);
	return (a->workload > b->workload) - (a->workload < b->workload);
}

bool workspace_errors(struct workspace *ws, size_t w,
		      struct workspace_errors *out)
{
	memset(out, 0, sizeof *out);
	struct workspace_fitted f;
	long gi = group_of(ws, w);
	if (gi < 0 || !workspace_fitted(ws, w, &f))
		return false;
	const struct dataset_group *g = &ws->ds.groups[gi];
	out->pred = malloc((g->energy.n + 1) * sizeof *out->pred);
	out->served = calloc(g->nworkloads + 1, sizeof *out->served);
	/* the slot of each workload of the group among served */
	size_t *slot = malloc((ws->set.workload_count + 1) * sizeof *slot);
	if (!out->pred || !out->served || !slot) {
		free(slot);
		workspace_errors_free(out);
		return false;
	}
	out->npred = g->energy.n;
	out->nserved = g->nworkloads;
	for (size_t k = 0; k < g->nworkloads; k++) {
		out->served[k].workload = g->workloads[k];
		slot[g->workloads[k]] = k;
	}
	for (size_t i = 0; i < g->energy.n; i++) {
		double pred = model_predict(ws->models[0],
					    g->energy.inputs + i * MODEL_NINPUTS,
					    f.energy, NULL);
		double y = g->energy.y[i];
		out->pred[i] = pred;
		struct workspace_served *s =
			&out->served[slot[ws->set.runs[g->energy.run[i]]
						  .workload]];
		s->runs++;
		s->mape += fabs(pred - y) / y;
		s->bias += log(pred / y);
	}
	free(slot);
	for (size_t k = 0; k < out->nserved; k++)
		if (out->served[k].runs) {
			out->served[k].mape /= (double)out->served[k].runs;
			out->served[k].bias /= (double)out->served[k].runs;
		}
	qsort(out->served, out->nserved, sizeof *out->served, by_mape);
	return true;
}

void workspace_errors_free(struct workspace_errors *e)
{
	free(e->pred);
	free(e->served);
	memset(e, 0, sizeof *e);
}
