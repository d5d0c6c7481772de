/* The frame every view shares (header, status line, the "too small"
 * screen) and the helpers of the view drawers. */
#include "draw.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_internal.h"

const char *draw_glyph(const struct app *a, const char *utf8, const char *ascii)
{
	return a->opt.utf8 ? utf8 : ascii;
}

bool draw_colour_bars(const struct app *a)
{
	return a->opt.color && !app_theme(a)->glyphs_always;
}

int draw_kind_element(enum model_kind k)
{
	return EL_BAR_COMPUTE + (int)k;
}

void draw_bar(const struct app *a, struct screen *s, int y, int x,
	      double length, enum model_kind k)
{
	if (!(length > 0))
		return;
	int el = draw_kind_element(k);
	if (!draw_colour_bars(a) || !a->opt.utf8) {
		/* Without colour each kind has its own character, so a
		 * segment shows at least one of them however small. */
		char g[2] = {app_theme(a)->glyph[k], '\0'};
		int n = (int)lround(length);
		screen_fill(s, y, x, n > 0 ? n : 1, el, g);
		return;
	}
	static const char *const eighths[] = {"",  "▏", "▎", "▍",
					      "▌", "▋", "▊", "▉"};
	int whole = (int)length;
	int part = (int)((length - whole) * 8);
	screen_fill(s, y, x, whole, el, "█");
	if (part)
		screen_text(s, y, x + whole, 1, el, eighths[part]);
	else if (whole == 0)
		screen_text(s, y, x, 1, el, "▏");
}

/* base: the index of the unit worth 1, which a zero is given in */
static void scaled(char *buf, size_t size, double v, const char *const *units,
		   const double *scales, int n, int base)
{
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	if (v == 0) {
		snprintf(buf, size, "0 %s", units[base]);
		return;
	}
	int i = 0;
	while (i + 1 < n && fabs(v) < scales[i] * 0.9995)
		i++;
	double x = v / scales[i];
	snprintf(buf, size, "%.*f %s",
		 fabs(x) >= 99.95   ? 0
		 : fabs(x) >= 9.995 ? 1
				    : 2,
		 x, units[i]);
}

void draw_joules(char *buf, size_t size, double j)
{
	static const char *const u[] = {"MJ", "kJ", "J", "mJ"};
	static const double sc[] = {1e6, 1e3, 1, 1e-3};
	scaled(buf, size, j, u, sc, 4, 2);
}

void draw_unit_heading(const struct app *a, bool beside, char *buf, size_t size)
{
	enum units_unit u = a->units.unit;
	const char *h = !beside		       ? units_label(u)
			: u == UNITS_TOKENS_S  ? "per GPU"
			: u == UNITS_WATTS_GPU ? "of TDP"
					       : "measured";
	if (u == UNITS_J_REQUEST && !beside)
		h = "energy";
	if (u == UNITS_COST_MTOK && !beside)
		snprintf(buf, size, "%s/Mtok", a->units.currency);
	else
		snprintf(buf, size, "%s", h);
}

void draw_unit_value(const struct app *a, size_t i, bool beside, char *buf,
		     size_t size)
{
	static const char *const plain[] = {"G", "M", "k"};
	static const double sc[] = {1e9, 1e6, 1e3, 1};
	static const char *const joules[] = {"kJ", "J", "mJ"};
	static const char *const watts[] = {"kW", "W"};
	enum units_unit u = a->units.unit;
	double v = !a->shown ? NAN
		   : beside  ? a->shown[i].beside
			     : a->shown[i].value;
	if (u == UNITS_J_REQUEST)
		draw_joules(buf, size, v);
	else if (u == UNITS_J_TOKEN)
		scaled(buf, size, v, joules, (const double[]){1e3, 1, 1e-3}, 3,
		       1);
	else if (u == UNITS_WATTS_GPU && !beside)
		scaled(buf, size, v, watts, sc + 2, 2, 1);
	else if (u == UNITS_WATTS_GPU && isfinite(v))
		snprintf(buf, size, "%.0f%%%s", 100 * v, v > 1 ? " >TDP" : "");
	else if (u == UNITS_WATTS_GPU)
		snprintf(buf, size, "-");
	else if (isfinite(v) && fabs(v) >= 999.5) {
		scaled(buf, size, v, plain, sc, 3, 2); /* "12.3 k" */
		char *blank = strrchr(buf, ' ');
		if (blank) /* "12.3k": the column's heading says its unit */
			memmove(blank, blank + 1, strlen(blank));
	} else if (isfinite(v))
		snprintf(buf, size, "%.3g", v);
	else
		snprintf(buf, size, "-");
}

void draw_seconds(char *buf, size_t size, double sec)
{
	static const char *const u[] = {"s", "ms", "us"};
	static const double sc[] = {1, 1e-3, 1e-6};
	scaled(buf, size, sec, u, sc, 3, 0);
}

void draw_r2(char *buf, size_t size, double r2)
{
	if (isfinite(r2))
		snprintf(buf, size, "%.3f", r2);
	else
		snprintf(buf, size, "n/a");
}

void draw_delta(char *buf, size_t size, double v, double best)
{
	if (!isfinite(v) || !isfinite(best) || best <= 0)
		snprintf(buf, size, "-");
	else if (v == best)
		snprintf(buf, size, "best");
	else
		snprintf(buf, size, "%+.1f%%", 100 * (v / best - 1));
}

void draw_hardware_short(const char *hw, char *buf, size_t size)
{
	snprintf(buf, size, "%s", hw ? hw : "-");
	for (const char *p = hw; p && *p;) {
		size_t len = strcspn(p, " ,;()");
		bool digit = false;
		for (size_t i = 0; i < len; i++)
			digit |= isdigit((unsigned char)p[i]) != 0;
		if (digit) {
			snprintf(buf, size, "%.*s", (int)len, p);
			return;
		}
		p += len;
		p += strspn(p, " ,;()");
	}
}

const char *draw_model_short(const char *model)
{
	if (!model)
		return "-";
	const char *slash = strrchr(model, '/');
	return slash && slash[1] ? slash + 1 : model;
}

void draw_title(struct screen *s, const struct layout_rect *r, bool focused,
		const char *text)
{
	int el = focused ? EL_TITLE_FOCUS : EL_TITLE;
	screen_fill(s, r->y, r->x, r->w, el, " ");
	screen_text(s, r->y, r->x, r->w, el, text);
}

/* ---- header and status -------------------------------------------------- */

/* The knobs' row, the same in the main view and the map. */
void draw_knobs(const struct app *a, struct screen *s,
		const struct layout_rect *r)
{
	bool focused = a->view == VIEW_MAIN && a->focus == FOCUS_KNOBS;
	for (int k = 0; k < WS_KNOB_COUNT; k++) {
		struct layout_rect slot =
			app_knob_slot(r, (enum workspace_knob)k);
		char value[32];
		app_knob_value(a, (enum workspace_knob)k, value, sizeof value);
		bool sel = a->knob == (enum workspace_knob)k;
		int el = sel ? EL_KNOB_SELECTED : EL_KNOB;
		int x = slot.x;
		x += screen_text(s, slot.y, x, slot.w, sel ? el : EL_DIM,
				 sel ? (focused ? ">" : "[") : " ");
		x += screen_printf(
			s, slot.y, x, slot.x + slot.w - x, el, "%s %s",
			app_knob_name((enum workspace_knob)k), value);
		screen_text(s, slot.y, x, slot.x + slot.w - x, el,
			    sel ? (focused ? "<" : "]") : " ");
	}
}

/* The empty table's reason, for the main view and the map's cell pane. */
void draw_no_layout(const struct app *a, const struct select_knobs *k,
		    char *buf, size_t size)
{
	const struct profile_workload *w = app_workload(a);
	const struct fit_group *f = app_fit(a);
	if (!f || f->energy_status != FIT_OK) {
		snprintf(buf, size,
			 "no fit for this workload's group, so nothing to "
			 "rank%s%s",
			 f ? ": " : "", f ? f->energy.message : "");
		return;
	}
	if (!a->knobs.gpus || !w || !isfinite(w->gpu_memory_gib)) {
		snprintf(buf, size,
			 "no candidate layout at these knobs (turn GPUs down "
			 "to 'measured', or up)");
		return;
	}
	/* what a layout must hold: the batch's sequences at full context */
	double tokens = k->input + k->output;
	char t[32];
	if (tokens >= 1024 && fmod(tokens, 1024) == 0)
		snprintf(t, sizeof t, "%.0fk", tokens / 1024);
	else
		snprintf(t, sizeof t, "%.0f", tokens);
	snprintf(buf, size,
		 "no layout of %s %u GPUs fits %u %s %s tokens in %.0f GiB "
		 "(turn GPUs up, or batch or lengths down)",
		 draw_glyph(a, "≤", "<="), a->knobs.gpus, k->batch,
		 draw_glyph(a, "×", "x"), t, w->gpu_memory_gib);
}

/* Lines wrapped at blanks into rows, for the panes that say why. */
int draw_wrap(char (*rows)[160], int max, char (*lines)[160], int n, int width)
{
	int k = 0;
	for (int i = 0; i < n && k < max; i++) {
		const char *p = lines[i];
		bool first = true;
		while (*p && k < max) {
			int room = first ? width : width - 2;
			char *row = rows[k++];
			snprintf(row, 160, "%s%.150s", first ? "" : "  ", p);
			if (screen_width_of(p) <= room)
				break;
			/* the last blank that leaves the start within room */
			size_t cut = 0;
			for (size_t j = 1; p[j]; j++) {
				char part[160];
				snprintf(part, sizeof part, "%.*s", (int)j, p);
				if (screen_width_of(part) > room)
					break;
				if (p[j] == ' ')
					cut = j;
			}
			if (!cut) /* no blank: the screen cuts it */
				break;
			row[(first ? 0 : 2) + cut] = '\0';
			p += cut + 1;
			first = false;
		}
	}
	return k;
}

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
