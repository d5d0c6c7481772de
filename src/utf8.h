/* UTF-8: one check of well-formedness for every reader of text (CSV
 * import, theme files, the screen). */
#ifndef ENERGYLENS_UTF8_H
#define ENERGYLENS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at p, which has avail bytes
 * (no overlongs, surrogates or code points past U+10FFFF), or 0. */
size_t utf8_len(const unsigned char *p, size_t avail);
/* The code point of a sequence utf8_len accepted, of length len. */
unsigned utf8_code_point(const unsigned char *p, size_t len);
/* Whether a code point is a control character: C0, DEL or C1. Printed
 * raw, they are terminal commands (colours, titles, character sets). */
bool utf8_is_control(unsigned cp);
/* The first control character of the n bytes at s, in *cp; false when
 * there is none. Bytes that are not UTF-8 are skipped. */
bool utf8_find_control(const char *s, size_t n, unsigned *cp);

/* Whether the locale's character set is UTF-8, so marks like a star may
 * be drawn; ASCII otherwise. */
bool utf8_locale(void);

#endif
