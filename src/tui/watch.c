/* --follow's watch on the profile directories; see watch.h. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* glibc's DT_DIR, for a walk with no stat a file */
#endif
#include "config.h"

#include "watch.h"

#include <stdlib.h>

#ifdef HAVE_INOTIFY

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"

/* As deep as the profile walk goes (profile.c), links followed alike. */
#define MAX_DEPTH 32

/* What changes a file's signature or the set of files: writes (a sweep
 * appending), a new name, a name gone, a touch. */
#define EVENTS                                                                 \
	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |  \
	 IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

struct watched {
	char *path; /* NULL: no watch of this number */
	int depth;
	bool top;      /* named by the user, or the directory of a named file */
	bool any_name; /* a named file's directory: its name may be anything */
	bool tree;     /* its subdirectories are watched too */
};

struct watch {
	int fd; /* the inotify instance; -1: nothing watched, look every time */
	bool changed;
	struct watched *by_wd; /* indexed by watch descriptor */
	size_t cap;
};

static void forget(struct watched *d)
{
	free(d->path);
	memset(d, 0, sizeof *d);
}

/* Nothing more is watched: from now on the caller looks every time. For
 * what a watch cannot follow (a named directory moved or removed, a
 * directory moved within the tree) and when the user's inotify limits are
 * reached. */
static void give_up(struct watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	for (size_t i = 0; i < w->cap; i++)
		forget(&w->by_wd[i]);
	free(w->by_wd);
	w->by_wd = NULL;
	w->cap = 0;
	w->changed = true;
}

static struct watched *slot(struct watch *w, int wd)
{
	if (wd < 0)
		return NULL;
	if ((size_t)wd >= w->cap) {
		size_t cap = w->cap ? w->cap : 16;
		while (cap <= (size_t)wd)
			cap *= 2;
		struct watched *grown = realloc(w->by_wd, cap * sizeof *grown);
		if (!grown)
			return NULL;
		memset(grown + w->cap, 0, (cap - w->cap) * sizeof *grown);
		w->by_wd = grown;
		w->cap = cap;
	}
	return &w->by_wd[wd];
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s%s", dir,
			 dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
			 name);
	return p;
}

/* The directory a path names a file in ("." for a bare name). */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, path, n);
		p[n] = '\0';
	}
	return p;
}

static bool add_dir(struct watch *w, const char *path, int depth, bool top,
		    bool tree);

/* A file the walk would read through a symbolic link: a write to it is
 * seen in the directory the link leads to. */
static bool add_target_dir(struct watch *w, const char *path)
{
	char *real = realpath(path, NULL);
	char *dir = real ? parent_of(real) : NULL;
	bool ok = !real || (dir && add_dir(w, dir, 0, false, false));
	free(dir);
	free(real);
	return ok;
}

/* The subdirectories of a watched directory, and the targets of its links
 * to profile files; false when a watch cannot be set. */
static bool add_entries(struct watch *w, const char *path, int depth)
{
	DIR *dir = opendir(path);
	if (!dir)
		return true; /* the walk reports it; a change of it is seen */
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(dir))) {
		/* hidden entries are not read, as in the walk */
		if (e->d_name[0] == '.')
			continue;
		bool maybe_dir = e->d_type == DT_DIR || e->d_type == DT_LNK ||
				 e->d_type == DT_UNKNOWN;
		bool link = e->d_type == DT_LNK || e->d_type == DT_UNKNOWN;
		if (!maybe_dir)
			continue;
		char *child = join(path, e->d_name);
		struct stat st;
		if (!child)
			ok = false;
		else if (stat(child, &st) != 0)
			; /* a dangling link: the walk reports it */
		else if (S_ISDIR(st.st_mode))
			ok = depth >= MAX_DEPTH ||
			     add_dir(w, child, depth + 1, false, true);
		else if (link && profile_is_file_name(e->d_name))
			ok = add_target_dir(w, child);
		free(child);
	}
	closedir(dir);
	return ok;
}

/* Watches a directory, and with tree its subdirectories: false when a
 * watch cannot be set (out of memory, the user's inotify limit). */
static bool add_dir(struct watch *w, const char *path, int depth, bool top,
		    bool tree)
{
	int wd = inotify_add_watch(w->fd, path, EVENTS | IN_ONLYDIR);
	if (wd < 0)
		/* A subdirectory gone already, or unreadable: the walk says
		 * so, and a new one in its place is seen in its parent. A
		 * directory given has no watched parent: polled instead. */
		return !top &&
		       (errno == ENOENT || errno == ENOTDIR || errno == EACCES);
	struct watched *d = slot(w, wd);
	if (!d)
		return false;
	if (d->path) {
		/* watched already: named twice, or a link loop */
		d->top |= top;
		d->any_name |= !tree;
		if (d->tree || !tree)
			return true;
	} else if (!(d->path = strdup(path))) {
		return false;
	} else {
		d->depth = depth;
		d->top = top;
		d->any_name = !tree;
	}
	d->tree |= tree;
	return !tree || add_entries(w, path, depth);
}

/* A path as the explorer was given it: a directory and what is under it,
 * or a file, whose directory is watched for that name (a sweep may write
 * it anew and rename it into place), and the file a link leads to. */
static bool add_path(struct watch *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(w, path, 0, true, true);
	char *dir = parent_of(path);
	bool ok = dir && add_dir(w, dir, 0, true, false) &&
		  add_target_dir(w, path);
	free(dir);
	return ok;
}

struct watch *watch_open(const char *const *paths, int npaths)
{
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->changed = true;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	for (int i = 0; w->fd >= 0 && i < npaths; i++)
		if (!add_path(w, paths[i]))
			give_up(w);
	return w;
}

/* What one event means: a change to look at, a new directory to watch,
 * or the end of watching. */
static void take_event(struct watch *w, const struct inotify_event *e,
		       const char *name)
{
	if (e->mask & IN_Q_OVERFLOW) {
		w->changed = true; /* events were lost: look */
		return;
	}
	struct watched *d =
		e->wd >= 0 && (size_t)e->wd < w->cap ? &w->by_wd[e->wd] : NULL;
	if (!d || !d->path)
		return;
	if ((e->mask & (IN_MOVE_SELF | IN_UNMOUNT)) ||
	    (d->top && (e->mask & (IN_DELETE_SELF | IN_IGNORED)))) {
		give_up(w);
		return;
	}
	if (e->mask & IN_IGNORED) {
		forget(d); /* a subdirectory removed: its parent saw it go */
		return;
	}
	bool dir = e->mask & IN_ISDIR;
	/* a note, a script, an editor's swap file; but a file given is read
	 * whatever its name, hidden too, so in its directory any name may be
	 * the one */
	if (e->mask & IN_DELETE_SELF ||
	    (!d->any_name &&
	     (name[0] == '.' || (!dir && !profile_is_file_name(name)))))
		return;
	w->changed = true;
	if (dir && d->tree && (e->mask & (IN_CREATE | IN_MOVED_TO)) &&
	    d->depth < MAX_DEPTH) {
		char *child = join(d->path, name);
		if (!child || !add_dir(w, child, d->depth + 1, false, true))
			give_up(w);
		free(child);
	}
}

bool watch_changed(struct watch *w)
{
	if (!w || w->fd < 0)
		return true;
	/* aligned as the kernel writes the events into it */
	union {
		struct inotify_event e;
		char bytes[64 * (sizeof(struct inotify_event) + NAME_MAX + 1)];
	} buf;
	for (;;) {
		ssize_t n = read(w->fd, buf.bytes, sizeof buf.bytes);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: all read */
		for (size_t at = 0;
		     w->fd >= 0 && at + sizeof buf.e <= (size_t)n;) {
			struct inotify_event e;
			memcpy(&e, buf.bytes + at, sizeof e);
			const char *name =
				e.len ? buf.bytes + at + sizeof e : "";
			take_event(w, &e, name);
			at += sizeof e + e.len;
		}
		if (w->fd < 0)
			return true;
	}
	bool changed = w->changed;
	w->changed = false;
	return changed;
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	give_up(w);
	free(w);
}

#else /* no inotify: the caller looks every time */

struct watch {
	char unused;
};

struct watch *watch_open(const char *const *paths, int npaths)
{
	(void)paths;
	(void)npaths;
	return calloc(1, sizeof(struct watch));
}

bool watch_changed(struct watch *w)
{
	(void)w;
	return true;
}

void watch_close(struct watch *w)
{
	free(w);
}

#endif
