/* Unit tests of models, derived inputs, the fit and the fitted-model file:
 * the built-in models parse; every kind of bad model file is refused with
 * its position; the physics of Weff and KVr on hand-computed cases; a fit
 * recovers the parameters that generated its data; parameters the runs
 * cannot inform are held at their default; a fitted file reads back. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "defaults.h"
#include "expr.h"
#include "fit.h"
#include "fitfile.h"
#include "model.h"
#include "unit.h"
#include "workspace.h"

static struct diag_list diags;

static struct model *parse(const char *text)
{
	diag_free(&diags);
	diag_init(&diags, NULL);
	return model_parse("m.yaml", text, strlen(text), &diags);
}

#define HEADER                                                                 \
	"energylens-model: 1\nname: m\ntarget: energy\nunit: J\n"              \
	"description: d\n"
#define PARAM "  - {name: a, default: 1, unit: J, meaning: m}\n"
#define TERM  "  - {name: t, phase: decode, kind: memory, expr: \"a * O\"}\n"

/* Asserts that parsing fails with a first error at line:col containing
 * text. */
#define ASSERT_MODEL_ERROR(yaml, line_, col_, text)                            \
	do {                                                                   \
		struct model *m_ = parse(yaml);                                \
		model_free(m_);                                                \
		ASSERT_MSG(m_ == NULL, "the model was accepted");              \
		ASSERT_MSG(diags.count > 0, "no message");                     \
		ASSERT_CONTAINS(diags.items[0].message, text);                 \
		ASSERT_INT_EQ(diags.items[0].line, line_);                     \
		ASSERT_INT_EQ(diags.items[0].col, col_);                       \
	} while (0)

static void test_builtin_models(void)
{
	struct model *e = model_builtin(TARGET_ENERGY);
	struct model *l = model_builtin(TARGET_LATENCY);
	ASSERT(e && l);
	ASSERT_STR_EQ(e->name, "energylens-12");
	ASSERT_INT_EQ(e->nparams, 12);
	ASSERT_INT_EQ(e->nterms, 11);
	ASSERT_STR_EQ(l->name, "latency-8");
	ASSERT_INT_EQ(l->nparams, 8);
	ASSERT(l->target == TARGET_LATENCY);
	model_free(e);
	model_free(l);
}

static void test_every_input_named(void)
{
	for (int i = 0; i < MODEL_NINPUTS; i++) {
		ASSERT_MSG(model_input_names[i] && *model_input_names[i],
			   "input %d has no name", i);
		for (int j = 0; j < i; j++)
			ASSERT_MSG(strcmp(model_input_names[i],
					  model_input_names[j]) != 0,
				   "inputs %d and %d share a name", i, j);
	}
}

static void test_minimal_model(void)
{
	struct model *m = parse(HEADER "parameters:\n" PARAM "terms:\n" TERM);
	ASSERT(m);
	ASSERT_INT_EQ(m->nparams, 1);
	ASSERT_DBL_EQ(m->prior_weight, 0.05);
	double in[MODEL_NINPUTS] = {0}, p[1] = {2}, terms[1];
	in[IN_O] = 3;
	ASSERT_DBL_EQ(model_predict(m, in, p, terms), 6);
	ASSERT_DBL_EQ(terms[0], 6);
	model_free(m);
}

static void test_bad_expression_column(void)
{
	ASSERT_MODEL_ERROR(HEADER "parameters:\n" PARAM "terms:\n"
				  "  - {name: t, phase: decode, kind: memory, "
				  "expr: \"a * Q\"}\n",
			   9, 55, "unknown name 'Q'");
}

/* fit prints names, units and meanings: a control character in one would
 * be a terminal command. Folded descriptions keep their line breaks. */
static void test_control_characters_refused(void)
{
	ASSERT_MODEL_ERROR(HEADER
			   "parameters:\n"
			   "  - {name: a, default: 1, unit: \"J\\e[5m\", "
			   "meaning: m}\n"
			   "terms:\n" TERM,
			   7, 33,
			   "unit of a parameter has the control character "
			   "U+001B (expected printable text)");
	struct model *m =
		parse("energylens-model: 1\nname: m\ntarget: energy\n"
		      "unit: J\ndescription: >\n  two\n  lines\n\n  "
		      "and\tmore\nparameters:\n" PARAM "terms:\n" TERM);
	ASSERT_MSG(m, "%s", diags.count ? diags.items[0].message : "?");
	ASSERT_STR_EQ(m->description, "two lines\nand\tmore\n");
	model_free(m);
}

static void test_unknown_key(void)
{
	ASSERT_MODEL_ERROR(HEADER "colour: red\nparameters:\n" PARAM
				  "terms:\n" TERM,
			   6, 1, "unknown key 'colour'");
	/* a long key is quoted to its first 40 bytes, as the vision rules'
	 * are (one function reads both files' keys) */
	ASSERT_MODEL_ERROR(
		HEADER "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxyyyyyyyyyy: "
		       "1\nparameters:\n" PARAM "terms:\n" TERM,
		6, 1,
		"unknown key "
		"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' in");
}

static void test_bad_phase(void)
{
	ASSERT_MODEL_ERROR(HEADER "parameters:\n" PARAM "terms:\n"
				  "  - {name: t, phase: later, kind: memory, "
				  "expr: \"a\"}\n",
			   9, 22, "phase is 'later'");
}

static void test_nonpositive_default(void)
{
	ASSERT_MODEL_ERROR(HEADER
			   "parameters:\n"
			   "  - {name: a, default: 0, unit: J, meaning: m}\n"
			   "terms:\n" TERM,
			   7, 24, "default is not a positive number: 0");
}

static void test_unused_parameter(void)
{
	ASSERT_MODEL_ERROR(HEADER
			   "parameters:\n" PARAM
			   "  - {name: b, default: 1, unit: J, meaning: m}\n"
			   "terms:\n" TERM,
			   7, 3, "parameter 'b' is used by no term");
}

static void test_parameter_named_like_input(void)
{
	ASSERT_MODEL_ERROR(HEADER
			   "parameters:\n"
			   "  - {name: B, default: 1, unit: J, meaning: m}\n"
			   "terms:\n" TERM,
			   7, 5, "has the name of an input");
}

static void test_wrong_format_version(void)
{
	ASSERT_MODEL_ERROR("energylens-model: 2\nname: m\ntarget: energy\n"
			   "unit: J\ndescription: d\nparameters:\n" PARAM
			   "terms:\n" TERM,
			   1, 1, "unsupported model format 2");
}

static void test_bad_target(void)
{
	ASSERT_MODEL_ERROR("energylens-model: 1\nname: m\ntarget: power\n"
			   "unit: J\ndescription: d\nparameters:\n" PARAM
			   "terms:\n" TERM,
			   3, 9, "target is 'power'");
}

static void test_yaml_syntax_error(void)
{
	ASSERT_MODEL_ERROR(HEADER "parameters: [\n", 7, 1, "YAML syntax error");
}

/* ---- derived inputs ------------------------------------------------------ */

static struct profile_workload workload(void)
{
	struct profile_workload w;
	memset(&w, 0, sizeof w);
	w.params_b = w.active_params_b = w.gpu_memory_gib = NAN;
	return w;
}

static struct profile_run run(unsigned tp, unsigned pp, unsigned dp,
			      unsigned batch, double I, double O)
{
	struct profile_run r;
	memset(&r, 0, sizeof r);
	r.tp = tp;
	r.pp = pp;
	r.dp = dp;
	r.batch_size = batch;
	r.input_tokens = I;
	r.output_tokens = O;
	return r;
}

static void test_inputs_dense(void)
{
	struct profile_workload w = workload();
	w.params_b = 14;
	w.shape = (struct profile_shape){
		.layers = 40, .hidden_size = 5120, .kv_elements = 2048};
	struct profile_run r = run(2, 2, 3, 64, 1000, 200);
	double in[MODEL_NINPUTS];
	model_inputs(&w, &r, in);
	ASSERT_DBL_EQ(in[IN_N], 12);
	ASSERT_DBL_EQ(in[IN_X], 3);
	ASSERT_DBL_EQ(in[IN_NA], 14);
	ASSERT_DBL_EQ(in[IN_BITS], 16);
	ASSERT_DBL_EQ(in[IN_WEFF], 28);	       /* 2 bytes x 14 B */
	ASSERT_NEAR(in[IN_LH], 0.2048, 1e-12); /* 40 x 5120 x 1e-6 */
	ASSERT_NEAR(in[IN_KVR], 2.0 * 2048 * 40 * 1100 / 1e6, 1e-9);
}

static void test_inputs_moe_touches_experts(void)
{
	/* N = s + e, Na = s + e k/E: with N 30, Na 3, E 128, k 8 the shared
	 * part is s = (3*128 - 30*8) / 120 = 1.2 and e = 28.8. */
	struct profile_workload w = workload();
	w.params_b = 30;
	w.active_params_b = 3;
	w.shape = (struct profile_shape){.layers = 48,
					 .hidden_size = 2048,
					 .experts = 128,
					 .experts_per_token = 8};
	struct profile_run r = run(1, 1, 1, 4, 100, 100);
	double in[MODEL_NINPUTS];
	model_inputs(&w, &r, in);
	double touched = 1 - pow(1 - 8.0 / 128, 4);
	ASSERT_NEAR(in[IN_WEFF], 2 * (1.2 + 28.8 * touched), 1e-9);
	r.batch_size = 4096; /* every expert touched */
	model_inputs(&w, &r, in);
	ASSERT_NEAR(in[IN_WEFF], 60, 1e-6);
}

static void test_inputs_sliding_and_attention_layers(void)
{
	/* 10 layers, 8 of them with a KV cache, 4 of those sliding with a
	 * window of 100; context 300 + 200/2 = 400. */
	struct profile_workload w = workload();
	w.shape = (struct profile_shape){.layers = 10,
					 .hidden_size = 64,
					 .kv_elements = 1000,
					 .sliding_layers = 4,
					 .sliding_window = 100,
					 .attention_layers = 8};
	struct profile_run r = run(1, 1, 1, 1, 300, 200);
	double in[MODEL_NINPUTS];
	model_inputs(&w, &r, in);
	ASSERT_NEAR(in[IN_KVR], 2.0 * 1000 * (4 * 400 + 4 * 100) / 1e6, 1e-12);
}

static void test_inputs_missing_metadata(void)
{
	struct profile_workload w = workload();
	struct profile_run r = run(4, 1, 1, 8, 100, 50);
	double in[MODEL_NINPUTS];
	model_inputs(&w, &r, in);
	ASSERT_DBL_EQ(in[IN_NP], 1);
	ASSERT_DBL_EQ(in[IN_L], 1);
	ASSERT_DBL_EQ(in[IN_LH], 1);
	ASSERT_DBL_EQ(in[IN_WEFF], 2);
	ASSERT_DBL_EQ(in[IN_KVR], 125); /* the context itself */
}

/* ---- fitting ------------------------------------------------------------- */

/* Deterministic uniform numbers in [0, 1). */
static double uniform(unsigned long long *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*state >> 11) / 9007199254740992.0;
}

struct synthetic {
	size_t n;
	double *inputs, *y;
};

/* Runs generated by model m with parameters truth over a sweep that varies
 * every input (or, with pp_only_one, keeps pp = dp = 1, bits 16, V 0). */
static struct synthetic generate(const struct model *m, const double *truth,
				 size_t n, double noise, bool vary_all)
{
	struct synthetic s = {n, malloc(n * MODEL_NINPUTS * sizeof(double)),
			      malloc(n * sizeof(double))};
	unsigned long long state = 42;
	static const unsigned degrees[] = {1, 2, 4, 8};
	static const unsigned bits[] = {4, 8, 16};
	for (size_t i = 0; i < n; i++) {
		struct profile_workload w = workload();
		w.params_b = 7 + 70 * uniform(&state);
		w.shape.layers = 32 + (uint32_t)(48 * uniform(&state));
		w.shape.hidden_size = 4096;
		w.shape.kv_elements = 2048;
		w.shape.weight_bits = vary_all ? bits[i % 3] : 16;
		struct profile_run r =
			run(degrees[(i / 3) % 4],
			    vary_all ? degrees[(i / 12) % 3] : 1,
			    vary_all ? 1 + (i / 36) % 2 : 1, 1u << (i % 9),
			    100 + 4000 * uniform(&state),
			    50 + 1000 * uniform(&state));
		r.vision_tokens = vary_all && i % 5 == 0 ? 600 : 0;
		/* the encoder's patches, 4 per token as for Qwen-VL */
		r.vision_encoder_tokens = (float)(4 * r.vision_tokens);
		model_inputs(&w, &r, s.inputs + i * MODEL_NINPUTS);
		/* Box-Muller for log-normal noise */
		double z = sqrt(-2 * log(1 - uniform(&state))) *
			   cos(6.283185307179586 * uniform(&state));
		s.y[i] = model_predict(m, s.inputs + i * MODEL_NINPUTS, truth,
				       NULL) *
			 exp(noise * z);
	}
	return s;
}

/* The fit's objective (log residuals, then the prior rows) at theta. */
static double objective(const struct model *m, const struct synthetic *s,
			const double *theta)
{
	double cost = 0;
	for (size_t i = 0; i < s->n; i++) {
		double r = log(model_predict(m, s->inputs + i * MODEL_NINPUTS,
					     theta, NULL)) -
			   log(s->y[i]);
		cost += r * r;
	}
	for (size_t j = 0; j < m->nparams; j++) {
		double r = m->prior_weight *
			   (log(theta[j]) - log(m->params[j].def));
		cost += r * r;
	}
	return cost / 2;
}

/* Mean |d log pred / d log theta_j| over the runs: how much the data can
 * say about parameter j. */
static double influence(const struct model *m, const struct synthetic *s,
			const double *theta, size_t j)
{
	double sum = 0, up[MODEL_MAX_PARAMS];
	memcpy(up, theta, m->nparams * sizeof *up);
	up[j] *= 1.001;
	for (size_t i = 0; i < s->n; i++) {
		const double *in = s->inputs + i * MODEL_NINPUTS;
		sum += fabs(log(model_predict(m, in, up, NULL) /
				model_predict(m, in, theta, NULL))) /
		       log(1.001);
	}
	return sum / (double)s->n;
}

/* The built-in energy model with its prior switched off, so the fit is
 * the maximum-likelihood one and its error bars say how far it may be from
 * the truth (with the prior on, weakly seen parameters are pulled toward
 * their defaults by design). */
static struct model *model_without_prior(void)
{
	struct model *builtin = model_builtin(TARGET_ENERGY);
	const char *at = strstr(builtin->source, "prior_weight: 0.05");
	char text[8192];
	snprintf(text, sizeof text, "%.*sprior_weight: 1e-6%s",
		 (int)(at - builtin->source), builtin->source,
		 at + strlen("prior_weight: 0.05"));
	model_free(builtin);
	return parse(text);
}

static void test_fit_recovers_parameters(void)
{
	struct model *m = model_without_prior();
	ASSERT(m);
	double truth[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def * (j % 2 ? 1.6 : 0.7);
	struct synthetic s = generate(m, truth, 400, 1e-3, true);
	struct fit_data d = {s.n, s.inputs, s.y};
	struct fit_result r;
	enum fit_status st = fit_model(m, &d, &r);
	ASSERT_MSG(st == FIT_OK, "%s", r.message);
	ASSERT_INT_EQ(r.informed_count, m->nparams);
	/* The solution is the optimum: no worse than the truth itself. */
	double at_truth = objective(m, &s, truth);
	ASSERT_MSG(r.cost <= at_truth * (1 + 1e-9), "cost %g > %g at truth",
		   r.cost, at_truth);
	ASSERT_NEAR(objective(m, &s, r.value), r.cost, 1e-9 * r.cost);
	/* Parameters the runs can see come back. */
	size_t checked = 0;
	for (size_t j = 0; j < m->nparams; j++) {
		if (influence(m, &s, truth, j) < 0.02)
			continue;
		checked++;
		/* within 2%, or within the fit's own error bars (terms that
		 * share a shape trade off) */
		double bound = fmax(0.02 * truth[j], 4 * r.stderr_[j]);
		ASSERT_MSG(fabs(r.value[j] - truth[j]) <= bound,
			   "%s = %g ± %g, generated with %g", m->params[j].name,
			   r.value[j], r.stderr_[j], truth[j]);
	}
	ASSERT_MSG(checked >= 8, "only %zu parameters clearly informed",
		   checked);
	ASSERT(r.mape < 5e-3);
	ASSERT(r.r2 > 0.999);
	ASSERT(isfinite(r.cond));
	free(s.inputs);
	free(s.y);
	fit_result_free(&r);
	model_free(m);
}

static void test_uninformed_held_at_default(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	double truth[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def * 1.5;
	struct synthetic s = generate(m, truth, 200, 0.01, false);
	struct fit_data d = {s.n, s.inputs, s.y};
	struct fit_result r;
	enum fit_status st = fit_model(m, &d, &r);
	free(s.inputs);
	free(s.y);
	ASSERT_MSG(st == FIT_OK, "%s", r.message);
	/* pp = dp = 1: no hand-off; V = 0: no vision; 16 bits: no q */
	static const char *const held[] = {"th_x", "th_v", "q"};
	for (int k = 0; k < 3; k++) {
		int j = model_param_index(m, held[k]);
		ASSERT_MSG(!r.informed[j], "%s informed", held[k]);
		ASSERT_DBL_EQ(r.value[j], m->params[j].def);
		ASSERT_NAN(r.stderr_[j]);
	}
	ASSERT_INT_EQ(r.informed_count, m->nparams - 3);
	fit_result_free(&r);
	model_free(m);
}

static void test_too_few_runs(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	double truth[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def;
	struct synthetic s = generate(m, truth, 3, 0, true);
	struct fit_data d = {s.n, s.inputs, s.y};
	struct fit_result r;
	enum fit_status st = fit_model(m, &d, &r);
	free(s.inputs);
	free(s.y);
	ASSERT(st == FIT_TOO_FEW_RUNS);
	ASSERT_CONTAINS(r.message, "3 runs cannot fit");
	fit_result_free(&r);
	model_free(m);
}

static void test_equal_energies_give_finite_fit(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	double truth[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def;
	struct synthetic s = generate(m, truth, 60, 0, true);
	for (size_t i = 0; i < s.n; i++)
		s.y[i] = 100;
	struct fit_data d = {s.n, s.inputs, s.y};
	struct fit_result r;
	enum fit_status st = fit_model(m, &d, &r);
	free(s.inputs);
	free(s.y);
	ASSERT_MSG(st == FIT_OK, "%s", r.message);
	for (size_t j = 0; j < m->nparams; j++)
		ASSERT_MSG(isfinite(r.value[j]) && r.value[j] > 0, "%s = %g",
			   m->params[j].name, r.value[j]);
	ASSERT(isfinite(r.mape));
	/* The logs of equal energies differ only by rounding, which made
	 * R2 a huge negative number; it is undefined. */
	ASSERT_NAN(r.r2);
	fit_result_free(&r);
	model_free(m);
}

static void test_terms_sum_to_total(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	double truth[MODEL_MAX_PARAMS], terms[MODEL_MAX_TERMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def * (1 + 0.1 * (double)j);
	struct synthetic s = generate(m, truth, 50, 0, true);
	for (size_t i = 0; i < s.n; i++) {
		double total = model_predict(m, s.inputs + i * MODEL_NINPUTS,
					     truth, terms);
		double sum = 0;
		for (size_t t = 0; t < m->nterms; t++)
			sum += terms[t];
		ASSERT_NEAR(sum, total, 1e-12 * total);
	}
	free(s.inputs);
	free(s.y);
	model_free(m);
}

/* The v2 H100 group has two optima: the start that leads after a few
 * iterations ends at cost 0.8498 (th_x 0.0176), another start at 0.8468
 * (th_x 0.00112, where scipy ends too). A start that stops early because
 * it joined a basin already found must not cost the lower one (it does
 * when the basin's radius is unbounded). */
static void test_fit_keeps_lowest_basin(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path,
		 "%s/sample-profiles/mlenergy-v2/H100-80GB-HBM3",
		 top ? top : ".");
	char *paths[] = {path};
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	ASSERT_MSG(workspace_load_paths(&set, &d, 1, paths) == 0, "%s",
		   d.count ? d.items[0].message : path);
	struct dataset ds;
	ASSERT(dataset_build(&set, BY_HARDWARE, &ds, &d) == 0);
	ASSERT_INT_EQ(ds.count, 1);
	struct model *energy = model_builtin(TARGET_ENERGY),
		     *latency = model_builtin(TARGET_LATENCY);
	struct fit_group f;
	fit_group(energy, latency, &ds.groups[0], &f);
	ASSERT(f.energy_status == FIT_OK);
	size_t th_x = 0;
	while (strcmp(energy->params[th_x].name, "th_x") != 0)
		th_x++;
	ASSERT_MSG(fabs(f.energy.cost / 0.846827972323 - 1) < 1e-6,
		   "cost %.12g", f.energy.cost);
	ASSERT_MSG(fabs(f.energy.value[th_x] / 0.0011218197 - 1) < 1e-3,
		   "th_x %.8g", f.energy.value[th_x]);
	fit_group_free(&f);
	model_free(energy);
	model_free(latency);
	dataset_free(&ds);
	profile_set_free(&set);
	diag_free(&d);
}

/* The fit's least-squares problem as tests/crosscheck.py states it, for
 * GSL's own solver: log residuals of the runs, then a prior row per
 * parameter, over x = log(theta), every parameter free. */
struct reference {
	const struct model *m;
	const struct synthetic *s;
};

static int reference_f(const gsl_vector *x, void *data, gsl_vector *f)
{
	const struct reference *R = data;
	const struct model *m = R->m;
	double theta[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		theta[j] = exp(gsl_vector_get(x, j));
	for (size_t i = 0; i < R->s->n; i++)
		gsl_vector_set(
			f, i,
			log(model_predict(m, R->s->inputs + i * MODEL_NINPUTS,
					  theta, NULL)) -
				log(R->s->y[i]));
	for (size_t j = 0; j < m->nparams; j++)
		gsl_vector_set(f, R->s->n + j,
			       m->prior_weight * (gsl_vector_get(x, j) -
						  log(m->params[j].def)));
	return GSL_SUCCESS;
}

static int reference_df(const gsl_vector *x, void *data, gsl_matrix *J)
{
	const struct reference *R = data;
	const struct model *m = R->m;
	double theta[MODEL_MAX_PARAMS], g[EXPR_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		theta[j] = exp(gsl_vector_get(x, j));
	gsl_matrix_set_zero(J);
	for (size_t i = 0; i < R->s->n; i++) {
		const double *in = R->s->inputs + i * MODEL_NINPUTS;
		double dpred[MODEL_MAX_PARAMS] = {0}, pred = 0;
		for (size_t t = 0; t < m->nterms; t++) {
			const struct expr *e = m->terms[t].expr;
			pred += expr_eval_grad(e, in, theta, g);
			for (size_t k = 0; k < expr_param_count(e); k++)
				dpred[expr_params(e)[k]] += g[k];
		}
		for (size_t j = 0; j < m->nparams; j++)
			gsl_matrix_set(J, i, j, theta[j] * dpred[j] / pred);
	}
	for (size_t j = 0; j < m->nparams; j++)
		gsl_matrix_set(J, R->s->n + j, j, m->prior_weight);
	return GSL_SUCCESS;
}

/* fit_model's solver is its own Levenberg-Marquardt on the normal
 * equations; it must take the steps GSL's trust-region driver takes with
 * the same method (trs_lm, Levenberg scaling, Cholesky) and tolerances:
 * from the defaults (start 0, which wins on these runs), the same number
 * of iterations, the same stopping test and the same optimum (up to
 * rounding: GSL sums J'J in another order). */
static void test_fit_steps_as_gsl(void)
{
	struct model *m = model_builtin(TARGET_ENERGY);
	ASSERT(m);
	double truth[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++)
		truth[j] = m->params[j].def * (j % 2 ? 1.4 : 0.8);
	for (size_t n = 50; n <= 400; n *= 2) {
		struct synthetic s = generate(m, truth, n, 0.05, true);
		struct fit_data d = {s.n, s.inputs, s.y};
		struct fit_result r;
		ASSERT(fit_model(m, &d, &r) == FIT_OK);
		ASSERT_INT_EQ(r.informed_count, m->nparams);
		ASSERT_INT_EQ(r.start, 0);

		struct reference ref = {m, &s};
		size_t p = m->nparams, rows = s.n + p;
		gsl_multifit_nlinear_parameters params =
			gsl_multifit_nlinear_default_parameters();
		params.trs = gsl_multifit_nlinear_trs_lm;
		params.solver = gsl_multifit_nlinear_solver_cholesky;
		params.scale = gsl_multifit_nlinear_scale_levenberg;
		gsl_multifit_nlinear_fdf fdf = {.f = reference_f,
						.df = reference_df,
						.n = rows,
						.p = p,
						.params = &ref};
		gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(
			gsl_multifit_nlinear_trust, &params, rows, p);
		gsl_vector *x = gsl_vector_alloc(p);
		for (size_t j = 0; j < p; j++)
			gsl_vector_set(x, j, log(m->params[j].def));
		int info = 0;
		gsl_multifit_nlinear_init(x, &fdf, w);
		int st = gsl_multifit_nlinear_driver(
			FIT_MAX_ITERATIONS, FIT_XTOL, FIT_GTOL, FIT_FTOL, NULL,
			NULL, &info, w);
		ASSERT_INT_EQ(st, GSL_SUCCESS);
		ASSERT_INT_EQ(r.iterations, (int)gsl_multifit_nlinear_niter(w));
		ASSERT_STR_EQ(r.stop,
			      info == 1 ? "small step" : "small gradient");
		double cost = 0;
		gsl_blas_ddot(w->f, w->f, &cost);
		cost /= 2;
		ASSERT_MSG(fabs(r.cost / cost - 1) < 1e-12,
			   "%zu runs: cost %.17g, GSL's %.17g", n, r.cost,
			   cost);
		for (size_t j = 0; j < p; j++) {
			double v = exp(gsl_vector_get(w->x, j));
			ASSERT_MSG(fabs(r.value[j] / v - 1) < 1e-6,
				   "%zu runs: %s = %.12g, GSL's %.12g", n,
				   m->params[j].name, r.value[j], v);
		}
		gsl_vector_free(x);
		gsl_multifit_nlinear_free(w);
		fit_result_free(&r);
		free(s.inputs);
		free(s.y);
	}
	model_free(m);
}

/* ---- the fitted-model file ------------------------------------------------
 */

static void test_fitfile_round_trip(void)
{
	struct model *models[2] = {model_builtin(TARGET_ENERGY),
				   model_builtin(TARGET_LATENCY)};
	struct profile_set set;
	profile_set_init(&set);
	struct diag_list d;
	diag_init(&d, NULL);
	const char *yaml =
		"energylens: 1\nworkload: {name: \"w \\\"q\\\"\", model: m, "
		"hardware: H, params_b: 8, input_tokens_assumed: true, shape: "
		"{layers: 32, hidden_size: 4096, kv_elements: 1024}}\nruns:\n";
	char buf[16384];
	size_t len = (size_t)snprintf(buf, sizeof buf, "%s", yaml);
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(
			buf + len, sizeof buf - len,
			"  - {tp: %d, pp: 1, batch_size: %d, input_tokens: %d, "
			"output_tokens: 100, energy: {total_j: %g}, latency: "
			"{e2e_s: %g}}\n",
			1 << (i % 3), 1 << (i % 7), 100 * (1 + i % 5),
			50.0 + 20 * (i % 7) + 3 * (i % 3), 2.0 + 0.1 * i);
	ASSERT(profile_load_buffer(&set, "w.yaml", buf, len, &d) == PROFILE_OK);
	struct dataset ds;
	ASSERT(dataset_build(&set, BY_HARDWARE, &ds, &d) == 0);
	struct fit_group f;
	fit_group(models[0], models[1], &ds.groups[0], &f);
	ASSERT(f.energy_status == FIT_OK);
	char path[] = "/tmp/energylens-fitfile-XXXXXX";
	int fd = mkstemp(path);
	FILE *out = fdopen(fd, "w");
	fitfile_write(out, (const struct model *const *)models, &set, &ds, &f);
	fclose(out);
	struct fitfile *ff = fitfile_load(path, &d);
	unlink(path);
	ASSERT_MSG(ff, "%s", d.count ? d.items[0].message : "?");
	ASSERT_INT_EQ(ff->count, 1);
	for (size_t j = 0; j < models[0]->nparams; j++) {
		ASSERT_DBL_EQ(ff->groups[0].energy.value[j], f.energy.value[j]);
		ASSERT(ff->groups[0].energy.informed[j] ==
		       f.energy.informed[j]);
	}
	ASSERT_STR_EQ(ff->set.workloads[0].name, "w \"q\"");
	ASSERT_DBL_EQ(ff->set.workloads[0].params_b, 8);
	ASSERT_INT_EQ(ff->set.workloads[0].shape.kv_elements, 1024);
	/* every workload key comes back, this one too */
	ASSERT(ff->set.workloads[0].input_tokens_assumed);
	fitfile_free(ff);
	fit_group_free(&f);
	dataset_free(&ds);
	profile_set_free(&set);
	diag_free(&d);
	model_free(models[0]);
	model_free(models[1]);
}

/* Found by fuzzing (tests/fuzz/corpus/fitfile/regress-*): a fitted-model
 * file with "runs: nan" was converted to a size_t (undefined behaviour),
 * and parameters that no fit produces (NaN, zero, negative) were accepted
 * and later printed as predictions. */
static void test_fitfile_refuses_impossible_values(void)
{
	static const char *const bad[][2] = {
		{"runs: nan", "runs is nan (expected a whole number >= 0"},
		{"runs: .nan", "runs is not a number"},
		{"runs: -3", "runs is -3 (expected a whole number >= 0"},
		{"runs: 2.5", "runs is 2.5 (expected a whole number >= 0"},
		{"params: {c: nan}", "parameter c of e is nan (expected a "
				     "finite number > 0)"},
		{"params: {c: 0}", "parameter c of e is 0"},
		{"params: {c: -1e-3}", "parameter c of e is -1e-3"},
		{"params: {c: inf}", "parameter c of e is inf"},
	};
	const char *head =
		"energylens-fit: 1\n"
		"energy-model: |\n  energylens-model: 1\n  name: e\n"
		"  target: energy\n  unit: J\n  description: d\n"
		"  parameters: [{name: c, default: 1, unit: J, meaning: m}]\n"
		"  terms: [{name: t, phase: decode, kind: idle, expr: c*O}]\n"
		"latency-model: |\n  energylens-model: 1\n  name: l\n"
		"  target: latency\n  unit: s\n  description: d\n"
		"  parameters: [{name: c, default: 1, unit: s, meaning: m}]\n"
		"  terms: [{name: t, phase: decode, kind: idle, expr: c*O}]\n"
		"groups:\n  - label: g\n    workloads: [{name: w}]\n"
		"    energy: {r2: 1, mape: 0, informed: [c], ";
	char text[2048];
	snprintf(text, sizeof text, "%s%s}\n", head, "runs: 3, params: {c: 2}");
	struct diag_list d;
	diag_init(&d, NULL);
	struct fitfile *ff = fitfile_parse("f.fit", text, strlen(text), &d);
	ASSERT_MSG(ff, "%s", d.count ? d.items[0].message : "?");
	ASSERT_DBL_EQ(ff->groups[0].energy.value[0], 2);
	ASSERT_INT_EQ(ff->groups[0].energy.runs, 3);
	fitfile_free(ff);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		bool runs = strncmp(bad[i][0], "runs", 4) == 0;
		snprintf(text, sizeof text, "%s%s, %s}\n", head, bad[i][0],
			 runs ? "params: {c: 2}" : "runs: 3");
		diag_free(&d);
		diag_init(&d, NULL);
		ff = fitfile_parse("f.fit", text, strlen(text), &d);
		ASSERT_MSG(!ff, "'%s' was accepted", bad[i][0]);
		ASSERT_INT_EQ(d.errors, 1);
		ASSERT_CONTAINS(d.items[0].message, bad[i][1]);
		ASSERT_INT_EQ(d.items[0].line, 21);
	}
	/* workload keys are read by the profile's rules (schema.c), and
	 * neither tags nor leading zeros are read differently by YAML 1.1
	 * and 1.2 readers */
	static const char *const bad_workload[][3] = {
		{"workloads: [{name: w, architecture: transformer}]",
		 "architecture is not valid: transformer (expected dense, moe, "
		 "ssm or hybrid)",
		 "20"},
		{"workloads: [{name: w, shape: {layers: -3}}]",
		 "shape.layers is not valid: -3 (expected an integer >= 0)",
		 "20"},
		{"workloads: [{name: w, params_b: 010}]",
		 "params_b has a leading zero: YAML 1.1 reads 010 as octal 8",
		 "20"},
		{"workloads: [{name: !!str w}]",
		 "a value has the tag !!str (expected no tags in a "
		 "fitted-model file)",
		 "20"},
		{"workloads: [{name: w, model: !!python/object:os.system m}]",
		 "a value has the tag !!python/object:os.system", "20"},
		{"workloads: [{name: w}]\n    energy: {runs: 03, r2: 1, mape: "
		 "0, informed: [c], params: {c: 2}}\n#",
		 "runs has a leading zero: YAML 1.1 reads 03 as octal 3", "21"},
	};
	for (size_t i = 0; i < sizeof bad_workload / sizeof *bad_workload;
	     i++) {
		char *w = strstr(text, "workloads: [");
		ASSERT(w);
		snprintf(w, sizeof text - (size_t)(w - text),
			 "%s\n    energy: {r2: 1, mape: 0, informed: [c], "
			 "runs: 3, params: {c: 2}}\n",
			 bad_workload[i][0]);
		diag_free(&d);
		diag_init(&d, NULL);
		ff = fitfile_parse("f.fit", text, strlen(text), &d);
		ASSERT_MSG(!ff, "'%s' was accepted", bad_workload[i][0]);
		ASSERT_INT_EQ(d.errors, 1);
		ASSERT_CONTAINS(d.items[0].message, bad_workload[i][1]);
		ASSERT_INT_EQ(d.items[0].line, atoi(bad_workload[i][2]));
	}
	snprintf(text, sizeof text, "%s%s}\n", head, "runs: 3, params: {c: 2}");
	/* names and labels are printed by predict and rank */
	char *at = strstr(text, "label: g\n");
	ASSERT(at);
	char tail[1024];
	snprintf(tail, sizeof tail, "%s", at + strlen("label: g"));
	snprintf(at, sizeof text - (size_t)(at - text), "label: \"\\a\"%s",
		 tail);
	diag_free(&d);
	diag_init(&d, NULL);
	ff = fitfile_parse("f.fit", text, strlen(text), &d);
	ASSERT_MSG(!ff, "a label with a control character was accepted");
	ASSERT_CONTAINS(d.items[0].message,
			"label has the control character U+0007");
	diag_free(&d);
}

int main(void)
{
	diag_init(&diags, NULL);
	UNIT_RUN(test_builtin_models);
	UNIT_RUN(test_every_input_named);
	UNIT_RUN(test_minimal_model);
	UNIT_RUN(test_bad_expression_column);
	UNIT_RUN(test_unknown_key);
	UNIT_RUN(test_bad_phase);
	UNIT_RUN(test_nonpositive_default);
	UNIT_RUN(test_unused_parameter);
	UNIT_RUN(test_parameter_named_like_input);
	UNIT_RUN(test_wrong_format_version);
	UNIT_RUN(test_bad_target);
	UNIT_RUN(test_yaml_syntax_error);
	UNIT_RUN(test_inputs_dense);
	UNIT_RUN(test_inputs_moe_touches_experts);
	UNIT_RUN(test_inputs_sliding_and_attention_layers);
	UNIT_RUN(test_inputs_missing_metadata);
	UNIT_RUN(test_fit_recovers_parameters);
	UNIT_RUN(test_uninformed_held_at_default);
	UNIT_RUN(test_too_few_runs);
	UNIT_RUN(test_equal_energies_give_finite_fit);
	UNIT_RUN(test_terms_sum_to_total);
	UNIT_RUN(test_fit_keeps_lowest_basin);
	UNIT_RUN(test_fit_steps_as_gsl);
	UNIT_RUN(test_fitfile_round_trip);
	UNIT_RUN(test_fitfile_refuses_impossible_values);
	UNIT_RUN(test_control_characters_refused);
	diag_free(&diags);
	return unit_status();
}
