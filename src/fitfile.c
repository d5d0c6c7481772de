#include "fitfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"
#include "grow.h"
#include "json.h"
#include "profile_internal.h"
#include "schema.h"
#include "slurp.h"
#include "text.h"
#include "utf8.h"
#include "vision.h"
#include "yamldoc.h"

/* ---- writing ------------------------------------------------------------ */

/* Every string is written double-quoted, so no value can be mistaken for
 * YAML syntax, and with U+2028/U+2029 and the like escaped, so that it
 * reads back unchanged (text.h). */
static void quoted(FILE *out, const char *s)
{
	text_yaml_quoted(out, s);
}

static void literal_block(FILE *out, const char *key, const char *text)
{
	/* An explicit indentation indicator keeps the block valid even when
	 * the model file's first line starts with spaces. */
	fprintf(out, "%s: |2\n", key);
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		fprintf(out, "%s%.*s\n", len ? "  " : "", (int)len, line);
		line += len + (end != NULL);
	}
}

static void write_fit(FILE *out, const char *key, const struct model *m,
		      const struct fit_result *r)
{
	fprintf(out,
		"    %s:\n      runs: %zu\n      r2: %.17g\n"
		"      mape: %.17g\n      params: {",
		key, r->runs, r->r2, r->mape);
	for (size_t j = 0; j < m->nparams; j++)
		fprintf(out, "%s%s: %.17g", j ? ", " : "", m->params[j].name,
			r->value[j]);
	fputs("}\n      informed: [", out);
	for (size_t j = 0, k = 0; j < m->nparams; j++)
		if (r->informed[j])
			fprintf(out, "%s%s", k++ ? ", " : "",
				m->params[j].name);
	fputs("]\n      # covariance of the log parameters, rows and "
	      "columns in the order of informed\n      covariance: [",
	      out);
	bool first_row = true;
	for (size_t a = 0; a < m->nparams; a++) {
		if (!r->informed[a])
			continue;
		fputs(first_row ? "[" : ", [", out);
		first_row = false;
		for (size_t b = 0, k = 0; b < m->nparams; b++)
			if (r->informed[b])
				fprintf(out, "%s%.17g", k++ ? ", " : "",
					r->cov[a * m->nparams + b]);
		fputc(']', out);
	}
	fputs("]\n", out);
}

/* A workload's value of workload key f, as a profile would write it. */
static void write_value(FILE *out, const struct profile_workload *w,
			enum schema_field f)
{
	const void *p = schema_place(f, (struct profile_workload *)w, NULL);
	switch (schema_fields[f].type) {
	case SCHEMA_T_STRING:
		quoted(out, *(const char *const *)p);
		break;
	case SCHEMA_T_ARCH:
		fputs(profile_arch_name(w->architecture), out);
		break;
	case SCHEMA_T_MODALITY:
		fputs(profile_modality_name(w->modality), out);
		break;
	case SCHEMA_T_BOOL:
		fputs(*(const bool *)p ? "true" : "false", out);
		break;
	case SCHEMA_T_PIXELS: /* run keys only: never a workload's */
		fprintf(out, "%ux%u", *(const uint32_t *)p >> 16,
			*(const uint32_t *)p & 0xffff);
		break;
	case SCHEMA_T_NUMBER:
		if (schema_fields[f].integer)
			fprintf(out, "%u", *(const uint32_t *)p);
		else
			fprintf(out, "%.17g", *(const double *)p);
		break;
	}
}

/* Every workload key of the schema that w gives, in the table's order;
 * the shape as one flow mapping with all its keys (0: not given). */
static void write_workload(FILE *out, const struct profile_workload *w)
{
	const char *lead = "      - ";
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++) {
		const struct schema_field_info *i = &schema_fields[f];
		bool shape = i->group == SCHEMA_SHAPE;
		bool first_of_shape =
			shape && f > 0 &&
			schema_fields[f - 1].group != SCHEMA_SHAPE;
		if (shape && !first_of_shape)
			continue;
		if (shape) {
			fprintf(out, "%sshape: {", lead);
			for (int k = f; k < SCHEMA_FIRST_RUN_FIELD &&
					schema_fields[k].group == SCHEMA_SHAPE;
			     k++) {
				fprintf(out, "%s%s: ", k > f ? ", " : "",
					schema_fields[k].key);
				write_value(out, w, (enum schema_field)k);
			}
			fputs("}\n", out);
		} else if (schema_given((enum schema_field)f, w)) {
			fprintf(out, "%s%s: ", lead, i->key);
			write_value(out, w, (enum schema_field)f);
			fputc('\n', out);
		} else {
			continue;
		}
		lead = "        ";
	}
}

void fitfile_write(FILE *out, const struct model *const models[2],
		   const struct profile_set *set, const struct dataset *ds,
		   const struct fit_group *fits)
{
	fprintf(out,
		"# Fitted by energylens %s; use it with "
		"'energylens predict --fitted FILE'.\n"
		"# Format: energylens-model(5).\n"
		"energylens-fit: 1\n",
		PACKAGE_VERSION);
	literal_block(out, "energy-model", models[0]->source);
	literal_block(out, "latency-model", models[1]->source);
	fputs("groups:\n", out);
	for (size_t g = 0; g < ds->count; g++) {
		const struct fit_group *f = &fits[g];
		if (f->energy_status != FIT_OK)
			continue;
		fputs("  - label: ", out);
		quoted(out, ds->groups[g].label);
		fputc('\n', out);
		write_fit(out, "energy", models[0], &f->energy);
		if (f->latency_status == FIT_OK)
			write_fit(out, "latency", models[1], &f->latency);
		fputs("    workloads:\n", out);
		for (size_t k = 0; k < ds->groups[g].nworkloads; k++)
			write_workload(
				out,
				&set->workloads[ds->groups[g].workloads[k]]);
	}
}

static void json_numbers(FILE *out, const double *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		fprintf(out, "%.17g", v[i]);
	}
	fputc(']', out);
}

static void write_problem_model(FILE *out, const struct model *m)
{
	fputs("{\"model\": {\"name\": ", out);
	json_string(out, m->name);
	fprintf(out, ", \"prior_weight\": %.17g,\n \"params\": [",
		m->prior_weight);
	for (size_t j = 0; j < m->nparams; j++) {
		fputs(j ? ", {\"name\": " : "{\"name\": ", out);
		json_string(out, m->params[j].name);
		fprintf(out, ", \"default\": %.17g}", m->params[j].def);
	}
	fputs("],\n \"terms\": [", out);
	for (size_t t = 0; t < m->nterms; t++) {
		fputs(t ? ", " : "", out);
		json_string(out, m->terms[t].text);
	}
	fputs("],\n \"inputs\": [", out);
	for (size_t i = 0; i < MODEL_NINPUTS; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, model_input_names[i]);
	}
	fputs("]},\n\"groups\": [", out);
}

void fitfile_write_problem(FILE *out, const struct model *m,
			   const struct fitfile_problem *groups, size_t n)
{
	write_problem_model(out, m);
	for (size_t g = 0; g < n; g++) {
		const struct fit_data *d = groups[g].data;
		const struct fit_result *f = groups[g].result;
		fputs(g ? ",\n{\"label\": " : "\n{\"label\": ", out);
		json_string(out, groups[g].label);
		fprintf(out, ", \"fitted\": %s, \"informed\": [",
			groups[g].fitted ? "true" : "false");
		for (size_t j = 0; j < m->nparams; j++)
			fprintf(out, "%s%s", j ? ", " : "",
				f->informed[j] ? "true" : "false");
		fputs("],\n \"solution\": {\"params\": ", out);
		json_numbers(out, f->value, m->nparams);
		fprintf(out, ", \"cost\": %.17g},\n \"y\": ", f->cost);
		json_numbers(out, d->y, d->n);
		fputs(",\n \"rows\": [", out);
		for (size_t i = 0; i < d->n; i++) {
			fputs(i ? ",\n  " : "\n  ", out);
			json_numbers(out, d->inputs + i * MODEL_NINPUTS,
				     MODEL_NINPUTS);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

/* ---- reading ------------------------------------------------------------ */

/* A fitted-model file being read: its YAML document and errors (shared
 * with the other readers of the program's own files), and what it holds. */
struct reader {
	struct yamldoc y;
	struct fitfile *ff;
};

static double number(struct reader *R, const yaml_node_t *n, const char *what)
{
	const char *s = yamldoc_scalar(n);
	double unused;
	if (s && schema_number(s, &unused) == SCHEMA_NUM_LEADING_ZERO) {
		char why[192];
		schema_leading_zero_text(s, why, sizeof why);
		yamldoc_error(&R->y, n, "%s has a leading zero: %s", what, why);
		return NAN;
	}
	char *end = NULL;
	errno = 0;
	double v = s ? strtod(s, &end) : NAN;
	if (!s || end == s || *end || errno == ERANGE) {
		yamldoc_error(&R->y, n,
			      "%s is not a number (expected a number)", what);
		return NAN;
	}
	return v;
}

/* A fit's run count: a whole number, converted only once it is known to
 * fit (a NaN or a negative one cannot be made a size_t). */
static size_t run_count(struct reader *R, const yaml_node_t *n)
{
	size_t errors = R->y.errors;
	double v = number(R, n, "runs");
	if (R->y.errors != errors)
		return 0;
	if (!(v >= 0 && v == floor(v) && v <= 1e15)) {
		yamldoc_error(
			&R->y, n,
			"runs is %s (expected a whole number >= 0: the runs "
			"fitted)",
			yamldoc_scalar(n));
		return 0;
	}
	return (size_t)v;
}

/* A fitted parameter: predict and rank use it as it is, so a value no fit
 * can produce (parameters are positive) is refused here rather than shown
 * as a NaN prediction later. */
static double parameter(struct reader *R, const yaml_node_t *n,
			const struct model *m, size_t j)
{
	size_t errors = R->y.errors;
	double v = number(R, n, m->params[j].name);
	if (R->y.errors == errors && !(isfinite(v) && v > 0))
		yamldoc_error(
			&R->y, n,
			"parameter %s of %s is %s (expected a finite number "
			"> 0)",
			m->params[j].name, m->name, yamldoc_scalar(n));
	return v;
}

static struct model *embedded_model(struct reader *R, const yaml_node_t *root,
				    const char *key, enum model_target target)
{
	const char *text = yamldoc_scalar(yamldoc_lookup(&R->y, root, key));
	if (!text) {
		yamldoc_error(&R->y, root,
			      "no %s (expected the model file as a "
			      "literal block)",
			      key);
		return NULL;
	}
	struct model *m =
		model_parse(R->y.name, text, strlen(text), R->y.diags);
	if (!m)
		R->y.errors++;
	else if (m->target != target) {
		yamldoc_error(&R->y, yamldoc_lookup(&R->y, root, key),
			      "%s has target %s (expected %s)", key,
			      model_target_name(m->target),
			      model_target_name(target));
		model_free(m);
		m = NULL;
	}
	return m;
}

static void read_fit(struct reader *R, const yaml_node_t *n,
		     const struct model *m, struct fit_result *r)
{
	if (fit_result_init(r, m->nparams) != 0) {
		yamldoc_error(&R->y, n, "out of memory");
		return;
	}
	r->runs = run_count(R, yamldoc_lookup(&R->y, n, "runs"));
	r->r2 = number(R, yamldoc_lookup(&R->y, n, "r2"), "r2");
	r->mape = number(R, yamldoc_lookup(&R->y, n, "mape"), "mape");
	yaml_node_t *params = yamldoc_lookup(&R->y, n, "params");
	for (size_t j = 0; j < m->nparams; j++) {
		yaml_node_t *v =
			yamldoc_lookup(&R->y, params, m->params[j].name);
		r->value[j] = v ? parameter(R, v, m, j) : NAN;
		r->stderr_[j] = NAN;
		if (!v)
			yamldoc_error(&R->y, params ? params : n,
				      "no value for parameter %s of %s",
				      m->params[j].name, m->name);
	}
	yaml_node_t *informed = yamldoc_lookup(&R->y, n, "informed");
	if (!informed || informed->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = informed->data.sequence.items.start;
	     it < informed->data.sequence.items.top; it++) {
		int j = model_param_index(
			m, yamldoc_scalar(yamldoc_node(&R->y, *it))
				   ? yamldoc_scalar(yamldoc_node(&R->y, *it))
				   : "");
		if (j < 0)
			yamldoc_error(&R->y, yamldoc_node(&R->y, *it),
				      "unknown parameter in "
				      "informed");
		else
			r->informed[j] = true;
	}
}

/* The text of a string that predict and rank print: a control character
 * in it would be a terminal command. NULL after saying so. */
static const char *printable(struct reader *R, const yaml_node_t *n,
			     const char *what)
{
	const char *s = yamldoc_scalar(n);
	unsigned cp;
	if (s && utf8_find_control(s, strlen(s), &cp)) {
		yamldoc_error(&R->y, n,
			      "%s has the control character U+%04X (expected "
			      "printable text)",
			      what, cp);
		return NULL;
	}
	return s;
}

/* Reads workload key f from its node v into w, by the rules of a profile
 * (schema.c); a 0 in the shape means "not given", as fitfile_write puts
 * it. */
static void read_value(struct reader *R, const yaml_node_t *v,
		       enum schema_field f, struct profile_workload *w)
{
	const struct schema_field_info *i = &schema_fields[f];
	void *dst = schema_place(f, w, NULL);
	const char *s = printable(R, v, i->name);
	if (!s) {
		if (!yamldoc_scalar(v) && i->type != SCHEMA_T_STRING)
			yamldoc_error(&R->y, v,
				      "%s is not a scalar (expected %s)",
				      i->name, schema_expectation(f));
		return;
	}
	double x = 0;
	bool ok = true;
	switch (i->type) {
	case SCHEMA_T_STRING:
		if (!(*(const char **)dst =
			      profile_intern(&R->ff->set, s, strlen(s))))
			yamldoc_error(&R->y, v, "out of memory");
		return;
	case SCHEMA_T_ARCH:
		ok = (w->architecture = schema_arch(s)) != ARCH_UNSET;
		break;
	case SCHEMA_T_MODALITY:
		ok = (w->modality = schema_modality(s)) != MODALITY_UNSET;
		break;
	case SCHEMA_T_BOOL:
		ok = schema_bool(s, (bool *)dst);
		break;
	case SCHEMA_T_PIXELS: /* run keys only: never a workload's */
		ok = vision_parse_px(s, (uint32_t *)dst);
		break;
	case SCHEMA_T_NUMBER:
		if (schema_number(s, &x) == SCHEMA_NUM_LEADING_ZERO) {
			char why[192];
			schema_leading_zero_text(s, why, sizeof why);
			yamldoc_error(&R->y, v, "%s has a leading zero: %s",
				      i->name, why);
			return;
		}
		ok = schema_number(s, &x) == SCHEMA_NUM_OK &&
		     ((i->integer && x == 0) || !schema_number_problem(f, x));
		if (ok && i->integer)
			*(uint32_t *)dst = (uint32_t)x;
		else if (ok)
			*(double *)dst = x;
		break;
	}
	if (!ok)
		yamldoc_error(&R->y, v, "%s is not valid: %.40s (expected %s)",
			      i->name, s, schema_expectation(f));
}

static void read_workload(struct reader *R, const yaml_node_t *n,
			  struct fitfile_group *g)
{
	struct profile_workload w;
	struct profile_set *set = &R->ff->set;
	schema_init(&w, NULL);
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++) {
		const struct schema_field_info *i = &schema_fields[f];
		const yaml_node_t *in =
			i->group == SCHEMA_TOP
				? n
				: yamldoc_lookup(&R->y, n,
						 schema_group_names[i->group]);
		const yaml_node_t *v = yamldoc_lookup(&R->y, in, i->key);
		if (v) /* optional, as in a profile */
			read_value(R, v, (enum schema_field)f, &w);
	}
	long index = profile_add_workload(set, &w);
	if (index < 0 ||
	    !grow_for_one((void **)&g->workloads, g->nworkloads,
			  &g->workloads_cap, sizeof *g->workloads)) {
		yamldoc_error(&R->y, n, "out of memory");
		return;
	}
	g->workloads[g->nworkloads++] = (size_t)index;
}

static void read_group(struct reader *R, const yaml_node_t *n)
{
	struct fitfile *ff = R->ff;
	struct fitfile_group *g = &ff->groups[ff->count++];
	memset(g, 0, sizeof *g);
	const char *label =
		printable(R, yamldoc_lookup(&R->y, n, "label"), "label");
	g->label = strdup(label ? label : "");
	yaml_node_t *energy = yamldoc_lookup(&R->y, n, "energy"),
		    *lat = yamldoc_lookup(&R->y, n, "latency");
	if (!energy)
		yamldoc_error(&R->y, n, "a group has no energy fit");
	else
		read_fit(R, energy, ff->models[0], &g->energy);
	if ((g->has_latency = lat && lat->type == YAML_MAPPING_NODE))
		read_fit(R, lat, ff->models[1], &g->latency);
	yaml_node_t *ws = yamldoc_lookup(&R->y, n, "workloads");
	if (!ws || ws->type != YAML_SEQUENCE_NODE) {
		yamldoc_error(&R->y, n,
			      "a group has no workloads (expected a sequence)");
		return;
	}
	for (yaml_node_item_t *it = ws->data.sequence.items.start;
	     it < ws->data.sequence.items.top; it++)
		read_workload(R, yamldoc_node(&R->y, *it), g);
}

static void read_root(struct reader *R, yaml_node_t *root)
{
	const char *version =
		yamldoc_scalar(yamldoc_lookup(&R->y, root, "energylens-fit"));
	if (!version || strcmp(version, "1") != 0) {
		yamldoc_error(&R->y, root,
			      "not a fitted-model file (expected "
			      "'energylens-fit: 1', as written by "
			      "energylens fit -o)");
		return;
	}
	R->ff->models[0] =
		embedded_model(R, root, "energy-model", TARGET_ENERGY);
	R->ff->models[1] =
		embedded_model(R, root, "latency-model", TARGET_LATENCY);
	yaml_node_t *groups = yamldoc_lookup(&R->y, root, "groups");
	if (!R->ff->models[0] || !R->ff->models[1])
		return;
	if (!groups || groups->type != YAML_SEQUENCE_NODE) {
		yamldoc_error(&R->y, root,
			      "no groups (expected a sequence of fits)");
		return;
	}
	size_t n = (size_t)(groups->data.sequence.items.top -
			    groups->data.sequence.items.start);
	if (!(R->ff->groups = calloc(n ? n : 1, sizeof *R->ff->groups))) {
		yamldoc_error(&R->y, root, "out of memory");
		return;
	}
	for (yaml_node_item_t *it = groups->data.sequence.items.start;
	     it < groups->data.sequence.items.top; it++)
		read_group(R, yamldoc_node(&R->y, *it));
}

static const char *event_tag(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)e->data.scalar.tag;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)e->data.sequence_start.tag;
	case YAML_MAPPING_START_EVENT:
		return (const char *)e->data.mapping_start.tag;
	default:
		return NULL;
	}
}

/* energylens fit never writes a tag, and the document loader below would
 * take !!str 1 for the text "1" without a word: a file with any tag has
 * been edited into something this reader cannot promise to read as its
 * writer meant, so it is refused (syntax errors are left to the loader).
 * Returns whether one was found and reported. */
static bool refuse_tags(const char *name, const char *text, size_t len,
			struct diag_list *diags)
{
	yaml_parser_t parser;
	yaml_event_t e;
	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	bool found = false, done = false;
	while (!found && !done && yaml_parser_parse(&parser, &e)) {
		const char *tag = event_tag(&e);
		if (tag) {
			const char *core = "tag:yaml.org,2002:";
			bool short_form = strncmp(tag, core, strlen(core)) == 0;
			unsigned cp;
			diag_add(
				diags, DIAG_ERROR, name,
				(unsigned)e.start_mark.line + 1,
				(unsigned)e.start_mark.column + 1,
				"a value has the tag %s%.40s (expected no tags "
				"in a fitted-model file)",
				short_form ? "!!" : "",
				utf8_find_control(tag, strlen(tag), &cp)
					? "(with control characters)"
				: short_form ? tag + strlen(core)
					     : tag);
			found = true;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	return found;
}

struct fitfile *fitfile_parse(const char *name, const char *text, size_t len,
			      struct diag_list *diags)
{
	if (refuse_tags(name, text, len, diags))
		return NULL;
	struct reader R = {.y = {.name = name, .diags = diags}};
	if (!yamldoc_load(&R.y, text, len))
		return NULL;
	if (!(R.ff = calloc(1, sizeof *R.ff))) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		yaml_document_delete(&R.y.doc);
		return NULL;
	}
	profile_set_init(&R.ff->set);
	read_root(&R, yaml_document_get_root_node(&R.y.doc));
	yaml_document_delete(&R.y.doc);
	if (R.y.errors) {
		fitfile_free(R.ff);
		return NULL;
	}
	return R.ff;
}

struct fitfile *fitfile_load(const char *path, struct diag_list *diags)
{
	size_t len = 0;
	/* "-" is standard input, as for profiles; past 1 GiB it is not a
	 * fitted-model file (/dev/zero?) */
	const char *name = slurp_name(path);
	char *text = slurp_path(path, (size_t)1 << 30, &len);
	if (!text) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "cannot read: %s",
			 strerror(errno));
		return NULL;
	}
	struct fitfile *ff = fitfile_parse(name, text, len, diags);
	free(text);
	return ff;
}

void fitfile_free(struct fitfile *ff)
{
	if (!ff)
		return;
	model_free(ff->models[0]);
	model_free(ff->models[1]);
	for (size_t g = 0; g < ff->count; g++) {
		free(ff->groups[g].label);
		free(ff->groups[g].workloads);
		fit_result_free(&ff->groups[g].energy);
		fit_result_free(&ff->groups[g].latency);
	}
	free(ff->groups);
	profile_set_free(&ff->set);
	free(ff);
}
