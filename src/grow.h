/* Growing an array by doubling: adding one item at a time would copy all
 * of them every time. */
#ifndef ENERGYLENS_GROW_H
#define ENERGYLENS_GROW_H

#include <stdbool.h>
#include <stdlib.h>

/* Makes room for item n of an array of *cap items of size bytes each;
 * false when out of memory (the array is then unchanged). */
static inline bool grow_for_one(void **items, size_t n, size_t *cap,
				size_t size)
{
	if (n < *cap)
		return true;
	size_t more = *cap ? *cap * 2 : 8;
	void *p = realloc(*items, more * size);
	if (!p)
		return false;
	*items = p;
	*cap = more;
	return true;
}

#endif
