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

void layout_compute(enum layout_view view, int width, int height, int nterms,
		    struct layout *out);
/* The pane holding a point, or -1. */
int layout_pane_at(const struct layout *l, int y, int x);

#endif
