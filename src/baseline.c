/* The baselines that energylens-12 is scored against (docs/design.md, "Evaluation").
 * Two are references, which read a measured quantity of every candidate and
 * so could never be used to choose before measuring; two (three with
 * XGBoost) are predictors, trained on some runs of a group and asked about
 * all of them. Each is written to be a fair, not a strawman, version of the
 * method it stands for, and each says where it departs from the source. */
#include "config.h"

#include "baseline.h"

#include <ctype.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_XGBOOST
#include <xgboost/c_api.h>
#endif

#include "model.h"

static const double *row_inputs(const struct eval_group *e, size_t i)
{
	return e->g->energy.inputs + i * MODEL_NINPUTS;
}

static const struct profile_run *row_run(const struct eval_group *e, size_t i)
{
	return &e->set->runs[e->g->energy.run[i]];
}

/* Every kind refuses an empty training set, the references included, so
 * that the evaluation treats all of them alike. */
static bool no_training_runs(const char *name, size_t ntrain, char *err,
			     size_t errlen)
{
	if (ntrain)
		return false;
	snprintf(err, errlen, "%s: no training runs", name);
	return true;
}

/* ---- references: latency and GPU-seconds ------------------------------- */

/* The references keep nothing, but train must return non-NULL on success;
 * this is the address they return, and their free ignores it. */
static char reference_state;

static void *latency_proxy_train(const struct eval_group *e,
				 const size_t *train, size_t ntrain, char *err,
				 size_t errlen)
{
	(void)e;
	(void)train;
	if (no_training_runs("latency-proxy", ntrain, err, errlen))
		return NULL;
	return &reference_state;
}

static void *gpu_seconds_train(const struct eval_group *e, const size_t *train,
			       size_t ntrain, char *err, size_t errlen)
{
	(void)e;
	(void)train;
	if (no_training_runs("gpu-seconds", ntrain, err, errlen))
		return NULL;
	return &reference_state;
}

static void reference_free(void *state)
{
	(void)state;
}

/* Measured latency per request, read the way the dataset reads it: end to
 * end, else time per output token times the output length. */
static double measured_latency(const struct profile_run *r)
{
	double s = NAN;
	if (r->latency_e2e_s > 0)
		s = r->latency_e2e_s;
	else if (r->latency_tpot_ms > 0)
		s = r->latency_tpot_ms * r->output_tokens / 1000;
	return s > 0 && isfinite(s) ? s : NAN;
}

static double latency_proxy_score(const void *state, const struct eval_group *e,
				  size_t i)
{
	(void)state;
	return measured_latency(row_run(e, i));
}

static double gpu_seconds_score(const void *state, const struct eval_group *e,
				size_t i)
{
	(void)state;
	const struct profile_run *r = row_run(e, i);
	return measured_latency(r) * ((double)r->tp * r->pp * r->dp);
}

/* ---- Wilkins et al. 2024: E = a0*I + a1*O + a2*I*O per layout ----------- */

/* A layout with fewer training runs than this is not fitted on its own
 * (three coefficients need three runs): it uses the fit over every training
 * run of the group, as does a layout that has no training run at all. */
#define WILKINS_MIN_RUNS 3
#define WILKINS_NCOEF	 3

struct wilkins_layout {
	double t, p, dp;
	double a[WILKINS_NCOEF];
};

struct wilkins {
	struct wilkins_layout *layouts; /* those with their own fit */
	size_t nlayouts;
	double pooled[WILKINS_NCOEF];
};

static void wilkins_terms(const double *in, double x[WILKINS_NCOEF])
{
	x[0] = in[IN_I];
	x[1] = in[IN_O];
	x[2] = in[IN_I] * in[IN_O];
}

/* Whether a row can take part in a fit: the paper's model needs both
 * lengths, and energies are positive by construction of the dataset. */
static bool wilkins_usable(const struct eval_group *e, size_t i)
{
	const double *in = row_inputs(e, i);
	return isfinite(in[IN_I]) && isfinite(in[IN_O]) && in[IN_I] >= 0 &&
	       in[IN_O] > 0 && e->g->energy.y[i] > 0;
}

/* Ordinary least squares on the columns in mask, through GSL's truncated
 * SVD so that collinear columns (in the ML.ENERGY data I is often one
 * assumed constant, which makes I*O a multiple of O) are reported as a rank
 * below the column count rather than solved into huge cancelling
 * coefficients. Columns are scaled to unit norm first, so that the rank
 * test sees collinearity, not the different sizes of I and I*O. Returns 0
 * with the coefficients and the residual sum of squares, 1 when the columns
 * are dependent, -1 when out of memory. */
static int wilkins_subset(const double *X, const double *y, size_t n,
			  unsigned mask, double a[WILKINS_NCOEF], double *rss)
{
	size_t cols[WILKINS_NCOEF], k = 0;
	for (size_t j = 0; j < WILKINS_NCOEF; j++)
		if (mask & (1u << j))
			cols[k++] = j;
	double norm[WILKINS_NCOEF];
	for (size_t c = 0; c < k; c++) {
		double s = 0;
		for (size_t i = 0; i < n; i++)
			s += X[i * WILKINS_NCOEF + cols[c]] *
			     X[i * WILKINS_NCOEF + cols[c]];
		norm[c] = sqrt(s);
		if (!(norm[c] > 0) || !isfinite(norm[c]))
			return 1;
	}
	gsl_matrix *A = gsl_matrix_alloc(n, k);
	gsl_matrix *cov = gsl_matrix_alloc(k, k);
	gsl_vector *b = gsl_vector_alloc(n);
	gsl_vector *coef = gsl_vector_alloc(k);
	gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, k);
	int ret = -1;
	if (!A || !cov || !b || !coef || !w)
		goto out;
	for (size_t i = 0; i < n; i++) {
		gsl_vector_set(b, i, y[i]);
		for (size_t c = 0; c < k; c++)
			gsl_matrix_set(A, i, c,
				       X[i * WILKINS_NCOEF + cols[c]] /
					       norm[c]);
	}
	size_t rank = 0;
	double chisq = 0;
	ret = 1;
	if (gsl_multifit_linear_tsvd(A, b, 1e-10, coef, cov, &chisq, &rank,
				     w) != GSL_SUCCESS ||
	    rank < k || !isfinite(chisq))
		goto out;
	for (size_t j = 0; j < WILKINS_NCOEF; j++)
		a[j] = 0;
	for (size_t c = 0; c < k; c++)
		a[cols[c]] = gsl_vector_get(coef, c) / norm[c];
	*rss = chisq;
	ret = 0;
out:
	gsl_multifit_linear_free(w);
	gsl_vector_free(coef);
	gsl_vector_free(b);
	gsl_matrix_free(cov);
	gsl_matrix_free(A);
	return ret;
}

/* Non-negative least squares, exactly, by trying every subset of the three
 * columns: the optimum is the unconstrained fit on some subset of linearly
 * independent columns with non-negative coefficients, and with three
 * columns there are only seven subsets. Non-negative because a negative
 * joules-per-token coefficient is unphysical and makes the model predict
 * negative energy outside the lengths it saw. Subsets are tried from the
 * full model down and a later one must be better by more than rounding, so
 * that when collinear columns fit equally well the answer is the same
 * every time and prefers a0*I + a1*O (no cross term). Returns 0 or -1 (out
 * of memory, or no run to fit). */
static int wilkins_fit(const struct eval_group *e, const size_t *rows, size_t n,
		       double a[WILKINS_NCOEF])
{
	/* Column subsets as bit masks (1: I, 2: O, 4: I*O) with their sizes. */
	static const unsigned masks[] = {7, 3, 5, 6, 1, 2, 4};
	static const size_t sizes[] = {3, 2, 2, 2, 1, 1, 1};
	double *X = malloc((n ? n : 1) * WILKINS_NCOEF * sizeof *X);
	double *y = malloc((n ? n : 1) * sizeof *y);
	int ret = -1;
	if (!X || !y)
		goto out;
	size_t m = 0;
	double yy = 0;
	for (size_t r = 0; r < n; r++) {
		if (!wilkins_usable(e, rows[r]))
			continue;
		wilkins_terms(row_inputs(e, rows[r]), X + m * WILKINS_NCOEF);
		y[m] = e->g->energy.y[rows[r]];
		yy += y[m] * y[m];
		m++;
	}
	if (!m)
		goto out;
	/* The empty subset: every coefficient zero. */
	double best = yy;
	for (size_t j = 0; j < WILKINS_NCOEF; j++)
		a[j] = 0;
	for (size_t s = 0; s < sizeof masks / sizeof *masks; s++) {
		if (sizes[s] > m)
			continue;
		double c[WILKINS_NCOEF], rss = 0;
		int r = wilkins_subset(X, y, m, masks[s], c, &rss);
		if (r < 0)
			goto out;
		if (r > 0 || c[0] < 0 || c[1] < 0 || c[2] < 0)
			continue;
		if (rss < best - 1e-12 * yy) {
			best = rss;
			memcpy(a, c, sizeof c);
		}
	}
	ret = 0;
out:
	free(X);
	free(y);
	return ret;
}

static void wilkins_free(void *state)
{
	struct wilkins *W = state;
	if (!W)
		return;
	free(W->layouts);
	free(W);
}

static void *wilkins_train(const struct eval_group *e, const size_t *train,
			   size_t ntrain, char *err, size_t errlen)
{
	if (no_training_runs("wilkins", ntrain, err, errlen))
		return NULL;
	gsl_set_error_handler_off();
	struct wilkins *W = calloc(1, sizeof *W);
	size_t *rows = malloc(ntrain * sizeof *rows);
	bool *done = calloc(ntrain, sizeof *done);
	if (!W || !rows || !done)
		goto nomem;
	bool usable = false;
	for (size_t r = 0; r < ntrain && !usable; r++)
		usable = wilkins_usable(e, train[r]);
	if (!usable) {
		snprintf(err, errlen,
			 "wilkins: no training run has both input and output "
			 "tokens");
		goto fail;
	}
	if (wilkins_fit(e, train, ntrain, W->pooled) != 0)
		goto nomem;
	/* One pass per distinct layout, in the order the layouts first
	 * appear, so the state is the same for the same training rows. */
	for (size_t r = 0; r < ntrain; r++) {
		if (done[r])
			continue;
		const double *in = row_inputs(e, train[r]);
		size_t n = 0;
		for (size_t q = r; q < ntrain; q++) {
			const double *iq = row_inputs(e, train[q]);
			if (iq[IN_T] == in[IN_T] && iq[IN_P] == in[IN_P] &&
			    iq[IN_DP] == in[IN_DP]) {
				done[q] = true;
				if (wilkins_usable(e, train[q]))
					rows[n++] = train[q];
			}
		}
		if (n < WILKINS_MIN_RUNS)
			continue;
		struct wilkins_layout L = {in[IN_T], in[IN_P], in[IN_DP], {0}};
		if (wilkins_fit(e, rows, n, L.a) != 0)
			goto nomem;
		void *p = realloc(W->layouts,
				  (W->nlayouts + 1) * sizeof *W->layouts);
		if (!p)
			goto nomem;
		W->layouts = p;
		W->layouts[W->nlayouts++] = L;
	}
	free(rows);
	free(done);
	return W;
nomem:
	snprintf(err, errlen, "wilkins: out of memory");
fail:
	free(rows);
	free(done);
	wilkins_free(W);
	return NULL;
}

static double wilkins_score(const void *state, const struct eval_group *e,
			    size_t i)
{
	const struct wilkins *W = state;
	const double *in = row_inputs(e, i);
	const double *a = W->pooled;
	for (size_t l = 0; l < W->nlayouts; l++) {
		const struct wilkins_layout *L = &W->layouts[l];
		if (L->t == in[IN_T] && L->p == in[IN_P] &&
		    L->dp == in[IN_DP]) {
			a = L->a;
			break;
		}
	}
	double x[WILKINS_NCOEF];
	wilkins_terms(in, x);
	double E = a[0] * x[0] + a[1] * x[1] + a[2] * x[2];
	return isfinite(E) ? E : NAN;
}

/* ---- roofline (LLMCarbon-style) ---------------------------------------- */

/* Datasheet figures per GPU: dense BF16 tensor throughput (no sparsity),
 * HBM bandwidth and board power (TDP), from NVIDIA's data sheets:
 *   A100 SXM4 80GB  312 TFLOP/s, 2.039 TB/s, 400 W (40GB: 1.555 TB/s)
 *   H100 SXM5       989 TFLOP/s, 3.35 TB/s,  700 W
 *   H100 PCIe       756 TFLOP/s, 2.0 TB/s,   350 W
 *   H200 SXM        989 TFLOP/s, 4.8 TB/s,   700 W
 *   B200 (HGX)     2250 TFLOP/s, 8.0 TB/s,  1000 W
 *   GH200           989 TFLOP/s, 4.0 TB/s,   900 W (96 GB HBM3; the power
 *                   is the superchip's, CPU and memory included)
 * Matched by substring of the hardware label, ignoring case, first match
 * wins: GH200 comes before H200 (which it contains), and the 40GB A100 and
 * PCIe H100 before their general entries. A label that matches nothing
 * (and a GB200, which matches B200) gets the nearest figures; since every
 * run of a fit shares one scale factor, a constant error in them is
 * absorbed by the scale. */
struct gpu_sheet {
	const char *match, *also; /* substrings; also may be NULL */
	double peak_tflops, bandwidth_tbs, tdp_w;
};

static const struct gpu_sheet gpu_sheets[] = {
	{"GH200", NULL, 989, 4.0, 900},	  /* before H200, a part of its name */
	{"B200", NULL, 2250, 8.0, 1000},  /* GB200 too */
	{"H200", NULL, 989, 4.8, 700},	  /* SXM */
	{"H100", "PCIe", 756, 2.0, 350},  /* before the SXM entry */
	{"H100", NULL, 989, 3.35, 700},	  /* SXM5 */
	{"A100", "40G", 312, 1.555, 400}, /* before the 80GB entry */
	{"A100", NULL, 312, 2.039, 400},  /* SXM4 80GB */
};
/* Unknown hardware: the H100 SXM figures. */
static const struct gpu_sheet gpu_sheet_unknown = {"", NULL, 989, 3.35, 700};
#define GPU_SHEET_DEFAULT (&gpu_sheet_unknown)

static bool contains_nocase(const char *s, const char *part)
{
	size_t n = strlen(part);
	for (; *s; s++) {
		size_t k = 0;
		while (k < n && s[k] &&
		       tolower((unsigned char)s[k]) ==
			       tolower((unsigned char)part[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

static const struct gpu_sheet *gpu_sheet_of(const char *hardware)
{
	if (!hardware)
		return GPU_SHEET_DEFAULT;
	for (size_t i = 0; i < sizeof gpu_sheets / sizeof *gpu_sheets; i++) {
		const struct gpu_sheet *s = &gpu_sheets[i];
		if (contains_nocase(hardware, s->match) &&
		    (!s->also || contains_nocase(hardware, s->also)))
			return s;
	}
	return GPU_SHEET_DEFAULT;
}

/* Unscaled energy (J) of one request: n GPUs at TDP for the roofline time.
 * The time on n GPUs is the larger of compute time and memory time for
 * prefill (2*Na FLOPs per input token; one pass of the weights, shared by
 * the batch) plus the same for decode (2*Na FLOPs per output token; per
 * step the Weff GB of weights, shared by the batch of B, and the request's
 * KVr MB of KV cache). Both divide by n, so n GPUs for 1/n of the time: n
 * cancels and is left out, which keeps layouts that do the same work
 * exactly tied (this model cannot tell layouts apart; that is its
 * weakness, and the evaluation should show it). A utilisation factor
 * would divide both times alike and so fold into the fitted scale. */
static double roofline_energy(const struct eval_group *e, size_t i)
{
	const double *in = row_inputs(e, i);
	const struct profile_run *r = row_run(e, i);
	const struct gpu_sheet *s =
		gpu_sheet_of(e->set->workloads[r->workload].hardware);
	double peak = s->peak_tflops * 1e12,
	       bandwidth = s->bandwidth_tbs * 1e12;
	double B = in[IN_B] >= 1 ? in[IN_B] : 1;
	double weights = in[IN_WEFF] * 1e9 / B;
	double flops_per_token = 2 * in[IN_NA] * 1e9;
	double prefill =
		fmax(flops_per_token * in[IN_I] / peak, weights / bandwidth);
	double decode =
		in[IN_O] * fmax(flops_per_token / peak,
				(weights + in[IN_KVR] * 1e6) / bandwidth);
	double E = s->tdp_w * (prefill + decode);
	return E > 0 && isfinite(E) ? E : NAN;
}

struct roofline {
	double scale;
};

/* The one free parameter: log scale = mean of log(measured / unscaled),
 * the least-squares fit in log space, so a 2x miss counts the same on a
 * small run as on a large one. */
static void *roofline_train(const struct eval_group *e, const size_t *train,
			    size_t ntrain, char *err, size_t errlen)
{
	if (no_training_runs("roofline", ntrain, err, errlen))
		return NULL;
	double sum = 0;
	size_t n = 0;
	for (size_t r = 0; r < ntrain; r++) {
		double E = roofline_energy(e, train[r]);
		double y = e->g->energy.y[train[r]];
		if (!(E > 0) || !(y > 0))
			continue;
		sum += log(y / E);
		n++;
	}
	if (!n) {
		snprintf(err, errlen,
			 "roofline: no training run with a usable roofline "
			 "time");
		return NULL;
	}
	struct roofline *R = malloc(sizeof *R);
	if (!R) {
		snprintf(err, errlen, "roofline: out of memory");
		return NULL;
	}
	R->scale = exp(sum / (double)n);
	return R;
}

static double roofline_score(const void *state, const struct eval_group *e,
			     size_t i)
{
	const struct roofline *R = state;
	return R->scale * roofline_energy(e, i);
}

static void roofline_free(void *state)
{
	free(state);
}

/* ---- gradient-boosted trees (XGBoost) ---------------------------------- */

#ifdef HAVE_XGBOOST

/* Every model input but Lh, which is L*h and adds nothing a tree can use. */
static const enum model_input xgb_features[] = {
	IN_T, IN_P,  IN_DP, IN_N, IN_B, IN_I,	 IN_O,	 IN_V, IN_VE, IN_NP,
	IN_NA, IN_BITS, IN_L, IN_H, IN_KV, IN_E, IN_K, IN_WEFF, IN_KVR, IN_X,
};
#define XGB_NFEATURES (sizeof xgb_features / sizeof *xgb_features)

/* Modest, fixed settings, not tuned per data set (a tuned baseline would
 * need its own validation split, and the evaluation's training sets are
 * often ten runs): 200 rounds of depth-4 trees at learning rate 0.1 on
 * squared error of log energy, exact split search, one thread and a fixed
 * seed, so that two trainings on the same rows give the same trees. */
#define XGB_ROUNDS 200
static const char *const xgb_params[][2] = {
	{"objective", "reg:squarederror"},
	{"max_depth", "4"},
	{"eta", "0.1"},
	{"tree_method", "exact"},
	{"nthread", "1"},
	{"seed", "0"},
	{"verbosity", "0"},
};

struct xgb {
	BoosterHandle booster;
	/* Predictions for every row of the group trained on, made at once
	 * because one call per row would build a matrix per row. */
	const struct dataset_group *g;
	double *pred;
};

static void xgb_error(char *err, size_t errlen, const char *what)
{
	const char *why = XGBGetLastError();
	snprintf(err, errlen, "xgboost: %s: %s", what,
		 why && *why ? why : "failed");
}

/* A float matrix of the features of rows (NULL: rows 0..n). Missing
 * inputs (NaN, such as absent vision tokens) stay NaN, XGBoost's "missing"
 * marker. */
static int xgb_matrix(const struct eval_group *e, const size_t *rows, size_t n,
		      DMatrixHandle *out, char *err, size_t errlen)
{
	float *data = malloc((n ? n : 1) * XGB_NFEATURES * sizeof *data);
	if (!data) {
		snprintf(err, errlen, "xgboost: out of memory");
		return -1;
	}
	for (size_t r = 0; r < n; r++) {
		const double *in = row_inputs(e, rows ? rows[r] : r);
		for (size_t f = 0; f < XGB_NFEATURES; f++)
			data[r * XGB_NFEATURES + f] =
				(float)in[xgb_features[f]];
	}
	int ret = 0;
	if (XGDMatrixCreateFromMat(data, n, XGB_NFEATURES, NAN, out) != 0) {
		xgb_error(err, errlen, "building a feature matrix");
		ret = -1;
	}
	free(data);
	return ret;
}

/* Predicted energy (J) of the n rows listed in rows, or of rows 0..n of
 * the group when rows is NULL. */
static int xgb_predict(BoosterHandle booster, const struct eval_group *e,
		       const size_t *rows, size_t n, double *out, char *err,
		       size_t errlen)
{
	DMatrixHandle m;
	if (xgb_matrix(e, rows, n, &m, err, errlen) != 0)
		return -1;
	bst_ulong len = 0;
	const float *pred = NULL;
	int ret = 0;
	if (XGBoosterPredict(booster, m, 0, 0, 0, &len, &pred) != 0) {
		xgb_error(err, errlen, "predicting");
		ret = -1;
	} else if (len != n) {
		snprintf(err, errlen, "xgboost: %llu predictions for %zu rows",
			 (unsigned long long)len, n);
		ret = -1;
	} else {
		for (size_t r = 0; r < n; r++)
			out[r] = exp((double)pred[r]);
	}
	if (XGDMatrixFree(m) != 0 && ret == 0) {
		xgb_error(err, errlen, "freeing a matrix");
		ret = -1;
	}
	return ret;
}

static void xgb_free(void *state)
{
	struct xgb *X = state;
	if (!X)
		return;
	/* Nothing to report an error to from here. */
	if (X->booster)
		(void)XGBoosterFree(X->booster);
	free(X->pred);
	free(X);
}

static void *xgb_train(const struct eval_group *e, const size_t *train,
		       size_t ntrain, char *err, size_t errlen)
{
	if (no_training_runs("xgboost", ntrain, err, errlen))
		return NULL;
	size_t n = e->g->energy.n;
	struct xgb *X = calloc(1, sizeof *X);
	float *label = malloc(ntrain * sizeof *label);
	if (X)
		X->pred = malloc((n ? n : 1) * sizeof *X->pred);
	DMatrixHandle dtrain = NULL;
	if (!X || !label || !X->pred) {
		snprintf(err, errlen, "xgboost: out of memory");
		goto fail;
	}
	double mean = 0;
	for (size_t r = 0; r < ntrain; r++) {
		double y = log(e->g->energy.y[train[r]]);
		label[r] = (float)y;
		mean += y;
	}
	mean /= (double)ntrain;
	if (xgb_matrix(e, train, ntrain, &dtrain, err, errlen) != 0)
		goto fail;
	if (XGDMatrixSetFloatInfo(dtrain, "label", label, ntrain) != 0) {
		xgb_error(err, errlen, "setting the labels");
		goto fail;
	}
	if (XGBoosterCreate(&dtrain, 1, &X->booster) != 0) {
		X->booster = NULL;
		xgb_error(err, errlen, "creating the booster");
		goto fail;
	}
	for (size_t p = 0; p < sizeof xgb_params / sizeof *xgb_params; p++)
		if (XGBoosterSetParam(X->booster, xgb_params[p][0],
				      xgb_params[p][1]) != 0) {
			xgb_error(err, errlen, "setting a parameter");
			goto fail;
		}
	/* Start from the mean log energy rather than XGBoost's 0.5, so the
	 * 200 rounds go to the shape and not to reaching the level. */
	char base[32];
	snprintf(base, sizeof base, "%.9g", mean);
	if (XGBoosterSetParam(X->booster, "base_score", base) != 0) {
		xgb_error(err, errlen, "setting base_score");
		goto fail;
	}
	for (int it = 0; it < XGB_ROUNDS; it++)
		if (XGBoosterUpdateOneIter(X->booster, it, dtrain) != 0) {
			xgb_error(err, errlen, "training");
			goto fail;
		}
	if (XGDMatrixFree(dtrain) != 0) {
		dtrain = NULL;
		xgb_error(err, errlen, "freeing a matrix");
		goto fail;
	}
	dtrain = NULL;
	if (xgb_predict(X->booster, e, NULL, n, X->pred, err, errlen) != 0)
		goto fail;
	X->g = e->g;
	free(label);
	return X;
fail:
	if (dtrain)
		(void)XGDMatrixFree(dtrain);
	free(label);
	xgb_free(X);
	return NULL;
}

static double xgb_score(const void *state, const struct eval_group *e, size_t i)
{
	const struct xgb *X = state;
	if (e->g == X->g)
		return X->pred[i];
	/* Another group (a transfer): predict this row alone. */
	char err[256];
	double E;
	if (xgb_predict(X->booster, e, &i, 1, &E, err, sizeof err) != 0)
		return NAN;
	return E;
}

static const struct baseline_kind xgboost_kind = {
	.name = "xgboost",
	.reference = false,
	.predicts_energy = true,
	.train = xgb_train,
	.score = xgb_score,
	.free = xgb_free,
};

#endif /* HAVE_XGBOOST */

/* ---- the list ----------------------------------------------------------- */

static const struct baseline_kind latency_proxy_kind = {
	.name = "latency-proxy",
	.reference = true,
	.predicts_energy = false,
	.train = latency_proxy_train,
	.score = latency_proxy_score,
	.free = reference_free,
};

static const struct baseline_kind gpu_seconds_kind = {
	.name = "gpu-seconds",
	.reference = true,
	.predicts_energy = false,
	.train = gpu_seconds_train,
	.score = gpu_seconds_score,
	.free = reference_free,
};

static const struct baseline_kind wilkins_kind = {
	.name = "wilkins",
	.reference = false,
	.predicts_energy = true,
	.train = wilkins_train,
	.score = wilkins_score,
	.free = wilkins_free,
};

static const struct baseline_kind roofline_kind = {
	.name = "roofline",
	.reference = false,
	.predicts_energy = true,
	.train = roofline_train,
	.score = roofline_score,
	.free = roofline_free,
};

const struct baseline_kind *const baseline_kinds[] = {
	&latency_proxy_kind,
	&gpu_seconds_kind,
	&wilkins_kind,
	&roofline_kind,
#ifdef HAVE_XGBOOST
	&xgboost_kind,
#endif
	NULL,
};

const struct baseline_kind *baseline_find(const char *name)
{
	for (size_t i = 0; baseline_kinds[i]; i++)
		if (strcmp(baseline_kinds[i]->name, name) == 0)
			return baseline_kinds[i];
	return NULL;
}
