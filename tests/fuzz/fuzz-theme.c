/* The theme parser on arbitrary bytes. A theme it accepts must be one the
 * screen can draw: colours the terminal code can map, attributes it knows,
 * and one distinct printable glyph per kind of term. Every error points at
 * a line and column. */
#include "fuzz.h"
#include "theme.h"

const char fuzz_target_name[] = "theme";

static void check_theme(const struct theme *t)
{
	for (int e = 0; e < THEME_ELEMENTS; e++) {
		const struct theme_style *s = &t->style[e];
		FUZZ_CHECK(s->fg >= THEME_COLOR_DEFAULT && s->fg <= 255);
		FUZZ_CHECK(s->bg >= THEME_COLOR_DEFAULT && s->bg <= 255);
		FUZZ_CHECK((s->attrs & ~0x7Fu) == 0);
		short fg8 = theme_color_to_8(s->fg);
		FUZZ_CHECK(fg8 >= THEME_COLOR_DEFAULT && fg8 <= 7);
	}
	for (int k = 0; k < 5; k++) {
		FUZZ_CHECK(t->glyph[k] >= 0x21 && t->glyph[k] <= 0x7E);
		for (int j = 0; j < k; j++)
			FUZZ_CHECK(t->glyph[j] != t->glyph[k]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	struct theme t;
	diag_init(&diags, NULL);
	bool ok =
		theme_parse(&t, "fuzz.theme", (const char *)data, size, &diags);
	FUZZ_CHECK(ok == (diags.errors == 0));
	for (size_t i = 0; i < diags.count; i++)
		FUZZ_CHECK(diags.items[i].line >= 1 && diags.items[i].col >= 1);
	if (ok)
		check_theme(&t);
	diag_free(&diags);
	return 0;
}
