#include "fileid.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fileid {
	dev_t dev;
	ino_t ino;
	bool used;
};

void fileid_init(struct fileid_set *s)
{
	memset(s, 0, sizeof *s);
}

void fileid_free(struct fileid_set *s)
{
	free(s->slots);
	memset(s, 0, sizeof *s);
}

static size_t slot_of(const struct fileid_set *s, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;
	size_t j = (size_t)(h ^ h >> 29) & (s->cap - 1);
	while (s->slots[j].used &&
	       !(s->slots[j].dev == dev && s->slots[j].ino == ino))
		j = (j + 1) & (s->cap - 1);
	return j;
}

static bool grow(struct fileid_set *s)
{
	struct fileid_set bigger = {NULL, s->cap ? s->cap * 2 : 64, 0};
	if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].used)
			bigger.slots[slot_of(&bigger, s->slots[i].dev,
					     s->slots[i].ino)] = s->slots[i];
	bigger.count = s->count;
	free(s->slots);
	*s = bigger;
	return true;
}

int fileid_add(struct fileid_set *s, const struct stat *st)
{
	if ((s->count + 1) * 2 > s->cap && !grow(s))
		return -1;
	size_t j = slot_of(s, st->st_dev, st->st_ino);
	if (s->slots[j].used)
		return 0;
	s->slots[j] = (struct fileid){st->st_dev, st->st_ino, true};
	s->count++;
	return 1;
}

int fileid_has(const struct fileid_set *s, const struct stat *st)
{
	if (!s->count)
		return 0;
	return s->slots[slot_of(s, st->st_dev, st->st_ino)].used;
}

int fileid_merge(struct fileid_set *s, const struct fileid_set *from)
{
	for (size_t i = 0; i < from->cap; i++) {
		if (!from->slots[i].used)
			continue;
		struct stat st;
		memset(&st, 0, sizeof st);
		st.st_dev = from->slots[i].dev;
		st.st_ino = from->slots[i].ino;
		if (fileid_add(s, &st) < 0)
			return -1;
	}
	return 0;
}
