/* The JSON that several verbs write about layouts: rank and divergence,
 * and the snapshot of the explorer, so that the same thing is written the
 * same way (tests/one-answer.sh compares them). */
#ifndef ENERGYLENS_CMD_JSON_H
#define ENERGYLENS_CMD_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "select.h"
#include "workspace.h"

/* {"tp": T, "pp": P, "dp": D} */
void cmd_json_layout(FILE *out, const struct select_layout *l);
/* The layout with its estimate: energy_j, latency_s, measured_j and
 * pareto. */
void cmd_json_candidate(FILE *out, const struct select_candidate *c);
/* The knobs as members: "batch": B, "input": I, "output": O, "gpus": G,
 * "eta": E (null: no blend). */
void cmd_json_knobs(FILE *out, const struct workspace_knobs *k);
/* The grid's cells row by row, each {"energy_optimal", "latency_optimal",
 * "diverge"}: with whole, the two optima as candidates, else their
 * layouts; null where no layout is a candidate. cells NULL: none was
 * ranked. */
void cmd_json_cells(FILE *out, const struct workspace_grid *g,
		    const struct workspace_cell *cells, bool whole);

#endif
