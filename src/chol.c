/* Forward then back substitution through a Cholesky factor. */
#include "chol.h"

void chol_solve(const double *L, size_t n, const double *b, double *x)
{
	for (size_t i = 0; i < n; i++) {
		double v = b[i];
		for (size_t k = 0; k < i; k++)
			v -= L[i * n + k] * x[k];
		x[i] = v / L[i * n + i];
	}
	for (size_t i = n; i-- > 0;) {
		double v = x[i];
		for (size_t k = i + 1; k < n; k++)
			v -= L[k * n + i] * x[k];
		x[i] = v / L[i * n + i];
	}
}
