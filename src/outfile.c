/* realpath is XSI; the build's flags may already ask for it. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "outfile.h"

#include "exitcode.h"
#include "text.h"

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

/* ---- what a run reads and writes ---------------------------------------- */

/* An output named by the user: where it resolves to (symbolic links
 * followed, "-" for standard output), and its file when it exists. */
struct outfile_claim {
	char *where;
	char *named; /* as the user named it */
	bool exists;
	struct stat st;
};

void outfile_run_init(struct outfile_run *run)
{
	memset(run, 0, sizeof *run);
	fileid_init(&run->read);
	fileid_init(&run->written);
}

void outfile_run_free(struct outfile_run *run)
{
	fileid_free(&run->read);
	fileid_free(&run->written);
	for (size_t i = 0; i < run->nclaims; i++) {
		free(run->claims[i].where);
		free(run->claims[i].named);
	}
	free(run->claims);
	memset(run, 0, sizeof *run);
}

/* Only regular files can be lost by being replaced; a device or a pipe is
 * written in place (/dev/null may well be read and written by one run). */
static bool may_clash(const struct stat *st)
{
	return S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode);
}

int outfile_run_read(struct outfile_run *run, const char *path)
{
	struct stat st;
	int found =
		is_stdout(path) ? fstat(STDIN_FILENO, &st) : stat(path, &st);
	if (found != 0 || !S_ISREG(st.st_mode))
		return 0;
	return fileid_add(&run->read, &st) < 0 ? -1 : 0;
}

int outfile_run_read_set(struct outfile_run *run, const struct fileid_set *set)
{
	return set ? fileid_merge(&run->read, set) : 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* path with its directory resolved (and itself, when it exists), so that
 * "out.yaml" and "./out.yaml" are one output before either is made. */
static char *resolve(const char *path)
{
	char *real = realpath(path, NULL);
	if (real || errno == ENOMEM)
		return real;
	const char *slash = strrchr(path, '/');
	char *dir =
		slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	char *rdir = dir ? realpath(dir, NULL) : NULL;
	const char *base = slash ? slash + 1 : path;
	/* a directory that cannot be resolved: the name as given */
	size_t n = (rdir ? strlen(rdir) : 0) + strlen(base) + 2;
	char *full = rdir ? malloc(n) : strdup(path);
	if (rdir && full)
		snprintf(full, n, "%s/%s", rdir, base);
	free(dir);
	free(rdir);
	return full;
}

static enum outfile_clash clash_with(const struct outfile_claim *a,
				     const struct outfile_claim *b)
{
	bool same = strcmp(a->where, b->where) == 0 ||
		    (a->exists && b->exists && same_file(&a->st, &b->st));
	if (!same)
		return OUTFILE_FREE;
	return strcmp(a->where, "-") == 0 || strcmp(b->where, "-") == 0
		       ? OUTFILE_STDOUT_TWICE
		       : OUTFILE_TWICE;
}

enum outfile_clash outfile_claim(struct outfile_run *run, const char *path)
{
	struct outfile_claim c = {NULL, strdup(path ? path : "-"), false, {0}};
	if (is_stdout(path)) {
		c.where = strdup("-");
		c.exists = fstat(STDOUT_FILENO, &c.st) == 0;
	} else {
		c.where = resolve(path);
		c.exists = stat(path, &c.st) == 0;
	}
	if (!c.where || !c.named) {
		free(c.where);
		free(c.named);
		return OUTFILE_NO_MEMORY;
	}
	c.exists = c.exists && may_clash(&c.st);
	enum outfile_clash clash = OUTFILE_FREE;
	for (size_t i = 0; i < run->nclaims && !clash; i++)
		clash = clash_with(&c, &run->claims[i]);
	struct outfile_claim *grown =
		clash ? NULL
		      : realloc(run->claims,
				(run->nclaims + 1) * sizeof *run->claims);
	if (!clash && !grown)
		clash = OUTFILE_NO_MEMORY;
	if (clash) {
		free(c.where);
		free(c.named);
		return clash;
	}
	run->claims = grown;
	run->claims[run->nclaims++] = c;
	return OUTFILE_FREE;
}

enum outfile_clash outfile_run_check(const struct outfile_run *run,
				     const char **path)
{
	for (size_t i = 0; i < run->nclaims; i++) {
		const struct outfile_claim *c = &run->claims[i];
		/* standard output was opened by the shell before the run
		 * read anything: nothing more is lost by writing it */
		if (c->exists && strcmp(c->where, "-") != 0 &&
		    fileid_has(&run->read, &c->st)) {
			*path = c->named;
			return OUTFILE_INPUT;
		}
	}
	return OUTFILE_FREE;
}

const char *outfile_clash_text(enum outfile_clash clash)
{
	switch (clash) {
	case OUTFILE_FREE:
		break;
	case OUTFILE_INPUT:
		return "is read by this command, so it is not replaced (name "
		       "another file for the output)";
	case OUTFILE_TWICE:
		return "is named for two outputs (name a file for each)";
	case OUTFILE_STDOUT_TWICE:
		return "is standard output, which another output has already "
		       "(two documents cannot share it: name a file)";
	case OUTFILE_NO_MEMORY:
		return "out of memory";
	}
	return "";
}

/* The last word before a file is replaced: not one this run read or
 * wrote, however it is named (a symbolic or hard link to it). */
static bool refused(struct outfile *out, const struct stat *st)
{
	const struct outfile_run *run = out->run;
	if (!run || !S_ISREG(st->st_mode))
		return false;
	enum outfile_clash clash = OUTFILE_FREE;
	if (fileid_has(&run->read, st))
		clash = OUTFILE_INPUT;
	else if (fileid_has(&run->written, st))
		clash = OUTFILE_TWICE;
	if (!clash)
		return false;
	out->why = outfile_clash_text(clash);
	errno = EEXIST;
	return true;
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

static int open_file(struct outfile *out, const char *path)
{
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
	if (exists && refused(out, &st))
		return -1;
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
	out->path = out->tmp = NULL;
	out->fp = NULL;
	errno = saved;
	return -1;
}

int outfile_open(struct outfile *out, const char *path, struct outfile_run *run)
{
	memset(out, 0, sizeof *out);
	out->run = run;
	if (is_stdout(path)) {
		out->fp = stdout;
		return 0;
	}
	if (open_file(out, path) == 0)
		return 0;
	int saved = errno;
	const char *why = out->why ? out->why : strerror(saved);
	memset(out, 0, sizeof *out);
	out->why = why;
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
	/* a later output of the run must not replace this one */
	struct stat st;
	if (out->run && stat(out->path, &st) == 0)
		fileid_add(&out->run->written, &st);
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

int outfile_claim_output(struct outfile_run *run, const char *path,
			 const char *who)
{
	enum outfile_clash c = outfile_claim(run, path);
	if (c == OUTFILE_FREE)
		c = outfile_run_check(run, &path);
	if (c == OUTFILE_FREE)
		return EXIT_OK;
	text_fprintf(stderr, "%s: %s: %s\n", who, path ? path : "-",
		     outfile_clash_text(c));
	return c == OUTFILE_NO_MEMORY ? EXIT_SOFTWARE : EXIT_CANTCREAT;
}
