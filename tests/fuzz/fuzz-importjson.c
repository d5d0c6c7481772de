/* The JSON importers and the power-log reader on arbitrary bytes, all in
 * memory (the command line only adds reading the files). The first byte
 * picks what is done:
 *   0  import vllm: the input cut at its first form feed, the result JSON
 *      before it, a power log (any of the three formats) after it, times
 *      read as UTC; with --set tp=1,pp=1 when the byte's 0x10 bit is set
 *   1  import mlenergy-json
 *   2  import inferencex
 *   3  a power log alone, integrated over a few windows
 * An import that succeeds must write YAML that the profile loader reads
 * back without one error and with every run, as for the CSV importers; an
 * integral must be finite and not negative, its covered time within the
 * window. */
#include <math.h>

#include "fuzz.h"
#include "import.h"
#include "import_json.h"
#include "powerlog.h"
#include "profile.h"

const char fuzz_target_name[] = "importjson";

static void read_back(const struct import_set *set)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return;
	FUZZ_CHECK(import_write(set, out) == 0);
	fclose(out);
	size_t runs = 0;
	for (size_t i = 0; i < set->count; i++)
		runs += set->docs[i].nruns;
	struct profile_set ps;
	struct diag_list diags;
	profile_set_init(&ps);
	diag_init(&diags, NULL);
	profile_load_buffer(&ps, "imported.yaml", buf, len, &diags);
	if (diags.errors || ps.run_count != runs) {
		fprintf(stderr, "--- written:\n%s--- read back:\n", buf);
		for (size_t i = 0; i < diags.count; i++)
			diag_print(&diags.items[i], stderr);
	}
	FUZZ_CHECK(diags.errors == 0);
	FUZZ_CHECK(ps.run_count == runs);
	profile_set_free(&ps);
	diag_free(&diags);
	free(buf);
}

static void integrate(const struct powerlog_set *s)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct powerlog_gpu *g = &s->gpus[i];
		if (g->count == 0)
			continue;
		double a = g->segs[0].t0, b = g->segs[g->count - 1].t1;
		double windows[3][2] = {
			{a, b}, {a - 1, a + (b - a) / 3}, {(a + b) / 2, b + 5}};
		for (int w = 0; w < 3; w++) {
			struct powerlog_energy e;
			powerlog_energy(g, windows[w][0], windows[w][1], &e);
			FUZZ_CHECK(!isnan(e.joules) && e.joules >= 0);
			FUZZ_CHECK(e.covered_s >= 0 &&
				   e.covered_s <=
					   windows[w][1] - windows[w][0] +
						   1e-6 * (fabs(windows[w][1]) +
							   1));
		}
	}
}

/* A NUL-terminated copy of len bytes. */
static char *copy(const char *p, size_t len)
{
	return fuzz_string((const uint8_t *)p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int mode = data[0] % 4;
	bool with_sets = data[0] & 0x10;
	const char *text = (const char *)data + 1;
	size_t len = size - 1, log_len = 0;
	const char *log_text = NULL;
	if (mode == 0) {
		const char *ff = memchr(text, '\f', len);
		if (ff) {
			log_text = ff + 1;
			log_len = len - (size_t)(log_text - text);
			len = (size_t)(ff - text);
		}
	}
	if (mode == 3) {
		log_text = text;
		log_len = len;
	}
	char *main_text = copy(text, len);
	char *log = log_text ? copy(log_text, log_len) : NULL;
	if (!main_text || (log_text && !log)) {
		free(main_text);
		free(log);
		return 0;
	}
	struct diag_list diags;
	diag_init(&diags, NULL);
	struct powerlog_set power;
	powerlog_init(&power);
	struct powerlog_zone utc = {true, 0};
	bool log_ok = false;
	if (log) {
		int rc = powerlog_read(&power, "power.log", log, log_len, &utc,
				       &diags);
		FUZZ_CHECK((rc == 0) == (diags.errors == 0));
		if (rc == 0)
			log_ok = powerlog_finish(&power, &diags) == 0;
		if (log_ok)
			integrate(&power);
	}
	struct import_assign sets[2] = {{SCHEMA_TP, -1, "1"},
					{SCHEMA_PP, -1, "1"}};
	struct import_json_opts o = {with_sets ? sets : NULL,
				     with_sets ? 2 : 0,
				     log_ok ? &power : NULL,
				     NULL,
				     0,
				     {NAN, NAN}};
	struct import_set set = {NULL, 0, 0};
	size_t errors = diags.errors;
	int ok = -2;
	if (mode == 0 && (!log || log_ok))
		ok = import_vllm(&set, "result.json", main_text, len, &o,
				 &diags);
	else if (mode == 1)
		ok = import_mlenergy_json(&set, "ml.json", main_text, len, &o,
					  &diags);
	else if (mode == 2)
		ok = import_inferencex(&set, "agg.json", main_text, len, &o,
				       &diags);
	if (ok != -2) {
		FUZZ_CHECK((ok == 0) == (diags.errors == errors));
		if (ok == 0)
			read_back(&set);
	}
	import_free(&set);
	powerlog_free(&power);
	diag_free(&diags);
	free(main_text);
	free(log);
	return 0;
}
