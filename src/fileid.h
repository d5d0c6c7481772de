/* Files and directories by identity (device and inode), so that a walk
 * that follows symbolic links reads each one once: two links to their own
 * directory would otherwise make 2^32 paths before a depth bound stops
 * them, and a file reached twice would load its runs twice. */
#ifndef ENERGYLENS_FILEID_H
#define ENERGYLENS_FILEID_H

#include <stddef.h>
#include <sys/stat.h>

struct fileid_set {
	struct fileid *slots;
	size_t cap, count;
};

void fileid_init(struct fileid_set *s);
void fileid_free(struct fileid_set *s);
/* Records st's file: 1 when it is new, 0 when it was seen before, -1 when
 * out of memory. */
int fileid_add(struct fileid_set *s, const struct stat *st);
/* Whether st's file was recorded. */
int fileid_has(const struct fileid_set *s, const struct stat *st);
/* Records every file of from in s: 0, or -1 when out of memory. */
int fileid_merge(struct fileid_set *s, const struct fileid_set *from);

#endif
