/* Unit tests of text shown to a person and written for programs
 * (src/text.c, src/json.c) and of the loader's text checks: escapes,
 * values cut at characters, JSON that is UTF-8 whatever the input,
 * YAML strings that read back unchanged, UTF-16 refused, CR-only files,
 * invisible characters, columns by display width, numbers too small. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"
#include "json.h"
#include "profile.h"
#include "text.h"
#include "unit.h"
#include "utf8.h"

/* ---- fixture ------------------------------------------------------------ */

static struct profile_set set;
static struct diag_list diags;
static enum profile_status status;
static char *out;
static size_t out_len;

static void reset(void)
{
	profile_set_free(&set);
	diag_free(&diags);
	profile_set_init(&set);
	diag_init(&diags, NULL);
	status = PROFILE_OK;
	free(out);
	out = NULL;
	out_len = 0;
}

static void load_bytes(const char *data, size_t len)
{
	status = profile_load_buffer(&set, "t.yaml", data, len, &diags);
}

static void load(const char *yaml)
{
	load_bytes(yaml, strlen(yaml));
}

/* Whether all of s is well-formed UTF-8. */
static bool is_utf8(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_len((const unsigned char *)s + i, n - i)))
			return false;
	return true;
}

/* What json_string writes for s, in out. */
static const char *json_of(const char *s)
{
	free(out);
	FILE *f = open_memstream(&out, &out_len);
	json_string(f, s);
	fclose(f);
	return out;
}

#define HEAD "energylens: 1\nworkload:\n  name: w\nruns:\n"
#define RUN                                                                    \
	"  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: "       \
	"{total_j: 10}}\n"

/* ---- messages ----------------------------------------------------------- */

/* The quoted value was cut at 40 bytes: "a" and then two-byte characters
 * put the cut inside one, and the message was not UTF-8. */
static void test_quoted_value_cut_at_a_character(void)
{
	reset();
	char yaml[512] = HEAD "  - {tp: a";
	for (int i = 0; i < 50; i++)
		strcat(yaml, "\xc3\xa9"); /* é */
	strcat(yaml, ", pp: 1, batch_size: 8, output_tokens: 100, energy: "
		     "{total_j: 10}}\n");
	load(yaml);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT(diags.count >= 1);
	const char *m = diags.items[0].message;
	ASSERT_MSG(is_utf8(m), "not UTF-8: %s", m);
	/* cut after whole characters: 40 of them, or fewer where the
	 * message's room ends first */
	char want[128] = "a";
	for (int i = 0; i < 20; i++)
		strcat(want, "\xc3\xa9");
	ASSERT_CONTAINS(m, want);
	ASSERT_CONTAINS(m, "\xc3\xa9... (expected");
}

/* Every escape of the scheme, and a cut never inside an escape. */
static void test_show_escapes(void)
{
	char buf[64];
	const char s[] = "a\x1b[2J\xc2\x9b\xff\xe2\x80\xae\\u";
	ASSERT_STR_EQ(text_show(buf, sizeof buf, s, sizeof s - 1, 0),
		      "a\\x1b[2J\\u009b\\xff\\u202e\\u");
	ASSERT_STR_EQ(text_show(buf, sizeof buf, s, sizeof s - 1, 2),
		      "a\\x1b...");
	/* a buffer too small for the next escape: cut before it */
	ASSERT_STR_EQ(text_show(buf, 9, s, sizeof s - 1, 0), "a\\x1b...");
	ASSERT_STR_EQ(text_show(buf, 7, s, sizeof s - 1, 0), "a...");
	ASSERT_STR_EQ(text_show(buf, 1, s, sizeof s - 1, 0), "");
	/* what fits whole is not cut */
	ASSERT_STR_EQ(text_show(buf, 4, "abc", 3, 0), "abc");
	ASSERT_STR_EQ(text_show(buf, 4, "abcd", 4, 0), "...");
	ASSERT_STR_EQ(text_show(buf, sizeof buf, "abcd", 4, 4), "abcd");
	ASSERT_STR_EQ(text_show(buf, sizeof buf, "abcde", 5, 4), "abcd...");
}

/* Cuts by characters for "%.*s", and the repair of a cut by bytes. */
static void test_cuts_by_characters(void)
{
	ASSERT_INT_EQ(text_prefix("a\xc3\xa9\xe8\x81\x8a"
				  "b",
				  3),
		      6);
	ASSERT_INT_EQ(text_prefix("ab", 40), 2);
	ASSERT_INT_EQ(text_prefix("\xff\xfe", 1), 1);
	char s[][16] = {"ab\xc3", "ab\xe8\x81",	  "ab\xc3\xa9",
			"ab",	  "\xf0\x9f\x98", ""};
	text_drop_partial(s[0]);
	text_drop_partial(s[1]);
	text_drop_partial(s[2]);
	text_drop_partial(s[3]);
	text_drop_partial(s[4]);
	text_drop_partial(s[5]);
	ASSERT_STR_EQ(s[0], "ab");
	ASSERT_STR_EQ(s[1], "ab");
	ASSERT_STR_EQ(s[2], "ab\xc3\xa9");
	ASSERT_STR_EQ(s[3], "ab");
	ASSERT_STR_EQ(s[4], "");
	ASSERT_STR_EQ(s[5], "");
	/* snprintf's cut by bytes, made by characters */
	char buf[16];
	ASSERT_STR_EQ(text_snprintf(buf, 6, "%s", "abc\xc3\xa9"),
		      "abc\xc3\xa9");
	ASSERT_STR_EQ(text_snprintf(buf, 5, "%s", "abc\xc3\xa9"), "abc");
	/* precision and width in columns; an escape is never cut */
	ASSERT_STR_EQ(text_snprintf(buf, sizeof buf, "%-6.5s|", "a\x1bxy"),
		      "a\\x1b |");
	ASSERT_STR_EQ(text_snprintf(buf, sizeof buf, "%-3.2s|", "\x1bxy"),
		      "   |");
}

/* ---- JSON --------------------------------------------------------------- */

static void test_json_string_always_utf8(void)
{
	reset();
	ASSERT_STR_EQ(json_of("bad\xff.yaml"), "\"bad\\ufffd.yaml\"");
	ASSERT_STR_EQ(json_of("\xe2\x80"), "\"\\ufffd\\ufffd\"");
	ASSERT_STR_EQ(json_of("a\xe2\x80\xae"
			      "b\xe2\x80\x8b"),
		      "\"a\\u202eb\\u200b\"");
	ASSERT_STR_EQ(json_of("nel\xc2\x85 del\x7f ls\xe2\x80\xa8"),
		      "\"nel\\u0085 del\\u007f ls\\u2028\"");
	ASSERT_STR_EQ(json_of("tag\xf3\xa0\x80\x81"), "\"tag\\udb40\\udc01\"");
	ASSERT_STR_EQ(json_of("q\"b\\n\nt\t\x01 \xe8\x81\x8a"),
		      "\"q\\\"b\\\\n\\nt\\t\\u0001 \xe8\x81\x8a\"");
	ASSERT_STR_EQ(json_of(NULL), "null");
}

/* ---- YAML --------------------------------------------------------------- */

/* What libyaml reads from the one scalar in text, in buf. */
static bool yaml_scalar(const char *text, char *buf, size_t size)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text,
				     strlen(text));
	bool ok = yaml_parser_load(&p, &doc);
	yaml_node_t *n = ok ? yaml_document_get_root_node(&doc) : NULL;
	ok = n && n->type == YAML_SCALAR_NODE && n->data.scalar.length < size;
	if (ok) {
		memcpy(buf, n->data.scalar.value, n->data.scalar.length);
		buf[n->data.scalar.length] = '\0';
	}
	if (n || ok)
		yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return ok;
}

/* U+2028 and U+2029 are line breaks to YAML: raw in a double-quoted
 * string they were folded, and the name came back changed. */
static void test_yaml_quoted_round_trip(void)
{
	static const char *const cases[] = {
		"line\xe2\x80\xa8sep",
		"para\xe2\x80\xa9sep",
		"nel\xc2\x85x",
		"c1\xc2\x9b",
		"q\"uo\\te",
		"tab\tnl\nend",
		"del\x7f",
		"bom\xef\xbb\xbf",
		"nonchar\xef\xbf\xbe",
		"rlo\xe2\x80\xae zw\xe2\x80\x8b",
		"tag\xf3\xa0\x80\x81",
		"\xe8\x81\x8a\xe5\xa4\xa9",
		"  spaces and # : - [ ] {}",
		"",
	};
	char buf[256];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		reset();
		FILE *f = open_memstream(&out, &out_len);
		text_yaml_quoted(f, cases[i]);
		fclose(f);
		ASSERT_MSG(!strstr(out, "\xe2\x80\xa8") &&
				   !strstr(out, "\xe2\x80\xa9"),
			   "raw line separator in %s", out);
		ASSERT_MSG(yaml_scalar(out, buf, sizeof buf),
			   "libyaml refuses %s", out);
		ASSERT_STR_EQ(buf, cases[i]);
	}
}

/* ---- encodings ---------------------------------------------------------- */

static void test_encoding_problem(void)
{
	ASSERT_STR_EQ(text_encoding_problem("\xff\xfe"
					    "e\0n\0",
					    6),
		      "UTF-16 text");
	ASSERT_STR_EQ(text_encoding_problem("\xfe\xff\0e\0n", 6),
		      "UTF-16 text");
	ASSERT_STR_EQ(text_encoding_problem("e\0n\0", 4), "UTF-16 text");
	ASSERT_STR_EQ(text_encoding_problem("\0e\0n", 4), "UTF-16 text");
	ASSERT_STR_EQ(text_encoding_problem("\xff\xfe\0\0e\0\0\0", 8),
		      "UTF-32 text");
	ASSERT_STR_EQ(text_encoding_problem("\0\0\xfe\xff", 4), "UTF-32 text");
	ASSERT(!text_encoding_problem("\xef\xbb\xbf"
				      "energylens: 1\n",
				      17));
	ASSERT(!text_encoding_problem("energylens: 1\n", 14));
	ASSERT(!text_encoding_problem("e\0", 2)); /* too short to tell */
	ASSERT(!text_encoding_problem("", 0));
}

/* A profile in UTF-16 (as Windows editors save "Unicode"): libyaml read
 * it, the man page says UTF-8; and its last bytes ("\n\0") gave a false
 * "no line break" warning. */
static void test_utf16_profile_refused(void)
{
	reset();
	const char *text = HEAD RUN;
	size_t n = strlen(text);
	char *u16 = malloc(2 * n + 2);
	ASSERT(u16);
	u16[0] = '\xff';
	u16[1] = '\xfe';
	for (size_t i = 0; i < n; i++) {
		u16[2 + 2 * i] = text[i];
		u16[3 + 2 * i] = '\0';
	}
	load_bytes(u16, 2 * n + 2);
	load_bytes(u16 + 2, 2 * n); /* without the byte order mark */
	free(u16);
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(set.run_count, 0);
	ASSERT_INT_EQ(diags.count, 2);
	for (size_t i = 0; i < 2; i++) {
		ASSERT_INT_EQ(diags.items[i].severity, DIAG_ERROR);
		ASSERT_INT_EQ(diags.items[i].line, 1);
		ASSERT_INT_EQ(diags.items[i].col, 1);
		ASSERT_STR_EQ(diags.items[i].message,
			      "UTF-16 text; save the file as UTF-8");
	}
}

/* Line breaks of classic Mac OS: libyaml reads them, but the file was
 * said to have no line break at its end, and positions were all line 1. */
static void test_cr_only_profile(void)
{
	reset();
	char text[] = HEAD RUN "  - {tp: 0, pp: 1, batch_size: 8, "
			       "output_tokens: 100, energy: {total_j: 10}}\n";
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = '\r';
	load(text);
	ASSERT_INT_EQ(set.run_count, 1);
	ASSERT_INT_EQ(diags.count, 1); /* tp: 0, and no warning */
	ASSERT_INT_EQ(diags.items[0].severity, DIAG_ERROR);
	ASSERT_INT_EQ(diags.items[0].line, 6);
	ASSERT_CONTAINS(diags.items[0].message, "tp is zero");
	/* a file that ends without any line break still gets the warning */
	reset();
	text[strlen(text) - 1] = '\0';
	load(text);
	ASSERT_INT_EQ(diags.warnings, 1);
	ASSERT_CONTAINS(diags.items[diags.count - 1].message,
			"no line break at the end");
}

/* ---- invisible characters ----------------------------------------------- */

/* A right-to-left override or a zero-width space in a name: kept as
 * written, said once with its place. */
static void test_invisible_characters_warned(void)
{
	reset();
	load("energylens: 1\nworkload:\n  name: \"a\\u202Eb\"\n"
	     "  model: \"m\\u200Bx\"\n  hardware: \"h\\u2028\"\n"
	     "runs:\n" RUN);
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.warnings, 3);
	ASSERT_INT_EQ(diags.items[0].line, 3);
	ASSERT_INT_EQ(diags.items[0].col, 9);
	ASSERT_CONTAINS(diags.items[0].message,
			"name has the invisible character U+202E, a "
			"bidirectional control");
	ASSERT_CONTAINS(diags.items[0].message, "\"a\\u202eb\"");
	ASSERT_CONTAINS(diags.items[1].message, "U+200B, a zero-width");
	ASSERT_CONTAINS(diags.items[2].message, "U+2028, a line");
	ASSERT_STR_EQ(set.workloads[0].name, "a\xe2\x80\xae"
					     "b");
	/* text that only looks alike is not warned about */
	reset();
	load("energylens: 1\nworkload:\n  name: \"\xe8\x81\x8a \xc3\xa9\"\n"
	     "runs:\n" RUN);
	ASSERT_INT_EQ(diags.count, 0);
}

/* ---- columns ------------------------------------------------------------ */

static void test_columns_by_display_width(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "C.utf8"))
		SKIP("no C.UTF-8 locale");
	reset();
	ASSERT_INT_EQ(text_width("\xe8\x81\x8a\xe5\xa4\xa9"), 4); /* 聊天 */
	ASSERT_INT_EQ(text_width("a\x1b"), 5);			  /* a\x1b */
	ASSERT_INT_EQ(text_width("\xe2\x80\xae"), 6);		  /* \u202e */
	FILE *f = open_memstream(&out, &out_len);
	text_fprintf(f, "[%-6s|%6s|%-*s|%.3s]", "\xe8\x81\x8a\xe5\xa4\xa9",
		     "ab", 3, "\xc3\xa9", "\xe8\x81\x8a\xe5\xa4\xa9");
	fclose(f);
	setlocale(LC_CTYPE, "C");
	ASSERT_STR_EQ(out, "[\xe8\x81\x8a\xe5\xa4\xa9  |    ab|\xc3\xa9  |"
			   "\xe8\x81\x8a]");
}

/* Every other conversion is printf's. */
static void test_printf_conversions(void)
{
	reset();
	char want[256];
	snprintf(want, sizeof want,
		 "%d %5u %zu %.4g %6.1f%% %c %ld %lld %x %-4d|", -3, 42u,
		 (size_t)7, 3.14159, 12.34, 'x', -5L, 1LL << 40, 255u, 9);
	FILE *f = open_memstream(&out, &out_len);
	text_fprintf(f, "%d %5u %zu %.4g %6.1f%% %c %ld %lld %x %-4d|", -3, 42u,
		     (size_t)7, 3.14159, 12.34, 'x', -5L, 1LL << 40, 255u, 9);
	fclose(f);
	ASSERT_STR_EQ(out, want);
	reset();
	f = open_memstream(&out, &out_len);
	text_fprintf(f, "'%s' %c", "-o\x1b]0;x\x07\n", 27);
	fclose(f);
	ASSERT_STR_EQ(out, "'-o\\x1b]0;x\\x07\\x0a' \\x1b");
}

/* ---- numbers ------------------------------------------------------------ */

/* A subnormal is a number (kept, as the expression parser keeps it);
 * digits that round to zero are out of range, not zero. */
static void test_numbers_too_small(void)
{
	reset();
	load(HEAD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		  "input_tokens: 1e-320, energy: {total_j: 10}}\n");
	ASSERT_INT_EQ(status, PROFILE_OK);
	ASSERT_INT_EQ(diags.count, 0);
	ASSERT(set.runs[0].input_tokens > 0 &&
	       set.runs[0].input_tokens < 1e-300);
	reset();
	load(HEAD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		  "energy: {total_j: 1e-400}}\n");
	ASSERT_INT_EQ(status, PROFILE_BAD_DATA);
	ASSERT_INT_EQ(diags.count, 1);
	ASSERT_CONTAINS(diags.items[0].message,
			"energy.total_j is out of range (too small to hold): "
			"1e-400");
	reset();
	load(HEAD "  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, "
		  "energy: {total_j: 0e-400}}\n");
	ASSERT_INT_EQ(diags.count, 0); /* zero, however written */
}

static void cleanup(void)
{
	reset();
}

int main(void)
{
	profile_set_init(&set);
	diag_init(&diags, NULL);
	UNIT_RUN_WITH(test_quoted_value_cut_at_a_character, cleanup);
	UNIT_RUN_WITH(test_show_escapes, cleanup);
	UNIT_RUN_WITH(test_cuts_by_characters, cleanup);
	UNIT_RUN_WITH(test_json_string_always_utf8, cleanup);
	UNIT_RUN_WITH(test_yaml_quoted_round_trip, cleanup);
	UNIT_RUN_WITH(test_encoding_problem, cleanup);
	UNIT_RUN_WITH(test_utf16_profile_refused, cleanup);
	UNIT_RUN_WITH(test_cr_only_profile, cleanup);
	UNIT_RUN_WITH(test_invisible_characters_warned, cleanup);
	UNIT_RUN_WITH(test_columns_by_display_width, cleanup);
	UNIT_RUN_WITH(test_printf_conversions, cleanup);
	UNIT_RUN_WITH(test_numbers_too_small, cleanup);
	cleanup();
	return unit_status();
}
