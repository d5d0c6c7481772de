/* The evaluation: how often a method, trained on some runs, picks the
 * configuration that measured cheapest among runs it has not seen.
 *
 * Two choices are scored (DESIGN "Evaluation"): the configuration choice,
 * one scenario per workload, among its (layout, batch) configurations; and
 * the layout choice, one scenario per (workload, batch, input, output),
 * among its layouts. Scores: Top-1 (ties share credit), pairwise accuracy,
 * energy regret of the choice, and MAPE of the predicted energy. */
#ifndef ENERGYLENS_EVAL_H
#define ENERGYLENS_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "dataset.h"
#include "model.h"
#include "profile.h"

enum eval_protocol {
	EVAL_RUNS,	/* train on k random runs, score the others */
	EVAL_WORKLOADS, /* score each workload, trained on k runs of others */
	EVAL_MODELS,	/* the same, holding out every workload of a model */
	EVAL_BATCH,	/* train on batch <= the group's median, score above */
};

/* Sums, so that seeds and groups add up; means are sum / count. */
struct eval_tally {
	double top1, pairwise, regret;
	size_t scenarios; /* with top1 and regret */
	size_t pairs;	  /* pairwise is summed per pair */
	double ape;
	size_t runs; /* with ape */
};

struct eval_method {
	const char *name;
	bool reference; /* uses measurements of every candidate */
	bool predicts_energy;
	const struct baseline_kind *kind; /* NULL: energylens's own model */
	struct eval_tally config, layout;
	struct eval_tally *by_workload; /* configuration choice, per workload */
	size_t failed;			/* trainings that failed */
};

struct eval_options {
	enum eval_protocol protocol;
	size_t train; /* k */
	unsigned seeds;
	const struct model *model;
	const struct baseline_kind *const *baselines; /* NULL-terminated */
};

struct eval_report {
	struct eval_method *methods; /* [0] is the model */
	size_t nmethods;
	size_t nworkloads;
	size_t trainings; /* group x seed (x held-out set) fits attempted */
};

/* Returns 0, or -1 when out of memory. */
int eval_run(const struct profile_set *set, const struct dataset *ds,
	     const struct eval_options *o, struct eval_report *out);
void eval_report_free(struct eval_report *r);

/* mean of a tally's part, NaN when empty */
double eval_top1(const struct eval_tally *t);
double eval_pairwise(const struct eval_tally *t);
double eval_regret(const struct eval_tally *t);
double eval_mape(const struct eval_tally *t);

const char *eval_protocol_name(enum eval_protocol p);

/* Scores one scenario of n candidates (score: lower is chosen; energy: as
 * measured) into t. Top-1 shares credit among candidates tied for the best
 * score; pairwise counts pairs of different measured energy, half a point
 * for a tied score; regret is the choice's measured energy over the best
 * one's, minus 1. Skipped when n < 2 or a score is NaN. */
void eval_score_scenario(const double *score, const double *energy, size_t n,
			 struct eval_tally *t);

#endif
