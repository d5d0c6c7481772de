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
#include "text.h"
#include "vision.h"
#include "workspace.h"

struct predict_options {
	struct workspace_source src;
	struct workspace_query query;
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
	      "from a file saved\nby 'energylens fit -o' (- reads it from "
	      "standard input). When the runs\nhold "
	      "several workloads, --workload (and, if needed, --hardware "
	      "and\n--engine) says which one.\n\n"
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
	text_fprintf(
		stderr,
		"energylens predict: %s%s\nTry 'energylens predict --help'.\n",
		what, arg);
	return EXIT_USAGE;
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
	opterr = 0; /* text_option_error says why, escaped */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c >= BATCH && c <= OUTPUT) {
			/* the knobs' limits, as rank and the explorer */
			enum workspace_knob k = c == BATCH   ? WS_BATCH
						: c == INPUT ? WS_INPUT
							     : WS_OUTPUT;
			if (!workspace_knob_parse(k, optarg, &v[c - TP])) {
				char why[200];
				workspace_knob_error(k, optarg, true, why,
						     sizeof why);
				return usage_error(why, "");
			}
		} else if (c >= TP && c <= DP) {
			/* the degrees' limits, as in profiles */
			if (!workspace_parse_number(optarg, true, &v[c - TP]) ||
			    v[c - TP] > LIMIT_GPUS)
				return usage_error(c == TP   ? "--tp expects "
							       LIMIT_GPUS_TEXT
							       ", got "
						   : c == PP ? "--pp expects "
							       LIMIT_GPUS_TEXT
							       ", got "
							     : "--dp expects "
							       LIMIT_GPUS_TEXT
							       ", got ",
						   optarg);
		} else if (c == VISION) {
			if (!workspace_parse_number(optarg, false, &v[c - TP]) ||
			    v[c - TP] > LIMIT_TOKENS)
				return usage_error("--vision expects a number "
						   "of tokens from 0 to "
						   "1048576, got ",
						   optarg);
		} else if (c == MODEL) {
			if (o->src.model_paths[1])
				return usage_error("at most two --model files",
						   "");
			o->src.model_paths[o->src.model_paths[0] ? 1 : 0] =
				optarg;
		} else if (c == FITTED) {
			o->src.fitted = optarg;
		} else if (c == WORKLOAD) {
			o->query.workload = optarg;
		} else if (c == HARDWARE) {
			o->query.hardware = optarg;
		} else if (c == ENGINE) {
			o->query.engine = optarg;
		} else if (c == JSON) {
			o->json = true;
		} else if (c == 'h') {
			predict_usage(stdout);
			return EXIT_OK;
		} else {
			text_option_error(argv, "h", options);
			fputs("Try 'energylens predict --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	static const char *const names[] = {"--tp",    "--pp",	  "--dp",
					    "--batch", "--input", "--output"};
	for (int i = 0; i < 6; i++)
		if (isnan(v[i]))
			return usage_error("missing ", names[i]);
	if (!o->src.fitted == (optind == argc))
		return usage_error(o->src.fitted
					   ? "give PATH or --fitted, not both"
					   : "no PATH or --fitted given",
				   "");
	o->src.npaths = argc - optind;
	o->src.paths = argv + optind;
	if (o->src.fitted && o->src.model_paths[0])
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
	text_printf("%s (%s) on %s, fit of %s\n", or_dash(p->w->model),
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
		text_printf("%-26s %-8s %-8s %12.4g %6.1f%%\n",
			    m->terms[t].name,
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
	/* Not a number printed as a result: a term outside its domain (a
	 * square root of a negative, a log of zero) is the model's fault,
	 * and said so. */
	if (!isfinite(p->energy) || p->energy < 0) {
		fprintf(stderr,
			"energylens predict: the model's energy is not finite "
			"at this configuration (a term outside its domain?)\n");
		return EXIT_DATAERR;
	}
	if (o->json)
		print_json(p);
	else
		print_text(p, &o->run);
	if (cmd_flush_stdout("predict") != EXIT_OK)
		return EXIT_CANTCREAT;
	return EXIT_OK;
}

/* The patches the vision encoder processes for --vision V: V times the
 * patches per token of the model's family (vision rules, as the loader
 * reads them), or V where no family matches or the rules cannot be read
 * (a profile that needs them says why). */
static void encoder_patches(struct profile_run *r,
			    const struct profile_workload *w)
{
	r->vision_encoder_tokens = (float)r->vision_tokens;
	if (!(r->vision_tokens > 0))
		return;
	struct diag_list d;
	diag_init(&d, NULL);
	struct vision_rules *rules = vision_rules_load(&d);
	const struct vision_family *f = vision_rules_find(rules, w->model);
	if (f)
		r->vision_encoder_tokens = (float)(r->vision_tokens *
						   vision_patches_per_token(f));
	vision_rules_free(rules);
	diag_free(&d);
}

int cmd_predict(int argc, char **argv)
{
	struct predict_options o;
	int status = parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	struct workspace ws;
	size_t w;
	status = workspace_open(&ws, &o.src, &o.query, "predict", &w);
	if (status == EXIT_OK) {
		struct workspace_fitted f;
		workspace_fitted(&ws, w, &f);
		struct prediction p = {.w = &ws.set.workloads[w],
				       .group = f.group,
				       .models = {ws.models[0], ws.models[1]},
				       .latency_missing = f.latency_missing};
		encoder_patches(&o.run, p.w);
		compute(&p, &o.run, f.energy, f.latency);
		status = finish(&o, &p);
	}
	workspace_free(&ws);
	return status;
}
