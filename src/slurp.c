#include "slurp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *slurp_stream(FILE *fp, size_t max, size_t *len)
{
	/* the buffer grows to at most max + 2: one byte past max tells that
	 * there is more, one more for the terminating NUL */
	size_t cap = max < (1 << 16) ? max + 2 : 1 << 16, n = 0;
	char *buf = malloc(cap);
	int err = buf ? 0 : ENOMEM;
	while (!err) {
		errno = 0;
		n += fread(buf + n, 1, cap - 1 - n, fp);
		if (ferror(fp))
			err = errno ? errno : EIO;
		else if (n < cap - 1)
			break; /* the end */
		else if (n > max)
			err = EFBIG;
		else {
			size_t want = cap - 2 < max / 2 ? cap * 2 : max + 2;
			char *grown = realloc(buf, want);
			if (grown) {
				buf = grown;
				cap = want;
			} else {
				err = ENOMEM;
			}
		}
	}
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

const char *slurp_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

char *slurp_path(const char *path, size_t max, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = slurp_stream(fp, max, len);
	if (fp != stdin) {
		int saved = errno;
		fclose(fp);
		errno = saved;
	}
	return buf;
}
