/* Unit tests of the evaluation: the scoring of one scenario (Top-1 with
 * shared credit, pairwise, regret), and whole evaluations on runs whose
 * energies the model itself generated, where it must be perfect. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset.h"
#include "estimate.h"
#include "eval.h"
#include "model.h"
#include "unit.h"

static void test_perfect_scenario(void)
{
	struct eval_tally t = {0};
	double score[] = {3, 1, 2}, energy[] = {30, 10, 20};
	eval_score_scenario(score, energy, 3, &t);
	ASSERT_DBL_EQ(eval_top1(&t), 1);
	ASSERT_DBL_EQ(eval_pairwise(&t), 1);
	ASSERT_DBL_EQ(eval_regret(&t), 0);
	ASSERT_INT_EQ(t.pairs, 3);
}

static void test_wrong_choice(void)
{
	struct eval_tally t = {0};
	/* chooses the 20 J candidate; the best is 10 J */
	double score[] = {2, 1, 3}, energy[] = {10, 20, 30};
	eval_score_scenario(score, energy, 3, &t);
	ASSERT_DBL_EQ(eval_top1(&t), 0);
	ASSERT_DBL_EQ(eval_regret(&t), 1.0);
	/* pairs: (10,20) wrong, (10,30) right, (20,30) right */
	ASSERT_DBL_EQ(eval_pairwise(&t), 2.0 / 3);
}

static void test_tied_scores_share_credit(void)
{
	struct eval_tally t = {0};
	/* two candidates tie for the best score, one of them is the best */
	double score[] = {1, 1, 5}, energy[] = {10, 20, 30};
	eval_score_scenario(score, energy, 3, &t);
	ASSERT_DBL_EQ(eval_top1(&t), 0.5);
	ASSERT_DBL_EQ(eval_regret(&t), 0.5); /* (0 + 1) / 2 */
	/* the tied pair counts half */
	ASSERT_DBL_EQ(eval_pairwise(&t), 2.5 / 3);
}

static void test_tied_measurements(void)
{
	struct eval_tally t = {0};
	/* equal measured energies: either choice is right, and that pair
	 * is not counted */
	double score[] = {2, 1}, energy[] = {10, 10};
	eval_score_scenario(score, energy, 2, &t);
	ASSERT_DBL_EQ(eval_top1(&t), 1);
	ASSERT_INT_EQ(t.pairs, 0);
	ASSERT_NAN(eval_pairwise(&t));
}

static void test_skipped_scenarios(void)
{
	struct eval_tally t = {0};
	double one[] = {1}, e1[] = {1};
	eval_score_scenario(one, e1, 1, &t);
	double nan_score[] = {1, NAN}, e2[] = {1, 2};
	eval_score_scenario(nan_score, e2, 2, &t);
	ASSERT_INT_EQ(t.scenarios, 0);
	ASSERT_NAN(eval_top1(&t));
}

/* Two workloads on GPU hw, their energies computed by the built-in model
 * at its defaults times factor, so that it can be exactly right up to that
 * factor. Added to what set already holds. The runs at batch size
 * replicate (0: none) are there twice, the second 10% dearer. */
static void load_replicated(struct profile_set *set, const struct model *m,
			    const char *hw, double factor, unsigned replicate)
{
	size_t first = set->run_count;
	char buf[32768];
	size_t len = 0;
	static const char *const models[] = {"a/small", "b/large"};
	static const double sizes[] = {8, 70};
	for (int w = 0; w < 2; w++) {
		len += (size_t)snprintf(
			buf + len, sizeof buf - len,
			"%senergylens: 1\nworkload: {name: chat, model: %s, "
			"hardware: %s, params_b: %g, shape: {layers: 32, "
			"hidden_size: 4096, kv_elements: 1024}}\nruns:\n",
			w ? "---\n" : "", models[w], hw, sizes[w]);
		for (unsigned tp = 1; tp <= 4; tp *= 2)
			for (unsigned b = 1; b <= 256; b *= 4)
				for (unsigned in = 256; in <= 1024; in *= 4)
					for (int copy = 0;
					     copy < (b == replicate ? 2 : 1);
					     copy++)
						len += (size_t)snprintf(
							buf + len,
							sizeof buf - len,
							"  - {tp: %u, pp: 1, "
							"batch_size: %u, "
							"input_tokens: %u, "
							"output_tokens: 200, "
							"energy: {total_j: "
							"1}}\n",
							tp, b, in);
	}
	struct diag_list d;
	diag_init(&d, NULL);
	char name[64];
	snprintf(name, sizeof name, "%s.yaml", hw);
	profile_load_buffer(set, name, buf, len, &d);
	diag_free(&d);
	double params[MODEL_MAX_PARAMS], in[MODEL_NINPUTS];
	for (size_t j = 0; j < m->nparams; j++)
		params[j] = m->params[j].def;
	for (size_t i = first; i < set->run_count; i++) {
		struct profile_run *r = &set->runs[i];
		model_inputs(&set->workloads[r->workload], r, in);
		r->energy_total_j = factor * model_predict(m, in, params, NULL);
		/* the second copy of a replicated run follows the first */
		const struct profile_run *p = i > first ? r - 1 : NULL;
		if (p && p->workload == r->workload && p->tp == r->tp &&
		    p->batch_size == r->batch_size &&
		    p->input_tokens == r->input_tokens)
			r->energy_total_j *= 1.1;
	}
}

static void load_generated_on(struct profile_set *set, const struct model *m,
			      const char *hw, double factor)
{
	load_replicated(set, m, hw, factor, 0);
}

static void load_generated(struct profile_set *set, const struct model *m)
{
	load_generated_on(set, m, "G", 1);
}

static void build_dataset(struct profile_set *set, struct dataset *ds)
{
	struct diag_list d;
	diag_init(&d, NULL);
	dataset_build(set, BY_HARDWARE, ds, &d);
	diag_free(&d);
}

/* Methods for the tests that score each run by its measurement, so that
 * what they are right about is known. The choices divide every score by
 * the run's output tokens: "measured" (the energy per request) then ranks
 * by energy per output token, "per-request" (energy times output tokens)
 * by energy per request. */
static void *oracle_train(const struct eval_group *e, const size_t *train,
			  size_t n, char *err, size_t len)
{
	(void)e, (void)train, (void)n, (void)err, (void)len;
	static int state;
	return &state;
}

static double per_request_score(const void *state, const struct eval_group *e,
				size_t i)
{
	(void)state;
	return e->g->energy.y[i] *
	       e->set->runs[e->g->energy.run[i]].output_tokens;
}

static double measured_score(const void *state, const struct eval_group *e,
			     size_t i)
{
	(void)state;
	return e->g->energy.y[i];
}

static void oracle_free(void *state)
{
	(void)state;
}

static const struct baseline_kind per_request = {
	"per-request",	   true,       false, oracle_train,
	per_request_score, oracle_free};
static const struct baseline_kind measured = {
	"measured", true, false, oracle_train, measured_score, oracle_free};

static void run_eval(enum eval_protocol protocol, size_t train,
		     struct eval_report *r, struct profile_set *set,
		     struct dataset *ds, struct model *m)
{
	load_generated(set, m);
	struct diag_list d;
	diag_init(&d, NULL);
	dataset_build(set, BY_HARDWARE, ds, &d);
	diag_free(&d);
	static const struct baseline_kind *const none[] = {NULL};
	struct eval_options o = {protocol, train, 3, m, none, 0, NULL, 0};
	ASSERT(eval_run(set, ds, &o, r) == 0);
}

/* The generated runs evaluated under one protocol, and what that needs
 * freed afterwards. */
struct generated {
	struct model *m;
	struct profile_set set;
	struct dataset ds;
	struct eval_report r;
};

static void generated_run(struct generated *g, enum eval_protocol protocol,
			  size_t train)
{
	g->m = model_builtin(TARGET_ENERGY);
	profile_set_init(&g->set);
	run_eval(protocol, train, &g->r, &g->set, &g->ds, g->m);
}

static void generated_free(struct generated *g)
{
	eval_report_free(&g->r);
	dataset_free(&g->ds);
	profile_set_free(&g->set);
	model_free(g->m);
}

static void test_generated_runs_protocol(void)
{
	struct generated g;
	generated_run(&g, EVAL_RUNS, 40);
	/* 2 workloads x 3 tp x 5 batches x 2 inputs */
	ASSERT_INT_EQ(g.set.run_count, 60);
	ASSERT_INT_EQ(g.ds.count, 1); /* pooled: one GPU, both have shapes */
	ASSERT_INT_EQ(g.r.trainings, 3);
	const struct eval_method *own = &g.r.methods[0];
	ASSERT_INT_EQ(own->failed, 0);
	ASSERT_INT_EQ(own->config.scenarios, 6); /* 2 workloads x 3 seeds */
	ASSERT_NEAR(eval_top1(&own->config), 1, 1e-12);
	ASSERT_NEAR(eval_pairwise(&own->config), 1, 1e-12);
	ASSERT(eval_mape(&own->config) < 1e-6);
	ASSERT(own->layout.scenarios > 0);
	ASSERT_NEAR(eval_top1(&own->layout), 1, 1e-12);
	generated_free(&g);
}

static void test_generated_workload_protocol(void)
{
	/* each workload held out in turn, trained on 20 of the other's 30,
	 * drawn three times */
	struct generated g;
	generated_run(&g, EVAL_WORKLOADS, 20);
	ASSERT_INT_EQ(g.r.trainings, 6);
	const struct eval_method *own = &g.r.methods[0];
	ASSERT_INT_EQ(own->config.scenarios, 6);
	for (size_t w = 0; w < 2; w++)
		ASSERT_INT_EQ(own->by_workload[w].scenarios, 3);
	ASSERT(eval_top1(&own->config) > 0.99);
	generated_free(&g);
}

static void test_generated_batch_protocol(void)
{
	/* batches 1, 4, 16, 64, 256: median 16; trained on <= 16, scored on
	 * 64 and 256 */
	struct generated g;
	generated_run(&g, EVAL_BATCH, 100);
	ASSERT_INT_EQ(g.r.trainings, 1); /* the whole pool: one draw */
	const struct eval_method *own = &g.r.methods[0];
	ASSERT_INT_EQ(own->config.runs, 2 * 3 * 2 * 2); /* batch 64, 256 */
	ASSERT(eval_mape(&own->config) < 1e-6);
	generated_free(&g);
}

/* Every run is trained on and scored: one training per group, every
 * workload a scenario over all its configurations, MAPE over all runs. */
static void test_generated_in_sample_protocol(void)
{
	struct generated g;
	generated_run(&g, EVAL_IN_SAMPLE, 0);
	ASSERT_INT_EQ(g.r.trainings, 1);
	const struct eval_method *own = &g.r.methods[0];
	ASSERT_INT_EQ(own->failed, 0);
	ASSERT_INT_EQ(own->config.scenarios, 2);
	ASSERT_INT_EQ(own->config.runs, 60);
	ASSERT_INT_EQ(own->by_workload[0].runs, 30);
	ASSERT_NEAR(eval_top1(&own->config), 1, 1e-12);
	ASSERT(eval_mape(&own->config) < 1e-6);
	/* 2 workloads x 5 batches x 2 inputs, each among 3 tp degrees */
	ASSERT_INT_EQ(own->layout.scenarios, 20);
	generated_free(&g);
}

static void test_size_index(void)
{
	ASSERT_INT_EQ(eval_size_index(2), 0);
	ASSERT_INT_EQ(eval_size_index(9), 7);
	ASSERT_INT_EQ(eval_size_index(10), EVAL_SIZES - 2);
	ASSERT_INT_EQ(eval_size_index(500), EVAL_SIZES - 2);
	/* a scored scenario counts its candidates */
	struct eval_tally t = {0};
	double score[] = {3, 1, 2}, energy[] = {30, 10, 20};
	eval_score_scenario(score, energy, 3, &t);
	eval_score_scenario(score, energy, 2, &t);
	ASSERT_INT_EQ(t.candidates, 5);
}

/* --test-fraction: round(F n) test rows drawn first, k training rows from
 * the rest; a group without k rows beside its test rows is not scored, and
 * the report says why. */
static void test_test_fraction(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	load_generated(&set, m);
	struct dataset ds;
	build_dataset(&set, &ds);
	static const struct baseline_kind *const none[] = {NULL};
	/* 60 runs: 15 test rows, 20 of the other 45 trained on */
	struct eval_options o = {EVAL_RUNS, 20, 3, m, none, 0, NULL, 0.25};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.trainings, 3);
	ASSERT_INT_EQ(r.methods[0].config.runs, 3 * 15);
	ASSERT_INT_EQ(r.empty[0], 0);
	/* each scenario among a workload's test rows: never more than the
	 * 15 configurations of a workload, and here fewer on average than
	 * with all 40 untrained rows tested */
	double few = (double)r.methods[0].config.candidates /
		     (double)r.methods[0].config.scenarios;
	eval_report_free(&r);
	o.test_fraction = 0;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.methods[0].config.runs, 3 * 40);
	ASSERT(few < (double)r.methods[0].config.candidates /
			     (double)r.methods[0].config.scenarios);
	eval_report_free(&r);
	/* 48 test rows leave 12, fewer than 20 */
	o.test_fraction = 0.8;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.trainings, 0);
	ASSERT(strstr(r.empty, "no fit group has 20 runs beside its test") !=
	       NULL);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

/* The partial protocol scores each workload among all its configurations,
 * the trained-on (measured) ones included, and MAPE on the others only. */
static void test_partial_protocol(void)
{
	struct generated g;
	generated_run(&g, EVAL_PARTIAL, 20);
	ASSERT_INT_EQ(g.r.trainings, 3);
	const struct eval_method *own = &g.r.methods[0];
	ASSERT(own->config.scenarios > 0);
	/* every configuration of a workload: 3 tp x 5 batch sizes */
	ASSERT_INT_EQ(own->config.candidates, 15 * own->config.scenarios);
	ASSERT(own->config.measured > 0);
	ASSERT(own->config.measured < own->config.candidates);
	ASSERT_INT_EQ(own->config.runs, 3 * (60 - 20));
	ASSERT_NEAR(eval_top1(&own->config), 1, 1e-12);
	/* layout scenarios of 3 layouts, each with measured and unmeasured */
	ASSERT(own->layout.scenarios > 0);
	ASSERT(own->layout.measured >= own->layout.scenarios);
	ASSERT(own->layout.measured < own->layout.candidates);
	generated_free(&g);
}

/* The configuration choice ranks by energy per output token: with the
 * outputs of the largest batch (the cheapest per request) made half as long
 * at the same energy, ranking by energy per request misses, and the
 * measured energies, scored per output token, do not. */
static void test_per_token_choice(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	load_generated(&set, m);
	for (size_t i = 0; i < set.run_count; i++)
		if (set.runs[i].batch_size == 256)
			set.runs[i].output_tokens /= 2;
	struct dataset ds;
	build_dataset(&set, &ds);
	static const struct baseline_kind *const oracles[] = {&per_request,
							      &measured, NULL};
	struct eval_options o = {EVAL_IN_SAMPLE, 0, 1, m, oracles, 0, NULL, 0};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.methods[2].config.scenarios, 2);
	ASSERT_NEAR(eval_top1(&r.methods[2].config), 0, 1e-12);
	ASSERT(eval_regret(&r.methods[2].config) > 0.1);
	ASSERT_NEAR(eval_top1(&r.methods[3].config), 1, 1e-12);
	ASSERT_NEAR(eval_pairwise(&r.methods[3].config), 1, 1e-12);
	/* the layout choice (lengths fixed) is per request: the halved
	 * outputs make other scenarios, so both rank alike there */
	ASSERT_NEAR(eval_top1(&r.methods[2].layout),
		    eval_top1(&r.methods[3].layout), 1e-12);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

/* The noise ceiling: a measurement's noise from the batch sweeps and the
 * replicates (estimate_noise_add over every group), and an oracle's scores
 * on the model's scenarios. The generated runs lie on the model's curve,
 * which bends more than a parabola through three batches follows: some
 * noise even without replicates. */
static void test_noise_ceiling(void)
{
	struct generated g;
	generated_run(&g, EVAL_IN_SAMPLE, 0);
	/* 2 workloads x 3 tp x 2 inputs sweeps of 5 batches: 3 inner each */
	ASSERT_INT_EQ(g.r.ceiling.inner, 36);
	ASSERT_INT_EQ(g.r.ceiling.replicated, 0);
	ASSERT(g.r.ceiling.noise > 0);
	ASSERT_INT_EQ(g.r.ceiling.config.scenarios,
		      g.r.methods[0].config.scenarios);
	generated_free(&g);

	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	/* the batch-4 runs twice, 10% apart; the lengths are the same */
	load_replicated(&set, m, "G", 1, 4);
	struct dataset ds;
	build_dataset(&set, &ds);
	static const struct baseline_kind *const none[] = {NULL};
	struct eval_options o = {EVAL_IN_SAMPLE, 0, 1, m, none, 0, NULL, 0};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	/* 2 workloads x 3 tp x 2 inputs */
	ASSERT_INT_EQ(r.ceiling.replicated, 12);
	ASSERT_INT_EQ(r.ceiling.runs, 24);
	ASSERT_INT_EQ(r.ceiling.inner, 36);
	/* the pooled sweeps' and replicates' noise of the group's rows */
	struct estimate_noise acc = {0};
	const struct dataset_rows *rows = &ds.groups[0].energy;
	size_t wl[256];
	ASSERT(ds.count == 1 && rows->n <= 256);
	for (size_t i = 0; i < rows->n; i++)
		wl[i] = set.runs[rows->run[i]].workload;
	struct estimate_rows er = {rows->n, rows->inputs, rows->y, wl};
	ASSERT(estimate_noise_add(&er, &acc));
	ASSERT_NEAR(r.ceiling.noise, sqrt(acc.ss / acc.df), 1e-12);
	/* replicates 10% apart, and the curve's bends */
	ASSERT(r.ceiling.noise > 0);
	const struct eval_method *own = &r.methods[0];
	ASSERT_INT_EQ(r.ceiling.config.scenarios, own->config.scenarios);
	ASSERT_INT_EQ(r.ceiling.layout.scenarios, own->layout.scenarios);
	ASSERT_INT_EQ(r.ceiling.config.candidates, own->config.candidates);
	double top1 = eval_top1(&r.ceiling.config);
	ASSERT(top1 > 0 && top1 <= 1);
	ASSERT(eval_top1(&r.ceiling.layout) < 1);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

/* Replicates are runs of one configuration whose output lengths differ by a
 * generation's variation (here 10%), not by a sweep's step (4 times). */
static void test_replicates(void)
{
	static const char yaml[] =
		"energylens: 1\nworkload: {name: a, model: x/a, hardware: G}\n"
		"runs:\n"
		"  - {tp: 1, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 100, energy: {total_j: 10}}\n"
		"  - {tp: 1, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 400, energy: {total_j: 40}}\n"
		"  - {tp: 2, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 100, energy: {total_j: 10}}\n"
		"  - {tp: 2, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 110, energy: {total_j: 11}}\n";
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	profile_load_buffer(&set, "x.yaml", yaml, sizeof yaml - 1, &d);
	diag_free(&d);
	struct dataset ds;
	build_dataset(&set, &ds);
	static const struct baseline_kind *const none[] = {NULL};
	struct eval_options o = {EVAL_IN_SAMPLE, 0, 1, m, none, 0, NULL, 0};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.ceiling.replicated, 1);
	ASSERT_INT_EQ(r.ceiling.runs, 2);
	/* the same energy per output token: no noise, no ceiling */
	ASSERT(r.ceiling.noise == 0);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

/* Profiles without model shapes are fitted one workload per group: the
 * workloads protocol has nothing to train on, and says so. */
static void test_empty_report(void)
{
	static const char yaml[] =
		"energylens: 1\nworkload: {name: a, model: x/a, hardware: G}\n"
		"runs:\n"
		"  - {tp: 1, pp: 1, batch_size: 1, input_tokens: 100, "
		"output_tokens: 100, energy: {total_j: 10}}\n"
		"  - {tp: 2, pp: 1, batch_size: 1, input_tokens: 100, "
		"output_tokens: 100, energy: {total_j: 12}}\n"
		"---\nenergylens: 1\nworkload: {name: b, model: x/b, hardware: "
		"G}\nruns:\n"
		"  - {tp: 1, pp: 1, batch_size: 1, input_tokens: 100, "
		"output_tokens: 100, energy: {total_j: 10}}\n";
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	profile_load_buffer(&set, "x.yaml", yaml, sizeof yaml - 1, &d);
	diag_free(&d);
	struct dataset ds;
	build_dataset(&set, &ds);
	ASSERT_INT_EQ(ds.count, 2);
	static const struct baseline_kind *const none[] = {NULL};
	struct eval_options o = {EVAL_WORKLOADS, 50, 1, m, none, 0, NULL, 0};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.trainings, 0);
	ASSERT(strstr(r.empty, "every fit group holds a single workload") !=
	       NULL);
	eval_report_free(&r);
	/* two runs cannot fit the model: every training failed */
	o.protocol = EVAL_RUNS;
	o.train = 1;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.trainings, 1);
	ASSERT(strstr(r.empty, "could not be fitted on any of the 1 ") != NULL);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

static void test_scale_refit(void)
{
	/* y = 2.5 pred exactly; the rows without a positive finite pair
	 * (a NaN, a zero, a negative prediction) are left out */
	double pred[] = {1, 2, 4, NAN, 0, -3}, y[] = {2.5, 5, 10, 7, 7, 7};
	ASSERT_NEAR(eval_scale_refit(pred, y, 6), 2.5, 1e-12);
	/* in logs: the geometric mean of the ratios, 2 and 8 give 4 */
	double p2[] = {1, 1}, y2[] = {2, 8};
	ASSERT_NEAR(eval_scale_refit(p2, y2, 2), 4, 1e-12);
	ASSERT_NAN(eval_scale_refit(pred + 3, y + 3, 3));
	ASSERT_NAN(eval_scale_refit(pred, y, 0));
}

/* GPU G as the model says, GPU H the same runs at 1.7 times the energy:
 * the scale refit must find 1.7 (about 1 / 1.7 the other way), choose as
 * well as on the source (perfectly), and leave no error. */
static void test_generated_hardware_protocol(void)
{
	const double c = 1.7;
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	load_generated_on(&set, m, "G", 1);
	load_generated_on(&set, m, "H", c);
	struct diag_list d;
	diag_init(&d, NULL);
	struct dataset ds;
	dataset_build(&set, BY_HARDWARE, &ds, &d);
	diag_free(&d);
	ASSERT_INT_EQ(ds.count, 2);
	static const struct baseline_kind *const none[] = {NULL};
	/* every source run, 10 target runs, 3 seeds */
	struct eval_options o = {EVAL_HARDWARE, 0, 3, m, none, 0, NULL, 0};
	struct eval_report r;
	ASSERT(eval_run(&set, &ds, &o, &r) == 0);
	ASSERT_INT_EQ(r.npairs, 2);
	ASSERT_INT_EQ(r.trainings, 2 * 3);
	const struct eval_method *own = &r.methods[0];
	ASSERT_INT_EQ(own->failed, 0);
	/* 2 workloads of the target x 3 seeds, per pair */
	ASSERT_INT_EQ(own->config.scenarios, 2 * 2 * 3);
	ASSERT_INT_EQ(own->config.runs, 2 * 3 * (60 - 10));
	for (size_t i = 0; i < r.npairs; i++) {
		const struct eval_pair *p = &r.pairs[i];
		bool to_h = strcmp(ds.groups[p->target].hardware, "H") == 0;
		ASSERT(p->source != p->target);
		ASSERT_INT_EQ(p->scales, 3);
		double scale = exp(p->log_scale / 3);
		ASSERT_INT_EQ(p->config.scenarios, 2 * 3);
		ASSERT_NEAR(eval_top1(&p->config), 1, 1e-12);
		ASSERT_NEAR(eval_pairwise(&p->config), 1, 1e-12);
		if (to_h) {
			/* G is the model at its defaults, which the fit
			 * recovers: H is G's prediction times c exactly
			 * (without the refit the MAPE would be 41%) */
			ASSERT_NEAR(scale, c, 1e-9);
			ASSERT(eval_mape(&p->config) < 1e-9);
		} else {
			/* fitted on H, the parameters cannot all take the
			 * factor (the fit's prior leans to the defaults),
			 * so the way back is near, not exact */
			ASSERT_NEAR(scale, 1 / c, 1e-3);
			ASSERT(eval_mape(&p->config) < 0.01);
		}
		ASSERT(p->layout.scenarios > 0);
		ASSERT_NEAR(eval_top1(&p->layout), 1, 1e-12);
	}
	ASSERT(eval_mape(&own->config) < 0.01);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

static void test_hardware_unusable(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	struct profile_set set;
	profile_set_init(&set);
	struct dataset ds;
	struct eval_report r;
	/* one GPU: nothing to carry a fit to */
	run_eval(EVAL_RUNS, 40, &r, &set, &ds, m);
	eval_report_free(&r);
	static const struct baseline_kind *const none[] = {NULL};
	struct eval_options o = {EVAL_HARDWARE, 0, 3, m, none, 0, NULL, 0};
	ASSERT_INT_EQ(eval_run(&set, &ds, &o, &r), EVAL_UNUSABLE);
	ASSERT(strstr(r.message, "at least two fit groups") != NULL);
	ASSERT(r.methods == NULL && r.pairs == NULL);
	/* two GPUs, but one target run cannot check a scale */
	load_generated_on(&set, m, "H", 2);
	dataset_free(&ds);
	struct diag_list d;
	diag_init(&d, NULL);
	dataset_build(&set, BY_HARDWARE, &ds, &d);
	diag_free(&d);
	ASSERT_INT_EQ(ds.count, 2);
	o.target = 1;
	ASSERT_INT_EQ(eval_run(&set, &ds, &o, &r), EVAL_UNUSABLE);
	ASSERT(strstr(r.message, "at least 2 target runs, got 1") != NULL);
	/* two are enough */
	o.target = 2;
	ASSERT_INT_EQ(eval_run(&set, &ds, &o, &r), 0);
	ASSERT(r.methods[0].config.scenarios > 0);
	eval_report_free(&r);
	dataset_free(&ds);
	profile_set_free(&set);
	model_free(m);
}

int main(void)
{
	UNIT_RUN(test_perfect_scenario);
	UNIT_RUN(test_wrong_choice);
	UNIT_RUN(test_tied_scores_share_credit);
	UNIT_RUN(test_tied_measurements);
	UNIT_RUN(test_skipped_scenarios);
	UNIT_RUN(test_generated_runs_protocol);
	UNIT_RUN(test_generated_workload_protocol);
	UNIT_RUN(test_generated_batch_protocol);
	UNIT_RUN(test_generated_in_sample_protocol);
	UNIT_RUN(test_scale_refit);
	UNIT_RUN(test_generated_hardware_protocol);
	UNIT_RUN(test_hardware_unusable);
	UNIT_RUN(test_size_index);
	UNIT_RUN(test_test_fraction);
	UNIT_RUN(test_partial_protocol);
	UNIT_RUN(test_per_token_choice);
	UNIT_RUN(test_noise_ceiling);
	UNIT_RUN(test_replicates);
	UNIT_RUN(test_empty_report);
	return unit_status();
}
