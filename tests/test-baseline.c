/* Unit tests of the evaluation's baselines: the references return the
 * measured quantities, and each predictor recovers data generated from its
 * own formula (Wilkins' coefficients exactly, the roofline's scale), with
 * the per-layout fallback, the hardware figures and XGBoost's determinism;
 * every kind refuses an empty training set. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "dataset.h"
#include "model.h"
#include "unit.h"

/* ---- fixture: one profile in memory, one fit group ---------------------- */

static struct profile_set set;
static struct dataset ds;
static struct diag_list diags;
static struct eval_group eg;
static bool loaded;

static void unload(void)
{
	if (!loaded)
		return;
	dataset_free(&ds);
	profile_set_free(&set);
	diag_free(&diags);
	loaded = false;
}

/* Loads a profile and builds its groups; true when it has exactly one. */
static bool load(const char *yaml)
{
	unload();
	profile_set_init(&set);
	diag_init(&diags, NULL);
	memset(&ds, 0, sizeof ds);
	loaded = true;
	if (profile_load_buffer(&set, "t.yaml", yaml, strlen(yaml), &diags) !=
		    PROFILE_OK ||
	    dataset_build(&set, BY_HARDWARE, &ds, &diags) != 0 || ds.count != 1)
		return false;
	eg = (struct eval_group){&set, &ds.groups[0]};
	return true;
}

/* The YAML being written: a workload header, then one run per add_run. */
static char yaml[1 << 16];
static size_t yaml_len;

static void begin(const char *hardware)
{
	yaml_len = (size_t)snprintf(
		yaml, sizeof yaml,
		"energylens: 1\nworkload:\n  name: w\n  model: m\n"
		"  hardware: \"%s\"\n  params_b: 8\n"
		"  shape: {layers: 32, hidden_size: 4096, kv_elements: "
		"1024}\nruns:\n",
		hardware);
}

struct run {
	unsigned tp, pp, dp, batch;
	double input, output, energy, e2e_s, tpot_ms;
};

static void add_run(const struct run *r)
{
	char latency[128] = "";
	if (r->e2e_s > 0)
		snprintf(latency, sizeof latency, ", latency: {e2e_s: %.17g}",
			 r->e2e_s);
	else if (r->tpot_ms > 0)
		snprintf(latency, sizeof latency, ", latency: {tpot_ms: %.17g}",
			 r->tpot_ms);
	yaml_len +=
		(size_t)snprintf(yaml + yaml_len, sizeof yaml - yaml_len,
				 "  - {tp: %u, pp: %u, dp: %u, batch_size: %u, "
				 "input_tokens: %.17g, output_tokens: %.17g, "
				 "energy: {total_j: %.17g}%s}\n",
				 r->tp, r->pp ? r->pp : 1, r->dp ? r->dp : 1,
				 r->batch ? r->batch : 1, r->input, r->output,
				 r->energy, latency);
}

static const double *inputs_of(size_t i)
{
	return eg.g->energy.inputs + i * MODEL_NINPUTS;
}

static size_t all_rows[256];

static const size_t *every_row(void)
{
	for (size_t i = 0; i < sizeof all_rows / sizeof *all_rows; i++)
		all_rows[i] = i;
	return all_rows;
}

static bool relative_near(double got, double want, double tolerance)
{
	return fabs(got - want) <= tolerance * fabs(want);
}

/* ---- the list ------------------------------------------------------------ */

static void test_find(void)
{
	static const char *const names[] = {"latency-proxy", "gpu-seconds",
					    "wilkins", "roofline"};
	for (size_t i = 0; i < 4; i++) {
		ASSERT(baseline_kinds[i] != NULL);
		ASSERT_STR_EQ(baseline_kinds[i]->name, names[i]);
		ASSERT(baseline_find(names[i]) == baseline_kinds[i]);
	}
	ASSERT(baseline_kinds[0]->reference && baseline_kinds[1]->reference);
	ASSERT(!baseline_kinds[0]->predicts_energy);
	ASSERT(!baseline_kinds[2]->reference &&
	       baseline_kinds[2]->predicts_energy);
	ASSERT(!baseline_kinds[3]->reference &&
	       baseline_kinds[3]->predicts_energy);
#ifdef HAVE_XGBOOST
	ASSERT_STR_EQ(baseline_kinds[4]->name, "xgboost");
	ASSERT(baseline_find("xgboost") == baseline_kinds[4]);
	ASSERT(baseline_kinds[5] == NULL);
#else
	ASSERT(baseline_find("xgboost") == NULL);
	ASSERT(baseline_kinds[4] == NULL);
#endif
	ASSERT(baseline_find("nope") == NULL);
	ASSERT(baseline_find("") == NULL);
}

/* ---- references ------------------------------------------------------------
 */

static const struct run reference_runs[] = {
	{.tp = 1,
	 .batch = 8,
	 .input = 100,
	 .output = 50,
	 .energy = 10,
	 .e2e_s = 2.5},
	{.tp = 2,
	 .pp = 2,
	 .batch = 8,
	 .input = 100,
	 .output = 50,
	 .energy = 12,
	 .e2e_s = 1.25},
	{.tp = 4,
	 .dp = 2,
	 .batch = 8,
	 .input = 100,
	 .output = 200,
	 .energy = 20,
	 .tpot_ms = 30}, /* 30 ms x 200 tokens = 6 s */
	{.tp = 8, .batch = 8, .input = 100, .output = 50, .energy = 30},
};
static const double reference_latency[] = {2.5, 1.25, 6, NAN};
static const double reference_gpus[] = {1, 4, 8, 8};

static bool load_reference_runs(void)
{
	begin("H100");
	for (size_t i = 0; i < 4; i++)
		add_run(&reference_runs[i]);
	return load(yaml);
}

static void check_reference(const char *name, bool times_gpus)
{
	ASSERT(load_reference_runs());
	ASSERT_INT_EQ(eg.g->energy.n, 4);
	const struct baseline_kind *k = baseline_find(name);
	ASSERT(k && k->reference && !k->predicts_energy);
	char err[256] = "";
	void *s = k->train(&eg, every_row(), 2, err, sizeof err);
	ASSERT_MSG(s != NULL, "train failed: %s", err);
	for (size_t i = 0; i < 4; i++) {
		double want = reference_latency[i] *
			      (times_gpus ? reference_gpus[i] : 1);
		double got = k->score(s, &eg, i);
		if (isnan(want)) {
			k->free(s);
			ASSERT_NAN(got);
			return;
		}
		if (!relative_near(got, want, 1e-12)) {
			k->free(s);
			FAIL_HERE("row %zu: %s scores %.17g, expected %.17g", i,
				  name, got, want);
		}
	}
	k->free(s);
}

static void test_latency_proxy(void)
{
	check_reference("latency-proxy", false);
}

static void test_gpu_seconds(void)
{
	check_reference("gpu-seconds", true);
}

/* ---- Wilkins ---------------------------------------------------------------
 */

static double wilkins_formula(const double a[3], double I, double O)
{
	return a[0] * I + a[1] * O + a[2] * I * O;
}

/* tp2 has nine runs from one formula and is fitted alone; tp1 has two runs
 * at twice that energy, too few, so it uses the pooled fit, as does tp4,
 * which has a run but none in training. */
static void test_wilkins(void)
{
	static const double a[3] = {0.5, 2.0, 0.001};
	static const double I[] = {100, 400, 1600}, O[] = {50, 200, 800};
	begin("H100");
	for (size_t i = 0; i < 3; i++)
		for (size_t o = 0; o < 3; o++)
			add_run(&(struct run){
				.tp = 2,
				.input = I[i],
				.output = O[o],
				.energy = wilkins_formula(a, I[i], O[o])});
	add_run(&(struct run){.tp = 1,
			      .input = 400,
			      .output = 200,
			      .energy = 2 * wilkins_formula(a, 400, 200)});
	add_run(&(struct run){.tp = 1,
			      .input = 1600,
			      .output = 50,
			      .energy = 2 * wilkins_formula(a, 1600, 50)});
	add_run(&(struct run){
		.tp = 4, .input = 400, .output = 200, .energy = 1});
	ASSERT(load(yaml));
	ASSERT_INT_EQ(eg.g->energy.n, 12);
	const struct baseline_kind *k = baseline_find("wilkins");
	char err[256] = "";
	void *s = k->train(&eg, every_row(), 11, err, sizeof err);
	ASSERT_MSG(s != NULL, "train failed: %s", err);
	double score[12];
	for (size_t i = 0; i < 12; i++)
		score[i] = k->score(s, &eg, i);
	k->free(s);
	/* The per-layout fit recovers the formula: a0, a1 and a2 are then
	 * the scores' coefficients, checked through the fitted values. */
	for (size_t i = 0; i < 9; i++) {
		const double *in = inputs_of(i);
		double want = wilkins_formula(a, in[IN_I], in[IN_O]);
		ASSERT_MSG(relative_near(score[i], want, 1e-9),
			   "row %zu: %.17g, expected %.17g", i, score[i], want);
	}
	/* Fallback: tp1 (two runs) is scored like tp4 (none) at the same
	 * lengths, and not at its own doubled energy. */
	ASSERT(isfinite(score[9]) && isfinite(score[11]));
	ASSERT_NEAR(score[9], score[11], 1e-9 * score[11]);
	ASSERT(!relative_near(score[9], eg.g->energy.y[9], 0.2));
}

/* One assumed input length: I and I*O are multiples of 1 and O, the design
 * matrix has rank 2, and the fit must still give finite, exact scores. */
static void test_wilkins_constant_input(void)
{
	static const double O[] = {50, 100, 200, 400, 800};
	begin("H100");
	for (size_t o = 0; o < 5; o++)
		add_run(&(struct run){.tp = 1,
				      .input = 512,
				      .output = O[o],
				      .energy = 0.3 * 512 + 1.5 * O[o] +
						0.002 * 512 * O[o]});
	ASSERT(load(yaml));
	const struct baseline_kind *k = baseline_find("wilkins");
	char err[256] = "";
	void *s = k->train(&eg, every_row(), 5, err, sizeof err);
	ASSERT_MSG(s != NULL, "train failed: %s", err);
	for (size_t i = 0; i < 5; i++) {
		double got = k->score(s, &eg, i);
		if (!relative_near(got, eg.g->energy.y[i], 1e-9)) {
			k->free(s);
			FAIL_HERE("row %zu: %.17g, expected %.17g", i, got,
				  eg.g->energy.y[i]);
		}
	}
	k->free(s);
}

/* ---- roofline -------------------------------------------------------------
 */

/* The roofline energy written out again from its definition (the GPU's
 * figures given), to generate data and to check the fitted scale. */
static double roofline_formula(const double *in, double tflops, double tbs,
			       double watts)
{
	double peak = tflops * 1e12, bw = tbs * 1e12;
	double flops = 2 * in[IN_NA] * 1e9;
	double weights = in[IN_WEFF] * 1e9 / in[IN_B];
	double n = in[IN_N];
	double prefill =
		fmax(flops * in[IN_I] / (n * peak), weights / (n * bw));
	double decode =
		in[IN_O] * fmax(flops / (n * peak),
				(weights + in[IN_KVR] * 1e6) / (n * bw));
	return n * watts * (prefill + decode);
}

static void check_roofline(const char *hardware, double tflops, double tbs,
			   double watts)
{
	static const unsigned tp[] = {1, 2, 4}, B[] = {1, 16, 256};
	static const double I[] = {128, 2048}, O[] = {32, 512};
	static const double scale = 0.37;
	struct run runs[36];
	size_t n = 0;
	for (size_t t = 0; t < 3; t++)
		for (size_t b = 0; b < 3; b++)
			for (size_t i = 0; i < 2; i++)
				for (size_t o = 0; o < 2; o++)
					runs[n++] = (struct run){.tp = tp[t],
								 .batch = B[b],
								 .input = I[i],
								 .output = O[o],
								 .energy = 1};
	/* Once to read each run's inputs, once with the energies. */
	begin(hardware);
	for (size_t r = 0; r < n; r++)
		add_run(&runs[r]);
	ASSERT(load(yaml));
	ASSERT_INT_EQ(eg.g->energy.n, n);
	begin(hardware);
	for (size_t r = 0; r < n; r++) {
		runs[r].energy = scale * roofline_formula(inputs_of(r), tflops,
							  tbs, watts);
		add_run(&runs[r]);
	}
	ASSERT(load(yaml));
	const struct baseline_kind *k = baseline_find("roofline");
	char err[256] = "";
	/* Trained on the first 10 runs, scored on all. */
	void *s = k->train(&eg, every_row(), 10, err, sizeof err);
	ASSERT_MSG(s != NULL, "train failed: %s", err);
	double score[36];
	for (size_t r = 0; r < n; r++)
		score[r] = k->score(s, &eg, r);
	k->free(s);
	for (size_t r = 0; r < n; r++)
		ASSERT_MSG(isfinite(score[r]) &&
				   relative_near(score[r], eg.g->energy.y[r],
						 1e-9),
			   "%s row %zu: %.17g, expected %.17g", hardware, r,
			   score[r], eg.g->energy.y[r]);
	/* The same work on more GPUs scores exactly the same. */
	ASSERT_DBL_EQ(score[0], score[12]);
	ASSERT_DBL_EQ(score[0], score[24]);
}

static void test_roofline_h100(void)
{
	check_roofline("H100 80GB HBM3", 989, 3.35, 700);
}

static void test_roofline_a100_40gb(void)
{
	check_roofline("NVIDIA A100-SXM4-40GB", 312, 1.555, 400);
}

static void test_roofline_gh200(void)
{
	/* GH200 contains "H200": the longer name must win. */
	check_roofline("NVIDIA GH200 GPU", 989, 4.0, 900);
}

static void test_roofline_unknown_hardware(void)
{
	check_roofline("Mystery accelerator", 989, 3.35, 700);
}

/* ---- XGBoost ------------------------------------------------------------- */

static void test_xgboost(void)
{
#ifndef HAVE_XGBOOST
	SKIP("built without --with-xgboost");
#else
	static const unsigned tp[] = {1, 2, 4}, B[] = {1, 4, 16, 64};
	static const double O[] = {100, 400};
	begin("H100");
	size_t n = 0;
	for (size_t t = 0; t < 3; t++)
		for (size_t b = 0; b < 4; b++)
			for (size_t o = 0; o < 2; o++, n++)
				add_run(&(struct run){
					.tp = tp[t],
					.batch = B[b],
					.input = 512,
					.output = O[o],
					.energy = 10 * O[o] *
						  (1 + 0.1 * tp[t]) /
						  sqrt(B[b])});
	ASSERT(load(yaml));
	ASSERT_INT_EQ(eg.g->energy.n, n);
	const struct baseline_kind *k = baseline_find("xgboost");
	ASSERT(k && !k->reference && k->predicts_energy);
	char err[256] = "";
	void *s1 = k->train(&eg, every_row(), n, err, sizeof err);
	ASSERT_MSG(s1 != NULL, "train failed: %s", err);
	void *s2 = k->train(&eg, every_row(), n, err, sizeof err);
	if (!s2) {
		k->free(s1);
		FAIL_HERE("second train failed: %s", err);
	}
	double a[24], b[24];
	for (size_t r = 0; r < n; r++) {
		a[r] = k->score(s1, &eg, r);
		b[r] = k->score(s2, &eg, r);
	}
	k->free(s1);
	k->free(s2);
	for (size_t r = 0; r < n; r++) {
		ASSERT_MSG(relative_near(a[r], eg.g->energy.y[r], 0.10),
			   "row %zu: %.17g, expected %.17g within 10%%", r,
			   a[r], eg.g->energy.y[r]);
		ASSERT_MSG(a[r] == b[r], "row %zu: %.17g then %.17g", r, a[r],
			   b[r]);
	}
#endif
}

/* ---- failure ------------------------------------------------------------- */

static void test_no_training_runs(void)
{
	ASSERT(load_reference_runs());
	for (size_t i = 0; baseline_kinds[i]; i++) {
		const struct baseline_kind *k = baseline_kinds[i];
		char err[256] = "";
		void *s = k->train(&eg, every_row(), 0, err, sizeof err);
		if (s) {
			k->free(s);
			FAIL_HERE("%s trained on no runs", k->name);
		}
		ASSERT_CONTAINS(err, k->name);
		ASSERT_CONTAINS(err, "no training runs");
	}
}

int main(void)
{
	UNIT_RUN(test_find);
	UNIT_RUN_WITH(test_latency_proxy, unload);
	UNIT_RUN_WITH(test_gpu_seconds, unload);
	UNIT_RUN_WITH(test_wilkins, unload);
	UNIT_RUN_WITH(test_wilkins_constant_input, unload);
	UNIT_RUN_WITH(test_roofline_h100, unload);
	UNIT_RUN_WITH(test_roofline_a100_40gb, unload);
	UNIT_RUN_WITH(test_roofline_gh200, unload);
	UNIT_RUN_WITH(test_roofline_unknown_hardware, unload);
	UNIT_RUN_WITH(test_xgboost, unload);
	UNIT_RUN_WITH(test_no_training_runs, unload);
	return unit_status();
}
