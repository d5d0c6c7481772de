/* Times expr_eval_grad (and expr_eval) on the weight-streaming term of the
 * energylens-12 model, the shape of work the fit's inner loop does. Not part
 * of make check; build by hand:
 *   gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc bench/bench-expr.c \
 *       src/expr.c -lm -o /tmp/bench-expr && /tmp/bench-expr [evaluations]
 * Prints the median of five runs in nanoseconds per evaluation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expr.h"

#define RUNS 5
#define SETS 64 /* distinct input rows, cycled, so nothing is hoisted */

enum { IN_O, IN_WEFF, IN_BITS, IN_B, NINPUTS };
enum { P_TH_W, P_Q, P_GAMMA, NPARAMS };

static bool lookup(void *ctx, const char *name, size_t len,
		   enum expr_symbol_kind *kind, unsigned *index)
{
	static const struct {
		const char *name;
		enum expr_symbol_kind kind;
		unsigned index;
	} names[] = {
		{"O", EXPR_INPUT, IN_O},	{"Weff", EXPR_INPUT, IN_WEFF},
		{"bits", EXPR_INPUT, IN_BITS},	{"B", EXPR_INPUT, IN_B},
		{"th_w", EXPR_PARAM, P_TH_W},	{"q", EXPR_PARAM, P_Q},
		{"gamma", EXPR_PARAM, P_GAMMA},
	};
	(void)ctx;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (strlen(names[i].name) == len &&
		    memcmp(names[i].name, name, len) == 0) {
			*kind = names[i].kind;
			*index = names[i].index;
			return true;
		}
	}
	return false;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nanoseconds per evaluation over n evaluations; *sink keeps the results
 * alive. */
static double time_run(const struct expr *e, double inputs[][NINPUTS],
		       const double *params, long n, bool grad, double *sink)
{
	double g[EXPR_MAX_PARAMS], sum = 0;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		const double *in = inputs[i % SETS];
		if (grad) {
			sum += expr_eval_grad(e, in, params, g);
			sum += g[0] + g[1] + g[2];
		} else {
			sum += expr_eval(e, in, params);
		}
	}
	double t = now() - t0;
	*sink += sum;
	return t / (double)n;
}

static double median_of_runs(const struct expr *e, double inputs[][NINPUTS],
			     const double *params, long n, bool grad,
			     double *sink)
{
	double t[RUNS];
	for (int r = 0; r < RUNS; r++)
		t[r] = time_run(e, inputs, params, n, grad, sink);
	qsort(t, RUNS, sizeof *t, cmp_double);
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	const char *text = "O * th_w * Weff * (bits/16)^(q-1) / B^gamma";
	long n = argc > 1 ? atol(argv[1]) : 10000000;
	if (n <= 0)
		n = 10000000;
	struct expr_error err;
	struct expr *e = expr_compile(text, lookup, NULL, &err);
	if (!e) {
		fprintf(stderr, "bench-expr: %u: %s\n", err.col, err.message);
		return 1;
	}
	static double inputs[SETS][NINPUTS];
	for (int i = 0; i < SETS; i++) {
		inputs[i][IN_O] = 128 + 8 * i;
		inputs[i][IN_WEFF] = 14 + 0.5 * i;
		inputs[i][IN_BITS] = i % 2 ? 16 : 8;
		inputs[i][IN_B] = 1 + i;
	}
	const double params[NPARAMS] = {0.02, 0.8, 0.9};
	double sink = 0;
	double grad = median_of_runs(e, inputs, params, n, true, &sink);
	double value = median_of_runs(e, inputs, params, n, false, &sink);
	printf("%s\n", text);
	printf("expr_eval_grad: %.1f ns/eval (median of %d runs of %ld)\n",
	       grad, RUNS, n);
	printf("expr_eval:      %.1f ns/eval (median of %d runs of %ld)\n",
	       value, RUNS, n);
	printf("(checksum %g)\n", sink);
	expr_free(e);
	return 0;
}
