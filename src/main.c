/* energylens: one verb per task; see energylens(1). */
#include "config.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_tui.h"
#include "exitcode.h"
#include "text.h"

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct verb verbs[] = {
	{"check", cmd_check, "load and validate profiles, summarise workloads"},
	{"import", cmd_import,
	 "convert benchmark results (CSV, JSON) to profile YAML"},
	{"fit", cmd_fit, "fit the energy and latency models to runs"},
	{"discover", cmd_discover,
	 "search closed forms of the energy model (symbolic regression)"},
	{"predict", cmd_predict, "predict one configuration, term by term"},
	{"rank", cmd_rank,
	 "rank the layouts of a workload by energy and latency"},
	{"divergence", cmd_divergence,
	 "map where the energy- and latency-optimal layouts differ"},
	{"eval", cmd_eval, "score the model and baselines on unseen runs"},
	{"snapshot", cmd_snapshot,
	 "print the explorer's screen as text, without a terminal"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: energylens [OPTION]... [PATH]...  (the explorer; "
		"'energylens --help-tui')\n"
		"       energylens VERB [OPTION]... [ARG]...\n"
		"Explore and model the energy of LLM inference serving.\n"
		"With no PATH the explorer opens the installed sample "
		"profiles; not on a\nterminal it prints the 'check' summary "
		"instead.\n\n"
		"Verbs:\n");
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out,
		"\nOptions:\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n\n"
		"'energylens VERB --help' describes a verb; energylens(1) and\n"
		"energylens-profile(5) describe everything.\n"
		"Exit status: 0 ok, 1 usage, 65 bad data, 66 unreadable "
		"input,\n"
		"70 internal error, 73 output cannot be written.\n");
}

static int run(int argc, char **argv)
{
	/* A GSL failure must be a message and a status, never an abort that
	 * leaves a terminal or a half-written file behind. */
	gsl_set_error_handler_off();
	/* Only the character type follows the user's locale (for UTF-8
	 * marks); numbers are always read and written with a '.'. */
	setlocale(LC_CTYPE, "");
	argv[0] = "energylens";
	if (argc < 2)
		return cmd_tui(argc, argv);
	const char *first = argv[1];
	if (strcmp(first, "--help-tui") == 0) {
		char *help[] = {"energylens", "--help", NULL};
		return cmd_tui(2, help);
	}
	if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0 ||
	    strcmp(first, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
		printf("energylens %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	/* getopt names argv[0] in its messages: make that "energylens VERB". */
	char prog[64];
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		if (strcmp(first, verbs[i].name) != 0)
			continue;
		snprintf(prog, sizeof prog, "energylens %s", verbs[i].name);
		argv[1] = prog;
		return verbs[i].run(argc - 1, argv + 1);
	}
	if (first[0] != '-' && access(first, F_OK) != 0 &&
	    !strpbrk(first, "/.")) {
		text_fprintf(stderr,
			     "energylens: '%s' is neither a verb nor a file\n"
			     "Try 'energylens --help'.\n",
			     first);
		return EXIT_USAGE;
	}
	/* Options and paths without a verb: the explorer. */
	return cmd_tui(argc, argv);
}

/* Output that could not be written (a full disk, "> /dev/full") is a
 * failure to say, not a success: stdio only finds out when it flushes. */
static int finish(int status)
{
	errno = 0;
	if (status == EXIT_CANTCREAT ||
	    (fflush(stdout) == 0 && !ferror(stdout)))
		return status; /* said already, or nothing to say */
	fprintf(stderr, "energylens: standard output: %s\n",
		errno ? strerror(errno) : "write error");
	return status == EXIT_OK ? EXIT_CANTCREAT : status;
}

int main(int argc, char **argv)
{
	return finish(run(argc, argv));
}
