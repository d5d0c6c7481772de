/* realpath is XSI; the build's flags may already ask for it. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A Ctrl-C while a large output is written must not leave the temporary
 * file behind: while one is open, INT, TERM and HUP remove it (unlink is
 * safe in a handler) and the signal then ends the process as before. One
 * output file is written at a time. */
static const char *volatile pending_tmp;
static const int cleanup_signals[3] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved_actions[3];

static void on_signal(int sig)
{
	if (pending_tmp)
		unlink(pending_tmp);
	for (int i = 0; i < 3; i++)
		if (cleanup_signals[i] == sig)
			sigaction(sig, &saved_actions[i], NULL);
	raise(sig);
}

static void guard(const char *tmp)
{
	pending_tmp = tmp;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++) {
		sigaction(cleanup_signals[i], NULL, &saved_actions[i]);
		/* a signal the caller ignores stays ignored */
		if (saved_actions[i].sa_handler != SIG_IGN)
			sigaction(cleanup_signals[i], &sa, NULL);
	}
}

static void unguard(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(cleanup_signals[i], &saved_actions[i], NULL);
	pending_tmp = NULL;
}

static int is_stdout(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

/* The temporary file must live in the destination's directory: rename() is
 * only atomic within one file system. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	size_t n = dirlen + strlen(base) + sizeof "/..XXXXXX";
	char *tmp = malloc(n);
	if (!tmp)
		return NULL;
	snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	return tmp;
}

/* mkstemp creates 0600; a profile or report is meant to be read by others,
 * so give it what a plain fopen would have: 0644 less the umask. */
static int set_mode(int fd)
{
	mode_t mask = umask(0);
	umask(mask);
	return fchmod(fd, 0644 & ~mask);
}

/* A destination that is not a regular file (/dev/null, /dev/full, a FIFO,
 * a terminal) is written in place: a temporary file renamed over it would
 * replace the device itself, which root is allowed to do. Whole or nothing
 * means nothing there; write errors are still reported at commit. */
static int open_in_place(struct outfile *out, const char *path)
{
	if (!(out->path = strdup(path)))
		return -1;
	if (!(out->fp = fopen(path, "w"))) {
		int saved = errno;
		free(out->path);
		out->path = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int outfile_open(struct outfile *out, const char *path)
{
	memset(out, 0, sizeof *out);
	if (is_stdout(path)) {
		out->fp = stdout;
		return 0;
	}
	if (*path == '\0' || path[strlen(path) - 1] == '/') {
		errno = EISDIR;
		return -1;
	}
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (exists && !S_ISREG(st.st_mode))
		return open_in_place(out, path);
	/* Through a symbolic link, the file it names is replaced, not the
	 * link; realpath fails for a file yet to be made. */
	char *real = realpath(path, NULL);
	out->path = real ? real : strdup(path);
	out->tmp = out->path ? temp_name(out->path) : NULL;
	if (!out->path || !out->tmp)
		goto fail;
	int fd = mkstemp(out->tmp);
	if (fd < 0)
		goto fail;
	if (set_mode(fd) < 0 || !(out->fp = fdopen(fd, "w"))) {
		int saved = errno;
		close(fd);
		unlink(out->tmp);
		errno = saved;
		goto fail;
	}
	guard(out->tmp);
	return 0;
fail:;
	int saved = errno;
	free(out->path);
	free(out->tmp);
	memset(out, 0, sizeof *out);
	errno = saved;
	return -1;
}

static void release(struct outfile *out)
{
	free(out->path);
	free(out->tmp);
	memset(out, 0, sizeof *out);
}

/* Best effort: makes the rename itself durable. A failure here cannot be
 * undone any more, so it is not reported. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir =
		slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	if (!dir)
		return;
	int fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* stdout, or a destination written in place (out->tmp NULL). */
static int commit_in_place(struct outfile *out)
{
	errno = 0;
	int failed = fflush(out->fp) != 0 || ferror(out->fp);
	int saved = errno ? errno : EIO;
	if (out->path && fclose(out->fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	release(out);
	errno = saved;
	return failed ? -1 : 0;
}

int outfile_commit(struct outfile *out)
{
	if (!out->tmp)
		return commit_in_place(out);
	errno = 0;
	int failed = fflush(out->fp) != 0 || ferror(out->fp);
	if (!failed && fsync(fileno(out->fp)) != 0)
		failed = 1;
	int saved = errno ? errno : EIO;
	if (fclose(out->fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	out->fp = NULL;
	if (!failed && rename(out->tmp, out->path) != 0) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		unlink(out->tmp);
		unguard();
		release(out);
		errno = saved;
		return -1;
	}
	unguard();
	sync_dir(out->path);
	release(out);
	return 0;
}

void outfile_abort(struct outfile *out)
{
	if (!out->path) {
		/* stdout: what was written cannot be taken back; at least
		 * push it out so it is not mixed with later output. */
		if (out->fp)
			fflush(out->fp);
		memset(out, 0, sizeof *out);
		return;
	}
	if (out->fp)
		fclose(out->fp);
	if (out->tmp) {
		unlink(out->tmp);
		unguard();
	}
	release(out);
}
