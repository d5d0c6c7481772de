/* Models: additive terms over run inputs and named positive parameters,
 * read from small YAML files (energylens-model(5)). The two built-in models
 * (energylens-12 for energy, latency-8 for latency) are compiled in from
 * src/models/. A prediction is the sum of the terms, so it decomposes
 * exactly into what each term contributes. */
#ifndef ENERGYLENS_MODEL_H
#define ENERGYLENS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "expr.h"
#include "profile.h"

/* What an expression can read about a run. The derived ones (Lh, Weff,
 * KVr, x) carry the physics; they are computed once per run by
 * model_inputs(), never per evaluation of a term. */
enum model_input {
	IN_T,	 /* t: tensor-parallel degree */
	IN_P,	 /* p: pipeline-parallel degree */
	IN_DP,	 /* dp: data-parallel replicas */
	IN_N,	 /* n = t*p*dp GPUs */
	IN_B,	 /* B: batch size (concurrent requests) */
	IN_I,	 /* I: input tokens per request */
	IN_O,	 /* O: output tokens per request */
	IN_V,	 /* V: vision tokens per request (part of I) */
	IN_VE,	 /* Ve: patches the vision encoder processes per request */
	IN_NP,	 /* N: total parameters, billions (1 when unknown) */
	IN_NA,	 /* Na: active parameters, billions (N when unknown) */
	IN_BITS, /* bits: weight bits (16 when unknown) */
	IN_L,	 /* L: layers (1 when unknown) */
	IN_H,	 /* h: hidden size (1 when unknown) */
	IN_LH,	 /* Lh = L*h*1e-6 (1 when either is unknown) */
	IN_KV,	 /* kv: KV elements per token per attention layer */
	IN_E,	 /* E: routed experts (0 for dense) */
	IN_K,	 /* k: experts per token */
	IN_WEFF, /* Weff: GB of weights streamed per decode step */
	IN_KVR,	 /* KVr: MB of KV cache read per generated token */
	IN_X,	 /* x = (p-1) + (dp-1) */
	MODEL_NINPUTS
};

enum model_target { TARGET_ENERGY, TARGET_LATENCY };
enum model_phase { PHASE_PREFILL, PHASE_DECODE, PHASE_STATIC };
enum model_kind { KIND_COMPUTE, KIND_MEMORY, KIND_TP, KIND_PP, KIND_IDLE };

#define MODEL_MAX_PARAMS 32
#define MODEL_MAX_TERMS	 32

struct model_param {
	char *name;
	double def; /* default, > 0: the start of the fit and its prior */
	char *unit;
	char *meaning;
};

struct model_term {
	char *name;
	enum model_phase phase;
	enum model_kind kind;
	char *text;
	struct expr *expr;
};

struct model {
	char *name;
	enum model_target target;
	char *unit;
	char *description;
	double prior_weight; /* weight of each parameter's pull to default */
	struct model_param params[MODEL_MAX_PARAMS];
	size_t nparams;
	struct model_term terms[MODEL_MAX_TERMS];
	size_t nterms;
	char *source; /* the file's text, kept so a fit can be saved whole */
};

extern const char *const model_input_names[MODEL_NINPUTS];

/* Parses a model file held in memory; name is used in messages. Returns
 * NULL after adding every problem to diags. */
struct model *model_parse(const char *name, const char *text, size_t len,
			  struct diag_list *diags);
/* Reads and parses a file; NULL with a message in diags on failure. */
struct model *model_load(const char *path, struct diag_list *diags);
/* The compiled-in models; never NULL unless out of memory. */
struct model *model_builtin(enum model_target target);
void model_free(struct model *m);

/* Index of a parameter by name, or -1. */
int model_param_index(const struct model *m, const char *name);

/* The inputs of one run (MODEL_NINPUTS values). */
void model_inputs(const struct profile_workload *w, const struct profile_run *r,
		  double *in);

/* Energy (or latency) of a run with the given inputs and parameters; when
 * terms is not NULL it receives each term's value (they sum to the
 * result). */
double model_predict(const struct model *m, const double *in,
		     const double *params, double *terms);

const char *model_phase_name(enum model_phase phase);
const char *model_kind_name(enum model_kind kind);
const char *model_target_name(enum model_target target);

#endif
