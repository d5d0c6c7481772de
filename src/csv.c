#include "csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

struct reader {
	const char *p, *end;
	unsigned line, col;
	unsigned
		bad_line; /* encoding problems: one report per line is enough */
	const char *file;
	struct diag_list *diags;
	char *out; /* next free byte of the table's text */
	bool errors, nomem;
};

static void error_at(struct reader *r, unsigned line, unsigned col,
		     const char *what)
{
	diag_add(r->diags, DIAG_ERROR, r->file, line, col, "%s", what);
	r->errors = true;
}

static void bad_byte(struct reader *r, const char *what)
{
	if (r->bad_line != r->line)
		error_at(r, r->line, r->col, what);
	r->bad_line = r->line;
	r->p++;
	r->col++;
}

/* Copies one character of field content, checking its encoding. */
static void copy_char(struct reader *r)
{
	const unsigned char *p = (const unsigned char *)r->p;
	if (*p == '\0') {
		bad_byte(r, "NUL byte (expected text)");
		return;
	}
	size_t n = utf8_len(p, (size_t)((const unsigned char *)r->end - p));
	if (n == 0) {
		char msg[64];
		snprintf(msg, sizeof msg,
			 "invalid UTF-8 byte 0x%02x (expected UTF-8 text)", *p);
		bad_byte(r, msg);
		return;
	}
	memcpy(r->out, r->p, n);
	r->out += n;
	r->p += n;
	if (*p == '\n') {
		r->line++;
		r->col = 1;
	} else {
		r->col++;
	}
}

static bool at_line_end(const struct reader *r)
{
	return r->p == r->end || *r->p == '\n' ||
	       (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n');
}

static bool at_field_end(const struct reader *r)
{
	return at_line_end(r) || *r->p == ',';
}

static void read_unquoted(struct reader *r)
{
	while (!at_field_end(r)) {
		if (*r->p == '"')
			error_at(r, r->line, r->col,
				 "stray '\"' in an unquoted field (expected "
				 "the whole field in double quotes, with \"\" "
				 "for a quote)");
		copy_char(r);
	}
}

static void read_quoted(struct reader *r)
{
	unsigned line = r->line, col = r->col;
	r->p++;
	r->col++;
	for (;;) {
		if (r->p == r->end) {
			error_at(r, line, col,
				 "unterminated quoted field (expected a "
				 "closing '\"')");
			return;
		}
		if (*r->p != '"') {
			copy_char(r);
			continue;
		}
		if (r->p + 1 < r->end && r->p[1] == '"') {
			*r->out++ = '"';
			r->p += 2;
			r->col += 2;
			continue;
		}
		r->p++;
		r->col++;
		break;
	}
	if (!at_field_end(r)) {
		error_at(r, r->line, r->col,
			 "text after a closing quote (expected ',' or the "
			 "end of the line)");
		read_unquoted(r);
	}
}

static bool add_field(struct csv_record *rec, size_t *cap,
		      const struct csv_field *f)
{
	if (rec->count == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct csv_field *fields =
			realloc(rec->fields, n * sizeof *fields);
		if (!fields)
			return false;
		rec->fields = fields;
		*cap = n;
	}
	rec->fields[rec->count++] = *f;
	return true;
}

static bool read_record(struct reader *r, struct csv_record *rec)
{
	size_t cap = 0;
	memset(rec, 0, sizeof *rec);
	rec->line = r->line;
	for (;;) {
		struct csv_field f = {r->out, 0, r->line, r->col};
		if (r->p < r->end && *r->p == '"')
			read_quoted(r);
		else
			read_unquoted(r);
		f.len = (size_t)(r->out - f.text);
		*r->out++ = '\0';
		if (!add_field(rec, &cap, &f))
			return false;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			r->col++;
			continue;
		}
		break;
	}
	if (r->p < r->end) {
		r->p += *r->p == '\r' ? 2 : 1;
		r->line++;
		r->col = 1;
	}
	return true;
}

static bool add_record(struct csv_table *t, const struct csv_record *rec)
{
	if (t->count == t->cap) {
		size_t n = t->cap ? t->cap * 2 : 64;
		struct csv_record *records =
			realloc(t->records, n * sizeof *records);
		if (!records)
			return false;
		t->records = records;
		t->cap = n;
	}
	t->records[t->count++] = *rec;
	return true;
}

static void check_width(struct reader *r, const struct csv_table *t,
			const struct csv_record *rec)
{
	size_t want = t->records[0].count;
	if (rec->count == want)
		return;
	/* Point at the first extra field, or at the end of a short row. */
	unsigned col =
		rec->count > want
			? rec->fields[want].col - 1
			: rec->fields[rec->count - 1].col +
				  (unsigned)rec->fields[rec->count - 1].len;
	char msg[128];
	snprintf(msg, sizeof msg,
		 "row has %zu field%s (expected %zu, as in the header)",
		 rec->count, rec->count == 1 ? "" : "s", want);
	error_at(r, rec->line, col ? col : 1, msg);
}

static void skip_empty_lines(struct reader *r)
{
	while (r->p < r->end &&
	       (*r->p == '\n' ||
		(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))) {
		r->p += *r->p == '\r' ? 2 : 1;
		r->line++;
	}
}

int csv_read(struct csv_table *table, const char *buf, size_t len,
	     const char *file, struct diag_list *diags)
{
	memset(table, 0, sizeof *table);
	/* Unescaping never lengthens a field, and each field's delimiter
	 * makes room for its NUL, except the last one's: hence + 2. */
	table->text = malloc(len + 2);
	if (!table->text)
		return -1;
	const char *encoding = text_encoding_problem(buf, len);
	if (encoding) { /* a spreadsheet's "Unicode text" export */
		diag_add(diags, DIAG_ERROR, file, 1, 1,
			 "%s; save the file as UTF-8", encoding);
		return 1; /* an empty table, as for any error */
	}
	struct reader r = {buf,	 buf + len, 1,		 1,	0,
			   file, diags,	    table->text, false, false};
	/* A byte order mark is an editor's artefact, not data. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r.p += 3;
	for (;;) {
		skip_empty_lines(&r);
		if (r.p == r.end)
			break;
		struct csv_record rec;
		if (!read_record(&r, &rec) || !add_record(table, &rec)) {
			free(rec.fields);
			csv_free(table);
			return -1;
		}
		if (table->count > 1)
			check_width(&r, table, &rec);
	}
	return r.errors ? 1 : 0;
}

void csv_free(struct csv_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		free(table->records[i].fields);
	free(table->records);
	free(table->text);
	memset(table, 0, sizeof *table);
}

int csv_column(const struct csv_table *table, const char *name)
{
	if (table->count == 0)
		return -1;
	const struct csv_record *h = &table->records[0];
	for (size_t i = 0; i < h->count; i++)
		if (strcmp(h->fields[i].text, name) == 0)
			return (int)i;
	return -1;
}
