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
	size_t nworkloads;
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
/* NULL after adding the problems to diags. */
struct fitfile *fitfile_load(const char *path, struct diag_list *diags);
void fitfile_free(struct fitfile *ff);

#endif
