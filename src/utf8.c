#include "utf8.h"

#include <langinfo.h>
#include <string.h>

size_t utf8_len(const unsigned char *p, size_t avail)
{
	if (avail == 0)
		return 0;
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t n;
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		n = 2;
	else if (b >= 0xE0 && b <= 0xEF)
		n = 3;
	else if (b >= 0xF0 && b <= 0xF4)
		n = 4;
	else
		return 0;
	/* the second byte's range is what rules out overlongs, surrogates
	 * and code points past U+10FFFF */
	if (b == 0xE0)
		lo = 0xA0;
	else if (b == 0xED)
		hi = 0x9F;
	else if (b == 0xF0)
		lo = 0x90;
	else if (b == 0xF4)
		hi = 0x8F;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

unsigned utf8_code_point(const unsigned char *p, size_t len)
{
	if (len == 1)
		return p[0];
	unsigned v = p[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++)
		v = v << 6 | (p[i] & 0x3fu);
	return v;
}

bool utf8_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool utf8_find_control(const char *s, size_t n, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		k = utf8_len(p + i, n - i);
		if (k && utf8_is_control(utf8_code_point(p + i, k))) {
			*cp = utf8_code_point(p + i, k);
			return true;
		}
	}
	return false;
}

bool utf8_locale(void)
{
	const char *codeset = nl_langinfo(CODESET);
	return codeset &&
	       (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
