/* The run set: storage, and string and workload interning. The walk over
 * files and directories is in profile_walk.c, parsing one file in
 * profile_load.c. */
#include "profile.h"
#include "profile_internal.h"
#include "schema.h"
#include "fileid.h"
#include "vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Interned strings: model and hardware names repeat across thousands of
 * runs and workloads, so each distinct string is stored once and compared
 * by pointer afterwards. Open addressing, power-of-two table. */
struct profile_strings {
	char **slots;
	size_t cap, count;
	/* The workloads by hash, so that finding one costs the same with a
	 * hundred thousand of them (a run that overrides a workload key makes
	 * one of its own): a slot holds an index + 1, 0 when empty. */
	size_t *wslots;
	size_t wcap;
	/* Files and directories read, by identity: a file named twice, or
	 * reached again through a symbolic link, loads its runs once. */
	struct fileid_set seen;
	bool stdin_read; /* "-" can be read once */
};

/* The set's private state, made on first use; NULL when out of memory. */
static struct profile_strings *strings_of(struct profile_set *set)
{
	if (!set->strings)
		set->strings = calloc(1, sizeof *set->strings);
	return set->strings;
}

void profile_set_init(struct profile_set *set)
{
	memset(set, 0, sizeof *set);
}

void profile_set_free(struct profile_set *set)
{
	vision_rules_free(set->vision);
	if (set->strings) {
		for (size_t i = 0; i < set->strings->cap; i++)
			free(set->strings->slots[i]);
		free(set->strings->slots);
		free(set->strings->wslots);
		fileid_free(&set->strings->seen);
		free(set->strings);
	}
	for (size_t i = 0; i < set->file_count; i++)
		free(set->files[i]);
	free(set->files);
	free(set->runs);
	free(set->workloads);
	memset(set, 0, sizeof *set);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static bool strings_grow(struct profile_strings *st)
{
	size_t cap = st->cap ? st->cap * 2 : 64;
	char **slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < st->cap; i++) {
		char *s = st->slots[i];
		if (!s)
			continue;
		size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s;
	}
	free(st->slots);
	st->slots = slots;
	st->cap = cap;
	return true;
}

const char *profile_intern(struct profile_set *set, const char *s, size_t len)
{
	struct profile_strings *st = strings_of(set);
	if (!st)
		return NULL;
	if ((st->count + 1) * 2 > st->cap && !strings_grow(st))
		return NULL;
	size_t j = hash_bytes(s, len) & (st->cap - 1);
	for (; st->slots[j]; j = (j + 1) & (st->cap - 1)) {
		if (strncmp(st->slots[j], s, len) == 0 &&
		    st->slots[j][len] == '\0')
			return st->slots[j];
	}
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	st->slots[j] = copy;
	st->count++;
	return copy;
}

/* Two workloads are one when every key has the same effective value, its
 * default applied where it is not given: a document that writes
 * active_params_b equal to params_b describes the same workload as one
 * that leaves it out. Strings are interned, so pointer equality is string
 * equality. */
static bool same_workload(const struct profile_workload *a,
			  const struct profile_workload *b)
{
	/* strings have no default: compared first, as most workloads
	 * differ there */
	if (a->name != b->name || a->model != b->model ||
	    a->hardware != b->hardware || a->engine != b->engine)
		return false;
	struct profile_workload ea, eb;
	schema_effective(a, &ea);
	schema_effective(b, &eb);
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++)
		if (!schema_same((enum schema_field)f, &ea, &eb))
			return false;
	return true;
}

/* Equal workloads must hash alike: strings by pointer (interned), every
 * NaN as one value and -0 as 0, as schema_same compares them. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t number_bits(double x)
{
	if (isnan(x))
		return 1;
	if (x == 0)
		return 0;
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

static uint64_t field_bits(enum schema_field f,
			   const struct profile_workload *w)
{
	const struct schema_field_info *i = &schema_fields[f];
	const char *p = (const char *)w + i->offset;
	switch (i->type) {
	case SCHEMA_T_STRING:
		return (uint64_t)(uintptr_t) * (const char *const *)p;
	case SCHEMA_T_ARCH:
		return (uint64_t) * (const enum profile_arch *)p;
	case SCHEMA_T_MODALITY:
		return (uint64_t) * (const enum profile_modality *)p;
	case SCHEMA_T_BOOL:
		return *(const bool *)p;
	case SCHEMA_T_PIXELS:
		return *(const uint32_t *)p;
	case SCHEMA_T_NUMBER:
		break;
	}
	return i->integer ? *(const uint32_t *)p
			  : number_bits(*(const double *)p);
}

static uint64_t hash_workload(const struct profile_workload *w)
{
	struct profile_workload e;
	schema_effective(w, &e);
	uint64_t h = 1469598103934665603ULL;
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++)
		h = mix(h, field_bits((enum schema_field)f, &e));
	return h;
}

static void windex_put(struct profile_strings *st,
		       const struct profile_set *set, size_t i)
{
	size_t j = hash_workload(&set->workloads[i]) & (st->wcap - 1);
	while (st->wslots[j])
		j = (j + 1) & (st->wcap - 1);
	st->wslots[j] = i + 1;
}

/* Makes room for one more workload (a rebuild inserts in index order, which
 * profile_drop_workloads relies on). */
static bool windex_ready(struct profile_set *set)
{
	struct profile_strings *st = strings_of(set);
	if (!st)
		return false;
	size_t n = set->workload_count;
	if ((n + 1) * 2 <= st->wcap)
		return true;
	size_t cap = st->wcap ? st->wcap : 64;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	size_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	free(st->wslots);
	st->wslots = slots;
	st->wcap = cap;
	for (size_t i = 0; i < n; i++)
		windex_put(st, set, i);
	return true;
}

void profile_drop_workloads(struct profile_set *set, size_t keep)
{
	struct profile_strings *st = set->strings;
	/* Newest first: in linear probing no entry placed before a dropped
	 * one probes past it, so emptying its slot breaks no chain. */
	for (size_t i = set->workload_count; st && i-- > keep;) {
		size_t j = hash_workload(&set->workloads[i]) & (st->wcap - 1);
		while (st->wslots[j] && st->wslots[j] != i + 1)
			j = (j + 1) & (st->wcap - 1);
		st->wslots[j] = 0;
	}
	set->workload_count = keep;
}

long profile_add_workload(struct profile_set *set,
			  const struct profile_workload *w)
{
	if (!windex_ready(set))
		return -1;
	struct profile_strings *st = set->strings;
	size_t j = hash_workload(w) & (st->wcap - 1);
	for (; st->wslots[j]; j = (j + 1) & (st->wcap - 1))
		if (same_workload(&set->workloads[st->wslots[j] - 1], w))
			return (long)(st->wslots[j] - 1);
	if (set->workload_count == set->workload_cap) {
		size_t cap = set->workload_cap ? set->workload_cap * 2 : 16;
		void *p = realloc(set->workloads, cap * sizeof *set->workloads);
		if (!p)
			return -1;
		set->workloads = p;
		set->workload_cap = cap;
	}
	size_t i = set->workload_count++;
	set->workloads[i] = *w;
	set->workloads[i].run_count = 0;
	st->wslots[j] = i + 1;
	return (long)i;
}

bool profile_add_run(struct profile_set *set, const struct profile_run *run)
{
	if (set->run_count == set->run_cap) {
		size_t cap = set->run_cap ? set->run_cap * 2 : 256;
		void *p = realloc(set->runs, cap * sizeof *set->runs);
		if (!p)
			return false;
		set->runs = p;
		set->run_cap = cap;
	}
	set->runs[set->run_count++] = *run;
	set->workloads[run->workload].run_count++;
	return true;
}

long profile_add_file(struct profile_set *set, const char *name)
{
	if (set->file_count == set->file_cap) {
		size_t cap = set->file_cap ? set->file_cap * 2 : 8;
		void *p = realloc(set->files, cap * sizeof *set->files);
		if (!p)
			return -1;
		set->files = p;
		set->file_cap = cap;
	}
	if (!(set->files[set->file_count] = strdup(name)))
		return -1;
	return (long)set->file_count++;
}

/* The set's file identities, for the walk; NULL when out of memory. */
struct fileid_set *profile_seen(struct profile_set *set)
{
	struct profile_strings *st = strings_of(set);
	return st ? &st->seen : NULL;
}

/* Standard input is read once: true the first time it is claimed. */
bool profile_claim_stdin(struct profile_set *set)
{
	struct profile_strings *st = strings_of(set);
	if (!st || st->stdin_read)
		return false;
	st->stdin_read = true;
	return true;
}

/* ---- workloads split in two ----------------------------------------- */

/* A split pair is found by sorting on the strings, not by comparing every
 * pair: a set may hold a hundred thousand workloads. Within a run of
 * workloads with the same strings, each is compared with at most this many
 * before it. */
#define SPLIT_LOOKBACK 64

static int cmp_ptr(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

struct split_sort {
	const struct profile_workload *w;
	size_t index;
};

static int by_strings(const void *x, const void *y)
{
	const struct split_sort *a = x, *b = y;
	int c = cmp_ptr(a->w->name, b->w->name);
	c = c ? c : cmp_ptr(a->w->model, b->w->model);
	c = c ? c : cmp_ptr(a->w->hardware, b->w->hardware);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static bool same_strings(const struct profile_workload *a,
			 const struct profile_workload *b)
{
	return a->name == b->name && a->model == b->model &&
	       a->hardware == b->hardware;
}

/* The first field that splits a and b, or -1 when they differ in a key
 * both give (two workloads) or in none. *count: how many split them. */
static int split_field(const struct profile_workload *a,
		       const struct profile_workload *b, int *count)
{
	struct profile_workload ea, eb;
	schema_effective(a, &ea);
	schema_effective(b, &eb);
	int first = -1;
	*count = 0;
	for (int f = 0; f < SCHEMA_FIRST_RUN_FIELD; f++) {
		if (schema_same((enum schema_field)f, &ea, &eb))
			continue;
		if (schema_given((enum schema_field)f, a) ==
		    schema_given((enum schema_field)f, b))
			return -1;
		if (first < 0)
			first = f;
		++*count;
	}
	return first;
}

/* "3 here, not given (default params_b: 14) at a.yaml:7:5" */
static void report_split(const struct profile_set *set, struct diag_list *diags,
			 const struct profile_run *here,
			 const struct profile_run *there, int field, int count,
			 const struct profile_workload *a,
			 const struct profile_workload *b)
{
	enum schema_field f = (enum schema_field)field;
	const struct schema_field_info *i = &schema_fields[f];
	const struct profile_workload *given = schema_given(f, a) ? a : b;
	const struct profile_workload *other = given == a ? b : a;
	struct profile_workload eff;
	schema_effective(other, &eff);
	char value[48], def[48], left[128];
	schema_format(f, given, value, sizeof value);
	schema_format(f, &eff, def, sizeof def);
	if (i->def_text && schema_given(f, &eff))
		snprintf(left, sizeof left, "not given (default %s%s%s)",
			 i->def_from >= 0 ? i->def_text : def,
			 i->def_from >= 0 ? ": " : "",
			 i->def_from >= 0 ? def : "");
	else
		snprintf(left, sizeof left, "not given");
	bool given_here = given == a;
	char more[48] = "";
	if (count > 1)
		snprintf(more, sizeof more, " and %d more key%s", count - 1,
			 count > 2 ? "s" : "");
	diag_add(diags, DIAG_WARNING, set->files[here->file], here->line,
		 here->col,
		 "workload split in two by %s%s: %s here, %s at %s:%u:%u "
		 "(expected the same in every document of one workload: give "
		 "it in both, or in neither)",
		 i->name, more, given_here ? value : left,
		 given_here ? left : value, set->files[there->file],
		 there->line, there->col);
}

bool profile_report_splits(const struct profile_set *set,
			   struct diag_list *diags)
{
	size_t n = set->workload_count;
	if (n < 2)
		return true;
	struct split_sort *by = malloc(n * sizeof *by);
	size_t *first_run = malloc(n * sizeof *first_run);
	if (!by || !first_run) {
		free(by);
		free(first_run);
		return false;
	}
	for (size_t w = 0; w < n; w++) {
		by[w] = (struct split_sort){&set->workloads[w], w};
		first_run[w] = SIZE_MAX;
	}
	for (size_t r = set->run_count; r-- > 0;)
		first_run[set->runs[r].workload] = r;
	qsort(by, n, sizeof *by, by_strings);
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i, k = 0; j-- > 0 && k < SPLIT_LOOKBACK; k++) {
			if (!same_strings(by[i].w, by[j].w))
				break;
			int count;
			int f = split_field(by[i].w, by[j].w, &count);
			size_t ri = first_run[by[i].index];
			size_t rj = first_run[by[j].index];
			if (f < 0 || ri == SIZE_MAX || rj == SIZE_MAX)
				continue;
			report_split(set, diags, &set->runs[ri], &set->runs[rj],
				     f, count, by[i].w, by[j].w);
			break;
		}
	}
	free(by);
	free(first_run);
	return true;
}

const struct fileid_set *profile_set_read(const struct profile_set *set)
{
	return set->strings ? &set->strings->seen : NULL;
}

const char *profile_arch_name(enum profile_arch arch)
{
	return (unsigned)arch <= ARCH_HYBRID ? schema_arch_names[arch] : "";
}

const char *profile_modality_name(enum profile_modality modality)
{
	return (unsigned)modality <= MODALITY_AUDIO
		       ? schema_modality_names[modality]
		       : "";
}
