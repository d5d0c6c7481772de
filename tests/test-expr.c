/* Unit tests of the expression language: what expressions evaluate to, the
 * gradients (against finite differences on thousands of generated
 * expressions), and for each class of malformed expression the message and
 * its column. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "unit.h"

/* ---- names ------------------------------------------------------------- */

/* Inputs x y z are 0 1 2, k0..k63 are 20..83 (constants moved into
 * inputs); parameters a b c d are given scattered global indices so that
 * the slot-to-index map is tested, p0..p19 are 100..119. */
#define NINPUTS 84
#define NPARAMS 120
#define K_INPUT 20

static const struct symbol {
	const char *name;
	enum expr_symbol_kind kind;
	unsigned index;
} symbols[] = {
	{"x", EXPR_INPUT, 0},	 {"y", EXPR_INPUT, 1},
	{"z", EXPR_INPUT, 2},	 {"a", EXPR_PARAM, 6},
	{"b", EXPR_PARAM, 2},	 {"c", EXPR_PARAM, 9},
	{"d", EXPR_PARAM, 4},	 {"O", EXPR_INPUT, 3},
	{"Weff", EXPR_INPUT, 4}, {"bits", EXPR_INPUT, 5},
	{"B", EXPR_INPUT, 6},	 {"th_w", EXPR_PARAM, 0},
	{"q", EXPR_PARAM, 1},	 {"gamma", EXPR_PARAM, 3},
};

/* Reads "<prefix><0..max-1>"; false for anything else. */
static bool numbered(const char *name, size_t len, char prefix, unsigned max,
		     unsigned *n)
{
	if (len < 2 || len > 3 || name[0] != prefix)
		return false;
	unsigned v = 0;
	for (size_t i = 1; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (unsigned)(name[i] - '0');
	}
	*n = v;
	return v < max;
}

static bool lookup(void *ctx, const char *name, size_t len,
		   enum expr_symbol_kind *kind, unsigned *index)
{
	unsigned *calls = ctx;
	if (calls)
		(*calls)++;
	unsigned n;
	if (numbered(name, len, 'k', 64, &n)) {
		*kind = EXPR_INPUT;
		*index = K_INPUT + n;
		return true;
	}
	if (numbered(name, len, 'p', 20, &n)) {
		*kind = EXPR_PARAM;
		*index = 100 + n;
		return true;
	}
	for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
		if (strlen(symbols[i].name) == len &&
		    memcmp(symbols[i].name, name, len) == 0) {
			*kind = symbols[i].kind;
			*index = symbols[i].index;
			return true;
		}
	}
	return false;
}

/* ---- fixture ----------------------------------------------------------- */

static struct expr *ex;
static struct expr_error err;
static double in[NINPUTS], par[NPARAMS];

static void reset(void)
{
	expr_free(ex);
	ex = NULL;
	memset(&err, 0, sizeof err);
	for (size_t i = 0; i < NINPUTS; i++)
		in[i] = 1;
	for (size_t i = 0; i < NPARAMS; i++)
		par[i] = 1;
	in[0] = 2, in[1] = 3, in[2] = 5;
	par[6] = 0.5, par[2] = 1.5, par[9] = 2.5, par[4] = 4;
}

static struct expr *compile(const char *text)
{
	expr_free(ex);
	ex = expr_compile(text, lookup, NULL, &err);
	return ex;
}

#define ASSERT_COMPILES(text)                                                  \
	do {                                                                   \
		if (!compile(text))                                            \
			FAIL_HERE("\"%s\" does not compile: %u: %s", (text),   \
				  err.col, err.message);                       \
	} while (0)

/* Expects text to be refused at col with exactly message. */
#define ASSERT_ERROR(text, want_col, want_message)                             \
	do {                                                                   \
		if (compile(text))                                             \
			FAIL_HERE("\"%s\" compiles, expected an error",        \
				  (text));                                     \
		if (err.col != (want_col) ||                                   \
		    strcmp(err.message, (want_message)) != 0)                  \
			FAIL_HERE("\"%s\" gives %u: \"%s\", expected %u: "     \
				  "\"%s\"",                                    \
				  (text), err.col, err.message,                \
				  (unsigned)(want_col), (want_message));       \
	} while (0)

static bool close_rel(double got, double want, double rel)
{
	if (got == want)
		return true;
	return fabs(got - want) <= rel * fabs(want);
}

/* ---- values ------------------------------------------------------------ */

/* With x = 2, y = 3, z = 5, a = 0.5, b = 1.5, c = 2.5, d = 4. */
static const struct {
	const char *text;
	double value;
} value_table[] = {
	{"1 + 2 * 3", 7},
	{"(1 + 2) * 3", 9},
	{"8 - 4 - 2", 2},
	{"8 / 4 / 2", 1},
	{"x - y - z", -6},
	{"x / y * z", 2.0 / 3.0 * 5.0},
	{"x * y / z", 2.0 * 3.0 / 5.0},
	{"x + y * z", 17},
	{"x * y + z", 11},
	{"x - y + z", 4},
	{"2 ^ 3 ^ 2", 512},
	{"x ^ y ^ 0.5", 3.3219970854839125},
	{"(2 ^ 3) ^ 2", 64},
	{"2 * 3 ^ 2", 18},
	{"2 ^ 3 * 2", 16},
	{"x ^ 2 / 2", 2},
	{"1 + x ^ 2 * 3", 13},
	{"-2 ^ 2", -4},
	{"-x ^ 2", -4},
	{"(-x) ^ 2", 4},
	{"- (x) ^ 2", -4},
	{"2 ^ -1", 0.5},
	{"x ^ -y", 0.125},
	{"2 ^ -1 ^ 2", 0.5},
	{"2 ^ - - 1", 2},
	{"2 ^ +1", 2},
	{"--x", 2},
	{"- - -x", -2},
	{"+x", 2},
	{"+-+x", -2},
	{"2 - -3", 5},
	{"2--3", 5},
	{"2 * -3", -6},
	{"-2 * 3", -6},
	{"-x * -y", 6},
	{"2 / -4", -0.5},
	{"-x + y", 1},
	{"1 - -x ^ 2", 5},
	{"a * b + c", 0.5 * 1.5 + 2.5},
	{"d ^ a", 2},
	{".5", 0.5},
	{"0.5", 0.5},
	{"2.", 2},
	{"1e-6 * 1e6", 1e-6 * 1e6},
	{"2.5E+3", 2500},
	{"2.5e3 + .5e1", 2505},
	{"1E2", 100},
	{"007", 7},
	{" \t1 +\n2\r ", 3},
	{"((((x))))", 2},
	{"sqrt(16)", 4},
	{"sqrt (x * 8)", 4},
	{"exp(0)", 1},
	{"log(1)", 0},
	{"min(x, y)", 2},
	{"max(x, y)", 3},
	{"min(y, x)", 2},
	{"max(y,x)", 3},
	{"min(-1, -2)", -2},
	{"max(1, 2) ^ 2", 4},
	{"-min(x, y) ^ 2", -4},
	{"min(x + y, z) * 2", 10},
	{"max(min(x, y), min(z, d))", 4},
	{"sqrt(d) ^ 3", 8},
	{"2 ^ sqrt(d)", 4},
	{"exp(log(x) + log(y))", 6},
};

static void test_values(void)
{
	for (size_t i = 0; i < sizeof value_table / sizeof *value_table; i++) {
		const char *text = value_table[i].text;
		double want = value_table[i].value;
		ASSERT_COMPILES(text);
		double got = expr_eval(ex, in, par);
		ASSERT_MSG(close_rel(got, want, 1e-15),
			   "\"%s\" is %.17g, expected %.17g", text, got, want);
		double grad[EXPR_MAX_PARAMS];
		double got2 = expr_eval_grad(ex, in, par, grad);
		ASSERT_MSG(got2 == got || (isnan(got) && isnan(got2)),
			   "\"%s\": expr_eval_grad gives %.17g, expr_eval "
			   "%.17g",
			   text, got2, got);
	}
}

static void test_functions(void)
{
	ASSERT_COMPILES("log(x)");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), log(2.0));
	ASSERT_COMPILES("exp(y)");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), exp(3.0));
	ASSERT_COMPILES("sqrt(z)");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), sqrt(5.0));
	ASSERT_COMPILES("min(x, a)");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 0.5);
	ASSERT_COMPILES("max(x, a)");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2);
	/* Nested calls and calls as operands of every operator. */
	ASSERT_COMPILES("log(exp(x)) * sqrt(sqrt(16)) - min(max(1, y), z)");
	ASSERT_NEAR(expr_eval(ex, in, par), 2.0 * 2.0 - 3.0, 1e-14);
}

/* Domain errors give what C's math gives, and never crash. */
static void test_domain_errors(void)
{
	double grad[EXPR_MAX_PARAMS];
	ASSERT_COMPILES("log(a - 1)");
	ASSERT_NAN(expr_eval(ex, in, par));
	ASSERT_NAN(expr_eval_grad(ex, in, par, grad));
	ASSERT_COMPILES("sqrt(-1)");
	ASSERT_NAN(expr_eval(ex, in, par));
	ASSERT_COMPILES("1 / (a - 0.5)");
	ASSERT(isinf(expr_eval_grad(ex, in, par, grad)));
	ASSERT_COMPILES("log(0)");
	ASSERT(isinf(expr_eval(ex, in, par)) && expr_eval(ex, in, par) < 0);
	ASSERT_COMPILES("sqrt(a - 0.5)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, grad), 0);
	ASSERT(isinf(grad[0]));
	ASSERT_COMPILES("exp(1000) * a");
	ASSERT(isinf(expr_eval_grad(ex, in, par, grad)));
	ASSERT_COMPILES("(-8) ^ (1 / 3)");
	ASSERT_NAN(expr_eval(ex, in, par));
	ASSERT_COMPILES("min(0 / 0, a)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, grad), 0.5);
	ASSERT_DBL_EQ(grad[0], 1);
}

/* A subexpression of numbers only is folded into one constant as it is
 * compiled; the value must be the one the evaluator would compute. Each
 * literal is also given as an input, which cannot fold. */
static void test_constant_folding(void)
{
	static const struct {
		const char *folded, *unfolded;
		double k[5];
	} cases[] = {
		{"2 ^ 0.5 * 3 - 1 / 7",
		 "k0 ^ k1 * k2 - k3 / k4",
		 {2, 0.5, 3, 1, 7}},
		{"-(1 / 3) ^ 2", "-(k0 / k1) ^ k2", {1, 3, 2}},
		{"log(3) / sqrt(7)", "log(k0) / sqrt(k1)", {3, 7}},
		{"min(0.1 + 0.2, 0.3) * exp(0.7)",
		 "min(k0 + k1, k2) * exp(k3)",
		 {0.1, 0.2, 0.3, 0.7}},
		{"x * (0.1 + 0.2 + 0.3)",
		 "x * (k0 + k1 + k2)",
		 {0.1, 0.2, 0.3}},
		{"0.1 + 0.2 + x + 0.3", "k0 + k1 + x + k2", {0.1, 0.2, 0.3}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		for (size_t j = 0; j < 5; j++)
			in[K_INPUT + j] = cases[i].k[j];
		ASSERT_COMPILES(cases[i].folded);
		double folded = expr_eval(ex, in, par);
		ASSERT_COMPILES(cases[i].unfolded);
		double unfolded = expr_eval(ex, in, par);
		ASSERT_MSG(folded == unfolded,
			   "\"%s\" is %.17g, \"%s\" is %.17g", cases[i].folded,
			   folded, cases[i].unfolded, unfolded);
	}
}

/* ---- names ------------------------------------------------------------- */

static void test_lookup_inputs_and_params(void)
{
	unsigned calls = 0;
	expr_free(ex);
	ex = expr_compile("x * a + y / b", lookup, &calls, &err);
	ASSERT(ex);
	ASSERT_INT_EQ(calls, 4);
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2 * 0.5 + 3 / 1.5);
	par[6] = 3;
	in[1] = 6;
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2 * 3 + 6 / 1.5);
}

static void test_param_order(void)
{
	ASSERT_COMPILES("b * a + b * c - 2 * a");
	ASSERT_INT_EQ(expr_param_count(ex), 3);
	const unsigned *p = expr_params(ex);
	ASSERT_INT_EQ(p[0], 2);
	ASSERT_INT_EQ(p[1], 6);
	ASSERT_INT_EQ(p[2], 9);
	double grad[EXPR_MAX_PARAMS];
	/* d/db = a + c, d/da = b - 2, d/dc = b */
	expr_eval_grad(ex, in, par, grad);
	ASSERT_DBL_EQ(grad[0], 0.5 + 2.5);
	ASSERT_DBL_EQ(grad[1], 1.5 - 2);
	ASSERT_DBL_EQ(grad[2], 1.5);
}

static void test_uses_input(void)
{
	ASSERT_COMPILES("x * a + z * x");
	ASSERT(expr_uses_input(ex, 0));
	ASSERT(!expr_uses_input(ex, 1));
	ASSERT(expr_uses_input(ex, 2));
	ASSERT(!expr_uses_input(ex, 6));
	ASSERT_INT_EQ(expr_param_count(ex), 1);
	ASSERT_COMPILES("2 * 3");
	ASSERT_INT_EQ(expr_param_count(ex), 0);
	ASSERT(!expr_uses_input(ex, 0));
}

static void test_no_params(void)
{
	ASSERT_COMPILES("x * y + 1");
	ASSERT_INT_EQ(expr_param_count(ex), 0);
	/* No gradient to fill: grad may be NULL. */
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, NULL), 7);
}

/* ---- gradients --------------------------------------------------------- */

static void test_gradient_rules(void)
{
	double g[EXPR_MAX_PARAMS];
	ASSERT_COMPILES("a ^ b"); /* slots a, b */
	double v = expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(v, pow(0.5, 1.5));
	ASSERT_NEAR(g[0], 1.5 * pow(0.5, 0.5), 1e-15);
	ASSERT_NEAR(g[1], pow(0.5, 1.5) * log(0.5), 1e-15);
	ASSERT_COMPILES("log(a) + exp(b) + sqrt(c)");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 1 / 0.5);
	ASSERT_DBL_EQ(g[1], exp(1.5));
	ASSERT_DBL_EQ(g[2], 1 / (2 * sqrt(2.5)));
	ASSERT_COMPILES("a / b - c * a");
	expr_eval_grad(ex, in, par, g);
	ASSERT_NEAR(g[0], 1 / 1.5 - 2.5, 1e-15);
	ASSERT_NEAR(g[1], -0.5 / (1.5 * 1.5), 1e-15);
	ASSERT_NEAR(g[2], -0.5, 1e-15);
	ASSERT_COMPILES("-a * x");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], -2);
	/* b a^(b-1), not b a^b / a, which is 0/0 at a = 0. */
	par[6] = 0;
	ASSERT_COMPILES("a ^ 2 + a ^ 3");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 0);
	ASSERT_DBL_EQ(g[0], 0);
}

/* A negative base with a constant exponent has a finite gradient: log of
 * the base is not taken when the exponent's gradient is zero, even when
 * the exponent reads a parameter whose effect cancels. */
static void test_gradient_negative_base(void)
{
	double g[EXPR_MAX_PARAMS];
	ASSERT_COMPILES("(a - 5) ^ 2");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 20.25);
	ASSERT_DBL_EQ(g[0], -9);
	ASSERT_COMPILES("(a - 5) ^ 3 * x");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 2 * 3 * 4.5 * 4.5);
	ASSERT_COMPILES("(a - 5) ^ (b - b + 2)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 20.25);
	ASSERT_DBL_EQ(g[0], -9);
	ASSERT_DBL_EQ(g[1], 0);
	ASSERT_COMPILES("(-2) ^ (b - b)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 1);
	ASSERT_DBL_EQ(g[0], 0);
}

/* min and max pass on the chosen operand's gradient, the first on a tie,
 * and a zero gradient when the chosen one reads no parameter. */
static void test_gradient_min_max(void)
{
	double g[EXPR_MAX_PARAMS];
	par[6] = par[2] = 1;
	ASSERT_COMPILES("min(a, 2 * b)");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 1);
	ASSERT_DBL_EQ(g[1], 0);
	ASSERT_COMPILES("min(2 * b, a)");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 0);
	ASSERT_DBL_EQ(g[1], 1);
	ASSERT_COMPILES("min(a, b)"); /* tie: the first */
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 1);
	ASSERT_DBL_EQ(g[1], 0);
	ASSERT_COMPILES("max(b * 3, a * 3)");
	expr_eval_grad(ex, in, par, g);
	ASSERT_DBL_EQ(g[0], 3);
	ASSERT_DBL_EQ(g[1], 0);
	ASSERT_COMPILES("min(a, 0.5)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 0.5);
	ASSERT_DBL_EQ(g[0], 0);
	ASSERT_COMPILES("max(x, a)");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 2);
	ASSERT_DBL_EQ(g[0], 0);
	ASSERT_COMPILES("max(a, x) * b");
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), 2);
	ASSERT_DBL_EQ(g[0], 0);
	ASSERT_DBL_EQ(g[1], 2);
}

/* ---- generated expressions --------------------------------------------- */

/* A deterministic generator (xorshift64*) of random expression trees, a
 * printer that writes them with as few parentheses as the precedence
 * rules allow (so that the parse is tested against the tree), and a
 * reference evaluator. */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned rnd(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

static double rnd_unit(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

enum node_kind {
	N_INPUT,
	N_PARAM,
	N_CONST,
	N_ADD,
	N_SUB,
	N_MUL,
	N_DIV,
	N_POW,
	N_NEG,
	N_LOG,
	N_EXP,
	N_SQRT,
	N_MIN,
	N_MAX,
};

struct node {
	enum node_kind kind;
	int a, b;	/* children */
	unsigned which; /* input or parameter: its position in the names */
	unsigned lit;	/* constant: its position in literals[] */
};

#define MAX_NODES 512

struct tree {
	struct node n[MAX_NODES];
	int count, root;
	unsigned nconst; /* constants numbered in printing order */
};

static const char *const input_names[] = {"x", "y", "z"};
static const unsigned input_index[] = {0, 1, 2};
static const char *const param_names[] = {"a", "b", "c", "d"};
static const unsigned param_index[] = {6, 2, 9, 4};
static const char *const literals[] = {"2",    "0.5",  ".25",	 "1.5", "3",
				       "1e-1", "0.75", "2.5E+0", "1.",	"7"};

static int new_node(struct tree *t, enum node_kind kind, int a, int b)
{
	struct node *n = &t->n[t->count];
	*n = (struct node){.kind = kind, .a = a, .b = b};
	return t->count++;
}

static int gen(struct tree *t, int depth, bool positive);

static int gen_leaf(struct tree *t)
{
	unsigned r = rnd(20);
	int i;
	if (r < 9) {
		i = new_node(t, N_PARAM, -1, -1);
		t->n[i].which = rnd(4);
	} else if (r < 15) {
		i = new_node(t, N_INPUT, -1, -1);
		t->n[i].which = rnd(3);
	} else {
		i = new_node(t, N_CONST, -1, -1);
		t->n[i].lit = rnd(sizeof literals / sizeof *literals);
	}
	return i;
}

static int gen_pow(struct tree *t, int depth)
{
	/* Now and then a base of any sign with an integer exponent, which
	 * has a derivative everywhere. */
	if (rnd(5) == 0) {
		int base = gen(t, depth - 1, false);
		int e = new_node(t, N_CONST, -1, -1);
		t->n[e].lit = rnd(2) ? 0 : 4; /* "2" or "3" */
		return new_node(t, N_POW, base, e);
	}
	int base = gen(t, depth - 1, true);
	int e = gen(t, depth > 2 ? 1 : depth - 1, false);
	return new_node(t, N_POW, base, e);
}

/* A tree of the given depth at most; positive keeps its value positive
 * (for log, sqrt and a base) at points where inputs and params are. */
static int gen(struct tree *t, int depth, bool positive)
{
	if (depth == 0 || rnd(7) == 0 || t->count > MAX_NODES - 40)
		return gen_leaf(t);
	static const enum node_kind any[] = {
		N_ADD, N_SUB, N_MUL,  N_DIV, N_POW, N_NEG,
		N_LOG, N_EXP, N_SQRT, N_MIN, N_MAX,
	};
	static const enum node_kind pos[] = {
		N_ADD, N_MUL, N_DIV, N_POW, N_EXP, N_SQRT, N_MIN, N_MAX,
	};
	enum node_kind k = positive ? pos[rnd(sizeof pos / sizeof *pos)]
				    : any[rnd(sizeof any / sizeof *any)];
	switch (k) {
	case N_POW:
		return gen_pow(t, depth);
	case N_NEG:
		return new_node(t, k, gen(t, depth - 1, false), -1);
	case N_LOG:
	case N_SQRT:
		return new_node(t, k, gen(t, depth - 1, true), -1);
	case N_EXP:
		/* Shallow, so that exp stays far from overflow. */
		return new_node(t, k, gen(t, depth > 2 ? 1 : depth - 1, false),
				-1);
	case N_SUB: {
		int a = gen(t, depth - 1, false);
		return new_node(t, k, a, gen(t, depth - 1, false));
	}
	default: {
		int a = gen(t, depth - 1, positive);
		return new_node(t, k, a, gen(t, depth - 1, positive));
	}
	}
}

/* Binding strength as the grammar defines it: leaves and calls 5, '^' 4,
 * sign 3, '*' '/' 2, '+' '-' 1. */
static int prec(enum node_kind k)
{
	switch (k) {
	case N_ADD:
	case N_SUB:
		return 1;
	case N_MUL:
	case N_DIV:
		return 2;
	case N_NEG:
		return 3;
	case N_POW:
		return 4;
	default:
		return 5;
	}
}

struct out {
	char *s;
	size_t len, cap;
	bool consts_as_inputs; /* write constant i as input k<i> */
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = realloc(o->s, o->cap);
		if (!o->s)
			abort();
	}
	memcpy(o->s + o->len, s, n + 1);
	o->len += n;
}

static void put_space(struct out *o)
{
	static const char *const spaces[] = {"", "", "", " ", " ", "\t", "  "};
	put(o, spaces[rnd(sizeof spaces / sizeof *spaces)]);
}

static void print_node(struct tree *t, int i, struct out *o);

/* Writes child i, in parentheses when it must be or, now and then, when
 * they are redundant. */
static void print_child(struct tree *t, int i, bool parens, struct out *o)
{
	parens = parens || rnd(12) == 0;
	if (parens)
		put(o, "(");
	put_space(o);
	print_node(t, i, o);
	put_space(o);
	if (parens)
		put(o, ")");
}

static const char *op_text(enum node_kind k)
{
	static const char *const ops[] = {
		[N_ADD] = "+",	 [N_SUB] = "-",	    [N_MUL] = "*",
		[N_DIV] = "/",	 [N_POW] = "^",	    [N_LOG] = "log",
		[N_EXP] = "exp", [N_SQRT] = "sqrt", [N_MIN] = "min",
		[N_MAX] = "max",
	};
	return ops[k];
}

static void print_node(struct tree *t, int i, struct out *o)
{
	struct node *n = &t->n[i];
	char buf[16];
	int p = prec(n->kind);
	switch (n->kind) {
	case N_INPUT:
		put(o, input_names[n->which]);
		return;
	case N_PARAM:
		put(o, param_names[n->which]);
		return;
	case N_CONST:
		if (o->consts_as_inputs) {
			snprintf(buf, sizeof buf, "k%u", t->nconst++);
			put(o, buf);
		} else {
			put(o, literals[n->lit]);
		}
		return;
	case N_NEG:
		/* A sign takes a power or another sign after it. */
		put(o, "-");
		print_child(t, n->a, prec(t->n[n->a].kind) < 3, o);
		return;
	case N_LOG:
	case N_EXP:
	case N_SQRT:
		put(o, op_text(n->kind));
		put_space(o);
		put(o, "(");
		print_child(t, n->a, false, o);
		put(o, ")");
		return;
	case N_MIN:
	case N_MAX:
		put(o, op_text(n->kind));
		put(o, "(");
		print_child(t, n->a, false, o);
		put(o, ",");
		print_child(t, n->b, false, o);
		put(o, ")");
		return;
	case N_POW:
		/* Right-associative, and the exponent may be signed. */
		print_child(t, n->a, prec(t->n[n->a].kind) <= p, o);
		put(o, "^");
		print_child(t, n->b, prec(t->n[n->b].kind) < 3, o);
		return;
	default:
		/* Left-associative: an equal right operand is grouped. */
		print_child(t, n->a, prec(t->n[n->a].kind) < p, o);
		put(o, op_text(n->kind));
		print_child(t, n->b, prec(t->n[n->b].kind) <= p, o);
		return;
	}
}

/* What the tree evaluates to; *choices gathers the min/max decisions (a
 * bit each) so that a caller can tell when two points fall on different
 * sides of a tie, and *tie is set when an operand pair is equal. */
struct ref {
	uint64_t choices;
	unsigned nchoices;
	bool tie;
};

static double ref_eval(const struct tree *t, int i, const double *inputs,
		       const double *params, struct ref *r)
{
	const struct node *n = &t->n[i];
	double a = 0, b = 0;
	if (n->a >= 0)
		a = ref_eval(t, n->a, inputs, params, r);
	if (n->b >= 0)
		b = ref_eval(t, n->b, inputs, params, r);
	switch (n->kind) {
	case N_INPUT:
		return inputs[input_index[n->which]];
	case N_PARAM:
		return params[param_index[n->which]];
	case N_CONST:
		return strtod(literals[n->lit], NULL);
	case N_ADD:
		return a + b;
	case N_SUB:
		return a - b;
	case N_MUL:
		return a * b;
	case N_DIV:
		return a / b;
	case N_POW:
		return pow(a, b);
	case N_NEG:
		return -a;
	case N_LOG:
		return log(a);
	case N_EXP:
		return exp(a);
	case N_SQRT:
		return sqrt(a);
	case N_MIN:
	case N_MAX: {
		bool first = isnan(b) || (n->kind == N_MIN ? a <= b : a >= b);
		r->tie = r->tie || a == b;
		r->choices ^= (uint64_t)first << (r->nchoices++ % 64);
		return first ? a : b;
	}
	}
	return NAN;
}

/* The constants of the tree in printing order, as inputs k0, k1, ... */
static void const_inputs(const struct tree *t, int i, double *inputs,
			 unsigned *next)
{
	const struct node *n = &t->n[i];
	if (n->kind == N_CONST) {
		inputs[K_INPUT + (*next)++] = strtod(literals[n->lit], NULL);
		return;
	}
	/* Printing visits operands left to right, as here. */
	if (n->a >= 0)
		const_inputs(t, n->a, inputs, next);
	if (n->b >= 0)
		const_inputs(t, n->b, inputs, next);
}

/* The parameters of the tree in first-use order, as global indices. */
static void tree_params(const struct tree *t, int i, unsigned *order,
			size_t *count)
{
	const struct node *n = &t->n[i];
	if (n->kind == N_PARAM) {
		unsigned g = param_index[n->which];
		for (size_t j = 0; j < *count; j++)
			if (order[j] == g)
				return;
		order[(*count)++] = g;
		return;
	}
	if (n->a >= 0)
		tree_params(t, n->a, order, count);
	if (n->b >= 0)
		tree_params(t, n->b, order, count);
}

static struct tree gen_tree;
static struct out gen_text, gen_text_k;
static struct expr *gen_ex, *gen_ex_k;

static void generated_cleanup(void)
{
	expr_free(gen_ex);
	expr_free(gen_ex_k);
	gen_ex = gen_ex_k = NULL;
	free(gen_text.s);
	free(gen_text_k.s);
	memset(&gen_text, 0, sizeof gen_text);
	memset(&gen_text_k, 0, sizeof gen_text_k);
	reset();
}

/* The printed text parses to the tree (the value agrees with the reference
 * evaluator), folding changes nothing (the same text with its constants
 * moved into inputs gives the same bits), and the parameter order is the
 * order of first use. Builds the tree into gen_tree and compiles it into
 * gen_ex. Returns false (having failed the case) on a mismatch. */
static bool generate_one(unsigned seq)
{
	struct tree *t = &gen_tree;
	t->count = 0;
	t->nconst = 0;
	int root = gen(t, 2 + (int)rnd(5), rnd(2));
	t->root = root;
	gen_text.len = gen_text_k.len = 0;
	gen_text_k.consts_as_inputs = true;
	uint64_t saved = rng_state;
	print_node(t, root, &gen_text);
	/* The same spacing and redundant parentheses in both texts. */
	rng_state = saved;
	print_node(t, root, &gen_text_k);
	expr_free(gen_ex);
	expr_free(gen_ex_k);
	gen_ex = expr_compile(gen_text.s, lookup, NULL, &err);
	gen_ex_k =
		gen_ex ? expr_compile(gen_text_k.s, lookup, NULL, &err) : NULL;
	if (!gen_ex || !gen_ex_k) {
		unit_fail_at(__FILE__, __LINE__,
			     "#%u \"%s\" does not compile: %u: %s", seq,
			     gen_ex ? gen_text_k.s : gen_text.s, err.col,
			     err.message);
		return false;
	}
	unsigned next_k = 0;
	const_inputs(t, root, in, &next_k);

	struct ref r = {0};
	double want = ref_eval(t, root, in, par, &r);
	double got = expr_eval(gen_ex, in, par);
	double got_k = expr_eval(gen_ex_k, in, par);
	bool same = got == got_k || (isnan(got) && isnan(got_k));
	bool right = close_rel(got, want, 1e-13) ||
		     (isnan(got) && isnan(want)) ||
		     (!isfinite(want) && !isfinite(got));
	if (!same || !right) {
		unit_fail_at(__FILE__, __LINE__,
			     "#%u \"%s\" is %.17g, folded as \"%s\" %.17g, "
			     "reference %.17g",
			     seq, gen_text.s, got, gen_text_k.s, got_k, want);
		return false;
	}
	unsigned order[EXPR_MAX_PARAMS];
	size_t count = 0;
	tree_params(t, root, order, &count);
	const unsigned *p = expr_params(gen_ex);
	bool order_ok = expr_param_count(gen_ex) == count;
	for (size_t j = 0; order_ok && j < count; j++)
		order_ok = p[j] == order[j];
	if (!order_ok) {
		unit_fail_at(__FILE__, __LINE__,
			     "#%u \"%s\": parameters not in first-use order",
			     seq, gen_text.s);
		return false;
	}
	return true;
}

static void random_point(void)
{
	for (size_t i = 0; i < 3; i++)
		in[input_index[i]] = 0.5 + 2.5 * rnd_unit();
	for (size_t i = 0; i < 4; i++)
		par[param_index[i]] = 0.5 + 1.5 * rnd_unit();
}

#ifndef GENERATED
#define GENERATED 2000
#endif

static void test_generated_values(void)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < GENERATED; i++) {
		random_point();
		if (!generate_one(i))
			return;
	}
}

static bool close_split(double a, double b, double scale)
{
	return a == b || fabs(a - b) <= 1e-9 * fmax(scale, fabs(b));
}

/* The split form gives the whole expression's value and gradient (up to
 * the rounding of regrouped sums and products) on every generated
 * expression. */
static void test_generated_split(void)
{
	rng_state = 0x243f6a8885a308d3ull;
	for (unsigned i = 0; i < GENERATED; i++) {
		random_point();
		if (!generate_one(i))
			return;
		struct expr_split sp;
		ASSERT_MSG(expr_split(gen_ex, &sp) == 0, "#%u: out of memory",
			   i);
		double fixed[64];
		ASSERT(sp.nfixed <= 64);
		for (size_t f = 0; f < sp.nfixed; f++)
			fixed[f] = expr_eval(sp.fixed[f], in, par);
		double g[EXPR_MAX_PARAMS], gs[EXPR_MAX_PARAMS];
		double want = expr_eval_grad(gen_ex, in, par, g);
		double got = expr_eval_grad(sp.varying, fixed, par, gs);
		/* A magnitude for the rounding: regrouping a sum can lose what
		 * cancellation left. */
		double scale = fabs(expr_eval(gen_ex, in, par)) + 1;
		bool ok = !isfinite(want) || close_split(got, want, scale);
		for (size_t a = 0;
		     ok && isfinite(want) && a < expr_param_count(gen_ex); a++)
			for (size_t b = 0; b < expr_param_count(sp.varying);
			     b++)
				if (expr_params(sp.varying)[b] ==
					    expr_params(gen_ex)[a] &&
				    isfinite(g[a]))
					ok = close_split(gs[b], g[a],
							 scale + fabs(g[a]));
		expr_split_free(&sp);
		ASSERT_MSG(ok, "#%u \"%s\": split %.17g, whole %.17g", i,
			   gen_text.s, got, want);
	}
}

/* A product form's value at (x, params), and d value / d log(params[g])
 * into dlog[g] for every g, computed from its fields. */
static double product_value(const struct expr_product *q, const double *x,
			    const double *params, double *dlog)
{
	double v = q->coef, sum = 0;
	for (size_t i = 0; i < q->nin; i++)
		v *= pow(x[q->in[i]], q->in_pow[i]);
	for (size_t j = 0; j < q->npar; j++)
		v *= pow(params[q->par[j]], q->par_pow[j]);
	for (size_t k = 0; k < q->nlin; k++)
		sum += q->lin_coef[k] *
		       (q->lin_par[k] >= 0 ? params[q->lin_par[k]] : 1) *
		       (q->lin_in[k] >= 0 ? x[q->lin_in[k]] : 1) *
		       (q->lin_in2[k] >= 0 ? x[q->lin_in2[k]] : 1);
	v *= exp(sum);
	memset(dlog, 0, NPARAMS * sizeof *dlog);
	for (size_t j = 0; j < q->npar; j++)
		dlog[q->par[j]] += v * q->par_pow[j];
	for (size_t k = 0; k < q->nlin; k++)
		if (q->lin_par[k] >= 0)
			dlog[q->lin_par[k]] +=
				v * q->lin_coef[k] * params[q->lin_par[k]] *
				(q->lin_in[k] >= 0 ? x[q->lin_in[k]] : 1) *
				(q->lin_in2[k] >= 0 ? x[q->lin_in2[k]] : 1);
	return v;
}

/* The product form (what the fit evaluates without the interpreter) gives
 * the split term's value and gradient on every generated expression whose
 * varying part has that form, and enough of them have it for this to mean
 * something. */
static void test_generated_products(void)
{
	unsigned found = 0;
	rng_state = 0x452821e638d01377ull;
	for (unsigned i = 0; i < GENERATED; i++) {
		random_point();
		if (!generate_one(i))
			return;
		struct expr_split sp;
		ASSERT_MSG(expr_split(gen_ex, &sp) == 0, "#%u: out of memory",
			   i);
		struct expr_product q;
		int rc = expr_as_product(sp.varying, &q);
		ASSERT(rc >= 0);
		double fixed[64], g[EXPR_MAX_PARAMS], dlog[NPARAMS];
		ASSERT(sp.nfixed <= 64);
		for (size_t f = 0; rc == 1 && f < sp.nfixed; f++)
			fixed[f] = expr_eval(sp.fixed[f], in, par);
		double want = rc == 1 ? expr_eval_grad(sp.varying, fixed, par,
						       g)
				      : NAN,
		       got = rc == 1 ? product_value(&q, fixed, par, dlog)
				     : NAN;
		bool ok = true;
		if (rc == 1 && isfinite(want) && isfinite(got)) {
			found++;
			double scale = fabs(want) + 1;
			ok = close_split(got, want, scale);
			const unsigned *idx = expr_params(sp.varying);
			for (size_t b = 0;
			     ok && b < expr_param_count(sp.varying); b++)
				if (isfinite(g[b]))
					ok = close_split(
						dlog[idx[b]],
						par[idx[b]] * g[b],
						scale + fabs(par[idx[b]] *
							     g[b]));
		}
		expr_split_free(&sp);
		ASSERT_MSG(ok, "#%u \"%s\": product %.17g, split %.17g", i,
			   gen_text.s, got, want);
	}
	ASSERT_MSG(found >= GENERATED / 20, "only %u of %u in product form",
		   found, (unsigned)GENERATED);
}

/* energylens-12's terms, split, are products; a sum, a log or a min of
 * parameters is not. */
static void test_product_forms(void)
{
	static const struct {
		const char *text;
		int product;
	} cases[] = {
		{"O * th_w * Weff * (bits / 16)^(q - 1) / B^gamma", 1},
		{"O * th_w * 2 * x / B^gamma / y^a", 1},
		{"th_w / (q * gamma)^2", 1},
		{"-th_w * exp(-x * gamma + 2 * q)", 1},
		{"th_w + q", 0},
		{"log(th_w) * x", 0},
		{"min(th_w, x)", 0},
		{"exp(th_w * q)", 0},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		expr_free(ex);
		ex = expr_compile(cases[c].text, lookup, NULL, &err);
		ASSERT_MSG(ex, "%s: %s", cases[c].text, err.message);
		struct expr_split sp;
		ASSERT(expr_split(ex, &sp) == 0);
		struct expr_product q;
		int rc = expr_as_product(sp.varying, &q);
		double fixed[64], g[EXPR_MAX_PARAMS], dlog[NPARAMS];
		for (size_t f = 0; f < sp.nfixed; f++)
			fixed[f] = expr_eval(sp.fixed[f], in, par);
		double want = expr_eval_grad(sp.varying, fixed, par, g);
		double got = rc == 1 ? product_value(&q, fixed, par, dlog) : 0;
		expr_split_free(&sp);
		ASSERT_MSG(rc == cases[c].product, "%s: %d", cases[c].text, rc);
		ASSERT_MSG(rc != 1 || close_split(got, want, fabs(want)),
			   "%s: product %.17g, split %.17g", cases[c].text, got,
			   want);
	}
}

static bool same_bits(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* The row evaluators give what the one-row evaluators give, to the bit, on
 * every generated expression, over a number of rows that is not a multiple
 * of their block, with rows that differ (so a min or max, or a power's
 * zero gradient, can go either way within one block). */
static void test_generated_rows(void)
{
	enum { R = 37 };
	static double rows[R * NINPUTS], out[R], val[R],
		grad[R * EXPR_MAX_PARAMS];
	rng_state = 0x13198a2e03707344ull;
	for (unsigned i = 0; i < GENERATED; i++) {
		random_point();
		if (!generate_one(i))
			return;
		for (size_t r = 0; r < R; r++) {
			memcpy(rows + r * NINPUTS, in, sizeof in);
			for (size_t j = 0; j < 3; j++)
				rows[r * NINPUTS + input_index[j]] =
					r % 5 == 0 ? 1.0
						   : 0.5 + 2.5 * rnd_unit();
		}
		expr_eval_rows(gen_ex, rows, NINPUTS, R, par, out);
		expr_eval_grad_rows(gen_ex, rows, NINPUTS, R, par, val, grad);
		size_t k = expr_param_count(gen_ex);
		for (size_t r = 0; r < R; r++) {
			double g[EXPR_MAX_PARAMS];
			double want = expr_eval_grad(gen_ex, rows + r * NINPUTS,
						     par, g);
			bool ok = same_bits(out[r], want) &&
				  same_bits(val[r], want);
			for (size_t j = 0; ok && j < k; j++)
				ok = same_bits(grad[r * k + j], g[j]);
			ASSERT_MSG(
				ok,
				"#%u \"%s\" row %zu: rows give %.17g, %.17g, "
				"one row %.17g",
				i, gen_text.s, r, out[r], val[r], want);
		}
	}
}

/* The value at params with parameter g moved by dx. */
static double eval_moved(const struct expr *e, unsigned g, double dx,
			 struct ref *r)
{
	double saved = par[g];
	par[g] += dx;
	double v = expr_eval(e, in, par);
	if (r) {
		r->choices = 0;
		r->nchoices = 0;
		r->tie = false;
		(void)ref_eval(&gen_tree, gen_tree.root, in, par, r);
	}
	par[g] = saved;
	return v;
}

/* A fourth-order central difference of the value in parameter g with step
 * h; false when a point of the stencil is not finite, or when a min or max
 * there chooses otherwise than at the centre (the function has a kink in
 * between) or sits on a tie. *scale gets the largest magnitude seen. */
static bool central_difference(unsigned g, double h, const struct ref *r0,
			       double *fd, double *scale)
{
	static const double steps[4] = {1, -1, 2, -2};
	double f[4];
	*scale = 0;
	for (size_t i = 0; i < 4; i++) {
		struct ref r;
		f[i] = eval_moved(gen_ex, g, steps[i] * h, &r);
		if (!isfinite(f[i]) || r.choices != r0->choices || r.tie)
			return false;
		*scale = fmax(*scale, fabs(f[i]));
	}
	*fd = (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * h);
	return true;
}

/* Checks slot j of the gradient against central differences. Returns 1
 * when it agrees, 0 when the point is skipped (not finite, near a min/max
 * tie, or too curved for the difference to converge), -1 on a mismatch. */
static int check_partial(unsigned seq, size_t j, double gj, double value)
{
	unsigned g = expr_params(gen_ex)[j];
	double h = 1e-4 * par[g];
	struct ref r0;
	double f0 = eval_moved(gen_ex, g, 0, &r0), fd, fd_half, scale, s2;
	if (!isfinite(gj) || r0.tie ||
	    !central_difference(g, h, &r0, &fd, &scale) ||
	    !central_difference(g, h / 2, &r0, &fd_half, &s2))
		return 0;
	/* The difference cannot resolve less than the rounding of the
	 * values it subtracts, about 1e-16 |f| / h; allow well above. */
	scale = fmax(fmax(scale, s2), fabs(f0));
	double floor = 1e-9 * scale / par[g];
	/* Halving the step moves a converged difference by a sixteenth of
	 * its error; one that moves more is still truncation, not a test of
	 * the gradient. */
	if (fabs(fd - fd_half) > 1e-7 * fabs(fd_half) + floor)
		return 0;
	if (fabs(gj - fd_half) <= 1e-6 * fmax(fabs(gj), fabs(fd_half)) + floor)
		return 1;
	unit_fail_at(__FILE__, __LINE__,
		     "#%u \"%s\" = %.17g: d/d(param %u) is %.17g, finite "
		     "difference %.17g",
		     seq, gen_text.s, value, g, gj, fd_half);
	return -1;
}

static void test_generated_gradients(void)
{
	rng_state = 0x2545f4914f6cdd1dull;
	unsigned checked = 0, skipped = 0;
	for (unsigned i = 0; i < GENERATED; i++) {
		random_point();
		if (!generate_one(i))
			return;
		double grad[EXPR_MAX_PARAMS];
		double v = expr_eval_grad(gen_ex, in, par, grad);
		double v0 = expr_eval(gen_ex, in, par);
		ASSERT_MSG(v == v0 || (isnan(v) && isnan(v0)),
			   "#%u \"%s\": expr_eval_grad gives %.17g, "
			   "expr_eval %.17g",
			   i, gen_text.s, v, v0);
		if (!isfinite(v)) {
			skipped++;
			continue;
		}
		for (size_t j = 0; j < expr_param_count(gen_ex); j++) {
			int ok = check_partial(i, j, grad[j], v);
			if (ok < 0)
				return;
			if (ok)
				checked++;
			else
				skipped++;
		}
	}
	/* Most points must have been usable, or the test proves little. */
	ASSERT_MSG(checked > 4 * skipped && checked > 2000,
		   "only %u partial derivatives checked, %u skipped", checked,
		   skipped);
}

/* ---- malformed expressions --------------------------------------------- */

#define OPERAND "(expected a number, a name or '(')"

static void test_error_empty(void)
{
	ASSERT_ERROR("", 1, "empty expression " OPERAND);
	ASSERT_ERROR("  \t ", 1, "empty expression " OPERAND);
}

static void test_error_unexpected_character(void)
{
	ASSERT_ERROR("2 # 3", 3,
		     "unexpected character '#' (expected a number, a name, "
		     "an operator or a parenthesis)");
	ASSERT_ERROR("x + \xc3\xa9", 5,
		     "unexpected byte 0xC3 (expected a number, a name, an "
		     "operator or a parenthesis)");
	ASSERT_ERROR("2 = 3", 3,
		     "unexpected character '=' (expected a number, a name, "
		     "an operator or a parenthesis)");
}

static void test_error_unknown_name(void)
{
	ASSERT_ERROR("2 * foo + x", 5,
		     "unknown name 'foo' (expected an input or a parameter)");
	/* Without a lookup every name is unknown. */
	expr_free(ex);
	ex = expr_compile("x", NULL, NULL, &err);
	ASSERT(!ex);
	ASSERT_INT_EQ(err.col, 1);
	ASSERT_STR_EQ(err.message,
		      "unknown name 'x' (expected an input or a parameter)");
}

static void test_error_long_name_cut(void)
{
	char text[300];
	memset(text, 'w', 200);
	text[200] = '\0';
	ASSERT(!compile(text));
	ASSERT_INT_EQ(err.col, 1);
	ASSERT(strlen(err.message) < sizeof err.message - 1);
	ASSERT_CONTAINS(err.message, "unknown name 'www");
}

static void test_error_unknown_function(void)
{
	ASSERT_ERROR("1 + foo(2)", 5,
		     "unknown function 'foo' (expected log, exp, sqrt, min "
		     "or max)");
	/* An input name followed by '(' is not a call either. */
	ASSERT_ERROR("x (2)", 1,
		     "unknown function 'x' (expected log, exp, sqrt, min or "
		     "max)");
}

static void test_error_argument_count(void)
{
	ASSERT_ERROR("min(x)", 1, "min takes 2 arguments, got 1");
	ASSERT_ERROR("2 * max(1, 2, 3)", 5, "max takes 2 arguments, got 3");
	ASSERT_ERROR("log(1, 2)", 1, "log takes 1 argument, got 2");
	ASSERT_ERROR("sqrt()", 1, "sqrt takes 1 argument, got 0");
}

static void test_error_missing_argument(void)
{
	ASSERT_ERROR("min(1, )", 8, "unexpected ')' " OPERAND);
	ASSERT_ERROR("min(, 1)", 5, "unexpected ',' " OPERAND);
}

static void test_error_missing_close(void)
{
	ASSERT_ERROR("(1 + 2", 7,
		     "missing ')' (expected one to close the '(' at column 1)");
	ASSERT_ERROR("x * ((1 + 2)", 13,
		     "missing ')' (expected one to close the '(' at column 5)");
	ASSERT_ERROR("min(1, 2", 9,
		     "missing ')' (expected one to close the '(' at column 4)");
	ASSERT_ERROR("(1 2)", 4,
		     "unexpected '2' (expected an operator or ')')");
	ASSERT_ERROR("min(1 2)", 7,
		     "unexpected '2' (expected an operator, ',' or ')')");
	ASSERT_ERROR("(1, 2)", 3,
		     "unexpected ',' (expected an operator or ')')");
}

static void test_error_unexpected_close(void)
{
	ASSERT_ERROR("1 + 2)", 6, "unmatched ')' (expected a '(' before it)");
	ASSERT_ERROR("(x))", 4, "unmatched ')' (expected a '(' before it)");
	ASSERT_ERROR(")", 1, "unexpected ')' " OPERAND);
	ASSERT_ERROR("2 * ()", 6, "unexpected ')' " OPERAND);
}

static void test_error_trailing_input(void)
{
	ASSERT_ERROR("2 3", 3,
		     "unexpected '3' after a complete expression (expected an "
		     "operator or the end)");
	ASSERT_ERROR("x y", 3,
		     "unexpected 'y' after a complete expression (expected an "
		     "operator or the end)");
	ASSERT_ERROR("(x) (y)", 5,
		     "unexpected '(' after a complete expression (expected an "
		     "operator or the end)");
	ASSERT_ERROR("1, 2", 2,
		     "unexpected ',' (expected commas only between function "
		     "arguments)");
}

static void test_error_missing_operand(void)
{
	ASSERT_ERROR("2 *", 3,
		     "'*' has no right operand (expected a number, a name or "
		     "'(' after it)");
	ASSERT_ERROR("* 2", 1,
		     "'*' has no left operand (expected a number, a name or "
		     "'(' before it)");
	ASSERT_ERROR("2 + (3 -)", 8,
		     "'-' has no right operand (expected a number, a name or "
		     "'(' after it)");
	ASSERT_ERROR("2 ^", 3,
		     "'^' has no right operand (expected a number, a name or "
		     "'(' after it)");
	ASSERT_ERROR("-", 1,
		     "'-' has no right operand (expected a number, a name or "
		     "'(' after it)");
	ASSERT_ERROR("2 ** 3", 4,
		     "'*' has no left operand (expected a number, a name or "
		     "'(' before it)");
	ASSERT_ERROR("min(/ 2, 1)", 5,
		     "'/' has no left operand (expected a number, a name or "
		     "'(' before it)");
}

static void test_error_function_without_paren(void)
{
	ASSERT_ERROR("2 * log", 5,
		     "function 'log' without arguments (expected '(' after "
		     "it)");
	ASSERT_ERROR("sqrt 4", 1,
		     "function 'sqrt' without arguments (expected '(' after "
		     "it)");
}

static void test_error_malformed_number(void)
{
	static const char *const bad[] = {"1e", "1e+",	"1.2.3", "2x",
					  ".",	"0x10", "1e5e"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[32], want[160];
		snprintf(text, sizeof text, "1 + %s * 2", bad[i]);
		snprintf(want, sizeof want,
			 "malformed number '%s' (expected digits with an "
			 "optional fraction and exponent, like 2.5e-3)",
			 bad[i]);
		ASSERT_ERROR(text, 5, want);
	}
}

static void test_error_number_out_of_range(void)
{
	ASSERT_ERROR("2 * 1e999", 5,
		     "number '1e999' out of range (expected a magnitude of at "
		     "most 1.79769e+308)");
	ASSERT_ERROR("1e-999", 1,
		     "number '1e-999' out of range (expected zero or a "
		     "magnitude of at least 4.94066e-324)");
	/* The largest double, a denormal and a zero with a big exponent are
	 * fine. */
	ASSERT_COMPILES("1.7976931348623157e308");
	ASSERT_COMPILES("4e-320");
	ASSERT(expr_eval(ex, in, par) > 0);
	ASSERT_COMPILES("0e999");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 0);
}

/* Text of n nested groups: open repeated n times, then inner, then close
 * repeated n times. */
static char *nested(const char *open, const char *inner, const char *close,
		    int n)
{
	size_t size =
		(strlen(open) + strlen(close)) * (size_t)n + strlen(inner) + 1;
	char *s = malloc(size);
	if (!s)
		abort();
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(s, open);
	strcat(s, inner);
	for (int i = 0; i < n; i++)
		strcat(s, close);
	return s;
}

static char *big;

static void free_big(void)
{
	free(big);
	big = NULL;
	reset();
}

static void test_error_nesting_parentheses(void)
{
	big = nested("(", "x", ")", EXPR_MAX_NESTING);
	ASSERT_COMPILES(big);
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2);
	free(big);
	big = nested("(", "x", ")", EXPR_MAX_NESTING + 1);
	ASSERT_ERROR(big, EXPR_MAX_NESTING + 1,
		     "nesting too deep (expected at most 64 levels of "
		     "parentheses, function calls and powers)");
}

static void test_error_nesting_calls(void)
{
	big = nested("sqrt(", "x", ")", EXPR_MAX_NESTING);
	ASSERT_COMPILES(big);
	free(big);
	big = nested("1 + sqrt(", "x", ")", EXPR_MAX_NESTING + 1);
	ASSERT_ERROR(big, 9 * EXPR_MAX_NESTING + 9,
		     "nesting too deep (expected at most 64 levels of "
		     "parentheses, function calls and powers)");
}

static void test_error_nesting_powers(void)
{
	par[6] = 1;
	big = nested("a^", "a", "", EXPR_MAX_NESTING);
	ASSERT_COMPILES(big);
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 1);
	free(big);
	big = nested("a^", "a", "", EXPR_MAX_NESTING + 1);
	ASSERT_ERROR(big, 2 * EXPR_MAX_NESTING + 2,
		     "nesting too deep (expected at most 64 levels of "
		     "parentheses, function calls and powers)");
}

/* Nesting is depth, not a count: many groups side by side are fine. */
static void test_nesting_side_by_side(void)
{
	big = malloc(EXPR_MAX_LENGTH + 1);
	ASSERT(big);
	big[0] = '\0';
	for (int i = 0; i < 4 * EXPR_MAX_NESTING; i++)
		strcat(big, i ? "+(x)^sqrt(1)" : "(x)^sqrt(1)");
	ASSERT(strlen(big) <= EXPR_MAX_LENGTH);
	ASSERT_COMPILES(big);
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2 * 4 * EXPR_MAX_NESTING);
}

/* The worst the stack gets: three values waiting per level (a partial sum,
 * a partial product, a first argument) at the deepest nesting. */
static void test_deepest_stack(void)
{
	big = nested("x + y * min(z, ", "-a", ")", EXPR_MAX_NESTING);
	par[6] = 0.5;
	in[0] = 0.25, in[1] = 1.25, in[2] = 1e9;
	ASSERT_COMPILES(big);
	double want = -0.5, dwant = -1;
	for (int i = 0; i < EXPR_MAX_NESTING; i++) {
		want = 0.25 + 1.25 * want;
		dwant *= 1.25;
	}
	double g[EXPR_MAX_PARAMS];
	ASSERT_DBL_EQ(expr_eval(ex, in, par), want);
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), want);
	ASSERT_DBL_EQ(g[0], dwant);
}

static void test_error_too_long(void)
{
	big = malloc(EXPR_MAX_LENGTH + 2);
	ASSERT(big);
	/* "x+x+...+x" of exactly the bound, then one character more. */
	for (size_t i = 0; i < EXPR_MAX_LENGTH; i++)
		big[i] = i % 2 ? '+' : 'x';
	big[EXPR_MAX_LENGTH - 1] = ' ';
	big[EXPR_MAX_LENGTH] = '\0';
	ASSERT_COMPILES(big);
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2 * EXPR_MAX_LENGTH / 2);
	big[EXPR_MAX_LENGTH] = ' ';
	big[EXPR_MAX_LENGTH + 1] = '\0';
	ASSERT_ERROR(big, EXPR_MAX_LENGTH + 1,
		     "expression too long (expected at most 4096 characters)");
}

static void test_error_too_many_params(void)
{
	char text[256] = "";
	for (int i = 0; i < EXPR_MAX_PARAMS; i++) {
		char term[16];
		snprintf(term, sizeof term, "%sp%d", i ? " + " : "", i);
		strcat(text, term);
	}
	strcat(text, " + p0 * p15"); /* a repeat is not another one */
	ASSERT_COMPILES(text);
	ASSERT_INT_EQ(expr_param_count(ex), EXPR_MAX_PARAMS);
	size_t col = strlen(text) + 4;
	strcat(text, " + p16");
	char want[192];
	snprintf(want, sizeof want,
		 "too many parameters at 'p16' (expected at most 16 distinct "
		 "parameters in one expression)");
	ASSERT_ERROR(text, col, want);
}

/* Everything at its bound at once: 4096 characters, 64 levels, 16
 * parameters; the value and the whole gradient come out right. */
static void test_everything_at_bounds(void)
{
	char *inner = malloc(EXPR_MAX_LENGTH + 1);
	ASSERT(inner);
	inner[0] = '\0';
	for (int i = 0; i < EXPR_MAX_PARAMS; i++) {
		char term[16];
		snprintf(term, sizeof term, "%sp%d*%d", i ? "+" : "", i, i + 1);
		strcat(inner, term);
		par[100 + i] = 1.0 / (i + 1);
	}
	big = nested("(", inner, ")", EXPR_MAX_NESTING);
	free(inner);
	size_t len = strlen(big);
	char *full = realloc(big, EXPR_MAX_LENGTH + 1);
	ASSERT(full);
	big = full;
	/* Pad with "+1" and spaces to exactly the bound. */
	unsigned ones = 0;
	while (len + 2 <= EXPR_MAX_LENGTH) {
		big[len++] = '+';
		big[len++] = '1';
		ones++;
	}
	while (len < EXPR_MAX_LENGTH)
		big[len++] = ' ';
	big[len] = '\0';
	ASSERT_COMPILES(big);
	ASSERT_INT_EQ(expr_param_count(ex), EXPR_MAX_PARAMS);
	double g[EXPR_MAX_PARAMS];
	ASSERT_DBL_EQ(expr_eval_grad(ex, in, par, g), EXPR_MAX_PARAMS + ones);
	for (int i = 0; i < EXPR_MAX_PARAMS; i++) {
		ASSERT_INT_EQ(expr_params(ex)[i], 100 + i);
		ASSERT_DBL_EQ(g[i], i + 1);
	}
}

/* An error leaves nothing allocated and a success after it is unaffected
 * (the sanitizer build checks the leaks). */
static void test_error_then_success(void)
{
	ASSERT(!compile("x * (a + b * (c + min(d, 2)) + )"));
	ASSERT_COMPILES("x * (a + b * (c + min(d, 2)))");
	ASSERT_DBL_EQ(expr_eval(ex, in, par), 2 * (0.5 + 1.5 * (2.5 + 2)));
}

/* ------------------------------------------------------------------------- */

#define RUN(fn) UNIT_RUN_WITH(fn, reset)

int main(void)
{
	reset();
	RUN(test_values);
	RUN(test_functions);
	RUN(test_domain_errors);
	RUN(test_constant_folding);
	RUN(test_lookup_inputs_and_params);
	RUN(test_param_order);
	RUN(test_uses_input);
	RUN(test_no_params);
	RUN(test_gradient_rules);
	RUN(test_gradient_negative_base);
	RUN(test_gradient_min_max);
	UNIT_RUN_WITH(test_generated_values, generated_cleanup);
	UNIT_RUN_WITH(test_generated_gradients, generated_cleanup);
	UNIT_RUN_WITH(test_generated_split, generated_cleanup);
	UNIT_RUN_WITH(test_generated_rows, generated_cleanup);
	UNIT_RUN_WITH(test_generated_products, generated_cleanup);
	RUN(test_product_forms);
	RUN(test_error_empty);
	RUN(test_error_unexpected_character);
	RUN(test_error_unknown_name);
	RUN(test_error_long_name_cut);
	RUN(test_error_unknown_function);
	RUN(test_error_argument_count);
	RUN(test_error_missing_argument);
	RUN(test_error_missing_close);
	RUN(test_error_unexpected_close);
	RUN(test_error_trailing_input);
	RUN(test_error_missing_operand);
	RUN(test_error_function_without_paren);
	RUN(test_error_malformed_number);
	RUN(test_error_number_out_of_range);
	UNIT_RUN_WITH(test_error_nesting_parentheses, free_big);
	UNIT_RUN_WITH(test_error_nesting_calls, free_big);
	UNIT_RUN_WITH(test_error_nesting_powers, free_big);
	UNIT_RUN_WITH(test_nesting_side_by_side, free_big);
	UNIT_RUN_WITH(test_deepest_stack, free_big);
	UNIT_RUN_WITH(test_error_too_long, free_big);
	RUN(test_error_too_many_params);
	UNIT_RUN_WITH(test_everything_at_bounds, free_big);
	RUN(test_error_then_success);
	reset();
	return unit_status();
}
