/* What predict, rank and divergence share: the one workload the user
 * names, and the models fitted to its group, either fitted now from runs
 * or read from a file saved by 'energylens fit -o'. */
#ifndef ENERGYLENS_CMD_FITTED_H
#define ENERGYLENS_CMD_FITTED_H

#include <stdbool.h>

#include "fitfile.h"
#include "model.h"
#include "profile.h"

struct workload_query {
	const char *workload; /* NAME, MODEL or NAME:MODEL; NULL: any */
	const char *hardware;
	const char *engine;
};

struct fitted {
	const struct model *models[2]; /* energy, latency */
	const struct profile_workload *w;
	size_t workload; /* w's index in its set */
	const struct profile_set
		*runs; /* the measured runs; NULL from a file */
	const char *group;
	double energy[MODEL_MAX_PARAMS];
	double latency[MODEL_MAX_PARAMS];
	bool has_latency;
	char latency_missing[256]; /* why not, when !has_latency */
	/* owned */
	struct profile_set set;
	struct fitfile *file;
	struct model *own[2];
	char *own_group;
};

/* Returns an exit status; on EXIT_OK the caller calls fitted_close. verb
 * names the command in messages. */
int fitted_open(struct fitted *f, const char *verb, const char *fitted_path,
		const char *const model_paths[2],
		const struct workload_query *q, int npaths, char **paths);
void fitted_close(struct fitted *f);

/* An option's number: with whole, an integer from 1 to 2^20 (degrees,
 * batch, GPUs); else a finite number >= 0. */
bool cmd_parse_number(const char *s, bool whole, double *out);
/* Whether the terminal's locale is UTF-8, so marks like a star may be
 * drawn; ASCII otherwise. */
bool cmd_utf8(void);

#endif
