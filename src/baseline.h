/* Methods that choose configurations, for the evaluation to score beside
 * energylens-12: each is trained on some runs of a fit group and then gives
 * every run of that group a score to minimise (its predicted energy, or for
 * the reference methods a measured quantity). See docs/design.md, "Evaluation". */
#ifndef ENERGYLENS_BASELINE_H
#define ENERGYLENS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"
#include "profile.h"

/* One fit group of runs: row i has inputs g->energy.inputs + i *
 * MODEL_NINPUTS, measured energy g->energy.y[i], and is the run
 * set->runs[g->energy.run[i]]. */
struct eval_group {
	const struct profile_set *set;
	const struct dataset_group *g;
};

struct baseline_kind {
	const char *name;
	/* Reads measurements of every candidate (the latency and GPU-seconds
	 * proxies): a reference, not a predictor. Marked as such in every
	 * output. */
	bool reference;
	/* Whether score() is a predicted energy (J), so that MAPE means
	 * something. */
	bool predicts_energy;
	/* Trains on rows train[0..ntrain); NULL with a reason in err when it
	 * cannot (too few runs, out of memory). */
	void *(*train)(const struct eval_group *e, const size_t *train,
		       size_t ntrain, char *err, size_t errlen);
	/* The score of row i: lower is chosen. NaN when it has none. */
	double (*score)(const void *state, const struct eval_group *e, size_t i);
	void (*free)(void *state);
};

/* Every baseline this build has, in display order; NULL-terminated. The
 * XGBoost one only when configured --with-xgboost. */
extern const struct baseline_kind *const baseline_kinds[];
/* By name, or NULL. */
const struct baseline_kind *baseline_find(const char *name);

#endif
