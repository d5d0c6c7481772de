/* The fit view: the parameters of the workload's group with their
 * standard errors, predicted against measured energy, and how well each
 * workload of the group is served. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_internal.h"

/* A fitted parameter the data leave undetermined: its standard error
 * exceeds its value, so not even its sign is known. */
static bool uninformed(const struct fit_result *e, size_t p)
{
	return e->informed[p] && e->stderr_[p] > fabs(e->value[p]);
}

/* The title: the workload's own error first, then the group's, since
 * the group's can hide a workload it serves badly. */
static void params_title(const struct app *a, const struct fit_result *e,
			 char *title, size_t size)
{
	const struct workspace_served *own = app_own_fit(a);
	char r2[16], mine[64] = "";
	draw_r2(r2, sizeof r2, e->r2);
	if (own)
		snprintf(mine, sizeof mine,
			 "%.1f%% this workload (%zu run%s), ", 100 * own->mape,
			 own->runs, own->runs == 1 ? "" : "s");
	snprintf(title, size, " %s MAPE %s%.1f%% group (%zu run%s), R%s %s",
		 a->ws.models[0]->name, mine, 100 * e->mape, e->runs,
		 e->runs == 1 ? "" : "s", draw_glyph(a, "²", "2"), r2);
}

static void params(const struct app *a, struct screen *s,
		   const struct layout_rect *r, const struct fit_group *f)
{
	const struct model *m = a->ws.models[0];
	const struct fit_result *e = &f->energy;
	char title[240];
	params_title(a, e, title, sizeof title);
	draw_title(s, r, false, title);
	int y = r->y + 1;
	for (size_t p = 0; p < m->nparams && y < r->y + r->h - 1; p++, y++) {
		const struct model_param *P = &m->params[p];
		int x = r->x + 1;
		x += screen_printf(s, y, x, 9, EL_DEFAULT, "%-8s", P->name);
		x += screen_printf(s, y, x, 12, EL_KNOB, "%11.4g ",
				   e->value[p]);
		if (uninformed(e, p)) {
			x += screen_printf(
				s, y, x, 11, EL_DEFAULT, "%s %-8.2g ",
				draw_glyph(a, "±", "+-"), e->stderr_[p]);
			x += screen_text(s, y, x, r->x + r->w - x, EL_WARN,
					 "not informed by the data; ");
		} else if (e->informed[p]) {
			double rel =
				100 *
				(exp(sqrt(e->cov[p * e->nparams + p])) - 1);
			x += screen_printf(
				s, y, x, 22, EL_DEFAULT, "%s %-8.2g (%3.0f%%) ",
				draw_glyph(a, "±", "+-"), e->stderr_[p], rel);
		} else {
			x += screen_text(s, y, x, 22, EL_DIM,
					 "held at default      ");
		}
		screen_text(s, y, x, r->x + r->w - x, EL_DIM, P->unit);
	}
	if (y < r->y + r->h) {
		const struct fit_result *l = &f->latency;
		if (f->latency_status == FIT_OK)
			screen_printf(s, y, r->x + 1, r->w - 1, EL_DIM,
				      "latency: %s, %zu run%s, MAPE %.1f%%",
				      a->ws.models[1]->name, l->runs,
				      l->runs == 1 ? "" : "s", 100 * l->mape);
		else
			screen_printf(s, y, r->x + 1, r->w - 1, EL_WARN,
				      "latency: not fitted (%s)", l->message);
	}
}

/* ---- parity plot -------------------------------------------------------- */

struct plot {
	int x, y, w, h;	     /* the area of dots, in cells */
	double lo, hi;	     /* log10 of the axes' range, both axes alike */
	unsigned char *dots; /* per cell: braille bits */
	unsigned short *count;
	bool *mine; /* a point of the selected workload is in the cell */
};

static void plot_point(struct plot *p, double measured, double predicted,
		       bool mine)
{
	double fx = (log10(measured) - p->lo) / (p->hi - p->lo);
	double fy = (log10(predicted) - p->lo) / (p->hi - p->lo);
	if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1))
		return;
	int dx = (int)(fx * (p->w * 2 - 1) + 0.5);
	int dy = (int)((1 - fy) * (p->h * 4 - 1) + 0.5);
	int c = (dy / 4) * p->w + dx / 2;
	static const unsigned char bits[4][2] = {
		{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	p->dots[c] |= bits[dy % 4][dx % 2];
	p->count[c]++;
	p->mine[c] |= mine;
}

static void plot_cell(const struct app *a, struct screen *s,
		      const struct plot *p, int cx, int cy)
{
	int c = cy * p->w + cx;
	int el = p->mine[c] ? EL_ENERGY_BEST : EL_DEFAULT;
	if (!p->count[c]) {
		/* the diagonal, where prediction equals measurement */
		if (p->h - 1 - cy == (int)((double)cx * p->h / p->w))
			screen_text(s, p->y + cy, p->x + cx, 1, EL_DIM,
				    draw_glyph(a, "·", "."));
		return;
	}
	if (a->opt.utf8) {
		unsigned cp = 0x2800u + p->dots[c];
		char g[4] = {(char)(0xe0 | cp >> 12),
			     (char)(0x80 | ((cp >> 6) & 0x3f)),
			     (char)(0x80 | (cp & 0x3f)), '\0'};
		screen_text(s, p->y + cy, p->x + cx, 1, el, g);
	} else {
		const char *g = p->count[c] == 1  ? "."
				: p->count[c] < 4 ? "o"
						  : "@";
		screen_text(s, p->y + cy, p->x + cx, 1, el, g);
	}
}

static void parity(const struct app *a, struct screen *s,
		   const struct layout_rect *r)
{
	draw_title(s, r, false, " Predicted (up) vs measured (across), J");
	const struct dataset_rows *rows = &a->ws.ds.groups[a->group].energy;
	const double *pred = a->errors.pred;
	struct plot p = {r->x + 8, r->y + 1, r->w - 9, r->h - 3, 0,
			 0,	   NULL,     NULL,     NULL};
	if (p.w < 4 || p.h < 3 || rows->n == 0 || !a->errors_valid ||
	    a->errors.npred != rows->n)
		return;
	p.dots = calloc((size_t)(p.w * p.h), 1);
	p.count = calloc((size_t)(p.w * p.h), sizeof *p.count);
	p.mine = calloc((size_t)(p.w * p.h), sizeof *p.mine);
	if (p.dots && p.count && p.mine) {
		p.lo = INFINITY, p.hi = -INFINITY;
		for (size_t i = 0; i < rows->n; i++) {
			double v[2] = {rows->y[i], pred[i]};
			for (int k = 0; k < 2; k++)
				if (v[k] > 0 && isfinite(v[k])) {
					p.lo = fmin(p.lo, log10(v[k]));
					p.hi = fmax(p.hi, log10(v[k]));
				}
		}
		if (p.hi <= p.lo)
			p.hi = p.lo + 1;
		for (size_t i = 0; i < rows->n; i++)
			plot_point(&p, rows->y[i], pred[i],
				   a->ws.set.runs[rows->run[i]].workload ==
					   a->workload);
		for (int cy = 0; cy < p.h; cy++)
			for (int cx = 0; cx < p.w; cx++)
				plot_cell(a, s, &p, cx, cy);
		char lo[32], hi[32];
		draw_joules(lo, sizeof lo, pow(10, p.lo));
		draw_joules(hi, sizeof hi, pow(10, p.hi));
		screen_printf(s, p.y, r->x, 8, EL_DIM, "%7s", hi);
		screen_printf(s, p.y + p.h - 1, r->x, 8, EL_DIM, "%7s", lo);
		screen_text(s, p.y + p.h, p.x, 10, EL_DIM, lo);
		screen_text(s, p.y + p.h, p.x + p.w - screen_width_of(hi), 12,
			    EL_DIM, hi);
		screen_text(s, p.y + p.h + 1, r->x + 1, r->w - 1, EL_DIM,
			    "highlighted: the selected workload's runs");
	}
	free(p.dots);
	free(p.count);
	free(p.mine);
}

/* ---- residuals by workload ---------------------------------------------- */

static void residuals(const struct app *a, struct screen *s,
		      const struct layout_rect *r)
{
	if (!a->errors_valid)
		return;
	const struct workspace_served *v = a->errors.served;
	size_t nw = a->errors.nserved;
	char title[160];
	snprintf(title, sizeof title,
		 " Error by workload, worst first (%zu workload%s; bias: "
		 "predicted over measured, -50%% .. +50%%)",
		 nw, nw == 1 ? "" : "s");
	draw_title(s, r, false, title);
	int first = a->scroll[VIEW_FIT];
	if (first > (int)nw - 1)
		first = nw ? (int)nw - 1 : 0;
	int bar_w = r->w - 52;
	for (int row = 1; row < r->h; row++) {
		size_t k = (size_t)first + (size_t)(row - 1);
		if (k >= nw)
			break;
		const struct profile_workload *W =
			&a->ws.set.workloads[v[k].workload];
		int y = r->y + row;
		int el = v[k].workload == a->workload ? EL_CURSOR : EL_DEFAULT;
		int el_mape = v[k].mape > 0.2 ? EL_WARN : el;
		char name[96];
		snprintf(name, sizeof name, "%s %s", W->name ? W->name : "-",
			 draw_model_short(W->model));
		screen_printf(s, y, r->x + 1, 32, el, "%-31s", name);
		screen_printf(s, y, r->x + 33, 9, el, "%4zu run%s", v[k].runs,
			      v[k].runs == 1 ? "" : "s");
		screen_printf(s, y, r->x + 42, 9, el_mape, "%6.1f%%",
			      100 * v[k].mape);
		if (bar_w < 8)
			continue;
		int mid = r->x + 51 + bar_w / 2;
		screen_text(s, y, mid, 1, EL_DIM, "|");
		double b = exp(v[k].bias) - 1;
		double len = fmin(fabs(b) / 0.5, 1) * (bar_w / 2 - 1);
		if (b > 0)
			draw_bar(a, s, y, mid + 1, len, KIND_COMPUTE);
		else if (len >= 0.5)
			draw_bar(a, s, y, mid - (int)lround(len),
				 (double)lround(len), KIND_MEMORY);
	}
}

void draw_fit(const struct app *a, struct screen *s, const struct layout *l)
{
	const struct fit_group *f = app_fit(a);
	if (!f || f->energy_status != FIT_OK) {
		const struct layout_rect *r = &l->pane[PANE_PARAMS];
		draw_title(s, r, false, " No fit");
		screen_text(s, r->y + 1, 1, r->w - 1, EL_WARN,
			    f ? f->energy.message
			      : "no run of this workload can be fitted");
		return;
	}
	params(a, s, &l->pane[PANE_PARAMS], f);
	parity(a, s, &l->pane[PANE_PARITY]);
	residuals(a, s, &l->pane[PANE_RESIDUALS]);
}
