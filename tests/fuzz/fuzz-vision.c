/* The vision rules parser on arbitrary bytes. Rules it accepts must be
 * usable: every family named, with a model pattern and an image or video
 * rule, and every request it is asked about either refused with a reason
 * or turned into finite, non-negative counts (limits in a user's file can
 * ask for anything). */
#include <math.h>

#include "fuzz.h"
#include "vision.h"

const char fuzz_target_name[] = "vision";

static void check_family(const struct vision_family *f)
{
	FUZZ_CHECK(vision_family_name(f) && *vision_family_name(f));
	static const struct vision_request requests[] = {
		{.images = 1, .image_w = 640, .image_h = 480},
		{.images = 2.5, .image_w = 1, .image_h = 65535},
		{.images = 1024, .image_w = 65535, .image_h = 65535},
		{.frames = 32, .frame_w = 854, .frame_h = 480, .video_fps = 30},
		{.frames = 100000,
		 .frame_w = 65535,
		 .frame_h = 1,
		 .video_fps = 0.001},
		{.images = 1,
		 .frames = 1.5,
		 .frame_w = 3,
		 .frame_h = 3,
		 .video_fps = 1000},
	};
	for (size_t i = 0; i < sizeof requests / sizeof *requests; i++) {
		double v = -1, ve = -1;
		char why[160] = "";
		if (vision_derive(f, &requests[i], &v, &ve, why, sizeof why))
			FUZZ_CHECK(isfinite(v) && v >= 0 && isfinite(ve) &&
				   ve >= 0);
		else
			FUZZ_CHECK(why[0] != '\0');
	}
	double ratio = vision_patches_per_token(f);
	FUZZ_CHECK(!(ratio < 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	diag_init(&diags, NULL);
	struct vision_rules *r = vision_rules_parse(
		"fuzz.yaml", (const char *)data, size, &diags);
	FUZZ_CHECK((r != NULL) == (diags.errors == 0));
	for (size_t i = 0; r && i < vision_rules_count(r); i++)
		check_family(vision_rules_family(r, i));
	vision_rules_free(r);
	diag_free(&diags);
	return 0;
}
