/* Units of cost; see units.h. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

static const struct {
	const char *name, *label, *meaning;
} table[UNITS_COUNT] = {
	[UNITS_J_REQUEST] = {"j-request", "J/req", "joules per request"},
	[UNITS_J_TOKEN] = {"j-token", "J/tok", "joules per output token"},
	[UNITS_KWH_MTOK] = {"kwh-mtok", "kWh/Mtok",
			    "kilowatt-hours per million output tokens"},
	[UNITS_TOKENS_S] = {"tokens-s", "tok/s",
			    "output tokens per second of the deployment; "
			    "beside it, per GPU"},
	[UNITS_WATTS_GPU] = {"watts-gpu", "W/GPU",
			     "average power per GPU the estimates imply; "
			     "beside it, the share of the GPU's TDP"},
	[UNITS_COST_MTOK] = {"cost-mtok", "cost/Mtok",
			     "cost per million output tokens (price per "
			     "kWh)"},
	[UNITS_CO2_MTOK] = {"co2-mtok", "gCO2/Mtok",
			    "grams of CO2 per million output tokens (grid "
			    "intensity)"},
};

void units_config_default(struct units_config *c)
{
	c->unit = UNITS_J_REQUEST;
	c->price_kwh = NAN;
	strcpy(c->currency, "USD");
	c->intensity = NAN;
	c->tdp_w = NAN;
}

const char *units_name(enum units_unit u)
{
	return table[u].name;
}

int units_lookup(const char *name)
{
	for (int u = 0; u < UNITS_COUNT; u++)
		if (strcmp(name, table[u].name) == 0)
			return u;
	return -1;
}

const char *units_label(enum units_unit u)
{
	return table[u].label;
}

const char *units_meaning(enum units_unit u)
{
	return table[u].meaning;
}

/* kWh per million output tokens of an energy per request. */
static double kwh_mtok(double joules, const struct select_knobs *k)
{
	return joules / k->output * 1e6 / 3.6e6;
}

double units_measured(const struct units_config *c, enum units_unit u,
		      double measured_j, const struct select_knobs *k)
{
	switch (u) {
	case UNITS_J_REQUEST:
		return measured_j;
	case UNITS_J_TOKEN:
		return measured_j / k->output;
	case UNITS_KWH_MTOK:
		return kwh_mtok(measured_j, k);
	case UNITS_COST_MTOK:
		return kwh_mtok(measured_j, k) * c->price_kwh;
	case UNITS_CO2_MTOK:
		return kwh_mtok(measured_j, k) * c->intensity;
	default:
		return NAN;
	}
}

void units_convert(const struct units_config *c, enum units_unit u,
		   const struct select_candidate *cand,
		   const struct select_knobs *k, double tdp_w,
		   struct units_value *out)
{
	unsigned gpus = cand->layout.tp * cand->layout.pp * cand->layout.dp;
	/* a batch of requests served at once ends after the latency: the
	 * deployment's rate of requests and output tokens */
	double requests_s = k->batch / cand->latency_s;
	out->beside = NAN;
	switch (u) {
	case UNITS_TOKENS_S:
		out->value = requests_s * k->output;
		out->beside = out->value / gpus;
		break;
	case UNITS_WATTS_GPU:
		out->value = cand->energy_j * requests_s / gpus;
		out->beside = out->value / tdp_w;
		break;
	default:
		out->value = units_measured(c, u, cand->energy_j, k);
		out->beside = units_measured(c, u, cand->measured_j, k);
		break;
	}
	if (!isfinite(out->value))
		out->value = NAN;
	if (!isfinite(out->beside))
		out->beside = NAN;
}

/* Board power limits from the vendors' data sheets, the most specific
 * name first: the first whose every word is in the hardware's name (any
 * case) applies. */
static const struct {
	const char *words[3];
	double watts;
	const char *source;
} tdps[] = {
	{{"H100", "PCIe"}, 350, "NVIDIA H100 PCIe data sheet"},
	{{"H100", "NVL"}, 400, "NVIDIA H100 NVL data sheet"},
	{{"H100"}, 700, "NVIDIA H100 SXM data sheet (SXM assumed)"},
	{{"H200", "NVL"}, 600, "NVIDIA H200 NVL data sheet"},
	{{"H200"}, 700, "NVIDIA H200 SXM data sheet (SXM assumed)"},
	{{"B200"}, 1000, "NVIDIA HGX B200 data sheet"},
	{{"A100", "PCIe", "40GB"}, 250, "NVIDIA A100 40GB PCIe data sheet"},
	{{"A100", "PCIe"}, 300, "NVIDIA A100 80GB PCIe data sheet"},
	{{"A100"}, 400, "NVIDIA A100 SXM4 data sheet (SXM assumed)"},
	{{"L40S"}, 350, "NVIDIA L40S data sheet"},
	{{"MI300X"}, 750, "AMD Instinct MI300X data sheet"},
};

/* Whether word is in hay (any case) at the start of a word: "H200" is
 * not in "GH200", a Grace Hopper superchip with another power limit. */
static bool contains_word(const char *hay, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = hay; *p; p++) {
		if (p > hay && isalnum((unsigned char)p[-1]))
			continue;
		size_t i = 0;
		while (i < n && p[i] &&
		       tolower((unsigned char)p[i]) ==
			       tolower((unsigned char)word[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

double units_tdp(const struct units_config *c, const char *hardware,
		 const char **source)
{
	if (isfinite(c->tdp_w)) {
		*source = "the config's tdp";
		return c->tdp_w;
	}
	for (size_t i = 0; hardware && i < sizeof tdps / sizeof *tdps; i++) {
		bool all = true;
		for (int w = 0; w < 3 && tdps[i].words[w]; w++)
			all = all && contains_word(hardware, tdps[i].words[w]);
		if (all) {
			*source = tdps[i].source;
			return tdps[i].watts;
		}
	}
	*source = "unknown";
	return NAN;
}
