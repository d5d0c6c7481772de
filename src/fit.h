/* Fitting a model to measured runs: nonlinear least squares on log
 * residuals (so small and large runs weigh alike) over log parameters (so
 * they stay positive), with a weak pull of each parameter toward its
 * default, GSL's trust region with Levenberg-Marquardt and geodesic
 * acceleration, and several deterministic starts. */
#ifndef ENERGYLENS_FIT_H
#define ENERGYLENS_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"
#include "model.h"

/* The runs of one fit: inputs (n rows of MODEL_NINPUTS, from
 * model_inputs()) and the measured target (> 0). */
struct fit_data {
	size_t n;
	const double *inputs;
	const double *y;
};

enum fit_status {
	FIT_OK,
	FIT_TOO_FEW_RUNS, /* fewer runs than informed parameters */
	FIT_FAILED,	  /* the solver could not start or finish */
	FIT_NO_MEMORY,
};

struct fit_result {
	size_t nparams;
	double value[MODEL_MAX_PARAMS];
	double stderr_[MODEL_MAX_PARAMS]; /* NaN when held at default */
	bool informed[MODEL_MAX_PARAMS];
	size_t informed_count;
	/* Covariance of the log parameters (nparams x nparams, row-major;
	 * zero rows and columns for parameters held at default), scaled by
	 * the reduced chi-square. */
	double cov[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	size_t runs;
	double r2;   /* of the log target; NaN when the runs do not vary */
	double mape; /* mean |pred - y| / y, a fraction */
	double cost; /* 0.5 * sum of squares, prior rows included */
	double cond; /* condition number of the Jacobian at the solution */
	int iterations;
	int start; /* which start won (0 = the defaults) */
	const char *stop;
	char message[256]; /* why, when the status is not FIT_OK */
};

enum fit_status fit_model(const struct model *m, const struct fit_data *d,
			  struct fit_result *out);

/* Both models fitted to one group, and each energy term's average share of
 * the predicted energy over the group's runs. */
struct fit_group {
	enum fit_status energy_status, latency_status;
	struct fit_result energy, latency;
	double share[MODEL_MAX_TERMS];
};

void fit_group(const struct model *energy, const struct model *latency,
	       const struct dataset_group *g, struct fit_group *out);

#endif
