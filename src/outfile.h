/* Output files are written whole or not at all: everything goes to a
 * temporary file in the destination's directory, which is renamed over the
 * destination only once it has been written and flushed without error. */
#ifndef ENERGYLENS_OUTFILE_H
#define ENERGYLENS_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *fp;   /* write here */
	char *path; /* NULL when writing to stdout */
	char *tmp;
};

/* path NULL or "-" means stdout. Returns 0, or -1 with errno set. */
int outfile_open(struct outfile *out, const char *path);
/* Flushes, syncs and renames into place. Returns 0, or -1 with errno set, in
 * which case the temporary file is removed and the destination untouched. */
int outfile_commit(struct outfile *out);
/* Discards what was written; the destination is untouched. */
void outfile_abort(struct outfile *out);

#endif
