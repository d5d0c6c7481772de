/* Output files are written whole or not at all: everything goes to a
 * temporary file in the destination's directory, which is renamed over the
 * destination only once it has been written and flushed without error. */
#ifndef ENERGYLENS_OUTFILE_H
#define ENERGYLENS_OUTFILE_H

#include <stdio.h>

#include "fileid.h"

/* What one run reads and writes. No output may replace a file the run has
 * read (fit in.yaml -o in.yaml would put the fit where the data was, and
 * exit 0), nor be another of its outputs, standard output included. The
 * verb records what it reads, claims its outputs once it has read (so that
 * a clash is said before the work), and outfile_open checks again. */
struct outfile_run {
	struct fileid_set read;	   /* files read, by identity */
	struct fileid_set written; /* outputs renamed into place */
	struct outfile_claim *claims;
	size_t nclaims;
};

enum outfile_clash {
	OUTFILE_FREE,
	OUTFILE_INPUT,	      /* a file the run has read */
	OUTFILE_TWICE,	      /* the file of another output */
	OUTFILE_STDOUT_TWICE, /* standard output, which another output has */
	OUTFILE_NO_MEMORY,
};

void outfile_run_init(struct outfile_run *run);
void outfile_run_free(struct outfile_run *run);
/* Records the file at path ("-": standard input) as read. A path that is
 * not there now is not recorded. Returns 0, or -1 when out of memory. */
int outfile_run_read(struct outfile_run *run, const char *path);
/* Records every file of set (NULL: none) as read. */
int outfile_run_read_set(struct outfile_run *run, const struct fileid_set *set);
/* Claims path ("-" or NULL: standard output) for an output of this run. A
 * clash with an earlier claim is said at once; with a file read, once
 * outfile_run_check is called after the reading. */
enum outfile_clash outfile_claim(struct outfile_run *run, const char *path);
/* The first claim that names a file read, with *path set to it; else
 * OUTFILE_FREE. */
enum outfile_clash outfile_run_check(const struct outfile_run *run,
				     const char **path);
/* Why a clash is refused, for "PATH: ..." */
const char *outfile_clash_text(enum outfile_clash clash);
/* An importer's output, claimed once every input is recorded: EXIT_OK, or
 * the exit status after saying on stderr "WHO: PATH: why". */
int outfile_claim_output(struct outfile_run *run, const char *path,
			 const char *who);

struct outfile {
	FILE *fp;   /* write here */
	char *path; /* NULL when writing to stdout */
	char *tmp;
	struct outfile_run *run;
	const char *why; /* after a failed open: what went wrong, in words */
};

/* path NULL or "-" means stdout. Refuses (errno EEXIST) a destination run
 * has read or written already; run is NULL only in tests. Returns 0, or -1
 * with errno and out->why set. */
int outfile_open(struct outfile *out, const char *path,
		 struct outfile_run *run);
/* Flushes, syncs and renames into place. Returns 0, or -1 with errno set, in
 * which case the temporary file is removed and the destination untouched. */
int outfile_commit(struct outfile *out);
/* Discards what was written; the destination is untouched. */
void outfile_abort(struct outfile *out);

#endif
