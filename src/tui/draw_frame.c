/* The frame every view shares: the header, the status line and the
 * "too small" screen, and the view drawn between them. */
#include "draw.h"

#include <stdio.h>

#include "draw_internal.h"

static void header(const struct app *a, struct screen *s,
		   const struct layout_rect *r)
{
	for (int y = 0; y < r->h; y++)
		screen_fill(s, r->y + y, 0, r->w, EL_HEADER, " ");
	const struct profile_workload *w = app_workload(a);
	const struct fit_group *f = app_fit(a);
	char hw[32], who[400], fit[320], runs[64] = "";
	draw_hardware_short(w->hardware, hw, sizeof hw);
	snprintf(who, sizeof who, " %s%s %s on %s  ",
		 r->w >= 100 ? "EnergyLens  " : "", w->name ? w->name : "-",
		 draw_model_short(w->model), hw);
	int el = EL_ERROR;
	if (!f || f->energy_status != FIT_OK) {
		snprintf(fit, sizeof fit, "no fit: %s",
			 f ? f->energy.message
			   : "no run of this workload can be fitted");
	} else {
		/* the workload's own error first: the group's can hide a
		 * workload it serves badly */
		const struct workspace_served *own = app_own_fit(a);
		double mape = own ? own->mape : f->energy.mape;
		el = mape <= 0.15 ? EL_HEADER : EL_WARN;
		char r2[16];
		draw_r2(r2, sizeof r2, f->energy.r2);
		snprintf(fit, sizeof fit, "fit MAPE %.1f%% (group %.1f%%)",
			 100 * mape, 100 * f->energy.mape);
		if (own)
			snprintf(runs, sizeof runs, " %zu of %zu runs, R%s %s",
				 own->runs, f->energy.runs,
				 draw_glyph(a, "²", "2"), r2);
		else
			snprintf(runs, sizeof runs, " %zu run%s, R%s %s",
				 f->energy.runs, f->energy.runs == 1 ? "" : "s",
				 draw_glyph(a, "²", "2"), r2);
	}
	int x = screen_text(s, r->y, 0, r->w, EL_HEADER, who);
	x += screen_text(s, r->y, x, r->w - x, el, fit);
	if (x + screen_width_of(runs) <= r->w)
		screen_text(s, r->y, x, r->w - x, el, runs);
	if (r->h < 2)
		return;
	char files[64];
	snprintf(files, sizeof files, "%zu file%s", a->ws.set.file_count,
		 a->ws.set.file_count == 1 ? "" : "s");
	screen_printf(
		s, r->y + 1, 0, r->w, EL_HEADER,
		" %s%s (%s, %zu run%s, %zu workload%s)%s  %s%s%s  fit "
		"group: %s",
		a->opt.npaths ? a->opt.paths[0] : "-",
		a->opt.npaths > 1 ? " ..." : "", files, a->ws.set.run_count,
		a->ws.set.run_count == 1 ? "" : "s", a->ws.set.workload_count,
		a->ws.set.workload_count == 1 ? "" : "s",
		a->opt.follow ? " [following]" : "", w->model ? w->model : "-",
		w->engine ? ", " : "", w->engine ? w->engine : "",
		a->group >= 0 ? a->ws.ds.groups[a->group].label : "-");
}

static void status(const struct app *a, struct screen *s,
		   const struct layout_rect *r)
{
	screen_fill(s, r->y, 0, r->w, EL_STATUS, " ");
	if (a->editing == EDIT_KNOB) {
		screen_printf(s, r->y, 0, r->w, EL_EDIT,
			      " %s = %s_   (Enter: set, Esc: cancel)",
			      app_knob_name(a->knob), a->edit);
	} else if (a->editing == EDIT_EXPORT) {
		screen_printf(s, r->y, 0, r->w, EL_EDIT,
			      " export the ranking to (NAME.csv or NAME.json): "
			      "%s_   (Enter: write, Esc: cancel)",
			      a->edit);
	} else if (a->editing == EDIT_SEARCH) {
		screen_printf(s, r->y, 0, r->w, EL_EDIT,
			      " search workloads: %s_   (every word; Enter: "
			      "find, Esc: cancel)",
			      a->edit);
	} else if (a->editing == EDIT_FILTER) {
		screen_printf(s, r->y, 0, r->w, EL_EDIT,
			      " list only workloads matching: %s_   (every "
			      "word; Enter: filter, empty: all, Esc: cancel)",
			      a->edit);
	} else if (a->message[0]) {
		screen_printf(s, r->y, 0, r->w,
			      a->message_is_error ? EL_ERROR : EL_STATUS, " %s",
			      a->message);
	} else {
		char hint[200];
		switch (a->view) {
		case VIEW_MAIN:
			snprintf(hint, sizeof hint,
				 " ?:help  Tab:pane  %s:knob  -/+:turn  "
				 "=:type  m:map  f:fit  u:unit  q:quit",
				 draw_glyph(a, "←→", "<>"));
			break;
		case VIEW_MAP:
			snprintf(
				hint, sizeof hint,
				" arrows:cell sets batch & %s  o:axis  "
				"-/+:knob  Enter:use  Esc:back  ?:help  q:quit",
				a->map_output ? "output" : "input");
			break;
		case VIEW_FIT:
			snprintf(hint, sizeof hint,
				 " up/down:scroll  m:map  Esc:back  ?:help  "
				 "q:quit");
			break;
		default:
			snprintf(hint, sizeof hint,
				 " up/down:scroll  t:theme  q/Esc:close help");
			break;
		}
		screen_text(s, r->y, 0, r->w, EL_STATUS, hint);
	}
}

static void too_small(const struct app *a, struct screen *s)
{
	char line[128];
	snprintf(line, sizeof line, "Terminal too small: %dx%d, need %dx%d",
		 a->width, a->height, LAYOUT_MIN_WIDTH, LAYOUT_MIN_HEIGHT);
	int y = a->height / 2 - 1;
	int w = screen_width_of(line);
	screen_text(s, y < 0 ? 0 : y, w < a->width ? (a->width - w) / 2 : 0,
		    a->width, EL_WARN, line);
	const char *q = "enlarge it, or q to quit";
	w = screen_width_of(q);
	screen_text(s, y + 1, w < a->width ? (a->width - w) / 2 : 0, a->width,
		    EL_DEFAULT, q);
}

void draw_frame(const struct app *a, struct screen *s)
{
	screen_clear(s);
	struct layout l;
	app_layout(a, &l);
	if (l.too_small) {
		too_small(a, s);
		return;
	}
	header(a, s, &l.pane[PANE_HEADER]);
	switch (a->view) {
	case VIEW_MAIN:
		draw_main(a, s, &l);
		break;
	case VIEW_MAP:
		draw_map(a, s, &l);
		break;
	case VIEW_FIT:
		draw_fit(a, s, &l);
		break;
	default:
		draw_help(a, s, &l);
		break;
	}
	status(a, s, &l.pane[PANE_STATUS]);
}
