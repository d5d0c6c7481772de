/* The main view: workloads, knobs, term bars, the layout table and the
 * divergence banner. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_internal.h"

static void workloads(const struct app *a, struct screen *s,
		      const struct layout_rect *r)
{
	char title[64];
	snprintf(title, sizeof title, " Workloads %zu/%zu", a->workload + 1,
		 a->ws.set.workload_count);
	draw_title(s, r, a->focus == FOCUS_WORKLOADS, title);
	for (int row = 1; row < r->h; row++) {
		size_t w = a->list_top + (size_t)(row - 1);
		if (w >= a->ws.set.workload_count)
			break;
		const struct profile_workload *W = &a->ws.set.workloads[w];
		char hw[32];
		draw_hardware_short(W->hardware, hw, sizeof hw);
		if (screen_width_of(hw) > r->w / 3)
			hw[r->w / 3] =
				'\0'; /* ASCII: the first word with a digit */
		int el = w == a->workload ? EL_CURSOR : EL_DEFAULT;
		int y = r->y + row;
		if (w == a->workload)
			screen_fill(s, y, r->x, r->w, el, " ");
		int hw_w = screen_width_of(hw);
		int end = r->x + r->w - hw_w - 2; /* a blank before hw */
		int x = r->x;
		/* a mark a snapshot shows where colour cannot */
		x += screen_text(s, y, x, 1, el, w == a->workload ? ">" : " ");
		if (r->w >= 34 && W->name) {
			int name_w = (end - x) / 3;
			screen_text(s, y, x, name_w - 1, el, W->name);
			x += name_w;
		}
		screen_text(s, y, x, end - x, el, draw_model_short(W->model));
		screen_text(s, y, r->x + r->w - hw_w - 1, hw_w,
			    w == a->workload ? el : EL_DIM, hw);
	}
}

void draw_knobs(const struct app *a, struct screen *s,
		const struct layout_rect *r)
{
	bool focused = a->view == VIEW_MAIN && a->focus == FOCUS_KNOBS;
	for (int k = 0; k < WS_KNOB_COUNT; k++) {
		struct layout_rect slot = app_knob_slot(r, (enum workspace_knob)k);
		char value[32];
		app_knob_value(a, (enum workspace_knob)k, value, sizeof value);
		bool sel = a->knob == (enum workspace_knob)k;
		int el = sel ? EL_KNOB_SELECTED : EL_KNOB;
		int x = slot.x;
		x += screen_text(s, slot.y, x, slot.w, sel ? el : EL_DIM,
				 sel ? (focused ? ">" : "[") : " ");
		x += screen_printf(s, slot.y, x, slot.x + slot.w - x, el,
				   "%s %s", app_knob_name((enum workspace_knob)k),
				   value);
		screen_text(s, slot.y, x, slot.x + slot.w - x, el,
			    sel ? (focused ? "<" : "]") : " ");
	}
}

/* ---- bars --------------------------------------------------------------- */

static const char *phase_tag(enum model_phase p)
{
	return p == PHASE_PREFILL ? "pre" : p == PHASE_DECODE ? "dec" : "sta";
}

/* Which terms get a row when the pane is short: the largest ones, kept in
 * model order. */
static size_t shown_terms(const struct app *a, int rows, bool *shown)
{
	size_t n = a->ws.models[0]->nterms;
	for (size_t t = 0; t < n; t++)
		shown[t] = true;
	size_t count = n;
	while (count > 0 && (int)count > rows) {
		size_t least = n;
		for (size_t t = 0; t < n; t++)
			if (shown[t] &&
			    (least == n ||
			     fabs(a->terms[t]) < fabs(a->terms[least])))
				least = t;
		shown[least] = false;
		count--;
	}
	return count;
}

static void term_row(const struct app *a, struct screen *s, int y,
		     const struct layout_rect *r, size_t t, int name_w,
		     int bar_w, double total, bool kinds)
{
	const struct model_term *term = &a->ws.models[0]->terms[t];
	int x = r->x;
	screen_text(s, y, x, 4, EL_DIM, phase_tag(term->phase));
	x += 4;
	screen_text(s, y, x, name_w, EL_DEFAULT, term->name);
	x += name_w + 1;
	if (kinds) {
		screen_text(s, y, x, 8, draw_kind_element(term->kind),
			    model_kind_name(term->kind));
		x += 8;
	}
	draw_bar(a, s, y, x, total > 0 ? bar_w * a->terms[t] / total : 0,
		 term->kind);
	char j[32];
	draw_joules(j, sizeof j, a->terms[t]);
	screen_printf(s, y, x + bar_w + 1, r->x + r->w - (x + bar_w + 1),
		      EL_DEFAULT, "%9s %5.1f%%", j,
		      total > 0 ? 100 * a->terms[t] / total : 0.0);
}

/* The total as one bar stacked from every term, in model order. */
static void total_row(const struct app *a, struct screen *s, int y, int x,
		      int bar_w, double total)
{
	double before = 0;
	for (size_t t = 0; t < a->ws.models[0]->nterms && total > 0; t++) {
		double after = before + a->terms[t];
		long from = lround(bar_w * before / total);
		long to = lround(bar_w * after / total);
		if (to > from)
			draw_bar(a, s, y, x + (int)from, (double)(to - from),
				 a->ws.models[0]->terms[t].kind);
		before = after;
	}
}

static void bars(const struct app *a, struct screen *s,
		 const struct layout_rect *r)
{
	char title[128], layout[32] = "-";
	if (a->rank.n)
		select_layout_name(&a->rank.c[a->cursor].layout, layout,
				   sizeof layout);
	snprintf(title, sizeof title, " Energy per request of %s, by term (%s)",
		 layout,
		 a->rank.n && a->cursor == a->rank.energy_best
			 ? "the energy-optimal layout"
			 : "the table's selected layout");
	draw_title(s, r, false, title);
	if (!a->rank.n)
		return;
	const struct model *m = a->ws.models[0];
	double total = 0;
	int name_w = 0;
	for (size_t t = 0; t < m->nterms; t++) {
		total += a->terms[t];
		int w = screen_width_of(m->terms[t].name);
		name_w = w > name_w ? w : name_w;
	}
	bool kinds = r->w >= 90;
	int bar_w = r->w - 4 - name_w - 1 - (kinds ? 8 : 0) - 17;
	if (bar_w < 4)
		bar_w = 4;
	bool shown[MODEL_MAX_TERMS];
	size_t n = shown_terms(a, r->h - 2, shown);
	int y = r->y + 1;
	for (size_t t = 0; t < m->nterms; t++)
		if (shown[t])
			term_row(a, s, y++, r, t, name_w, bar_w, total, kinds);
	int x = r->x + 4;
	screen_text(s, y, x, name_w, EL_TITLE, "total");
	if (n < m->nterms)
		screen_printf(s, y, x + 6, name_w - 6, EL_DIM, "(%zu hidden)",
			      m->nterms - n);
	x += name_w + 1 + (kinds ? 8 : 0);
	total_row(a, s, y, x, bar_w, total);
	char j[32];
	draw_joules(j, sizeof j, total);
	screen_printf(s, y, x + bar_w + 1, r->x + r->w - (x + bar_w + 1),
		      EL_TITLE, "%9s 100.0%%", j);
}

/* ---- table -------------------------------------------------------------- */

static void table_row(const struct app *a, struct screen *s, int y,
		      const struct layout_rect *r, size_t i)
{
	const struct select_result *R = &a->rank;
	const struct select_candidate *c = &R->c[i];
	const struct select_candidate *e = &R->c[R->energy_best];
	const struct select_candidate *t =
		R->latency_best >= 0 ? &R->c[R->latency_best] : NULL;
	bool cur = i == a->cursor;
	int el = cur ? EL_CURSOR : EL_DEFAULT;
	if (cur)
		screen_fill(s, y, r->x, r->w, el, " ");
	if (i == R->energy_best)
		screen_text(s, y, r->x, 1, cur ? el : EL_ENERGY_BEST,
			    draw_glyph(a, "★", "*"));
	if (R->latency_best == (long)i)
		screen_text(s, y, r->x + 1, 2, cur ? el : EL_LATENCY_BEST,
			    draw_glyph(a, "⚡", "!"));
	if (R->blend_best == (long)i && a->knobs.eta < 1 && a->knobs.eta > 0)
		screen_text(s, y, r->x + 3, 1, el, draw_glyph(a, "◆", "~"));
	char name[32], ej[32], ed[32], ts[32], td[32], mj[32];
	select_layout_name(&c->layout, name, sizeof name);
	if (cur)
		screen_text(s, y, r->x + 4, 1, el, ">");
	draw_unit_value(a, i, false, ej, sizeof ej);
	draw_delta(ed, sizeof ed, c->energy_j, e->energy_j);
	draw_seconds(ts, sizeof ts, c->latency_s);
	draw_delta(td, sizeof td, c->latency_s, t ? t->latency_s : NAN);
	draw_unit_value(a, i, true, mj, sizeof mj);
	/* the estimate's basis (p predicted, b both, m measured), # on a
	 * measurement in the other order than the fit predicts, and how
	 * likely it is the cheapest */
	static const char basis[] = "pbm";
	char pc[16];
	snprintf(pc, sizeof pc, isnan(c->p_cheapest) ? "-" : "%d%%",
		 workspace_percent(c->p_cheapest));
	screen_printf(s, y, r->x + 5, r->w - 5, el,
		      "%-8s %10s %c %8s %10s %8s %10s%c %5s", name, ej,
		      basis[c->basis < 3 ? c->basis : 0], ed, ts, td, mj,
		      c->disagrees ? '#' : ' ', pc);
}

static void table(const struct app *a, struct screen *s,
		  const struct layout_rect *r)
{
	char title[224], unit[32], beside[32];
	draw_unit_heading(a, false, unit, sizeof unit);
	draw_unit_heading(a, true, beside, sizeof beside);
	snprintf(title, sizeof title,
		 "     %-8s %10s   %8s %10s %8s %10s  %5s   %zu candidate%s "
		 "(%s)",
		 "layout", unit, "vs best", "latency", "vs best", beside,
		 "P(*)", a->rank.n, a->rank.n == 1 ? "" : "s",
		 a->knobs.gpus ? "power-of-two layouts that fit"
			       : "measured layouts");
	draw_title(s, r, a->focus == FOCUS_TABLE, title);
	if (!a->rank.n) {
		screen_text(s, r->y + 1, r->x + 1, r->w - 1, EL_WARN,
			    app_fit(a) && app_fit(a)->energy_status == FIT_OK
				    ? "no candidate layout at these knobs "
				      "(turn GPUs down to 'measured', or up)"
				    : "no fit for this workload's group, so "
				      "nothing to rank");
		return;
	}
	for (int row = 1; row < r->h; row++) {
		size_t i = a->table_top + (size_t)(row - 1);
		if (i >= a->rank.n)
			break;
		table_row(a, s, r->y + row, r, i);
	}
}

/* ---- banner ------------------------------------------------------------- */

static void banner(const struct app *a, struct screen *s,
		   const struct layout_rect *r)
{
	const struct select_result *R = &a->rank;
	if (!R->n)
		return;
	const struct fit_group *f = app_fit(a);
	char e[32], t[32], ej[32], ts[32];
	const struct select_candidate *E = &R->c[R->energy_best];
	select_layout_name(&E->layout, e, sizeof e);
	draw_joules(ej, sizeof ej, E->energy_j);
	/* how sure each optimum is: "t2p1, 71% sure; t4p1 is within
	 * noise" (workspace.h) */
	char esure[160], tsure[160];
	workspace_sure_text(R, false, esure, sizeof esure);
	workspace_sure_text(R, true, tsure, sizeof tsure);
	if (R->latency_best < 0) {
		screen_printf(s, r->y, 0, r->w, EL_WARN,
			      " %s %s is energy-optimal (%s). No latency fit "
			      "(%s), so no latency-optimal layout.",
			      draw_glyph(a, "★", "*"), esure, ej,
			      f ? f->latency.message : "-");
		return;
	}
	const struct select_candidate *T = &R->c[R->latency_best];
	select_layout_name(&T->layout, t, sizeof t);
	draw_seconds(ts, sizeof ts, T->latency_s);
	if (!R->diverge) {
		screen_fill(s, r->y, 0, r->w, EL_GOOD, " ");
		screen_printf(s, r->y, 0, r->w, EL_GOOD,
			      " %s%s %s is both energy-optimal (%s) and "
			      "latency-optimal (%s): no trade-off here.",
			      draw_glyph(a, "★", "*"), draw_glyph(a, "⚡", "!"),
			      e, ej, ts);
		if (r->h >= 2)
			screen_printf(s, r->y + 1, 0, r->w, EL_GOOD,
				      " %s %s   %s %s", draw_glyph(a, "★", "*"),
				      esure, draw_glyph(a, "⚡", "!"), tsure);
		return;
	}
	char tj[32], es[32];
	draw_joules(tj, sizeof tj, T->energy_j);
	draw_seconds(es, sizeof es, E->latency_s);
	for (int y = 0; y < r->h; y++)
		screen_fill(s, r->y + y, 0, r->w, EL_BANNER, " ");
	char first[400], second[256], third[700];
	snprintf(first, sizeof first,
		 " OPTIMA DIVERGE  %s energy-optimal %s: %s, %s per request.  "
		 "%s latency-optimal %s: %s, %s.",
		 draw_glyph(a, "★", "*"), e, ej, es, draw_glyph(a, "⚡", "!"), t,
		 tj, ts);
	snprintf(second, sizeof second,
		 " Fastest costs %+.1f%% energy (%+.3g J per request); "
		 "cheapest costs %+.1f%% latency.",
		 100 * R->energy_penalty, T->energy_j - E->energy_j,
		 100 * R->latency_penalty);
	snprintf(third, sizeof third, "%s   %s %s   %s %s", second,
		 draw_glyph(a, "★", "*"), esure, draw_glyph(a, "⚡", "!"),
		 tsure);
	if (r->h >= 2) {
		screen_text(s, r->y, 0, r->w, EL_BANNER, first);
		screen_text(s, r->y + 1, 0, r->w, EL_BANNER, third);
		return;
	}
	/* One row: what each choice costs, since that is the news, then
	 * how sure the cheapest is. */
	screen_printf(s, r->y, 0, r->w, EL_BANNER,
		      " OPTIMA DIVERGE: %s %s costs %+.1f%% energy, %s %s "
		      "costs %+.1f%% latency; %s %s",
		      draw_glyph(a, "⚡", "!"), t, 100 * R->energy_penalty,
		      draw_glyph(a, "★", "*"), e, 100 * R->latency_penalty,
		      draw_glyph(a, "★", "*"), esure);
}

void draw_main(const struct app *a, struct screen *s, const struct layout *l)
{
	workloads(a, s, &l->pane[PANE_WORKLOADS]);
	draw_knobs(a, s, &l->pane[PANE_KNOBS]);
	bars(a, s, &l->pane[PANE_BARS]);
	table(a, s, &l->pane[PANE_TABLE]);
	banner(a, s, &l->pane[PANE_BANNER]);
}
