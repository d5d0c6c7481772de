/* Minimal JSON output for --json: enough to write strings safely (a byte
 * that is not UTF-8 as U+FFFD, controls and invisible characters as \u
 * escapes) and numbers that stay valid JSON (non-finite values become
 * null). */
#ifndef ENERGYLENS_JSON_H
#define ENERGYLENS_JSON_H

#include <stdio.h>

void json_string(FILE *out, const char *s);
void json_number(FILE *out, double v);

#endif
