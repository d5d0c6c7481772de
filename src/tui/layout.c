/* Pane placement; see layout.h. Every size is derived from the terminal's
 * width and height here, so the drawing code only fills rectangles. */
#include "layout.h"

#include <string.h>

static int clamp(int v, int lo, int hi)
{
	/* hi wins when the two cross, so a pane never outgrows its room */
	v = v < lo ? lo : v;
	return v > hi ? hi : v;
}

static struct layout_rect rect(int y, int x, int h, int w)
{
	struct layout_rect r = {y, x, h > 0 && w > 0 ? h : 0,
				h > 0 && w > 0 ? w : 0};
	return r;
}

/* The workload list on the left; to its right the knobs, then the term
 * bars (a title, a row per term and the total; on a short screen the
 * minor terms folded into one row, so the table keeps a row for at least
 * LAYOUT_MIN_LAYOUTS layouts) and the table, which scrolls, with the
 * Pareto plot beside it where the width allows. */
static void main_view(struct layout *l, int y0, int h, int width, int nterms,
		      int nshort)
{
	int banner = h >= 40 ? 2 : 1;
	int body = h - banner;
	int list_w = clamp(width / 5, 26, 40);
	int x = list_w + 1, w = width - x;
	int knobs = w >= 76 ? 1 : 2;
	int table_min = 1 + LAYOUT_MIN_LAYOUTS;
	int want = nterms + 2;
	if (body - knobs - want < table_min && nshort < nterms)
		want = nshort + 2;
	int bars = clamp(want, 3, body - knobs - table_min);
	int table_y = y0 + knobs + bars, table_h = body - knobs - bars;
	l->pane[PANE_WORKLOADS] = rect(y0, 0, body, list_w);
	l->pane[PANE_KNOBS] = rect(y0, x, knobs, w);
	l->pane[PANE_BARS] = rect(y0 + knobs, x, bars, w);
	/* every column of the table where the plot still fits beside it, else
	 * the table without its measured column */
	int plot_w = clamp(w - LAYOUT_TABLE_WIDTH - 1, 0, 72);
	if (plot_w < LAYOUT_PARETO_MIN_W)
		plot_w = clamp(w - LAYOUT_TABLE_MID - 1, 0, 72);
	/* the plot starts below the table's title, which runs over it: the
	 * title counts the candidates */
	if (plot_w >= LAYOUT_PARETO_MIN_W &&
	    table_h - 1 >= LAYOUT_PARETO_MIN_H) {
		l->pane[PANE_TABLE] = rect(table_y, x, table_h, w - plot_w - 1);
		l->pane[PANE_PARETO] =
			rect(table_y + 1, width - plot_w, table_h - 1, plot_w);
	} else {
		l->pane[PANE_TABLE] = rect(table_y, x, table_h, w);
	}
	l->pane[PANE_BANNER] = rect(y0 + body, 0, banner, width);
}

/* The grid with the knobs above it; what the cursor's cell holds goes to
 * the right on a wide screen, below it otherwise. */
static void map_view(struct layout *l, int y0, int h, int width)
{
	l->pane[PANE_KNOBS] = rect(y0, 0, 1, width);
	y0++, h--;
	if (width >= 110) {
		int info = clamp(width / 3, 36, 60);
		l->pane[PANE_MAP] = rect(y0, 0, h, width - info - 1);
		l->pane[PANE_CELL] = rect(y0, width - info, h, info);
	} else {
		int info = 5;
		l->pane[PANE_MAP] = rect(y0, 0, h - info, width);
		l->pane[PANE_CELL] = rect(y0 + h - info, 0, info, width);
	}
}

/* Parameters and the parity plot side by side, residuals below. */
static void fit_view(struct layout *l, int y0, int h, int width)
{
	int top = clamp(h * 3 / 5, 14, h - 4);
	int params_w = clamp(width * 3 / 5, 48, 90);
	l->pane[PANE_PARAMS] = rect(y0, 0, top, params_w);
	l->pane[PANE_PARITY] =
		rect(y0, params_w + 1, top, width - params_w - 1);
	l->pane[PANE_RESIDUALS] = rect(y0 + top, 0, h - top, width);
}

void layout_compute(enum layout_view view, int width, int height, int nterms,
		    int nshort, struct layout *out)
{
	memset(out, 0, sizeof *out);
	if (width < LAYOUT_MIN_WIDTH || height < LAYOUT_MIN_HEIGHT) {
		out->too_small = true;
		return;
	}
	int header = height >= 30 ? 2 : 1;
	out->pane[PANE_HEADER] = rect(0, 0, header, width);
	out->pane[PANE_STATUS] = rect(height - 1, 0, 1, width);
	int y0 = header, h = height - header - 1;
	switch (view) {
	case VIEW_MAIN:
		main_view(out, y0, h, width, nterms, nshort);
		break;
	case VIEW_MAP:
		map_view(out, y0, h, width);
		break;
	case VIEW_FIT:
		fit_view(out, y0, h, width);
		break;
	default:
		out->pane[PANE_HELP] = rect(y0, 0, h, width);
		break;
	}
}

int layout_pane_at(const struct layout *l, int y, int x)
{
	for (int p = 0; p < PANE_COUNT; p++) {
		const struct layout_rect *r = &l->pane[p];
		if (r->h && y >= r->y && y < r->y + r->h && x >= r->x &&
		    x < r->x + r->w)
			return p;
	}
	return -1;
}
