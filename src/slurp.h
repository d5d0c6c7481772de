/* Reading a whole stream into memory, for the readers that need every byte
 * at once (a CSV table, a fitted-model file, a key script). */
#ifndef ENERGYLENS_SLURP_H
#define ENERGYLENS_SLURP_H

#include <stddef.h>
#include <stdio.h>

/* Returns fp's bytes up to its end, NUL-terminated, their count in *len;
 * NULL with errno set when reading fails (EIO if the stream did not say),
 * memory runs out (ENOMEM) or there are more than max bytes (EFBIG: a
 * path such as /dev/zero would otherwise be read until memory runs out).
 * The stream is left open. */
char *slurp_stream(FILE *fp, size_t max, size_t *len);
/* The same for the file at path, "-" being standard input. */
char *slurp_path(const char *path, size_t max, size_t *len);
/* How path is named in messages: "<stdin>" for "-", so that every reader
 * of standard input names it alike. */
const char *slurp_name(const char *path);

#endif
