/* The curses front end: runs the explorer on the terminal until the user
 * quits or a signal ends it, and always gives the terminal back as it was
 * (errors, SIGINT, SIGTERM, SIGHUP). What is written to stderr meanwhile
 * is held and shown after the screen is restored. */
#ifndef ENERGYLENS_TERM_H
#define ENERGYLENS_TERM_H

#include "app.h"

/* Returns an exit status. */
int term_run(struct app *a);

/* For 'make bench': draws on stdout whatever it is (an off-screen
 * terminal of width x height for TERM), turns the selected knob up and
 * down n times, and prints on stderr the median and the 90th percentile of
 * the time from a key to its finished redraw. Returns an exit status. */
int term_bench(struct app *a, long n, int width, int height);

#endif
