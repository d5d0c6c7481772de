/* Every tunable default of EnergyLens in one place (as tig keeps its
 * compiled-in config): change a number here, not in the code using it. */
#ifndef ENERGYLENS_DEFAULTS_H
#define ENERGYLENS_DEFAULTS_H

/* Fit (fit.c). Starts: the defaults, then each parameter's default times
 * FIT_START_SPREAD^(+-1) in fixed patterns; the best end point is kept. */
#define FIT_STARTS 4
#define FIT_START_SPREAD 3.0
#define FIT_MAX_ITERATIONS 200
#define FIT_XTOL 1e-8
#define FIT_GTOL 1e-8
#define FIT_FTOL 1e-14
/* A start whose point comes within this distance of an end point already
 * found (in every parameter's logarithm: 1% of its value) at no lower cost
 * has joined that optimum's basin and stops there; distinct optima lie much
 * further apart than this. */
#define FIT_BASIN_RADIUS 1e-2
/* A parameter whose Jacobian column is below this share of the largest
 * column at the start cannot be informed by the runs and is held at its
 * default (e.g. PP terms when every run has pp 1). */
#define FIT_UNINFORMED_RATIO 1e-12
/* Log residual given to a run whose prediction is not positive and finite
 * (possible only with a user model): large, so the fit leaves that
 * region, but finite, so the solver can go on. */
#define FIT_BAD_RESIDUAL 50.0
/* A condition number above this is reported as "cannot be told apart". */
#define FIT_DEGENERATE_CONDITION 1e12

/* Selection (select.c). A layout fits when its weights and KV cache take
 * at most this share of a GPU's memory (the rest: activations, CUDA
 * context, fragmentation). */
#define SELECT_MEMORY_USABLE 0.9
/* A measured run counts for a candidate when its token counts are within
 * this relative distance of the knobs (token counts are means). */
#define SELECT_MEASURED_TOLERANCE 0.02
/* At most this many candidates (power-of-two layouts of 1024 GPUs: 286). */
#define SELECT_MAX_CANDIDATES 512
#define SELECT_MAX_GPUS LIMIT_GPUS

/* The limits of a run's conditions, one set for the explorer's knobs, the
 * verbs' options and the profile keys alike (workspace.c's knob table,
 * schema.c's field table), each with the words every message uses. Past
 * any server today, and small enough that every product the model forms
 * stays finite. */
#define LIMIT_GPUS	  1024
#define LIMIT_GPUS_TEXT	  "an integer from 1 to 1024"
#define LIMIT_BATCH	  65536
#define LIMIT_BATCH_TEXT  "an integer from 1 to 65536"
#define LIMIT_TOKENS	  1048576
#define LIMIT_TOKENS_TEXT "a number of tokens from 1 to 1048576"
/* Measurements: at most 1e12 (a terawatt-second per request) and, when not
 * zero, at least 1e-9, so that every ratio of two stays finite. */
#define LIMIT_MEASURED_MAX 1e12
#define LIMIT_MEASURED_MIN 1e-9

/* Discovery (discover.c). The search's time budget in seconds; a held-out
 * log error given to a run predicted zero or worse (a factor of e^3); the
 * rounds of polishing and random restarts that find no front better by
 * DISCOVER_PROGRESS (half a point of loss, about the noise of held-out
 * scores) before the search is done; and how
 * much more loss than the best form the chosen, smaller one may have (0.2
 * points of log error or choice accuracy). */
#define DISCOVER_SECONDS 60.0
#define DISCOVER_BAD_LOG 3.0
#define DISCOVER_QUIET_ROUNDS 3
#define DISCOVER_PROGRESS 5e-3
#define DISCOVER_TOLERANCE 0.002
/* The start from NNLS on every term at once keeps each group's Gram matrix
 * of every term, and the scoring each group's per-fold Gram matrices of
 * every term pair (a candidate's normal equations are gathered from them);
 * past this many bytes each is skipped (the start) or done the slow way,
 * summed over the runs for every candidate (the scoring). */
#define DISCOVER_GRAM_BYTES (256.0 * 1024 * 1024)

#endif
