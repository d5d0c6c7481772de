/* The model file loader on arbitrary bytes. A model it accepts must be one
 * the rest of the program can use: named parameters with positive defaults,
 * at least one term, every term compiled and splittable the way the fit
 * splits it (a failure there would read as running out of memory), and a
 * prediction that adds up to the sum of its terms. */
#include <math.h>

#include "fuzz.h"
#include "model.h"

const char fuzz_target_name[] = "model";

static void check_model(const struct model *m)
{
	FUZZ_CHECK(m->nparams >= 1 && m->nparams <= MODEL_MAX_PARAMS);
	FUZZ_CHECK(m->nterms >= 1 && m->nterms <= MODEL_MAX_TERMS);
	FUZZ_CHECK(m->name && m->unit && m->description && m->source);
	FUZZ_CHECK(m->prior_weight > 0 && isfinite(m->prior_weight));
	double params[MODEL_MAX_PARAMS];
	for (size_t j = 0; j < m->nparams; j++) {
		const struct model_param *p = &m->params[j];
		FUZZ_CHECK(p->name && p->unit && p->meaning);
		FUZZ_CHECK(p->def > 0 && isfinite(p->def));
		FUZZ_CHECK(model_param_index(m, p->name) == (int)j);
		params[j] = p->def;
	}
	for (size_t t = 0; t < m->nterms; t++) {
		const struct model_term *term = &m->terms[t];
		FUZZ_CHECK(term->name && term->text && term->expr);
		struct expr_split s;
		FUZZ_CHECK(expr_split(term->expr, &s) == 0);
		expr_split_free(&s);
	}
	/* A run with every input given, as model_inputs() makes them. */
	struct profile_workload w = {.params_b = 8,
				     .active_params_b = 8,
				     .gpu_memory_gib = 80,
				     .architecture = ARCH_DENSE,
				     .modality = MODALITY_TEXT,
				     .shape = {.layers = 32,
					       .hidden_size = 4096,
					       .kv_elements = 1024,
					       .weight_bits = 16}};
	struct profile_run r = {.tp = 2,
				.pp = 1,
				.dp = 1,
				.batch_size = 8,
				.input_tokens = 512,
				.vision_tokens = 0,
				.output_tokens = 128};
	double in[MODEL_NINPUTS], terms[MODEL_MAX_TERMS];
	model_inputs(&w, &r, in);
	double pred = model_predict(m, in, params, terms);
	double sum = 0;
	for (size_t t = 0; t < m->nterms; t++)
		sum += terms[t];
	FUZZ_CHECK(pred == sum || (isnan(pred) && isnan(sum)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	diag_init(&diags, NULL);
	struct model *m =
		model_parse("fuzz.yaml", (const char *)data, size, &diags);
	FUZZ_CHECK((m != NULL) == (diags.errors == 0));
	if (m)
		check_model(m);
	model_free(m);
	diag_free(&diags);
	return 0;
}
