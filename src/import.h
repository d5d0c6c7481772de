/* Importers: turn CSV tables (ML.ENERGY-style benchmark results, or any CSV
 * with a column map) into profile documents of schema v1, then write them
 * as YAML. Everything is validated before anything is written, so a caller
 * either gets a whole set of documents or a list of diagnostics. */
#ifndef ENERGYLENS_IMPORT_H
#define ENERGYLENS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "diag.h"
#include "schema.h"

/* Values by schema key (enum schema_field, schema.h): every key of the
 * schema can be imported, and is written in the table's order. */
struct import_values {
	bool set[SCHEMA_FIELD_COUNT];
	double num[SCHEMA_FIELD_COUNT];
	char *str[SCHEMA_FIELD_COUNT]; /* string and enumeration keys */
};

struct import_run {
	struct import_values v;
	char *note; /* written as a comment above the run, or NULL */
};

struct import_doc {
	char *group;	 /* identity of the workload, for grouping rows */
	unsigned line;	 /* first CSV line of the workload */
	char **comments; /* header comment lines, without "# " */
	size_t ncomments;
	struct import_values w;
	char *note[SCHEMA_FIELD_COUNT]; /* comment written above a workload key
					 */
	struct import_run *runs;
	size_t nruns, cap;
};

struct import_set {
	struct import_doc *docs;
	size_t count, cap;
};

/* task=tokens pairs from --input-tokens */
struct import_tokens {
	char *task;
	double tokens;
};

struct import_mlenergy_opts {
	const char *file;		/* as named in diagnostics */
	const struct csv_table *shapes; /* NULL when --shapes not given */
	const char *shapes_file;
	const struct import_tokens *tokens;
	size_t ntokens;
};

/* One --map entry (column index into the CSV) or --set entry. */
struct import_assign {
	enum schema_field key;
	int column;	   /* --map */
	const char *value; /* --set */
};

/* Checks a text value for a key. Returns NULL when it is acceptable (and
 * stores it), else what was expected, e.g. "a positive integer". */
const char *import_value_parse(struct import_values *v, enum schema_field key,
			       const char *text);

/* Each returns 0, or -1 when errors were added to diags (or memory ran out;
 * then an error without position is added). */
int import_mlenergy(struct import_set *set, const struct csv_table *csv,
		    const struct import_mlenergy_opts *opts,
		    struct diag_list *diags);
int import_mapped(struct import_set *set, const struct csv_table *csv,
		  const char *file, const struct import_assign *maps,
		  size_t nmaps, const struct import_assign *sets, size_t nsets,
		  struct diag_list *diags);

/* Writes every document; returns what ferror says afterwards. */
int import_write(const struct import_set *set, FILE *out);
void import_free(struct import_set *set);

/* Shortest of %.15g and %.17g that reads back as the same double. */
void import_format_number(char buf[32], double x);

/* Shared with the JSON importers (import_json.c). import_set_doc: the
 * document of a group key (which it frees), *added when new; the doc_
 * functions take over the strings they are given; import_missing_required:
 * the first required key neither run nor workload has, or -1. The guesses
 * from labels return 0 when the label says nothing. Out of memory exits
 * (EXIT_SOFTWARE) after saying so. */
struct import_doc *import_set_doc(struct import_set *set, char *group,
				  unsigned line, bool *added);
void import_doc_comment(struct import_doc *d, char *line);
void import_doc_note(struct import_doc *d, enum schema_field key, char *note);
void import_doc_add_run(struct import_doc *d, const struct import_run *run);
void import_values_free(struct import_values *v);
int import_missing_required(const struct import_values *run,
			    const struct import_values *w);
double import_gpu_memory_gib(const char *gpu);
double import_weight_bits(const char *precision);
double import_default_input_tokens(const char *task);
/* What a multimodal ML.ENERGY task sends per request (NULL for a text
 * task): an assumed text length, images of image_px or a clip of
 * video_frames of frame_px at video_fps, and a note of how uncertain. */
struct import_vision_task {
	const char *task;
	double text_tokens, images;
	const char *image_px;
	double video_frames;
	const char *frame_px;
	double video_fps;
	const char *note;
};
const struct import_vision_task *import_vision_task(const char *task);
/* Whether the vision rules a profile is read with turn what vt sends into
 * tokens for model (a family matches it and can derive them): only then
 * does an importer write the vision inputs, so that what it writes reads
 * back. */
bool import_vision_derivable(const struct import_vision_task *vt,
			     const char *model);
void *import_xrealloc(void *p, size_t n);
/* A string printed into memory of its own (the caller frees it). */
char *import_xprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* A plain decimal (no "nan", "inf" or hex: none is a measurement), blanks
 * around it forgiven; false on anything else or a value past double. */
bool import_decimal(const char *s, double *out);
char *import_xstrdup(const char *s);

#endif
