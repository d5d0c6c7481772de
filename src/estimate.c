/* Estimates and the confidence of a choice; see estimate.h. */
#include "estimate.h"
#include "chol.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "expr.h"

#define K ESTIMATE_KINDS
/* runs at a layout for its offset to inform the layouts' spread */
#define ESTIMATE_LAYOUT_RUNS 3
/* rounds of EM for the noise and the offsets' spread */
#define ESTIMATE_EM_ROUNDS 8

const char *estimate_basis_name(enum estimate_basis b)
{
	switch (b) {
	case BASIS_BOTH:
		return "both";
	case BASIS_MEASURED:
		return "measured";
	default:
		return "predicted";
	}
}

/* ---- small linear algebra ----------------------------------------------- */

/* Cholesky of a (n x n) into l without help; false when a is not
 * positive definite on its nonzero rows. */
static bool cholesky_plain(const double *a, size_t n, double *l)
{
	memset(l, 0, n * n * sizeof *l);
	for (size_t j = 0; j < n; j++) {
		if (a[j * n + j] == 0)
			continue; /* a parameter held: no uncertainty */
		double d = a[j * n + j];
		for (size_t k = 0; k < j; k++)
			d -= l[j * n + k] * l[j * n + k];
		if (!(d > 0) || !isfinite(d))
			return false;
		double s = sqrt(d);
		l[j * n + j] = s;
		for (size_t i = j + 1; i < n; i++) {
			if (a[i * n + i] == 0)
				continue;
			double v = a[i * n + j];
			for (size_t k = 0; k < j; k++)
				v -= l[i * n + k] * l[j * n + k];
			l[i * n + j] = v / s;
		}
	}
	return true;
}

bool estimate_cholesky(const double *a, size_t n, double *l)
{
	if (n > MODEL_MAX_PARAMS)
		return false;
	double b[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	memcpy(b, a, n * n * sizeof *b);
	double scale = 0;
	for (size_t i = 0; i < n; i++)
		scale = fmax(scale, fabs(a[i * n + i]));
	/* a covariance from a nearly singular Jacobian can be a rounding
	 * away from positive definite: a little more variance on the
	 * diagonal costs nothing that matters */
	for (double jitter = 1e-12; jitter < 1e-2; jitter *= 100) {
		if (cholesky_plain(b, n, l))
			return true;
		for (size_t i = 0; i < n; i++)
			if (a[i * n + i] != 0)
				b[i * n + i] = a[i * n + i] + jitter * scale;
	}
	return false;
}

/* x = a^-1 b for the symmetric positive definite K x K a, and inv = a^-1
 * (either may be NULL); false when a is not positive definite. */
static bool spd_solve(const double *a, const double *b, double *x, double *inv)
{
	double l[K * K];
	if (!cholesky_plain(a, K, l))
		return false;
	for (size_t c = 0; c <= K; c++) {
		/* columns of the identity for the inverse, then b */
		double rhs[K], y[K];
		if (c < K) {
			if (!inv)
				continue;
			for (size_t i = 0; i < K; i++)
				rhs[i] = i == c;
		} else {
			if (!x)
				break;
			memcpy(rhs, b, sizeof rhs);
		}
		chol_solve(l, K, rhs, y);
		if (c < K)
			for (size_t i = 0; i < K; i++)
				inv[i * K + c] = y[i];
		else
			memcpy(x, y, sizeof y);
	}
	return true;
}

/* ---- the prediction, term kind by term kind ----------------------------- */

/* Each kind's share of the prediction at params into s; false when the
 * prediction is not a finite positive energy. */
static bool kind_sums(const struct model *m, const double *in,
		      const double *params, double *s)
{
	double terms[MODEL_MAX_TERMS];
	double total = model_predict(m, in, params, terms);
	memset(s, 0, K * sizeof *s);
	if (!(total > 0) || !isfinite(total))
		return false;
	for (size_t t = 0; t < m->nterms; t++)
		s[m->terms[t].kind] += terms[t];
	return true;
}

static double offset_log(const double *s, const double *offset)
{
	double p = 0;
	for (size_t k = 0; k < K; k++)
		p += exp(offset[k]) * s[k];
	return log(p);
}

/* ---- building ----------------------------------------------------------- */

struct row {
	double s[K]; /* kind sums at the fitted parameters */
	double logy;
	double e; /* the residual after the workload's offsets */
	size_t workload;
	const double *in;
	bool ok;
};

static int cmp_double(double a, double b)
{
	return (a > b) - (a < b);
}

/* by workload, then layout */
static int by_workload(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	if (a->workload != b->workload)
		return (a->workload > b->workload) -
		       (a->workload < b->workload);
	/* then batch and lengths: replicates lie side by side */
	static const int keys[] = {IN_T, IN_P, IN_DP, IN_B, IN_I, IN_O};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (a->in[keys[k]] != b->in[keys[k]])
			return cmp_double(a->in[keys[k]], b->in[keys[k]]);
	return 0;
}

/* The same workload, layout and batch size: the block of sorted rows
 * where a replicate can be. */
static bool same_block(const double *a, size_t wa, const double *b, size_t wb)
{
	return wa == wb && a[IN_T] == b[IN_T] && a[IN_P] == b[IN_P] &&
	       a[IN_DP] == b[IN_DP] && a[IN_B] == b[IN_B];
}

static bool same_layout(const struct row *a, const struct row *b)
{
	return a->workload == b->workload && a->in[IN_T] == b->in[IN_T] &&
	       a->in[IN_P] == b->in[IN_P] && a->in[IN_DP] == b->in[IN_DP];
}

/* The layouts' offsets from the residuals r[].e: the spread of a
 * layout's mean about 0 beyond the noise (moments), then each mean shrunk
 * by it; dof (per workload, by g->w's order) gets what they use, and the
 * group's noise becomes what is left. */
static bool layout_offsets(struct estimate_group *g, const struct row *r,
			   size_t n, double *dof)
{
	double within = 0, means2 = 0, share = 0;
	size_t wdof = 0, nl = 0, told = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a, c = 0;
		double sum = 0, sq = 0;
		for (; b < n && same_layout(&r[a], &r[b]); b++)
			if (r[b].ok) {
				sum += r[b].e;
				sq += r[b].e * r[b].e;
				c++;
			}
		if (c) {
			within += sq - sum * sum / (double)c;
			wdof += c - 1;
			means2 += (sum / (double)c) * (sum / (double)c);
			share += 1.0 / (double)c;
			nl++;
			told += c >= ESTIMATE_LAYOUT_RUNS;
		}
		a = b;
	}
	double noise = wdof ? fmax(within / (double)wdof, 1e-6) : g->model_var;
	double floor_var = ESTIMATE_MIN_BETWEEN_SD * ESTIMATE_MIN_BETWEEN_SD;
	g->layout_var =
		nl ? fmax(means2 / (double)nl - noise * share / (double)nl,
			  floor_var)
		   : floor_var;
	g->l = calloc(nl + 1, sizeof *g->l);
	if (!g->l)
		return false;
	/* EM for the two variances, from the noise for both: with one or
	 * two runs at most layouts the moments alone cannot tell a
	 * layout's departure from noise, and EM started near 0 stays
	 * there */
	g->layout_var = fmax(g->layout_var, noise);
	for (int em = 0; em < 4 * ESTIMATE_EM_ROUNDS && told; em++) {
		double sq = 0, left = 0;
		size_t runs = 0, spread_from = 0;
		for (size_t a = 0; a < n;) {
			size_t b = a, c = 0;
			double sum = 0, ss = 0;
			for (; b < n && same_layout(&r[a], &r[b]); b++)
				if (r[b].ok) {
					sum += r[b].e;
					ss += r[b].e * r[b].e;
					c++;
				}
			if (c) {
				double u = sum /
					   ((double)c + noise / g->layout_var);
				double v = 1 / ((double)c / noise +
						1 / g->layout_var);
				/* a layout measured once is a residual the
				 * workload's offsets took in: it says
				 * nothing of how layouts depart */
				if (c >= ESTIMATE_LAYOUT_RUNS) {
					sq += u * u + v;
					spread_from++;
				}
				left += ss - 2 * u * sum +
					(double)c * (u * u + v);
				runs += c;
			}
			a = b;
		}
		g->layout_var = fmax(sq / (double)spread_from, floor_var);
		noise = fmax(left / (double)runs, 1e-6);
	}
	size_t wi = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a, c = 0;
		double sum = 0;
		for (; b < n && same_layout(&r[a], &r[b]); b++)
			if (r[b].ok) {
				sum += r[b].e;
				c++;
			}
		while (wi < g->nw && g->w[wi].workload != r[a].workload)
			wi++;
		if (c && told) {
			struct estimate_layout *L = &g->l[g->nl++];
			double lambda = noise / g->layout_var;
			*L = (struct estimate_layout){
				r[a].workload,
				r[a].in[IN_T],
				r[a].in[IN_P],
				r[a].in[IN_DP],
				sum / ((double)c + lambda),
				1 / ((double)c / noise + 1 / g->layout_var),
				sum,
				c};
			double s = 0;
			for (size_t i = a; i < b; i++)
				if (r[i].ok)
					s += (r[i].e - L->offset) *
					     (r[i].e - L->offset);
			double d = (double)c / ((double)c + lambda);
			if (wi < g->nw) {
				dof[wi] += d;
				/* per workload: its residuals' sum of
				 * squares, for the shrinkage after */
				g->w[wi].model_var += s;
			}
		} else if (c && wi < g->nw) {
			/* no layout measured often enough to tell how
			 * layouts depart: no layout factors */
			for (size_t i = a; i < b; i++)
				if (r[i].ok)
					g->w[wi].model_var += r[i].e * r[i].e;
		}
		a = b;
	}
	g->layout_noise = noise;
	if (!told)
		g->layout_var = 0;
	else if (nl)
		g->model_var = noise;
	return true;
}

static bool near(double a, double b)
{
	return a == b || fabs(a - b) <= SELECT_MEASURED_TOLERANCE *
						fmax(fabs(a), fabs(b));
}

/* Two runs of one workload at the same configuration: a replicate. */
static bool same_config(const double *a, const double *b)
{
	return a[IN_T] == b[IN_T] && a[IN_P] == b[IN_P] &&
	       a[IN_DP] == b[IN_DP] && a[IN_B] == b[IN_B] &&
	       near(a[IN_I], b[IN_I]) && near(a[IN_O], b[IN_O]);
}

/* ---- the noise of a measurement ---------------------------------------- */

/* Rows sorted by workload, layout, input and output length and batch (qsort
 * has no context: the rows ride along with each index). */
struct noise_item {
	const struct estimate_rows *r;
	size_t i;
	double v; /* log energy per output token */
};

static const double *noise_in(const struct noise_item *a)
{
	return a->r->inputs + a->i * MODEL_NINPUTS;
}

static int by_series(const void *x, const void *y)
{
	const struct noise_item *a = x, *b = y;
	size_t wa = a->r->workload[a->i], wb = b->r->workload[b->i];
	if (wa != wb)
		return (wa > wb) - (wa < wb);
	static const int keys[] = {IN_T, IN_P, IN_DP, IN_I, IN_O, IN_B};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (noise_in(a)[keys[k]] != noise_in(b)[keys[k]])
			return cmp_double(noise_in(a)[keys[k]],
					  noise_in(b)[keys[k]]);
	return 0;
}

/* One batch size of a series: log B, the mean log energy per output
 * token and the runs averaged. */
struct noise_point {
	double x, y;
	size_t m;
};

static int by_x(const void *x, const void *y)
{
	const struct noise_point *a = x, *b = y;
	return cmp_double(a->x, b->x);
}

/* Whether b belongs to the series that a starts: one workload and layout,
 * the input length within SELECT_MEASURED_TOLERANCE, the output within
 * ESTIMATE_SERIES_OUTPUT (it varies from run to run; a sweep of output
 * lengths steps by factors of 2). */
static bool same_series(const struct noise_item *a, const struct noise_item *b)
{
	const double *x = noise_in(a), *y = noise_in(b);
	return a->r->workload[a->i] == b->r->workload[b->i] &&
	       x[IN_T] == y[IN_T] && x[IN_P] == y[IN_P] &&
	       x[IN_DP] == y[IN_DP] && near(x[IN_I], y[IN_I]) &&
	       fabs(x[IN_O] - y[IN_O]) <=
		       ESTIMATE_SERIES_OUTPUT * fmax(x[IN_O], y[IN_O]);
}

/* One series' points (sorted by batch): into z, each replicate's
 * departure from its point's mean and each inner point's departure from
 * the curve through its neighbours (log energy per token against log
 * batch: the parabola through three of them where the series has four
 * batches or more, else the line through two; the line alone took the
 * bend of a batch sweep for noise, 5.0% against 4.0% over the ML.ENERGY
 * runs), both scaled to one run's standard deviation; how many. */
static size_t series_z(const struct noise_item *it, size_t n,
		       struct noise_point *p, double *z,
		       struct estimate_noise *acc)
{
	size_t np = 0, nz = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a;
		double sum = 0;
		for (;
		     b < n && noise_in(&it[b])[IN_B] == noise_in(&it[a])[IN_B];
		     b++)
			sum += it[b].v;
		size_t m = b - a;
		double mean = sum / (double)m;
		/* m deviations from their mean hold m - 1 runs' variance */
		for (size_t i = a; m > 1 && i < b; i++)
			z[nz++] = (it[i].v - mean) *
				  sqrt((double)m / (double)(m - 1));
		acc->replicate_sets += m > 1;
		acc->replicate_runs += m > 1 ? m : 0;
		p[np++] = (struct noise_point){log(noise_in(&it[a])[IN_B]),
					       mean, m};
		a = b;
	}
	qsort(p, np, sizeof *p, by_x);
	for (size_t j = 1; j + 1 < np; j++) {
		size_t nb[3] = {j - 1, j + 1, j + 2};
		size_t k = 2;
		if (np >= 4) {
			k = 3;
			if (j + 2 >= np) {
				nb[0] = j - 2;
				nb[1] = j - 1;
				nb[2] = j + 1;
			}
		}
		/* Lagrange weights of the neighbours' curve at p[j].x */
		double wgt[3], d = p[j].y, scale = 1 / (double)p[j].m;
		for (size_t i = 0; i < k; i++) {
			wgt[i] = 1;
			for (size_t l = 0; l < k; l++)
				if (l != i)
					wgt[i] *= (p[j].x - p[nb[l]].x) /
						  (p[nb[i]].x - p[nb[l]].x);
			d -= wgt[i] * p[nb[i]].y;
			scale += wgt[i] * wgt[i] / (double)p[nb[i]].m;
		}
		z[nz++] = d / sqrt(scale);
		acc->inner_points++;
	}
	return nz;
}

static int by_value(const void *x, const void *y)
{
	return cmp_double(*(const double *)x, *(const double *)y);
}

bool estimate_noise_add(const struct estimate_rows *rows,
			struct estimate_noise *acc)
{
	size_t n = rows->n, k = 0, nz = 0;
	struct noise_item *it = malloc((n + 1) * sizeof *it);
	struct noise_point *p = malloc((n + 1) * sizeof *p);
	/* a run is a replicate's deviation or an inner point once */
	double *z = malloc((2 * n + 1) * sizeof *z);
	if (!it || !p || !z) {
		free(it);
		free(p);
		free(z);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const double *x = rows->inputs + i * MODEL_NINPUTS;
		double v = log(rows->y[i] / x[IN_O]);
		if (isfinite(v) && x[IN_B] > 0)
			it[k++] = (struct noise_item){rows, i, v};
	}
	qsort(it, k, sizeof *it, by_series);
	for (size_t a = 0; a < k;) {
		size_t b = a;
		while (b < k && same_series(&it[a], &it[b]))
			b++;
		/* the series' runs, by batch (sorted by output before it) */
		struct noise_item *s = it + a;
		for (size_t i = 1; i < b - a; i++)
			for (size_t j = i;
			     j > 0 &&
			     noise_in(&s[j - 1])[IN_B] > noise_in(&s[j])[IN_B];
			     j--) {
				struct noise_item t = s[j];
				s[j] = s[j - 1];
				s[j - 1] = t;
			}
		nz += series_z(s, b - a, p, z + nz, acc);
		a = b;
	}
	/* the median of |z|, a normal's at 0.6745 standard deviations: a
	 * knee in a curve (the batch where the engine saturates) makes a
	 * few large departures that a mean of squares would take for noise */
	for (size_t i = 0; i < nz; i++)
		z[i] = fabs(z[i]);
	qsort(z, nz, sizeof *z, by_value);
	if (nz) {
		double med =
			nz % 2 ? z[nz / 2] : (z[nz / 2 - 1] + z[nz / 2]) / 2;
		double sd = med / 0.6744897501960817;
		double df = ESTIMATE_MEDIAN_EFFICIENCY * (double)nz;
		acc->ss += df * sd * sd;
		acc->df += df;
	}
	free(it);
	free(p);
	free(z);
	return true;
}

double estimate_noise_var(const struct estimate_noise *acc)
{
	double prior = ESTIMATE_MEASUREMENT_SD * ESTIMATE_MEASUREMENT_SD;
	return fmax((acc->ss + ESTIMATE_MEASUREMENT_PRIOR_DF * prior) /
			    (acc->df + ESTIMATE_MEASUREMENT_PRIOR_DF),
		    1e-6);
}

/* One measurement's variance, as a configuration choice sees it (log
 * energy per output token): the replicates' spread about their means and
 * each run's departure from the curve through its neighbours at the
 * batch sizes about it (estimate_noise_add), over the group, with
 * ESTIMATE_MEASUREMENT_SD as a prior worth
 * ESTIMATE_MEASUREMENT_PRIOR_DF degrees of freedom. A group has a few
 * replicates at most (the ML.ENERGY H100 runs: two pairs, 9% and 17%
 * apart): two degrees of freedom, uncertain by a factor of 4 either way,
 * and they overstated the noise (a ceiling 10 points below the model's
 * held-out Top-1); the batch sweeps give hundreds. False when out of
 * memory. */
static bool measurement_noise(struct estimate_group *g,
			      const struct estimate_rows *rows)
{
	struct estimate_noise acc = {0};
	if (!estimate_noise_add(rows, &acc))
		return false;
	g->replicate_sets = acc.replicate_sets;
	g->meas_var = estimate_noise_var(&acc);
	return true;
}

/* The group's noise and between-workload variance from the pooled fit's
 * residuals (method of moments): the noise is the spread of a workload's
 * residuals about their mean, pooled; the between variance what the
 * workloads' means spread by beyond what the noise explains. */
static void moments(struct estimate_group *g, const struct row *r, size_t n)
{
	double within = 0, means2 = 0, noise_share = 0, all = 0;
	size_t dof = 0, nw = 0, used = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a;
		double sum = 0, sq = 0;
		size_t c = 0;
		for (; b < n && r[b].workload == r[a].workload; b++)
			if (r[b].ok) {
				double e = r[b].logy -
					   offset_log(r[b].s, (double[K]){0});
				sum += e;
				sq += e * e;
				c++;
			}
		if (c) {
			double mean = sum / (double)c;
			within += sq - sum * mean;
			all += sq;
			dof += c - 1;
			means2 += mean * mean;
			noise_share += 1.0 / (double)c;
			nw++;
			used += c;
		}
		a = b;
	}
	double noise = dof    ? within / (double)dof
		       : used ? all / (double)used / 2
			      : 0.01;
	double floor_var = ESTIMATE_MIN_BETWEEN_SD * ESTIMATE_MIN_BETWEEN_SD;
	g->model_var = fmax(noise, 1e-6);
	double between =
		nw ? fmax(means2 / (double)nw -
				  g->model_var * noise_share / (double)nw,
			  floor_var)
		   : floor_var;
	for (size_t k = 0; k < K; k++)
		g->between_var[k] = between;
}

/* One workload's offsets: Gauss-Newton on the log residuals with a ridge
 * pull toward 0 (noise / between variance); their posterior covariance
 * and the hat matrix's trace (the degrees of freedom they use). */
static void fit_offsets(const struct estimate_group *g, const struct row *r,
			size_t n, struct estimate_workload *w, double *dof,
			double *cov)
{
	double off[K] = {0};
	double nv = g->model_var;
	const double *pv = g->between_var;
	bool solved = false;
	for (int it = 0; it < 20; it++) {
		double a[K * K] = {0}, b[K] = {0};
		for (size_t i = 0; i < n; i++) {
			if (!r[i].ok)
				continue;
			double lp = offset_log(r[i].s, off), p = exp(lp);
			double j[K], e = r[i].logy - lp;
			for (size_t k = 0; k < K; k++)
				j[k] = exp(off[k]) * r[i].s[k] / p;
			for (size_t k = 0; k < K; k++) {
				b[k] += j[k] * e / nv;
				for (size_t l = 0; l < K; l++)
					a[k * K + l] += j[k] * j[l] / nv;
			}
		}
		for (size_t k = 0; k < K; k++) {
			a[k * K + k] += 1 / pv[k];
			b[k] -= off[k] / pv[k];
		}
		double step[K];
		if (!spd_solve(a, b, step, cov))
			break;
		solved = true;
		double size = 0;
		for (size_t k = 0; k < K; k++) {
			/* a step past a factor of e is no Newton step any
			 * more: halve it toward the prior */
			off[k] += fmax(fmin(step[k], 1), -1);
			size = fmax(size, fabs(step[k]));
		}
		if (size < 1e-8)
			break;
	}
	if (!solved) {
		memset(off, 0, sizeof off);
		memset(cov, 0, K * K * sizeof *cov);
		for (size_t k = 0; k < K; k++)
			cov[k * K + k] = pv[k];
	}
	memcpy(w->offset, off, sizeof off);
	/* the trace of the hat matrix: sum over k of 1 - cov_kk / pv */
	*dof = 0;
	for (size_t k = 0; k < K; k++)
		*dof += 1 - cov[k * K + k] / pv[k];
	if (!cholesky_plain(cov, K, w->chol))
		memset(w->chol, 0, sizeof w->chol);
}

static double residual_ss(const struct row *r, size_t n, const double *off,
			  size_t *used)
{
	double ss = 0;
	*used = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].ok) {
			double e = r[i].logy - offset_log(r[i].s, off);
			ss += e * e;
			(*used)++;
		}
	return ss;
}

static bool param_chol(struct estimate_group *g, const double *cov)
{
	size_t p = g->nparams;
	if (!cov)
		return true;
	g->chol = malloc(p * p * sizeof *g->chol);
	if (!g->chol)
		return false;
	bool finite = true;
	for (size_t i = 0; i < p * p; i++)
		finite = finite && isfinite(cov[i]);
	if (!finite || !estimate_cholesky(cov, p, g->chol)) {
		/* no usable covariance: the parameters taken as known */
		free(g->chol);
		g->chol = NULL;
	}
	return true;
}

static void layout_of(const struct estimate_group *g,
		      const struct estimate_workload *w, const double *in,
		      double *offset, double *var);

/* Each workload's level: the mean of r[].e less its layouts' offsets.
 * The offsets are shrunk toward the group, so a workload's runs are left
 * a common departure; a measured candidate carries it in its
 * measurement, and without it an unmeasured one would be compared on
 * another footing (eval's partial protocol: Top-1 78.4% -> 79.6%). */
static void levels(struct estimate_group *g, const struct row *r, size_t n)
{
	for (size_t a = 0, wi = 0; a < n;) {
		size_t b = a, c = 0;
		double sum = 0;
		while (wi < g->nw && g->w[wi].workload != r[a].workload)
			wi++;
		for (; b < n && r[b].workload == r[a].workload; b++) {
			double lo, lv;
			if (!r[b].ok || wi == g->nw)
				continue;
			layout_of(g, &g->w[wi], r[b].in, &lo, &lv);
			sum += r[b].e - lo;
			c++;
		}
		if (c)
			g->w[wi].level = sum / (double)c;
		a = b;
	}
}

static void loo_vars(struct estimate_group *g, const struct row *r, size_t n);

int estimate_build(struct estimate_group *g, const struct model *m,
		   const double *params, const double *cov, size_t nparams,
		   const struct estimate_rows *rows)
{
	memset(g, 0, sizeof *g);
	g->m = m;
	g->nparams = nparams < MODEL_MAX_PARAMS ? nparams : MODEL_MAX_PARAMS;
	memcpy(g->params, params, g->nparams * sizeof *params);
	g->inflate = 1;
	size_t n = rows->n;
	struct row *r = malloc((n + 1) * sizeof *r);
	if (!r || !param_chol(g, cov)) {
		free(r);
		estimate_free(g);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		r[i].in = rows->inputs + i * MODEL_NINPUTS;
		r[i].workload = rows->workload[i];
		r[i].logy = log(rows->y[i]);
		r[i].ok = isfinite(r[i].logy) &&
			  kind_sums(m, r[i].in, params, r[i].s);
	}
	qsort(r, n, sizeof *r, by_workload);
	if (!measurement_noise(g, rows)) {
		free(r);
		estimate_free(g);
		return -1;
	}
	moments(g, r, n);
	size_t nw = 0;
	for (size_t i = 0; i < n; i++)
		nw += i == 0 || r[i].workload != r[i - 1].workload;
	g->w = calloc(nw + 1, sizeof *g->w);
	double *dof = calloc(nw + 1, sizeof *dof);
	if (!g->w || !dof) {
		free(dof);
		free(r);
		estimate_free(g);
		return -1;
	}
	/* the offsets, then the noise left after them and the offsets'
	 * spread, again (EM for the two variances, from the moments' start) */
	for (int em = 0; em < ESTIMATE_EM_ROUNDS; em++) {
		double ss = 0, used_dof = 0, spread[K] = {0};
		size_t used = 0;
		g->nw = 0;
		for (size_t a = 0; a < n;) {
			size_t b = a;
			while (b < n && r[b].workload == r[a].workload)
				b++;
			struct estimate_workload *w = &g->w[g->nw];
			w->workload = r[a].workload;
			double post[K * K];
			fit_offsets(g, r + a, b - a, w, &dof[g->nw], post);
			size_t u;
			double s = residual_ss(r + a, b - a, w->offset, &u);
			w->runs = u;
			/* kept for the shrinkage below */
			w->model_var = s;
			ss += s;
			used += u;
			used_dof += dof[g->nw];
			for (size_t k = 0; k < K; k++)
				spread[k] += w->offset[k] * w->offset[k] +
					     post[k * K + k];
			g->nw++;
			a = b;
		}
		if ((double)used > used_dof + 1)
			g->model_var =
				fmax(ss / ((double)used - used_dof), 1e-6);
		/* each offset's own spread: a kind the group's workloads
		 * all follow stays near 0, one they depart on is freed */
		for (size_t k = 0;
		     em + 1 < ESTIMATE_EM_ROUNDS && k < K && g->nw; k++)
			g->between_var[k] =
				fmax(spread[k] / (double)g->nw,
				     ESTIMATE_MIN_BETWEEN_SD *
					     ESTIMATE_MIN_BETWEEN_SD);
	}
	/* what the offsets leave, each layout's share of it */
	for (size_t k = 0; k < g->nw; k++)
		g->w[k].model_var = 0;
	for (size_t a = 0, wi = 0; a < n; a++) {
		while (g->w[wi].workload != r[a].workload)
			wi++;
		r[a].e = r[a].ok ? r[a].logy -
					   offset_log(r[a].s, g->w[wi].offset)
				 : 0;
	}
	if (!layout_offsets(g, r, n, dof)) {
		free(dof);
		free(r);
		estimate_free(g);
		return -1;
	}
	levels(g, r, n);
	loo_vars(g, r, n);
	for (size_t k = 0; k < g->nw; k++) {
		struct estimate_workload *w = &g->w[k];
		double left = fmax((double)w->runs - dof[k], 0);
		w->model_var =
			(w->model_var + ESTIMATE_PRIOR_RUNS * g->model_var) /
			(left + ESTIMATE_PRIOR_RUNS);
	}
	free(dof);
	free(r);
	return 0;
}

void estimate_free(struct estimate_group *g)
{
	free(g->l);
	free(g->chol);
	free(g->w);
	memset(g, 0, sizeof *g);
}

const struct estimate_workload *
estimate_workload(const struct estimate_group *g, size_t workload)
{
	size_t lo = 0, hi = g->nw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->w[mid].workload < workload)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nw && g->w[lo].workload == workload ? &g->w[lo] : NULL;
}

static int layout_key(const struct estimate_layout *l, size_t workload,
		      const double *in)
{
	if (l->workload != workload)
		return (l->workload > workload) - (l->workload < workload);
	double key[3] = {l->tp, l->pp, l->dp};
	for (int k = 0; k < 3; k++)
		if (key[k] != in[IN_T + k])
			return cmp_double(key[k], in[IN_T + k]);
	return 0;
}

static const struct estimate_layout *
find_layout(const struct estimate_group *g, const struct estimate_workload *w,
	    const double *in);

/* The layout's offset and its variance: 0 and the layouts' spread where
 * the workload was not measured at it. */
static void layout_of(const struct estimate_group *g,
		      const struct estimate_workload *w, const double *in,
		      double *offset, double *var)
{
	*offset = 0;
	*var = g->layout_var;
	const struct estimate_layout *l = find_layout(g, w, in);
	if (l) {
		*offset = l->offset;
		*var = l->var;
	}
}

/* The workload's entry at in's layout, or NULL. */
static const struct estimate_layout *
find_layout(const struct estimate_group *g, const struct estimate_workload *w,
	    const double *in)
{
	if (!w || w->runs == 0 || g->layout_var == 0)
		return NULL;
	size_t lo = 0, hi = g->nl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (layout_key(&g->l[mid], w->workload, in) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nl && layout_key(&g->l[lo], w->workload, in) == 0
		       ? &g->l[lo]
		       : NULL;
}

/* ---- estimates ---------------------------------------------------------- */

/* A workload with no run: no offsets, and as unsure of them as the
 * group's workloads spread. */
static void unknown_workload(const struct estimate_group *g,
			     struct estimate_workload *w)
{
	memset(w, 0, sizeof *w);
	for (size_t k = 0; k < K; k++)
		w->chol[k * K + k] = sqrt(g->between_var[k]);
	w->model_var = g->model_var;
}

/* The variance of the prediction's error against the true mean: the
 * residuals' variance holds one measurement's noise, taken out (but never
 * below a quarter of it: the noise is an estimate too). */
static double prediction_var(const struct estimate_group *g,
			     const struct estimate_workload *w)
{
	return fmax(w->model_var - g->meas_var, 0.25 * w->model_var);
}

/* The log prediction of candidate c (kind sums s) and the variance its
 * layout adds. A measured candidate's runs are among those its layout's
 * offset and its workload's level were fitted on: combined with that
 * prediction, its measurements would count twice, and the prediction's
 * error, from residuals its own runs helped make small, would look
 * smaller than it is. Its prediction leaves them out: the layout's offset
 * and level from the workload's other runs (its residual e_c, the mean
 * of its logs less the offsets' prediction, taken out of their sums), the
 * layout's variance from as many runs fewer. */
static double prediction(const struct estimate_group *g,
			 const struct estimate_workload *w,
			 const struct estimate_in *c, const double *s,
			 double *layout_var)
{
	double base = offset_log(s, w->offset);
	const struct estimate_layout *l = find_layout(g, w, c->in);
	double lo = l ? l->offset : 0, level = w->level;
	*layout_var = l ? l->var : g->layout_var;
	/* its runs are among its layout's (where the layout has none, they
	 * are not among the runs this was built from) */
	if (!c->measured || !l || c->measured > l->runs)
		return base + lo + level;
	double m = (double)c->measured, e = c->measured_log - base;
	double left = (double)l->runs - m;
	lo = (l->sum - m * e) / (left + g->layout_noise / g->layout_var);
	*layout_var = 1 / (left / g->layout_noise + 1 / g->layout_var);
	if (w->runs > c->measured)
		level = (level * (double)w->runs - m * (e - l->offset)) /
			(double)(w->runs - c->measured);
	return base + lo + level;
}

/* Each workload's loo_var: its runs' squared residuals from the
 * prediction that leaves their layout's runs of that configuration out,
 * shrunk toward the group's mean square with ESTIMATE_PRIOR_RUNS runs'
 * weight. A residual after offsets fitted on the run itself is smaller
 * than the error of a prediction of it (in-sample, a workload's residual
 * after its offsets and layouts is 2% where its held-out runs miss by
 * 15%): a measurement combined with the prediction by that smaller error
 * was outweighed by it. */
static void loo_vars(struct estimate_group *g, const struct row *r, size_t n)
{
	double all = 0;
	size_t used = 0;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t a = 0, wi = 0; a < n;) {
			size_t b = a, c = 0;
			double ss = 0;
			while (wi < g->nw && g->w[wi].workload != r[a].workload)
				wi++;
			for (; b < n && r[b].workload == r[a].workload; b++) {
				if (!r[b].ok || wi == g->nw)
					continue;
				struct estimate_in one = {r[b].in, r[b].logy,
							  1};
				double lv;
				double e = r[b].logy - prediction(g, &g->w[wi],
								  &one, r[b].s,
								  &lv);
				ss += e * e;
				c++;
			}
			if (pass == 0) {
				all += ss;
				used += c;
			} else if (wi < g->nw) {
				double group = used ? all / (double)used
						    : g->model_var;
				g->w[wi].loo_var =
					(ss + ESTIMATE_PRIOR_RUNS * group) /
					((double)c + ESTIMATE_PRIOR_RUNS);
			}
			a = b;
		}
}

/* The combination's weights: the prediction's share and the variance of
 * the combined log estimate. */
static void combine(const struct estimate_group *g,
		    const struct estimate_workload *w, double layout_var,
		    size_t measured, double *model_weight, double *var)
{
	double vp = prediction_var(g, w) + layout_var;
	if (measured)
		/* its runs' residuals from such predictions hold the layout's
		 * share and one measurement's noise */
		vp = fmax(w->loo_var - g->meas_var, 0.25 * w->loo_var);
	if (!measured) {
		*model_weight = 1;
		*var = vp;
		return;
	}
	double vm = g->meas_var / (double)measured;
	*model_weight = vm / (vp + vm);
	*var = vp * vm / (vp + vm);
}

void estimate_one(const struct estimate_group *g,
		  const struct estimate_workload *w,
		  const struct estimate_in *c, struct estimate_out *out)
{
	struct estimate_workload none;
	if (!w) {
		unknown_workload(g, &none);
		w = &none;
	}
	double s[K];
	out->model_j = model_predict(g->m, c->in, g->params, NULL);
	if (!kind_sums(g->m, c->in, g->params, s)) {
		out->pooled_j = out->energy_j = out->model_j;
		out->log_sd = NAN;
		out->model_weight = 1;
		out->basis = BASIS_PREDICTED;
		return;
	}
	double lv, var;
	double lp = prediction(g, w, c, s, &lv);
	out->pooled_j = exp(lp);
	combine(g, w, lv, c->measured, &out->model_weight, &var);
	double le =
		out->model_weight * lp +
		(1 - out->model_weight) * (c->measured ? c->measured_log : 0);
	out->energy_j = exp(le);
	out->log_sd = sqrt(var);
	out->basis = !c->measured ? BASIS_PREDICTED
		     : 1 - out->model_weight >= ESTIMATE_MEASURED_SHARE
			     ? BASIS_MEASURED
			     : BASIS_BOTH;
}

/* ---- draws -------------------------------------------------------------- */

/* splitmix64, the same on every machine */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A nearly normal deviate, mean 0 and variance 1: the sum of four
 * uniforms of 16 bits each, centred and scaled (tails cut at 3.46
 * standard deviations). A knob turn draws some 50 000 of them, and Box
 * and Muller's logarithm and cosine were most of a redraw. */
static double normal(uint64_t *state)
{
	uint64_t r = next_random(state);
	double sum = (double)(r & 0xffff) + (double)((r >> 16) & 0xffff) +
		     (double)((r >> 32) & 0xffff) + (double)(r >> 48);
	/* four uniforms on [0, 65536): mean 131070, variance 4 x 65536^2 / 12
	 */
	return (sum - 2 * 65535.0) * (1.7320508075688772 / 65536.0);
}

/* z drawn and multiplied by the lower factor l (n x n) and sd. */
static void correlated(const double *l, size_t n, double sd, uint64_t *state,
		       double *out)
{
	double z[MODEL_MAX_PARAMS];
	for (size_t i = 0; i < n; i++)
		z[i] = normal(state);
	for (size_t i = 0; i < n; i++) {
		double v = 0;
		for (size_t k = 0; k <= i; k++)
			v += l[i * n + k] * z[k];
		out[i] = sd * v;
	}
}

/* What a draw needs of one candidate, computed once: its log estimate,
 * how the estimate moves with each drawn log parameter and offset (to
 * first order, from the terms' exact gradients), and the spread of what
 * is its own (its error and measuring it again). A draw is then a few
 * multiplications per candidate. */
struct drawn {
	bool ok;
	double mean;
	double by_param[MODEL_MAX_PARAMS];
	double by_offset[K];
	double own_sd;
	double shared_sd; /* of the error the choice's candidates share */
	double var, mw;	  /* the estimate's variance, the prediction's weight */
};

static void prepare(const struct estimate_group *g,
		    const struct estimate_workload *w,
		    const struct estimate_in *c, double sd, double noise,
		    struct drawn *x)
{
	const struct model *m = g->m;
	double s[K] = {0}, ds[K][MODEL_MAX_PARAMS];
	memset(ds, 0, sizeof ds);
	for (size_t t = 0; t < m->nterms; t++) {
		const struct expr *e = m->terms[t].expr;
		double grad[EXPR_MAX_PARAMS];
		double v = expr_eval_grad(e, c->in, g->params, grad);
		size_t k = m->terms[t].kind;
		s[k] += v;
		const unsigned *idx = expr_params(e);
		for (size_t j = 0; j < expr_param_count(e); j++)
			if (idx[j] < g->nparams)
				/* d term / d log param */
				ds[k][idx[j]] += grad[j] * g->params[idx[j]];
	}
	double p = 0;
	for (size_t k = 0; k < K; k++)
		p += exp(w->offset[k]) * s[k];
	x->ok = p > 0 && isfinite(p);
	if (!x->ok)
		return;
	double lv, mw, var;
	double lp = prediction(g, w, c, s, &lv);
	combine(g, w, lv, c->measured, &mw, &var);
	x->var = var;
	x->mw = mw;
	x->mean = mw * lp + (1 - mw) * (c->measured ? c->measured_log : 0);
	for (size_t j = 0; j < g->nparams; j++) {
		double d = 0;
		for (size_t k = 0; k < K; k++)
			d += exp(w->offset[k]) * ds[k][j];
		x->by_param[j] = g->chol ? mw * d / p : 0;
	}
	for (size_t k = 0; k < K; k++)
		x->by_offset[k] = mw * exp(w->offset[k]) * s[k] / p;
	/* of the prediction's error variance vp = var / mw, the share
	 * g->shared is common to the candidates; it reaches the estimate
	 * with the prediction's weight */
	double common = g->shared * var * mw;
	x->shared_sd = sd * sqrt(common);
	x->own_sd = sqrt(sd * sd * fmax(var - common, 0) + noise * noise);
}

/* The draws of the candidates' log energies into out (ndraws x n). */
static bool draw_logs(const struct estimate_group *g,
		      const struct estimate_workload *w,
		      const struct estimate_in *c, size_t n, size_t ndraws,
		      unsigned long long seed, double *out)
{
	struct estimate_workload none;
	if (!w) {
		unknown_workload(g, &none);
		w = &none;
	}
	double sd = sqrt(g->inflate > 0 ? g->inflate : 1);
	double noise = sqrt(g->meas_var);
	struct drawn *x = malloc((n ? n : 1) * sizeof *x);
	if (!x)
		return false;
	for (size_t i = 0; i < n; i++)
		prepare(g, w, &c[i], sd, noise, &x[i]);
	uint64_t state = seed;
	size_t np = g->chol ? g->nparams : 0;
	for (size_t d = 0; d < ndraws; d++) {
		double theta[MODEL_MAX_PARAMS], off[K];
		if (np)
			correlated(g->chol, np, sd, &state, theta);
		correlated(w->chol, K, sd, &state, off);
		double common = g->shared > 0 ? normal(&state) : 0;
		for (size_t i = 0; i < n; i++) {
			double *o = &out[d * n + i];
			if (!x[i].ok) {
				*o = NAN;
				continue;
			}
			double v = x[i].mean + x[i].own_sd * normal(&state) +
				   x[i].shared_sd * common;
			for (size_t j = 0; j < np; j++)
				v += x[i].by_param[j] * theta[j];
			for (size_t k = 0; k < K; k++)
				v += x[i].by_offset[k] * off[k];
			*o = v;
		}
	}
	free(x);
	return true;
}

bool estimate_draw(const struct estimate_group *g,
		   const struct estimate_workload *w,
		   const struct estimate_in *c, size_t n, size_t ndraws,
		   unsigned long long seed, double *draws)
{
	if (!draw_logs(g, w, c, n, ndraws, seed, draws))
		return false;
	for (size_t i = 0; i < n * ndraws; i++)
		draws[i] = exp(draws[i]);
	return true;
}

bool estimate_confidence(const struct estimate_group *g,
			 const struct estimate_workload *w,
			 const struct estimate_in *c, size_t n,
			 unsigned long long seed, double *p)
{
	return estimate_confidence_draws(g, w, c, n, ESTIMATE_DRAWS, seed, p);
}

bool estimate_confidence_draws(const struct estimate_group *g,
			       const struct estimate_workload *w,
			       const struct estimate_in *c, size_t n,
			       size_t ndraws, unsigned long long seed,
			       double *p)
{
	for (size_t i = 0; i < n; i++)
		p[i] = NAN;
	double *draws = malloc((n ? n : 1) * ndraws * sizeof *draws);
	if (!draws || !draw_logs(g, w, c, n, ndraws, seed, draws)) {
		free(draws);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
	size_t counted = 0;
	for (size_t d = 0; d < ndraws; d++) {
		const double *x = draws + d * n;
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (isfinite(x[i]) && (best == n || x[i] < x[best]))
				best = i;
		if (best < n) {
			p[best]++;
			counted++;
		}
	}
	for (size_t i = 0; i < n; i++)
		p[i] = counted ? p[i] / (double)counted : NAN;
	free(draws);
	return true;
}

/* ---- calibration -------------------------------------------------------- */

/* The variance inflations and shared shares the calibration tries. */
static const double inflations[] = {0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 1.5};
static const double shares[] = {0, 0.5, 0.8, 0.95};
#define NINFLATIONS	  (sizeof inflations / sizeof *inflations)
#define NSHARES		  (sizeof shares / sizeof *shares)
#define NTRIALS		  (NINFLATIONS * NSHARES)
#define CALIBRATION_DRAWS 100
/* The trial kept unless the folds say otherwise: no inflation (the
 * variances as estimated), and 80% of a prediction's error common to a
 * workload's candidates. Over the ML.ENERGY profiles' calibration folds
 * (160 trainings of 50 runs, 7 283 fold choices, training runs only) the
 * grid's nine best Brier scores lie within 0.7% of each other (0.04931
 * to 0.04965), this one among them, and which of them leads changes with
 * the draws' seed. The old default, (1, 0), is the second worst of the
 * 32 (0.05144), and it was the one a group with few choices kept. */
#define DEFAULT_INFLATION 1.0
#define DEFAULT_SHARE	  0.8
/* standard errors by which a trial's Brier score must beat the default's
 * to be taken: the grid's scores lie within 1% of each other, and a
 * group's 40-60 fold choices picked among them by chance (its inflation
 * jumped between 0.05 and 1.5 from one training to the next) */
#define CALIBRATION_MARGIN 2.0

static size_t default_trial(void)
{
	size_t c = 0;
	while (c + 1 < NTRIALS &&
	       (inflations[c % NINFLATIONS] != DEFAULT_INFLATION ||
		shares[c / NINFLATIONS] != DEFAULT_SHARE))
		c++;
	return c;
}

/* Each trial's Brier score summed over the fold choices, and the sum of
 * its squared per-choice difference from the default's (the spread of a
 * paired comparison). */
struct briers {
	double sum[NTRIALS], diff2[NTRIALS];
};

/* Fold a's rows sorted by workload, layout and batch, to find a row's
 * measurements in its block by bisection (a scan of fold a per row was
 * 25 million comparisons at 10 000 runs). */
struct keyed {
	const struct estimate_rows *r;
	size_t *idx, n;
};

static int key_cmp(const struct estimate_rows *r, size_t i, const double *x,
		   size_t w)
{
	if (r->workload[i] != w)
		return (r->workload[i] > w) - (r->workload[i] < w);
	const double *a = r->inputs + i * MODEL_NINPUTS;
	static const int keys[] = {IN_T, IN_P, IN_DP, IN_B};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (a[keys[k]] != x[keys[k]])
			return cmp_double(a[keys[k]], x[keys[k]]);
	return 0;
}

/* qsort has no context: the rows ride along with each index */
struct keyed_item {
	const struct estimate_rows *r;
	size_t i;
};

static int by_key(const void *x, const void *y)
{
	const struct keyed_item *a = x, *b = y;
	return key_cmp(a->r, a->i, a->r->inputs + b->i * MODEL_NINPUTS,
		       a->r->workload[b->i]);
}

static bool keyed_make(struct keyed *k, const struct estimate_rows *r,
		       const size_t *a, size_t na)
{
	struct keyed_item *v = malloc((na + 1) * sizeof *v);
	k->idx = malloc((na + 1) * sizeof *k->idx);
	k->r = r;
	k->n = na;
	if (!v || !k->idx) {
		free(v);
		free(k->idx);
		k->idx = NULL;
		return false;
	}
	for (size_t i = 0; i < na; i++)
		v[i] = (struct keyed_item){r, a[i]};
	qsort(v, na, sizeof *v, by_key);
	for (size_t i = 0; i < na; i++)
		k->idx[i] = v[i].i;
	free(v);
	return true;
}

/* The mean log of fold a's runs at x's configuration into c. */
static void keyed_measured(const struct keyed *k, const double *x, size_t w,
			   struct estimate_in *c)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(k->r, k->idx[mid], x, w) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < k->n && key_cmp(k->r, k->idx[lo], x, w) == 0; lo++) {
		size_t i = k->idx[lo];
		if (same_config(k->r->inputs + i * MODEL_NINPUTS, x) &&
		    k->r->y[i] > 0) {
			c->measured_log += log(k->r->y[i]);
			c->measured++;
		}
	}
	if (c->measured)
		c->measured_log /= (double)c->measured;
}

/* One choice's scratch: each row's candidate, and per candidate two sums
 * (per output token, and rows), for n rows at most. */
struct choice {
	size_t *cand;
	double *sum;
};

/* rows[0..n)'s candidates (layout and batch) into ch->cand; how many */
static size_t choice_candidates(const struct estimate_rows *r,
				const size_t *rows, size_t n, struct choice *ch)
{
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		const double *x = r->inputs + rows[i] * MODEL_NINPUTS;
		size_t k = 0;
		while (k < i && !same_block(r->inputs + rows[k] * MODEL_NINPUTS,
					    0, x, 0))
			k++;
		ch->cand[i] = k < i ? ch->cand[k] : nc++;
	}
	return nc;
}

/* The candidate whose mean of v[i] per output token is the lowest (a
 * candidate's rows averaged, as eval ranks a configuration choice) */
static size_t lowest(const struct estimate_rows *r, const size_t *rows,
		     size_t n, const double *v, size_t nc, struct choice *ch)
{
	double *sum = ch->sum, *cnt = ch->sum + nc;
	memset(sum, 0, 2 * nc * sizeof *sum);
	for (size_t i = 0; i < n; i++) {
		sum[ch->cand[i]] +=
			v[i] / r->inputs[rows[i] * MODEL_NINPUTS + IN_O];
		cnt[ch->cand[i]]++;
	}
	size_t best = 0;
	for (size_t k = 1; k < nc; k++)
		if (sum[k] / cnt[k] < sum[best] / cnt[best] || isnan(sum[best]))
			best = k;
	return best;
}

/* One choice's draws at unit inflation, split so that each trial's are
 * a few multiplications away: z[d * n + i] the part from the parameters
 * and offsets, own[] each candidate's own deviate, common[d] the shared
 * one (the trials draw the same deviates, so their Brier scores differ
 * by the trial and not by chance). */
struct unit_draws {
	struct drawn *x;
	double *z, *own, *common;
};

static bool unit_draws(const struct estimate_group *g,
		       const struct estimate_workload *w,
		       const struct estimate_in *c, size_t n, uint64_t seed,
		       struct unit_draws *u)
{
	size_t nd = CALIBRATION_DRAWS;
	u->x = malloc(n * sizeof *u->x);
	u->z = malloc(n * nd * sizeof *u->z);
	u->own = malloc(n * nd * sizeof *u->own);
	u->common = malloc(nd * sizeof *u->common);
	if (!u->x || !u->z || !u->own || !u->common)
		return false;
	for (size_t i = 0; i < n; i++)
		prepare(g, w, &c[i], 1, 0, &u->x[i]);
	size_t np = g->chol ? g->nparams : 0;
	for (size_t d = 0; d < nd; d++) {
		double theta[MODEL_MAX_PARAMS], off[K];
		if (np)
			correlated(g->chol, np, 1, &seed, theta);
		correlated(w->chol, K, 1, &seed, off);
		u->common[d] = normal(&seed);
		for (size_t i = 0; i < n; i++) {
			double v = 0;
			for (size_t j = 0; j < np; j++)
				v += u->x[i].by_param[j] * theta[j];
			for (size_t k = 0; k < K; k++)
				v += u->x[i].by_offset[k] * off[k];
			u->z[d * n + i] = v;
			u->own[d * n + i] = normal(&seed);
		}
	}
	return true;
}

static void unit_draws_free(struct unit_draws *u)
{
	free(u->x);
	free(u->z);
	free(u->own);
	free(u->common);
}

/* The trial's draws of the energies into out (CALIBRATION_DRAWS x n), as
 * draw_logs would draw them at g->inflate and g->shared. */
static void trial_draws(const struct estimate_group *g,
			const struct unit_draws *u, size_t n, double *out)
{
	double sd = sqrt(g->inflate);
	for (size_t i = 0; i < n; i++) {
		const struct drawn *x = &u->x[i];
		double common = g->shared * x->var * x->mw;
		double own = sqrt(g->inflate * fmax(x->var - common, 0) +
				  g->meas_var);
		double shared = sd * sqrt(common);
		for (size_t d = 0; d < CALIBRATION_DRAWS; d++) {
			size_t k = d * n + i;
			out[k] = x->ok ? exp(x->mean + sd * u->z[k] +
					     own * u->own[k] +
					     shared * u->common[d])
				       : NAN;
		}
	}
}

/* Rows of a workload in fold b as one configuration choice: the chance
 * each trial (inflation and shared share) gives the pick of measuring the
 * cheapest, scored against whether it did; false when out of memory. */
static bool fold_pick(struct estimate_group *g, const struct estimate_rows *r,
		      const struct keyed *a, const size_t *rows, size_t n,
		      struct estimate_in *in, double *draws, struct choice *ch,
		      struct briers *brier)
{
	const struct estimate_workload *w =
		estimate_workload(g, r->workload[rows[0]]);
	struct estimate_workload none;
	if (!w) {
		unknown_workload(g, &none);
		w = &none;
	}
	size_t nc = choice_candidates(r, rows, n, ch);
	if (nc < 2)
		return true;
	/* draws' first row holds the estimates, then the measurements */
	for (size_t i = 0; i < n; i++) {
		const double *x = r->inputs + rows[i] * MODEL_NINPUTS;
		in[i] = (struct estimate_in){x, 0, 0};
		/* fold a's runs at this configuration are its measurements */
		keyed_measured(a, x, r->workload[rows[i]], &in[i]);
		struct estimate_out o;
		estimate_one(g, w, &in[i], &o);
		draws[i] = o.energy_j;
		draws[n + i] = r->y[rows[i]];
	}
	size_t pick = lowest(r, rows, n, draws, nc, ch);
	size_t best = lowest(r, rows, n, draws + n, nc, ch);
	double hit = pick == best;
	struct unit_draws u;
	bool ok = unit_draws(g, w, in, n, 7, &u);
	double score[NTRIALS];
	for (size_t c = 0; ok && c < NTRIALS; c++) {
		g->inflate = inflations[c % NINFLATIONS];
		g->shared = shares[c / NINFLATIONS];
		trial_draws(g, &u, n, draws);
		size_t wins = 0;
		for (size_t d = 0; d < CALIBRATION_DRAWS; d++)
			wins += lowest(r, rows, n, draws + d * n, nc, ch) ==
				pick;
		double p = (double)wins / CALIBRATION_DRAWS;
		score[c] = (p - hit) * (p - hit);
	}
	size_t d = default_trial();
	for (size_t c = 0; ok && c < NTRIALS; c++) {
		brier->sum[c] += score[c];
		brier->diff2[c] +=
			(score[c] - score[d]) * (score[c] - score[d]);
	}
	unit_draws_free(&u);
	g->inflate = 1;
	g->shared = 0;
	return ok;
}

/* The estimates of the rows a, into g, with the parameters of the whole
 * fit (refitting the model per fold cost a verb 2 s, for a fold whose
 * shared parameters move little); false when memory runs out. */
static bool fold_fit(const struct estimate_group *whole,
		     const struct estimate_rows *r, const size_t *a, size_t na,
		     struct estimate_group *g)
{
	double *x = malloc((na + 1) * MODEL_NINPUTS * sizeof *x);
	double *y = malloc((na + 1) * sizeof *y);
	size_t *wl = malloc((na + 1) * sizeof *wl);
	double *cov = NULL;
	size_t p = whole->nparams;
	bool ok = x && y && wl;
	for (size_t i = 0; ok && i < na; i++) {
		memcpy(x + i * MODEL_NINPUTS, r->inputs + a[i] * MODEL_NINPUTS,
		       MODEL_NINPUTS * sizeof *x);
		y[i] = r->y[a[i]];
		wl[i] = r->workload[a[i]];
	}
	if (ok && whole->chol) {
		/* the covariance again from its factor */
		cov = calloc(p * p + 1, sizeof *cov);
		ok = cov != NULL;
		for (size_t i = 0; ok && i < p; i++)
			for (size_t j = 0; j < p; j++)
				for (size_t k = 0; k <= (i < j ? i : j); k++)
					cov[i * p + j] +=
						whole->chol[i * p + k] *
						whole->chol[j * p + k];
	}
	if (ok) {
		struct estimate_rows er = {na, x, y, wl};
		ok = estimate_build(g, whole->m, whole->params, cov, p, &er) ==
		     0;
	}
	/* the noise of a measurement is the whole's: from half the runs a
	 * fold sees half the batch sweeps, and its calibration would be
	 * fitted to another noise than the one it is used with */
	if (ok)
		g->meas_var = whole->meas_var;
	free(cov);
	free(x);
	free(y);
	free(wl);
	return ok;
}

/* One fold: fitted on a, its choices in b, into brier; the number of
 * choices, or -1 when out of memory. */
static long fold(const struct estimate_group *whole,
		 const struct estimate_rows *r, const size_t *a, size_t na,
		 const size_t *b, size_t nb, struct briers *brier)
{
	struct estimate_group g;
	struct keyed k;
	if (!keyed_make(&k, r, a, na))
		return -1;
	if (!fold_fit(whole, r, a, na, &g)) {
		free(k.idx);
		return -1;
	}
	size_t *rows = malloc((nb + 1) * sizeof *rows);
	bool *done = calloc(nb + 1, sizeof *done);
	struct estimate_in *in = malloc((nb + 1) * sizeof *in);
	double *draws = malloc((nb + 1) * CALIBRATION_DRAWS * sizeof *draws);
	struct choice ch = {malloc((nb + 1) * sizeof *ch.cand),
			    malloc((2 * nb + 1) * sizeof *ch.sum)};
	long picks = rows && done && in && draws && ch.cand && ch.sum ? 0 : -1;
	for (size_t i = 0; picks >= 0 && i < nb; i++) {
		if (done[i])
			continue;
		size_t n = 0;
		for (size_t j = i; j < nb; j++)
			if (!done[j] &&
			    r->workload[b[j]] == r->workload[b[i]]) {
				done[j] = true;
				rows[n++] = b[j];
			}
		if (n > 1) {
			if (!fold_pick(&g, r, &k, rows, n, in, draws, &ch,
				       brier))
				picks = -1;
			else
				picks++;
		}
	}
	estimate_free(&g);
	free(k.idx);
	free(rows);
	free(done);
	free(in);
	free(draws);
	free(ch.cand);
	free(ch.sum);
	return picks;
}

/* Split s of n rows into idx: fold 0's, then fold 1's; their sizes
 * into half. Split 0 alternates, so that both folds see every workload
 * with two runs; the others flip a seeded coin. */
static void split(size_t n, int s, size_t *idx, size_t *half)
{
	uint64_t state = 0x5eedu + (uint64_t)s;
	half[0] = half[1] = 0;
	for (size_t i = 0; i < n; i++) {
		bool second = s == 0 ? i % 2 : next_random(&state) & 1;
		idx[second ? n - 1 - half[1]++ : half[0]++] = i;
	}
}

/* The trial of the lowest Brier score when it beats the default's by
 * CALIBRATION_MARGIN standard errors of the paired difference, else the
 * default (also with too few choices to tell). */
static size_t calibration_choice(const struct briers *b, long picks)
{
	size_t d = default_trial(), best = d;
	if (picks < ESTIMATE_MIN_PICKS * ESTIMATE_SPLITS)
		return d;
	for (size_t c = 0; c < NTRIALS; c++)
		if (b->sum[c] < b->sum[best])
			best = c;
	double n = (double)picks, gain = b->sum[d] - b->sum[best];
	/* the variance of one choice's difference, about its mean */
	double var = fmax(b->diff2[best] - gain * gain / n, 0) / (n - 1);
	return gain > CALIBRATION_MARGIN * sqrt(n * var) ? best : d;
}

static int by_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* The choices fold() makes among rows b (workloads with two runs or
 * more there), counted without building the fold's estimates; -1 when
 * out of memory. */
static long fold_choices(const struct estimate_rows *r, const size_t *b,
			 size_t nb)
{
	size_t *w = malloc((nb + 1) * sizeof *w);
	if (!w)
		return -1;
	for (size_t i = 0; i < nb; i++)
		w[i] = r->workload[b[i]];
	qsort(w, nb, sizeof *w, by_size);
	long choices = 0;
	for (size_t i = 0, j; i < nb; i = j) {
		for (j = i + 1; j < nb && w[j] == w[i]; j++)
			;
		choices += j - i > 1;
	}
	free(w);
	return choices;
}

/* The choices of every split's two folds; -1 when out of memory. */
static long calibration_choices(const struct estimate_rows *rows, size_t *idx)
{
	size_t n = rows->n, half[2];
	long choices = 0;
	for (int s = 0; s < ESTIMATE_SPLITS && choices >= 0; s++) {
		split(n, s, idx, half);
		long c0 = fold_choices(rows, idx, half[0]);
		long c1 = fold_choices(rows, idx + half[0], half[1]);
		choices = c0 < 0 || c1 < 0 ? -1 : choices + c0 + c1;
	}
	return choices;
}

int estimate_calibrate(struct estimate_group *g,
		       const struct estimate_rows *rows)
{
	size_t n = rows->n, half[2];
	size_t *idx = malloc((n + 1) * sizeof *idx);
	if (!idx)
		return -1;
	struct briers brier = {{0}, {0}};
	long picks = calibration_choices(rows, idx);
	/* too few to tell the trials apart: calibration_choice keeps the
	 * default, so the folds are not scored (most of the time a small
	 * profile's explorer took to open) */
	bool enough = picks >= ESTIMATE_MIN_PICKS * ESTIMATE_SPLITS;
	if (enough)
		picks = 0;
	for (int s = 0; enough && s < ESTIMATE_SPLITS && picks >= 0; s++) {
		split(n, s, idx, half);
		/* fold 1 lies reversed at the end: order does not matter */
		long p0 = fold(g, rows, idx, half[0], idx + half[0], half[1],
			       &brier);
		long p1 = p0 < 0 ? -1
				 : fold(g, rows, idx + half[0], half[1], idx,
					half[0], &brier);
		picks = p0 < 0 || p1 < 0 ? -1 : picks + p0 + p1;
	}
	free(idx);
	if (picks < 0)
		return -1;
	size_t best = calibration_choice(&brier, picks);
	g->inflate = inflations[best % NINFLATIONS];
	g->shared = shares[best / NINFLATIONS];
	return 0;
}
