#include "select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "schema.h"

static bool same_layout(const struct select_layout *a,
			const struct select_layout *b)
{
	return a->tp == b->tp && a->pp == b->pp && a->dp == b->dp;
}

size_t select_measured_layouts(const struct profile_set *set, size_t workload,
			       struct select_layout *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < set->run_count && n < max; i++) {
		const struct profile_run *r = &set->runs[i];
		if (r->workload != workload)
			continue;
		struct select_layout l = {r->tp, r->pp, r->dp};
		size_t j = 0;
		while (j < n && !same_layout(&out[j], &l))
			j++;
		if (j == n)
			out[n++] = l;
	}
	return n;
}

/* GB of weights and of KV cache a layout puts on each GPU: every replica
 * holds the whole model split over tp x pp GPUs, and the KV cache of its
 * share of the batch at full context (16-bit cache). */
static double gb_per_gpu(const struct profile_workload *w,
			 const struct select_layout *l,
			 const struct select_knobs *k)
{
	const struct profile_shape *s = &w->shape;
	double bits =
		s->weight_bits ? s->weight_bits : SCHEMA_WEIGHT_BITS_DEFAULT;
	double weights = bits / 8 * w->params_b;
	double context = k->input + k->output;
	double attention =
		s->attention_layers ? s->attention_layers : s->layers;
	double sliding = fmin(s->sliding_layers, attention);
	double window = s->sliding_window ? s->sliding_window : context;
	double tokens = (attention - sliding) * context +
			sliding * fmin(context, window);
	double kv_per_sequence = 2.0 * s->kv_elements * tokens / 1e9;
	double sequences = ceil((double)k->batch / l->dp);
	return (weights + kv_per_sequence * sequences) / (l->tp * l->pp);
}

static bool fits(const struct profile_workload *w,
		 const struct select_layout *l, const struct select_knobs *k)
{
	if (isnan(w->gpu_memory_gib) || isnan(w->params_b))
		return true;
	double usable = SELECT_MEMORY_USABLE * w->gpu_memory_gib * 1.073741824;
	return gb_per_gpu(w, l, k) <= usable;
}

size_t select_gpu_layouts(const struct profile_workload *w, unsigned gpus,
			  const struct select_knobs *k,
			  struct select_layout *out, size_t max)
{
	size_t n = 0;
	for (unsigned tp = 1; tp <= gpus; tp *= 2)
		for (unsigned pp = 1; tp * pp <= gpus; pp *= 2)
			for (unsigned dp = 1; tp * pp * dp <= gpus; dp *= 2) {
				struct select_layout l = {tp, pp, dp};
				if (n < max && fits(w, &l, k))
					out[n++] = l;
			}
	return n;
}

void select_run_at(const struct select_layout *l, const struct select_knobs *k,
		   struct profile_run *r)
{
	memset(r, 0, sizeof *r);
	r->tp = l->tp;
	r->pp = l->pp;
	r->dp = l->dp;
	r->batch_size = k->batch;
	r->input_tokens = k->input;
	r->output_tokens = k->output;
	/* V is part of the input: never more of it than the input holds */
	r->vision_tokens = fmin(k->vision, k->input);
	r->vision_encoder_tokens = (float)k->vision_encoder;
}

double select_predict(const struct model *m, const double *params,
		      const struct profile_workload *w,
		      const struct select_layout *l,
		      const struct select_knobs *k, double *terms)
{
	struct profile_run r;
	select_run_at(l, k, &r);
	double in[MODEL_NINPUTS];
	model_inputs(w, &r, in);
	return model_predict(m, in, params, terms);
}

static bool near(double a, double b)
{
	return fabs(a - b) <=
	       SELECT_MEASURED_TOLERANCE * fmax(fabs(a), fabs(b));
}

/* Each candidate's measured energy: the mean of the workload's runs at its
 * layout and these knobs. One pass over the runs for all candidates, so a
 * knob turn stays cheap with many runs. */
static bool fill_measured(struct select_result *out,
			  const struct profile_set *runs, size_t workload,
			  const struct select_knobs *k)
{
	size_t *count = calloc(out->n, sizeof *count);
	if (!count)
		return false;
	for (size_t c = 0; c < out->n; c++)
		out->c[c].measured_j = 0;
	for (size_t i = 0; runs && i < runs->run_count; i++) {
		const struct profile_run *r = &runs->runs[i];
		if (r->workload != workload || r->batch_size != k->batch ||
		    !near(r->input_tokens, k->input) ||
		    !near(r->output_tokens, k->output))
			continue;
		for (size_t c = 0; c < out->n; c++) {
			const struct select_layout *l = &out->c[c].layout;
			if (r->tp == l->tp && r->pp == l->pp && r->dp == l->dp) {
				out->c[c].measured_j += r->energy_total_j;
				count[c]++;
			}
		}
	}
	for (size_t c = 0; c < out->n; c++)
		out->c[c].measured_j =
			count[c] ? out->c[c].measured_j / (double)count[c] : NAN;
	free(count);
	return true;
}

static void find_optima(struct select_result *out, double eta)
{
	size_t n = out->n;
	out->energy_best = 0;
	out->latency_best = -1;
	out->blend_best = -1;
	for (size_t i = 1; i < n; i++)
		if (out->c[i].energy_j < out->c[out->energy_best].energy_j)
			out->energy_best = i;
	for (size_t i = 0; i < n; i++)
		if (!isnan(out->c[i].latency_s) &&
		    (out->latency_best < 0 ||
		     out->c[i].latency_s < out->c[out->latency_best].latency_s))
			out->latency_best = (long)i;
	out->diverge = out->latency_best >= 0 &&
		       (size_t)out->latency_best != out->energy_best;
	out->energy_penalty = out->latency_penalty = NAN;
	if (out->latency_best < 0)
		return;
	const struct select_candidate *e = &out->c[out->energy_best];
	const struct select_candidate *t = &out->c[out->latency_best];
	out->energy_penalty = t->energy_j / e->energy_j - 1;
	out->latency_penalty = e->latency_s / t->latency_s - 1;
	if (isnan(eta))
		return;
	double best = INFINITY;
	for (size_t i = 0; i < n; i++) {
		double score = eta * out->c[i].energy_j / e->energy_j +
			       (1 - eta) * out->c[i].latency_s / t->latency_s;
		if (score < best) {
			best = score;
			out->blend_best = (long)i;
		}
	}
}

/* A candidate is on the Pareto front when no other is at least as good in
 * both energy and latency and better in one. */
static void find_pareto(struct select_result *out)
{
	for (size_t i = 0; i < out->n; i++) {
		struct select_candidate *a = &out->c[i];
		a->pareto = !isnan(a->latency_s);
		for (size_t j = 0; j < out->n && a->pareto; j++) {
			const struct select_candidate *b = &out->c[j];
			if (j != i && b->energy_j <= a->energy_j &&
			    b->latency_s <= a->latency_s &&
			    (b->energy_j < a->energy_j ||
			     b->latency_s < a->latency_s))
				a->pareto = false;
		}
	}
}

/* Cheapest first; equal energies in order of fewer GPUs, then layout. */
static int by_energy(const void *a, const void *b)
{
	const struct select_candidate *x = a, *y = b;
	if (x->energy_j != y->energy_j)
		return x->energy_j < y->energy_j ? -1 : 1;
	unsigned nx = x->layout.tp * x->layout.pp * x->layout.dp;
	unsigned ny = y->layout.tp * y->layout.pp * y->layout.dp;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	if (x->layout.tp != y->layout.tp)
		return x->layout.tp < y->layout.tp ? -1 : 1;
	return (x->layout.pp > y->layout.pp) - (x->layout.pp < y->layout.pp);
}

int select_rank(const struct select_models *m, const struct profile_workload *w,
		size_t workload, const struct profile_set *runs,
		const struct select_layout *layouts, size_t n,
		const struct select_knobs *k, double eta,
		struct select_result *out)
{
	memset(out, 0, sizeof *out);
	if (n == 0 || !(out->c = calloc(n, sizeof *out->c)))
		return -1;
	/* A prediction that is not a finite energy (a model term such as
	 * sqrt(2 - t) at t = 8) ranks nothing: it is left out and counted,
	 * never named the optimum. A latency that is not finite is no
	 * latency. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct select_candidate *c = &out->c[kept];
		c->layout = layouts[i];
		c->energy_j = select_predict(m->energy, m->energy_params, w,
					     &layouts[i], k, NULL);
		c->latency_s = m->latency_params
				       ? select_predict(m->latency,
							m->latency_params, w,
							&layouts[i], k, NULL)
				       : NAN;
		if (!isfinite(c->latency_s) || c->latency_s < 0)
			c->latency_s = NAN;
		c->model_j = c->predicted_j = c->energy_j;
		c->measured_s = c->p_cheapest = c->p_fastest = NAN;
		if (isfinite(c->energy_j) && c->energy_j >= 0)
			kept++;
		else if (out->unranked++ == 0)
			out->first_unranked = layouts[i];
	}
	out->n = n = kept;
	if (n == 0)
		return 0;
	if (!fill_measured(out, runs, workload, k)) {
		select_result_free(out);
		return -1;
	}
	select_finish(out, eta);
	return 0;
}

void select_finish(struct select_result *r, double eta)
{
	qsort(r->c, r->n, sizeof *r->c, by_energy);
	find_optima(r, eta);
	find_pareto(r);
}

void select_result_free(struct select_result *r)
{
	free(r->c);
	memset(r, 0, sizeof *r);
}

void select_layout_name(const struct select_layout *l, char *buf, size_t size)
{
	if (l->dp > 1)
		snprintf(buf, size, "t%up%ud%u", l->tp, l->pp, l->dp);
	else
		snprintf(buf, size, "t%up%u", l->tp, l->pp);
}
