/* Structure discovery (energylens discover): a search over closed forms in
 * the project's expression language. A form is a sum of physically typed
 * terms (phase, kind), each a coefficient times a product of inputs from a
 * small grammar (a phase's scale I or O, a size such as Weff or 2*Na,
 * optionally n GPUs, a parallel factor such as (t-1)/t, log2 t, x, p-1 or
 * min(p,B), and for decode terms optionally 1/B^gamma with gamma on a
 * grid), and a few shapes beside that product: vision tokens (Ve, V on n
 * GPUs and through the layers, their KV reads in decode), KV reads that
 * grow with the batch (O * KVr * sqrt(B)), KV reads beyond the weights
 * (O * max(KVr - Weff, 0)), experts' routing (O * 2*Na*k) and per-request
 * terms that no token count scales. For a fixed choice of terms and exponents
 * the form is linear in its coefficients, so a candidate is fitted by
 * non-negative least squares (Lawson-Hanson on GSL's Cholesky) in a few
 * microseconds, per fit group and per cross-validation fold. Candidates are
 * scored by their held-out log error and by how well their held-out predictions
 * choose layouts and configurations (eval's Top-1 and pairwise); the search
 * keeps, for each number of parameters, the best form found (a Pareto front).
 */
#ifndef ENERGYLENS_DISCOVER_H
#define ENERGYLENS_DISCOVER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"
#include "model.h"
#include "profile.h"
#include "progress.h"

/* At most this many exponents on the grid, and parameters in a form. */
#define DISCOVER_MAX_GAMMAS 8
#define DISCOVER_MAX_PARAMS 24
#define DISCOVER_MAX_FOLDS  16
/* Threads that score candidates at most. */
#define DISCOVER_MAX_THREADS 16

struct discover_options {
	size_t max_params;	      /* coefficients + distinct exponents */
	double seconds;		      /* time budget of the search */
	unsigned long long max_forms; /* forms scored at most; 0: no limit */
	unsigned long seed;
	unsigned phases; /* bit (1 << enum model_phase) per phase allowed */
	unsigned kinds;	 /* bit (1 << enum model_kind) per kind allowed */
	double gammas[DISCOVER_MAX_GAMMAS];
	size_t ngammas;
	size_t folds; /* cross-validation folds, >= 2 */
	/* threads scoring candidates (1 to DISCOVER_MAX_THREADS); the
	 * result is the same for any number */
	size_t threads;
	/* set by a signal handler: stop and keep what was found */
	volatile sig_atomic_t *stop;
	struct progress *progress; /* NULL: none shown */
};

/* The defaults: 12 parameters, 60 seconds, seed 1, every phase and kind,
 * gammas 0.5 0.75 1 1.25, 5 folds, as many threads as processors
 * online (at most DISCOVER_MAX_THREADS). */
void discover_defaults(struct discover_options *o);

/* One term of a discovered form, with its exponent (0: not amortised). */
struct discover_term {
	char name[64];
	enum model_phase phase;
	enum model_kind kind;
	char expr[160]; /* over inputs only, without coefficient or exponent */
	double gamma;	/* the term is divided by B^gamma when gamma > 0 */
	double coef;	/* fitted on every run (geometric mean over groups) */
};

struct discover_score {
	double cv_log;	       /* mean |log(pred / y)| of held-out runs */
	double cv_mape;	       /* mean |pred - y| / y of held-out runs */
	double top1, pairwise; /* layout choice, held-out predictions */
	double config_top1, config_pairwise; /* configuration choice */
	double loss; /* what the search minimises: cv_log + (1 - choice) */
};

struct discover_form {
	size_t params, nterms;
	struct discover_term terms[DISCOVER_MAX_PARAMS];
	struct discover_score score;
	bool chosen;
	/* no group has fewer runs than the form has parameters there (its
	 * terms not all zero in the group, and their exponents): energylens
	 * fit refuses such a group, so only a form that fits every group is
	 * chosen; the smallest group's runs otherwise into short_of */
	bool fits_every_group;
	size_t short_of;
};

enum discover_stop {
	DISCOVER_CONVERGED,
	DISCOVER_TIME,
	DISCOVER_FORMS, /* max_forms scored: the same result on any machine */
	DISCOVER_SIGNAL
};

struct discover_result {
	struct discover_form *front; /* by parameters, fewest first */
	size_t nfront;
	size_t runs, groups, columns;
	unsigned long long candidates; /* forms scored */
	double seconds;
	/* rounds of polishing the front and random restarts finished; the
	 * search converged when the last DISCOVER_QUIET_ROUNDS of them found
	 * no front better by DISCOVER_PROGRESS */
	size_t rounds;
	enum discover_stop stopped;
};

/* Returns 0; -1 when out of memory; -2 when there is nothing to search
 * (no runs, or no term of the grammar that the runs can tell from zero),
 * with why in message. */
int discover_run(const struct dataset *ds, const struct profile_set *set,
		 const struct discover_options *o, struct discover_result *out,
		 char *message, size_t len);
void discover_result_free(struct discover_result *r);

/* The chosen form as a model file (energylens-model(5)), written to out. */
void discover_write_model(FILE *out, const struct discover_form *f,
			  const struct discover_result *r);

/* Non-negative least squares on the normal equations: minimises
 * 0.5 x'Gx - h'x over x >= 0 for a symmetric positive semi-definite G
 * (m x m, row-major), by Lawson and Hanson's active-set method. Returns
 * 0, or -1 when m is 0 or out of memory. */
int discover_nnls(const double *G, const double *h, size_t m, double *x);

const char *discover_stop_name(enum discover_stop s);

#endif
