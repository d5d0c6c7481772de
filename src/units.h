/* The units an operator reads a layout's cost in: energy per request,
 * per output token, per million output tokens; the throughput of the
 * deployment and per GPU; the average power per GPU that the estimates
 * imply (a sanity check against the GPU's TDP); and the cost and the
 * emissions per million output tokens from a price per kWh and a grid
 * intensity. Only numbers here: the explorer's views format them. */
#ifndef ENERGYLENS_UNITS_H
#define ENERGYLENS_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "select.h"

enum units_unit {
	UNITS_J_REQUEST, /* J per request: what the model predicts */
	UNITS_J_TOKEN,	 /* J per output token */
	UNITS_KWH_MTOK,	 /* kWh per million output tokens */
	UNITS_TOKENS_S,	 /* output tokens per second, and per GPU */
	UNITS_WATTS_GPU, /* implied average power per GPU, W */
	UNITS_COST_MTOK, /* price per kWh x kWh per million output tokens */
	UNITS_CO2_MTOK,	 /* gCO2 per kWh x kWh per million output tokens */
	UNITS_COUNT
};

/* What the conversions need beyond the estimates; NaN: not set. */
struct units_config {
	enum units_unit unit;
	double price_kwh;  /* in currency, per kWh */
	char currency[16]; /* "USD" unless set */
	double intensity;  /* grid intensity, gCO2 per kWh */
	double tdp_w;	   /* set by the operator; NaN: the table's */
};

void units_config_default(struct units_config *c);

/* The unit's name in options and the config file ("kwh-mtok"), and back
 * (-1 when none). */
const char *units_name(enum units_unit u);
int units_lookup(const char *name);
/* The column heading ("kWh/Mtok") and what it means, for the help. */
const char *units_label(enum units_unit u);
const char *units_meaning(enum units_unit u);

/* One candidate in unit u at the knobs: value, and beside it the
 * measured energy in the same unit (units that scale energy), per GPU
 * (throughput) or the share of the TDP (power); NaN where it cannot be
 * had (no latency fit, no measurement, no price, intensity or TDP). */
struct units_value {
	double value, beside;
};
void units_convert(const struct units_config *c, enum units_unit u,
		   const struct select_candidate *cand,
		   const struct select_knobs *k, double tdp_w,
		   struct units_value *out);
/* The same for a measured energy per request (NaN: none): the units that
 * scale energy alone; NaN for throughput and power, which need a
 * measured latency. */
double units_measured(const struct units_config *c, enum units_unit u,
		      double measured_j, const struct select_knobs *k);

/* The TDP of the hardware named (W), with where it comes from: the
 * config, or the vendor's data sheet for a GPU the name contains; NaN
 * (and *source "unknown") when neither. */
double units_tdp(const struct units_config *c, const char *hardware,
		 const char **source);

#endif
