/* Model files and the physics of the derived inputs. Model files are a few
 * dozen lines, so libyaml's document API (a node tree) is used here; the
 * profile loader, which must stream millions of runs, uses events. */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "model_builtin.h"
#include "schema.h"
#include "slurp.h"
#include "text.h"
#include "utf8.h"
#include "yamldoc.h"

const char *const model_input_names[MODEL_NINPUTS] = {
	[IN_T] = "t",	[IN_P] = "p",  [IN_DP] = "dp",	   [IN_N] = "n",
	[IN_B] = "B",	[IN_I] = "I",  [IN_O] = "O",	   [IN_V] = "V",
	[IN_VE] = "Ve", [IN_NP] = "N", [IN_NA] = "Na",	   [IN_BITS] = "bits",
	[IN_L] = "L",	[IN_H] = "h",  [IN_LH] = "Lh",	   [IN_KV] = "kv",
	[IN_E] = "E",	[IN_K] = "k",  [IN_WEFF] = "Weff", [IN_KVR] = "KVr",
	[IN_X] = "x",
};

const char *model_phase_name(enum model_phase phase)
{
	static const char *const names[] = {"prefill", "decode", "static"};
	return names[phase];
}

const char *model_kind_name(enum model_kind kind)
{
	static const char *const names[] = {"compute", "memory", "tp", "pp",
					    "idle"};
	return names[kind];
}

const char *model_target_name(enum model_target target)
{
	return target == TARGET_ENERGY ? "energy" : "latency";
}

/* ---- derived inputs ----------------------------------------------------- */

/* GB of weights a decode step streams. A batch of B tokens routed to k of
 * E experts each touches a share 1 - (1 - k/E)^B of the experts, so a MoE
 * streams its shared weights plus that share of the expert weights. The
 * shared/expert split follows from N = s + e and Na = s + e*k/E. */
static double weights_streamed(const struct profile_workload *w, double N,
			       double Na, double bits, double B)
{
	double E = w->shape.experts, k = w->shape.experts_per_token;
	double params = N;
	if (E > 0 && k > 0 && k < E && !isnan(w->params_b) &&
	    !isnan(w->active_params_b)) {
		double shared = (Na * E - N * k) / (E - k);
		shared = fmin(fmax(shared, 0), N);
		double touched = 1 - pow(1 - k / E, B);
		params = shared + (N - shared) * touched;
	}
	return bits / 8 * params;
}

/* MB of KV cache read per generated token at the mean context I + O/2
 * (16-bit cache). Sliding-window layers read at most their window. */
static double kv_read(const struct profile_workload *w, double I, double O)
{
	double context = I + O / 2;
	const struct profile_shape *s = &w->shape;
	if (!s->kv_elements || !s->layers)
		return context; /* size factor unknown: 1 MB per token */
	double attention = s->attention_layers
				   ? fmin(s->attention_layers, s->layers)
				   : s->layers;
	double sliding = fmin(s->sliding_layers, attention);
	double window = s->sliding_window ? s->sliding_window : context;
	double tokens = (attention - sliding) * context +
			sliding * fmin(context, window);
	return 2.0 * s->kv_elements * tokens / 1e6;
}

void model_inputs(const struct profile_workload *w, const struct profile_run *r,
		  double *in)
{
	in[IN_T] = r->tp;
	in[IN_P] = r->pp;
	in[IN_DP] = r->dp;
	in[IN_N] = (double)r->tp * r->pp * r->dp;
	in[IN_B] = r->batch_size;
	in[IN_I] = r->input_tokens;
	in[IN_O] = r->output_tokens;
	in[IN_V] = r->vision_tokens;
	in[IN_VE] = r->vision_encoder_tokens;
	/* One size known stands for the other; neither known: factor 1. */
	double N = !isnan(w->params_b)		? w->params_b
		   : !isnan(w->active_params_b) ? w->active_params_b
						: 1;
	double Na = !isnan(w->active_params_b) ? w->active_params_b : N;
	in[IN_NP] = N;
	in[IN_NA] = Na;
	in[IN_BITS] = w->shape.weight_bits ? w->shape.weight_bits
					   : SCHEMA_WEIGHT_BITS_DEFAULT;
	in[IN_L] = w->shape.layers ? w->shape.layers : 1;
	in[IN_H] = w->shape.hidden_size ? w->shape.hidden_size : 1;
	in[IN_LH] = w->shape.layers && w->shape.hidden_size
			    ? in[IN_L] * in[IN_H] * 1e-6
			    : 1;
	in[IN_KV] = w->shape.kv_elements;
	in[IN_E] = w->shape.experts;
	in[IN_K] = w->shape.experts_per_token;
	in[IN_WEFF] = weights_streamed(w, N, Na, in[IN_BITS], in[IN_B]);
	in[IN_KVR] = kv_read(w, in[IN_I], in[IN_O]);
	in[IN_X] = (r->pp - 1.0) + (r->dp - 1.0);
}

double model_predict(const struct model *m, const double *in,
		     const double *params, double *terms)
{
	double sum = 0;
	for (size_t i = 0; i < m->nterms; i++) {
		double v = expr_eval(m->terms[i].expr, in, params);
		if (terms)
			terms[i] = v;
		sum += v;
	}
	return sum;
}

int model_param_index(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- parsing ------------------------------------------------------------ */

struct parse {
	struct yamldoc y;
	struct model *m;
};

/* The first control character of s other than a tab or a line break
 * (descriptions are folded text), or 0: fit prints these strings, and a
 * control character is a terminal command. */
static unsigned control_in(const char *s)
{
	unsigned cp;
	for (size_t n = strlen(s); utf8_find_control(s, n, &cp);) {
		if (cp != '\t' && cp != '\n')
			return cp;
		const char *at = strchr(s, (int)cp);
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	return 0;
}

static char *required_string(struct parse *P, const yaml_node_t *map,
			     const char *key, const char *where)
{
	yaml_node_t *v = yamldoc_lookup(&P->y, map, key);
	const char *s = yamldoc_scalar(v);
	if (!s || !*s) {
		yamldoc_error(&P->y, v ? v : map,
			      "%s has no %s (expected a string)", where, key);
		return NULL;
	}
	unsigned cp = control_in(s);
	if (cp) {
		yamldoc_error(&P->y, v,
			      "%s of %s has the control character U+%04X "
			      "(expected printable text)",
			      key, where, cp);
		return NULL;
	}
	char *copy = strdup(s);
	if (!copy)
		yamldoc_error(&P->y, v, "out of memory");
	return copy;
}

static bool positive_number(struct parse *P, const yaml_node_t *node,
			    const char *what, double *out)
{
	const char *s = yamldoc_scalar(node);
	char *end = NULL;
	errno = 0;
	double v = s ? strtod(s, &end) : NAN;
	if (!s || end == s || *end || errno == ERANGE || !isfinite(v) ||
	    v <= 0) {
		yamldoc_error(&P->y, node,
			      "%s is not a positive number: %s (expected "
			      "a finite number > 0)",
			      what, s ? s : "(none)");
		return false;
	}
	*out = v;
	return true;
}

static int word_index(const char *s, const char *const *words, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

static void parse_params(struct parse *P, const yaml_node_t *seq)
{
	static const char *const known[] = {"name", "default", "unit",
					    "meaning", NULL};
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.start == seq->data.sequence.items.top) {
		yamldoc_error(&P->y, seq,
			      "parameters is missing or empty (expected a "
			      "sequence of {name, default, unit, meaning})");
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yamldoc_node(&P->y, *it);
		if (!n || n->type != YAML_MAPPING_NODE) {
			yamldoc_error(&P->y, n,
				      "a parameter is not a mapping "
				      "(expected {name, default, unit, "
				      "meaning})");
			continue;
		}
		if (P->m->nparams == MODEL_MAX_PARAMS) {
			yamldoc_error(&P->y, n,
				      "too many parameters (expected at "
				      "most %d)",
				      MODEL_MAX_PARAMS);
			return;
		}
		yamldoc_check_keys(&P->y, n, known, "a parameter");
		struct model_param *p = &P->m->params[P->m->nparams++];
		p->name = required_string(P, n, "name", "a parameter");
		p->unit = required_string(P, n, "unit", "a parameter");
		p->meaning = required_string(P, n, "meaning", "a parameter");
		yaml_node_t *d = yamldoc_lookup(&P->y, n, "default");
		p->def = 1;
		if (d)
			positive_number(P, d, "default", &p->def);
		else
			yamldoc_error(&P->y, n,
				      "a parameter has no default (expected "
				      "a number > 0)");
		for (size_t i = 0; p->name && i + 1 < P->m->nparams; i++)
			if (P->m->params[i].name &&
			    strcmp(P->m->params[i].name, p->name) == 0)
				yamldoc_error(&P->y, n,
					      "parameter '%s' defined twice",
					      p->name);
		for (int i = 0; p->name && i < MODEL_NINPUTS; i++)
			if (strcmp(model_input_names[i], p->name) == 0)
				yamldoc_error(
					&P->y, n,
					"parameter '%s' has the name of an "
					"input (expected another name)",
					p->name);
	}
}

static bool lookup_symbol(void *ctx, const char *name, size_t len,
			  enum expr_symbol_kind *kind, unsigned *index)
{
	const struct model *m = ctx;
	for (unsigned i = 0; i < MODEL_NINPUTS; i++)
		if (strlen(model_input_names[i]) == len &&
		    strncmp(model_input_names[i], name, len) == 0) {
			*kind = EXPR_INPUT;
			*index = i;
			return true;
		}
	for (unsigned i = 0; i < m->nparams; i++)
		if (m->params[i].name && strlen(m->params[i].name) == len &&
		    strncmp(m->params[i].name, name, len) == 0) {
			*kind = EXPR_PARAM;
			*index = i;
			return true;
		}
	return false;
}

static void parse_term(struct parse *P, yaml_node_t *n)
{
	static const char *const known[] = {"name", "phase", "kind", "expr",
					    NULL};
	static const char *const phases[] = {"prefill", "decode", "static"};
	static const char *const kinds[] = {"compute", "memory", "tp", "pp",
					    "idle"};
	yamldoc_check_keys(&P->y, n, known, "a term");
	struct model_term *t = &P->m->terms[P->m->nterms++];
	t->name = required_string(P, n, "name", "a term");
	yaml_node_t *ph = yamldoc_lookup(&P->y, n, "phase"),
		    *kd = yamldoc_lookup(&P->y, n, "kind");
	int phase = word_index(yamldoc_scalar(ph), phases, 3);
	int kind = word_index(yamldoc_scalar(kd), kinds, 5);
	if (phase < 0)
		yamldoc_error(&P->y, ph ? ph : n,
			      "a term's phase is '%s' (expected "
			      "prefill, decode or static)",
			      yamldoc_scalar(ph) ? yamldoc_scalar(ph) : "");
	if (kind < 0)
		yamldoc_error(&P->y, kd ? kd : n,
			      "a term's kind is '%s' (expected "
			      "compute, memory, tp, pp or idle)",
			      yamldoc_scalar(kd) ? yamldoc_scalar(kd) : "");
	t->phase = phase < 0 ? PHASE_DECODE : (enum model_phase)phase;
	t->kind = kind < 0 ? KIND_COMPUTE : (enum model_kind)kind;
	t->text = required_string(P, n, "expr", "a term");
	if (!t->text)
		return;
	struct expr_error err;
	t->expr = expr_compile(t->text, lookup_symbol, P->m, &err);
	if (!t->expr) {
		yaml_node_t *e = yamldoc_lookup(&P->y, n, "expr");
		/* The column inside the expression is added to the scalar's
		 * own column only for plain one-line scalars, whose text
		 * starts right there; quoted ones start one further. */
		bool quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		unsigned line = (unsigned)e->start_mark.line + 1;
		unsigned col =
			(unsigned)e->start_mark.column + quoted + err.col;
		diag_add(P->y.diags, DIAG_ERROR, P->y.name, line, col,
			 "in the expression of term '%s': %s",
			 t->name ? t->name : "?", err.message);
		P->y.errors++;
	}
}

static void parse_terms(struct parse *P, const yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.start == seq->data.sequence.items.top) {
		yamldoc_error(&P->y, seq,
			      "terms is missing or empty (expected a "
			      "sequence of {name, phase, kind, expr})");
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yamldoc_node(&P->y, *it);
		if (!n || n->type != YAML_MAPPING_NODE) {
			yamldoc_error(&P->y, n,
				      "a term is not a mapping (expected "
				      "{name, phase, kind, expr})");
			continue;
		}
		if (P->m->nterms == MODEL_MAX_TERMS) {
			yamldoc_error(&P->y, n,
				      "too many terms (expected at most %d)",
				      MODEL_MAX_TERMS);
			return;
		}
		parse_term(P, n);
	}
}

/* Every parameter must serve a term, or the fit could not inform it and
 * nothing would show it. */
static void check_params_used(struct parse *P, const yaml_node_t *root)
{
	for (size_t j = 0; j < P->m->nparams; j++) {
		bool used = false;
		for (size_t i = 0; i < P->m->nterms && !used; i++) {
			const struct expr *e = P->m->terms[i].expr;
			for (size_t s = 0; e && s < expr_param_count(e); s++)
				used |= expr_params(e)[s] == j;
		}
		if (!used && P->m->params[j].name)
			yamldoc_error(&P->y,
				      yamldoc_lookup(&P->y, root, "parameters"),
				      "parameter '%s' is used by no term",
				      P->m->params[j].name);
	}
}

static void parse_root(struct parse *P, yaml_node_t *root)
{
	static const char *const known[] = {"energylens-model",
					    "name",
					    "target",
					    "unit",
					    "description",
					    "prior_weight",
					    "parameters",
					    "terms",
					    NULL};
	if (!root || root->type != YAML_MAPPING_NODE) {
		yamldoc_error(&P->y, root,
			      "not a model file (expected a mapping with "
			      "energylens-model: 1, name, target, "
			      "parameters and terms)");
		return;
	}
	yamldoc_check_keys(&P->y, root, known, "a model file");
	const char *version =
		yamldoc_scalar(yamldoc_lookup(&P->y, root, "energylens-model"));
	if (!version || strcmp(version, "1") != 0)
		yamldoc_error(&P->y, root,
			      "unsupported model format %s (expected "
			      "'energylens-model: 1')",
			      version ? version : "(none)");
	P->m->name = required_string(P, root, "name", "the model");
	P->m->unit = required_string(P, root, "unit", "the model");
	P->m->description =
		required_string(P, root, "description", "the model");
	yaml_node_t *target = yamldoc_lookup(&P->y, root, "target");
	static const char *const targets[] = {"energy", "latency"};
	int t = word_index(yamldoc_scalar(target), targets, 2);
	if (t < 0)
		yamldoc_error(&P->y, target ? target : root,
			      "target is '%s' (expected energy or latency)",
			      yamldoc_scalar(target) ? yamldoc_scalar(target)
						     : "");
	P->m->target = t == 1 ? TARGET_LATENCY : TARGET_ENERGY;
	P->m->prior_weight = 0.05;
	yaml_node_t *pw = yamldoc_lookup(&P->y, root, "prior_weight");
	if (pw)
		positive_number(P, pw, "prior_weight", &P->m->prior_weight);
	parse_params(P, yamldoc_lookup(&P->y, root, "parameters"));
	parse_terms(P, yamldoc_lookup(&P->y, root, "terms"));
	if (P->y.errors == 0)
		check_params_used(P, root);
}

struct model *model_parse(const char *name, const char *text, size_t len,
			  struct diag_list *diags)
{
	struct parse P = {.y = {.name = name, .diags = diags}};
	if (!yamldoc_load(&P.y, text, len))
		return NULL;
	if (!(P.m = calloc(1, sizeof *P.m)) ||
	    !(P.m->source = malloc(len + 1))) {
		free(P.m);
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		yaml_document_delete(&P.y.doc);
		return NULL;
	}
	memcpy(P.m->source, text, len);
	P.m->source[len] = '\0';
	parse_root(&P, yaml_document_get_root_node(&P.y.doc));
	yaml_document_delete(&P.y.doc);
	if (P.y.errors) {
		model_free(P.m);
		return NULL;
	}
	return P.m;
}

struct model *model_load(const char *path, struct diag_list *diags)
{
	/* Model files are small; a bound keeps a wrong path from reading a
	 * huge file into memory. Named by the user: a FIFO is read as cat
	 * reads it. */
	enum { MAX_MODEL_FILE = 1 << 20 };
	size_t len;
	char *text = slurp_file(path, SLURP_ANY, MAX_MODEL_FILE, &len);
	struct model *m = NULL;
	if (!text && errno == EFBIG)
		diag_add(diags, DIAG_ERROR, path, 0, 0,
			 "file too large for a model (expected at most 1 MiB)");
	else if (!text)
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			 slurp_strerror(errno));
	else
		m = model_parse(path, text, len, diags);
	free(text);
	return m;
}

struct model *model_builtin(enum model_target target)
{
	struct diag_list diags;
	diag_init(&diags, stderr);
	const char *text = target == TARGET_ENERGY ? model_builtin_energy
						   : model_builtin_latency;
	struct model *m =
		model_parse(target == TARGET_ENERGY ? "(built-in energylens-12)"
						    : "(built-in latency-8)",
			    text, strlen(text), &diags);
	diag_free(&diags);
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nparams; i++) {
		free(m->params[i].name);
		free(m->params[i].unit);
		free(m->params[i].meaning);
	}
	for (size_t i = 0; i < m->nterms; i++) {
		free(m->terms[i].name);
		free(m->terms[i].text);
		expr_free(m->terms[i].expr);
	}
	free(m->name);
	free(m->unit);
	free(m->description);
	free(m->source);
	free(m);
}
