/* What tells --follow that the profiles may have changed. Where inotify
 * exists (Linux), the directories the profile paths lead to are watched,
 * and an idle explorer looks at no file; elsewhere, or when the watches
 * cannot be set (too many directories for the user's inotify limit), it
 * says "look" every time, and the caller stats every file once a second as
 * before. Either way the caller confirms a change with the profiles'
 * signature, so a false alarm costs one walk and no reload. */
#ifndef ENERGYLENS_WATCH_H
#define ENERGYLENS_WATCH_H

#include <stdbool.h>

struct watch;

/* Watches the profile paths (files or directories, as the explorer was
 * given them). NULL when memory runs out: the caller then looks every
 * time. */
struct watch *watch_open(const char *const *paths, int npaths);

/* Whether the files may have changed since the last call: true at the
 * first call (anything may have changed before the watches were set),
 * then only after an event on a profile file or a directory under the
 * paths, or on any name in the directory of a file given (read whatever
 * its name); always true when nothing is watched. Never blocks. */
bool watch_changed(struct watch *w);

void watch_close(struct watch *w);

#endif
