/* What the view drawers share (draw.c). */
#ifndef ENERGYLENS_DRAW_INTERNAL_H
#define ENERGYLENS_DRAW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "screen.h"

/* A mark in UTF-8 or its ASCII stand-in, as the locale allows. */
const char *draw_glyph(const struct app *a, const char *utf8,
		       const char *ascii);
/* Whether kinds are told apart by colour (else by their characters). */
bool draw_colour_bars(const struct app *a);
int draw_kind_element(enum model_kind k);
/* A bar of length cells (fractions drawn as eighths when colour and UTF-8
 * allow) in the style of kind k. */
void draw_bar(const struct app *a, struct screen *s, int y, int x,
	      double length, enum model_kind k);
/* "1.23 kJ", "456 J", "7.8 mJ": three significant digits and a unit. */
void draw_joules(char *buf, size_t size, double j);
void draw_seconds(char *buf, size_t size, double s);
/* The table's two columns in the unit chosen: the heading (beside: the
 * column after latency), and candidate i's value there. */
void draw_unit_heading(const struct app *a, bool beside, char *buf,
		       size_t size);
void draw_unit_value(const struct app *a, size_t i, bool beside, char *buf,
		     size_t size);
/* "0.987", or "n/a" when the fit's runs did not vary */
void draw_r2(char *buf, size_t size, double r2);
/* "+12.3%", "best", "-" */
void draw_delta(char *buf, size_t size, double v, double best);
/* A short name for a workload's hardware: the first word with a digit. */
void draw_hardware_short(const char *hw, char *buf, size_t size);
/* The model name without its organisation ("google/"). */
const char *draw_model_short(const char *model);
/* A pane's title row, in the focus colour when focused. */
void draw_title(struct screen *s, const struct layout_rect *r, bool focused,
		const char *text);

void draw_main(const struct app *a, struct screen *s, const struct layout *l);
void draw_map(const struct app *a, struct screen *s, const struct layout *l);
void draw_fit(const struct app *a, struct screen *s, const struct layout *l);
void draw_help(const struct app *a, struct screen *s, const struct layout *l);
void draw_pareto(const struct app *a, struct screen *s,
		 const struct layout_rect *r);
/* Why no layout is ranked at knobs k: no fit, or none fits in memory
 * ("no layout of <= 8 GPUs fits 256 x 32k tokens in 80 GiB"). */
void draw_no_layout(const struct app *a, const struct select_knobs *k,
		    char *buf, size_t size);
/* Lines wrapped to width columns at blanks, a continuation indented by
 * two; returns how many rows they take (at most max). */
int draw_wrap(char (*rows)[160], int max, char (*lines)[160], int n, int width);
void draw_knobs(const struct app *a, struct screen *s,
		const struct layout_rect *r);

#endif
