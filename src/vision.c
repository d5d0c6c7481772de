/* Vision token rules (vision.h): the rules file's parser, where the file is
 * looked for, and the arithmetic of each method, re-implemented from the
 * processors the rows cite. The file is a few dozen lines, so libyaml's
 * document API is used, as for model files. */
#include "vision.h"

#include <errno.h>
#include <float.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "slurp.h"
#include "text.h"
#include "utf8.h"
#include "vision_builtin.h"
#include "userconf.h"
#include "yamldoc.h"

/* Bounds on what a rules file may ask for: a wrong path or a hostile file
 * costs little. */
#define MAX_RULES_FILE (1 << 20)
#define MAX_FAMILIES   256
#define MAX_PATTERNS   16
#define MAX_PINPOINTS  32
#define MAX_SIDE       65535
/* Tiles and crops are counted one by one. */
#define MAX_TILES_LIMIT 256

enum method { M_FIXED, M_RESIZE, M_TILES, M_ANYRES, M_HD, M_COUNT };
static const char *const method_names[M_COUNT] = {"fixed", "resize", "tiles",
						  "anyres", "hd"};

struct rule {
	bool present;
	enum method method;
	double tokens, patches, extra;
	double patch, merge, temporal, tile, tile_tokens, max_tiles;
	double min_px, max_px;
	double sample_fps, min_frames, max_frames;
	bool thumbnail, clip_limits, fit_aspect;
	size_t npinpoints;
	uint32_t pin_w[MAX_PINPOINTS], pin_h[MAX_PINPOINTS];
};

struct vision_family {
	char *name;
	char *models[MAX_PATTERNS];
	size_t nmodels;
	struct rule image, video;
};

struct vision_rules {
	struct vision_family *fam;
	size_t n;
};

/* ---- the keys of image: and video: --------------------------------------- */

enum key_type { K_NUMBER, K_COUNT, K_BOOL, K_WORD, K_PINPOINTS };

#define ALL_METHODS ((1u << M_COUNT) - 1)
#define MB(m)	    (1u << (m))

struct key_info {
	const char *name;
	enum key_type type;
	unsigned allowed;  /* methods that take it */
	unsigned required; /* methods that need it */
	bool video_only;
	size_t offset;
};

#define AT(m) offsetof(struct rule, m)
static const struct key_info keys[] = {
	{"method", K_WORD, ALL_METHODS, ALL_METHODS, false, 0},
	{"tokens", K_NUMBER, MB(M_FIXED), MB(M_FIXED), false, AT(tokens)},
	{"patches", K_NUMBER, MB(M_FIXED), MB(M_FIXED), false, AT(patches)},
	{"extra_tokens", K_NUMBER, ALL_METHODS, 0, false, AT(extra)},
	{"patch", K_COUNT, ALL_METHODS & ~MB(M_FIXED),
	 ALL_METHODS & ~MB(M_FIXED), false, AT(patch)},
	{"merge", K_COUNT, MB(M_RESIZE), MB(M_RESIZE), false, AT(merge)},
	{"temporal", K_COUNT, MB(M_RESIZE), 0, true, AT(temporal)},
	{"limits", K_WORD, MB(M_RESIZE), 0, true, 0},
	{"min_px", K_NUMBER, MB(M_RESIZE), 0, false, AT(min_px)},
	{"max_px", K_NUMBER, MB(M_RESIZE), 0, false, AT(max_px)},
	{"fit", K_WORD, MB(M_TILES), MB(M_TILES), false, 0},
	{"tile", K_COUNT, MB(M_TILES) | MB(M_ANYRES) | MB(M_HD),
	 MB(M_TILES) | MB(M_ANYRES) | MB(M_HD), false, AT(tile)},
	{"tile_tokens", K_COUNT, MB(M_TILES) | MB(M_HD), MB(M_TILES) | MB(M_HD),
	 false, AT(tile_tokens)},
	{"max_tiles", K_COUNT, MB(M_TILES) | MB(M_HD), MB(M_TILES) | MB(M_HD),
	 false, AT(max_tiles)},
	{"thumbnail", K_BOOL, MB(M_TILES), 0, false, 0},
	{"pinpoints", K_PINPOINTS, MB(M_ANYRES), MB(M_ANYRES), false, 0},
	{"sample_fps", K_NUMBER, ALL_METHODS, 0, true, AT(sample_fps)},
	{"min_frames", K_COUNT, ALL_METHODS, 0, true, AT(min_frames)},
	{"max_frames", K_COUNT, ALL_METHODS, 0, true, AT(max_frames)},
};
#define NKEYS (sizeof keys / sizeof *keys)

/* ---- parsing ------------------------------------------------------------ */

struct parse {
	struct yamldoc y;
	struct vision_rules *r;
};

static char *text_of(struct parse *P, const yaml_node_t *node, const char *what)
{
	const char *s = yamldoc_scalar(node);
	unsigned cp;
	if (!s || !*s) {
		yamldoc_error(&P->y, node,
			      "%s is %s (expected a non-empty string)", what,
			      node ? "not a string" : "missing");
		return NULL;
	}
	if (utf8_find_control(s, strlen(s), &cp) && cp != '\n') {
		yamldoc_error(&P->y, node,
			      "%s has the control character U+%04X (expected "
			      "printable text)",
			      what, cp);
		return NULL;
	}
	char *copy = strdup(s);
	if (!copy)
		yamldoc_error(&P->y, node, "out of memory");
	return copy;
}

/* A plain decimal number: no hex, no inf or nan. */
static bool number_of(const char *s, double *out)
{
	if (!s || !*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static void parse_value(struct parse *P, const struct key_info *k,
			const yaml_node_t *v, struct rule *r)
{
	const char *s = yamldoc_scalar(v);
	char buf[48];
	double x;
	switch (k->type) {
	case K_NUMBER:
	case K_COUNT:
		if (!number_of(s, &x) || x < 0 ||
		    (k->type == K_COUNT &&
		     (x < 1 || x != floor(x) || x > MAX_SIDE))) {
			yamldoc_error(&P->y, v, "%s is not %s: %s", k->name,
				      k->type == K_COUNT
					      ? "a whole number from 1 to 65535"
					      : "a number >= 0",
				      s ? yamldoc_shown(s, buf, sizeof buf)
					: "(not a scalar)");
			return;
		}
		*(double *)((char *)r + k->offset) = x;
		return;
	case K_BOOL:
		if (!s || (strcmp(s, "true") && strcmp(s, "false"))) {
			yamldoc_error(&P->y, v, "%s is not true or false: %s",
				      k->name,
				      s ? yamldoc_shown(s, buf, sizeof buf)
					: "(not a scalar)");
			return;
		}
		r->thumbnail = strcmp(s, "true") == 0;
		return;
	case K_WORD:
	case K_PINPOINTS:
		break; /* by the caller: their words differ */
	}
}

static void parse_pinpoints(struct parse *P, const yaml_node_t *v,
			    struct rule *r)
{
	if (!v || v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.start == v->data.sequence.items.top) {
		yamldoc_error(&P->y, v,
			      "pinpoints is not a sequence of sizes (expected "
			      "[WxH, ...])");
		return;
	}
	char buf[48];
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yamldoc_node(&P->y, *it);
		uint32_t px;
		if (r->npinpoints == MAX_PINPOINTS) {
			yamldoc_error(
				&P->y, n,
				"too many pinpoints (expected at most %d)",
				MAX_PINPOINTS);
			return;
		}
		if (!vision_parse_px(yamldoc_scalar(n), &px)) {
			yamldoc_error(&P->y, n,
				      "a pinpoint is not a size: %s (expected "
				      "WxH, each side from 1 to 65535 px)",
				      yamldoc_scalar(n)
					      ? yamldoc_shown(yamldoc_scalar(n),
							      buf, sizeof buf)
					      : "(not a scalar)");
			continue;
		}
		r->pin_w[r->npinpoints] = px >> 16;
		r->pin_h[r->npinpoints++] = px & 0xffff;
	}
}

static int word_index(const char *s, const char *const *words, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

/* The words of fit: and limits:. */
static void parse_word(struct parse *P, const struct key_info *k,
		       const yaml_node_t *v, struct rule *r)
{
	static const char *const fits[] = {"best-fit", "aspect"};
	static const char *const limits[] = {"frame", "clip"};
	char buf[48];
	const char *s = yamldoc_scalar(v);
	bool fit = strcmp(k->name, "fit") == 0;
	int i = word_index(s, fit ? fits : limits, 2);
	if (i < 0) {
		yamldoc_error(&P->y, v, "%s is '%s' (expected %s)", k->name,
			      s ? yamldoc_shown(s, buf, sizeof buf) : "",
			      fit ? "best-fit or aspect" : "frame or clip");
		return;
	}
	if (fit)
		r->fit_aspect = i == 1;
	else
		r->clip_limits = i == 1;
}

/* What the values say together, once each is valid. */
static void check_rule(struct parse *P, const yaml_node_t *map,
		       const struct rule *r, const char *where)
{
	if (r->method != M_FIXED && r->tile > 0 && fmod(r->tile, r->patch) != 0)
		yamldoc_error(&P->y, map,
			      "%s: tile %g is not a multiple of patch %g",
			      where, r->tile, r->patch);
	if ((r->method == M_TILES || r->method == M_HD) &&
	    r->max_tiles > MAX_TILES_LIMIT)
		yamldoc_error(&P->y, map,
			      "%s: max_tiles %g is too large (expected at "
			      "most %d)",
			      where, r->max_tiles, MAX_TILES_LIMIT);
	if (r->method == M_RESIZE && r->max_px > 0 && r->min_px > r->max_px)
		yamldoc_error(&P->y, map, "%s: min_px %g is above max_px %g",
			      where, r->min_px, r->max_px);
	if (r->min_frames > 0 && r->max_frames > 0 &&
	    r->min_frames > r->max_frames)
		yamldoc_error(&P->y, map,
			      "%s: min_frames %g is above max_frames %g", where,
			      r->min_frames, r->max_frames);
	for (size_t i = 0; i < r->npinpoints; i++)
		if (r->tile > 0 && (r->pin_w[i] % (uint32_t)r->tile ||
				    r->pin_h[i] % (uint32_t)r->tile)) {
			yamldoc_error(
				&P->y, map,
				"%s: pinpoint %ux%u is not a whole number "
				"of %g px tiles",
				where, r->pin_w[i], r->pin_h[i], r->tile);
			break;
		}
}

static void parse_rule(struct parse *P, const yaml_node_t *map, bool video,
		       struct rule *r)
{
	const char *where = video ? "video" : "image";
	if (map->type != YAML_MAPPING_NODE) {
		yamldoc_error(&P->y, map,
			      "%s is not a mapping (expected {method: ...})",
			      where);
		return;
	}
	yaml_node_t *mn = yamldoc_lookup(&P->y, map, "method");
	int m = word_index(yamldoc_scalar(mn), method_names, M_COUNT);
	if (m < 0) {
		char buf[48];
		yamldoc_error(
			&P->y, mn ? mn : map,
			"%s has method '%s' (expected fixed, resize, tiles, "
			"anyres or hd)",
			where,
			yamldoc_scalar(mn) ? yamldoc_shown(yamldoc_scalar(mn),
							   buf, sizeof buf)
					   : "");
		return;
	}
	r->present = true;
	r->method = (enum method)m;
	r->temporal = 1;
	const char *known[NKEYS + 1];
	size_t nknown = 0;
	for (size_t i = 0; i < NKEYS; i++)
		if ((keys[i].allowed & MB(m)) && (video || !keys[i].video_only))
			known[nknown++] = keys[i].name;
	known[nknown] = NULL;
	char in[64];
	snprintf(in, sizeof in, "%s (method %s)", where, method_names[m]);
	yamldoc_check_keys(&P->y, map, known, in);
	for (size_t i = 1; i < NKEYS; i++) {
		const struct key_info *k = &keys[i];
		yaml_node_t *v = yamldoc_lookup(&P->y, map, k->name);
		if (!(k->allowed & MB(m)) || (!video && k->video_only))
			continue;
		if (!v) {
			if (k->required & MB(m))
				yamldoc_error(&P->y, map,
					      "%s has no %s (the %s method "
					      "needs it)",
					      in, k->name, method_names[m]);
			continue;
		}
		if (k->type == K_WORD)
			parse_word(P, k, v, r);
		else if (k->type == K_PINPOINTS)
			parse_pinpoints(P, v, r);
		else
			parse_value(P, k, v, r);
	}
	double tokens;
	yaml_node_t *tn = yamldoc_lookup(&P->y, map, "tokens");
	if (r->method == M_FIXED && number_of(yamldoc_scalar(tn), &tokens) &&
	    tokens == 0)
		yamldoc_error(&P->y, tn,
			      "%s: tokens is zero (expected a number > 0)", in);
	check_rule(P, map, r, in);
}

static void parse_family(struct parse *P, const yaml_node_t *n,
			 struct vision_family *f)
{
	static const char *const known[] = {"family", "models", "image",
					    "video",  "source", NULL};
	yamldoc_check_keys(&P->y, n, known, "a family");
	yaml_node_t *name = yamldoc_lookup(&P->y, n, "family"),
		    *source = yamldoc_lookup(&P->y, n, "source");
	if (!name)
		yamldoc_error(
			&P->y, n,
			"a family has no family: name (expected a string)");
	else
		f->name = text_of(P, name, "family");
	/* each rule cites where it comes from */
	if (!source)
		yamldoc_error(&P->y, n,
			      "a family has no source (expected where its rule "
			      "comes from)");
	else
		free(text_of(P, source, "source"));
	yaml_node_t *models = yamldoc_lookup(&P->y, n, "models");
	if (!models || models->type != YAML_SEQUENCE_NODE ||
	    models->data.sequence.items.start ==
		    models->data.sequence.items.top)
		yamldoc_error(
			&P->y, models ? models : n,
			"a family has no models (expected a sequence of "
			"model-name patterns, such as [\"Qwen/Qwen3-VL-*\"])");
	else
		for (yaml_node_item_t *it = models->data.sequence.items.start;
		     it < models->data.sequence.items.top; it++) {
			yaml_node_t *m = yamldoc_node(&P->y, *it);
			if (f->nmodels == MAX_PATTERNS) {
				yamldoc_error(
					&P->y, m,
					"too many model patterns (expected at "
					"most %d)",
					MAX_PATTERNS);
				break;
			}
			char *pat = text_of(P, m, "a model pattern");
			if (pat)
				f->models[f->nmodels++] = pat;
		}
	yaml_node_t *image = yamldoc_lookup(&P->y, n, "image"),
		    *video = yamldoc_lookup(&P->y, n, "video");
	if (!image && !video)
		yamldoc_error(
			&P->y, n,
			"a family has neither image nor video (expected at "
			"least one)");
	if (image)
		parse_rule(P, image, false, &f->image);
	if (video)
		parse_rule(P, video, true, &f->video);
}

static void parse_root(struct parse *P, yaml_node_t *root)
{
	static const char *const known[] = {"energylens-vision-rules",
					    "families", NULL};
	if (!root || root->type != YAML_MAPPING_NODE) {
		yamldoc_error(
			&P->y, root,
			"not a vision rules file (expected a mapping with "
			"energylens-vision-rules: 1 and families)");
		return;
	}
	yamldoc_check_keys(&P->y, root, known, "a vision rules file");
	const char *version = yamldoc_scalar(
		yamldoc_lookup(&P->y, root, "energylens-vision-rules"));
	if (!version || strcmp(version, "1") != 0) {
		char buf[48];
		yamldoc_error(&P->y, root,
			      "unsupported vision rules format %s (expected "
			      "'energylens-vision-rules: 1')",
			      version ? yamldoc_shown(version, buf, sizeof buf)
				      : "(none)");
	}
	yaml_node_t *seq = yamldoc_lookup(&P->y, root, "families");
	if (!seq || seq->type != YAML_SEQUENCE_NODE) {
		yamldoc_error(
			&P->y, seq ? seq : root,
			"families is missing or not a sequence (expected a "
			"sequence of {family, models, image, video, "
			"source})");
		return;
	}
	size_t count = (size_t)(seq->data.sequence.items.top -
				seq->data.sequence.items.start);
	if (count > MAX_FAMILIES) {
		yamldoc_error(&P->y, seq,
			      "too many families: %zu (expected at most %d)",
			      count, MAX_FAMILIES);
		return;
	}
	if (count && !(P->r->fam = calloc(count, sizeof *P->r->fam))) {
		yamldoc_error(&P->y, seq, "out of memory");
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yamldoc_node(&P->y, *it);
		if (!n || n->type != YAML_MAPPING_NODE) {
			yamldoc_error(
				&P->y, n,
				"a family is not a mapping (expected "
				"{family, models, image, video, source})");
			continue;
		}
		struct vision_family *f = &P->r->fam[P->r->n++];
		parse_family(P, n, f);
		for (size_t i = 0; f->name && i + 1 < P->r->n; i++)
			if (P->r->fam[i].name &&
			    strcmp(P->r->fam[i].name, f->name) == 0) {
				char buf[48];
				yamldoc_error(
					&P->y,
					yamldoc_lookup(&P->y, n, "family"),
					"family '%s' is given twice (expected "
					"each family once)",
					yamldoc_shown(f->name, buf,
						      sizeof buf));
				break;
			}
	}
}

struct vision_rules *vision_rules_parse(const char *name, const char *text,
					size_t len, struct diag_list *diags)
{
	struct parse P = {.y = {.name = name, .diags = diags}};
	if (!yamldoc_load(&P.y, text, len))
		return NULL;
	if (!(P.r = calloc(1, sizeof *P.r))) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		yaml_document_delete(&P.y.doc);
		return NULL;
	}
	parse_root(&P, yaml_document_get_root_node(&P.y.doc));
	yaml_document_delete(&P.y.doc);
	if (P.y.errors) {
		vision_rules_free(P.r);
		return NULL;
	}
	return P.r;
}

void vision_rules_free(struct vision_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->fam[i].name);
		for (size_t k = 0; k < r->fam[i].nmodels; k++)
			free(r->fam[i].models[k]);
	}
	free(r->fam);
	free(r);
}

/* ---- where the rules are ------------------------------------------------- */

/* Reads path into rules; a file that does not exist is *absent. */
static struct vision_rules *load_file(const char *path, bool *absent,
				      struct diag_list *diags)
{
	*absent = false;
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		*absent = true;
		return NULL;
	}
	size_t len;
	char *text = slurp_file(path, SLURP_ANY, MAX_RULES_FILE, &len);
	struct vision_rules *r = NULL;
	if (!text && errno == EFBIG)
		diag_add(diags, DIAG_ERROR, path, 0, 0,
			 "file too large for vision rules (expected at most "
			 "1 MiB)");
	else if (!text)
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			 slurp_strerror(errno));
	else
		r = vision_rules_parse(path, text, len, diags);
	free(text);
	return r;
}

struct vision_rules *vision_rules_builtin(struct diag_list *diags)
{
	return vision_rules_parse("(built-in vision-rules.yaml)",
				  vision_builtin_rules,
				  strlen(vision_builtin_rules), diags);
}

/* The user's families first, so that one of theirs wins. */
static struct vision_rules *join(struct vision_rules *first,
				 struct vision_rules *then)
{
	if (!first)
		return then;
	struct vision_family *f =
		realloc(first->fam, (first->n + then->n + 1) * sizeof *f);
	if (!f) {
		vision_rules_free(first);
		vision_rules_free(then);
		return NULL;
	}
	memcpy(f + first->n, then->fam, then->n * sizeof *f);
	first->fam = f;
	first->n += then->n;
	free(then->fam);
	free(then);
	return first;
}

struct vision_rules *vision_rules_load(struct diag_list *diags)
{
	char path[4096];
	bool absent = true;
	struct vision_rules *user = NULL;
	if (userconf_path(path, sizeof path, "vision-rules.yaml")) {
		user = load_file(path, &absent, diags);
		if (!user && !absent)
			return NULL;
	}
	const char *dir = getenv("ENERGYLENS_DATADIR");
	snprintf(path, sizeof path, "%s/data/vision-rules.yaml",
		 dir && *dir ? dir : PKGDATADIR);
	struct vision_rules *installed = load_file(path, &absent, diags);
	if (!installed && absent)
		installed = vision_rules_builtin(diags);
	if (!installed) {
		vision_rules_free(user);
		return NULL;
	}
	struct vision_rules *r = join(user, installed);
	if (!r)
		diag_add(diags, DIAG_ERROR, path, 0, 0, "out of memory");
	return r;
}

size_t vision_rules_count(const struct vision_rules *r)
{
	return r ? r->n : 0;
}

const struct vision_family *vision_rules_family(const struct vision_rules *r,
						size_t i)
{
	return r && i < r->n ? &r->fam[i] : NULL;
}

const struct vision_family *vision_rules_find(const struct vision_rules *r,
					      const char *model)
{
	for (size_t i = 0; r && model && i < r->n; i++)
		for (size_t k = 0; k < r->fam[i].nmodels; k++)
			if (fnmatch(r->fam[i].models[k], model, 0) == 0)
				return &r->fam[i];
	return NULL;
}

const char *vision_family_name(const struct vision_family *f)
{
	return f->name;
}

bool vision_parse_px(const char *text, uint32_t *out)
{
	if (!text)
		return false;
	unsigned long side[2];
	const char *p = text;
	for (int i = 0; i < 2; i++) {
		if (*p < '1' || *p > '9')
			return false; /* no sign, blank or leading zero */
		char *end;
		errno = 0;
		side[i] = strtoul(p, &end, 10);
		if (errno || side[i] > MAX_SIDE)
			return false;
		p = end;
		if (i == 0 && *p != 'x' && *p != 'X')
			return false;
		p += i == 0;
	}
	if (*p)
		return false;
	*out = (uint32_t)(side[0] << 16 | side[1]);
	return true;
}

/* ---- the methods ------------------------------------------------------- */

/* Qwen2-VL's smart_resize: each side rounded to a multiple of factor, then
 * scaled so that frames x h x w (frames 1 for per-frame limits) lies in
 * min_px..max_px. Python's round() rounds half to even, as rint() does. */
static void smart_resize(const struct rule *r, double frames, double W,
			 double H, double *h, double *w)
{
	double factor = r->patch * r->merge;
	double t = r->clip_limits ? frames : 1;
	*h = fmax(factor, rint(H / factor) * factor);
	*w = fmax(factor, rint(W / factor) * factor);
	if (r->max_px > 0 && t * *h * *w > r->max_px) {
		double beta = sqrt(t * H * W / r->max_px);
		*h = fmax(factor, floor(H / beta / factor) * factor);
		*w = fmax(factor, floor(W / beta / factor) * factor);
	} else if (t * *h * *w < r->min_px) {
		double beta = sqrt(r->min_px / (t * H * W));
		*h = ceil(H * beta / factor) * factor;
		*w = ceil(W * beta / factor) * factor;
	}
}

/* Llama-4's get_best_fit: among canvases of a x b tiles (a*b <= max), the
 * smallest upscale that holds the image, else the largest downscale; ties
 * to the smaller canvas. */
static double tiles_best_fit(const struct rule *r, double W, double H)
{
	double best_scale = -1, best_area = 0, best_n = 1;
	bool up = false;
	for (double a = 1; a <= r->max_tiles; a++)
		for (double b = 1; a * b <= r->max_tiles; b++) {
			double s = fmin(b * r->tile / W, a * r->tile / H);
			double area = a * b;
			bool s_up = s >= 1;
			bool better;
			if (best_scale < 0)
				better = true;
			else if (s_up != up)
				better = s_up;
			else if (s != best_scale)
				better = up ? s < best_scale : s > best_scale;
			else
				better = area < best_area;
			if (better) {
				best_scale = s;
				up = s_up;
				best_area = area;
				best_n = a * b;
			}
		}
	return best_n;
}

/* InternVL's find_closest_aspect_ratio: the grid i x j (i*j <= max, by
 * increasing count) closest to the image's aspect; on a tie the larger grid
 * when the image is larger than half of it. */
static double tiles_aspect(const struct rule *r, double W, double H)
{
	double aspect = W / H, best_diff = INFINITY, best_n = 1;
	for (double n = 1; n <= r->max_tiles; n++)
		for (double i = 1; i <= n; i++) {
			if (fmod(n, i) != 0)
				continue;
			double j = n / i;
			double diff = fabs(aspect - i / j);
			if (diff < best_diff) {
				best_diff = diff;
				best_n = n;
			} else if (diff == best_diff &&
				   W * H > 0.5 * r->tile * r->tile * n) {
				best_n = n;
			}
		}
	return best_n;
}

/* LLaVA-NeXT: the pinpoint with the most effective resolution (ties: the
 * least wasted), its grid unpadded to the image's aspect, a newline per
 * row, and the base tile. */
static void anyres(const struct rule *r, double W, double H, double *v,
		   double *ve)
{
	double best_eff = 0, best_waste = INFINITY;
	size_t best = 0;
	for (size_t i = 0; i < r->npinpoints; i++) {
		double pw = r->pin_w[i], ph = r->pin_h[i];
		double s = fmin(pw / W, ph / H);
		double eff = fmin(floor(W * s) * floor(H * s), W * H);
		double waste = pw * ph - eff;
		if (eff > best_eff || (eff == best_eff && waste < best_waste)) {
			best_eff = eff;
			best_waste = waste;
			best = i;
		}
	}
	double side = r->tile / r->patch;
	double rows = r->pin_h[best] / r->tile, cols = r->pin_w[best] / r->tile;
	double h = side * rows, w = side * cols;
	if (W / H > w / h) {
		double nh = floor(H * (w / W));
		h -= 2 * floor((h - nh) / 2);
	} else {
		double nw = floor(W * (h / H));
		w -= 2 * floor((w - nw) / 2);
	}
	*v = h * w + h + side * side;
	*ve = (1 + rows * cols) * side * side;
}

/* Phi-3-vision's HD transform: the largest scale s with s * ceil(s /
 * ratio) <= max crops, width s tiles, height padded to whole tiles. */
static void hd(const struct rule *r, double W, double H, double *v, double *ve)
{
	bool transposed = W < H;
	double w = transposed ? H : W, h = transposed ? W : H;
	double ratio = w / h, s = 1;
	while (s * ceil(s / ratio) <= r->max_tiles)
		s++;
	s--;
	double nw = floor(s * r->tile), nh = floor(nw / ratio);
	nh = ceil(nh / r->tile) * r->tile;
	if (transposed) {
		double t = nw;
		nw = nh;
		nh = t;
	}
	double rows = floor(nh / r->tile), cols = floor(nw / r->tile);
	*v = (rows * cols + 1) * r->tile_tokens + 1 +
	     (rows + 1) * sqrt(r->tile_tokens);
	double side = r->tile / r->patch;
	*ve = (rows * cols + 1) * side * side;
}

/* One image (or one frame of a method that takes frames one by one). */
static void one_image(const struct rule *r, double W, double H, double *v,
		      double *ve)
{
	double side = r->tile / fmax(r->patch, 1), n, h, w;
	switch (r->method) {
	case M_FIXED:
		*v = r->tokens;
		*ve = r->patches;
		break;
	case M_RESIZE:
		smart_resize(r, 1, W, H, &h, &w);
		*ve = (h / r->patch) * (w / r->patch);
		*v = *ve / (r->merge * r->merge);
		break;
	case M_TILES:
		n = r->fit_aspect ? tiles_aspect(r, W, H)
				  : tiles_best_fit(r, W, H);
		n += r->thumbnail && n > 1;
		*v = n * r->tile_tokens;
		*ve = n * side * side;
		break;
	case M_ANYRES:
		anyres(r, W, H, v, ve);
		break;
	case M_HD:
		hd(r, W, H, v, ve);
		break;
	case M_COUNT:
		*v = *ve = 0;
		break;
	}
	*v += r->extra;
}

/* Frames the model keeps of a clip of frames at fps. */
static double frames_kept(const struct rule *r, double frames, double fps)
{
	double n = frames;
	if (r->sample_fps > 0) {
		n = floor(frames / fps * r->sample_fps);
		n = fmax(n, r->min_frames);
	}
	if (r->max_frames > 0)
		n = fmin(n, r->max_frames);
	return fmin(n, frames);
}

static void video(const struct rule *r, double frames, double W, double H,
		  double *v, double *ve)
{
	if (r->method != M_RESIZE) {
		one_image(r, W, H, v, ve);
		*v *= frames;
		*ve *= frames;
		return;
	}
	double t = ceil(frames / r->temporal) * r->temporal, h, w;
	double groups = t / r->temporal;
	smart_resize(r, t, W, H, &h, &w);
	*ve = groups * (h / r->patch) * (w / r->patch);
	*v = *ve / (r->merge * r->merge) + groups * r->extra;
}

bool vision_derive(const struct vision_family *f,
		   const struct vision_request *q, double *v, double *ve,
		   char *why, size_t size)
{
	*v = *ve = 0;
	if (q->images > 0) {
		if (!f->image.present) {
			snprintf(why, size, "family %.40s has no image rule",
				 f->name);
			return false;
		}
		if (f->image.method != M_FIXED && !q->image_w) {
			snprintf(why, size,
				 "family %.40s needs image_px (its image "
				 "method is %s)",
				 f->name, method_names[f->image.method]);
			return false;
		}
		double iv, ive;
		one_image(&f->image, q->image_w, q->image_h, &iv, &ive);
		*v += q->images * iv;
		*ve += q->images * ive;
	}
	if (q->frames > 0) {
		const struct rule *r = f->video.present ? &f->video : NULL;
		if (!r) {
			snprintf(why, size, "family %.40s has no video rule",
				 f->name);
			return false;
		}
		if (r->method != M_FIXED && !q->frame_w) {
			snprintf(why, size,
				 "family %.40s needs frame_px (its video "
				 "method is %s)",
				 f->name, method_names[r->method]);
			return false;
		}
		if (r->sample_fps > 0 && !(q->video_fps > 0)) {
			snprintf(why, size,
				 "family %.40s samples video at %g frames per "
				 "second and needs video_fps",
				 f->name, r->sample_fps);
			return false;
		}
		double fv, fve;
		video(r, frames_kept(r, q->frames, q->video_fps), q->frame_w,
		      q->frame_h, &fv, &fve);
		*v += fv;
		*ve += fve;
	}
	/* limits in a user's rules can ask for anything (min_px 1e300) */
	if (!isfinite(*v) || !isfinite(*ve) || *ve > FLT_MAX) {
		snprintf(why, size,
			 "family %.40s gives no finite count for these sizes",
			 f->name);
		return false;
	}
	return true;
}

double vision_patches_per_token(const struct vision_family *f)
{
	const struct rule *r = f->image.present ? &f->image : &f->video;
	double side = r->tile / fmax(r->patch, 1);
	switch (r->method) {
	case M_FIXED:
		return r->patches / r->tokens;
	case M_RESIZE:
		return r->merge * r->merge;
	case M_TILES:
	case M_HD:
		return side * side / r->tile_tokens;
	case M_ANYRES:
	case M_COUNT:
		break;
	}
	return 1;
}
