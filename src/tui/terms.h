/* Which terms of the energy bars get a row of their own. On a short
 * screen the terms at 0 J or under 0.1% of the total fold into one
 * "other terms" row, so the rows go to the layouts instead; a pure
 * function of the terms, shared by the layout (how many rows the bars
 * want) and the drawing (which rows they are). */
#ifndef ENERGYLENS_TERMS_H
#define ENERGYLENS_TERMS_H

#include <stdbool.h>
#include <stddef.h>

/* A term under this share of the total is minor. */
#define TERMS_MINOR_SHARE 0.001

/* The rows n terms take when the minor ones fold: every term that is not
 * minor in one of the nsets term sets (sets[i][t]), and one row for the
 * rest when there is any. */
int terms_folded_rows(const double *const *sets, size_t nsets, size_t n);
/* Which terms get a row (shown[t]) in rows rows: all of them when they
 * fit; else the minor ones fold, and when still too many, the smallest
 * of the rest too (one row kept for them). Returns how many terms
 * folded into the "other terms" row (0: none, and no such row). */
size_t terms_fold(const double *const *sets, size_t nsets, size_t n, int rows,
		  bool *shown);

#endif
