/* Estimates that honour the measurements, and how sure a choice is
 * (energylens-model(5), "ESTIMATES").
 *
 * After a group's fit (the shared parameters unchanged), each workload
 * gets offsets on the terms, one per term kind (compute, memory, tp, pp,
 * idle), fitted on its runs in log space and shrunk toward 0 (the group)
 * with an empirical-Bayes weight: the group's noise variance against the
 * variance of the workloads' departures (both by EM). What is left, each
 * (workload, layout) measured gets as one more log factor, shrunk the
 * same way: the form cannot say, for instance, that tp 2 is cheaper than
 * tp 1 for one model, and the runs at other batches can. A candidate measured
 * at the knobs combines the mean of its measurements by inverse variance
 * with the prediction that leaves its own runs out of its layout's factor
 * and its workload's level (with them, its measurements would count twice):
 * the prediction's error from the workload's residuals from such
 * predictions, a measurement's from the group's batch sweeps and replicates
 * (struct estimate_noise) with ESTIMATE_MEASUREMENT_SD as a prior. What the
 * shrunk offsets and the layouts leave of a workload's runs on average (its
 * level) every candidate of it gets, so that measured and unmeasured ones
 * stand on one footing.
 *
 * The confidence of a choice: parameter vectors drawn from the fit's
 * covariance, offsets from theirs, each candidate's error (a calibrated
 * share of it drawn once for all the candidates) and the noise of
 * measuring it again (the calibration's folds take the whole's noise),
 * ESTIMATE_DRAWS times with a fixed seed;
 * P(cheapest) is the share of draws in which a candidate measures the
 * cheapest. */
#ifndef ENERGYLENS_ESTIMATE_H
#define ENERGYLENS_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* offsets: one per term kind (enum model_kind) */
#define ESTIMATE_KINDS 5
/* one measurement's relative noise (log standard deviation) where the
 * group has no replicates, and the prior its replicates are pooled with */
#define ESTIMATE_MEASUREMENT_SD 0.05
/* the weight of that default, in degrees of freedom, when the group's
 * replicates are pooled with it */
#define ESTIMATE_MEASUREMENT_PRIOR_DF 4.0
/* the asymptotic efficiency of the median absolute deviation at the
 * normal: the degrees of freedom of a noise from it, per departure */
#define ESTIMATE_MEDIAN_EFFICIENCY 0.37
/* runs of one workload, layout and input length whose output lengths
 * differ by at most this share are one series of batch sizes for the
 * measurement noise (the output varies from run to run, by 13% between two
 * ML.ENERGY runs of one configuration) */
#define ESTIMATE_SERIES_OUTPUT 0.2
/* the smallest standard deviation a workload's offsets are allowed to
 * spread by (so one group of look-alike workloads is not pinned to 0) */
#define ESTIMATE_MIN_BETWEEN_SD 0.02
/* prior runs' weight when a workload's residual variance is shrunk
 * toward its group's */
#define ESTIMATE_PRIOR_RUNS 4.0
/* draws of the confidence */
#define ESTIMATE_DRAWS 200
/* choices the calibration needs, at least */
#define ESTIMATE_MIN_PICKS 10
/* the calibration's splits of the training runs into two folds: one
 * split's dozen choices left its pick to chance */
#define ESTIMATE_SPLITS 4
/* basis "measured": the measurements carry at least this share of the
 * combination's weight */
#define ESTIMATE_MEASURED_SHARE 0.95

enum estimate_basis { BASIS_PREDICTED, BASIS_BOTH, BASIS_MEASURED };

/* One workload's departures from its group's fit. */
struct estimate_workload {
	size_t workload;	       /* the caller's index */
	size_t runs;		       /* fitted on */
	double offset[ESTIMATE_KINDS]; /* log factor per term kind */
	/* lower Cholesky factor of the offsets' posterior covariance */
	double chol[ESTIMATE_KINDS * ESTIMATE_KINDS];
	double model_var; /* log variance of a prediction's error here */
	/* the mean of its residuals after the offsets and its layouts',
	 * not shrunk: its level, which its measured candidates carry in
	 * their measurements and its unmeasured ones get from this */
	double level;
	/* log variance of a measured candidate's prediction error: the
	 * mean square of its runs' residuals from the prediction that leaves
	 * each run's layout out (estimate_one), shrunk toward the group's;
	 * it holds one measurement's noise */
	double loo_var;
};

/* One workload's departure at one layout, over the batches and lengths it
 * was measured at: a log factor on top of the offsets, shrunk toward 0
 * like them. */
struct estimate_layout {
	size_t workload;
	double tp, pp, dp;
	double offset, var; /* and its posterior variance */
	/* the sum of its runs' residuals after the offsets, and how many:
	 * a measured candidate's prediction leaves its own runs out */
	double sum;
	size_t runs;
};

/* A fit group's estimates: the noise, the parameters' uncertainty and
 * every workload's offsets. */
struct estimate_group {
	const struct model *m;
	size_t nparams;
	double params[MODEL_MAX_PARAMS];
	/* lower Cholesky factor of the log parameters' covariance; NULL:
	 * none (the parameters are taken as known) */
	double *chol;
	double model_var;		    /* the group's, after the offsets */
	double between_var[ESTIMATE_KINDS]; /* of a workload's offsets */
	double meas_var;		    /* of one measurement's log */
	size_t replicate_sets;
	struct estimate_workload *w; /* sorted by workload */
	size_t nw;
	struct estimate_layout *l; /* sorted by workload, tp, pp, dp */
	size_t nl;
	double layout_var;   /* the spread of a layout's offset */
	double layout_noise; /* a run's about its layout's offset */
	/* variance inflation of the confidence's draws (1: none), and the
	 * share of a prediction's error variance the candidates of one
	 * choice have in common (0: none, each candidate's error its own);
	 * estimate_calibrate fits both on the training runs */
	double inflate;
	double shared;
};

/* The runs an estimate is built from: n rows of MODEL_NINPUTS inputs,
 * the measured energies and each row's workload. */
struct estimate_rows {
	size_t n;
	const double *inputs;
	const double *y;
	const size_t *workload;
};

/* Builds g from a fit (params, and cov as fit_result holds it: nparams x
 * nparams of the log parameters, NULL when unknown) and the runs it was
 * fitted on. Returns 0, or -1 when out of memory (g then needs no
 * free). */
int estimate_build(struct estimate_group *g, const struct model *m,
		   const double *params, const double *cov, size_t nparams,
		   const struct estimate_rows *rows);
void estimate_free(struct estimate_group *g);
/* Fits g's variance inflation and shared share on the rows g was built
 * from (the same rows, in the same order): ESTIMATE_SPLITS splits of
 * them into two folds (alternate rows, then seeded coin flips), the
 * estimates of each fold (with the whole fit's parameters) built on it
 * and scored on the other's runs of each workload as one configuration
 * choice (candidates: layout and batch, replicates averaged, ranked per
 * output token, as eval scores it); the pair whose drawn chances of the
 * picks have the lowest Brier score over all folds wins when it beats
 * the default's (inflation 1, share 0.8) by two standard errors of the
 * paired difference; else, and with fewer than ESTIMATE_MIN_PICKS
 * choices a split, the default. Returns 0, or -1 when out of memory. */
int estimate_calibrate(struct estimate_group *g,
		       const struct estimate_rows *rows);
/* The workload's offsets, or NULL when it had no run. */
const struct estimate_workload *
estimate_workload(const struct estimate_group *g, size_t workload);

/* One candidate to estimate: its inputs and what was measured there. */
struct estimate_in {
	const double *in;    /* MODEL_NINPUTS */
	double measured_log; /* mean log of the measurements */
	size_t measured;     /* how many; 0: none */
};

struct estimate_out {
	double model_j;	     /* the group's fit alone */
	double pooled_j;     /* with the workload's offsets */
	double energy_j;     /* with the measurements too: the estimate */
	double log_sd;	     /* its standard deviation, log scale */
	double model_weight; /* the prediction's share of the weight */
	enum estimate_basis basis;
};

/* The estimate of one candidate of workload (w may be NULL: no
 * offsets). */
void estimate_one(const struct estimate_group *g,
		  const struct estimate_workload *w,
		  const struct estimate_in *c, struct estimate_out *out);

/* P(each candidate measures the cheapest) into p (n of them), from
 * ESTIMATE_DRAWS draws seeded by seed; false when out of memory (p then
 * NaN). */
bool estimate_confidence(const struct estimate_group *g,
			 const struct estimate_workload *w,
			 const struct estimate_in *c, size_t n,
			 unsigned long long seed, double *p);
/* The same from ndraws draws (the divergence map's cells, many at a
 * time, take fewer). */
bool estimate_confidence_draws(const struct estimate_group *g,
			       const struct estimate_workload *w,
			       const struct estimate_in *c, size_t n,
			       size_t ndraws, unsigned long long seed,
			       double *p);

/* Fills draws (ndraws x n, draw by draw) with sampled energies of the n
 * candidates, as estimate_confidence draws them: for callers that group
 * candidates themselves (eval). */
bool estimate_draw(const struct estimate_group *g,
		   const struct estimate_workload *w,
		   const struct estimate_in *c, size_t n, size_t ndraws,
		   unsigned long long seed, double *draws);

/* The sums behind one measurement's noise (log energy per output token):
 * over each series of batch sizes of one workload, layout and lengths
 * (outputs within ESTIMATE_SERIES_OUTPUT), the replicates' deviations from
 * their means and each inner batch's departure from the curve through its
 * neighbours (log energy per token against log batch), scaled to one
 * run's standard deviation; their median absolute value, over 0.6745,
 * is a standard deviation worth ESTIMATE_MEDIAN_EFFICIENCY of their
 * number in degrees of freedom (a knee in a sweep, where the engine
 * saturates, makes a few large departures that a mean of squares would
 * take for noise). A curve that bends still adds: an upper bound of the
 * noise, from hundreds of degrees of freedom where the replicates give a
 * few. ss holds df times each call's variance. */
struct estimate_noise {
	double ss, df;
	size_t replicate_sets; /* configurations measured more than once */
	size_t replicate_runs; /* their runs */
	size_t inner_points;   /* batches between two others */
};
/* Adds rows' sums to acc (rows: one fit group); false when out of
 * memory. */
bool estimate_noise_add(const struct estimate_rows *rows,
			struct estimate_noise *acc);
/* One measurement's log variance from acc, with ESTIMATE_MEASUREMENT_SD
 * as a prior worth ESTIMATE_MEASUREMENT_PRIOR_DF degrees of freedom. */
double estimate_noise_var(const struct estimate_noise *acc);

const char *estimate_basis_name(enum estimate_basis b);

/* The lower Cholesky factor of the n x n symmetric a into l, with a
 * little added to the diagonal when a is not quite positive definite;
 * false when that does not help. Rows and columns that are all zero stay
 * zero. */
bool estimate_cholesky(const double *a, size_t n, double *l);

#endif
