/* The evaluation: how often a method, trained on some runs, picks the
 * configuration that measured cheapest among runs it has not seen.
 *
 * Two choices are scored (docs/design.md, "Evaluation"): the configuration
 * choice, one scenario per workload, among its (layout, batch)
 * configurations ranked by energy per output token; and the layout choice,
 * one scenario per (workload, batch, input, output), among its layouts by
 * energy per request. Scores: Top-1 (ties share credit), pairwise accuracy,
 * energy regret of the choice, and MAPE of the predicted energy; beside them
 * the candidates per scenario, Top-1 by scenario size, and the noise
 * ceiling where the data has replicates. */
#ifndef ENERGYLENS_EVAL_H
#define ENERGYLENS_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "dataset.h"
#include "model.h"
#include "profile.h"
#include "progress.h"

enum eval_protocol {
	EVAL_RUNS,	/* train on k random runs, score the others */
	EVAL_WORKLOADS, /* score each workload, trained on k runs of others */
	EVAL_MODELS,	/* the same, holding out every workload of a model */
	EVAL_BATCH,	/* train on batch <= the group's median, score above */
	EVAL_HARDWARE,	/* fit on one group, rescale on a few runs of another */
	EVAL_IN_SAMPLE, /* train on every run, score every run */
	/* train on k random runs, score each workload among all its
	 * configurations, the measured (trained on) ones included */
	EVAL_PARTIAL,
	EVAL_PROTOCOLS /* how many there are */
};

/* Hardware transfer (docs/design.md, "Evaluation"): the structure unchanged, a scale
 * refit on at most this many runs of the new GPU. */
#define EVAL_TARGET_RUNS 10

/* eval_run's status when the data or options cannot make the protocol
 * (one fit group for hardware transfer, fewer than 2 target runs); the
 * report's message says why. */
#define EVAL_UNUSABLE (-2)

/* Sums, so that seeds and groups add up; means are sum / count. */
struct eval_tally {
	double top1, pairwise, regret;
	size_t scenarios;  /* with top1 and regret */
	size_t candidates; /* summed over the scenarios */
	size_t measured;   /* partial: candidates with a training run */
	size_t pairs;	   /* pairwise is summed per pair */
	double ape;
	size_t runs; /* with ape */
};

/* Top-1 by scenario size: candidates 2 .. EVAL_SIZES, the last one also
 * counting every larger scenario. */
#define EVAL_SIZES 10
struct eval_sizes {
	struct eval_tally config[EVAL_SIZES - 1], layout[EVAL_SIZES - 1];
};
/* The index into eval_sizes of a scenario of n >= 2 candidates. */
size_t eval_size_index(size_t n);
/* The calibration of a method's confidence (estimate.h): for each
 * scenario of the configuration choice, the chance it gave its pick of
 * being the measured cheapest, and whether it was, by tenths of the
 * chance. */
#define EVAL_BINS 10
struct eval_calibration {
	double confidence[EVAL_BINS]; /* sums */
	double hits[EVAL_BINS];	      /* Top-1 credit, summed */
	size_t n[EVAL_BINS];
};

/* Expected calibration error: the scenarios' share of each bin times
 * |mean confidence - Top-1| there, summed; NaN without scenarios. */
double eval_ece(const struct eval_calibration *c);
/* Adds one scenario's pick: its confidence and Top-1 credit. */
void eval_calibrate(struct eval_calibration *c, double confidence, double hit);

struct eval_method {
	const char *name;
	/* energylens's own model without the estimates (estimate.h): the
	 * fit's predictions alone */
	bool model_only;
	/* it says how sure each pick is: calibration holds the tally */
	bool confident;
	struct eval_calibration calibration;
	bool reference; /* uses measurements of every candidate */
	bool predicts_energy;
	const struct baseline_kind *kind; /* NULL: energylens's own model */
	struct eval_tally config, layout;
	struct eval_tally *by_workload; /* configuration choice, per workload */
	struct eval_sizes by_size;
	size_t failed; /* trainings that failed */
	char why[128]; /* why the last one failed */
};

/* The noise ceiling: the scores an oracle that knows every candidate's true
 * mean would get, scored like the methods against measurements that carry
 * a measurement's noise. The measured means stand for the true ones; each
 * scenario the model (method 0) is scored on is drawn EVAL_CEILING_DRAWS
 * times, every candidate's energy the mean times exp(noise * z / sqrt(m)),
 * z standard normal and m the candidate's runs. */
#define EVAL_CEILING_DRAWS 200
struct eval_ceiling {
	/* The standard deviation of one measurement's log energy per
	 * output token (estimate.h, struct estimate_noise): from the
	 * replicates (runs of one workload, layout and batch size at the
	 * same input length, within 2%, and output lengths within
	 * ESTIMATE_SERIES_OUTPUT) and from each batch's departure from the
	 * curve through its neighbours in a sweep of batch sizes, pooled
	 * over the groups. At one length it is the noise of the energy per
	 * request too, so both choices draw with it. 0 when there is
	 * neither, and then nothing below is tallied. */
	double noise;
	size_t replicated; /* configurations measured more than once */
	size_t runs;	   /* their runs */
	size_t inner;	   /* batches between two others of a sweep */
	struct eval_tally config, layout;
	struct eval_sizes by_size;
	uint64_t state; /* the draws', the same on every machine */
};

/* Hardware transfer from one fit group to another: energylens-12's scores
 * on the target's runs, and the scale factors refitted there. */
struct eval_pair {
	size_t source, target; /* indices into the dataset's groups */
	struct eval_tally config, layout;
	double log_scale; /* sum over the refits */
	size_t scales;
	/* Both groups on the same GPU (another engine, or workloads fitted
	 * apart for want of model metadata): not a transfer to another GPU,
	 * so neither trained nor scored. */
	bool same_hardware;
};

struct eval_options {
	enum eval_protocol protocol;
	size_t train; /* k; in hardware transfer 0 means every source run */
	unsigned seeds;
	const struct model *model;
	const struct baseline_kind *const *baselines; /* NULL-terminated */
	/* hardware transfer: runs of the target group drawn for the scale
	 * refit; 0 means EVAL_TARGET_RUNS */
	size_t target;
	struct progress *progress; /* NULL: none shown */
	/* runs: the share of each group's runs drawn first as the test set,
	 * the k training runs drawn from the rest; 0 means every run not
	 * trained on is tested. */
	double test_fraction;
};

/* In EVAL_PARTIAL the scored rows of a group are all its rows, the training
 * rows among them: a method that combines its predictions with the
 * workload's measurements finds them in the training rows it was trained on
 * (the train call's train[0..ntrain)), and scores those rows like any
 * other. Only the rows not trained on count towards MAPE, and a scenario is
 * scored only when it has candidates of both kinds. */

struct eval_report {
	/* [0] is the model with its estimates, [1] the model alone */
	struct eval_method *methods;
	size_t nmethods;
	size_t nworkloads;
	size_t trainings; /* group x seed (x held-out set) fits attempted;
			     in hardware transfer, pair x seed refits */
	struct eval_pair *pairs; /* hardware transfer: every ordered pair */
	size_t npairs;
	struct eval_ceiling ceiling;
	char message[256]; /* why, with EVAL_UNUSABLE */
	/* Why nothing was scored, when the model has no scenario in either
	 * choice; empty otherwise. */
	char empty[256];
	char model_only_name[96];
};

/* draws of each pick's confidence in the calibration */
#define EVAL_DRAWS 200

/* Returns 0, -1 when out of memory, or EVAL_UNUSABLE with a message. */
int eval_run(const struct profile_set *set, const struct dataset *ds,
	     const struct eval_options *o, struct eval_report *out);
void eval_report_free(struct eval_report *r);

/* mean of a tally's part, NaN when empty */
double eval_top1(const struct eval_tally *t);
double eval_pairwise(const struct eval_tally *t);
double eval_regret(const struct eval_tally *t);
double eval_mape(const struct eval_tally *t);

const char *eval_protocol_name(enum eval_protocol p);

/* The factor c that minimises the squared log error of c * pred against y:
 * exp(mean(log y - log pred)) over the rows where both are positive and
 * finite. NaN when there is no such row. */
double eval_scale_refit(const double *pred, const double *y, size_t n);

/* Scores one scenario of n candidates (score: lower is chosen; energy: as
 * measured) into t. Top-1 shares credit among candidates tied for the best
 * score; pairwise counts pairs of different measured energy, half a point
 * for a tied score; regret is the choice's measured energy over the best
 * one's, minus 1. Skipped when n < 2 or a score is NaN. */
void eval_score_scenario(const double *score, const double *energy, size_t n,
			 struct eval_tally *t);

#endif
