/* energylens [PATH...]: the terminal explorer (src/tui/); energylens
 * snapshot: its screen as text, for scripts and the tests. */
/* realpath is XSI; the build's flags may already ask for it. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "cmd_tui.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_json.h"
#include "cmd_rank.h"
#include "utf8.h"
#include "workspace.h"
#include "exitcode.h"
#include "json.h"
#include "slurp.h"
#include "text.h"
#include "tui/app.h"
#include "tui/config_file.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/term.h"
#include "userconf.h"

/* Whether this program is the one make built in BUILDDIR, not yet
 * installed: its own file (/proc/self/exe, where there is one) lies in
 * the build directory. A copy or an installed binary lies elsewhere. */
static bool run_uninstalled(void)
{
#if defined(SRCDIR) && defined(BUILDDIR)
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	char *dir = realpath(exe[0] ? exe : "/", NULL);
	char *build = realpath(BUILDDIR, NULL);
	bool same = dir && build && strcmp(dir, build) == 0;
	free(dir);
	free(build);
	return same;
#else
	return false;
#endif
}

/* Where the sample profiles and the themes are, into buf:
 * ENERGYLENS_DATADIR when set (a test, another tree), the source tree
 * when run from the build tree (resolved: a VPATH build records it as
 * "build/.."), else where they are installed. */
static void data_dir(char *buf, size_t size)
{
	const char *d = getenv("ENERGYLENS_DATADIR");
	if (d && *d) {
		snprintf(buf, size, "%s", d);
		return;
	}
#ifdef SRCDIR
	if (run_uninstalled()) {
		char *real = realpath(SRCDIR, NULL);
		snprintf(buf, size, "%s", real ? real : SRCDIR);
		free(real);
		return;
	}
#endif
	snprintf(buf, size, "%s", PKGDATADIR);
}

struct tui_options {
	struct app_options app;
	const char *verb;
	bool snapshot;
	int width, height;
	const char *keys;
	long bench_keys; /* --bench-keys N: time N knob turns (make bench) */
	bool json;	 /* snapshot: the state the screen shows, as JSON */
	char *default_path;
	char theme_dir[2][4096];
	char config[4096]; /* the config file's path; "" when none */
	const char *theme_dirs[2];
};

static void tui_usage(FILE *out)
{
	fputs("Usage: energylens [OPTION]... [PATH]...\n"
	      "Explore the profiles under PATH (files or directories; "
	      "default: the installed\nsample profiles) in the terminal: "
	      "the fitted terms as bars, the layouts ranked\nby energy and "
	      "latency, where the two optima diverge. Not on a terminal, "
	      "print\nthe 'check' summary instead.\n\n"
	      "  --batch B --input I --output O  start the knobs there\n"
	      "  --gpus N          rank every layout on up to N GPUs (default: "
	      "measured ones)\n"
	      "  --eta X           blend weight of energy against latency "
	      "(0-1, default off: no blend)\n"
	      "  --workload Q      start on the workload NAME, MODEL, "
	      "NAME:MODEL or a substring\n"
	      "  --hardware NAME --engine NAME  narrow --workload down\n"
	      "  --model FILE      another energy or latency model "
	      "(energylens-model(5))\n"
	      "  --theme NAME      dark, light, high-contrast, solarized, "
	      "monochrome, or yours\n"
	      "  --unit U          j-request, j-token, kwh-mtok, tokens-s, "
	      "watts-gpu, cost-mtok,\n"
	      "                    co2-mtok (u turns it; remembered in the "
	      "config file)\n"
	      "  --price X --currency C  the price of a kWh, for cost-mtok\n"
	      "  --intensity G     grid intensity in gCO2 per kWh, for "
	      "co2-mtok\n"
	      "  --tdp W           the GPUs' TDP, against which watts-gpu is "
	      "checked\n"
	      "  --no-color        no colour (also when NO_COLOR is set)\n"
	      "  --ascii           ASCII characters only\n"
	      "  --follow          re-read the profiles when they change, "
	      "and refit\n"
	      "  --bench-keys N    time N knob turns on an off-screen terminal "
	      "(with --width,\n"
	      "                    --height; for 'make bench')\n"
	      "  -h, --help        show this help and exit\n"
	      "Keys: ? in the explorer lists them. See energylens(1).\n",
	      out);
}

static void snapshot_usage(FILE *out)
{
	fputs("Usage: energylens snapshot [OPTION]... [PATH]...\n"
	      "Print the explorer's screen as text, without a terminal.\n\n"
	      "  --view V          main, map, fit or help (default main)\n"
	      "  --width W --height H  the screen's size (default 100 x 30)\n"
	      "  --keys FILE       press the keys in FILE first ('-': stdin); "
	      "see energylens(1)\n"
	      "  --json            print what the screen shows as JSON: the "
	      "workload, the knobs,\n"
	      "                    the ranked layouts, and the map's cells "
	      "with --view map\n"
	      "  --batch B --input I --output O --gpus N --eta X --workload "
	      "Q --model FILE\n"
	      "  --hardware NAME --engine NAME\n"
	      "  --unit U --price X --currency C --intensity G --tdp W\n"
	      "  --theme NAME --ascii   as for 'energylens' (--no-color is "
	      "accepted: a snapshot\n"
	      "                    has no colour, each kind of bar its own "
	      "character)\n"
	      "  -h, --help        show this help and exit\n",
	      out);
}

static int usage_error(const struct tui_options *o, const char *what,
		       const char *arg)
{
	text_fprintf(stderr, "%s: %s%s\nTry '%s --help'.\n", o->verb, what, arg,
		     o->verb);
	return EXIT_USAGE;
}

enum {
	O_BATCH = 256,
	O_INPUT,
	O_OUTPUT,
	O_GPUS,
	O_ETA,
	O_WORKLOAD,
	O_MODEL,
	O_THEME,
	O_NO_COLOR,
	O_ASCII,
	O_FOLLOW,
	O_VIEW,
	O_WIDTH,
	O_HEIGHT,
	O_KEYS,
	O_BENCH_KEYS,
	O_HARDWARE,
	O_ENGINE,
	O_JSON,
	O_UNIT,
	O_PRICE,
	O_CURRENCY,
	O_INTENSITY,
	O_TDP,
};

static int take_number(struct tui_options *o, int c, const char *arg)
{
	double v;
	if (c == O_WIDTH || c == O_HEIGHT) {
		if (!workspace_parse_number(arg, true, &v) || v > 4096)
			return usage_error(o, c == O_WIDTH
						      ? "--width expects an "
							"integer from 1 to "
							"4096, got "
						      : "--height expects an "
							"integer from 1 to "
							"4096, got ",
					   arg);
		*(c == O_WIDTH ? &o->width : &o->height) = (int)v;
		return EXIT_OK;
	}
	enum workspace_knob k = c == O_BATCH	? WS_BATCH
				: c == O_INPUT	? WS_INPUT
				: c == O_OUTPUT ? WS_OUTPUT
				: c == O_GPUS	? WS_GPUS
						: WS_ETA;
	if (!workspace_knob_parse(k, arg, &v)) {
		char why[200];
		workspace_knob_error(k, arg, true, why, sizeof why);
		return usage_error(o, why, "");
	}
	switch (k) {
	case WS_BATCH:
		o->app.batch = v;
		break;
	case WS_INPUT:
		o->app.input = v;
		break;
	case WS_OUTPUT:
		o->app.output = v;
		break;
	case WS_GPUS:
		o->app.gpus = (unsigned)v;
		break;
	default:
		o->app.eta = v;
		break;
	}
	return EXIT_OK;
}

static int take_view(struct tui_options *o, const char *arg)
{
	static const char *const names[VIEW_COUNT] = {"main", "map", "fit",
						      "help"};
	for (int v = 0; v < VIEW_COUNT; v++)
		if (strcmp(arg, names[v]) == 0) {
			o->app.view = (enum layout_view)v;
			return EXIT_OK;
		}
	return usage_error(
		o, "unknown view (expected main, map, fit or help): ", arg);
}

static int take_option(struct tui_options *o, int c, const char *arg)
{
	switch (c) {
	case O_WORKLOAD:
		o->app.workload = arg;
		return EXIT_OK;
	case O_HARDWARE:
		o->app.hardware = arg;
		return EXIT_OK;
	case O_ENGINE:
		o->app.engine = arg;
		return EXIT_OK;
	case O_JSON:
		o->json = true;
		return EXIT_OK;
	case O_MODEL:
		if (o->app.model_paths[1])
			return usage_error(o, "at most two --model files", "");
		o->app.model_paths[o->app.model_paths[0] ? 1 : 0] = arg;
		return EXIT_OK;
	case O_THEME:
		o->app.theme = arg;
		return EXIT_OK;
	case O_NO_COLOR:
		o->app.color = false;
		return EXIT_OK;
	case O_ASCII:
		o->app.utf8 = false;
		return EXIT_OK;
	case O_FOLLOW:
		o->app.follow = true;
		return EXIT_OK;
	case O_VIEW:
		return take_view(o, arg);
	case O_UNIT:
	case O_PRICE:
	case O_CURRENCY:
	case O_INTENSITY:
	case O_TDP: {
		static const char *const keys[] = {"unit", "price", "currency",
						   "intensity", "tdp"};
		char why[240], option[16];
		snprintf(option, sizeof option, "--%s: ", keys[c - O_UNIT]);
		if (!config_set(&o->app.units, keys[c - O_UNIT], arg, why,
				sizeof why))
			return usage_error(o, option, why);
		return EXIT_OK;
	}
	case O_KEYS:
		o->keys = arg;
		return EXIT_OK;
	case O_BENCH_KEYS: {
		double v;
		if (!workspace_parse_number(arg, true, &v))
			return usage_error(o, "not a valid number: ", arg);
		o->bench_keys = (long)v;
		return EXIT_OK;
	}
	default:
		return take_number(o, c, arg);
	}
}

static const char *option_name(const struct option *options, int c)
{
	for (; options->name; options++)
		if (options->val == c)
			return options->name;
	return "?";
}

static int parse_options(int argc, char **argv, struct tui_options *o)
{
	static const struct option options[] = {
		{"batch", required_argument, NULL, O_BATCH},
		{"input", required_argument, NULL, O_INPUT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"gpus", required_argument, NULL, O_GPUS},
		{"eta", required_argument, NULL, O_ETA},
		{"workload", required_argument, NULL, O_WORKLOAD},
		{"model", required_argument, NULL, O_MODEL},
		{"theme", required_argument, NULL, O_THEME},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"follow", no_argument, NULL, O_FOLLOW},
		{"view", required_argument, NULL, O_VIEW},
		{"width", required_argument, NULL, O_WIDTH},
		{"height", required_argument, NULL, O_HEIGHT},
		{"keys", required_argument, NULL, O_KEYS},
		{"bench-keys", required_argument, NULL, O_BENCH_KEYS},
		{"hardware", required_argument, NULL, O_HARDWARE},
		{"engine", required_argument, NULL, O_ENGINE},
		{"json", no_argument, NULL, O_JSON},
		{"unit", required_argument, NULL, O_UNIT},
		{"price", required_argument, NULL, O_PRICE},
		{"currency", required_argument, NULL, O_CURRENCY},
		{"intensity", required_argument, NULL, O_INTENSITY},
		{"tdp", required_argument, NULL, O_TDP},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	const char *sized = NULL; /* a size: the terminal gives it */
	optind = 1;
	opterr = 0; /* text_option_error says why, escaped */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'h') {
			(o->snapshot ? snapshot_usage : tui_usage)(stdout);
			return -1;
		}
		if (c == '?') {
			text_option_error(argv, "h", options);
			fprintf(stderr, "Try '%s --help'.\n", o->verb);
			return EXIT_USAGE;
		}
		bool snapshot_only = c == O_VIEW || c == O_KEYS || c == O_JSON;
		if (c == O_WIDTH || c == O_HEIGHT)
			sized = c == O_WIDTH ? "width" : "height";
		if ((snapshot_only && !o->snapshot) ||
		    ((c == O_FOLLOW || c == O_BENCH_KEYS) && o->snapshot))
			return usage_error(o, "option not for this verb: --",
					   option_name(options, c));
		int status = take_option(o, c, optarg);
		if (status != EXIT_OK)
			return status;
	}
	if (sized && !o->snapshot && !o->bench_keys)
		return usage_error(o, "option not for this verb: --", sized);
	return EXIT_OK;
}

/* The explorer's export writes what rank writes, by rank's writers. */
static void write_ranking(FILE *out, bool json,
			  const struct workspace_knobs *k,
			  const struct select_result *r)
{
	(json ? cmd_rank_json : cmd_rank_csv)(out, k, r);
}

/* Defaults first, then the environment, then the options. */
static int setup(struct tui_options *o, const char *verb, bool snapshot,
		 int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->verb = verb;
	o->snapshot = snapshot;
	o->width = 100;
	o->height = 30;
	o->app.eta = NAN;
	/* A snapshot is plain text: colour cannot show in it, so bars
	 * use each kind's character, exactly as under NO_COLOR. */
	const char *no_color = getenv("NO_COLOR");
	o->app.color = !snapshot && !(no_color && *no_color);
	o->app.utf8 = utf8_locale();
	o->app.verb = verb;
	o->app.write_ranking = write_ranking;
	/* the config file's settings, which the options override */
	units_config_default(&o->app.units);
	if (userconf_path(o->config, sizeof o->config, "config")) {
		struct diag_list diags;
		diag_init(&diags, stderr);
		bool ok = config_load(&o->app.units, o->config, &diags);
		diag_free(&diags);
		if (!ok)
			return EXIT_DATAERR;
		/* the explorer remembers the unit there; a snapshot only
		 * reads it */
		o->app.config_path = snapshot ? NULL : o->config;
	}
	int status = parse_options(argc, argv, o);
	if (status != EXIT_OK)
		return status;
	char data[3968]; /* room for "/themes" in theme_dir */
	data_dir(data, sizeof data);
	snprintf(o->theme_dir[0], sizeof o->theme_dir[0], "%s/themes", data);
	userconf_path(o->theme_dir[1], sizeof o->theme_dir[1], "themes");
	o->theme_dirs[0] = o->theme_dir[0];
	o->theme_dirs[1] = o->theme_dir[1];
	o->app.theme_dirs = o->theme_dirs;
	o->app.ntheme_dirs = o->theme_dir[1][0] ? 2 : 1;
	o->app.paths = argv + optind;
	o->app.npaths = argc - optind;
	if (o->app.npaths == 0) {
		size_t n = strlen(data) + sizeof "/sample-profiles";
		if (!(o->default_path = malloc(n)))
			return EXIT_SOFTWARE;
		snprintf(o->default_path, n, "%s/sample-profiles", data);
		o->app.paths = &o->default_path;
		o->app.npaths = 1;
		o->app.default_paths = true;
	}
	return EXIT_OK;
}

static int open_app(struct app *a, struct tui_options *o)
{
	int status = app_open(a, &o->app, stderr);
	if (status != EXIT_OK)
		app_close(a);
	return status;
}

int cmd_tui(int argc, char **argv)
{
	struct tui_options o;
	int status = setup(&o, "energylens", false, argc, argv);
	if (status == -1 || status != EXIT_OK) {
		free(o.default_path);
		return status == -1 ? EXIT_OK : status;
	}
	if (o.bench_keys) {
		struct app a;
		status = open_app(&a, &o);
		if (status == EXIT_OK) {
			status =
				term_bench(&a, o.bench_keys, o.width, o.height);
			app_close(&a);
		}
		free(o.default_path);
		return status;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		char **check = calloc((size_t)o.app.npaths + 2, sizeof *check);
		if (!check) {
			free(o.default_path);
			return EXIT_SOFTWARE;
		}
		check[0] = "energylens";
		for (int i = 0; i < o.app.npaths; i++)
			check[i + 1] = o.app.paths[i];
		check[o.app.npaths + 1] = NULL;
		status = cmd_check(o.app.npaths + 1, check);
		free(check);
		fputs("energylens: not a terminal, so this is the 'check' "
		      "summary; 'energylens snapshot PATH...' prints the "
		      "explorer's screen as text\n",
		      stderr);
		free(o.default_path);
		return status;
	}
	struct app a;
	status = open_app(&a, &o);
	if (status == EXIT_OK) {
		status = term_run(&a);
		app_close(&a);
	}
	free(o.default_path);
	return status;
}

/* ---- snapshot ----------------------------------------------------------- */

static int press_keys(struct app *a, const char *path)
{
	errno = 0;
	size_t len;
	/* 16 MiB of key script is more keys than a snapshot takes */
	const char *name = slurp_name(path);
	char *text = slurp_path(path, (size_t)1 << 24, &len);
	if (!text) {
		text_fprintf(stderr, "energylens snapshot: %s: %s\n", name,
			     errno ? strerror(errno) : "cannot be read");
		return EXIT_NOINPUT;
	}
	enum { MAX_KEYS = 65536 };
	struct keys_step *steps = malloc(MAX_KEYS * sizeof *steps);
	char err[256];
	long n = steps ? keys_parse_script(name, text, steps, MAX_KEYS, err,
					   sizeof err)
		       : -1;
	free(text);
	if (n < 0) {
		text_fprintf(stderr, "%s\n",
			     steps ? err : "energylens: out of memory");
		free(steps);
		return steps ? EXIT_DATAERR : EXIT_SOFTWARE;
	}
	for (long i = 0; i < n && !a->quit; i++) {
		if (steps[i].key == KEYS_RESIZE_SCRIPT)
			app_resize(a, steps[i].width, steps[i].height);
		else
			app_key(a, steps[i].key);
	}
	free(steps);
	return EXIT_OK;
}

static void json_name(const char *key, const char *value, bool comma)
{
	printf("\"%s\": ", key);
	if (value)
		json_string(stdout, value);
	else
		fputs("null", stdout);
	fputs(comma ? ", " : "", stdout);
}

/* The map's cells as the screen has them, row by row. */
static void json_map(const struct app *a)
{
	printf(",\n \"map\": {\"across\": \"%s\", \"batches\": [",
	       a->map_output ? "output" : "input");
	for (size_t r = 0; r < a->grid.nrows; r++)
		printf("%s%.15g", r ? ", " : "", a->grid.rows[r]);
	fputs("], \"lengths\": [", stdout);
	for (size_t c = 0; c < a->grid.ncols; c++)
		printf("%s%.15g", c ? ", " : "", a->grid.cols[c]);
	fputs("], \"cells\": ", stdout);
	/* the cells lie row by row from the first; NULL when not filled */
	cmd_json_cells(stdout, &a->grid, app_cell(a, 0, 0), true);
	fputc('}', stdout);
}

/* What the screen shows, read from the state the views draw from: the
 * workload, the knobs, the layouts as ranked, and on the map view its
 * cells. */
static void print_state_json(const struct app *a)
{
	const struct profile_workload *w = app_workload(a);
	fputs("{\"workload\": {", stdout);
	json_name("name", w->name, true);
	json_name("model", w->model, true);
	json_name("hardware", w->hardware, true);
	json_name("engine", w->engine, false);
	fputs("},\n ", stdout);
	cmd_json_knobs(stdout, &a->knobs);
	fputs(",\n \"candidates\": [", stdout);
	const struct select_result *r = &a->rank;
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n  " : "\n  ", stdout);
		cmd_json_candidate(stdout, &r->c[i]);
	}
	fputs("],\n \"energy_optimal\": ", stdout);
	if (r->n)
		cmd_json_candidate(stdout, &r->c[r->energy_best]);
	else
		fputs("null", stdout);
	fputs(", \"latency_optimal\": ", stdout);
	if (r->n && r->latency_best >= 0)
		cmd_json_candidate(stdout, &r->c[r->latency_best]);
	else
		fputs("null", stdout);
	if (a->view == VIEW_MAP)
		json_map(a);
	fputs("}\n", stdout);
}

int cmd_snapshot(int argc, char **argv)
{
	struct tui_options o;
	int status = setup(&o, "energylens snapshot", true, argc, argv);
	if (status == -1 || status != EXIT_OK) {
		free(o.default_path);
		return status == -1 ? EXIT_OK : status;
	}
	struct app a;
	status = open_app(&a, &o);
	if (status != EXIT_OK) {
		free(o.default_path);
		return status;
	}
	for (size_t i = 0; i < app_diags(&a)->count; i++)
		diag_print(&app_diags(&a)->items[i], stderr);
	app_resize(&a, o.width, o.height);
	if (o.keys)
		status = press_keys(&a, o.keys);
	struct screen s;
	if (status == EXIT_OK && o.json) {
		print_state_json(&a);
		status = cmd_flush_stdout("snapshot");
	} else if (status == EXIT_OK &&
		   !screen_init(&s, a.width, a.height)) {
		status = EXIT_SOFTWARE;
	} else if (status == EXIT_OK) {
		draw_frame(&a, &s);
		screen_write(&s, stdout);
		screen_free(&s);
		status = cmd_flush_stdout("snapshot");
	}
	if (status == EXIT_OK && app_diags(&a)->errors)
		status = EXIT_DATAERR;
	app_close(&a);
	free(o.default_path);
	return status;
}
