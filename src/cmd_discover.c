/* energylens discover: search closed forms of the energy per request over
 * the runs, print the front of parameters against held-out error, and
 * write the chosen form as a model file (discover.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "dataset.h"
#include "defaults.h"
#include "discover.h"
#include "exitcode.h"
#include "json.h"
#include "outfile.h"
#include "profile.h"
#include "progress.h"
#include "text.h"
#include "workspace.h"

static void discover_usage(FILE *out)
{
	fputs("Usage: energylens discover [-o MODEL.yaml] [--max-params N] "
	      "[--seconds S]\n"
	      "                           [--seed N] [--json] [GRAMMAR "
	      "OPTION]... PATH...\n"
	      "Search closed forms of the energy per request over the runs "
	      "in PATH: sums of\nphysically typed terms, fitted by "
	      "non-negative least squares, scored on\nheld-out runs by their "
	      "error and by how well they choose layouts. Prints the\nbest "
	      "form for each number of parameters (the front) and writes the "
	      "chosen one\nas a model file for 'energylens fit --model'.\n\n"
	      "  -o, --output FILE  write the chosen form as a model file\n"
	      "  --max-params N     at most N parameters (1 to 24; default "
	      "12)\n"
	      "  --seconds S        time budget of the search (default 60)\n"
	      "  --seed N           seed of the folds and restarts (default "
	      "1)\n"
	      "  --max-forms N      score at most N forms (a budget that "
	      "gives the same\n"
	      "                     result on every machine)\n"
	      "  --folds K          cross-validation folds (2 to 16; default "
	      "5)\n"
	      "  --threads N        threads scoring forms (1 to 16; default: "
	      "the processors\n"
	      "                     online); the result is the same for any "
	      "number\n"
	      "  --front-dir DIR    also write every form of the front as "
	      "DIR/discovered-P.yaml\n"
	      "                     (P its parameters; DIR must exist)\n"
	      "  --json             print the front as JSON\n"
	      "Grammar options:\n"
	      "  --phases LIST      phases of terms: prefill,decode,static "
	      "(default all)\n"
	      "  --kinds LIST       kinds of terms: compute,memory,tp,pp,idle "
	      "(default all)\n"
	      "  --gammas LIST      batch exponents of decode terms, each in "
	      "(0, 4]\n"
	      "                     (default 0.5,0.75,1,1.25)\n"
	      "  -h, --help         show this help and exit\n\n"
	      "Ctrl-C stops the search and writes the best form found so "
	      "far.\n"
	      "Exit status: 0 ok, 1 usage, 65 bad data or nothing to search, "
	      "66 a path\ncannot be read, 73 the output cannot be written.\n",
	      out);
}

struct discover_cli {
	struct discover_options o;
	const char *output;
	const char *front_dir; /* NULL: only the chosen form is written */
	bool json;
};

static int usage_error(const char *what, const char *arg)
{
	text_fprintf(stderr,
		     "energylens discover: %s%s\n"
		     "Try 'energylens discover --help'.\n",
		     what, arg);
	return EXIT_USAGE;
}

/* A comma-separated list of words into a bit set; false on a word not in
 * words (or an empty list). */
static bool parse_words(const char *arg, const char *const *words, size_t n,
			unsigned *bits)
{
	*bits = 0;
	const char *p = arg;
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t k = 0;
		while (k < n && !(strlen(words[k]) == len &&
				  strncmp(words[k], p, len) == 0))
			k++;
		if (k == n)
			return false;
		*bits |= 1u << k;
		p += len;
		if (*p == ',' && *++p == '\0')
			return false;
	}
	return *bits != 0;
}

static bool parse_number(const char *arg, double lo, double hi, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(arg, &end);
	return end != arg && *end == '\0' && errno == 0 && isfinite(*v) &&
	       *v > lo && *v <= hi;
}

static bool parse_gammas(const char *arg, struct discover_options *o)
{
	o->ngammas = 0;
	char buf[256];
	if (strlen(arg) >= sizeof buf)
		return false;
	strcpy(buf, arg);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		double g;
		if (o->ngammas == DISCOVER_MAX_GAMMAS ||
		    !parse_number(tok, 0, 4, &g))
			return false;
		for (size_t k = 0; k < o->ngammas; k++)
			if (o->gammas[k] == g)
				return false;
		o->gammas[o->ngammas++] = g;
	}
	return o->ngammas > 0 && arg[strlen(arg) - 1] != ',' && arg[0] != ',';
}

static bool parse_count(const char *arg, unsigned long lo, unsigned long hi,
			unsigned long *v)
{
	char *end;
	errno = 0;
	if (arg[0] == '-' || arg[0] == '+')
		return false;
	*v = strtoul(arg, &end, 10);
	return end != arg && *end == '\0' && errno == 0 && *v >= lo && *v <= hi;
}

/* One grammar or search option; returns -1 when it is fine, else the exit
 * status. */
static int parse_one(int c, const char *arg, struct discover_cli *cli)
{
	static const char *const phases[] = {"prefill", "decode", "static"};
	static const char *const kinds[] = {"compute", "memory", "tp", "pp",
					    "idle"};
	struct discover_options *o = &cli->o;
	unsigned long n;
	switch (c) {
	case 'p':
		if (!parse_count(arg, 1, DISCOVER_MAX_PARAMS, &n))
			return usage_error("--max-params expects a whole "
					   "number from 1 to 24, got ",
					   arg);
		o->max_params = n;
		return -1;
	case 's':
		if (!parse_number(arg, 0, 1e6, &o->seconds))
			return usage_error("--seconds expects a number of "
					   "seconds > 0 and at most 1e6, got ",
					   arg);
		return -1;
	case 'S':
		if (!parse_count(arg, 0, 4294967295ul, &n))
			return usage_error("--seed expects a whole number "
					   "from 0 to 4294967295, got ",
					   arg);
		o->seed = n;
		return -1;
	case 'F':
		if (!parse_count(arg, 1, 1000000000000ul, &n))
			return usage_error("--max-forms expects a whole number "
					   "from 1 to 1e12, got ",
					   arg);
		o->max_forms = n;
		return -1;
	case 'f':
		if (!parse_count(arg, 2, DISCOVER_MAX_FOLDS, &n))
			return usage_error("--folds expects a whole number "
					   "from 2 to 16, got ",
					   arg);
		o->folds = n;
		return -1;
	case 'P':
		if (!parse_words(arg, phases, 3, &o->phases))
			return usage_error("--phases expects a list of "
					   "prefill, decode, static, got ",
					   arg);
		return -1;
	case 'K':
		if (!parse_words(arg, kinds, 5, &o->kinds))
			return usage_error("--kinds expects a list of compute, "
					   "memory, tp, pp, idle, got ",
					   arg);
		return -1;
	case 'T':
		if (!parse_count(arg, 1, DISCOVER_MAX_THREADS, &n))
			return usage_error("--threads expects a whole number "
					   "from 1 to 16, got ",
					   arg);
		o->threads = n;
		return -1;
	case 'g':
		if (!parse_gammas(arg, o))
			return usage_error("--gammas expects a list of up to "
					   "8 different numbers in (0, 4], "
					   "got ",
					   arg);
		return -1;
	}
	return EXIT_USAGE;
}

/* Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct discover_cli *cli)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"max-params", required_argument, NULL, 'p'},
		{"seconds", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'S'},
		{"folds", required_argument, NULL, 'f'},
		{"max-forms", required_argument, NULL, 'F'},
		{"phases", required_argument, NULL, 'P'},
		{"kinds", required_argument, NULL, 'K'},
		{"gammas", required_argument, NULL, 'g'},
		{"front-dir", required_argument, NULL, 'D'},
		{"threads", required_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(cli, 0, sizeof *cli);
	discover_defaults(&cli->o);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		int st;
		switch (c) {
		case 'o':
			cli->output = optarg;
			break;
		case 'D':
			cli->front_dir = optarg;
			break;
		case 'j':
			cli->json = true;
			break;
		case 'h':
			discover_usage(stdout);
			return EXIT_OK;
		case '?':
		case ':':
			text_option_error(argv, "o:h", options);
			fputs("Try 'energylens discover --help'.\n", stderr);
			return EXIT_USAGE;
		default:
			if ((st = parse_one(c, optarg, cli)) >= 0)
				return st;
		}
	}
	if (optind == argc)
		return usage_error("no PATH given", "");
	return -1;
}

/* ---- output ---------------------------------------------------------------
 */

static void print_pct(FILE *out, double v)
{
	if (isnan(v))
		fprintf(out, "  %7s", "-");
	else
		fprintf(out, "  %6.1f%%", 100 * v);
}

static void print_text(FILE *out, const struct discover_result *r)
{
	fprintf(out,
		"%zu runs in %zu group%s, %zu term shapes; %llu form%s scored "
		"in %.1f s and %zu round%s, %s\n",
		r->runs, r->groups, r->groups == 1 ? "" : "s", r->columns,
		r->candidates, r->candidates == 1 ? "" : "s", r->seconds,
		r->rounds, r->rounds == 1 ? "" : "s",
		discover_stop_name(r->stopped));
	if (r->stopped == DISCOVER_CONVERGED)
		fprintf(out,
			"converged: the last %d rounds of polishing and random "
			"restarts found no front better by %g points\n",
			DISCOVER_QUIET_ROUNDS, 100 * DISCOVER_PROGRESS);
	fputs("front: the best form for each number of parameters that beats "
	      "every smaller one\n(held-out runs; * the chosen form)\n",
	      out);
	fprintf(out, "  %6s  %8s  %8s  %8s  %8s  %8s\n", "params", "CV MAPE",
		"Top-1", "pairwise", "cfg Top1", "cfg pair");
	for (size_t k = 0; k < r->nfront; k++) {
		const struct discover_form *f = &r->front[k];
		fprintf(out, "%c %6zu", f->chosen ? '*' : ' ', f->params);
		print_pct(out, f->score.cv_mape);
		print_pct(out, f->score.top1);
		print_pct(out, f->score.pairwise);
		print_pct(out, f->score.config_top1);
		print_pct(out, f->score.config_pairwise);
		/* why a form that would win is passed over */
		if (!f->fits_every_group)
			fprintf(out,
				"  (not chosen: a group of %zu runs "
				"cannot fit it)",
				f->short_of);
		fputc('\n', out);
		for (size_t j = 0; j < f->nterms; j++) {
			const struct discover_term *t = &f->terms[j];
			fprintf(out, "           %-8s %-8s %s",
				model_phase_name(t->phase),
				model_kind_name(t->kind), t->expr);
			if (t->gamma > 0)
				fprintf(out, " / B^%g", t->gamma);
			fputc('\n', out);
		}
	}
}

static void json_term(FILE *out, const struct discover_term *t)
{
	fputs("{\"name\": ", out);
	json_string(out, t->name);
	fputs(", \"phase\": ", out);
	json_string(out, model_phase_name(t->phase));
	fputs(", \"kind\": ", out);
	json_string(out, model_kind_name(t->kind));
	fputs(", \"expr\": ", out);
	json_string(out, t->expr);
	fputs(", \"gamma\": ", out);
	json_number(out, t->gamma);
	fputs(", \"coef\": ", out);
	json_number(out, t->coef);
	fputc('}', out);
}

static void print_json(FILE *out, const struct discover_result *r)
{
	fprintf(out,
		"{\"runs\": %zu, \"groups\": %zu, \"shapes\": %zu, "
		"\"candidates\": %llu, \"rounds\": %zu, \"seconds\": ",
		r->runs, r->groups, r->columns, r->candidates, r->rounds);
	json_number(out, r->seconds);
	fputs(", \"stopped\": ", out);
	json_string(out, discover_stop_name(r->stopped));
	fputs(",\n \"front\": [", out);
	for (size_t k = 0; k < r->nfront; k++) {
		const struct discover_form *f = &r->front[k];
		const struct discover_score *s = &f->score;
		fprintf(out,
			"%s\n  {\"params\": %zu, \"chosen\": %s, "
			"\"fits_every_group\": %s",
			k ? "," : "", f->params, f->chosen ? "true" : "false",
			f->fits_every_group ? "true" : "false");
		const char *names[] = {
			"cv_mape",     "cv_log_error",	  "top1", "pairwise",
			"config_top1", "config_pairwise", "loss"};
		const double values[] = {s->cv_mape,	 s->cv_log,
					 s->top1,	 s->pairwise,
					 s->config_top1, s->config_pairwise,
					 s->loss};
		for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
			fprintf(out, ", \"%s\": ", names[i]);
			json_number(out, values[i]);
		}
		fputs(",\n   \"terms\": [", out);
		for (size_t j = 0; j < f->nterms; j++) {
			fputs(j ? ",\n     " : "\n     ", out);
			json_term(out, &f->terms[j]);
		}
		fputs("]}", out);
	}
	fputs("\n]}\n", out);
}

/* A form as a model file, checked by the model parser before it is
 * written: what is written is what fit --model reads. */
static int write_model(const char *path, struct outfile_run *run,
		       const struct discover_form *f,
		       const struct discover_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		fputs("energylens discover: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	discover_write_model(mem, f, r);
	int bad = ferror(mem);
	fclose(mem);
	struct diag_list diags;
	diag_init(&diags, stderr);
	struct model *m = bad ? NULL : model_parse(path, text, len, &diags);
	diag_free(&diags);
	if (!m) {
		free(text);
		fputs("energylens discover: internal error: the form found is "
		      "not a valid model file\n",
		      stderr);
		return EXIT_SOFTWARE;
	}
	model_free(m);
	struct outfile out;
	int status = EXIT_OK;
	if (outfile_open(&out, path, run) != 0) {
		text_fprintf(stderr, "energylens discover: %s: %s\n", path,
			     out.why);
		status = EXIT_CANTCREAT;
	} else {
		fwrite(text, 1, len, out.fp);
		if (outfile_commit(&out) != 0) {
			text_fprintf(stderr, "energylens discover: %s: %s\n",
				     path, strerror(errno));
			status = EXIT_CANTCREAT;
		}
	}
	free(text);
	return status;
}

static int write_chosen(const char *path, struct outfile_run *run,
			const struct discover_result *r)
{
	for (size_t k = 0; k < r->nfront; k++)
		if (r->front[k].chosen)
			return write_model(path, run, &r->front[k], r);
	fprintf(stderr,
		"energylens discover: %s not written: no form was found\n",
		path);
	return EXIT_DATAERR;
}

/* Every form of the front, so that what the front offers can be scored
 * beside the chosen one (the bench scores each on held-out folds): one
 * file per number of parameters, each written whole. */
static int write_front(const char *dir, struct outfile_run *run,
		       const struct discover_result *r)
{
	for (size_t k = 0; k < r->nfront; k++) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof path,
				     "%s/discovered-%zu.yaml", dir,
				     r->front[k].params) >= sizeof path) {
			text_fprintf(stderr,
				     "energylens discover: --front-dir %s: "
				     "path too long\n",
				     dir);
			return EXIT_CANTCREAT;
		}
		int st = write_model(path, run, &r->front[k], r);
		if (st != EXIT_OK)
			return st;
	}
	return EXIT_OK;
}

/* --front-dir names a directory that is there: said before the search,
 * not after a minute of it. */
static int check_front_dir(const char *dir)
{
	struct stat st;
	const char *why = NULL;
	if (stat(dir, &st) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	if (!why)
		return -1;
	text_fprintf(stderr, "energylens discover: --front-dir %s: %s\n", dir,
		     why);
	return EXIT_CANTCREAT;
}

/* ---- the verb -------------------------------------------------------------
 */

/* Ctrl-C (or TERM) during the search: stop it and keep what was found. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int claim_outputs(const struct discover_cli *cli,
			 struct outfile_run *run)
{
	const char *paths[2] = {"-", cli->output};
	for (int i = 0; i < 2; i++) {
		enum outfile_clash c =
			paths[i] ? outfile_claim(run, paths[i]) : OUTFILE_FREE;
		if (c == OUTFILE_FREE)
			continue;
		text_fprintf(stderr, "energylens discover: -o %s: %s\n",
			     paths[i], outfile_clash_text(c));
		if (c == OUTFILE_STDOUT_TWICE) {
			fputs("Try 'energylens discover --help'.\n", stderr);
			return EXIT_USAGE;
		}
		return c == OUTFILE_NO_MEMORY ? EXIT_SOFTWARE : EXIT_CANTCREAT;
	}
	return -1;
}

static int check_outputs(struct outfile_run *run, const struct profile_set *set)
{
	if (outfile_run_read_set(run, profile_set_read(set)) != 0)
		return EXIT_SOFTWARE;
	const char *path;
	enum outfile_clash c = outfile_run_check(run, &path);
	if (c == OUTFILE_FREE)
		return EXIT_OK;
	text_fprintf(stderr, "energylens discover: %s: %s\n", path,
		     outfile_clash_text(c));
	return EXIT_CANTCREAT;
}

static int search_and_report(struct discover_cli *cli, struct outfile_run *run,
			     const struct profile_set *set,
			     const struct dataset *ds)
{
	/* INT (Ctrl-C) and TERM stop the search; one the caller ignores
	 * (a background job of a shell) stays ignored */
	static const int sigs[2] = {SIGINT, SIGTERM};
	struct sigaction sa, old[2];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	for (int i = 0; i < 2; i++) {
		sigaction(sigs[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	struct progress progress;
	progress_start(&progress, stderr, "energylens discover");
	cli->o.stop = &interrupted;
	cli->o.progress = &progress;
	struct discover_result r;
	char message[256] = "";
	int st = discover_run(ds, set, &cli->o, &r, message, sizeof message);
	progress_end(&progress);
	for (int i = 0; i < 2; i++)
		sigaction(sigs[i], &old[i], NULL);
	int status = EXIT_OK;
	if (st == -2) {
		text_fprintf(stderr, "energylens discover: %s\n", message);
		status = EXIT_DATAERR;
	} else if (st != 0) {
		fputs("energylens discover: out of memory\n", stderr);
		status = EXIT_SOFTWARE;
	} else {
		if (r.stopped == DISCOVER_SIGNAL)
			fputs("energylens discover: interrupted: keeping the "
			      "best forms found so far\n",
			      stderr);
		if (cli->json)
			print_json(stdout, &r);
		else
			print_text(stdout, &r);
		if (cli->output)
			status = write_chosen(cli->output, run, &r);
		if (cli->front_dir && status == EXIT_OK)
			status = write_front(cli->front_dir, run, &r);
	}
	discover_result_free(&r);
	if (cmd_flush_stdout("discover") != EXIT_OK)
		status = EXIT_CANTCREAT;
	return status;
}

int cmd_discover(int argc, char **argv)
{
	struct discover_cli cli;
	int status = parse_options(argc, argv, &cli);
	if (status >= 0)
		return status;
	struct outfile_run run;
	outfile_run_init(&run);
	if ((status = claim_outputs(&cli, &run)) >= 0 ||
	    (cli.front_dir && (status = check_front_dir(cli.front_dir)) >= 0)) {
		outfile_run_free(&run);
		return status;
	}
	struct profile_set set;
	struct diag_list diags;
	struct dataset ds = {NULL, 0, 0, NULL};
	profile_set_init(&set);
	diag_init(&diags, stderr);
	status = workspace_load_paths(&set, &diags, argc - optind,
				      argv + optind);
	if (status == EXIT_OK)
		status = check_outputs(&run, &set);
	if (status == EXIT_OK &&
	    dataset_build(&set, BY_HARDWARE, &ds, &diags) != 0) {
		fputs("energylens discover: out of memory\n", stderr);
		status = EXIT_SOFTWARE;
	}
	if (status == EXIT_OK)
		status = search_and_report(&cli, &run, &set, &ds);
	outfile_run_free(&run);
	dataset_free(&ds);
	diag_free(&diags);
	profile_set_free(&set);
	return status;
}
