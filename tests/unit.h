/* A unit-test harness small enough to include: each case is a void function
 * run by UNIT_RUN, and prints one line that tests/runner.sh counts:
 *   PASS: name
 *   FAIL: name: why (file:line)
 *   SKIP: name: why
 * An assertion that fails ends its case (it returns from the function), so
 * a case reports at most one failure and later assertions need not guard
 * against what an earlier one found. Include from one file per program:
 * the counters are that file's. */
#ifndef ENERGYLENS_UNIT_H
#define ENERGYLENS_UNIT_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct {
	const char *name; /* the case running */
	bool failed, skipped;
	unsigned passed_cases, failed_cases, skipped_cases;
} unit;

/* Prints why on one line, so that a message with a newline in it cannot
 * read as a second result line. */
static inline void unit_vreport(const char *kind, const char *file, int line,
				const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static inline void unit_vreport(const char *kind, const char *file, int line,
				const char *fmt, va_list ap)
{
	char why[1024];
	vsnprintf(why, sizeof why, fmt, ap);
	printf("%s: %s: ", kind, unit.name ? unit.name : "?");
	for (const char *p = why; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	if (file)
		printf(" (%s:%d)", file, line);
	putchar('\n');
	fflush(stdout);
}

static inline void unit_fail_at(const char *file, int line, const char *fmt,
				...) __attribute__((format(printf, 3, 4)));
static inline void unit_fail_at(const char *file, int line, const char *fmt,
				...)
{
	if (unit.failed || unit.skipped)
		return;
	va_list ap;
	va_start(ap, fmt);
	unit_vreport("FAIL", file, line, fmt, ap);
	va_end(ap);
	unit.failed = true;
}

static inline void unit_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void unit_skip(const char *fmt, ...)
{
	if (unit.failed || unit.skipped)
		return;
	va_list ap;
	va_start(ap, fmt);
	unit_vreport("SKIP", NULL, 0, fmt, ap);
	va_end(ap);
	unit.skipped = true;
}

/* Runs one case; cleanup (may be NULL) runs after it whether it passed or
 * not, so an assertion that returns early leaks nothing under ASan. */
static inline void unit_run(const char *name, void (*fn)(void),
			    void (*cleanup)(void))
{
	unit.name = name;
	unit.failed = unit.skipped = false;
	fn();
	if (cleanup)
		cleanup();
	if (unit.failed) {
		unit.failed_cases++;
	} else if (unit.skipped) {
		unit.skipped_cases++;
	} else {
		unit.passed_cases++;
		printf("PASS: %s\n", name);
		fflush(stdout);
	}
	unit.name = NULL;
}

/* The exit status of the test program. */
static inline int unit_status(void)
{
	return unit.failed_cases ? 1 : 0;
}

#define UNIT_RUN(fn)		   unit_run(#fn, fn, NULL)
#define UNIT_RUN_WITH(fn, cleanup) unit_run(#fn, fn, cleanup)

#define FAIL_HERE(...)                                                         \
	do {                                                                   \
		unit_fail_at(__FILE__, __LINE__, __VA_ARGS__);                 \
		return;                                                        \
	} while (0)

#define SKIP(...)                                                              \
	do {                                                                   \
		unit_skip(__VA_ARGS__);                                        \
		return;                                                        \
	} while (0)

#define ASSERT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			FAIL_HERE("assertion failed: %s", #cond);              \
	} while (0)

#define ASSERT_MSG(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			FAIL_HERE(__VA_ARGS__);                                \
	} while (0)

#define ASSERT_INT_EQ(got, want)                                               \
	do {                                                                   \
		long long got_ = (long long)(got), want_ = (long long)(want);  \
		if (got_ != want_)                                             \
			FAIL_HERE("%s is %lld, expected %lld", #got, got_,     \
				  want_);                                      \
	} while (0)

/* Exact comparison: the values tested are decimal literals read back. */
#define ASSERT_DBL_EQ(got, want)                                               \
	do {                                                                   \
		double got_ = (got), want_ = (want);                           \
		if (!(got_ == want_))                                          \
			FAIL_HERE("%s is %.17g, expected %.17g", #got, got_,   \
				  want_);                                      \
	} while (0)

#define ASSERT_NEAR(got, want, tolerance)                                      \
	do {                                                                   \
		double got_ = (got), want_ = (want);                           \
		if (!(fabs(got_ - want_) <= (tolerance)))                      \
			FAIL_HERE("%s is %.17g, expected %.17g within %g",     \
				  #got, got_, want_, (double)(tolerance));     \
	} while (0)

#define ASSERT_NAN(got)                                                        \
	do {                                                                   \
		double got_ = (got);                                           \
		if (!isnan(got_))                                              \
			FAIL_HERE("%s is %.17g, expected NaN (not given)",     \
				  #got, got_);                                 \
	} while (0)

#define ASSERT_STR_EQ(got, want)                                               \
	do {                                                                   \
		const char *got_ = (got), *want_ = (want);                     \
		if (!got_ || !want_ ? got_ != want_                            \
				    : strcmp(got_, want_) != 0)                \
			FAIL_HERE("%s is \"%s\", expected \"%s\"", #got,       \
				  got_ ? got_ : "(null)",                      \
				  want_ ? want_ : "(null)");                   \
	} while (0)

#define ASSERT_CONTAINS(got, part)                                             \
	do {                                                                   \
		const char *got_ = (got), *part_ = (part);                     \
		if (!got_ || !strstr(got_, part_))                             \
			FAIL_HERE(                                             \
				"%s is \"%s\", expected it to contain \"%s\"", \
				#got, got_ ? got_ : "(null)", part_);          \
	} while (0)

#endif
