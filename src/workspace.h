/* The workspace: the one module between the engine (loader, dataset, fit,
 * selector) and every view (the verbs, the explorer, its snapshot). It
 * owns the models, the runs, their fit groups and the fits (made when
 * first asked for), or a fitted file read back, and answers every
 * question a view asks: which workload a name means, what the knobs may
 * be, where they start for a workload, which layouts are candidates and
 * how they rank, the divergence grid, and how well the fit serves each
 * workload. One question, one answer: no view computes these itself. */
#ifndef ENERGYLENS_WORKSPACE_H
#define ENERGYLENS_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "defaults.h"
#include "diag.h"
#include "estimate.h"
#include "fit.h"
#include "fitfile.h"
#include "model.h"
#include "profile.h"
#include "select.h"

/* ---- the knobs ---------------------------------------------------------- */

enum workspace_knob {
	WS_BATCH,
	WS_INPUT,
	WS_OUTPUT,
	WS_GPUS,
	WS_ETA,
	WS_KNOB_COUNT
};

/* One row of the knob table: the option, the explorer's label, the
 * limits, how - and + step it, and what a bad value is told. */
struct workspace_knob_info {
	const char *option;   /* "batch": --batch */
	const char *label;    /* in the explorer's knob pane */
	const char *meaning;  /* with its unit, for the help */
	double min, max;      /* inclusive */
	bool whole;	      /* an integer */
	bool pow2;	      /* - and + halve and double; else by step */
	double step;	      /* when !pow2 */
	const char *zero;     /* what 0 means, when 0 is allowed apart */
	const char *expected; /* "an integer from 1 to 65536" */
};

struct workspace_knobs {
	struct select_knobs at; /* batch, input and output tokens */
	unsigned gpus;		/* 0: the measured layouts */
	double eta;		/* blend weight; NaN: no blend */
};

const struct workspace_knob_info *workspace_knob(enum workspace_knob k);
/* Parses a value of knob k; false when it is not one (the table's
 * 'expected' says what is). */
bool workspace_knob_parse(enum workspace_knob k, const char *text,
			  double *out);
/* The error for a bad value, the same for an option and a key: "--batch
 * expects an integer from 1 to 65536, got 'x'" (as_option; else "batch
 * expects ..."), the value escaped. */
void workspace_knob_error(enum workspace_knob k, const char *text,
			  bool as_option, char *buf, size_t size);
/* Whether two settings of the knobs are the same (NaN eta equals NaN). */
bool workspace_knobs_same(const struct workspace_knobs *x,
			  const struct workspace_knobs *y);
double workspace_knob_get(const struct workspace_knobs *k,
			  enum workspace_knob which);
void workspace_knob_set(struct workspace_knobs *k, enum workspace_knob which,
			double v);
/* Knob k one step up (dir > 0) or down, within its limits. */
void workspace_knob_turn(struct workspace_knobs *k, enum workspace_knob which,
			 int dir);
/* The value as the explorer shows it ("measured" for 0 GPUs). */
void workspace_knob_format(const struct workspace_knobs *k,
			   enum workspace_knob which, char *buf, size_t size);

/* A number that is no knob (a degree, a count, a size): with whole, an
 * integer from 1 to 2^20; else a finite number >= 0. */
bool workspace_parse_number(const char *s, bool whole, double *out);

/* ---- opening ------------------------------------------------------------ */

struct workspace_fit {
	bool done;
	struct fit_group fit;
	/* the estimates of energy and latency (estimate.h), built with the
	 * fit; est_ok false where that fit failed */
	struct estimate_group est[2];
	bool est_ok[2];
};

struct workspace {
	struct model *models[2]; /* energy, latency */
	struct profile_set set;	 /* the runs, or a fitted file's workloads */
	struct dataset ds;	 /* the runs' fit groups */
	struct workspace_fit *fits; /* one per ds group, made when asked */
	struct fitfile *file;	    /* opened from a fitted file */
	/* the runs grouped by workload: runs of w are
	 * order[start[w]..start[w + 1]) */
	size_t *order, *start;
	/* each workload's distinct measured layouts, in order of first
	 * appearance: layouts[lstart[w]..lstart[w + 1]) */
	struct select_layout *layouts;
	size_t *lstart;
	/* candidate sets ranked so far: the bench and the tests count them
	 * to show that a redraw ranks nothing */
	unsigned long long ranked;
	/* loads take regular files only (profile_set's regular_only): the
	 * explorer's --follow reads them again */
	bool regular_only;
};

/* The energy and latency models: the built-in ones, or those of up to two
 * --model files, placed by their target. Returns an exit status; on
 * success the caller frees both. */
int workspace_models(const char *const paths[2], struct model *models[2]);
/* Every path into one set, diagnostics to diags; returns an exit
 * status. */
int workspace_load_paths(struct profile_set *set, struct diag_list *diags,
			 int count, char **paths);

/* Loads the models; the workspace holds no runs yet. Returns an exit
 * status; on any status the caller calls workspace_free. */
int workspace_init(struct workspace *ws, const char *const model_paths[2]);
/* Loads the profiles into a new set, which replaces the workspace's when
 * it has runs and at most max_errors errors (*replaced says whether).
 * Returns an exit status: EXIT_DATAERR when any run was refused. */
int workspace_load(struct workspace *ws, int npaths, char **paths,
		   struct diag_list *diags, size_t max_errors, bool *replaced);
/* Opens a fit saved by 'energylens fit -o' instead of runs. */
int workspace_load_fitted(struct workspace *ws, const char *path);
void workspace_free(struct workspace *ws);

/* ---- workloads ---------------------------------------------------------- */

struct workspace_query {
	const char *workload; /* NAME, MODEL, NAME:MODEL or a substring */
	const char *hardware; /* exactly, when given */
	const char *engine;
};

/* What a verb opens: runs, fitted now, or a saved fit. */
struct workspace_source {
	const char *fitted; /* a file of 'energylens fit -o'; NULL: paths */
	const char *model_paths[2];
	int npaths;
	char **paths;
};

/* Opens the source and the one workload the query names, with its fit:
 * what predict, rank and divergence share. Returns an exit status,
 * having said what is wrong on stderr as "energylens VERB: ..."; on any
 * status the caller calls workspace_free. */
int workspace_open(struct workspace *ws, const struct workspace_source *src,
		   const struct workspace_query *q, const char *verb,
		   size_t *workload);

/* The one workload the query names: an exact NAME, MODEL or NAME:MODEL,
 * else the only workload containing the text. With no --workload, the
 * only workload (fallback_richest: the one with the most measured
 * layouts). Otherwise -1, after saying on err, as "VERB: ...", that none
 * or several match, and listing them. */
long workspace_find(const struct workspace *ws, const struct workspace_query *q,
		    bool fallback_richest, const char *verb, FILE *err);
/* Whether the text is in the workload's name, model, hardware or engine
 * (case-insensitive): the explorer's search. */
bool workspace_matches(const struct profile_workload *w, const char *text);
/* The same workload (name, model, hardware, engine) in this workspace,
 * or -1: to stay on it across a reload. */
long workspace_same(const struct workspace *ws,
		    const struct profile_workload *old);

/* The knobs a workload starts at: the medians of its measured runs'
 * batch, input and output (32, 1024 and 256 without runs), the measured
 * layouts, no blend. */
void workspace_default_knobs(const struct workspace *ws, size_t w,
			     struct workspace_knobs *k);

/* ---- fits and estimates ------------------------------------------------- */

/* What a view needs of the fit serving one workload. */
struct workspace_fitted {
	const char *group;	       /* the fit group's label */
	const double *energy, *latency; /* parameters; latency NULL: none */
	const char *latency_missing;	/* why not, when latency is NULL */
	const struct fit_group *fit;	/* the whole fit; NULL from a file */
	const char *error;		/* why there is no energy fit */
};

/* Fits w's group when not done yet; returns false (with out->error) when
 * there is no energy fit. */
bool workspace_fitted(struct workspace *ws, size_t w,
		      struct workspace_fitted *out);
/* The fit of w's group if it was made, else NULL. */
const struct fit_group *workspace_fit_of(const struct workspace *ws, size_t w);

enum workspace_status {
	WS_OK,
	WS_NO_FIT,	 /* the group has no energy fit */
	WS_NO_CANDIDATE, /* no layout to rank */
	WS_NOT_FINITE,	 /* the model predicts no finite energy */
	WS_NO_MEMORY,
};
const char *workspace_status_text(enum workspace_status s);
/* "2 candidate layouts (t8p2, ...) left out: the model's energy is not
 * finite there", or "" when none were. */
void workspace_unranked_text(const struct select_result *r, char *buf,
			     size_t size);

/* The candidate layouts at these knobs: w's measured layouts, or with
 * k->gpus every power-of-two layout on at most that many GPUs that fits
 * in memory. */
size_t workspace_candidates(const struct workspace *ws, size_t w,
			    const struct workspace_knobs *k,
			    struct select_layout *out, size_t max);
/* Ranks the candidates at the knobs (fits first when needed) by their
 * estimates (estimate.h: the workload's offsets, and the measurements at
 * the knobs), with the basis of each, the candidates whose measured order
 * disagrees with the predicted one, and P(cheapest) and P(fastest);
 * those whose predicted energy is not finite are left out and counted in
 * r->unranked, and when that is every one the status says so. From a
 * fitted file (no runs) the estimates are the fit's predictions and the
 * probabilities unknown (NaN). */
enum workspace_status workspace_rank(struct workspace *ws, size_t w,
				     const struct workspace_knobs *k,
				     struct select_result *r);
/* The candidate other than the optimum (of energy, or with latency of
 * latency) most likely to be the best instead, when that chance is at
 * least WS_WITHIN_NOISE: "t4p1 is within noise"; else -1. */
#define WS_WITHIN_NOISE 0.1
/* Draws behind a map cell's (and divergence's) chance that the fastest
 * layout is the cheapest: enough to tell 10% (5 draws) from none. */
#define WS_CELL_DRAWS 50
long workspace_rival(const struct select_result *r, bool latency);
/* How sure the optimum is, in the words every view uses: "t2p1, 71%
 * sure; t4p1 is within noise", "t2p1, 98% sure", or "t2p1" where the
 * confidence is unknown (a fitted file). */
void workspace_sure_text(const struct select_result *r, bool latency, char *buf,
			 size_t size);
/* A probability as every view shows it: whole percent, and never 100
 * unless every draw said so, nor 0 unless none did (-1 for NaN). */
int workspace_percent(double p);

/* The energy of one layout at the knobs, term by term (terms holds
 * MODEL_MAX_TERMS): the fit's terms, each with its kind's offset and all
 * scaled to the estimate, so they add up to the energy workspace_rank
 * gives the layout; false without a fit. */
bool workspace_terms(struct workspace *ws, size_t w,
		     const struct select_layout *l, const struct select_knobs *k,
		     double *terms);

/* ---- the divergence grid ------------------------------------------------ */

#define WS_GRID_MAX 64
/* the default grid's size */
#define WS_DEFAULT_ROWS 12
#define WS_DEFAULT_COLS 10

struct workspace_grid {
	double rows[WS_GRID_MAX]; /* batch sizes */
	double cols[WS_GRID_MAX]; /* input (or output) lengths */
	size_t nrows, ncols;
	bool output_axis; /* columns are output lengths, input fixed */
};

struct workspace_cell {
	bool any;	  /* some layout is a candidate */
	bool has_latency; /* a latency-optimal layout */
	bool diverge;
	/* the two optima differ, but the fastest is within noise of the
	 * cheapest in energy (its chance of being the cheapest is at least
	 * WS_WITHIN_NOISE), so the trade-off may be none */
	bool within_noise;
	struct select_candidate energy, latency; /* the two optima */
	double energy_penalty, latency_penalty;
};

/* The grid of 'divergence' and the explorer's map: batch 1..2048, input
 * 64..32k (output 16..8k with output_axis), by powers of two. */
void workspace_default_grid(struct workspace_grid *g, bool output_axis);
/* Fills cells (nrows x ncols, row by row) at the knobs, the cell's batch
 * and length replacing theirs. */
enum workspace_status workspace_fill_grid(struct workspace *ws, size_t w,
					  const struct workspace_grid *g,
					  const struct workspace_knobs *k,
					  struct workspace_cell *cells);

/* ---- how well the fit serves each workload ------------------------------ */

struct workspace_served {
	size_t workload, runs;
	double mape; /* mean |pred - measured| / measured */
	double bias; /* mean log(pred / measured) */
};

struct workspace_errors {
	double *pred; /* per energy row of the group, in its order */
	size_t npred;
	struct workspace_served *served; /* worst first */
	size_t nserved;
};

/* Predicts every run of w's group and scores each workload of it; false
 * without a fit or memory. */
bool workspace_errors(struct workspace *ws, size_t w,
		      struct workspace_errors *out);
void workspace_errors_free(struct workspace_errors *e);

#endif
