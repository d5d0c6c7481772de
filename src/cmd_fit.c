/* energylens fit: fit the energy model and its latency companion to every
 * group of runs, and say how well, with what uncertainty, and what each
 * term contributes. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "workspace.h"
#include "dataset.h"
#include "defaults.h"
#include "exitcode.h"
#include "fit.h"
#include "fitfile.h"
#include "json.h"
#include "outfile.h"
#include "profile.h"
#include "text.h"
#include "progress.h"

static void fit_usage(FILE *out)
{
	fputs("Usage: energylens fit [--model FILE]... [--by "
	      "hardware|workload]\n"
	      "                      [-o FILE] [--json] PATH...\n"
	      "Fit the energy model (energylens-12) and its latency companion\n"
	      "(latency-8) to the runs in PATH, one fit per hardware and "
	      "engine\n(pooling the workloads that carry model metadata) or "
	      "per workload.\n\n"
	      "  --model FILE   use this model file instead of the built-in "
	      "one with\n"
	      "                 the same target (energy or latency)\n"
	      "  --by GROUPING  hardware (default) or workload\n"
	      "  -o, --output FILE  save the fitted models for "
	      "'energylens predict --fitted'\n"
	      "  --json         print {\"fits\": [...]} as JSON\n"
	      "  --export-problem FILE  write the energy least-squares "
	      "problems and\n"
	      "                 their solutions as JSON (for cross-checks "
	      "and benchmarks)\n"
	      "  -h, --help     show this help and exit\n\n"
	      "Exit status: 0 every group fitted, 65 bad data or a group that "
	      "cannot be\nfitted, 66 a path cannot be read, 73 the output "
	      "cannot be written.\n",
	      out);
}

struct fit_options {
	const char *model_path[2]; /* by target */
	const char *output;
	const char *export_problem;
	enum dataset_by by;
	bool json;
};

static int usage_error(const char *what, const char *arg)
{
	text_fprintf(stderr,
		     "energylens fit: %s%s\nTry 'energylens fit --help'.\n",
		     what, arg);
	return EXIT_USAGE;
}

/* Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct fit_options *o)
{
	static const struct option options[] = {
		{"model", required_argument, NULL, 'm'},
		{"by", required_argument, NULL, 'b'},
		{"output", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"export-problem", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	int c;
	optind = 1;
	opterr = 0; /* text_option_error says why, escaped */
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (o->model_path[0] && o->model_path[1])
				return usage_error("at most two --model files "
						   "(one energy, one latency)",
						   "");
			o->model_path[o->model_path[0] ? 1 : 0] = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "hardware") == 0)
				o->by = BY_HARDWARE;
			else if (strcmp(optarg, "workload") == 0)
				o->by = BY_WORKLOAD;
			else
				return usage_error("--by expects hardware or "
						   "workload, got ",
						   optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'x':
			o->export_problem = optarg;
			break;
		case 'h':
			fit_usage(stdout);
			return EXIT_OK;
		default:
			text_option_error(argv, "o:h", options);
			fputs("Try 'energylens fit --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("no PATH given", "");
	return -1;
}

/* ---- text --------------------------------------------------------------- */

static void print_params(FILE *out, const struct model *m,
			 const struct fit_result *r)
{
	fprintf(out, "  %-10s %11s  %-11s  %-26s %s\n", "parameter", "value",
		"std. error", "unit", "meaning");
	for (size_t j = 0; j < m->nparams; j++) {
		const struct model_param *p = &m->params[j];
		if (!r->informed[j]) {
			text_fprintf(
				out, "  %-10s %11.4g  %-11s  %-26s %s\n",
				p->name, r->value[j], "held", p->unit,
				"(held at default: the runs cannot inform it)");
			continue;
		}
		char se[32];
		snprintf(se, sizeof se,
			 isfinite(r->stderr_[j]) ? "+- %.2g" : "-",
			 r->stderr_[j]);
		text_fprintf(out, "  %-10s %11.4g  %-11s  %-26s %s\n", p->name,
			     r->value[j], se, p->unit, p->meaning);
	}
}

static void print_goodness(FILE *out, const struct model *m,
			   const struct fit_result *r)
{
	/* Past about 1e12 the exact figure is rounding noise; what it says is
	 * that some parameters are not determined apart (the prior settles
	 * them). */
	char cond[64];
	if (r->cond > FIT_DEGENERATE_CONDITION)
		snprintf(cond, sizeof cond,
			 "> %.0e (some parameters cannot be told apart)",
			 FIT_DEGENERATE_CONDITION);
	else
		snprintf(cond, sizeof cond, "%.3g", r->cond);
	char r2[64] = "n/a (the runs do not vary)";
	if (!isnan(r->r2))
		snprintf(r2, sizeof r2, "%.3f (log)", r->r2);
	fprintf(out,
		"  %s: %zu runs, R2 %s, MAPE %.1f%%, condition number "
		"%s, %d iterations from start %d, stopped: %s\n",
		m->name, r->runs, r2, 100 * r->mape, cond, r->iterations,
		r->start, r->stop);
}

struct workload_error {
	size_t workload, runs;
	double ape; /* sum of absolute percentage errors (fractions) */
};

static int by_error(const void *a, const void *b)
{
	const struct workload_error *x = a, *y = b;
	double ex = x->runs ? x->ape / (double)x->runs : 0;
	double ey = y->runs ? y->ape / (double)y->runs : 0;
	return (ex < ey) - (ex > ey);
}

/* Each workload's error under the group's energy fit, worst first; NULL
 * when out of memory. */
static struct workload_error *workload_errors(const struct model *m,
					      const struct profile_set *set,
					      const struct dataset_group *g,
					      const struct fit_group *f)
{
	struct workload_error *e =
		calloc(g->nworkloads ? g->nworkloads : 1, sizeof *e);
	if (!e)
		return NULL;
	for (size_t k = 0; k < g->nworkloads; k++)
		e[k].workload = g->workloads[k];
	for (size_t i = 0; i < g->energy.n; i++) {
		size_t w = set->runs[g->energy.run[i]].workload, k = 0;
		while (e[k].workload != w)
			k++;
		double pred =
			model_predict(m, g->energy.inputs + i * MODEL_NINPUTS,
				      f->energy.value, NULL);
		e[k].ape += fabs(pred - g->energy.y[i]) / g->energy.y[i];
		e[k].runs++;
	}
	qsort(e, g->nworkloads, sizeof *e, by_error);
	return e;
}

static double mean_error(const struct workload_error *e)
{
	return e->runs ? e->ape / (double)e->runs : NAN;
}

/* The workloads a pooled fit serves worst: where to look first. */
static void print_worst(FILE *out, const struct model *m,
			const struct profile_set *set,
			const struct dataset_group *g,
			const struct fit_group *f)
{
	enum { SHOWN = 5 };
	struct workload_error *e;
	if (g->nworkloads < 2 || !(e = workload_errors(m, set, g, f)))
		return;
	fprintf(out, "  worst-served workloads (MAPE):");
	for (size_t k = 0; k < g->nworkloads && k < SHOWN; k++) {
		const struct profile_workload *w =
			&set->workloads[e[k].workload];
		text_fprintf(out, "%s %s/%s %.1f%%", k ? "," : "",
			     w->name ? w->name : "-", w->model ? w->model : "-",
			     100 * mean_error(&e[k]));
	}
	fputc('\n', out);
	free(e);
}

static void print_group_text(FILE *out, const struct model *const models[2],
			     const struct profile_set *set,
			     const struct dataset_group *g,
			     const struct fit_group *f)
{
	text_fprintf(out, "%s (%zu workload%s)\n", g->label, g->nworkloads,
		     g->nworkloads == 1 ? "" : "s");
	if (f->energy_status != FIT_OK) {
		text_fprintf(out, "  %s: not fitted: %s\n", models[0]->name,
			     f->energy.message);
	} else {
		print_goodness(out, models[0], &f->energy);
		print_worst(out, models[0], set, g, f);
		print_params(out, models[0], &f->energy);
		fprintf(out, "  %-26s %-8s %-8s %s\n", "term", "phase", "kind",
			"share of energy");
		for (size_t t = 0; t < models[0]->nterms; t++) {
			const struct model_term *T = &models[0]->terms[t];
			text_fprintf(out, "  %-26s %-8s %-8s %5.1f%%\n",
				     T->name, model_phase_name(T->phase),
				     model_kind_name(T->kind),
				     100 * f->share[t]);
		}
	}
	if (f->latency_status != FIT_OK)
		text_fprintf(out, "  %s: not fitted: %s\n", models[1]->name,
			     g->latency.n ? f->latency.message
					  : "no run has a measured latency");
	else
		print_goodness(out, models[1], &f->latency);
	fputc('\n', out);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_params(FILE *out, const struct model *m,
			const struct fit_result *r)
{
	fputs("[", out);
	for (size_t j = 0; j < m->nparams; j++) {
		fputs(j ? ",\n      {\"name\": " : "\n      {\"name\": ", out);
		json_string(out, m->params[j].name);
		fputs(", \"value\": ", out);
		json_number(out, r->value[j]);
		fputs(", \"stderr\": ", out);
		json_number(out, r->stderr_[j]);
		fprintf(out, ", \"informed\": %s}",
			r->informed[j] ? "true" : "false");
	}
	fputs("]", out);
}

static void json_goodness(FILE *out, const struct fit_result *r)
{
	fprintf(out, "\"runs\": %zu, \"r2\": ", r->runs);
	json_number(out, r->r2);
	fputs(", \"mape\": ", out);
	json_number(out, r->mape);
	fputs(", \"condition\": ", out);
	json_number(out, r->cond);
	fprintf(out, ", \"iterations\": %d, \"stop\": ", r->iterations);
	json_string(out, r->stop);
}

static void json_terms(FILE *out, const struct model *m, const double *share)
{
	fputs("[", out);
	for (size_t t = 0; t < m->nterms; t++) {
		fputs(t ? ",\n      {\"name\": " : "\n      {\"name\": ", out);
		json_string(out, m->terms[t].name);
		fputs(", \"phase\": ", out);
		json_string(out, model_phase_name(m->terms[t].phase));
		fputs(", \"kind\": ", out);
		json_string(out, model_kind_name(m->terms[t].kind));
		fputs(", \"share\": ", out);
		json_number(out, share[t]);
		fputc('}', out);
	}
	fputs("]", out);
}

static void json_by_workload(FILE *out, const struct model *m,
			     const struct profile_set *set,
			     const struct dataset_group *g,
			     const struct fit_group *f)
{
	struct workload_error *e = workload_errors(m, set, g, f);
	fputs(",\n    \"by_workload\": [", out);
	for (size_t k = 0; e && k < g->nworkloads; k++) {
		const struct profile_workload *w =
			&set->workloads[e[k].workload];
		fputs(k ? ",\n      {\"name\": " : "\n      {\"name\": ", out);
		json_string(out, w->name);
		fputs(", \"model\": ", out);
		json_string(out, w->model);
		fprintf(out, ", \"runs\": %zu, \"mape\": ", e[k].runs);
		json_number(out, mean_error(&e[k]));
		fputc('}', out);
	}
	fputs("]", out);
	free(e);
}

static void print_group_json(FILE *out, const struct model *const models[2],
			     const struct profile_set *set,
			     const struct dataset_group *g,
			     const struct fit_group *f, bool first)
{
	fputs(first ? "\n  {\"group\": " : ",\n  {\"group\": ", out);
	json_string(out, g->label);
	fputs(", \"workloads\": [", out);
	for (size_t k = 0; k < g->nworkloads; k++) {
		const struct profile_workload *w =
			&set->workloads[g->workloads[k]];
		fputs(k ? ", {\"name\": " : "{\"name\": ", out);
		json_string(out, w->name);
		fputs(", \"model\": ", out);
		json_string(out, w->model);
		fputc('}', out);
	}
	fputs("],\n    ", out);
	if (f->energy_status == FIT_OK) {
		json_goodness(out, &f->energy);
		fputs(",\n    \"params\": ", out);
		json_params(out, models[0], &f->energy);
		fputs(",\n    \"terms\": ", out);
		json_terms(out, models[0], f->share);
		json_by_workload(out, models[0], set, g, f);
	} else {
		fprintf(out, "\"runs\": %zu, \"error\": ", g->energy.n);
		json_string(out, f->energy.message);
	}
	fputs(",\n    \"latency\": {", out);
	if (f->latency_status == FIT_OK) {
		json_goodness(out, &f->latency);
		fputs(", \"params\": ", out);
		json_params(out, models[1], &f->latency);
	} else {
		fprintf(out, "\"runs\": %zu, \"error\": ", g->latency.n);
		json_string(out, g->latency.n
					 ? f->latency.message
					 : "no run has a measured latency");
	}
	fputs("}}", out);
}

/* ---- the problem, for a peer to solve ----------------------------------- */

/* The energy fit of every group as a least-squares problem, for another
 * solver to pose the same fit (fitfile_write_problem). */
static void export_problem(FILE *out, const struct model *m,
			   const struct dataset *ds,
			   const struct fit_group *fits)
{
	struct fitfile_problem *groups = calloc(ds->count + 1, sizeof *groups);
	struct fit_data *data = calloc(ds->count + 1, sizeof *data);
	if (!groups || !data) {
		free(groups);
		free(data);
		return;
	}
	for (size_t g = 0; g < ds->count; g++) {
		const struct dataset_rows *r = &ds->groups[g].energy;
		data[g] = (struct fit_data){r->n, r->inputs, r->y};
		groups[g] = (struct fitfile_problem){
			ds->groups[g].label, &data[g], &fits[g].energy,
			fits[g].energy_status == FIT_OK};
	}
	fitfile_write_problem(out, m, groups, ds->count);
	free(groups);
	free(data);
}

static int save_problem(const char *path, struct outfile_run *run,
			const struct model *m, const struct dataset *ds,
			const struct fit_group *fits)
{
	struct outfile out;
	if (outfile_open(&out, path, run) != 0) {
		text_fprintf(stderr, "energylens fit: %s: %s\n", path, out.why);
		return EXIT_CANTCREAT;
	}
	export_problem(out.fp, m, ds, fits);
	if (outfile_commit(&out) != 0) {
		text_fprintf(stderr, "energylens fit: %s: %s\n", path,
			     strerror(errno));
		return EXIT_CANTCREAT;
	}
	return EXIT_OK;
}

/* ---- the verb ----------------------------------------------------------- */

static int save(const char *path, struct outfile_run *run,
		const struct model *const models[2],
		const struct profile_set *set, const struct dataset *ds,
		const struct fit_group *fits)
{
	struct outfile out;
	if (outfile_open(&out, path, run) != 0) {
		text_fprintf(stderr, "energylens fit: %s: %s\n", path, out.why);
		return EXIT_CANTCREAT;
	}
	fitfile_write(out.fp, models, set, ds, fits);
	if (outfile_commit(&out) != 0) {
		text_fprintf(stderr, "energylens fit: %s: %s\n", path,
			     strerror(errno));
		return EXIT_CANTCREAT;
	}
	return EXIT_OK;
}

static int report(const struct fit_options *o, struct outfile_run *run,
		  struct model *const models[2], const struct profile_set *set,
		  const struct dataset *ds, const struct fit_group *fits)
{
	int status = EXIT_OK;
	if (o->json)
		fputs("{\"fits\": [", stdout);
	for (size_t g = 0; g < ds->count; g++) {
		const struct model *const *m =
			(const struct model *const *)models;
		if (o->json)
			print_group_json(stdout, m, set, &ds->groups[g],
					 &fits[g], g == 0);
		else
			print_group_text(stdout, m, set, &ds->groups[g],
					 &fits[g]);
		if (fits[g].energy_status != FIT_OK) {
			text_fprintf(stderr, "energylens fit: %s: %s\n",
				     ds->groups[g].label,
				     fits[g].energy.message);
			status = EXIT_DATAERR;
		}
	}
	if (o->json)
		fputs("\n]}\n", stdout);
	/* Groups that could not be fitted are reported above; the others
	 * are still worth saving. */
	bool any = false;
	for (size_t g = 0; g < ds->count; g++)
		any |= fits[g].energy_status == FIT_OK;
	if (o->output && any) {
		int st = save(o->output, run,
			      (const struct model *const *)models, set, ds,
			      fits);
		status = st != EXIT_OK ? st : status;
	} else if (o->output) {
		text_fprintf(stderr,
			     "energylens fit: %s not written: no group "
			     "was fitted\n",
			     o->output);
	}
	if (o->export_problem && status != EXIT_CANTCREAT) {
		int st = save_problem(o->export_problem, run, models[0], ds,
				      fits);
		status = st != EXIT_OK ? st : status;
	}
	if (cmd_flush_stdout("fit") != EXIT_OK)
		status = EXIT_CANTCREAT;
	return status;
}

/* The report, -o and --export-problem: never two on standard output, nor
 * two in one file. Returns -1 to go on, else an exit status. */
static int claim_outputs(const struct fit_options *o, struct outfile_run *run)
{
	const char *paths[3] = {"-", o->output, o->export_problem};
	const char *names[3] = {"", "-o", "--export-problem"};
	for (int i = 0; i < 3; i++) {
		enum outfile_clash c =
			paths[i] ? outfile_claim(run, paths[i]) : OUTFILE_FREE;
		if (c == OUTFILE_FREE)
			continue;
		fprintf(stderr, "energylens fit: %s %s: %s\n", names[i],
			paths[i], outfile_clash_text(c));
		if (c != OUTFILE_STDOUT_TWICE)
			return c == OUTFILE_NO_MEMORY ? EXIT_SOFTWARE
						      : EXIT_CANTCREAT;
		fputs("Try 'energylens fit --help'.\n", stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* After the reading: no output may replace what was read. */
static int check_outputs(const struct fit_options *o, struct outfile_run *run,
			 const struct profile_set *set)
{
	for (int i = 0; i < 2; i++)
		if (o->model_path[i] &&
		    outfile_run_read(run, o->model_path[i]) != 0)
			return EXIT_SOFTWARE;
	if (outfile_run_read_set(run, profile_set_read(set)) != 0)
		return EXIT_SOFTWARE;
	const char *path;
	enum outfile_clash c = outfile_run_check(run, &path);
	if (c == OUTFILE_FREE)
		return EXIT_OK;
	fprintf(stderr, "energylens fit: %s: %s\n", path,
		outfile_clash_text(c));
	return EXIT_CANTCREAT;
}

int cmd_fit(int argc, char **argv)
{
	struct fit_options o;
	int status = parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	struct outfile_run run;
	outfile_run_init(&run);
	if ((status = claim_outputs(&o, &run)) >= 0) {
		outfile_run_free(&run);
		return status;
	}
	struct model *models[2];
	if ((status = workspace_models(o.model_path, models)) != EXIT_OK) {
		outfile_run_free(&run);
		return status;
	}
	struct profile_set set;
	struct diag_list diags;
	struct dataset ds = {NULL, 0, 0, NULL};
	struct fit_group *fits = NULL;
	profile_set_init(&set);
	diag_init(&diags, stderr);
	status = workspace_load_paths(&set, &diags, argc - optind, argv + optind);
	if (status == EXIT_OK)
		status = check_outputs(&o, &run, &set);
	if (status == EXIT_OK && dataset_build(&set, o.by, &ds, &diags) != 0)
		status = EXIT_SOFTWARE;
	if (status == EXIT_OK &&
	    !(fits = calloc(ds.count ? ds.count : 1, sizeof *fits)))
		status = EXIT_SOFTWARE;
	struct progress progress;
	progress_start(&progress, stderr, "energylens fit");
	for (size_t g = 0; status == EXIT_OK && g < ds.count; g++) {
		progress_update(&progress, g, ds.count);
		fit_group(models[0], models[1], &ds.groups[g], &fits[g]);
	}
	progress_end(&progress);
	if (status == EXIT_OK)
		status = report(&o, &run, models, &set, &ds, fits);
	else if (status == EXIT_SOFTWARE)
		fputs("energylens fit: out of memory\n", stderr);
	outfile_run_free(&run);
	for (size_t g = 0; fits && g < ds.count; g++)
		fit_group_free(&fits[g]);
	free(fits);
	dataset_free(&ds);
	diag_free(&diags);
	profile_set_free(&set);
	model_free(models[0]);
	model_free(models[1]);
	return status;
}
