/* The reader of fitted-model files (energylens fit -o) on arbitrary bytes.
 * predict and rank take a file it accepts at its word, so what it accepts
 * must be usable: both embedded models, and for every group fitted
 * parameters that are positive and finite (a NaN there would be printed as
 * a prediction), workloads that exist, and sane fit statistics. */
#include <math.h>

#include "fitfile.h"
#include "fuzz.h"
#include "utf8.h"

const char fuzz_target_name[] = "fitfile";

static void check_fit(const struct model *m, const struct fit_result *r)
{
	for (size_t j = 0; j < m->nparams; j++)
		FUZZ_CHECK(isfinite(r->value[j]) && r->value[j] > 0);
}

static void check_file(const struct fitfile *ff)
{
	FUZZ_CHECK(ff->models[0] && ff->models[1]);
	FUZZ_CHECK(ff->models[0]->target == TARGET_ENERGY);
	FUZZ_CHECK(ff->models[1]->target == TARGET_LATENCY);
	for (size_t g = 0; g < ff->count; g++) {
		const struct fitfile_group *G = &ff->groups[g];
		unsigned cp;
		FUZZ_CHECK(G->label != NULL);
		FUZZ_CHECK(!utf8_find_control(G->label, strlen(G->label), &cp));
		check_fit(ff->models[0], &G->energy);
		if (G->has_latency)
			check_fit(ff->models[1], &G->latency);
		for (size_t k = 0; k < G->nworkloads; k++) {
			FUZZ_CHECK(G->workloads[k] < ff->set.workload_count);
			const char *name =
				ff->set.workloads[G->workloads[k]].name;
			FUZZ_CHECK(!name ||
				   !utf8_find_control(name, strlen(name), &cp));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	diag_init(&diags, NULL);
	struct fitfile *ff =
		fitfile_parse("fuzz.fit", (const char *)data, size, &diags);
	FUZZ_CHECK((ff != NULL) == (diags.errors == 0));
	if (ff)
		check_file(ff);
	fitfile_free(ff);
	diag_free(&diags);
	return 0;
}
