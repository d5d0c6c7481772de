/* Unit tests of themes: every file in themes/ loads without a message (the
 * directory is listed, so a new theme is tested without being named here);
 * dark.theme states the compiled-in theme; each kind of bad line is refused
 * with its exact file:line:col; every problem of a file is reported; a
 * user's directory overrides the installed one; colours reduce to eight. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/theme.h"
#include "unit.h"

static struct diag_list diags;
static struct theme th;
static char tmp_root[64];

/* Paths made under tmp_root by the running case, removed after it. */
static char *made[32];
static size_t nmade;

static void reset(void)
{
	while (nmade > 0) {
		remove(made[--nmade]);
		free(made[nmade]);
	}
	diag_free(&diags);
	diag_init(&diags, NULL);
}

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ".";
}

/* diags.items[i] as the user sees it. */
static const char *shown(size_t i)
{
	static char buf[2048];
	const struct diag *d = &diags.items[i];
	if (d->line)
		snprintf(buf, sizeof buf, "%s:%u:%u: %s", d->file, d->line,
			 d->col, d->message);
	else
		snprintf(buf, sizeof buf, "%s: %s", d->file, d->message);
	return buf;
}

static bool parse_n(const char *name, const char *text, size_t len)
{
	diag_free(&diags);
	diag_init(&diags, NULL);
	return theme_parse(&th, name, text, len, &diags);
}

static bool parse(const char *text)
{
	return parse_n("t.theme", text, strlen(text));
}

/* The path of rel under tmp_root, remembered for removal. */
static const char *tmp_path(const char *rel)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s/%s", tmp_root, rel);
	if (nmade == sizeof made / sizeof *made)
		return NULL;
	made[nmade] = strdup(buf);
	return made[nmade] ? made[nmade++] : NULL;
}

static bool write_file(const char *rel, const char *text, size_t len)
{
	const char *path = tmp_path(rel);
	FILE *f = path ? fopen(path, "wb") : NULL;
	if (!f)
		return false;
	bool ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static bool write_text(const char *rel, const char *text)
{
	return write_file(rel, text, strlen(text));
}

static bool make_dir(const char *rel)
{
	const char *path = tmp_path(rel);
	return path && mkdir(path, 0700) == 0;
}

#define ASSERT_OK(text)                                                        \
	do {                                                                   \
		bool ok_ = parse(text);                                        \
		ASSERT_MSG(diags.count == 0, "unexpected message: %s",         \
			   shown(0));                                          \
		ASSERT(ok_);                                                   \
	} while (0)

/* Asserts that text is refused with exactly one message, want. */
#define ASSERT_ONE_ERROR(text, want)                                           \
	do {                                                                   \
		bool ok_ = parse(text);                                        \
		ASSERT_MSG(!ok_, "the theme was accepted");                    \
		ASSERT_INT_EQ(diags.count, 1);                                 \
		ASSERT_STR_EQ(shown(0), want);                                 \
	} while (0)

/* ---- the compiled-in theme and names ------------------------------------ */

static void test_default_theme(void)
{
	theme_default(&th);
	ASSERT_STR_EQ(th.name, "dark");
	ASSERT(!th.glyphs_always);
	ASSERT_INT_EQ(th.glyph[KIND_COMPUTE], '#');
	ASSERT_INT_EQ(th.glyph[KIND_MEMORY], '=');
	ASSERT_INT_EQ(th.glyph[KIND_TP], '%');
	ASSERT_INT_EQ(th.glyph[KIND_PP], '@');
	ASSERT_INT_EQ(th.glyph[KIND_IDLE], ':');
	ASSERT_INT_EQ(th.style[EL_DEFAULT].fg, THEME_COLOR_DEFAULT);
	ASSERT_INT_EQ(th.style[EL_DEFAULT].bg, THEME_COLOR_DEFAULT);
	ASSERT_INT_EQ(th.style[EL_CURSOR].attrs, THEME_REVERSE);
	/* The bars of the kinds must differ in colour. */
	for (int a = EL_BAR_COMPUTE; a <= EL_BAR_IDLE; a++)
		for (int b = EL_BAR_COMPUTE; b < a; b++)
			ASSERT_MSG(th.style[a].fg != th.style[b].fg,
				   "%s and %s share a colour",
				   theme_element_name(a),
				   theme_element_name(b));
}

static void test_element_names_round_trip(void)
{
	for (int e = 0; e < THEME_ELEMENTS; e++) {
		const char *name = theme_element_name(e);
		ASSERT_MSG(name && *name, "element %d has no name", e);
		ASSERT_INT_EQ(theme_element_lookup(name), e);
	}
	ASSERT_STR_EQ(theme_element_name(EL_BAR_COMPUTE), "bar.compute");
	ASSERT_STR_EQ(theme_element_name(EL_TITLE_FOCUS), "title.focus");
	ASSERT_STR_EQ(theme_element_name(EL_HELP_KEY), "help.key");
	ASSERT(theme_element_name(THEME_ELEMENTS) == NULL);
	ASSERT_INT_EQ(theme_element_lookup("bar"), -1);
	ASSERT_INT_EQ(theme_element_lookup("bar.compute "), -1);
	ASSERT_INT_EQ(theme_element_lookup(NULL), -1);
}

static void test_color_to_8(void)
{
	ASSERT_INT_EQ(theme_color_to_8(THEME_COLOR_DEFAULT),
		      THEME_COLOR_DEFAULT);
	ASSERT_INT_EQ(theme_color_to_8(0), 0);
	ASSERT_INT_EQ(theme_color_to_8(7), 7);
	ASSERT_INT_EQ(theme_color_to_8(9), 1);
	ASSERT_INT_EQ(theme_color_to_8(15), 7);
	ASSERT_INT_EQ(theme_color_to_8(16), 0);	 /* 000000 */
	ASSERT_INT_EQ(theme_color_to_8(196), 1); /* ff0000 */
	ASSERT_INT_EQ(theme_color_to_8(46), 2);	 /* 00ff00 */
	ASSERT_INT_EQ(theme_color_to_8(226), 3); /* ffff00 */
	ASSERT_INT_EQ(theme_color_to_8(21), 4);	 /* 0000ff */
	ASSERT_INT_EQ(theme_color_to_8(201), 5); /* ff00ff */
	ASSERT_INT_EQ(theme_color_to_8(51), 6);	 /* 00ffff */
	ASSERT_INT_EQ(theme_color_to_8(231), 7); /* ffffff */
	ASSERT_INT_EQ(theme_color_to_8(136), 3); /* af8700: dark yellow */
	ASSERT_INT_EQ(theme_color_to_8(64), 2);	 /* 5f8700: olive green */
	ASSERT_INT_EQ(theme_color_to_8(59), 0);	 /* 5f5f5f: dark grey */
	ASSERT_INT_EQ(theme_color_to_8(232), 0);
	ASSERT_INT_EQ(theme_color_to_8(243), 0);
	ASSERT_INT_EQ(theme_color_to_8(244), 7);
	ASSERT_INT_EQ(theme_color_to_8(255), 7);
	ASSERT_INT_EQ(theme_color_to_8(256), THEME_COLOR_DEFAULT);
}

/* ---- good input --------------------------------------------------------- */

static void test_values(void)
{
	ASSERT_OK("bar.compute = bright-green 236 bold, underline  # c\n"
		  "bar.memory = default bright-black\n"
		  "bar.tp = 007 255 normal\n"
		  "glyph.compute = +\n"
		  "glyph.memory = #\n"
		  "glyphs = always\n");
	ASSERT_INT_EQ(th.style[EL_BAR_COMPUTE].fg, 10);
	ASSERT_INT_EQ(th.style[EL_BAR_COMPUTE].bg, 236);
	ASSERT_INT_EQ(th.style[EL_BAR_COMPUTE].attrs,
		      THEME_BOLD | THEME_UNDERLINE);
	ASSERT_INT_EQ(th.style[EL_BAR_MEMORY].fg, THEME_COLOR_DEFAULT);
	ASSERT_INT_EQ(th.style[EL_BAR_MEMORY].bg, 8);
	ASSERT_INT_EQ(th.style[EL_BAR_MEMORY].attrs, 0);
	ASSERT_INT_EQ(th.style[EL_BAR_TP].fg, 7);
	ASSERT_INT_EQ(th.style[EL_BAR_TP].bg, 255);
	ASSERT_INT_EQ(th.glyph[KIND_COMPUTE], '+');
	ASSERT_INT_EQ(th.glyph[KIND_MEMORY], '#');
	ASSERT(th.glyphs_always);
	/* What the file does not name keeps the compiled-in value. */
	struct theme dark;
	theme_default(&dark);
	ASSERT(memcmp(&th.style[EL_HEADER], &dark.style[EL_HEADER],
		      sizeof dark.style[EL_HEADER]) == 0);
	ASSERT_INT_EQ(th.glyph[KIND_IDLE], ':');
}

static void test_every_attribute(void)
{
	ASSERT_OK("header = red blue bold dim underline reverse standout "
		  "blink italic");
	ASSERT_INT_EQ(th.style[EL_HEADER].attrs,
		      THEME_BOLD | THEME_DIM | THEME_UNDERLINE | THEME_REVERSE |
			      THEME_STANDOUT | THEME_BLINK | THEME_ITALIC);
}

static void test_comments_and_blanks(void)
{
	ASSERT_OK("# a theme\n"
		  "\n"
		  "   \t\n"
		  "  # indented comment\n"
		  "header = red default # trailing comment\n"
		  "glyph.compute = +\n"
		  "glyph.tp = # # the glyph is '#'\n"
		  "# caf\xc3\xa9: UTF-8 in a comment\n");
	ASSERT_INT_EQ(th.style[EL_HEADER].fg, 1);
	ASSERT_INT_EQ(th.glyph[KIND_TP], '#');
}

static void test_no_trailing_newline(void)
{
	ASSERT_OK("title = green default\nheader = red blue bold, underline");
	ASSERT_INT_EQ(th.style[EL_HEADER].fg, 1);
	ASSERT_INT_EQ(th.style[EL_HEADER].bg, 4);
	ASSERT_INT_EQ(th.style[EL_HEADER].attrs, THEME_BOLD | THEME_UNDERLINE);
}

static void test_crlf_and_bom(void)
{
	ASSERT_OK("\xEF\xBB\xBFheader = red blue\r\nglyphs = always\r\n");
	ASSERT_INT_EQ(th.style[EL_HEADER].fg, 1);
	ASSERT(th.glyphs_always);
}

static void test_empty_input(void)
{
	struct theme dark;
	theme_default(&dark);
	ASSERT(parse_n("t.theme", NULL, 0));
	ASSERT(memcmp(&th, &dark, sizeof th) == 0);
	ASSERT_OK("");
	ASSERT(memcmp(&th, &dark, sizeof th) == 0);
}

/* The input is read by its length: a buffer with no NUL after it (exactly
 * its size, for ASan), and one whose length stops mid-line. */
static void test_reads_by_length(void)
{
	static const char text[] = "bar.pp = 200 default bold";
	char *copy = malloc(sizeof text - 1);
	ASSERT(copy);
	memcpy(copy, text, sizeof text - 1);
	bool ok = parse_n("t.theme", copy, sizeof text - 1);
	free(copy);
	ASSERT(ok);
	ASSERT_INT_EQ(th.style[EL_BAR_PP].fg, 200);
	ASSERT_INT_EQ(th.style[EL_BAR_PP].attrs, THEME_BOLD);
	ASSERT(parse_n("t.theme", text, strlen("bar.pp = 200 default")));
	ASSERT_INT_EQ(th.style[EL_BAR_PP].attrs, 0);
}

static void test_line_at_limit(void)
{
	char line[513];
	memset(line, 'x', sizeof line - 1);
	line[0] = '#';
	line[512] = '\0';
	ASSERT_OK(line);
}

/* ---- bad input, one class at a time ------------------------------------- */

#define COLOUR_EXPECTED                                                        \
	"(expected default, a colour name, bright-NAME or 0-255)"

static void test_unknown_colour(void)
{
	bool ok = parse_n("mytheme.theme",
			  "# mine\n\nbar.compute = gren default\n",
			  strlen("# mine\n\nbar.compute = gren default\n"));
	ASSERT(!ok);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(
		shown(0),
		"mytheme.theme:3:15: unknown colour 'gren' " COLOUR_EXPECTED);
}

static void test_unknown_background(void)
{
	ASSERT_ONE_ERROR(
		"header = black blak\n",
		"t.theme:1:16: unknown colour 'blak' " COLOUR_EXPECTED);
}

static void test_bad_bright(void)
{
	ASSERT_ONE_ERROR(
		"header = bright-pink default",
		"t.theme:1:10: unknown colour 'bright-pink' " COLOUR_EXPECTED);
	ASSERT_ONE_ERROR("header = bright-default default",
			 "t.theme:1:10: unknown colour "
			 "'bright-default' " COLOUR_EXPECTED);
	ASSERT_ONE_ERROR("header = -1 default",
			 "t.theme:1:10: unknown colour '-1' " COLOUR_EXPECTED);
}

static void test_colour_out_of_range(void)
{
	ASSERT_ONE_ERROR("header = 256 default",
			 "t.theme:1:10: colour 256 out of range (expected "
			 "0-255)");
	ASSERT_ONE_ERROR("header = red 99999999999999999999",
			 "t.theme:1:14: colour 99999999999999999999 out of "
			 "range (expected 0-255)");
}

static void test_unknown_element(void)
{
	ASSERT_ONE_ERROR(
		"hedaer = red default",
		"t.theme:1:1: unknown element 'hedaer' (expected default, "
		"header, title, title.focus, status, cursor, dim, knob, "
		"knob.selected, edit, bar.compute, bar.memory, bar.tp, "
		"bar.pp, bar.idle, energy.best, latency.best, banner, "
		"map.same, map.diverge, good, warn, error, help.key, "
		"glyph.KIND or glyphs)");
}

static void test_duplicate_element(void)
{
	ASSERT_ONE_ERROR("header = red default\n\nheader = blue default\n",
			 "t.theme:3:1: 'header' already set on line 1 "
			 "(expected each name once)");
	ASSERT_ONE_ERROR("glyph.tp = x\n  glyph.tp = y\n",
			 "t.theme:2:3: 'glyph.tp' already set on line 1 "
			 "(expected each name once)");
	ASSERT_ONE_ERROR("glyphs = always\nglyphs = fallback\n",
			 "t.theme:2:1: 'glyphs' already set on line 1 "
			 "(expected each name once)");
}

static void test_missing_equals(void)
{
	ASSERT_ONE_ERROR("header red default",
			 "t.theme:1:8: missing '=' after 'header' (expected "
			 "name = value)");
	ASSERT_ONE_ERROR("header",
			 "t.theme:1:7: missing '=' after 'header' (expected "
			 "name = value)");
}

static void test_missing_name(void)
{
	ASSERT_ONE_ERROR("  = red default",
			 "t.theme:1:3: missing name before '=' (expected name "
			 "= value)");
}

static void test_missing_colours(void)
{
	ASSERT_ONE_ERROR("header =",
			 "t.theme:1:9: missing colours (expected fg bg "
			 "[attr...])");
	ASSERT_ONE_ERROR("header = red\n",
			 "t.theme:1:13: missing background colour (expected "
			 "fg bg [attr...])");
	ASSERT_ONE_ERROR("header = red   # no background\n",
			 "t.theme:1:16: missing background colour (expected "
			 "fg bg [attr...])");
}

static void test_bad_attributes(void)
{
	ASSERT_ONE_ERROR("header = red default bold, blod",
			 "t.theme:1:28: unknown attribute 'blod' (expected "
			 "normal, bold, dim, underline, reverse, standout, "
			 "blink or italic)");
	ASSERT_ONE_ERROR("header = red default bold normal",
			 "t.theme:1:27: 'normal' with other attributes "
			 "(expected normal alone, or a list of attributes)");
	ASSERT_ONE_ERROR("header = red default normal,bold",
			 "t.theme:1:29: 'bold' with normal (expected normal "
			 "alone, or a list of attributes)");
	ASSERT_ONE_ERROR("header = red default bold,bold",
			 "t.theme:1:27: attribute 'bold' given twice "
			 "(expected each attribute once)");
}

static void test_bad_glyphs(void)
{
	ASSERT_ONE_ERROR("glyph.cpu = x",
			 "t.theme:1:7: unknown kind 'cpu' (expected compute, "
			 "memory, tp, pp or idle)");
	ASSERT_ONE_ERROR("glyph. = x",
			 "t.theme:1:7: unknown kind '' (expected compute, "
			 "memory, tp, pp or idle)");
	ASSERT_ONE_ERROR("glyph.tp = ab",
			 "t.theme:1:12: glyph 'ab' is not one printable ASCII "
			 "character (expected one of ! to ~)");
	ASSERT_ONE_ERROR("glyph.tp = \xc3\xa9",
			 "t.theme:1:12: glyph '\xc3\xa9' is not one printable "
			 "ASCII character (expected one of ! to ~)");
	ASSERT_ONE_ERROR("glyph.tp =",
			 "t.theme:1:11: missing glyph (expected one printable "
			 "ASCII character)");
	ASSERT_ONE_ERROR("glyph.tp = x y",
			 "t.theme:1:14: unexpected 'y' (expected the end of "
			 "the line or a # comment)");
	ASSERT_ONE_ERROR("glyph.memory = #\n",
			 "t.theme:1:16: glyph '#' of memory is also the glyph "
			 "of compute (expected a different character for each "
			 "kind)");
	/* Swapping two glyphs is fine: only the end result must differ. */
	ASSERT_OK("glyph.compute = =\nglyph.memory = #\n");
}

static void test_bad_glyphs_mode(void)
{
	ASSERT_ONE_ERROR("glyphs = sometimes",
			 "t.theme:1:10: unknown glyphs mode 'sometimes' "
			 "(expected always or fallback)");
	ASSERT_ONE_ERROR("glyphs =",
			 "t.theme:1:9: missing glyphs mode (expected always or "
			 "fallback)");
	ASSERT_ONE_ERROR("glyphs = always never",
			 "t.theme:1:17: unexpected 'never' (expected the end "
			 "of the line or a # comment)");
}

static void test_line_too_long(void)
{
	char text[700];
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	ASSERT_ONE_ERROR(text, "t.theme:1:513: line too long (expected at "
			       "most 512 bytes)");
}

static void test_bad_bytes(void)
{
	ASSERT_ONE_ERROR("header = red\x01 default",
			 "t.theme:1:13: control character 0x01 (expected "
			 "text)");
	ASSERT_ONE_ERROR("# caf\xe9\n",
			 "t.theme:1:6: invalid UTF-8 byte 0xe9 (expected "
			 "UTF-8 text)");
	ASSERT_ONE_ERROR("# \xc3\xa9\xed\xa0\x80\n",
			 "t.theme:1:4: invalid UTF-8 byte 0xed (expected "
			 "UTF-8 text)");
	ASSERT_ONE_ERROR("# cut \xe2\x82",
			 "t.theme:1:7: invalid UTF-8 byte 0xe2 (expected "
			 "UTF-8 text)");
}

/* A NUL byte is reported where it is, and the lines after it are still
 * read. */
static void test_nul_byte(void)
{
	static const char text[] =
		"header = red\0 blue\nhedaer = red default\n";
	ASSERT(!parse_n("t.theme", text, sizeof text - 1));
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_STR_EQ(shown(0), "t.theme:1:13: NUL byte (expected text)");
	ASSERT_CONTAINS(shown(1), "t.theme:2:1: unknown element 'hedaer'");
}

/* Columns count characters, not bytes. */
static void test_columns_in_characters(void)
{
	ASSERT(!parse("header = \xc3\xa9 blak"));
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_STR_EQ(
		shown(0),
		"t.theme:1:10: unknown colour '\xc3\xa9' " COLOUR_EXPECTED);
	ASSERT_STR_EQ(shown(1),
		      "t.theme:1:12: unknown colour 'blak' " COLOUR_EXPECTED);
}

static void test_every_problem_reported(void)
{
	ASSERT(!parse("header = gren default\n"
		      "# fine\n"
		      "title = red default blod\n"
		      "cursor = default default reverse\n"));
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_STR_EQ(shown(0),
		      "t.theme:1:10: unknown colour 'gren' " COLOUR_EXPECTED);
	ASSERT_CONTAINS(shown(1), "t.theme:3:21: unknown attribute 'blod'");
	/* All of one line's problems, even under an unknown name. */
	ASSERT(!parse("hedaer = gren blak bold\n"));
	ASSERT_INT_EQ(diags.count, 3);
	ASSERT_CONTAINS(shown(0), "t.theme:1:1: unknown element");
	ASSERT_CONTAINS(shown(1), "t.theme:1:10: unknown colour 'gren'");
	ASSERT_CONTAINS(shown(2), "t.theme:1:15: unknown colour 'blak'");
}

/* ---- files -------------------------------------------------------------- */

static void test_load_missing_file(void)
{
	const char *path = tmp_path("none.theme");
	ASSERT(path);
	ASSERT(!theme_load(&th, path, &diags));
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_INT_EQ(diags.items[0].line, 0);
	ASSERT_STR_EQ(diags.items[0].message,
		      "cannot read: No such file or directory");
	ASSERT_STR_EQ(th.name, "none");
}

static void test_load_names(void)
{
	ASSERT(write_text("My.Theme.theme", "header = red default\n"));
	char path[512];
	snprintf(path, sizeof path, "%s/My.Theme.theme", tmp_root);
	ASSERT(theme_load(&th, path, &diags));
	ASSERT_STR_EQ(th.name, "My.Theme");
	ASSERT_INT_EQ(th.style[EL_HEADER].fg, 1);

	char rel[128];
	memset(rel, 'n', 100);
	strcpy(rel + 100, ".theme");
	ASSERT(write_text(rel, ""));
	snprintf(path, sizeof path, "%s/%s", tmp_root, rel);
	ASSERT(theme_load(&th, path, &diags));
	ASSERT_INT_EQ(strlen(th.name), THEME_NAME_MAX - 1);
}

static void test_load_size_limit(void)
{
	enum { LIMIT = 64 * 1024 };
	char *text = malloc(LIMIT + 1);
	ASSERT(text);
	/* Comment lines of 64 bytes. */
	for (size_t i = 0; i < LIMIT + 1; i++)
		text[i] = i % 64 == 63 ? '\n' : i % 64 == 0 ? '#' : 'x';
	bool at_limit = write_file("limit.theme", text, LIMIT);
	bool over = write_file("over.theme", text, LIMIT + 1);
	free(text);
	ASSERT(at_limit && over);
	char path[512];
	snprintf(path, sizeof path, "%s/limit.theme", tmp_root);
	ASSERT(theme_load(&th, path, &diags));
	ASSERT_INT_EQ(diags.count, 0);
	snprintf(path, sizeof path, "%s/over.theme", tmp_root);
	ASSERT(!theme_load(&th, path, &diags));
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].message,
		      "file too large for a theme (expected at most 64 KiB)");
}

static void test_load_reports_position(void)
{
	ASSERT(write_text("bad.theme", "header = red default\nbar.tp = x y\n"));
	char path[512];
	snprintf(path, sizeof path, "%s/bad.theme", tmp_root);
	ASSERT(!theme_load(&th, path, &diags));
	ASSERT_INT_EQ(diags.count, 2);
	ASSERT_STR_EQ(diags.items[0].file, path);
	ASSERT_INT_EQ(diags.items[0].line, 2);
	ASSERT_INT_EQ(diags.items[0].col, 10);
	ASSERT_STR_EQ(th.name, "bad");
}

/* A later directory's theme replaces an earlier one of the same name, a
 * dark.theme replaces the compiled-in one, and what is not a theme file is
 * left alone. */
static void test_user_dir_overrides(void)
{
	ASSERT(make_dir("installed") && make_dir("user"));
	ASSERT(write_text("installed/alpha.theme", "header = red default\n"));
	ASSERT(write_text("installed/beta.theme", "header = cyan default\n"));
	ASSERT(write_text("installed/.hidden.theme", "header = red red\n"));
	ASSERT(write_text("installed/notes.txt", "not a theme\n"));
	ASSERT(write_text("installed/broken.theme", "header = gren default\n"));
	ASSERT(make_dir("installed/sub.theme"));
	ASSERT(write_text("user/alpha.theme", "header = green default\n"));
	ASSERT(write_text("user/dark.theme", "header = blue default\n"));
	ASSERT(write_text("user/zeta.theme", "header = bright-red default\n"));
	char installed[512], user[512], missing[512];
	snprintf(installed, sizeof installed, "%s/installed", tmp_root);
	snprintf(user, sizeof user, "%s/user", tmp_root);
	snprintf(missing, sizeof missing, "%s/missing", tmp_root);
	const char *dirs[] = {installed, missing, user};

	struct theme *list = NULL;
	size_t n = theme_list_load(&list, dirs, 3, &diags);
	struct theme got[4];
	size_t ngot = n < 4 ? n : 4;
	if (list)
		memcpy(got, list, ngot * sizeof *got);
	free(list);
	ASSERT_INT_EQ(n, 4);
	ASSERT_STR_EQ(got[0].name, "dark");
	ASSERT_INT_EQ(got[0].style[EL_HEADER].fg, 4);
	ASSERT_STR_EQ(got[1].name, "alpha");
	ASSERT_INT_EQ(got[1].style[EL_HEADER].fg, 2);
	ASSERT_STR_EQ(got[2].name, "beta");
	ASSERT_STR_EQ(got[3].name, "zeta");
	ASSERT_INT_EQ(got[3].style[EL_HEADER].fg, 9);
	/* Only the broken file is reported; the missing directory is not. */
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_CONTAINS(shown(0), "broken.theme:1:10: unknown colour 'gren'");
	ASSERT_INT_EQ(theme_find(got, 4, "beta"), 2);
	ASSERT_INT_EQ(theme_find(got, 4, "gamma"), -1);
}

/* A FIFO named like a theme: opening it waited for a writer, forever, so
 * the explorer and the snapshot hung at start. It is skipped in a theme
 * directory, and refused at once when loaded by name. */
static void test_fifo_theme(void)
{
	ASSERT(make_dir("fifo"));
	const char *fifo = tmp_path("fifo/x.theme");
	ASSERT(fifo && mkfifo(fifo, 0600) == 0);
	ASSERT(write_text("fifo/y.theme", "header = red default\n"));
	char dir[512];
	snprintf(dir, sizeof dir, "%s/fifo", tmp_root);
	const char *dirs[] = {dir};
	struct theme *list = NULL;
	size_t n = theme_list_load(&list, dirs, 1, &diags);
	bool y = list && n == 2 && strcmp(list[1].name, "y") == 0;
	free(list);
	ASSERT_INT_EQ(n, 2);
	ASSERT(y);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT(!theme_load(&th, fifo, &diags));
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_STR_EQ(diags.items[0].message,
		      "cannot read: not a regular file (a FIFO, device or "
		      "socket)");
}

static void test_no_dirs(void)
{
	struct theme *list = NULL;
	size_t n = theme_list_load(&list, NULL, 0, &diags);
	bool dark = list && strcmp(list[0].name, "dark") == 0;
	free(list);
	ASSERT_INT_EQ(n, 1);
	ASSERT(dark);
	ASSERT_INT_EQ(diags.count, 0);
}

/* ---- the shipped themes ------------------------------------------------- */

static bool is_theme_file(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 6 && strcmp(name + n - 6, ".theme") == 0;
}

static bool load_shipped(const char *name, struct theme *t)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/themes/%s.theme", srcdir(), name);
	return theme_load(t, path, &diags);
}

/* Checks one file of themes/: it loads silently, opens with its purpose
 * and the format, and is installed. */
static void check_shipped(const char *dir, const char *file,
			  const char *makefile)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	bool ok = theme_load(&th, path, &diags);
	ASSERT_MSG(diags.count == 0, "%s", shown(0));
	ASSERT_MSG(ok, "%s was refused", file);

	char head[256] = "", want[128];
	FILE *f = fopen(path, "r");
	ASSERT_MSG(f, "%s: %s", path, strerror(errno));
	size_t len = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[len] = '\0';
	snprintf(want, sizeof want, "# %s: ", th.name);
	ASSERT_MSG(strncmp(head, want, strlen(want)) == 0,
		   "%s does not start with \"%s\"", file, want);
	ASSERT_MSG(strstr(head, "\n# Format: "),
		   "%s does not give the format on its second line", file);

	snprintf(want, sizeof want, "themes/%s", file);
	ASSERT_MSG(makefile && strstr(makefile, want),
		   "%s is not in dist_themes_DATA in Makefile.am", want);
}

static char *read_makefile(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/Makefile.am", srcdir());
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char text[1 << 16];
	size_t len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	return text;
}

static void test_every_shipped_theme_loads(void)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/themes", srcdir());
	DIR *d = opendir(dir);
	ASSERT_MSG(d, "%s: %s (is top_srcdir set?)", dir, strerror(errno));
	const char *makefile = read_makefile();
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_theme_file(e->d_name))
			continue;
		count++;
		check_shipped(dir, e->d_name, makefile);
		if (unit.failed)
			break;
	}
	closedir(d);
	if (unit.failed)
		return;
	ASSERT_MSG(count >= 5, "%d themes in %s, expected at least 5", count,
		   dir);
}

static void test_shipped_list(void)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/themes", srcdir());
	const char *dirs[] = {dir};
	struct theme *list = NULL;
	size_t n = theme_list_load(&list, dirs, 1, &diags);
	static const char *const names[] = {"dark", "light", "high-contrast",
					    "solarized", "monochrome"};
	long found[5];
	for (int i = 0; i < 5; i++)
		found[i] = theme_find(list, n, names[i]);
	bool sorted = true;
	for (size_t i = 2; i < n; i++)
		sorted &= strcmp(list[i - 1].name, list[i].name) < 0;
	free(list);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT_INT_EQ(found[0], 0);
	for (int i = 1; i < 5; i++)
		ASSERT_MSG(found[i] > 0, "no theme named %s", names[i]);
	ASSERT_MSG(sorted, "the themes after dark are not sorted by name");
}

/* dark.theme states the compiled-in values, so copying it starts a theme
 * from what the user sees. */
static void test_dark_file_is_the_default(void)
{
	struct theme dark;
	theme_default(&dark);
	ASSERT(load_shipped("dark", &th));
	for (int e = 0; e < THEME_ELEMENTS; e++) {
		const struct theme_style *a = &th.style[e], *b = &dark.style[e];
		ASSERT_MSG(a->fg == b->fg && a->bg == b->bg &&
				   a->attrs == b->attrs,
			   "%s differs from the compiled-in theme",
			   theme_element_name(e));
	}
	ASSERT(memcmp(th.glyph, dark.glyph, sizeof th.glyph) == 0);
	ASSERT(th.glyphs_always == dark.glyphs_always);
}

static void test_monochrome(void)
{
	ASSERT(load_shipped("monochrome", &th));
	for (int e = 0; e < THEME_ELEMENTS; e++)
		ASSERT_MSG(th.style[e].fg == THEME_COLOR_DEFAULT &&
				   th.style[e].bg == THEME_COLOR_DEFAULT,
			   "%s has a colour", theme_element_name(e));
	ASSERT(th.glyphs_always);
	for (int a = 0; a < 5; a++) {
		ASSERT(th.glyph[a] >= 0x21 && th.glyph[a] <= 0x7E);
		for (int b = 0; b < a; b++)
			ASSERT(th.glyph[a] != th.glyph[b]);
	}
}

static void test_solarized_palette(void)
{
	ASSERT(load_shipped("solarized", &th));
	ASSERT_INT_EQ(th.style[EL_DEFAULT].fg, 244);
	ASSERT_INT_EQ(th.style[EL_DEFAULT].bg, 234);
	/* Every background is given, none left to the terminal. */
	for (int e = 0; e < THEME_ELEMENTS; e++)
		ASSERT_MSG(th.style[e].bg != THEME_COLOR_DEFAULT,
			   "%s has the terminal's background",
			   theme_element_name(e));
}

/* ------------------------------------------------------------------------- */

#define RUN(fn) UNIT_RUN_WITH(fn, reset)

int main(void)
{
	diag_init(&diags, NULL);
	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_root, sizeof tmp_root, "%s/test-theme-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(tmp_root)) {
		printf("FAIL: setup: cannot create %s: %s\n", tmp_root,
		       strerror(errno));
		return 1;
	}

	RUN(test_default_theme);
	RUN(test_element_names_round_trip);
	RUN(test_color_to_8);

	RUN(test_values);
	RUN(test_every_attribute);
	RUN(test_comments_and_blanks);
	RUN(test_no_trailing_newline);
	RUN(test_crlf_and_bom);
	RUN(test_empty_input);
	RUN(test_reads_by_length);
	RUN(test_line_at_limit);

	RUN(test_unknown_colour);
	RUN(test_unknown_background);
	RUN(test_bad_bright);
	RUN(test_colour_out_of_range);
	RUN(test_unknown_element);
	RUN(test_duplicate_element);
	RUN(test_missing_equals);
	RUN(test_missing_name);
	RUN(test_missing_colours);
	RUN(test_bad_attributes);
	RUN(test_bad_glyphs);
	RUN(test_bad_glyphs_mode);
	RUN(test_line_too_long);
	RUN(test_bad_bytes);
	RUN(test_nul_byte);
	RUN(test_columns_in_characters);
	RUN(test_every_problem_reported);

	RUN(test_load_missing_file);
	RUN(test_load_names);
	RUN(test_load_size_limit);
	RUN(test_load_reports_position);
	RUN(test_user_dir_overrides);
	RUN(test_fifo_theme);
	RUN(test_no_dirs);

	RUN(test_every_shipped_theme_loads);
	RUN(test_shipped_list);
	RUN(test_dark_file_is_the_default);
	RUN(test_monochrome);
	RUN(test_solarized_palette);

	diag_free(&diags);
	if (rmdir(tmp_root) != 0) {
		printf("FAIL: cleanup: %s: %s\n", tmp_root, strerror(errno));
		return 1;
	}
	return unit_status();
}
