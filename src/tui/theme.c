/* Themes: the compiled-in dark theme, the parser of theme files and the list
 * of themes a user cycles through.
 *
 * A theme file comes from the user and the parser is fuzzed, so every line
 * is checked byte by byte (length, NUL, control characters, UTF-8) before it
 * is copied into a NUL-terminated buffer that the rest of the parser can
 * read with plain string code. Every problem is reported, each with the
 * line and column of its token; a line with a bad byte is reported once and
 * not read further. An element named twice in one file is an error rather
 * than a warning: the second value would silently win, and a theme file is
 * short enough that a duplicate is always a mistake. */
#include "theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slurp.h"
#include "utf8.h"

#define THEME_KINDS (KIND_IDLE + 1)
/* Longer lines are refused: no sensible theme line comes near, and the
 * bound keeps every message about a line short. */
#define LINE_MAX_BYTES 512
#define FILE_MAX_BYTES (64 * 1024)

_Static_assert(sizeof((struct theme *)0)->glyph == THEME_KINDS,
	       "one glyph per enum model_kind");

static const char *const element_names[THEME_ELEMENTS] = {
	[EL_DEFAULT] = "default",
	[EL_HEADER] = "header",
	[EL_TITLE] = "title",
	[EL_TITLE_FOCUS] = "title.focus",
	[EL_STATUS] = "status",
	[EL_CURSOR] = "cursor",
	[EL_DIM] = "dim",
	[EL_KNOB] = "knob",
	[EL_KNOB_SELECTED] = "knob.selected",
	[EL_EDIT] = "edit",
	[EL_BAR_COMPUTE] = "bar.compute",
	[EL_BAR_MEMORY] = "bar.memory",
	[EL_BAR_TP] = "bar.tp",
	[EL_BAR_PP] = "bar.pp",
	[EL_BAR_IDLE] = "bar.idle",
	[EL_ENERGY_BEST] = "energy.best",
	[EL_LATENCY_BEST] = "latency.best",
	[EL_BANNER] = "banner",
	[EL_MAP_SAME] = "map.same",
	[EL_MAP_DIVERGE] = "map.diverge",
	[EL_GOOD] = "good",
	[EL_WARN] = "warn",
	[EL_ERROR] = "error",
	[EL_HELP_KEY] = "help.key",
};

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{"bold", THEME_BOLD},		{"dim", THEME_DIM},
	{"underline", THEME_UNDERLINE}, {"reverse", THEME_REVERSE},
	{"standout", THEME_STANDOUT},	{"blink", THEME_BLINK},
	{"italic", THEME_ITALIC},
};

/* ---- names -------------------------------------------------------------- */

const char *theme_element_name(enum theme_element e)
{
	if ((unsigned)e >= THEME_ELEMENTS)
		return NULL;
	return element_names[e];
}

/* Lookup of a name that is not NUL-terminated (a token of a line). */
static int element_lookup_n(const char *name, size_t n)
{
	for (int e = 0; e < THEME_ELEMENTS; e++)
		if (strlen(element_names[e]) == n &&
		    memcmp(element_names[e], name, n) == 0)
			return e;
	return -1;
}

int theme_element_lookup(const char *name)
{
	return name ? element_lookup_n(name, strlen(name)) : -1;
}

/* ---- the compiled-in theme ---------------------------------------------- */

enum {
	DEF = THEME_COLOR_DEFAULT,
	BLACK = 0,
	RED,
	GREEN,
	YELLOW,
	BLUE,
	MAGENTA,
	CYAN,
	WHITE,
};

/* Only the eight basic colours, so that the default looks the same on a
 * terminal without 256 colours. Blue is bold because plain blue on a dark
 * background is hard to read on many terminals. themes/dark.theme states
 * the same values and a test holds the two together. */
static const struct theme_style dark_styles[THEME_ELEMENTS] = {
	[EL_DEFAULT] = {DEF, DEF, 0},
	[EL_HEADER] = {BLACK, CYAN, THEME_BOLD},
	[EL_TITLE] = {CYAN, DEF, THEME_BOLD},
	[EL_TITLE_FOCUS] = {YELLOW, DEF, THEME_BOLD | THEME_UNDERLINE},
	[EL_STATUS] = {BLACK, CYAN, 0},
	[EL_CURSOR] = {DEF, DEF, THEME_REVERSE},
	[EL_DIM] = {DEF, DEF, THEME_DIM},
	[EL_KNOB] = {CYAN, DEF, 0},
	[EL_KNOB_SELECTED] = {BLACK, GREEN, THEME_BOLD},
	[EL_EDIT] = {YELLOW, DEF, THEME_BOLD | THEME_UNDERLINE},
	[EL_BAR_COMPUTE] = {GREEN, DEF, 0},
	[EL_BAR_MEMORY] = {BLUE, DEF, THEME_BOLD},
	[EL_BAR_TP] = {MAGENTA, DEF, 0},
	[EL_BAR_PP] = {YELLOW, DEF, 0},
	[EL_BAR_IDLE] = {WHITE, DEF, THEME_DIM},
	[EL_ENERGY_BEST] = {GREEN, DEF, THEME_BOLD},
	[EL_LATENCY_BEST] = {YELLOW, DEF, THEME_BOLD},
	[EL_BANNER] = {WHITE, RED, THEME_BOLD},
	[EL_MAP_SAME] = {DEF, DEF, 0},
	[EL_MAP_DIVERGE] = {BLACK, MAGENTA, 0},
	[EL_GOOD] = {GREEN, DEF, 0},
	[EL_WARN] = {YELLOW, DEF, 0},
	[EL_ERROR] = {RED, DEF, THEME_BOLD},
	[EL_HELP_KEY] = {CYAN, DEF, THEME_BOLD},
};

void theme_default(struct theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "dark");
	memcpy(t->style, dark_styles, sizeof t->style);
	/* Index: enum model_kind. */
	memcpy(t->glyph, "#=%@:", THEME_KINDS);
	t->glyphs_always = false;
}

/* ---- the parser --------------------------------------------------------- */

struct parser {
	struct theme *t;
	const char *file;
	struct diag_list *diags;
	bool ok;
	unsigned line;	  /* 1-based number of the line being read */
	const char *text; /* that line, checked and NUL-terminated */
	/* Where each name was first set (0: not yet), for duplicates. */
	unsigned element_line[THEME_ELEMENTS];
	unsigned glyph_line[THEME_KINDS];
	unsigned mode_line;
	/* Where each glyph was set with a valid value (col 0: not set), to
	 * point at the line that made two kinds share a character. */
	unsigned glyph_set_line[THEME_KINDS], glyph_set_col[THEME_KINDS];
};

struct word {
	const char *s;
	size_t n;
};

static void report(struct parser *P, unsigned line, unsigned col,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report(struct parser *P, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	/* A line is at most LINE_MAX_BYTES, so a message quoting one token
	 * of it fits. */
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_add(P->diags, DIAG_ERROR, P->file, line, col, "%s", msg);
	P->ok = false;
}

/* The 1-based column of a byte of the current line, counted in characters:
 * the line is valid UTF-8 here, so every byte but a continuation byte
 * starts one. */
static unsigned column(const struct parser *P, const char *at)
{
	unsigned col = 1;
	for (const char *p = P->text; p < at; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			col++;
	return col;
}

#define ERROR_AT(P, at, ...) report(P, (P)->line, column(P, at), __VA_ARGS__)

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

static bool word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->n && memcmp(w->s, s, w->n) == 0;
}

/* The next word of a value, separated by blanks (and by commas, where a
 * list of attributes may use them). False at the end of the line or at a
 * '#' that starts a word: a comment. */
static bool next_word(const char **pp, bool commas, struct word *w)
{
	const char *p = *pp;
	while (is_space(*p) || (commas && *p == ','))
		p++;
	*pp = p;
	if (*p == '\0' || *p == '#')
		return false;
	w->s = p;
	while (*p && !is_space(*p) && !(commas && *p == ','))
		p++;
	w->n = (size_t)(p - w->s);
	*pp = p;
	return true;
}

static void expect_end(struct parser *P, const char *p)
{
	struct word w;
	if (next_word(&p, false, &w))
		ERROR_AT(P, w.s,
			 "unexpected '%.*s' (expected the end of the line or a "
			 "# comment)",
			 (int)w.n, w.s);
}

/* Reports the first bad byte of a raw line, if any: the only check that
 * sees the line before it is NUL-terminated, so it alone reads by length. */
static bool check_line(struct parser *P, const unsigned char *p, size_t n)
{
	unsigned col = 1;
	for (size_t i = 0; i < n; col++) {
		unsigned char b = p[i];
		if (b == '\0') {
			report(P, P->line, col, "NUL byte (expected text)");
			return false;
		}
		if ((b < 0x20 && b != '\t') || b == 0x7F) {
			report(P, P->line, col,
			       "control character 0x%02x (expected text)", b);
			return false;
		}
		size_t k = utf8_len(p + i, n - i);
		if (k == 0) {
			report(P, P->line, col,
			       "invalid UTF-8 byte 0x%02x (expected UTF-8 "
			       "text)",
			       b);
			return false;
		}
		if (i + k > LINE_MAX_BYTES) {
			report(P, P->line, col,
			       "line too long (expected at most %d bytes)",
			       LINE_MAX_BYTES);
			return false;
		}
		i += k;
	}
	return true;
}

static bool parse_color(struct parser *P, const struct word *w, short *out)
{
	if (word_is(w, "default")) {
		*out = THEME_COLOR_DEFAULT;
		return true;
	}
	static const char bright[] = "bright-";
	size_t bn = sizeof bright - 1;
	bool is_bright = w->n > bn && memcmp(w->s, bright, bn) == 0;
	struct word base = is_bright ? (struct word){w->s + bn, w->n - bn} : *w;
	for (short c = 0; c < 8; c++) {
		if (word_is(&base, color_names[c])) {
			*out = is_bright ? (short)(c + 8) : c;
			return true;
		}
	}
	size_t digits = 0;
	unsigned value = 0;
	while (digits < w->n && w->s[digits] >= '0' && w->s[digits] <= '9') {
		/* Saturates: only "more than 255" matters. */
		if (value < 1000)
			value = value * 10 + (unsigned)(w->s[digits] - '0');
		digits++;
	}
	if (digits > 0 && digits == w->n) {
		if (value <= 255) {
			*out = (short)value;
			return true;
		}
		ERROR_AT(P, w->s, "colour %.*s out of range (expected 0-255)",
			 (int)w->n, w->s);
		return false;
	}
	ERROR_AT(P, w->s,
		 "unknown colour '%.*s' (expected default, a colour name, "
		 "bright-NAME or 0-255)",
		 (int)w->n, w->s);
	return false;
}

static unsigned attr_bit(const struct word *w)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof *attr_names; i++)
		if (word_is(w, attr_names[i].name))
			return attr_names[i].bit;
	return 0;
}

/* The attributes after the colours: "normal" alone, or a list. */
static bool parse_attrs(struct parser *P, const char *p, unsigned *attrs)
{
	bool good = true, normal = false;
	struct word w;
	*attrs = 0;
	while (next_word(&p, true, &w)) {
		bool is_normal = word_is(&w, "normal");
		unsigned bit = attr_bit(&w);
		if (!is_normal && !bit) {
			ERROR_AT(P, w.s,
				 "unknown attribute '%.*s' (expected normal, "
				 "bold, dim, underline, reverse, standout, "
				 "blink or italic)",
				 (int)w.n, w.s);
		} else if (is_normal ? normal : (*attrs & bit) != 0) {
			ERROR_AT(P, w.s,
				 "attribute '%.*s' given twice (expected each "
				 "attribute once)",
				 (int)w.n, w.s);
		} else if (is_normal ? *attrs != 0 : normal) {
			ERROR_AT(P, w.s,
				 "'%.*s' with %s (expected normal alone, or a "
				 "list of attributes)",
				 (int)w.n, w.s,
				 is_normal ? "other attributes" : "normal");
		} else {
			if (is_normal)
				normal = true;
			*attrs |= bit;
			continue;
		}
		good = false;
	}
	return good;
}

/* Says where a name of the file was first set, or records it; false for a
 * duplicate. */
static bool first_time(struct parser *P, unsigned *seen, const char *key,
		       size_t keylen)
{
	if (*seen) {
		ERROR_AT(P, key,
			 "'%.*s' already set on line %u (expected each name "
			 "once)",
			 (int)keylen, key, *seen);
		return false;
	}
	*seen = P->line;
	return true;
}

static void unknown_element(struct parser *P, const char *key, size_t keylen)
{
	char names[512] = "";
	size_t used = 0;
	for (int e = 0; e < THEME_ELEMENTS && used < sizeof names; e++)
		used += (size_t)snprintf(names + used, sizeof names - used,
					 "%s, ", element_names[e]);
	ERROR_AT(P, key,
		 "unknown element '%.*s' (expected %sglyph.KIND or glyphs)",
		 (int)keylen, key, names);
}

/* element = fg bg [attr...] */
static void parse_style(struct parser *P, const char *key, size_t keylen,
			const char *p)
{
	int e = element_lookup_n(key, keylen);
	bool good = e >= 0;
	if (!good)
		unknown_element(P, key, keylen);
	else
		good = first_time(P, &P->element_line[e], key, keylen);
	/* The values are checked even for an unknown or duplicate element, so
	 * that all of a line's problems are reported at once. */
	struct theme_style s = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
	struct word w;
	if (!next_word(&p, true, &w)) {
		ERROR_AT(P, p, "missing colours (expected fg bg [attr...])");
		return;
	}
	good &= parse_color(P, &w, &s.fg);
	if (!next_word(&p, true, &w)) {
		ERROR_AT(P, p,
			 "missing background colour (expected fg bg "
			 "[attr...])");
		return;
	}
	good &= parse_color(P, &w, &s.bg);
	good &= parse_attrs(P, p, &s.attrs);
	if (good)
		P->t->style[e] = s;
}

/* glyph.KIND = C, where C may be '#': the value is read before comments. */
static void parse_glyph(struct parser *P, const char *key, size_t keylen,
			const char *p)
{
	const char *kind = key + 6;
	size_t kindlen = keylen - 6;
	int k = -1;
	for (int i = 0; i < THEME_KINDS; i++) {
		const char *name = model_kind_name((enum model_kind)i);
		if (strlen(name) == kindlen && memcmp(name, kind, kindlen) == 0)
			k = i;
	}
	bool good = k >= 0;
	if (!good)
		ERROR_AT(P, kind,
			 "unknown kind '%.*s' (expected compute, memory, tp, "
			 "pp or idle)",
			 (int)kindlen, kind);
	else
		good = first_time(P, &P->glyph_line[k], key, keylen);
	p = skip_space(p);
	if (*p == '\0') {
		ERROR_AT(P, p,
			 "missing glyph (expected one printable ASCII "
			 "character)");
		return;
	}
	const char *g = p;
	while (*p && !is_space(*p))
		p++;
	unsigned char c = (unsigned char)*g;
	if (p - g != 1 || c < 0x21 || c > 0x7E) {
		ERROR_AT(P, g,
			 "glyph '%.*s' is not one printable ASCII character "
			 "(expected one of ! to ~)",
			 (int)(p - g), g);
	} else if (good) {
		P->t->glyph[k] = (char)c;
		P->glyph_set_line[k] = P->line;
		P->glyph_set_col[k] = column(P, g);
	}
	expect_end(P, p);
}

/* glyphs = always | fallback */
static void parse_mode(struct parser *P, const char *key, const char *p)
{
	bool good = first_time(P, &P->mode_line, key, 6);
	struct word w;
	if (!next_word(&p, false, &w)) {
		ERROR_AT(P, p,
			 "missing glyphs mode (expected always or fallback)");
		return;
	}
	if (word_is(&w, "always") || word_is(&w, "fallback")) {
		if (good)
			P->t->glyphs_always = word_is(&w, "always");
	} else {
		ERROR_AT(P, w.s,
			 "unknown glyphs mode '%.*s' (expected always or "
			 "fallback)",
			 (int)w.n, w.s);
	}
	expect_end(P, p);
}

static void parse_line(struct parser *P)
{
	const char *p = skip_space(P->text);
	if (*p == '\0' || *p == '#')
		return;
	const char *key = p;
	while (*p && !is_space(*p) && *p != '=')
		p++;
	size_t keylen = (size_t)(p - key);
	if (keylen == 0) {
		ERROR_AT(P, key,
			 "missing name before '=' (expected name = value)");
		return;
	}
	p = skip_space(p);
	if (*p != '=') {
		ERROR_AT(P, p,
			 "missing '=' after '%.*s' (expected name = value)",
			 (int)keylen, key);
		return;
	}
	p++;
	if (keylen == 6 && memcmp(key, "glyphs", 6) == 0)
		parse_mode(P, key, p);
	else if (keylen >= 6 && memcmp(key, "glyph.", 6) == 0)
		parse_glyph(P, key, keylen, p);
	else
		parse_style(P, key, keylen, p);
}

static void parse_raw_line(struct parser *P, const char *s, size_t n)
{
	/* CRLF files from other systems read like LF ones. */
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (!check_line(P, (const unsigned char *)s, n))
		return;
	char buf[LINE_MAX_BYTES + 1];
	memcpy(buf, s, n);
	buf[n] = '\0';
	P->text = buf;
	parse_line(P);
	P->text = NULL;
}

/* Kinds that end up with one character cannot be told apart without colour;
 * the line to blame is the one that set the later of the two. */
static void check_glyphs_distinct(struct parser *P)
{
	const char *g = P->t->glyph;
	for (int k = 1; k < THEME_KINDS; k++) {
		for (int j = 0; j < k; j++) {
			if (g[j] != g[k])
				continue;
			int at = P->glyph_set_line[k] >= P->glyph_set_line[j]
					 ? k
					 : j;
			int other = at == k ? j : k;
			report(P, P->glyph_set_line[at], P->glyph_set_col[at],
			       "glyph '%c' of %s is also the glyph of %s "
			       "(expected a different character for each "
			       "kind)",
			       g[at], model_kind_name((enum model_kind)at),
			       model_kind_name((enum model_kind)other));
		}
	}
}

/* Starts from the compiled-in theme, so the name is "dark" until the
 * caller sets it. */
bool theme_parse(struct theme *t, const char *name, const char *text,
		 size_t len, struct diag_list *diags)
{
	theme_default(t);
	struct parser P = {.t = t, .file = name, .diags = diags, .ok = true};
	static const char bom[] = "\xEF\xBB\xBF";
	if (text && len >= 3 && memcmp(text, bom, 3) == 0) {
		text += 3;
		len -= 3;
	}
	size_t start = 0;
	for (P.line = 1; text && start < len; P.line++) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		parse_raw_line(&P, text + start, end - start);
		start = end + 1;
	}
	check_glyphs_distinct(&P);
	return P.ok;
}

/* ---- files -------------------------------------------------------------- */

/* The base name less ".theme", cut to fit on a character boundary. */
static void set_name(struct theme *t, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
		n -= 6;
	if (n > THEME_NAME_MAX - 1) {
		n = THEME_NAME_MAX - 1;
		while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(t->name, base, n);
	t->name[n] = '\0';
}

/* Reads and parses; the caller names the theme. A regular file only: a
 * FIFO named like a theme would block the open until a writer came. */
static bool read_theme(struct theme *t, const char *path,
		       struct diag_list *diags)
{
	size_t len;
	char *buf = slurp_file(path, SLURP_REGULAR, FILE_MAX_BYTES, &len);
	bool ok = false;
	if (!buf && errno == EFBIG)
		diag_add(
			diags, DIAG_ERROR, path, 0, 0,
			"file too large for a theme (expected at most 64 KiB)");
	else if (!buf)
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			 slurp_strerror(errno));
	else
		ok = theme_parse(t, path, buf, len, diags);
	free(buf);
	return ok;
}

bool theme_load(struct theme *t, const char *path, struct diag_list *diags)
{
	theme_default(t);
	bool ok = read_theme(t, path, diags);
	set_name(t, path);
	return ok;
}

/* ---- the list ----------------------------------------------------------- */

struct list {
	struct theme *items;
	size_t n, cap;
};

long theme_find(const struct theme *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Adds a theme, or replaces the one of the same name. */
static bool list_put(struct list *L, const struct theme *t)
{
	long i = theme_find(L->items, L->n, t->name);
	if (i >= 0) {
		L->items[i] = *t;
		return true;
	}
	if (L->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 8;
		struct theme *items = realloc(L->items, cap * sizeof *items);
		if (!items)
			return false;
		L->items = items;
		L->cap = cap;
	}
	L->items[L->n++] = *t;
	return true;
}

static bool is_theme_file_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 6 && strcmp(name + n - 6, ".theme") == 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The theme file names in a directory, sorted so that its messages come in
 * the same order on every system. NULL with *n 0: none or no directory. */
static char **theme_file_names(DIR *d, size_t *n, bool *oom)
{
	char **names = NULL;
	size_t cap = 0;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_theme_file_name(e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **more = realloc(names, cap * sizeof *more);
			if (!more)
				goto out_of_memory;
			names = more;
		}
		if (!(names[*n] = strdup(e->d_name)))
			goto out_of_memory;
		++*n;
	}
	if (*n)
		qsort(names, *n, sizeof *names, compare_strings);
	return names;
out_of_memory:
	free_names(names, *n);
	*n = 0;
	*oom = true;
	return NULL;
}

/* Loads every theme of one directory into the list; false when out of
 * memory. */
static bool load_dir(struct list *L, const char *dir, struct diag_list *diags)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			diag_add(diags, DIAG_ERROR, dir, 0, 0,
				 "cannot read: %s", strerror(errno));
		return true;
	}
	size_t n;
	bool oom = false;
	char **names = theme_file_names(d, &n, &oom);
	closedir(d);
	for (size_t i = 0; i < n && !oom; i++) {
		size_t size = strlen(dir) + 1 + strlen(names[i]) + 1;
		char *path = malloc(size);
		if (!path) {
			oom = true;
			break;
		}
		snprintf(path, size, "%s/%s", dir, names[i]);
		struct stat st;
		/* A directory or FIFO that happens to be named like a theme is
		 * not one; anything else unreadable is theme_load's to
		 * report. */
		bool other = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
		struct theme t;
		if (!other && theme_load(&t, path, diags) && !list_put(L, &t))
			oom = true;
		free(path);
	}
	free_names(names, n);
	return !oom;
}

static int compare_themes(const void *a, const void *b)
{
	const struct theme *x = a, *y = b;
	bool xd = strcmp(x->name, "dark") == 0,
	     yd = strcmp(y->name, "dark") == 0;
	if (xd || yd)
		return yd - xd;
	return strcmp(x->name, y->name);
}

size_t theme_list_load(struct theme **out, const char *const *dirs,
		       size_t ndirs, struct diag_list *diags)
{
	struct list L = {0};
	struct theme dark;
	theme_default(&dark);
	bool ok = list_put(&L, &dark);
	for (size_t i = 0; ok && i < ndirs; i++)
		ok = load_dir(&L, dirs[i], diags);
	if (!ok) {
		free(L.items);
		*out = NULL;
		return 0;
	}
	qsort(L.items, L.n, sizeof *L.items, compare_themes);
	*out = L.items;
	return L.n;
}

/* ---- colours ------------------------------------------------------------ */

short theme_color_to_8(short color)
{
	if (color < -1 || color > 255)
		return THEME_COLOR_DEFAULT;
	if (color < 8)
		return color;
	if (color < 16)
		return (short)(color - 8);
	if (color < 232) {
		/* The 6x6x6 cube's levels are 0, 95, 135, 175, 215, 255: a
		 * component is on from level 2 (135), the first past half,
		 * and the basic colours are red 1, green 2, blue 4 bits. */
		int i = color - 16, r = i / 36, g = i / 6 % 6, b = i % 6;
		return (short)((r >= 2) | (g >= 2) << 1 | (b >= 2) << 2);
	}
	/* The grey ramp runs 8, 18, ... 238: white from 128 (244) on. */
	return color >= 244 ? WHITE : BLACK;
}
