#include "dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "model.h"
#include "text.h"

bool dataset_has_metadata(const struct profile_workload *w)
{
	return !isnan(w->params_b) && w->shape.layers && w->shape.hidden_size;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static char *label_of(const struct profile_workload *w, bool pooled)
{
	char buf[512];
	if (pooled)
		snprintf(buf, sizeof buf, "%s, %s", or_dash(w->hardware),
			 or_dash(w->engine));
	else /* the engine cut at 40 characters, never inside one */
		snprintf(buf, sizeof buf, "%s: %s on %s, %.*s",
			 or_dash(w->name), or_dash(w->model),
			 or_dash(w->hardware),
			 text_prefix(or_dash(w->engine), 40),
			 or_dash(w->engine));
	/* a label is written into fitted files, which must stay UTF-8 */
	text_drop_partial(buf);
	return strdup(buf);
}

/* The pooled groups by hardware and engine (interned strings: pointers
 * compare and hash), so that finding a workload's group does not scan
 * every group: one group per hardware made that workloads x groups. A slot
 * holds a group index + 1, 0 when empty. */
struct pool_index {
	size_t *slots;
	size_t cap;
};

static size_t pool_slot(const struct pool_index *ix, const struct dataset *ds,
			const struct profile_workload *w)
{
	uint64_t h = (uint64_t)(uintptr_t)w->hardware * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(uintptr_t)w->engine;
	size_t j = (size_t)(h ^ h >> 31) & (ix->cap - 1);
	for (; ix->slots[j]; j = (j + 1) & (ix->cap - 1)) {
		const struct dataset_group *G = &ds->groups[ix->slots[j] - 1];
		if (G->hardware == w->hardware && G->engine == w->engine)
			break;
	}
	return j;
}

static int add_workload(struct dataset *ds, struct pool_index *ix,
			const struct profile_set *set, size_t wi,
			enum dataset_by by)
{
	const struct profile_workload *w = &set->workloads[wi];
	bool pooled = by == BY_HARDWARE && dataset_has_metadata(w);
	size_t slot = pooled ? pool_slot(ix, ds, w) : 0;
	long g = pooled ? (long)ix->slots[slot] - 1 : -1;
	if (g < 0) {
		if (!grow_for_one((void **)&ds->groups, ds->count, &ds->cap,
				  sizeof *ds->groups))
			return -1;
		g = (long)ds->count++;
		struct dataset_group *G = &ds->groups[g];
		memset(G, 0, sizeof *G);
		G->label = label_of(w, pooled);
		G->hardware = w->hardware;
		G->engine = w->engine;
		if (!G->label)
			return -1;
		if (pooled)
			ix->slots[slot] = (size_t)g + 1;
	}
	ds->group_of[wi] = (size_t)g + 1;
	struct dataset_group *G = &ds->groups[g];
	if (!grow_for_one((void **)&G->workloads, G->nworkloads,
			  &G->workloads_cap, sizeof *G->workloads))
		return -1;
	G->workloads[G->nworkloads++] = wi;
	return 0;
}

static int reserve(struct dataset_rows *r, size_t n)
{
	r->inputs = malloc((n ? n : 1) * MODEL_NINPUTS * sizeof *r->inputs);
	r->y = malloc((n ? n : 1) * sizeof *r->y);
	r->run = malloc((n ? n : 1) * sizeof *r->run);
	return r->inputs && r->y && r->run ? 0 : -1;
}

static void push(struct dataset_rows *r, const double *in, double y, size_t run)
{
	memcpy(r->inputs + r->n * MODEL_NINPUTS, in,
	       MODEL_NINPUTS * sizeof *in);
	r->y[r->n] = y;
	r->run[r->n++] = run;
}

/* Latency per request: measured end to end, else time per output token
 * times the output length. */
double dataset_latency_of(const struct profile_run *r)
{
	if (r->latency_e2e_s > 0)
		return r->latency_e2e_s;
	if (r->latency_tpot_ms > 0)
		return r->latency_tpot_ms * r->output_tokens / 1000;
	return NAN;
}

struct left_out {
	size_t no_input, no_energy, first;
};

static void warn_left_out(const struct profile_set *set, size_t wi,
			  const struct left_out *lo, struct diag_list *diags)
{
	if (!lo->no_input && !lo->no_energy)
		return;
	const struct profile_run *r = &set->runs[lo->first];
	const struct profile_workload *w = &set->workloads[wi];
	diag_add(diags, DIAG_WARNING, set->files[r->file], r->line, r->col,
		 "%zu run%s of %s (%s) left out of the fit: %zu without "
		 "input_tokens, %zu with zero energy",
		 lo->no_input + lo->no_energy,
		 lo->no_input + lo->no_energy == 1 ? "" : "s",
		 or_dash(w->model), or_dash(w->name), lo->no_input,
		 lo->no_energy);
}

static int fill_rows(struct dataset *ds, const struct profile_set *set,
		     struct diag_list *diags)
{
	size_t nw = set->workload_count;
	struct left_out *lo = calloc(nw ? nw : 1, sizeof *lo);
	if (!lo)
		return -1;
	for (size_t g = 0; g < ds->count; g++) {
		size_t runs = 0;
		for (size_t k = 0; k < ds->groups[g].nworkloads; k++)
			runs += set->workloads[ds->groups[g].workloads[k]]
					.run_count;
		if (reserve(&ds->groups[g].energy, runs) ||
		    reserve(&ds->groups[g].latency, runs))
			goto fail;
	}
	double in[MODEL_NINPUTS];
	for (size_t i = 0; i < set->run_count; i++) {
		const struct profile_run *r = &set->runs[i];
		struct dataset_group *G =
			&ds->groups[ds->group_of[r->workload] - 1];
		struct left_out *l = &lo[r->workload];
		bool no_input = isnan(r->input_tokens);
		bool no_energy = !(r->energy_total_j > 0);
		if (no_input || no_energy) {
			if (!l->no_input && !l->no_energy)
				l->first = i;
			l->no_input += no_input;
			l->no_energy += !no_input && no_energy;
			continue;
		}
		model_inputs(&set->workloads[r->workload], r, in);
		push(&G->energy, in, r->energy_total_j, i);
		double lat = dataset_latency_of(r);
		if (lat > 0 && isfinite(lat))
			push(&G->latency, in, lat, i);
	}
	for (size_t w = 0; w < nw; w++)
		warn_left_out(set, w, &lo[w], diags);
	free(lo);
	return 0;
fail:
	free(lo);
	return -1;
}

int dataset_build(const struct profile_set *set, enum dataset_by by,
		  struct dataset *out, struct diag_list *diags)
{
	memset(out, 0, sizeof *out);
	size_t nw = set->workload_count;
	if (!(out->group_of = calloc(nw ? nw : 1, sizeof *out->group_of)))
		return -1;
	/* at most one pooled group per workload: the index stays half empty */
	struct pool_index ix = {NULL, 64};
	while (ix.cap < 2 * nw)
		ix.cap *= 2;
	if (!(ix.slots = calloc(ix.cap, sizeof *ix.slots)))
		goto fail;
	for (size_t w = 0; w < set->workload_count; w++)
		if (add_workload(out, &ix, set, w, by) != 0)
			goto fail;
	free(ix.slots);
	ix.slots = NULL;
	if (fill_rows(out, set, diags) != 0)
		goto fail;
	return 0;
fail:
	free(ix.slots);
	dataset_free(out);
	return -1;
}

static void rows_free(struct dataset_rows *r)
{
	free(r->inputs);
	free(r->y);
	free(r->run);
}

void dataset_free(struct dataset *ds)
{
	for (size_t g = 0; g < ds->count; g++) {
		free(ds->groups[g].label);
		free(ds->groups[g].workloads);
		rows_free(&ds->groups[g].energy);
		rows_free(&ds->groups[g].latency);
	}
	free(ds->groups);
	free(ds->group_of);
	memset(ds, 0, sizeof *ds);
}

long dataset_group_of(const struct dataset *ds, size_t w)
{
	return ds->group_of ? (long)ds->group_of[w] - 1 : -1;
}
