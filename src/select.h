/* Choosing a layout: the candidates for a workload, their predicted energy
 * per request and latency at one setting of the knobs (batch, input and
 * output tokens), the energy-optimal and latency-optimal ones and what
 * each costs in the other's terms, a blend of the two, and the Pareto
 * front. The selector only reads fitted parameters; it fits nothing. */
#ifndef ENERGYLENS_SELECT_H
#define ENERGYLENS_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "profile.h"

struct select_layout {
	unsigned tp, pp, dp;
};

struct select_knobs {
	unsigned batch;
	double input, output;
	/* per request, the workload's typical vision inputs (0: none): V,
	 * the vision tokens inside input, and Ve, the patches the encoder
	 * processes; not knobs, carried so that every view predicts the
	 * vision encoder's energy as eval does */
	double vision, vision_encoder;
};

struct select_candidate {
	struct select_layout layout;
	double energy_j;
	double latency_s;  /* NaN without a latency fit */
	double measured_j; /* mean of matching measured runs; NaN: none */
	bool pareto;	   /* no other candidate is better in both */
	/* Filled by the workspace's estimates (estimate.h); select_rank
	 * leaves model_j = energy_j, the rest unknown. */
	double model_j;	     /* the group's fit alone */
	double predicted_j;  /* with the workload's offsets */
	double measured_s;   /* mean measured latency; NaN: none */
	unsigned char basis; /* enum estimate_basis of energy_j */
	unsigned char latency_basis;
	bool disagrees;	   /* measured order against predicted */
	double p_cheapest; /* P(it measures the cheapest); NaN: unknown */
	double p_fastest;  /* the same for latency */
};

struct select_models {
	const struct model *energy, *latency;
	const double *energy_params;
	const double *latency_params; /* NULL: no latency fit */
};

struct select_result {
	struct select_candidate *c;
	size_t n;
	size_t energy_best;	/* index of the energy-optimal candidate */
	long latency_best;	/* -1 without a latency fit */
	long blend_best;	/* -1 unless a blend was asked for */
	bool diverge;		/* the two optima differ */
	double energy_penalty;	/* E(latency-optimal) / E* - 1 */
	double latency_penalty; /* T(energy-optimal) / T* - 1 */
	/* candidates left out: the model's energy is not finite there */
	size_t unranked;
	struct select_layout first_unranked;
};

/* The distinct layouts of a workload's measured runs, in order of first
 * appearance; returns how many (at most max). */
size_t select_measured_layouts(const struct profile_set *set, size_t workload,
			       struct select_layout *out, size_t max);
/* Every power-of-two tp x pp x dp using at most gpus GPUs whose weights
 * and KV cache fit in the workload's GPU memory at these knobs (all of
 * them when the memory or the model size is not known). */
size_t select_gpu_layouts(const struct profile_workload *w, unsigned gpus,
			  const struct select_knobs *k,
			  struct select_layout *out, size_t max);

/* The run a layout at the knobs stands for, as the model reads it. */
void select_run_at(const struct select_layout *l, const struct select_knobs *k,
		   struct profile_run *r);

/* One layout's prediction at the knobs, term by term into terms (NULL:
 * the sum only). */
double select_predict(const struct model *m, const double *params,
		      const struct profile_workload *w,
		      const struct select_layout *l,
		      const struct select_knobs *k, double *terms);

/* Predicts every layout and finds the optima; eta in [0, 1] also picks the
 * best blend eta * E/E* + (1 - eta) * T/T* (NaN: no blend). runs may be
 * NULL; otherwise measured runs of the workload at the same layout and
 * knobs (batch equal, tokens within 2%) fill measured_j. A layout whose
 * predicted energy is not finite is left out (counted in unranked), so
 * out->n may be 0. Returns 0, or -1 when out of memory or n is 0. */
int select_rank(const struct select_models *m, const struct profile_workload *w,
		size_t workload, const struct profile_set *runs,
		const struct select_layout *layouts, size_t n,
		const struct select_knobs *k, double eta,
		struct select_result *out);
void select_result_free(struct select_result *r);
/* Sorts the candidates cheapest first and finds the optima and the
 * Pareto front again, after their energies or latencies changed. */
void select_finish(struct select_result *r, double eta);

/* "t2p1", with "d4" appended when dp > 1. */
void select_layout_name(const struct select_layout *l, char *buf, size_t size);

#endif
