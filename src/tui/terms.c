/* Folding the minor terms; see terms.h. */
#include "terms.h"

#include <math.h>

static double total_of(const double *terms, size_t n)
{
	double total = 0;
	for (size_t t = 0; t < n; t++)
		total += fabs(terms[t]);
	return total;
}

/* Minor in every set: at 0 J, or under the share of its set's total. */
static bool minor(const double *const *sets, size_t nsets, size_t n, size_t t)
{
	for (size_t i = 0; i < nsets; i++) {
		double v = fabs(sets[i][t]);
		if (v > 0 && !(v < TERMS_MINOR_SHARE * total_of(sets[i], n)))
			return false;
	}
	return true;
}

/* The largest magnitude of term t over the sets. */
static double size_of(const double *const *sets, size_t nsets, size_t t)
{
	double m = 0;
	for (size_t i = 0; i < nsets; i++)
		m = fmax(m, fabs(sets[i][t]));
	return m;
}

int terms_folded_rows(const double *const *sets, size_t nsets, size_t n)
{
	int rows = 0, folded = 0;
	for (size_t t = 0; t < n; t++)
		if (minor(sets, nsets, n, t))
			folded++;
		else
			rows++;
	return rows + (folded > 0);
}

size_t terms_fold(const double *const *sets, size_t nsets, size_t n, int rows,
		  bool *shown)
{
	for (size_t t = 0; t < n; t++)
		shown[t] = true;
	if ((int)n <= rows)
		return 0;
	size_t count = n;
	for (size_t t = 0; t < n; t++)
		if (minor(sets, nsets, n, t)) {
			shown[t] = false;
			count--;
		}
	/* one row stays for the folded ones */
	while (count > 0 && (int)count > rows - 1) {
		size_t least = n;
		for (size_t t = 0; t < n; t++)
			if (shown[t] &&
			    (least == n || size_of(sets, nsets, t) <
						   size_of(sets, nsets, least)))
				least = t;
		shown[least] = false;
		count--;
	}
	return n - count;
}
