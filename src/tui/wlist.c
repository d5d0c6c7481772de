/* The explorer's workload list; see wlist.h. */
#include "wlist.h"

#include <stdlib.h>
#include <string.h>

#include "workspace.h"

bool wlist_matches(const struct profile_workload *w, const char *words)
{
	const char *blanks = " \t";
	for (const char *p = words ? words : ""; *p;) {
		p += strspn(p, blanks);
		size_t len = strcspn(p, blanks);
		if (!len)
			break;
		char word[64];
		/* a word longer than the buffer is matched by its start */
		size_t n = len < sizeof word - 1 ? len : sizeof word - 1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (!workspace_matches(w, word))
			return false;
		p += len;
	}
	return true;
}

static int by_name(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	/* the hardware not given goes last */
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

static bool same_hardware(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool wlist_build(struct wlist *l, const struct profile_set *set,
		 const char *filter)
{
	memset(l, 0, sizeof *l);
	size_t nw = set->workload_count;
	if (!nw)
		return true;
	/* at most a title and a row per workload */
	const char **hw = malloc(nw * sizeof *hw);
	l->rows = malloc(2 * nw * sizeof *l->rows);
	if (!hw || !l->rows) {
		free(hw);
		free(l->rows);
		l->rows = NULL;
		return false;
	}
	size_t ng = 0;
	for (size_t w = 0; w < nw; w++) {
		const char *h = set->workloads[w].hardware;
		size_t g = 0;
		while (g < ng && !same_hardware(hw[g], h))
			g++;
		if (g == ng)
			hw[ng++] = h;
	}
	qsort(hw, ng, sizeof *hw, by_name);
	for (size_t g = 0; g < ng; g++) {
		size_t title = l->n;
		for (size_t w = 0; w < nw; w++) {
			const struct profile_workload *W = &set->workloads[w];
			if (!same_hardware(W->hardware, hw[g]) ||
			    !wlist_matches(W, filter))
				continue;
			if (l->n == title)
				l->rows[l->n++] =
					(struct wlist_row){-1, hw[g], 0};
			l->rows[l->n++] = (struct wlist_row){(long)w, hw[g], 0};
			l->rows[title].count++;
			l->shown++;
		}
	}
	free(hw);
	return true;
}

void wlist_free(struct wlist *l)
{
	free(l->rows);
	memset(l, 0, sizeof *l);
}

long wlist_row_of(const struct wlist *l, size_t workload)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].workload == (long)workload)
			return (long)i;
	return -1;
}

long wlist_first(const struct wlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].workload >= 0)
			return l->rows[i].workload;
	return -1;
}

size_t wlist_ordinal(const struct wlist *l, size_t workload)
{
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		k += l->rows[i].workload >= 0;
		if (l->rows[i].workload == (long)workload)
			return k;
	}
	return 0;
}

long wlist_step(const struct wlist *l, size_t workload, long by)
{
	if (!l->shown)
		return -1;
	long at = (long)wlist_ordinal(l, workload) - 1; /* -1: not shown */
	long to = at + by;
	if (at < 0)
		to = by > 0 ? by - 1 : 0;
	to = to < 0 ? 0 : to >= (long)l->shown ? (long)l->shown - 1 : to;
	for (size_t i = 0, k = 0; i < l->n; i++)
		if (l->rows[i].workload >= 0 && (long)k++ == to)
			return l->rows[i].workload;
	return -1;
}
