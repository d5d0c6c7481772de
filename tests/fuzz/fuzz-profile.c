/* The profile loader on arbitrary bytes: whatever a profiler (or a sweep
 * still writing) left in a file. Beyond not crashing, what the loader keeps
 * must be consistent, since every later stage trusts it: runs point at
 * workloads and files that exist, the workloads' run counts add up, and the
 * numbers obey the schema. The runs then go through the model inputs and
 * the dataset, the first consumers of what was loaded. */
#include <math.h>

#include "dataset.h"
#include "fuzz.h"
#include "model.h"
#include "profile.h"
#include "utf8.h"

const char fuzz_target_name[] = "profile";

static bool not_negative(double x)
{
	return isnan(x) || x >= 0;
}

static void check_run(const struct profile_set *set,
		      const struct profile_run *r)
{
	FUZZ_CHECK(r->workload < set->workload_count);
	FUZZ_CHECK(r->file < set->file_count);
	FUZZ_CHECK(r->line >= 1 && r->col >= 1);
	FUZZ_CHECK(r->tp >= 1 && r->pp >= 1 && r->dp >= 1);
	FUZZ_CHECK(r->batch_size >= 1);
	FUZZ_CHECK(isfinite(r->output_tokens) && r->output_tokens > 0);
	FUZZ_CHECK(isfinite(r->energy_total_j) && r->energy_total_j >= 0);
	FUZZ_CHECK(isfinite(r->vision_tokens) && r->vision_tokens >= 0);
	FUZZ_CHECK(not_negative(r->input_tokens));
	FUZZ_CHECK(!isinf(r->input_tokens) && !isinf(r->latency_e2e_s));
	FUZZ_CHECK(not_negative(r->latency_e2e_s));
	FUZZ_CHECK(not_negative(r->power_w));
}

/* check, rank and predict print these: a control character would be a
 * terminal command. */
static void check_printable(const char *s)
{
	unsigned cp;
	FUZZ_CHECK(!s || !utf8_find_control(s, strlen(s), &cp));
}

static void check_set(const struct profile_set *set)
{
	FUZZ_CHECK(set->run_count <= set->run_cap || set->run_count == 0);
	size_t *counts = calloc(set->workload_count + 1, sizeof *counts);
	if (!counts)
		return;
	for (size_t i = 0; i < set->run_count; i++) {
		check_run(set, &set->runs[i]);
		counts[set->runs[i].workload]++;
	}
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct profile_workload *W = &set->workloads[w];
		FUZZ_CHECK(counts[w] == W->run_count);
		check_printable(W->name);
		check_printable(W->model);
		check_printable(W->hardware);
		check_printable(W->engine);
	}
	free(counts);
}

/* The inputs of every run: computed with no invalid arithmetic (UBSan
 * watches the conversions). */
static void use_runs(const struct profile_set *set)
{
	double in[MODEL_NINPUTS];
	for (size_t i = 0; i < set->run_count; i++) {
		const struct profile_run *r = &set->runs[i];
		model_inputs(&set->workloads[r->workload], r, in);
	}
	struct diag_list diags;
	diag_init(&diags, NULL);
	for (int by = BY_HARDWARE; by <= BY_WORKLOAD; by++) {
		struct dataset ds;
		if (dataset_build(set, (enum dataset_by)by, &ds, &diags) == 0)
			dataset_free(&ds);
	}
	diag_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile_set set;
	struct diag_list diags;
	profile_set_init(&set);
	diag_init(&diags, NULL);
	enum profile_status st = profile_load_buffer(
		&set, "fuzz.yaml", (const char *)data, size, &diags);
	FUZZ_CHECK(st != PROFILE_UNREADABLE);
	/* Every error has a position a user can go to. */
	for (size_t i = 0; i < diags.count; i++)
		FUZZ_CHECK(diags.items[i].line >= 1 && diags.items[i].col >= 1);
	FUZZ_CHECK((st == PROFILE_OK) == (diags.errors == 0) ||
		   st == PROFILE_NO_MEMORY);
	check_set(&set);
	use_runs(&set);
	/* A second file into the same set: interning and indices carry on. */
	size_t runs = set.run_count;
	profile_load_buffer(&set, "again.yaml", (const char *)data, size,
			    &diags);
	check_set(&set);
	FUZZ_CHECK(set.run_count == 2 * runs);
	/* check's search for workloads split in two: every warning it gives
	 * has a position too */
	size_t before = diags.count;
	if (profile_report_splits(&set, &diags))
		for (size_t i = before; i < diags.count; i++)
			FUZZ_CHECK(diags.items[i].severity == DIAG_WARNING &&
				   diags.items[i].line >= 1);
	profile_set_free(&set);
	diag_free(&diags);
	return 0;
}
