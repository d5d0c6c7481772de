/* Reading paths into a run set: the walk over files and directories (each
 * read once by identity), standard input, and a file read whole and handed
 * to the parser (profile_load.c). */
#include "profile.h"
#include "profile_internal.h"
#include "fileid.h"
#include "slurp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum profile_status worse(enum profile_status a, enum profile_status b)
{
	return a > b ? a : b;
}

static enum profile_status unreadable(const char *path, int err,
				      struct diag_list *diags)
{
	diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s",
		 slurp_strerror(err));
	return PROFILE_UNREADABLE;
}

/* Reads fd to its end and loads it under the name path; closes fd unless
 * it is standard input. */
static enum profile_status load_fd(struct profile_set *set, int fd,
				   const char *path, struct diag_list *diags);

/* What the walk saw as a regular file is opened as one only, so a FIFO
 * put in its place meanwhile cannot block the open; a FIFO or device named
 * by the user is read as cat reads it, unless the set takes regular files
 * only. */
static enum profile_status load_file(struct profile_set *set, const char *path,
				     const struct stat *st,
				     struct diag_list *diags)
{
	bool any = !S_ISREG(st->st_mode) && !set->regular_only;
	int fd = slurp_open(path, any ? SLURP_ANY : SLURP_REGULAR);
	if (fd < 0)
		return unreadable(path, errno, diags);
	return load_fd(set, fd, path, diags);
}

static void close_input(int fd)
{
	if (fd != STDIN_FILENO)
		close(fd);
}

/* A profile of a million runs is a few hundred MB; a path that gives more
 * (check /dev/zero, a pipe that never ends) is refused before memory
 * runs out. */
#define PROFILE_MAX_BYTES ((size_t)1 << 30)

static enum profile_status too_large_file(const char *path,
					  struct diag_list *diags)
{
	diag_add(diags, DIAG_ERROR, path, 0, 0,
		 "file too large (expected at most 1 GiB of profiles: split "
		 "it)");
	return PROFILE_BAD_DATA;
}

static enum profile_status load_fd(struct profile_set *set, int fd,
				   const char *path, struct diag_list *diags)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int err = errno;
		close_input(fd);
		return unreadable(path, err, diags);
	}
	/* Read whole: the loader needs the bytes to locate encoding errors,
	 * which libyaml reports only as an offset. */
	if ((uint64_t)st.st_size > PROFILE_MAX_BYTES) {
		close_input(fd);
		return too_large_file(path, diags);
	}
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
	char *data = malloc(cap);
	for (;;) {
		if (!data) {
			close_input(fd);
			return PROFILE_NO_MEMORY;
		}
		ssize_t n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			free(data);
			close_input(fd);
			return unreadable(path, err, diags);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > PROFILE_MAX_BYTES) {
			free(data);
			close_input(fd);
			return too_large_file(path, diags);
		}
		if (len == cap) {
			char *grown = realloc(data, cap * 2);
			if (!grown)
				free(data);
			data = grown;
			cap *= 2;
		}
	}
	close_input(fd);
	enum profile_status status =
		profile_load_buffer(set, path, data, len, diags);
	free(data);
	return status;
}

bool profile_is_file_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Symbolic links may form cycles; a bound on depth ends any walk. */
#define MAX_DIR_DEPTH 32

struct walk {
	struct diag_list *diags;
	size_t files_found;
	struct fileid_set *seen; /* across every path given */
	profile_visit_fn visit;	 /* for each file to read */
	void *ctx;
};

/* Whether a path leads to a directory or file this walk has read already
 * (through a symbolic link), which is then skipped with a warning. */
static enum profile_status seen_before(struct walk *w, const char *path,
				       const struct stat *st, bool *skip)
{
	int fresh = fileid_add(w->seen, st);
	*skip = fresh != 1;
	if (fresh < 0)
		return PROFILE_NO_MEMORY;
	if (fresh == 0 && S_ISDIR(st->st_mode))
		diag_add(w->diags, DIAG_WARNING, path, 0, 0,
			 "directory read already (named twice, or a "
			 "symbolic link loop); skipped");
	else if (fresh == 0)
		diag_add(w->diags, DIAG_WARNING, path, 0, 0,
			 "file read already (named twice, or through a "
			 "symbolic link); skipped");
	/* what was read already was found: no "no profile files" for it */
	w->files_found += fresh == 0;
	return PROFILE_OK;
}

static enum profile_status walk_path(struct walk *w, const char *path,
				     int depth, bool explicit);

static enum profile_status walk_dir(struct walk *w, const char *path, int depth)
{
	if (depth > MAX_DIR_DEPTH) {
		diag_add(w->diags, DIAG_ERROR, path, 0, 0,
			 "directories nested deeper than %d levels "
			 "(a symbolic link loop?)",
			 MAX_DIR_DEPTH);
		return PROFILE_BAD_DATA;
	}
	DIR *dir = opendir(path);
	if (!dir)
		return unreadable(path, errno, w->diags);
	char **names = NULL;
	size_t count = 0, cap = 0;
	enum profile_status status = PROFILE_OK;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 32;
			char **grown = realloc(names, cap * sizeof *names);
			if (!grown) {
				status = PROFILE_NO_MEMORY;
				break;
			}
			names = grown;
		}
		if (!(names[count] = strdup(entry->d_name))) {
			status = PROFILE_NO_MEMORY;
			break;
		}
		count++;
	}
	closedir(dir);
	/* names is NULL for an empty directory, and qsort's argument is
	 * declared nonnull even when there is nothing to sort. */
	if (count > 1)
		qsort(names, count, sizeof *names, compare_names);
	size_t plen = strlen(path);
	bool slash = plen > 0 && path[plen - 1] == '/';
	for (size_t i = 0; i < count && status != PROFILE_NO_MEMORY; i++) {
		size_t len = plen + 1 + strlen(names[i]) + 1;
		char *child = malloc(len);
		if (!child) {
			status = PROFILE_NO_MEMORY;
			break;
		}
		snprintf(child, len, "%s%s%s", path, slash ? "" : "/",
			 names[i]);
		status = worse(status, walk_path(w, child, depth + 1, false));
		free(child);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return status;
}

static enum profile_status walk_path(struct walk *w, const char *path,
				     int depth, bool explicit)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return unreadable(path, errno, w->diags);
	/* A file named on the command line is read whatever its name; in a
	 * directory only profile files are, so notes and scripts can live
	 * beside them. */
	if (!S_ISDIR(st.st_mode) && !explicit &&
	    (!S_ISREG(st.st_mode) || !profile_is_file_name(path)))
		return PROFILE_OK;
	bool skip;
	enum profile_status status = seen_before(w, path, &st, &skip);
	if (skip)
		return status;
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, depth);
	w->files_found++;
	return w->visit(w->ctx, path, &st, w->diags);
}

enum profile_status profile_walk(const char *path, struct fileid_set *seen,
				 struct diag_list *diags,
				 profile_visit_fn visit, void *ctx)
{
	struct walk w = {diags, 0, seen, visit, ctx};
	enum profile_status status = walk_path(&w, path, 0, true);
	if (status == PROFILE_OK && w.files_found == 0) {
		diag_add(diags, DIAG_ERROR, path, 0, 0,
			 "no profile files in this directory "
			 "(expected *.yaml or *.yml files)");
		status = PROFILE_BAD_DATA;
	}
	return status;
}

static enum profile_status load_visit(void *set, const char *path,
				      const struct stat *st,
				      struct diag_list *diags)
{
	return load_file(set, path, st, diags);
}

/* Standard input is read once: a second "-" would find it at its end and
 * load nothing, silently. A file redirected to it is recorded like any
 * other, so that it is not read twice either, nor replaced by an output. */
static enum profile_status load_stdin(struct profile_set *set,
				      struct fileid_set *seen,
				      struct diag_list *diags)
{
	const char *name = slurp_name("-");
	if (!profile_claim_stdin(set)) {
		diag_add(diags, DIAG_WARNING, name, 0, 0,
			 "standard input named twice; read once");
		return PROFILE_OK;
	}
	struct stat sb;
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
		int fresh = fileid_add(seen, &sb);
		if (fresh < 0)
			return PROFILE_NO_MEMORY;
		if (fresh == 0) {
			diag_add(diags, DIAG_WARNING, name, 0, 0,
				 "file read already (standard input is a "
				 "file named too); skipped");
			return PROFILE_OK;
		}
	}
	return load_fd(set, STDIN_FILENO, name, diags);
}

enum profile_status profile_load_path(struct profile_set *set, const char *path,
				      struct diag_list *diags)
{
	struct fileid_set *seen = profile_seen(set);
	if (!seen)
		return PROFILE_NO_MEMORY;
	if (strcmp(path, "-") == 0)
		return load_stdin(set, seen, diags);
	return profile_walk(path, seen, diags, load_visit, set);
}
