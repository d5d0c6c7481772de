/* The workload list as the explorer shows it: grouped by hardware (a
 * title row before each group, groups in order of their hardware's name,
 * workloads in load order within one), narrowed by a filter of words.
 * Built once per load or filter, so the list pane, the keys that move
 * through it and the mouse all read the same rows. */
#ifndef ENERGYLENS_WLIST_H
#define ENERGYLENS_WLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

struct wlist_row {
	long workload;	      /* -1: the title of a hardware group */
	const char *hardware; /* the group's; NULL: not given */
	size_t count;	      /* a title's: the workloads below it */
};

struct wlist {
	struct wlist_row *rows;
	size_t n;
	size_t shown; /* workloads among the rows (titles not counted) */
};

/* Whether every word of words (split at blanks) is in the workload's
 * name, model, hardware or engine, case-insensitive; no word matches
 * every workload. */
bool wlist_matches(const struct profile_workload *w, const char *words);
/* The list of the set's workloads that match filter (NULL or "": all).
 * Returns false when out of memory, leaving the list empty. */
bool wlist_build(struct wlist *l, const struct profile_set *set,
		 const char *filter);
void wlist_free(struct wlist *l);
/* The row of a workload, or -1 when the filter left it out. */
long wlist_row_of(const struct wlist *l, size_t workload);
/* The workload by workloads on from workload in the list's order (by < 0:
 * back), stopping at either end; a workload not in the list counts as
 * being before the first. -1 when the list shows none. */
long wlist_step(const struct wlist *l, size_t workload, long by);
/* The first workload listed, or -1 when none is. */
long wlist_first(const struct wlist *l);
/* The position (from 1) of a workload among those shown; 0: not shown. */
size_t wlist_ordinal(const struct wlist *l, size_t workload);

#endif
