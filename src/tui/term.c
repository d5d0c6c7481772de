/* The curses front end; see term.h. The only file that draws on the real
 * terminal: the screen is drawn in memory (draw.c) and copied here. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* ncursesw's wide-character functions */
#endif

#include "term.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <termcap.h> /* tgetent: <term.h> is shadowed by ours */
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "exitcode.h"
#include "screen.h"
#include "watch.h"

/* The one signal a handler may record: read in the main loop. */
static volatile sig_atomic_t term_signal;

static void on_signal(int sig)
{
	term_signal = sig;
}

struct term {
	SCREEN *screen;
	int saved_stderr;	 /* the real stderr while curses runs */
	FILE *held;		 /* what was written to stderr meanwhile */
	struct sigaction old[4]; /* the signals below as they were */
	size_t theme_loaded;	 /* the theme whose pairs are set, + 1 */
	bool colour;
	/* What the last blit left in curses' stdscr, to write only what
	 * changed; NULL or a size or theme unlike the screen's: all of it. */
	struct screen_cell *shown;
	int shown_w, shown_h;
	size_t shown_theme; /* + 1 */
	char *run;	    /* one run of cells as UTF-8 */
};

/* SIGQUIT too: Ctrl-\\ still sends it in cbreak mode, and its default
 * action left the terminal without echo. */
static const int signals[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void catch_signals(struct term *t)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must wake the loop out of getch */
	for (int i = 0; i < 4; i++)
		sigaction(signals[i], &sa, &t->old[i]);
}

static void restore_signals(struct term *t)
{
	for (int i = 0; i < 4; i++)
		sigaction(signals[i], &t->old[i], NULL);
}

/* A crash must not leave a terminal without echo either: on a fatal signal
 * the terminal modes are put back and the alternate screen left (with
 * calls safe in a handler), then the signal takes its course with the
 * handler it had, a sanitizer's report included. */
static struct termios tty_modes;
static bool tty_saved;
static char tty_leave[128];
static size_t tty_leave_len;
static const int fatal_signals[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction fatal_old[5];

static void on_fatal(int sig)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tty_modes);
	if (tty_leave_len) {
		ssize_t n = write(STDOUT_FILENO, tty_leave, tty_leave_len);
		(void)n;
	}
	for (int i = 0; i < 5; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &fatal_old[i], NULL);
	raise(sig);
}

/* What leaves curses' screen: the terminal's own sequences, read while
 * curses runs, since a handler cannot ask for them. */
static void add_leave(const char *cap)
{
	const char *s = tigetstr(cap);
	if (!s || s == (const char *)-1)
		return;
	size_t n = strlen(s);
	if (tty_leave_len + n < sizeof tty_leave) {
		memcpy(tty_leave + tty_leave_len, s, n);
		tty_leave_len += n;
	}
}

static void catch_fatal(void)
{
	tty_leave_len = 0;
	add_leave("rmcup");
	add_leave("cnorm");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 5; i++)
		sigaction(fatal_signals[i], &sa, &fatal_old[i]);
}

static void release_fatal(void)
{
	for (int i = 0; i < 5; i++)
		sigaction(fatal_signals[i], &fatal_old[i], NULL);
	tty_saved = false;
	tty_leave_len = 0;
}

/* Sends stderr to a temporary file until release_stderr, so a message
 * cannot scribble over the screen and is not lost either. */
static void hold_stderr(struct term *t)
{
	t->saved_stderr = -1;
	t->held = tmpfile();
	if (!t->held)
		return;
	fflush(stderr);
	t->saved_stderr = dup(STDERR_FILENO);
	if (t->saved_stderr < 0 || dup2(fileno(t->held), STDERR_FILENO) < 0) {
		fclose(t->held);
		t->held = NULL;
	}
}

static void release_stderr(struct term *t)
{
	if (!t->held)
		return;
	fflush(stderr);
	dup2(t->saved_stderr, STDERR_FILENO);
	close(t->saved_stderr);
	rewind(t->held);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, t->held)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(t->held);
	t->held = NULL;
}

static short colour(short c)
{
	if (c == THEME_COLOR_DEFAULT)
		return -1;
	return c < COLORS ? c : theme_color_to_8(c);
}

static void load_theme(struct term *t, const struct app *a)
{
	if (!t->colour || t->theme_loaded == a->theme + 1)
		return;
	const struct theme *th = app_theme(a);
	for (int e = 0; e < THEME_ELEMENTS; e++)
		init_pair((short)(e + 1), colour(th->style[e].fg),
			  colour(th->style[e].bg));
	t->theme_loaded = a->theme + 1;
}

static attr_t attributes(const struct term *t, const struct app *a, int el)
{
	const struct theme_style *st = &app_theme(a)->style[el];
	attr_t at = t->colour ? COLOR_PAIR(el + 1) : A_NORMAL;
	static const struct {
		unsigned bit;
		attr_t attr;
	} map[] = {{THEME_BOLD, A_BOLD},	   {THEME_DIM, A_DIM},
		   {THEME_UNDERLINE, A_UNDERLINE}, {THEME_REVERSE, A_REVERSE},
		   {THEME_STANDOUT, A_STANDOUT},   {THEME_BLINK, A_BLINK},
		   {THEME_ITALIC, A_ITALIC}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (st->attrs & map[i].bit)
			at |= map[i].attr;
	return at;
}

/* Makes t->shown fit s; true when it still says what stdscr holds. */
static bool shown_fits(struct term *t, const struct app *a,
		       const struct screen *s)
{
	if (t->shown && t->shown_w == s->width && t->shown_h == s->height &&
	    t->shown_theme == a->theme + 1)
		return true;
	free(t->shown);
	free(t->run);
	size_t n = (size_t)s->width * (size_t)s->height;
	t->shown = malloc(n * sizeof *t->shown);
	t->run = malloc((size_t)s->width * sizeof t->shown->glyph + 1);
	if (!t->shown || !t->run) {
		free(t->shown);
		free(t->run);
		t->shown = NULL;
		t->run = NULL;
	}
	t->shown_w = s->width;
	t->shown_h = s->height;
	t->shown_theme = a->theme + 1;
	return false;
}

static bool same_cell(const struct screen_cell *x, const struct screen_cell *y)
{
	return x->element == y->element && strcmp(x->glyph, y->glyph) == 0;
}

/* Writes row y's cells from x on that differ from what stdscr holds, in
 * runs of one element; returns where the run ended. */
static int blit_run(struct term *t, const struct screen *s, const attr_t *attr,
		    bool fresh, int y, int x)
{
	const struct screen_cell *row = &s->cells[y * s->width];
	struct screen_cell *was = &t->shown[y * s->width];
	int x0 = x, el = row[x].element;
	size_t len = 0;
	while (x < s->width && (!fresh || !same_cell(&row[x], &was[x])) &&
	       (row[x].element == el || !row[x].glyph[0])) {
		size_t n = strlen(row[x].glyph);
		memcpy(t->run + len, row[x].glyph, n);
		len += n;
		was[x] = row[x];
		x++;
	}
	t->run[len] = '\0';
	attrset(attr[el]);
	mvaddstr(y, x0, t->run);
	return x;
}

/* Copies the screen into curses' stdscr, only the cells that changed since
 * the last blit: writing all 12 000 cells of a 200x60 screen cell by cell
 * (waddnstr, wcwidth) was half of a key's redraw. Curses still compares
 * stdscr with the terminal on refresh, so what is sent is unchanged. */
static void blit(struct term *t, const struct app *a, const struct screen *s)
{
	attr_t attr[THEME_ELEMENTS];
	for (int e = 0; e < THEME_ELEMENTS; e++)
		attr[e] = attributes(t, a, e);
	bool fresh = shown_fits(t, a, s);
	for (int y = 0; y < s->height; y++)
		for (int x = 0; x < s->width;) {
			size_t i = (size_t)y * s->width + x;
			const struct screen_cell *c = &s->cells[i];
			if (!t->shown) { /* no memory for it: cell by cell */
				if (c->glyph[0]) {
					attrset(attr[c->element]);
					mvaddstr(y, x, c->glyph);
				}
				x++;
			} else if (!c->glyph[0] ||
				   (fresh && same_cell(c, &t->shown[i]))) {
				/* the right half of a wide one, or as it is */
				t->shown[i] = *c;
				x++;
			} else {
				x = blit_run(t, s, attr, fresh, y, x);
			}
		}
	attrset(A_NORMAL);
}

/* Why the explorer cannot draw on this terminal, in why; false when it
 * can. Asked of terminfo, and of a screen that writes to /dev/null, before
 * curses writes anything to the terminal: on one that cannot move the
 * cursor (TERM=dumb, an editor's shell buffer) curses would draw one line
 * and go on invisibly. The type is looked up first, since a newterm that
 * fails leaks its screen. */
static bool unfit_terminal(char *why, size_t size)
{
	const char *term = getenv("TERM");
	if (!term || !*term) {
		snprintf(why, size, "TERM is not set");
		return true;
	}
	int known = tgetent(NULL, term);
	FILE *null = known > 0 ? fopen("/dev/null", "w") : NULL;
	SCREEN *probe = null ? newterm(NULL, null, stdin) : NULL;
	bool unfit = true;
	if (known <= 0) {
		snprintf(why, size,
			 known < 0 ? "no terminfo database to look TERM=%s up "
				     "in"
				   : "the terminal type TERM=%s is not in the "
				     "terminfo database",
			 term);
	} else if (!null) {
		snprintf(why, size, "/dev/null: %s", strerror(errno));
	} else if (!probe) {
		snprintf(why, size, "TERM=%s cannot be set up", term);
	} else {
		SCREEN *was = set_term(probe);
		const char *cup = tigetstr("cup");
		unfit = !cup || cup == (const char *)-1;
		if (unfit)
			snprintf(why, size,
				 "the terminal TERM=%s cannot move the cursor, "
				 "which the explorer needs",
				 term);
		endwin();
		set_term(was);
		delscreen(probe);
	}
	if (null)
		fclose(null);
	return unfit;
}

static bool start(struct term *t, struct app *a)
{
	tty_saved = tcgetattr(STDIN_FILENO, &tty_modes) == 0;
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen)
		return false;
	set_term(t->screen);
	catch_fatal();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	/* a second, to look at the profiles under --follow */
	timeout(1000);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
			  BUTTON5_PRESSED,
		  NULL);
	t->colour = a->opt.color && has_colors();
	/* Without colour the bars must tell the kinds apart by their
	 * characters, as under NO_COLOR. */
	a->opt.color = t->colour;
	if (t->colour) {
		start_color();
		use_default_colors();
	}
	return true;
}

static void stop(struct term *t)
{
	if (!t->screen)
		return;
	endwin();
	release_fatal();
	delscreen(t->screen);
	t->screen = NULL;
	free(t->shown);
	free(t->run);
	t->shown = NULL;
	t->run = NULL;
}

static void mouse(struct app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		app_wheel(a, ev.y, ev.x, 1);
	else if (ev.bstate & BUTTON5_PRESSED)
		app_wheel(a, ev.y, ev.x, -1);
	else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
		app_click(a, ev.y, ev.x);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Whether the terminal is gone. Its emulator killed with the explorer in
 * a session of its own (setsid), no SIGHUP comes: input is at its end,
 * and getch returns ERR at once, forever. */
static bool terminal_gone(void)
{
	struct pollfd p = {STDIN_FILENO, POLLIN, 0};
	return poll(&p, 1, 0) > 0 &&
	       (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void take_key(struct app *a, int key)
{
	if (key == KEY_MOUSE)
		mouse(a);
	else if (key == ('L' & 0x1f))
		clearok(curscr, TRUE);
	else if (key != KEY_RESIZE)
		app_key(a, key);
}

/* A key within a second (for --follow's look), and every key waiting
 * after it: a paste is thousands at once, and a redraw for each took
 * minutes. A tenth of a second at most, so the screen moves under a
 * flood of keys too. */
static void take_keys(struct app *a)
{
	int key = getch();
	if (key == ERR) {
		if (terminal_gone())
			term_signal = SIGHUP; /* ends as a hang-up would */
		return;
	}
	double until = now_ms() + 100;
	timeout(0);
	do
		take_key(a, key);
	while (!a->quit && !term_signal && now_ms() < until &&
	       (key = getch()) != ERR);
	timeout(1000);
}

static int loop(struct term *t, struct app *a)
{
	struct screen s = {0, 0, NULL};
	time_t last_look = time(NULL);
	struct watch *watch =
		a->opt.follow ? watch_open((const char *const *)a->opt.paths,
					   a->opt.npaths)
			      : NULL;
	while (!a->quit && !term_signal) {
		int h, w;
		getmaxyx(stdscr, h, w);
		if (w != s.width || h != s.height) {
			screen_free(&s);
			if (!screen_init(&s, w > 0 ? w : 1, h > 0 ? h : 1)) {
				watch_close(watch);
				return EXIT_SOFTWARE;
			}
			app_resize(a, s.width, s.height);
			clear();
		}
		load_theme(t, a);
		draw_frame(a, &s);
		blit(t, a, &s);
		refresh();
		take_keys(a);
		if (a->opt.follow && time(NULL) != last_look) {
			last_look = time(NULL);
			if (watch_changed(watch))
				app_follow(a);
		}
	}
	watch_close(watch);
	screen_free(&s);
	return EXIT_OK;
}

int term_run(struct app *a)
{
	struct term t;
	memset(&t, 0, sizeof t);
	term_signal = 0;
	catch_signals(&t);
	hold_stderr(&t);
	int status = EXIT_SOFTWARE;
	char why[160] = "";
	bool unfit = unfit_terminal(why, sizeof why);
	bool started = !unfit && start(&t, a);
	if (started)
		status = loop(&t, a);
	stop(&t);
	release_stderr(&t);
	restore_signals(&t);
	if (unfit) {
		/* the terminal is the user's to change, as a usage error */
		fprintf(stderr,
			"energylens: cannot start the terminal interface: %s; "
			"'energylens snapshot PATH...' prints the explorer's "
			"screen as text\n",
			why);
		status = EXIT_USAGE;
	} else if (!started) {
		fputs("energylens: cannot start the terminal interface\n",
		      stderr);
	}
	for (size_t i = 0; i < app_diags(a)->count; i++)
		diag_print(&app_diags(a)->items[i], stderr);
	if (term_signal) {
		/* die of the signal, as the shell expects */
		int sig = term_signal;
		app_close(a);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}

/* ---- the benchmark ------------------------------------------------------ */

static int by_value(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* One key and the redraw it causes, as the loop does it. */
static double timed_key(struct term *t, struct app *a, struct screen *s,
			int key)
{
	double t0 = now_ms();
	app_key(a, key);
	draw_frame(a, s);
	blit(t, a, s);
	refresh();
	return now_ms() - t0;
}

int term_bench(struct app *a, long n, int width, int height)
{
	struct term t;
	memset(&t, 0, sizeof t);
	double *ms = malloc((size_t)n * sizeof *ms);
	struct screen s;
	if (!ms || !screen_init(&s, width, height)) {
		free(ms);
		return EXIT_SOFTWARE;
	}
	int status = EXIT_SOFTWARE;
	if (start(&t, a)) {
		resize_term(height, width);
		app_resize(a, width, height);
		load_theme(&t, a);
		for (long i = 0; i < n; i++)
			ms[i] = timed_key(&t, a, &s, i % 2 ? '-' : '+');
		qsort(ms, (size_t)n, sizeof *ms, by_value);
		fprintf(stderr,
			"knob to redraw: median %.4f ms, p90 %.4f ms over %ld "
			"keys, %zu candidates, %zu runs, %dx%d\n",
			ms[n / 2], ms[n * 9 / 10], n, a->rank.n,
			a->ws.set.run_count, width, height);
		/* The map redrawn by a key that changes nothing (Ctrl-L):
		 * its cells were ranked when the view opened, and a redraw
		 * only reads them. */
		app_key(a, 'm');
		unsigned long long ranked = a->ws.ranked;
		for (long i = 0; i < n; i++)
			ms[i] = timed_key(&t, a, &s, 'L' & 0x1f);
		stop(&t);
		qsort(ms, (size_t)n, sizeof *ms, by_value);
		fprintf(stderr,
			"map redraw: median %.4f ms, p90 %.4f ms over %ld "
			"redraws, %llu rankings\n",
			ms[n / 2], ms[n * 9 / 10], n, a->ws.ranked - ranked);
		status = EXIT_OK;
	}
	screen_free(&s);
	free(ms);
	return status;
}
