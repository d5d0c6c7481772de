/* Help: every key (from the bindings table, so it cannot go stale) and
 * the legend of the bars, drawn in the live theme's colours and
 * characters. */
#include <stdio.h>
#include <string.h>

#include "draw_internal.h"

static const char *const kind_meaning[] = {
	"compute: arithmetic (prefill, decode FLOPs, vision encoder)",
	"memory: streaming weights and reading the KV cache",
	"tp: tensor-parallel all-reduce and synchronisation",
	"pp: pipeline stages and data-parallel replicas handing off",
	"idle: per-step overhead and static power while the host works",
};

/* A knob as the knob table has it: what it is, what it takes, how it
 * steps (the same limits and words as the options' messages). */
static void knob_line(int k, char *line, size_t size)
{
	const struct workspace_knob_info *K = workspace_knob(k);
	snprintf(line, size, "  %-7s %s; %s%s", K->label, K->meaning,
		 K->expected,
		 K->pow2 ? ", halved and doubled" : ", in steps of 0.1");
}

static bool extra_line(const struct app *a, struct screen *s, int y, int x,
		       int w, int i);

/* Line i of the help text; returns false past the end. */
static bool help_line(const struct app *a, struct screen *s, int y, int x,
		      int w, int i)
{
	int nkeys = 0;
	while (keys_bindings[nkeys].keys)
		nkeys++;
	if (i == 0) {
		screen_text(s, y, x, w, EL_TITLE, "Keys");
		return true;
	}
	if (i <= nkeys) {
		const struct keys_binding *b = &keys_bindings[i - 1];
		screen_text(s, y, x + 2, 20, EL_HELP_KEY, b->keys);
		screen_text(s, y, x + 22, w - 22, EL_DEFAULT, b->what);
		return true;
	}
	i -= nkeys + 1;
	if (i == 0)
		return true;
	if (i == 1) {
		screen_text(s, y, x, w, EL_TITLE,
			    "Bars: one per term, its length its joules; the "
			    "total stacks them");
		return true;
	}
	i -= 2;
	if (i < KIND_IDLE + 1) {
		draw_bar(a, s, y, x + 2, 6, (enum model_kind)i);
		screen_text(s, y, x + 10, w - 10, EL_DEFAULT, kind_meaning[i]);
		return true;
	}
	i -= KIND_IDLE + 1;
	return extra_line(a, s, y, x, w, i);
}

/* The lines after the bar legend: marks, mouse, theme, knobs. */
enum help_extra {
	HX_GAP1,
	HX_MARKS_TITLE,
	HX_MARKS,
	HX_MARKS_WHERE,
	HX_GAP2,
	HX_MOUSE_TITLE,
	HX_MOUSE_CLICK,
	HX_MOUSE_WHEEL,
	HX_GAP3,
	HX_THEME,
	HX_UNITS,
	HX_GAP4,
	HX_KNOBS_TITLE,
	HX_KNOB, /* one per knob */
	HX_SEE = HX_KNOB + WS_KNOB_COUNT,
};

static bool extra_line(const struct app *a, struct screen *s, int y, int x,
		       int w, int i)
{
	char line[400];
	switch (i) {
	case HX_MARKS_TITLE:
		screen_text(s, y, x, w, EL_TITLE, "Marks");
		return true;
	case HX_MARKS:
		snprintf(line, sizeof line,
			 "  %s energy-optimal   %s latency-optimal   %s best "
			 "blend of the two (eta between 0 and 1)",
			 draw_glyph(a, "★", "*"), draw_glyph(a, "⚡", "!"),
			 draw_glyph(a, "◆", "~"));
		break;
	case HX_MARKS_WHERE:
		snprintf(line, sizeof line,
			 "  the same in 'rank' and 'divergence'; on the map %s "
			 "marks a cell whose fastest layout differs",
			 draw_glyph(a, "⚡", "!"));
		break;
	case HX_MOUSE_TITLE:
		screen_text(s, y, x, w, EL_TITLE, "Mouse");
		return true;
	case HX_MOUSE_CLICK:
		snprintf(
			line, sizeof line,
			"  click   a workload, a knob, a layout or a map cell: "
			"select it (and its pane)");
		break;
	case HX_MOUSE_WHEEL:
		snprintf(
			line, sizeof line,
			"  wheel   on a knob: turn it; on a list, the table or "
			"the map: move; fit, help: scroll");
		break;
	case HX_THEME:
		snprintf(line, sizeof line,
			 "Theme: %s (%zu of %zu; t for the "
			 "next)   colour: %s   characters: %s",
			 app_theme(a)->name, a->theme + 1, a->nthemes,
			 a->opt.color ? "on" : "off",
			 a->opt.utf8 ? "UTF-8" : "ASCII");
		break;
	case HX_UNITS: {
		char note[160];
		app_unit_note(a, note, sizeof note);
		snprintf(line, sizeof line, "Units: %s (%s; u for the next)%s",
			 units_label(a->units.unit),
			 units_meaning(a->units.unit), note);
		break;
	}
	case HX_KNOBS_TITLE:
		screen_text(s, y, x, w, EL_TITLE,
			    "Knobs: - + step them, = types a value, d returns "
			    "to the workload's own");
		return true;
	case HX_SEE:
		snprintf(line, sizeof line,
			 "See energylens(1) for everything, "
			 "energylens-model(5) for the terms.");
		break;
	default:
		if (i >= HX_KNOB && i < HX_SEE) {
			knob_line(i - HX_KNOB, line, sizeof line);
			break;
		}
		return i >= 0 && i < HX_SEE; /* a blank line */
	}
	screen_text(s, y, x, w, EL_DEFAULT, line);
	return true;
}

void draw_help(const struct app *a, struct screen *s, const struct layout *l)
{
	const struct layout_rect *r = &l->pane[PANE_HELP];
	draw_title(s, r, true, " Help");
	for (int row = 1; row < r->h; row++)
		if (!help_line(a, s, r->y + row, r->x + 1, r->w - 1,
			       a->scroll[VIEW_HELP] + row - 1))
			break;
}
