/* Unit tests of the estimates (estimate.h): the workloads' offsets and
 * their shrinkage, the measurement noise from batch sweeps and replicates,
 * the measured candidates' leave-own-runs-out prediction, the inverse
 * variance combination and its basis, the confidence drawn, and the
 * calibration's expected calibration error (eval.h), on a hand-made model
 * whose answers are known. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "eval.h"
#include "model.h"
#include "unit.h"

static struct diag_list diags;

/* Energy = a * B (a memory term) + b * t (an idle term). */
static struct model *two_terms(void)
{
	static const char text[] =
		"energylens-model: 1\nname: m\ntarget: energy\nunit: J\n"
		"description: d\nparameters:\n"
		"  - {name: a, default: 1, unit: u, meaning: m}\n"
		"  - {name: b, default: 1, unit: u, meaning: m}\n"
		"terms:\n"
		"  - {name: mem, phase: decode, kind: memory, expr: \"a * "
		"B\"}\n"
		"  - {name: idle, phase: decode, kind: idle, expr: \"b * "
		"t\"}\n";
	diag_free(&diags);
	diag_init(&diags, NULL);
	return model_parse("m.yaml", text, strlen(text), &diags);
}

#define MAXROWS 256

struct rows {
	double in[MAXROWS * MODEL_NINPUTS];
	double y[MAXROWS];
	size_t w[MAXROWS];
	size_t n;
};

/* A deterministic wobble of about 3% (times amplitude), the same on
 * every machine. */
static double amplitude = 1;
static double wobble(size_t i)
{
	static const double v[] = {0.03, -0.02, 0.01, -0.03, 0.02, -0.01};
	return amplitude * v[i % 6];
}

static void add(struct rows *r, size_t w, double t, double b, double y)
{
	double *in = r->in + r->n * MODEL_NINPUTS;
	memset(in, 0, MODEL_NINPUTS * sizeof *in);
	in[IN_T] = t;
	in[IN_P] = in[IN_DP] = 1;
	in[IN_N] = t;
	in[IN_B] = b;
	in[IN_I] = 100;
	in[IN_O] = 100;
	r->y[r->n] = y;
	r->w[r->n++] = w;
}

/* Six workloads at t = 1, 2, 4 and B = 1, 2, 4, 8: the first five follow
 * a = b = 1 (with the wobble); the sixth spends idle_factor times the
 * idle energy. */
static void group(struct rows *r, double idle_factor)
{
	r->n = 0;
	for (size_t w = 0; w < 6; w++)
		for (double t = 1; t <= 4; t *= 2)
			for (double b = 1; b <= 8; b *= 2) {
				double f = w == 5 ? idle_factor : 1;
				add(r, w, t, b,
				    (b + f * t) * exp(wobble(r->n)));
			}
}

static struct estimate_rows view(const struct rows *r)
{
	return (struct estimate_rows){r->n, r->in, r->y, r->w};
}

static const double params[2] = {1, 1};

static void test_offsets_follow_a_departing_workload(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 3);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *odd = estimate_workload(&g, 5);
	const struct estimate_workload *plain = estimate_workload(&g, 0);
	ASSERT(odd && plain);
	/* the sixth workload's idle term, three times the group's: log 3
	 * = 1.1, shrunk a little toward 0 */
	ASSERT_MSG(odd->offset[KIND_IDLE] > 0.7 &&
			   odd->offset[KIND_IDLE] < 1.15,
		   "idle offset %g", odd->offset[KIND_IDLE]);
	ASSERT_MSG(fabs(plain->offset[KIND_IDLE]) < 0.1,
		   "a workload that follows the group: idle offset %g",
		   plain->offset[KIND_IDLE]);
	/* its unmeasured candidates carry the offsets: at t = 8, B = 1
	 * the model says 9 J, the workload's own runs about 25 */
	double in[MODEL_NINPUTS] = {0};
	in[IN_T] = 8;
	in[IN_P] = in[IN_DP] = 1;
	in[IN_N] = 8;
	in[IN_B] = 1;
	struct estimate_in c = {in, 0, 0};
	struct estimate_out o;
	estimate_one(&g, odd, &c, &o);
	ASSERT_NEAR(o.model_j, 9, 1e-9);
	ASSERT_MSG(o.energy_j > 18 && o.energy_j < 26, "estimate %g",
		   o.energy_j);
	ASSERT_INT_EQ(o.basis, BASIS_PREDICTED);
	estimate_free(&g);
	model_free(m);
}

static void test_shrinkage_with_few_runs(void)
{
	/* with noise of about 20%, a departure seen in one run moves the
	 * offset only part of the way */
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	amplitude = 7;
	group(&r, 3);
	amplitude = 1;
	size_t keep = 0;
	for (size_t i = 0; i < r.n; i++)
		if (r.w[i] != 5 || (r.in[i * MODEL_NINPUTS + IN_T] == 4 &&
				    r.in[i * MODEL_NINPUTS + IN_B] == 1)) {
			memmove(r.in + keep * MODEL_NINPUTS,
				r.in + i * MODEL_NINPUTS,
				MODEL_NINPUTS * sizeof *r.in);
			r.y[keep] = r.y[i];
			r.w[keep++] = r.w[i];
		}
	r.n = keep;
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *odd = estimate_workload(&g, 5);
	ASSERT(odd);
	ASSERT_INT_EQ(odd->runs, 1);
	/* the idle factor that fits the one run exactly (B = 1, t = 4) */
	double y = 0;
	for (size_t i = 0; i < r.n; i++)
		if (r.w[i] == 5)
			y = r.y[i];
	double raw = log((y - 1) / 4);
	ASSERT_MSG(odd->offset[KIND_IDLE] > 0 &&
			   odd->offset[KIND_IDLE] < 0.9 * raw,
		   "one run's idle offset %g, unshrunk %g",
		   odd->offset[KIND_IDLE], raw);
	estimate_free(&g);
	model_free(m);
}

/* One run of workload w at t and B with energy per output token e. */
static void add_per_token(struct rows *r, size_t w, double t, double b,
			  double e)
{
	add(r, w, t, b, 100 * e);
}

/* The noise from batch sweeps: each inner batch's departure from the
 * line through its neighbours (three batches) or the parabola through
 * three of them (four or more), scaled to one run's deviation; the median
 * of their sizes, so that one knee does not count as noise. */
static void test_noise_from_sweeps(void)
{
	static struct rows r;
	r.n = 0;
	/* three sweeps of three batches, the middle one 3% off the line,
	 * and a fourth whose middle batch is 60% off (a knee) */
	for (size_t t = 1; t <= 8; t *= 2) {
		double d = t == 8 ? 0.6 : 0.03;
		add_per_token(&r, 0, (double)t, 1, 1);
		add_per_token(&r, 0, (double)t, 2, exp(d));
		add_per_token(&r, 0, (double)t, 4, 1);
	}
	struct estimate_rows v = view(&r);
	struct estimate_noise acc = {0};
	ASSERT(estimate_noise_add(&v, &acc));
	ASSERT_INT_EQ(acc.inner_points, 4);
	ASSERT_INT_EQ(acc.replicate_sets, 0);
	/* a = c = 1/2: a departure d has variance 1.5 runs'; the median
	 * of 0.03, 0.03, 0.03, 0.6 is 0.03 */
	double sd = 0.03 / sqrt(1.5) / 0.6744897501960817;
	double df = ESTIMATE_MEDIAN_EFFICIENCY * 4;
	ASSERT_NEAR(acc.df, df, 1e-12);
	ASSERT_NEAR(acc.ss, df * sd * sd, 1e-12);
	ASSERT_NEAR(estimate_noise_var(&acc),
		    (df * sd * sd + ESTIMATE_MEASUREMENT_PRIOR_DF *
					    ESTIMATE_MEASUREMENT_SD *
					    ESTIMATE_MEASUREMENT_SD) /
			    (df + ESTIMATE_MEASUREMENT_PRIOR_DF),
		    1e-12);

	/* a sweep that bends (log energy per token a parabola in log
	 * batch) is no noise: the parabola through three neighbours
	 * meets the fourth */
	r.n = 0;
	for (double b = 1; b <= 32; b *= 2) {
		double x = log(b);
		add_per_token(&r, 0, 1, b, exp(0.1 * x * x - 0.8 * x));
	}
	v = view(&r);
	struct estimate_noise bend = {0};
	ASSERT(estimate_noise_add(&v, &bend));
	ASSERT_INT_EQ(bend.inner_points, 4);
	ASSERT_MSG(bend.ss < 1e-20, "a parabola's noise: %g", bend.ss);

	/* a replicate pair 20% apart in log, at another workload (a
	 * sweep of its own, of one batch): each run 0.1 from the mean,
	 * which holds half a run's variance */
	add_per_token(&r, 1, 1, 8, exp(0.1));
	add_per_token(&r, 1, 1, 8, exp(-0.1));
	v = view(&r);
	struct estimate_noise both = {0};
	ASSERT(estimate_noise_add(&v, &both));
	ASSERT_INT_EQ(both.replicate_sets, 1);
	ASSERT_INT_EQ(both.replicate_runs, 2);
	ASSERT_INT_EQ(both.inner_points, 4);
	/* |z|: four zeros and two 0.1 sqrt 2: the median is 0 */
	ASSERT_NEAR(both.ss, 0, 1e-20);
}

/* estimate_build's noise is the sweeps', not the 5% default (which the
 * group, without replicates, had before). */
static void test_measurement_noise(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 1);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	ASSERT_INT_EQ(g.replicate_sets, 0);
	struct estimate_noise acc = {0};
	ASSERT(estimate_noise_add(&v, &acc));
	ASSERT(acc.inner_points > 0);
	ASSERT_NEAR(g.meas_var, estimate_noise_var(&acc), 1e-15);
	/* not the default, which the group without replicates had */
	ASSERT(fabs(g.meas_var -
		    ESTIMATE_MEASUREMENT_SD * ESTIMATE_MEASUREMENT_SD) > 1e-6);
	estimate_free(&g);
	model_free(m);
}

/* A measured candidate's prediction leaves its own runs out: its
 * layout's runs at other batches are 15% dearer than the group's, its own
 * run 15% cheaper; the prediction it is combined with follows the
 * others, and its error is the one such predictions make. */
static void test_measured_leaves_itself_out(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 1);
	size_t own = r.n;
	for (size_t i = 0; i < r.n; i++) {
		double *x = r.in + i * MODEL_NINPUTS;
		if (r.w[i] != 2 || x[IN_T] != 4)
			continue;
		r.y[i] = (x[IN_B] + x[IN_T]) * exp(x[IN_B] == 8 ? -0.15 : 0.15);
		if (x[IN_B] == 8)
			own = i;
	}
	ASSERT(own < r.n);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *w = estimate_workload(&g, 2);
	ASSERT(w);
	struct estimate_in unmeasured = {r.in + own * MODEL_NINPUTS, 0, 0};
	struct estimate_in measured = {r.in + own * MODEL_NINPUTS,
				       log(r.y[own]), 1};
	struct estimate_out u, o;
	estimate_one(&g, w, &unmeasured, &u);
	estimate_one(&g, w, &measured, &o);
	/* the in-sample prediction leans toward the cheap run; the one
	 * without it does not */
	ASSERT_MSG(o.pooled_j > u.pooled_j * 1.01, "%g against %g", o.pooled_j,
		   u.pooled_j);
	/* weighed by the error of such predictions, which the residuals
	 * after offsets fitted on the run itself understate */
	ASSERT(w->loo_var > 0);
	double vp = fmax(w->loo_var - g.meas_var, 0.25 * w->loo_var);
	ASSERT_NEAR(o.model_weight, g.meas_var / (vp + g.meas_var), 1e-12);
	ASSERT(o.energy_j < o.pooled_j && o.energy_j > r.y[own]);
	estimate_free(&g);
	model_free(m);
}

static void test_combination(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 1);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *w = estimate_workload(&g, 1);
	double in[MODEL_NINPUTS] = {0};
	in[IN_P] = in[IN_DP] = 1;
	/* at a layout the workload has no runs of, so that the runs
	 * measured here, which its prediction leaves out, are the
	 * measurements' alone */
	in[IN_T] = in[IN_N] = 8;
	in[IN_B] = 8;
	struct estimate_in alone = {in, 0, 0};
	struct estimate_out p, one, four;
	estimate_one(&g, w, &alone, &p);
	/* measured 30% above the prediction, once and four times */
	struct estimate_in c1 = {in, log(p.pooled_j) + 0.3, 1};
	struct estimate_in c4 = {in, log(p.pooled_j) + 0.3, 4};
	estimate_one(&g, w, &c1, &one);
	estimate_one(&g, w, &c4, &four);
	ASSERT_NEAR(p.energy_j, p.pooled_j, 1e-12);
	/* between the two, by inverse variance: the log estimate is
	 * log pred + (1 - weight) * (measured - log pred), the prediction
	 * the one that leaves the candidate's own runs out */
	ASSERT_NEAR(log(one.energy_j),
		    log(one.pooled_j) +
			    (1 - one.model_weight) *
				    (c1.measured_log - log(one.pooled_j)),
		    1e-9);
	ASSERT(one.model_weight > 0 && one.model_weight < 1);
	ASSERT(four.model_weight < one.model_weight);
	/* four measurements pull it nearer them than one */
	ASSERT(fabs(log(four.energy_j) - c4.measured_log) <
	       fabs(log(one.energy_j) - c1.measured_log));
	ASSERT(one.log_sd < p.log_sd);
	ASSERT(one.basis == BASIS_BOTH || one.basis == BASIS_MEASURED);
	ASSERT_INT_EQ(p.basis, BASIS_PREDICTED);
	ASSERT_STR_EQ(estimate_basis_name(BASIS_BOTH), "both");
	estimate_free(&g);
	model_free(m);
}

static void test_confidence(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 1);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *w = estimate_workload(&g, 2);
	double a[MODEL_NINPUTS] = {0}, b[MODEL_NINPUTS] = {0};
	a[IN_T] = a[IN_P] = a[IN_DP] = a[IN_N] = 1;
	memcpy(b, a, sizeof b);
	a[IN_B] = 1;  /* 2 J */
	b[IN_B] = 64; /* 65 J: never the cheapest */
	struct estimate_in far[2] = {{a, 0, 0}, {b, 0, 0}};
	double p[2], q[2];
	ASSERT(estimate_confidence(&g, w, far, 2, 42, p));
	ASSERT_NEAR(p[0] + p[1], 1, 1e-12);
	ASSERT_MSG(p[0] > 0.99, "P(cheapest) of the far cheaper one: %g", p[0]);
	/* twins: a coin toss, the same every time it is drawn */
	struct estimate_in twins[2] = {{a, 0, 0}, {a, 0, 0}};
	ASSERT(estimate_confidence(&g, w, twins, 2, 42, p));
	ASSERT(estimate_confidence(&g, w, twins, 2, 42, q));
	ASSERT_MSG(p[0] > 0.4 && p[0] < 0.6, "twins: %g", p[0]);
	ASSERT_DBL_EQ(p[0], q[0]);
	/* a narrower spread makes the same gap surer */
	b[IN_B] = 1.15; /* 2.15 J against 2 */
	struct estimate_in near[2] = {{a, 0, 0}, {b, 0, 0}};
	ASSERT(estimate_confidence(&g, w, near, 2, 42, p));
	g.inflate = 0.1;
	ASSERT(estimate_confidence(&g, w, near, 2, 42, q));
	ASSERT_MSG(q[0] > p[0] && p[0] > 0.5, "%g then %g", p[0], q[0]);
	estimate_free(&g);
	model_free(m);
}

/* The share of the error the candidates have in common moves them
 * together: it leaves their order surer, and a measured candidate, whose
 * estimate leans on its measurement, shares less of it. */
static void test_shared_error(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	group(&r, 1);
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	ASSERT_DBL_EQ(g.shared, 0);
	const struct estimate_workload *w = estimate_workload(&g, 2);
	double a[MODEL_NINPUTS] = {0}, b[MODEL_NINPUTS] = {0};
	a[IN_T] = a[IN_P] = a[IN_DP] = a[IN_N] = 1;
	memcpy(b, a, sizeof b);
	a[IN_B] = 1;
	b[IN_B] = 1.15; /* 2.15 J against 2 */
	struct estimate_in near[2] = {{a, 0, 0}, {b, 0, 0}};
	double own[2], common[2];
	g.inflate = 100; /* a prediction's error well above the noise */
	ASSERT(estimate_confidence(&g, w, near, 2, 42, own));
	g.shared = 0.95;
	ASSERT(estimate_confidence(&g, w, near, 2, 42, common));
	ASSERT_NEAR(common[0] + common[1], 1, 1e-12);
	ASSERT_MSG(common[0] > own[0] + 0.1 && own[0] > 0.5,
		   "own errors %g, shared %g", own[0], common[0]);
	/* measured twice at the prediction: its estimate's error is mostly
	 * the measurements', its own, and the gap less sure again */
	struct estimate_out o;
	estimate_one(&g, w, &near[0], &o);
	struct estimate_in measured[2] = {{a, log(o.energy_j), 2}, {b, 0, 0}};
	double p[2];
	ASSERT(estimate_confidence(&g, w, measured, 2, 42, p));
	ASSERT_MSG(p[0] < common[0], "measured %g, predicted %g", p[0],
		   common[0]);
	estimate_free(&g);
	model_free(m);
}

/* A workload's level: what its runs sit above the group after the
 * offsets (shrunk toward the group) took their share, carried to its
 * unmeasured candidates, so that they stand on the footing of its
 * measured ones. */
static void test_level(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	/* noise of about 15%: the offsets are shrunk noticeably */
	amplitude = 5;
	r.n = 0;
	for (size_t w = 0; w < 6; w++)
		for (double t = 1; t <= 2; t *= 2)
			for (double b = 1; b <= 2; b *= 2) {
				/* the sixth workload 30% above the rest */
				double f = w == 5 ? 1.3 : exp(wobble(r.n));
				add(&r, w, t, b, f * (b + t));
			}
	amplitude = 1;
	struct estimate_rows v = view(&r);
	struct estimate_group g;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	const struct estimate_workload *w = estimate_workload(&g, 5);
	ASSERT(w);
	double in[MODEL_NINPUTS] = {0};
	in[IN_T] = in[IN_P] = in[IN_DP] = in[IN_N] = 1;
	in[IN_B] = 4; /* not measured */
	struct estimate_in c = {in, 0, 0};
	struct estimate_out o;
	estimate_one(&g, w, &c, &o);
	/* the level is what the offsets left of log 1.3, and brings the
	 * estimate nearer it */
	double off = log(o.pooled_j / 5) - w->level;
	ASSERT_MSG(w->level > 0.01 && fabs(off + w->level - log(1.3)) <
					      fabs(off - log(1.3)),
		   "offsets %g + level %g against %g", off, w->level, log(1.3));
	estimate_free(&g);
	model_free(m);
}

/* Runs of 20 workloads at 12 configurations each, with a noise of about
 * 3% times amp, into r: enough choices for the calibration. */
static void calibration_rows(struct rows *r, double amp)
{
	amplitude = amp;
	r->n = 0;
	for (size_t w = 0; w < 20; w++)
		for (double t = 1; t <= 4; t *= 2)
			for (double b = 1; b <= 8; b *= 2)
				add(r, w, t, b,
				    (b + t) * exp(wobble(r->n + w)));
	amplitude = 1;
}

/* The calibration picks an inflation and a shared share from its grids
 * on the rows themselves, the same every time, when its folds show it
 * beats the default (inflation 1, share 0.8) beyond chance; with too few
 * choices, or a difference within chance, it keeps the default. */
static void test_calibrate(void)
{
	struct model *m = two_terms();
	ASSERT(m);
	static struct rows r;
	/* noise of about 30%: the folds tell the trials apart (the best
	 * beats the default by 7 standard errors) */
	calibration_rows(&r, 10);
	struct estimate_rows v = view(&r);
	struct estimate_group g, h;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	ASSERT_INT_EQ(estimate_build(&h, m, params, NULL, 2, &v), 0);
	ASSERT_INT_EQ(estimate_calibrate(&g, &v), 0);
	ASSERT_INT_EQ(estimate_calibrate(&h, &v), 0);
	ASSERT_DBL_EQ(g.inflate, h.inflate);
	ASSERT_DBL_EQ(g.shared, h.shared);
	ASSERT_MSG(g.inflate >= 0.05 && g.inflate <= 1.5, "inflation %g",
		   g.inflate);
	ASSERT_MSG(g.shared >= 0 && g.shared <= 0.95, "shared %g", g.shared);
	ASSERT_MSG(g.inflate != 1 || g.shared != 0.8,
		   "the default kept: inflation %g, shared %g", g.inflate,
		   g.shared);
	estimate_free(&g);
	estimate_free(&h);
	/* noise of about 6%: the trials' scores differ within chance (1.3
	 * standard errors) */
	calibration_rows(&r, 2);
	v = view(&r);
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	ASSERT_INT_EQ(estimate_calibrate(&g, &v), 0);
	ASSERT_DBL_EQ(g.inflate, 1);
	ASSERT_DBL_EQ(g.shared, 0.8);
	estimate_free(&g);
	/* one workload of four runs: a choice or two, too few */
	calibration_rows(&r, 3);
	v = view(&r);
	v.n = 4;
	ASSERT_INT_EQ(estimate_build(&g, m, params, NULL, 2, &v), 0);
	ASSERT_INT_EQ(estimate_calibrate(&g, &v), 0);
	ASSERT_DBL_EQ(g.inflate, 1);
	ASSERT_DBL_EQ(g.shared, 0.8);
	estimate_free(&g);
	model_free(m);
}

static void test_cholesky(void)
{
	/* [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]]; a held
	 * parameter's zero row stays zero */
	double a[9] = {4, 0, 2, 0, 0, 0, 2, 0, 3}, l[9];
	ASSERT(estimate_cholesky(a, 3, l));
	ASSERT_NEAR(l[0], 2, 1e-12);
	ASSERT_NEAR(l[6], 1, 1e-12);
	ASSERT_NEAR(l[8], sqrt(2), 1e-12);
	ASSERT_DBL_EQ(l[4], 0);
	double bad[4] = {1, 2, 2, 1}; /* indefinite */
	ASSERT(!estimate_cholesky(bad, 2, l));
}

static void test_ece(void)
{
	struct eval_calibration c;
	memset(&c, 0, sizeof c);
	ASSERT_NAN(eval_ece(&c));
	/* 0.9 sure, right 9 times in 10: calibrated */
	for (int i = 0; i < 10; i++)
		eval_calibrate(&c, 0.9, i < 9);
	ASSERT_NEAR(eval_ece(&c), 0, 1e-12);
	/* 0.55 sure, always right: 0.45 off on half the picks */
	for (int i = 0; i < 10; i++)
		eval_calibrate(&c, 0.55, 1);
	ASSERT_NEAR(eval_ece(&c), 0.225, 1e-12);
	ASSERT_INT_EQ(c.n[9], 10);
	ASSERT_INT_EQ(c.n[5], 10);
	/* 1.0 goes to the top tenth, not past it */
	eval_calibrate(&c, 1.0, 1);
	ASSERT_INT_EQ(c.n[9], 11);
}

int main(void)
{
	diag_init(&diags, NULL);
	UNIT_RUN(test_offsets_follow_a_departing_workload);
	UNIT_RUN(test_shrinkage_with_few_runs);
	UNIT_RUN(test_noise_from_sweeps);
	UNIT_RUN(test_measurement_noise);
	UNIT_RUN(test_measured_leaves_itself_out);
	UNIT_RUN(test_combination);
	UNIT_RUN(test_confidence);
	UNIT_RUN(test_shared_error);
	UNIT_RUN(test_level);
	UNIT_RUN(test_calibrate);
	UNIT_RUN(test_cholesky);
	UNIT_RUN(test_ece);
	diag_free(&diags);
	return unit_status();
}
