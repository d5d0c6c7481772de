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
#include "cmd_fitted.h"
#include "defaults.h"
#include "exitcode.h"
#include "json.h"
#include "select.h"

struct rank_options {
	const char *verb;
	const char *model_path[2];
	const char *fitted;
	struct workload_query query;
	struct select_knobs knobs;
	unsigned gpus; /* 0: the measured layouts */
	double eta;    /* NaN: no blend */
	bool json;
	/* divergence */
	double batches[64], inputs[64];
	size_t nbatches, ninputs;
	bool output_given;
};

static void rank_usage(FILE *out)
{
	fputs("Usage: energylens rank (PATH... | --fitted FILE) --batch B "
	      "--input I --output O\n"
	      "         [--gpus N] [--eta X] [--workload "
	      "NAME|MODEL|NAME:MODEL]\n"
	      "         [--hardware NAME] [--engine NAME] [--model FILE]... "
	      "[--json]\n"
	      "Predict every candidate layout of one workload at these knobs "
	      "and mark the\nenergy-optimal (*) and latency-optimal (!) ones. "
	      "Candidates are the layouts\nmeasured for the workload, or with "
	      "--gpus N every power-of-two tp x pp x dp\non at most N GPUs "
	      "that fits in GPU memory.\n\n"
	      "  --fitted FILE  a fit saved by 'energylens fit -o' (-: "
	      "standard "
	      "input)\n"
	      "  --eta X   also pick the best blend X*E/E* + (1-X)*T/T* (X in "
	      "[0, 1])\n"
	      "  --json    print {\"candidates\", \"energy_optimal\", "
	      "\"latency_optimal\", \"diverge\"}\n"
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
	      "energy-optimal\nlayout of one workload, marking with * each "
	      "cell where the latency-optimal\nlayout differs.\n\n"
	      "  --fitted FILE   a fit saved by 'energylens fit -o' (-: "
	      "standard input)\n"
	      "  --batches LIST  batch sizes, comma-separated (default "
	      "1,2,4,...,512)\n"
	      "  --inputs LIST   input lengths (default 128,256,...,8192)\n"
	      "  --output O      output tokens (default: the median of the "
	      "workload's runs,\n                  or 256)\n"
	      "  --json          print {\"output\", \"batches\", \"inputs\", "
	      "\"cells\"}\n"
	      "  -h, --help      show this help and exit\n",
	      out);
}

static int usage_error(const char *verb, const char *what, const char *arg)
{
	fprintf(stderr, "energylens %s: %s%s\nTry 'energylens %s --help'.\n",
		verb, what, arg, verb);
	return EXIT_USAGE;
}

/* "1,2,4" into values; false on anything else. */
static bool parse_list(const char *s, bool whole, double *values, size_t max,
		       size_t *n)
{
	char buf[1024];
	if (strlen(s) >= sizeof buf)
		return false; /* longer than 64 values could ever be */
	snprintf(buf, sizeof buf, "%s", s);
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == max || !cmd_parse_number(tok, whole, &values[*n]))
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
	O_BATCHES,
	O_INPUTS,
};

static int take_number(struct rank_options *o, int c, const char *arg)
{
	double v;
	bool whole = c == O_BATCH || c == O_GPUS;
	if (!cmd_parse_number(arg, whole, &v) || (c == O_OUTPUT && v <= 0) ||
	    (c == O_ETA && v > 1))
		return usage_error(
			o->verb,
			c == O_ETA	? "--eta expects 0..1, got "
			: whole		? "expected a positive integer, got "
			: c == O_OUTPUT ? "--output expects a number > 0, got "
					: "expected a number >= 0, got ",
			arg);
	if (c == O_BATCH)
		o->knobs.batch = (unsigned)v;
	else if (c == O_INPUT)
		o->knobs.input = v;
	else if (c == O_OUTPUT) {
		o->knobs.output = v;
		o->output_given = true;
	} else if (c == O_GPUS && v > SELECT_MAX_GPUS)
		return usage_error(o->verb, "--gpus is at most 1024, got ",
				   arg);
	else if (c == O_GPUS)
		o->gpus = (unsigned)v;
	else
		o->eta = v;
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
		if (o->model_path[1])
			return usage_error(o->verb, "at most two --model files",
					   "");
		o->model_path[o->model_path[0] ? 1 : 0] = arg;
		return -1;
	case O_FITTED:
		o->fitted = arg;
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
	case O_BATCHES:
		return parse_list(arg, true, o->batches, 64, &o->nbatches)
			       ? -1
			       : usage_error(
					 o->verb,
					 "--batches expects at most 64 "
					 "positive "
					 "integers separated by commas, got ",
					 arg);
	case O_INPUTS:
		return parse_list(arg, false, o->inputs, 64, &o->ninputs)
			       ? -1
			       : usage_error(
					 o->verb,
					 "--inputs expects at most 64 numbers "
					 ">= 0 separated by commas, got ",
					 arg);
	}
	return -1;
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
		{"batches", required_argument, NULL, O_BATCHES},
		{"inputs", required_argument, NULL, O_INPUTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	o->verb = map ? "divergence" : "rank";
	o->eta = NAN;
	o->knobs.input = o->knobs.output = NAN;
	int c, status;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'h') {
			(map ? divergence_usage : rank_usage)(stdout);
			return EXIT_OK;
		}
		if (c == '?' ||
		    (map && (c == O_BATCH || c == O_INPUT || c == O_ETA)) ||
		    (!map && (c == O_BATCHES || c == O_INPUTS))) {
			if (c != '?')
				fprintf(stderr,
					"energylens %s: option not for this "
					"verb\n",
					o->verb);
			fprintf(stderr, "Try 'energylens %s --help'.\n",
				o->verb);
			return EXIT_USAGE;
		}
		if ((status = take_option(o, c, optarg)) >= 0)
			return status;
	}
	if (!map && (!o->knobs.batch || isnan(o->knobs.input) ||
		     isnan(o->knobs.output)))
		return usage_error(o->verb,
				   "--batch, --input and --output are "
				   "required",
				   "");
	if (!o->fitted == (optind == argc))
		return usage_error(o->verb,
				   o->fitted ? "give PATH or --fitted, not both"
					     : "no PATH or --fitted given",
				   "");
	if (o->fitted && o->model_path[0])
		return usage_error(o->verb,
				   "--model cannot change a --fitted file's "
				   "models",
				   "");
	if (o->fitted && !o->gpus)
		return usage_error(o->verb,
				   "a --fitted file holds no measured layouts: "
				   "give --gpus N",
				   "");
	return -1;
}

/* The candidates at these knobs: the measured layouts, or all that fit on
 * o->gpus GPUs. */
static size_t candidates(const struct rank_options *o, const struct fitted *f,
			 const struct select_knobs *k,
			 struct select_layout *out)
{
	if (o->gpus)
		return select_gpu_layouts(f->w, o->gpus, k, out,
					  SELECT_MAX_CANDIDATES);
	return f->runs ? select_measured_layouts(f->runs, f->workload, out,
						 SELECT_MAX_CANDIDATES)
		       : 0;
}

/* Ranks the candidates at knobs k. With no candidate it says so unless
 * quiet (a map shows such a cell as empty), and returns EXIT_DATAERR. */
static int rank_at(const struct rank_options *o, const struct fitted *f,
		   const struct select_knobs *k, struct select_result *r,
		   bool quiet)
{
	struct select_layout layouts[SELECT_MAX_CANDIDATES];
	size_t n = candidates(o, f, k, layouts);
	struct select_models m = {f->models[0], f->models[1], f->energy,
				  f->has_latency ? f->latency : NULL};
	if (n == 0 && quiet)
		return EXIT_DATAERR;
	if (n == 0) {
		fprintf(stderr,
			"energylens %s: no candidate layout (expected "
			"measured runs, or --gpus N with room for the "
			"model)\n",
			o->verb);
		return EXIT_DATAERR;
	}
	if (select_rank(&m, f->w, f->workload, f->runs, layouts, n, k, o->eta,
			r) != 0) {
		fputs("energylens: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	return EXIT_OK;
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
			    const struct fitted *f,
			    const struct select_result *r)
{
	bool utf8 = cmd_utf8();
	/* The lightning sign is two columns wide where a terminal draws it,
	 * so rows without it get two spaces. */
	const char *star = utf8 ? "\u2605" : "*", *bolt = utf8 ? "\u26a1" : "!";
	const char *no_bolt = utf8 ? "  " : " ";
	bool latency = r->latency_best >= 0;
	printf("%s (%s) on %s, fit of %s\n", or_dash(f->w->model),
	       or_dash(f->w->name), or_dash(f->w->hardware), f->group);
	printf("batch %u, input %g, output %g tokens; %zu candidate%s (%s)\n\n",
	       o->knobs.batch, o->knobs.input, o->knobs.output, r->n,
	       r->n == 1 ? "" : "s",
	       o->gpus ? "power-of-two layouts that fit" : "measured layouts");
	printf("%s     %-10s %12s %8s %12s %8s %13s\n", utf8 ? " " : "",
	       "layout", "energy (J)", "vs best", "latency (s)", "vs best",
	       "measured (J)");
	const struct select_candidate *eb = &r->c[r->energy_best];
	double tbest =
		r->latency_best >= 0 ? r->c[r->latency_best].latency_s : NAN;
	for (size_t i = 0; i < r->n; i++) {
		const struct select_candidate *c = &r->c[i];
		char name[32], de[16], dt[16], meas[32], lat[32];
		select_layout_name(&c->layout, name, sizeof name);
		percent(de, sizeof de, c->energy_j, eb->energy_j);
		percent(dt, sizeof dt, c->latency_s, tbest);
		snprintf(meas, sizeof meas, isnan(c->measured_j) ? "-" : "%.4g",
			 c->measured_j);
		snprintf(lat, sizeof lat, isnan(c->latency_s) ? "-" : "%.4g",
			 c->latency_s);
		printf("%s%s%s  %-10s %12.4g %8s %12s %8s %13s\n",
		       i == r->energy_best ? star : " ",
		       (long)i == r->latency_best ? bolt : no_bolt,
		       (long)i == r->blend_best ? "=" : " ", name, c->energy_j,
		       de, lat, dt, meas);
	}
	if (latency)
		printf("\n%s energy-optimal   %s latency-optimal%s\n", star,
		       bolt, isnan(o->eta) ? "" : "   = best blend");
	else
		printf("\n%s energy-optimal%s\n", star,
		       isnan(o->eta) ? ""
				     : " (no blend: there is no latency fit)");
	print_sentence(r);
}

static void json_layout(FILE *out, const struct select_layout *l)
{
	fprintf(out, "{\"tp\": %u, \"pp\": %u, \"dp\": %u}", l->tp, l->pp,
		l->dp);
}

static void print_rank_json(const struct select_result *r)
{
	fputs("{\"candidates\": [", stdout);
	for (size_t i = 0; i < r->n; i++) {
		const struct select_candidate *c = &r->c[i];
		fprintf(stdout,
			"%s\n  {\"tp\": %u, \"pp\": %u, \"dp\": %u, "
			"\"energy_j\": ",
			i ? "," : "", c->layout.tp, c->layout.pp, c->layout.dp);
		json_number(stdout, c->energy_j);
		fputs(", \"latency_s\": ", stdout);
		json_number(stdout, c->latency_s);
		fputs(", \"measured_j\": ", stdout);
		json_number(stdout, c->measured_j);
		fprintf(stdout, ", \"pareto\": %s}",
			c->pareto ? "true" : "false");
	}
	fputs("],\n \"energy_optimal\": ", stdout);
	json_layout(stdout, &r->c[r->energy_best].layout);
	fputs(", \"latency_optimal\": ", stdout);
	if (r->latency_best >= 0)
		json_layout(stdout, &r->c[r->latency_best].layout);
	else
		fputs("null", stdout);
	if (r->blend_best >= 0) {
		fputs(", \"blend_optimal\": ", stdout);
		json_layout(stdout, &r->c[r->blend_best].layout);
	}
	fprintf(stdout, ",\n \"diverge\": %s, \"energy_penalty\": ",
		r->diverge ? "true" : "false");
	json_number(stdout, r->energy_penalty);
	fputs(", \"latency_penalty\": ", stdout);
	json_number(stdout, r->latency_penalty);
	fputs("}\n", stdout);
}

int cmd_rank(int argc, char **argv)
{
	struct rank_options o;
	int status = parse_options(argc, argv, &o, false);
	if (status >= 0)
		return status;
	struct fitted f;
	status = fitted_open(&f, o.verb, o.fitted, o.model_path, &o.query,
			     argc - optind, argv + optind);
	if (status != EXIT_OK)
		return status;
	struct select_result r;
	status = rank_at(&o, &f, &o.knobs, &r, false);
	if (status == EXIT_OK) {
		if (o.json)
			print_rank_json(&r);
		else
			print_rank_text(&o, &f, &r);
		select_result_free(&r);
		status = cmd_flush_stdout(o.verb);
	}
	fitted_close(&f);
	return status;
}

/* ---- divergence --------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median output length of the workload's runs; 256 without runs. */
static double median_output(const struct fitted *f)
{
	const struct profile_set *s = f->runs;
	size_t n = 0;
	double *v = s ? malloc((s->run_count + 1) * sizeof *v) : NULL;
	for (size_t i = 0; v && i < s->run_count; i++)
		if (s->runs[i].workload == f->workload)
			v[n++] = s->runs[i].output_tokens;
	double m = 256;
	if (n) {
		qsort(v, n, sizeof *v, compare_doubles);
		m = round(v[n / 2]);
	}
	free(v);
	return m;
}

static void default_axes(struct rank_options *o, const struct fitted *f)
{
	if (o->nbatches == 0)
		for (double b = 1; b <= 512; b *= 2)
			o->batches[o->nbatches++] = b;
	if (o->ninputs == 0)
		for (double i = 128; i <= 8192; i *= 2)
			o->inputs[o->ninputs++] = i;
	if (!o->output_given)
		o->knobs.output = median_output(f);
}

struct cell {
	struct select_layout energy, latency;
	bool any; /* some layout fits */
	bool has_latency, diverge;
};

static int fill_map(struct rank_options *o, const struct fitted *f,
		    struct cell *cells)
{
	for (size_t b = 0; b < o->nbatches; b++)
		for (size_t i = 0; i < o->ninputs; i++) {
			struct select_knobs k = {(unsigned)o->batches[b],
						 o->inputs[i], o->knobs.output};
			struct select_result r;
			int status = rank_at(o, f, &k, &r, true);
			struct cell *c = &cells[b * o->ninputs + i];
			if (status == EXIT_DATAERR)
				continue;
			if (status != EXIT_OK)
				return status;
			c->any = true;
			c->energy = r.c[r.energy_best].layout;
			c->has_latency = r.latency_best >= 0;
			if (c->has_latency)
				c->latency = r.c[r.latency_best].layout;
			c->diverge = r.diverge;
			select_result_free(&r);
		}
	return EXIT_OK;
}

static void print_map_text(const struct rank_options *o, const struct fitted *f,
			   const struct cell *cells)
{
	printf("%s (%s) on %s, fit of %s\n", or_dash(f->w->model),
	       or_dash(f->w->name), or_dash(f->w->hardware), f->group);
	printf("energy-optimal layout by batch (rows) and input tokens "
	       "(columns), output %g;\n* where the latency-optimal layout "
	       "differs\n\n",
	       o->knobs.output);
	/* Cells are as wide as the longest layout name (t16p16d16 and the
	 * like), at least 8; a non-diverging cell at the end of a row leaves
	 * no trailing space. */
	int width = 8;
	for (size_t k = 0; k < o->nbatches * o->ninputs; k++) {
		char name[32];
		select_layout_name(&cells[k].energy, name, sizeof name);
		if (cells[k].any && (int)strlen(name) > width)
			width = (int)strlen(name);
	}
	printf("%11s", "batch\\input");
	for (size_t i = 0; i < o->ninputs; i++)
		printf(" %*.15g%s", width, o->inputs[i],
		       i + 1 == o->ninputs ? "" : " ");
	putchar('\n');
	size_t diverging = 0;
	for (size_t b = 0; b < o->nbatches; b++) {
		printf("%11.15g", o->batches[b]);
		for (size_t i = 0; i < o->ninputs; i++) {
			const struct cell *c = &cells[b * o->ninputs + i];
			char name[32] = "-";
			if (c->any)
				select_layout_name(&c->energy, name,
						   sizeof name);
			bool last = i + 1 == o->ninputs;
			printf(" %*s%s", width, name,
			       c->diverge ? "*"
			       : last	  ? ""
					  : " ");
			diverging += c->diverge;
		}
		putchar('\n');
	}
	printf("\n%zu of %zu cells diverge; - where no candidate layout "
	       "fits.\n",
	       diverging, o->nbatches * o->ninputs);
}

static void print_map_json(const struct rank_options *o,
			   const struct cell *cells)
{
	fputs("{\"output\": ", stdout);
	json_number(stdout, o->knobs.output);
	fputs(", \"batches\": [", stdout);
	for (size_t b = 0; b < o->nbatches; b++)
		printf("%s%.15g", b ? ", " : "", o->batches[b]);
	fputs("], \"inputs\": [", stdout);
	for (size_t i = 0; i < o->ninputs; i++)
		printf("%s%.15g", i ? ", " : "", o->inputs[i]);
	fputs("],\n \"cells\": [", stdout);
	for (size_t b = 0; b < o->nbatches; b++) {
		fputs(b ? ",\n  [" : "\n  [", stdout);
		for (size_t i = 0; i < o->ninputs; i++) {
			const struct cell *c = &cells[b * o->ninputs + i];
			fputs(i ? ", {\"energy_optimal\": "
				: "{\"energy_optimal\": ",
			      stdout);
			if (c->any)
				json_layout(stdout, &c->energy);
			else
				fputs("null", stdout);
			fputs(", \"latency_optimal\": ", stdout);
			if (c->has_latency)
				json_layout(stdout, &c->latency);
			else
				fputs("null", stdout);
			printf(", \"diverge\": %s}",
			       c->diverge ? "true" : "false");
		}
		fputc(']', stdout);
	}
	fputs("]}\n", stdout);
}

int cmd_divergence(int argc, char **argv)
{
	struct rank_options o;
	int status = parse_options(argc, argv, &o, true);
	if (status >= 0)
		return status;
	struct fitted f;
	status = fitted_open(&f, o.verb, o.fitted, o.model_path, &o.query,
			     argc - optind, argv + optind);
	if (status != EXIT_OK)
		return status;
	default_axes(&o, &f);
	struct cell *cells = calloc(o.nbatches * o.ninputs, sizeof *cells);
	status = cells ? fill_map(&o, &f, cells) : EXIT_SOFTWARE;
	if (status == EXIT_OK) {
		if (o.json)
			print_map_json(&o, cells);
		else
			print_map_text(&o, &f, cells);
		status = cmd_flush_stdout(o.verb);
	}
	free(cells);
	fitted_close(&f);
	return status;
}
