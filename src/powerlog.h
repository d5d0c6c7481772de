/* GPU power logs, for turning a benchmark's time window into joules:
 * nvidia-smi's CSV (--query-gpu=timestamp,index,power.draw), Zeus's
 * ZeusMonitor CSV (joules per GPU per measurement window) and
 * dcgm-exporter's Prometheus text (DCGM_FI_DEV_POWER_USAGE in W, or the
 * DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter in mJ). Every log becomes,
 * per GPU, a list of time segments with the power at both ends (linear in
 * between), so one integral serves every format. */
#ifndef ENERGYLENS_POWERLOG_H
#define ENERGYLENS_POWERLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* How times written without a zone are read. */
struct powerlog_zone {
	bool fixed;	 /* offset_s applies; else the zone of TZ (mktime) */
	double offset_s; /* east of UTC */
};

/* --tz: "UTC", "Z", "+HH:MM", "-HHMM", "+HH", or a zone name such as
 * "Europe/Berlin", which must exist under /usr/share/zoneinfo (or TZDIR)
 * and is then set as TZ for the rest of the process: mktime is the one
 * portable reader of a named zone. False when text is none of these. */
bool powerlog_zone_parse(struct powerlog_zone *z, const char *text);

/* "YYYY/MM/DD HH:MM:SS[.fff]" (nvidia-smi), or with '-' for '/' and 'T'
 * for the blank, optionally ending in "Z" or "+HH:MM": seconds since the
 * epoch. A bare number is taken as seconds since the epoch. The text is
 * len bytes (blanks around it forgiven). False when it is not a time. */
bool powerlog_time_parse(const char *text, size_t len,
			 const struct powerlog_zone *z, double *out);

struct powerlog_seg {
	double t0, t1; /* seconds (since the epoch, or the log's own clock) */
	double p0, p1; /* watts at t0 and at t1; linear in between */
	unsigned line; /* of the sample or window that ends the segment */
	unsigned file; /* index into powerlog_set.files */
	bool whole;    /* its energy was measured whole (a counter or a Zeus
			* window), so a long segment is no gap */
};

struct powerlog_gpu {
	long index; /* as the log numbers it */
	struct powerlog_seg *segs;
	size_t count, cap;
};

struct powerlog_set {
	struct powerlog_gpu *gpus;
	size_t count, cap;
	char **files; /* names, as in messages */
	size_t nfiles;
};

void powerlog_init(struct powerlog_set *s);
void powerlog_free(struct powerlog_set *s);

/* Reads one log held in buf (len bytes, NUL after them), its format told
 * by its first line; name is used in messages. Returns 0, or -1 when
 * errors were added to diags (the set may then hold part of the log: an
 * import with errors writes nothing). */
int powerlog_read(struct powerlog_set *s, const char *name, const char *buf,
		  size_t len, const struct powerlog_zone *z,
		  struct diag_list *diags);

/* After the last read: orders each GPU's segments by time and refuses two
 * logs that give the same GPU for the same time, which would count it
 * twice. Returns 0, or -1 after adding errors. */
int powerlog_finish(struct powerlog_set *s, struct diag_list *diags);

/* The GPU numbered index, or NULL. */
const struct powerlog_gpu *powerlog_find(const struct powerlog_set *s,
					 long index);

/* What one GPU's log says about [a, b]. */
struct powerlog_energy {
	double joules;	  /* the integral over the parts with data */
	double covered_s; /* how much of [a, b] has data */
	double gap_s;	  /* the longest stretch inside [a, b] without a
			   * sample (0 when none is longer than 1 s) */
	const struct powerlog_seg *gap_at; /* the segment after it */
	double first_t, last_t;		   /* the GPU's data, all of it */
};
void powerlog_energy(const struct powerlog_gpu *g, double a, double b,
		     struct powerlog_energy *e);

#endif
