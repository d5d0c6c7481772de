/* The helpers of the view drawers: glyphs, bars, numbers with units,
 * titles, the knobs line, wrapped text. The frame that calls the views is
 * in draw_frame.c. */
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
