/* Unit tests of output files (src/outfile.c): written whole or not at all,
 * a device written in place and never replaced, a symbolic link's target
 * replaced and the link kept, and no temporary file left by a signal; and
 * of whole-file input (src/slurp.c): every byte up to a limit, no more. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfile.h"
#include "slurp.h"
#include "unit.h"

static char dir[64];

static const char *in_dir(const char *name)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* The directory's entries, as "a b c" (sorted by readdir's whims: the
 * cases keep at most two). */
static const char *entries(void)
{
	static char list[256];
	list[0] = '\0';
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			strncat(list, list[0] ? " " : "",
				sizeof list - strlen(list) - 1);
			strncat(list, e->d_name,
				sizeof list - strlen(list) - 1);
		}
	if (d)
		closedir(d);
	return list;
}

static void clean(void)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(in_dir(e->d_name));
	if (d)
		closedir(d);
}

static void test_whole_file(void)
{
	struct outfile o;
	ASSERT(outfile_open(&o, in_dir("out.yaml"), NULL) == 0);
	ASSERT_STR_EQ(entries(), strrchr(o.tmp, '/') + 1);
	fputs("hello\n", o.fp);
	ASSERT(outfile_commit(&o) == 0);
	ASSERT_STR_EQ(entries(), "out.yaml");
}

/* As root, a temporary file renamed over /dev/full replaced the device;
 * a device node of the same kind stands in for it here when it can be
 * made. */
static void test_device_written_in_place(void)
{
	struct outfile o;
	ASSERT(outfile_open(&o, "/dev/full", NULL) == 0);
	ASSERT(o.tmp == NULL);
	fputs("hello\n", o.fp);
	errno = 0;
	ASSERT(outfile_commit(&o) == -1);
	ASSERT_INT_EQ(errno, ENOSPC);
	struct stat st;
	ASSERT(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode));
	ASSERT(outfile_open(&o, "/dev/null", NULL) == 0);
	fputs("hello\n", o.fp);
	ASSERT(outfile_commit(&o) == 0);
	ASSERT(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	ASSERT_STR_EQ(entries(), "");
}

static void test_link_target_replaced(void)
{
	FILE *f = fopen(in_dir("real.yaml"), "w");
	ASSERT(f && fputs("old\n", f) >= 0 && fclose(f) == 0);
	ASSERT(symlink("real.yaml", in_dir("link.yaml")) == 0);
	struct outfile o;
	ASSERT(outfile_open(&o, in_dir("link.yaml"), NULL) == 0);
	fputs("new\n", o.fp);
	ASSERT(outfile_commit(&o) == 0);
	struct stat st;
	ASSERT(lstat(in_dir("link.yaml"), &st) == 0 && S_ISLNK(st.st_mode));
	char buf[16] = "";
	f = fopen(in_dir("real.yaml"), "r");
	ASSERT(f && fgets(buf, sizeof buf, f));
	fclose(f);
	ASSERT_STR_EQ(buf, "new\n");
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "w");
	ASSERT(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static const char *read_back(const char *name)
{
	static char buf[64];
	buf[0] = '\0';
	FILE *f = fopen(in_dir(name), "r");
	if (f) {
		if (!fgets(buf, sizeof buf, f))
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

/* fit in.yaml -o in.yaml replaced the profile with the fit: a file the run
 * read is never an output, by its name or any link to it, nor is an output
 * written twice. */
static void test_inputs_never_replaced(void)
{
	write_file("in.yaml", "data\n");
	ASSERT(symlink("in.yaml", in_dir("sym.yaml")) == 0);
	char in[512];
	snprintf(in, sizeof in, "%s", in_dir("in.yaml"));
	ASSERT(link(in, in_dir("hard.yaml")) == 0);
	struct outfile_run run;
	outfile_run_init(&run);
	ASSERT(outfile_run_read(&run, in_dir("in.yaml")) == 0);
	static const char *const names[] = {"in.yaml", "sym.yaml", "hard.yaml"};
	struct outfile o;
	for (size_t i = 0; i < 3; i++) {
		errno = 0;
		ASSERT(outfile_open(&o, in_dir(names[i]), &run) == -1);
		ASSERT_INT_EQ(errno, EEXIST);
		ASSERT_STR_EQ(o.why, outfile_clash_text(OUTFILE_INPUT));
	}
	ASSERT_STR_EQ(read_back("in.yaml"), "data\n");
	/* an output once written is not replaced by the next */
	ASSERT(outfile_open(&o, in_dir("out.yaml"), &run) == 0);
	fputs("first\n", o.fp);
	ASSERT(outfile_commit(&o) == 0);
	ASSERT(outfile_open(&o, in_dir("out.yaml"), &run) == -1);
	ASSERT_STR_EQ(o.why, outfile_clash_text(OUTFILE_TWICE));
	ASSERT_STR_EQ(read_back("out.yaml"), "first\n");
	outfile_run_free(&run);
}

/* Claims, before the work: two outputs in one file or on standard output,
 * and an output that names an input, said before anything is written. */
static void test_claims(void)
{
	write_file("in.yaml", "data\n");
	char cwd[512];
	ASSERT(getcwd(cwd, sizeof cwd) != NULL);
	ASSERT(chdir(dir) == 0);
	struct outfile_run run;
	outfile_run_init(&run);
	ASSERT_INT_EQ(outfile_claim(&run, "-"), OUTFILE_FREE);
	ASSERT_INT_EQ(outfile_claim(&run, NULL), OUTFILE_STDOUT_TWICE);
	ASSERT_INT_EQ(outfile_claim(&run, "new.yaml"), OUTFILE_FREE);
	ASSERT_INT_EQ(outfile_claim(&run, "./new.yaml"), OUTFILE_TWICE);
	ASSERT_INT_EQ(outfile_claim(&run, "in.yaml"), OUTFILE_FREE);
	const char *which = NULL;
	ASSERT_INT_EQ(outfile_run_check(&run, &which), OUTFILE_FREE);
	ASSERT(outfile_run_read(&run, "in.yaml") == 0);
	ASSERT_INT_EQ(outfile_run_check(&run, &which), OUTFILE_INPUT);
	ASSERT(which && strstr(which, "in.yaml") != NULL);
	outfile_run_free(&run);
	ASSERT(chdir(cwd) == 0);
}

/* A Ctrl-C while an output is written: the process dies of the signal, as
 * before, and neither the temporary file nor the destination is left. */
static void test_signal_removes_temporary(void)
{
	/* an ignored signal stays ignored, and removes nothing */
	fflush(stdout);
	pid_t ignoring = fork();
	ASSERT(ignoring >= 0);
	if (ignoring == 0) {
		signal(SIGTERM, SIG_IGN);
		struct outfile o;
		if (outfile_open(&o, in_dir("out.yaml"), NULL) != 0)
			_exit(2);
		fputs("whole\n", o.fp);
		raise(SIGTERM);
		_exit(outfile_commit(&o) == 0 ? 0 : 3);
	}
	int st;
	ASSERT(waitpid(ignoring, &st, 0) == ignoring);
	ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	ASSERT_STR_EQ(entries(), "out.yaml");
	unlink(in_dir("out.yaml"));
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		fflush(stdout);
		pid_t pid = fork();
		ASSERT(pid >= 0);
		if (pid == 0) {
			/* as from a terminal: a shell without job control
			 * starts background commands with SIGINT ignored,
			 * and an ignored signal stays ignored */
			signal(sigs[i], SIG_DFL);
			struct outfile o;
			if (outfile_open(&o, in_dir("out.yaml"), NULL) != 0)
				_exit(2);
			fputs("half", o.fp);
			fflush(o.fp);
			raise(sigs[i]);
			_exit(3);
		}
		int status;
		ASSERT(waitpid(pid, &status, 0) == pid);
		ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i],
			   "signal %d: status %d", sigs[i], status);
		ASSERT_STR_EQ(entries(), "");
	}
}

/* Every size around the buffer's growth steps and around the limit: the
 * bytes come back whole and NUL-terminated up to max, and one byte more is
 * EFBIG, not a longer buffer. */
static void test_slurp_sizes_and_limit(void)
{
	static const size_t sizes[] = {0,     1,      65534,  65535, 65536,
				       65537, 131071, 131072, 200000};
	static const size_t limits[] = {0,	1,	65535,	65536,
					131071, 200000, 1 << 20};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		for (size_t j = 0; j < sizeof limits / sizeof *limits; j++) {
			FILE *f = tmpfile();
			ASSERT(f != NULL);
			for (size_t k = 0; k < sizes[i]; k++)
				fputc('a' + (int)(k % 26), f);
			rewind(f);
			size_t len = 7;
			errno = 0;
			char *b = slurp_stream(f, limits[j], &len);
			fclose(f);
			if (sizes[i] > limits[j]) {
				ASSERT(b == NULL);
				ASSERT_INT_EQ(errno, EFBIG);
				continue;
			}
			ASSERT(b != NULL);
			ASSERT_INT_EQ(len, sizes[i]);
			ASSERT_INT_EQ(b[len], 0);
			for (size_t k = 0; k < len; k++)
				ASSERT_INT_EQ(b[k], 'a' + (int)(k % 26));
			free(b);
		}
	size_t len;
	errno = 0;
	ASSERT(slurp_path(in_dir("no-such-file"), 10, &len) == NULL);
	ASSERT_INT_EQ(errno, ENOENT);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/energylens-outfile-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("FAIL: test-outfile: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	UNIT_RUN_WITH(test_whole_file, clean);
	UNIT_RUN_WITH(test_device_written_in_place, clean);
	UNIT_RUN_WITH(test_inputs_never_replaced, clean);
	UNIT_RUN_WITH(test_claims, clean);
	UNIT_RUN_WITH(test_link_target_replaced, clean);
	UNIT_RUN_WITH(test_signal_removes_temporary, clean);
	UNIT_RUN(test_slurp_sizes_and_limit);
	rmdir(dir);
	return unit_status();
}
