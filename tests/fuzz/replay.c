/* Runs every file of a fuzz target's committed corpus through it, without
 * libFuzzer, so that make check (and the sanitizer build of CI) replays
 * each input that once found a bug. Arguments name files or directories;
 * without any, $top_srcdir/tests/fuzz/corpus/NAME is read. Prints one PASS
 * line per directory; a crash or an abort is the failure. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "fuzz.h"

static bool run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("FAIL: fuzz-%s: %s: %s\n", fuzz_target_name, path,
		       strerror(errno));
		return false;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		uint8_t *grown = realloc(buf, cap *= 2);
		if (!grown)
			free(buf);
		buf = grown;
	}
	fclose(f);
	if (!buf) {
		printf("FAIL: fuzz-%s: %s: out of memory\n", fuzz_target_name,
		       path);
		return false;
	}
	/* An exact-size copy, so that ASan sees a read past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact && len)
		memcpy(exact, buf, len);
	free(buf);
	if (!exact)
		return false;
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of files run, or -1 on a failure. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL: fuzz-%s: %s: %s\n", fuzz_target_name, dir,
		       strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **grown = realloc(names, (n + 1) * sizeof *names);
		if (!grown || !(grown[n] = strdup(e->d_name))) {
			names = grown ? grown : names;
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	/* In name order, so that a failure is reproducible by name. */
	if (n > 1)
		qsort(names, n, sizeof *names, compare_names);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (count >= 0 && !run_file(path))
			count = -1;
		else if (count >= 0)
			count++;
		free(names[i]);
	}
	free(names);
	return count;
}

static bool run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		printf("FAIL: fuzz-%s: %s: %s\n", fuzz_target_name, path,
		       strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	long count = run_dir(path);
	if (count < 0)
		return false;
	printf("PASS: fuzz-%s: %ld corpus inputs\n", fuzz_target_name, count);
	return true;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		bool ok = true;
		for (int i = 1; i < argc; i++)
			ok &= run_path(argv[i]);
		return ok ? 0 : 1;
	}
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s",
		 top && *top ? top : ".", fuzz_target_name);
	return run_path(dir) ? 0 : 1;
}
