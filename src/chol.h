/* Solving with a Cholesky factor: the fit's Levenberg-Marquardt steps and
 * the estimates' offsets both solve L L' x = b for a small lower factor L. */
#ifndef ENERGYLENS_CHOL_H
#define ENERGYLENS_CHOL_H

#include <stddef.h>

/* x = (L L')^-1 b for the lower triangular n x n factor L (row-major, its
 * diagonal non-zero); x may be b. */
void chol_solve(const double *L, size_t n, const double *b, double *x);

#endif
