/* The explorer's config file; see config.h. */
#include "config_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outfile.h"
#include "slurp.h"

#define CONFIG_MAX_BYTES (64 * 1024)

/* A number from lo to hi, the whole of text; NaN when it is not one. */
static double number(const char *text, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !(v >= lo && v <= hi))
		return NAN;
	return v;
}

bool config_set(struct units_config *c, const char *key, const char *value,
		char *why, size_t size)
{
	if (strcmp(key, "unit") == 0) {
		int u = units_lookup(value);
		if (u < 0) {
			snprintf(why, size,
				 "unknown unit '%.40s' (expected j-request, "
				 "j-token, kwh-mtok, tokens-s, watts-gpu, "
				 "cost-mtok or co2-mtok)",
				 value);
			return false;
		}
		c->unit = (enum units_unit)u;
	} else if (strcmp(key, "price") == 0 || strcmp(key, "intensity") == 0 ||
		   strcmp(key, "tdp") == 0) {
		double v = number(value, 0, 1e9);
		if (isnan(v) || (strcmp(key, "tdp") == 0 && v == 0)) {
			snprintf(why, size,
				 "'%.40s' is not a valid %s (expected a "
				 "number from %s to 1e9)",
				 value, key, strcmp(key, "tdp") ? "0" : "1");
			return false;
		}
		*(key[0] == 'p'	  ? &c->price_kwh
		  : key[0] == 'i' ? &c->intensity
				  : &c->tdp_w) = v;
	} else if (strcmp(key, "currency") == 0) {
		size_t n = strlen(value);
		bool ok = n > 0 && n < sizeof c->currency;
		for (size_t i = 0; ok && i < n; i++)
			ok = (value[i] >= 'A' && value[i] <= 'Z') ||
			     (value[i] >= 'a' && value[i] <= 'z');
		if (!ok) {
			snprintf(why, size,
				 "'%.40s' is not a valid currency (expected "
				 "1 to 15 letters, such as EUR)",
				 value);
			return false;
		}
		memcpy(c->currency, value, n + 1);
	} else {
		snprintf(why, size,
			 "unknown setting '%.40s' (expected unit, price, "
			 "currency, intensity or tdp)",
			 key);
		return false;
	}
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

bool config_parse(struct units_config *c, const char *name, const char *text,
		  size_t len, struct diag_list *diags)
{
	bool ok = true;
	unsigned line = 0;
	for (size_t at = 0; at < len; line++) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		char buf[512];
		size_t n = end - at;
		if (n >= sizeof buf || memchr(text + at, '\0', n)) {
			diag_add(diags, DIAG_ERROR, name, line + 1, 1,
				 "%s (expected one setting of at most 511 "
				 "bytes a line)",
				 n >= sizeof buf ? "line too long"
						 : "a NUL byte");
			ok = false;
			at = end + 1;
			continue;
		}
		memcpy(buf, text + at, n);
		buf[n] = '\0';
		at = end + 1;
		char *s = trim(buf);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		unsigned col = (unsigned)(s - buf) + 1;
		if (!eq) {
			diag_add(diags, DIAG_ERROR, name, line + 1, col,
				 "missing '=' (expected name = value)");
			ok = false;
			continue;
		}
		*eq = '\0';
		char why[200];
		const char *value = trim(eq + 1);
		if (!config_set(c, trim(s), value, why, sizeof why)) {
			unsigned vcol =
				*value && strchr(why, '\'') &&
						strncmp(why, "unknown setting",
							15) != 0
					? (unsigned)(value - buf) + 1
					: col;
			diag_add(diags, DIAG_ERROR, name, line + 1, vcol, "%s",
				 why);
			ok = false;
		}
	}
	return ok;
}

bool config_load(struct units_config *c, const char *path,
		 struct diag_list *diags)
{
	size_t len;
	errno = 0;
	char *text = slurp_path(path, CONFIG_MAX_BYTES, &len);
	if (!text) {
		if (errno == ENOENT)
			return true;
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			 errno == EFBIG ? "larger than 64 KiB"
					: slurp_strerror(errno));
		return false;
	}
	bool ok = config_parse(c, path, text, len, diags);
	free(text);
	return ok;
}

/* Makes the directories above path that are missing. */
static void make_parents(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755); /* EEXIST is the common case */
			*p = '/';
		}
}

/* Whether the line of n bytes at s sets the unit: "unit", blanks, "=". */
static bool is_unit_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 4 || strncmp(s + i, "unit", 4) != 0)
		return false;
	for (i += 4; i < n && (s[i] == ' ' || s[i] == '\t');)
		i++;
	return i < n && s[i] == '=';
}

bool config_save_unit(const char *path, enum units_unit u, char *why,
		      size_t size)
{
	size_t len = 0;
	errno = 0;
	char *old = slurp_path(path, CONFIG_MAX_BYTES, &len);
	if (!old && errno != ENOENT) {
		snprintf(why, size, "%s: cannot read: %s", path,
			 slurp_strerror(errno));
		return false;
	}
	make_parents(path);
	struct outfile out;
	if (outfile_open(&out, path, NULL) != 0) {
		snprintf(why, size, "%s: %s", path,
			 out.why ? out.why : strerror(errno));
		free(old);
		return false;
	}
	bool written = false;
	for (size_t at = 0; old && at < len;) {
		size_t end = at;
		while (end < len && old[end] != '\n')
			end++;
		bool unit_line = is_unit_line(old + at, end - at);
		if (unit_line && !written) {
			fprintf(out.fp, "unit = %s\n", units_name(u));
			written = true;
		} else if (!unit_line) {
			fwrite(old + at, 1, end - at, out.fp);
			fputc('\n', out.fp);
		}
		at = end + 1;
	}
	if (!written)
		fprintf(out.fp, "unit = %s\n", units_name(u));
	free(old);
	if (outfile_commit(&out) != 0) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return false;
	}
	return true;
}
