/* The table of schema v1 (see schema.h) and what follows from it alone. */
#include "schema.h"

#include "defaults.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WL(m)                                                                  \
	.offset = offsetof(struct profile_workload, m),                        \
	.size = sizeof(((struct profile_workload *)0)->m)
#define RUN(m)                                                                 \
	.run = true, .offset = offsetof(struct profile_run, m),                \
	.size = sizeof(((struct profile_run *)0)->m)
#define VIN(m)                                                                 \
	.run = true, .input = true,                                            \
	.offset = offsetof(struct profile_vision_inputs, m),                   \
	.size = sizeof(((struct profile_vision_inputs *)0)->m)
#define PIXELS .type = SCHEMA_T_PIXELS, .def = 0, .def_from = -1
/* A number >= 0, > 0, an integer >= 0 or >= 1. */
#define NUM	.type = SCHEMA_T_NUMBER
#define POSNUM	.type = SCHEMA_T_NUMBER, .positive = true
#define UINT	.type = SCHEMA_T_NUMBER, .integer = true
#define COUNT	.type = SCHEMA_T_NUMBER, .integer = true, .positive = true
#define NO_DEF	.def = NAN, .def_from = -1
#define ZERO	.def = 0, .def_from = -1
#define SHAPE	.group = SCHEMA_SHAPE
#define ENERGY	.group = SCHEMA_ENERGY, .unit = "joules"
#define LATENCY .group = SCHEMA_LATENCY
/* The limits shared with the explorer's knobs (defaults.h). */
#define GPUS	 .max = LIMIT_GPUS, .expected = LIMIT_GPUS_TEXT
#define TOKENS                                                                 \
	.max = LIMIT_TOKENS, .expected = "a number of tokens from 0 to 1048576"
#define MEASURED                                                               \
	.max = LIMIT_MEASURED_MAX, .min_nonzero = LIMIT_MEASURED_MIN,          \
	.expected = "a number from 0 to 1e12, not below 1e-9 unless 0"

const struct schema_field_info schema_fields[SCHEMA_FIELD_COUNT] = {
	[SCHEMA_NAME] = {"name", "name", .type = SCHEMA_T_STRING, ZERO,
			 WL(name)},
	[SCHEMA_MODEL] = {"model", "model", .type = SCHEMA_T_STRING, ZERO,
			  WL(model)},
	[SCHEMA_PARAMS_B] = {"params_b", "params_b", POSNUM, .unit = "billions",
			     NO_DEF, WL(params_b)},
	[SCHEMA_ACTIVE_PARAMS_B] = {"active_params_b", "active_params_b",
				    POSNUM, .unit = "billions",
				    .def_text = "params_b", .def = NAN,
				    .def_from = SCHEMA_PARAMS_B,
				    WL(active_params_b)},
	[SCHEMA_ARCHITECTURE] = {"architecture", "architecture",
				 .type = SCHEMA_T_ARCH, ZERO, WL(architecture)},
	[SCHEMA_MODALITY] = {"modality", "modality", .type = SCHEMA_T_MODALITY,
			     ZERO, WL(modality)},
	[SCHEMA_HARDWARE] = {"hardware", "hardware", .type = SCHEMA_T_STRING,
			     ZERO, WL(hardware)},
	[SCHEMA_GPU_MEMORY_GIB] = {"gpu_memory_gib", "gpu_memory_gib", POSNUM,
				   .unit = "GiB", NO_DEF, WL(gpu_memory_gib)},
	[SCHEMA_ENGINE] = {"engine", "engine", .type = SCHEMA_T_STRING, ZERO,
			   WL(engine)},
	[SCHEMA_SHAPE_LAYERS] = {"shape.layers", "layers", SHAPE, UINT, ZERO,
				 WL(shape.layers)},
	[SCHEMA_SHAPE_HIDDEN_SIZE] = {"shape.hidden_size", "hidden_size", SHAPE,
				      UINT, ZERO, WL(shape.hidden_size)},
	[SCHEMA_SHAPE_KV_ELEMENTS] = {"shape.kv_elements", "kv_elements", SHAPE,
				      UINT, ZERO, WL(shape.kv_elements)},
	[SCHEMA_SHAPE_WEIGHT_BITS] = {"shape.weight_bits", "weight_bits", SHAPE,
				      COUNT, .def_text = "16",
				      .def = SCHEMA_WEIGHT_BITS_DEFAULT,
				      .def_from = -1, WL(shape.weight_bits)},
	[SCHEMA_SHAPE_EXPERTS] = {"shape.experts", "experts", SHAPE, UINT, ZERO,
				  WL(shape.experts)},
	[SCHEMA_SHAPE_EXPERTS_PER_TOKEN] = {"shape.experts_per_token",
					    "experts_per_token", SHAPE, UINT,
					    ZERO, WL(shape.experts_per_token)},
	[SCHEMA_SHAPE_SLIDING_LAYERS] = {"shape.sliding_layers",
					 "sliding_layers", SHAPE, UINT, ZERO,
					 WL(shape.sliding_layers)},
	[SCHEMA_SHAPE_SLIDING_WINDOW] = {"shape.sliding_window",
					 "sliding_window", SHAPE, UINT, ZERO,
					 .unit = "tokens",
					 WL(shape.sliding_window)},
	[SCHEMA_SHAPE_ATTENTION_LAYERS] = {"shape.attention_layers",
					   "attention_layers", SHAPE, UINT,
					   .def_text = "all layers", .def = 0,
					   .def_from = SCHEMA_SHAPE_LAYERS,
					   WL(shape.attention_layers)},
	[SCHEMA_INPUT_TOKENS_ASSUMED] = {"input_tokens_assumed",
					 "input_tokens_assumed",
					 .type = SCHEMA_T_BOOL,
					 .def_text = "false", ZERO,
					 WL(input_tokens_assumed)},
	[SCHEMA_TP] = {"tp", "tp", COUNT, .required = true,
		       .what = "tensor-parallel degree", NO_DEF, GPUS, RUN(tp)},
	[SCHEMA_PP] = {"pp", "pp", COUNT, .required = true,
		       .what = "pipeline-parallel degree", NO_DEF, GPUS,
		       RUN(pp)},
	[SCHEMA_DP] = {"dp", "dp", COUNT, .def_text = "1", .def = 1,
		       .def_from = -1, GPUS, RUN(dp)},
	[SCHEMA_EP] = {"ep", "ep", COUNT, .def_text = "1", .def = 1,
		       .def_from = -1, GPUS, RUN(ep)},
	[SCHEMA_BATCH_SIZE] = {"batch_size", "batch_size", COUNT,
			       .required = true, .what = "concurrent requests",
			       NO_DEF, .max = LIMIT_BATCH,
			       .expected = LIMIT_BATCH_TEXT, RUN(batch_size)},
	[SCHEMA_INPUT_TOKENS] = {"input_tokens", "input_tokens", NUM, NO_DEF,
				 TOKENS, RUN(input_tokens)},
	[SCHEMA_TEXT_TOKENS] = {"text_tokens", "text_tokens", NUM, NO_DEF,
				TOKENS, VIN(text_tokens)},
	[SCHEMA_IMAGES] = {"images", "images", NUM, .def_text = "0", ZERO,
			   .max = 1024,
			   .expected = "a number of images from 0 to 1024",
			   VIN(images)},
	[SCHEMA_IMAGE_PX] = {"image_px", "image_px", PIXELS, VIN(image_px)},
	[SCHEMA_VIDEO_FRAMES] = {"video_frames", "video_frames", NUM,
				 .def_text = "0", ZERO, .max = 100000,
				 .expected = "a number of frames from 0 to "
					     "100000",
				 VIN(video_frames)},
	[SCHEMA_FRAME_PX] = {"frame_px", "frame_px", PIXELS, VIN(frame_px)},
	[SCHEMA_VIDEO_FPS] = {"video_fps", "video_fps", POSNUM,
			      .unit = "frames per second", NO_DEF, .max = 1000,
			      .expected = "a number > 0, at most 1000",
			      VIN(video_fps)},
	[SCHEMA_VISION_TOKENS] = {"vision_tokens", "vision_tokens", NUM,
				  .def_text = "0", .def = 0, .def_from = -1,
				  TOKENS, RUN(vision_tokens)},
	[SCHEMA_OUTPUT_TOKENS] = {"output_tokens", "output_tokens", POSNUM,
				  .required = true,
				  .what = "output tokens per request", NO_DEF,
				  .max = LIMIT_TOKENS,
				  .expected = "a number of tokens > 0, at most "
					      "1048576",
				  RUN(output_tokens)},
	[SCHEMA_ENERGY_TOTAL_J] = {"energy.total_j", "total_j", ENERGY, NUM,
				   NO_DEF, MEASURED, RUN(energy_total_j)},
	[SCHEMA_ENERGY_PREFILL_J] = {"energy.prefill_j", "prefill_j", ENERGY,
				     NUM, NO_DEF, MEASURED,
				     RUN(energy_prefill_j)},
	[SCHEMA_ENERGY_DECODE_J] = {"energy.decode_j", "decode_j", ENERGY, NUM,
				    NO_DEF, MEASURED, RUN(energy_decode_j)},
	[SCHEMA_LATENCY_E2E_S] = {"latency.e2e_s", "e2e_s", LATENCY, NUM,
				  .unit = "seconds", NO_DEF, MEASURED,
				  RUN(latency_e2e_s)},
	[SCHEMA_LATENCY_TTFT_S] = {"latency.ttft_s", "ttft_s", LATENCY, NUM,
				   .unit = "seconds", NO_DEF, MEASURED,
				   RUN(latency_ttft_s)},
	[SCHEMA_LATENCY_TPOT_MS] = {"latency.tpot_ms", "tpot_ms", LATENCY, NUM,
				    .unit = "milliseconds", NO_DEF, MEASURED,
				    RUN(latency_tpot_ms)},
	[SCHEMA_POWER_W] = {"power_w", "power_w", NUM, .unit = "watts", NO_DEF,
			    MEASURED, RUN(power_w)},
};

const char *const schema_group_names[SCHEMA_GROUP_COUNT] = {
	[SCHEMA_TOP] = "",
	[SCHEMA_SHAPE] = "shape",
	[SCHEMA_ENERGY] = "energy",
	[SCHEMA_LATENCY] = "latency",
};

const char *const schema_arch_names[] = {
	[ARCH_UNSET] = "",  [ARCH_DENSE] = "dense",   [ARCH_MOE] = "moe",
	[ARCH_SSM] = "ssm", [ARCH_HYBRID] = "hybrid", NULL,
};

const char *const schema_modality_names[] = {
	[MODALITY_UNSET] = "",	    [MODALITY_TEXT] = "text",
	[MODALITY_IMAGE] = "image", [MODALITY_VIDEO] = "video",
	[MODALITY_AUDIO] = "audio", NULL,
};

int schema_find(const char *name)
{
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++)
		if (strcmp(schema_fields[f].name, name) == 0)
			return f;
	return -1;
}

int schema_find_in(enum schema_group group, const char *key)
{
	/* Runs for every key of every run: the first byte rules out most. */
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++)
		if (schema_fields[f].group == group &&
		    schema_fields[f].key[0] == key[0] &&
		    strcmp(schema_fields[f].key, key) == 0)
			return f;
	return -1;
}

int schema_find_group(const char *key)
{
	for (int g = 1; g < SCHEMA_GROUP_COUNT; g++)
		if (strcmp(schema_group_names[g], key) == 0)
			return g;
	return -1;
}

static int word_index(const char *const *names, const char *name)
{
	for (int i = 1; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return 0;
}

enum profile_arch schema_arch(const char *name)
{
	return (enum profile_arch)word_index(schema_arch_names, name);
}

enum profile_modality schema_modality(const char *name)
{
	return (enum profile_modality)word_index(schema_modality_names, name);
}

bool schema_bool(const char *text, bool *out)
{
	static const char *const words[] = {"false", "False", "FALSE",
					    "true",  "True",  "TRUE"};
	for (int i = 0; i < 6; i++)
		if (strcmp(text, words[i]) == 0) {
			*out = i >= 3;
			return true;
		}
	return false;
}

const char *schema_expectation(enum schema_field f)
{
	const struct schema_field_info *i = &schema_fields[f];
	switch (i->type) {
	case SCHEMA_T_STRING:
		return "a string";
	case SCHEMA_T_BOOL:
		return "true or false";
	case SCHEMA_T_ARCH:
		return "dense, moe, ssm or hybrid";
	case SCHEMA_T_MODALITY:
		return "text, image, video or audio";
	case SCHEMA_T_PIXELS:
		return "a size WxH in pixels, each side from 1 to 65535";
	case SCHEMA_T_NUMBER:
		break;
	}
	if (i->expected)
		return i->expected;
	if (i->integer)
		return i->positive ? "a positive integer" : "an integer >= 0";
	return i->positive ? "a number > 0" : "a number >= 0";
}

const char *schema_number_problem(enum schema_field f, double v)
{
	const struct schema_field_info *i = &schema_fields[f];
	if (v < 0)
		return "is negative";
	if (v == 0 && i->positive)
		return "is zero";
	if (i->integer && v != floor(v))
		return "is fractional";
	if (i->integer && v > SCHEMA_INT_MAX)
		return "is too large";
	if (i->max > 0 && v > i->max)
		return "is too large";
	if (v > 0 && v < i->min_nonzero)
		return "is too small";
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool names_non_finite(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.')
		s++;
	if ((*s | 0x20) != 'i' && (*s | 0x20) != 'n')
		return false; /* a digit, the common case */
	return strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0 ||
	       strcasecmp(s, "nan") == 0;
}

enum schema_number_status schema_number(const char *s, double *out)
{
	const char *p = s;
	if (names_non_finite(s))
		return SCHEMA_NUM_NONFINITE;
	if (*p == '+' || *p == '-')
		p++;
	const char *int_start = p;
	size_t digits = 0;
	while (is_digit(*p))
		p++, digits++;
	/* YAML 1.1 reads 010 as octal 8, YAML 1.2 (and this parser) as 10:
	 * a file written for one would be silently misread by the other. */
	bool leading_zero = digits > 1 && *int_start == '0';
	bool integer = *p == '\0';
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits++;
	if (digits == 0)
		return SCHEMA_NUM_SYNTAX;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return SCHEMA_NUM_SYNTAX;
		while (is_digit(*p))
			p++;
	}
	if (*p != '\0')
		return SCHEMA_NUM_SYNTAX;
	if (leading_zero && integer)
		return SCHEMA_NUM_LEADING_ZERO;
	errno = 0;
	double v = strtod(s, NULL);
	if (errno == ERANGE && isinf(v))
		return SCHEMA_NUM_RANGE;
	if (errno == ERANGE && v == 0)
		return SCHEMA_NUM_TINY;
	*out = v;
	return SCHEMA_NUM_OK;
}

void schema_leading_zero_text(const char *s, char *buf, size_t size)
{
	const char *digits = s + (*s == '+' || *s == '-');
	const char *sign = *s == '-' ? "-" : "";
	const char *decimal = digits + strspn(digits, "0");
	if (!*decimal)
		decimal = "0";
	size_t n = strlen(digits);
	bool octal = strspn(digits, "01234567") == n;
	if (octal && n <= 21) {
		unsigned long long v = strtoull(digits, NULL, 8);
		snprintf(buf, size,
			 "YAML 1.1 reads %.24s as octal %s%llu, YAML 1.2 as "
			 "%s%.24s; write %s%.24s or %s%llu",
			 s, sign, v, sign, decimal, sign, decimal, sign, v);
	} else if (octal) {
		snprintf(buf, size,
			 "YAML 1.1 reads it as octal, YAML 1.2 as %s%.24s; "
			 "write %s%.24s",
			 sign, decimal, sign, decimal);
	} else {
		snprintf(buf, size,
			 "YAML 1.1 reads %.24s as a string, YAML 1.2 as "
			 "%s%.24s; write %s%.24s",
			 s, sign, decimal, sign, decimal);
	}
}

void schema_init(struct profile_workload *w, struct profile_run *r)
{
	if (w)
		memset(w, 0, sizeof *w);
	if (r)
		memset(r, 0, sizeof *r);
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++) {
		const struct schema_field_info *i = &schema_fields[f];
		if (i->type != SCHEMA_T_NUMBER || i->integer || i->input ||
		    !(i->run ? (void *)r : (void *)w))
			continue;
		*(double *)schema_place((enum schema_field)f, w, r) = NAN;
	}
}

void schema_init_inputs(struct profile_vision_inputs *in)
{
	memset(in, 0, sizeof *in);
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++)
		if (schema_fields[f].input &&
		    schema_fields[f].type == SCHEMA_T_NUMBER)
			*(double *)schema_place_input((enum schema_field)f,
						      in) = NAN;
}

void *schema_place_input(enum schema_field f, struct profile_vision_inputs *in)
{
	return (char *)in + schema_fields[f].offset;
}

void *schema_place(enum schema_field f, struct profile_workload *w,
		   struct profile_run *r)
{
	const struct schema_field_info *i = &schema_fields[f];
	return (char *)(i->run ? (void *)r : (void *)w) + i->offset;
}

/* Workload fields only: a number of the field as stored, NaN when it is
 * not a number. */
static double number_of(enum schema_field f, const struct profile_workload *w)
{
	const char *p = (const char *)w + schema_fields[f].offset;
	if (schema_fields[f].type != SCHEMA_T_NUMBER)
		return NAN;
	if (schema_fields[f].integer)
		return *(const uint32_t *)p;
	return *(const double *)p;
}

bool schema_given(enum schema_field f, const struct profile_workload *w)
{
	const char *p = (const char *)w + schema_fields[f].offset;
	switch (schema_fields[f].type) {
	case SCHEMA_T_STRING:
		return *(const char *const *)p != NULL;
	case SCHEMA_T_ARCH:
		return *(const enum profile_arch *)p != ARCH_UNSET;
	case SCHEMA_T_MODALITY:
		return *(const enum profile_modality *)p != MODALITY_UNSET;
	case SCHEMA_T_BOOL:
		return *(const bool *)p;
	case SCHEMA_T_PIXELS:
		return *(const uint32_t *)p != 0;
	case SCHEMA_T_NUMBER:
		break;
	}
	/* 0 means "not given" for the shape's integers, as the man page
	 * says; a number that is given is never NaN. */
	double v = number_of(f, w);
	return schema_fields[f].integer ? v != 0 : !isnan(v);
}

static void set_number(enum schema_field f, struct profile_workload *w,
		       double v)
{
	char *p = (char *)w + schema_fields[f].offset;
	if (schema_fields[f].integer)
		*(uint32_t *)p = (uint32_t)v;
	else
		*(double *)p = v;
}

void schema_effective(const struct profile_workload *w,
		      struct profile_workload *out)
{
	*out = *w;
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++) {
		const struct schema_field_info *i = &schema_fields[f];
		/* most defaults are "not given" itself (NaN, 0): nothing to
		 * fill in, and this runs for every workload added */
		bool none = i->def_from < 0 &&
			    (i->integer ? i->def == 0 : isnan(i->def));
		if (i->type != SCHEMA_T_NUMBER || none || schema_given(f, w))
			continue;
		/* from the field as given, so that the order of the table
		 * does not matter */
		double v =
			i->def_from >= 0 ? number_of(i->def_from, w) : i->def;
		if (!isnan(v))
			set_number(f, out, v);
	}
}

bool schema_same(enum schema_field f, const struct profile_workload *a,
		 const struct profile_workload *b)
{
	const struct schema_field_info *i = &schema_fields[f];
	if (i->type == SCHEMA_T_NUMBER && !i->integer) {
		double x = number_of(f, a), y = number_of(f, b);
		return (isnan(x) && isnan(y)) || x == y;
	}
	return memcmp((const char *)a + i->offset, (const char *)b + i->offset,
		      i->size) == 0;
}

void schema_format(enum schema_field f, const struct profile_workload *w,
		   char *buf, size_t size)
{
	const struct schema_field_info *i = &schema_fields[f];
	const char *p = (const char *)w + i->offset;
	switch (i->type) {
	case SCHEMA_T_STRING:
		snprintf(buf, size, "%s",
			 *(const char *const *)p ? *(const char *const *)p
						 : "");
		return;
	/* the names from this file's tables: the run set asks the schema,
	 * not the other way round */
	case SCHEMA_T_ARCH:
		snprintf(buf, size, "%s",
			 (unsigned)w->architecture <= ARCH_HYBRID
				 ? schema_arch_names[w->architecture]
				 : "");
		return;
	case SCHEMA_T_MODALITY:
		snprintf(buf, size, "%s",
			 (unsigned)w->modality <= MODALITY_AUDIO
				 ? schema_modality_names[w->modality]
				 : "");
		return;
	case SCHEMA_T_BOOL:
		snprintf(buf, size, "%s", *(const bool *)p ? "true" : "false");
		return;
	case SCHEMA_T_PIXELS:
		snprintf(buf, size, "%ux%u", *(const uint32_t *)p >> 16,
			 *(const uint32_t *)p & 0xffff);
		return;
	case SCHEMA_T_NUMBER:
		snprintf(buf, size, "%.15g", number_of(f, w));
		return;
	}
}
