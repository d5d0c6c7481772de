/* Fit groups: the runs of a profile set arranged for fitting, one group
 * per hardware and engine (pooling every workload that carries model
 * metadata) or one per workload. Each run's model inputs are computed here,
 * once. */
#ifndef ENERGYLENS_DATASET_H
#define ENERGYLENS_DATASET_H

#include <stddef.h>

#include "diag.h"
#include "profile.h"

enum dataset_by { BY_HARDWARE, BY_WORKLOAD };

/* Rows for one target: inputs (n x MODEL_NINPUTS), measured y, and the run
 * each row came from. */
struct dataset_rows {
	size_t n;
	double *inputs;
	double *y;
	size_t *run;
};

struct dataset_group {
	char *label;
	const char *hardware, *engine;
	size_t *workloads; /* indices into the set's workloads */
	size_t nworkloads, workloads_cap;
	struct dataset_rows energy;  /* J per request */
	struct dataset_rows latency; /* s per request */
};

struct dataset {
	struct dataset_group *groups;
	size_t count, cap;
	/* by the set's workload index: its group + 1, 0 for none (an empty
	 * set has one slot, so workload 0 is always safe to ask about) */
	size_t *group_of;
};

/* Returns 0, or -1 when out of memory. Runs that cannot be fitted (no
 * input length, zero energy) are left out with a warning in diags. */
int dataset_build(const struct profile_set *set, enum dataset_by by,
		  struct dataset *out, struct diag_list *diags);
void dataset_free(struct dataset *ds);
/* The group holding workload w, or -1. */
long dataset_group_of(const struct dataset *ds, size_t w);
/* Whether a workload has what a pooled fit needs: parameters, layers and
 * hidden size. */
bool dataset_has_metadata(const struct profile_workload *w);
/* A run's measured latency per request in seconds (end to end, else
 * from the time per output token); NaN when it has none. */
double dataset_latency_of(const struct profile_run *r);

#endif
