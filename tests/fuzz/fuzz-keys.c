/* Key scripts (energylens snapshot --keys) on arbitrary text: every step is
 * a key the explorer can dispatch or a resize within bounds, never more
 * steps than room was given for, and a refusal says file:line:col. */
#include "fuzz.h"
#include "keys.h"

const char fuzz_target_name[] = "keys";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	if (!text)
		return 0;
	enum { MAX = 64 };
	struct keys_step steps[MAX];
	char err[256] = "";
	long n = keys_parse_script("fuzz.keys", text, steps, MAX, err,
				   sizeof err);
	FUZZ_CHECK(n >= -1 && n <= MAX);
	if (n < 0)
		FUZZ_CHECK(strncmp(err, "fuzz.keys:", 10) == 0);
	for (long i = 0; i < n; i++) {
		const struct keys_step *s = &steps[i];
		if (s->key == KEYS_RESIZE_SCRIPT)
			FUZZ_CHECK(s->width >= 1 && s->width <= 4096 &&
				   s->height >= 1 && s->height <= 4096);
		else
			FUZZ_CHECK(s->key >= 0);
		for (int v = 0; v < VIEW_COUNT; v++)
			keys_action((enum layout_view)v, s->key);
	}
	free(text);
	return 0;
}
