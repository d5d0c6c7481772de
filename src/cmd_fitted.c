#include "cmd_fitted.h"

#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dataset.h"
#include "exitcode.h"
#include "fit.h"
#include "slurp.h"

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
		    const struct workload_query *q)
{
	return selected_by(w, q->workload) &&
	       (!q->hardware || same(w->hardware, q->hardware)) &&
	       (!q->engine || same(w->engine, q->engine));
}

/* The one workload the query selects, or -1 after saying why. */
static long select_workload(const char *verb, const struct profile_set *set,
			    const struct workload_query *q)
{
	long found = -1;
	size_t count = 0;
	for (size_t w = 0; w < set->workload_count; w++)
		if (matches(&set->workloads[w], q) && count++ == 0)
			found = (long)w;
	if (count == 1)
		return found;
	fprintf(stderr,
		"energylens %s: %s (expected --workload NAME, MODEL "
		"or NAME:MODEL, with --hardware and --engine, to pick one "
		"of):\n",
		verb,
		count ? "several workloads match" : "no workload matches");
	for (size_t w = 0, shown = 0; w < set->workload_count && shown < 20;
	     w++) {
		const struct profile_workload *W = &set->workloads[w];
		if (count && !matches(W, q))
			continue;
		fprintf(stderr, "  %s:%s  on %s  (%s)\n", or_dash(W->name),
			or_dash(W->model), or_dash(W->hardware),
			or_dash(W->engine));
		shown++;
	}
	return -1;
}

static int from_file(struct fitted *f, const char *verb, const char *path,
		     const struct workload_query *q)
{
	struct diag_list diags;
	diag_init(&diags, stderr);
	f->file = fitfile_load(path, &diags);
	int status = f->file				       ? EXIT_OK
		     : diags.count && diags.items[0].line == 0 ? EXIT_NOINPUT
							       : EXIT_DATAERR;
	diag_free(&diags);
	if (!f->file)
		return status;
	long w = select_workload(verb, &f->file->set, q);
	for (size_t g = 0; w >= 0 && g < f->file->count; g++) {
		const struct fitfile_group *G = &f->file->groups[g];
		for (size_t k = 0; k < G->nworkloads; k++) {
			if (G->workloads[k] != (size_t)w)
				continue;
			f->models[0] = f->file->models[0];
			f->models[1] = f->file->models[1];
			f->workload = (size_t)w;
			f->w = &f->file->set.workloads[w];
			f->group = G->label;
			memcpy(f->energy, G->energy.value, sizeof f->energy);
			memcpy(f->latency, G->latency.value, sizeof f->latency);
			f->has_latency = G->has_latency;
			snprintf(f->latency_missing, sizeof f->latency_missing,
				 "no latency fit in the file");
			return EXIT_OK;
		}
	}
	if (w >= 0)
		fprintf(stderr,
			"energylens %s: %s: the workload is in no fitted "
			"group of the file\n",
			verb, slurp_name(path));
	return EXIT_USAGE;
}

static int fit_now(struct fitted *f, const char *verb,
		   const struct dataset_group *G)
{
	struct fit_group fg;
	fit_group(f->models[0], f->models[1], G, &fg);
	if (fg.energy_status != FIT_OK) {
		fprintf(stderr, "energylens %s: %s: %s\n", verb, G->label,
			fg.energy.message);
		return EXIT_DATAERR;
	}
	if (!(f->own_group = strdup(G->label)))
		return EXIT_SOFTWARE;
	f->group = f->own_group;
	memcpy(f->energy, fg.energy.value, sizeof f->energy);
	memcpy(f->latency, fg.latency.value, sizeof f->latency);
	f->has_latency = fg.latency_status == FIT_OK;
	snprintf(f->latency_missing, sizeof f->latency_missing, "%s",
		 G->latency.n ? fg.latency.message
			      : "no run has a measured latency");
	return EXIT_OK;
}

static int from_runs(struct fitted *f, const char *verb,
		     const char *const model_paths[2],
		     const struct workload_query *q, int npaths, char **paths)
{
	int status = cmd_models(model_paths, f->own);
	if (status != EXIT_OK)
		return status;
	f->models[0] = f->own[0];
	f->models[1] = f->own[1];
	struct diag_list diags;
	diag_init(&diags, stderr);
	status = cmd_load_paths(&f->set, &diags, npaths, paths);
	long w = status == EXIT_OK ? select_workload(verb, &f->set, q) : -1;
	if (status == EXIT_OK && w < 0)
		status = EXIT_USAGE;
	struct dataset ds = {NULL, 0, 0, NULL};
	if (status == EXIT_OK &&
	    dataset_build(&f->set, BY_HARDWARE, &ds, &diags) != 0)
		status = EXIT_SOFTWARE;
	if (status == EXIT_OK) {
		f->workload = (size_t)w;
		f->w = &f->set.workloads[w];
		f->runs = &f->set;
		status = fit_now(f, verb,
				 &ds.groups[dataset_group_of(&ds, (size_t)w)]);
	}
	dataset_free(&ds);
	diag_free(&diags);
	return status;
}

int fitted_open(struct fitted *f, const char *verb, const char *fitted_path,
		const char *const model_paths[2],
		const struct workload_query *q, int npaths, char **paths)
{
	memset(f, 0, sizeof *f);
	profile_set_init(&f->set);
	int status =
		fitted_path ? from_file(f, verb, fitted_path, q)
			    : from_runs(f, verb, model_paths, q, npaths, paths);
	if (status != EXIT_OK)
		fitted_close(f);
	return status;
}

void fitted_close(struct fitted *f)
{
	fitfile_free(f->file);
	model_free(f->own[0]);
	model_free(f->own[1]);
	free(f->own_group);
	profile_set_free(&f->set);
	memset(f, 0, sizeof *f);
}

bool cmd_parse_number(const char *s, bool whole, double *out)
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

bool cmd_utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);
	return codeset &&
	       (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
