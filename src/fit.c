#include "fit.h"
#include "chol.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"

/* The least-squares problem as GSL sees it: residual rows are the runs'
 * log residuals, then one prior row per free parameter. Parameters held at
 * their default are not unknowns at all. */
struct problem {
	const struct model *m;
	const struct fit_data *d;
	size_t nfree;
	unsigned global[MODEL_MAX_PARAMS]; /* free slot -> parameter */
	double theta[MODEL_MAX_PARAMS];	   /* current values, all params */
	double log_default[MODEL_MAX_PARAMS];
	double weight; /* of the prior rows */
	/* Each term split into what depends on parameters and what does not;
	 * the latter computed once per run: width values per run, term t's
	 * from offset[t]. */
	struct expr_split split[MODEL_MAX_TERMS];
	size_t offset[MODEL_MAX_TERMS], width;
	double *fixed;
	/* Terms whose varying part is a product (expr_as_product) are
	 * evaluated without the interpreter: prod[t], the product of their
	 * inputs' powers per run (fprod, n per term, once per fit), and the
	 * earlier term whose exponential is the same (share[t], or -1), so
	 * that B^gamma is taken once per run for all the terms that have it. */
	bool is_prod[MODEL_MAX_TERMS];
	struct expr_product prod[MODEL_MAX_TERMS];
	int share[MODEL_MAX_TERMS];
	double *fprod;
	/* the inputs of each term of a product's sum, multiplied, per run
	 * (n values from linv + lin_off[t] + k * n), once per fit */
	double *linv;
	size_t lin_off[MODEL_MAX_TERMS];
	/* at the current theta: each product's constant times its parameter
	 * powers, and the coefficients of its sum */
	double K[MODEL_MAX_TERMS], a[MODEL_MAX_TERMS][EXPR_PRODUCT_MAX];
	/* The last residual evaluation's point and product terms' values (n
	 * per term): the solver asks for the Jacobian where it last evaluated
	 * the residuals, and those values are half of the work. */
	bool cached;
	double xcache[MODEL_MAX_PARAMS];
	double *tcache;
	double *pcache; /* and the predictions (n) */
	/* Scratch for a block of FIT_BLOCK runs: the terms are evaluated a
	 * block at a time (expr_eval_rows), predictions summed per run;
	 * dlog: d pred / d log(theta), FIT_BLOCK runs per parameter; ex:
	 * each product term's exponential. */
	double *pred, *term, *dlog, *tgrad, *ex;
	double *log_y; /* log of each run's measurement, taken once */
};

/* Runs per block of the row evaluators: enough to pay for a dispatch many
 * times over, few enough that the scratch stays in the cache. */
#define FIT_BLOCK 256
/* Runs per block where the scratch is on the stack (once per fit) */
#define FIT_SMALL_BLOCK 32

/* theta^pw, without pow() for the usual powers */
static double power(double theta, double pw)
{
	return pw == 1 ? theta : pw == -1 ? 1 / theta : pow(theta, pw);
}

/* The inputs of term k of q's sum, multiplied, in one run's values. */
static double lin_input(const struct expr_product *q, size_t k,
			const double *row)
{
	return (q->lin_in[k] >= 0 ? row[q->lin_in[k]] : 1) *
	       (q->lin_in2[k] >= 0 ? row[q->lin_in2[k]] : 1);
}

/* The loops over a block's runs: two runs at a time, a fixed count that
 * the compiler turns into one vector operation (at -O2 it vectorises only
 * such loops), then the odd one. Each computes what the plain loop does,
 * operation for operation. */

/* y += x */
static void add_rows(double *restrict y, const double *restrict x, size_t R)
{
	size_t r = 0;
	for (; r + 2 <= R; r += 2)
		for (size_t k = 0; k < 2; k++)
			y[r + k] += x[r + k];
	if (r < R)
		y[r] += x[r];
}

/* y += x * a */
static void add_scaled_rows(double *restrict y, const double *restrict x,
			    double a, size_t R)
{
	size_t r = 0;
	for (; r + 2 <= R; r += 2)
		for (size_t k = 0; k < 2; k++)
			y[r + k] += x[r + k] * a;
	if (r < R)
		y[r] += x[r] * a;
}

/* y += x * a * z */
static void add_scaled_prod_rows(double *restrict y, const double *restrict x,
				 double a, const double *restrict z, size_t R)
{
	size_t r = 0;
	for (; r + 2 <= R; r += 2)
		for (size_t k = 0; k < 2; k++)
			y[r + k] += x[r + k] * a * z[r + k];
	if (r < R)
		y[r] += x[r] * a * z[r];
}

/* y = a * x */
static void set_scaled_rows(double *restrict y, double a,
			    const double *restrict x, size_t R)
{
	size_t r = 0;
	for (; r + 2 <= R; r += 2)
		for (size_t k = 0; k < 2; k++)
			y[r + k] = a * x[r + k];
	if (r < R)
		y[r] = a * x[r];
}

/* y = a * x * z */
static void set_scaled_prod_rows(double *restrict y, double a,
				 const double *restrict x,
				 const double *restrict z, size_t R)
{
	size_t r = 0;
	for (; r + 2 <= R; r += 2)
		for (size_t k = 0; k < 2; k++)
			y[r + k] = a * x[r + k] * z[r + k];
	if (r < R)
		y[r] = a * x[r] * z[r];
}

/* Product term t over runs i0 .. i0+R-1 into out: its constant and
 * parameter powers times the product of its inputs' powers (computed once
 * per fit) times the exponential of its sum, this block's of which is kept
 * in P->ex for the terms that share it. */
static void product_block(const struct problem *P, size_t t, size_t i0,
			  size_t R, double *restrict out)
{
	const size_t nlin = P->prod[t].nlin, n = P->d->n;
	const double K = P->K[t];
	const double *restrict f = P->fprod + t * n + i0;
	if (!nlin) {
		set_scaled_rows(out, K, f, R);
		return;
	}
	const double *restrict ex;
	if (P->share[t] >= 0) {
		ex = P->ex + (size_t)P->share[t] * FIT_BLOCK;
	} else {
		double *restrict e = P->ex + t * FIT_BLOCK;
		const double *restrict l = P->linv + P->lin_off[t] + i0;
		set_scaled_rows(e, P->a[t][0], l, R);
		for (size_t k = 1; k < nlin; k++)
			add_scaled_rows(e, l + k * n, P->a[t][k], R);
		for (size_t r = 0; r < R; r++)
			e[r] = exp(e[r]);
		ex = e;
	}
	set_scaled_prod_rows(out, K, f, ex, R);
}

/* Adds product term t's d value / d log(theta) of each run (its values in
 * term) to P->dlog: the value times the parameter's power, plus, through
 * the exponential, the value times the sum's terms in that parameter. */
static void product_grad(const struct problem *P, size_t t, size_t i0, size_t R,
			 const double *restrict term)
{
	const struct expr_product *q = &P->prod[t];
	const size_t n = P->d->n;
	for (size_t j = 0; j < q->npar; j++)
		add_scaled_rows(P->dlog + q->par[j] * FIT_BLOCK, term,
				q->par_pow[j], R);
	for (size_t k = 0; k < q->nlin; k++) {
		if (q->lin_par[k] < 0)
			continue;
		add_scaled_prod_rows(
			P->dlog + (size_t)q->lin_par[k] * FIT_BLOCK, term,
			P->a[t][k], P->linv + P->lin_off[t] + k * n + i0, R);
	}
}

/* Predictions of runs i0 .. i0+R-1 into P->pred, summed term by term in
 * the order model_predict sums them. */
static void predict_block(const struct problem *P, size_t i0, size_t R)
{
	const double *rows = P->fixed + i0 * P->width;
	for (size_t i = 0; i < R; i++)
		P->pred[i] = 0;
	for (size_t t = 0; t < P->m->nterms; t++) {
		double *term = P->term;
		if (P->is_prod[t]) {
			term = P->tcache + t * P->d->n + i0;
			product_block(P, t, i0, R, term);
		} else {
			expr_eval_rows(P->split[t].varying, rows + P->offset[t],
				       P->width, R, P->theta, term);
		}
		add_rows(P->pred, term, R);
	}
}

static void unprepare(struct problem *P)
{
	for (size_t t = 0; t < P->m->nterms; t++)
		expr_split_free(&P->split[t]);
	free(P->fixed);
	free(P->fprod);
	free(P->linv);
	free(P->tcache);
	free(P->pcache);
	free(P->pred);
	free(P->log_y);
	P->fixed = P->fprod = P->linv = P->pred = P->log_y = NULL;
	P->tcache = P->pcache = NULL;
}

/* Resolves a term's names for the fit: a parameter held at its default is
 * a constant while the fit runs, so it reads as one more input (after the
 * run's own, at MODEL_NINPUTS + its index) and its part of the term moves
 * to what is computed once per run. */
struct held_names {
	const struct model *m;
	const bool *free;
};

static bool lookup_held(void *ctx, const char *name, size_t len,
			enum expr_symbol_kind *kind, unsigned *index)
{
	const struct held_names *h = ctx;
	for (unsigned i = 0; i < MODEL_NINPUTS; i++)
		if (strlen(model_input_names[i]) == len &&
		    strncmp(model_input_names[i], name, len) == 0) {
			*kind = EXPR_INPUT;
			*index = i;
			return true;
		}
	for (unsigned i = 0; i < h->m->nparams; i++)
		if (strlen(h->m->params[i].name) == len &&
		    strncmp(h->m->params[i].name, name, len) == 0) {
			*kind = h->free[i] ? EXPR_PARAM : EXPR_INPUT;
			*index = h->free[i] ? i : MODEL_NINPUTS + i;
			return true;
		}
	return false;
}

/* Term t split into its parameter-free part and the rest, with the held
 * parameters counted as parameter-free. */
static int split_term(struct problem *P, size_t t)
{
	bool free[MODEL_MAX_PARAMS] = {false};
	for (size_t j = 0; j < P->nfree; j++)
		free[P->global[j]] = true;
	struct held_names h = {P->m, free};
	struct expr_error err;
	struct expr *e = P->m->terms[t].text
				 ? expr_compile(P->m->terms[t].text,
						lookup_held, &h, &err)
				 : NULL;
	/* the model compiled this text already; without memory it may not */
	int rc = e ? expr_split(e, &P->split[t]) : -1;
	expr_free(e);
	return rc;
}

/* Product term t's constant times its parameter powers, and its sum's
 * coefficients, at P->theta. */
static void product_constants(struct problem *P, size_t t)
{
	const struct expr_product *q = &P->prod[t];
	const double *th = P->theta;
	double K = q->coef;
	for (size_t j = 0; j < q->npar; j++)
		K *= power(th[q->par[j]], q->par_pow[j]);
	P->K[t] = K;
	for (size_t k = 0; k < q->nlin; k++)
		P->a[t][k] = q->lin_coef[k] *
			     (q->lin_par[k] >= 0 ? th[q->lin_par[k]] : 1);
}

/* Whether product term t gives, at P->theta, what its code gives for every
 * run: regrouping a product moves powers from the whole onto its factors,
 * and (x y)^0.5 with x and y negative is a number where x^0.5 y^0.5 is
 * not. The parameters are positive, so the inputs decide, and one theta
 * is enough to tell. */
static bool product_agrees(struct problem *P, size_t t)
{
	const struct expr_product *q = &P->prod[t];
	size_t n = P->d->n;
	product_constants(P, t);
	for (size_t i0 = 0; i0 < n; i0 += FIT_BLOCK) {
		size_t R = n - i0 < FIT_BLOCK ? n - i0 : FIT_BLOCK;
		/* the code's values, by the row evaluator (the same, to the
		 * bit, as expr_eval) */
		expr_eval_rows(P->split[t].varying,
			       P->fixed + i0 * P->width + P->offset[t],
			       P->width, R, P->theta, P->term);
		for (size_t r = 0; r < R; r++) {
			size_t i = i0 + r;
			double sum = 0;
			for (size_t k = 0; k < q->nlin; k++)
				sum += P->a[t][k] *
				       P->linv[P->lin_off[t] + k * n + i];
			double v = P->K[t] * P->fprod[t * n + i] * exp(sum);
			double want = P->term[r];
			if (isfinite(want)
				    ? !(fabs(v - want) <= 1e-9 * fabs(want))
				    : isfinite(v))
				return false;
		}
	}
	return true;
}

/* Whether value k of term t and value l of term u are the same for every
 * run (bit for bit). */
static bool same_column(const struct problem *P, size_t t, int k, size_t u,
			int l)
{
	if (k < 0 || l < 0)
		return k == l;
	const double *a = P->fixed + P->offset[t] + (size_t)k,
		     *b = P->fixed + P->offset[u] + (size_t)l;
	for (size_t i = 0; i < P->d->n; i++)
		if (memcmp(a + i * P->width, b + i * P->width, sizeof *a))
			return false;
	return true;
}

/* Whether product terms t and u have the same exponential. */
static bool same_sum(const struct problem *P, size_t t, size_t u)
{
	const struct expr_product *a = &P->prod[t], *b = &P->prod[u];
	if (a->nlin != b->nlin)
		return false;
	for (size_t k = 0; k < a->nlin; k++)
		if (a->lin_par[k] != b->lin_par[k] ||
		    a->lin_coef[k] != b->lin_coef[k] ||
		    !same_column(P, t, a->lin_in[k], u, b->lin_in[k]) ||
		    !same_column(P, t, a->lin_in2[k], u, b->lin_in2[k]))
			return false;
	return true;
}

/* Finds the product terms (those that agree with their code on these
 * runs), computes the product of their inputs' powers for every run, and
 * which earlier term's exponential each can share.
 * Returns 0, or -1 when out of memory. */
static int prepare_products(struct problem *P)
{
	size_t n = P->d->n, nlin = 0;
	for (size_t t = 0; t < P->m->nterms; t++) {
		int rc = expr_as_product(P->split[t].varying, &P->prod[t]);
		if (rc < 0)
			return -1;
		P->is_prod[t] = rc == 1;
		P->share[t] = -1;
		if (!P->is_prod[t])
			continue;
		const struct expr_product *q = &P->prod[t];
		P->lin_off[t] = nlin * n;
		nlin += q->nlin;
		double *more = realloc(P->linv, (nlin * n + 1) * sizeof *more);
		if (!more)
			return -1;
		P->linv = more;
		for (size_t i = 0; i < n; i++) {
			const double *row =
				P->fixed + i * P->width + P->offset[t];
			double f = 1;
			for (size_t j = 0; j < q->nin; j++)
				f *= power(row[q->in[j]], q->in_pow[j]);
			P->fprod[t * n + i] = f;
			for (size_t k = 0; k < q->nlin; k++)
				P->linv[P->lin_off[t] + k * n + i] =
					lin_input(q, k, row);
		}
		if (!(P->is_prod[t] = product_agrees(P, t)))
			continue;
		for (size_t u = 0; q->nlin && u < t && P->share[t] < 0; u++)
			if (P->is_prod[u] && P->share[u] < 0 &&
			    same_sum(P, t, u))
				P->share[t] = (int)u;
	}
	return 0;
}

/* Splits the terms and computes their parameter-free parts for every run,
 * once, so that the many evaluations of a fit do only the rest. */
static int prepare(struct problem *P)
{
	const struct model *m = P->m;
	P->width = 0;
	for (size_t t = 0; t < m->nterms; t++) {
		if (split_term(P, t) != 0)
			return -1;
		P->offset[t] = P->width;
		P->width += P->split[t].nfixed;
	}
	size_t n = P->d->n;
	/* one block for the scratch: pred, term, dlog, tgrad, ex */
	P->pred = malloc(FIT_BLOCK *
			 (2 + m->nparams + EXPR_MAX_PARAMS + m->nterms) *
			 sizeof *P->pred);
	P->log_y = malloc((n + 1) * sizeof *P->log_y);
	if (!P->pred || !P->log_y ||
	    !(P->fixed = malloc((n * P->width + 1) * sizeof *P->fixed)) ||
	    !(P->fprod = malloc((n * m->nterms + 1) * sizeof *P->fprod)) ||
	    !(P->tcache = malloc((n * m->nterms + 1) * sizeof *P->tcache)) ||
	    !(P->pcache = malloc((n + 1) * sizeof *P->pcache)))
		return -1;
	for (size_t i = 0; i < n; i++)
		P->log_y[i] = log(P->d->y[i]);
	P->term = P->pred + FIT_BLOCK;
	P->dlog = P->term + FIT_BLOCK;
	P->tgrad = P->dlog + FIT_BLOCK * m->nparams;
	P->ex = P->tgrad + FIT_BLOCK * EXPR_MAX_PARAMS;
	/* a run's inputs, then every parameter's default */
	double in[MODEL_NINPUTS + MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		in[MODEL_NINPUTS + j] = m->params[j].def;
	for (size_t i = 0; i < n; i++) {
		memcpy(in, P->d->inputs + i * MODEL_NINPUTS,
		       MODEL_NINPUTS * sizeof *in);
		double *row = P->fixed + i * P->width;
		for (size_t t = 0; t < m->nterms; t++)
			for (size_t f = 0; f < P->split[t].nfixed; f++)
				row[P->offset[t] + f] = expr_eval(
					P->split[t].fixed[f], in, NULL);
	}
	return prepare_products(P);
}

/* theta from x, and what the product terms take from it. */
static void set_theta(struct problem *P, const double *x)
{
	for (size_t j = 0; j < P->nfree; j++)
		P->theta[P->global[j]] = exp(x[j]);
	for (size_t t = 0; t < P->m->nterms; t++)
		if (P->is_prod[t])
			product_constants(P, t);
}

static bool usable(double pred)
{
	return pred > 0 && isfinite(pred);
}

/* The residuals at x into f: the runs' log residuals, then one prior row
 * per free parameter. */
static void residuals(struct problem *P, const double *x, double *f)
{
	const struct fit_data *d = P->d;
	set_theta(P, x);
	for (size_t i0 = 0; i0 < d->n; i0 += FIT_BLOCK) {
		size_t R = d->n - i0 < FIT_BLOCK ? d->n - i0 : FIT_BLOCK;
		predict_block(P, i0, R);
		const double *log_y = P->log_y + i0;
		double *out = f + i0;
		memcpy(P->pcache + i0, P->pred, R * sizeof *P->pred);
		for (size_t i = 0; i < R; i++) {
			double pred = P->pred[i];
			out[i] = usable(pred) ? log(pred) - log_y[i]
					      : FIT_BAD_RESIDUAL;
		}
	}
	for (size_t j = 0; j < P->nfree; j++)
		f[d->n + j] = P->weight * (x[j] - P->log_default[P->global[j]]);
	memcpy(P->xcache, x, P->nfree * sizeof *x);
	P->cached = true;
}

/* Whether x is the point of the last residual evaluation, bit for bit. */
static bool at_cached(const struct problem *P, const double *x)
{
	return P->cached && memcmp(x, P->xcache, P->nfree * sizeof *x) == 0;
}

/* Predictions and d pred / d log(theta) (P->dlog, nparams per run) of
 * runs i0 .. i0+R-1, summed term by term as model_predict sums them; with
 * cached, the product terms' values and the predictions are the last
 * residual evaluation's (at the same point: the same values). */
static void predict_grad_block(const struct problem *P, size_t i0, size_t R,
			       bool cached)
{
	const double *rows = P->fixed + i0 * P->width;
	if (cached)
		memcpy(P->pred, P->pcache + i0, R * sizeof *P->pred);
	else
		for (size_t i = 0; i < R; i++)
			P->pred[i] = 0;
	for (size_t j = 0; j < P->nfree; j++)
		memset(P->dlog + P->global[j] * FIT_BLOCK, 0,
		       R * sizeof *P->dlog);
	for (size_t t = 0; t < P->m->nterms; t++) {
		if (P->is_prod[t]) {
			const double *term = P->tcache + t * P->d->n + i0;
			if (!cached) {
				product_block(P, t, i0, R, P->term);
				term = P->term;
			}
			product_grad(P, t, i0, R, term);
			if (!cached)
				add_rows(P->pred, term, R);
			continue;
		}
		const struct expr *e = P->split[t].varying;
		size_t k = expr_param_count(e);
		const unsigned *idx = expr_params(e);
		expr_eval_grad_rows(e, rows + P->offset[t], P->width, R,
				    P->theta, P->term, P->tgrad);
		for (size_t i = 0; i < R; i++) {
			if (!cached)
				P->pred[i] += P->term[i];
			for (size_t s = 0; s < k; s++)
				P->dlog[idx[s] * FIT_BLOCK + i] +=
					P->theta[idx[s]] * P->tgrad[i * k + s];
		}
	}
}

/* The runs' rows of the Jacobian of log(pred) with respect to log(theta)
 * at x into J (n rows of nfree, row-major, row i at J + i * stride):
 * (d pred / d log(theta_j)) / pred. The prior rows are constant and not
 * written. */
static void jacobian(struct problem *P, const double *x, double *J,
		     size_t stride)
{
	const struct fit_data *d = P->d;
	const size_t p = P->nfree;
	/* at the last residual evaluation's point, theta and the product
	 * terms' constants are set already */
	bool cached = at_cached(P, x);
	if (!cached)
		set_theta(P, x);
	/* each free parameter's d pred / d log(theta) in P->dlog */
	const double *col[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < p; j++)
		col[j] = P->dlog + P->global[j] * FIT_BLOCK;
	for (size_t i0 = 0; i0 < d->n; i0 += FIT_BLOCK) {
		size_t R = d->n - i0 < FIT_BLOCK ? d->n - i0 : FIT_BLOCK;
		predict_grad_block(P, i0, R, cached);
		for (size_t i = 0; i < R; i++) {
			double pred = P->pred[i];
			double *row = J + (i0 + i) * stride;
			/* one division per run, not per element, unless the
			 * reciprocal overflows; a run without a usable
			 * prediction has a zero row whatever its derivatives */
			double inv = 1 / pred;
			if (!usable(pred))
				memset(row, 0, p * sizeof *row);
			else if (isfinite(inv))
				for (size_t j = 0; j < p; j++)
					row[j] = col[j][i] * inv;
			else
				for (size_t j = 0; j < p; j++)
					row[j] = col[j][i] / pred;
		}
	}
}

/* Which parameters the runs can inform: those whose Jacobian column, at
 * the defaults, is not (numerically) zero. */
static size_t find_informed(const struct model *m, const struct fit_data *d,
			    bool *informed)
{
	const size_t np = m->nparams;
	double theta[MODEL_MAX_PARAMS];
	double colmax[MODEL_MAX_PARAMS] = {0}, largest = 0;
	/* a block of runs at a time through the row evaluator, which gives
	 * what expr_eval_grad gives, to the bit; predictions and d pred / d
	 * theta summed term by term as model_predict sums them */
	double value[FIT_SMALL_BLOCK], pred[FIT_SMALL_BLOCK];
	double grad[FIT_SMALL_BLOCK * EXPR_MAX_PARAMS];
	double dpred[FIT_SMALL_BLOCK * MODEL_MAX_PARAMS];
	for (size_t j = 0; j < np; j++)
		theta[j] = m->params[j].def;
	for (size_t i0 = 0; i0 < d->n; i0 += FIT_SMALL_BLOCK) {
		size_t R = d->n - i0 < FIT_SMALL_BLOCK ? d->n - i0
						       : FIT_SMALL_BLOCK;
		memset(pred, 0, R * sizeof *pred);
		memset(dpred, 0, R * np * sizeof *dpred);
		for (size_t t = 0; t < m->nterms; t++) {
			const struct expr *e = m->terms[t].expr;
			const size_t k = expr_param_count(e);
			const unsigned *idx = expr_params(e);
			expr_eval_grad_rows(e, d->inputs + i0 * MODEL_NINPUTS,
					    MODEL_NINPUTS, R, theta, value,
					    grad);
			for (size_t r = 0; r < R; r++) {
				pred[r] += value[r];
				for (size_t s = 0; s < k; s++)
					dpred[r * np + idx[s]] +=
						grad[r * k + s];
			}
		}
		for (size_t r = 0; r < R; r++) {
			if (!usable(pred[r]))
				continue;
			for (size_t j = 0; j < np; j++) {
				double v = fabs(theta[j] * dpred[r * np + j] /
						pred[r]);
				if (isfinite(v) && v > colmax[j])
					colmax[j] = v;
			}
		}
	}
	for (size_t j = 0; j < np; j++)
		largest = fmax(largest, colmax[j]);
	size_t count = 0;
	for (size_t j = 0; j < np; j++) {
		informed[j] = largest > 0 &&
			      colmax[j] > FIT_UNINFORMED_RATIO * largest;
		count += informed[j];
	}
	return count;
}

/* Start s: the defaults (s = 0), all defaults times the spread, all divided
 * by it, then alternating. Deterministic, so a fit is reproducible. */
static void start_point(const struct problem *P, int s, double *x)
{
	double spread = log(FIT_START_SPREAD);
	for (size_t j = 0; j < P->nfree; j++) {
		double shift = s == 0	? 0
			       : s == 1 ? spread
			       : s == 2 ? -spread
					: (j % 2 ? spread : -spread);
		if (s > 3)
			shift = ((j * 7 + (size_t)s) % 3 - 1.0) * spread;
		x[j] = P->log_default[P->global[j]] + shift;
	}
}

static const char *stop_reason(int status, int info)
{
	if (status == GSL_EMAXITER)
		return "iteration limit";
	if (status == GSL_ENOPROG)
		return "no further progress";
	if (status != GSL_SUCCESS)
		return gsl_strerror(status);
	return info == 1   ? "small step"
	       : info == 2 ? "small gradient"
			   : "small change in cost";
}

/* Condition number of the data rows of J (the prior rows would hide a
 * badly determined problem). */
static double condition_number(const gsl_matrix *J, size_t n, size_t p)
{
	if (n < p || p == 0)
		return NAN;
	gsl_matrix *A = gsl_matrix_alloc(n, p);
	gsl_matrix *V = gsl_matrix_alloc(p, p);
	gsl_vector *S = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
	double cond = NAN;
	if (A && V && S && work) {
		gsl_matrix_const_view rows =
			gsl_matrix_const_submatrix(J, 0, 0, n, p);
		gsl_matrix_memcpy(A, &rows.matrix);
		if (gsl_linalg_SV_decomp(A, V, S, work) == GSL_SUCCESS) {
			double smin = gsl_vector_get(S, p - 1);
			cond = smin > 0 ? gsl_vector_get(S, 0) / smin
					: INFINITY;
		}
	}
	gsl_matrix_free(A);
	gsl_matrix_free(V);
	gsl_vector_free(S);
	gsl_vector_free(work);
	return cond;
}

int fit_result_init(struct fit_result *r, size_t nparams)
{
	memset(r, 0, sizeof *r);
	r->nparams = nparams;
	r->message = "";
	/* one block: the doubles first, so that each part is aligned */
	size_t n = nparams ? nparams : 1;
	char *block = malloc(n * (2 * sizeof(double) + sizeof(bool)));
	if (!block)
		return -1;
	r->value = (double *)(void *)block;
	r->stderr_ = r->value + n;
	r->informed = (bool *)(void *)(r->stderr_ + n);
	for (size_t j = 0; j < n; j++) {
		r->value[j] = r->stderr_[j] = NAN;
		r->informed[j] = false;
	}
	return 0;
}

void fit_result_free(struct fit_result *r)
{
	free(r->value); /* the block */
	free(r->cov);
	free(r->own_message);
	memset(r, 0, sizeof *r);
	r->message = "";
}

static void set_message(struct fit_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_message(struct fit_result *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(r->own_message);
	r->own_message = strdup(buf);
	r->message = r->own_message ? r->own_message : "out of memory";
}

static void goodness(const struct problem *P, struct fit_result *out)
{
	const struct fit_data *d = P->d;
	const double *log_y = P->log_y;
	double mean = 0, ss_tot = 0, ss_res = 0, ape = 0;
	for (size_t i = 0; i < d->n; i++)
		mean += log_y[i] / (double)d->n;
	/* the predictions as model_predict gives them (the row evaluator
	 * is expr_eval to the bit, summed in the same order) */
	double value[FIT_SMALL_BLOCK], pred[FIT_SMALL_BLOCK];
	for (size_t i0 = 0; i0 < d->n; i0 += FIT_SMALL_BLOCK) {
		size_t R = d->n - i0 < FIT_SMALL_BLOCK ? d->n - i0
						       : FIT_SMALL_BLOCK;
		memset(pred, 0, R * sizeof *pred);
		for (size_t t = 0; t < P->m->nterms; t++) {
			expr_eval_rows(P->m->terms[t].expr,
				       d->inputs + i0 * MODEL_NINPUTS,
				       MODEL_NINPUTS, R, P->theta, value);
			for (size_t r = 0; r < R; r++)
				pred[r] += value[r];
		}
		for (size_t r = 0; r < R; r++) {
			size_t i = i0 + r;
			double res = usable(pred[r]) ? log(pred[r]) - log_y[i]
						     : FIT_BAD_RESIDUAL;
			ss_res += res * res;
			ss_tot += (log_y[i] - mean) * (log_y[i] - mean);
			ape += fabs(pred[r] - d->y[i]) / d->y[i];
		}
	}
	/* When every run measures the same (up to rounding: the logs differ
	 * by less than 1e-9), R2 is undefined, not a huge negative number
	 * made of rounding error. */
	out->r2 = ss_tot / (double)d->n > 1e-18 ? 1 - ss_res / ss_tot : NAN;
	out->mape = ape / (double)d->n;
}

/* Standard errors from (J'J)^-1 scaled by the reduced chi-square of the
 * data rows; log-space errors become value * error (delta method). J is
 * the whole Jacobian at the optimum (runs' rows and prior rows), f the
 * residuals there. */
static void uncertainty(const struct problem *P, double *J, size_t stride,
			const double *f, struct fit_result *out)
{
	size_t n = P->d->n, p = P->nfree, np = P->m->nparams;
	gsl_matrix_view Jv =
		gsl_matrix_view_array_with_tda(J, n + p, p, stride);
	double chi2 = 0;
	for (size_t i = 0; i < n; i++)
		chi2 += f[i] * f[i];
	double scale = n > p ? chi2 / (double)(n - p) : NAN;
	out->cond = condition_number(&Jv.matrix, n, p);
	gsl_matrix *cov = gsl_matrix_alloc(p, p);
	if (cov &&
	    gsl_multifit_nlinear_covar(&Jv.matrix, 0.0, cov) != GSL_SUCCESS) {
		gsl_matrix_free(cov);
		cov = NULL;
	}
	/* without memory for it, no covariance and no standard errors */
	out->cov = calloc(np ? np * np : 1, sizeof *out->cov);
	if (!out->cov) {
		gsl_matrix_free(cov);
		cov = NULL;
	}
	for (size_t j = 0; j < np; j++)
		out->stderr_[j] = NAN;
	for (size_t a = 0; cov && a < p; a++) {
		unsigned ga = P->global[a];
		for (size_t b = 0; b < p; b++)
			out->cov[ga * np + P->global[b]] =
				gsl_matrix_get(cov, a, b) * scale;
		out->stderr_[ga] =
			out->value[ga] * sqrt(out->cov[ga * np + ga]);
	}
	gsl_matrix_free(cov);
}

static enum fit_status setup(const struct model *m, const struct fit_data *d,
			     struct problem *P, struct fit_result *out)
{
	memset(P, 0, sizeof *P);
	P->m = m;
	P->d = d;
	P->weight = m->prior_weight;
	if (fit_result_init(out, m->nparams) != 0) {
		out->message = "out of memory";
		return FIT_NO_MEMORY;
	}
	out->runs = d->n;
	out->informed_count = find_informed(m, d, out->informed);
	for (size_t j = 0; j < m->nparams; j++) {
		P->theta[j] = out->value[j] = m->params[j].def;
		P->log_default[j] = log(m->params[j].def);
		if (out->informed[j])
			P->global[P->nfree++] = (unsigned)j;
	}
	if (d->n < out->informed_count || out->informed_count == 0) {
		set_message(out,
			    "%zu runs cannot fit %zu informed parameters of %s "
			    "(expected at least as many runs as parameters)",
			    d->n, out->informed_count, m->name);
		return FIT_TOO_FEW_RUNS;
	}
	if (prepare(P) != 0) {
		unprepare(P);
		out->message = "out of memory";
		return FIT_NO_MEMORY;
	}
	return FIT_OK;
}

/* One start's Levenberg-Marquardt iteration: step for step what GSL's
 * multifit_nlinear trust-region driver did with trs_lm, scale_levenberg
 * (D = I), Nielsen's update of the damping mu and the Cholesky solver,
 * with the same stopping tests, but on the normal equations built
 * directly: J'J from the runs' rows (the prior rows add weight^2 to its
 * diagonal), g = J'f once per point, and the predicted reduction from J'J
 * rather than from J times the step. GSL's general machinery (its
 * workspace, the reference CBLAS on the whole (n + p) x p Jacobian three
 * times per step) was half of a 50-run fit's instructions. */
struct lm {
	size_t n, p, rows; /* runs, free parameters, n + p */
	size_t ps;	   /* p rounded up to even: the rows' stride */
	/* residuals at x and at the trial point (rows each), the Jacobian
	 * at x (rows x p, row-major, rows ps apart, the padding zero; the
	 * prior rows, weight on the diagonal, written once) */
	double *f, *ft, *J;
	double *block; /* the memory of all three */
	double x[MODEL_MAX_PARAMS], xt[MODEL_MAX_PARAMS];
	double dx[MODEL_MAX_PARAMS]; /* the last step computed */
	double g[MODEL_MAX_PARAMS];  /* J'f at x */
	/* J'J at x (lower triangle, p x p, rows ps apart) and the Cholesky
	 * factor of J'J + mu I (p x p) */
	double JTJ[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	double L[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	double normf, mu;
	long nu;
};

/* Nielsen's initial damping, as GSL: 1e-3 times the largest squared
 * column norm of J. */
#define LM_MU0 1e-3
/* rejected steps in a row before an iteration gives up (GSL's 15) */
#define LM_MAX_REJECTED 15

static int lm_alloc(struct lm *S, const struct problem *P)
{
	S->n = P->d->n;
	S->p = P->nfree;
	S->rows = S->n + S->p;
	S->ps = S->p + S->p % 2;
	S->block = S->f = calloc(2 * S->rows + S->rows * S->ps, sizeof *S->f);
	if (!S->f)
		return -1;
	S->ft = S->f + S->rows;
	S->J = S->ft + S->rows;
	double *prior = S->J + S->n * S->ps;
	for (size_t j = 0; j < S->p; j++)
		prior[j * S->ps + j] = P->weight;
	return 0;
}

static double norm2(const double *v, size_t len)
{
	double s = 0;
	for (size_t i = 0; i < len; i++)
		s += v[i] * v[i];
	return s;
}

/* Adds rows r .. r + 3 of J (and their residuals) to J'J and g: four
 * rows at a time, and two columns (a fixed count: the compiler makes one
 * vector operation of them), so that each element of J'J is loaded and
 * stored once for eight products. The pair that straddles the diagonal
 * writes one element above it, which nothing reads; the rows' padding
 * (ps) keeps it inside the row. */
static void lm_normal4(double *restrict A, double *restrict g,
		       const double *restrict r0, const double *restrict f,
		       size_t p, size_t ps)
{
	const double *restrict r1 = r0 + ps, *restrict r2 = r1 + ps,
			       *restrict r3 = r2 + ps;
	for (size_t a = 0; a < p; a++) {
		const double a0 = r0[a], a1 = r1[a], a2 = r2[a], a3 = r3[a];
		double *restrict Aa = A + a * ps;
		for (size_t b = 0; b <= a; b += 2)
			for (size_t k = 0; k < 2; k++)
				Aa[b + k] += a0 * r0[b + k] + a1 * r1[b + k] +
					     a2 * r2[b + k] + a3 * r3[b + k];
		g[a] += a0 * f[0] + a1 * f[1] + a2 * f[2] + a3 * f[3];
	}
}

/* J'J (lower triangle) and g = J'f at the current point: the runs' rows,
 * then the prior rows (weight^2 on the diagonal of J'J). */
static void lm_normal(struct lm *S, double weight)
{
	const size_t p = S->p, ps = S->ps;
	double *restrict A = S->JTJ;
	memset(A, 0, p * ps * sizeof *A);
	memset(S->g, 0, p * sizeof *S->g);
	size_t i = 0;
	for (; i + 4 <= S->n; i += 4)
		lm_normal4(A, S->g, S->J + i * ps, S->f + i, p, ps);
	for (; i < S->n; i++) {
		const double *restrict row = S->J + i * ps;
		const double fi = S->f[i];
		for (size_t a = 0; a < p; a++) {
			const double ra = row[a];
			double *restrict Aa = A + a * ps;
			for (size_t b = 0; b <= a; b++)
				Aa[b] += ra * row[b];
			S->g[a] += ra * fi;
		}
	}
	for (size_t a = 0; a < p; a++) {
		A[a * ps + a] += weight * weight;
		S->g[a] += weight * S->f[S->n + a];
	}
}

/* L L' = J'J + mu I. Returns 0, or -1 when it is not positive definite
 * (not a number in J, say). */
static int lm_factor(struct lm *S)
{
	const size_t p = S->p, ps = S->ps;
	const double *A = S->JTJ;
	double *L = S->L;
	for (size_t j = 0; j < p; j++) {
		double s = A[j * ps + j] + S->mu;
		for (size_t k = 0; k < j; k++)
			s -= L[j * p + k] * L[j * p + k];
		if (!(s > 0))
			return -1;
		double d = sqrt(s);
		L[j * p + j] = d;
		for (size_t i = j + 1; i < p; i++) {
			double t = A[i * ps + j];
			for (size_t k = 0; k < j; k++)
				t -= L[i * p + k] * L[j * p + k];
			L[i * p + j] = t / d;
		}
	}
	return 0;
}

/* dx = -(J'J + mu I)^-1 g, from the factor. */
static void lm_solve(struct lm *S)
{
	/* the step for g, negated: negation is exact, so this is the
	 * substitution for -g to the bit */
	chol_solve(S->L, S->p, S->g, S->dx);
	for (size_t i = 0; i < S->p; i++)
		S->dx[i] = -S->dx[i];
}

/* ||J dx||^2 as dx' J'J dx. */
static double lm_jnorm2(const struct lm *S)
{
	const size_t p = S->p, ps = S->ps;
	const double *A = S->JTJ, *v = S->dx;
	double s = 0;
	for (size_t a = 0; a < p; a++) {
		double off = 0;
		for (size_t b = 0; b < a; b++)
			off += A[a * ps + b] * v[b];
		s += v[a] * (A[a * ps + a] * v[a] + 2 * off);
	}
	return s;
}

/* Starts at x0: residuals, Jacobian, normal equations and the initial
 * damping (gsl_multifit_nlinear_init). */
static void lm_init(struct problem *P, struct lm *S, const double *x0)
{
	memcpy(S->x, x0, S->p * sizeof *x0);
	memset(S->dx, 0, S->p * sizeof *S->dx);
	residuals(P, S->x, S->f);
	jacobian(P, S->x, S->J, S->ps);
	S->normf = sqrt(norm2(S->f, S->rows));
	lm_normal(S, P->weight);
	double largest = 0;
	for (size_t j = 0; j < S->p; j++)
		largest = fmax(largest, S->JTJ[j * S->ps + j]);
	S->mu = LM_MU0 * largest;
	S->nu = 2;
}

/* The ratio of the actual reduction of ||f|| squared to the one the
 * linear model predicts for the step S->dx, whose residuals are in
 * S->ft, or -1 when the step does not reduce it (GSL's
 * trust_calc_rho with lm_preduction). */
static double lm_rho(const struct lm *S)
{
	double normft = sqrt(norm2(S->ft, S->rows));
	if (!(normft < S->normf))
		return -1;
	double u = normft / S->normf;
	double actual = 1 - u * u;
	double nf2 = S->normf * S->normf;
	double pred = lm_jnorm2(S) / nf2 + 2 * S->mu * norm2(S->dx, S->p) / nf2;
	return pred > 0 ? actual / pred : -1;
}

/* One iteration (gsl_multifit_nlinear_iterate): steps of growing damping
 * until one reduces the cost, which is taken. Returns GSL_SUCCESS, or
 * GSL_ENOPROG after LM_MAX_REJECTED + 1 rejected steps in a row. */
static int lm_iterate(struct problem *P, struct lm *S)
{
	for (int bad = 0;;) {
		double rho = -1;
		if (lm_factor(S) == 0) {
			lm_solve(S);
			for (size_t j = 0; j < S->p; j++)
				S->xt[j] = S->x[j] + S->dx[j];
			residuals(P, S->xt, S->ft);
			rho = lm_rho(S);
		}
		if (rho > 0) {
			double *f = S->f;
			S->f = S->ft;
			S->ft = f;
			memcpy(S->x, S->xt, S->p * sizeof *S->x);
			S->normf = sqrt(norm2(S->f, S->rows));
			jacobian(P, S->x, S->J, S->ps);
			lm_normal(S, P->weight);
			/* Nielsen: less damping after a good step */
			double b = 2 * rho - 1;
			b = 1 - b * b * b;
			S->mu *= fmax(0.333333333333333, b);
			S->nu = 2;
			return GSL_SUCCESS;
		}
		S->mu *= (double)S->nu;
		S->nu <<= 1;
		if (++bad > LM_MAX_REJECTED)
			return GSL_ENOPROG;
	}
}

/* GSL's stopping tests (gsl_multifit_nlinear_test): a small step
 * (info 1) or a small gradient (info 2). */
static int lm_test(const struct lm *S, int *info)
{
	*info = 0;
	size_t j = 0;
	while (j < S->p &&
	       fabs(S->dx[j]) < FIT_XTOL * fabs(S->x[j]) + FIT_XTOL * FIT_XTOL)
		j++;
	if (j == S->p) {
		*info = 1;
		return GSL_SUCCESS;
	}
	double gnorm = 0;
	for (j = 0; j < S->p; j++)
		gnorm = fmax(gnorm, fabs(fmax(S->x[j], 1.0) * S->g[j]));
	double phi = 0.5 * S->normf * S->normf;
	if (gnorm <= FIT_GTOL * fmax(phi, 1.0)) {
		*info = 2;
		return GSL_SUCCESS;
	}
	return GSL_CONTINUE;
}

/* The end points of the starts run to convergence so far, p values each,
 * and their costs. */
struct basins {
	size_t count, p;
	double x[FIT_STARTS * MODEL_MAX_PARAMS], cost[FIT_STARTS];
};

/* Whether the solver's point has joined a basin already found: within
 * FIT_BASIN_RADIUS of its end point in every parameter, at no lower cost.
 * Run on from there, it ends at that end point. */
static bool joins_known(const struct basins *b, const struct lm *S)
{
	double cost = -1;
	for (size_t k = 0; k < b->count; k++) {
		const double *e = b->x + k * b->p;
		size_t j = 0;
		while (j < b->p && fabs(S->x[j] - e[j]) < FIT_BASIN_RADIUS)
			j++;
		if (j < b->p)
			continue;
		if (cost < 0)
			cost = 0.5 * norm2(S->f, S->rows);
		if (cost >= b->cost[k])
			return true;
	}
	return false;
}

/* Runs the solver from x for at most max_iter iterations, as
 * gsl_multifit_nlinear_driver did, except that it stops early (*joined)
 * once the point joins a basin in known; the end point stays in S.
 * Returns 0, or -1 when the cost there is not finite. */
static int run_solver(struct problem *P, struct lm *S, const double *x,
		      int max_iter, const struct basins *known, bool *joined,
		      int *status, int *info, int *iterations, double *cost)
{
	lm_init(P, S, x);
	int iter = 0, st;
	*joined = false;
	do {
		st = lm_iterate(P, S);
		/* no step at all from the start: more iterations will not
		 * find one (the driver's rule) */
		if (st == GSL_ENOPROG && iter == 0) {
			*info = st;
			st = GSL_EMAXITER;
			break;
		}
		iter++;
		st = lm_test(S, info);
		if (st == GSL_CONTINUE && joins_known(known, S)) {
			*joined = true;
			break;
		}
	} while (st == GSL_CONTINUE && iter < max_iter);
	if (!*joined && iter >= max_iter && st != GSL_SUCCESS)
		st = GSL_EMAXITER;
	*status = st;
	/* the driver counted the iteration that gave up at once too */
	*iterations = st == GSL_EMAXITER && iter == 0 ? 1 : iter;
	*cost = 0.5 * norm2(S->f, S->rows);
	return isfinite(*cost) ? 0 : -1;
}

enum fit_status fit_model(const struct model *m, const struct fit_data *d,
			  struct fit_result *out)
{
	gsl_set_error_handler_off();
	struct problem P;
	enum fit_status status = setup(m, d, &P, out);
	if (status != FIT_OK)
		return status;
	size_t p = P.nfree;
	/* the solver's state: large (two p x p matrices), so not on the
	 * stack of callers that fit in loops */
	struct lm *S = malloc(sizeof *S);
	if (!S || lm_alloc(S, &P) != 0) {
		free(S);
		S = NULL;
		status = FIT_NO_MEMORY;
		goto done;
	}
	double x[MODEL_MAX_PARAMS], best[MODEL_MAX_PARAMS];
	/* Every start is run until it converges or joins the basin of an end
	 * point already found, and the lowest end point is kept. Scouting
	 * each start for a few iterations and polishing only the most
	 * promising one was cheaper, but the start that leads fastest is not
	 * always the one that ends lowest: on the v2 H100 group, once its
	 * image runs had vision inputs, it ended 0.35% above the optimum
	 * another start reaches (tests/scipy-crosscheck.sh). A start that
	 * joins a known basin would end where that basin's first start
	 * ended: what it saves is the slow last iterations of every start
	 * but one. */
	struct basins known = {.count = 0, .p = p};
	double best_cost = INFINITY;
	/* whether S still holds the residuals and Jacobian at best, as
	 * uncertainty() needs them (the best start was the last one run),
	 * or they must be computed again */
	bool at_best = false;
	for (int s = 0; s < FIT_STARTS; s++) {
		start_point(&P, s, x);
		double cost;
		int info = 0, st, iterations;
		bool joined;
		at_best = false;
		if (run_solver(&P, S, x, FIT_MAX_ITERATIONS, &known, &joined,
			       &st, &info, &iterations, &cost) != 0 ||
		    joined)
			continue;
		memcpy(known.x + known.count * p, S->x, p * sizeof(double));
		known.cost[known.count++] = cost;
		if (!(cost < best_cost))
			continue;
		best_cost = cost;
		memcpy(best, S->x, p * sizeof(double));
		at_best = true;
		out->start = s;
		out->iterations = iterations;
		out->stop = stop_reason(st, info);
	}
	if (!isfinite(best_cost)) {
		set_message(out,
			    "the solver found no finite solution for %s from "
			    "any start",
			    m->name);
		status = FIT_FAILED;
		goto done;
	}
	if (!at_best)
		lm_init(&P, S, best);
	set_theta(&P, best);
	for (size_t j = 0; j < m->nparams; j++)
		out->value[j] = P.theta[j];
	out->cost = best_cost;
	goodness(&P, out);
	uncertainty(&P, S->J, S->ps, S->f, out);
done:
	if (S)
		free(S->block);
	free(S);
	unprepare(&P);
	return status;
}

static enum fit_status fit_rows(const struct model *m,
				const struct dataset_rows *rows,
				struct fit_result *out)
{
	struct fit_data d = {rows->n, rows->inputs, rows->y};
	return fit_model(m, &d, out);
}

void fit_group(const struct model *energy, const struct model *latency,
	       const struct dataset_group *g, struct fit_group *out)
{
	out->energy_status = fit_rows(energy, &g->energy, &out->energy);
	if (g->latency.n) {
		out->latency_status =
			fit_rows(latency, &g->latency, &out->latency);
	} else {
		/* nothing to hold: most groups of single runs have no
		 * latency, and each result costs memory */
		memset(&out->latency, 0, sizeof out->latency);
		out->latency.nparams = latency->nparams;
		out->latency.message = "no run has a measured latency";
		out->latency_status = FIT_TOO_FEW_RUNS;
	}
	out->share = NULL;
	if (out->energy_status != FIT_OK || g->energy.n == 0)
		return;
	if (!(out->share = calloc(energy->nterms ? energy->nterms : 1,
				  sizeof *out->share))) {
		out->energy_status = FIT_NO_MEMORY;
		out->energy.message = "out of memory";
		return;
	}
	double terms[MODEL_MAX_TERMS];
	for (size_t i = 0; i < g->energy.n; i++) {
		double pred = model_predict(
			energy, g->energy.inputs + i * MODEL_NINPUTS,
			out->energy.value, terms);
		for (size_t t = 0; pred > 0 && t < energy->nterms; t++)
			out->share[t] += terms[t] / pred / (double)g->energy.n;
	}
}

void fit_group_free(struct fit_group *g)
{
	fit_result_free(&g->energy);
	fit_result_free(&g->latency);
	free(g->share);
	g->share = NULL;
}
