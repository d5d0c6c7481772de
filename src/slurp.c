#include "slurp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 when what st describes is one kind accepts, else the errno saying why
 * not. */
static int refusal(const struct stat *st, enum slurp_kind kind)
{
	if (S_ISDIR(st->st_mode))
		return EISDIR;
	return kind == SLURP_REGULAR && !S_ISREG(st->st_mode) ? ENXIO : 0;
}

int slurp_open(const char *path, enum slurp_kind kind)
{
	/* Looked at first, so a FIFO is refused without being opened: the
	 * open would wake a writer waiting on it, to find no reader. */
	struct stat st;
	int err = kind == SLURP_REGULAR && stat(path, &st) == 0
			  ? refusal(&st, kind)
			  : 0;
	if (err) {
		errno = err;
		return -1;
	}
	/* Non-blocking, then, since the name may be a FIFO by now: opening
	 * one for reading waits for a writer, and no signal ends that wait
	 * in the explorer. */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
	int fd = open(path, kind == SLURP_REGULAR ? flags | O_NONBLOCK : flags);
	if (fd < 0)
		return -1;
	err = fstat(fd, &st) != 0 ? errno : refusal(&st, kind);
	if (!err && kind == SLURP_REGULAR) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
			err = errno;
	}
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

const char *slurp_strerror(int err)
{
	return err == ENXIO ? "not a regular file (a FIFO, device or socket)"
			    : strerror(err);
}

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

char *slurp_file(const char *path, enum slurp_kind kind, size_t max,
		 size_t *len)
{
	int fd = slurp_open(path, kind);
	if (fd < 0)
		return NULL;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		int saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	char *buf = slurp_stream(fp, max, len);
	int saved = errno;
	fclose(fp);
	errno = saved;
	return buf;
}

char *slurp_path(const char *path, size_t max, size_t *len)
{
	if (strcmp(path, "-") == 0)
		return slurp_stream(stdin, max, len);
	return slurp_file(path, SLURP_ANY, max, len);
}
