/* energylens import mlenergy|csv: the command-line side of src/import.c
 * (options, reading files, exit statuses, writing the result whole). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "csv.h"
#include "diag.h"
#include "exitcode.h"
#include "import.h"
#include "outfile.h"
#include "slurp.h"
#include "text.h"

static const char usage_head[] =
	"Usage: energylens import mlenergy FILE.csv [--shapes FILE]\n"
	"                          [--input-tokens TASK=N,...] [-o FILE]\n"
	"       energylens import csv --map KEY=COLUMN,... [--set "
	"KEY=VALUE,...]\n"
	"                          FILE.csv [-o FILE]\n"
	"\n"
	"Converts benchmark results to EnergyLens profiles (YAML, schema v1).\n"
	"\n"
	"  mlenergy  the 41-column CSV of ML.ENERGY Benchmark v2/v3 and\n"
	"            Argonne LLM-Inference-Bench results; one document per\n"
	"            (source, task, model, GPU, engine)\n"
	"  csv       any CSV with a header row; rows with the same mapped\n"
	"            workload keys form one document\n"
	"  vllm, mlenergy-json, inferencex\n"
	"            JSON results: see 'energylens import vllm --help'\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE        write FILE whole or not at all (default:\n"
	"                           standard output)\n"
	"      --shapes FILE        model-shapes CSV (layers, hidden_size, "
	"...)\n"
	"      --input-tokens T=N   input length of task T where the data has\n"
	"                           none (marked as assumed)\n"
	"      --map KEY=COLUMN     take schema KEY from COLUMN (csv)\n"
	"      --set KEY=VALUE      give schema KEY one value for every run "
	"(csv)\n"
	"  -h, --help               show this help\n"
	"\n";
static const char usage_tail[] =
	"\n"
	"Exit status: 0 ok, 1 usage, 65 bad data, 66 unreadable input,\n"
	"73 output not written.\n";

/* The help: every key of the schema (schema.c), so none is left out. */
static void usage(FILE *out)
{
	fputs(usage_head, out);
	size_t column = fprintf(out, "Keys:");
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++) {
		size_t len = strlen(schema_fields[k].name);
		if (column + 1 + len > 71) {
			fputs("\n ", out);
			column = 1;
		}
		column += fprintf(out, " %s", schema_fields[k].name);
	}
	fputs("\n", out);
	fputs(usage_tail, out);
}

struct import_args {
	const char *verb;   /* mlenergy or csv */
	const char *input;  /* FILE.csv */
	const char *output; /* -o, NULL for stdout */
	const char *shapes;
	struct import_tokens *tokens;
	size_t ntokens;
	char **maps, **sets; /* KEY=COLUMN / KEY=VALUE items, split later */
	size_t nmaps, nsets;
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

static void args_free(struct import_args *a)
{
	for (size_t i = 0; i < a->ntokens; i++)
		free(a->tokens[i].task);
	free(a->tokens);
	for (size_t i = 0; i < a->nmaps; i++)
		free(a->maps[i]);
	free(a->maps);
	for (size_t i = 0; i < a->nsets; i++)
		free(a->sets[i]);
	free(a->sets);
}

/* Appends the comma-separated items of list; false when out of memory. */
static bool add_items(char ***items, size_t *n, const char *list)
{
	const char *p = list;
	for (;;) {
		size_t len = strcspn(p, ",");
		char **grown = realloc(*items, (*n + 1) * sizeof **items);
		if (!grown)
			return false;
		*items = grown;
		if (!(grown[*n] = strndup(p, len)))
			return false;
		++*n;
		if (p[len] == '\0')
			return true;
		p += len + 1;
	}
}

static int parse_tokens(struct import_args *a, const char *list)
{
	char **items = NULL;
	size_t n = 0;
	int rc = EXIT_OK;
	if (!add_items(&items, &n, list)) {
		rc = EXIT_SOFTWARE;
		goto out;
	}
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		char *eq = strchr(items[i], '=');
		char *end = NULL;
		double x = eq ? strtod(eq + 1, &end) : 0;
		if (!eq || eq == items[i] || end == eq + 1 || *end ||
		    !(x > 0) || x > 1e9) {
			rc = usage_error("--input-tokens: '%s' is not TASK=N "
					 "with N a positive number",
					 items[i]);
			break;
		}
		struct import_tokens *t =
			realloc(a->tokens, (a->ntokens + 1) * sizeof *t);
		if (!t) {
			rc = EXIT_SOFTWARE;
			break;
		}
		a->tokens = t;
		*eq = '\0';
		t[a->ntokens].task = items[i];
		t[a->ntokens++].tokens = x;
		items[i] = NULL;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
	if (rc == EXIT_SOFTWARE)
		fputs("energylens import: out of memory\n", stderr);
	return rc;
}

static int parse_args(struct import_args *a, int argc, char **argv)
{
	enum { OPT_SHAPES = 256, OPT_TOKENS, OPT_MAP, OPT_SET };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"shapes", required_argument, NULL, OPT_SHAPES},
		{"input-tokens", required_argument, NULL, OPT_TOKENS},
		{"map", required_argument, NULL, OPT_MAP},
		{"set", required_argument, NULL, OPT_SET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	opterr = 0;
	optind = 1;
	int c, rc;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case OPT_SHAPES:
			a->shapes = optarg;
			break;
		case OPT_TOKENS:
			if ((rc = parse_tokens(a, optarg)) != EXIT_OK)
				return rc;
			break;
		case OPT_MAP:
		case OPT_SET:
			if (!(c == OPT_MAP
				      ? add_items(&a->maps, &a->nmaps, optarg)
				      : add_items(&a->sets, &a->nsets,
						  optarg))) {
				fputs("energylens import: out of memory\n",
				      stderr);
				return EXIT_SOFTWARE;
			}
			break;
		case 'h':
			usage(stdout);
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
	if (optind + 1 < argc)
		return usage_error("one input file at a time ('%s' is extra)",
				   argv[optind + 1]);
	a->input = argv[optind];
	return EXIT_OK;
}

/* The verb's own options only: a --map given to mlenergy is a mistake the
 * user should hear about, not something silently ignored. */
static int check_verb_options(const struct import_args *a)
{
	bool ml = strcmp(a->verb, "mlenergy") == 0;
	if (ml && (a->nmaps || a->nsets))
		return usage_error("--map and --set are for 'import csv'");
	if (!ml && (a->shapes || a->ntokens))
		return usage_error("--shapes and --input-tokens are for "
				   "'import mlenergy'");
	if (!ml && a->nmaps == 0)
		return usage_error("'import csv' needs --map KEY=COLUMN,...");
	return EXIT_OK;
}

struct loaded {
	char *buf;
	struct csv_table table;
};

static int load_csv(struct loaded *l, const char *path, struct diag_list *diags)
{
	size_t len = 0;
	const char *name = slurp_name(path);
	memset(l, 0, sizeof *l);
	/* A CSV past 1 GiB is not a table of measurements (import mlenergy
	 * /dev/zero): refused before memory runs out. */
	l->buf = slurp_path(path, (size_t)1 << 30, &len);
	if (!l->buf) {
		text_fprintf(stderr, "energylens import: %s: %s\n", name,
			     strerror(errno));
		return EXIT_NOINPUT;
	}
	int rc = csv_read(&l->table, l->buf, len, name, diags);
	if (rc < 0) {
		fputs("energylens import: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	if (rc > 0)
		return EXIT_DATAERR;
	if (l->table.count == 0) {
		diag_add(diags, DIAG_ERROR, name, 0, 0,
			 "empty file (expected a header row and data rows)");
		return EXIT_DATAERR;
	}
	return EXIT_OK;
}

static void loaded_free(struct loaded *l)
{
	csv_free(&l->table);
	free(l->buf);
}

static int write_output(const struct import_set *set, const char *path,
			struct outfile_run *run)
{
	struct outfile out;
	if (outfile_open(&out, path, run) != 0) {
		text_fprintf(stderr, "energylens import: %s: %s\n", path, out.why);
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

static int run_mlenergy(const struct import_args *a, struct import_set *set,
			struct diag_list *diags)
{
	struct loaded data, shapes;
	memset(&shapes, 0, sizeof shapes);
	int rc = load_csv(&data, a->input, diags);
	if (rc == EXIT_OK && a->shapes)
		rc = load_csv(&shapes, a->shapes, diags);
	if (rc == EXIT_OK) {
		struct import_mlenergy_opts o = {
			slurp_name(a->input), a->shapes ? &shapes.table : NULL,
			a->shapes, a->tokens, a->ntokens};
		if (import_mlenergy(set, &data.table, &o, diags) != 0)
			rc = EXIT_DATAERR;
	}
	loaded_free(&shapes);
	loaded_free(&data);
	return rc;
}

/* Splits KEY=VALUE items into keys; the value part is left in place. */
static int parse_assigns(char **items, size_t n, const char *opt,
			 struct import_assign *out, const char **values)
{
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(items[i], '=');
		if (!eq || eq == items[i])
			return usage_error(
				"%s: '%s' is not KEY=%s", opt, items[i],
				strcmp(opt, "--map") == 0 ? "COLUMN" : "VALUE");
		*eq = '\0';
		int key = schema_find(items[i]);
		if (key < 0)
			return usage_error("%s: unknown key '%s' (see "
					   "'energylens import --help')",
					   opt, items[i]);
		out[i].key = (enum schema_field)key;
		out[i].column = -1;
		values[i] = eq + 1;
	}
	return EXIT_OK;
}

static int check_assigns(const struct import_assign *all, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (all[i].key == all[j].key)
				return usage_error(
					"key '%s' given twice in --map/--set",
					schema_fields[all[i].key].name);
	bool have[SCHEMA_FIELD_COUNT] = {false};
	for (size_t i = 0; i < n; i++)
		have[all[i].key] = true;
	for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
		if (schema_fields[k].required && !have[k])
			return usage_error("required key '%s' is neither "
					   "mapped nor set",
					   schema_fields[k].name);
	if (!have[SCHEMA_ENERGY_TOTAL_J] &&
	    !(have[SCHEMA_ENERGY_PREFILL_J] && have[SCHEMA_ENERGY_DECODE_J]))
		return usage_error("energy.total_j, or both energy.prefill_j "
				   "and energy.decode_j, must be mapped or "
				   "set");
	return EXIT_OK;
}

static int check_set_values(const struct import_assign *sets, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct import_values v;
		memset(&v, 0, sizeof v);
		const char *want =
			import_value_parse(&v, sets[i].key, sets[i].value);
		for (int k = 0; k < SCHEMA_FIELD_COUNT; k++)
			free(v.str[k]);
		if (want)
			return usage_error("--set %s=%s: expected %s",
					   schema_fields[sets[i].key].name,
					   sets[i].value, want);
	}
	return EXIT_OK;
}

static int resolve_columns(struct import_assign *maps, const char **columns,
			   size_t n, const struct csv_table *t,
			   const char *file)
{
	for (size_t i = 0; i < n; i++) {
		maps[i].column = csv_column(t, columns[i]);
		if (maps[i].column < 0)
			return usage_error("--map %s=%s: no column '%s' in "
					   "the header of %s",
					   schema_fields[maps[i].key].name,
					   columns[i], columns[i], file);
	}
	return EXIT_OK;
}

static int run_mapped(struct import_args *a, struct import_set *set,
		      struct diag_list *diags)
{
	size_t n = a->nmaps + a->nsets;
	struct import_assign *all = calloc(n, sizeof *all);
	const char **values = calloc(n, sizeof *values);
	struct loaded data;
	memset(&data, 0, sizeof data);
	int rc = !all || !values ? EXIT_SOFTWARE : EXIT_OK;
	if (rc == EXIT_OK)
		rc = parse_assigns(a->maps, a->nmaps, "--map", all, values);
	if (rc == EXIT_OK)
		rc = parse_assigns(a->sets, a->nsets, "--set", all + a->nmaps,
				   values + a->nmaps);
	for (size_t i = a->nmaps; rc == EXIT_OK && i < n; i++)
		all[i].value = values[i];
	if (rc == EXIT_OK)
		rc = check_assigns(all, n);
	if (rc == EXIT_OK)
		rc = check_set_values(all + a->nmaps, a->nsets);
	if (rc == EXIT_OK)
		rc = load_csv(&data, a->input, diags);
	if (rc == EXIT_OK)
		rc = resolve_columns(all, values, a->nmaps, &data.table,
				     slurp_name(a->input));
	if (rc == EXIT_OK &&
	    import_mapped(set, &data.table, slurp_name(a->input), all, a->nmaps,
			  all + a->nmaps, a->nsets, diags) != 0)
		rc = EXIT_DATAERR;
	if (rc == EXIT_SOFTWARE && (!all || !values))
		fputs("energylens import: out of memory\n", stderr);
	loaded_free(&data);
	free(all);
	free(values);
	return rc;
}

/* The CSV files to read, and the output: not one of them, said before
 * anything is read. */
static int claim_output(const struct import_args *a, struct outfile_run *run)
{
	if (outfile_run_read(run, a->input) != 0 ||
	    (a->shapes && outfile_run_read(run, a->shapes) != 0)) {
		fputs("energylens import: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	return outfile_claim_output(run, a->output, "energylens import");
}

static int run_verb(struct import_args *a)
{
	struct import_set set = {NULL, 0, 0};
	struct diag_list diags;
	struct outfile_run run;
	outfile_run_init(&run);
	diag_init(&diags, stderr);
	int rc = claim_output(a, &run);
	if (rc == EXIT_OK)
		rc = strcmp(a->verb, "mlenergy") == 0
			     ? run_mlenergy(a, &set, &diags)
			     : run_mapped(a, &set, &diags);
	if (rc == EXIT_OK && diags.errors)
		rc = EXIT_DATAERR;
	if (rc == EXIT_OK)
		rc = write_output(&set, a->output, &run);
	import_free(&set);
	diag_free(&diags);
	outfile_run_free(&run);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("which format? (expected mlenergy, csv, "
				   "vllm, mlenergy-json or inferencex)");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (cmd_import_json_verb(argv[1]))
		return cmd_import_json(argc, argv);
	if (strcmp(argv[1], "mlenergy") != 0 && strcmp(argv[1], "csv") != 0)
		return usage_error("unknown format '%s' (expected mlenergy, "
				   "csv, vllm, mlenergy-json or inferencex)",
				   argv[1]);
	struct import_args a;
	memset(&a, 0, sizeof a);
	a.verb = argv[1];
	int rc = parse_args(&a, argc - 1, argv + 1);
	if (rc == EXIT_OK)
		rc = check_verb_options(&a);
	if (rc == EXIT_OK)
		rc = run_verb(&a);
	args_free(&a);
	return rc < 0 ? EXIT_OK : rc;
}
