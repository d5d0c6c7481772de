/* energylens check: load, validate, and say what was loaded. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cmd.h"
#include "workspace.h"
#include "diag.h"
#include "exitcode.h"
#include "json.h"
#include "profile.h"
#include "text.h"

int cmd_flush_stdout(const char *verb)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	fprintf(stderr, "energylens %s: cannot write output: %s\n", verb,
		strerror(errno));
	return EXIT_CANTCREAT;
}

/* The dimensions a profiling sweep varies, as check reports them. */
enum dim { DIM_TP, DIM_PP, DIM_DP, DIM_BATCH, DIM_INPUT, DIM_OUTPUT, DIMS };
static const char *const dim_names[DIMS] = {"tp",    "pp",    "dp",
					    "batch", "input", "output"};

static double dim_value(const struct profile_run *r, enum dim d)
{
	switch (d) {
	case DIM_TP:
		return r->tp;
	case DIM_PP:
		return r->pp;
	case DIM_DP:
		return r->dp;
	case DIM_BATCH:
		return r->batch_size;
	case DIM_INPUT:
		return r->input_tokens;
	default:
		return r->output_tokens;
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	/* NaN (not given) sorts last and counts as one value. */
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

/* Sorts values and keeps the distinct ones; returns how many. */
static size_t distinct(double *values, size_t n)
{
	if (n == 0)
		return 0;
	qsort(values, n, sizeof *values, compare_doubles);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (compare_doubles(&values[i], &values[k - 1]) != 0)
			values[k++] = values[i];
	return k;
}

struct summary {
	uint32_t *order; /* run indices grouped by workload (runs index
			   workloads with uint32_t too, so they fit) */
	size_t *start;	 /* workload w's runs: order[start[w]..start[w+1]) */
	double *scratch;
};

static bool summarise(const struct profile_set *set, struct summary *s)
{
	size_t nw = set->workload_count, nr = set->run_count;
	s->order = malloc((nr ? nr : 1) * sizeof *s->order);
	s->start = calloc(nw + 1, sizeof *s->start);
	s->scratch = malloc((nr ? nr : 1) * sizeof *s->scratch);
	size_t *fill = calloc(nw + 1, sizeof *fill);
	if (!s->order || !s->start || !s->scratch || !fill) {
		free(fill);
		return false;
	}
	for (size_t w = 0; w < nw; w++)
		s->start[w + 1] = s->start[w] + set->workloads[w].run_count;
	for (size_t i = 0; i < nr; i++) {
		uint32_t w = set->runs[i].workload;
		s->order[s->start[w] + fill[w]++] = (uint32_t)i;
	}
	free(fill);
	return true;
}

static void summary_free(struct summary *s)
{
	free(s->order);
	free(s->start);
	free(s->scratch);
}

/* Distinct values of dimension d over workload w, in s->scratch. */
static size_t values_of(const struct profile_set *set, struct summary *s,
			size_t w, enum dim d)
{
	size_t n = 0;
	for (size_t i = s->start[w]; i < s->start[w + 1]; i++)
		s->scratch[n++] = dim_value(&set->runs[s->order[i]], d);
	return distinct(s->scratch, n);
}

static bool all_integers(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(v[i]) || v[i] != floor(v[i]))
			return false;
	return true;
}

/* "tp 1,2,4" for a few whole values, "output 160.2..7026 (24 values)" for
 * many or fractional ones. */
static void print_varying(FILE *out, const char *name, const double *v,
			  size_t n)
{
	fprintf(out, "  %s ", name);
	if (n <= 8 && all_integers(v, n)) {
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s%g", i ? "," : "", v[i]);
		return;
	}
	size_t finite = n;
	while (finite > 0 && isnan(v[finite - 1]))
		finite--;
	if (finite == 0) {
		fputs("(not given)", out);
		return;
	}
	fprintf(out, "%.4g..%.4g (%zu values%s)", v[0], v[finite - 1], n,
		finite < n ? ", some not given" : "");
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Workloads that differ only in engine (the Argonne runs of one model on
 * one GPU under three engines) would print as identical lines, so their
 * hardware cell names the engine too. Which ones is found by sorting, not
 * by comparing every pair: a file may hold a hundred thousand workloads. */
static int cmp_ptr(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

static int by_identity(const void *x, const void *y)
{
	const struct profile_workload *a =
		*(const struct profile_workload *const *)x;
	const struct profile_workload *b =
		*(const struct profile_workload *const *)y;
	int c = cmp_ptr(a->name, b->name);
	c = c ? c : cmp_ptr(a->model, b->model);
	c = c ? c : cmp_ptr(a->hardware, b->hardware);
	return c ? c : cmp_ptr(a->engine, b->engine);
}

static bool same_but_engine(const struct profile_workload *a,
			    const struct profile_workload *b)
{
	return a->name == b->name && a->model == b->model &&
	       a->hardware == b->hardware;
}

/* with_engine[w]: another workload differs from w only in its engine.
 * NULL when out of memory (the labels then leave the engine out). */
static bool *engines_to_show(const struct profile_set *set)
{
	size_t n = set->workload_count;
	const struct profile_workload **by = malloc((n ? n : 1) * sizeof *by);
	bool *with = calloc(n ? n : 1, sizeof *with);
	if (!by || !with) {
		free(by);
		free(with);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		by[i] = &set->workloads[i];
	if (n > 1)
		qsort(by, n, sizeof *by, by_identity);
	for (size_t i = 0, j; i < n; i = j) {
		bool differ = false;
		for (j = i + 1; j < n && same_but_engine(by[i], by[j]); j++)
			differ |= by[j]->engine != by[i]->engine;
		for (size_t k = i; differ && k < j; k++)
			with[by[k] - set->workloads] = true;
	}
	free(by);
	return with;
}

static const char *hardware_label(const struct profile_set *set,
				  const bool *with_engine, size_t w, char *buf,
				  size_t size)
{
	const struct profile_workload *a = &set->workloads[w];
	if (!with_engine || !with_engine[w])
		return or_dash(a->hardware);
	char engine[160]; /* cut at 32 characters, never inside one */
	const char *e = or_dash(a->engine);
	snprintf(buf, size, "%s, %s", or_dash(a->hardware),
		 text_show(engine, sizeof engine, e, strlen(e), 32));
	text_drop_partial(buf); /* a long hardware name cut by snprintf */
	return buf;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void print_text(FILE *out, const struct profile_set *set,
		       struct summary *s)
{
	int wn = 8, wm = 5, wh = 8;
	char hw[160];
	bool *with_engine = engines_to_show(set);
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct profile_workload *wl = &set->workloads[w];
		wn = max_int(wn, text_width(or_dash(wl->name)));
		wm = max_int(wm, text_width(or_dash(wl->model)));
		wh = max_int(wh, text_width(hardware_label(set, with_engine, w,
							   hw, sizeof hw)));
	}
	if (set->workload_count)
		fprintf(out, "%-*s  %-*s  %-*s  %5s  %s\n", wn, "WORKLOAD", wm,
			"MODEL", wh, "HARDWARE", "RUNS", "VARIES");
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct profile_workload *wl = &set->workloads[w];
		text_fprintf(out, "%-*s  %-*s  %-*s  %5u ", wn,
			     or_dash(wl->name), wm, or_dash(wl->model), wh,
			     hardware_label(set, with_engine, w, hw, sizeof hw),
			     wl->run_count);
		bool any = false;
		for (int d = 0; d < DIMS; d++) {
			size_t n = values_of(set, s, w, (enum dim)d);
			if (n > 1) {
				print_varying(out, dim_names[d], s->scratch, n);
				any = true;
			}
		}
		fputs(any ? "\n" : "  (nothing varies)\n", out);
	}
	free(with_engine);
}

static void json_diags(FILE *out, const struct diag_list *diags,
		       enum diag_severity sev)
{
	fputc('[', out);
	bool first = true;
	for (size_t i = 0; i < diags->count; i++) {
		const struct diag *d = &diags->items[i];
		if (d->severity != sev)
			continue;
		fputs(first ? "\n    {\"file\": " : ",\n    {\"file\": ", out);
		json_string(out, d->file);
		fprintf(out, ", \"line\": %u, \"column\": %u, \"message\": ",
			d->line, d->col);
		json_string(out, d->message);
		fputc('}', out);
		first = false;
	}
	fputs(first ? "]" : "\n  ]", out);
}

static void print_json(FILE *out, const struct profile_set *set,
		       struct summary *s, const struct diag_list *diags)
{
	fputs("{\n  \"workloads\": [", out);
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct profile_workload *wl = &set->workloads[w];
		fputs(w ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
		json_string(out, wl->name);
		fputs(", \"model\": ", out);
		json_string(out, wl->model);
		fputs(", \"hardware\": ", out);
		json_string(out, wl->hardware);
		fputs(", \"engine\": ", out);
		json_string(out, wl->engine);
		fprintf(out, ", \"runs\": %u, \"varies\": {", wl->run_count);
		bool first = true;
		for (int d = 0; d < DIMS; d++) {
			size_t n = values_of(set, s, w, (enum dim)d);
			if (n < 2)
				continue;
			fprintf(out, "%s\"%s\": [", first ? "" : ", ",
				dim_names[d]);
			for (size_t i = 0; i < n; i++) {
				fputs(i ? ", " : "", out);
				json_number(out, s->scratch[i]);
			}
			fputc(']', out);
			first = false;
		}
		fputs("}}", out);
	}
	fprintf(out, "%s],\n  \"runs\": %zu,\n  \"errors\": ",
		set->workload_count ? "\n  " : "", set->run_count);
	json_diags(out, diags, DIAG_ERROR);
	fputs(",\n  \"warnings\": ", out);
	json_diags(out, diags, DIAG_WARNING);
	fputs("\n}\n", out);
}

static void check_usage(FILE *out)
{
	fputs("Usage: energylens check [--json] [--all-messages] PATH...\n"
	      "Load profile files (a directory: every *.yaml and *.yml under "
	      "it),\nreport every problem as FILE:LINE:COL: MESSAGE on stderr, "
	      "and print one\nline per workload: model, hardware, runs, and "
	      "the dimensions that vary.\n\n"
	      "  --json      print {\"workloads\", \"runs\", \"errors\", "
	      "\"warnings\"} as JSON\n"
	      "  --all-messages\n"
	      "              print every problem (by default at most 5 of a "
	      "kind per\n"
	      "              file, and a count of the rest)\n"
	      "  -h, --help  show this help and exit\n\n"
	      "Exit status: 0 valid, 65 a problem in the data, 66 a path "
	      "cannot be read.\n",
	      out);
}

int cmd_check(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"all-messages", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, all = false;
	int c;
	optind = 1;
	opterr = 0; /* text_option_error says why, escaped */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'a') {
			all = true;
		} else if (c == 'h') {
			check_usage(stdout);
			return EXIT_OK;
		} else {
			text_option_error(argv, "h", options);
			fputs("Try 'energylens check --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fputs("energylens check: no PATH given\n"
		      "Try 'energylens check --help'.\n",
		      stderr);
		return EXIT_USAGE;
	}
	struct profile_set set;
	struct diag_list diags;
	profile_set_init(&set);
	diag_init(&diags, stderr);
	if (all)
		diags.echo_limit = 0;
	int status = workspace_load_paths(&set, &diags, argc - optind, argv + optind);
	/* one workload split in two by a key given in one document only */
	if (status != EXIT_SOFTWARE && !profile_report_splits(&set, &diags)) {
		fprintf(stderr, "energylens: out of memory\n");
		status = EXIT_SOFTWARE;
	}
	struct summary s = {NULL, NULL, NULL};
	if (status != EXIT_SOFTWARE && !summarise(&set, &s)) {
		fprintf(stderr, "energylens: out of memory\n");
		status = EXIT_SOFTWARE;
	} else if (status != EXIT_SOFTWARE && json) {
		print_json(stdout, &set, &s, &diags);
	} else if (status != EXIT_SOFTWARE) {
		print_text(stdout, &set, &s);
		printf("%zu file%s, %zu workload%s, %zu run%s; %zu error%s, "
		       "%zu warning%s\n",
		       set.file_count, set.file_count == 1 ? "" : "s",
		       set.workload_count, set.workload_count == 1 ? "" : "s",
		       set.run_count, set.run_count == 1 ? "" : "s",
		       diags.errors, diags.errors == 1 ? "" : "s",
		       diags.warnings, diags.warnings == 1 ? "" : "s");
	}
	if (cmd_flush_stdout("check") != EXIT_OK)
		status = EXIT_CANTCREAT;
	summary_free(&s);
	diag_free(&diags);
	profile_set_free(&set);
	return status;
}
