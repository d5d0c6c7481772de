/* energylens import vllm|mlenergy-json|inferencex: the command-line side
 * of src/import_json.c (options, reading result files and power logs,
 * exit statuses, writing the result whole). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "exitcode.h"
#include "import.h"
#include "import_json.h"
#include "outfile.h"
#include "powerlog.h"
#include "slurp.h"
#include "text.h"

static const char usage_text[] =
	"Usage: energylens import vllm RESULT.json... --power LOG [--power "
	"LOG...]\n"
	"                          [--devices 0,1,...] [--set KEY=VALUE,...]\n"
	"                          [--window START,END]... [--tz ZONE] [-o "
	"FILE]\n"
	"       energylens import mlenergy-json FILE.json... [--set "
	"KEY=VALUE,...] [-o FILE]\n"
	"       energylens import inferencex FILE.json... [--set "
	"KEY=VALUE,...] [-o FILE]\n"
	"\n"
	"  vllm           results of vllm bench serve --save-result, one run "
	"each;\n"
	"                 energy = the GPUs' power in the logs (nvidia-smi "
	"CSV,\n"
	"                 ZeusMonitor CSV, dcgm-exporter text) integrated "
	"over each\n"
	"                 benchmark window / completed requests\n"
	"  mlenergy-json  ML.ENERGY leaderboard v3 task or per-model JSON, v2\n"
	"                 bs<B>+tp<T>+pp<P>.json\n"
	"  inferencex     InferenceX per-configuration summaries (agg_*.json)\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      write FILE whole or not at all (default: "
	"standard output)\n"
	"      --set KEY=VALUE    a key the files lack, for every run\n"
	"      --power LOG        a GPU power log (vllm)\n"
	"      --devices LIST     the GPUs of the logs to count (vllm; "
	"default: all)\n"
	"      --window S,E       the benchmark window of the next result "
	"without one:\n"
	"                         Unix seconds or YYYY-MM-DD HH:MM:SS "
	"(vllm)\n"
	"      --tz ZONE          zone of log times written without one: "
	"UTC, +HH:MM\n"
	"                         or a name such as Europe/Berlin (default: "
	"TZ)\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 ok, 1 usage, 65 bad data, 66 unreadable input,\n"
	"73 output not written.\n";

struct json_args {
	const char *verb;
	char **files;
	size_t nfiles;
	const char *output;
	const char **power;
	size_t npower;
	const char **windows;
	size_t nwindows;
	const char *devices, *tz;
	char **sets;
	size_t nsets;
};

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("energylens import: ", stderr);
	va_start(ap, fmt);
	text_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'energylens import --help'.\n", stderr);
	return EXIT_USAGE;
}

static void push(const char ***list, size_t *n, const char *item)
{
	*list = import_xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = item;
}

/* Appends the comma-separated items of list (copies). */
static void add_items(char ***items, size_t *n, const char *list)
{
	for (const char *p = list;;) {
		size_t len = strcspn(p, ",");
		*items = import_xrealloc(*items, (*n + 1) * sizeof **items);
		char *s = import_xrealloc(NULL, len + 1);
		memcpy(s, p, len);
		s[len] = '\0';
		(*items)[(*n)++] = s;
		if (p[len] == '\0')
			return;
		p += len + 1;
	}
}

static int parse_args(struct json_args *a, int argc, char **argv)
{
	enum { OPT_POWER = 256, OPT_DEVICES, OPT_SET, OPT_WINDOW, OPT_TZ };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"power", required_argument, NULL, OPT_POWER},
		{"devices", required_argument, NULL, OPT_DEVICES},
		{"set", required_argument, NULL, OPT_SET},
		{"window", required_argument, NULL, OPT_WINDOW},
		{"tz", required_argument, NULL, OPT_TZ},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case OPT_POWER:
			push(&a->power, &a->npower, optarg);
			break;
		case OPT_DEVICES:
			a->devices = optarg;
			break;
		case OPT_SET:
			add_items(&a->sets, &a->nsets, optarg);
			break;
		case OPT_WINDOW:
			push(&a->windows, &a->nwindows, optarg);
			break;
		case OPT_TZ:
			a->tz = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case ':':
			return usage_error("option '%s' needs a value",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no input file");
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	bool vllm = strcmp(a->verb, "vllm") == 0;
	if (!vllm && (a->npower || a->devices || a->nwindows || a->tz))
		return usage_error("--power, --devices, --window and --tz are "
				   "for 'import vllm'");
	return EXIT_OK;
}

struct json_opts {
	struct import_assign *sets;
	long *devices;
	size_t ndevices;
	double (*windows)[2];
	struct powerlog_zone zone;
};

static int parse_sets(const struct json_args *a, struct json_opts *o)
{
	o->sets = import_xrealloc(NULL, (a->nsets + 1) * sizeof *o->sets);
	for (size_t i = 0; i < a->nsets; i++) {
		char *eq = strchr(a->sets[i], '=');
		if (!eq || eq == a->sets[i])
			return usage_error("--set: '%s' is not KEY=VALUE",
					   a->sets[i]);
		*eq = '\0';
		int k = schema_find(a->sets[i]);
		if (k < 0)
			return usage_error("--set: unknown key '%s' (see "
					   "'energylens import --help')",
					   a->sets[i]);
		for (size_t j = 0; j < i; j++)
			if ((int)o->sets[j].key == k)
				return usage_error("--set: key '%s' given "
						   "twice",
						   a->sets[i]);
		struct import_values v;
		memset(&v, 0, sizeof v);
		const char *want =
			import_value_parse(&v, (enum schema_field)k, eq + 1);
		import_values_free(&v);
		if (want)
			return usage_error("--set %s=%s: expected %s",
					   a->sets[i], eq + 1, want);
		o->sets[i] = (struct import_assign){(enum schema_field)k, -1,
						    eq + 1};
	}
	return EXIT_OK;
}

static int parse_devices(const struct json_args *a, struct json_opts *o)
{
	if (!a->devices)
		return EXIT_OK;
	o->devices = import_xrealloc(NULL, (strlen(a->devices) + 1) *
						   sizeof *o->devices);
	for (const char *p = a->devices;;) {
		char *end;
		long d = strtol(p, &end, 10);
		if (end == p || d < 0 || (*end && *end != ',') || *p == '-' ||
		    *p == '+' || *p == ' ')
			return usage_error("--devices: '%s' is not a list of "
					   "GPU indices (expected 0,1,...)",
					   a->devices);
		o->devices[o->ndevices++] = d;
		if (!*end)
			return EXIT_OK;
		p = end + 1;
	}
}

static int parse_windows(const struct json_args *a, struct json_opts *o)
{
	if (a->nwindows && a->nwindows != a->nfiles)
		return usage_error("%zu --window for %zu result files "
				   "(expected one per file, in order)",
				   a->nwindows, a->nfiles);
	o->windows =
		import_xrealloc(NULL, (a->nwindows + 1) * sizeof *o->windows);
	for (size_t i = 0; i < a->nwindows; i++) {
		const char *w = a->windows[i], *comma = strchr(w, ',');
		if (!comma ||
		    !powerlog_time_parse(w, (size_t)(comma - w), &o->zone,
					 &o->windows[i][0]) ||
		    !powerlog_time_parse(comma + 1, strlen(comma + 1), &o->zone,
					 &o->windows[i][1]))
			return usage_error("--window: '%s' is not START,END "
					   "(expected Unix seconds or "
					   "YYYY-MM-DD HH:MM:SS)",
					   w);
		if (!(o->windows[i][1] > o->windows[i][0]))
			return usage_error("--window: '%s' does not end "
					   "after it starts",
					   w);
	}
	return EXIT_OK;
}

static int parse_options(const struct json_args *a, struct json_opts *o)
{
	int rc = parse_sets(a, o);
	if (rc == EXIT_OK)
		rc = parse_devices(a, o);
	if (rc == EXIT_OK && a->tz && !powerlog_zone_parse(&o->zone, a->tz))
		rc = usage_error("--tz: unknown zone '%s' (expected UTC, "
				 "+HH:MM or a name such as Europe/Berlin)",
				 a->tz);
	if (rc == EXIT_OK)
		rc = parse_windows(a, o);
	if (rc == EXIT_OK && strcmp(a->verb, "vllm") == 0 && !a->npower) {
		bool energy = false;
		for (size_t i = 0; i < a->nsets; i++)
			energy |= o->sets[i].key == SCHEMA_ENERGY_TOTAL_J;
		if (!energy)
			rc = usage_error("'import vllm' needs --power LOG (the "
					 "GPUs' power while the benchmark "
					 "ran)");
	}
	return rc;
}

/* A whole input file, or an exit status after saying why not. */
static char *read_input(const char *path, size_t *len, int *rc)
{
	/* A result with --save-detailed is megabytes; past 1 GiB it is not
	 * one (import vllm /dev/zero). */
	char *buf = slurp_path(path, (size_t)1 << 30, len);
	if (!buf) {
		text_fprintf(stderr, "energylens import: %s: %s\n",
			     slurp_name(path), strerror(errno));
		*rc = EXIT_NOINPUT;
	}
	return buf;
}

static int read_power(const struct json_args *a, const struct json_opts *o,
		      struct powerlog_set *power, struct diag_list *diags)
{
	for (size_t i = 0; i < a->npower; i++) {
		size_t len;
		int rc = EXIT_OK;
		char *buf = read_input(a->power[i], &len, &rc);
		if (!buf)
			return rc;
		powerlog_read(power, slurp_name(a->power[i]), buf, len,
			      &o->zone, diags);
		free(buf);
	}
	if (diags->errors == 0)
		powerlog_finish(power, diags);
	for (size_t i = 0; i < o->ndevices && diags->errors == 0; i++)
		if (!powerlog_find(power, o->devices[i]))
			return usage_error("--devices: no GPU %ld in the power "
					   "logs",
					   o->devices[i]);
	return diags->errors ? EXIT_DATAERR : EXIT_OK;
}

static int import_files(const struct json_args *a, const struct json_opts *o,
			const struct powerlog_set *power,
			struct import_set *set, struct diag_list *diags)
{
	struct import_json_opts jo = {o->sets,	  a->nsets,    NULL,
				      o->devices, o->ndevices, {NAN, NAN}};
	if (a->npower)
		jo.power = power;
	if (!o->devices)
		jo.devices = NULL;
	for (size_t i = 0; i < a->nfiles; i++) {
		size_t len;
		int rc = EXIT_OK;
		char *buf = read_input(a->files[i], &len, &rc);
		if (!buf)
			return rc;
		const char *name = slurp_name(a->files[i]);
		if (a->nwindows) {
			jo.window[0] = o->windows[i][0];
			jo.window[1] = o->windows[i][1];
		}
		if (strcmp(a->verb, "vllm") == 0)
			import_vllm(set, name, buf, len, &jo, diags);
		else if (strcmp(a->verb, "mlenergy-json") == 0)
			import_mlenergy_json(set, name, buf, len, &jo, diags);
		else
			import_inferencex(set, name, buf, len, &jo, diags);
		free(buf);
	}
	return diags->errors ? EXIT_DATAERR : EXIT_OK;
}

static int write_output(const struct import_set *set, const char *path,
			struct outfile_run *run)
{
	struct outfile out;
	if (outfile_open(&out, path, run) != 0) {
		text_fprintf(stderr, "energylens import: %s: %s\n", path,
			     out.why);
		return EXIT_CANTCREAT;
	}
	import_write(set, out.fp);
	if (outfile_commit(&out) != 0) {
		text_fprintf(stderr, "energylens import: %s: %s\n",
			     path ? path : "standard output", strerror(errno));
		return EXIT_CANTCREAT;
	}
	return EXIT_OK;
}

/* The result files and power logs to read, and the output: not one of
 * them, said before anything is read (cmd_import.c does the same). */
static int claim_output(const struct json_args *a, struct outfile_run *run)
{
	for (size_t i = 0; i < a->nfiles + a->npower; i++)
		if (outfile_run_read(run, i < a->nfiles
						  ? a->files[i]
						  : a->power[i - a->nfiles]) !=
		    0) {
			fputs("energylens import: out of memory\n", stderr);
			return EXIT_SOFTWARE;
		}
	return outfile_claim_output(run, a->output, "energylens import");
}

bool cmd_import_json_verb(const char *verb)
{
	return strcmp(verb, "vllm") == 0 ||
	       strcmp(verb, "mlenergy-json") == 0 ||
	       strcmp(verb, "inferencex") == 0;
}

int cmd_import_json(int argc, char **argv)
{
	struct json_args a;
	memset(&a, 0, sizeof a);
	a.verb = argv[1];
	struct json_opts o;
	memset(&o, 0, sizeof o);
	struct powerlog_set power;
	powerlog_init(&power);
	struct import_set set = {NULL, 0, 0};
	struct diag_list diags;
	diag_init(&diags, stderr);
	struct outfile_run run;
	outfile_run_init(&run);
	int rc = parse_args(&a, argc - 1, argv + 1);
	if (rc == EXIT_OK)
		rc = parse_options(&a, &o);
	if (rc == EXIT_OK)
		rc = claim_output(&a, &run);
	if (rc == EXIT_OK)
		rc = read_power(&a, &o, &power, &diags);
	if (rc == EXIT_OK)
		rc = import_files(&a, &o, &power, &set, &diags);
	if (rc == EXIT_OK)
		rc = write_output(&set, a.output, &run);
	outfile_run_free(&run);
	import_free(&set);
	diag_free(&diags);
	powerlog_free(&power);
	for (size_t i = 0; i < a.nsets; i++)
		free(a.sets[i]);
	free(a.sets);
	free(a.power);
	free(a.windows);
	free(o.sets);
	free(o.devices);
	free(o.windows);
	return rc < 0 ? EXIT_OK : rc;
}
