/* energylens eval: how well energylens-12 and the baselines choose the
 * cheapest configuration among runs they were not trained on. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "workspace.h"
#include "dataset.h"
#include "eval.h"
#include "exitcode.h"
#include "json.h"
#include "profile.h"
#include "text.h"

#define MAX_BASELINES 16

struct eval_cli {
	struct eval_options eval;
	const char *model_path[2];
	const struct baseline_kind *baselines[MAX_BASELINES + 1];
	bool curve, json;
	bool train_given, seeds_given, target_given;
};

/* The protocols' names for usage messages, in the enum's order. */
#define PROTOCOL_NAMES                                                         \
	"runs, workloads, models, batch, hardware, in-sample or partial"

static void eval_usage(FILE *out)
{
	fputs("Usage: energylens eval [--train K] [--seeds S]\n"
	      "         [--protocol runs|workloads|models|batch|hardware|"
	      "in-sample|partial]\n"
	      "         [--test-fraction F] [--target-runs N]\n"
	      "         [--baselines LIST|all|none] [--curve] [--model FILE] "
	      "[--json] PATH...\n"
	      "Train energylens-12 and the baselines on K runs of each "
	      "hardware group and\nscore how often each picks the measured "
	      "cheapest configuration among\nruns it was not trained on "
	      "(Top-1, pairwise accuracy, regret, MAPE).\n\n"
	      "  --train K      training runs (default 50; hardware: every "
	      "source run)\n"
	      "  --seeds S      random draws of them (default 10)\n"
	      "  --protocol P   runs: score the other runs (default);\n"
	      "                 workloads / models: score each workload "
	      "(model) trained\n"
	      "                 on the others; batch: train on batch <= the "
	      "median,\n"
	      "                 score above it; hardware: train on one group, "
	      "refit one\n"
	      "                 scale on N runs of a group on another GPU, "
	      "score its\n                 other runs; in-sample: train on "
	      "every run and score\n                 them all (how well "
	      "the form chooses with\n                 every run seen); "
	      "partial: train on K runs, score\n"
	      "                 each workload among all its configurations, "
	      "measured\n                 (trained on) or not\n"
	      "  --test-fraction F  runs: test on a share F (0 < F < 1) of "
	      "each group's\n"
	      "                 runs drawn first, train on K of the rest\n"
	      "  --target-runs N  hardware: runs of the target for the scale "
	      "refit,\n"
	      "                 2 to 10 (default 10)\n"
	      "  --baselines L  comma-separated baselines, 'all' (default) or "
	      "'none'\n"
	      "  --curve        scores for K = 10, 25, 50, 100, 200\n"
	      "  --json         print the scores as JSON (fractions)\n"
	      "  -h, --help     show this help and exit\n",
	      out);
}

static int usage_error(const char *what, const char *arg)
{
	text_fprintf(stderr,
		     "energylens eval: %s%s\nTry 'energylens eval --help'.\n",
		     what, arg);
	return EXIT_USAGE;
}

static int parse_baselines(struct eval_cli *c, const char *list)
{
	size_t n = 0;
	if (strcmp(list, "all") == 0) {
		for (; baseline_kinds[n] && n < MAX_BASELINES; n++)
			c->baselines[n] = baseline_kinds[n];
	} else if (strcmp(list, "none") != 0) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", list);
		for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			const struct baseline_kind *k = baseline_find(tok);
			if (!k || n == MAX_BASELINES)
				return usage_error("unknown baseline ", tok);
			c->baselines[n++] = k;
		}
	}
	c->baselines[n] = NULL;
	return -1;
}

static int parse_options(int argc, char **argv, struct eval_cli *c)
{
	enum {
		TRAIN = 256,
		SEEDS,
		PROTOCOL,
		BASELINES,
		CURVE,
		MODEL,
		JSON,
		TARGET,
		FRACTION
	};
	static const struct option options[] = {
		{"train", required_argument, NULL, TRAIN},
		{"seeds", required_argument, NULL, SEEDS},
		{"protocol", required_argument, NULL, PROTOCOL},
		{"baselines", required_argument, NULL, BASELINES},
		{"curve", no_argument, NULL, CURVE},
		{"model", required_argument, NULL, MODEL},
		{"json", no_argument, NULL, JSON},
		{"target-runs", required_argument, NULL, TARGET},
		{"test-fraction", required_argument, NULL, FRACTION},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(c, 0, sizeof *c);
	c->eval.train = 50;
	c->eval.seeds = 10;
	parse_baselines(c, "all");
	int opt, status;
	double v;
	optind = 1;
	opterr = 0; /* text_option_error says why, escaped */
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case TRAIN:
		case SEEDS:
			if (!workspace_parse_number(optarg, true, &v))
				return usage_error("expected a positive "
						   "integer, got ",
						   optarg);
			if (opt == TRAIN) {
				c->eval.train = (size_t)v;
				c->train_given = true;
			} else {
				c->eval.seeds = (unsigned)v;
				c->seeds_given = true;
			}
			break;
		case TARGET:
			/* docs/design.md, "Evaluation": a scale refit on at
			 * most 10 runs; one run fits a scale but cannot show
			 * it is off. */
			if (!workspace_parse_number(optarg, true, &v) || v < 2 ||
			    v > EVAL_TARGET_RUNS)
				return usage_error("--target-runs expects a "
						   "whole number from 2 to 10, "
						   "got ",
						   optarg);
			c->eval.target = (size_t)v;
			c->target_given = true;
			break;
		case FRACTION: {
			char *end;
			errno = 0;
			v = strtod(optarg, &end);
			if (end == optarg || *end || errno || !(v > 0 && v < 1))
				return usage_error("--test-fraction expects a "
						   "fraction between 0 and 1, "
						   "got ",
						   optarg);
			c->eval.test_fraction = v;
			break;
		}
		case PROTOCOL: {
			size_t p = 0;
			while (p < EVAL_PROTOCOLS &&
			       strcmp(optarg, eval_protocol_name(p)) != 0)
				p++;
			if (p == EVAL_PROTOCOLS)
				return usage_error(
					"--protocol expects " PROTOCOL_NAMES
					", got ",
					optarg);
			c->eval.protocol = (enum eval_protocol)p;
			break;
		}
		case BASELINES:
			if ((status = parse_baselines(c, optarg)) >= 0)
				return status;
			break;
		case CURVE:
			c->curve = true;
			break;
		case MODEL:
			if (c->model_path[1])
				return usage_error("at most two --model files",
						   "");
			c->model_path[c->model_path[0] ? 1 : 0] = optarg;
			break;
		case JSON:
			c->json = true;
			break;
		case 'h':
			eval_usage(stdout);
			return EXIT_OK;
		default:
			text_option_error(argv, "h", options);
			fputs("Try 'energylens eval --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("no PATH given", "");
	bool hardware = c->eval.protocol == EVAL_HARDWARE;
	if (c->target_given && !hardware)
		return usage_error("--target-runs is for --protocol hardware",
				   "");
	/* the others choose their test runs themselves */
	if (c->eval.test_fraction > 0 && c->eval.protocol != EVAL_RUNS)
		return usage_error("--test-fraction is for --protocol runs",
				   "");
	if (c->eval.protocol == EVAL_IN_SAMPLE) {
		/* one training on every run: nothing to draw or to vary */
		if (c->train_given || c->seeds_given || c->curve)
			return usage_error("--protocol in-sample trains on "
					   "every run; --train, --seeds and "
					   "--curve are for the others",
					   "");
		c->eval.train = 0;
		c->eval.seeds = 1;
	}
	if (hardware && !c->train_given)
		c->eval.train = 0; /* every run of the source group */
	if (hardware && !c->target_given)
		c->eval.target = EVAL_TARGET_RUNS;
	c->eval.baselines = c->baselines;
	return -1;
}

/* ---- text ------------------------------------------------------------------
 */

static void pct(char *buf, size_t size, double v)
{
	snprintf(buf, size, isnan(v) ? "-" : "%.1f", 100 * v);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* ---- by task and by modality ---------------------------------------------
 */

/* The configuration choice summed over the workloads of one task (their
 * name) or one modality (text, image, video): Top-1, pairwise and regret
 * are those of its scenarios pooled, as overall's are; its MAPE is the
 * mean of its workloads' MAPEs weighted by their scenarios, so that a
 * workload weighs as much as its scenarios whatever its count of runs. */
struct eval_part {
	const char *task; /* NULL: a modality */
	enum profile_modality modality;
	struct eval_tally t;
	double mape_sum; /* workload MAPE x scenarios */
	size_t mape_scenarios;
};

static void tally_add(struct eval_tally *to, const struct eval_tally *t)
{
	to->top1 += t->top1;
	to->pairwise += t->pairwise;
	to->regret += t->regret;
	to->scenarios += t->scenarios;
	to->pairs += t->pairs;
	to->ape += t->ape;
	to->runs += t->runs;
}

static void part_add(struct eval_part *to, const struct eval_tally *t,
		     double mape_sum, size_t mape_scenarios)
{
	tally_add(&to->t, t);
	to->mape_sum += mape_sum;
	to->mape_scenarios += mape_scenarios;
}

static double part_mape(const struct eval_part *p)
{
	return p->mape_scenarios ? p->mape_sum / (double)p->mape_scenarios
				 : NAN;
}

/* A workload without modality: is text (the schema's default reading). */
static enum profile_modality modality_of(const struct profile_workload *w)
{
	return w->modality == MODALITY_UNSET ? MODALITY_TEXT : w->modality;
}

static bool same_task(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Tasks in the order of their first workload, then the modalities in the
 * schema's order; *n parts, or NULL when out of memory. */
static struct eval_part *parts_of(const struct profile_set *set,
				  const struct eval_method *me, size_t *n)
{
	struct eval_part *p =
		calloc(set->workload_count + MODALITY_AUDIO + 1, sizeof *p);
	*n = 0;
	if (!p)
		return NULL;
	size_t tasks = 0;
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct eval_tally *t = &me->by_workload[w];
		const struct profile_workload *wl = &set->workloads[w];
		if (!t->scenarios)
			continue;
		size_t k = 0;
		while (k < tasks && !(same_task(p[k].task, or_dash(wl->name)) &&
				      p[k].modality == modality_of(wl)))
			k++;
		if (k == tasks) {
			p[k].task = or_dash(wl->name);
			p[k].modality = modality_of(wl);
			tasks++;
		}
		double mape = eval_mape(t);
		if (!isnan(mape))
			part_add(&p[k], t, mape * (double)t->scenarios,
				 t->scenarios);
		else
			part_add(&p[k], t, 0, 0);
	}
	*n = tasks;
	for (int m = MODALITY_TEXT; m <= MODALITY_AUDIO; m++) {
		struct eval_part *q = &p[*n];
		q->modality = (enum profile_modality)m;
		for (size_t k = 0; k < tasks; k++)
			if (p[k].modality == q->modality)
				part_add(q, &p[k].t, p[k].mape_sum,
					 p[k].mape_scenarios);
		*n += q->t.scenarios > 0;
	}
	return p;
}

static void print_part_line(const char *label, const struct eval_part *part)
{
	const struct eval_tally *t = &part->t;
	char p[16], t1[16], m[16];
	pct(p, sizeof p, eval_pairwise(t));
	pct(t1, sizeof t1, eval_top1(t));
	pct(m, sizeof m, part_mape(part));
	text_printf("%-58.58s %9zu %10s %7s %7s\n", label, t->scenarios, p, t1,
		    m);
}

static void print_by_part(const struct profile_set *set,
			  const struct eval_method *me)
{
	size_t n;
	struct eval_part *p = parts_of(set, me, &n);
	for (size_t k = 0; p && k < n; k++) {
		char label[160];
		if (p[k].task)
			snprintf(label, sizeof label, "task %s (%s)", p[k].task,
				 profile_modality_name(p[k].modality));
		else
			snprintf(label, sizeof label, "modality %s",
				 profile_modality_name(p[k].modality));
		print_part_line(label, &p[k]);
	}
	free(p);
}

static void print_by_workload(const struct profile_set *set,
			      const struct eval_method *me)
{
	printf("%-58s %9s %10s %7s %7s\n", "workload (configuration choice)",
	       "scenarios", "pairwise%", "Top-1%", "MAPE%");
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct eval_tally *t = &me->by_workload[w];
		if (!t->scenarios)
			continue;
		char label[160], p[16], t1[16], m[16];
		snprintf(label, sizeof label, "%s: %s on %s",
			 or_dash(set->workloads[w].name),
			 or_dash(set->workloads[w].model),
			 or_dash(set->workloads[w].hardware));
		pct(p, sizeof p, eval_pairwise(t));
		pct(t1, sizeof t1, eval_top1(t));
		pct(m, sizeof m, eval_mape(t));
		text_printf("%-58.58s %9zu %10s %7s %7s\n", label, t->scenarios,
			    p, t1, m);
	}
	print_by_part(set, me);
	char p[16], t1[16], m[16];
	pct(p, sizeof p, eval_pairwise(&me->config));
	pct(t1, sizeof t1, eval_top1(&me->config));
	pct(m, sizeof m, eval_mape(&me->config));
	printf("%-58s %9zu %10s %7s %7s\n\n", "overall", me->config.scenarios,
	       p, t1, m);
}

/* Candidates per scenario, one decimal; a dash when none was scored. */
static void per_scenario(char *buf, size_t size, size_t sum,
			 const struct eval_tally *t)
{
	snprintf(buf, size, t->scenarios ? "%.1f" : "-",
		 (double)sum / (double)(t->scenarios ? t->scenarios : 1));
}

/* One line of the methods' table: both choices of one method (or of the
 * noise ceiling, which has no MAPE). */
static void print_method_line(const char *name, const struct eval_tally *cf,
			      const struct eval_tally *ly, bool with_mape)
{
	char a[16], n1[16], b[16], c[16], d[16], e[16], n2[16], f[16];
	pct(a, sizeof a, eval_top1(cf));
	per_scenario(n1, sizeof n1, cf->candidates, cf);
	pct(b, sizeof b, eval_pairwise(cf));
	pct(c, sizeof c, eval_regret(cf));
	pct(d, sizeof d, with_mape ? eval_mape(cf) : NAN);
	pct(e, sizeof e, eval_top1(ly));
	per_scenario(n2, sizeof n2, ly->candidates, ly);
	pct(f, sizeof f, eval_pairwise(ly));
	printf("%-26s %7s %6s %9s %7s %6s   %9zu %7s %6s %9s", name, a, n1, b,
	       c, d, ly->scenarios, e, n2, f);
}

static bool has_ceiling(const struct eval_report *r)
{
	return r->ceiling.noise > 0 &&
	       r->ceiling.config.scenarios + r->ceiling.layout.scenarios > 0;
}

static void print_methods(const struct eval_report *r)
{
	printf("%-26s %32s   %28s\n", "", "configuration choice",
	       "layout choice");
	printf("%-26s %7s %6s %9s %7s %6s   %9s %7s %6s %9s\n", "method",
	       "Top-1%", "cand.", "pairwise%", "regret%", "MAPE%", "scenarios",
	       "Top-1%", "cand.", "pairwise%");
	bool any_reference = false;
	for (size_t k = 0; k < r->nmethods; k++) {
		const struct eval_method *me = &r->methods[k];
		char name[40];
		snprintf(name, sizeof name, "%s%s", me->name,
			 me->reference ? " (ref)" : "");
		any_reference |= me->reference;
		print_method_line(name, &me->config, &me->layout, true);
		if (me->failed)
			printf("  (%zu trainings failed)", me->failed);
		putchar('\n');
	}
	const struct eval_ceiling *c = &r->ceiling;
	if (has_ceiling(r)) {
		print_method_line("noise ceiling", &c->config, &c->layout,
				  false);
		putchar('\n');
		printf("noise ceiling: an oracle of the true means, scored "
		       "against %d draws of the\nmeasurements with a "
		       "measurement's noise (%.1f%%, from %zu configurations "
		       "measured\nmore than once, %zu runs, and %zu batch "
		       "sizes against their sweeps' neighbours).\n",
		       EVAL_CEILING_DRAWS, 100 * c->noise, c->replicated,
		       c->runs, c->inner);
	} else {
		puts("(no noise ceiling: no configuration was measured more "
		     "than once, and no\nsweep has three batch sizes)");
	}
	if (any_reference)
		puts("(ref): a reference, not a predictor: it reads the "
		     "measured latency of every\ncandidate, which a "
		     "predictor does not have.");
}

/* energylens-12's Top-1 and the ceiling's by the number of candidates. */
static void print_sizes(const struct eval_report *r)
{
	const struct eval_sizes *own = &r->methods[0].by_size;
	const struct eval_sizes *top = &r->ceiling.by_size;
	bool ceiling = has_ceiling(r);
	printf("%-10s   %-28s   %s\n", "candidates", "configuration choice",
	       "layout choice");
	printf("%-10s   %9s %7s %9s   %9s %7s %9s\n", "", "scenarios", "Top-1%",
	       "ceiling%", "scenarios", "Top-1%", "ceiling%");
	for (size_t i = 0; i < EVAL_SIZES - 1; i++) {
		if (!own->config[i].scenarios && !own->layout[i].scenarios)
			continue;
		char n[16], a[16], b[16], c[16], d[16];
		snprintf(n, sizeof n, "%zu%s", i + 2,
			 i + 2 == EVAL_SIZES ? " or more" : "");
		pct(a, sizeof a, eval_top1(&own->config[i]));
		pct(b, sizeof b, ceiling ? eval_top1(&top->config[i]) : NAN);
		pct(c, sizeof c, eval_top1(&own->layout[i]));
		pct(d, sizeof d, ceiling ? eval_top1(&top->layout[i]) : NAN);
		printf("%-10s   %9zu %7s %9s   %9zu %7s %9s\n", n,
		       own->config[i].scenarios, a, b, own->layout[i].scenarios,
		       c, d);
	}
	putchar('\n');
}

/* The partial protocol's scenarios: how many candidates were measured. */
static void print_measured(const struct eval_report *r)
{
	const struct eval_method *own = &r->methods[0];
	char a[16], b[16], c[16], d[16];
	per_scenario(a, sizeof a, own->config.measured, &own->config);
	per_scenario(b, sizeof b, own->config.candidates, &own->config);
	per_scenario(c, sizeof c, own->layout.measured, &own->layout);
	per_scenario(d, sizeof d, own->layout.candidates, &own->layout);
	printf("measured (among the training runs): %s of %s candidates per "
	       "configuration\nscenario, %s of %s per layout scenario\n\n",
	       a, b, c, d);
}

/* The reliability of the confidence: per tenth of the chance given the
 * pick, how many picks, their mean confidence and their Top-1. */
static void print_calibration(const struct eval_method *me)
{
	const struct eval_calibration *c = &me->calibration;
	printf("\ncalibration of %s (configuration choice: the chance given "
	       "the pick of\nmeasuring the cheapest, against its Top-1)\n",
	       me->name);
	printf("%-12s %9s %12s %7s\n", "confidence", "scenarios", "mean conf%",
	       "Top-1%");
	for (size_t b = 0; b < EVAL_BINS; b++) {
		if (!c->n[b])
			continue;
		printf("%3zu-%3zu%%     %9zu %12.1f %7.1f\n", b * 10,
		       b * 10 + 10, c->n[b],
		       100 * c->confidence[b] / (double)c->n[b],
		       100 * c->hits[b] / (double)c->n[b]);
	}
	double ece = eval_ece(c);
	if (isnan(ece))
		puts("expected calibration error: - (no scenario)");
	else
		printf("expected calibration error: %.1f%%\n", 100 * ece);
}

/* A group's short name in the per-pair lines: gN and its hardware. The
 * number tells apart groups on one GPU and names cut to the column; the
 * legend above the table gives each in full. */
static void group_name(const struct dataset *ds, size_t g, char *buf,
		       size_t size)
{
	const struct dataset_group *x = &ds->groups[g];
	text_snprintf(buf, size, "g%zu %s", g + 1,
		      x->hardware ? x->hardware : x->label);
}

static void print_group_legend(const struct dataset *ds,
			       const struct eval_report *r)
{
	puts("groups (hardware transfer)");
	for (size_t g = 0; g < ds->count; g++) {
		bool used = false;
		for (size_t i = 0; i < r->npairs; i++)
			used |= !r->pairs[i].same_hardware &&
				(r->pairs[i].source == g ||
				 r->pairs[i].target == g);
		if (used)
			text_printf("  g%-4zu %s\n", g + 1,
				    ds->groups[g].label);
	}
	putchar('\n');
}

/* The geometric mean of a pair's refitted scales, NaN when none. */
static double pair_scale(const struct eval_pair *p)
{
	return p->scales ? exp(p->log_scale / (double)p->scales) : NAN;
}

static void print_pairs(const struct dataset *ds, const struct eval_report *r)
{
	print_group_legend(ds, r);
	bool unscored = false;
	printf("%-44s %6s %9s %7s %9s %7s %6s   %7s\n",
	       "source -> target (configuration choice)", "scale", "scenarios",
	       "Top-1%", "pairwise%", "regret%", "MAPE%", "layout Top-1%");
	for (size_t i = 0; i < r->npairs; i++) {
		const struct eval_pair *p = &r->pairs[i];
		if (p->same_hardware)
			continue;
		char a[64], b[64], label[136], t1[16], pw[16], rg[16], m[16],
			lt[16], sc[16];
		group_name(ds, p->source, a, sizeof a);
		group_name(ds, p->target, b, sizeof b);
		/* each side cut to its own half, so the target always shows */
		text_snprintf(label, sizeof label, "%-20.20s -> %.20s", a, b);
		snprintf(sc, sizeof sc, p->scales ? "%.3g" : "-",
			 pair_scale(p));
		pct(t1, sizeof t1, eval_top1(&p->config));
		pct(pw, sizeof pw, eval_pairwise(&p->config));
		pct(rg, sizeof rg, eval_regret(&p->config));
		pct(m, sizeof m, eval_mape(&p->config));
		pct(lt, sizeof lt, eval_top1(&p->layout));
		text_printf("%-44.44s %6s %9zu %7s %9s %7s %6s   %13s\n", label,
			    sc, p->config.scenarios, t1, pw, rg, m, lt);
		unscored |= !p->scales;
	}
	if (unscored)
		puts("(dashes: the target has no more runs than are "
		     "drawn for the scale,\nor energylens-12 could not be "
		     "fitted on the source)");
	putchar('\n');
}

/* Prints s wrapped at spaces to lines of at most 78 bytes (a word longer
 * than that stands alone). */
static void print_wrapped(const char *s)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", s);
	size_t col = 0;
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(w);
		if (col && col + 1 + len > 78) {
			putchar('\n');
			col = 0;
		}
		if (col)
			putchar(' ');
		text_printf("%s", w);
		col += len + (col ? 1 : 0);
	}
	putchar('\n');
}

static void print_text(const struct eval_cli *c, const struct dataset *ds,
		       const struct profile_set *set,
		       const struct eval_report *r)
{
	if (c->eval.protocol == EVAL_IN_SAMPLE) {
		printf("protocol in-sample, every run trained on and scored, "
		       "%zu trainings\n\n",
		       r->trainings);
	} else if (c->eval.test_fraction > 0) {
		printf("protocol runs, test fraction %g, %zu training runs "
		       "from the rest, %u seeds, %zu trainings\n\n",
		       c->eval.test_fraction, c->eval.train, c->eval.seeds,
		       r->trainings);
	} else if (c->eval.protocol == EVAL_PARTIAL) {
		printf("protocol partial, %zu training runs (measured), every "
		       "run scored, %u seeds, %zu trainings\n\n",
		       c->eval.train, c->eval.seeds, r->trainings);
	} else if (c->eval.protocol != EVAL_HARDWARE) {
		printf("protocol %s, %zu training runs, %u seeds, %zu "
		       "trainings\n\n",
		       eval_protocol_name(c->eval.protocol), c->eval.train,
		       c->eval.seeds, r->trainings);
	} else {
		char k[32];
		snprintf(k, sizeof k, c->eval.train ? "%zu" : "all",
			 c->eval.train);
		printf("protocol hardware, %s training runs of the source, "
		       "%zu of the target for the scale, %u seeds, %zu "
		       "trainings\n\n",
		       k, c->eval.target, c->eval.seeds, r->trainings);
	}
	if (r->empty[0]) {
		/* an empty table would say nothing */
		char why[sizeof r->empty + 32];
		snprintf(why, sizeof why, "nothing was scored: %s.", r->empty);
		print_wrapped(why);
		return;
	}
	print_by_workload(set, &r->methods[0]);
	if (c->eval.protocol == EVAL_HARDWARE)
		print_pairs(ds, r);
	if (c->eval.protocol == EVAL_PARTIAL)
		print_measured(r);
	print_sizes(r);
	print_methods(r);
	if (r->methods[0].confident && c->eval.protocol != EVAL_HARDWARE)
		print_calibration(&r->methods[0]);
}

/* ---- JSON ------------------------------------------------------------------
 */

/* A sum per scenario of a tally, null when none was scored. */
static void json_per_scenario(size_t sum, const struct eval_tally *t)
{
	json_number(stdout,
		    t->scenarios ? (double)sum / (double)t->scenarios : NAN);
}

static void json_scores(const struct eval_tally *t, bool with_mape)
{
	printf("\"scenarios\": %zu, \"candidates\": ", t->scenarios);
	json_per_scenario(t->candidates, t);
	fputs(", \"top1\": ", stdout);
	json_number(stdout, eval_top1(t));
	fputs(", \"pairwise\": ", stdout);
	json_number(stdout, eval_pairwise(t));
	fputs(", \"regret\": ", stdout);
	json_number(stdout, eval_regret(t));
	if (with_mape) {
		fputs(", \"mape\": ", stdout);
		json_number(stdout, eval_mape(t));
	}
}

static void json_baselines(const struct eval_report *r, bool layout)
{
	/* the model alone, then the baselines */
	const struct eval_method *alone = &r->methods[1];
	fputs("\"model_only\": {", stdout);
	json_scores(layout ? &alone->layout : &alone->config, !layout);
	if (layout) {
		fputs(", \"mape\": ", stdout);
		json_number(stdout, eval_mape(&alone->config));
	}
	fputs("},\n  \"baselines\": {", stdout);
	for (size_t k = 2; k < r->nmethods; k++) {
		const struct eval_method *me = &r->methods[k];
		fputs(k > 2 ? ", " : "", stdout);
		json_string(stdout, me->name);
		fputs(": {", stdout);
		json_scores(layout ? &me->layout : &me->config, !layout);
		if (layout) {
			fputs(", \"mape\": ", stdout);
			json_number(stdout, eval_mape(&me->config));
		}
		printf(", \"reference\": %s}",
		       me->reference ? "true" : "false");
	}
	fputs("}", stdout);
}

/* "by_size": Top-1 by the number of candidates, energylens-12's and the
 * noise ceiling's (null without one). */
static void json_sizes(const struct eval_report *r, bool layout)
{
	const struct eval_tally *own = layout ? r->methods[0].by_size.layout
					      : r->methods[0].by_size.config;
	const struct eval_tally *top =
		layout ? r->ceiling.by_size.layout : r->ceiling.by_size.config;
	fputs("\"by_size\": [", stdout);
	bool first = true;
	for (size_t i = 0; i < EVAL_SIZES - 1; i++) {
		if (!own[i].scenarios)
			continue;
		printf("%s{\"candidates\": %zu, \"scenarios\": %zu, "
		       "\"top1\": ",
		       first ? "" : ", ", i + 2, own[i].scenarios);
		first = false;
		json_number(stdout, eval_top1(&own[i]));
		fputs(", \"ceiling\": ", stdout);
		json_number(stdout, has_ceiling(r) ? eval_top1(&top[i]) : NAN);
		fputc('}', stdout);
	}
	fputs("]", stdout);
}

/* "noise_ceiling": the oracle's scores of one choice, null without
 * replicates. */
static void json_ceiling(const struct eval_report *r, bool layout)
{
	fputs("\"noise_ceiling\": ", stdout);
	if (!has_ceiling(r)) {
		fputs("null", stdout);
		return;
	}
	const struct eval_ceiling *c = &r->ceiling;
	fputs("{\"noise\": ", stdout);
	json_number(stdout, c->noise);
	printf(", \"replicated\": %zu, \"runs\": %zu, \"inner\": %zu, ",
	       c->replicated, c->runs, c->inner);
	json_scores(layout ? &c->layout : &c->config, false);
	fputc('}', stdout);
}

/* The model's part of one choice beside its scores: the measured
 * candidates per scenario (partial), Top-1 by size and the ceiling. */
static void json_extras(const struct eval_cli *c, const struct eval_report *r,
			bool layout)
{
	const struct eval_method *own = &r->methods[0];
	const struct eval_tally *t = layout ? &own->layout : &own->config;
	if (c->eval.protocol == EVAL_PARTIAL) {
		fputs(", \"measured\": ", stdout);
		json_per_scenario(t->measured, t);
	}
	fputs(", ", stdout);
	json_sizes(r, layout);
	fputs(", ", stdout);
	json_ceiling(r, layout);
}

/* "pairs": energylens-12 carried from each group to each other one. */
static void json_pairs(const struct dataset *ds, const struct eval_report *r)
{
	fputs("\"pairs\": [", stdout);
	bool first = true;
	for (size_t i = 0; i < r->npairs; i++) {
		const struct eval_pair *p = &r->pairs[i];
		if (p->same_hardware)
			continue;
		fputs(first ? "\n  {\"source\": " : ",\n  {\"source\": ",
		      stdout);
		first = false;
		json_string(stdout, ds->groups[p->source].label);
		fputs(", \"target\": ", stdout);
		json_string(stdout, ds->groups[p->target].label);
		fputs(", \"scale\": ", stdout);
		json_number(stdout, pair_scale(p));
		fputs(", ", stdout);
		json_scores(&p->config, true);
		fputs(", \"layout\": {", stdout);
		json_scores(&p->layout, false);
		fputs("}}", stdout);
	}
	fputs("],\n ", stdout);
}

/* "by_task" and "by_modality": the configuration choice per task and per
 * modality, as the text report's task and modality lines. */
static void json_by_part(const struct profile_set *set,
			 const struct eval_method *me)
{
	size_t n;
	struct eval_part *p = parts_of(set, me, &n);
	for (int modalities = 0; modalities < 2; modalities++) {
		fputs(modalities ? "\"by_modality\": [" : "\"by_task\": [",
		      stdout);
		bool first = true;
		for (size_t k = 0; p && k < n; k++) {
			if ((p[k].task == NULL) != modalities)
				continue;
			fputs(first ? "\n  {" : ",\n  {", stdout);
			first = false;
			if (p[k].task) {
				fputs("\"task\": ", stdout);
				json_string(stdout, p[k].task);
				fputs(", ", stdout);
			}
			fputs("\"modality\": ", stdout);
			json_string(stdout,
				    profile_modality_name(p[k].modality));
			fputs(", ", stdout);
			json_scores(&p[k].t, false);
			fputs(", \"mape\": ", stdout);
			json_number(stdout, part_mape(&p[k]));
			fputc('}', stdout);
		}
		fputs("],\n ", stdout);
	}
	free(p);
}

static void print_json_report(const struct eval_cli *c,
			      const struct dataset *ds,
			      const struct profile_set *set,
			      const struct eval_report *r)
{
	const struct eval_method *own = &r->methods[0];
	printf("{\"protocol\": \"%s\", \"train\": ",
	       eval_protocol_name(c->eval.protocol));
	/* "every run" (hardware transfer's source, in-sample) is null */
	if (c->eval.train)
		printf("%zu", c->eval.train);
	else
		fputs("null", stdout);
	printf(", \"seeds\": %u, ", c->eval.seeds);
	if (c->eval.test_fraction > 0) {
		fputs("\"test_fraction\": ", stdout);
		json_number(stdout, c->eval.test_fraction);
		fputs(", ", stdout);
	}
	if (c->eval.protocol == EVAL_HARDWARE)
		printf("\"target_runs\": %zu, ", c->eval.target);
	if (r->empty[0]) {
		fputs("\"empty\": ", stdout);
		json_string(stdout, r->empty);
		fputs(", ", stdout);
	}
	json_scores(&own->config, true);
	json_extras(c, r, false);
	fputs(",\n \"by_workload\": [", stdout);
	bool first = true;
	for (size_t w = 0; w < set->workload_count; w++) {
		const struct eval_tally *t = &own->by_workload[w];
		if (!t->scenarios)
			continue;
		fputs(first ? "\n  {\"workload\": " : ",\n  {\"workload\": ",
		      stdout);
		first = false;
		json_string(stdout, set->workloads[w].name);
		fputs(", \"model\": ", stdout);
		json_string(stdout, set->workloads[w].model);
		fputs(", \"hardware\": ", stdout);
		json_string(stdout, set->workloads[w].hardware);
		fputs(", ", stdout);
		json_scores(t, true);
		fputc('}', stdout);
	}
	fputs("],\n ", stdout);
	json_by_part(set, own);
	if (c->eval.protocol == EVAL_HARDWARE)
		json_pairs(ds, r);
	json_baselines(r, false);
	fputs(",\n \"layout\": {", stdout);
	json_scores(&own->layout, false);
	fputs(", \"mape\": ", stdout);
	json_number(stdout, eval_mape(&own->config));
	json_extras(c, r, true);
	fputs(", ", stdout);
	json_baselines(r, true);
	fputs("},\n \"calibration\": {\"ece\": ", stdout);
	json_number(stdout, eval_ece(&own->calibration));
	fputs(", \"bins\": [", stdout);
	for (size_t b = 0; b < EVAL_BINS; b++) {
		const struct eval_calibration *k = &own->calibration;
		printf("%s{\"from\": %.1f, \"scenarios\": %zu, "
		       "\"confidence\": ",
		       b ? ", " : "", b / 10.0, k->n[b]);
		json_number(stdout,
			    k->n[b] ? k->confidence[b] / (double)k->n[b] : NAN);
		fputs(", \"top1\": ", stdout);
		json_number(stdout,
			    k->n[b] ? k->hits[b] / (double)k->n[b] : NAN);
		fputc('}', stdout);
	}
	fputs("]}}", stdout);
}

/* ---- the verb --------------------------------------------------------------
 */

static int run_one(struct eval_cli *c, const struct profile_set *set,
		   const struct dataset *ds, bool first)
{
	struct eval_report r;
	struct progress progress;
	progress_start(&progress, stderr, "energylens eval");
	c->eval.progress = &progress;
	int status = eval_run(set, ds, &c->eval, &r);
	progress_end(&progress);
	c->eval.progress = NULL;
	if (status == EVAL_UNUSABLE) {
		text_fprintf(stderr, "energylens eval: %s\n", r.message);
		return EXIT_DATAERR;
	}
	if (status != 0) {
		fputs("energylens eval: out of memory\n", stderr);
		return EXIT_SOFTWARE;
	}
	/* The curve's headings come once there is something under them. */
	if (c->curve && c->json && first)
		fputs("{\"curve\": [\n", stdout);
	if (c->curve && !c->json)
		printf("== k = %zu\n", c->eval.train);
	if (c->json) {
		fputs(first ? "" : ",\n", stdout);
		print_json_report(c, ds, set, &r);
	} else {
		print_text(c, ds, set, &r);
	}
	eval_report_free(&r);
	return EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
	struct eval_cli c;
	int status = parse_options(argc, argv, &c);
	if (status >= 0)
		return status;
	struct model *models[2];
	if ((status = workspace_models(c.model_path, models)) != EXIT_OK)
		return status;
	c.eval.model = models[0];
	struct profile_set set;
	struct diag_list diags;
	struct dataset ds = {NULL, 0, 0, NULL};
	profile_set_init(&set);
	diag_init(&diags, stderr);
	status = workspace_load_paths(&set, &diags, argc - optind, argv + optind);
	if (status == EXIT_OK && dataset_build(&set, BY_HARDWARE, &ds, &diags))
		status = EXIT_SOFTWARE;
	static const size_t curve[] = {10, 25, 50, 100, 200};
	size_t steps = c.curve ? 5 : 1;
	for (size_t i = 0; status == EXIT_OK && i < steps; i++) {
		if (c.curve)
			c.eval.train = curve[i];
		status = run_one(&c, &set, &ds, i == 0);
		if (status == EXIT_OK && !c.json && c.curve)
			putchar('\n');
	}
	if (status == EXIT_OK)
		fputs(c.json ? (c.curve ? "\n]}\n" : "\n") : "", stdout);
	if (cmd_flush_stdout("eval") != EXIT_OK)
		status = EXIT_CANTCREAT;
	dataset_free(&ds);
	diag_free(&diags);
	profile_set_free(&set);
	model_free(models[0]);
	model_free(models[1]);
	return status;
}
