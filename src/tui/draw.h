/* Drawing: the app's state onto an in-memory screen (screen.h), one view
 * at a time, into the rectangles the layout gives. Reads the state, never
 * changes it. */
#ifndef ENERGYLENS_DRAW_H
#define ENERGYLENS_DRAW_H

#include "app.h"
#include "screen.h"

/* The screen must be a->width x a->height. */
void draw_frame(const struct app *a, struct screen *s);

#endif
