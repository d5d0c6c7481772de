#include "import.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "defaults.h"
#include "exitcode.h"
#include "utf8.h"
#include "vision.h"

/* ---- memory ---------------------------------------------------------- */

/* Import tables are small; running out of memory here is not a condition
 * worth unwinding from, but it still ends in a message and a status. */
static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("energylens: out of memory\n", stderr);
		exit(EXIT_SOFTWARE);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

char *import_xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xrealloc(NULL, (size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- keys and values --------------------------------------------------- */

/* Plain decimal only: strtod would also take "nan", "inf" and hex, none of
 * which is a measurement. Surrounding blanks are forgiven. */
bool import_decimal(const char *s, double *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		const char *e = p + 1;
		if (*e == '+' || *e == '-')
			e++;
		size_t n = strspn(e, "0123456789");
		if (n == 0)
			return false;
		p = e + n;
	}
	if (p[strspn(p, " \t")] != '\0')
		return false;
	char *end;
	double x = strtod(s, &end);
	if (!isfinite(x))
		return false;
	*out = x;
	return true;
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t left = strlen(s), n; left > 0; p += n, left -= n)
		if (!(n = utf8_len(p, left)))
			return false;
	return true;
}

static const char *parse_string(struct import_values *v, enum schema_field key,
				const char *text)
{
	bool flag;
	uint32_t px;
	switch (schema_fields[key].type) {
	case SCHEMA_T_ARCH:
		if (!schema_arch(text))
			return schema_expectation(key);
		break;
	case SCHEMA_T_MODALITY:
		if (!schema_modality(text))
			return schema_expectation(key);
		break;
	case SCHEMA_T_BOOL:
		if (!schema_bool(text, &flag))
			return schema_expectation(key);
		break;
	case SCHEMA_T_PIXELS:
		if (!vision_parse_px(text, &px))
			return schema_expectation(key);
		break;
	default:
		if (*text == '\0')
			return "a non-empty text";
		/* CSV cells are checked when read, --set values are not, and
		 * YAML has no way to write other bytes. */
		if (!valid_utf8(text))
			return "UTF-8 text";
		unsigned cp;
		if (utf8_find_control(text, strlen(text), &cp))
			return "printable text, without control characters";
		break;
	}
	free(v->str[key]);
	v->str[key] = xstrdup(text);
	v->set[key] = true;
	return NULL;
}

const char *import_value_parse(struct import_values *v, enum schema_field key,
			       const char *text)
{
	if (schema_fields[key].type != SCHEMA_T_NUMBER)
		return parse_string(v, key, text);
	double x;
	if (!import_decimal(text, &x) || schema_number_problem(key, x))
		return schema_expectation(key);
	v->num[key] = x;
	v->set[key] = true;
	return NULL;
}

static void values_free(struct import_values *v)
{
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		free(v->str[k]);
	memset(v, 0, sizeof *v);
}

/* ---- documents --------------------------------------------------------- */

static void doc_comment(struct import_doc *d, char *line)
{
	d->comments =
		xrealloc(d->comments, (d->ncomments + 1) * sizeof *d->comments);
	d->comments[d->ncomments++] = line;
}

static bool doc_has_comment(const struct import_doc *d, const char *line)
{
	for (size_t i = 0; i < d->ncomments; i++)
		if (strcmp(d->comments[i], line) == 0)
			return true;
	return false;
}

static void doc_note(struct import_doc *d, enum schema_field key, char *note)
{
	free(d->note[key]);
	d->note[key] = note;
}

static void doc_add_run(struct import_doc *d, const struct import_run *run)
{
	if (d->nruns == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->runs = xrealloc(d->runs, d->cap * sizeof *d->runs);
	}
	d->runs[d->nruns++] = *run;
}

static struct import_doc *set_find(struct import_set *set, const char *group)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->docs[i].group, group) == 0)
			return &set->docs[i];
	return NULL;
}

static struct import_doc *set_add(struct import_set *set, const char *group,
				  unsigned line)
{
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->docs = xrealloc(set->docs, set->cap * sizeof *set->docs);
	}
	struct import_doc *d = &set->docs[set->count++];
	memset(d, 0, sizeof *d);
	d->group = xstrdup(group);
	d->line = line;
	return d;
}

/* The document of a group key (which it frees), and whether it is new, in
 * which case the caller fills its workload. */
static struct import_doc *set_doc(struct import_set *set, char *group,
				  unsigned line, bool *added)
{
	struct import_doc *d = set_find(set, group);
	*added = d == NULL;
	if (!d)
		d = set_add(set, group, line);
	free(group);
	return d;
}

static void doc_free(struct import_doc *d)
{
	free(d->group);
	for (size_t i = 0; i < d->ncomments; i++)
		free(d->comments[i]);
	free(d->comments);
	values_free(&d->w);
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		free(d->note[k]);
	for (size_t i = 0; i < d->nruns; i++) {
		values_free(&d->runs[i].v);
		free(d->runs[i].note);
	}
	free(d->runs);
}

void import_free(struct import_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		doc_free(&set->docs[i]);
	free(set->docs);
	memset(set, 0, sizeof *set);
}

/* ---- cells --------------------------------------------------------------- */

static const struct csv_field *cell(const struct csv_record *row, int col)
{
	return col >= 0 && (size_t)col < row->count ? &row->fields[col] : NULL;
}

static bool cell_empty(const struct csv_field *f)
{
	return !f || f->text[strspn(f->text, " \t")] == '\0';
}

/* Stores a cell under key; an empty cell stores nothing. Returns false
 * after reporting a cell that does not fit the key. */
static bool take_cell(struct import_values *v, enum schema_field key,
		      const struct csv_field *f, const char *file,
		      struct diag_list *diags)
{
	if (cell_empty(f))
		return true;
	const char *want = import_value_parse(v, key, f->text);
	if (!want)
		return true;
	diag_add(diags, DIAG_ERROR, file, f->line, f->col,
		 "'%s' is not valid for %s (expected %s)", f->text,
		 schema_fields[key].name, want);
	return false;
}

/* ---- YAML output ------------------------------------------------------- */

void import_format_number(char buf[32], double x)
{
	/* %.16g as well: it is often the shortest that round-trips. */
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, 32, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

static bool plain_safe(const char *s)
{
	static const char *const reserved[] = {"y",    "n",	"yes", "no",
					       "true", "false", "on",  "off",
					       "null", NULL};
	if (!isalpha((unsigned char)*s))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._/+-", *p))
			return false;
	for (const char *const *r = reserved; *r; r++)
		if (strcasecmp(s, *r) == 0)
			return false;
	return true;
}

/* The length of the character at p when YAML cannot carry it as it is, 0
 * for any other: C1 controls, U+FFFE and U+FFFF are not printable in YAML
 * (the loader refuses the file), and U+2028 and U+2029 are line breaks,
 * which end a comment (the rest of it would be read as YAML) or fold a
 * quoted string. The text is valid UTF-8 ending in a NUL, so the bytes
 * looked at exist. */
static size_t yaml_unsafe_len(const unsigned char *p)
{
	if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 2;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return 3;
	if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
		return 3;
	return 0;
}

static void write_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t n = yaml_unsafe_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7F)
			fprintf(out, "\\x%02X", *p);
		else if (n) {
			fprintf(out, "\\u%04X", utf8_code_point(p, n));
			p += n - 1;
		} else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void write_string(FILE *out, const char *s)
{
	if (plain_safe(s))
		fputs(s, out);
	else
		write_quoted(out, s);
}

static void write_value(FILE *out, const struct import_values *v,
			enum schema_field key)
{
	if (schema_fields[key].type == SCHEMA_T_BOOL) {
		fputs(v->str[key], out);
		return;
	}
	if (v->str[key]) {
		write_string(out, v->str[key]);
		return;
	}
	char buf[32];
	import_format_number(buf, v->num[key]);
	fputs(buf, out);
}

/* Comment text comes from CSV cells: keep it on one line and printable. */
static void write_comment(FILE *out, const char *indent, const char *text)
{
	fprintf(out, "%s#%s", indent, *text ? " " : "");
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		/* A file name from the command line need not be UTF-8, and
		 * the rest of the file must be. */
		size_t n = utf8_len(p, strnlen((const char *)p, 4));
		if (*p < 0x20 || *p == 0x7F)
			fputc(' ', out);
		else if (n == 0 || yaml_unsafe_len(p))
			fputc('?', out);
		else
			fwrite(p, 1, n, out);
		p += n ? n : 1;
	}
	fputc('\n', out);
}

/* "energy.total_j" → group "energy" (length 6), member "total_j". */
static size_t group_len(enum schema_field key)
{
	const char *dot = strchr(schema_fields[key].name, '.');
	return dot ? (size_t)(dot - schema_fields[key].name) : 0;
}

struct emitter {
	FILE *out;
	const char *indent; /* of every line of this mapping */
	const char *lead;   /* of its next line: "  - " starts a run */
};

static void line_start(struct emitter *e)
{
	fputs(e->lead, e->out);
	e->lead = e->indent;
}

/* shape is a block mapping (it can carry notes); energy and latency are
 * short, so flow mappings keep one run readable at a glance. */
static int write_group(struct emitter *e, const struct import_values *v,
		       char *const *notes, int first)
{
	size_t n = group_len((enum schema_field)first);
	const char *name = schema_fields[first].name;
	bool block = strncmp(name, "shape", n) == 0;
	int k = first;
	line_start(e);
	fprintf(e->out, "%.*s:%s", (int)n, name, block ? "\n" : " {");
	bool any = false;
	for (; k < SCHEMA_FIELD_COUNT && group_len((enum schema_field)k) == n &&
	       strncmp(schema_fields[k].name, name, n) == 0;
	     k++) {
		if (!v->set[k])
			continue;
		if (block) {
			char sub[32];
			snprintf(sub, sizeof sub, "%s  ", e->indent);
			if (notes && notes[k])
				write_comment(e->out, sub, notes[k]);
			fprintf(e->out, "%s%s: ", sub,
				schema_fields[k].name + n + 1);
		} else {
			fprintf(e->out, "%s%s: ", any ? ", " : "",
				schema_fields[k].name + n + 1);
		}
		write_value(e->out, v, (enum schema_field)k);
		if (block)
			fputc('\n', e->out);
		any = true;
	}
	if (!block)
		fputs("}\n", e->out);
	return k;
}

static bool group_any(const struct import_values *v, int first)
{
	size_t n = group_len((enum schema_field)first);
	for (int k = first;
	     k < SCHEMA_FIELD_COUNT && group_len((enum schema_field)k) == n &&
	     strncmp(schema_fields[k].name, schema_fields[first].name, n) == 0;
	     k++)
		if (v->set[k])
			return true;
	return false;
}

static void write_key(struct emitter *e, const struct import_values *v,
		      char *const *notes, enum schema_field k)
{
	if (notes && notes[k])
		write_comment(e->out, e->indent, notes[k]);
	line_start(e);
	fprintf(e->out, "%s: ", schema_fields[k].name);
	write_value(e->out, v, k);
	fputc('\n', e->out);
}

/* input_tokens_assumed is written next to the input_tokens it qualifies. */
static void write_values(struct emitter *e, const struct import_values *v,
			 char *const *notes)
{
	/* text_tokens: the input length of a multimodal task */
	int length = v->set[SCHEMA_INPUT_TOKENS]  ? SCHEMA_INPUT_TOKENS
		     : v->set[SCHEMA_TEXT_TOKENS] ? SCHEMA_TEXT_TOKENS
						  : -1;
	bool assumed_after = length >= 0;
	int k = 0;
	while (k < SCHEMA_FIELD_COUNT) {
		if (group_len((enum schema_field)k)) {
			if (group_any(v, k)) {
				k = write_group(e, v, notes, k);
				continue;
			}
			k++;
			continue;
		}
		if (v->set[k] &&
		    !(k == SCHEMA_INPUT_TOKENS_ASSUMED && assumed_after))
			write_key(e, v, notes, (enum schema_field)k);
		if (k == length && assumed_after &&
		    v->set[SCHEMA_INPUT_TOKENS_ASSUMED])
			write_key(e, v, notes, SCHEMA_INPUT_TOKENS_ASSUMED);
		k++;
	}
}

static bool values_empty(const struct import_values *v)
{
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		if (v->set[k])
			return false;
	return true;
}

static void write_doc(FILE *out, const struct import_doc *d)
{
	fputs("---\n", out);
	for (size_t i = 0; i < d->ncomments; i++)
		write_comment(out, "", d->comments[i]);
	fputs("energylens: 1\n", out);
	if (values_empty(&d->w)) {
		fputs("workload: {}\n", out);
	} else {
		fputs("workload:\n", out);
		struct emitter e = {out, "  ", "  "};
		write_values(&e, &d->w, d->note);
	}
	fputs("runs:\n", out);
	for (size_t i = 0; i < d->nruns; i++) {
		if (d->runs[i].note)
			write_comment(out, "  ", d->runs[i].note);
		struct emitter e = {out, "    ", "  - "};
		write_values(&e, &d->runs[i].v, NULL);
	}
}

int import_write(const struct import_set *set, FILE *out)
{
	for (size_t i = 0; i < set->count; i++)
		write_doc(out, &set->docs[i]);
	return ferror(out) ? -1 : 0;
}

/* ---- required run keys ----------------------------------------------------
 */

static bool has(const struct import_values *run, const struct import_values *w,
		enum schema_field key)
{
	return run->set[key] || w->set[key];
}

/* The first required key neither the run nor its workload has, or -1. */
static int missing_required(const struct import_values *run,
			    const struct import_values *w)
{
	static const enum schema_field required[] = {
		SCHEMA_TP, SCHEMA_PP, SCHEMA_BATCH_SIZE, SCHEMA_OUTPUT_TOKENS};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!has(run, w, required[i]))
			return (int)required[i];
	if (has(run, w, SCHEMA_ENERGY_TOTAL_J))
		return -1;
	if (!has(run, w, SCHEMA_ENERGY_PREFILL_J))
		return SCHEMA_ENERGY_PREFILL_J;
	if (!has(run, w, SCHEMA_ENERGY_DECODE_J))
		return SCHEMA_ENERGY_DECODE_J;
	return -1;
}

/* ---- import csv --map ------------------------------------------------------
 */

/* Rows with the same mapped workload cells form one workload; the cells
 * joined by a byte no text contains make the identity. */
static char *group_of(const struct csv_record *row,
		      const struct import_assign *maps, size_t nmaps)
{
	size_t n = 1;
	for (size_t i = 0; i < nmaps; i++)
		if (!schema_fields[maps[i].key].run)
			n += cell(row, maps[i].column)->len + 1;
	char *g = xrealloc(NULL, n), *p = g;
	for (size_t i = 0; i < nmaps; i++) {
		if (schema_fields[maps[i].key].run)
			continue;
		const struct csv_field *f = cell(row, maps[i].column);
		memcpy(p, f->text, f->len);
		p += f->len;
		*p++ = '\x1f';
	}
	*p = '\0';
	return g;
}

struct mapped_ctx {
	struct import_set *set;
	const char *file;
	const struct import_assign *maps, *sets;
	size_t nmaps, nsets;
	struct diag_list *diags;
};

static struct import_doc *mapped_doc(struct mapped_ctx *c,
				     const struct csv_record *row)
{
	bool added;
	struct import_doc *d = set_doc(c->set, group_of(row, c->maps, c->nmaps),
				       row->line, &added);
	if (!added)
		return d;
	doc_comment(d, import_xprintf("Imported by energylens import csv from %s",
			       c->file));
	for (size_t i = 0; i < c->nsets; i++)
		import_value_parse(&d->w, c->sets[i].key, c->sets[i].value);
	for (size_t i = 0; i < c->nmaps; i++)
		if (!schema_fields[c->maps[i].key].run)
			take_cell(&d->w, c->maps[i].key,
				  cell(row, c->maps[i].column), c->file,
				  c->diags);
	return d;
}

static const struct csv_field *
mapped_cell(const struct mapped_ctx *c, const struct csv_record *row, int key)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if ((int)c->maps[i].key == key)
			return cell(row, c->maps[i].column);
	return NULL;
}

static void mapped_row(struct mapped_ctx *c, const struct csv_record *row)
{
	size_t errors = c->diags->errors;
	struct import_doc *d = mapped_doc(c, row);
	struct import_run run;
	memset(&run, 0, sizeof run);
	for (size_t i = 0; i < c->nmaps; i++)
		if (schema_fields[c->maps[i].key].run)
			take_cell(&run.v, c->maps[i].key,
				  cell(row, c->maps[i].column), c->file,
				  c->diags);
	int missing = missing_required(&run.v, &d->w);
	if (c->diags->errors == errors && missing >= 0) {
		const struct csv_field *f = mapped_cell(c, row, missing);
		diag_add(c->diags, DIAG_WARNING, c->file, row->line,
			 f ? f->col : 1,
			 "empty %s; row skipped (expected a value for every "
			 "required key)",
			 schema_fields[missing].name);
	}
	if (c->diags->errors != errors || missing >= 0) {
		values_free(&run.v);
		return;
	}
	doc_add_run(d, &run);
}

/* Workloads whose every row was skipped would be files without runs. */
static void drop_empty_docs(struct import_set *set)
{
	size_t kept = 0;
	for (size_t i = 0; i < set->count; i++) {
		if (set->docs[i].nruns == 0)
			doc_free(&set->docs[i]);
		else
			set->docs[kept++] = set->docs[i];
	}
	set->count = kept;
}

int import_mapped(struct import_set *set, const struct csv_table *csv,
		  const char *file, const struct import_assign *maps,
		  size_t nmaps, const struct import_assign *sets, size_t nsets,
		  struct diag_list *diags)
{
	struct mapped_ctx c = {set, file, maps, sets, nmaps, nsets, diags};
	size_t errors = diags->errors;
	for (size_t r = 1; r < csv->count; r++)
		mapped_row(&c, &csv->records[r]);
	drop_empty_docs(set);
	if (set->count == 0 && diags->errors == errors)
		diag_add(diags, DIAG_ERROR, file, 0, 0,
			 "no rows with the required values (expected at "
			 "least one run)");
	return diags->errors == errors ? 0 : -1;
}

/* ---- import mlenergy
 * ---------------------------------------------------------- */

/* The columns of the shared 41-column format that the importer reads. */
enum ml_col {
	ML_SOURCE,
	ML_REPO,
	ML_COMMIT,
	ML_FILE,
	ML_TASK,
	ML_MODEL,
	ML_PARAMS,
	ML_ACTIVE,
	ML_ARCH,
	ML_PRECISION,
	ML_FRAMEWORK,
	ML_GPU,
	ML_TP,
	ML_PP,
	ML_DP,
	ML_EP,
	ML_MAX_NUM_SEQS,
	ML_MAX_CONCURRENT,
	ML_STATIC_BATCH,
	ML_INPUT,
	ML_OUTPUT,
	ML_ENERGY,
	ML_DERIVED,
	ML_PREFILL,
	ML_DECODE,
	ML_POWER,
	ML_ITL,
	ML_TPOT,
	ML_E2E,
	ML_REPLICATE,
	ML_NCOLS
};

static const char *const ml_names[ML_NCOLS] = {
	"source",
	"source_repo",
	"source_commit",
	"source_file",
	"task",
	"model",
	"model_params_b",
	"model_active_params_b",
	"architecture",
	"weight_precision",
	"framework",
	"gpu",
	"tp",
	"pp",
	"dp",
	"ep",
	"max_num_seqs",
	"max_concurrent_seqs",
	"static_batch_size",
	"input_tokens_mean",
	"output_tokens_mean",
	"energy_per_request_j",
	"energy_per_request_j_is_derived",
	"prefill_energy_j",
	"decode_energy_j",
	"avg_gpu_power_w",
	"median_itl_ms",
	"mean_tpot_ms",
	"latency_per_request_s",
	"replicate"};

enum shape_col {
	SH_MODEL,
	SH_LAYERS,
	SH_HIDDEN,
	SH_KV,
	SH_GLOBAL,
	SH_SLIDING,
	SH_WINDOW,
	SH_EXPERTS,
	SH_PER_TOKEN,
	SH_NCOLS
};

static const char *const shape_names[SH_NCOLS] = {
	"model",
	"layers",
	"hidden_size",
	"kv_elements_per_token_per_layer",
	"global_attention_layers",
	"sliding_attention_layers",
	"sliding_window",
	"experts",
	"experts_per_token"};

struct ml_ctx {
	const struct import_mlenergy_opts *o;
	struct import_set *set;
	struct diag_list *diags;
	int col[ML_NCOLS];
	int shape_col[SH_NCOLS];
	/* Optional columns params_b and active_params_b (-1: absent), for
	 * models whose measurements do not state their size. */
	int shape_params_col[2];
};

static const char *ml_text(const struct ml_ctx *c, const struct csv_record *row,
			   enum ml_col col)
{
	return cell(row, c->col[col])->text;
}

static const struct csv_field *
ml_cell(const struct ml_ctx *c, const struct csv_record *row, enum ml_col col)
{
	return cell(row, c->col[col]);
}

static bool find_columns(const struct csv_table *t, const char *file,
			 const char *const *names, int *cols, int n,
			 const char *format, struct diag_list *diags)
{
	bool ok = true;
	for (int i = 0; i < n; i++) {
		cols[i] = csv_column(t, names[i]);
		if (cols[i] >= 0)
			continue;
		diag_add(diags, DIAG_ERROR, file, 1, 1,
			 "no column '%s' in the header (expected the columns "
			 "of %s)",
			 names[i], format);
		ok = false;
	}
	return ok;
}

/* Licence of each source, from measured/PROVENANCE.md: the data keep it. */
static const char *licence_of(const char *source)
{
	static const struct {
		const char *source, *licence;
	} table[] = {
		{"mlenergy_leaderboard_v3",
		 "Apache-2.0 (ML.ENERGY Benchmark v3 data, HF dataset "
		 "ml-energy/benchmark-v3; licence file: github.com/ml-energy/"
		 "data @ b37408f35fcdd08a9f5c3daf3dfedcd59a87a58b "
		 "data_publishing/LICENSE)"},
		{"mlenergy_leaderboard_v2",
		 "Apache-2.0 (LICENSE of github.com/ml-energy/leaderboard-v2)"},
		{"argonne_llm_inference_bench",
		 "BSD-3-Clause, Copyright (c) 2024 UChicago Argonne, LLC "
		 "(LICENSE of github.com/argonne-lcf/LLM-Inference-Bench)"},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (strcmp(source, table[i].source) == 0)
			return table[i].licence;
	return "not known to energylens: check the source's terms";
}

/* GPU memory in GiB. A label that states its capacity ("A100-SXM4-40GB",
 * "H100 80GB HBM3") is taken at its word. Bare labels: every H100 SXM5 and
 * PCIe board has 80 GB (only the H100 NVL has 94); B200 as sold in HGX/DGX
 * B200 systems has 180 GB per GPU. Labels that could be several parts
 * (Argonne's "NVIDIA A100 GPU": 40 or 80 GB; "NVIDIA GH200 GPU": 96 or 144
 * GB) get no value rather than a guess. */
static double gpu_memory_gib(const char *gpu)
{
	for (const char *p = gpu; *p; p++) {
		if (!isdigit((unsigned char)*p) ||
		    (p > gpu && isdigit((unsigned char)p[-1])))
			continue;
		char *end;
		long gb = strtol(p, &end, 10);
		if (strncmp(end, "GB", 2) == 0 && gb > 0)
			return (double)gb;
	}
	if (strcmp(gpu, "H100") == 0)
		return 80;
	if (strcmp(gpu, "B200") == 0)
		return 180;
	return 0;
}

/* Bits per weight element from the stated precision. mxfp4 is 4-bit
 * elements (its shared 8-bit scale per 32 elements is left out). */
static double weight_bits(const char *precision)
{
	static const struct {
		const char *name;
		double bits;
	} table[] = {
		{"float32", 32}, {"fp32", 32}, {"bfloat16", 16}, {"bf16", 16},
		{"float16", 16}, {"fp16", 16}, {"half", 16},	 {"fp8", 8},
		{"float8", 8},	 {"int8", 8},  {"mxfp4", 4},	 {"nvfp4", 4},
		{"fp4", 4},	 {"int4", 4},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (strcasecmp(precision, table[i].name) == 0)
			return table[i].bits;
	return 0;
}

/* Active parameters of MoE models whose source leaves them out (v2). The
 * model authors' figures: Mistral AI's announcements give 12.9B of 46.7B
 * (Mixtral 8x7B) and 39B of 141B (Mixtral 8x22B) parameters per token, and
 * counting from each config.json (2 of 8 experts + attention + embeddings)
 * gives 12.9 and 39.0-39.2. */
static double known_active_params(const char *model, const char **why)
{
	*why = "active_params_b: not in the source; Mistral AI's figure for "
	       "this model (parameters used per token)";
	if (strstr(model, "Mixtral-8x7B"))
		return 12.9;
	if (strstr(model, "Mixtral-8x22B"))
		return 39;
	return 0;
}

static const struct csv_record *shape_row(const struct ml_ctx *c,
					  const char *model)
{
	const struct csv_table *t = c->o->shapes;
	if (!t)
		return NULL;
	for (size_t r = 1; r < t->count; r++)
		if (strcmp(cell(&t->records[r], c->shape_col[SH_MODEL])->text,
			   model) == 0)
			return &t->records[r];
	return NULL;
}

static void set_num(struct import_values *v, enum schema_field key, double x)
{
	v->num[key] = x;
	v->set[key] = true;
}

static void set_str(struct import_values *v, enum schema_field key,
		    const char *s)
{
	free(v->str[key]);
	v->str[key] = xstrdup(s);
	v->set[key] = true;
}

static double shape_num(const struct ml_ctx *c, const struct csv_record *s,
			enum shape_col col)
{
	const struct csv_field *f = cell(s, c->shape_col[col]);
	double x = 0;
	if (!cell_empty(f))
		import_decimal(f->text, &x);
	return x;
}

static void ml_shape(struct ml_ctx *c, struct import_doc *d,
		     const struct csv_record *row)
{
	const char *precision = ml_text(c, row, ML_PRECISION);
	double bits = weight_bits(precision);
	if (bits > 0)
		set_num(&d->w, SCHEMA_SHAPE_WEIGHT_BITS, bits);
	else if (*precision)
		diag_add(c->diags, DIAG_WARNING, c->o->file, row->line,
			 ml_cell(c, row, ML_PRECISION)->col,
			 "weight_precision '%s' not known; weight_bits "
			 "omitted (expected e.g. bfloat16, fp8, mxfp4)",
			 precision);
	const struct csv_record *s = shape_row(c, ml_text(c, row, ML_MODEL));
	if (!s) {
		if (c->o->shapes)
			diag_add(c->diags, DIAG_WARNING, c->o->file, row->line,
				 ml_cell(c, row, ML_MODEL)->col,
				 "model '%s' not in %s; shape omitted",
				 ml_text(c, row, ML_MODEL), c->o->shapes_file);
		return;
	}
	static const struct {
		enum shape_col col;
		enum schema_field key;
	} map[] = {
		{SH_LAYERS, SCHEMA_SHAPE_LAYERS},
		{SH_HIDDEN, SCHEMA_SHAPE_HIDDEN_SIZE},
		{SH_KV, SCHEMA_SHAPE_KV_ELEMENTS},
		{SH_EXPERTS, SCHEMA_SHAPE_EXPERTS},
		{SH_PER_TOKEN, SCHEMA_SHAPE_EXPERTS_PER_TOKEN},
		{SH_SLIDING, SCHEMA_SHAPE_SLIDING_LAYERS},
		{SH_WINDOW, SCHEMA_SHAPE_SLIDING_WINDOW},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		set_num(&d->w, map[i].key, shape_num(c, s, map[i].col));
	double layers = shape_num(c, s, SH_LAYERS);
	double global = shape_num(c, s, SH_GLOBAL);
	double sliding = shape_num(c, s, SH_SLIDING);
	/* Hybrid SSM models: most layers keep no KV cache. */
	if (global + sliding < layers)
		set_num(&d->w, SCHEMA_SHAPE_ATTENTION_LAYERS, global + sliding);
	if (global + sliding < layers)
		doc_note(d, SCHEMA_SHAPE_LAYERS,
			 import_xprintf("only %g of these %g layers are attention "
				 "layers with a KV cache (%g global, %g "
				 "sliding-window); the rest are not",
				 global + sliding, layers, global, sliding));
}

/* "dense+vlm" → dense, modality image or video by task. v2 writes just
 * "vlm" for its multimodal models; their language model is then dense or
 * MoE as model-shapes.csv's expert count says, and nothing without it. */
static void ml_architecture(struct ml_ctx *c, struct import_doc *d,
			    const struct csv_record *row)
{
	const struct csv_field *f = ml_cell(c, row, ML_ARCH);
	const char *task = ml_text(c, row, ML_TASK);
	const char *plus = strchr(f->text, '+');
	size_t n = plus ? (size_t)(plus - f->text) : f->len;
	bool vlm = strcmp(f->text, "vlm") == 0 ||
		   (plus && strcmp(plus, "+vlm") == 0);
	/* the schema's names, and the source's one for a hybrid */
	char word[16] = "";
	if (n < sizeof word)
		memcpy(word, f->text, n), word[n] = '\0';
	enum profile_arch a = strcmp(word, "hybrid_ssm") == 0
				      ? ARCH_HYBRID
				      : schema_arch(word);
	const char *arch = a ? schema_arch_names[a] : NULL;
	if (!arch && strcmp(f->text, "vlm") == 0 &&
	    d->w.set[SCHEMA_SHAPE_EXPERTS]) {
		arch = schema_arch_names[d->w.num[SCHEMA_SHAPE_EXPERTS] > 0
						 ? ARCH_MOE
						 : ARCH_DENSE];
		doc_note(d, SCHEMA_ARCHITECTURE,
			 xstrdup("architecture: the source says only 'vlm'; "
				 "dense or moe from the expert count in the "
				 "shapes table"));
	}
	if (arch)
		set_str(&d->w, SCHEMA_ARCHITECTURE, arch);
	else if (*f->text && strcmp(f->text, "vlm") != 0)
		diag_add(c->diags, DIAG_WARNING, c->o->file, row->line, f->col,
			 "architecture '%s' not known; omitted (expected "
			 "dense, moe, hybrid_ssm or ssm, optionally +vlm)",
			 f->text);
	set_str(&d->w, SCHEMA_MODALITY,
		schema_modality_names[!vlm ? MODALITY_TEXT
				      : strstr(task, "video")
					      ? MODALITY_VIDEO
					      : MODALITY_IMAGE]);
}

/* A file named without its directory, so that generated output does not
 * depend on where it was made. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Sizes the measurements leave empty, from the shapes table's optional
 * params_b and active_params_b columns, with a note saying so. */
static void shape_params(struct ml_ctx *c, struct import_doc *d,
			 const struct csv_record *row)
{
	static const enum schema_field param_schema_fields[2] = {
		SCHEMA_PARAMS_B, SCHEMA_ACTIVE_PARAMS_B};
	const struct csv_record *s =
		c->o->shapes ? shape_row(c, ml_text(c, row, ML_MODEL)) : NULL;
	for (int i = 0; s && i < 2; i++) {
		const struct csv_field *f = cell(s, c->shape_params_col[i]);
		double x;
		if (d->w.set[param_schema_fields[i]] || cell_empty(f) ||
		    !import_decimal(f->text, &x) || !(x > 0))
			continue;
		set_num(&d->w, param_schema_fields[i], x);
		doc_note(d, param_schema_fields[i],
			 import_xprintf("not stated by the source: from %s",
				 base_name(c->o->shapes_file)));
	}
}

static void ml_params(struct ml_ctx *c, struct import_doc *d,
		      const struct csv_record *row)
{
	const char *file = c->o->file;
	take_cell(&d->w, SCHEMA_PARAMS_B, ml_cell(c, row, ML_PARAMS), file,
		  c->diags);
	take_cell(&d->w, SCHEMA_ACTIVE_PARAMS_B, ml_cell(c, row, ML_ACTIVE),
		  file, c->diags);
	shape_params(c, d, row);
	const char *why;
	double active = known_active_params(ml_text(c, row, ML_MODEL), &why);
	if (!d->w.set[SCHEMA_ACTIVE_PARAMS_B] && active > 0) {
		set_num(&d->w, SCHEMA_ACTIVE_PARAMS_B, active);
		doc_note(d, SCHEMA_ACTIVE_PARAMS_B, xstrdup(why));
	}
}

static void ml_comments(struct ml_ctx *c, struct import_doc *d,
			const struct csv_record *row)
{
	doc_comment(d,
		    import_xprintf("Source: %s, %s @ %s", ml_text(c, row, ML_SOURCE),
			    ml_text(c, row, ML_REPO),
			    ml_text(c, row, ML_COMMIT)));
	doc_comment(d, import_xprintf("Licence: %s",
			       licence_of(ml_text(c, row, ML_SOURCE))));
	if (*ml_text(c, row, ML_DERIVED))
		doc_comment(d, import_xprintf("How energy.total_j was obtained: %s",
				       ml_text(c, row, ML_DERIVED)));
	doc_comment(d, xstrdup("Converted by energylens import mlenergy: "
			       "batch_size = max_concurrent_seqs (else "
			       "max_num_seqs, else static_batch_size); "
			       "tpot_ms = mean_tpot_ms, else median_itl_ms"));
	doc_comment(d, xstrdup("Source files at that commit:"));
}

/* A task is a short name ("gpqa") or, for Argonne, a description of the
 * prompts ("synthetic random tokens; in=1024; out=1024; ignore_eos"). The
 * workload name is the part before the first ';' as one word; the leading
 * "synthetic" is dropped because in EnergyLens that word marks generated
 * measurements, and these were measured. The whole text stays as a note. */
static void ml_name(struct ml_ctx *c, struct import_doc *d,
		    const struct csv_field *f)
{
	const char *task = f->text;
	/* The name is made from the cell, so the cell is checked as any
	 * string is: check would refuse a control character in it. */
	struct import_values v;
	memset(&v, 0, sizeof v);
	const char *want =
		*task ? import_value_parse(&v, SCHEMA_NAME, task) : NULL;
	values_free(&v);
	if (want) {
		diag_add(c->diags, DIAG_ERROR, c->o->file, f->line, f->col,
			 "'%s' is not valid for task (expected %s)", task,
			 want);
		return;
	}
	const char *end = strchr(task, ';');
	if (!end) {
		set_str(&d->w, SCHEMA_NAME, task);
		return;
	}
	const char *start = task;
	if (strncmp(start, "synthetic ", 10) == 0)
		start += 10;
	char *name = import_xprintf("%.*s", (int)(end - start), start);
	for (char *p = name; *p; p++)
		if (*p == ' ')
			*p = '-';
	set_str(&d->w, SCHEMA_NAME, name);
	free(name);
	doc_note(d, SCHEMA_NAME,
		 import_xprintf("task as the source writes it: %s", task));
}

static struct import_doc *ml_doc(struct ml_ctx *c, const struct csv_record *row)
{
	static const enum ml_col id[] = {ML_SOURCE, ML_TASK, ML_MODEL, ML_GPU,
					 ML_FRAMEWORK};
	size_t n = 1;
	for (size_t i = 0; i < 5; i++)
		n += ml_cell(c, row, id[i])->len + 1;
	char *g = xrealloc(NULL, n);
	*g = '\0';
	for (size_t i = 0; i < 5; i++) {
		strcat(g, ml_text(c, row, id[i]));
		strcat(g, "\x1f");
	}
	bool added;
	struct import_doc *d = set_doc(c->set, g, row->line, &added);
	if (!added)
		return d;
	ml_comments(c, d, row);
	const char *file = c->o->file;
	ml_name(c, d, ml_cell(c, row, ML_TASK));
	take_cell(&d->w, SCHEMA_MODEL, ml_cell(c, row, ML_MODEL), file,
		  c->diags);
	ml_params(c, d, row);
	ml_shape(c, d, row);
	ml_architecture(c, d, row);
	take_cell(&d->w, SCHEMA_HARDWARE, ml_cell(c, row, ML_GPU), file,
		  c->diags);
	double mem = gpu_memory_gib(ml_text(c, row, ML_GPU));
	if (mem > 0)
		set_num(&d->w, SCHEMA_GPU_MEMORY_GIB, mem);
	take_cell(&d->w, SCHEMA_ENGINE, ml_cell(c, row, ML_FRAMEWORK), file,
		  c->diags);
	return d;
}

/* Batch size = the deployment's concurrency, the number of requests in
 * flight that share each decode step: max_concurrent_seqs (which is
 * max_num_seqs x PP for v2's pipelined runs and the total over replicas for
 * v3's data-parallel ones), else max_num_seqs, else the static batch of an
 * offline run (Argonne). The measured mean running batch stays out: it is
 * an outcome, while batch_size is the knob a user turns. */
static const struct csv_field *ml_batch_cell(const struct ml_ctx *c,
					     const struct csv_record *row)
{
	static const enum ml_col order[] = {ML_MAX_CONCURRENT, ML_MAX_NUM_SEQS,
					    ML_STATIC_BATCH};
	for (size_t i = 0; i < 3; i++)
		if (!cell_empty(ml_cell(c, row, order[i])))
			return ml_cell(c, row, order[i]);
	return NULL;
}

static void ml_run_values(struct ml_ctx *c, struct import_run *run,
			  const struct csv_record *row)
{
	static const struct {
		enum ml_col col;
		enum schema_field key;
	} map[] = {
		{ML_TP, SCHEMA_TP},
		{ML_PP, SCHEMA_PP},
		{ML_DP, SCHEMA_DP},
		{ML_INPUT, SCHEMA_INPUT_TOKENS},
		{ML_OUTPUT, SCHEMA_OUTPUT_TOKENS},
		{ML_ENERGY, SCHEMA_ENERGY_TOTAL_J},
		{ML_PREFILL, SCHEMA_ENERGY_PREFILL_J},
		{ML_DECODE, SCHEMA_ENERGY_DECODE_J},
		{ML_E2E, SCHEMA_LATENCY_E2E_S},
		{ML_POWER, SCHEMA_POWER_W},
	};
	const char *file = c->o->file;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		take_cell(&run->v, map[i].key, ml_cell(c, row, map[i].col),
			  file, c->diags);
	take_cell(&run->v, SCHEMA_BATCH_SIZE, ml_batch_cell(c, row), file,
		  c->diags);
	/* Expert parallelism is written where there is some: ep 1, the
	 * default, on every dense run would say nothing. */
	const struct csv_field *ep = ml_cell(c, row, ML_EP);
	if (!cell_empty(ep) && strcmp(ep->text, "1") != 0)
		take_cell(&run->v, SCHEMA_EP, ep, file, c->diags);
	/* v2 publishes the mean time per output token; v3 only inter-token
	 * latency percentiles, of which the median is the closest. */
	const struct csv_field *tpot = ml_cell(c, row, ML_TPOT);
	take_cell(&run->v, SCHEMA_LATENCY_TPOT_MS,
		  cell_empty(tpot) ? ml_cell(c, row, ML_ITL) : tpot, file,
		  c->diags);
}

static void ml_source_file(struct import_doc *d, const char *path)
{
	char *line = import_xprintf("  %s", path);
	if (*path && !doc_has_comment(d, line))
		doc_comment(d, line);
	else
		free(line);
}

static void ml_row(struct ml_ctx *c, const struct csv_record *row)
{
	const struct csv_field *energy = ml_cell(c, row, ML_ENERGY);
	if (cell_empty(energy)) {
		diag_add(c->diags, DIAG_WARNING, c->o->file, row->line,
			 energy->col,
			 "no energy_per_request_j; row skipped (expected the "
			 "energy of every run)");
		return;
	}
	size_t errors = c->diags->errors;
	struct import_doc *d = ml_doc(c, row);
	struct import_run run;
	memset(&run, 0, sizeof run);
	ml_run_values(c, &run, row);
	int missing = missing_required(&run.v, &d->w);
	if (c->diags->errors == errors && missing >= 0)
		diag_add(c->diags, DIAG_WARNING, c->o->file, row->line, 1,
			 "no value for %s; row skipped (expected every "
			 "required run key)",
			 schema_fields[missing].name);
	if (c->diags->errors != errors || missing >= 0) {
		values_free(&run.v);
		return;
	}
	const char *rep = ml_text(c, row, ML_REPLICATE);
	if (*rep && strcmp(rep, "1") != 0)
		run.note = import_xprintf("replicate %s of this configuration", rep);
	ml_source_file(d, ml_text(c, row, ML_FILE));
	doc_add_run(d, &run);
}

/* Typical prompt lengths of each task, in tokens. The sources do not publish
 * input lengths; these are order-of-magnitude guesses (shared/data/README.md)
 * and every document that uses one says so. */
static double default_input_tokens(const char *task)
{
	static const struct {
		const char *task;
		double tokens;
	} table[] = {
		{"gpqa", 300},
		{"lm-arena-chat", 500},
		{"sourcegraph-fim", 2000},
		{"chat", 250},
		{"code", 150},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (strcmp(task, table[i].task) == 0)
			return table[i].tokens;
	return 0;
}

/* What the ML.ENERGY multimodal tasks send with each request, from the
 * benchmarks' own code and data (shared/data/vision-tokens.md, sections 2
 * and 5): the vision rules turn it into tokens when the profile is read.
 * The text lengths are assumed like the input lengths above; the sizes are
 * the uncertain part, and each note says how uncertain. */
static const struct import_vision_task vision_tasks[] = {
	{"image-chat", 100, 1, "1280x800", 0, NULL, 0,
	 "ASSUMED vision input: one VisionArena-Chat image per request at its "
	 "original size (ML.ENERGY benchmark, num_images 1); no size "
	 "statistics are published: about 1 MP on average (vLLM PR 14654: "
	 "~1450 prompt tokens per request under Qwen2-VL), so 1280x800 stands "
	 "for the mix; the mean vision tokens may be half to 2.5 times what "
	 "this gives"},
	{"video-chat", 50, 0, NULL, 32, "854x480", 30,
	 "ASSUMED vision input: one LLaVA-Video-178K clip per request, 32 "
	 "frames re-encoded at 30 fps (ML.ENERGY benchmark, num_frames 32); "
	 "the frame size is not published: 854x480 central, 640x360 to "
	 "1280x720 plausible (about half to twice the vision tokens)"},
	{"mllm-chat", 50, 1, "640x480", 0, NULL, 0,
	 "vision input: one COCO train2017 image per request (LLaVA-Instruct-"
	 "150K sample of the v2 benchmark), at most 640 px a side, mostly "
	 "640x480 or 640x427: 640x480 assumed (within a few percent of the "
	 "vision tokens of either)"},
};

const struct import_vision_task *import_vision_task(const char *task)
{
	for (size_t i = 0; task && i < sizeof vision_tasks / sizeof *vision_tasks;
	     i++)
		if (strcmp(task, vision_tasks[i].task) == 0)
			return &vision_tasks[i];
	return NULL;
}

bool import_vision_derivable(const struct import_vision_task *vt,
			     const char *model)
{
	if (!vt || !model)
		return false;
	struct diag_list d;
	diag_init(&d, NULL);
	struct vision_rules *rules = vision_rules_load(&d);
	const struct vision_family *f =
		rules ? vision_rules_find(rules, model) : NULL;
	bool ok = false;
	if (f) {
		uint32_t ipx = 0, fpx = 0;
		if (vt->image_px)
			vision_parse_px(vt->image_px, &ipx);
		if (vt->frame_px)
			vision_parse_px(vt->frame_px, &fpx);
		struct vision_request q = {
			.images = vt->images,
			.image_w = ipx >> 16,
			.image_h = ipx & 0xffff,
			.frames = vt->video_frames,
			.frame_w = fpx >> 16,
			.frame_h = fpx & 0xffff,
			.video_fps = vt->video_fps,
		};
		double v, ve;
		char why[160];
		ok = vision_derive(f, &q, &v, &ve, why, sizeof why) &&
		     v + vt->text_tokens <= LIMIT_TOKENS;
	}
	vision_rules_free(rules);
	diag_free(&d);
	return ok;
}

/* The vision inputs of a multimodal task, and its text length in place of
 * the whole input length; an --input-tokens given for the task stays the
 * whole input length. */
static bool ml_vision_inputs(struct ml_ctx *c, struct import_doc *d,
			     const char *task)
{
	const struct import_vision_task *vt = import_vision_task(task);
	if (!vt)
		return false;
	bool sends = import_vision_derivable(vt, d->w.str[SCHEMA_MODEL]);
	bool given = false;
	for (size_t i = 0; i < c->o->ntokens; i++)
		if (strcmp(c->o->tokens[i].task, task) == 0) {
			set_num(&d->w, SCHEMA_INPUT_TOKENS,
				c->o->tokens[i].tokens);
			given = true;
		}
	if (!given && !sends) {
		/* no vision rule for this model: its text alone, said */
		set_num(&d->w, SCHEMA_INPUT_TOKENS, vt->text_tokens);
		doc_note(d, SCHEMA_INPUT_TOKENS,
			 xstrdup("ASSUMED text length only: no vision rule "
				 "matches this model, so what the task sends "
				 "is left out (add its family to "
				 "vision-rules.yaml, or --input-tokens TASK=N "
				 "gives the whole input length)"));
	} else if (!given) {
		set_num(&d->w, SCHEMA_TEXT_TOKENS, vt->text_tokens);
		doc_note(d, SCHEMA_TEXT_TOKENS,
			 xstrdup("ASSUMED text length: the source does not "
				 "publish it (energylens's default for this "
				 "task; the vision tokens are added to it; "
				 "--input-tokens TASK=N gives the whole input "
				 "length instead)"));
	} else {
		doc_note(d, SCHEMA_INPUT_TOKENS,
			 xstrdup("ASSUMED input length, text and vision "
				 "(--input-tokens)"));
	}
	set_str(&d->w, SCHEMA_INPUT_TOKENS_ASSUMED, "true");
	if (!sends)
		return true;
	enum schema_field first = vt->images > 0 ? SCHEMA_IMAGES
						 : SCHEMA_VIDEO_FRAMES;
	if (vt->images > 0) {
		set_num(&d->w, SCHEMA_IMAGES, vt->images);
		set_str(&d->w, SCHEMA_IMAGE_PX, vt->image_px);
	} else {
		set_num(&d->w, SCHEMA_VIDEO_FRAMES, vt->video_frames);
		set_str(&d->w, SCHEMA_FRAME_PX, vt->frame_px);
		set_num(&d->w, SCHEMA_VIDEO_FPS, vt->video_fps);
	}
	doc_note(d, first, xstrdup(vt->note));
	return true;
}

static void ml_input_tokens(struct ml_ctx *c, struct import_doc *d)
{
	bool needed = false;
	for (size_t i = 0; i < d->nruns; i++)
		needed |= !d->runs[i].v.set[SCHEMA_INPUT_TOKENS];
	if (!needed || !d->w.str[SCHEMA_NAME])
		return;
	const char *task = d->w.str[SCHEMA_NAME];
	if (ml_vision_inputs(c, d, task))
		return;
	double tokens = 0;
	const char *from = "--input-tokens";
	for (size_t i = 0; i < c->o->ntokens; i++)
		if (strcmp(c->o->tokens[i].task, task) == 0)
			tokens = c->o->tokens[i].tokens;
	if (tokens == 0) {
		tokens = default_input_tokens(task);
		from = "energylens's default for this task; change it with "
		       "--input-tokens TASK=N";
	}
	if (tokens == 0) {
		diag_add(c->diags, DIAG_WARNING, c->o->file, d->line, 1,
			 "no input length for task '%s'; input_tokens "
			 "omitted (expected --input-tokens %s=N)",
			 task, task);
		return;
	}
	set_num(&d->w, SCHEMA_INPUT_TOKENS, tokens);
	set_str(&d->w, SCHEMA_INPUT_TOKENS_ASSUMED, "true");
	doc_note(d, SCHEMA_INPUT_TOKENS,
		 import_xprintf("ASSUMED input length: the source does not publish "
			 "it (%s)",
			 from));
}

/* Checks the whole shapes table once, so that a bad cell is reported once
 * and not for every workload of that model. */
static void check_shapes(struct ml_ctx *c)
{
	const struct csv_table *t = c->o->shapes;
	for (size_t r = 1; r < t->count; r++) {
		const struct csv_record *row = &t->records[r];
		for (int i = SH_LAYERS; i < SH_NCOLS; i++) {
			const struct csv_field *f = cell(row, c->shape_col[i]);
			struct import_values v;
			memset(&v, 0, sizeof v);
			if (cell_empty(f) ||
			    !import_value_parse(&v, SCHEMA_SHAPE_LAYERS,
						f->text))
				continue;
			diag_add(c->diags, DIAG_ERROR, c->o->shapes_file,
				 f->line, f->col,
				 "'%s' is not valid for %s (expected a "
				 "non-negative integer)",
				 f->text, shape_names[i]);
		}
	}
}

int import_mlenergy(struct import_set *set, const struct csv_table *csv,
		    const struct import_mlenergy_opts *opts,
		    struct diag_list *diags)
{
	struct ml_ctx c = {opts, set, diags, {0}, {0}, {-1, -1}};
	size_t errors = diags->errors;
	bool ok = find_columns(csv, opts->file, ml_names, c.col, ML_NCOLS,
			       "the ML.ENERGY/Argonne 41-column format", diags);
	if (opts->shapes &&
	    !find_columns(opts->shapes, opts->shapes_file, shape_names,
			  c.shape_col, SH_NCOLS, "a model-shapes table", diags))
		ok = false;
	if (!ok)
		return -1;
	if (opts->shapes) {
		c.shape_params_col[0] = csv_column(opts->shapes, "params_b");
		c.shape_params_col[1] =
			csv_column(opts->shapes, "active_params_b");
		check_shapes(&c);
	}
	for (size_t r = 1; r < csv->count; r++)
		ml_row(&c, &csv->records[r]);
	drop_empty_docs(set);
	for (size_t i = 0; i < set->count; i++)
		ml_input_tokens(&c, &set->docs[i]);
	if (set->count == 0 && diags->errors == errors)
		diag_add(diags, DIAG_ERROR, opts->file, 0, 0,
			 "no rows with energy (expected at least one run)");
	return diags->errors == errors ? 0 : -1;
}

/* ---- shared with the JSON importers (import_json.c) ------------------- */

struct import_doc *import_set_doc(struct import_set *set, char *group,
				  unsigned line, bool *added)
{
	return set_doc(set, group, line, added);
}

void import_doc_comment(struct import_doc *d, char *line)
{
	doc_comment(d, line);
}

void import_doc_note(struct import_doc *d, enum schema_field key, char *note)
{
	doc_note(d, key, note);
}

void import_doc_add_run(struct import_doc *d, const struct import_run *run)
{
	doc_add_run(d, run);
}

void import_values_free(struct import_values *v)
{
	values_free(v);
}

int import_missing_required(const struct import_values *run,
			    const struct import_values *w)
{
	return missing_required(run, w);
}

double import_gpu_memory_gib(const char *gpu)
{
	return gpu_memory_gib(gpu);
}

double import_weight_bits(const char *precision)
{
	return weight_bits(precision);
}

double import_default_input_tokens(const char *task)
{
	return default_input_tokens(task);
}

void *import_xrealloc(void *p, size_t n)
{
	return xrealloc(p, n);
}

char *import_xstrdup(const char *s)
{
	return xstrdup(s);
}
