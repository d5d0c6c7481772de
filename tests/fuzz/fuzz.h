/* What the fuzz targets share: each is a libFuzzer entry point over one
 * parser, built by `make fuzz` with clang's -fsanitize=fuzzer and, with
 * tests/fuzz/replay.c instead of libFuzzer, by `make check`, which runs
 * every committed corpus file through it (tests/fuzz/corpus/NAME/). A
 * broken invariant aborts, so that both count it as a crash. */
#ifndef ENERGYLENS_FUZZ_H
#define ENERGYLENS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpus directory under tests/fuzz/corpus/ of this target. */
extern const char fuzz_target_name[];

/* Aborts with a message: a finding, not a test failure to recover from. */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* The input as a NUL-terminated string for parsers that want one; NULL
 * when out of memory (the caller then skips the input). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		if (size)
			memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
