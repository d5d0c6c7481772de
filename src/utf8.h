/* UTF-8: one check of well-formedness for every reader of text (CSV
 * import, theme files, the screen). */
#ifndef ENERGYLENS_UTF8_H
#define ENERGYLENS_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at p, which has avail bytes
 * (no overlongs, surrogates or code points past U+10FFFF), or 0. */
size_t utf8_len(const unsigned char *p, size_t avail);
/* The code point of a sequence utf8_len accepted, of length len. */
unsigned utf8_code_point(const unsigned char *p, size_t len);

#endif
