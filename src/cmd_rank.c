/* energylens rank: every candidate layout of a workload at one setting of
 * the knobs, with its predicted energy and latency, the energy-optimal and
 * latency-optimal ones, and what choosing one costs in the other's terms.
 *
 * energylens divergence: where over batch x input length those two optima
 * differ. Both share the selector (select.c) and its options. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_json.h"
#include "cmd_rank.h"
#include "estimate.h"
#include "exitcode.h"
#include "json.h"
#include "select.h"
#include "text.h"
#include "utf8.h"
#include "workspace.h"

struct rank_options {
	const char *verb;
	struct workspace_source src;
	struct workspace_query query;
	struct workspace_knobs knobs;
	bool given[WS_KNOB_COUNT]; /* else the workload's defaults */
	bool json, csv;
	/* divergence: the default grid unless given */
	struct workspace_grid grid;
};

/* What a verb holds open: the workspace and the workload it ranks. */
struct ranked {
	struct workspace ws;
	size_t w;
	struct workspace_fitted fit;
};

static void rank_usage(FILE *out)
{
	fputs("Usage: energylens rank (PATH... | --fitted FILE) [--batch B] "
	      "[--input I]\n"
	      "         [--output O] [--gpus N] [--eta X] [--workload "
	      "NAME|MODEL|NAME:MODEL]\n"
	      "         [--hardware NAME] [--engine NAME] [--model FILE]... "
	      "[--json|--csv]\n"
	      "Predict every candidate layout of one workload at these knobs "
	      "and mark the\nenergy-optimal, the latency-optimal and (with "
	      "--eta) the best-blend ones as the\nexplorer does (MARKS in "
	      "energylens(1)). Candidates are the layouts measured for\nthe "
	      "workload, or with --gpus N every power-of-two tp x pp x dp on "
	      "at most N GPUs\nthat fits in GPU memory. Knobs not given are "
	      "the medians of the workload's runs\n(required with "
	      "--fitted).\n\n"
	      "  --fitted FILE  a fit saved by 'energylens fit -o' (-: "
	      "standard "
	      "input)\n"
	      "  --eta X   also pick the best blend X*E/E* + (1-X)*T/T* (X in "
	      "[0, 1])\n"
	      "  --json    print {\"candidates\", \"energy_optimal\", "
	      "\"latency_optimal\", \"diverge\"}\n"
	      "  --csv     print a row per candidate: layout, degrees, "
	      "estimates, marks, knobs\n"
	      "  -h, --help  show this help and exit\n",
	      out);
}

static void divergence_usage(FILE *out)
{
	fputs("Usage: energylens divergence (PATH... | --fitted FILE) "
	      "[--batches LIST]\n"
	      "         [--inputs LIST] [--output O] [--gpus N]\n"
	      "         [--workload NAME|MODEL|NAME:MODEL] [--hardware NAME] "
	      "[--engine NAME]\n"
	      "         [--model FILE]... [--json]\n"
	      "Map, over batch size (rows) and input length (columns), the "
	      "energy-optimal\nlayout of one workload, marking with the "
	      "latency-optimal mark each cell where\nthe latency-optimal "
	      "layout differs (MARKS in energylens(1)).\n\n"
	      "  --fitted FILE   a fit saved by 'energylens fit -o' (-: "
	      "standard input)\n"
	      "  --batches LIST  batch sizes, comma-separated (default "
	      "1,2,4,...,2048)\n"
	      "  --inputs LIST   input lengths (default 64,128,...,32768)\n"
	      "  --output O      output tokens (default: the median of the "
	      "workload's runs,\n                  or 256)\n"
	      "  --json          print {\"output\", \"batches\", \"inputs\", "
	      "\"cells\"}\n"
	      "  -h, --help      show this help and exit\n",
	      out);
}

static int usage_error(const char *verb, const char *what, const char *arg)
{
	text_fprintf(stderr,
		     "energylens %s: %s%s\nTry 'energylens %s --help'.\n", verb,
		     what, arg, verb);
	return EXIT_USAGE;
}

/* "1,2,4" into values; false on anything else. */
static bool parse_list(const char *s, enum workspace_knob k, double *values,
		       size_t max, size_t *n)
{
	char buf[1024];
	if (strlen(s) >= sizeof buf)
		return false; /* longer than 64 values could ever be */
	snprintf(buf, sizeof buf, "%s", s);
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == max ||
		    !workspace_knob_parse(k, tok, &values[*n]))
			return false;
		(*n)++;
	}
	return *n > 0;
}

enum {
	O_BATCH = 256,
	O_INPUT,
	O_OUTPUT,
	O_GPUS,
	O_ETA,
	O_MODEL,
	O_FITTED,
	O_WORKLOAD,
	O_HARDWARE,
	O_ENGINE,
	O_JSON,
	O_CSV,
	O_BATCHES,
	O_INPUTS,
};

static int take_number(struct rank_options *o, int c, const char *arg)
{
	enum workspace_knob k = c == O_BATCH	? WS_BATCH
				: c == O_INPUT	? WS_INPUT
				: c == O_OUTPUT ? WS_OUTPUT
				: c == O_GPUS	? WS_GPUS
						: WS_ETA;
	double v;
	if (!workspace_knob_parse(k, arg, &v)) {
		char why[200];
		workspace_knob_error(k, arg, true, why, sizeof why);
		return usage_error(o->verb, why, "");
	}
	workspace_knob_set(&o->knobs, k, v);
	o->given[k] = true;
	return -1;
}

static int take_option(struct rank_options *o, int c, const char *arg)
{
	switch (c) {
	case O_BATCH:
	case O_INPUT:
	case O_OUTPUT:
	case O_GPUS:
	case O_ETA:
		return take_number(o, c, arg);
	case O_MODEL:
		if (o->src.model_paths[1])
			return usage_error(o->verb, "at most two --model files",
					   "");
		o->src.model_paths[o->src.model_paths[0] ? 1 : 0] = arg;
		return -1;
	case O_FITTED:
		o->src.fitted = arg;
		return -1;
	case O_WORKLOAD:
		o->query.workload = arg;
		return -1;
	case O_HARDWARE:
		o->query.hardware = arg;
		return -1;
	case O_ENGINE:
		o->query.engine = arg;
		return -1;
	case O_JSON:
		o->json = true;
		return -1;
	case O_CSV:
		o->csv = true;
		return -1;
	case O_BATCHES:
		return parse_list(arg, WS_BATCH, o->grid.rows, WS_GRID_MAX,
				  &o->grid.nrows)
			       ? -1
			       : usage_error(o->verb,
					     "--batches expects at most 64 "
					     "integers from 1 to 65536 "
					     "separated by commas, got ",
					     arg);
	case O_INPUTS:
		return parse_list(arg, WS_INPUT, o->grid.cols, WS_GRID_MAX,
				  &o->grid.ncols)
			       ? -1
			       : usage_error(o->verb,
					     "--inputs expects at most 64 "
					     "numbers of tokens from 1 to "
					     "1048576 separated by commas, "
					     "got ",
					     arg);
	}
	return -1;
}

static const char *option_name(const struct option *options, int c)
{
	for (; options->name; options++)
		if (options->val == c)
			return options->name;
	return "?";
}

static int parse_options(int argc, char **argv, struct rank_options *o,
			 bool map)
{
	static const struct option options[] = {
		{"batch", required_argument, NULL, O_BATCH},
		{"input", required_argument, NULL, O_INPUT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"gpus", required_argument, NULL, O_GPUS},
		{"eta", required_argument, NULL, O_ETA},
		{"model", required_argument, NULL, O_MODEL},
		{"fitted", required_argument, NULL, O_FITTED},
		{"workload", required_argument, NULL, O_WORKLOAD},
		{"hardware", required_argument, NULL, O_HARDWARE},
		{"engine", required_argument, NULL, O_ENGINE},
		{"json", no_argument, NULL, O_JSON},
		{"csv", no_argument, NULL, O_CSV},
		{"batches", required_argument, NULL, O_BATCHES},
		{"inputs", required_argument, NULL, O_INPUTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	o->verb = map ? "divergence" : "rank";
	o->knobs.eta = NAN;
	int c, status;
	optind = 1;
	opterr = 0; /* text_option_error says why, escaped */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'h') {
			(map ? divergence_usage : rank_usage)(stdout);
			return EXIT_OK;
		}
		if (c == '?' ||
		    (map && (c == O_BATCH || c == O_INPUT || c == O_ETA)) ||
		    (map && c == O_CSV) ||
		    (!map && (c == O_BATCHES || c == O_INPUTS))) {
			if (c != '?')
				fprintf(stderr,
					"energylens %s: option not for this "
					"verb: --%s\n",
					o->verb, option_name(options, c));
			else
				text_option_error(argv, "h", options);
			fprintf(stderr, "Try 'energylens %s --help'.\n",
				o->verb);
			return EXIT_USAGE;
		}
		if ((status = take_option(o, c, optarg)) >= 0)
			return status;
	}
	if (o->json && o->csv)
		return usage_error(o->verb, "give --json or --csv, not both",
				   "");
	if (!map && o->src.fitted &&
	    (!o->given[WS_BATCH] || !o->given[WS_INPUT] ||
	     !o->given[WS_OUTPUT]))
		return usage_error(o->verb,
				   "a --fitted file holds no runs to take "
				   "default knobs from: give --batch, --input "
				   "and --output",
				   "");
	if (!o->src.fitted == (optind == argc))
		return usage_error(o->verb,
				   o->src.fitted
					   ? "give PATH or --fitted, not both"
					   : "no PATH or --fitted given",
				   "");
	if (o->src.fitted && o->src.model_paths[0])
		return usage_error(o->verb,
				   "--model cannot change a --fitted file's "
				   "models",
				   "");
	o->src.npaths = argc - optind;
	o->src.paths = argv + optind;
	if (o->src.fitted && !o->knobs.gpus)
		return usage_error(o->verb,
				   "a --fitted file holds no measured layouts: "
				   "give --gpus N",
				   "");
	return -1;
}

/* Opens the workspace and the workload; the knobs not given become the
 * workload's defaults. */
static int open_ranked(struct rank_options *o, struct ranked *r)
{
	int status =
		workspace_open(&r->ws, &o->src, &o->query, o->verb, &r->w);
	if (status != EXIT_OK)
		return status;
	workspace_fitted(&r->ws, r->w, &r->fit);
	struct workspace_knobs d;
	workspace_default_knobs(&r->ws, r->w, &d);
	for (int k = WS_BATCH; k <= WS_OUTPUT; k++)
		if (!o->given[k])
			workspace_knob_set(&o->knobs, (enum workspace_knob)k,
					   workspace_knob_get(&d,
							      (enum workspace_knob)k));
	/* the workload's vision inputs, as the explorer takes them */
	o->knobs.at.vision = d.at.vision;
	o->knobs.at.vision_encoder = d.at.vision_encoder;
	return EXIT_OK;
}

/* A status of the workspace as the verb's exit status, said on stderr. */
static int say_status(const char *verb, enum workspace_status s)
{
	if (s == WS_OK)
		return EXIT_OK;
	fprintf(stderr, "energylens %s: %s\n", verb, workspace_status_text(s));
	return s == WS_NO_MEMORY ? EXIT_SOFTWARE : EXIT_DATAERR;
}

/* ---- rank output -------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void percent(char *buf, size_t size, double v, double best)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (v == best)
		snprintf(buf, size, "best");
	else
		snprintf(buf, size, "%+.1f%%", 100 * (v / best - 1));
}

static void print_sentence(const struct select_result *r)
{
	char e[32], t[32];
	if (r->latency_best < 0) {
		puts("No latency fit, so no latency-optimal layout.");
		return;
	}
	select_layout_name(&r->c[r->energy_best].layout, e, sizeof e);
	select_layout_name(&r->c[r->latency_best].layout, t, sizeof t);
	if (!r->diverge)
		printf("%s is both the energy-optimal and the latency-optimal "
		       "layout.\n",
		       e);
	else
		printf("The optima diverge: the fastest layout, %s, uses "
		       "%.1f%% "
		       "more energy per request than %s, which takes %.1f%% "
		       "longer.\n",
		       t, 100 * r->energy_penalty, e, 100 * r->latency_penalty);
}

static void print_rank_text(const struct rank_options *o,
			    const struct ranked *f,
			    const struct select_result *r)
{
	const struct profile_workload *w = &f->ws.set.workloads[f->w];
	bool utf8 = utf8_locale();
	/* The lightning sign is two columns wide where a terminal draws it,
	 * so rows without it get two spaces. */
	const char *star = utf8 ? "\u2605" : "*", *bolt = utf8 ? "\u26a1" : "!";
	const char *no_bolt = utf8 ? "  " : " ", *blend = utf8 ? "\u25c6" : "~";
	bool latency = r->latency_best >= 0;
	text_printf("%s (%s) on %s, fit of %s\n", or_dash(w->model),
	       or_dash(w->name), or_dash(w->hardware), f->fit.group);
	printf("batch %u, input %g, output %g tokens; %zu candidate%s (%s)\n\n",
	       o->knobs.at.batch, o->knobs.at.input, o->knobs.at.output, r->n,
	       r->n == 1 ? "" : "s",
	       o->knobs.gpus ? "power-of-two layouts that fit"
			     : "measured layouts");
	printf("%s     %-10s %12s %-9s %8s %12s %8s %13s %8s %7s\n",
	       utf8 ? " " : "", "layout", "energy (J)", " basis", "vs best",
	       "latency (s)", "vs best", "measured (J)", "P(cheap)", "P(fast)");
	const struct select_candidate *eb = &r->c[r->energy_best];
	double tbest =
		r->latency_best >= 0 ? r->c[r->latency_best].latency_s : NAN;
	for (size_t i = 0; i < r->n; i++) {
		const struct select_candidate *c = &r->c[i];
		char name[32], de[16], dt[16], meas[32], lat[32];
		select_layout_name(&c->layout, name, sizeof name);
		percent(de, sizeof de, c->energy_j, eb->energy_j);
		percent(dt, sizeof dt, c->latency_s, tbest);
		snprintf(meas, sizeof meas,
			 isnan(c->measured_j) ? "-"
			 : c->disagrees	      ? "#%.4g"
					      : "%.4g",
			 c->measured_j);
		snprintf(lat, sizeof lat, isnan(c->latency_s) ? "-" : "%.4g",
			 c->latency_s);
		char pc[16], pf[16];
		snprintf(pc, sizeof pc, isnan(c->p_cheapest) ? "-" : "%d%%",
			 workspace_percent(c->p_cheapest));
		snprintf(pf, sizeof pf, isnan(c->p_fastest) ? "-" : "%d%%",
			 workspace_percent(c->p_fastest));
		printf("%s%s%s  %-10s %12.4g %-9s %8s %12s %8s %13s %8s %7s\n",
		       i == r->energy_best ? star : " ",
		       (long)i == r->latency_best ? bolt : no_bolt,
		       (long)i == r->blend_best ? blend : " ", name,
		       c->energy_j, estimate_basis_name(c->basis), de, lat, dt,
		       meas, pc, pf);
	}
	if (latency)
		printf("\n%s energy-optimal   %s latency-optimal%s%s\n", star,
		       bolt, isnan(o->knobs.eta) ? "" : "   ",
		       isnan(o->knobs.eta) ? ""
		       : utf8		   ? "\u25c6 best blend"
					   : "~ best blend");
	else
		printf("\n%s energy-optimal%s\n", star,
		       isnan(o->knobs.eta) ? ""
				     : " (no blend: there is no latency fit)");
	bool disagree = false;
	for (size_t i = 0; i < r->n; i++)
		disagree |= r->c[i].disagrees;
	puts("basis: the energy estimate from the fit (predicted), the "
	     "measurements\nat these knobs (measured), or both combined");
	if (disagree)
		puts("#: measured in the other order than the fit predicts");
	print_sentence(r);
	char sure[160];
	workspace_sure_text(r, false, sure, sizeof sure);
	printf("%s %s", star, sure);
	if (latency) {
		workspace_sure_text(r, true, sure, sizeof sure);
		printf("   %s %s", bolt, sure);
	}
	putchar('\n');
}

void cmd_rank_json(FILE *out, const struct workspace_knobs *k,
		   const struct select_result *r)
{
	fputs("{\"candidates\": [", out);
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		cmd_json_candidate(out, &r->c[i]);
	}
	fputs("],\n \"energy_optimal\": ", out);
	cmd_json_layout(out, &r->c[r->energy_best].layout);
	fputs(", \"latency_optimal\": ", out);
	if (r->latency_best >= 0)
		cmd_json_layout(out, &r->c[r->latency_best].layout);
	else
		fputs("null", out);
	if (r->blend_best >= 0) {
		fputs(", \"blend_optimal\": ", out);
		cmd_json_layout(out, &r->c[r->blend_best].layout);
	}
	for (int t = 0; t < 2; t++) {
		long best = t ? r->latency_best : (long)r->energy_best;
		long rival = workspace_rival(r, t == 1);
		fprintf(out, ", \"%s_confidence\": ", t ? "latency" : "energy");
		json_number(out, best < 0 ? NAN
				 : t	  ? r->c[best].p_fastest
					  : r->c[best].p_cheapest);
		fprintf(out,
			", \"%s_within_noise\": ", t ? "latency" : "energy");
		if (rival >= 0)
			cmd_json_layout(out, &r->c[rival].layout);
		else
			fputs("null", out);
	}
	fprintf(out, ",\n \"diverge\": %s, \"energy_penalty\": ",
		r->diverge ? "true" : "false");
	json_number(out, r->energy_penalty);
	fputs(", \"latency_penalty\": ", out);
	json_number(out, r->latency_penalty);
	/* the knobs ranked at: the workload's defaults where none were
	 * given */
	fputs(",\n ", out);
	cmd_json_knobs(out, k);
	fputs("}\n", out);
}

/* A number as JSON writes it; empty where JSON has null. */
static void csv_number(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.15g", v);
}

void cmd_rank_csv(FILE *out, const struct workspace_knobs *k,
		  const struct select_result *r)
{
	fputs("layout,tp,pp,dp,gpus,energy_j,latency_s,measured_j,pareto,"
	      "energy_optimal,latency_optimal,blend_optimal,batch,input,"
	      "output,eta\n",
	      out);
	for (size_t i = 0; i < r->n; i++) {
		const struct select_candidate *c = &r->c[i];
		char name[32];
		select_layout_name(&c->layout, name, sizeof name);
		fprintf(out, "%s,%u,%u,%u,%u,", name, c->layout.tp,
			c->layout.pp, c->layout.dp,
			c->layout.tp * c->layout.pp * c->layout.dp);
		csv_number(out, c->energy_j);
		fputc(',', out);
		csv_number(out, c->latency_s);
		fputc(',', out);
		csv_number(out, c->measured_j);
		fprintf(out, ",%s,%s,%s,%s,%u,", c->pareto ? "true" : "false",
			i == r->energy_best ? "true" : "false",
			(long)i == r->latency_best ? "true" : "false",
			(long)i == r->blend_best ? "true" : "false",
			k->at.batch);
		csv_number(out, k->at.input);
		fputc(',', out);
		csv_number(out, k->at.output);
		fputc(',', out);
		csv_number(out, k->eta);
		fputc('\n', out);
	}
}

int cmd_rank(int argc, char **argv)
{
	struct rank_options o;
	int status = parse_options(argc, argv, &o, false);
	if (status >= 0)
		return status;
	struct ranked f;
	status = open_ranked(&o, &f);
	struct select_result r;
	if (status == EXIT_OK)
		status = say_status(o.verb,
				    workspace_rank(&f.ws, f.w, &o.knobs, &r));
	if (status == EXIT_OK) {
		char left_out[200];
		workspace_unranked_text(&r, left_out, sizeof left_out);
		if (left_out[0])
			fprintf(stderr, "energylens %s: %s\n", o.verb, left_out);
		if (o.json)
			cmd_rank_json(stdout, &o.knobs, &r);
		else if (o.csv)
			cmd_rank_csv(stdout, &o.knobs, &r);
		else
			print_rank_text(&o, &f, &r);
		select_result_free(&r);
		status = cmd_flush_stdout(o.verb);
	}
	workspace_free(&f.ws);
	return status;
}

/* ---- divergence --------------------------------------------------------- */

/* The default grid, unless --batches or --inputs replaced its axes. */
static void default_axes(struct rank_options *o)
{
	struct workspace_grid d;
	workspace_default_grid(&d, false);
	if (o->grid.nrows == 0) {
		memcpy(o->grid.rows, d.rows, sizeof d.rows);
		o->grid.nrows = d.nrows;
	}
	if (o->grid.ncols == 0) {
		memcpy(o->grid.cols, d.cols, sizeof d.cols);
		o->grid.ncols = d.ncols;
	}
}

static void print_map_text(const struct rank_options *o, const struct ranked *f,
			   const struct workspace_cell *cells)
{
	const struct profile_workload *w = &f->ws.set.workloads[f->w];
	const struct workspace_grid *g = &o->grid;
	text_printf("%s (%s) on %s, fit of %s\n", or_dash(w->model),
	       or_dash(w->name), or_dash(w->hardware), f->fit.group);
	/* the explorer's marks: the lightning sign is two columns wide
	 * where a terminal draws it, so the cells without it get two
	 * spaces */
	bool utf8 = utf8_locale();
	const char *bolt = utf8 ? "\u26a1" : "!", *no_bolt = utf8 ? "  " : " ";
	/* within noise: as wide as the lightning sign */
	const char *noise_mark = utf8 ? "\u2248 " : "?";
	printf("energy-optimal layout by batch (rows) and input tokens "
	       "(columns), output %g;\n%s where the latency-optimal layout "
	       "differs\n\n",
	       o->knobs.at.output, bolt);
	/* Cells are as wide as the longest layout name (t16p16d16 and the
	 * like), at least 8; a non-diverging cell at the end of a row leaves
	 * no trailing space. */
	int width = 8;
	for (size_t k = 0; k < g->nrows * g->ncols; k++) {
		char name[32];
		select_layout_name(&cells[k].energy.layout, name, sizeof name);
		if (cells[k].any && (int)strlen(name) > width)
			width = (int)strlen(name);
	}
	printf("%11s", "batch\\input");
	for (size_t i = 0; i < g->ncols; i++)
		printf(" %*.15g%s", width, g->cols[i],
		       i + 1 == g->ncols ? "" : no_bolt);
	putchar('\n');
	size_t diverging = 0, noise = 0;
	for (size_t b = 0; b < g->nrows; b++) {
		printf("%11.15g", g->rows[b]);
		for (size_t i = 0; i < g->ncols; i++) {
			const struct workspace_cell *c = &cells[b * g->ncols + i];
			char name[32] = "-";
			if (c->any)
				select_layout_name(&c->energy.layout, name,
						   sizeof name);
			bool last = i + 1 == g->ncols;
			printf(" %*s%s", width, name,
			       c->within_noise ? noise_mark
			       : c->diverge    ? bolt
			       : last	       ? ""
					       : no_bolt);
			diverging += c->diverge;
			noise += c->within_noise;
		}
		putchar('\n');
	}
	printf("\n%zu of %zu cells diverge; - where no candidate layout "
	       "fits.\n",
	       diverging, g->nrows * g->ncols);
	if (noise)
		printf("%s where the latency-optimal layout is within noise of "
		       "the cheapest in energy:\n%zu of the %zu.\n",
		       utf8 ? "\u2248" : "?", noise, diverging);
}

static void print_map_json(const struct rank_options *o,
			   const struct workspace_cell *cells)
{
	const struct workspace_grid *g = &o->grid;
	fputs("{\"output\": ", stdout);
	json_number(stdout, o->knobs.at.output);
	fputs(", \"batches\": [", stdout);
	for (size_t b = 0; b < g->nrows; b++)
		printf("%s%.15g", b ? ", " : "", g->rows[b]);
	fputs("], \"inputs\": [", stdout);
	for (size_t i = 0; i < g->ncols; i++)
		printf("%s%.15g", i ? ", " : "", g->cols[i]);
	fputs("],\n \"cells\": ", stdout);
	cmd_json_cells(stdout, g, cells, false);
	fputs("}\n", stdout);
}

int cmd_divergence(int argc, char **argv)
{
	struct rank_options o;
	int status = parse_options(argc, argv, &o, true);
	if (status >= 0)
		return status;
	struct ranked f;
	status = open_ranked(&o, &f);
	default_axes(&o);
	struct workspace_cell *cells =
		calloc(o.grid.nrows * o.grid.ncols, sizeof *cells);
	if (status == EXIT_OK && !cells)
		status = say_status(o.verb, WS_NO_MEMORY);
	if (status == EXIT_OK)
		status = say_status(o.verb, workspace_fill_grid(&f.ws, f.w,
								&o.grid,
								&o.knobs,
								cells));
	if (status == EXIT_OK) {
		if (o.json)
			print_map_json(&o, cells);
		else
			print_map_text(&o, &f, cells);
		status = cmd_flush_stdout(o.verb);
	}
	free(cells);
	workspace_free(&f.ws);
	return status;
}
