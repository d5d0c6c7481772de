/* Profile schema v1 in one place: every key a profile may hold, where it is
 * stored, its type, limits, unit and default, and the names of the
 * architectures and modalities. The loader (profile_load.c), the importer
 * (import.c, cmd_import.c) and the fitted-file reader and writer
 * (fitfile.c) all read this table, so a key is added, renamed or
 * constrained here and nowhere else; energylens-profile(5) documents each
 * entry (a unit test checks it does). */
#ifndef ENERGYLENS_SCHEMA_H
#define ENERGYLENS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* The keys, workload keys first, in the order the importer writes them. */
enum schema_field {
	SCHEMA_NAME,
	SCHEMA_MODEL,
	SCHEMA_PARAMS_B,
	SCHEMA_ACTIVE_PARAMS_B,
	SCHEMA_ARCHITECTURE,
	SCHEMA_MODALITY,
	SCHEMA_HARDWARE,
	SCHEMA_GPU_MEMORY_GIB,
	SCHEMA_ENGINE,
	SCHEMA_SHAPE_LAYERS,
	SCHEMA_SHAPE_HIDDEN_SIZE,
	SCHEMA_SHAPE_KV_ELEMENTS,
	SCHEMA_SHAPE_WEIGHT_BITS,
	SCHEMA_SHAPE_EXPERTS,
	SCHEMA_SHAPE_EXPERTS_PER_TOKEN,
	SCHEMA_SHAPE_SLIDING_LAYERS,
	SCHEMA_SHAPE_SLIDING_WINDOW,
	SCHEMA_SHAPE_ATTENTION_LAYERS,
	SCHEMA_INPUT_TOKENS_ASSUMED,
	/* Run keys from here on; they may also be given once per workload. */
	SCHEMA_TP,
	SCHEMA_PP,
	SCHEMA_DP,
	SCHEMA_EP,
	SCHEMA_BATCH_SIZE,
	SCHEMA_INPUT_TOKENS,
	SCHEMA_TEXT_TOKENS,
	SCHEMA_IMAGES,
	SCHEMA_IMAGE_PX,
	SCHEMA_VIDEO_FRAMES,
	SCHEMA_FRAME_PX,
	SCHEMA_VIDEO_FPS,
	SCHEMA_VISION_TOKENS,
	SCHEMA_OUTPUT_TOKENS,
	SCHEMA_ENERGY_TOTAL_J,
	SCHEMA_ENERGY_PREFILL_J,
	SCHEMA_ENERGY_DECODE_J,
	SCHEMA_LATENCY_E2E_S,
	SCHEMA_LATENCY_TTFT_S,
	SCHEMA_LATENCY_TPOT_MS,
	SCHEMA_POWER_W,
	SCHEMA_FIELD_COUNT
};

#define SCHEMA_FIRST_RUN_FIELD SCHEMA_TP

/* The mappings a key may sit in: the top of a run or of workload:, or one
 * of the nested groups. */
enum schema_group {
	SCHEMA_TOP,
	SCHEMA_SHAPE,
	SCHEMA_ENERGY,
	SCHEMA_LATENCY,
	SCHEMA_GROUP_COUNT
};

enum schema_type {
	SCHEMA_T_STRING,
	SCHEMA_T_ARCH,	   /* enum profile_arch, by schema_arch_names */
	SCHEMA_T_MODALITY, /* enum profile_modality, by schema_modality_names */
	SCHEMA_T_BOOL,
	SCHEMA_T_NUMBER, /* finite; see integer and positive */
	SCHEMA_T_PIXELS, /* "1280x800": uint32_t width << 16 | height */
};

/* The largest integer a key takes (stored as uint32_t, shown as int). */
#define SCHEMA_INT_MAX 2147483647.0
/* Bits per weight when shape.weight_bits is not given (bfloat16). */
#define SCHEMA_WEIGHT_BITS_DEFAULT 16

struct schema_field_info {
	const char *name; /* as in messages and import --map: "shape.layers" */
	const char *key;  /* within its group: "layers" */
	enum schema_group group;
	bool run; /* stored in struct profile_run, else profile_workload */
	/* a run key read only while loading: stored in struct
	 * profile_vision_inputs (schema_place_input), not in the run */
	bool input;
	enum schema_type type;
	bool integer;	      /* whole, <= SCHEMA_INT_MAX; stored as uint32_t */
	bool positive;	      /* > 0 (integers: >= 1); else >= 0 */
	bool required;	      /* every run needs it (energy: see the loader) */
	const char *what;     /* required keys: what a missing one means */
	const char *unit;     /* NULL: none */
	const char *def_text; /* the default, as the man page says it */
	/* The effective value when not given, for workload keys (a run's are
	 * filled in by the loader): def_from's value when that is >= 0,
	 * else def (NaN, 0 or UNSET: nothing). */
	double def;
	int def_from;
	/* A limit beyond the type's (0: none but SCHEMA_INT_MAX for an
	 * integer), shared with the knob of the same condition, and what a
	 * value must then be, in the knob's words. */
	double max;
	const char *expected;
	double min_nonzero; /* a value that is not 0 is at least this */
	size_t offset; /* in struct profile_run or profile_workload */
	size_t size;
};

extern const struct schema_field_info schema_fields[SCHEMA_FIELD_COUNT];
/* "", "shape", "energy", "latency" */
extern const char *const schema_group_names[SCHEMA_GROUP_COUNT];
/* Indexed by the enums; [0] (unset) is "". */
extern const char *const schema_arch_names[];
extern const char *const schema_modality_names[];

/* The field named name ("energy.total_j"), or -1. */
int schema_find(const char *name);
/* The field key in group, or -1. */
int schema_find_in(enum schema_group group, const char *key);
/* The group opened by key at the top level ("shape"), or -1. */
int schema_find_group(const char *key);
/* An architecture or modality by name; 0 (unset) when unknown. */
enum profile_arch schema_arch(const char *name);
enum profile_modality schema_modality(const char *name);
/* A boolean as a profile writes it (true, True, TRUE, false, ...); false
 * when the text is none of these. */
bool schema_bool(const char *text, bool *out);

/* What a field's value must be, for messages: "a positive integer". */
const char *schema_expectation(enum schema_field f);
/* Why v is not a valid value of numeric field f ("is negative", "is
 * zero", "is fractional", "is too large"), or NULL when it is. */
const char *schema_number_problem(enum schema_field f, double v);

enum schema_number_status {
	SCHEMA_NUM_OK,
	SCHEMA_NUM_SYNTAX,
	SCHEMA_NUM_NONFINITE,
	SCHEMA_NUM_RANGE,
	SCHEMA_NUM_LEADING_ZERO, /* 010: octal in YAML 1.1, 10 in 1.2 */
	/* digits that are not zero but round to it (1e-400); a subnormal
	 * (1e-320) is kept, as the expression parser keeps it: it is what
	 * the digits say, if less precisely */
	SCHEMA_NUM_TINY,
};
/* A plain YAML scalar as a decimal number: no hex, no "nan" or ".inf", and
 * no integer with a leading zero, which YAML 1.1 and 1.2 read differently.
 * *out is set only for SCHEMA_NUM_OK. */
enum schema_number_status schema_number(const char *s, double *out);
/* For SCHEMA_NUM_LEADING_ZERO: how the readings differ, e.g. "YAML 1.1
 * reads 010 as octal 8, YAML 1.2 as 10; write 10 or 8". */
void schema_leading_zero_text(const char *s, char *buf, size_t size);

/* Clears w and r (either may be NULL): every key not given, numbers NaN
 * and counts 0. */
void schema_init(struct profile_workload *w, struct profile_run *r);
/* Clears the vision inputs: numbers NaN, sizes 0. */
void schema_init_inputs(struct profile_vision_inputs *in);
/* Where an input field (f->input) is stored in in. */
void *schema_place_input(enum schema_field f, struct profile_vision_inputs *in);
/* Where field f of w or r is stored (f->run says which; not for input
 * fields). */
void *schema_place(enum schema_field f, struct profile_workload *w,
		   struct profile_run *r);
/* Whether workload field f is given in w (not NaN, 0, UNSET, NULL, false). */
bool schema_given(enum schema_field f, const struct profile_workload *w);
/* w with every workload key that is not given set to its effective
 * default (active_params_b: params_b, shape.weight_bits: 16, ...): two
 * workloads are one when these are equal. */
void schema_effective(const struct profile_workload *w,
		      struct profile_workload *out);
/* Whether workload field f has the same value in a and b (strings are
 * interned: compared by pointer; NaN equals NaN). */
bool schema_same(enum schema_field f, const struct profile_workload *a,
		 const struct profile_workload *b);
/* The value of workload field f in w as a profile writes it ("14",
 * "moe", "Qwen/Qwen3-14B"), cut to fit size. */
void schema_format(enum schema_field f, const struct profile_workload *w,
		   char *buf, size_t size);

#endif
