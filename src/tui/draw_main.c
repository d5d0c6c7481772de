/* The main view: workloads, knobs, term bars, the layout table and the
 * divergence banner. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_internal.h"
#include "terms.h"

/* The columns of the character starting at s, of len bytes. */
static int char_width(const char *s, size_t len)
{
	char c[8];
	snprintf(c, sizeof c, "%.*s", (int)(len < 7 ? len : 7), s);
	return screen_width_of(c);
}

/* text in at most width columns, cut in the middle where it is too long
 * ("Qwen3-235B…Instruct"), since both ends tell models apart; one pass
 * over its characters, as it runs for every row of every frame */
static void middle(const struct app *a, char *buf, size_t size,
		   const char *text, int width)
{
	snprintf(buf, size, "%s", text);
	int total = screen_width_of(buf);
	if (total <= width || width < 1)
		return;
	const char *dots = draw_glyph(a, "…", "...");
	int dots_w = screen_width_of(dots);
	if (width <= dots_w) {
		snprintf(buf, size, "%.*s", width, dots);
		return;
	}
	int head = (width - dots_w + 1) / 2, tail = width - dots_w - head;
	/* whole characters: a UTF-8 sequence's lead byte starts one */
	size_t len = strlen(text), h = 0, t = len;
	int w = 0;
	for (size_t i = 0; i < len;) {
		size_t n = 1;
		while (i + n < len &&
		       ((unsigned char)text[i + n] & 0xc0) == 0x80)
			n++;
		int cw = char_width(text + i, n);
		/* the head ends where it would pass head columns; the tail
		 * starts where what is left fits in tail */
		if (w + cw <= head && h == i)
			h = i + n;
		if (t == len && total - w <= tail)
			t = i;
		w += cw;
		i += n;
	}
	snprintf(buf, size, "%.*s%s%s", (int)h, text, dots, text + t);
}

/* The widest workload name (model: model) among the rows shown, in
 * columns. */
static int longest(const struct app *a, int rows, bool model)
{
	int w = 0;
	for (size_t i = a->list_top;
	     i < a->list.n && i < a->list_top + (size_t)rows; i++) {
		long k = a->list.rows[i].workload;
		if (k < 0)
			continue;
		const struct profile_workload *W = &a->ws.set.workloads[k];
		const char *text = model ? draw_model_short(W->model) : W->name;
		int n = text ? screen_width_of(text) : 1;
		w = n > w ? n : w;
	}
	return w;
}

/* A hardware group's title: its hardware in full and how many. */
static void group_row(const struct app *a, struct screen *s, int y,
		      const struct layout_rect *r, const struct wlist_row *row)
{
	screen_printf(s, y, r->x, r->w, EL_DIM, "%s %s (%zu)",
		      draw_glyph(a, "──", "--"),
		      row->hardware ? row->hardware : "hardware not given",
		      row->count);
}

/* A workload's row: its task name and its model, both whole when they
 * fit and else cut in the middle (the hardware is its group's title). */
static void workload_row(const struct app *a, struct screen *s, int y,
			 const struct layout_rect *r, size_t w, int name_w)
{
	const struct profile_workload *W = &a->ws.set.workloads[w];
	bool cur = w == a->workload;
	int el = cur ? EL_CURSOR : EL_DEFAULT;
	if (cur)
		screen_fill(s, y, r->x, r->w, el, " ");
	/* a mark a snapshot shows where colour cannot */
	int x = r->x + screen_text(s, y, r->x, 1, el, cur ? ">" : " ");
	char buf[256];
	middle(a, buf, sizeof buf, W->name ? W->name : "-", name_w);
	screen_text(s, y, x, name_w, el, buf);
	x += name_w + 1;
	middle(a, buf, sizeof buf, draw_model_short(W->model), r->x + r->w - x);
	screen_text(s, y, x, r->x + r->w - x, el, buf);
}

static void workloads(const struct app *a, struct screen *s,
		      const struct layout_rect *r)
{
	char title[128], at[32] = "-";
	size_t k = wlist_ordinal(&a->list, a->workload);
	if (k)
		snprintf(at, sizeof at, "%zu", k);
	int n = snprintf(title, sizeof title, " Workloads %s/%zu", at,
			 a->list.shown);
	if (a->filter[0] && n > 0)
		snprintf(title + n, sizeof title - (size_t)n, " & %s",
			 a->filter);
	draw_title(s, r, a->focus == FOCUS_WORKLOADS, title);
	/* the name takes what it needs, up to three fifths of the row (it
	 * tells the tasks apart, the model those of one task), or all that
	 * the models leave */
	int name_w = longest(a, r->h - 1, false), most = (r->w - 2) * 3 / 5;
	int left = r->w - 2 - longest(a, r->h - 1, true);
	most = left > most ? left : most;
	name_w = name_w > most ? most : name_w;
	for (int row = 1; row < r->h; row++) {
		size_t i = a->list_top + (size_t)(row - 1);
		if (i >= a->list.n)
			break;
		const struct wlist_row *L = &a->list.rows[i];
		if (L->workload < 0)
			group_row(a, s, r->y + row, r, L);
		else
			workload_row(a, s, r->y + row, r, (size_t)L->workload,
				     name_w);
	}
	if (!a->list.shown)
		screen_text(s, r->y + 1, r->x + 1, r->w - 1, EL_WARN,
			    "no workload");
}

/* ---- bars --------------------------------------------------------------- */

static const char *phase_tag(enum model_phase p)
{
	return p == PHASE_PREFILL ? "pre" : p == PHASE_DECODE ? "dec" : "sta";
}

/* The rows of the bars: a term's (t < n) or the folded ones' (t == n). */
struct bar_rows {
	size_t n, folded;
	bool shown[MODEL_MAX_TERMS];
	double other[2]; /* the folded terms' sum, per term set */
	const double *sets[2];
	int nsets;
	int name_w;
};

static void plan_rows(const struct app *a, int rows, struct bar_rows *b)
{
	const struct model *m = a->ws.models[0];
	b->n = m->nterms;
	b->nsets = app_bar_sets(a, b->sets);
	b->folded = terms_fold(b->sets, (size_t)b->nsets, b->n, rows, b->shown);
	b->other[0] = b->other[1] = 0;
	b->name_w = 0;
	for (size_t t = 0; t < b->n; t++) {
		for (int i = 0; i < b->nsets && !b->shown[t]; i++)
			b->other[i] += b->sets[i][t];
		int w = screen_width_of(m->terms[t].name);
		b->name_w = w > b->name_w ? w : b->name_w;
	}
}

static double value_of(const struct bar_rows *b, int set, size_t t)
{
	return t < b->n ? b->sets[set][t] : b->other[set];
}

static double total_of(const struct bar_rows *b, int set)
{
	double total = 0;
	for (size_t t = 0; t < b->n; t++)
		total += b->sets[set][t];
	return total;
}

/* A row's phase and name ("other terms (7)" for the folded ones). */
static void row_name(const struct app *a, struct screen *s, int y, int x,
		     int name_w, const struct bar_rows *b, size_t t)
{
	if (t == b->n) {
		screen_printf(s, y, x + 4, name_w, EL_DIM, "other terms (%zu)",
			      b->folded);
		return;
	}
	const struct model_term *term = &a->ws.models[0]->terms[t];
	screen_text(s, y, x, 4, EL_DIM, phase_tag(term->phase));
	screen_text(s, y, x + 4, name_w, EL_DEFAULT, term->name);
}

/* A term's bar; the folded ones' in the dim style, as no one kind. */
static void row_bar(const struct app *a, struct screen *s, int y, int x,
		    double length, const struct bar_rows *b, size_t t)
{
	if (t < b->n) {
		draw_bar(a, s, y, x, length, a->ws.models[0]->terms[t].kind);
		return;
	}
	int n = (int)lround(length);
	if (length > 0)
		screen_fill(s, y, x, n > 0 ? n : 1, EL_DIM,
			    draw_glyph(a, "░", ":"));
}

static void term_row(const struct app *a, struct screen *s, int y,
		     const struct layout_rect *r, const struct bar_rows *b,
		     size_t t, int bar_w, double total, bool kinds)
{
	int x = r->x;
	row_name(a, s, y, x, b->name_w, b, t);
	x += 4 + b->name_w + 1;
	if (kinds) {
		if (t < b->n) {
			enum model_kind k = a->ws.models[0]->terms[t].kind;
			screen_text(s, y, x, 8, draw_kind_element(k),
				    model_kind_name(k));
		}
		x += 8;
	}
	double v = value_of(b, 0, t);
	row_bar(a, s, y, x, total > 0 ? bar_w * v / total : 0, b, t);
	char j[32];
	draw_joules(j, sizeof j, v);
	screen_printf(s, y, x + bar_w + 1, r->x + r->w - (x + bar_w + 1),
		      EL_DEFAULT, "%9s %5.1f%%", j,
		      total > 0 ? 100 * v / total : 0.0);
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

/* "+132 J": what the latency-optimal layout adds to a term. */
static void signed_joules(char *buf, size_t size, double d)
{
	size_t plus = d > 0 && size > 1;
	if (plus)
		buf[0] = '+';
	draw_joules(buf + plus, size - plus, d);
}

/* One row of the comparison: the energy-optimal layout's joules and bar,
 * the latency-optimal one's, and the difference. */
static void compare_row(const struct app *a, struct screen *s, int y,
			const struct layout_rect *r, const struct bar_rows *b,
			size_t t, int name_w, int bar_w, double scale)
{
	int x = r->x, end = r->x + r->w;
	if (t <= b->n)
		row_name(a, s, y, x, name_w, b, t);
	else
		screen_text(s, y, x + 4, name_w, EL_TITLE, "total");
	x += 4 + name_w + 1;
	double v[2];
	for (int i = 0; i < 2; i++)
		v[i] = t <= b->n ? value_of(b, i, t) : total_of(b, i);
	for (int i = 0; i < 2; i++) {
		char j[32];
		draw_joules(j, sizeof j, v[i]);
		x += screen_printf(s, y, x, end - x,
				   t > b->n ? EL_TITLE : EL_DEFAULT, "%9s ", j);
		if (t < b->n + 1 && bar_w > 0)
			row_bar(a, s, y, x,
				scale > 0 ? bar_w * v[i] / scale : 0, b, t);
		x += bar_w;
		if (i == 0)
			x += screen_text(s, y, x, end - x, EL_DIM,
					 draw_glyph(a, " → ", " ->"));
	}
	char d[32];
	signed_joules(d, sizeof d, v[1] - v[0]);
	int el = v[1] - v[0] > 0.005 * fmax(v[0], 1e-300) ? EL_WARN : EL_DIM;
	screen_printf(s, y, x, end - x, t > b->n ? EL_TITLE : el, " %9s", d);
}

/* Where the fastest layout's extra energy goes: both optima term by term,
 * side by side (the bars on one scale). */
static void compare(const struct app *a, struct screen *s,
		    const struct layout_rect *r, const struct bar_rows *b)
{
	const struct select_result *R = &a->rank;
	char e[32], t[32], title[160];
	select_layout_name(&R->c[R->energy_best].layout, e, sizeof e);
	select_layout_name(&R->c[R->latency_best].layout, t, sizeof t);
	snprintf(title, sizeof title,
		 " %s %s against %s %s, term by term: where the fastest "
		 "layout's energy goes (c: back)",
		 draw_glyph(a, "★", "*"), e, draw_glyph(a, "⚡", "!"), t);
	if (screen_width_of(title) > r->w)
		snprintf(title, sizeof title,
			 " %s %s against %s %s, term by term (c: back)",
			 draw_glyph(a, "★", "*"), e, draw_glyph(a, "⚡", "!"),
			 t);
	draw_title(s, r, false, title);
	/* numbers first: the name gives way, then the bars */
	int fixed = 4 + 1 + 10 + 3 + 10 + 10;
	int name_w = b->name_w;
	if (r->w - fixed - name_w < 0)
		name_w = r->w - fixed > 12 ? r->w - fixed : 12;
	int bar_w = (r->w - fixed - name_w) / 2;
	bar_w = bar_w > 40 ? 40 : bar_w < 0 ? 0 : bar_w;
	double scale = 0;
	for (size_t i = 0; i <= b->n; i++)
		if (i < b->n ? b->shown[i] : b->folded > 0)
			for (int k = 0; k < 2; k++)
				scale = fmax(scale, value_of(b, k, i));
	int y = r->y + 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->shown[i])
			compare_row(a, s, y++, r, b, i, name_w, bar_w, scale);
	if (b->folded)
		compare_row(a, s, y++, r, b, b->n, name_w, bar_w, scale);
	compare_row(a, s, y, r, b, b->n + 1, name_w, bar_w, scale);
}

static void bars(const struct app *a, struct screen *s,
		 const struct layout_rect *r)
{
	struct bar_rows b;
	plan_rows(a, r->h - 2, &b); /* less the title and the total */
	if (b.nsets == 2) {
		compare(a, s, r, &b);
		return;
	}
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
	double total = total_of(&b, 0);
	bool kinds = r->w >= 90;
	int bar_w = r->w - 4 - b.name_w - 1 - (kinds ? 8 : 0) - 17;
	if (bar_w < 4)
		bar_w = 4;
	int y = r->y + 1;
	for (size_t t = 0; t < b.n; t++)
		if (b.shown[t])
			term_row(a, s, y++, r, &b, t, bar_w, total, kinds);
	if (b.folded)
		term_row(a, s, y++, r, &b, b.n, bar_w, total, kinds);
	int x = r->x + 4;
	screen_text(s, y, x, b.name_w, EL_TITLE, "total");
	x += b.name_w + 1 + (kinds ? 8 : 0);
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
	 * likely it is the cheapest; the measured column and the chance only
	 * where the row has room for them (the chance first) */
	static const char basis[] = "pbm";
	char pc[16];
	snprintf(pc, sizeof pc, isnan(c->p_cheapest) ? "-" : "%d%%",
		 workspace_percent(c->p_cheapest));
	screen_printf(s, y, r->x + 5, r->w - 5, el,
		      "%-8s %9s %c %7s %9s %8s", name, ej,
		      basis[c->basis < 3 ? c->basis : 0], ed, ts, td);
	if (r->w >= LAYOUT_TABLE_WIDTH)
		screen_printf(s, y, r->x + 52, r->w - 52, el, " %10s%c %5s", mj,
			      c->disagrees ? '#' : ' ', pc);
	else if (r->w >= LAYOUT_TABLE_MID)
		screen_printf(s, y, r->x + 52, r->w - 52, el, " %5s", pc);
}

/* title_w: the table's title may run over the Pareto plot beside it */
static void table(const struct app *a, struct screen *s,
		  const struct layout_rect *r, int title_w)
{
	char title[224], unit[32], beside[32], measured[40] = "";
	draw_unit_heading(a, false, unit, sizeof unit);
	draw_unit_heading(a, true, beside, sizeof beside);
	/* the measured column only where the rows have room for it */
	if (r->w >= LAYOUT_TABLE_WIDTH)
		snprintf(measured, sizeof measured, " %10s  %5s", beside,
			 "P(*)");
	else if (r->w >= LAYOUT_TABLE_MID)
		snprintf(measured, sizeof measured, " %5s", "P(*)");
	snprintf(title, sizeof title,
		 "     %-8s %9s   %7s %9s %8s%s   %zu candidate%s (%s)",
		 "layout", unit, "vs best", "latency", "vs best", measured,
		 a->rank.n, a->rank.n == 1 ? "" : "s",
		 a->knobs.gpus ? "power-of-two layouts that fit"
			       : "measured layouts");
	struct layout_rect top = {r->y, r->x, 1, title_w};
	draw_title(s, &top, a->focus == FOCUS_TABLE, title);
	if (!a->rank.n) {
		/* why, in words that say what to turn */
		char why[1][160], rows[6][160];
		draw_no_layout(a, &a->knobs.at, why[0], sizeof why[0]);
		int n = draw_wrap(rows, 6, why, 1, r->w - 1);
		for (int i = 0; i < n && 1 + i < r->h; i++)
			screen_text(s, r->y + 1 + i, r->x + 1, r->w - 1,
				    EL_WARN, rows[i]);
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
	 * how sure the cheapest is; on a narrow screen in fewer words, so
	 * that the confidence is not cut off. */
	double pe = E->p_cheapest;
	if (r->w < 120 && isfinite(pe)) {
		screen_printf(s, r->y, 0, r->w, EL_BANNER,
			      " OPTIMA DIVERGE: %s %s %+.1f%% energy, %s %s "
			      "%+.1f%% latency; %s %d%% sure",
			      draw_glyph(a, "⚡", "!"), t,
			      100 * R->energy_penalty, draw_glyph(a, "★", "*"),
			      e, 100 * R->latency_penalty,
			      draw_glyph(a, "★", "*"), workspace_percent(pe));
		return;
	}
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
	const struct layout_rect *t = &l->pane[PANE_TABLE],
				 *p = &l->pane[PANE_PARETO];
	table(a, s, t, p->h ? p->x + p->w - t->x : t->w);
	if (l->pane[PANE_PARETO].h)
		draw_pareto(a, s, &l->pane[PANE_PARETO]);
	banner(a, s, &l->pane[PANE_BANNER]);
}
