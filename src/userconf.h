/* Where a user's own EnergyLens files are: $XDG_CONFIG_HOME/energylens, or
 * ~/.config/energylens without it (the XDG base directory default). The
 * explorer's config, the user's themes and vision rules all live there, so
 * one function says where. */
#ifndef ENERGYLENS_USERCONF_H
#define ENERGYLENS_USERCONF_H

#include <stdbool.h>
#include <stddef.h>

/* buf gets the path of name in the user's directory; false (buf empty)
 * when neither variable is set or the path does not fit. */
bool userconf_path(char *buf, size_t size, const char *name);

#endif
