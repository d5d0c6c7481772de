/* Unit tests of discover's non-negative least squares (Lawson and Hanson on
 * the normal equations): an interior solution equals the unconstrained
 * one, a coefficient the unconstrained fit makes negative is held at zero
 * with the others refitted, a zero column stays out, duplicate columns
 * share nothing negative, and sizes beyond the search's still solve. */
#include "config.h"

#include <stdlib.h>

#include "discover.h"
#include "unit.h"

/* G = A'A and h = A'b for rows of A (n x m, row-major). */
static void normal(const double *A, const double *b, size_t n, size_t m,
		   double *G, double *h)
{
	for (size_t j = 0; j < m; j++) {
		h[j] = 0;
		for (size_t i = 0; i < n; i++)
			h[j] += A[i * m + j] * b[i];
		for (size_t k = 0; k < m; k++) {
			G[j * m + k] = 0;
			for (size_t i = 0; i < n; i++)
				G[j * m + k] += A[i * m + j] * A[i * m + k];
		}
	}
}

static void test_interior(void)
{
	/* b = 2 a1 + 3 a2 exactly */
	const double A[] = {1, 0, 0, 1, 1, 1, 2, 1};
	double b[4], G[4], h[2], x[2];
	for (int i = 0; i < 4; i++)
		b[i] = 2 * A[i * 2] + 3 * A[i * 2 + 1];
	normal(A, b, 4, 2, G, h);
	ASSERT_INT_EQ(discover_nnls(G, h, 2, x), 0);
	ASSERT_NEAR(x[0], 2, 1e-8);
	ASSERT_NEAR(x[1], 3, 1e-8);
}

static void test_bound(void)
{
	/* b = 2 a1 - a2 over these rows: the unconstrained fit is (2, -1);
	 * with x >= 0, x2 = 0 and x1 = a1'b / a1'a1 = 2 / 4 */
	const double A[] = {1, 0, 1, 1, 1, 2, 1, 3};
	double b[4], G[4], h[2], x[2];
	for (int i = 0; i < 4; i++)
		b[i] = 2 * A[i * 2] - A[i * 2 + 1];
	normal(A, b, 4, 2, G, h);
	ASSERT_INT_EQ(discover_nnls(G, h, 2, x), 0);
	ASSERT_DBL_EQ(x[1], 0);
	ASSERT_NEAR(x[0], 0.5, 1e-9);
}

static void test_refit(void)
{
	/* three columns, the middle one would go negative: the other two are
	 * refitted without it, to their own least squares */
	const double A[] = {1, 1, 0, 1, 2, 1, 1, 3, 0, 1, 4, 2, 1, 5, 1};
	double b[5], G[9], h[3], x[3];
	for (int i = 0; i < 5; i++)
		b[i] = 4 * A[i * 3] - 0.5 * A[i * 3 + 1] + 2 * A[i * 3 + 2];
	normal(A, b, 5, 3, G, h);
	ASSERT_INT_EQ(discover_nnls(G, h, 3, x), 0);
	ASSERT_DBL_EQ(x[1], 0);
	/* least squares on columns 0 and 2 alone */
	const double A2[] = {1, 0, 1, 1, 1, 0, 1, 2, 1, 1};
	double G2[4], h2[2];
	normal(A2, b, 5, 2, G2, h2);
	double det = G2[0] * G2[3] - G2[1] * G2[2];
	double x0 = (G2[3] * h2[0] - G2[1] * h2[1]) / det;
	double x2 = (G2[0] * h2[1] - G2[2] * h2[0]) / det;
	ASSERT(x0 > 0 && x2 > 0);
	ASSERT_NEAR(x[0], x0, 1e-8);
	ASSERT_NEAR(x[2], x2, 1e-8);
	/* and the gradient says no held coefficient wants to rise */
	double g = h[1] - G[3] * x[0] - G[4] * x[1] - G[5] * x[2];
	ASSERT(g <= 1e-9);
}

static void test_zero_column(void)
{
	const double A[] = {1, 0, 2, 0, 3, 0};
	double b[3] = {2, 4, 6}, G[4], h[2], x[2];
	normal(A, b, 3, 2, G, h);
	ASSERT_INT_EQ(discover_nnls(G, h, 2, x), 0);
	ASSERT_NEAR(x[0], 2, 1e-8);
	ASSERT_DBL_EQ(x[1], 0);
}

static void test_all_negative(void)
{
	/* b points away from every column: every coefficient stays 0 */
	const double A[] = {1, 2, 3, 1};
	double b[2] = {-1, -1}, G[4], h[2], x[2];
	normal(A, b, 2, 2, G, h);
	ASSERT_INT_EQ(discover_nnls(G, h, 2, x), 0);
	ASSERT_DBL_EQ(x[0], 0);
	ASSERT_DBL_EQ(x[1], 0);
}

static void test_large(void)
{
	/* 40 columns (more than a form may have), 60 rows, b from 5 of them
	 * with positive weights: recovered, the others 0 */
	enum { N = 60, M = 40 };
	double *A = malloc(N * M * sizeof *A), b[N],
	       *G = malloc(M * M * sizeof *G);
	double h[M], x[M];
	ASSERT(A && G);
	unsigned s = 12345;
	for (size_t i = 0; i < N * M; i++) {
		s = s * 1103515245u + 12345u;
		A[i] = (double)(s >> 8 & 0xffff) / 65536.0;
	}
	for (size_t i = 0; i < N; i++)
		b[i] = 1.5 * A[i * M + 3] + 0.25 * A[i * M + 11] +
		       2 * A[i * M + 20] + A[i * M + 31] + 0.5 * A[i * M + 39];
	normal(A, b, N, M, G, h);
	int st = discover_nnls(G, h, M, x);
	free(A);
	free(G);
	ASSERT_INT_EQ(st, 0);
	for (size_t j = 0; j < M; j++) {
		double want = j == 3	? 1.5
			      : j == 11 ? 0.25
			      : j == 20 ? 2
			      : j == 31 ? 1
			      : j == 39 ? 0.5
					: 0;
		ASSERT_NEAR(x[j], want, 1e-6);
	}
}

static void test_empty(void)
{
	double G[1] = {1}, h[1] = {1}, x[1];
	ASSERT_INT_EQ(discover_nnls(G, h, 0, x), -1);
}

int main(void)
{
	UNIT_RUN(test_interior);
	UNIT_RUN(test_bound);
	UNIT_RUN(test_refit);
	UNIT_RUN(test_zero_column);
	UNIT_RUN(test_all_negative);
	UNIT_RUN(test_large);
	UNIT_RUN(test_empty);
	return unit_status();
}
