/* Fitted models saved for reuse: the model files themselves (so a file is
 * complete without the one it was fitted with), and per group the fitted
 * parameters, their covariance, and the workloads the group covers. See
 * energylens-model(5). */
#ifndef ENERGYLENS_FITFILE_H
#define ENERGYLENS_FITFILE_H

#include <stdio.h>

#include "dataset.h"
#include "diag.h"
#include "fit.h"
#include "model.h"
#include "profile.h"

struct fitfile_group {
	char *label;
	bool has_latency;
	/* value, informed, stderr_, runs, r2 and mape are what a file
	 * keeps of each fit */
	struct fit_result energy, latency;
	size_t *workloads; /* indices into the file's set of workloads */
	size_t nworkloads, workloads_cap;
};

struct fitfile {
	struct model *models[2]; /* by target */
	struct profile_set set;	 /* the workloads (no runs) */
	struct fitfile_group *groups;
	size_t count;
};

/* Writes every group whose energy fit succeeded. */
void fitfile_write(FILE *out, const struct model *const models[2],
		   const struct profile_set *set, const struct dataset *ds,
		   const struct fit_group *fits);
/* One group of an exported least-squares problem. */
struct fitfile_problem {
	const char *label;
	const struct fit_data *data;
	const struct fit_result *result;
	bool fitted;
};

/* Everything another solver needs to pose the same energy fit (the format
 * of 'energylens fit --export-problem', energylens-model(5)): the model
 * (parameters, defaults, prior weight, term expressions in this language),
 * each group's rows (inputs computed here, so no physics is repeated
 * elsewhere), which parameters are free, and the solution found here. */
void fitfile_write_problem(FILE *out, const struct model *m,
			   const struct fitfile_problem *groups, size_t n);

/* NULL after adding the problems to diags. */
struct fitfile *fitfile_load(const char *path, struct diag_list *diags);
/* The same over a file's text held in memory; name is used in messages. */
struct fitfile *fitfile_parse(const char *name, const char *text, size_t len,
			      struct diag_list *diags);
void fitfile_free(struct fitfile *ff);

#endif
