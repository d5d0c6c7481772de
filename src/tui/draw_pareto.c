/* The Pareto front of the main view: every candidate layout as a point of
 * energy per request (up) against latency (across), both on log scales,
 * the front (no layout better in both) as a line, and the energy-optimal,
 * latency-optimal and best-blend layouts marked as in the table. Braille
 * dots under a UTF-8 locale, ASCII characters otherwise. The points are
 * the ranking's own (select.c's front, as rank --json gives it): drawing
 * computes no candidate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_internal.h"

struct pplot {
	int x, y, w, h;	       /* the area of dots, in cells */
	double x0, x1, y0, y1; /* log10 of the axes' ranges */
	unsigned char *dots;   /* per cell: braille bits */
	unsigned char *what;   /* per cell: POINT and FRONT bits */
};

enum { POINT = 1, FRONT = 2 };

/* A candidate's place in dots: dx across from the left, dy down. */
static void dot_of(const struct pplot *p, const struct select_candidate *c,
		   int *dx, int *dy)
{
	double fx = (log10(c->latency_s) - p->x0) / (p->x1 - p->x0);
	double fy = (log10(c->energy_j) - p->y0) / (p->y1 - p->y0);
	*dx = (int)lround(fx * (p->w * 2 - 1));
	*dy = (int)lround((1 - fy) * (p->h * 4 - 1));
}

static void set_dot(struct pplot *p, int dx, int dy, unsigned char what)
{
	static const unsigned char bits[4][2] = {
		{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	if (dx < 0 || dy < 0 || dx >= p->w * 2 || dy >= p->h * 4)
		return;
	int c = (dy / 4) * p->w + dx / 2;
	p->dots[c] |= bits[dy % 4][dx % 2];
	p->what[c] |= what;
}

/* The front between two of its points, dot by dot. */
static void segment(struct pplot *p, int x0, int y0, int x1, int y1)
{
	int n = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
	for (int i = 0; i <= n; i++)
		set_dot(p, x0 + (n ? (x1 - x0) * i / n : 0),
			y0 + (n ? (y1 - y0) * i / n : 0), FRONT);
}

static bool plotted(const struct select_candidate *c)
{
	return isfinite(c->latency_s) && c->latency_s > 0 &&
	       isfinite(c->energy_j) && c->energy_j > 0;
}

/* The axes' ranges, a little wider than the points so none sits on the
 * frame; false when no candidate has both an energy and a latency. */
static bool ranges(const struct select_result *R, struct pplot *p)
{
	p->x0 = p->y0 = INFINITY;
	p->x1 = p->y1 = -INFINITY;
	for (size_t i = 0; i < R->n; i++) {
		const struct select_candidate *c = &R->c[i];
		if (!plotted(c))
			continue;
		p->x0 = fmin(p->x0, log10(c->latency_s));
		p->x1 = fmax(p->x1, log10(c->latency_s));
		p->y0 = fmin(p->y0, log10(c->energy_j));
		p->y1 = fmax(p->y1, log10(c->energy_j));
	}
	if (!(p->x1 >= p->x0))
		return false;
	double px = fmax((p->x1 - p->x0) * 0.04, 0.01);
	double py = fmax((p->y1 - p->y0) * 0.04, 0.01);
	p->x0 -= px, p->x1 += px, p->y0 -= py, p->y1 += py;
	return true;
}

static int by_latency(const void *x, const void *y)
{
	const struct select_candidate *a =
		*(const struct select_candidate *const *)x;
	const struct select_candidate *b =
		*(const struct select_candidate *const *)y;
	return (a->latency_s > b->latency_s) - (a->latency_s < b->latency_s);
}

/* Every point, and the front joined from the fastest to the cheapest. */
static void points(const struct select_result *R, struct pplot *p)
{
	const struct select_candidate **front = malloc(R->n * sizeof *front);
	size_t nf = 0;
	for (size_t i = 0; i < R->n; i++) {
		const struct select_candidate *c = &R->c[i];
		if (!plotted(c))
			continue;
		int dx, dy;
		dot_of(p, c, &dx, &dy);
		set_dot(p, dx, dy, POINT);
		if (c->pareto && front)
			front[nf++] = c;
	}
	if (!front)
		return;
	qsort(front, nf, sizeof *front, by_latency);
	for (size_t i = 0; i + 1 < nf; i++) {
		int x0, y0, x1, y1;
		dot_of(p, front[i], &x0, &y0);
		dot_of(p, front[i + 1], &x1, &y1);
		segment(p, x0, y0, x1, y1);
	}
	if (nf == 1) {
		int dx, dy;
		dot_of(p, front[0], &dx, &dy);
		set_dot(p, dx, dy, FRONT);
	}
	free(front);
}

static void cell(const struct app *a, struct screen *s, const struct pplot *p,
		 int cx, int cy)
{
	int c = cy * p->w + cx;
	if (!p->what[c])
		return;
	int el = p->what[c] & FRONT ? EL_ENERGY_BEST : EL_DEFAULT;
	if (a->opt.utf8) {
		unsigned cp = 0x2800u + p->dots[c];
		char g[4] = {(char)(0xe0 | cp >> 12),
			     (char)(0x80 | ((cp >> 6) & 0x3f)),
			     (char)(0x80 | (cp & 0x3f)), '\0'};
		screen_text(s, p->y + cy, p->x + cx, 1, el, g);
	} else {
		screen_text(s, p->y + cy, p->x + cx, 1, el,
			    p->what[c] & FRONT ? "o" : ".");
	}
}

/* A mark over its candidate's cell, kept inside the plot. */
static void mark(const struct app *a, struct screen *s, const struct pplot *p,
		 const struct select_candidate *c, const char *utf8,
		 const char *ascii, int el)
{
	if (!plotted(c))
		return; /* no place on the axes */
	int dx, dy;
	dot_of(p, c, &dx, &dy);
	const char *g = draw_glyph(a, utf8, ascii);
	int w = screen_width_of(g), x = p->x + dx / 2;
	if (x + w > p->x + p->w)
		x = p->x + p->w - w;
	screen_text(s, p->y + dy / 4, x, w, el, g);
}

/* The marks last, as the table shows them: one layout that is several
 * of energy-optimal, latency-optimal and best blend gets their marks side
 * by side. */
static void marks(const struct app *a, struct screen *s, const struct pplot *p)
{
	const struct select_result *R = &a->rank;
	bool blend = R->blend_best >= 0 && a->knobs.eta > 0 && a->knobs.eta < 1;
	long who[3] = {(long)R->energy_best, R->latency_best,
		       blend ? R->blend_best : -1};
	static const char *const utf8[3] = {"★", "⚡", "◆"};
	static const char *const ascii[3] = {"*", "!", "~"};
	static const int el[3] = {EL_ENERGY_BEST, EL_LATENCY_BEST, EL_DEFAULT};
	for (int i = 2; i >= 0; i--) {
		if (who[i] < 0)
			continue;
		bool drawn = false; /* with an earlier mark of the same one */
		for (int j = 0; j < i; j++)
			drawn |= who[j] == who[i];
		if (drawn)
			continue;
		char g[32] = "", g8[32] = "";
		for (int j = i; j < 3; j++)
			if (who[j] == who[i]) {
				strcat(g8, utf8[j]);
				strcat(g, ascii[j]);
			}
		mark(a, s, p, &R->c[who[i]], g8, g, el[i]);
	}
}

static void axes(const struct app *a, struct screen *s, const struct pplot *p,
		 const struct layout_rect *r)
{
	char lo[32], hi[32];
	draw_joules(hi, sizeof hi, pow(10, p->y1));
	draw_joules(lo, sizeof lo, pow(10, p->y0));
	screen_printf(s, p->y, r->x, p->x - r->x - 1, EL_DIM, "%*s",
		      p->x - r->x - 1, hi);
	screen_printf(s, p->y + p->h - 1, r->x, p->x - r->x - 1, EL_DIM, "%*s",
		      p->x - r->x - 1, lo);
	for (int y = 0; y < p->h; y++)
		screen_text(s, p->y + y, p->x - 1, 1, EL_DIM,
			    draw_glyph(a, "│", "|"));
	int y = p->y + p->h;
	screen_fill(s, y, p->x - 1, p->w + 1, EL_DIM, draw_glyph(a, "─", "-"));
	draw_seconds(lo, sizeof lo, pow(10, p->x0));
	draw_seconds(hi, sizeof hi, pow(10, p->x1));
	y++;
	screen_text(s, y, p->x, p->w, EL_DIM, lo);
	int w = screen_width_of(hi);
	screen_text(s, y, p->x + p->w - w, w, EL_DIM, hi);
	const char *what = "latency";
	int ww = screen_width_of(what), lw = screen_width_of(lo);
	if (lw + ww + w + 2 <= p->w)
		screen_text(s, y, p->x + (p->w - ww) / 2, ww, EL_DIM, what);
}

void draw_pareto(const struct app *a, struct screen *s,
		 const struct layout_rect *r)
{
	const struct select_result *R = &a->rank;
	size_t nf = 0;
	for (size_t i = 0; i < R->n; i++)
		nf += R->c[i].pareto;
	char title[128];
	snprintf(title, sizeof title, " Pareto front %s %zu/%zu%s",
		 draw_glyph(a, "⠒", "o"), nf, R->n,
		 r->w >= 40 ? ": energy (up) against latency" : "");
	draw_title(s, r, false, title);
	/* the energy's labels left, the latency's two rows below */
	struct pplot p = {r->x + 9, r->y + 1, r->w - 10, r->h - 3, 0,
			  0,	    0,	      0,	 NULL,	   NULL};
	if (!R->n || p.w < 8 || p.h < 4)
		return;
	if (!ranges(R, &p)) {
		screen_text(s, r->y + 1, r->x + 1, r->w - 1, EL_DIM,
			    "no latency fit: nothing to plot");
		return;
	}
	p.dots = calloc((size_t)(p.w * p.h), 1);
	p.what = calloc((size_t)(p.w * p.h), 1);
	if (p.dots && p.what) {
		points(R, &p);
		for (int cy = 0; cy < p.h; cy++)
			for (int cx = 0; cx < p.w; cx++)
				cell(a, s, &p, cx, cy);
		axes(a, s, &p, r);
		marks(a, s, &p);
	}
	free(p.dots);
	free(p.what);
}
