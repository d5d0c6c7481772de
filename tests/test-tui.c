/* The explorer without a terminal: the layout at every size, the
 * in-memory screen, key scripts, and the app driven by keys and drawn at
 * many sizes (on the sample profiles). */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/app_internal.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/screen.h"
#include "tui/terms.h"
#include "tui/wlist.h"
#include "unit.h"

static bool overlap(const struct layout_rect *a, const struct layout_rect *b)
{
	return a->h && b->h && a->x < b->x + b->w && b->x < a->x + a->w &&
	       a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Every size from the smallest to 250 x 90: panes inside the screen, none
 * over another, and the ones each view needs present. */
static void test_layout_every_size(void)
{
	static const int needed[VIEW_COUNT][6] = {
		{PANE_HEADER, PANE_STATUS, PANE_WORKLOADS, PANE_KNOBS,
		 PANE_BARS, PANE_TABLE},
		{PANE_HEADER, PANE_STATUS, PANE_KNOBS, PANE_MAP, PANE_CELL,
		 PANE_CELL},
		{PANE_HEADER, PANE_STATUS, PANE_PARAMS, PANE_PARITY,
		 PANE_RESIDUALS, PANE_RESIDUALS},
		{PANE_HEADER, PANE_STATUS, PANE_HELP, PANE_HELP, PANE_HELP,
		 PANE_HELP},
	};
	for (int v = 0; v < VIEW_COUNT; v++)
		for (int w = 1; w <= 250; w++)
			for (int h = 1; h <= 90; h++) {
				struct layout l;
				layout_compute((enum layout_view)v, w, h, 11, 6,
					       &l);
				bool small = w < LAYOUT_MIN_WIDTH ||
					     h < LAYOUT_MIN_HEIGHT;
				ASSERT_MSG(l.too_small == small,
					   "view %d at %dx%d: too_small %d", v,
					   w, h, l.too_small);
				for (int p = 0; p < PANE_COUNT; p++) {
					const struct layout_rect *r =
						&l.pane[p];
					if (small)
						ASSERT(r->h == 0);
					if (!r->h)
						continue;
					ASSERT_MSG(r->y >= 0 && r->x >= 0 &&
							   r->y + r->h <= h &&
							   r->x + r->w <= w &&
							   r->w > 0,
						   "view %d at %dx%d: pane %d "
						   "leaves the screen",
						   v, w, h, p);
					for (int q = p + 1; q < PANE_COUNT; q++)
						ASSERT_MSG(
							!overlap(r, &l.pane[q]),
							"view %d at %dx%d: "
							"panes %d and %d "
							"overlap",
							v, w, h, p, q);
				}
				for (int i = 0; !small && i < 6; i++)
					ASSERT_MSG(
						l.pane[needed[v][i]].h > 0,
						"view %d at %dx%d: no pane %d",
						v, w, h, needed[v][i]);
			}
}

/* The main view gives the table a header and at least 8 layouts at
 * 80 x 24, the bars what is left (the minor terms folded, when that
 * gives the layouts more rows), and all the terms their bars once the
 * screen is tall enough. */
static void test_layout_main_rows(void)
{
	struct layout l;
	layout_compute(VIEW_MAIN, 80, 24, 11, 11, &l);
	ASSERT(l.pane[PANE_TABLE].h >= 1 + LAYOUT_MIN_LAYOUTS);
	ASSERT_INT_EQ(l.pane[PANE_BARS].h, 10);
	/* five rows folded: two more rows go to the layouts */
	layout_compute(VIEW_MAIN, 80, 24, 11, 5, &l);
	ASSERT_INT_EQ(l.pane[PANE_BARS].h, 7);
	ASSERT_INT_EQ(l.pane[PANE_TABLE].h, 12);
	/* ...but a screen with room for every term shows every term */
	layout_compute(VIEW_MAIN, 80, 40, 11, 5, &l);
	ASSERT_INT_EQ(l.pane[PANE_BARS].h, 13);
	ASSERT(l.pane[PANE_WORKLOADS].w >= 26);
	layout_compute(VIEW_MAIN, 200, 60, 11, 11, &l);
	ASSERT(l.pane[PANE_BARS].h == 13);
	ASSERT(l.pane[PANE_TABLE].h >= 30);
	ASSERT(layout_pane_at(&l, l.pane[PANE_TABLE].y, l.pane[PANE_TABLE].x) ==
	       PANE_TABLE);
	ASSERT(layout_pane_at(&l, -1, 0) == -1);
}

/* The Pareto plot: beside the table at 120 x 40 (the table keeps its
 * columns), not at 80 x 24, and never over another pane (every size is
 * in test_layout_every_size). */
static void test_layout_pareto(void)
{
	struct layout l;
	layout_compute(VIEW_MAIN, 120, 40, 11, 5, &l);
	const struct layout_rect *p = &l.pane[PANE_PARETO],
				 *t = &l.pane[PANE_TABLE];
	ASSERT(p->h >= LAYOUT_PARETO_MIN_H && p->w >= LAYOUT_PARETO_MIN_W);
	ASSERT(t->w >= LAYOUT_TABLE_MID);
	/* below the table's title, which counts the candidates over it */
	ASSERT(p->y == t->y + 1 && p->x > t->x + t->w - 1);
	ASSERT(l.pane[PANE_TABLE].h >= 1 + LAYOUT_MIN_LAYOUTS);
	ASSERT_INT_EQ(l.pane[PANE_BARS].h, 13);
	layout_compute(VIEW_MAIN, 80, 24, 11, 5, &l);
	ASSERT_INT_EQ(l.pane[PANE_PARETO].h, 0);
	layout_compute(VIEW_MAP, 120, 40, 11, 5, &l);
	ASSERT_INT_EQ(l.pane[PANE_PARETO].h, 0);
}

/* Terms at 0 J or under 0.1% fold into one row, only when the rows are
 * too few for all, and the largest terms keep theirs. */
static void test_terms_fold(void)
{
	/* the synthetic sweep's t2p1 at batch 64, input 1k, output 256 */
	static const double t[11] = {177,    0.0268, 0,	   84.4, 0.0265, 0.011,
				     0.0067, 0,	     25.1, 8.11, 0.113};
	const double *sets[1] = {t};
	bool shown[11];
	ASSERT_INT_EQ(terms_folded_rows(sets, 1, 11), 5);
	ASSERT_INT_EQ(terms_fold(sets, 1, 11, 11, shown), 0);
	ASSERT_INT_EQ(terms_fold(sets, 1, 11, 8, shown), 7);
	ASSERT(shown[0] && shown[3] && shown[8] && shown[9]);
	ASSERT(!shown[1] && !shown[2] && !shown[10]);
	/* fewer rows still: the smallest of the rest fold too */
	ASSERT_INT_EQ(terms_fold(sets, 1, 11, 3, shown), 9);
	ASSERT(shown[0] && shown[3] && !shown[8]);
	/* comparing, a term minor in one set and not the other stays */
	double u[11];
	memcpy(u, t, sizeof u);
	u[10] = 30; /* static power grows with the faster layout */
	const double *two[2] = {t, u};
	ASSERT_INT_EQ(terms_folded_rows(two, 2, 11), 6);
	ASSERT_INT_EQ(terms_fold(two, 2, 11, 8, shown), 6);
	ASSERT(shown[10]);
}

static const struct profile_workload wl_gpqa_h100 = {
	.name = "gpqa", .model = "Qwen/Qwen3-14B", .hardware = "H100"};
static const struct profile_workload wl_gpqa_b200 = {
	.name = "gpqa", .model = "Qwen/Qwen3-14B", .hardware = "B200"};
static const struct profile_workload wl_chat_h100 = {
	.name = "chat", .model = "google/gemma-3-27b-it", .hardware = "H100"};

/* A search of several words: every word must match (in any field, in any
 * case); the list is grouped by hardware and keeps only matches. */
static void test_wlist(void)
{
	ASSERT(wlist_matches(&wl_gpqa_h100, "gpqa h100"));
	ASSERT(wlist_matches(&wl_gpqa_h100, "  H100   GPQA "));
	ASSERT(!wlist_matches(&wl_gpqa_b200, "gpqa h100"));
	ASSERT(!wlist_matches(&wl_chat_h100, "gpqa h100"));
	ASSERT(wlist_matches(&wl_chat_h100, ""));
	ASSERT(wlist_matches(&wl_chat_h100, NULL));
	struct profile_workload ws[3] = {wl_gpqa_h100, wl_gpqa_b200,
					 wl_chat_h100};
	struct profile_set set;
	memset(&set, 0, sizeof set);
	set.workloads = ws;
	set.workload_count = 3;
	struct wlist l;
	ASSERT(wlist_build(&l, &set, NULL));
	/* B200 first (by name), then H100 with both of its workloads */
	ASSERT_INT_EQ(l.n, 5);
	ASSERT_INT_EQ(l.shown, 3);
	ASSERT(l.rows[0].workload == -1 && l.rows[0].count == 1 &&
	       strcmp(l.rows[0].hardware, "B200") == 0);
	ASSERT(l.rows[1].workload == 1);
	ASSERT(l.rows[2].workload == -1 && l.rows[2].count == 2);
	ASSERT(l.rows[3].workload == 0 && l.rows[4].workload == 2);
	ASSERT_INT_EQ(wlist_step(&l, 1, 1), 0);
	ASSERT_INT_EQ(wlist_step(&l, 0, 5), 2);
	ASSERT_INT_EQ(wlist_step(&l, 0, -5), 1);
	ASSERT_INT_EQ(wlist_ordinal(&l, 2), 3);
	ASSERT_INT_EQ(wlist_first(&l), 1);
	wlist_free(&l);
	ASSERT(wlist_build(&l, &set, "GPQA h100"));
	ASSERT_INT_EQ(l.n, 2);
	ASSERT_INT_EQ(l.shown, 1);
	ASSERT(l.rows[1].workload == 0);
	ASSERT_INT_EQ(wlist_row_of(&l, 2), -1);
	/* a workload left out steps onto the list */
	ASSERT_INT_EQ(wlist_step(&l, 2, 1), 0);
	wlist_free(&l);
}

static void test_screen_text(void)
{
	struct screen s;
	ASSERT(screen_init(&s, 10, 2));
	ASSERT_INT_EQ(screen_text(&s, 0, 0, 100, 0, "abcdefghijklmno"), 10);
	/* control characters and broken UTF-8 become '?' */
	ASSERT_INT_EQ(screen_text(&s, 1, 0, 5, 0, "a\tb\xff"), 4);
	ASSERT_INT_EQ(screen_text(&s, 1, 8, 5, 0, "xyz"), 2);
	ASSERT_INT_EQ(screen_text(&s, 2, 0, 5, 0, "off"), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	screen_write(&s, f);
	fclose(f);
	bool ok = strcmp(buf, "abcdefghij\na?b?    xy\n") == 0;
	free(buf);
	screen_free(&s);
	ASSERT_MSG(ok, "screen text differs");
}

static void test_screen_wide(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		SKIP("no C.UTF-8 locale");
	struct screen s;
	ASSERT(screen_init(&s, 4, 1));
	/* a wide character takes two columns, and one that does not fit
	 * is not split */
	ASSERT_INT_EQ(screen_text(&s, 0, 0, 4, 0, "a⚡b⚡"), 4);
	ASSERT(strcmp(s.cells[2].glyph, "") == 0);
	ASSERT_INT_EQ(screen_width_of("★⚡x"), 4);
	screen_free(&s);
	setlocale(LC_CTYPE, "C");
}

static void test_key_script(void)
{
	struct keys_step k[16];
	char err[256];
	long n = keys_parse_script("s",
				   "# comment\nab <Enter><Resize 80x24>\n"
				   "<F1> <lt>",
				   k, 16, err, sizeof err);
	ASSERT_INT_EQ(n, 6);
	ASSERT(k[0].key == 'a' && k[1].key == 'b' && k[2].key == '\n');
	ASSERT(k[3].key == KEYS_RESIZE_SCRIPT && k[3].width == 80 &&
	       k[3].height == 24);
	ASSERT(k[5].key == '<');
	n = keys_parse_script("s", "a\n  <Nope>", k, 16, err, sizeof err);
	ASSERT_INT_EQ(n, -1);
	ASSERT_MSG(strcmp(err, "s:2:3: unknown key (expected a character, "
			       "<Name> or <Resize WxH>)") == 0,
		   "%s", err);
	n = keys_parse_script("s", "<Resize 0x5>", k, 16, err, sizeof err);
	ASSERT_INT_EQ(n, -1);
	/* sizes past an int were sscanf's undefined behaviour */
	static const char *const bad[] = {"<Resize 99999999999x5>",
					  "<Resize 4097x5>",
					  "<Resize 5x>",
					  "<Resize x5>",
					  "<Resize 5x5 >",
					  "<Resize -5x5>"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ASSERT_MSG(keys_parse_script("s", bad[i], k, 16, err,
					     sizeof err) == -1,
			   "%s accepted", bad[i]);
	n = keys_parse_script("s", "<Resize 4096x1>", k, 16, err, sizeof err);
	ASSERT_INT_EQ(n, 1);
	ASSERT(k[0].width == 4096 && k[0].height == 1);
	n = keys_parse_script("s", "abc", k, 2, err, sizeof err);
	ASSERT_INT_EQ(n, -1);
}

/* ---- the app on the sample profiles ------------------------------------- */

static struct app app;
static bool app_ready;

/* path must outlive the app: --follow walks it again. */
/* Opens the explorer on one path; with knobs, at batch 64, input 1024,
 * output 256, else at the workload's defaults. */
static bool open_app_at(char *path, bool follow, bool knobs)
{
	static char *paths[1];
	paths[0] = path;
	struct app_options o;
	memset(&o, 0, sizeof o);
	o.paths = paths;
	o.npaths = 1;
	o.eta = NAN;
	o.verb = "test";
	if (knobs) {
		o.batch = 64;
		o.input = 1024;
		o.output = 256;
	}
	o.follow = follow;
	FILE *devnull = fopen("/dev/null", "w");
	int status = devnull ? app_open(&app, &o, devnull) : -1;
	if (devnull)
		fclose(devnull);
	app_ready = status == 0;
	return app_ready;
}

static bool open_app(char *path, bool follow)
{
	return open_app_at(path, follow, true);
}

static bool open_samples(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/synthetic",
		 top ? top : ".");
	return open_app(path, false);
}

static void close_app(void)
{
	if (app_ready)
		app_close(&app);
	app_ready = false;
}

static bool copy_file(const char *from, const char *to, const char *more)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	bool ok = in && out;
	char buf[4096];
	for (size_t n; ok && (n = fread(buf, 1, sizeof buf, in)) > 0;)
		ok = fwrite(buf, 1, n, out) == n;
	ok = ok && fputs(more, out) >= 0;
	if (in)
		fclose(in);
	if (out)
		ok = fclose(out) == 0 && ok;
	return ok;
}

/* --follow reloads when a profile changes, and not when a notes file
 * beside the profiles does: it looks at what the loader reads. */
static void test_follow_ignores_other_files(void)
{
	const char *top = getenv("top_srcdir");
	const char *tmp = getenv("TMPDIR");
	static char dir[64];
	char sample[4096], yaml[96], notes[96];
	snprintf(dir, sizeof dir, "%s/test-tui-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	snprintf(sample, sizeof sample,
		 "%s/sample-profiles/synthetic/sweep.yaml", top ? top : ".");
	ASSERT(mkdtemp(dir));
	snprintf(yaml, sizeof yaml, "%s/sweep.yaml", dir);
	snprintf(notes, sizeof notes, "%s/notes.txt", dir);
	ASSERT(copy_file(sample, yaml, ""));
	ASSERT(open_app(dir, true));
	ASSERT(!app_follow(&app));
	ASSERT(copy_file("/dev/null", notes, "edited\n"));
	ASSERT(!app_follow(&app));
	/* one more run at the end of the profile */
	ASSERT(copy_file(sample, yaml,
			 "  - {tp: 1, pp: 1, batch_size: 1, input_tokens: 128, "
			 "output_tokens: 128, energy: {total_j: 100}}\n"));
	ASSERT(app_follow(&app));
	ASSERT(!app_follow(&app));
	remove(notes);
	remove(yaml);
	rmdir(dir);
}

/* Drawing never writes outside the screen or crashes, at any size and in
 * every view, even below the minimum. */
static void test_draw_every_size(void)
{
	ASSERT(open_samples());
	for (int v = 0; v < VIEW_COUNT; v++)
		for (int w = 20; w <= 220; w += 7)
			for (int h = 5; h <= 70; h += 5) {
				struct screen s;
				ASSERT(screen_init(&s, w, h));
				app.view = (enum layout_view)v;
				app_resize(&app, w, h);
				draw_frame(&app, &s);
				screen_free(&s);
			}
}

/* A knob turned recomputes every candidate. */
static void test_knob_recomputes(void)
{
	ASSERT(open_samples());
	app_resize(&app, 100, 30);
	ASSERT(app.rank.n == 10);
	double before[16];
	for (size_t i = 0; i < app.rank.n; i++)
		before[i] = app.rank.c[i].energy_j;
	ASSERT_INT_EQ(app.knob, WS_BATCH);
	app_key(&app, '+');
	ASSERT_INT_EQ(app.knobs.at.batch, 128);
	for (size_t i = 0; i < app.rank.n; i++)
		ASSERT_MSG(app.rank.c[i].energy_j != before[i],
			   "candidate %zu kept its energy", i);
	app_key(&app, '-');
	app_key(&app, '-');
	ASSERT_INT_EQ(app.knobs.at.batch, 32);
	/* typed values, and a bad one refused with a message */
	app_key(&app, '=');
	app_key(&app, '6');
	app_key(&app, '3');
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.knobs.at.batch, 63);
	app_key(&app, '+');
	ASSERT_INT_EQ(app.knobs.at.batch, 64);
	app_key(&app, '=');
	app_key(&app, 'x');
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.knobs.at.batch, 64);
	ASSERT(app.message_is_error);
}

/* The map cursor sets the knobs; Enter goes back with them. */
static void test_map_sets_knobs(void)
{
	ASSERT(open_samples());
	app_resize(&app, 100, 30);
	app_key(&app, 'm');
	ASSERT_INT_EQ(app.view, VIEW_MAP);
	ASSERT_INT_EQ(app.grid.rows[app.map_row], 64);
	app_key(&app, 'j');
	ASSERT_INT_EQ(app.knobs.at.batch, 128);
	app_key(&app, 'l');
	ASSERT(app.knobs.at.input == 2048);
	app_key(&app, 'o');
	app_key(&app, 'l');
	ASSERT(app.knobs.at.output == 512);
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.view, VIEW_MAIN);
	ASSERT_INT_EQ(app.knobs.at.batch, 128);
}

/* Knobs between the map's cells: Enter applies the cursor's cell, and a
 * typed knob moves the cursor to its nearest cell. */
static void test_map_enter_applies_cell(void)
{
	ASSERT(open_samples());
	app_resize(&app, 100, 30);
	app.knobs.at.batch = 48;
	app_key(&app, 'm');
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.view, VIEW_MAIN);
	ASSERT_INT_EQ(app.knobs.at.batch, 64);
	app_key(&app, 'm');
	app_key(&app, '=');
	app_key(&app, '3');
	app_key(&app, '0');
	app_key(&app, '0');
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.knobs.at.batch, 300);
	ASSERT_INT_EQ(app.grid.rows[app.map_row], 256);
}

/* Help reads like a pager: q closes it instead of quitting. */
static void test_help_keys(void)
{
	ASSERT(open_samples());
	app_key(&app, '?');
	ASSERT_INT_EQ(app.view, VIEW_HELP);
	app_key(&app, 'q');
	ASSERT_INT_EQ(app.view, VIEW_MAIN);
	ASSERT(!app.quit);
	app_key(&app, 'q');
	ASSERT(app.quit);
}

/* A click picks a table row (the bars follow it) and a knob; the wheel on
 * a knob turns it. */
static void test_mouse(void)
{
	ASSERT(open_samples());
	app_resize(&app, 100, 30);
	struct layout l;
	app_layout(&app, &l);
	const struct layout_rect *t = &l.pane[PANE_TABLE];
	app_click(&app, t->y + 3, t->x + 10);
	ASSERT_INT_EQ(app.focus, FOCUS_TABLE);
	ASSERT_INT_EQ(app.cursor, 2);
	double bars = 0;
	for (size_t i = 0; i < app.ws.models[0]->nterms; i++)
		bars += app.terms[i];
	ASSERT(fabs(bars - app.rank.c[2].energy_j) <=
	       1e-9 * app.rank.c[2].energy_j);
	struct layout_rect out =
		app_knob_slot(&l.pane[PANE_KNOBS], WS_OUTPUT);
	app_wheel(&app, out.y, out.x + 2, 1);
	ASSERT_INT_EQ(app.knob, WS_OUTPUT);
	ASSERT(app.knobs.at.output == 512);
	app_wheel(&app, out.y, out.x + 2, -1);
	ASSERT(app.knobs.at.output == 256);
	const struct layout_rect *w = &l.pane[PANE_WORKLOADS];
	app_click(&app, w->y, w->x + 2); /* the title: focus only */
	ASSERT_INT_EQ(app.focus, FOCUS_WORKLOADS);
}

/* A redraw reads what the last change computed: the map's cells are
 * ranked once when the map opens, and a key that changes nothing ranks
 * nothing. */
static void test_redraw_ranks_nothing(void)
{
	ASSERT(open_samples());
	app_resize(&app, 100, 30);
	struct screen s;
	ASSERT(screen_init(&s, 100, 30));
	app_key(&app, 'm');
	ASSERT(app.cells_valid);
	unsigned long long ranked = app.ws.ranked;
	for (int i = 0; i < 3; i++)
		draw_frame(&app, &s);
	app_key(&app, 'L' & 0x1f);
	draw_frame(&app, &s);
	ASSERT_MSG(app.ws.ranked == ranked, "%llu rankings in redraws",
		   app.ws.ranked - ranked);
	/* turning the batch moves the cursor's row: the main ranking is
	 * redone, the cells (one per batch already) are not */
	app_key(&app, '+');
	ASSERT_MSG(app.ws.ranked == ranked + 1, "%llu rankings for one turn",
		   app.ws.ranked - ranked);
	/* at the limit a turn changes nothing and ranks nothing */
	app_key(&app, '\x1b');
	app.knobs.at.batch = 65536;
	app_recompute(&app);
	ranked = app.ws.ranked;
	app_key(&app, '+');
	ASSERT_INT_EQ(app.knobs.at.batch, 65536);
	ASSERT(app.ws.ranked == ranked);
	screen_free(&s);
}

/* Switching workload starts it at its own knobs (its runs' medians), and
 * 'd' returns there. */
static void test_workload_knobs(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/mlenergy-v3/H100",
		 top ? top : ".");
	ASSERT(open_app_at(path, false, false));
	ASSERT(app.ws.set.workload_count > 2);
	for (size_t w = 0; w < 3; w++) {
		app.focus = FOCUS_WORKLOADS;
		while (app.workload != w)
			app_key(&app, app.workload < w ? 'j' : 'k');
		struct workspace_knobs d;
		workspace_default_knobs(&app.ws, w, &d);
		ASSERT_MSG(app.knobs.at.batch == d.at.batch &&
				   app.knobs.at.input == d.at.input &&
				   app.knobs.at.output == d.at.output,
			   "workload %zu at %u/%g/%g, its defaults %u/%g/%g", w,
			   app.knobs.at.batch, app.knobs.at.input,
			   app.knobs.at.output, d.at.batch, d.at.input,
			   d.at.output);
		app.focus = FOCUS_KNOBS;
		app.knob = WS_OUTPUT;
		app_key(&app, '+');
		ASSERT(app.knobs.at.output != d.at.output);
		app_key(&app, 'd');
		ASSERT(app.knobs.at.output == d.at.output);
	}
}

/* ---- the screens of issue 18 ------------------------------------------- */

/* Row y of the screen as text, or from column x0 for w columns. */
static void row_text(const struct screen *s, int y, int x0, int w, char *buf,
		     size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int x = x0; x < x0 + w && x < s->width; x++) {
		const char *g = s->cells[y * s->width + x].glyph;
		size_t len = strlen(g);
		if (n + len + 1 > size)
			break;
		memcpy(buf + n, g, len + 1);
		n += len;
	}
}

/* How many rows of a pane hold text (and a second text, when given). */
static int rows_with(const struct screen *s, const struct layout_rect *r,
		     const char *text, const char *also)
{
	int n = 0;
	for (int y = r->y; y < r->y + r->h && y < s->height; y++) {
		char buf[2048];
		row_text(s, y, r->x, r->w, buf, sizeof buf);
		n += strstr(buf, text) && (!also || strstr(buf, also));
	}
	return n;
}

static const struct layout_rect whole = {0, 0, 90, 250};

/* At 80 x 24: the workload list with task names under their hardware,
 * the knobs, the top terms (the minor ones folded) and 8 layouts. */
static void test_main_80x24(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles", top ? top : ".");
	ASSERT(open_app(path, false));
	app_resize(&app, 80, 24);
	struct screen s;
	ASSERT(screen_init(&s, 80, 24));
	draw_frame(&app, &s);
	struct layout l;
	app_layout(&app, &l);
	const struct layout_rect *w = &l.pane[PANE_WORKLOADS];
	ASSERT(rows_with(&s, w, "-- H100-SXM5-80GB (1)", NULL) == 1);
	ASSERT(rows_with(&s, w, ">synthe", "dense-70b") == 1);
	/* every workload row starts with its task's name, cut or not */
	int named = 0;
	for (int y = w->y + 1; y < w->y + w->h; y++) {
		size_t i = app.list_top + (size_t)(y - w->y - 1);
		long k = i < app.list.n ? app.list.rows[i].workload : -1;
		if (k < 0)
			continue;
		char buf[256];
		row_text(&s, y, w->x + 1, 4, buf, sizeof buf);
		const char *name = app.ws.set.workloads[k].name;
		ASSERT_MSG(strncmp(buf, name, 4) == 0, "row %d: '%s' for %s", y,
			   buf, name);
		named++;
	}
	ASSERT(named >= 15);
	ASSERT(rows_with(&s, &l.pane[PANE_KNOBS], "batch 64", NULL) == 1);
	const struct layout_rect *b = &l.pane[PANE_BARS];
	ASSERT(rows_with(&s, b, "prefill compute", NULL) == 1);
	ASSERT(rows_with(&s, b, "weight streaming", NULL) == 1);
	ASSERT(rows_with(&s, b, "other terms (7)", "0.1%") == 1);
	ASSERT(rows_with(&s, b, "PP/DP hand-off", NULL) == 0);
	int layouts = 0;
	for (size_t i = 0; i < app.rank.n; i++) {
		char name[32];
		select_layout_name(&app.rank.c[i].layout, name, sizeof name);
		layouts += rows_with(&s, &l.pane[PANE_TABLE], name, " J ");
	}
	ASSERT_MSG(layouts >= 8, "%d layouts", layouts);
	screen_free(&s);
}

/* '&' keeps the workloads matching every word; '/' finds one of several
 * words among them; '&' and nothing brings all back. */
static void test_filter_and_search(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/mlenergy-v3",
		 top ? top : ".");
	ASSERT(open_app(path, false));
	app_resize(&app, 80, 24);
	size_t all = app.list.shown, want = 0;
	for (size_t w = 0; w < app.ws.set.workload_count; w++)
		want += wlist_matches(&app.ws.set.workloads[w], "gpqa h100");
	ASSERT(want > 1 && want < all);
	const char *keys = "&gpqa h100\n";
	for (const char *k = keys; *k; k++)
		app_key(&app, *k);
	ASSERT_INT_EQ(app.list.shown, want);
	ASSERT(wlist_matches(app_workload(&app), "gpqa h100"));
	for (size_t i = 0; i < app.list.n; i++)
		ASSERT(app.list.rows[i].workload < 0 ||
		       wlist_matches(
			       &app.ws.set.workloads[app.list.rows[i].workload],
			       "gpqa h100"));
	keys = "/qwen3 8b\n";
	for (const char *k = keys; *k; k++)
		app_key(&app, *k);
	ASSERT(!app.message_is_error);
	ASSERT(strstr(app_workload(&app)->model, "Qwen3-8B"));
	ASSERT(strcmp(app_workload(&app)->name, "gpqa") == 0);
	/* a filter nothing matches leaves the list as it was */
	keys = "&nothing like it\n";
	for (const char *k = keys; *k; k++)
		app_key(&app, *k);
	ASSERT(app.message_is_error);
	ASSERT_INT_EQ(app.list.shown, want);
	app_key(&app, '&');
	app_key(&app, '\n');
	ASSERT_INT_EQ(app.list.shown, all);
}

/* A click on a workload's row selects it; on a hardware's title, none;
 * Down moves in the list's order, over the titles. */
static void test_list_click(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/mlenergy-v3",
		 top ? top : ".");
	ASSERT(open_app(path, false));
	app_resize(&app, 80, 24);
	struct layout l;
	app_layout(&app, &l);
	const struct layout_rect *w = &l.pane[PANE_WORKLOADS];
	ASSERT(app.list.rows[0].workload < 0); /* the first group's title */
	app.list_top = 0;
	size_t before = app.workload;
	app_click(&app, w->y + 1, w->x + 3);
	ASSERT_INT_EQ(app.focus, FOCUS_WORKLOADS);
	ASSERT_INT_EQ(app.workload, before);
	app.list_top = 0;
	app_click(&app, w->y + 3, w->x + 3);
	ASSERT_INT_EQ(app.workload, app.list.rows[2].workload);
	/* from the last of a group, Down goes to the first of the next */
	size_t g = 1;
	while (app.list.rows[g].workload >= 0)
		g++;
	app.list_top = 0;
	app_select_workload(&app, (size_t)app.list.rows[g - 1].workload);
	app_key(&app, 'j');
	ASSERT_INT_EQ(app.workload, app.list.rows[g + 1].workload);
	ASSERT(strcmp(app_workload(&app)->hardware,
		      app.list.rows[g].hardware) == 0);
}

/* 'c': the bars compare the two optima term by term, from the
 * workspace's terms of each; the totals are their energies. */
static void test_compare(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/mlenergy-v3/B200",
		 top ? top : ".");
	ASSERT(open_app(path, false));
	app_resize(&app, 80, 24);
	app.focus = FOCUS_WORKLOADS;
	for (size_t i = 0; i < app.ws.set.workload_count && !app.rank.diverge;
	     i++)
		app_key(&app, 'j');
	ASSERT(app.rank.diverge);
	app_key(&app, 'c');
	ASSERT(app.compare);
	const struct select_result *R = &app.rank;
	double e = 0, t = 0;
	for (size_t i = 0; i < app.ws.models[0]->nterms; i++) {
		e += app.best_terms[0][i];
		t += app.best_terms[1][i];
	}
	ASSERT(fabs(e - R->c[R->energy_best].energy_j) <=
	       1e-9 * R->c[R->energy_best].energy_j);
	ASSERT(fabs(t - R->c[R->latency_best].energy_j) <=
	       1e-9 * R->c[R->latency_best].energy_j);
	struct screen s;
	ASSERT(screen_init(&s, 80, 24));
	draw_frame(&app, &s);
	struct layout l;
	app_layout(&app, &l);
	const struct layout_rect *b = &l.pane[PANE_BARS];
	ASSERT(rows_with(&s, b, "against", NULL) == 1);
	ASSERT(rows_with(&s, b, "GPU step overhe", " -> ") == 1);
	ASSERT(rows_with(&s, b, "total", " -> ") == 1);
	ASSERT(l.pane[PANE_TABLE].h >= 1 + LAYOUT_MIN_LAYOUTS ||
	       (size_t)l.pane[PANE_TABLE].h > R->n);
	app_key(&app, 'c');
	ASSERT(!app.compare);
	screen_free(&s);
}

/* The Pareto plot at 120 x 40 marks the optima, the blend and the front
 * in ASCII (and braille under UTF-8, in the snapshot goldens). */
static void test_pareto_plot(void)
{
	ASSERT(open_samples());
	app_resize(&app, 120, 40);
	app.knobs.eta = 0.5;
	app_recompute(&app);
	struct screen s;
	ASSERT(screen_init(&s, 120, 40));
	draw_frame(&app, &s);
	struct layout l;
	app_layout(&app, &l);
	const struct layout_rect *p = &l.pane[PANE_PARETO];
	ASSERT(p->h > 0);
	ASSERT(rows_with(&s, p, "Pareto front o 3/10", NULL) == 1);
	ASSERT(rows_with(&s, p, "*", NULL) == 1);
	ASSERT(rows_with(&s, p, "!", NULL) == 1);
	ASSERT(rows_with(&s, p, "o", NULL) >= 2);
	ASSERT(app.rank.blend_best >= 0);
	if ((size_t)app.rank.blend_best != app.rank.energy_best &&
	    app.rank.blend_best != app.rank.latency_best)
		ASSERT(rows_with(&s, p, "~", NULL) == 1);
	/* nothing of it at 80 x 24, where the layouts need the room */
	app_resize(&app, 80, 24);
	app_layout(&app, &l);
	ASSERT_INT_EQ(l.pane[PANE_PARETO].h, 0);
	screen_free(&s);
}

/* The map's cell pane is never cut, and the map says how far it
 * scrolled. */
static void test_map_side_pane(void)
{
	ASSERT(open_samples());
	static const int sizes[][2] = {{80, 24}, {120, 40}, {100, 30}};
	app.map_output = true;
	app_map_axes(&app);
	app_key(&app, 'm');
	for (size_t i = 0; i < 3; i++) {
		int w = sizes[i][0], h = sizes[i][1];
		app_resize(&app, w, h);
		struct screen s;
		ASSERT(screen_init(&s, w, h));
		draw_frame(&app, &s);
		struct layout l;
		app_layout(&app, &l);
		const struct layout_rect *c = &l.pane[PANE_CELL];
		/* the last line's end, whatever the numbers */
		ASSERT_MSG(rows_with(&s, c, "% latency", NULL) == 1,
			   "cut at %dx%d", w, h);
		ASSERT(rows_with(&s, c, "latency-optimal t", " s") == 1);
		char scroll[64];
		snprintf(scroll, sizeof scroll, "1-%d of 10 output lengths >",
			 app_map_visible_cols(&l.pane[PANE_MAP]));
		ASSERT_MSG(rows_with(&s, &l.pane[PANE_MAP], scroll,
				     "1-12 of 12 batch sizes") == 1,
			   "no '%s' at %dx%d", scroll, w, h);
		screen_free(&s);
	}
	for (int i = 0; i < 9; i++)
		app_key(&app, 'l');
	struct screen s;
	ASSERT(screen_init(&s, 100, 30));
	draw_frame(&app, &s);
	ASSERT(rows_with(&s, &whole, "< 4-10 of 10 output lengths  ", NULL) ==
	       1);
	screen_free(&s);
}

/* No layout fits: the table and the map's cell say why, in numbers. */
static void test_empty_state(void)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/sample-profiles/mlenergy-v3/B200",
		 top ? top : ".");
	ASSERT(open_app(path, false));
	app_resize(&app, 100, 30);
	app.knobs.gpus = 8;
	app.knobs.at.batch = 65536;
	app.knobs.at.input = 32768;
	app.knobs.at.output = 256;
	app_recompute(&app);
	ASSERT_INT_EQ(app.rank.n, 0);
	struct screen s;
	ASSERT(screen_init(&s, 100, 30));
	draw_frame(&app, &s);
	char want[200];
	snprintf(want, sizeof want,
		 "no layout of <= 8 GPUs fits 65536 x 33024 tokens in %.0f GiB",
		 app_workload(&app)->gpu_memory_gib);
	ASSERT_MSG(rows_with(&s, &whole, want, NULL) == 1, "no '%s'", want);
	screen_free(&s);
}

int main(void)
{
	UNIT_RUN(test_layout_every_size);
	UNIT_RUN(test_layout_main_rows);
	UNIT_RUN(test_layout_pareto);
	UNIT_RUN(test_terms_fold);
	UNIT_RUN(test_wlist);
	UNIT_RUN(test_screen_text);
	UNIT_RUN(test_screen_wide);
	UNIT_RUN(test_key_script);
	UNIT_RUN_WITH(test_draw_every_size, close_app);
	UNIT_RUN_WITH(test_knob_recomputes, close_app);
	UNIT_RUN_WITH(test_map_sets_knobs, close_app);
	UNIT_RUN_WITH(test_map_enter_applies_cell, close_app);
	UNIT_RUN_WITH(test_help_keys, close_app);
	UNIT_RUN_WITH(test_mouse, close_app);
	UNIT_RUN_WITH(test_follow_ignores_other_files, close_app);
	UNIT_RUN_WITH(test_redraw_ranks_nothing, close_app);
	UNIT_RUN_WITH(test_workload_knobs, close_app);
	UNIT_RUN_WITH(test_main_80x24, close_app);
	UNIT_RUN_WITH(test_filter_and_search, close_app);
	UNIT_RUN_WITH(test_list_click, close_app);
	UNIT_RUN_WITH(test_compare, close_app);
	UNIT_RUN_WITH(test_pareto_plot, close_app);
	UNIT_RUN_WITH(test_map_side_pane, close_app);
	UNIT_RUN_WITH(test_empty_state, close_app);
	return unit_status();
}
