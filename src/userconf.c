#include "userconf.h"

#include <stdio.h>
#include <stdlib.h>

bool userconf_path(char *buf, size_t size, const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n = -1;
	if (xdg && *xdg)
		n = snprintf(buf, size, "%s/energylens/%s", xdg, name);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.config/energylens/%s", home, name);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return false;
	}
	return true;
}
