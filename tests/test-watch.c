/* Unit tests of --follow's watch (src/tui/watch.c): it says "look" at the
 * first call, after a change to a profile file or a directory under the
 * paths (new subdirectories included), and for a named file whatever its
 * name; not for notes or hidden files beside the profiles; and always,
 * once a directory given is gone (it polls then), or where there is no
 * inotify. inotify queues an event before the call that caused it returns,
 * so each check follows its change at once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "watch.h"

static char root[64];
static char *made[32]; /* removed in reverse order after each case */
static size_t nmade;
static struct watch *w;

static const char *path_of(const char *rel)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	return path;
}

static bool remember(const char *path)
{
	if (nmade == sizeof made / sizeof *made)
		return false;
	return (made[nmade] = strdup(path)) != NULL && ++nmade;
}

static bool make_dir(const char *rel)
{
	const char *path = path_of(rel);
	return mkdir(path, 0700) == 0 && remember(path);
}

static bool write_file(const char *rel, const char *text)
{
	const char *path = path_of(rel);
	bool fresh = access(path, F_OK) != 0;
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	return ok && (!fresh || remember(path));
}

static void clean(void)
{
	watch_close(w);
	w = NULL;
	while (nmade > 0) {
		remove(made[--nmade]);
		free(made[nmade]);
	}
}

#ifdef HAVE_INOTIFY

/* The watch on root/rel (a directory or a file), past its first look. */
static bool watch_on(const char *rel)
{
	const char *path = path_of(rel);
	w = watch_open(&path, 1);
	return w && watch_changed(w) && !watch_changed(w);
}

static void test_profile_change_seen(void)
{
	ASSERT(make_dir("d") && write_file("d/a.yaml", "x\n"));
	ASSERT(watch_on("d"));
	ASSERT(write_file("d/a.yaml", "changed\n"));
	ASSERT(watch_changed(w));
	ASSERT(!watch_changed(w));
	ASSERT(write_file("d/b.yml", "new\n"));
	ASSERT(watch_changed(w));
}

/* What the walk does not read changes nothing: notes, scripts, an
 * editor's hidden swap file. */
static void test_notes_and_hidden_files_ignored(void)
{
	ASSERT(make_dir("d") && write_file("d/a.yaml", "x\n"));
	ASSERT(watch_on("d"));
	ASSERT(write_file("d/notes.txt", "edited often\n"));
	ASSERT(write_file("d/.a.yaml.swp", "swap\n"));
	ASSERT(!watch_changed(w));
}

/* A directory made after the start is watched as it appears, and one in
 * it too. */
static void test_new_directories_watched(void)
{
	ASSERT(make_dir("d") && make_dir("d/old"));
	ASSERT(watch_on("d"));
	ASSERT(write_file("d/old/a.yaml", "x\n"));
	ASSERT(watch_changed(w));
	ASSERT(make_dir("d/new"));
	ASSERT(watch_changed(w));
	ASSERT(make_dir("d/new/deeper"));
	ASSERT(watch_changed(w));
	ASSERT(!watch_changed(w));
	ASSERT(write_file("d/new/deeper/b.yaml", "x\n"));
	ASSERT(watch_changed(w));
}

/* A file named on the command line is read whatever its name: its
 * directory is watched for it, so a new file renamed into its place is
 * seen, as a sweep writing it whole would do, and so is a hidden one. */
static void test_named_file_replaced(void)
{
	ASSERT(make_dir("f") && write_file("f/run.log", "x\n"));
	ASSERT(watch_on("f/run.log"));
	ASSERT(write_file("f/run.log.tmp", "new\n"));
	watch_changed(w); /* any name there may be the one: looked at */
	char from[256];
	snprintf(from, sizeof from, "%s", path_of("f/run.log.tmp"));
	ASSERT(rename(from, path_of("f/run.log")) == 0);
	ASSERT(watch_changed(w));
	watch_close(w);
	w = NULL;
	ASSERT(write_file("f/.hidden.yaml", "x\n"));
	ASSERT(watch_on("f/.hidden.yaml"));
	ASSERT(write_file("f/.hidden.yaml", "changed\n"));
	ASSERT(watch_changed(w));
}

/* A directory given, removed: nothing is watched any more, and the caller
 * looks every time, as without inotify. */
static void test_named_directory_gone_polls(void)
{
	ASSERT(make_dir("d"));
	ASSERT(watch_on("d"));
	ASSERT(rmdir(path_of("d")) == 0);
	ASSERT(watch_changed(w));
	ASSERT(watch_changed(w));
	ASSERT(mkdir(path_of("d"), 0700) == 0);
	ASSERT(watch_changed(w));
}

/* A path given that is not there yet has no directory to watch: the
 * caller looks every time, so it is seen when it comes. */
static void test_missing_path_polls(void)
{
	const char *path = path_of("not-yet/a.yaml");
	w = watch_open(&path, 1);
	ASSERT(w && watch_changed(w) && watch_changed(w));
}

#else

/* The caller looks every time: once a second, as before inotify. */
static void test_without_inotify_always_looks(void)
{
	ASSERT(make_dir("d"));
	const char *path = path_of("d");
	w = watch_open(&path, 1);
	ASSERT(w && watch_changed(w) && watch_changed(w));
	ASSERT(write_file("d/notes.txt", "x\n"));
	ASSERT(watch_changed(w));
}

#endif

int main(void)
{
	snprintf(root, sizeof root, "/tmp/energylens-watch-XXXXXX");
	if (!mkdtemp(root)) {
		printf("FAIL: test-watch: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
#ifdef HAVE_INOTIFY
	UNIT_RUN_WITH(test_profile_change_seen, clean);
	UNIT_RUN_WITH(test_notes_and_hidden_files_ignored, clean);
	UNIT_RUN_WITH(test_new_directories_watched, clean);
	UNIT_RUN_WITH(test_named_file_replaced, clean);
	UNIT_RUN_WITH(test_named_directory_gone_polls, clean);
	UNIT_RUN_WITH(test_missing_path_polls, clean);
#else
	UNIT_RUN_WITH(test_without_inotify_always_looks, clean);
#endif
	rmdir(root);
	return unit_status();
}
