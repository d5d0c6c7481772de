/* Opening a file by name without hanging on a FIFO, and reading a whole
 * stream into memory, for the readers that need every byte at once (a CSV
 * table, a fitted-model file, a key script). */
#ifndef ENERGYLENS_SLURP_H
#define ENERGYLENS_SLURP_H

#include <stddef.h>
#include <stdio.h>

/* What slurp_open accepts besides regular files. */
enum slurp_kind {
	/* Regular files only: for files the program finds itself (in a
	 * directory, a theme directory) or reads again (--follow). A FIFO
	 * there would block the open until a writer comes, forever. */
	SLURP_REGULAR,
	/* Also a FIFO, pipe or device, read as cat(1) reads it (a FIFO waits
	 * for its writer): for a path the user named, such as <(command). */
	SLURP_ANY,
};
/* Opens path for reading (close-on-exec, never the controlling terminal).
 * Returns the descriptor, in blocking mode, or -1 with errno set: EISDIR
 * for a directory, ENXIO for what kind does not accept (which
 * slurp_strerror names). Under SLURP_REGULAR no call blocks, even when the
 * file is swapped for a FIFO as it is opened. */
int slurp_open(const char *path, enum slurp_kind kind);
/* strerror, except for slurp_open's ENXIO: "not a regular file (a FIFO,
 * device or socket)". */
const char *slurp_strerror(int err);

/* Returns fp's bytes up to its end, NUL-terminated, their count in *len;
 * NULL with errno set when reading fails (EIO if the stream did not say),
 * memory runs out (ENOMEM) or there are more than max bytes (EFBIG: a
 * path such as /dev/zero would otherwise be read until memory runs out).
 * The stream is left open. */
char *slurp_stream(FILE *fp, size_t max, size_t *len);
/* The same for the file at path, opened by slurp_open(path, kind): NULL
 * with errno as slurp_open or slurp_stream set it (slurp_strerror names
 * it; EFBIG: more than max bytes). */
char *slurp_file(const char *path, enum slurp_kind kind, size_t max,
		 size_t *len);
/* The same for the file at path (opened as SLURP_ANY: the user named it),
 * "-" being standard input. */
char *slurp_path(const char *path, size_t max, size_t *len);
/* How path is named in messages: "<stdin>" for "-", so that every reader
 * of standard input names it alike. */
const char *slurp_name(const char *path);

#endif
