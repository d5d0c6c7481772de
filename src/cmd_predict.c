/* energylens predict: energy per request of one configuration, split into
 * the model's terms (they sum to the total), and its latency. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dataset.h"
#include "exitcode.h"
#include "fit.h"
#include "fitfile.h"
#include "json.h"
#include "profile.h"

struct predict_options {
	const char *model_path[2];
	const char *fitted;
	const char *workload, *hardware, *engine;
	struct profile_run run; /* the configuration asked for */
	bool json;
};

static void predict_usage(FILE *out)
{
	fputs("Usage: energylens predict (PATH... | --fitted FILE) --tp T --pp "
	      "P\n"
	      "         [--dp D] --batch B --input I --output O [--vision V]\n"
	      "         [--workload NAME|MODEL|NAME:MODEL] [--hardware NAME]\n"
	      "         [--engine NAME] [--model FILE]... [--json]\n"
	      "Predict the energy per request of one configuration, term by "
	      "term, and\nits latency, from the runs in PATH (fitted now) or "
	      "from a file saved\nby 'energylens fit -o'. When the runs hold "
	      "several workloads, --workload\n(and, if needed, --hardware "
	      "and --engine) says which one.\n\n"
	      "  --tp, --pp, --dp N   parallel degrees (dp defaults to 1)\n"
	      "  --batch B            concurrent requests\n"
	      "  --input I, --output O, --vision V  tokens per request\n"
	      "  --json               print {\"energy_j\", \"latency_s\", "
	      "\"terms\"} as JSON\n"
	      "  -h, --help           show this help and exit\n",
	      out);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr,
		"energylens predict: %s%s\nTry 'energylens predict --help'.\n",
		what, arg);
	return EXIT_USAGE;
}

/* A whole number >= 1 for degrees and batch, a number >= 0 for tokens. */
static bool parse_value(const char *s, bool whole, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v) || v < 0)
		return false;
	if (whole && (v < 1 || v != floor(v) || v > 1 << 20))
		return false;
	*out = v;
	return true;
}

static int parse_options(int argc, char **argv, struct predict_options *o)
{
	enum {
		TP = 256,
		PP,
		DP,
		BATCH,
		INPUT,
		OUTPUT,
		VISION,
		MODEL,
		FITTED,
		WORKLOAD,
		HARDWARE,
		ENGINE,
		JSON
	};
	static const struct option options[] = {
		{"tp", required_argument, NULL, TP},
		{"pp", required_argument, NULL, PP},
		{"dp", required_argument, NULL, DP},
		{"batch", required_argument, NULL, BATCH},
		{"input", required_argument, NULL, INPUT},
		{"output", required_argument, NULL, OUTPUT},
		{"vision", required_argument, NULL, VISION},
		{"model", required_argument, NULL, MODEL},
		{"fitted", required_argument, NULL, FITTED},
		{"workload", required_argument, NULL, WORKLOAD},
		{"hardware", required_argument, NULL, HARDWARE},
		{"engine", required_argument, NULL, ENGINE},
		{"json", no_argument, NULL, JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	double v[VISION - TP + 1] = {NAN, NAN, 1, NAN, NAN, NAN, 0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c >= TP && c <= VISION) {
			bool whole = c <= BATCH;
			if (!parse_value(optarg, whole, &v[c - TP]))
				return usage_error(
					whole ? "expected a positive "
						"integer, got "
					      : "expected a number "
						">= 0, got ",
					optarg);
		} else if (c == MODEL) {
			if (o->model_path[1])
				return usage_error("at most two --model files",
						   "");
			o->model_path[o->model_path[0] ? 1 : 0] = optarg;
		} else if (c == FITTED) {
			o->fitted = optarg;
		} else if (c == WORKLOAD) {
			o->workload = optarg;
		} else if (c == HARDWARE) {
			o->hardware = optarg;
		} else if (c == ENGINE) {
			o->engine = optarg;
		} else if (c == JSON) {
			o->json = true;
		} else if (c == 'h') {
			predict_usage(stdout);
			return EXIT_OK;
		} else {
			fputs("Try 'energylens predict --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	static const char *const names[] = {"--tp",    "--pp",	  "--dp",
					    "--batch", "--input", "--output"};
	for (int i = 0; i < 6; i++)
		if (isnan(v[i]))
			return usage_error("missing ", names[i]);
	if (v[OUTPUT - TP] <= 0)
		return usage_error("--output must be > 0", "");
	if (!o->fitted == (optind == argc))
		return usage_error(o->fitted ? "give PATH or --fitted, not both"
					     : "no PATH or --fitted given",
				   "");
	if (o->fitted && o->model_path[0])
		return usage_error("--model cannot change a --fitted file's "
				   "models",
				   "");
	struct profile_run *r = &o->run;
	r->tp = (uint32_t)v[0];
	r->pp = (uint32_t)v[1];
	r->dp = (uint32_t)v[2];
	r->batch_size = (uint32_t)v[3];
	r->input_tokens = v[4];
	r->output_tokens = v[5];
	r->vision_tokens = v[6];
	return -1;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* --workload names a workload by its name, its model, or both as
 * NAME:MODEL (one model often serves several named workloads). */
static bool selected_by(const struct profile_workload *w, const char *sel)
{
	if (!sel || same(w->name, sel) || same(w->model, sel))
		return true;
	const char *colon = strchr(sel, ':');
	return colon && w->name && same(w->model, colon + 1) &&
	       strlen(w->name) == (size_t)(colon - sel) &&
	       strncmp(w->name, sel, (size_t)(colon - sel)) == 0;
}

static bool matches(const struct profile_workload *w,
		    const struct predict_options *o)
{
	return selected_by(w, o->workload) &&
	       (!o->hardware || same(w->hardware, o->hardware)) &&
	       (!o->engine || same(w->engine, o->engine));
}

/* The one workload the options select, or -1 after saying why. */
static long select_workload(const struct profile_set *set,
			    const struct predict_options *o)
{
	long found = -1;
	size_t count = 0;
	for (size_t w = 0; w < set->workload_count; w++)
		if (matches(&set->workloads[w], o) && count++ == 0)
			found = (long)w;
	if (count == 1)
		return found;
	fprintf(stderr,
		"energylens predict: %s (expected --workload NAME, MODEL "
		"or NAME:MODEL, with --hardware and --engine, to pick one "
		"of):\n",
		count ? "several workloads match" : "no workload matches");
	for (size_t w = 0, shown = 0; w < set->workload_count && shown < 20;
	     w++) {
		const struct profile_workload *W = &set->workloads[w];
		if (count && !matches(W, o))
			continue;
		fprintf(stderr, "  %s:%s  on %s  (%s)\n", or_dash(W->name),
			or_dash(W->model), or_dash(W->hardware),
			or_dash(W->engine));
		shown++;
	}
	return -1;
}

struct prediction {
	const struct profile_workload *w;
	const char *group;
	const struct model *models[2];
	double energy, latency;
	const char *latency_missing; /* why there is no latency */
	double terms[MODEL_MAX_TERMS];
};

static void print_text(const struct prediction *p, const struct profile_run *r)
{
	printf("%s (%s) on %s, fit of %s\n", or_dash(p->w->model),
	       or_dash(p->w->name), or_dash(p->w->hardware), p->group);
	printf("tp %u, pp %u, dp %u, batch %u, input %g, output %g tokens\n\n",
	       r->tp, r->pp, r->dp, r->batch_size, r->input_tokens,
	       r->output_tokens);
	printf("energy per request   %.4g J\n", p->energy);
	if (isnan(p->latency))
		printf("latency per request  (not fitted: %s)\n\n",
		       p->latency_missing);
	else
		printf("latency per request  %.4g s\n\n", p->latency);
	const struct model *m = p->models[0];
	printf("%-26s %-8s %-8s %12s %7s\n", "term", "phase", "kind",
	       "energy (J)", "share");
	for (size_t t = 0; t < m->nterms; t++)
		printf("%-26s %-8s %-8s %12.4g %6.1f%%\n", m->terms[t].name,
		       model_phase_name(m->terms[t].phase),
		       model_kind_name(m->terms[t].kind), p->terms[t],
		       100 * p->terms[t] / p->energy);
	printf("%-44s %12.4g %6.1f%%\n", "total", p->energy, 100.0);
}

static void print_json(const struct prediction *p)
{
	fputs("{\"workload\": {\"name\": ", stdout);
	json_string(stdout, p->w->name);
	fputs(", \"model\": ", stdout);
	json_string(stdout, p->w->model);
	fputs(", \"hardware\": ", stdout);
	json_string(stdout, p->w->hardware);
	fputs("}, \"group\": ", stdout);
	json_string(stdout, p->group);
	fputs(",\n \"energy_j\": ", stdout);
	json_number(stdout, p->energy);
	fputs(", \"latency_s\": ", stdout);
	json_number(stdout, p->latency);
	fputs(",\n \"terms\": [", stdout);
	const struct model *m = p->models[0];
	for (size_t t = 0; t < m->nterms; t++) {
		fputs(t ? ",\n   {\"name\": " : "\n   {\"name\": ", stdout);
		json_string(stdout, m->terms[t].name);
		fputs(", \"phase\": ", stdout);
		json_string(stdout, model_phase_name(m->terms[t].phase));
		fputs(", \"kind\": ", stdout);
		json_string(stdout, model_kind_name(m->terms[t].kind));
		fputs(", \"energy_j\": ", stdout);
		json_number(stdout, p->terms[t]);
		fputc('}', stdout);
	}
	fputs("]}\n", stdout);
}

static void compute(struct prediction *p, const struct profile_run *r,
		    const double *energy_params, const double *latency_params)
{
	double in[MODEL_NINPUTS];
	model_inputs(p->w, r, in);
	p->energy = model_predict(p->models[0], in, energy_params, p->terms);
	p->latency = latency_params ? model_predict(p->models[1], in,
						    latency_params, NULL)
				    : NAN;
}

static int finish(const struct predict_options *o, const struct prediction *p)
{
	if (o->json)
		print_json(p);
	else
		print_text(p, &o->run);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "energylens predict: cannot write output: %s\n",
			strerror(errno));
		return EXIT_CANTCREAT;
	}
	return EXIT_OK;
}

static int from_fitted(const struct predict_options *o)
{
	struct diag_list diags;
	diag_init(&diags, stderr);
	struct fitfile *ff = fitfile_load(o->fitted, &diags);
	int status = ff					       ? EXIT_OK
		     : diags.count && diags.items[0].line == 0 ? EXIT_NOINPUT
							       : EXIT_DATAERR;
	diag_free(&diags);
	if (!ff)
		return status;
	long w = select_workload(&ff->set, o);
	status = EXIT_USAGE;
	for (size_t g = 0; w >= 0 && g < ff->count; g++) {
		const struct fitfile_group *G = &ff->groups[g];
		for (size_t k = 0; k < G->nworkloads; k++) {
			if (G->workloads[k] != (size_t)w)
				continue;
			struct prediction p = {
				.w = &ff->set.workloads[w],
				.group = G->label,
				.models = {ff->models[0], ff->models[1]}};
			p.latency_missing = "no latency fit in the file";
			compute(&p, &o->run, G->energy.value,
				G->has_latency ? G->latency.value : NULL);
			status = finish(o, &p);
			break;
		}
	}
	fitfile_free(ff);
	return status;
}

static int from_runs(const struct predict_options *o, int npaths, char **paths)
{
	struct model *models[2];
	int status = cmd_models(o->model_path, models);
	if (status != EXIT_OK)
		return status;
	struct profile_set set;
	struct diag_list diags;
	struct dataset ds = {NULL, 0};
	profile_set_init(&set);
	diag_init(&diags, stderr);
	status = cmd_load_paths(&set, &diags, npaths, paths);
	long w = status == EXIT_OK ? select_workload(&set, o) : -1;
	if (status == EXIT_OK && w < 0)
		status = EXIT_USAGE;
	if (status == EXIT_OK && dataset_build(&set, BY_HARDWARE, &ds, &diags))
		status = EXIT_SOFTWARE;
	if (status == EXIT_OK) {
		const struct dataset_group *G =
			&ds.groups[dataset_group_of(&ds, (size_t)w)];
		struct fit_group f;
		fit_group(models[0], models[1], G, &f);
		struct prediction p = {.w = &set.workloads[w],
				       .group = G->label,
				       .models = {models[0], models[1]}};
		if (f.energy_status != FIT_OK) {
			fprintf(stderr, "energylens predict: %s: %s\n",
				G->label, f.energy.message);
			status = EXIT_DATAERR;
		} else {
			p.latency_missing =
				G->latency.n ? f.latency.message
					     : "no run has a measured latency";
			compute(&p, &o->run, f.energy.value,
				f.latency_status == FIT_OK ? f.latency.value
							   : NULL);
			status = finish(o, &p);
		}
	}
	dataset_free(&ds);
	diag_free(&diags);
	profile_set_free(&set);
	model_free(models[0]);
	model_free(models[1]);
	return status;
}

int cmd_predict(int argc, char **argv)
{
	struct predict_options o;
	int status = parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	return o.fitted ? from_fitted(&o)
			: from_runs(&o, argc - optind, argv + optind);
}
