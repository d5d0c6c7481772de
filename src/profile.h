/* The run set: profiling runs loaded from YAML profile files (schema v1, see
 * energylens-profile(5)), grouped by workload. The loader knows nothing of
 * the model; later stages only read this structure. */
#ifndef ENERGYLENS_PROFILE_H
#define ENERGYLENS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define PROFILE_SCHEMA_VERSION 1

enum profile_arch {
	ARCH_UNSET = 0,
	ARCH_DENSE,
	ARCH_MOE,
	ARCH_SSM,
	ARCH_HYBRID,
};

enum profile_modality {
	MODALITY_UNSET = 0,
	MODALITY_TEXT,
	MODALITY_IMAGE,
	MODALITY_VIDEO,
	MODALITY_AUDIO,
};

/* Optional model metadata; 0 means "not given". */
struct profile_shape {
	uint32_t layers;
	uint32_t hidden_size;
	uint32_t kv_elements;
	uint32_t weight_bits;
	uint32_t experts;
	uint32_t experts_per_token;
	uint32_t sliding_layers;
	uint32_t sliding_window;
	uint32_t attention_layers; /* layers with a KV cache; 0: all */
};

/* A workload: model + hardware + modality (+ free-text name). Strings point
 * into the set's string store; NULL means "not given". Numbers are NaN when
 * not given. Runs that override a workload key get a workload of their own,
 * so every workload here is exactly what its runs were measured on. */
struct profile_workload {
	const char *name;
	const char *model;
	const char *hardware;
	const char *engine;
	double params_b;
	double active_params_b;
	double gpu_memory_gib;
	enum profile_arch architecture;
	enum profile_modality modality;
	bool input_tokens_assumed;
	struct profile_shape shape;
	uint32_t run_count;
};

/* What a request sends besides its text, as a profile gives it (run keys,
 * also given once per workload): read while loading to derive a run's
 * vision_tokens and vision_encoder_tokens by the vision rules (vision.h),
 * and not kept per run. Numbers NaN and sizes 0 when not given. */
struct profile_vision_inputs {
	double text_tokens;
	double images;
	double video_frames;
	double video_fps;
	uint32_t image_px, frame_px; /* width << 16 | height */
};

/* One profiling run. Measurements absent from the file are NaN.
 *
 * Memory: 4 x uint32 + 5 x uint32 + 1 float + 10 doubles = 120 bytes on
 * LP64, and the runs array grows by doubling, so one loaded
 * run costs 120 bytes, at most 240 bytes right after a growth step. Nothing
 * else is kept per run (no copy of the text, no per-run strings). */
struct profile_run {
	uint32_t workload; /* index into profile_set.workloads */
	uint32_t file;	   /* index into profile_set.files */
	uint32_t line;	   /* where the run's mapping starts, 1-based */
	uint32_t col;
	uint32_t tp, pp, dp;
	uint32_t ep; /* expert-parallel degree; carried, not modelled */
	uint32_t batch_size;
	/* Ve: patches the vision encoder processes per request, derived by
	 * the vision rules (0: none); a float, in what was padding. */
	float vision_encoder_tokens;
	double input_tokens;
	double vision_tokens;
	double output_tokens;
	double energy_total_j;
	double energy_prefill_j;
	double energy_decode_j;
	double latency_e2e_s;
	double latency_ttft_s;
	double latency_tpot_ms;
	double power_w;
};

struct vision_rules;

struct profile_set {
	struct profile_run *runs;
	size_t run_count, run_cap;
	struct profile_workload *workloads;
	size_t workload_count, workload_cap;
	char **files;
	size_t file_count, file_cap;
	struct profile_strings *strings; /* interned strings (opaque) */
	/* The vision rules, read when the first run that needs them is met
	 * (vision.h); vision_failed: they could not be read (reported). */
	struct vision_rules *vision;
	bool vision_failed;
	/* Refuse a named FIFO or device, as files found in a directory are:
	 * for a reader that reads the files again (the explorer's --follow),
	 * which such a file cannot give twice, and whose open of one would
	 * wait for a writer. Otherwise a named one is read as cat reads it. */
	bool regular_only;
};

enum profile_status {
	PROFILE_OK = 0,
	PROFILE_BAD_DATA,   /* at least one error was reported */
	PROFILE_UNREADABLE, /* a path could not be opened or read */
	PROFILE_NO_MEMORY,
};

void profile_set_init(struct profile_set *set);
void profile_set_free(struct profile_set *set);

/* Loads a file, or every *.yaml / *.yml file under a directory (recursively,
 * in byte order of names, hidden entries skipped). Every problem found is
 * added to diags; runs with an error are not added to the set. Returns the
 * worst status met. */
enum profile_status profile_load_path(struct profile_set *set, const char *path,
				      struct diag_list *diags);

/* The walk of profile_load_path without the loading: visit is called for
 * each file it would read (path itself when that is a file, whatever its
 * name), in the same order, each file and directory once across every
 * walk given the same seen set; problems go to diags as when loading. So
 * the explorer's --follow looks at what is loaded and at nothing else. */
struct stat;
struct fileid_set;
typedef enum profile_status (*profile_visit_fn)(void *ctx, const char *path,
						const struct stat *st,
						struct diag_list *diags);
enum profile_status profile_walk(const char *path, struct fileid_set *seen,
				 struct diag_list *diags,
				 profile_visit_fn visit, void *ctx);

/* The files and directories read into set by profile_load_path, by
 * identity (fileid.h), standard input included when it is a file; NULL
 * when none was. So that no output of the run replaces one of them. */
struct fileid_set;
const struct fileid_set *profile_set_read(const struct profile_set *set);

/* Whether a directory's entry of this name is read as a profile (*.yaml,
 * *.yml). */
bool profile_is_file_name(const char *name);

/* Loads YAML held in memory; name is used in messages. */
enum profile_status profile_load_buffer(struct profile_set *set,
					const char *name, const char *data,
					size_t len, struct diag_list *diags);

/* Warns, at the first run of each, about workloads that another one with
 * the same name, model and hardware differs from only in keys that one of
 * them gives and the other leaves out (active_params_b: 3 in one document,
 * left to its default in another): most likely one workload split in two
 * by an oversight. Returns false when out of memory. */
bool profile_report_splits(const struct profile_set *set,
			   struct diag_list *diags);

const char *profile_arch_name(enum profile_arch arch);
const char *profile_modality_name(enum profile_modality modality);

#endif
