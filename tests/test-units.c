/* The units of the explorer's table (src/units.c) and its config file
 * (src/tui/config.c): each conversion against the number worked by hand,
 * the TDP table and where each TDP comes from, the config's settings and
 * its problems as file:line:col, and the unit remembered without
 * touching the rest of the file. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_file.h"
#include "slurp.h"
#include "unit.h"
#include "units.h"

#define RUN(fn) UNIT_RUN(fn)

static char tmp_root[64];

/* 360 J per request over 2 s for a batch of 8 requests of 100 output
 * tokens each, on t2p1 (2 GPUs), measured at 300 J. */
static const struct select_candidate cand = {.layout = {2, 1, 1},
					     .energy_j = 360,
					     .latency_s = 2,
					     .measured_j = 300};
static const struct select_knobs knobs = {
	.batch = 8, .input = 512, .output = 100};

static void test_conversions(void)
{
	struct units_config c;
	units_config_default(&c);
	c.price_kwh = 0.25;
	c.intensity = 400;
	struct units_value v;
	units_convert(&c, UNITS_J_REQUEST, &cand, &knobs, 700, &v);
	ASSERT_DBL_EQ(v.value, 360);
	ASSERT_DBL_EQ(v.beside, 300); /* the measurement, same unit */
	units_convert(&c, UNITS_J_TOKEN, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 3.6, 1e-12);
	/* 3.6 J per token = 3.6e6 J per million tokens = 1 kWh */
	units_convert(&c, UNITS_KWH_MTOK, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 1, 1e-12);
	ASSERT_NEAR(v.beside, 300.0 / 360, 1e-12);
	/* 8 requests x 100 tokens in 2 s, on 2 GPUs */
	units_convert(&c, UNITS_TOKENS_S, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 400, 1e-9);
	ASSERT_NEAR(v.beside, 200, 1e-9);
	/* 360 J x 4 requests/s = 1440 W over 2 GPUs: 720 W, above 700 */
	units_convert(&c, UNITS_WATTS_GPU, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 720, 1e-9);
	ASSERT_NEAR(v.beside, 720.0 / 700, 1e-12);
	units_convert(&c, UNITS_COST_MTOK, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 0.25, 1e-12);
	units_convert(&c, UNITS_CO2_MTOK, &cand, &knobs, 700, &v);
	ASSERT_NEAR(v.value, 400, 1e-9);
}

static void test_missing_inputs_are_nan(void)
{
	struct units_config c;
	units_config_default(&c); /* no price, no intensity */
	struct units_value v;
	units_convert(&c, UNITS_COST_MTOK, &cand, &knobs, NAN, &v);
	ASSERT_NAN(v.value);
	units_convert(&c, UNITS_CO2_MTOK, &cand, &knobs, NAN, &v);
	ASSERT_NAN(v.value);
	units_convert(&c, UNITS_WATTS_GPU, &cand, &knobs, NAN, &v);
	ASSERT_NEAR(v.value, 720, 1e-9);
	ASSERT_NAN(v.beside); /* no TDP, no share of it */
	struct select_candidate no_latency = cand;
	no_latency.latency_s = NAN;
	units_convert(&c, UNITS_TOKENS_S, &no_latency, &knobs, 700, &v);
	ASSERT_NAN(v.value);
	ASSERT_NAN(units_measured(&c, UNITS_J_TOKEN, NAN, &knobs));
}

static void test_tdp_table(void)
{
	struct units_config c;
	units_config_default(&c);
	const char *src;
	ASSERT_DBL_EQ(units_tdp(&c, "H100 80GB HBM3", &src), 700);
	ASSERT_CONTAINS(src, "H100 SXM");
	ASSERT_DBL_EQ(units_tdp(&c, "NVIDIA H100 PCIe", &src), 350);
	ASSERT_DBL_EQ(units_tdp(&c, "A100-SXM4-40GB", &src), 400);
	ASSERT_DBL_EQ(units_tdp(&c, "b200", &src), 1000);
	/* a Grace Hopper superchip is no H200 */
	ASSERT_NAN(units_tdp(&c, "NVIDIA GH200 GPU", &src));
	ASSERT_STR_EQ(src, "unknown");
	ASSERT_NAN(units_tdp(&c, NULL, &src));
	c.tdp_w = 450;
	ASSERT_DBL_EQ(units_tdp(&c, "NVIDIA GH200 GPU", &src), 450);
	ASSERT_STR_EQ(src, "the config's tdp");
}

static void test_names_round_trip(void)
{
	for (int u = 0; u < UNITS_COUNT; u++) {
		ASSERT_INT_EQ(units_lookup(units_name((enum units_unit)u)), u);
		ASSERT(units_label((enum units_unit)u)[0]);
		ASSERT(units_meaning((enum units_unit)u)[0]);
	}
	ASSERT_INT_EQ(units_lookup("joules"), -1);
}

static void test_config_parse(void)
{
	struct units_config c;
	units_config_default(&c);
	struct diag_list d;
	diag_init(&d, NULL);
	const char *text = "# mine\n\nunit = co2-mtok\n  price=0.3 \r\n"
			   "currency = EUR\nintensity = 250\ntdp = 600\n";
	ASSERT(config_parse(&c, "cfg", text, strlen(text), &d));
	ASSERT_INT_EQ(c.unit, UNITS_CO2_MTOK);
	ASSERT_DBL_EQ(c.price_kwh, 0.3);
	ASSERT_STR_EQ(c.currency, "EUR");
	ASSERT_DBL_EQ(c.intensity, 250);
	ASSERT_DBL_EQ(c.tdp_w, 600);
	ASSERT_INT_EQ(d.count, 0);
	diag_free(&d);
}

static void test_config_problems(void)
{
	struct units_config c;
	units_config_default(&c);
	struct diag_list d;
	diag_init(&d, NULL);
	const char *text = "unit = joules\nprice = -1\nwatts = 3\nnothing\n"
			   "currency = E U R\ntdp = 0\n";
	ASSERT(!config_parse(&c, "cfg", text, strlen(text), &d));
	ASSERT_INT_EQ(d.count, 6);
	const unsigned want[6][2] = {{1, 8}, {2, 9},  {3, 1},
				     {4, 1}, {5, 12}, {6, 7}};
	for (int i = 0; i < 6; i++) {
		ASSERT_INT_EQ(d.items[i].line, want[i][0]);
		ASSERT_INT_EQ(d.items[i].col, want[i][1]);
		ASSERT_CONTAINS(d.items[i].message, "(expected");
	}
	ASSERT_CONTAINS(d.items[0].message, "unknown unit 'joules'");
	ASSERT_INT_EQ(c.unit, UNITS_J_REQUEST); /* left as it was */
	diag_free(&d);
}

static void test_config_missing_is_fine(void)
{
	struct units_config c;
	units_config_default(&c);
	struct diag_list d;
	diag_init(&d, NULL);
	char path[128];
	snprintf(path, sizeof path, "%s/none/config", tmp_root);
	ASSERT(config_load(&c, path, &d));
	ASSERT_INT_EQ(d.count, 0);
	diag_free(&d);
}

/* The unit is remembered: its line replaced, every other kept, the
 * directory made; and read back. */
static void test_config_save_unit(void)
{
	char path[128], why[300];
	snprintf(path, sizeof path, "%s/cfg/energylens/config", tmp_root);
	ASSERT_MSG(config_save_unit(path, UNITS_TOKENS_S, why, sizeof why),
		   "%s", why);
	size_t len;
	char *text = slurp_path(path, 1 << 16, &len);
	ASSERT(text);
	ASSERT_STR_EQ(text, "unit = tokens-s\n");
	free(text);
	FILE *f = fopen(path, "w");
	ASSERT(f);
	fputs("# mine\nprice = 0.2\n unit\t= j-token\ncurrency = EUR", f);
	fclose(f);
	ASSERT(config_save_unit(path, UNITS_KWH_MTOK, why, sizeof why));
	text = slurp_path(path, 1 << 16, &len);
	ASSERT(text);
	ASSERT_STR_EQ(text, "# mine\nprice = 0.2\nunit = kwh-mtok\n"
			    "currency = EUR\n");
	free(text);
	struct units_config c;
	units_config_default(&c);
	struct diag_list d;
	diag_init(&d, NULL);
	ASSERT(config_load(&c, path, &d));
	diag_free(&d);
	ASSERT_INT_EQ(c.unit, UNITS_KWH_MTOK);
	ASSERT_DBL_EQ(c.price_kwh, 0.2);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_root, sizeof tmp_root, "%s/test-units-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(tmp_root)) {
		printf("FAIL: setup: cannot create %s: %s\n", tmp_root,
		       strerror(errno));
		return 1;
	}
	RUN(test_conversions);
	RUN(test_missing_inputs_are_nan);
	RUN(test_tdp_table);
	RUN(test_names_round_trip);
	RUN(test_config_parse);
	RUN(test_config_problems);
	RUN(test_config_missing_is_fine);
	RUN(test_config_save_unit);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
	if (system(cmd) != 0)
		printf("FAIL: cleanup: %s\n", cmd);
	return unit_status();
}
