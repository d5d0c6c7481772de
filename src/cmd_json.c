/* JSON of layouts for the verbs; see cmd_json.h. */
#include "cmd_json.h"

#include "estimate.h"
#include "json.h"

void cmd_json_layout(FILE *out, const struct select_layout *l)
{
	fprintf(out, "{\"tp\": %u, \"pp\": %u, \"dp\": %u}", l->tp, l->pp,
		l->dp);
}

void cmd_json_candidate(FILE *out, const struct select_candidate *c)
{
	fprintf(out, "{\"tp\": %u, \"pp\": %u, \"dp\": %u, \"energy_j\": ",
		c->layout.tp, c->layout.pp, c->layout.dp);
	json_number(out, c->energy_j);
	fputs(", \"latency_s\": ", out);
	json_number(out, c->latency_s);
	fputs(", \"measured_j\": ", out);
	json_number(out, c->measured_j);
	fprintf(out, ", \"pareto\": %s", c->pareto ? "true" : "false");
	fputs(", \"model_j\": ", out);
	json_number(out, c->model_j);
	fputs(", \"predicted_j\": ", out);
	json_number(out, c->predicted_j);
	fputs(", \"measured_s\": ", out);
	json_number(out, c->measured_s);
	fprintf(out, ", \"basis\": \"%s\", \"latency_basis\": \"%s\"",
		estimate_basis_name(c->basis),
		estimate_basis_name(c->latency_basis));
	fprintf(out, ", \"disagrees\": %s", c->disagrees ? "true" : "false");
	fputs(", \"p_cheapest\": ", out);
	json_number(out, c->p_cheapest);
	fputs(", \"p_fastest\": ", out);
	json_number(out, c->p_fastest);
	fputc('}', out);
}

void cmd_json_knobs(FILE *out, const struct workspace_knobs *k)
{
	fprintf(out, "\"batch\": %u, \"input\": ", k->at.batch);
	json_number(out, k->at.input);
	fputs(", \"output\": ", out);
	json_number(out, k->at.output);
	fprintf(out, ", \"gpus\": %u, \"eta\": ", k->gpus);
	json_number(out, k->eta);
}

static void optimum(FILE *out, const struct select_candidate *c, bool whole)
{
	if (!c)
		fputs("null", out);
	else if (whole)
		cmd_json_candidate(out, c);
	else
		cmd_json_layout(out, &c->layout);
}

void cmd_json_cells(FILE *out, const struct workspace_grid *g,
		    const struct workspace_cell *cells, bool whole)
{
	fputs("[", out);
	for (size_t r = 0; r < g->nrows; r++) {
		fputs(r ? ",\n  [" : "\n  [", out);
		for (size_t c = 0; c < g->ncols; c++) {
			const struct workspace_cell *x =
				cells ? &cells[r * g->ncols + c] : NULL;
			bool any = x && x->any;
			fputs(c ? ", {\"energy_optimal\": "
				: "{\"energy_optimal\": ",
			      out);
			optimum(out, any ? &x->energy : NULL, whole);
			fputs(", \"latency_optimal\": ", out);
			optimum(out, any && x->has_latency ? &x->latency : NULL,
				whole);
			fprintf(out, ", \"diverge\": %s, \"within_noise\": %s}",
				any && x->diverge ? "true" : "false",
				any && x->within_noise ? "true" : "false");
		}
		fputc(']', out);
	}
	fputc(']', out);
}
