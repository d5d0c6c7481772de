/* The curses front end; see term.h. The only file that draws on the real
 * terminal: the screen is drawn in memory (draw.c) and copied here. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* ncursesw's wide-character functions */
#endif

#include "term.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "exitcode.h"
#include "screen.h"

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

static void blit(const struct term *t, const struct app *a,
		 const struct screen *s)
{
	for (int y = 0; y < s->height; y++)
		for (int x = 0; x < s->width; x++) {
			const struct screen_cell *c =
				&s->cells[y * s->width + x];
			if (!c->glyph[0])
				continue; /* the right half of a wide one */
			attrset(attributes(t, a, c->element));
			mvaddstr(y, x, c->glyph);
		}
	attrset(A_NORMAL);
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

static int loop(struct term *t, struct app *a)
{
	struct screen s = {0, 0, NULL};
	time_t last_look = time(NULL);
	while (!a->quit && !term_signal) {
		int h, w;
		getmaxyx(stdscr, h, w);
		if (w != s.width || h != s.height) {
			screen_free(&s);
			if (!screen_init(&s, w > 0 ? w : 1, h > 0 ? h : 1))
				return EXIT_SOFTWARE;
			app_resize(a, s.width, s.height);
			clear();
		}
		load_theme(t, a);
		draw_frame(a, &s);
		blit(t, a, &s);
		refresh();
		int key = getch();
		if (key == KEY_MOUSE)
			mouse(a);
		else if (key == ('L' & 0x1f))
			clearok(curscr, TRUE);
		else if (key != ERR && key != KEY_RESIZE)
			app_key(a, key);
		if (a->opt.follow && time(NULL) != last_look) {
			last_look = time(NULL);
			app_follow(a);
		}
	}
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
	bool started = start(&t, a);
	if (started)
		status = loop(&t, a);
	stop(&t);
	release_stderr(&t);
	restore_signals(&t);
	if (!started)
		fputs("energylens: cannot start the terminal interface "
		      "(is TERM set?)\n",
		      stderr);
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

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

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
