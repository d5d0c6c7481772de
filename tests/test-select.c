/* Unit tests of the selector: candidate layouts (measured, and the
 * power-of-two ones that fit in memory), the energy- and latency-optimal
 * choices with their penalties, the blend, the Pareto front and the
 * measured column, on hand-made models whose answers are known. */
#include <math.h>
#include <string.h>

#include "model.h"
#include "select.h"
#include "unit.h"

static struct diag_list diags;

static struct model *parse(const char *target, const char *expr)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "energylens-model: 1\nname: m\ntarget: %s\nunit: u\n"
		 "description: d\nparameters:\n"
		 "  - {name: a, default: 1, unit: u, meaning: m}\n"
		 "terms:\n"
		 "  - {name: t, phase: decode, kind: idle, expr: \"%s\"}\n",
		 target, expr);
	diag_free(&diags);
	diag_init(&diags, NULL);
	return model_parse("m.yaml", text, strlen(text), &diags);
}

static struct profile_workload workload(void)
{
	struct profile_workload w;
	memset(&w, 0, sizeof w);
	w.params_b = w.active_params_b = w.gpu_memory_gib = NAN;
	return w;
}

static void test_gpu_layouts_without_memory(void)
{
	struct profile_workload w = workload();
	struct select_layout l[64];
	struct select_knobs k = {.batch = 8, .input = 100, .output = 100};
	/* power-of-two triples with tp*pp*dp <= 8: a+b+c <= 3 in exponents */
	ASSERT_INT_EQ(select_gpu_layouts(&w, 8, &k, l, 64), 20);
	ASSERT_INT_EQ(select_gpu_layouts(&w, 1, &k, l, 64), 1);
	ASSERT_INT_EQ(l[0].tp * l[0].pp * l[0].dp, 1);
}

static void test_gpu_layouts_memory(void)
{
	/* 70 B parameters at 16 bits = 140 GB; 80 GiB GPUs hold 0.9 x 85.9
	 * = 77.3 GB: one GPU cannot, two can (without much KV cache). */
	struct profile_workload w = workload();
	w.params_b = 70;
	w.gpu_memory_gib = 80;
	w.shape = (struct profile_shape){
		.layers = 80, .hidden_size = 8192, .kv_elements = 2048};
	struct select_layout l[64];
	struct select_knobs k = {.batch = 1, .input = 100, .output = 100};
	size_t n = select_gpu_layouts(&w, 2, &k, l, 64);
	ASSERT_INT_EQ(n, 2); /* t2p1 and t1p2; not t1p1, not t1p1d2 */
	for (size_t i = 0; i < n; i++)
		ASSERT_INT_EQ(l[i].tp * l[i].pp, 2);
	/* A KV cache of 256 sequences x 200 tokens x 2 x 2048 x 80 B =
	 * 16.8 GB more does not fit on two GPUs any longer. */
	k.batch = 256;
	ASSERT_INT_EQ(select_gpu_layouts(&w, 2, &k, l, 64), 0);
	ASSERT(select_gpu_layouts(&w, 4, &k, l, 64) > 0);
}

static void test_measured_layouts(void)
{
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	const char *yaml =
		"energylens: 1\nworkload: {name: w}\nruns:\n"
		"  - {tp: 2, pp: 1, batch_size: 1, output_tokens: 1, energy: "
		"{total_j: 1}}\n"
		"  - {tp: 1, pp: 1, batch_size: 1, output_tokens: 1, energy: "
		"{total_j: 1}}\n"
		"  - {tp: 2, pp: 1, batch_size: 4, output_tokens: 1, energy: "
		"{total_j: 1}}\n"
		"  - {tp: 1, pp: 1, dp: 2, batch_size: 1, output_tokens: 1, "
		"energy: {total_j: 1}}\n";
	ASSERT(profile_load_buffer(&set, "w.yaml", yaml, strlen(yaml), &d) ==
	       PROFILE_OK);
	struct select_layout l[8];
	ASSERT_INT_EQ(select_measured_layouts(&set, 0, l, 8), 3);
	ASSERT(l[0].tp == 2 && l[1].tp == 1 && l[1].dp == 1 && l[2].dp == 2);
	profile_set_free(&set);
	diag_free(&d);
}

/* Energy grows with GPUs, latency falls with tp: the optima diverge, with
 * penalties known exactly. */
static void test_optima_and_penalties(void)
{
	struct model *e = parse("energy", "a * n");
	struct model *t = parse("latency", "a / t");
	ASSERT(e && t);
	double one[1] = {1};
	struct select_models m = {e, t, one, one};
	struct select_layout l[] = {{4, 1, 1}, {1, 1, 1}, {2, 1, 1}};
	struct profile_workload w = workload();
	struct select_knobs k = {.batch = 8, .input = 100, .output = 100};
	struct select_result r;
	ASSERT(select_rank(&m, &w, 0, NULL, l, 3, &k, NAN, &r) == 0);
	/* sorted by energy: t1 (1 J), t2 (2 J), t4 (4 J) */
	ASSERT_INT_EQ(r.c[0].layout.tp, 1);
	ASSERT_INT_EQ(r.c[2].layout.tp, 4);
	ASSERT_INT_EQ(r.energy_best, 0);
	ASSERT_INT_EQ(r.latency_best, 2);
	ASSERT(r.diverge);
	ASSERT_DBL_EQ(r.energy_penalty, 3.0);  /* 4 J / 1 J - 1 */
	ASSERT_DBL_EQ(r.latency_penalty, 3.0); /* 1 s / 0.25 s - 1 */
	ASSERT_INT_EQ(r.blend_best, -1);
	for (size_t i = 0; i < 3; i++) /* each is best at something */
		ASSERT(r.c[i].pareto);
	ASSERT(isnan(r.c[0].measured_j));
	select_result_free(&r);
	model_free(e);
	model_free(t);
}

static void test_blend(void)
{
	struct model *e = parse("energy", "a * n");
	struct model *t = parse("latency", "a / t");
	double one[1] = {1};
	struct select_models m = {e, t, one, one};
	struct select_layout l[] = {{1, 1, 1}, {2, 1, 1}, {4, 1, 1}};
	struct profile_workload w = workload();
	struct select_knobs k = {.batch = 8, .input = 100, .output = 100};
	struct select_result r;
	/* eta = 1: energy alone; eta = 0: latency alone; eta = 0.5: the
	 * scores are (1+4)/2, (2+2)/2, (4+1)/2: t2 wins. */
	double etas[] = {1, 0, 0.5};
	unsigned want[] = {1, 4, 2};
	for (int i = 0; i < 3; i++) {
		ASSERT(select_rank(&m, &w, 0, NULL, l, 3, &k, etas[i], &r) ==
		       0);
		ASSERT_INT_EQ(r.c[r.blend_best].layout.tp, want[i]);
		select_result_free(&r);
	}
	model_free(e);
	model_free(t);
}

static void test_dominated_not_pareto(void)
{
	/* Energy and latency both grow with pp: only pp 1 is on the front. */
	struct model *e = parse("energy", "a * p");
	struct model *t = parse("latency", "a * p");
	double one[1] = {1};
	struct select_models m = {e, t, one, one};
	struct select_layout l[] = {{1, 2, 1}, {1, 1, 1}};
	struct profile_workload w = workload();
	struct select_knobs k = {.batch = 8, .input = 100, .output = 100};
	struct select_result r;
	ASSERT(select_rank(&m, &w, 0, NULL, l, 2, &k, NAN, &r) == 0);
	ASSERT(!r.diverge);
	ASSERT_DBL_EQ(r.energy_penalty, 0);
	ASSERT(r.c[0].pareto && !r.c[1].pareto);
	select_result_free(&r);
	model_free(e);
	model_free(t);
}

static void test_no_latency_fit(void)
{
	struct model *e = parse("energy", "a * n");
	double one[1] = {1};
	struct select_models m = {e, NULL, one, NULL};
	struct select_layout l[] = {{1, 1, 1}, {2, 1, 1}};
	struct profile_workload w = workload();
	struct select_knobs k = {.batch = 8, .input = 100, .output = 100};
	struct select_result r;
	ASSERT(select_rank(&m, &w, 0, NULL, l, 2, &k, 0.5, &r) == 0);
	ASSERT_INT_EQ(r.latency_best, -1);
	ASSERT_INT_EQ(r.blend_best, -1);
	ASSERT(!r.diverge);
	ASSERT_NAN(r.c[0].latency_s);
	ASSERT_NAN(r.energy_penalty);
	select_result_free(&r);
	model_free(e);
}

static void test_measured_column(void)
{
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	/* Two runs match (tokens within 2%), one has another batch, one
	 * has its output 5% off. */
	const char *yaml =
		"energylens: 1\nworkload: {name: w}\nruns:\n"
		"  - {tp: 2, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 200, energy: {total_j: 10}}\n"
		"  - {tp: 2, pp: 1, batch_size: 8, input_tokens: 101, "
		"output_tokens: 198, energy: {total_j: 20}}\n"
		"  - {tp: 2, pp: 1, batch_size: 4, input_tokens: 100, "
		"output_tokens: 200, energy: {total_j: 99}}\n"
		"  - {tp: 2, pp: 1, batch_size: 8, input_tokens: 100, "
		"output_tokens: 210, energy: {total_j: 99}}\n";
	ASSERT(profile_load_buffer(&set, "w.yaml", yaml, strlen(yaml), &d) ==
	       PROFILE_OK);
	struct model *e = parse("energy", "a * n");
	double one[1] = {1};
	struct select_models m = {e, NULL, one, NULL};
	struct select_layout l[] = {{2, 1, 1}, {1, 1, 1}};
	struct select_knobs k = {.batch = 8, .input = 100, .output = 200};
	struct select_result r;
	ASSERT(select_rank(&m, &set.workloads[0], 0, &set, l, 2, &k, NAN, &r) ==
	       0);
	ASSERT_INT_EQ(r.c[1].layout.tp, 2);
	ASSERT_DBL_EQ(r.c[1].measured_j, 15);
	ASSERT_NAN(r.c[0].measured_j);
	select_result_free(&r);
	model_free(e);
	profile_set_free(&set);
	diag_free(&d);
}

static void test_layout_names(void)
{
	char buf[32];
	select_layout_name(&(struct select_layout){2, 1, 1}, buf, sizeof buf);
	ASSERT_STR_EQ(buf, "t2p1");
	select_layout_name(&(struct select_layout){1, 2, 4}, buf, sizeof buf);
	ASSERT_STR_EQ(buf, "t1p2d4");
}

int main(void)
{
	diag_init(&diags, NULL);
	UNIT_RUN(test_gpu_layouts_without_memory);
	UNIT_RUN(test_gpu_layouts_memory);
	UNIT_RUN(test_measured_layouts);
	UNIT_RUN(test_optima_and_penalties);
	UNIT_RUN(test_blend);
	UNIT_RUN(test_dominated_not_pareto);
	UNIT_RUN(test_no_latency_fit);
	UNIT_RUN(test_measured_column);
	UNIT_RUN(test_layout_names);
	diag_free(&diags);
	return unit_status();
}
