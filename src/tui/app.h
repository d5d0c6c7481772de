/* The explorer's state and everything that changes it: the loaded runs,
 * one fit per hardware group (made when first needed), the selected
 * workload, the knobs, the candidates ranked at them, the view, the
 * cursor of each pane, the theme. Keys and mouse events come in as
 * actions; drawing reads the state (draw.h). Nothing here touches the
 * terminal, so the same code runs under curses, in 'energylens snapshot'
 * and in the headless tests. */
#ifndef ENERGYLENS_APP_H
#define ENERGYLENS_APP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "dataset.h"
#include "fit.h"
#include "keys.h"
#include "layout.h"
#include "model.h"
#include "profile.h"
#include "defaults.h"
#include "select.h"
#include "theme.h"

enum app_focus { FOCUS_WORKLOADS, FOCUS_KNOBS, FOCUS_TABLE, FOCUS_COUNT };
enum app_knob {
	KNOB_BATCH,
	KNOB_INPUT,
	KNOB_OUTPUT,
	KNOB_GPUS,
	KNOB_ETA,
	KNOB_COUNT
};

struct app_options {
	char **paths;
	int npaths;
	bool default_paths; /* paths are the installed sample profiles */
	const char *model_paths[2];
	const char *workload; /* NAME, MODEL or NAME:MODEL; NULL: the richest */
	const char *theme;    /* NULL: dark, or monochrome without colour */
	const char *const *theme_dirs;
	size_t ntheme_dirs;
	bool color; /* false under NO_COLOR or --no-color, and in snapshots */
	bool utf8;  /* the locale is UTF-8 and --ascii was not given */
	bool follow;
	/* knobs given on the command line; 0 or NaN: from the runs */
	double batch, input, output, eta;
	unsigned gpus;
	enum layout_view view;
};

/* The fit of one dataset group, made when a workload of it is first
 * shown. */
struct app_fit {
	bool done;
	struct fit_group fit;
};

/* The knobs' ranges, for keys and options alike. */
#define APP_MAX_BATCH  65536
#define APP_MAX_TOKENS 1048576
#define APP_MAX_GPUS   SELECT_MAX_GPUS

#define APP_MAP_ROWS 12
#define APP_MAP_COLS 10

struct app {
	struct app_options opt;
	struct model *models[2];
	struct profile_set set;
	struct dataset ds;
	struct app_fit *fits; /* one per ds group */
	size_t files_shown;   /* profile files loaded */
	struct theme *themes;
	size_t nthemes, theme;

	int width, height;
	enum layout_view view, back; /* back: where Esc returns */
	enum app_focus focus;
	enum app_knob knob;
	size_t workload, list_top;
	long group; /* ds group of the workload; -1 when none */
	/* the workload's measured layouts, found once per workload */
	struct select_layout measured[SELECT_MAX_CANDIDATES];
	size_t nmeasured;

	struct select_knobs knobs;
	unsigned gpus; /* 0: the measured layouts */
	double eta;
	struct select_result rank; /* cheapest first; n == 0 when none */
	struct select_layout cursor_layout;
	size_t cursor, table_top;
	double terms[MODEL_MAX_TERMS]; /* of the cursor's candidate */

	/* map: rows are batch sizes, columns input (or output) lengths */
	bool map_output;
	double map_rows[APP_MAP_ROWS], map_cols[APP_MAP_COLS];
	int map_nrows, map_ncols, map_row, map_col, map_top, map_left;
	int scroll[VIEW_COUNT]; /* first line shown: fit residuals, help */

	/* a value or a search being typed in the status line */
	enum { EDIT_NONE, EDIT_KNOB, EDIT_SEARCH } editing;
	char edit[64];
	char search[64];

	char message[256];
	bool message_is_error;
	bool quit;

	struct diag_list diags;
	/* --follow: what the profile files looked like at the last load */
	unsigned long long signature;
};

/* Loads the profiles and the themes and picks the first workload; returns
 * an exit status, with every problem written to err. */
int app_open(struct app *a, const struct app_options *o, FILE *err);
void app_close(struct app *a);

void app_resize(struct app *a, int width, int height);
void app_key(struct app *a, int key);
/* Mouse: a click (button 1) or a wheel turn (up: +1, down: -1) at a
 * screen position. */
void app_click(struct app *a, int y, int x);
void app_wheel(struct app *a, int y, int x, int turns);
/* --follow: re-reads the profiles when any of them changed since the last
 * load, and refits; returns whether anything changed. */
bool app_follow(struct app *a);

/* What the views read. */
const struct profile_workload *app_workload(const struct app *a);
const struct fit_group *app_fit(const struct app *a); /* NULL: none */
const struct theme *app_theme(const struct app *a);
const char *app_knob_name(enum app_knob k);
void app_knob_value(const struct app *a, enum app_knob k, char *buf,
		    size_t size);
void app_layout(const struct app *a, struct layout *l);
/* Ranks the workload's candidates at other knobs (a map cell); returns
 * false when there is no candidate or no fit. */
bool app_rank_at(const struct app *a, const struct select_knobs *k,
		 struct select_result *r);
/* Where knob k is drawn in the knobs pane. */
struct layout_rect app_knob_slot(const struct layout_rect *pane,
				 enum app_knob k);

/* Lines of help after one per key binding: the title, the bar legend,
 * the marks, the theme (draw_help.c draws them). */
#define APP_HELP_EXTRA 15

/* Map geometry, shared by the drawing and the mouse: a header row, then a
 * row per batch size; a label column, then cells of equal width. */
#define APP_MAP_LABEL_W 7
/* a cell holds "t1p1d1024", a mark and a blank */
#define APP_MAP_CELL_W 12
/* The map rows and columns that fit in the map pane. */
int app_map_visible_rows(const struct layout_rect *pane);
int app_map_visible_cols(const struct layout_rect *pane);
/* The diagnostics of the last load (errors leave runs out). */
const struct diag_list *app_diags(const struct app *a);

#endif
