/* JSON results to profile documents (import_json.h). Jansson parses and
 * says where the syntax breaks; for a value that parses but does not fit,
 * a small scanner over the (then valid) text finds where its key is, so
 * every message points at file:line:col. */
#include "import_json.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

#define NPOS SIZE_MAX

/* ---- the text ----------------------------------------------------------- */

struct jdoc {
	const char *name;
	const char *text; /* what Jansson read (a copy when NaNs were nulled) */
	size_t len;
	char *copy;
	json_t *root;
	size_t root_off;
};

static size_t jws(const char *s, size_t i, size_t n)
{
	while (i < n &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* From the opening quote to just past the closing one. */
static size_t jstring_end(const char *s, size_t i, size_t n)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

static size_t jvalue_end(const char *s, size_t i, size_t n)
{
	if (i >= n)
		return n;
	if (s[i] == '"')
		return jstring_end(s, i, n);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && !strchr(",}] \t\r\n", s[i]))
			i++;
		return i;
	}
	int depth = 0;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i = jstring_end(s, i, n);
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return i + 1;
		i++;
	}
	return n;
}

/* Where the value of key is in the object at off, or NPOS. */
static size_t jmember(const struct jdoc *d, size_t off, const char *key)
{
	const char *s = d->text;
	size_t n = d->len, klen = strlen(key);
	if (off >= n || s[off] != '{')
		return NPOS;
	for (size_t i = jws(s, off + 1, n); i < n && s[i] == '"';) {
		size_t kend = jstring_end(s, i, n);
		bool match = kend - i - 2 == klen &&
			     memcmp(s + i + 1, key, klen) == 0;
		i = jws(s, kend, n);
		if (i >= n || s[i] != ':')
			return NPOS;
		i = jws(s, i + 1, n);
		if (match)
			return i;
		i = jws(s, jvalue_end(s, i, n), n);
		if (i >= n || s[i] != ',')
			return NPOS;
		i = jws(s, i + 1, n);
	}
	return NPOS;
}

/* Where element index of the array at off is, or NPOS. */
static size_t jelement(const struct jdoc *d, size_t off, size_t index)
{
	const char *s = d->text;
	size_t n = d->len;
	if (off >= n || s[off] != '[')
		return NPOS;
	size_t i = jws(s, off + 1, n);
	for (size_t k = 0; i < n && s[i] != ']'; k++) {
		if (k == index)
			return i;
		i = jws(s, jvalue_end(s, i, n), n);
		if (i >= n || s[i] != ',')
			return NPOS;
		i = jws(s, i + 1, n);
	}
	return NPOS;
}

static void jpos(const struct jdoc *d, size_t off, unsigned *line,
		 unsigned *col)
{
	*line = 1;
	*col = 1;
	if (off == NPOS || off > d->len)
		return;
	size_t start = 0;
	for (size_t i = 0; i < off; i++)
		if (d->text[i] == '\n')
			++*line, start = i + 1;
	*col = (unsigned)(off - start + 1);
}

/* Python's json writes NaN and Infinity, which are not JSON: after ": "
 * or ", " they become null in a copy of the same length, so that every
 * position stays where it was and the value reads as not given. */
static const char *null_nans(struct jdoc *d)
{
	static const char *const words[] = {" NaN", " Infinity", " -Infinity"};
	const char *s = d->text;
	for (size_t i = 0; i < d->len; i++) {
		if (s[i] == '"') {
			i = jstring_end(s, i, d->len) - 1;
			continue;
		}
		/* most bytes are neither: one look each */
		if (s[i] != ' ' || i + 1 >= d->len ||
		    (s[i + 1] != 'N' && s[i + 1] != 'I' && s[i + 1] != '-'))
			continue;
		for (int w = 0; w < 3; w++) {
			size_t n = strlen(words[w]);
			if (i + n > d->len || memcmp(s + i, words[w], n) != 0)
				continue;
			if (!d->copy) {
				d->copy = import_xrealloc(NULL, d->len + 1);
				memcpy(d->copy, d->text, d->len + 1);
			}
			memset(d->copy + i, ' ', n);
			memcpy(d->copy + i, "null", 4);
		}
	}
	return d->copy ? d->copy : d->text;
}

static bool jdoc_load(struct jdoc *d, const char *name, const char *buf,
		      size_t len, const char *what, struct diag_list *diags)
{
	memset(d, 0, sizeof *d);
	d->name = name;
	d->text = buf;
	d->len = len;
	d->text = null_nans(d);
	json_error_t err;
	d->root = json_loadb(d->text, d->len, JSON_REJECT_DUPLICATES, &err);
	if (!d->root) {
		diag_add(diags, DIAG_ERROR, name,
			 err.line > 0 ? (unsigned)err.line : 1,
			 err.column > 0 ? (unsigned)err.column : 1,
			 "not valid JSON: %s (expected %s)", err.text, what);
		return false;
	}
	d->root_off = jws(d->text, 0, d->len);
	if (!json_is_object(d->root)) {
		diag_add(diags, DIAG_ERROR, name, 1, 1,
			 "the JSON is not an object (expected %s)", what);
		return false;
	}
	return true;
}

static void jdoc_free(struct jdoc *d)
{
	json_decref(d->root);
	free(d->copy);
}

/* ---- records: one JSON object that becomes a run --------------------- */

struct rec {
	const struct jdoc *d;
	json_t *obj;   /* the object read */
	size_t off;    /* where it is */
	json_t *outer; /* where keys it lacks are looked up, or NULL */
	size_t outer_off;
	struct diag_list *diags;
	struct import_values w, run;
	size_t from[SCHEMA_FIELD_COUNT]; /* where each key came from */
	size_t errors;			 /* diags->errors at the start */
};

static json_t *rec_get(const struct rec *r, const char *key, size_t *off)
{
	json_t *v = json_object_get(r->obj, key);
	size_t base = r->off;
	if (!v && r->outer) {
		v = json_object_get(r->outer, key);
		base = r->outer_off;
	}
	if (off)
		*off = v ? jmember(r->d, base, key) : base;
	return json_is_null(v) ? NULL : v;
}

static void rec_diag(struct rec *r, enum diag_severity sev, size_t off,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void rec_diag(struct rec *r, enum diag_severity sev, size_t off,
		     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	unsigned line, col;
	jpos(r->d, off == NPOS ? r->off : off, &line, &col);
	diag_add(r->diags, sev, r->d->name, line, col, "%s", msg);
}

/* A number, or a string holding one (vLLM's --metadata writes strings).
 * 1: *out set; 0: absent or null; -1: reported. */
static int rec_num(struct rec *r, const char *key, double *out)
{
	size_t off;
	json_t *v = rec_get(r, key, &off);
	if (!v)
		return 0;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		double x = strtod(s, &end);
		/* decimal only: strtod would take "nan", "inf" and hex */
		if (*s && !*end && isfinite(x) &&
		    s[strspn(s, "0123456789+-.eE")] == '\0') {
			*out = x;
			return 1;
		}
	}
	rec_diag(r, DIAG_ERROR, off, "%s is not a number (expected one)", key);
	return -1;
}

static const char *rec_str(struct rec *r, const char *key)
{
	size_t off;
	json_t *v = rec_get(r, key, &off);
	if (!v)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	rec_diag(r, DIAG_ERROR, off, "%s is not a string (expected text)", key);
	return NULL;
}

static struct import_values *rec_values(struct rec *r, enum schema_field k)
{
	return schema_fields[k].run ? &r->run : &r->w;
}

/* Stores text under k, as import --set would; a second, different value
 * for the same key (tp and tensor_parallel_size) is an error. */
static void put_text(struct rec *r, enum schema_field k, const char *text,
		     const char *key, size_t off)
{
	struct import_values *v = rec_values(r, k), tmp;
	memset(&tmp, 0, sizeof tmp);
	const char *want = import_value_parse(&tmp, k, text);
	if (want) {
		rec_diag(r, DIAG_ERROR, off,
			 "%s '%s' is not valid for %s "
			 "(expected %s)",
			 key, text, schema_fields[k].name, want);
	} else if (v->set[k] &&
		   (tmp.str[k] ? !v->str[k] || strcmp(tmp.str[k], v->str[k])
			       : v->str[k] || tmp.num[k] != v->num[k])) {
		rec_diag(r, DIAG_ERROR, off,
			 "%s '%s' differs from the %s given before (expected "
			 "one value)",
			 key, text, schema_fields[k].name);
	} else if (!v->set[k]) {
		v->set[k] = true;
		v->num[k] = tmp.num[k];
		v->str[k] = tmp.str[k];
		tmp.str[k] = NULL;
		r->from[k] = off;
	}
	import_values_free(&tmp);
}

static void put_num(struct rec *r, enum schema_field k, double x,
		    const char *key, size_t off)
{
	char buf[32];
	import_format_number(buf, x);
	put_text(r, k, buf, key, off);
}

/* key's number, scaled, into k; false when absent. */
static bool take(struct rec *r, const char *key, enum schema_field k,
		 double scale)
{
	double x;
	size_t off;
	rec_get(r, key, &off);
	if (rec_num(r, key, &x) != 1)
		return false;
	put_num(r, k, x * scale, key, off);
	return true;
}

static void take_str(struct rec *r, const char *key, enum schema_field k)
{
	size_t off;
	rec_get(r, key, &off);
	const char *s = rec_str(r, key);
	if (s && *s)
		put_text(r, k, s, key, off);
}

/* --set: for what the file lacks; a value the file has and --set
 * contradicts is an error, not a silent choice. */
static void apply_sets(struct rec *r, const struct import_json_opts *o)
{
	for (size_t i = 0; i < o->nsets; i++) {
		enum schema_field k = o->sets[i].key;
		struct import_values *v = rec_values(r, k), tmp;
		memset(&tmp, 0, sizeof tmp);
		if (import_value_parse(&tmp, k, o->sets[i].value)) {
			import_values_free(&tmp);
			continue; /* checked on the command line */
		}
		bool same =
			tmp.str[k] ? v->str[k] && !strcmp(tmp.str[k], v->str[k])
				   : !v->str[k] && tmp.num[k] == v->num[k];
		if (v->set[k] && !same)
			rec_diag(r, DIAG_ERROR, r->from[k],
				 "--set %s=%s, but the file says otherwise "
				 "(expected --set only for what the file "
				 "lacks)",
				 schema_fields[k].name, o->sets[i].value);
		else if (!v->set[k]) {
			v->set[k] = true;
			v->num[k] = tmp.num[k];
			v->str[k] = tmp.str[k];
			tmp.str[k] = NULL;
		}
		import_values_free(&tmp);
	}
}


/* The workload's values joined: runs with the same ones share a document. */
static char *group_key(const char *verb, const struct import_values *w)
{
	size_t cap = strlen(verb) + 2, n = 0;
	char *g = import_xrealloc(NULL, cap);
	n = (size_t)snprintf(g, cap, "%s\x1f", verb);
	for (int k = 0; k < SCHEMA_FIRST_RUN_FIELD; k++) {
		char num[32];
		const char *s = w->str[k];
		if (!w->set[k])
			s = "";
		else if (!s) {
			import_format_number(num, w->num[k]);
			s = num;
		}
		size_t len = strlen(s);
		g = import_xrealloc(g, n + len + 2);
		memcpy(g + n, s, len);
		n += len;
		g[n++] = '\x1f';
		g[n] = '\0';
	}
	return g;
}

static void values_copy(struct import_values *dst,
			const struct import_values *src)
{
	*dst = *src;
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		if (src->str[k])
			dst->str[k] = import_xstrdup(src->str[k]);
}

/* Adds the run to its workload's document; comments[] (NULL-ended) go
 * above a new document. Returns the document, or NULL when the record had
 * errors or lacks a required key (reported). */
static struct import_doc *rec_commit(struct rec *r, struct import_set *set,
				     const char *verb,
				     const char *const *comments,
				     char *run_note)
{
	int missing = import_missing_required(&r->run, &r->w);
	if (missing == SCHEMA_ENERGY_PREFILL_J ||
	    missing == SCHEMA_ENERGY_DECODE_J)
		missing = SCHEMA_ENERGY_TOTAL_J;
	if (r->diags->errors == r->errors && missing >= 0)
		rec_diag(r, DIAG_ERROR, r->off,
			 "no %s (%s) in the file (expected --set %s=VALUE)",
			 schema_fields[missing].name,
			 schema_fields[missing].what
				 ? schema_fields[missing].what
				 : "energy per request",
			 schema_fields[missing].name);
	if (r->diags->errors != r->errors) {
		free(run_note);
		return NULL;
	}
	bool added;
	unsigned line, col;
	jpos(r->d, r->off, &line, &col);
	struct import_doc *d =
		import_set_doc(set, group_key(verb, &r->w), line, &added);
	if (added) {
		for (size_t i = 0; comments[i]; i++)
			import_doc_comment(d, import_xstrdup(comments[i]));
		values_copy(&d->w, &r->w);
	}
	struct import_run run;
	memset(&run, 0, sizeof run);
	run.v = r->run;
	memset(&r->run, 0, sizeof r->run);
	run.note = run_note;
	import_doc_add_run(d, &run);
	return d;
}

static void rec_init(struct rec *r, const struct jdoc *d, json_t *obj,
		     size_t off, struct diag_list *diags)
{
	memset(r, 0, sizeof *r);
	r->d = d;
	r->obj = obj;
	r->off = off;
	r->diags = diags;
	r->errors = diags->errors;
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		r->from[k] = off;
}

static void rec_free(struct rec *r)
{
	import_values_free(&r->w);
	import_values_free(&r->run);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "...tp8-ep1..." in a file name: said in the message about a missing tp,
 * as the layout is often only there. */
static void name_hint(const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	const char *b = base_name(name);
	static const char *const keys[] = {"tp", "pp", "dp", "ep", "conc"};
	size_t n = 0;
	for (const char *p = b; *p && n + 16 < size; p++) {
		for (int k = 0; k < 5; k++) {
			size_t kl = strlen(keys[k]);
			if (strncmp(p, keys[k], kl) != 0 ||
			    !isdigit((unsigned char)p[kl]) ||
			    (p > b && isalpha((unsigned char)p[-1])))
				continue;
			int len = (int)(kl + strspn(p + kl, "0123456789"));
			n += (size_t)snprintf(buf + n, size - n, "%s%.*s",
					      n ? ", " : "", len, p);
		}
	}
}

/* ---- vLLM ---------------------------------------------------------------- */

static const char vllm_what[] = "the JSON of vllm bench serve --save-result";

/* --metadata keys vLLM sweeps use, and every schema key by its name. */
static void vllm_metadata(struct rec *r)
{
	static const struct {
		const char *key;
		enum schema_field k;
	} alias[] = {
		{"tensor_parallel_size", SCHEMA_TP},
		{"pipeline_parallel_size", SCHEMA_PP},
		{"data_parallel_size", SCHEMA_DP},
		{"expert_parallel_size", SCHEMA_EP},
		{"gpu", SCHEMA_HARDWARE},
	};
	const char *key;
	json_t *v;
	json_object_foreach(r->obj, key, v)
	{
		int k = schema_find(key);
		for (size_t i = 0; k < 0 && i < sizeof alias / sizeof *alias;
		     i++)
			if (strcmp(key, alias[i].key) == 0)
				k = (int)alias[i].k;
		if (k < 0 || json_is_null(v))
			continue;
		size_t off = jmember(r->d, r->off, key);
		if (json_is_string(v))
			put_text(r, (enum schema_field)k, json_string_value(v),
				 key, off);
		else if (json_is_number(v))
			put_num(r, (enum schema_field)k, json_number_value(v),
				key, off);
		else if (json_is_boolean(v))
			put_text(r, (enum schema_field)k,
				 json_is_true(v) ? "true" : "false", key, off);
		else
			rec_diag(r, DIAG_ERROR, off,
				 "%s is not a value (expected a number or a "
				 "string)",
				 key);
	}
}

static void vllm_tokens(struct rec *r, double completed)
{
	static const struct {
		const char *key;
		enum schema_field k;
	} per_request[] = {
		{"total_input_tokens", SCHEMA_INPUT_TOKENS},
		{"total_output_tokens", SCHEMA_OUTPUT_TOKENS},
	};
	for (int i = 0; i < 2; i++) {
		double x;
		size_t off;
		rec_get(r, per_request[i].key, &off);
		if (rec_num(r, per_request[i].key, &x) == 1)
			put_num(r, per_request[i].k, x / completed,
				per_request[i].key, off);
	}
	take(r, "mean_e2el_ms", SCHEMA_LATENCY_E2E_S, 1e-3);
	take(r, "mean_ttft_ms", SCHEMA_LATENCY_TTFT_S, 1e-3);
	take(r, "mean_tpot_ms", SCHEMA_LATENCY_TPOT_MS, 1);
}

static void vllm_batch(struct rec *r, const struct import_json_opts *o)
{
	size_t off;
	json_t *v = json_object_get(r->obj, "max_concurrency");
	rec_get(r, "max_concurrency", &off);
	if (v && !json_is_null(v)) {
		take(r, "max_concurrency", SCHEMA_BATCH_SIZE, 1);
		return;
	}
	for (size_t i = 0; i < o->nsets; i++)
		if (o->sets[i].key == SCHEMA_BATCH_SIZE)
			return;
	rec_diag(r, DIAG_ERROR, off,
		 "%s: no concurrency limit, so no batch size (expected a run "
		 "with --max-concurrency N, or --set batch_size=N)",
		 v ? "max_concurrency is null" : "no max_concurrency");
}

/* A result's window: its own, else --window. */
static bool vllm_window(struct rec *r, const struct import_json_opts *o,
			double *a, double *b)
{
	size_t off;
	rec_get(r, "benchmark_start_time_unix", &off);
	int ra = rec_num(r, "benchmark_start_time_unix", a);
	int rb = rec_num(r, "benchmark_end_time_unix", b);
	if (ra < 0 || rb < 0)
		return false;
	if (ra == 1 && rb == 1 && !isnan(o->window[0]))
		rec_diag(r, DIAG_WARNING, off,
			 "--window ignored: the file has its own benchmark "
			 "window (expected --window only for results without "
			 "one)");
	if (ra == 0 || rb == 0) {
		*a = o->window[0];
		*b = o->window[1];
		off = r->off;
	}
	if (isnan(*a)) {
		rec_diag(r, DIAG_ERROR, r->off,
			 "no benchmark window: no benchmark_start_time_unix "
			 "and benchmark_end_time_unix (expected a newer vllm "
			 "bench serve, or --window START,END)");
		return false;
	}
	if (!(*b > *a)) {
		rec_diag(r, DIAG_ERROR, off,
			 "the benchmark window ends at %.3f, not after its "
			 "start %.3f (expected END > START)",
			 *b, *a);
		return false;
	}
	return true;
}

struct gpu_pick {
	const struct powerlog_gpu **g;
	size_t n;
};

static void pick_gpus(const struct import_json_opts *o, struct gpu_pick *p)
{
	const struct powerlog_set *s = o->power;
	p->n = 0;
	p->g = import_xrealloc(NULL,
			       (s->count + o->ndevices + 1) * sizeof *p->g);
	if (!o->devices) {
		for (size_t i = 0; i < s->count; i++)
			p->g[p->n++] = &s->gpus[i];
		return;
	}
	for (size_t i = 0; i < o->ndevices; i++) {
		const struct powerlog_gpu *g = powerlog_find(s, o->devices[i]);
		if (g)
			p->g[p->n++] = g;
	}
}

static void coverage_warnings(struct rec *r, const struct powerlog_set *s,
			      const struct powerlog_gpu *g,
			      const struct powerlog_energy *e, double a,
			      double b)
{
	double missing = (b - a) - e->covered_s;
	if (missing > 1 || missing > 0.01 * (b - a)) {
		const struct powerlog_seg *at =
			e->first_t > a ? &g->segs[0] : &g->segs[g->count - 1];
		diag_add(r->diags, DIAG_WARNING, s->files[at->file], at->line,
			 1,
			 "GPU %ld: %.3g s of the %.3g s benchmark window of %s "
			 "have no power reading; energy counts only the rest "
			 "(expected a log covering %.3f to %.3f)",
			 g->index, missing, b - a, r->d->name, a, b);
	}
	if (e->gap_at)
		diag_add(
			r->diags, DIAG_WARNING, s->files[e->gap_at->file],
			e->gap_at->line, 1,
			"GPU %ld: no power reading for %.3g s within the "
			"benchmark window of %s (expected readings at most 1 s "
			"apart; the power is taken as linear across it)",
			g->index, e->gap_s, r->d->name);
}

/* energy.total_j = the GPUs' energy over the window / completed requests;
 * power_w = that energy / the window's length. */
static void vllm_energy(struct rec *r, const struct import_json_opts *o,
			double completed)
{
	double a, b;
	if (!o->power) {
		for (size_t i = 0; i < o->nsets; i++)
			if (o->sets[i].key == SCHEMA_ENERGY_TOTAL_J)
				return;
		rec_diag(r, DIAG_ERROR, r->off,
			 "no energy: a vLLM result has none (expected --power "
			 "LOG, the GPUs' power logged while it ran)");
		return;
	}
	if (!vllm_window(r, o, &a, &b))
		return;
	struct gpu_pick p;
	pick_gpus(o, &p);
	double joules = 0;
	size_t used = 0;
	for (size_t i = 0; i < p.n; i++) {
		struct powerlog_energy e;
		powerlog_energy(p.g[i], a, b, &e);
		if (e.covered_s <= 0)
			continue;
		used++;
		joules += e.joules;
		coverage_warnings(r, o->power, p.g[i], &e, a, b);
	}
	if (used == 0) {
		rec_diag(r, DIAG_ERROR, r->off,
			 "no power reading within the benchmark window %.3f "
			 "to %.3f (expected a power log recorded while the "
			 "benchmark ran; a Zeus log's start_time must be Unix "
			 "time, else give --window in the log's clock)",
			 a, b);
		free(p.g);
		return;
	}
	put_num(r, SCHEMA_ENERGY_TOTAL_J, joules / completed, "power", r->off);
	put_num(r, SCHEMA_POWER_W, joules / (b - a), "power", r->off);
	const struct import_values *w = &r->run;
	if (w->set[SCHEMA_TP] && w->set[SCHEMA_PP]) {
		double gpus = w->num[SCHEMA_TP] * w->num[SCHEMA_PP] *
			      (w->set[SCHEMA_DP] ? w->num[SCHEMA_DP] : 1);
		if (gpus != (double)used)
			rec_diag(
				r, DIAG_WARNING, r->off,
				"the energy is of %zu GPUs, the run used tp "
				"x pp x dp = %g (expected --devices naming the "
				"GPUs the server ran on)",
				used, gpus);
	}
	free(p.g);
}

static char *vllm_note(struct rec *r)
{
	char rate[32] = "?";
	json_t *v = json_object_get(r->obj, "request_rate");
	if (json_is_string(v))
		snprintf(rate, sizeof rate, "%.20s", json_string_value(v));
	else if (json_is_number(v))
		import_format_number(rate, json_number_value(v));
	const char *date = json_string_value(json_object_get(r->obj, "date"));
	json_t *np = json_object_get(r->obj, "num_prompts");
	return import_xprintf("%s: date %s, request_rate %s, %lld prompts", r->d->name,
		       date ? date : "?", rate,
		       json_is_integer(np) ? (long long)json_integer_value(np)
					   : -1LL);
}

static void vllm_missing_layout(struct rec *r)
{
	bool tp = r->run.set[SCHEMA_TP] || r->w.set[SCHEMA_TP];
	bool pp = r->run.set[SCHEMA_PP] || r->w.set[SCHEMA_PP];
	if (tp && pp)
		return;
	char hint[160], said[200] = "";
	name_hint(r->d->name, hint, sizeof hint);
	if (*hint)
		snprintf(said, sizeof said, "; the file name says %s", hint);
	rec_diag(r, DIAG_ERROR, r->off,
		 "no %s in the file: a vLLM result does not record the "
		 "layout (expected --set %s, or vllm bench serve --metadata "
		 "tensor_parallel_size=N pipeline_parallel_size=N%s)",
		 !tp && !pp ? "tp or pp"
		 : !tp	    ? "tp"
			    : "pp",
		 !tp && !pp ? "tp=N,pp=N"
		 : !tp	    ? "tp=N"
			    : "pp=N",
		 said);
}

static bool vllm_check_kind(struct rec *r)
{
	if (json_object_get(r->obj, "completed") &&
	    json_object_get(r->obj, "total_output_tokens"))
		return true;
	const char *other =
		json_object_get(r->obj, "configurations") ||
				json_object_get(r->obj, "Energy/req (J)")
			? "; this looks like ML.ENERGY data: "
			  "import mlenergy-json"
		: json_object_get(r->obj, "conc")
			? "; this looks like an InferenceX "
			  "summary: import inferencex"
			: "";
	rec_diag(r, DIAG_ERROR, r->off,
		 "not a vLLM benchmark result: no 'completed' and "
		 "'total_output_tokens' (expected %s%s)",
		 vllm_what, other);
	return false;
}

static void vllm_record(struct rec *r, const struct import_json_opts *o)
{
	if (!vllm_check_kind(r))
		return;
	double completed;
	size_t off;
	rec_get(r, "completed", &off);
	if (rec_num(r, "completed", &completed) != 1)
		return;
	if (!(completed >= 1)) {
		rec_diag(r, DIAG_ERROR, off,
			 "completed is %g: no request finished (expected at "
			 "least one)",
			 completed);
		return;
	}
	vllm_metadata(r);
	/* --metadata model=... or engine=... says more than the defaults */
	if (!r->w.set[SCHEMA_MODEL])
		take_str(r, "model_id", SCHEMA_MODEL);
	const char *backend = rec_str(r, "backend");
	/* "openai", "openai-chat": the API, not the server behind it */
	if (backend && *backend && strncmp(backend, "openai", 6) != 0 &&
	    !r->w.set[SCHEMA_ENGINE])
		put_text(r, SCHEMA_ENGINE, backend, "backend",
			 jmember(r->d, r->off, "backend"));
	vllm_batch(r, o);
	vllm_tokens(r, completed);
	apply_sets(r, o);
	vllm_missing_layout(r);
	vllm_energy(r, o, completed);
}

int import_vllm(struct import_set *set, const char *name, const char *buf,
		size_t len, const struct import_json_opts *o,
		struct diag_list *diags)
{
	size_t errors = diags->errors;
	struct jdoc d;
	if (jdoc_load(&d, name, buf, len, vllm_what, diags)) {
		struct rec r;
		rec_init(&r, &d, d.root, d.root_off, diags);
		vllm_record(&r, o);
		static const char *const comments[] = {
			"Imported by energylens import vllm from vllm bench "
			"serve --save-result files:",
			"batch_size = max_concurrency; tokens = totals / "
			"completed; latencies = the means;",
			"energy.total_j = the GPUs' energy in the power logs "
			"over the benchmark window / completed;",
			"power_w = that energy / the window's length (all "
			"GPUs counted)",
			NULL};
		if (diags->errors == errors)
			rec_commit(&r, set, "vllm", comments, vllm_note(&r));
		rec_free(&r);
	}
	jdoc_free(&d);
	return diags->errors == errors ? 0 : -1;
}

/* ---- ML.ENERGY ------------------------------------------------------- */

static const char mlenergy_what[] =
	"ML.ENERGY leaderboard results: a v3 task or per-model JSON with "
	"configurations[], or a v2 bs<B>+tp<T>+pp<P>.json";

static void ml_architecture(struct rec *r)
{
	static const struct {
		const char *source;
		enum profile_arch arch;
	} map[] = {
		{"MoE", ARCH_MOE},
		{"Dense Transformer", ARCH_DENSE},
		{"Dense", ARCH_DENSE},
		{"Mamba-Transformer Hybrid", ARCH_HYBRID},
		{"SSM", ARCH_SSM},
	};
	size_t off;
	rec_get(r, "architecture", &off);
	const char *a = rec_str(r, "architecture");
	if (!a)
		return;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcasecmp(a, map[i].source) == 0) {
			put_text(r, SCHEMA_ARCHITECTURE,
				 schema_arch_names[map[i].arch], "architecture",
				 off);
			return;
		}
	rec_diag(r, DIAG_WARNING, off,
		 "architecture '%s' not known; omitted (expected MoE, Dense "
		 "Transformer or Mamba-Transformer Hybrid)",
		 a);
}

static void ml_precision(struct rec *r, const char *key)
{
	size_t off;
	rec_get(r, key, &off);
	const char *p = rec_str(r, key);
	if (!p || !*p)
		return;
	double bits = import_weight_bits(p);
	if (bits > 0)
		put_num(r, SCHEMA_SHAPE_WEIGHT_BITS, bits, key, off);
	else
		rec_diag(r, DIAG_WARNING, off,
			 "%s '%s' not known; weight_bits omitted (expected "
			 "e.g. bfloat16, fp8, int4)",
			 key, p);
}

static void ml_hardware(struct rec *r, const char *key)
{
	size_t off;
	rec_get(r, key, &off);
	const char *gpu = rec_str(r, key);
	if (!gpu || !*gpu)
		return;
	/* v2 writes "NVIDIA A100-SXM4-40GB", v3 and the CSV "A100-..." */
	if (strncmp(gpu, "NVIDIA ", 7) == 0 && gpu[7])
		gpu += 7;
	put_text(r, SCHEMA_HARDWARE, gpu, key, off);
	double mem = import_gpu_memory_gib(gpu);
	if (mem > 0)
		put_num(r, SCHEMA_GPU_MEMORY_GIB, mem, key, off);
}

/* The task's typical input length, marked as assumed (import.c). */
static void ml_input(struct rec *r, const char *task)
{
	const struct import_vision_task *vt = import_vision_task(task);
	const char *model = r->w.set[SCHEMA_MODEL]     ? r->w.str[SCHEMA_MODEL]
			    : r->run.set[SCHEMA_MODEL] ? r->run.str[SCHEMA_MODEL]
						       : NULL;
	if (vt && !import_vision_derivable(vt, model)) {
		/* no vision rule for this model: its text alone (import.c) */
		if (!r->run.set[SCHEMA_INPUT_TOKENS] &&
		    !r->w.set[SCHEMA_INPUT_TOKENS]) {
			put_num(r, SCHEMA_INPUT_TOKENS, vt->text_tokens,
				"task", r->off);
			put_text(r, SCHEMA_INPUT_TOKENS_ASSUMED, "true", "task",
				 r->off);
		}
		return;
	}
	if (vt && !r->run.set[SCHEMA_INPUT_TOKENS] &&
	    !r->w.set[SCHEMA_INPUT_TOKENS]) {
		/* multimodal: an assumed text length, and what is sent */
		put_num(r, SCHEMA_TEXT_TOKENS, vt->text_tokens, "task", r->off);
		put_text(r, SCHEMA_INPUT_TOKENS_ASSUMED, "true", "task",
			 r->off);
		if (vt->images > 0) {
			put_num(r, SCHEMA_IMAGES, vt->images, "task", r->off);
			put_text(r, SCHEMA_IMAGE_PX, vt->image_px, "task",
				 r->off);
		} else {
			put_num(r, SCHEMA_VIDEO_FRAMES, vt->video_frames,
				"task", r->off);
			put_text(r, SCHEMA_FRAME_PX, vt->frame_px, "task",
				 r->off);
			put_num(r, SCHEMA_VIDEO_FPS, vt->video_fps, "task",
				r->off);
		}
		return;
	}
	double t = task ? import_default_input_tokens(task) : 0;
	if (t > 0 && !r->run.set[SCHEMA_INPUT_TOKENS] &&
	    !r->w.set[SCHEMA_INPUT_TOKENS]) {
		put_num(r, SCHEMA_INPUT_TOKENS, t, "task", r->off);
		put_text(r, SCHEMA_INPUT_TOKENS_ASSUMED, "true", "task",
			 r->off);
	}
}

/* Parallelism as benchmark.py launched vLLM (measured/PROVENANCE.md):
 * --tensor-parallel-size num_gpus, or --data-parallel-size num_gpus; the
 * toolkit's tensor_parallel says 1 for expert-parallel runs. */
static void ml_v3_layout(struct rec *r)
{
	double gpus, dp = 1;
	size_t off;
	rec_get(r, "num_gpus", &off);
	if (rec_num(r, "num_gpus", &gpus) != 1) {
		take(r, "tensor_parallel", SCHEMA_TP, 1);
		take(r, "data_parallel", SCHEMA_DP, 1);
	} else {
		if (rec_num(r, "data_parallel", &dp) != 1 || !(dp >= 1))
			dp = 1;
		put_num(r, SCHEMA_TP, dp > 1 ? gpus / dp : gpus, "num_gpus",
			off);
		put_num(r, SCHEMA_DP, dp, "data_parallel", off);
	}
	put_num(r, SCHEMA_PP, 1, "num_gpus", off);
	take(r, "expert_parallel", SCHEMA_EP, 1);
}

static void ml_v3_record(struct rec *r, struct import_set *set,
			 const char *task, const struct import_json_opts *o)
{
	if (task)
		put_text(r, SCHEMA_NAME, task, "task", r->outer_off);
	take_str(r, "model_id", SCHEMA_MODEL);
	take(r, "total_params_billions", SCHEMA_PARAMS_B, 1);
	take(r, "activated_params_billions", SCHEMA_ACTIVE_PARAMS_B, 1);
	ml_architecture(r);
	ml_precision(r, "weight_precision");
	ml_hardware(r, "gpu_model");
	if (task)
		put_text(r, SCHEMA_MODALITY,
			 strstr(task, "video")	 ? "video"
			 : strstr(task, "image") ? "image"
						 : "text",
			 "task", r->outer_off);
	ml_v3_layout(r);
	take(r, "max_num_seqs", SCHEMA_BATCH_SIZE, 1);
	take(r, "avg_output_len", SCHEMA_OUTPUT_TOKENS, 1);
	take(r, "energy_per_request_joules", SCHEMA_ENERGY_TOTAL_J, 1);
	take(r, "avg_power_watts", SCHEMA_POWER_W, 1);
	take(r, "median_itl_ms", SCHEMA_LATENCY_TPOT_MS, 1);
	apply_sets(r, o);
	ml_input(r, task);
	static const char *const comments[] = {
		"Imported by energylens import mlenergy-json (ML.ENERGY "
		"leaderboard v3 JSON):",
		"tp = num_gpus (1 with dp = data_parallel for data-parallel "
		"runs), pp = 1, ep = expert_parallel,",
		"batch_size = max_num_seqs, tpot_ms = median_itl_ms; "
		"input_tokens ASSUMED from the task (not published)",
		"Licence: Apache-2.0 (ML.ENERGY Benchmark v3 data)", NULL};
	double tp;
	char *note = NULL;
	if (json_is_number(json_object_get(r->obj, "tensor_parallel")) &&
	    (tp = json_number_value(json_object_get(
		     r->obj, "tensor_parallel"))) != r->run.num[SCHEMA_TP])
		note = import_xprintf("the toolkit's tensor_parallel says %g", tp);
	rec_commit(r, set, "mlenergy-json", comments, note);
}

static int ml_v3(struct import_set *set, const struct jdoc *d,
		 const struct import_json_opts *o, struct diag_list *diags)
{
	json_t *cfgs = json_object_get(d->root, "configurations");
	size_t coff = jmember(d, d->root_off, "configurations");
	const char *task = json_string_value(json_object_get(d->root, "task"));
	/* per-model files are named ORG__MODEL__TASK.json */
	char named[128];
	const char *sep = strstr(base_name(d->name), "__");
	if (!task && sep && (sep = strrchr(sep, '_')) &&
	    snprintf(named, sizeof named, "%s", sep + 1) < (int)sizeof named) {
		char *dot = strrchr(named, '.');
		if (dot && strcmp(dot, ".json") == 0)
			*dot = '\0';
		if (*named)
			task = named;
	}
	unsigned line, col;
	if (!json_is_array(cfgs) || json_array_size(cfgs) == 0) {
		jpos(d, coff, &line, &col);
		diag_add(diags, DIAG_ERROR, d->name, line, col,
			 "configurations is not a list of runs (expected an "
			 "array of objects)");
		return -1;
	}
	size_t i;
	json_t *c;
	json_array_foreach(cfgs, i, c)
	{
		size_t off = jelement(d, coff, i);
		if (!json_is_object(c)) {
			jpos(d, off, &line, &col);
			diag_add(diags, DIAG_ERROR, d->name, line, col,
				 "configurations[%zu] is not an object "
				 "(expected one configuration)",
				 i);
			continue;
		}
		struct rec r;
		rec_init(&r, d, c, off, diags);
		/* a per-model file says the model once, at the top */
		r.outer = d->root;
		r.outer_off = d->root_off;
		ml_v3_record(&r, set, task, o);
		rec_free(&r);
	}
	return 0;
}

/* "bs128+tp8+pp2.json" */
static bool v2_name(const char *name, double *bs, double *tp, double *pp)
{
	int b, t, p, n = 0;
	const char *s = strstr(base_name(name), "bs");
	while (s && sscanf(s, "bs%d+tp%d+pp%d%n", &b, &t, &p, &n) != 3)
		s = strstr(s + 2, "bs");
	if (!s || b < 1 || t < 1 || p < 1)
		return false;
	*bs = b, *tp = t, *pp = p;
	return true;
}

static int ml_v2(struct import_set *set, const struct jdoc *d,
		 const struct import_json_opts *o, struct diag_list *diags)
{
	struct rec r;
	rec_init(&r, d, d->root, d->root_off, diags);
	take_str(&r, "Model", SCHEMA_MODEL);
	ml_hardware(&r, "GPU");
	double bs = 0, tp = 0, pp = 0;
	bool named = v2_name(d->name, &bs, &tp, &pp);
	if (!take(&r, "TP", SCHEMA_TP, 1) && named)
		put_num(&r, SCHEMA_TP, tp, "file name", r.off);
	if (!take(&r, "PP", SCHEMA_PP, 1) && named)
		put_num(&r, SCHEMA_PP, pp, "file name", r.off);
	/* Max BS = max_num_seqs x PP: the requests in flight at once */
	if (!take(&r, "Max BS (reqs)", SCHEMA_BATCH_SIZE, 1) && named)
		put_num(&r, SCHEMA_BATCH_SIZE,
			bs * (r.run.set[SCHEMA_PP] ? r.run.num[SCHEMA_PP] : 1),
			"file name", r.off);
	take(&r, "Avg Output Tokens", SCHEMA_OUTPUT_TOKENS, 1);
	take(&r, "Energy/req (J)", SCHEMA_ENERGY_TOTAL_J, 1);
	take(&r, "Avg TPOT (s)", SCHEMA_LATENCY_TPOT_MS, 1e3);
	apply_sets(&r, o);
	static const char *const comments[] = {
		"Imported by energylens import mlenergy-json (ML.ENERGY "
		"leaderboard v2 per-run JSON):",
		"batch_size = Max BS (max_num_seqs x PP), else bs x pp from "
		"the file name; tp, pp from the file name where missing",
		"Licence: Apache-2.0 (LICENSE of "
		"github.com/ml-energy/leaderboard-v2)",
		NULL};
	if (!r.run.set[SCHEMA_TP] && !named)
		rec_diag(&r, DIAG_ERROR, r.off,
			 "no TP and no bs<B>+tp<T>+pp<P> in the file name "
			 "(expected the leaderboard's file name, or --set "
			 "tp=N,pp=N,batch_size=N)");
	rec_commit(&r, set, "mlenergy-json", comments, import_xprintf("%s", d->name));
	rec_free(&r);
	return 0;
}

int import_mlenergy_json(struct import_set *set, const char *name,
			 const char *buf, size_t len,
			 const struct import_json_opts *o,
			 struct diag_list *diags)
{
	size_t errors = diags->errors;
	struct jdoc d;
	if (jdoc_load(&d, name, buf, len, mlenergy_what, diags)) {
		json_t *root = d.root;
		if (json_object_get(root, "configurations"))
			ml_v3(set, &d, o, diags);
		else if (json_object_get(root, "Energy/req (J)"))
			ml_v2(set, &d, o, diags);
		else
			diag_add(diags, DIAG_ERROR, name, 1, 1,
				 "%s (expected %s)",
				 json_object_get(root, "models") &&
						 json_object_get(
							 root, "architectures")
					 ? "the leaderboard's model index, "
					   "not results"
					 : "no configurations and no "
					   "'Energy/req (J)'",
				 mlenergy_what);
	}
	jdoc_free(&d);
	return diags->errors == errors ? 0 : -1;
}

/* ---- InferenceX --------------------------------------------------------- */

static const char inferencex_what[] =
	"an InferenceX per-configuration summary (hw, conc, tp, isl, osl, "
	"...)";

/* Joules per request: joules_per_output_token x osl; an older summary
 * with only avg_power_w (per GPU) has J/token = W / tokens/s per GPU. */
static void ix_energy(struct rec *r, double osl)
{
	double jpt, w, tput, tp;
	size_t off;
	rec_get(r, "joules_per_output_token", &off);
	if (rec_num(r, "joules_per_output_token", &jpt) == 1) {
		put_num(r, SCHEMA_ENERGY_TOTAL_J, jpt * osl,
			"joules_per_output_token", off);
	} else if (rec_num(r, "avg_power_w", &w) == 1 &&
		   rec_num(r, "output_tput_per_gpu", &tput) == 1 && tput > 0) {
		rec_get(r, "avg_power_w", &off);
		put_num(r, SCHEMA_ENERGY_TOTAL_J, w / tput * osl, "avg_power_w",
			off);
	}
	if (!take(r, "avg_total_gpu_power_w", SCHEMA_POWER_W, 1) &&
	    rec_num(r, "avg_power_w", &w) == 1 && rec_num(r, "tp", &tp) == 1) {
		rec_get(r, "avg_power_w", &off);
		put_num(r, SCHEMA_POWER_W, w * tp, "avg_power_w", off);
	}
}

static void ix_record(struct rec *r, struct import_set *set,
		      const struct import_json_opts *o)
{
	json_t *m = json_object_get(r->obj, "metrics");
	if (json_is_object(m)) { /* newer summaries nest the measurements */
		r->outer = m;
		r->outer_off = jmember(r->d, r->off, "metrics");
	}
	if (!json_object_get(r->obj, "conc") ||
	    !json_object_get(r->obj, "hw")) {
		rec_diag(r, DIAG_ERROR, r->off,
			 "not an InferenceX summary: no 'hw' and 'conc' "
			 "(expected %s)",
			 inferencex_what);
		return;
	}
	take_str(r, "model", SCHEMA_MODEL);
	take_str(r, "hw", SCHEMA_HARDWARE);
	take_str(r, "framework", SCHEMA_ENGINE);
	ml_precision(r, "precision");
	take(r, "tp", SCHEMA_TP, 1);
	take(r, "ep", SCHEMA_EP, 1);
	take(r, "pp", SCHEMA_PP, 1);
	if (!r->run.set[SCHEMA_PP])
		put_num(r, SCHEMA_PP, 1, "tp", r->off);
	take(r, "conc", SCHEMA_BATCH_SIZE, 1);
	take(r, "isl", SCHEMA_INPUT_TOKENS, 1);
	double osl = NAN;
	if (take(r, "osl", SCHEMA_OUTPUT_TOKENS, 1))
		osl = r->run.num[SCHEMA_OUTPUT_TOKENS];
	take(r, "mean_e2el", SCHEMA_LATENCY_E2E_S, 1);
	take(r, "mean_ttft", SCHEMA_LATENCY_TTFT_S, 1);
	take(r, "mean_tpot", SCHEMA_LATENCY_TPOT_MS, 1e3);
	if (!isnan(osl))
		ix_energy(r, osl);
	apply_sets(r, o);
	if (!r->run.set[SCHEMA_ENERGY_TOTAL_J] && r->diags->errors == r->errors)
		rec_diag(r, DIAG_ERROR, r->off,
			 "no energy: the summary has neither "
			 "joules_per_output_token nor avg_power_w (expected a "
			 "summary made with power measurement, or --set "
			 "energy.total_j=J)");
	static const char *const comments[] = {
		"Imported by energylens import inferencex (InferenceX "
		"summaries): batch_size = conc,",
		"input/output_tokens = isl/osl (nominal), pp = 1 where not "
		"given, energy.total_j = joules_per_output_token x osl",
		"(else avg_power_w / output_tput_per_gpu x osl), power_w = "
		"avg_total_gpu_power_w (else avg_power_w x tp)",
		"Licence: Apache-2.0 (SemiAnalysisAI/InferenceX)", NULL};
	const char *dpa =
		json_is_string(json_object_get(r->obj, "dp_attention"))
			? json_string_value(
				  json_object_get(r->obj, "dp_attention"))
		: json_is_true(json_object_get(r->obj, "dp_attention"))
			? "true"
			: "false";
	const char *spec =
		json_string_value(json_object_get(r->obj, "spec_decoding"));
	rec_commit(r, set, "inferencex", comments,
		   import_xprintf("%s: dp_attention %s, spec_decoding %s", r->d->name,
			   dpa, spec ? spec : "none"));
}

int import_inferencex(struct import_set *set, const char *name, const char *buf,
		      size_t len, const struct import_json_opts *o,
		      struct diag_list *diags)
{
	size_t errors = diags->errors;
	struct jdoc d;
	if (jdoc_load(&d, name, buf, len, inferencex_what, diags)) {
		struct rec r;
		rec_init(&r, &d, d.root, d.root_off, diags);
		ix_record(&r, set, o);
		rec_free(&r);
	}
	jdoc_free(&d);
	return diags->errors == errors ? 0 : -1;
}
