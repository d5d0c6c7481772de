/* Where each pane goes: a pure function of the terminal's size, the view
 * and how many terms the model has, so it is tested for every size without
 * a terminal (as nvtop does). Panes never overlap and never leave the
 * screen; below the minimum size the screen says so instead (as ncdu). */
#ifndef ENERGYLENS_LAYOUT_H
#define ENERGYLENS_LAYOUT_H

#include <stdbool.h>

enum layout_view { VIEW_MAIN, VIEW_MAP, VIEW_FIT, VIEW_HELP, VIEW_COUNT };

enum layout_pane {
	PANE_HEADER,	/* every view: files, workload, fit quality */
	PANE_STATUS,	/* every view: key hints or a message */
	PANE_WORKLOADS, /* main */
	PANE_KNOBS,	/* main, map */
	PANE_BARS,	/* main: term bars and their stacked total */
	PANE_TABLE,	/* main: the candidate layouts */
	PANE_BANNER,	/* main: what the two optima cost each other */
	PANE_PARETO,	/* main, when wide enough: energy against latency */
	PANE_MAP,	/* map: the grid */
	PANE_CELL,	/* map: what the cursor's cell holds */
	PANE_PARAMS,	/* fit: parameters +- standard error */
	PANE_PARITY,	/* fit: predicted vs measured */
	PANE_RESIDUALS, /* fit: error by workload */
	PANE_HELP,	/* help */
	PANE_COUNT
};

struct layout_rect {
	int y, x, h, w; /* h == 0: the pane is not shown */
};

struct layout {
	bool too_small; /* then no pane is shown */
	struct layout_rect pane[PANE_COUNT];
};

#define LAYOUT_MIN_WIDTH  64
#define LAYOUT_MIN_HEIGHT 18

/* The main view's table keeps rows for this many layouts when it can. */
#define LAYOUT_MIN_LAYOUTS 8
/* The table's columns (every one; without the measured column, as beside
 * the Pareto plot), and the least the plot beside it takes. */
#define LAYOUT_TABLE_WIDTH  71
#define LAYOUT_TABLE_MID    59
#define LAYOUT_PARETO_MIN_W 28
#define LAYOUT_PARETO_MIN_H 10

/* nterms: the rows the term bars take with every term; nshort: with the
 * minor ones folded (terms.h), which they take when all would leave the
 * table fewer than LAYOUT_MIN_LAYOUTS rows. */
void layout_compute(enum layout_view view, int width, int height, int nterms,
		    int nshort, struct layout *out);
/* The pane holding a point, or -1. */
int layout_pane_at(const struct layout *l, int y, int x);

#endif
