/* Unit tests of the profile loader (schema v1): what good files load to,
 * and for each class of bad input the exact message, its position, and
 * that the bad run stays out of the set. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "fileid.h"
#include "profile.h"
#include "schema.h"
#include "unit.h"

/* ---- fixture ------------------------------------------------------------ */

/* The set and messages of the case running; fresh for every case. */
static struct profile_set set;
static struct diag_list diags;
static enum profile_status status;

static void reset(void)
{
	profile_set_free(&set);
	diag_free(&diags);
	profile_set_init(&set);
	diag_init(&diags, NULL);
	status = PROFILE_OK;
}

static void load_bytes(const char *name, const char *data, size_t len)
{
	status = profile_load_buffer(&set, name, data, len, &diags);
}

static void load(const char *yaml)
{
	load_bytes("t.yaml", yaml, strlen(yaml));
}

/* Most bad-input cases are one bad run after a good one: the good run is
 * on line 5, the bad one on line 6, so a test can tell which was kept. */
#define HEAD "energylens: 1\nworkload:\n  name: w\nruns:\n"
#define GOOD                                                                   \
	"  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: "       \
	"{total_j: 10}}\n"
#define GOOD_LINE 5

/* Why diagnostic i is not the one expected; NULL when it is. */
static const char *diag_mismatch(size_t i, enum diag_severity sev,
				 unsigned line, unsigned col, const char *text,
				 bool exact)
{
	static char why[1024];
	if (i >= diags.count) {
		snprintf(why, sizeof why, "no diagnostic #%zu (%zu in all)", i,
			 diags.count);
		return why;
	}
	const struct diag *d = &diags.items[i];
	bool text_ok = exact ? strcmp(d->message, text) == 0
			     : strstr(d->message, text) != NULL;
	if (d->severity == sev && d->line == line && d->col == col && text_ok)
		return NULL;
	snprintf(why, sizeof why,
		 "diagnostic #%zu is %s %u:%u \"%s\", expected %s %u:%u "
		 "%s\"%s\"",
		 i, d->severity == DIAG_ERROR ? "error" : "warning", d->line,
		 d->col, d->message, sev == DIAG_ERROR ? "error" : "warning",
		 line, col, exact ? "" : "containing ", text);
	return why;
}

#define ASSERT_DIAG_(i, sev, line, col, text, exact)                           \
	do {                                                                   \
		const char *why_ =                                             \
			diag_mismatch(i, sev, line, col, text, exact);         \
		if (why_)                                                      \
			FAIL_HERE("%s", why_);                                 \
	} while (0)
#define ASSERT_ERROR(i, line, col, text)                                       \
	ASSERT_DIAG_(i, DIAG_ERROR, line, col, text, true)
#define ASSERT_ERROR_HAS(i, line, col, text)                                   \
	ASSERT_DIAG_(i, DIAG_ERROR, line, col, text, false)
#define ASSERT_WARNING(i, line, col, text)                                     \
	ASSERT_DIAG_(i, DIAG_WARNING, line, col, text, true)

/* Exactly one message, an error, and the load failed for bad data. */
#define ASSERT_ONE_ERROR(line, col, text)                                      \
	do {                                                                   \
		ASSERT_INT_EQ(status, PROFILE_BAD_DATA);                       \
		ASSERT_INT_EQ(diags.count, 1);                                 \
		ASSERT_INT_EQ(diags.errors, 1);                                \
		ASSERT_ERROR(0, line, col, text);                              \
	} while (0)

#define ASSERT_ONLY_GOOD_RUN()                                                 \
	do {                                                                   \
		ASSERT_INT_EQ(set.run_count, 1);                               \
		ASSERT_INT_EQ(set.runs[0].line, GOOD_LINE);                    \
		ASSERT_INT_EQ(set.workload_count, 1);                          \
		ASSERT_INT_EQ(set.workloads[0].run_count, 1);                  \
	} while (0)

#define ASSERT_NO_RUNS()                                                       \
	do {                                                                   \
		ASSERT_INT_EQ(set.run_count, 0);                               \
		ASSERT_INT_EQ(set.workload_count, 0);                          \
	} while (0)

/* The bad run is line 6 of HEAD GOOD run. */
#define EXPECT_BAD_RUN(run, col, text)                                         \
	do {                                                                   \
		load(HEAD GOOD run);                                           \
		ASSERT_ONE_ERROR(6, col, text);                                \
		ASSERT_ONLY_GOOD_RUN();                                        \
	} while (0)

/* ---- temporary files ---------------------------------------------------- */

static char tmp_root[64];
static char *created[64]; /* removed in reverse order at the end */
static size_t created_count;

static const char *tmp_path(const char *rel)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", tmp_root, rel);
	return path;
}

static bool remember(const char *path)
{
	if (created_count == sizeof created / sizeof *created)
		return false;
	return (created[created_count] = strdup(path)) != NULL &&
	       ++created_count;
}

static bool make_dir(const char *rel)
{
	const char *path = tmp_path(rel);
	return mkdir(path, 0700) == 0 && remember(path);
}

static bool write_file(const char *rel, const char *text)
{
	const char *path = tmp_path(rel);
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	return ok && remember(path);
}

static void remove_tmp(void)
{
	while (created_count > 0) {
		char *path = created[--created_count];
		if (remove(path) != 0)
			fprintf(stderr, "test-profile: cannot remove %s: %s\n",
				path, strerror(errno));
		free(path);
	}
	if (tmp_root[0] && rmdir(tmp_root) != 0)
		fprintf(stderr, "test-profile: cannot remove %s: %s\n",
			tmp_root, strerror(errno));
}

/* ---- good files --------------------------------------------------------- */

static const char design_example[] =
	"energylens: 1\n"
	"workload:\n"
	"  name: chat            # free text\n"
	"  model: Qwen/Qwen3-14B\n"
	"  params_b: 14.0        # total parameters, billions\n"
	"  active_params_b: 14.0 # activated per token (MoE < total)\n"
	"  architecture: dense   # dense | moe | ssm | hybrid\n"
	"  modality: text        # text | image | video | audio\n"
	"  hardware: H100-SXM5-80GB\n"
	"  gpu_memory_gib: 80\n"
	"  engine: vLLM 0.11\n"
	"  shape:                # optional; enables fits pooled across "
	"models\n"
	"    layers: 40\n"
	"    hidden_size: 5120\n"
	"    kv_elements: 2048   # per token per attention layer\n"
	"    weight_bits: 16\n"
	"    experts: 0          # routed experts (0 = dense) ...\n"
	"    experts_per_token: 0\n"
	"    sliding_layers: 0   # ... and sliding-window layers and window\n"
	"    sliding_window: 0\n"
	"runs:\n"
	"  - tp: 2\n"
	"    pp: 1\n"
	"    dp: 1                   # optional data-parallel replicas\n"
	"    batch_size: 64          # concurrent requests\n"
	"    input_tokens: 512       # mean per request\n"
	"    vision_tokens: 0        # optional\n"
	"    output_tokens: 256\n"
	"    energy:  {total_j: 123.4, prefill_j: 23.1, decode_j: 100.3}\n"
	"    latency: {e2e_s: 3.2, ttft_s: 0.21, tpot_ms: 11.7}\n"
	"    power_w: 540            # optional\n";

static void test_design_example_workload(void)
{
	load(design_example);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.workload_count, 1);
	const struct profile_workload *w = &set.workloads[0];
	ASSERT_STR_EQ(w->name, "chat");
	ASSERT_STR_EQ(w->model, "Qwen/Qwen3-14B");
	ASSERT_STR_EQ(w->hardware, "H100-SXM5-80GB");
	ASSERT_STR_EQ(w->engine, "vLLM 0.11");
	ASSERT_DBL_EQ(w->params_b, 14.0);
	ASSERT_DBL_EQ(w->active_params_b, 14.0);
	ASSERT_DBL_EQ(w->gpu_memory_gib, 80);
	ASSERT_INT_EQ(w->architecture, ARCH_DENSE);
	ASSERT_INT_EQ(w->modality, MODALITY_TEXT);
	ASSERT_STR_EQ(profile_arch_name(w->architecture), "dense");
	ASSERT_STR_EQ(profile_modality_name(w->modality), "text");
	ASSERT(!w->input_tokens_assumed);
	ASSERT_INT_EQ(w->shape.layers, 40);
	ASSERT_INT_EQ(w->shape.hidden_size, 5120);
	ASSERT_INT_EQ(w->shape.kv_elements, 2048);
	ASSERT_INT_EQ(w->shape.weight_bits, 16);
	ASSERT_INT_EQ(w->shape.experts, 0);
	ASSERT_INT_EQ(w->run_count, 1);
}

static void test_design_example_run(void)
{
	load(design_example);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.file_count, 1);
	ASSERT_STR_EQ(set.files[0], "t.yaml");
	const struct profile_run *r = &set.runs[0];
	ASSERT_INT_EQ(r->workload, 0);
	ASSERT_INT_EQ(r->file, 0);
	ASSERT_INT_EQ(r->line, 22);
	ASSERT_INT_EQ(r->col, 5);
	ASSERT_INT_EQ(r->tp, 2);
	ASSERT_INT_EQ(r->pp, 1);
	ASSERT_INT_EQ(r->dp, 1);
	ASSERT_INT_EQ(r->batch_size, 64);
	ASSERT_DBL_EQ(r->input_tokens, 512);
	ASSERT_DBL_EQ(r->vision_tokens, 0);
	ASSERT_DBL_EQ(r->output_tokens, 256);
	ASSERT_DBL_EQ(r->energy_total_j, 123.4);
	ASSERT_DBL_EQ(r->energy_prefill_j, 23.1);
	ASSERT_DBL_EQ(r->energy_decode_j, 100.3);
	ASSERT_DBL_EQ(r->latency_e2e_s, 3.2);
	ASSERT_DBL_EQ(r->latency_ttft_s, 0.21);
	ASSERT_DBL_EQ(r->latency_tpot_ms, 11.7);
	ASSERT_DBL_EQ(r->power_w, 540);
}

static void test_several_documents(void)
{
	/* The second document takes its version from the first. */
	load("energylens: 1\nworkload: {name: a, hardware: H100}\nruns:\n" GOOD
	     "---\nworkload: {name: b, hardware: H100}\nruns:\n" GOOD GOOD
	     "...\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 3);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_STR_EQ(set.workloads[0].name, "a");
	ASSERT_STR_EQ(set.workloads[1].name, "b");
	ASSERT_INT_EQ(set.workloads[1].run_count, 2);
	ASSERT_INT_EQ(set.runs[0].workload, 0);
	ASSERT_INT_EQ(set.runs[1].workload, 1);
	ASSERT_INT_EQ(set.runs[1].line, 8);
	ASSERT_INT_EQ(set.runs[2].line, 9);
}

static void test_workload_after_runs(void)
{
	load("energylens: 1\nruns:\n"
	     "  - {tp: 4, pp: 2, batch_size: 8, energy: {total_j: 10}}\n"
	     "workload:\n  model: m\n  output_tokens: 64\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.workload_count, 1);
	ASSERT_STR_EQ(set.workloads[0].model, "m");
	ASSERT_DBL_EQ(set.runs[0].output_tokens, 64);
	ASSERT_INT_EQ(set.runs[0].tp, 4);
	ASSERT_INT_EQ(set.runs[0].pp, 2);
}

static void test_run_keys_inherited(void)
{
	load("energylens: 1\n"
	     "workload:\n  model: m\n  tp: 2\n  pp: 1\n  input_tokens: 512\n"
	     "  output_tokens: 128\n  energy: {prefill_j: 5}\n"
	     "runs:\n"
	     "  - {batch_size: 1, energy: {decode_j: 20}}\n"
	     "  - {batch_size: 4, tp: 8, energy: {decode_j: 10}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 2);
	/* Run keys do not make a workload of their own. */
	ASSERT_INT_EQ(set.workload_count, 1);
	ASSERT_INT_EQ(set.workloads[0].run_count, 2);
	const struct profile_run *a = &set.runs[0], *b = &set.runs[1];
	ASSERT_INT_EQ(a->tp, 2);
	ASSERT_INT_EQ(b->tp, 8);
	ASSERT_INT_EQ(b->pp, 1);
	ASSERT_DBL_EQ(a->input_tokens, 512);
	ASSERT_DBL_EQ(b->output_tokens, 128);
	ASSERT_DBL_EQ(a->energy_total_j, 25);
	ASSERT_DBL_EQ(b->energy_total_j, 15);
}

static void test_run_overrides_workload_key(void)
{
	load(HEAD GOOD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: {total_j: 10}, hardware: A100}\n" GOOD);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 3);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(set.runs[0].workload, 0);
	ASSERT_INT_EQ(set.runs[1].workload, 1);
	ASSERT_INT_EQ(set.runs[2].workload, 0);
	ASSERT_INT_EQ(set.workloads[0].run_count, 2);
	ASSERT_INT_EQ(set.workloads[1].run_count, 1);
	ASSERT(set.workloads[0].hardware == NULL);
	ASSERT_STR_EQ(set.workloads[1].hardware, "A100");
	/* The rest of the workload carries over. */
	ASSERT_STR_EQ(set.workloads[1].name, "w");
}

static void test_identical_workloads_merged(void)
{
	load(HEAD GOOD "---\n" HEAD GOOD "---\n"
		       "energylens: 1\nworkload: {name: other}\nruns:\n" GOOD);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 3);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(set.runs[1].workload, 0);
	ASSERT_INT_EQ(set.runs[2].workload, 1);
	ASSERT_INT_EQ(set.workloads[0].run_count, 2);
	/* and across files */
	load_bytes("u.yaml", HEAD GOOD, strlen(HEAD GOOD));
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(set.run_count, 4);
	ASSERT_INT_EQ(set.runs[3].workload, 0);
	ASSERT_INT_EQ(set.runs[3].file, 1);
	ASSERT_INT_EQ(set.workloads[0].run_count, 3);
}

static void test_attention_layers(void)
{
	/* shape.attention_layers is a workload key like the other shape keys:
	 * a run that overrides it gets a workload of its own. */
	load("energylens: 1\nworkload:\n  name: w\n  shape: {layers: 62, "
	     "attention_layers: 6}\nruns:\n" GOOD
	     "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: "
	     "{total_j: 10}, shape: {attention_layers: 62}}\n");
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 2);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(
		set.workloads[set.runs[0].workload].shape.attention_layers, 6);
	ASSERT_INT_EQ(
		set.workloads[set.runs[1].workload].shape.attention_layers, 62);
	ASSERT_INT_EQ(set.workloads[set.runs[1].workload].shape.layers, 62);
}

static void test_total_energy_from_parts(void)
{
	load(HEAD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		  "energy: {prefill_j: 20, decode_j: 80.5}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_DBL_EQ(set.runs[0].energy_total_j, 100.5);
	ASSERT_DBL_EQ(set.runs[0].energy_prefill_j, 20);
	ASSERT_DBL_EQ(set.runs[0].energy_decode_j, 80.5);
}

static void test_total_energy_disagreeing_warns(void)
{
	load(HEAD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		  "energy: {total_j: 50, prefill_j: 20, decode_j: 80}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_WARNING(0, 5, 5,
		       "energy.total_j 50 differs from prefill_j + decode_j "
		       "= 100 by more than 1% (expected their sum)");
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_DBL_EQ(set.runs[0].energy_total_j, 50);
}

/* Found by fuzzing (tests/fuzz/corpus/profile/regress-energy-sum-*): two
 * finite parts whose sum is infinite gave a run of infinite energy; now
 * every measurement and the sum are held to at most 1e12. */
static void test_total_energy_sum_out_of_range(void)
{
	load(HEAD GOOD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: {prefill_j: 9e11, decode_j: 9e11}}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_ERROR(0, 6, 5,
		     "energy.prefill_j + energy.decode_j is out of range "
		     "(expected a sum of at most 1e+12)");
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.runs[0].line, GOOD_LINE);
}

/* A refused document takes its new workloads back: a later document that
 * names the same workload, or an earlier one, must find one entry each. */
static void test_refused_document_workloads_taken_back(void)
{
	load("energylens: 1\nworkload: {name: a}\nruns:\n" GOOD
	     "---\nworkload: {name: b}\nworkload: {name: c}\nruns:\n" GOOD
	     "---\nworkload: {name: b}\nruns:\n" GOOD
	     "---\nworkload: {name: a}\nruns:\n" GOOD);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(set.run_count, 3);
	ASSERT_STR_EQ(set.workloads[set.runs[1].workload].name, "b");
	ASSERT_INT_EQ(set.runs[2].workload, set.runs[0].workload);
	ASSERT_INT_EQ(set.workloads[set.runs[0].workload].run_count, 2);
	ASSERT_INT_EQ(set.workloads[set.runs[1].workload].run_count, 1);
}

/* A file caught while a sweep writes it: the run cut after "total_j: 1"
 * still loads (it is valid YAML), and the warning says why to doubt it. */
static void test_no_final_line_break_warns(void)
{
	load(HEAD GOOD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: {total_j: 1}}");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 2);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_WARNING(0, 6, 76,
		       "no line break at the end of the file (expected one: "
		       "is the file still being written? its last value may "
		       "be cut short)");
}

static void test_defaults(void)
{
	load(HEAD GOOD);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 1);
	const struct profile_run *r = &set.runs[0];
	ASSERT_INT_EQ(r->dp, 1);
	ASSERT_DBL_EQ(r->vision_tokens, 0);
	ASSERT_NAN(r->input_tokens);
	ASSERT_NAN(r->energy_prefill_j);
	ASSERT_NAN(r->latency_e2e_s);
	ASSERT_NAN(r->power_w);
	const struct profile_workload *w = &set.workloads[0];
	ASSERT_NAN(w->params_b);
	ASSERT(w->model == NULL);
	ASSERT_INT_EQ(w->architecture, ARCH_UNSET);
	ASSERT_INT_EQ(w->shape.layers, 0);
}

static void test_anchors_and_aliases(void)
{
	/* Nested anchors, a scalar anchor and aliases of each. */
	load("energylens: 1\nworkload: {name: w}\nruns:\n"
	     "  - &base {tp: 2, pp: 1, batch_size: &b 16, output_tokens: 100,"
	     " energy: &e {total_j: 7}}\n"
	     "  - *base\n"
	     "  - {tp: 4, pp: 1, batch_size: *b, output_tokens: 100, "
	     "energy: *e}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 3);
	ASSERT_INT_EQ(set.workload_count, 1);
	ASSERT_INT_EQ(set.runs[1].tp, 2);
	ASSERT_INT_EQ(set.runs[1].batch_size, 16);
	ASSERT_DBL_EQ(set.runs[1].energy_total_j, 7);
	ASSERT_INT_EQ(set.runs[2].tp, 4);
	ASSERT_INT_EQ(set.runs[2].batch_size, 16);
	ASSERT_DBL_EQ(set.runs[2].energy_total_j, 7);
	ASSERT_INT_EQ(set.runs[2].line, 6);
}

static void test_aliases_at_bound(void)
{
	char yaml[4096];
	int n = snprintf(yaml, sizeof yaml,
			 "%s  - &r {tp: 1, pp: 1, "
			 "batch_size: 8, output_tokens: 100, energy: {total_j: "
			 "10}}\n",
			 HEAD);
	for (int i = 0; i < 64; i++)
		n += snprintf(yaml + n, sizeof yaml - (size_t)n, "  - *r\n");
	ASSERT((size_t)n < sizeof yaml);
	load(yaml);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 65);
}

static void test_directory_walk(void)
{
	/* Created out of order; loaded in byte order of names, depth first,
	 * hidden entries and other extensions skipped. */
	ASSERT(make_dir("walk"));
	ASSERT(write_file("walk/d.yaml", HEAD GOOD));
	ASSERT(make_dir("walk/c"));
	ASSERT(write_file("walk/c/z.yaml", HEAD GOOD));
	ASSERT(write_file("walk/b.yaml", HEAD GOOD));
	ASSERT(write_file("walk/a.yml", HEAD GOOD));
	ASSERT(write_file("walk/B.yaml", HEAD GOOD));
	ASSERT(write_file("walk/notes.txt", "not: [yaml\n"));
	ASSERT(write_file("walk/yaml", "not: [yaml\n"));
	ASSERT(write_file("walk/.hidden.yaml", "not: [yaml\n"));
	ASSERT(make_dir("walk/.git"));
	ASSERT(write_file("walk/.git/x.yaml", "not: [yaml\n"));
	char dir[256];
	snprintf(dir, sizeof dir, "%s", tmp_path("walk"));
	status = profile_load_path(&set, dir, &diags);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	static const char *const order[] = {"B.yaml", "a.yml", "b.yaml",
					    "c/z.yaml", "d.yaml"};
	ASSERT_INT_EQ(set.file_count, 5);
	ASSERT_INT_EQ(set.run_count, 5);
	for (size_t i = 0; i < 5; i++) {
		char want[300];
		snprintf(want, sizeof want, "%s/%s", dir, order[i]);
		ASSERT_STR_EQ(set.files[i], want);
		ASSERT_INT_EQ(set.runs[i].file, i);
	}
	ASSERT_INT_EQ(set.workload_count, 1);
}

struct visited {
	char paths[8][300];
	size_t count;
};

static enum profile_status note_visit(void *ctx, const char *path,
				      const struct stat *st,
				      struct diag_list *d)
{
	(void)d;
	struct visited *v = ctx;
	if (!S_ISREG(st->st_mode) || v->count == 8)
		return PROFILE_BAD_DATA;
	snprintf(v->paths[v->count++], sizeof v->paths[0], "%s", path);
	return PROFILE_OK;
}

/* The walk alone (for --follow) visits the files the loader reads, in its
 * order, and nothing beside them; each once across walks sharing a seen
 * set, as the loader does across the paths it is given. */
static void test_walk_visits_what_is_loaded(void)
{
	ASSERT(make_dir("walk2"));
	ASSERT(write_file("walk2/b.yaml", HEAD GOOD));
	ASSERT(write_file("walk2/a.yml", HEAD GOOD));
	ASSERT(write_file("walk2/notes.txt", "edited often\n"));
	ASSERT(write_file("walk2/.hidden.yaml", HEAD GOOD));
	char dir[256], notes[300];
	snprintf(dir, sizeof dir, "%s", tmp_path("walk2"));
	snprintf(notes, sizeof notes, "%s/notes.txt", dir);
	struct visited v = {.count = 0};
	struct fileid_set seen;
	fileid_init(&seen);
	ASSERT_INT_EQ(profile_walk(dir, &seen, &diags, note_visit, &v),
		      PROFILE_OK);
	ASSERT_INT_EQ(v.count, 2);
	char want[300];
	snprintf(want, sizeof want, "%s/a.yml", dir);
	ASSERT_STR_EQ(v.paths[0], want);
	snprintf(want, sizeof want, "%s/b.yaml", dir);
	ASSERT_STR_EQ(v.paths[1], want);
	/* named on its own it is read whatever its name */
	ASSERT_INT_EQ(profile_walk(notes, &seen, &diags, note_visit, &v),
		      PROFILE_OK);
	ASSERT_INT_EQ(v.count, 3);
	ASSERT_STR_EQ(v.paths[2], notes);
	/* the directory again: seen, nothing visited, one warning */
	ASSERT_INT_EQ(profile_walk(dir, &seen, &diags, note_visit, &v),
		      PROFILE_OK);
	ASSERT_INT_EQ(v.count, 3);
	ASSERT_INT_EQ(diags.warnings, 1);
	fileid_free(&seen);
}

static bool make_link(const char *target, const char *rel)
{
	const char *path = tmp_path(rel);
	return symlink(target, path) == 0 && remember(path);
}

/* A FIFO cannot be read twice, and opening one waits for a writer: a set
 * that takes regular files only (the explorer's --follow, which froze in
 * open() on one) refuses one named, at once; in a directory a FIFO is
 * skipped whatever the set. */
static void test_fifo_where_regular_only(void)
{
	ASSERT(make_dir("fifo"));
	ASSERT(write_file("fifo/a.yaml", HEAD GOOD));
	char fifo[256], dir[256];
	snprintf(fifo, sizeof fifo, "%s", tmp_path("fifo/b.yaml"));
	ASSERT(mkfifo(fifo, 0600) == 0 && remember(fifo));
	snprintf(dir, sizeof dir, "%s", tmp_path("fifo"));
	set.regular_only = true;
	status = profile_load_path(&set, fifo, &diags);
	ASSERT_INT_EQ(status, PROFILE_UNREADABLE);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].message,
		      "cannot read: not a regular file (a FIFO, device or "
		      "socket)");
	set.regular_only = false;
	status = profile_load_path(&set, dir, &diags);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(diags.count, 1);
}

/* Two links to their own directory made 2^32 paths before the depth bound
 * stopped the walk (a hang), and a file reached through a link loaded its
 * runs twice. Each directory and file is read once, with a warning. */
static void test_symbolic_link_loops(void)
{
	ASSERT(make_dir("loop"));
	ASSERT(write_file("loop/a.yaml", HEAD GOOD));
	ASSERT(make_link(".", "loop/x"));
	ASSERT(make_link(".", "loop/y"));
	ASSERT(make_link("a.yaml", "loop/b.yaml"));
	char dir[256];
	snprintf(dir, sizeof dir, "%s", tmp_path("loop"));
	status = profile_load_path(&set, dir, &diags);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(diags.count, 3);
	ASSERT_INT_EQ(diags.warnings, 3);
	ASSERT_CONTAINS(diags.items[0].file, "loop/b.yaml");
	ASSERT_STR_EQ(diags.items[0].message,
		      "file read already (named twice, or through a "
		      "symbolic link); skipped");
	ASSERT_CONTAINS(diags.items[1].file, "loop/x");
	ASSERT_STR_EQ(diags.items[1].message,
		      "directory read already (named twice, or a "
		      "symbolic link loop); skipped");
}

/* A file named twice on the command line, or inside a directory also
 * named, was loaded twice: the identity of what was read is the set's, not
 * one path's. */
static void test_file_named_twice_loads_once(void)
{
	ASSERT(make_dir("twice"));
	ASSERT(write_file("twice/a.yaml", HEAD GOOD));
	char dir[256], file[300];
	snprintf(dir, sizeof dir, "%s", tmp_path("twice"));
	snprintf(file, sizeof file, "%s/a.yaml", dir);
	ASSERT_INT_EQ(profile_load_path(&set, dir, &diags), PROFILE_OK);
	ASSERT_INT_EQ(profile_load_path(&set, file, &diags), PROFILE_OK);
	ASSERT_INT_EQ(profile_load_path(&set, dir, &diags), PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_STR_EQ(diags.items[0].message,
		      "file read already (named twice, or through a "
		      "symbolic link); skipped");
}

static void test_explicit_file_any_extension(void)
{
	ASSERT(write_file("profile.txt", HEAD GOOD));
	status = profile_load_path(&set, tmp_path("profile.txt"), &diags);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 1);
}

static void test_missing_path(void)
{
	status = profile_load_path(&set, tmp_path("absent.yaml"), &diags);
	ASSERT_INT_EQ(status, PROFILE_UNREADABLE);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].file, tmp_path("absent.yaml"));
	ASSERT_INT_EQ(diags.items[0].line, 0);
	ASSERT_STR_EQ(diags.items[0].message,
		      "cannot read: No such file or directory");
}

static void test_directory_without_profiles(void)
{
	ASSERT(make_dir("none"));
	ASSERT(write_file("none/readme.txt", "nothing here\n"));
	status = profile_load_path(&set, tmp_path("none"), &diags);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].message,
		      "no profile files in this directory "
		      "(expected *.yaml or *.yml files)");
}

static void test_empty_directory(void)
{
	ASSERT(make_dir("empty"));
	status = profile_load_path(&set, tmp_path("empty"), &diags);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_CONTAINS(diags.items[0].message, "no profile files");
}

/* ---- bad files: the file as a whole ------------------------------------- */

static void test_empty_file(void)
{
	load("");
	ASSERT_ONE_ERROR(1, 1,
			 "empty file (expected a profile: 'energylens: 1', "
			 "'workload:' and 'runs:')");
	ASSERT_NO_RUNS();
}

static void test_comments_only(void)
{
	load("# a profile\n\n   # nothing yet\n");
	ASSERT_ONE_ERROR(1, 1,
			 "empty file (expected a profile: 'energylens: 1', "
			 "'workload:' and 'runs:')");
	ASSERT_NO_RUNS();
}

static void test_document_without_runs(void)
{
	load("energylens: 1\nworkload: {name: w}\n");
	ASSERT_ONE_ERROR(1, 1,
			 "no runs (expected 'runs:' with at least one run)");
	ASSERT_NO_RUNS();
}

static void test_runs_empty(void)
{
	load("energylens: 1\nworkload: {name: w}\nruns: []\n");
	ASSERT_ONE_ERROR(3, 7,
			 "no runs (expected at least one run under 'runs:')");
	ASSERT_NO_RUNS();
}

static void test_runs_not_a_sequence(void)
{
	load("energylens: 1\nruns:\n  tp: 1\n");
	ASSERT_ONE_ERROR(3, 3,
			 "runs is a mapping (expected a sequence of runs)");
	ASSERT_NO_RUNS();
}

static void test_wrong_schema_version(void)
{
	load("energylens: 2\nworkload: {name: w}\nruns:\n" GOOD);
	ASSERT_ONE_ERROR(1, 13,
			 "unsupported schema version 2 (expected "
			 "'energylens: 1')");
	ASSERT_NO_RUNS();
}

static void test_wrong_schema_version_after_runs(void)
{
	load("workload: {name: w}\nruns:\n" GOOD "energylens: 1.5\n");
	ASSERT_ONE_ERROR(4, 13,
			 "unsupported schema version 1.5 (expected "
			 "'energylens: 1')");
	ASSERT_NO_RUNS();
}

static void test_missing_schema_version(void)
{
	load("workload: {name: w}\nruns:\n" GOOD);
	ASSERT_ONE_ERROR(1, 1,
			 "no schema version (expected 'energylens: 1' at the "
			 "top of the file)");
	ASSERT_NO_RUNS();
}

static void test_document_not_a_mapping(void)
{
	load("- tp: 1\n");
	ASSERT_ONE_ERROR(1, 1,
			 "the document is a sequence (expected a mapping with "
			 "'energylens', 'workload' and 'runs')");
	ASSERT_NO_RUNS();
}

/* ---- bad runs: missing keys --------------------------------------------- */

static void test_missing_tp(void)
{
	EXPECT_BAD_RUN("  - {pp: 1, batch_size: 8, output_tokens: 100, energy: "
		       "{total_j: 10}}\n",
		       5,
		       "run has no tp (expected an integer from 1 to 1024: "
		       "tensor-parallel degree, in the run or under "
		       "workload:)");
}

static void test_missing_pp(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, batch_size: 8, output_tokens: 100, energy: "
		       "{total_j: 10}}\n",
		       5,
		       "run has no pp (expected an integer from 1 to 1024: "
		       "pipeline-parallel degree, in the run or under "
		       "workload:)");
}

static void test_missing_batch_size(void)
{
	EXPECT_BAD_RUN(
		"  - {tp: 1, pp: 1, output_tokens: 100, energy: "
		"{total_j: 10}}\n",
		5,
		"run has no batch_size (expected an integer from 1 to 65536: "
		"concurrent requests, in the run or under workload:)");
}

static void test_missing_output_tokens(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, pp: 1, batch_size: 8, energy: "
		       "{total_j: 10}}\n",
		       5,
		       "run has no output_tokens (expected a number of tokens "
		       "> 0, at most 1048576: "
		       "output tokens per request, in the run or under "
		       "workload:)");
}

static void test_missing_energy(void)
{
	/* Half of the parts is no energy either. */
	load(HEAD GOOD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100}\n"
		       "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: {prefill_j: 3}}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 2);
	static const char msg[] =
		"run has no energy (expected energy.total_j, or both "
		"energy.prefill_j and energy.decode_j, in joules per request)";
	ASSERT_ERROR(0, 6, 5, msg);
	ASSERT_ERROR(1, 7, 5, msg);
	ASSERT_ONLY_GOOD_RUN();
}

/* ---- bad runs: types ---------------------------------------------------- */

#define REST "pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}"

static void test_mapping_for_number(void)
{
	EXPECT_BAD_RUN("  - {tp: {value: 2}, " REST "}\n", 10,
		       "tp is a mapping (expected an integer from 1 to 1024)");
}

static void test_quoted_number(void)
{
	EXPECT_BAD_RUN("  - {tp: \"2\", " REST "}\n", 10,
		       "tp is not a number: \"2\" (expected an integer from "
		       "1 to 1024)");
}

static void test_sequence_for_mapping(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: [10, 2]}\n",
		       63, "energy is a sequence (expected a mapping)");
}

static void test_non_numeric_string(void)
{
	EXPECT_BAD_RUN("  - {tp: two, " REST "}\n", 10,
		       "tp is not a number: two (expected an integer from "
		       "1 to 1024)");
}

static void test_bad_architecture(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, " REST ", architecture: transformer}\n", 92,
		       "architecture is not valid: transformer (expected "
		       "dense, moe, ssm or hybrid)");
}

static void test_bad_modality(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, " REST ", modality: smell}\n", 88,
		       "modality is not valid: smell (expected text, image, "
		       "video or audio)");
}

static void test_bad_bool(void)
{
	/* YAML 1.1's "yes" is not a boolean here. */
	EXPECT_BAD_RUN("  - {tp: 1, " REST ", input_tokens_assumed: yes}\n",
		       100,
		       "input_tokens_assumed is not valid: yes (expected true "
		       "or false)");
}

static void test_quoted_bool_shows_quotes(void)
{
	EXPECT_BAD_RUN(
		"  - {tp: 1, " REST ", input_tokens_assumed: \"true\"}\n", 100,
		"input_tokens_assumed is not valid: \"true\" (expected "
		"true or false)");
}

static void test_non_scalar_key(void)
{
	EXPECT_BAD_RUN("  - {? [a] : b, tp: 1, " REST "}\n", 8,
		       "a key is a sequence (expected a plain word as key)");
}

static void test_null_value(void)
{
	EXPECT_BAD_RUN("  - {tp: ~, " REST "}\n", 10,
		       "tp has no value (expected an integer from 1 to 1024)");
}

/* ---- bad runs: duplicate keys ------------------------------------------- */

static void test_duplicate_top_level_key(void)
{
	/* Found after the runs: they are taken back. */
	load(HEAD GOOD "workload: {name: v}\n");
	ASSERT_ONE_ERROR(6, 1,
			 "duplicate key 'workload', first at 2:1 (expected "
			 "each key once in a mapping)");
	ASSERT_NO_RUNS();
}

static void test_duplicate_workload_key(void)
{
	load("energylens: 1\nworkload:\n  name: w\n  model: a\n  model: b\n"
	     "runs:\n" GOOD);
	ASSERT_ONE_ERROR(5, 3,
			 "duplicate key 'model', first at 4:3 (expected each "
			 "key once in a mapping)");
	ASSERT_NO_RUNS();
}

static void test_duplicate_run_key(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, " REST ", tp: 2}\n", 78,
		       "duplicate key 'tp', first at 6:6 (expected each key "
		       "once in a mapping)");
}

static void test_duplicate_nested_key(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: {total_j: 10, total_j: 11}}\n",
		       77,
		       "duplicate key 'total_j', first at 6:64 (expected each "
		       "key once in a mapping)");
}

/* ---- bad runs: numbers -------------------------------------------------- */

#define ENERGY_RUN(v)                                                          \
	"  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: "       \
	"{total_j: " v "}}\n"
#define ENERGY_COL 73

static void test_nan(void)
{
	EXPECT_BAD_RUN(ENERGY_RUN(".nan"), ENERGY_COL,
		       "energy.total_j is not a finite number: .nan (expected "
		       "a number from 0 to 1e12, not below 1e-9 unless 0)");
}

static void test_infinity(void)
{
	EXPECT_BAD_RUN(ENERGY_RUN(".inf"), ENERGY_COL,
		       "energy.total_j is not a finite number: .inf (expected "
		       "a number from 0 to 1e12, not below 1e-9 unless 0)");
}

static void test_negative_infinity(void)
{
	EXPECT_BAD_RUN(
		ENERGY_RUN("-.Inf"), ENERGY_COL,
		"energy.total_j is not a finite number: -.Inf "
		"(expected a number from 0 to 1e12, not below 1e-9 unless 0)");
}

static void test_negative_measurement(void)
{
	EXPECT_BAD_RUN(ENERGY_RUN("-0.5"), ENERGY_COL,
		       "energy.total_j is negative: -0.5 (expected "
		       "a number from 0 to 1e12, not below 1e-9 unless 0)");
}

static void test_overflow(void)
{
	EXPECT_BAD_RUN(ENERGY_RUN("1e999"), ENERGY_COL,
		       "energy.total_j is out of range: 1e999 (expected "
		       "a number from 0 to 1e12, not below 1e-9 unless 0)");
}

static void test_hex_float_refused(void)
{
	EXPECT_BAD_RUN(ENERGY_RUN("0x1p4"), ENERGY_COL,
		       "energy.total_j is not a number: 0x1p4 (expected "
		       "a number from 0 to 1e12, not below 1e-9 unless 0)");
}

/* The four counts of a run, each given the same bad value first on a run
 * of its own (lines 6 to 9): every one is reported, none is kept. */
static void expect_bad_counts(const char *value, const char *what)
{
	static const char *const keys[] = {"tp", "pp", "dp", "batch_size"};
	char yaml[2048];
	int n = snprintf(yaml, sizeof yaml, "%s%s", HEAD, GOOD);
	for (size_t i = 0; i < 4; i++) {
		n += snprintf(yaml + n, sizeof yaml - (size_t)n, "  - {%s: %s",
			      keys[i], value);
		/* the required ones it does not stand for */
		for (size_t k = 0; k < 4; k++)
			if (k != i && k != 2)
				n += snprintf(yaml + n, sizeof yaml - (size_t)n,
					      ", %s: 1", keys[k]);
		n += snprintf(yaml + n, sizeof yaml - (size_t)n,
			      ", output_tokens: 100, energy: {total_j: 10}}\n");
	}
	ASSERT((size_t)n < sizeof yaml);
	load(yaml);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 4);
	for (size_t i = 0; i < 4; i++) {
		char msg[128];
		snprintf(msg, sizeof msg,
			 "%s %s: %s (expected an integer from 1 to %s)",
			 keys[i], what, value, i == 3 ? "65536" : "1024");
		unsigned col = 6 + (unsigned)strlen(keys[i]) + 2;
		ASSERT_ERROR(i, 6 + (unsigned)i, col, msg);
	}
	ASSERT_ONLY_GOOD_RUN();
}

static void test_zero_counts(void)
{
	expect_bad_counts("0", "is zero");
}

static void test_negative_counts(void)
{
	expect_bad_counts("-2", "is negative");
}

static void test_fractional_counts(void)
{
	expect_bad_counts("1.5", "is fractional");
}

static void test_too_large_counts(void)
{
	expect_bad_counts("1e12", "is too large");
}

/* ---- bad bytes and YAML syntax ------------------------------------------ */

static void test_invalid_utf8(void)
{
	load(HEAD GOOD "  - {tp: 1, " REST ", name: caf\xc3(}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_ERROR_HAS(0, 6, 88, "invalid UTF-8");
	ASSERT_ERROR_HAS(0, 6, 88, "(expected UTF-8 text)");
	ASSERT_NO_RUNS();
}

static void test_nul_byte(void)
{
	static const char yaml[] = HEAD GOOD "  - {tp: 1\0, " REST "}\n";
	load_bytes("t.yaml", yaml, sizeof yaml - 1);
	ASSERT_ONE_ERROR(6, 11, "NUL byte (expected text)");
	ASSERT_NO_RUNS();
}

static void test_tab_indentation(void)
{
	load(HEAD GOOD "  - tp: 1\n\tpp: 1\n");
	ASSERT_ONE_ERROR(7, 1,
			 "tab character in indentation (expected spaces: YAML "
			 "forbids tabs there)");
	ASSERT_NO_RUNS();
}

static void test_unterminated_quoted_string(void)
{
	load(HEAD GOOD "  - {tp: 1, " REST ", name: \"chat}\n");
	ASSERT_ONE_ERROR(7, 1,
			 "unterminated construct: found unexpected end of "
			 "stream while scanning a quoted scalar, opened at "
			 "6:84 (expected it closed before the end of the "
			 "file)");
	ASSERT_NO_RUNS();
}

static void test_unterminated_flow_sequence(void)
{
	load("energylens: 1\nworkload: {name: w}\nruns: [{tp: 1, " REST "}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_ERROR_HAS(0, 4, 1, "flow sequence, opened at 3:7");
	ASSERT_NO_RUNS();
}

static void test_unterminated_flow_mapping(void)
{
	load(HEAD GOOD "  - {tp: 1, pp: 1\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_ERROR_HAS(0, 7, 1, "flow mapping, opened at 6:5");
	ASSERT_NO_RUNS();
}

/* ---- anchors, aliases and nesting --------------------------------------- */

static void test_undefined_alias(void)
{
	load(HEAD GOOD "  - {tp: *two, " REST "}\n");
	ASSERT_ONE_ERROR(6, 10,
			 "unknown alias '*two' (expected an anchor defined "
			 "before it with '&two')");
	ASSERT_NO_RUNS();
}

static void test_too_many_aliases(void)
{
	char yaml[4096];
	int n = snprintf(yaml, sizeof yaml,
			 "%s  - &r {tp: 1, pp: 1, "
			 "batch_size: 8, output_tokens: 100, energy: {total_j: "
			 "10}}\n",
			 HEAD);
	for (int i = 0; i < 65; i++)
		n += snprintf(yaml + n, sizeof yaml - (size_t)n, "  - *r\n");
	ASSERT((size_t)n < sizeof yaml);
	load(yaml);
	ASSERT_ONE_ERROR(70, 5,
			 "too many aliases (expected at most 64 per file)");
	ASSERT_NO_RUNS();
}

static void test_billion_laughs(void)
{
	/* Nine levels of nine aliases each: 9^9 nodes if expanded. Few
	 * aliases, so the expansion bound is the one that stops it. */
	char yaml[4096];
	int n = snprintf(yaml, sizeof yaml,
			 "energylens: 1\nlol:\n  a: &a [x, x, x, x, x, x, x, "
			 "x, x]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		char p = (char)(c - 1);
		n += snprintf(yaml + n, sizeof yaml - (size_t)n,
			      "  %c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, "
			      "*%c, *%c]\n",
			      c, c, p, p, p, p, p, p, p, p, p);
	}
	n += snprintf(yaml + n, sizeof yaml - (size_t)n, "runs:\n%s", GOOD);
	ASSERT((size_t)n < sizeof yaml);
	load(yaml);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.errors, 1);
	ASSERT_WARNING(0, 2, 1,
		       "unknown key 'lol' at the top of the document "
		       "(ignored)");
	ASSERT_ERROR(1, 6, 22,
		     "aliases expand to too much content (expected at most "
		     "4096 YAML nodes per file)");
	ASSERT_NO_RUNS();
}

/* A run whose unknown key x holds depth nested sequences. */
static void load_nested(int depth)
{
	char yaml[512];
	int n = snprintf(yaml, sizeof yaml, "%s%s  - {tp: 1, %s, x: ", HEAD,
			 GOOD, REST);
	for (int i = 0; i < depth; i++)
		yaml[n++] = '[';
	for (int i = 0; i < depth; i++)
		yaml[n++] = ']';
	snprintf(yaml + n, sizeof yaml - (size_t)n, "}\n");
	load(yaml);
}

static void test_nesting_too_deep(void)
{
	/* document mapping, runs, the run: three levels before x. */
	load_nested(30);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.errors, 1);
	ASSERT_WARNING(0, 6, 78, "unknown key 'x' in run (ignored)");
	ASSERT_ERROR(1, 6, 110,
		     "nesting too deep (expected at most 32 levels of "
		     "mappings and sequences)");
	ASSERT_NO_RUNS();
}

static void test_nesting_at_bound(void)
{
	load_nested(29);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.errors, 0);
	ASSERT_INT_EQ(set.run_count, 2);
}

/* ---- warnings, and many problems at once -------------------------------- */

static void test_unknown_keys_warn(void)
{
	load("energylens: 1\n"
	     "future: {a: 1}\n"
	     "workload:\n  name: w\n  colour: blue\n"
	     "  shape: {layers: 4, heads: 8}\n"
	     "runs:\n"
	     "  - {tp: 1, " REST ", temperature: 0.7}\n"
	     "  - {tp: 2, pp: 1, batch_size: 8, output_tokens: 100, "
	     "energy: {total_j: 10, idle_j: 1}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.errors, 0);
	ASSERT_INT_EQ(diags.warnings, 5);
	ASSERT_WARNING(0, 2, 1,
		       "unknown key 'future' at the top of the document "
		       "(ignored)");
	ASSERT_WARNING(1, 5, 3, "unknown key 'colour' in workload (ignored)");
	ASSERT_WARNING(2, 6, 22, "unknown key 'heads' in shape (ignored)");
	ASSERT_WARNING(3, 8, 78, "unknown key 'temperature' in run (ignored)");
	ASSERT_WARNING(4, 9, 77, "unknown key 'idle_j' in energy (ignored)");
	ASSERT_INT_EQ(set.run_count, 2);
	ASSERT_INT_EQ(set.workloads[0].shape.layers, 4);
}

static void test_all_problems_listed(void)
{
	/* Five runs, five independent errors, in line order; the runs
	 * come before workload:, so some are only checked at its end. */
	load("energylens: 1\nruns:\n"
	     "  - {pp: 1, batch_size: 8, energy: {total_j: 10}}\n"
	     "  - {tp: 0, pp: 1, batch_size: 8, energy: {total_j: 10}}\n"
	     "  - {tp: 1, pp: 1, batch_size: 8, energy: {total_j: 10}}\n"
	     "  - {tp: 1, pp: 1, batch_size: 8}\n"
	     "  - {tp: 1, pp: 1, batch_size: 8, energy: {total_j: .nan}}\n"
	     "  - {tp: 1, pp: 1, batch_size: x, energy: {total_j: 1}}\n"
	     "workload: {name: w, output_tokens: 10}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 5);
	ASSERT_ERROR_HAS(0, 3, 5, "run has no tp");
	ASSERT_ERROR_HAS(1, 4, 10, "tp is zero");
	ASSERT_ERROR_HAS(2, 6, 5, "run has no energy");
	ASSERT_ERROR_HAS(3, 7, 53, "energy.total_j is not a finite number");
	ASSERT_ERROR_HAS(4, 8, 32, "batch_size is not a number: x");
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.runs[0].line, 5);
}

static void test_bad_workload_value_drops_document(void)
{
	/* The runs are still checked; the next document still loads. */
	load("energylens: 1\nworkload: {name: w, params_b: -14}\nruns:\n" GOOD
	     "  - {tp: 1, pp: 1, batch_size: 8, energy: {total_j: 10}}\n"
	     "---\n" HEAD GOOD);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_ERROR(0, 2, 31,
		     "params_b is negative: -14 (expected a number > 0)");
	ASSERT_ERROR_HAS(1, 5, 5, "run has no output_tokens");
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.runs[0].line, 11);
	ASSERT_INT_EQ(set.workload_count, 1);
	ASSERT(isnan(set.workloads[0].params_b));
}

static void test_workload_not_a_mapping(void)
{
	load("energylens: 1\nruns:\n" GOOD "workload: chat\n");
	ASSERT_ONE_ERROR(4, 11,
			 "workload is a scalar (expected a mapping of "
			 "workload keys)");
	ASSERT_NO_RUNS();
}

static void test_syntax_error_drops_document(void)
{
	/* A document cut short adds none of its runs, not even those
	 * before the error. */
	load(HEAD GOOD GOOD "  - {tp: 1, pp: 1]\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.errors, 1);
	ASSERT_NO_RUNS();
}

/* ---- positions and names ------------------------------------------------ */

static void test_positions_are_one_based(void)
{
	load("bogus: 1\nenergylens: 1\nruns:\n" GOOD);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_WARNING(0, 1, 1,
		       "unknown key 'bogus' at the top of the document "
		       "(ignored)");
	ASSERT_INT_EQ(set.runs[0].line, 4);
	ASSERT_INT_EQ(set.runs[0].col, 5);
}

static void test_columns_count_characters(void)
{
	/* Two-byte characters before the error count as one column each. */
	load(HEAD "  - {name: \"\xc3\xa9\xc3\xa9\", tp: x, " REST "}\n");
	ASSERT_ONE_ERROR(5, 22,
			 "tp is not a number: x (expected an integer from "
			 "1 to 1024)");
}

static void test_control_characters_escaped(void)
{
	load(HEAD GOOD "  - {tp: \"\\e[31m\", " REST "}\n");
	ASSERT_ONE_ERROR(6, 10,
			 "tp is not a number: \"\\x1b[31m\" (expected an "
			 "integer from 1 to 1024)");
}

/* A quoted YAML string may hold any character through escapes; printed by
 * check or rank, "\e]0;..." would retitle the terminal and "\e(0" garble
 * it. Strings are printable text, and the messages show C1 escaped too. */
static void test_control_characters_in_strings(void)
{
	load(HEAD GOOD "  - {model: \"x\\e[2J\", tp: 1, " REST "}\n");
	ASSERT_ONE_ERROR(6, 13,
			 "model has the control character U+001B: "
			 "\"x\\x1b[2J\" (expected printable text)");
	reset();
	load(HEAD GOOD "  - {hardware: \"H\\u009b1m\", tp: 1, " REST "}\n");
	ASSERT_ONE_ERROR(6, 16,
			 "hardware has the control character U+009B: "
			 "\"H\\u009b1m\" (expected printable text)");
	reset();
	load(HEAD GOOD "  - {engine: \"a\tb\", tp: 1, " REST "}\n");
	ASSERT_ONE_ERROR(6, 14,
			 "engine has the control character U+0009: "
			 "\"a\\x09b\" (expected printable text)");
	reset();
	load(HEAD GOOD "  - {name: \"caf\xc3\xa9 \xe2\x98\x95\", tp: 1, " REST
		       "}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 2);
}

static void test_name_with_spaces(void)
{
	ASSERT(make_dir("my profiles"));
	ASSERT(write_file("my profiles/run 1.yaml",
			  HEAD GOOD "  - {tp: 0, " REST "}\n"));
	char path[256];
	snprintf(path, sizeof path, "%s", tmp_path("my profiles/run 1.yaml"));
	status = profile_load_path(&set, path, &diags);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].file, path);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ASSERT(out);
	diag_print(&diags.items[0], out);
	fclose(out);
	char want[512];
	snprintf(
		want, sizeof want,
		"%s:6:10: tp is zero: 0 (expected an integer from 1 to 1024)\n",
		path);
	bool same = text && strcmp(text, want) == 0;
	char got[512];
	snprintf(got, sizeof got, "%s", text ? text : "(null)");
	free(text);
	ASSERT_MSG(same, "printed \"%s\", expected \"%s\"", got, want);
}

static void test_echo_in_line_order(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ASSERT(out);
	diags.echo = out;
	load("energylens: 1\nruns:\n"
	     "  - {pp: 1, batch_size: 8, output_tokens: 1, energy: {total_j: "
	     "1}}\n"
	     "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 1, energy: "
	     "{total_j: -1}}\n");
	diags.echo = NULL;
	fclose(out);
	static const char want[] =
		"t.yaml:3:5: run has no tp (expected an integer from 1 to "
		"1024: "
		"tensor-parallel degree, in the run or under workload:)\n"
		"t.yaml:4:71: energy.total_j is negative: -1 (expected "
		"a number from 0 to 1e12, not below 1e-9 unless 0)\n";
	bool same = text && strcmp(text, want) == 0;
	char got[512];
	snprintf(got, sizeof got, "%s", text ? text : "(null)");
	free(text);
	ASSERT_MSG(same, "echoed \"%s\", expected \"%s\"", got, want);
}

/* ---- memory ------------------------------------------------------------- */

static void test_run_size(void)
{
	/* profile.h promises 120 bytes per run. */
	ASSERT_MSG(sizeof(struct profile_run) <= 120,
		   "sizeof(struct profile_run) is %zu, expected at most 120",
		   sizeof(struct profile_run));
}

/* ---- one workload, whatever defaults a document spells out ------------- */

#define RUN_LINE                                                               \
	"  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: "       \
	"{total_j: 10}}\n"

/* Two documents whose workloads differ only in a key that one gives at its
 * default value and the other leaves out are one workload. */
static void expect_one_workload(const char *given, const char *left_out)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "energylens: 1\nworkload: {name: w, params_b: 14, shape: "
		 "{layers: 40}%s}\nruns:\n" RUN_LINE
		 "---\nenergylens: 1\nworkload: {name: w, params_b: 14, shape: "
		 "{layers: 40}%s}\nruns:\n" RUN_LINE,
		 given, left_out);
	load(text);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.run_count, 2);
	ASSERT_INT_EQ(set.workload_count, 1);
	ASSERT_INT_EQ(set.workloads[0].run_count, 2);
	ASSERT(profile_report_splits(&set, &diags));
	ASSERT_INT_EQ(diags.count, 0);
}

static void test_default_active_params_one_workload(void)
{
	expect_one_workload(", active_params_b: 14", "");
}

static void test_default_active_params_after_one_workload(void)
{
	expect_one_workload("", ", active_params_b: 14");
}

static void test_default_weight_bits_one_workload(void)
{
	/* in the shape: the closing brace comes after it */
	char text[1024];
	snprintf(text, sizeof text,
		 "energylens: 1\nworkload: {name: w, shape: {layers: 40, "
		 "weight_bits: 16}}\nruns:\n" RUN_LINE
		 "---\nenergylens: 1\nworkload: {name: w, shape: {layers: "
		 "40}}\nruns:\n" RUN_LINE);
	load(text);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.workload_count, 1);
}

static void test_default_attention_layers_one_workload(void)
{
	load("energylens: 1\nworkload: {name: w, shape: {layers: 40, "
	     "attention_layers: 40}}\nruns:\n" RUN_LINE
	     "---\nenergylens: 1\nworkload: {name: w, shape: {layers: "
	     "40}}\nruns:\n" RUN_LINE);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.workload_count, 1);
}

/* A key given in one document and left to a different default in the
 * other: two workloads, and a warning that names the key and both
 * places. */
static void test_split_by_given_key_warns(void)
{
	load("energylens: 1\nworkload: {name: w, params_b: 14, "
	     "active_params_b: 3}\nruns:\n" RUN_LINE);
	load_bytes("u.yaml",
		   "energylens: 1\nworkload: {name: w, params_b: 14}\nruns:\n"
		   "  - {tp: 2, pp: 1, batch_size: 8, output_tokens: 100, "
		   "energy: {total_j: 10}}\n",
		   strlen("energylens: 1\nworkload: {name: w, params_b: "
			  "14}\nruns:\n  - {tp: 2, pp: 1, batch_size: 8, "
			  "output_tokens: 100, energy: {total_j: 10}}\n"));
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(set.workload_count, 2);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT(profile_report_splits(&set, &diags));
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_INT_EQ(diags.warnings, 1);
	ASSERT_STR_EQ(diags.items[0].file, "u.yaml");
	ASSERT_WARNING(0, 4, 5,
		       "workload split in two by active_params_b: not given "
		       "(default params_b: 14) here, 3 at t.yaml:4:5 (expected "
		       "the same in every document of one workload: give it in "
		       "both, or in neither)");
}

/* Two workloads that differ in a key both give are simply two. */
static void test_different_workloads_no_split_warning(void)
{
	load("energylens: 1\nworkload: {name: w, params_b: 14, "
	     "active_params_b: 3}\nruns:\n" RUN_LINE
	     "---\nenergylens: 1\nworkload: {name: w, params_b: 14, "
	     "active_params_b: 4}\nruns:\n" RUN_LINE
	     "---\nenergylens: 1\nworkload: {name: w, params_b: "
	     "30}\nruns:\n" RUN_LINE);
	ASSERT_INT_EQ(set.workload_count, 3);
	ASSERT(profile_report_splits(&set, &diags));
	ASSERT_INT_EQ(diags.count, 0);
}

/* ---- YAML 1.1 against 1.2: leading zeros and tags ---------------------- */

static void test_leading_zero_refused(void)
{
	EXPECT_BAD_RUN(
		"  - {tp: 010, pp: 1, batch_size: 8, output_tokens: "
		"100, energy: {total_j: 10}}\n",
		10,
		"tp has a leading zero: YAML 1.1 reads 010 as octal 8, "
		"YAML 1.2 as 10; write 10 or 8 (expected an integer from "
		"1 to 1024)");
}

static void test_leading_zero_not_octal_refused(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, pp: 1, batch_size: 8, output_tokens: "
		       "-019, energy: {total_j: 10}}\n",
		       50,
		       "output_tokens has a leading zero: YAML 1.1 reads -019 "
		       "as a string, YAML 1.2 as -19; write -19 (expected a "
		       "number of tokens > 0, at most 1048576)");
}

static void test_leading_zero_fraction_accepted(void)
{
	/* 0.5 and 00.5 mean the same in YAML 1.1 and 1.2; so does 0 */
	load(HEAD "  - {tp: 1, pp: 1, dp: 1, batch_size: 8, output_tokens: "
		  "00.5, input_tokens: 0, energy: {total_j: 0.5}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_DBL_EQ(set.runs[0].output_tokens, 0.5);
}

static void test_leading_zero_version_refused(void)
{
	load("energylens: 01\nworkload: {name: w}\nruns:\n" GOOD);
	ASSERT_ONE_ERROR(1, 13,
			 "unsupported schema version 01 (expected "
			 "'energylens: 1')");
	ASSERT_NO_RUNS();
}

static void test_str_tag_on_number_refused(void)
{
	EXPECT_BAD_RUN("  - {tp: !!str 1, pp: 1, batch_size: 8, output_tokens: "
		       "100, energy: {total_j: 10}}\n",
		       10,
		       "tp has the tag !!str (expected no tag, or !!int: a tag "
		       "must not change what a value is read as)");
}

static void test_python_tag_on_run_refused(void)
{
	load(HEAD GOOD "  - !!python/object:os.system {tp: 1, pp: 1, "
		       "batch_size: 8, output_tokens: 100, energy: {total_j: "
		       "10}}\n");
	ASSERT_ONE_ERROR(6, 5,
			 "a run has the tag !!python/object:os.system "
			 "(expected no tag, or !!map: a tag must not change "
			 "what a value is read as)");
	ASSERT_ONLY_GOOD_RUN();
}

static void test_local_tag_refused(void)
{
	load("energylens: 1\nworkload: {name: !secret w}\nruns:\n" GOOD);
	ASSERT_ONE_ERROR(2, 18,
			 "name has the tag !secret (expected no tag, or !!str: "
			 "a tag must not change what a value is read as)");
	ASSERT_NO_RUNS();
}

static void test_tag_on_key_refused(void)
{
	EXPECT_BAD_RUN("  - {!!int 7: 1, tp: 1, pp: 1, batch_size: 8, "
		       "output_tokens: 100, energy: {total_j: 10}}\n",
		       6,
		       "a key has the tag !!int (expected no tag, or !!str: a "
		       "tag must not change what a value is read as)");
}

static void test_tag_on_group_refused(void)
{
	EXPECT_BAD_RUN("  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		       "energy: !!set {total_j: 10}}\n",
		       63,
		       "energy has the tag !!set (expected no tag, or !!map: "
		       "a tag must not change what a value is read as)");
}

/* The standard tag of the type a key has changes nothing. */
static void test_standard_tags_accepted(void)
{
	load("--- !!map\nenergylens: !!int 1\nworkload: !!map {name: !!str "
	     "w, model: ! m, input_tokens_assumed: !!bool true, "
	     "architecture: !!str dense}\nruns: !!seq\n"
	     "  - !!map {!!str tp: !!int 2, pp: 1, batch_size: 8, "
	     "output_tokens: !!float 100, energy: !!map {total_j: !!int "
	     "10}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(set.runs[0].tp, 2);
	ASSERT_STR_EQ(set.workloads[0].name, "w");
	ASSERT_STR_EQ(set.workloads[0].model, "m");
	ASSERT(set.workloads[0].input_tokens_assumed);
}

/* An anchored tagged value is refused where it is used, too. */
static void test_tag_through_alias_refused(void)
{
	load(HEAD "  - {tp: &t !!str 1, pp: 1, batch_size: 8, output_tokens: "
		  "100, energy: {total_j: 10}}\n"
		  "  - {tp: *t, pp: 1, batch_size: 8, output_tokens: 100, "
		  "energy: {total_j: 10}}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_ERROR_HAS(0, 5, 10, "tp has the tag !!str");
	ASSERT_ERROR_HAS(1, 5, 10, "tp has the tag !!str");
	ASSERT_NO_RUNS();
}

/* name: no is text here and false to a YAML 1.1 reader: loaded as text,
 * with a warning; quoted or tagged, it is text to every reader. */
static void test_bool_word_as_string_warns(void)
{
	load("energylens: 1\nworkload: {name: no, model: \"on\", hardware: "
	     "!!str yes}\nruns:\n" GOOD);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_WARNING(0, 2, 18,
		       "name no is a boolean to YAML 1.1 readers (expected "
		       "\"no\" in quotes, text to every reader)");
	ASSERT_STR_EQ(set.workloads[0].name, "no");
	ASSERT_STR_EQ(set.workloads[0].model, "on");
	ASSERT_STR_EQ(set.workloads[0].hardware, "yes");
}

/* ---- the schema table and its manual page ------------------------------ */

/* Every key of schema.c is documented in energylens-profile(5) as
 * ".BR key " (type..." under its group, with the table's limits ("integer
 * from 1 to 1024" where the key shares a knob's), default and unit, so
 * neither can change without the other. */
static void test_every_key_documented(void)
{
	const char *top = getenv("top_srcdir");
	char path[512];
	snprintf(path, sizeof path, "%s/man/energylens-profile.5",
		 top && *top ? top : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		SKIP("cannot open %s: %s", path, strerror(errno));
	static char page[1 << 17];
	size_t n = fread(page, 1, sizeof page - 1, f);
	fclose(f);
	page[n] = '\0';
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++) {
		const struct schema_field_info *i = &schema_fields[k];
		char type[96], entry[192];
		char max[32] = "";
		if (i->max >= 1e9)
			snprintf(max, sizeof max, "1e%d",
				 (int)lround(log10(i->max)));
		else if (i->max > 0)
			snprintf(max, sizeof max, "%.0f", i->max);
		if (i->type == SCHEMA_T_NUMBER && max[0])
			snprintf(type, sizeof type, "%s %s%s",
				 i->integer ? "integer" : "number",
				 i->integer	? "from 1 to "
				 : i->positive ? "> 0, at most "
					       : "from 0 to ",
				 max);
		else if (i->type == SCHEMA_T_NUMBER)
			snprintf(type, sizeof type, "%s %s",
				 i->integer ? "integer" : "number",
				 i->integer ? (i->positive ? ">= 1" : ">= 0")
					    : (i->positive ? "> 0" : ">= 0"));
		else
			snprintf(type, sizeof type, "%s",
				 i->type == SCHEMA_T_STRING ? "string"
				 : i->type == SCHEMA_T_BOOL ? "boolean"
				 : strchr(schema_expectation(
						  (enum schema_field)k),
					  ',') /* "dense, moe, ..." */
					 ? schema_expectation(
						   (enum schema_field)k)
					 : "?");
		snprintf(entry, sizeof entry, ".BR %s%s \" (%s",
			 i->key[0] == 'a' || strchr(i->key, '_') ? "\\%" : "",
			 i->key, type);
		const char *at = strstr(page, entry);
		if (!at) /* short keys are written without \% */
			snprintf(entry, sizeof entry, ".BR %s \" (%s", i->key,
				 type),
				at = strstr(page, entry);
		ASSERT_MSG(at, "%s: no \"%s\" in %s", i->name, entry, path);
		const char *close = strchr(at, ')');
		char paren[160];
		snprintf(paren, sizeof paren, "%.*s", (int)(close - at), at);
		if (i->def_text) {
			char def[64];
			snprintf(def, sizeof def, "default %s", i->def_text);
			ASSERT_MSG(strstr(paren, def) ||
					   (i->def_from >= 0 &&
					    strstr(paren, "default")),
				   "%s: \"%s\" does not say \"%s\"", i->name,
				   paren, def);
		}
		if (i->required)
			ASSERT_MSG(strstr(paren, "required"),
				   "%s: \"%s\" does not say required", i->name,
				   paren);
		if (i->unit && i->group != SCHEMA_ENERGY)
			ASSERT_MSG(strstr(paren, i->unit),
				   "%s: \"%s\" does not give the unit %s",
				   i->name, paren, i->unit);
		/* a nested key is documented under its group */
		if (i->group != SCHEMA_TOP) {
			char group[64];
			snprintf(group, sizeof group, ".BR %s \" (mapping",
				 schema_group_names[i->group]);
			const char *g = strstr(page, group);
			ASSERT_MSG(g && g < at, "%s: not under \"%s\"", i->name,
				   group);
		}
	}
}

/* ------------------------------------------------------------------------- */

#define RUN(fn) UNIT_RUN_WITH(fn, reset)

int main(void)
{
	profile_set_init(&set);
	diag_init(&diags, NULL);
	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_root, sizeof tmp_root, "%s/test-profile-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(tmp_root)) {
		printf("FAIL: setup: cannot create %s: %s\n", tmp_root,
		       strerror(errno));
		return 1;
	}

	RUN(test_design_example_workload);
	RUN(test_design_example_run);
	RUN(test_several_documents);
	RUN(test_workload_after_runs);
	RUN(test_run_keys_inherited);
	RUN(test_run_overrides_workload_key);
	RUN(test_identical_workloads_merged);
	RUN(test_default_active_params_one_workload);
	RUN(test_default_active_params_after_one_workload);
	RUN(test_default_weight_bits_one_workload);
	RUN(test_default_attention_layers_one_workload);
	RUN(test_split_by_given_key_warns);
	RUN(test_different_workloads_no_split_warning);
	RUN(test_leading_zero_refused);
	RUN(test_leading_zero_not_octal_refused);
	RUN(test_leading_zero_fraction_accepted);
	RUN(test_leading_zero_version_refused);
	RUN(test_str_tag_on_number_refused);
	RUN(test_python_tag_on_run_refused);
	RUN(test_local_tag_refused);
	RUN(test_tag_on_key_refused);
	RUN(test_tag_on_group_refused);
	RUN(test_standard_tags_accepted);
	RUN(test_tag_through_alias_refused);
	RUN(test_bool_word_as_string_warns);
	RUN(test_every_key_documented);
	RUN(test_total_energy_from_parts);
	RUN(test_total_energy_disagreeing_warns);
	RUN(test_total_energy_sum_out_of_range);
	RUN(test_refused_document_workloads_taken_back);
	RUN(test_no_final_line_break_warns);
	RUN(test_attention_layers);
	RUN(test_defaults);
	RUN(test_anchors_and_aliases);
	RUN(test_aliases_at_bound);
	RUN(test_directory_walk);
	RUN(test_symbolic_link_loops);
	RUN(test_fifo_where_regular_only);
	RUN(test_file_named_twice_loads_once);
	RUN(test_explicit_file_any_extension);
	RUN(test_missing_path);
	RUN(test_walk_visits_what_is_loaded);
	RUN(test_directory_without_profiles);
	RUN(test_empty_directory);

	RUN(test_empty_file);
	RUN(test_comments_only);
	RUN(test_document_without_runs);
	RUN(test_runs_empty);
	RUN(test_runs_not_a_sequence);
	RUN(test_wrong_schema_version);
	RUN(test_wrong_schema_version_after_runs);
	RUN(test_missing_schema_version);
	RUN(test_document_not_a_mapping);

	RUN(test_missing_tp);
	RUN(test_missing_pp);
	RUN(test_missing_batch_size);
	RUN(test_missing_output_tokens);
	RUN(test_missing_energy);

	RUN(test_mapping_for_number);
	RUN(test_quoted_number);
	RUN(test_sequence_for_mapping);
	RUN(test_non_numeric_string);
	RUN(test_bad_architecture);
	RUN(test_bad_modality);
	RUN(test_bad_bool);
	RUN(test_quoted_bool_shows_quotes);
	RUN(test_non_scalar_key);
	RUN(test_null_value);

	RUN(test_duplicate_top_level_key);
	RUN(test_duplicate_workload_key);
	RUN(test_duplicate_run_key);
	RUN(test_duplicate_nested_key);

	RUN(test_nan);
	RUN(test_infinity);
	RUN(test_negative_infinity);
	RUN(test_negative_measurement);
	RUN(test_overflow);
	RUN(test_hex_float_refused);
	RUN(test_zero_counts);
	RUN(test_negative_counts);
	RUN(test_fractional_counts);
	RUN(test_too_large_counts);

	RUN(test_invalid_utf8);
	RUN(test_nul_byte);
	RUN(test_tab_indentation);
	RUN(test_unterminated_quoted_string);
	RUN(test_unterminated_flow_sequence);
	RUN(test_unterminated_flow_mapping);

	RUN(test_undefined_alias);
	RUN(test_too_many_aliases);
	RUN(test_billion_laughs);
	RUN(test_nesting_too_deep);
	RUN(test_nesting_at_bound);

	RUN(test_unknown_keys_warn);
	RUN(test_all_problems_listed);
	RUN(test_bad_workload_value_drops_document);
	RUN(test_workload_not_a_mapping);
	RUN(test_syntax_error_drops_document);

	RUN(test_positions_are_one_based);
	RUN(test_columns_count_characters);
	RUN(test_control_characters_escaped);
	RUN(test_control_characters_in_strings);
	RUN(test_name_with_spaces);
	RUN(test_echo_in_line_order);
	RUN(test_run_size);

	remove_tmp();
	profile_set_free(&set);
	diag_free(&diags);
	return unit_status();
}
