/* What app.c (loading, ranking) gives app_input.c (keys, mouse). */
#ifndef ENERGYLENS_APP_INTERNAL_H
#define ENERGYLENS_APP_INTERNAL_H

#include "app.h"

void app_recompute(struct app *a);
/* What the view on screen needs, when it changed (a view switch). */
void app_refresh_view(struct app *a);
void app_default_knobs(struct app *a);
void app_cursor_terms(struct app *a);
void app_fix_scroll(struct app *a);
void app_select_workload(struct app *a, size_t w);
void app_map_axes(struct app *a);
void app_map_to_knobs(struct app *a);
void app_reload(struct app *a);
/* The candidates in the unit chosen (after a ranking or a unit change). */
void app_fill_units(struct app *a);
/* The next unit, remembered in the config file; says so. */
void app_next_unit(struct app *a);
/* Writes the ranking at the knobs to path (NAME.csv or NAME.json) as
 * 'energylens rank' would, and says so in the status line. */
void app_export(struct app *a, const char *path);
bool app_build_list(struct app *a);
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
