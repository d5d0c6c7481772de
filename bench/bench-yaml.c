/* bench-yaml: the limit for loading a profile, libyaml pulling every event
 * from the file and doing nothing with it. Prints the median wall time of
 * the repeats: "yaml_events: N events, M ms". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Pulls every event of the file; returns their count, or -1. */
static long pull_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	yaml_parser_t p;
	yaml_event_t e;
	long n = 0;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			n = -1;
			break;
		}
		int end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		n++;
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return n;
}

static int by_value(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: bench-yaml FILE REPEATS\n", stderr);
		return 1;
	}
	int repeats = atoi(argv[2]);
	if (repeats < 1 || repeats > 1000)
		repeats = 1;
	double ms[1000];
	long events = 0;
	for (int i = 0; i < repeats; i++) {
		double t0 = now_ms();
		events = pull_all(argv[1]);
		ms[i] = now_ms() - t0;
		if (events < 0) {
			fprintf(stderr, "bench-yaml: %s: cannot parse\n", argv[1]);
			return 1;
		}
	}
	qsort(ms, (size_t)repeats, sizeof *ms, by_value);
	printf("yaml_events: %ld events, %.1f ms\n", events, ms[repeats / 2]);
	return 0;
}
