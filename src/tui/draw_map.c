/* The divergence map: over batch size (rows) and input or output length
 * (columns), each cell the energy-optimal layout, highlighted where the
 * latency-optimal one differs; the cursor's cell in detail beside it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_internal.h"

static void axis_label(char *buf, size_t size, double v)
{
	if (v >= 1024 && fmod(v, 1024) == 0)
		snprintf(buf, size, "%.0fk", v / 1024);
	else
		snprintf(buf, size, "%.0f", v);
}

static struct select_knobs cell_knobs(const struct app *a, int row, int col)
{
	struct select_knobs k = a->knobs.at;
	k.batch = (unsigned)a->grid.rows[row];
	if (a->map_output)
		k.output = a->grid.cols[col];
	else
		k.input = a->grid.cols[col];
	return k;
}

static void cell(const struct app *a, struct screen *s, int y, int x, int row,
		 int col)
{
	const struct workspace_cell *c = app_cell(a, row, col);
	bool cur = row == a->map_row && col == a->map_col;
	if (!c || !c->any) {
		screen_text(s, y, x, APP_MAP_CELL_W, cur ? EL_CURSOR : EL_DIM,
			    "  -");
		return;
	}
	char name[32];
	select_layout_name(&c->energy.layout, name, sizeof name);
	int el = cur ? EL_CURSOR : c->diverge ? EL_MAP_DIVERGE : EL_MAP_SAME;
	screen_fill(s, y, x, APP_MAP_CELL_W - 1, el, " ");
	/* the cursor's mark shows in a snapshot too, where colour cannot */
	screen_text(s, y, x, 1, el, cur ? ">" : " ");
	int w = screen_printf(s, y, x + 1, APP_MAP_CELL_W - 2, el, "%s", name);
	if (c->diverge)
		screen_text(s, y, x + 1 + w, APP_MAP_CELL_W - 2 - w, el,
			    draw_glyph(a, "⚡", "!"));
}

/* Below the grid: which rows and columns it shows of how many, with an
 * arrow where more lie beyond the pane (the cursor's keys scroll). */
static void scroll_row(const struct app *a, struct screen *s,
		       const struct layout_rect *r, int y, int rows, int cols)
{
	int nrows = (int)a->grid.nrows, ncols = (int)a->grid.ncols;
	int last_row = a->map_top + rows < nrows ? a->map_top + rows : nrows;
	int last_col = a->map_left + cols < ncols ? a->map_left + cols : ncols;
	const char *dash = draw_glyph(a, "–", "-");
	char across[96], down[96];
	snprintf(across, sizeof across, "%s %d%s%d of %d %s lengths %s",
		 a->map_left > 0 ? draw_glyph(a, "◀", "<") : " ",
		 a->map_left + 1, dash, last_col, ncols,
		 a->map_output ? "output" : "input",
		 last_col < ncols ? draw_glyph(a, "▶", ">") : " ");
	snprintf(down, sizeof down, "%s %d%s%d of %d batch sizes %s",
		 a->map_top > 0 ? draw_glyph(a, "▲", "^") : " ", a->map_top + 1,
		 dash, last_row, nrows,
		 last_row < nrows ? draw_glyph(a, "▼", "v") : " ");
	screen_printf(s, y, r->x, r->w, EL_DIM, " %s   %s", across, down);
}

static void grid(const struct app *a, struct screen *s,
		 const struct layout_rect *r)
{
	char title[200];
	char o[32];
	axis_label(o, sizeof o,
		   a->map_output ? a->knobs.at.input : a->knobs.at.output);
	snprintf(title, sizeof title,
		 " Energy-optimal layout by batch x %s, %s %s (%s: the "
		 "fastest differs)",
		 a->map_output ? "output" : "input",
		 a->map_output ? "input" : "output", o,
		 draw_glyph(a, "⚡", "!"));
	draw_title(s, r, true, title);
	int rows = app_map_visible_rows(r), cols = app_map_visible_cols(r);
	int y = r->y + 1;
	int nrows = (int)a->grid.nrows, ncols = (int)a->grid.ncols;
	screen_text(s, y, r->x, APP_MAP_LABEL_W, EL_TITLE,
		    a->map_output ? " B\\out" : " B\\in");
	for (int c = 0; c < cols && a->map_left + c < ncols; c++) {
		char label[16];
		axis_label(label, sizeof label, a->grid.cols[a->map_left + c]);
		int col = a->map_left + c;
		screen_printf(s, y, r->x + APP_MAP_LABEL_W + c * APP_MAP_CELL_W,
			      APP_MAP_CELL_W,
			      col == a->map_col ? EL_TITLE_FOCUS : EL_TITLE,
			      " %s", label);
	}
	/* right below the last row shown */
	int shown = nrows - a->map_top < rows ? nrows - a->map_top : rows;
	scroll_row(a, s, r, y + 1 + shown, rows, cols);
	for (int i = 0; i < rows && a->map_top + i < nrows; i++) {
		int row = a->map_top + i;
		char label[16];
		axis_label(label, sizeof label, a->grid.rows[row]);
		screen_printf(s, y + 1 + i, r->x, APP_MAP_LABEL_W,
			      row == a->map_row ? EL_TITLE_FOCUS : EL_TITLE,
			      "%6s ", label);
		for (int c = 0; c < cols && a->map_left + c < ncols; c++)
			cell(a, s, y + 1 + i,
			     r->x + APP_MAP_LABEL_W + c * APP_MAP_CELL_W, row,
			     a->map_left + c);
	}
}

/* What the cursor's cell holds: both optima and what each costs, every
 * line whole (wrapped where the pane is narrow). */
static void detail(const struct app *a, struct screen *s,
		   const struct layout_rect *r)
{
	draw_title(s, r, false, " The cursor's cell");
	struct select_knobs k = cell_knobs(a, a->map_row, a->map_col);
	const struct workspace_cell *C = app_cell(a, a->map_row, a->map_col);
	char lines[6][160];
	int n = 0;
	snprintf(lines[n++], sizeof *lines, "batch %u, input %.0f, output %.0f",
		 k.batch, k.input, k.output);
	if (!C || !C->any) {
		draw_no_layout(a, &k, lines[n++], sizeof *lines);
	} else {
		char e[32], t[32], ej[32], ts[32];
		const struct select_candidate *E = &C->energy;
		select_layout_name(&E->layout, e, sizeof e);
		draw_joules(ej, sizeof ej, E->energy_j);
		draw_seconds(ts, sizeof ts, E->latency_s);
		snprintf(lines[n++], sizeof *lines,
			 "%s energy-optimal %s: %s, %s",
			 draw_glyph(a, "★", "*"), e, ej, ts);
		if (C->has_latency) {
			const struct select_candidate *T = &C->latency;
			select_layout_name(&T->layout, t, sizeof t);
			draw_joules(ej, sizeof ej, T->energy_j);
			draw_seconds(ts, sizeof ts, T->latency_s);
			snprintf(lines[n++], sizeof *lines,
				 "%s latency-optimal %s: %s, %s",
				 draw_glyph(a, "⚡", "!"), t, ej, ts);
			if (C->diverge)
				snprintf(lines[n++], sizeof *lines,
					 "fastest: %+.1f%% energy; cheapest: "
					 "%+.1f%% latency",
					 100 * C->energy_penalty,
					 100 * C->latency_penalty);
			else
				snprintf(lines[n++], sizeof *lines,
					 "the two agree");
		}
	}
	char rows[12][160];
	int nrows = draw_wrap(rows, 12, lines, n, r->w - 1);
	if (nrows <= r->h - 1) {
		for (int i = 0; i < nrows; i++)
			screen_text(s, r->y + 1 + i, r->x + 1, r->w - 1,
				    EL_DEFAULT, rows[i]);
		return;
	}
	/* Too few rows below a narrow map: two lines to a row. */
	for (int i = 0; i < n; i += 2) {
		int y = r->y + 1 + i / 2;
		if (y >= r->y + r->h)
			break;
		int w = screen_text(s, y, r->x + 1, r->w - 1, EL_DEFAULT,
				    lines[i]);
		if (i + 1 < n)
			screen_printf(s, y, r->x + 1 + w, r->w - 1 - w,
				      EL_DEFAULT, "   %s", lines[i + 1]);
	}
}

void draw_map(const struct app *a, struct screen *s, const struct layout *l)
{
	draw_knobs(a, s, &l->pane[PANE_KNOBS]);
	grid(a, s, &l->pane[PANE_MAP]);
	detail(a, s, &l->pane[PANE_CELL]);
}
