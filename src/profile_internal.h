/* Between the run set (profile.c), the parser (profile_load.c) and the
 * walk (profile_walk.c) only. */
#ifndef ENERGYLENS_PROFILE_INTERNAL_H
#define ENERGYLENS_PROFILE_INTERNAL_H

#include "profile.h"

/* Returns the set's one copy of s[0..len), or NULL when out of memory. */
const char *profile_intern(struct profile_set *set, const char *s, size_t len);
/* Returns the index of an identical workload, adding it if new; -1: out of
 * memory. */
long profile_add_workload(struct profile_set *set,
			  const struct profile_workload *w);
/* Forgets the workloads from index keep on (those of a document refused
 * whole), keeping the index in step. */
void profile_drop_workloads(struct profile_set *set, size_t keep);
bool profile_add_run(struct profile_set *set, const struct profile_run *run);
long profile_add_file(struct profile_set *set, const char *name);
/* The files and directories read into the set, by identity; NULL when out
 * of memory. */
struct fileid_set *profile_seen(struct profile_set *set);
/* Standard input can be read once: true the first time only (and false
 * when out of memory, which then reads nothing). */
bool profile_claim_stdin(struct profile_set *set);

#endif
