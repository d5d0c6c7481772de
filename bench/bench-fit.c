/* Times fit_model() with the built-in energy model (energylens-12) on
 * resampled copies of the synthetic sweep, and writes each problem in the
 * format of `energylens fit --export-problem` so that bench/fit_scipy.py
 * times scipy on the very same data. Not part of make check: `make bench`
 * runs it through bench/run.sh.
 *
 * Usage: bench-fit SWEEP.yaml OUTDIR [N:REPEATS]...
 * (default 50:31 1000:7 100000:3). For each size N it draws N of the
 * sweep's runs with replacement, multiplies each energy by exp(0.05 z),
 * z standard normal (a fixed-seed PRNG of its own, so every machine fits
 * the same data), times REPEATS fits with CLOCK_MONOTONIC, writes
 * OUTDIR/fit-N.json and prints one line:
 *   fit N REPEATS MEDIAN_MS MIN_MS ITERATIONS COST */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "fit.h"
#include "fitfile.h"
#include "json.h"
#include "model.h"
#include "profile.h"

#define NOISE_SIGMA 0.05

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1): 53 random bits, never 0. */
static double next_unit(uint64_t *s)
{
	return ((double)(next_u64(s) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal by Box-Muller (the second value is dropped: simplicity
 * over speed, this is data generation). */
static double next_normal(uint64_t *s)
{
	const double two_pi = 6.283185307179586;
	double u = next_unit(s), v = next_unit(s);
	return sqrt(-2 * log(u)) * cos(two_pi * v);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The sweep's fittable runs: inputs (n x MODEL_NINPUTS) and energies. */
struct base {
	size_t n;
	double *inputs, *y;
};

static int load_base(const char *path, struct base *b)
{
	struct profile_set set;
	struct diag_list diags;
	profile_set_init(&set);
	diag_init(&diags, stderr);
	int rc = -1;
	if (profile_load_path(&set, path, &diags) != PROFILE_OK)
		goto done;
	b->n = 0;
	b->inputs = malloc(set.run_count * MODEL_NINPUTS * sizeof *b->inputs);
	b->y = malloc(set.run_count * sizeof *b->y);
	if (!b->inputs || !b->y)
		goto done;
	for (size_t i = 0; i < set.run_count; i++) {
		const struct profile_run *r = &set.runs[i];
		if (!(r->energy_total_j > 0) || !(r->input_tokens >= 0))
			continue;
		model_inputs(&set.workloads[r->workload], r,
			     b->inputs + b->n * MODEL_NINPUTS);
		b->y[b->n++] = r->energy_total_j;
	}
	rc = b->n ? 0 : -1;
	if (!b->n)
		fprintf(stderr, "bench-fit: %s: no run with an energy\n", path);
done:
	diag_free(&diags);
	profile_set_free(&set);
	return rc;
}

/* n rows drawn with replacement, energies with log-normal noise; the seed
 * depends on n only. */
static int resample(const struct base *b, size_t n, double **inputs, double **y)
{
	uint64_t seed = 0x454e4c454e53u ^ (uint64_t)n; /* "ENLENS" */
	*inputs = malloc(n * MODEL_NINPUTS * sizeof **inputs);
	*y = malloc(n * sizeof **y);
	if (!*inputs || !*y)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = (size_t)(next_unit(&seed) * (double)b->n);
		if (k >= b->n)
			k = b->n - 1;
		memcpy(*inputs + i * MODEL_NINPUTS,
		       b->inputs + k * MODEL_NINPUTS,
		       MODEL_NINPUTS * sizeof **inputs);
		(*y)[i] = b->y[k] * exp(NOISE_SIGMA * next_normal(&seed));
	}
	return 0;
}

/* The layout of `energylens fit --export-problem`, with one group. */
static int write_problem(const char *path, const struct model *m,
			 const struct fit_data *d, const struct fit_result *r)
{
	FILE *out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "bench-fit: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char label[64];
	snprintf(label, sizeof label, "synthetic sweep resampled to %zu runs",
		 d->n);
	struct fitfile_problem group = {label, d, r, true};
	fitfile_write_problem(out, m, &group, 1);
	if (fclose(out) != 0) {
		fprintf(stderr, "bench-fit: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int bench_size(const struct model *m, const struct base *b, size_t n,
		      int repeats, const char *outdir)
{
	double *inputs = NULL, *y = NULL,
	       *ms = calloc((size_t)repeats, sizeof *ms);
	struct fit_result r = {0};
	int rc = -1;
	if (!ms || resample(b, n, &inputs, &y) != 0) {
		fputs("bench-fit: out of memory\n", stderr);
		goto done;
	}
	struct fit_data d = {n, inputs, y};
	for (int k = 0; k < repeats; k++) {
		double t0 = now_ms();
		fit_result_free(&r);
		enum fit_status st = fit_model(m, &d, &r);
		ms[k] = now_ms() - t0;
		if (st != FIT_OK) {
			fprintf(stderr, "bench-fit: %zu runs: fit failed: %s\n",
				n, r.message);
			goto done;
		}
	}
	qsort(ms, (size_t)repeats, sizeof *ms, cmp_double);
	char path[4096];
	snprintf(path, sizeof path, "%s/fit-%zu.json", outdir, n);
	if (write_problem(path, m, &d, &r) != 0)
		goto done;
	printf("fit %zu %d %.4f %.4f %d %.17g\n", n, repeats, ms[repeats / 2],
	       ms[0], r.iterations, r.cost);
	fflush(stdout);
	rc = 0;
done:
	fit_result_free(&r);
	free(inputs);
	free(y);
	free(ms);
	return rc;
}

int main(int argc, char **argv)
{
	static const char *const sizes[] = {"50:31", "1000:7", "100000:3"};
	if (argc < 3) {
		fputs("usage: bench-fit SWEEP.yaml OUTDIR [N:REPEATS]...\n",
		      stderr);
		return 2;
	}
	struct model *m = model_builtin(TARGET_ENERGY);
	struct base b = {0, NULL, NULL};
	int rc = 1;
	if (!m || load_base(argv[1], &b) != 0)
		goto done;
	int count = argc > 3 ? argc - 3 : 3;
	for (int i = 0; i < count; i++) {
		const char *arg = argc > 3 ? argv[3 + i] : sizes[i];
		char *end;
		unsigned long n = strtoul(arg, &end, 10);
		long repeats = *end == ':' ? strtol(end + 1, &end, 10) : 0;
		if (n == 0 || repeats <= 0 || repeats > 1000 || *end) {
			fprintf(stderr, "bench-fit: bad size %s (N:REPEATS)\n",
				arg);
			goto done;
		}
		if (bench_size(m, &b, n, (int)repeats, argv[2]) != 0)
			goto done;
	}
	rc = 0;
done:
	free(b.inputs);
	free(b.y);
	model_free(m);
	return rc;
}
