/* The ranking as rank writes it, for rank itself and the explorer's
 * export, so that a file written from the explorer holds the same bytes
 * as 'energylens rank --json' or '--csv' at those knobs. */
#ifndef ENERGYLENS_CMD_RANK_H
#define ENERGYLENS_CMD_RANK_H

#include <stdio.h>

#include "select.h"
#include "workspace.h"

/* {"candidates": [...], "energy_optimal", "latency_optimal",
 * "blend_optimal" (with a blend), "diverge", the penalties, the knobs} */
void cmd_rank_json(FILE *out, const struct workspace_knobs *k,
		   const struct select_result *r);
/* A header line, then one line per candidate, cheapest first: layout, tp,
 * pp, dp, gpus, energy_j, latency_s, measured_j (empty: none), pareto,
 * the three marks as true/false, and the knobs. */
void cmd_rank_csv(FILE *out, const struct workspace_knobs *k,
		  const struct select_result *r);

#endif
