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

#include "keys.h"
#include "layout.h"
#include "theme.h"
#include "units.h"
#include "wlist.h"
#include "workspace.h"

enum app_focus { FOCUS_WORKLOADS, FOCUS_KNOBS, FOCUS_TABLE, FOCUS_COUNT };

struct app_options {
	const char *verb; /* in messages: "energylens", "energylens snapshot" */
	char **paths;
	int npaths;
	bool default_paths; /* paths are the installed sample profiles */
	const char *model_paths[2];
	const char *workload; /* NAME, MODEL or NAME:MODEL; NULL: the richest */
	const char *hardware, *engine; /* narrow --workload down */
	const char *theme;    /* NULL: dark, or monochrome without colour */
	const char *const *theme_dirs;
	size_t ntheme_dirs;
	bool color; /* false under NO_COLOR or --no-color, and in snapshots */
	bool utf8;  /* the locale is UTF-8 and --ascii was not given */
	bool follow;
	/* Writes the ranking at the knobs as 'energylens rank --json'
	 * (json) or '--csv' does: rank's own writer, handed in by the verb
	 * that opens the explorer, since the views call no verb. NULL: the
	 * export writes nothing (the fuzzer, which types any file name). */
	void (*write_ranking)(FILE *out, bool json,
			      const struct workspace_knobs *k,
			      const struct select_result *r);
	/* the unit, price, intensity and TDP: the config file's, then the
	 * options' */
	struct units_config units;
	/* where u remembers the unit; NULL: nowhere (a snapshot) */
	const char *config_path;
	/* knobs given on the command line; 0 or NaN: from the runs */
	double batch, input, output, eta;
	unsigned gpus;
	enum layout_view view;
};


/* The key of what the map's cells were filled for: a change of anything
 * else (the batch knob, the cursor) leaves them as they are. */
struct app_map_key {
	size_t workload;
	unsigned gpus;
	double fixed; /* the length that is not across */
	bool output_axis;
	unsigned long long generation;
};

struct app {
	struct app_options opt;
	struct workspace ws; /* everything the views ask */
	/* bumped on every load: what was computed for the last one is
	 * stale */
	unsigned long long generation;
	struct theme *themes;
	size_t nthemes, theme;

	int width, height;
	enum layout_view view, back; /* back: where Esc returns */
	enum app_focus focus;
	enum workspace_knob knob;
	size_t workload, list_top; /* list_top: a row of list */
	struct wlist list;	   /* the workloads shown, by hardware */
	char filter[64];	   /* words every one shown matches */
	long group; /* ds group of the workload; -1 when none */

	struct workspace_knobs knobs;
	struct workspace_fitted fitted; /* the workload's fit */
	bool has_fit;
	struct select_result rank; /* cheapest first; n == 0 when none */
	struct select_layout cursor_layout;
	size_t cursor, table_top;
	double terms[MODEL_MAX_TERMS]; /* of the cursor's candidate */
	/* the candidates in the unit shown, in rank order; NULL: none */
	struct units_config units;
	struct units_value *shown;
	double tdp; /* of the workload's GPU, W; NaN: not known */
	const char *tdp_source;
	/* the bars compare the energy-optimal and the latency-optimal
	 * layouts term by term, from these (the workspace's terms) */
	bool compare;
	double best_terms[2][MODEL_MAX_TERMS]; /* energy-, latency-optimal */

	/* map: rows are batch sizes, columns input (or output) lengths,
	 * each cell ranked once per change of what it depends on */
	bool map_output;
	struct workspace_grid grid;
	struct workspace_cell cells[WS_DEFAULT_ROWS * WS_DEFAULT_COLS];
	bool cells_valid;
	struct app_map_key cells_key;
	int map_row, map_col, map_top, map_left;
	/* fit view: every run of the group predicted, once per fit */
	struct workspace_errors errors;
	bool errors_valid;
	unsigned long long errors_generation;
	size_t errors_group;
	int scroll[VIEW_COUNT]; /* first line shown: fit residuals, help */

	/* a value or a search being typed in the status line */
	enum {
		EDIT_NONE,
		EDIT_KNOB,
		EDIT_SEARCH,
		EDIT_EXPORT,
		EDIT_FILTER
	} editing;
	char edit[256]; /* a file name, for the export */
	char search[256];

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
/* "; TDP 700 W from ...", "; no price: ...": what the unit shown needs
 * that is missing, or where its numbers come from; "" when nothing. */
void app_unit_note(const struct app *a, char *buf, size_t size);
/* How well the group's fit serves the selected workload (its own runs'
 * error); NULL without a fit or runs of it in the fit. */
const struct workspace_served *app_own_fit(const struct app *a);
const char *app_knob_name(enum workspace_knob k);
void app_knob_value(const struct app *a, enum workspace_knob k, char *buf,
		    size_t size);
void app_layout(const struct app *a, struct layout *l);
/* The term sets the bars draw: the cursor's candidate's, or (comparing,
 * where the optima differ) the energy- and the latency-optimal layout's;
 * returns how many. */
int app_bar_sets(const struct app *a, const double *sets[2]);
/* The map cell at row, col (of the grid), filled by the last recompute;
 * NULL when the map was not filled. */
const struct workspace_cell *app_cell(const struct app *a, int row, int col);
/* Where knob k is drawn in the knobs pane. */
struct layout_rect app_knob_slot(const struct layout_rect *pane,
				 enum workspace_knob k);

/* Lines of help beside one per key binding: the title, the bar legend,
 * the marks, the mouse, the theme, the unit, a line per knob (draw_help.c
 * draws them). */
#define APP_HELP_EXTRA (22 + WS_KNOB_COUNT)

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
