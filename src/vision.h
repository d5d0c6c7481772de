/* Vision token rules: how a model family turns the images and video of a
 * request into V, the tokens the language model sees, and Ve, the patches
 * its vision encoder processes. The rules are data (data/vision-rules.yaml,
 * installed with the program, and a user's own file), one row per family;
 * energylens-profile(5), section VISION RULES, describes the format. */
#ifndef ENERGYLENS_VISION_H
#define ENERGYLENS_VISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct vision_rules;
struct vision_family;

/* What one request sends (a run's vision keys): images of image_w x
 * image_h px, and one clip of frames frames of frame_w x frame_h px at
 * video_fps. Counts are 0 and sizes 0 when not given, video_fps NaN. */
struct vision_request {
	double images;
	uint32_t image_w, image_h;
	double frames;
	uint32_t frame_w, frame_h;
	double video_fps;
};

/* Parses a rules file held in memory; name is used in messages. NULL
 * after adding every problem to diags as file:line:col. */
struct vision_rules *vision_rules_parse(const char *name, const char *text,
					size_t len, struct diag_list *diags);
/* The rules a profile is read with: the user's file
 * ($XDG_CONFIG_HOME/energylens/vision-rules.yaml, else
 * ~/.config/energylens/...) when there is one, whose families are matched
 * first, then the installed file ($ENERGYLENS_DATADIR/data/... when set,
 * else the installed data directory), or, where none is installed, the
 * same table compiled in. NULL after adding problems to diags. */
struct vision_rules *vision_rules_load(struct diag_list *diags);
/* The compiled-in table alone (for tests). */
struct vision_rules *vision_rules_builtin(struct diag_list *diags);
void vision_rules_free(struct vision_rules *r);

size_t vision_rules_count(const struct vision_rules *r);
/* The i-th family in the order they are matched, or NULL. */
const struct vision_family *vision_rules_family(const struct vision_rules *r,
						size_t i);
/* The first family one of whose model patterns (shell globs) matches
 * model, or NULL. */
const struct vision_family *vision_rules_find(const struct vision_rules *r,
					      const char *model);
const char *vision_family_name(const struct vision_family *f);

/* V and Ve of one request under family f. False when f cannot tell (a
 * size it needs not given, no video rule), with why in why[size] as a
 * message fragment: "family qwen3-vl needs image_px (its image method is
 * resize)". */
bool vision_derive(const struct vision_family *f,
		   const struct vision_request *q, double *v, double *ve,
		   char *why, size_t size);
/* Encoder patches per token the LLM sees for f's images (merge^2 for
 * resize), for a run that gives vision_tokens directly. */
double vision_patches_per_token(const struct vision_family *f);

/* "1280x800" (a side from 1 to 65535, 'x' or 'X' between) as w << 16 | h;
 * false when the text is not that. */
bool vision_parse_px(const char *text, uint32_t *out);

#endif
