#include "json.h"

#include <math.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

/* Strings come from files and file names, which need not be UTF-8: a byte
 * that is not is written as U+FFFD (the replacement character), so the
 * document stays valid JSON that any parser reads. Controls (C0, DEL,
 * C1), U+2028/U+2029 (line breaks to JavaScript) and the invisible
 * characters of text.h are written as \u escapes, which JSON reads back
 * as the same characters. */
void json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	putc('"', out);
	for (size_t i = 0, k; i < n; i += k) {
		k = utf8_len(p + i, n - i);
		if (!k) {
			fputs("\\ufffd", out);
			k = 1;
			continue;
		}
		unsigned cp = utf8_code_point(p + i, k);
		if (cp == '"')
			fputs("\\\"", out);
		else if (cp == '\\')
			fputs("\\\\", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (utf8_is_control(cp) ||
			 (text_is_invisible(cp) && cp <= 0xFFFF))
			fprintf(out, "\\u%04x", cp);
		else if (text_is_invisible(cp)) /* a surrogate pair */
			fprintf(out, "\\u%04x\\u%04x",
				0xD800 + ((cp - 0x10000) >> 10),
				0xDC00 + ((cp - 0x10000) & 0x3FF));
		else
			fwrite(p + i, 1, k, out);
	}
	putc('"', out);
}

void json_number(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.15g", v);
	else
		fputs("null", out);
}
