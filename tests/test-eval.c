/* Unit tests of the evaluation: the scoring of one scenario (Top-1 with
 * shared credit, pairwise, regret), and whole evaluations on runs whose
 * energies the model itself generated, where it must be perfect. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset.h"
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
 * factor. Added to what set already holds. */
static void load_generated_on(struct profile_set *set, const struct model *m,
			      const char *hw, double factor)
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
					len += (size_t)snprintf(
						buf + len, sizeof buf - len,
						"  - {tp: %u, pp: 1, "
						"batch_size: %u, input_tokens: "
						"%u, output_tokens: 200, "
						"energy: {total_j: 1}}\n",
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
	}
}

static void load_generated(struct profile_set *set, const struct model *m)
{
	load_generated_on(set, m, "G", 1);
}

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
	struct eval_options o = {protocol, train, 3, m, none, 0, NULL};
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
	struct eval_options o = {EVAL_HARDWARE, 0, 3, m, none, 0, NULL};
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
	struct eval_options o = {EVAL_HARDWARE, 0, 3, m, none, 0, NULL};
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
	return unit_status();
}
