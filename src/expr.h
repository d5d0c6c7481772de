/* The expression language of model terms: numbers, names, + - * / ^,
 * parentheses, unary minus, log exp sqrt min max. An expression is parsed
 * once into a flat instruction array and evaluated with forward-mode dual
 * numbers, so every evaluation also yields the exact gradient with respect
 * to the parameters it uses: the Jacobian the fit needs, for free. */
#ifndef ENERGYLENS_EXPR_H
#define ENERGYLENS_EXPR_H

#include <stdbool.h>
#include <stddef.h>

/* At most this many distinct parameters in one expression. */
#define EXPR_MAX_PARAMS 16
/* At most this many bytes of text, and this many levels of parentheses,
 * function calls and powers (each '^' opens one for its exponent). */
#define EXPR_MAX_LENGTH	 4096
#define EXPR_MAX_NESTING 64

enum expr_symbol_kind { EXPR_INPUT, EXPR_PARAM };

/* Resolves a name (not NUL-terminated) to an input or parameter index;
 * returns false for an unknown name. */
typedef bool (*expr_lookup_fn)(void *ctx, const char *name, size_t len,
			       enum expr_symbol_kind *kind, unsigned *index);

struct expr_error {
	unsigned col; /* 1-based column in the expression text */
	char message[192];
};

struct expr;

/* Returns NULL and fills err (never NULL) on a malformed expression or when
 * out of memory. */
struct expr *expr_compile(const char *text, expr_lookup_fn lookup, void *ctx,
			  struct expr_error *err);
void expr_free(struct expr *e);

/* The global indices of the parameters the expression uses, in the order of
 * the gradient expr_eval_grad fills. */
size_t expr_param_count(const struct expr *e);
const unsigned *expr_params(const struct expr *e);
/* Whether the expression reads input index i. */
bool expr_uses_input(const struct expr *e, unsigned i);

double expr_eval(const struct expr *e, const double *inputs,
		 const double *params);
/* grad receives d(value)/d(params[expr_params(e)[j]]) for each j. */
double expr_eval_grad(const struct expr *e, const double *inputs,
		      const double *params, double *grad);

/* The same over n rows of inputs, row i at inputs + i * stride: out[i]
 * (value[i]) and grad[i * expr_param_count(e) + j] are what expr_eval
 * (expr_eval_grad) gives for row i, to the bit, at a fraction of the
 * cost per row. */
void expr_eval_rows(const struct expr *e, const double *inputs, size_t stride,
		    size_t n, const double *params, double *out);
void expr_eval_grad_rows(const struct expr *e, const double *inputs,
			 size_t stride, size_t n, const double *params,
			 double *value, double *grad);

/* For evaluating one expression many times on the same inputs (a fit): the
 * parts that depend on no parameter are computed once per set of inputs,
 * and a shorter program over those values does the rest. Products and sums
 * are regrouped so that their parameter-free factors form one value, and a
 * power of a parameter-free base becomes exp(exponent * log(base)) with the
 * log computed once. Results agree with the whole expression up to
 * rounding. */
struct expr_split {
	struct expr *varying; /* its inputs are the fixed values below */
	struct expr **fixed;  /* fixed[i] computes value i from the inputs */
	size_t nfixed;
};

/* Returns 0, or -1 when out of memory. */
int expr_split(const struct expr *e, struct expr_split *out);
void expr_split_free(struct expr_split *s);

/* An expression that is a product of powers and one exponential of a sum,
 *   coef * prod_i inputs[in[i]]^in_pow[i] * prod_j params[par[j]]^par_pow[j]
 *        * exp(sum_k lin_coef[k] * P_k * I_k * I2_k),
 * P_k = params[lin_par[k]] (1 when lin_par[k] < 0), I_k and I2_k likewise
 * of lin_in[k] and lin_in2[k] (as a split term's varying part is: B^gamma
 * has become exp(gamma * log B)). Its value and the derivative with respect to a
 * parameter's log, par_pow[j] plus the sum's terms in that parameter, take
 * a few operations per row, where the row evaluators interpret the code. */
#define EXPR_PRODUCT_MAX 8
struct expr_product {
	double coef;
	size_t nin, npar, nlin;
	unsigned in[EXPR_PRODUCT_MAX], par[EXPR_PRODUCT_MAX];
	double in_pow[EXPR_PRODUCT_MAX], par_pow[EXPR_PRODUCT_MAX];
	int lin_par[EXPR_PRODUCT_MAX], lin_in[EXPR_PRODUCT_MAX],
		lin_in2[EXPR_PRODUCT_MAX];
	double lin_coef[EXPR_PRODUCT_MAX];
};

/* Returns 1 and fills out when e has that form (each input and parameter
 * at most once in in[] and par[]), 0 when it has not, -1 when out of
 * memory. */
int expr_as_product(const struct expr *e, struct expr_product *out);

#endif
