/* The vision token rules: the installed table against the worked values of
 * the research it cites (shared/data/vision-tokens.md, section 4, numbers
 * re-derived by hand from the processors), and the parser against bad
 * rows. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "vision.h"

#include "unit.h"

static struct vision_rules *builtin(void)
{
	struct diag_list d;
	diag_init(&d, NULL);
	struct vision_rules *r = vision_rules_builtin(&d);
	diag_free(&d);
	return r;
}

/* V and Ve for one image or one clip of model. */
static bool derive(const struct vision_rules *r, const char *model,
		   double images, unsigned w, unsigned h, double frames,
		   double *v, double *ve)
{
	const struct vision_family *f = vision_rules_find(r, model);
	if (!f)
		return false;
	struct vision_request q = {.images = images,
				   .image_w = images > 0 ? w : 0,
				   .image_h = images > 0 ? h : 0,
				   .frames = frames,
				   .frame_w = frames > 0 ? w : 0,
				   .frame_h = frames > 0 ? h : 0,
				   .video_fps = 30};
	char why[160];
	return vision_derive(f, &q, v, ve, why, sizeof why);
}

static void test_builtin_parses(void)
{
	struct vision_rules *r = builtin();
	ASSERT_MSG(r != NULL, "the built-in rules do not parse");
	ASSERT_INT_EQ((long)vision_rules_count(r), 9);
	vision_rules_free(r);
}

/* Image tokens, without the marker tokens each family adds (extra). */
static void test_image_worked_values(void)
{
	static const struct {
		unsigned w, h;
		double qwen, llama4, nemotron;
	} rows[] = {
		{640, 480, 300, 720, 3328},	{1024, 768, 768, 1872, 3328},
		{1024, 1024, 1024, 2448, 1280}, {1024, 576, 576, 1296, 768},
		{1280, 720, 880, 1872, 768},	{1920, 1080, 2040, 2304, 2304},
		{2048, 1365, 2752, 2304, 1792},
	};
	struct vision_rules *r = builtin();
	ASSERT(r != NULL);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		double v, ve;
		ASSERT(derive(r, "Qwen/Qwen3-VL-8B-Instruct", 1, rows[i].w,
			      rows[i].h, 0, &v, &ve));
		ASSERT_MSG(v - 2 == rows[i].qwen && ve == 4 * (v - 2),
			   "Qwen3-VL %ux%u: V %g Ve %g, expected %g", rows[i].w,
			   rows[i].h, v - 2, ve, rows[i].qwen);
		ASSERT(derive(r, "Qwen/Qwen3-Omni-30B-A3B-Instruct", 1,
			      rows[i].w, rows[i].h, 0, &v, &ve));
		ASSERT_MSG(v - 2 == rows[i].qwen, "Omni %ux%u: V %g", rows[i].w,
			   rows[i].h, v - 2);
		ASSERT(derive(r, "meta-llama/Llama-4-Scout-17B-16E-Instruct", 1,
			      rows[i].w, rows[i].h, 0, &v, &ve));
		ASSERT_MSG(v - 3 == rows[i].llama4 && ve == 4 * (v - 3),
			   "Llama-4 %ux%u: V %g Ve %g, expected %g", rows[i].w,
			   rows[i].h, v - 3, ve, rows[i].llama4);
		ASSERT(derive(r, "nvidia/NVIDIA-Nemotron-Nano-12B-v2-VL-BF16",
			      1, rows[i].w, rows[i].h, 0, &v, &ve));
		ASSERT_MSG(v - 2 == rows[i].nemotron && ve == 4 * (v - 2),
			   "Nemotron %ux%u: V %g Ve %g, expected %g", rows[i].w,
			   rows[i].h, v - 2, ve, rows[i].nemotron);
	}
	vision_rules_free(r);
}

/* A 32-frame clip at 30 fps: Qwen3-VL samples 4 frames (2 groups), Omni
 * keeps 32 (16 groups). */
static void test_video_worked_values(void)
{
	static const struct {
		unsigned w, h;
		double vl, omni;
	} rows[] = {{640, 360, 440, 3520},
		    {854, 480, 810, 6480},
		    {1280, 720, 1760, 14080},
		    {1920, 1080, 4080, 32640}};
	struct vision_rules *r = builtin();
	ASSERT(r != NULL);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		double v, ve;
		ASSERT(derive(r, "Qwen/Qwen3-VL-32B-Instruct", 0, rows[i].w,
			      rows[i].h, 32, &v, &ve));
		ASSERT_MSG(v - 2 * 8 == rows[i].vl && ve == 4 * rows[i].vl,
			   "Qwen3-VL video %ux%u: V %g Ve %g, expected %g",
			   rows[i].w, rows[i].h, v - 16, ve, rows[i].vl);
		ASSERT(derive(r, "Qwen/Qwen3-Omni-30B-A3B-Instruct", 0,
			      rows[i].w, rows[i].h, 32, &v, &ve));
		ASSERT_MSG(v - 16 * 2 == rows[i].omni,
			   "Omni video %ux%u: V %g, expected %g", rows[i].w,
			   rows[i].h, v - 32, rows[i].omni);
	}
	vision_rules_free(r);
}

/* The v2 families on a 640x480 COCO image. */
static void test_v2_families(void)
{
	struct vision_rules *r = builtin();
	ASSERT(r != NULL);
	double v, ve;
	ASSERT(derive(r, "llava-hf/llava-1.5-7b-hf", 1, 640, 480, 0, &v, &ve));
	ASSERT_MSG(v == 576 && ve == 576, "llava-1.5: V %g Ve %g", v, ve);
	/* 672x672 pinpoint: 48x48 features unpadded to 48x36, 36 newlines,
	 * and the 576 of the base tile */
	ASSERT(derive(r, "llava-hf/llama3-llava-next-8b-hf", 1, 640, 480, 0, &v,
		      &ve));
	ASSERT_MSG(v == 1728 + 36 + 576 && ve == 5 * 576,
		   "llava-next: V %g Ve %g", v, ve);
	/* HD transform to 1344x1008: 12 crops, (12 + 1) * 144 + 1 + 4 * 12 */
	ASSERT(derive(r, "microsoft/Phi-3-vision-128k-instruct", 1, 640, 480, 0,
		      &v, &ve));
	ASSERT_MSG(v == 1921 && ve == 13 * 576, "phi-3-vision: V %g Ve %g", v,
		   ve);
	ASSERT(derive(r, "facebook/chameleon-30b", 1, 640, 480, 0, &v, &ve));
	ASSERT_MSG(v == 1026 && ve == 1024, "chameleon: V %g Ve %g", v, ve);
	ASSERT(derive(r, "google/gemma-3-27b-it", 2, 640, 480, 0, &v, &ve));
	ASSERT_MSG(v == 2 * 260 && ve == 2 * 4096, "gemma-3: V %g Ve %g", v,
		   ve);
	ASSERT(!vision_rules_find(r, "Qwen/Qwen3-14B"));
	vision_rules_free(r);
}

static void test_parse_px(void)
{
	uint32_t px = 0;
	ASSERT(vision_parse_px("1280x800", &px) && px == (1280u << 16 | 800));
	ASSERT(vision_parse_px("1X1", &px) && px == (1u << 16 | 1));
	static const char *const bad[] = {
		"",	   "x",	    "12x",    "x12",  "0x10",
		"010x10",  "-1x10", "10x10 ", " 1x1", "65536x1",
		"1x65536", "1e3x1", "1x2x3",  "1,5x2"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ASSERT_MSG(!vision_parse_px(bad[i], &px), "accepted \"%s\"",
			   bad[i]);
}

/* Every bad file gives one error or more, the first where it says. */
static void expect_error(const char *text, const char *want)
{
	struct diag_list d;
	diag_init(&d, NULL);
	struct vision_rules *r =
		vision_rules_parse("r.yaml", text, strlen(text), &d);
	char got[512] = "(none)";
	if (d.count) {
		const struct diag *x = &d.items[0];
		snprintf(got, sizeof got, "%s:%u:%u: %s", x->file, x->line,
			 x->col, x->message);
	}
	bool ok = !r && d.errors > 0 && strstr(got, want) != NULL;
	vision_rules_free(r);
	diag_free(&d);
	ASSERT_MSG(ok, "got \"%s\", expected \"%s\"", got, want);
}

#define HEAD "energylens-vision-rules: 1\nfamilies:\n"
#define FAM  "  - family: f\n    models: [\"m*\"]\n    source: s\n"

static void test_bad_rows(void)
{
	expect_error("", "r.yaml:0:0: not a vision rules file");
	expect_error("energylens-vision-rules: 2\nfamilies: []\n",
		     "r.yaml:1:1: unsupported vision rules format 2");
	expect_error(HEAD FAM "    image: {method: warp}\n",
		     "r.yaml:6:21: image has method 'warp'");
	expect_error(HEAD FAM "    image: {method: fixed, tokens: -3, "
			      "patches: 1}\n",
		     "r.yaml:6:36: tokens is not a number >= 0: -3");
	expect_error(HEAD FAM "    image: {method: fixed, tokens: 0, "
			      "patches: 1}\n",
		     "tokens is zero");
	expect_error(HEAD FAM "    image: {method: resize, patch: 16}\n",
		     "r.yaml:6:12: image (method resize) has no merge");
	expect_error(
		HEAD FAM "    image: {method: resize, patch: 16, merge: "
			 "2, tile: 3}\n",
		"r.yaml:6:50: unknown key 'tile' in image (method resize)");
	expect_error(HEAD FAM "    image: {method: tiles, fit: best-fit, "
			      "tile: 30, patch: 14, tile_tokens: 1, "
			      "max_tiles: 4}\n",
		     "tile 30 is not a multiple of patch 14");
	expect_error(HEAD FAM "    image: {method: tiles, fit: best-fit, "
			      "tile: 28, patch: 14, tile_tokens: 1, "
			      "max_tiles: 1000}\n",
		     "max_tiles 1000 is too large");
	expect_error(HEAD FAM "    image: {method: anyres, tile: 336, patch: "
			      "14, pinpoints: [672x300]}\n",
		     "pinpoint 672x300 is not a whole number");
	expect_error(HEAD FAM "    image: {method: anyres, tile: 336, patch: "
			      "14, pinpoints: [big]}\n",
		     "r.yaml:6:63: a pinpoint is not a size: big");
	expect_error(HEAD FAM "    image: {method: fixed, tokens: 1, patches: "
			      "1, sample_fps: 2}\n",
		     "unknown key 'sample_fps'");
	expect_error(HEAD FAM "    image: {method: fixed, tokens: .inf, "
			      "patches: 1}\n",
		     "tokens is not a number >= 0");
	expect_error(HEAD "  - family: f\n    models: [\"m*\"]\n    image: "
			  "{method: fixed, tokens: 1, patches: 1}\n",
		     "r.yaml:3:5: a family has no source "
		     "(expected where its rule comes from)");
	expect_error(HEAD "  - family: f\n    source: s\n    image: "
			  "{method: fixed, tokens: 1, patches: 1}\n",
		     "r.yaml:3:5: a family has no models");
	expect_error(HEAD FAM, "a family has neither image nor video");
	expect_error(HEAD FAM "    image: {method: fixed, tokens: 1, patches: "
			      "1}\n" FAM "    image: {method: fixed, tokens: "
			      "1, patches: 1}\n",
		     "r.yaml:7:13: family 'f' is given twice");
	expect_error(HEAD "  - family: \"a\\x1b[2J\"\n    models: [m]\n    "
			  "source: s\n    image: {method: fixed, tokens: 1, "
			  "patches: 1}\n",
		     "family has the control character U+001B");
	expect_error(HEAD "  - [1, 2]\n", "a family is not a mapping");
	expect_error("energylens-vision-rules: 1\nfamilies: [\n",
		     "YAML syntax error");
	expect_error(HEAD FAM "    video: {method: resize, patch: 16, merge: "
			      "2, min_frames: 9, max_frames: 4}\n",
		     "min_frames 9 is above max_frames 4");
}

/* A family a user adds without rebuilding is found, and one whose sizes
 * are missing says which. */
static void test_user_family(void)
{
	static const char text[] =
		HEAD "  - family: mine\n    models: [\"acme/*\"]\n    "
		     "source: my measurements\n    image: {method: resize, "
		     "patch: 14, merge: 2}\n";
	struct diag_list d;
	diag_init(&d, NULL);
	struct vision_rules *r =
		vision_rules_parse("u.yaml", text, strlen(text), &d);
	diag_free(&d);
	ASSERT(r != NULL);
	const struct vision_family *f = vision_rules_find(r, "acme/vl-7b");
	ASSERT(f && strcmp(vision_family_name(f), "mine") == 0);
	struct vision_request q = {.images = 1};
	double v, ve;
	char why[160];
	bool ok = vision_derive(f, &q, &v, &ve, why, sizeof why);
	vision_rules_free(r);
	ASSERT(!ok);
	ASSERT_MSG(strstr(why, "needs image_px") != NULL, "why: %s", why);
}

int main(void)
{
	UNIT_RUN(test_builtin_parses);
	UNIT_RUN(test_image_worked_values);
	UNIT_RUN(test_video_worked_values);
	UNIT_RUN(test_v2_families);
	UNIT_RUN(test_parse_px);
	UNIT_RUN(test_bad_rows);
	UNIT_RUN(test_user_family);
	return unit_status();
}
