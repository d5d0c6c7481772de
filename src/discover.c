#include "discover.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "defaults.h"
#include "eval.h"

/* ---- non-negative least squares ------------------------------------------ */

/* Room for an NNLS of m coefficients. */
struct nnls_work {
	double *A, *b, *z;
	size_t *idx;
	bool *passive, *barred;
};

/* Solves G_PP z = h_P for the passive set P (w->idx, np entries) by
 * Cholesky. A ridge of 1e-10 of the largest diagonal keeps columns that
 * the runs cannot tell apart from stopping the solve; it moves no answer
 * the runs can see. Returns 0, or -1 when GSL refuses. */
static int solve_passive(const double *G, const double *h, size_t m, size_t np,
			 struct nnls_work *w)
{
	const size_t *idx = w->idx;
	double ridge = 0;
	for (size_t a = 0; a < np; a++)
		ridge = fmax(ridge, G[idx[a] * m + idx[a]]);
	ridge = ridge * 1e-10 + 1e-300;
	for (size_t a = 0; a < np; a++) {
		for (size_t c = 0; c < np; c++)
			w->A[a * np + c] = G[idx[a] * m + idx[c]];
		w->A[a * np + a] += ridge;
		w->b[a] = h[idx[a]];
	}
	gsl_matrix_view Av = gsl_matrix_view_array(w->A, np, np);
	gsl_vector_view bv = gsl_vector_view_array(w->b, np);
	gsl_vector_view zv = gsl_vector_view_array(w->z, np);
	if (gsl_linalg_cholesky_decomp1(&Av.matrix) != GSL_SUCCESS)
		return -1;
	return gsl_linalg_cholesky_solve(&Av.matrix, &bv.vector, &zv.vector) ==
			       GSL_SUCCESS
		       ? 0
		       : -1;
}

/* The coefficient held at zero whose gradient most wants it to rise, or m
 * when none does (beyond rounding). */
static size_t entering(const double *G, const double *h, size_t m,
		       const double *x, const struct nnls_work *w, double tol)
{
	size_t enter = m;
	double best = tol;
	for (size_t j = 0; j < m; j++) {
		if (w->passive[j] || w->barred[j])
			continue;
		double g = h[j];
		for (size_t k = 0; k < m; k++)
			g -= G[j * m + k] * x[k];
		if (g > best) {
			best = g;
			enter = j;
		}
	}
	return enter;
}

/* Lawson and Hanson's inner loop after coefficient enter became passive:
 * solve on the passive set, and step back toward the feasible region
 * while some coefficient would go negative. */
static void nnls_inner(const double *G, const double *h, size_t m, double *x,
		       struct nnls_work *w, size_t enter)
{
	for (size_t inner = 0; inner < 3 * m; inner++) {
		size_t np = 0;
		for (size_t j = 0; j < m; j++)
			if (w->passive[j])
				w->idx[np++] = j;
		if (solve_passive(G, h, m, np, w) != 0)
			break;
		double alpha = INFINITY, *z = w->z;
		bool ok = true;
		for (size_t a = 0; a < np; a++) {
			ok &= z[a] > 0;
			size_t j = w->idx[a];
			if (z[a] <= 0 && x[j] - z[a] > 0)
				alpha = fmin(alpha, x[j] / (x[j] - z[a]));
		}
		if (ok) {
			for (size_t a = 0; a < np; a++)
				x[w->idx[a]] = z[a];
			return;
		}
		if (alpha == INFINITY)
			break; /* rounding: the one that entered cannot rise */
		/* step toward z until a coefficient reaches zero; that one
		 * (and any other at zero) leaves */
		for (size_t a = 0; a < np; a++) {
			size_t j = w->idx[a];
			double old = x[j];
			x[j] = old + alpha * (z[a] - old);
			if (z[a] <= 0 &&
			    (old <= 0 ||
			     old / (old - z[a]) <= alpha * (1 + 1e-12))) {
				x[j] = 0;
				w->passive[j] = false;
			}
		}
	}
	/* the solve failed or went nowhere: keep that one out this time */
	w->passive[enter] = false;
	w->barred[enter] = true;
	x[enter] = 0;
}

/* A warm start: the unconstrained solution on the passive set start, when
 * it is positive throughout (else x = 0 and nothing passive). */
static void warm_start(const double *G, const double *h, size_t m, double *x,
		       struct nnls_work *w, const bool *start)
{
	size_t np = 0;
	for (size_t j = 0; j < m; j++) {
		x[j] = 0;
		w->barred[j] = false;
		w->passive[j] = start && start[j];
		if (w->passive[j])
			w->idx[np++] = j;
	}
	if (!np)
		return;
	bool ok = solve_passive(G, h, m, np, w) == 0;
	for (size_t a = 0; a < np && ok; a++)
		ok = w->z[a] > 0;
	for (size_t a = 0; a < np; a++)
		x[w->idx[a]] = ok ? w->z[a] : 0;
	for (size_t j = 0; j < m && !ok; j++)
		w->passive[j] = false;
}

/* From the passive set start (NULL: none), which the outer loop then
 * grows until no coefficient at zero wants to rise: the same optimum as
 * from nothing (up to rounding), in fewer solves when start is the
 * support of a neighbouring problem's solution. */
static int nnls(const double *G, const double *h, size_t m, double *x,
		struct nnls_work *w, const bool *start)
{
	double scale = 0;
	for (size_t j = 0; j < m; j++)
		scale = fmax(scale, fabs(h[j]));
	warm_start(G, h, m, x, w, start);
	double tol = 1e-12 * (scale > 0 ? scale : 1);
	for (size_t outer = 0; outer < 3 * m; outer++) {
		size_t enter = entering(G, h, m, x, w, tol);
		if (enter == m)
			break;
		w->passive[enter] = true;
		nnls_inner(G, h, m, x, w, enter);
	}
	return 0;
}

int discover_nnls(const double *G, const double *h, size_t m, double *x)
{
	if (m == 0)
		return -1;
	struct nnls_work w = {
		malloc(m * m * sizeof *w.A),   malloc(m * sizeof *w.b),
		malloc(m * sizeof *w.z),       malloc(m * sizeof *w.idx),
		malloc(m * sizeof *w.passive), malloc(m * sizeof *w.barred)};
	int status = -1;
	if (w.A && w.b && w.z && w.idx && w.passive && w.barred)
		status = nnls(G, h, m, x, &w, NULL);
	free(w.A);
	free(w.b);
	free(w.z);
	free(w.idx);
	free(w.passive);
	free(w.barred);
	return status;
}

/* An NNLS of at most DISCOVER_MAX_PARAMS coefficients, on the stack: the
 * search's inner loop. */
static void small_nnls(const double *G, const double *h, size_t m, double *x,
		       const bool *start)
{
	enum { M = DISCOVER_MAX_PARAMS };
	double A[M * M], b[M], z[M];
	size_t idx[M];
	bool passive[M], barred[M];
	struct nnls_work w = {A, b, z, idx, passive, barred};
	nnls(G, h, m, x, &w, start);
}

/* ---- the grammar -----------------------------------------------------------
 */

/* A term's size: what one unit of it moves or computes. */
struct size_word {
	const char *expr, *name;
	enum model_kind kind; /* when no parallel factor says otherwise */
};

static const struct size_word sizes[] = {
	{"2 * Na", "compute", KIND_COMPUTE},
	{"Weff", "weights", KIND_MEMORY},
	{"KVr", "KV reads", KIND_MEMORY},
	{"Lh", "activations", KIND_COMPUTE},
	{"L", "layers", KIND_IDLE},
	{"Weff / (t * p)", "stage time", KIND_IDLE},
	{NULL, "constant", KIND_IDLE},
};

/* A parallel factor, and the kind it gives a term. */
struct par_word {
	const char *expr, *name;
	int kind; /* -1: the size's kind */
};

static const struct par_word pars[] = {
	{NULL, NULL, -1},
	{"(t - 1) / t", "(t-1)/t", KIND_TP},
	{"log(t) / log(2)", "log2 t", KIND_TP},
	{"x", "x", KIND_PP},
	{"(p - 1)", "p-1", KIND_PP},
	{"min(p, B)", "min(p,B)", KIND_PP},
};

struct shape {
	char name[64];
	char expr[160];
	enum model_phase phase;
	enum model_kind kind;
	bool amortised; /* decode: may be divided by B^gamma */
	int factors;	/* beside its scale: a size, n, a parallel factor */
	struct expr *e;
};

/* A column of the search: a shape, and its exponent (-1: none). */
struct column {
	size_t shape;
	int gamma;
};

static bool input_lookup(void *ctx, const char *name, size_t len,
			 enum expr_symbol_kind *kind, unsigned *index)
{
	(void)ctx;
	for (unsigned i = 0; i < MODEL_NINPUTS; i++)
		if (strlen(model_input_names[i]) == len &&
		    strncmp(model_input_names[i], name, len) == 0) {
			*kind = EXPR_INPUT;
			*index = i;
			return true;
		}
	return false;
}

static void join(char *buf, size_t len, const char *part)
{
	if (!part)
		return;
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s", used ? " * " : "", part);
}

/* Adds one shape (compiled) unless its phase or kind is not wanted.
 * Returns 0, or -1 when out of memory. */
static int add_shape(struct shape *out, size_t *n,
		     const struct discover_options *o, enum model_phase phase,
		     const char *scale, size_t s, bool gpus, size_t p,
		     const char *name, int kind_of)
{
	enum model_kind kind = pars[p].kind >= 0 ? (enum model_kind)pars[p].kind
						 : sizes[s].kind;
	if (p == 5 && sizes[s].kind == KIND_MEMORY)
		kind = KIND_MEMORY; /* micro-batches re-read weights or cache */
	if (kind_of >= 0)
		kind = (enum model_kind)kind_of;
	if (!(o->phases & (1u << phase)) || !(o->kinds & (1u << kind)))
		return 0;
	struct shape *sh = &out[*n];
	memset(sh, 0, sizeof *sh);
	join(sh->expr, sizeof sh->expr, scale);
	join(sh->expr, sizeof sh->expr, sizes[s].expr);
	join(sh->expr, sizeof sh->expr, gpus ? "n" : NULL);
	join(sh->expr, sizeof sh->expr, pars[p].expr);
	snprintf(sh->name, sizeof sh->name, "%s %s%s%s%s",
		 phase == PHASE_PREFILL	 ? "prefill"
		 : phase == PHASE_DECODE ? "decode"
					 : "static",
		 sizes[s].name, gpus ? " on n GPUs" : "",
		 pars[p].name ? " x " : "", pars[p].name ? pars[p].name : "");
	if (name)
		snprintf(sh->name, sizeof sh->name, "%s", name);
	sh->phase = phase;
	sh->kind = kind;
	sh->amortised = phase == PHASE_DECODE;
	sh->factors = (sizes[s].expr != NULL) + gpus + (pars[p].expr != NULL);
	struct expr_error err;
	if (!(sh->e = expr_compile(sh->expr, input_lookup, NULL, &err)))
		return -1;
	(*n)++;
	return 0;
}

/* Shapes outside the size-by-factor product: vision tokens beyond the
 * prompt (the encoder's own tokens Ve; the image tokens V through the
 * layers and on n GPUs; their KV cache, which kv_read's context I + O/2
 * leaves out, read on every decode step), a per-request cost that no
 * token count scales (n GPUs held per request, weights loaded), the KV
 * reads beyond the weights, max(KVr - Weff, 0) per decode step (a step
 * whose cache outweighs its weights is bound by the cache: the signed
 * difference a genetic-programming peer writes as KVr - Weff, which
 * non-negative coefficients on KVr and Weff apart cannot express, kept
 * non-negative as every term here is), a mixture of experts' routing
 * and dispatch, 2*Na*k per decode step (zero for dense models), and its
 * quantised expert kernels, n*L*k per decode step when the weights are
 * quantised: block-quantised (FP8, MXFP4) expert GEMMs at decode are
 * bound by their launches and tiles, not their bytes (vLLM pull request
 * 46642 on block-FP8 fused MoE at low batch; FP8 MoE decode measured
 * slower than BF16 in sglang-omni issue 760), so they spend GPU time on
 * every layer, for each expert a token routes to, on every GPU, the same
 * at 8 bits as at 4. min(max(16/bits - 1, 0), 1) says "quantised" without
 * a comparison the expression language lacks: 1 at 8 bits and below, 0
 * at 16 and above. Dense models get nothing: their FP8 GEMMs gain from
 * their bytes (1.6 to 1.9 times a 16-bit GEMM at one token, pytorch/ao
 * pull request 1763), and the dense FP8 models here are not predicted
 * low. Without it the FP8 mixtures of experts of ML.ENERGY v3 were
 * predicted 20 to 30 % low (docs/performance.md). */
struct extra_word {
	enum model_phase phase;
	const char *expr, *name;
	enum model_kind kind;
	int factors;
};

static const struct extra_word extras[] = {
	{PHASE_PREFILL, "Ve", "vision encoder tokens", KIND_COMPUTE, 1},
	{PHASE_PREFILL, "Ve * n", "vision encoder tokens on n GPUs", KIND_IDLE,
	 2},
	{PHASE_PREFILL, "V * n", "vision tokens on n GPUs", KIND_IDLE, 2},
	{PHASE_PREFILL, "V * Lh", "vision tokens' activations", KIND_COMPUTE,
	 2},
	{PHASE_DECODE, "O * V * kv * L", "decode vision KV reads", KIND_MEMORY,
	 3},
	{PHASE_DECODE, "O * V * L * n", "decode vision layers on n GPUs",
	 KIND_IDLE, 3},
	{PHASE_DECODE, "O * KVr * sqrt(B)", "decode KV reads, batch contention",
	 KIND_MEMORY, 3},
	{PHASE_STATIC, "2 * Na * sqrt(B)", "per request compute, batch",
	 KIND_COMPUTE, 2},
	{PHASE_STATIC, "2 * Na * min(p, B) * sqrt(B)",
	 "per request compute x min(p,B), batch", KIND_PP, 3},
	{PHASE_DECODE, "O * max(KVr - Weff, 0)",
	 "decode KV reads beyond the weights", KIND_MEMORY, 3},
	{PHASE_DECODE, "O * 2 * Na * k", "decode expert routing", KIND_COMPUTE,
	 3},
	{PHASE_DECODE, "O * n * L * k * min(max(16 / bits - 1, 0), 1)",
	 "decode quantised expert kernels on n GPUs", KIND_IDLE, 4},
	{PHASE_STATIC, "n", "per request on n GPUs", KIND_IDLE, 1},
	{PHASE_STATIC, "Weff * t", "per request weights", KIND_MEMORY, 2},
};

enum { NEXTRAS = sizeof extras / sizeof *extras };

/* Adds the extra shapes the options allow. Returns -1 when out of memory. */
static int add_extras(const struct discover_options *o, struct shape *out,
		      size_t *n)
{
	for (size_t i = 0; i < NEXTRAS; i++) {
		const struct extra_word *x = &extras[i];
		if (!(o->phases & (1u << x->phase)) ||
		    !(o->kinds & (1u << x->kind)))
			continue;
		struct shape *sh = &out[*n];
		memset(sh, 0, sizeof *sh);
		snprintf(sh->expr, sizeof sh->expr, "%s", x->expr);
		snprintf(sh->name, sizeof sh->name, "%s", x->name);
		sh->phase = x->phase;
		sh->kind = x->kind;
		sh->amortised = x->phase != PHASE_PREFILL;
		sh->factors = x->factors;
		struct expr_error err;
		if (!(sh->e = expr_compile(sh->expr, input_lookup, NULL, &err)))
			return -1;
		(*n)++;
	}
	return 0;
}

enum { MAX_SHAPES = 2 * 7 * 2 * 6 + 2 + NEXTRAS };

/* Every shape of the grammar: prefill terms scale with I, decode terms
 * with O (per step, so they may be amortised over the batch), the vision
 * encoder with V, and static power with O on n GPUs. */
static int make_shapes(const struct discover_options *o, struct shape *out,
		       size_t *n)
{
	*n = 0;
	if (add_shape(out, n, o, PHASE_STATIC, "O", 6, true, 0,
		      "static power on n GPUs", -1) != 0)
		return -1;
	for (int ph = 0; ph < 2; ph++)
		for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
			for (int g = 0; g < 2; g++)
				for (size_t p = 0;
				     p < sizeof pars / sizeof *pars; p++) {
					if (ph == 1 && s == 6 && g && !p)
						continue; /* the static term */
					if (add_shape(out, n, o,
						      ph ? PHASE_DECODE
							 : PHASE_PREFILL,
						      ph ? "O" : "I", s, g, p,
						      NULL, -1) != 0)
						return -1;
				}
	if (add_shape(out, n, o, PHASE_PREFILL, "V", 6, false, 0,
		      "vision encoder", KIND_COMPUTE) != 0)
		return -1;
	return add_extras(o, out, n);
}

/* ---- the data as the search sees it ---------------------------------------
 */

/* Scenarios of one choice in one group: scenario s has candidates
 * cstart[s]..cstart[s+1], candidate c the rows rows[rstart[c]..
 * rstart[c+1]] (replicates), measured energy energy[c] (their mean). */
struct choice {
	size_t nscen, ncand;
	size_t *cstart, *rstart, *rows;
	double *energy;
};

struct group {
	size_t n;
	const double *y;
	double *a;     /* ncols x n: feature / y / scale, by column */
	double *scale; /* per column: RMS of feature / y, 0 when all zero */
	unsigned *fold;
	/* per fold, the Gram matrix of every column pair (packed lower
	 * triangle) and the column sums over that fold's runs, so that a
	 * candidate's normal equations are gathered rather than summed over
	 * the runs; NULL where that would take too much memory */
	double *fold_gram, *fold_sum;
	struct choice layout, config;
};

struct memo_slot {
	uint64_t key;
	double loss;
};

/* One scoring thread's scratch: a group's held-out predictions and one
 * scenario's scores and energies. Each thread has its own, so the threads
 * share nothing they write. */
struct scratch {
	double *pred, *score, *energy;
};

struct search {
	const struct discover_options *o;
	struct shape shapes[MAX_SHAPES];
	size_t nshapes;
	struct column *cols;
	size_t ncols;
	struct group *g;
	size_t ngroups, runs;
	struct scratch w[DISCOVER_MAX_THREADS]; /* one per scoring thread */
	size_t threads;
	struct memo_slot *memo;
	size_t memo_cap, memo_used;
	/* the front: best form per parameter count */
	struct cand {
		size_t m;
		uint16_t col[DISCOVER_MAX_PARAMS];
	} best[DISCOVER_MAX_PARAMS + 1];
	double best_loss[DISCOVER_MAX_PARAMS + 1];
	/* the candidates of one step of grow or polish, and their losses */
	struct cand *batch;
	double *batch_loss;
	unsigned long long evals;
	uint64_t rng;
	double t0;
	enum discover_stop stopped;
	bool stop;
	size_t improved; /* front improvements, to know when it converged */
	size_t rounds;	 /* rounds of polishing and restarts finished */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64, as eval draws: the same on every machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static bool near(double a, double b)
{
	return a == b || fabs(a - b) <= SELECT_MEASURED_TOLERANCE *
						fmax(fabs(a), fabs(b));
}

static bool same_layout(const struct profile_run *a,
			const struct profile_run *b)
{
	return a->tp == b->tp && a->pp == b->pp && a->dp == b->dp;
}

/* Groups rows into scenarios and candidates as eval does: by layout within
 * (workload, batch, input, output) for the layout choice, by (layout,
 * batch) within a workload for the configuration choice. */
static int build_choice(const struct profile_set *set,
			const struct dataset_rows *r, bool config,
			struct choice *c)
{
	size_t n = r->n;
	bool *done = calloc(n + 1, sizeof *done);
	size_t *cand_of = malloc((n + 1) * sizeof *cand_of);
	c->cstart = malloc((n + 2) * sizeof *c->cstart);
	c->rstart = malloc((n + 2) * sizeof *c->rstart);
	c->rows = malloc((n + 1) * sizeof *c->rows);
	c->energy = malloc((n + 1) * sizeof *c->energy);
	size_t *members = malloc((n + 1) * sizeof *members);
	size_t *rep = malloc((n + 1) * sizeof *rep); /* a row per candidate */
	int status = -1;
	if (!done || !cand_of || !c->cstart || !c->rstart || !c->rows ||
	    !c->energy || !members || !rep)
		goto out;
	c->nscen = c->ncand = 0;
	size_t nrows = 0;
	for (size_t a = 0; a < n; a++) {
		if (done[a])
			continue;
		const struct profile_run *ra = &set->runs[r->run[a]];
		size_t nm = 0;
		for (size_t b = a; b < n; b++) {
			const struct profile_run *rb = &set->runs[r->run[b]];
			if (done[b] || rb->workload != ra->workload)
				continue;
			if (!config &&
			    (rb->batch_size != ra->batch_size ||
			     !near(rb->input_tokens, ra->input_tokens) ||
			     !near(rb->output_tokens, ra->output_tokens)))
				continue;
			done[b] = true;
			members[nm++] = b;
		}
		/* candidates of this scenario, replicates together */
		c->cstart[c->nscen] = c->ncand;
		for (size_t i = 0; i < nm; i++) {
			const struct profile_run *ri =
				&set->runs[r->run[members[i]]];
			size_t k = c->cstart[c->nscen];
			for (; k < c->ncand; k++) {
				const struct profile_run *rk =
					&set->runs[r->run[rep[k]]];
				if (same_layout(ri, rk) &&
				    (!config ||
				     ri->batch_size == rk->batch_size))
					break;
			}
			cand_of[i] = k;
			if (k == c->ncand)
				rep[c->ncand++] = members[i];
		}
		for (size_t k = c->cstart[c->nscen]; k < c->ncand; k++) {
			c->rstart[k] = nrows;
			double sum = 0;
			size_t cnt = 0;
			for (size_t i = 0; i < nm; i++)
				if (cand_of[i] == k) {
					c->rows[nrows++] = members[i];
					sum += r->y[members[i]];
					cnt++;
				}
			c->energy[k] = sum / (double)cnt;
		}
		c->nscen++;
	}
	c->cstart[c->nscen] = c->ncand;
	c->rstart[c->ncand] = nrows;
	status = 0;
out:
	free(done);
	free(cand_of);
	free(members);
	free(rep);
	return status;
}

static void choice_free(struct choice *c)
{
	free(c->cstart);
	free(c->rstart);
	free(c->rows);
	free(c->energy);
}

/* Top-1 alone, as eval_score_scenario counts it (ties share credit):
 * the search's inner loop skips the pairs of the configuration choice,
 * whose scenarios are large. */
static void top1_only(const double *score, const double *energy, size_t n,
		      struct eval_tally *t)
{
	double smin = INFINITY, emin = INFINITY;
	for (size_t i = 0; i < n; i++) {
		smin = fmin(smin, score[i]);
		emin = fmin(emin, energy[i]);
	}
	size_t chosen = 0;
	double credit = 0, regret = 0;
	for (size_t i = 0; i < n; i++)
		if (score[i] == smin) {
			chosen++;
			credit += energy[i] <= emin;
			regret += energy[i] / emin - 1;
		}
	t->top1 += credit / (double)chosen;
	t->regret += regret / (double)chosen;
	t->scenarios++;
}

/* Held-out scoring of one choice from the held-out predictions; pairs
 * false: Top-1 only. */
static void tally_choice(struct scratch *w, const struct choice *c,
			 const double *pred, struct eval_tally *t, bool pairs)
{
	for (size_t s = 0; s < c->nscen; s++) {
		size_t k0 = c->cstart[s], nk = c->cstart[s + 1] - k0;
		if (nk < 2)
			continue;
		for (size_t k = 0; k < nk; k++) {
			double sum = 0;
			size_t r0 = c->rstart[k0 + k],
			       r1 = c->rstart[k0 + k + 1];
			for (size_t i = r0; i < r1; i++)
				sum += pred[c->rows[i]];
			double v = sum / (double)(r1 - r0);
			w->score[k] = isfinite(v) ? v : INFINITY;
			w->energy[k] = c->energy[k0 + k];
		}
		if (pairs)
			eval_score_scenario(w->score, w->energy, nk, t);
		else
			top1_only(w->score, w->energy, nk, t);
	}
}

/* The columns' values in one group: feature / y, scaled to unit RMS. */
static int fill_group(struct search *S, struct group *G,
		      const struct dataset_rows *r, const double *feat)
{
	size_t n = r->n;
	G->n = n;
	G->y = r->y;
	G->a = malloc((S->ncols * n + 1) * sizeof *G->a);
	G->scale = malloc((S->ncols + 1) * sizeof *G->scale);
	G->fold = malloc((n + 1) * sizeof *G->fold);
	if (!G->a || !G->scale || !G->fold)
		return -1;
	for (size_t c = 0; c < S->ncols; c++) {
		const struct column *col = &S->cols[c];
		double gamma = col->gamma >= 0 ? S->o->gammas[col->gamma] : 0;
		double ss = 0, *a = G->a + c * n;
		for (size_t i = 0; i < n; i++) {
			const double *in = r->inputs + i * MODEL_NINPUTS;
			double f = feat[col->shape * n + i];
			if (gamma > 0)
				f /= pow(in[IN_B], gamma);
			a[i] = f / r->y[i];
			ss += a[i] * a[i];
		}
		double rms = sqrt(ss / (double)n);
		G->scale[c] = rms > 0 && isfinite(rms) ? rms : 0;
		for (size_t i = 0; i < n; i++)
			a[i] = G->scale[c] > 0 ? a[i] / G->scale[c] : 0;
	}
	/* folds: a seeded shuffle, dealt round */
	size_t *perm = malloc((n + 1) * sizeof *perm);
	if (!perm)
		return -1;
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t j = i + (size_t)(next_random(&S->rng) % (n - i));
		size_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		G->fold[perm[i]] = (unsigned)(i % S->o->folds);
	free(perm);
	return 0;
}

/* Whether a shape's values are usable (finite, not negative) on every run
 * and not zero on all. */
static bool shape_values(const struct shape *sh, const struct dataset *ds,
			 double *feat, const size_t *offset)
{
	bool nonzero = false;
	for (size_t g = 0; g < ds->count; g++) {
		const struct dataset_rows *r = &ds->groups[g].energy;
		for (size_t i = 0; i < r->n; i++) {
			double v = expr_eval(
				sh->e, r->inputs + i * MODEL_NINPUTS, NULL);
			if (!isfinite(v) || v < 0)
				return false;
			nonzero |= v > 0;
			feat[offset[g] + i] = v;
		}
	}
	return nonzero;
}

/* Whether column b's scaled values equal column a's in every group: one is
 * a multiple of the other, and the search need not try both. */
static bool same_column(const struct search *S, size_t a, size_t b)
{
	for (size_t g = 0; g < S->ngroups; g++) {
		const struct group *G = &S->g[g];
		const double *x = G->a + a * G->n, *y = G->a + b * G->n;
		for (size_t i = 0; i < G->n; i++)
			if (fabs(x[i] - y[i]) > 1e-9 * (1 + fabs(x[i])))
				return false;
	}
	return true;
}

/* Drops the columns that repeat an earlier one (up to a factor). */
static void dedupe(struct search *S)
{
	size_t kept = 0;
	for (size_t c = 0; c < S->ncols; c++) {
		bool dup = false;
		for (size_t k = 0; k < kept && !dup; k++)
			dup = same_column(S, k, c);
		if (dup)
			continue;
		if (kept != c) {
			S->cols[kept] = S->cols[c];
			for (size_t g = 0; g < S->ngroups; g++) {
				struct group *G = &S->g[g];
				memmove(G->a + kept * G->n, G->a + c * G->n,
					G->n * sizeof *G->a);
				G->scale[kept] = G->scale[c];
			}
		}
		kept++;
	}
	S->ncols = kept;
}

static size_t tri(size_t a, size_t b)
{
	return a >= b ? a * (a + 1) / 2 + b : b * (b + 1) / 2 + a;
}

/* Each group's per-fold Gram matrices of every column pair (after
 * dedupe), summed in the order the runs come, as fit_group_folds would
 * sum them. Skipped (left NULL) past DISCOVER_GRAM_BYTES. Returns -1 when
 * out of memory. */
static int fold_grams(struct search *S)
{
	size_t C = S->ncols, K = S->o->folds, T = C * (C + 1) / 2;
	if ((double)S->ngroups * (double)K * (double)T * 8 >
	    DISCOVER_GRAM_BYTES)
		return 0;
	for (size_t g = 0; g < S->ngroups; g++) {
		struct group *G = &S->g[g];
		if (!(G->fold_gram = calloc(K * T, sizeof *G->fold_gram)) ||
		    !(G->fold_sum = calloc(K * C, sizeof *G->fold_sum)))
			return -1;
		for (size_t j = 0; j < C; j++) {
			const double *x = G->a + j * G->n;
			for (size_t i = 0; i < G->n; i++)
				G->fold_sum[G->fold[i] * C + j] += x[i];
			for (size_t k = 0; k <= j; k++) {
				const double *z = G->a + k * G->n;
				double *out = G->fold_gram + tri(j, k);
				for (size_t i = 0; i < G->n; i++)
					out[G->fold[i] * T] += x[i] * z[i];
			}
		}
	}
	return 0;
}

static int setup(struct search *S, const struct dataset *ds,
		 const struct profile_set *set, char *message, size_t len)
{
	if (make_shapes(S->o, S->shapes, &S->nshapes) != 0)
		return -1;
	size_t *offset = calloc(ds->count + 1, sizeof *offset);
	if (!offset)
		return -1;
	S->runs = 0;
	for (size_t g = 0; g < ds->count; g++) {
		offset[g] = S->runs;
		S->runs += ds->groups[g].energy.n;
	}
	if (S->runs < 2) {
		free(offset);
		snprintf(message, len,
			 "%zu runs to search on (expected at least 2 with "
			 "input_tokens and energy)",
			 S->runs);
		return -2;
	}
	double *feat = malloc((S->nshapes * S->runs + 1) * sizeof *feat);
	bool *usable = calloc(S->nshapes + 1, sizeof *usable);
	S->cols = malloc((S->nshapes * (S->o->ngammas + 1) + 1) *
			 sizeof *S->cols);
	S->g = calloc(ds->count + 1, sizeof *S->g);
	if (!feat || !usable || !S->cols || !S->g) {
		free(offset);
		free(feat);
		free(usable);
		return -1;
	}
	S->ncols = 0;
	for (size_t s = 0; s < S->nshapes; s++) {
		if (!(usable[s] = shape_values(&S->shapes[s], ds,
					       feat + s * S->runs, offset)))
			continue;
		S->cols[S->ncols++] = (struct column){s, -1};
		for (size_t k = 0; S->shapes[s].amortised && k < S->o->ngammas;
		     k++)
			S->cols[S->ncols++] = (struct column){s, (int)k};
	}
	int status = 0;
	/* per group: its own slice of the features */
	double *gfeat = malloc((S->nshapes * S->runs + 1) * sizeof *gfeat);
	if (!gfeat)
		status = -1;
	for (size_t g = 0; status == 0 && g < ds->count; g++) {
		const struct dataset_rows *r = &ds->groups[g].energy;
		for (size_t s = 0; s < S->nshapes; s++)
			memcpy(gfeat + s * r->n, feat + s * S->runs + offset[g],
			       r->n * sizeof *gfeat);
		S->ngroups = g + 1;
		if (fill_group(S, &S->g[g], r, gfeat) != 0 ||
		    build_choice(set, r, false, &S->g[g].layout) != 0 ||
		    build_choice(set, r, true, &S->g[g].config) != 0)
			status = -1;
	}
	free(gfeat);
	free(offset);
	free(feat);
	free(usable);
	if (status != 0)
		return status;
	dedupe(S);
	if (S->ncols == 0) {
		snprintf(message, len,
			 "no term the grammar allows (its phases and kinds) is "
			 "other than zero on these runs (expected runs that "
			 "some term can describe)");
		return -2;
	}
	size_t most = 0;
	for (size_t g = 0; g < S->ngroups; g++)
		most = S->g[g].n > most ? S->g[g].n : most;
	for (size_t t = 0; t < S->threads; t++) {
		struct scratch *w = &S->w[t];
		w->pred = malloc((most + 1) * sizeof *w->pred);
		w->score = malloc((most + 1) * sizeof *w->score);
		w->energy = malloc((most + 1) * sizeof *w->energy);
		if (!w->pred || !w->score || !w->energy)
			return -1;
	}
	S->memo_cap = 1u << 20;
	S->memo = calloc(S->memo_cap, sizeof *S->memo);
	S->batch = malloc((S->ncols + 2) * sizeof *S->batch);
	S->batch_loss = malloc((S->ncols + 2) * sizeof *S->batch_loss);
	if (!S->memo || !S->batch || !S->batch_loss)
		return -1;
	return fold_grams(S);
}

static void search_free(struct search *S)
{
	for (size_t s = 0; s < S->nshapes; s++)
		expr_free(S->shapes[s].e);
	for (size_t g = 0; S->g && g < S->ngroups; g++) {
		free(S->g[g].a);
		free(S->g[g].scale);
		free(S->g[g].fold);
		free(S->g[g].fold_gram);
		free(S->g[g].fold_sum);
		choice_free(&S->g[g].layout);
		choice_free(&S->g[g].config);
	}
	free(S->g);
	free(S->cols);
	for (size_t t = 0; t < DISCOVER_MAX_THREADS; t++) {
		free(S->w[t].pred);
		free(S->w[t].score);
		free(S->w[t].energy);
	}
	free(S->batch);
	free(S->batch_loss);
	free(S->memo);
}

/* ---- scoring a candidate ----------------------------------------------------
 */

typedef struct cand cand_t;

static size_t params_of(const struct search *S, const cand_t *c)
{
	size_t distinct = 0;
	for (size_t k = 0; k < S->o->ngammas; k++)
		for (size_t i = 0; i < c->m; i++)
			if (S->cols[c->col[i]].gamma == (int)k) {
				distinct++;
				break;
			}
	return c->m + distinct;
}

enum { MAXF = DISCOVER_MAX_FOLDS, MAXP = DISCOVER_MAX_PARAMS };

/* A candidate's normal equations per fold (lower triangles), from the
 * group's per-fold Gram matrices of every column. */
static void gather_folds(const struct search *S, const struct group *G,
			 const cand_t *c, double Gf[][MAXP * MAXP],
			 double hf[][MAXP])
{
	size_t m = c->m, K = S->o->folds, C = S->ncols, T = C * (C + 1) / 2;
	for (size_t j = 0; j < m; j++)
		for (size_t k = 0; k <= j; k++) {
			const double *src =
				G->fold_gram + tri(c->col[j], c->col[k]);
			for (size_t f = 0; f < K; f++)
				Gf[f][j * m + k] = src[f * T];
		}
	for (size_t f = 0; f < K; f++)
		for (size_t j = 0; j < m; j++)
			hf[f][j] = G->fold_sum[f * C + c->col[j]];
}

/* The same summed over the runs (every run in fold 0 when all, and K
 * is 1). */
static void sum_folds(const struct group *G, const cand_t *c, bool all,
		      size_t K, double Gf[][MAXP * MAXP], double hf[][MAXP])
{
	size_t m = c->m;
	for (size_t f = 0; f < K; f++) {
		memset(Gf[f], 0, m * m * sizeof **Gf);
		memset(hf[f], 0, m * sizeof **hf);
	}
	for (size_t j = 0; j < m; j++) {
		const double *x = G->a + c->col[j] * G->n;
		for (size_t i = 0; i < G->n; i++)
			hf[all ? 0 : G->fold[i]][j] += x[i];
		for (size_t k = 0; k <= j; k++) {
			const double *z = G->a + c->col[k] * G->n;
			for (size_t i = 0; i < G->n; i++)
				Gf[all ? 0 : G->fold[i]][j * m + k] +=
					x[i] * z[i];
		}
	}
}

/* Fits the candidate's coefficients in each fold of group G (trained on
 * the other folds) and fills pred with the held-out predictions. With
 * all, fits every run instead and leaves the coefficients in beta. */
static void fit_group_folds(const struct search *S, const struct group *G,
			    const cand_t *c, bool all, double *beta,
			    double *pred)
{
	size_t m = c->m, K = all ? 1 : S->o->folds;
	double Gf[MAXF][DISCOVER_MAX_PARAMS * DISCOVER_MAX_PARAMS];
	double hf[MAXF][DISCOVER_MAX_PARAMS];
	size_t count[MAXF] = {0};
	for (size_t i = 0; i < G->n; i++)
		count[all ? 0 : G->fold[i]]++;
	if (!all && G->fold_gram)
		gather_folds(S, G, c, Gf, hf);
	else
		sum_folds(G, c, all, K, Gf, hf);
	double Gt[DISCOVER_MAX_PARAMS * DISCOVER_MAX_PARAMS] = {0};
	double ht[DISCOVER_MAX_PARAMS] = {0};
	for (size_t f = 0; f < K; f++)
		for (size_t j = 0; j < m; j++) {
			ht[j] += hf[f][j];
			for (size_t k = 0; k <= j; k++)
				Gt[j * m + k] += Gf[f][j * m + k];
		}
	if (all) {
		for (size_t j = 0; j < m; j++)
			for (size_t k = 0; k < j; k++)
				Gt[k * m + j] = Gt[j * m + k];
		small_nnls(Gt, ht, m, beta, NULL);
		return;
	}
	double B[MAXF][DISCOVER_MAX_PARAMS];
	/* the folds' problems differ by a fifth of the runs: each starts
	 * from the support the one before found */
	bool support[DISCOVER_MAX_PARAMS], warm = false;
	for (size_t f = 0; f < K; f++) {
		if (!count[f])
			continue;
		double Gk[DISCOVER_MAX_PARAMS * DISCOVER_MAX_PARAMS],
			hk[DISCOVER_MAX_PARAMS];
		for (size_t j = 0; j < m; j++) {
			hk[j] = ht[j] - hf[f][j];
			for (size_t k = 0; k <= j; k++)
				Gk[j * m + k] = Gk[k * m + j] =
					Gt[j * m + k] - Gf[f][j * m + k];
		}
		small_nnls(Gk, hk, m, B[f], warm ? support : NULL);
		for (size_t j = 0; j < m; j++)
			support[j] = B[f][j] > 0;
		warm = true;
	}
	for (size_t i = 0; i < G->n; i++)
		pred[i] = 0;
	for (size_t j = 0; j < m; j++) {
		const double *x = G->a + c->col[j] * G->n;
		for (size_t i = 0; i < G->n; i++)
			pred[i] += B[G->fold[i]][j] * x[i];
	}
	for (size_t i = 0; i < G->n; i++)
		pred[i] *= G->y[i]; /* ratio to energy */
}

static double mean_of(double a, double b, double c)
{
	double v[3] = {a, b, c}, sum = 0;
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		if (!isnan(v[i])) {
			sum += v[i];
			n++;
		}
	return n ? sum / (double)n : 1;
}

/* The held-out scores of a candidate; the loss the search minimises is
 * the mean |log error| plus the share of choices missed (layout Top-1 and
 * pairwise, configuration Top-1). The configuration pairwise score, slow
 * on large scenarios, only when full. */
static void score(const struct search *S, struct scratch *w, const cand_t *c,
		  struct discover_score *sc, bool full)
{
	struct eval_tally lay = {0}, cfg = {0};
	double sum_log = 0, sum_ape = 0;
	for (size_t g = 0; g < S->ngroups; g++) {
		const struct group *G = &S->g[g];
		fit_group_folds(S, G, c, false, NULL, w->pred);
		for (size_t i = 0; i < G->n; i++) {
			double r = w->pred[i] / G->y[i];
			bool ok = r > 0 && isfinite(r);
			sum_log += ok ? fmin(fabs(log(r)), DISCOVER_BAD_LOG)
				      : DISCOVER_BAD_LOG;
			sum_ape += ok ? fmin(fabs(r - 1), 1e3) : 1;
		}
		tally_choice(w, &G->layout, w->pred, &lay, true);
		tally_choice(w, &G->config, w->pred, &cfg, full);
	}
	sc->cv_log = sum_log / (double)S->runs;
	sc->cv_mape = sum_ape / (double)S->runs;
	sc->top1 = eval_top1(&lay);
	sc->pairwise = eval_pairwise(&lay);
	sc->config_top1 = eval_top1(&cfg);
	sc->config_pairwise = full ? eval_pairwise(&cfg) : NAN;
	double choice = mean_of(sc->top1, sc->pairwise, sc->config_top1);
	sc->loss = sc->cv_log + (1 - choice);
}

/* ---- the search -------------------------------------------------------------
 */

static int by_col(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

static uint64_t hash_of(const cand_t *c)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < c->m; i++) {
		h ^= c->col[i] + 1u;
		h *= 1099511628211ULL;
		h ^= h >> 29;
	}
	return h | 1; /* 0 marks an empty slot */
}

static void check_stop(struct search *S)
{
	if (S->stop)
		return;
	/* the first forms are always scored, so a model can be written */
	if (S->best_loss[0] == INFINITY)
		return;
	if (S->o->stop && *S->o->stop) {
		S->stop = true;
		S->stopped = DISCOVER_SIGNAL;
		return;
	}
	if (S->o->max_forms && S->evals >= S->o->max_forms) {
		S->stop = true;
		S->stopped = DISCOVER_FORMS;
		return;
	}
	if (S->evals % 16)
		return;
	double t = now() - S->t0;
	if (t >= S->o->seconds) {
		S->stop = true;
		S->stopped = DISCOVER_TIME;
	}
	if (S->o->progress)
		progress_update(S->o->progress, (size_t)(t * 1000),
				(size_t)(S->o->seconds * 1000) + 1);
}

/* A candidate made ready to score: sorted, checked, looked up. */
enum prep { PREP_INVALID, PREP_MEMO, PREP_SCORE };

static enum prep prepare(const struct search *S, cand_t *c)
{
	if (c->m == 0)
		return PREP_INVALID;
	qsort(c->col, c->m, sizeof *c->col, by_col);
	for (size_t i = 1; i < c->m; i++)
		if (S->cols[c->col[i]].shape == S->cols[c->col[i - 1]].shape)
			return PREP_INVALID;
	if (params_of(S, c) > S->o->max_params)
		return PREP_INVALID;
	return PREP_SCORE;
}

/* The memo's slot of key: its own, or the empty one where it would go. */
static size_t memo_slot(const struct search *S, uint64_t key)
{
	size_t slot = (size_t)(key & (S->memo_cap - 1));
	while (S->memo[slot].key && S->memo[slot].key != key)
		slot = (slot + 1) & (S->memo_cap - 1);
	return slot;
}

/* Records a scored candidate as scoring it in turn would have: counted,
 * remembered, the front updated, the stop checked. */
static void commit(struct search *S, const cand_t *c, uint64_t key, double loss)
{
	S->evals++;
	if (S->memo_used * 10 >= S->memo_cap * 7) {
		memset(S->memo, 0, S->memo_cap * sizeof *S->memo);
		S->memo_used = 0;
	}
	S->memo[memo_slot(S, key)] = (struct memo_slot){key, loss};
	S->memo_used++;
	size_t p = params_of(S, c);
	if (loss < S->best_loss[p] - 1e-12) {
		/* progress, for convergence, is a front better by more than
		 * DISCOVER_PROGRESS: a form that beats its own size's best
		 * and every smaller one by that much */
		bool front = loss < S->best_loss[p] - DISCOVER_PROGRESS;
		for (size_t q = 1; q < p && front; q++)
			front = loss < S->best_loss[q] - DISCOVER_PROGRESS;
		S->improved += front;
		S->best_loss[p] = loss;
		S->best[p] = *c;
	}
	if (loss < S->best_loss[0])
		S->best_loss[0] = loss; /* slot 0: anything scored */
	check_stop(S);
}

/* A chunk being scored: each thread takes the next candidate not yet
 * taken (so that a thread the machine's load holds back holds up no
 * more than the candidate it has), and writes only its scratch and the
 * losses of the candidates it took. */
struct chunk {
	const struct search *S;
	const cand_t *c;
	const enum prep *prep;
	double *loss;
	size_t n;
	atomic_size_t next;
};

struct share {
	struct chunk *ch;
	struct scratch *w;
};

static void *score_share(void *arg)
{
	const struct share *sh = arg;
	struct chunk *ch = sh->ch;
	size_t i;
	while ((i = atomic_fetch_add(&ch->next, 1)) < ch->n)
		if (ch->prep[i] == PREP_SCORE) {
			struct discover_score sc;
			score(ch->S, sh->w, &ch->c[i], &sc, false);
			ch->loss[i] = sc.loss;
		}
	return NULL;
}

/* Scores a chunk's candidates that need it on S->threads threads (this
 * one among them; one that cannot be started leaves its part to the
 * others). */
static void score_chunk(struct search *S, const cand_t *c,
			const enum prep *prep, double *loss, size_t n)
{
	size_t T = S->threads < n ? S->threads : n;
	struct chunk ch = {S, c, prep, loss, n, 0};
	struct share sh[DISCOVER_MAX_THREADS];
	pthread_t tid[DISCOVER_MAX_THREADS];
	bool started[DISCOVER_MAX_THREADS] = {false};
	for (size_t t = 0; t < T; t++) {
		sh[t] = (struct share){&ch, &S->w[t]};
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, score_share,
						    &sh[t]) == 0;
	}
	score_share(&sh[0]);
	for (size_t t = 1; t < T; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
}

/* Candidates per thread in a chunk: the chunk is scored at once, so a
 * first improvement found early in it wastes the rest of the chunk. */
#define CHUNK_PER_THREAD 48

/* The losses of candidates c[0..n) (each sorted in place; INFINITY for an
 * invalid one), as scoring them one after another would give, with the
 * front, memo, count and stop updated in that order. The scoring itself
 * runs on S->threads threads, a chunk at a time; what the threads found
 * is then taken in candidate order, so that the result does not depend
 * on the threads. Stops after the first candidate with a loss below
 * until - 1e-12 (-INFINITY: none), or when the search stops; returns how
 * many candidates were taken (at least one when n > 0). */
static size_t evaluate_many(struct search *S, cand_t *c, size_t n, double *loss,
			    double until)
{
	/* one thread: one candidate at a time, none scored in vain */
	size_t chunk = S->threads > 1 ? CHUNK_PER_THREAD * S->threads : 1;
	for (size_t i0 = 0; i0 < n; i0 += chunk) {
		size_t nc = n - i0 < chunk ? n - i0 : chunk;
		enum prep prep[CHUNK_PER_THREAD * DISCOVER_MAX_THREADS];
		uint64_t key[CHUNK_PER_THREAD * DISCOVER_MAX_THREADS];
		for (size_t i = 0; i < nc; i++) {
			prep[i] = prepare(S, &c[i0 + i]);
			if (prep[i] != PREP_SCORE)
				continue;
			key[i] = hash_of(&c[i0 + i]);
			const struct memo_slot *m =
				&S->memo[memo_slot(S, key[i])];
			if (m->key == key[i])
				prep[i] = PREP_MEMO;
		}
		score_chunk(S, c + i0, prep, loss + i0, nc);
		for (size_t i = 0; i < nc; i++) {
			double *l = &loss[i0 + i];
			if (prep[i] == PREP_INVALID) {
				*l = INFINITY;
			} else {
				/* in the memo by now (a duplicate earlier in
				 * the chunk), or no longer (it was emptied) */
				const struct memo_slot *m =
					&S->memo[memo_slot(S, key[i])];
				if (m->key == key[i]) {
					*l = m->loss;
				} else {
					if (prep[i] == PREP_MEMO) {
						struct discover_score sc;
						score(S, &S->w[0], &c[i0 + i],
						      &sc, false);
						*l = sc.loss;
					}
					commit(S, &c[i0 + i], key[i], *l);
				}
			}
			if (S->stop || *l < until - 1e-12)
				return i0 + i + 1;
		}
	}
	return n;
}

/* The loss of a candidate (sorted in place), scored once; the front is
 * updated. INFINITY for an invalid candidate. */
static double evaluate(struct search *S, cand_t *c)
{
	double loss;
	evaluate_many(S, c, 1, &loss, -INFINITY);
	return loss;
}

/* Adds the column that lowers the loss most, while one does. */
static double grow(struct search *S, cand_t *c, double loss)
{
	while (!S->stop && c->m < S->o->max_params) {
		cand_t *t = S->batch;
		for (size_t k = 0; k < S->ncols; k++) {
			t[k] = *c;
			t[k].col[t[k].m++] = (uint16_t)k;
		}
		size_t done =
			evaluate_many(S, t, S->ncols, S->batch_loss, -INFINITY);
		cand_t best = *c;
		double best_loss = loss;
		for (size_t k = 0; k < done; k++)
			if (S->batch_loss[k] < best_loss - 1e-12) {
				best_loss = S->batch_loss[k];
				best = t[k];
			}
		if (best.m == c->m)
			break;
		*c = best;
		loss = best_loss;
	}
	return loss;
}

/* Drops and swaps terms while that lowers the loss (first improvement:
 * for each term, dropping it, then each column in its place). */
static double polish(struct search *S, cand_t *c, double loss)
{
	bool again = true;
	while (again && !S->stop) {
		again = false;
		for (size_t i = 0; i < c->m && !again && !S->stop; i++) {
			cand_t *t = S->batch;
			t[0] = *c;
			t[0].col[i] = t[0].col[--t[0].m];
			for (size_t k = 0; k < S->ncols; k++) {
				t[k + 1] = *c;
				t[k + 1].col[i] = (uint16_t)k;
			}
			size_t done = evaluate_many(S, t, S->ncols + 1,
						    S->batch_loss, loss);
			double l = S->batch_loss[done - 1];
			if (l < loss - 1e-12) {
				*c = t[done - 1];
				loss = l;
				again = true;
			}
		}
	}
	return loss;
}

/* A random change of a front member: one to three terms out, one or two
 * random ones in, then grown and polished. */
static void kick(struct search *S)
{
	size_t have[DISCOVER_MAX_PARAMS + 1], nh = 0;
	for (size_t p = 1; p <= S->o->max_params; p++)
		if (S->best_loss[p] < INFINITY)
			have[nh++] = p;
	if (!nh)
		return;
	cand_t c = S->best[have[next_random(&S->rng) % nh]];
	size_t out = 1 + next_random(&S->rng) % 3;
	for (size_t k = 0; k < out && c.m > 0; k++) {
		size_t i = (size_t)(next_random(&S->rng) % c.m);
		c.m--;
		c.col[i] = c.col[c.m];
	}
	size_t in = 1 + next_random(&S->rng) % 2;
	for (size_t k = 0; k < in && c.m < S->o->max_params; k++)
		c.col[c.m++] = (uint16_t)(next_random(&S->rng) % S->ncols);
	double loss = evaluate(S, &c);
	if (loss == INFINITY)
		return;
	loss = grow(S, &c, loss);
	polish(S, &c, loss);
}

/* Each group's Gram matrix of every column on every run, and the column
 * sums (the right-hand side: the target is 1 for every run). */
static int full_grams(const struct search *S, double **G, double **h)
{
	size_t C = S->ncols;
	for (size_t g = 0; g < S->ngroups; g++) {
		const struct group *gr = &S->g[g];
		if (!(G[g] = malloc(C * C * sizeof **G)) ||
		    !(h[g] = malloc(C * sizeof **h)))
			return -1;
		for (size_t j = 0; j < C; j++) {
			const double *x = gr->a + j * gr->n;
			double sum = 0;
			for (size_t i = 0; i < gr->n; i++)
				sum += x[i];
			h[g][j] = sum;
			for (size_t k = 0; k <= j; k++) {
				const double *z = gr->a + k * gr->n;
				double dot = 0;
				for (size_t i = 0; i < gr->n; i++)
					dot += x[i] * z[i];
				G[g][j * C + k] = G[g][k * C + j] = dot;
			}
		}
	}
	return 0;
}

/* What dropping each coefficient of the support (x > 0) of an NNLS
 * solution would add to the sum of squares, were the others refitted
 * freely: x_j^2 / (G_PP^-1)_jj, added to cost. Returns -1 when out of
 * memory; a support GSL cannot invert adds nothing. */
static int removal_cost(const double *Gs, size_t k, const double *x,
			double *cost)
{
	size_t np = 0, *idx = malloc((k + 1) * sizeof *idx);
	double *A = malloc((k * k + 1) * sizeof *A);
	if (!idx || !A) {
		free(idx);
		free(A);
		return -1;
	}
	for (size_t a = 0; a < k; a++)
		if (x[a] > 0)
			idx[np++] = a;
	double ridge = 0;
	for (size_t a = 0; a < np; a++)
		ridge = fmax(ridge, Gs[idx[a] * k + idx[a]]);
	for (size_t a = 0; a < np; a++) {
		for (size_t b = 0; b < np; b++)
			A[a * np + b] = Gs[idx[a] * k + idx[b]];
		A[a * np + a] += ridge * 1e-10 + 1e-300;
	}
	gsl_matrix_view Av = gsl_matrix_view_array(A, np, np);
	if (np && gsl_linalg_cholesky_decomp1(&Av.matrix) == GSL_SUCCESS &&
	    gsl_linalg_cholesky_invert(&Av.matrix) == GSL_SUCCESS)
		for (size_t a = 0; a < np; a++)
			cost[idx[a]] += x[idx[a]] * x[idx[a]] / A[a * np + a];
	free(idx);
	free(A);
	return 0;
}

static int complexity(const struct search *S, size_t col)
{
	return S->shapes[S->cols[col].shape].factors +
	       (S->cols[col].gamma >= 0);
}

/* One round of thinning: NNLS on the columns kept, in each group; the
 * columns no group uses leave, and when none is idle, the one whose
 * removal would cost least (summed over the groups). Returns -1 when out
 * of memory. */
static int thin(const struct search *S, double **G, double **h, size_t *keep,
		size_t *nk)
{
	size_t k = *nk, C = S->ncols;
	double *Gs = malloc((k * k + 1) * sizeof *Gs);
	double *hs = malloc((k + 1) * sizeof *hs),
	       *x = malloc((k + 1) * sizeof *x);
	double *cost = calloc(k + 1, sizeof *cost);
	bool *used = calloc(k + 1, sizeof *used);
	int status = -1;
	if (!Gs || !hs || !x || !cost || !used)
		goto out;
	for (size_t g = 0; g < S->ngroups; g++) {
		for (size_t a = 0; a < k; a++) {
			hs[a] = h[g][keep[a]];
			for (size_t b = 0; b < k; b++)
				Gs[a * k + b] = G[g][keep[a] * C + keep[b]];
		}
		if (discover_nnls(Gs, hs, k, x) != 0 ||
		    removal_cost(Gs, k, x, cost) != 0)
			goto out;
		for (size_t a = 0; a < k; a++)
			used[a] |= x[a] > 0;
	}
	size_t kept = 0;
	for (size_t a = 0; a < k; a++)
		if (used[a]) {
			cost[kept] = cost[a];
			keep[kept++] = keep[a];
		}
	/* Removals that cost nothing beyond rounding (the others span the
	 * column: (t-1)/t + 1/t = 1 makes Weff a sum of three terms) are
	 * ties, settled for the column with the most factors, so that the
	 * simplest spelling of a term stays. */
	double free_cost = 1e-9 * (double)S->runs;
	/* far above the size of a form, an eighth of the columns at a time
	 * (what many groups cost), then one by one */
	size_t drop = kept < k ? 0 : k > 4 * S->o->max_params ? k / 8 : 1;
	for (; drop > 0; drop--) {
		size_t least = 0;
		for (size_t a = 1; a < kept; a++) {
			bool fa = cost[a] <= free_cost,
			     fl = cost[least] <= free_cost;
			if (fa && fl ? complexity(S, keep[a]) >
					       complexity(S, keep[least])
				     : cost[a] < cost[least])
				least = a;
		}
		kept--;
		keep[least] = keep[kept];
		cost[least] = cost[kept];
	}
	*nk = kept;
	status = 0;
out:
	free(Gs);
	free(hs);
	free(x);
	free(cost);
	free(used);
	return status;
}

/* From NNLS on every column at once (whose solutions are sparse) down:
 * thinned while the form is too large for a candidate, then one term at a
 * time, the one whose removal costs least on held-out runs, every form on
 * the way scored. Planted forms come out of the first NNLS whole. */
static int backward(struct search *S)
{
	/* every group's Gram of every column: skipped where that would take
	 * more than DISCOVER_GRAM_BYTES (thousands of groups of workloads
	 * without metadata); the other starts still search */
	if ((double)S->ngroups * (double)S->ncols * (double)S->ncols * 8 >
	    DISCOVER_GRAM_BYTES)
		return 0;
	double **G = calloc(S->ngroups + 1, sizeof *G);
	double **h = calloc(S->ngroups + 1, sizeof *h);
	size_t *keep = malloc((S->ncols + 1) * sizeof *keep), nk = S->ncols;
	int status = -1;
	if (!G || !h || !keep || full_grams(S, G, h) != 0)
		goto out;
	for (size_t j = 0; j < nk; j++)
		keep[j] = j;
	/* thinned all the way down (in-sample, cheap), every form small
	 * enough scored on the way; the largest of them is where the
	 * held-out elimination below starts */
	cand_t c = {0};
	while (!S->stop && nk > 0) {
		if (nk <= S->o->max_params) {
			cand_t t = {.m = nk};
			for (size_t j = 0; j < nk; j++)
				t.col[j] = (uint16_t)keep[j];
			if (evaluate(S, &t) < INFINITY && c.m == 0)
				c = t;
		}
		if (thin(S, G, h, keep, &nk) != 0)
			goto out;
	}
	while (!S->stop && c.m > 1) {
		cand_t best = c, *t = S->batch;
		double best_loss = INFINITY;
		for (size_t i = 0; i < c.m; i++) {
			t[i] = c;
			t[i].col[i] = t[i].col[--t[i].m];
		}
		size_t done =
			evaluate_many(S, t, c.m, S->batch_loss, -INFINITY);
		for (size_t i = 0; i < done; i++)
			if (S->batch_loss[i] < best_loss) {
				best_loss = S->batch_loss[i];
				best = t[i];
			}
		if (best.m == c.m)
			break;
		c = best;
	}
	status = 0;
out:
	for (size_t g = 0; g < S->ngroups; g++) {
		free(G ? G[g] : NULL);
		free(h ? h[g] : NULL);
	}
	free(G);
	free(h);
	free(keep);
	return status;
}

static int search(struct search *S)
{
	for (size_t p = 0; p <= DISCOVER_MAX_PARAMS; p++)
		S->best_loss[p] = INFINITY;
	if (backward(S) != 0)
		return -1;
	cand_t c = {0};
	double loss = grow(S, &c, INFINITY);
	polish(S, &c, loss);
	/* polish every size of the front until none improves, then random
	 * restarts until these find nothing new either */
	size_t quiet = 0;
	while (!S->stop && quiet < DISCOVER_QUIET_ROUNDS) {
		size_t before = S->improved;
		double lowest = INFINITY;
		for (size_t p = 1; p <= S->o->max_params && !S->stop; p++)
			if (S->best_loss[p] < lowest) {
				lowest = S->best_loss[p];
				cand_t t = S->best[p];
				polish(S, &t, S->best_loss[p]);
			}
		for (int k = 0; k < 4 && !S->stop; k++)
			kick(S);
		if (!S->stop)
			S->rounds++;
		quiet = S->improved == before ? quiet + 1 : 0;
	}
	if (!S->stop)
		S->stopped = DISCOVER_CONVERGED;
	return 0;
}

/* ---- the result
 * -------------------------------------------------------------- */

static void make_form(struct search *S, const cand_t *c,
		      struct discover_form *f)
{
	memset(f, 0, sizeof *f);
	f->params = params_of(S, c);
	f->nterms = c->m;
	score(S, &S->w[0], c, &f->score, true);
	double logsum[DISCOVER_MAX_PARAMS] = {0};
	size_t count[DISCOVER_MAX_PARAMS] = {0};
	for (size_t g = 0; g < S->ngroups; g++) {
		double beta[DISCOVER_MAX_PARAMS];
		fit_group_folds(S, &S->g[g], c, true, beta, S->w[0].pred);
		for (size_t j = 0; j < c->m; j++) {
			double s = S->g[g].scale[c->col[j]];
			if (beta[j] > 0 && s > 0) {
				logsum[j] += log(beta[j] / s);
				count[j]++;
			}
		}
	}
	for (size_t j = 0; j < c->m; j++) {
		const struct column *col = &S->cols[c->col[j]];
		const struct shape *sh = &S->shapes[col->shape];
		struct discover_term *t = &f->terms[j];
		snprintf(t->name, sizeof t->name, "%s", sh->name);
		snprintf(t->expr, sizeof t->expr, "%s", sh->expr);
		t->phase = sh->phase;
		t->kind = sh->kind;
		t->gamma = col->gamma >= 0 ? S->o->gammas[col->gamma] : 0;
		/* a coefficient no group wants is kept tiny, not zero: every
		 * parameter of a model file is positive */
		t->coef = count[j] ? exp(logsum[j] / (double)count[j]) : 1e-12;
	}
}

/* Whether every group has at least as many runs as c has parameters
 * there, as energylens fit counts them at most (a term whose column is
 * not all zero in the group, and each exponent such a term has); else
 * the runs of the first group short of them into *runs. */
static bool fits_every_group(const struct search *S, const cand_t *c,
			     size_t *runs)
{
	for (size_t g = 0; g < S->ngroups; g++) {
		size_t params = 0;
		bool gamma[DISCOVER_MAX_GAMMAS] = {false};
		for (size_t j = 0; j < c->m; j++) {
			const struct column *col = &S->cols[c->col[j]];
			if (!(S->g[g].scale[c->col[j]] > 0))
				continue;
			params++;
			if (col->gamma >= 0 && !gamma[col->gamma]) {
				gamma[col->gamma] = true;
				params++;
			}
		}
		if (params > S->g[g].n) {
			*runs = S->g[g].n;
			return false;
		}
	}
	return true;
}

/* The front: for each parameter count, the best form, kept when it beats
 * every smaller one. The chosen form is the smallest within
 * DISCOVER_TOLERANCE of the best loss among those that fit every group
 * (a form that energylens fit refuses on the runs it was found on is of
 * no use); when none within it does, the best that does. */
static int make_front(struct search *S, struct discover_result *out)
{
	out->front = calloc(S->o->max_params + 1, sizeof *out->front);
	if (!out->front)
		return -1;
	double lowest = INFINITY, best = INFINITY;
	for (size_t p = 1; p <= S->o->max_params; p++)
		best = fmin(best, S->best_loss[p]);
	struct discover_form *chosen = NULL, *fallback = NULL;
	for (size_t p = 1; p <= S->o->max_params; p++) {
		if (!(S->best_loss[p] < lowest - 1e-12))
			continue;
		lowest = S->best_loss[p];
		struct discover_form *f = &out->front[out->nfront++];
		make_form(S, &S->best[p], f);
		f->fits_every_group =
			fits_every_group(S, &S->best[p], &f->short_of);
		if (!f->fits_every_group)
			continue;
		/* the front's losses fall with its size: the last that fits
		 * is the best that does */
		fallback = f;
		if (!chosen && S->best_loss[p] <= best + DISCOVER_TOLERANCE)
			chosen = f;
	}
	if (chosen || fallback)
		(chosen ? chosen : fallback)->chosen = true;
	return 0;
}

int discover_run(const struct dataset *ds, const struct profile_set *set,
		 const struct discover_options *o, struct discover_result *out,
		 char *message, size_t len)
{
	gsl_set_error_handler_off();
	memset(out, 0, sizeof *out);
	if (o->max_params < 1 || o->max_params > DISCOVER_MAX_PARAMS ||
	    o->folds < 2 || o->folds > DISCOVER_MAX_FOLDS ||
	    o->ngammas > DISCOVER_MAX_GAMMAS || !(o->seconds > 0)) {
		snprintf(message, len,
			 "options out of range (expected 1 to %d parameters, "
			 "2 to %d folds, at most %d exponents, seconds > 0)",
			 DISCOVER_MAX_PARAMS, DISCOVER_MAX_FOLDS,
			 DISCOVER_MAX_GAMMAS);
		return -2;
	}
	struct search *S = calloc(1, sizeof *S);
	if (!S)
		return -1;
	S->o = o;
	S->threads = o->threads < 1			 ? 1
		     : o->threads > DISCOVER_MAX_THREADS ? DISCOVER_MAX_THREADS
							 : o->threads;
	S->rng = o->seed * 0x2545f4914f6cdd1dULL + 1;
	S->t0 = now();
	int status = setup(S, ds, set, message, len);
	if (status == 0) {
		status = search(S);
		if (status == 0)
			status = make_front(S, out);
	}
	out->runs = S->runs;
	out->groups = S->ngroups;
	out->columns = S->ncols;
	out->candidates = S->evals;
	out->seconds = now() - S->t0;
	out->stopped = S->stopped;
	out->rounds = S->rounds;
	search_free(S);
	free(S);
	return status;
}

void discover_result_free(struct discover_result *r)
{
	free(r->front);
	memset(r, 0, sizeof *r);
}

void discover_defaults(struct discover_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_params = 12;
	o->seconds = DISCOVER_SECONDS;
	o->seed = 1;
	o->phases = 7;
	o->kinds = 31;
	static const double g[] = {0.5, 0.75, 1.0, 1.25};
	memcpy(o->gammas, g, sizeof g);
	o->ngammas = 4;
	o->folds = 5;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o->threads = cpus < 1			   ? 1
		     : cpus > DISCOVER_MAX_THREADS ? DISCOVER_MAX_THREADS
						   : (size_t)cpus;
}

const char *discover_stop_name(enum discover_stop s)
{
	return s == DISCOVER_CONVERGED ? "converged"
	       : s == DISCOVER_TIME    ? "time budget spent before converging"
	       : s == DISCOVER_FORMS   ? "form budget spent before converging"
				       : "interrupted";
}

/* Exponents get parameters gamma_1, gamma_2, ... by their values' order
 * of first use. */
static size_t gamma_slot(const struct discover_form *f, double gamma)
{
	size_t slot = 0;
	for (size_t i = 0; i < f->nterms; i++) {
		bool first = f->terms[i].gamma > 0;
		for (size_t k = 0; k < i && first; k++)
			first = f->terms[k].gamma != f->terms[i].gamma;
		if (first)
			slot++;
		if (f->terms[i].gamma == gamma)
			return slot;
	}
	return slot;
}

void discover_write_model(FILE *out, const struct discover_form *f,
			  const struct discover_result *r)
{
	fprintf(out,
		"# Found by energylens discover on %zu runs in %zu groups "
		"(%llu forms scored).\n"
		"# Format: energylens-model(5). Held-out: MAPE %.1f%%, layout "
		"Top-1 %.1f%%, pairwise %.1f%%.\n# %s\n",
		r->runs, r->groups, r->candidates, 100 * f->score.cv_mape,
		100 * f->score.top1, 100 * f->score.pairwise,
		f->chosen ? "The form discover chose from its front."
			  : "A form of the front, not the one discover chose.");
	fprintf(out,
		"energylens-model: 1\nname: discovered-%zu\n"
		"target: energy\nunit: J\n"
		"description: >\n  A form found by energylens discover: %zu "
		"terms, %zu parameters.\nprior_weight: 0.05\nparameters:\n",
		f->params, f->nterms, f->params);
	for (size_t j = 0; j < f->nterms; j++)
		fprintf(out,
			"  - {name: th_%zu, default: %.17g, unit: \"J per "
			"unit\", meaning: \"%s\"}\n",
			j + 1, f->terms[j].coef, f->terms[j].name);
	for (size_t j = 0; j < f->nterms; j++) {
		bool first = f->terms[j].gamma > 0;
		for (size_t k = 0; k < j && first; k++)
			first = f->terms[k].gamma != f->terms[j].gamma;
		if (first)
			fprintf(out,
				"  - {name: gamma_%zu, default: %g, unit: "
				"\"1\", meaning: \"batch amortisation "
				"exponent\"}\n",
				gamma_slot(f, f->terms[j].gamma),
				f->terms[j].gamma);
	}
	fputs("terms:\n", out);
	for (size_t j = 0; j < f->nterms; j++) {
		const struct discover_term *t = &f->terms[j];
		char gamma[32] = "";
		if (t->gamma > 0)
			snprintf(gamma, sizeof gamma, " / B^gamma_%zu",
				 gamma_slot(f, t->gamma));
		fprintf(out,
			"  - {name: \"%s\", phase: %s, kind: %s, expr: "
			"\"th_%zu * "
			"%s%s\"}\n",
			t->name, model_phase_name(t->phase),
			model_kind_name(t->kind), j + 1, t->expr, gamma);
	}
}
