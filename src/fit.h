/* Fitting a model to measured runs: nonlinear least squares on log
 * residuals (so small and large runs weigh alike) over log parameters (so
 * they stay positive), with a weak pull of each parameter toward its
 * default, Levenberg-Marquardt on the normal equations (the steps of
 * GSL's trust-region method with trs_lm, without its workspace; fit.c),
 * and several deterministic starts. */
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

/* Sized by the model: a result held 32 parameters' worth of arrays and a
 * 32 x 32 covariance whatever the model (19 KB per group fitted, 1.9 GB
 * for 100 000 workloads). What it holds is released by fit_result_free. */
struct fit_result {
	size_t nparams;
	double *value;	 /* nparams of each: value, */
	double *stderr_; /* standard error (NaN when held at default), */
	bool *informed;	 /* and whether the runs inform it */
	size_t informed_count;
	/* Covariance of the log parameters (nparams x nparams, row-major;
	 * zero rows and columns for parameters held at default), scaled by
	 * the reduced chi-square. NULL unless the fit succeeded. */
	double *cov;
	size_t runs;
	double r2;   /* of the log target; NaN when the runs do not vary */
	double mape; /* mean |pred - y| / y, a fraction */
	double cost; /* 0.5 * sum of squares, prior rows included */
	double cond; /* condition number of the Jacobian at the solution */
	int iterations;
	int start; /* which start won (0 = the defaults) */
	const char *stop;
	const char *message; /* why, when the status is not FIT_OK; else "" */
	char *own_message;   /* message's memory, when not "" */
};

/* Makes r's arrays for nparams parameters, values NaN, nothing informed
 * (for a result read back from a file). Returns 0, or -1 when out of
 * memory; either way r is then released with fit_result_free. */
int fit_result_init(struct fit_result *r, size_t nparams);
void fit_result_free(struct fit_result *r);

/* Overwrites out (fresh, or released). Whatever the status, out's arrays
 * are there (NULL only with FIT_NO_MEMORY) and fit_result_free releases
 * them. */
enum fit_status fit_model(const struct model *m, const struct fit_data *d,
			  struct fit_result *out);

/* Both models fitted to one group, and each energy term's average share of
 * the predicted energy over the group's runs. */
struct fit_group {
	enum fit_status energy_status, latency_status;
	struct fit_result energy, latency;
	double *share; /* one per energy term; NULL unless the energy fit
			  succeeded */
};

/* Overwrites out (fresh, or released); fit_group_free releases it. */
void fit_group(const struct model *energy, const struct model *latency,
	       const struct dataset_group *g, struct fit_group *out);
void fit_group_free(struct fit_group *g);

#endif
