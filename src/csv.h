/* RFC 4180 CSV over a buffer already in memory: quoted fields with ""
 * escapes, CRLF or LF line ends, a last line with or without its newline.
 * Every field keeps its 1-based line and column (in characters) so that a
 * consumer can point at the cell it rejects. Problems are reported through
 * a diag list, all of them, not only the first. */
#ifndef ENERGYLENS_CSV_H
#define ENERGYLENS_CSV_H

#include <stddef.h>

#include "diag.h"

struct csv_field {
	const char *text; /* unquoted, unescaped, NUL-terminated */
	size_t len;
	unsigned line, col;
};

struct csv_record {
	struct csv_field *fields;
	size_t count;
	unsigned line;
};

struct csv_table {
	struct csv_record *records; /* records[0] is the header */
	size_t count, cap;
	char *text; /* storage the fields point into */
};

/* Reads all of buf; lines that are entirely empty are skipped. Each problem
 * (unterminated quote, stray quote, NUL byte, invalid UTF-8, a row whose
 * field count differs from the header's) is added to diags as an error
 * against file. Returns 0 when there was none, 1 when there were errors
 * (the table then holds what could be read), -1 when out of memory. */
int csv_read(struct csv_table *table, const char *buf, size_t len,
	     const char *file, struct diag_list *diags);
void csv_free(struct csv_table *table);

/* Index of the header column with this exact name, or -1. */
int csv_column(const struct csv_table *table, const char *name);

#endif
