/* The expression language on arbitrary text. Names are resolved the way a
 * model resolves them, by a table: those starting with 'p' are parameters
 * (sixteen of them at most in one expression, by the language's rule),
 * any other an input, and "bad" is unknown. A compiled expression is then
 * evaluated, with and without its gradient (the two values must agree
 * exactly: one code path computes both), and split as a fit splits it,
 * which must succeed for every expression that compiled, or the fit would
 * report a spurious failure. */
#include <math.h>

#include "expr.h"
#include "fuzz.h"

const char fuzz_target_name[] = "expr";

enum { NINPUTS = 8, NPARAMS = 24 };

static unsigned name_hash(const char *name, size_t len)
{
	unsigned h = 0;
	for (size_t i = 0; i < len; i++)
		h = h * 31 + (unsigned char)name[i];
	return h;
}

static bool lookup(void *ctx, const char *name, size_t len,
		   enum expr_symbol_kind *kind, unsigned *index)
{
	(void)ctx;
	if (len == 3 && memcmp(name, "bad", 3) == 0)
		return false;
	bool param = name[0] == 'p';
	*kind = param ? EXPR_PARAM : EXPR_INPUT;
	*index = name_hash(name, len) % (param ? NPARAMS : NINPUTS);
	return true;
}

static bool same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static void evaluate(const struct expr *e, const double *in, const double *p)
{
	double grad[EXPR_MAX_PARAMS];
	FUZZ_CHECK(expr_param_count(e) <= EXPR_MAX_PARAMS);
	for (size_t j = 0; j < expr_param_count(e); j++)
		FUZZ_CHECK(expr_params(e)[j] < NPARAMS);
	double v = expr_eval(e, in, p);
	double vg = expr_eval_grad(e, in, p, grad);
	FUZZ_CHECK(same(v, vg));
}

static void split(const struct expr *e, const double *in, const double *p)
{
	struct expr_split s;
	FUZZ_CHECK(expr_split(e, &s) == 0);
	double fixed[4096];
	FUZZ_CHECK(s.nfixed <= sizeof fixed / sizeof *fixed);
	for (size_t i = 0; i < s.nfixed; i++) {
		FUZZ_CHECK(expr_param_count(s.fixed[i]) == 0);
		fixed[i] = expr_eval(s.fixed[i], in, NULL);
	}
	FUZZ_CHECK(expr_param_count(s.varying) <= expr_param_count(e));
	evaluate(s.varying, fixed, p);
	expr_split_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	if (!text)
		return 0;
	struct expr_error err;
	struct expr *e = expr_compile(text, lookup, NULL, &err);
	if (!e) {
		/* The column points into the text, or just past it. */
		FUZZ_CHECK(err.col >= 1);
		FUZZ_CHECK(err.col <= strlen(text) + 1);
		FUZZ_CHECK(err.message[0] != '\0');
		free(text);
		return 0;
	}
	double in[NINPUTS], p[NPARAMS];
	for (int i = 0; i < NINPUTS; i++)
		in[i] = 0.5 + i;
	for (int j = 0; j < NPARAMS; j++)
		p[j] = 1.0 + 0.25 * j;
	evaluate(e, in, p);
	split(e, in, p);
	/* Zeros and negatives reach log, sqrt, division and powers. */
	for (int i = 0; i < NINPUTS; i++)
		in[i] = i % 3 == 0 ? 0 : -1.5 * i;
	evaluate(e, in, p);
	split(e, in, p);
	expr_free(e);
	free(text);
	return 0;
}
