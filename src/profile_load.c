/* The profile parser: libyaml's event API driven by a recursive descent over
 * schema v1. Events are pulled one at a time, so a file of a million runs is
 * never held as a document tree; only the runs themselves are kept.
 *
 * Every problem is reported with its position and parsing goes on, so one
 * pass lists them all; only a YAML syntax error (after which libyaml cannot
 * continue) ends a file early. */
#include "profile.h"
#include "profile_internal.h"
#include "defaults.h"
#include "schema.h"
#include "text.h"
#include "utf8.h"
#include "vision.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Bounds on what a profile may ask of us. The schema nests four levels, so
 * 32 leaves room for unknown keys of future versions while stopping a
 * "[[[[..." file from costing unbounded work. Aliases are expanded by
 * replaying recorded events; the caps keep a "billion laughs" file to a few
 * thousand events. */
#define MAX_NESTING	    32
#define MAX_ANCHORS	    64
#define MAX_ALIASES	    64
#define MAX_ANCHORED_EVENTS 4096
#define MAX_REPLAYED_EVENTS 4096
#define MAX_KEY		    128

enum ev_kind {
	EV_STREAM_END,
	EV_DOC_START,
	EV_DOC_END,
	EV_MAP_START,
	EV_MAP_END,
	EV_SEQ_START,
	EV_SEQ_END,
	EV_SCALAR,
};

/* An event as the grammar sees it; value stays valid until the next pull. */
struct event {
	enum ev_kind kind;
	unsigned line, col; /* 1-based */
	const char *value;  /* scalars: NUL-terminated */
	size_t length;
	bool plain;	 /* scalar written without quotes or block indicator */
	const char *tag; /* an explicit tag, as libyaml resolved it; NULL */
};

struct recorded {
	enum ev_kind kind;
	unsigned line, col;
	char *value;
	size_t length;
	bool plain;
	char *tag;
};

struct anchor {
	char *name;
	struct recorded *events;
	size_t count, cap;
	bool complete;
};

struct recording {
	size_t anchor;
	int level;
};

struct loader {
	yaml_parser_t parser;
	yaml_event_t raw;
	bool raw_live;
	struct profile_set *set;
	struct diag_list *diags;
	const char *name;
	uint32_t file;
	const unsigned char *data;
	size_t len;
	struct anchor anchors[MAX_ANCHORS];
	size_t anchor_count;
	struct recording recordings[MAX_NESTING + 2];
	size_t recording_count;
	bool replaying;
	size_t replay_anchor, replay_pos;
	size_t aliases, anchored_events, replayed_events;
	int depth;
	bool fatal; /* stop reading this file */
	bool out_of_memory;
	int file_version; /* from the first document; 0 = not given */
};

/* ---- reporting ---------------------------------------------------------- */

static void error_at(struct loader *L, unsigned line, unsigned col,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warning_at(struct loader *L, unsigned line, unsigned col,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct loader *L, enum diag_severity sev, unsigned line,
		   unsigned col, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static void report(struct loader *L, enum diag_severity sev, unsigned line,
		   unsigned col, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	diag_add(L->diags, sev, L->name, line, col, "%s", msg);
}

static void error_at(struct loader *L, unsigned line, unsigned col,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(L, DIAG_ERROR, line, col, fmt, ap);
	va_end(ap);
}

static void warning_at(struct loader *L, unsigned line, unsigned col,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(L, DIAG_WARNING, line, col, fmt, ap);
	va_end(ap);
}

/* Quotes a scalar for a message: at most 40 characters (never cut inside
 * one), escaped (text.h), so a hostile value cannot garble the terminal. */
static const char *show(const char *s, size_t len, char *buf, size_t size)
{
	return text_show(buf, size, s, len, 40);
}

/* A scalar as written: quoted ones keep their quotes, so "12" is not
 * mistaken for the number 12 in a message that refuses it. */
static const char *show_scalar(const struct event *ev, char *buf, size_t size)
{
	if (ev->plain || size < 3)
		return show(ev->value, ev->length, buf, size);
	buf[0] = '"';
	show(ev->value, ev->length, buf + 1, size - 2);
	strcat(buf, "\"");
	return buf;
}

/* Converts a byte offset to a 1-based line and a 1-based column counted in
 * characters, as libyaml counts its marks. */
static void locate_offset(const struct loader *L, size_t offset, unsigned *line,
			  unsigned *col)
{
	unsigned l = 1, c = 1;
	for (size_t i = 0; i < offset && i < L->len; i++) {
		/* a CR alone ends a line too, as libyaml reads it */
		if (L->data[i] == '\n' ||
		    (L->data[i] == '\r' &&
		     (i + 1 == L->len || L->data[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if ((L->data[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void report_reader_error(struct loader *L)
{
	const yaml_parser_t *p = &L->parser;
	unsigned line, col;
	locate_offset(L, p->problem_offset, &line, &col);
	int value = p->problem_value;
	const char *problem = p->problem ? p->problem : "unreadable input";
	if (strstr(problem, "control characters") && value == 0)
		error_at(L, line, col, "NUL byte (expected text)");
	else if (strstr(problem, "control characters"))
		error_at(L, line, col,
			 "control character U+%04X (expected printable text)",
			 (unsigned)value);
	else if (strstr(problem, "UTF-8") || strstr(problem, "Unicode"))
		error_at(L, line, col,
			 "invalid UTF-8: %s, byte 0x%02X (expected UTF-8 text)",
			 problem, (unsigned)value & 0xff);
	else
		error_at(L, line, col, "%s (expected UTF-8 text)", problem);
}

/* libyaml says "found character that cannot start any token" for a tab in
 * indentation; name the tab instead. Returns whether the line at the mark
 * is indented with a tab, and where the tab is. */
static bool tab_indent(const struct loader *L, unsigned line0, unsigned *col)
{
	size_t i = 0;
	for (unsigned l = 0; l < line0 && i < L->len; i++)
		if (L->data[i] == '\n')
			l++;
	for (unsigned c = 1; i < L->len; i++, c++) {
		if (L->data[i] == '\t') {
			*col = c;
			return true;
		}
		if (L->data[i] != ' ' && L->data[i] != '-')
			return false;
	}
	return false;
}

static void report_syntax_error(struct loader *L)
{
	const yaml_parser_t *p = &L->parser;
	if (p->error == YAML_MEMORY_ERROR) {
		L->out_of_memory = true;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		report_reader_error(L);
		return;
	}
	unsigned line = (unsigned)p->problem_mark.line + 1;
	unsigned col = (unsigned)p->problem_mark.column + 1;
	unsigned tab_col;
	if (tab_indent(L, (unsigned)p->problem_mark.line, &tab_col)) {
		error_at(L, line, tab_col,
			 "tab character in indentation "
			 "(expected spaces: YAML forbids tabs there)");
		return;
	}
	const char *problem = p->problem ? p->problem : "invalid YAML";
	const char *context = p->context ? p->context : "";
	if (p->context && strstr(problem, "end of stream"))
		error_at(L, line, col,
			 "unterminated construct: %s %s, opened at %u:%u "
			 "(expected it closed before the end of the file)",
			 problem, context, (unsigned)p->context_mark.line + 1,
			 (unsigned)p->context_mark.column + 1);
	else if (p->context)
		error_at(L, line, col,
			 "YAML syntax error: %s %s, opened at %u:%u "
			 "(expected valid YAML)",
			 problem, context, (unsigned)p->context_mark.line + 1,
			 (unsigned)p->context_mark.column + 1);
	else
		error_at(L, line, col,
			 "YAML syntax error: %s (expected valid YAML)",
			 problem);
}

static void fatal_at(struct loader *L, unsigned line, unsigned col,
		     const char *what)
{
	error_at(L, line, col, "%s", what);
	L->fatal = true;
}

/* ---- anchors and aliases ------------------------------------------------ */

static void free_anchor(struct anchor *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->events[i].value);
		free(a->events[i].tag);
	}
	free(a->events);
	free(a->name);
	memset(a, 0, sizeof *a);
}

static bool anchor_append(struct loader *L, struct anchor *a,
			  const struct event *ev)
{
	if (++L->anchored_events > MAX_ANCHORED_EVENTS) {
		fatal_at(L, ev->line, ev->col,
			 "anchored content too large (expected at most "
			 "4096 YAML nodes under anchors per file)");
		return false;
	}
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct recorded *p = realloc(a->events, cap * sizeof *p);
		if (!p) {
			L->out_of_memory = L->fatal = true;
			return false;
		}
		a->events = p;
		a->cap = cap;
	}
	struct recorded *r = &a->events[a->count];
	*r = (struct recorded){ev->kind, ev->line,  ev->col, NULL,
			       0,	 ev->plain, NULL};
	if (ev->tag && !(r->tag = strdup(ev->tag))) {
		L->out_of_memory = L->fatal = true;
		return false;
	}
	if (ev->kind == EV_SCALAR) {
		if (!(r->value = malloc(ev->length + 1))) {
			L->out_of_memory = L->fatal = true;
			return false;
		}
		memcpy(r->value, ev->value, ev->length);
		r->value[ev->length] = '\0';
		r->length = ev->length;
	}
	a->count++;
	return true;
}

static int level_change(enum ev_kind kind)
{
	if (kind == EV_MAP_START || kind == EV_SEQ_START)
		return 1;
	if (kind == EV_MAP_END || kind == EV_SEQ_END)
		return -1;
	return 0;
}

/* Appends ev to every anchor being recorded, and closes the innermost ones
 * whose node ends with it. */
static bool record(struct loader *L, const struct event *ev)
{
	for (size_t i = 0; i < L->recording_count; i++) {
		struct recording *r = &L->recordings[i];
		if (!anchor_append(L, &L->anchors[r->anchor], ev))
			return false;
		r->level += level_change(ev->kind);
	}
	while (L->recording_count &&
	       L->recordings[L->recording_count - 1].level == 0) {
		L->recording_count--;
		L->anchors[L->recordings[L->recording_count].anchor].complete =
			true;
	}
	return true;
}

static bool begin_anchor(struct loader *L, const char *name,
			 const struct event *ev)
{
	if (L->anchor_count == MAX_ANCHORS ||
	    L->recording_count == MAX_NESTING + 2) {
		fatal_at(L, ev->line, ev->col,
			 "too many anchors (expected at most 64 per file)");
		return false;
	}
	struct anchor *a = &L->anchors[L->anchor_count];
	if (!(a->name = strdup(name))) {
		L->out_of_memory = L->fatal = true;
		return false;
	}
	L->anchor_count++;
	/* pull() has already given ev to the anchors enclosing this one, so
	 * only the new anchor records it here. */
	if (!anchor_append(L, a, ev))
		return false;
	int level = level_change(ev->kind);
	if (level == 0)
		a->complete = true; /* a scalar: the whole node */
	else
		L->recordings[L->recording_count++] =
			(struct recording){L->anchor_count - 1, level};
	return true;
}

static bool begin_replay(struct loader *L, const char *name,
			 const yaml_mark_t *mark)
{
	unsigned line = (unsigned)mark->line + 1,
		 col = (unsigned)mark->column + 1;
	if (++L->aliases > MAX_ALIASES) {
		fatal_at(L, line, col,
			 "too many aliases (expected at most 64 per file)");
		return false;
	}
	/* A later anchor of the same name replaces an earlier one. */
	for (size_t i = L->anchor_count; i-- > 0;) {
		struct anchor *a = &L->anchors[i];
		if (strcmp(a->name, name) != 0)
			continue;
		if (!a->complete) {
			fatal_at(L, line, col,
				 "alias used inside its own anchor "
				 "(expected an alias to a complete node)");
			return false;
		}
		L->replayed_events += a->count;
		if (L->replayed_events > MAX_REPLAYED_EVENTS) {
			fatal_at(L, line, col,
				 "aliases expand to too much content "
				 "(expected at most 4096 YAML nodes per file)");
			return false;
		}
		L->replaying = true;
		L->replay_anchor = i;
		L->replay_pos = 0;
		return true;
	}
	char buf[64];
	error_at(L, line, col,
		 "unknown alias '*%s' (expected an anchor defined "
		 "before it with '&%s')",
		 show(name, strlen(name), buf, sizeof buf),
		 show(name, strlen(name), buf, sizeof buf));
	L->fatal = true;
	return false;
}

/* ---- pulling events ----------------------------------------------------- */

static bool from_replay(struct loader *L, struct event *ev)
{
	struct anchor *a = &L->anchors[L->replay_anchor];
	if (L->replay_pos == a->count) {
		L->replaying = false;
		return false;
	}
	const struct recorded *r = &a->events[L->replay_pos++];
	*ev = (struct event){r->kind,	r->line,  r->col, r->value,
			     r->length, r->plain, r->tag};
	return true;
}

/* Converts the raw libyaml event; returns false for events the grammar does
 * not see (stream start) and sets *anchor for anchored nodes. */
static bool convert(const yaml_event_t *raw, struct event *ev,
		    const char **anchor)
{
	*anchor = NULL;
	ev->line = (unsigned)raw->start_mark.line + 1;
	ev->col = (unsigned)raw->start_mark.column + 1;
	ev->value = NULL;
	ev->length = 0;
	ev->plain = false;
	ev->tag = NULL;
	switch (raw->type) {
	case YAML_STREAM_END_EVENT:
		ev->kind = EV_STREAM_END;
		return true;
	case YAML_DOCUMENT_START_EVENT:
		ev->kind = EV_DOC_START;
		return true;
	case YAML_DOCUMENT_END_EVENT:
		ev->kind = EV_DOC_END;
		return true;
	case YAML_MAPPING_START_EVENT:
		ev->kind = EV_MAP_START;
		*anchor = (const char *)raw->data.mapping_start.anchor;
		ev->tag = (const char *)raw->data.mapping_start.tag;
		return true;
	case YAML_MAPPING_END_EVENT:
		ev->kind = EV_MAP_END;
		return true;
	case YAML_SEQUENCE_START_EVENT:
		ev->kind = EV_SEQ_START;
		*anchor = (const char *)raw->data.sequence_start.anchor;
		ev->tag = (const char *)raw->data.sequence_start.tag;
		return true;
	case YAML_SEQUENCE_END_EVENT:
		ev->kind = EV_SEQ_END;
		return true;
	case YAML_SCALAR_EVENT:
		ev->kind = EV_SCALAR;
		ev->value = (const char *)raw->data.scalar.value;
		ev->length = raw->data.scalar.length;
		ev->plain = raw->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		*anchor = (const char *)raw->data.scalar.anchor;
		ev->tag = (const char *)raw->data.scalar.tag;
		return true;
	default:
		return false;
	}
}

static bool pull_raw(struct loader *L, struct event *ev, const char **anchor)
{
	for (;;) {
		if (L->replaying && from_replay(L, ev)) {
			*anchor = NULL;
			return true;
		}
		if (L->raw_live) {
			yaml_event_delete(&L->raw);
			L->raw_live = false;
		}
		if (!yaml_parser_parse(&L->parser, &L->raw)) {
			report_syntax_error(L);
			L->fatal = true;
			return false;
		}
		L->raw_live = true;
		if (L->raw.type == YAML_ALIAS_EVENT) {
			if (!begin_replay(
				    L, (const char *)L->raw.data.alias.anchor,
				    &L->raw.start_mark))
				return false;
			continue;
		}
		if (convert(&L->raw, ev, anchor))
			return true;
	}
}

/* The one way the grammar reads input. Returns false when the file cannot
 * be read further (the reason has been reported). */
static bool pull(struct loader *L, struct event *ev)
{
	const char *anchor;
	if (L->fatal || !pull_raw(L, ev, &anchor))
		return false;
	L->depth += level_change(ev->kind);
	if (L->depth > MAX_NESTING) {
		fatal_at(L, ev->line, ev->col,
			 "nesting too deep (expected at most 32 levels of "
			 "mappings and sequences)");
		return false;
	}
	if (!record(L, ev))
		return false;
	if (anchor && !begin_anchor(L, anchor, ev))
		return false;
	return true;
}

/* Consumes the rest of a node whose first event was just pulled. */
static bool skip_node(struct loader *L, const struct event *first)
{
	int level = level_change(first->kind);
	struct event ev;
	while (level > 0) {
		if (!pull(L, &ev))
			return false;
		level += level_change(ev.kind);
	}
	return true;
}

static const char *node_kind(const struct event *ev)
{
	switch (ev->kind) {
	case EV_MAP_START:
		return "a mapping";
	case EV_SEQ_START:
		return "a sequence";
	case EV_SCALAR:
		return ev->plain ? "a scalar" : "a quoted string";
	default:
		return "nothing";
	}
}

static bool is_null(const struct event *ev)
{
	return ev->kind == EV_SCALAR && ev->plain &&
	       (ev->length == 0 || strcmp(ev->value, "~") == 0 ||
		/* most values are numbers: one byte rules them out */
		((ev->value[0] | 0x20) == 'n' &&
		 (strcmp(ev->value, "null") == 0 ||
		  strcmp(ev->value, "Null") == 0 ||
		  strcmp(ev->value, "NULL") == 0)));
}

/* ---- fields of schema v1 (schema.c) ------------------------------------- */

/* What a run or the workload: section says, before the two are merged.
 * Every key of the schema may appear at either level. */
struct record {
	struct profile_run run;
	struct profile_workload wl;
	struct profile_vision_inputs vin;
	uint64_t set;	  /* one bit per field (enum schema_field), then
			     one per group (GROUP_BIT) */
	uint64_t present; /* keys written, valid or not */
	unsigned line, col;
	bool bad; /* an error was reported inside */
};

_Static_assert(SCHEMA_FIELD_COUNT + SCHEMA_GROUP_COUNT <= 64,
	       "record.set has one bit per field and group");
#define BIT(i)	      ((uint64_t)1 << (i))
#define GROUP_BIT(g)  BIT(SCHEMA_FIELD_COUNT + (g))
#define WORKLOAD_BITS (BIT(SCHEMA_FIRST_RUN_FIELD) - 1)
#define INFO(f)	      (&schema_fields[f])

static void *field_in(struct record *rec, enum schema_field f)
{
	if (INFO(f)->input)
		return schema_place_input(f, &rec->vin);
	return schema_place(f, &rec->wl, &rec->run);
}

/* ---- tags --------------------------------------------------------------- */

/* A tag changes what a value is read as (!!str 1 is text, !!python/object
 * asks to build one), and readers differ in which they honour; a profile
 * means the same to every reader only without them. So a tag is refused
 * unless it is the standard one of the type the key already has. */
enum tag_want {
	WANT_STR,
	WANT_INT,
	WANT_NUMBER,
	WANT_BOOL,
	WANT_MAP,
	WANT_SEQ
};

#define CORE_TAG "tag:yaml.org,2002:"

static bool tag_is(const char *tag, const char *name)
{
	return strncmp(tag, CORE_TAG, strlen(CORE_TAG)) == 0 &&
	       strcmp(tag + strlen(CORE_TAG), name) == 0;
}

static bool tag_allowed(const struct event *ev, enum tag_want want)
{
	const char *t = ev->tag;
	if (!t)
		return true;
	/* "!" is the non-specific tag: a scalar is text, a collection what
	 * it looks like */
	if (strcmp(t, "!") == 0)
		return want == WANT_STR || want == WANT_MAP || want == WANT_SEQ;
	switch (want) {
	case WANT_STR:
		return tag_is(t, "str");
	case WANT_INT:
		return tag_is(t, "int");
	case WANT_NUMBER:
		return tag_is(t, "int") || tag_is(t, "float");
	case WANT_BOOL:
		return tag_is(t, "bool");
	case WANT_MAP:
		return tag_is(t, "map");
	case WANT_SEQ:
		return tag_is(t, "seq");
	}
	return false;
}

static const char *want_tag(enum tag_want want)
{
	static const char *const names[] = {[WANT_STR] = "!!str",
					    [WANT_INT] = "!!int",
					    [WANT_NUMBER] = "!!int or !!float",
					    [WANT_BOOL] = "!!bool",
					    [WANT_MAP] = "!!map",
					    [WANT_SEQ] = "!!seq"};
	return names[want];
}

/* Reports a tag that is not allowed on what (a key's name, "a key", "the
 * document"); returns whether the node may be read. */
static bool check_tag(struct loader *L, const struct event *ev,
		      const char *what, enum tag_want want)
{
	if (tag_allowed(ev, want))
		return true;
	const char *t = ev->tag;
	bool core = strncmp(t, CORE_TAG, strlen(CORE_TAG)) == 0;
	if (core)
		t += strlen(CORE_TAG);
	char buf[64];
	error_at(L, ev->line, ev->col,
		 "%s has the tag %s%s (expected no tag, or %s: a tag must "
		 "not change what a value is read as)",
		 what, core ? "!!" : "", show(t, strlen(t), buf, sizeof buf),
		 want_tag(want));
	return false;
}

static enum tag_want tag_for(enum schema_field f)
{
	switch (INFO(f)->type) {
	case SCHEMA_T_STRING:
	case SCHEMA_T_ARCH:
	case SCHEMA_T_MODALITY:
	case SCHEMA_T_PIXELS:
		return WANT_STR;
	case SCHEMA_T_BOOL:
		return WANT_BOOL;
	case SCHEMA_T_NUMBER:
		break;
	}
	return INFO(f)->integer ? WANT_INT : WANT_NUMBER;
}

/* ---- scalar values ------------------------------------------------------ */

static bool parse_numeric(struct loader *L, enum schema_field f,
			  const struct event *ev, void *dst)
{
	const struct schema_field_info *info = INFO(f);
	char buf[64];
	double v = 0;
	enum schema_number_status st =
		ev->plain ? schema_number(ev->value, &v) : SCHEMA_NUM_SYNTAX;
	const char *what = NULL;
	if (st == SCHEMA_NUM_LEADING_ZERO) {
		char why[192];
		schema_leading_zero_text(ev->value, why, sizeof why);
		error_at(L, ev->line, ev->col,
			 "%s has a leading zero: %s (expected %s)", info->name,
			 why, schema_expectation(f));
		return false;
	}
	if (st == SCHEMA_NUM_TINY) {
		error_at(L, ev->line, ev->col,
			 "%s is out of range (too small to hold): %s (expected "
			 "%s)",
			 info->name, show_scalar(ev, buf, sizeof buf),
			 schema_expectation(f));
		return false;
	}
	if (st == SCHEMA_NUM_NONFINITE || st == SCHEMA_NUM_RANGE) {
		error_at(L, ev->line, ev->col, "%s is %s: %s (expected %s)",
			 info->name,
			 st == SCHEMA_NUM_RANGE ? "out of range"
						: "not a finite number",
			 show_scalar(ev, buf, sizeof buf),
			 schema_expectation(f));
		return false;
	}
	if (st == SCHEMA_NUM_SYNTAX) {
		error_at(L, ev->line, ev->col,
			 "%s is not a number: %s (expected %s)", info->name,
			 show_scalar(ev, buf, sizeof buf),
			 schema_expectation(f));
		return false;
	}
	if ((what = schema_number_problem(f, v))) {
		error_at(L, ev->line, ev->col, "%s %s: %s (expected %s)",
			 info->name, what, show_scalar(ev, buf, sizeof buf),
			 schema_expectation(f));
		return false;
	}
	if (info->integer)
		*(uint32_t *)dst = (uint32_t)v;
	else
		*(double *)dst = v;
	return true;
}

static bool parse_word(struct loader *L, enum schema_field f,
		       const struct event *ev, void *dst)
{
	bool ok = false;
	if (INFO(f)->type == SCHEMA_T_BOOL) {
		/* quoted, "true" is text */
		ok = ev->plain && schema_bool(ev->value, (bool *)dst);
	} else if (INFO(f)->type == SCHEMA_T_ARCH) {
		enum profile_arch a = schema_arch(ev->value);
		if ((ok = a != ARCH_UNSET))
			*(enum profile_arch *)dst = a;
	} else {
		enum profile_modality m = schema_modality(ev->value);
		if ((ok = m != MODALITY_UNSET))
			*(enum profile_modality *)dst = m;
	}
	if (ok)
		return true;
	char buf[64];
	error_at(L, ev->line, ev->col, "%s is not valid: %s (expected %s)",
		 INFO(f)->name, show_scalar(ev, buf, sizeof buf),
		 schema_expectation(f));
	return false;
}

/* Plain words that YAML 1.1 reads as booleans (true and false: YAML 1.2
 * too): this loader keeps them as text, another reader would not. */
static bool bool_word(const char *s)
{
	static const char *const words[] = {
		"y",  "Y",  "yes",  "Yes",  "YES",  "n",     "N",     "no",
		"No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON",   "off",  "Off",  "OFF"};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool parse_string(struct loader *L, enum schema_field f,
			 const struct event *ev, void *dst)
{
	if (ev->plain && !ev->tag && bool_word(ev->value))
		warning_at(L, ev->line, ev->col,
			   "%s %s is a boolean to YAML 1.1 readers (expected "
			   "\"%s\" in quotes, text to every reader)",
			   INFO(f)->name, ev->value, ev->value);
	unsigned cp;
	if (utf8_find_control(ev->value, ev->length, &cp)) {
		/* "\e[2J" is a valid YAML string, and a terminal command
		 * once check or rank prints it. */
		char buf[64];
		error_at(L, ev->line, ev->col,
			 "%s has the control character U+%04X: %s "
			 "(expected printable text)",
			 INFO(f)->name, cp, show_scalar(ev, buf, sizeof buf));
		return false;
	}
	size_t at;
	if (text_find_invisible(ev->value, ev->length, &cp, &at)) {
		/* kept as written (it is the name), but shown escaped
		 * everywhere: say so once, here */
		char buf[64];
		warning_at(L, ev->line, ev->col,
			   "%s has the invisible character U+%04X, %s: %s (it "
			   "is shown escaped)",
			   INFO(f)->name, cp, text_invisible_kind(cp),
			   show_scalar(ev, buf, sizeof buf));
	}
	const char *s = profile_intern(L->set, ev->value, ev->length);
	if (!s)
		L->out_of_memory = L->fatal = true;
	*(const char **)dst = s;
	return s != NULL;
}

/* "1280x800": a size in pixels, for the vision rules. */
static bool parse_pixels(struct loader *L, enum schema_field f,
			 const struct event *ev, void *dst)
{
	if (vision_parse_px(ev->value, (uint32_t *)dst))
		return true;
	char buf[64];
	error_at(L, ev->line, ev->col, "%s is not a size: %s (expected %s)",
		 INFO(f)->name, show_scalar(ev, buf, sizeof buf),
		 schema_expectation(f));
	return false;
}

/* Reads the value of field f (its first event is ev) into rec. */
static bool parse_value(struct loader *L, struct record *rec,
			enum schema_field f, const struct event *ev)
{
	const char *name = INFO(f)->name;
	if (ev->kind != EV_SCALAR) {
		error_at(L, ev->line, ev->col, "%s is %s (expected %s)", name,
			 node_kind(ev), schema_expectation(f));
		skip_node(L, ev);
		return false;
	}
	if (!check_tag(L, ev, name, tag_for(f)))
		return false;
	if (is_null(ev)) {
		error_at(L, ev->line, ev->col, "%s has no value (expected %s)",
			 name, schema_expectation(f));
		return false;
	}
	void *dst = field_in(rec, f);
	switch (INFO(f)->type) {
	case SCHEMA_T_STRING:
		return parse_string(L, f, ev, dst);
	case SCHEMA_T_BOOL:
	case SCHEMA_T_ARCH:
	case SCHEMA_T_MODALITY:
		return parse_word(L, f, ev, dst);
	case SCHEMA_T_PIXELS:
		return parse_pixels(L, f, ev, dst);
	case SCHEMA_T_NUMBER:
		break;
	}
	return parse_numeric(L, f, ev, dst);
}

/* ---- mappings ----------------------------------------------------------- */

/* Keys seen in one mapping, to report duplicates with the first place. */
struct seen {
	struct {
		char key[MAX_KEY];
		unsigned line, col;
	} keys[64];
	size_t count;
};

/* A key cut to MAX_KEY - 1 bytes, as snprintf would, without its cost
 * (this runs for every key of every run); returns its length. */
static size_t copy_key(char *dst, const char *src)
{
	size_t n = strnlen(src, MAX_KEY - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

static bool duplicate(struct loader *L, struct seen *seen,
		      const struct event *key)
{
	for (size_t i = 0; i < seen->count; i++) {
		if (seen->keys[i].key[0] != key->value[0] ||
		    strncmp(seen->keys[i].key, key->value, MAX_KEY - 1) != 0)
			continue;
		char buf[64];
		error_at(L, key->line, key->col,
			 "duplicate key '%s', first at %u:%u "
			 "(expected each key once in a mapping)",
			 show(key->value, key->length, buf, sizeof buf),
			 seen->keys[i].line, seen->keys[i].col);
		return true;
	}
	if (seen->count < sizeof seen->keys / sizeof *seen->keys) {
		copy_key(seen->keys[seen->count].key, key->value);
		seen->keys[seen->count].line = key->line;
		seen->keys[seen->count].col = key->col;
		seen->count++;
	}
	return false;
}

static bool skip_value(struct loader *L)
{
	struct event value;
	return pull(L, &value) && skip_node(L, &value);
}

/* Pulls the next key of a mapping into key (a copy, since the value pull
 * invalidates the event). Returns 1 for a key, 0 at the end of the
 * mapping, -1 when the file cannot be read further. Non-scalar keys are
 * reported and skipped together with their value. */
static int next_key(struct loader *L, struct event *key, char *copy, bool *bad)
{
	for (;;) {
		if (!pull(L, key))
			return -1;
		if (key->kind == EV_MAP_END)
			return 0;
		if (key->kind == EV_SCALAR &&
		    !check_tag(L, key, "a key", WANT_STR)) {
			*bad = true;
			if (!skip_value(L))
				return -1;
			continue;
		}
		if (key->kind == EV_SCALAR) {
			key->length = copy_key(copy, key->value);
			key->value = copy;
			return 1;
		}
		error_at(L, key->line, key->col,
			 "a key is %s (expected a plain word as key)",
			 node_kind(key));
		*bad = true;
		struct event value;
		if (!skip_node(L, key) || !pull(L, &value) ||
		    !skip_node(L, &value))
			return -1;
	}
}

/* Reads a group's value (shape:, energy:, latency:) into rec. */
static bool parse_group(struct loader *L, struct record *rec,
			enum schema_group g, const struct event *value);

/* Parses the mapping whose start was just pulled into rec: the workload:
 * section, a run, or a nested group of either. */
static bool parse_record(struct loader *L, struct record *rec,
			 enum schema_group group, const char *where)
{
	struct seen seen;
	seen.count = 0; /* not = {0}: that would clear 8 KiB per mapping */
	struct event key, value;
	char copy[MAX_KEY];
	int more;
	while ((more = next_key(L, &key, copy, &rec->bad)) == 1) {
		int f = schema_find_in(group, copy);
		int g = f < 0 && group == SCHEMA_TOP ? schema_find_group(copy)
						     : -1;
		bool dup = duplicate(L, &seen, &key);
		if (f < 0 && g < 0 && !dup) {
			char buf[64];
			warning_at(L, key.line, key.col,
				   "unknown key '%s' in %s (ignored)",
				   show(key.value, key.length, buf, sizeof buf),
				   where);
		}
		if ((f < 0 && g < 0) || dup) {
			rec->bad |= dup;
			if (!skip_value(L))
				return false;
			continue;
		}
		uint64_t bit = f >= 0 ? BIT(f) : GROUP_BIT(g);
		rec->present |= bit;
		if (!pull(L, &value))
			return false;
		bool ok = f >= 0 ? parse_value(L, rec, (enum schema_field)f,
					       &value)
				 : parse_group(L, rec, (enum schema_group)g,
					       &value);
		if (L->fatal)
			return false;
		if (!ok) {
			rec->bad = true;
			continue;
		}
		rec->set |= bit;
	}
	return more == 0;
}

static bool parse_group(struct loader *L, struct record *rec,
			enum schema_group g, const struct event *value)
{
	const char *name = schema_group_names[g];
	if (value->kind != EV_MAP_START) {
		error_at(L, value->line, value->col,
			 "%s is %s (expected a mapping)", name,
			 node_kind(value));
		skip_node(L, value);
		return false;
	}
	if (!check_tag(L, value, name, WANT_MAP)) {
		skip_node(L, value);
		return false;
	}
	return parse_record(L, rec, g, name);
}

/* ---- documents ---------------------------------------------------------- */

struct document {
	unsigned line, col;
	int version; /* 0: not given */
	bool bad;    /* an error outside the runs: none of them is kept */
	unsigned runs_line, runs_col; /* the runs: sequence; 0: not seen */
	bool runs_invalid;	      /* runs: is not a sequence (reported) */
	struct record workload;
	bool workload_seen;
	long workload_index; /* the workload: section interned; -1: not yet */
	struct record *pending; /* runs met before workload: */
	size_t pending_count, pending_cap;
	size_t runs;
};

static void record_init(struct record *rec, const struct event *at)
{
	memset(rec, 0, sizeof *rec);
	schema_init(&rec->wl, &rec->run);
	schema_init_inputs(&rec->vin);
	rec->line = at->line;
	rec->col = at->col;
}

/* Copies into dst every field that src sets. */
static void overlay(struct record *dst, const struct record *src)
{
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++)
		if (src->set & BIT(f))
			memcpy(field_in(dst, (enum schema_field)f),
			       field_in((struct record *)src,
					(enum schema_field)f),
			       INFO(f)->size);
	dst->set |= src->set;
	dst->present |= src->present;
}

/* A key that was written but invalid has been reported already; saying
 * again that it is missing would only be noise. */
static bool reported_invalid(const struct record *rec, uint64_t bits)
{
	return (rec->present & ~rec->set & bits) != 0;
}

/* Reports each required key the merged run lacks. */
static bool require(struct loader *L, const struct record *rec)
{
	bool ok = true;
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++) {
		if (!INFO(f)->required || (rec->set & BIT(f)))
			continue;
		ok = false;
		if (!reported_invalid(rec, BIT(f)))
			error_at(L, rec->line, rec->col,
				 "run has no %s (expected %s: %s, in the run "
				 "or under workload:)",
				 INFO(f)->name,
				 schema_expectation((enum schema_field)f),
				 INFO(f)->what);
	}
	return ok;
}

static bool complete_energy(struct loader *L, struct record *m)
{
	struct profile_run *r = &m->run;
	bool total = m->set & BIT(SCHEMA_ENERGY_TOTAL_J);
	bool parts = (m->set & BIT(SCHEMA_ENERGY_PREFILL_J)) &&
		     (m->set & BIT(SCHEMA_ENERGY_DECODE_J));
	uint64_t energy_bits =
		GROUP_BIT(SCHEMA_ENERGY) | BIT(SCHEMA_ENERGY_TOTAL_J) |
		BIT(SCHEMA_ENERGY_PREFILL_J) | BIT(SCHEMA_ENERGY_DECODE_J);
	if (!total && !parts && reported_invalid(m, energy_bits))
		return false;
	if (!total && !parts) {
		error_at(L, m->line, m->col,
			 "run has no energy (expected energy.total_j, or both "
			 "energy.prefill_j and energy.decode_j, in joules per "
			 "request)");
		return false;
	}
	double sum = r->energy_prefill_j + r->energy_decode_j;
	/* Each part is within the limit of a measurement, their sum need
	 * not be: a total past it would poison every fit it entered. */
	if (!total && sum > LIMIT_MEASURED_MAX) {
		error_at(L, m->line, m->col,
			 "energy.prefill_j + energy.decode_j is out of range "
			 "(expected a sum of at most %g)",
			 LIMIT_MEASURED_MAX);
		return false;
	}
	if (!total)
		r->energy_total_j = sum;
	else if (parts &&
		 fabs(r->energy_total_j - sum) > 0.01 * r->energy_total_j)
		warning_at(
			L, m->line, m->col,
			"energy.total_j %g differs from prefill_j + decode_j "
			"= %g by more than 1%% (expected their sum)",
			r->energy_total_j, sum);
	return true;
}

/* dp 1, vision_tokens 0: the run keys with a default. Workload keys keep
 * "not given", which the model and the workload's identity read as their
 * defaults (schema_effective). */
static void fill_run_defaults(struct record *m)
{
	for (int f = SCHEMA_FIRST_RUN_FIELD; f < SCHEMA_FIELD_COUNT; f++) {
		const struct schema_field_info *i = INFO(f);
		if ((m->set & BIT(f)) || isnan(i->def) || i->def_from >= 0 ||
		    i->type != SCHEMA_T_NUMBER)
			continue;
		void *dst = field_in(m, (enum schema_field)f);
		if (i->integer)
			*(uint32_t *)dst = (uint32_t)i->def;
		else
			*(double *)dst = i->def;
	}
}

/* The vision rules, read once per set when the first run needs them;
 * NULL when they cannot be read (reported once, with their own
 * file:line:col). */
static const struct vision_rules *rules(struct loader *L)
{
	struct profile_set *set = L->set;
	if (!set->vision && !set->vision_failed) {
		set->vision = vision_rules_load(L->diags);
		set->vision_failed = !set->vision;
	}
	return set->vision;
}

/* V (vision_tokens), Ve (vision_encoder_tokens) and, from text_tokens,
 * input_tokens of a merged run, by the rules of its model's family. */
static bool derive_vision(struct loader *L, struct record *m)
{
	struct profile_run *r = &m->run;
	const struct profile_vision_inputs *in = &m->vin;
	bool given_v = m->set & BIT(SCHEMA_VISION_TOKENS);
	bool sends = in->images > 0 || in->video_frames > 0;
	const struct vision_family *fam = NULL;
	char buf[64];
	if (sends || (given_v && r->vision_tokens > 0)) {
		const struct vision_rules *vr = rules(L);
		if (!vr && sends)
			return false;
		fam = vision_rules_find(vr, m->wl.model);
	}
	if (sends && !fam && !given_v) {
		error_at(L, m->line, m->col,
			 "run sends %s but no vision rule matches model %s "
			 "(expected a family in vision-rules.yaml whose "
			 "models match it, or vision_tokens given; see "
			 "energylens-profile(5), VISION RULES)",
			 in->images > 0 ? "images" : "video",
			 m->wl.model ? show(m->wl.model, strlen(m->wl.model),
					    buf, sizeof buf)
				     : "(none given)");
		return false;
	}
	double v = r->vision_tokens, ve = v;
	if (sends && fam) {
		struct vision_request q = {
			.images = in->images,
			.image_w = in->image_px >> 16,
			.image_h = in->image_px & 0xffff,
			.frames = in->video_frames,
			.frame_w = in->frame_px >> 16,
			.frame_h = in->frame_px & 0xffff,
			.video_fps = in->video_fps,
		};
		char why[160];
		if (!vision_derive(fam, &q, &v, &ve, why, sizeof why)) {
			error_at(L, m->line, m->col,
				 "run's vision tokens cannot be derived: %s "
				 "(see energylens-profile(5), VISION RULES)",
				 why);
			return false;
		}
		if (given_v) /* the operator's count of V wins */
			v = r->vision_tokens;
		if (v > LIMIT_TOKENS) {
			error_at(L, m->line, m->col,
				 "run's vision tokens are %g (expected at most "
				 "%d: are the sizes right?)",
				 v, LIMIT_TOKENS);
			return false;
		}
	} else if (fam) {
		ve = v * vision_patches_per_token(fam);
	}
	r->vision_tokens = v;
	r->vision_encoder_tokens = (float)ve;
	bool given_i = m->set & BIT(SCHEMA_INPUT_TOKENS);
	if (!isnan(in->text_tokens)) {
		if (given_i) {
			error_at(L, m->line, m->col,
				 "run gives both input_tokens and text_tokens "
				 "(expected one: input_tokens counts text and "
				 "vision tokens, text_tokens the text alone)");
			return false;
		}
		r->input_tokens = in->text_tokens + v;
	} else if (given_i && v > r->input_tokens) {
		warning_at(L, m->line, m->col,
			   "vision_tokens %g exceed input_tokens %g (expected "
			   "input_tokens to count text and vision tokens)",
			   v, r->input_tokens);
	}
	return true;
}

static long workload_of(struct loader *L, struct document *doc,
			const struct record *merged, const struct record *run)
{
	if (!(run->set & WORKLOAD_BITS) && doc->workload_index >= 0)
		return doc->workload_index;
	long index = profile_add_workload(L->set, &merged->wl);
	if (index < 0)
		L->out_of_memory = L->fatal = true;
	else if (!(run->set & WORKLOAD_BITS))
		doc->workload_index = index;
	return index;
}

/* Merges a run over the workload: section, checks it and adds it. */
static void resolve_run(struct loader *L, struct document *doc,
			struct record *run)
{
	struct record m;
	record_init(&m, &(struct event){.line = run->line, .col = run->col});
	overlay(&m, &doc->workload);
	overlay(&m, run);
	bool ok = require(L, &m);
	ok &= complete_energy(L, &m);
	if (!ok || run->bad || doc->workload.bad)
		return;
	fill_run_defaults(&m);
	if (!derive_vision(L, &m))
		return;
	long w = workload_of(L, doc, &m, run);
	if (w < 0)
		return;
	m.run.workload = (uint32_t)w;
	m.run.file = L->file;
	m.run.line = run->line;
	m.run.col = run->col;
	if (!profile_add_run(L->set, &m.run))
		L->out_of_memory = L->fatal = true;
}

static bool hold_run(struct loader *L, struct document *doc,
		     const struct record *run)
{
	if (doc->pending_count == doc->pending_cap) {
		size_t cap = doc->pending_cap ? doc->pending_cap * 2 : 16;
		struct record *p = realloc(doc->pending, cap * sizeof *p);
		if (!p) {
			L->out_of_memory = L->fatal = true;
			return false;
		}
		doc->pending = p;
		doc->pending_cap = cap;
	}
	doc->pending[doc->pending_count++] = *run;
	return true;
}

static bool parse_runs(struct loader *L, struct document *doc)
{
	struct event ev;
	for (;;) {
		if (!pull(L, &ev))
			return false;
		if (ev.kind == EV_SEQ_END)
			return true;
		if (ev.kind != EV_MAP_START) {
			error_at(L, ev.line, ev.col,
				 "a run is %s (expected a mapping of run keys)",
				 node_kind(&ev));
			if (!skip_node(L, &ev))
				return false;
			continue;
		}
		doc->runs++;
		if (!check_tag(L, &ev, "a run", WANT_MAP)) {
			if (!skip_node(L, &ev))
				return false;
			continue;
		}
		struct record run;
		record_init(&run, &ev);
		if (!parse_record(L, &run, SCHEMA_TOP, "run"))
			return false;
		/* A workload: section that comes after the runs still applies
		 * to them, so runs read before it wait for it. */
		if (doc->workload_seen)
			resolve_run(L, doc, &run);
		else if (!hold_run(L, doc, &run))
			return false;
	}
}

static bool parse_version(struct loader *L, struct document *doc)
{
	struct event ev;
	if (!pull(L, &ev))
		return false;
	double v = 0;
	if (ev.kind == EV_SCALAR &&
	    !check_tag(L, &ev, "energylens", WANT_INT)) {
		doc->version = -1;
		return true;
	}
	if (ev.kind == EV_SCALAR && ev.plain &&
	    schema_number(ev.value, &v) == SCHEMA_NUM_OK && v == floor(v) &&
	    v >= 1 && v <= 1000) {
		doc->version = (int)v;
		if (v == PROFILE_SCHEMA_VERSION)
			return true;
	}
	char buf[64];
	error_at(L, ev.line, ev.col,
		 "unsupported schema version %s (expected 'energylens: 1')",
		 ev.kind == EV_SCALAR ? show_scalar(&ev, buf, sizeof buf)
				      : node_kind(&ev));
	doc->version = -1;
	return skip_node(L, &ev);
}

static bool parse_section(struct loader *L, struct document *doc,
			  const char *key)
{
	struct event ev;
	if (!pull(L, &ev))
		return false;
	bool workload = strcmp(key, "workload") == 0;
	enum ev_kind want = workload ? EV_MAP_START : EV_SEQ_START;
	if (ev.kind != want) {
		error_at(L, ev.line, ev.col, "%s is %s (expected %s)", key,
			 node_kind(&ev),
			 workload ? "a mapping of workload keys"
				  : "a sequence of runs");
		doc->bad = true;
		doc->runs_invalid = !workload;
		return skip_node(L, &ev);
	}
	if (!check_tag(L, &ev, key, workload ? WANT_MAP : WANT_SEQ)) {
		doc->bad = true;
		doc->runs_invalid = !workload;
		return skip_node(L, &ev);
	}
	if (!workload) {
		doc->runs_line = ev.line;
		doc->runs_col = ev.col;
		return parse_runs(L, doc);
	}
	record_init(&doc->workload, &ev);
	if (!parse_record(L, &doc->workload, SCHEMA_TOP, "workload"))
		return false;
	doc->workload_seen = true;
	return true;
}

static bool parse_top(struct loader *L, struct document *doc)
{
	struct seen seen;
	seen.count = 0; /* not = {0}: that would clear 8 KiB per mapping */
	struct event key;
	char copy[MAX_KEY];
	int more;
	while ((more = next_key(L, &key, copy, &doc->bad)) == 1) {
		bool known = strcmp(copy, "energylens") == 0 ||
			     strcmp(copy, "workload") == 0 ||
			     strcmp(copy, "runs") == 0;
		/* A document of another schema version is not judged by
		 * this one's rules: one error says why it was skipped. */
		bool dup = duplicate(L, &seen, &key);
		doc->bad |= dup;
		if (dup || !known || doc->version < 0) {
			char buf[64];
			if (!known && doc->version >= 0)
				warning_at(L, key.line, key.col,
					   "unknown key '%s' at the top of the "
					   "document (ignored)",
					   show(key.value, key.length, buf,
						sizeof buf));
			if (!skip_value(L))
				return false;
			continue;
		}
		bool ok = strcmp(copy, "energylens") == 0
				  ? parse_version(L, doc)
				  : parse_section(L, doc, copy);
		if (!ok)
			return false;
	}
	return more == 0;
}

static void finish_document(struct loader *L, struct document *doc)
{
	if (!doc->workload_seen)
		record_init(&doc->workload, &(struct event){.line = doc->line,
							    .col = doc->col});
	doc->workload_seen = true;
	for (size_t i = 0; i < doc->pending_count && !L->fatal; i++)
		resolve_run(L, doc, &doc->pending[i]);
	if (doc->version == 0 && L->file_version == 0) {
		error_at(L, doc->line, doc->col,
			 "no schema version (expected 'energylens: 1' at the "
			 "top of the file)");
		doc->bad = true;
	}
	/* A runs: that is not a sequence has been reported already. */
	if (doc->runs > 0 || doc->runs_invalid)
		return;
	if (doc->runs_line)
		error_at(L, doc->runs_line, doc->runs_col,
			 "no runs (expected at least one run under 'runs:')");
	else
		error_at(L, doc->line, doc->col,
			 "no runs (expected 'runs:' with at least one run)");
}

/* Runs are added as soon as they can be resolved, so that a long document
 * is not held in memory; an error found later in the document (a duplicate
 * top-level key, a wrong or missing version, a syntax error) takes its runs
 * back, with the workloads only they used: a document counts whole or not
 * at all. */
static void take_back(struct profile_set *set, size_t runs, size_t workloads)
{
	for (size_t i = runs; i < set->run_count; i++)
		set->workloads[set->runs[i].workload].run_count--;
	set->run_count = runs;
	profile_drop_workloads(set, workloads);
}

static void parse_document(struct loader *L, bool first)
{
	struct event ev;
	if (!pull(L, &ev))
		return;
	struct document doc = {
		.line = ev.line, .col = ev.col, .workload_index = -1};
	size_t runs = L->set->run_count, workloads = L->set->workload_count;
	if (is_null(&ev)) {
		error_at(L, ev.line, ev.col,
			 "empty document (expected 'energylens: 1', "
			 "'workload:' and 'runs:')");
	} else if (ev.kind != EV_MAP_START) {
		error_at(L, ev.line, ev.col,
			 "the document is %s (expected a mapping with "
			 "'energylens', 'workload' and 'runs')",
			 node_kind(&ev));
		skip_node(L, &ev);
	} else if (!check_tag(L, &ev, "the document", WANT_MAP)) {
		skip_node(L, &ev);
	} else if (parse_top(L, &doc) && doc.version >= 0) {
		if (first)
			L->file_version = doc.version;
		finish_document(L, &doc);
	}
	if (L->fatal || doc.bad || doc.version < 0)
		take_back(L->set, runs, workloads);
	free(doc.pending);
	if (!L->fatal)
		pull(L, &ev); /* the document end */
}

static void parse_stream(struct loader *L)
{
	struct event ev;
	size_t documents = 0;
	while (pull(L, &ev) && ev.kind == EV_DOC_START)
		parse_document(L, documents++ == 0);
	if (!L->fatal && documents == 0)
		error_at(L, 1, 1,
			 "empty file (expected a profile: 'energylens: 1', "
			 "'workload:' and 'runs:')");
}

/* Profilers write whole lines; a file whose last line has no line break
 * was most likely caught while being written, and its last value may be
 * cut short ("25" of "2529.1") yet still read as a number. */
static void check_last_line(struct loader *L)
{
	if (L->len == 0 || L->data[L->len - 1] == '\n' ||
	    L->data[L->len - 1] == '\r') /* Mac OS 9 line breaks */
		return;
	unsigned line, col;
	locate_offset(L, L->len, &line, &col);
	warning_at(L, line, col,
		   "no line break at the end of the file (expected one: is "
		   "the file still being written? its last value may be cut "
		   "short)");
}

static bool earlier(const struct diag *a, const struct diag *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/* Runs met before their document's workload: section are checked at the
 * end of the document, after problems further down have been reported; the
 * file's messages are put back in line order (stable, so two at one place
 * keep theirs) before they are shown. Nearly sorted: insertion sort. */
static void sort_from(struct diag_list *diags, size_t first)
{
	for (size_t i = first + 1; i < diags->count; i++) {
		struct diag d = diags->items[i];
		size_t j = i;
		for (; j > first && earlier(&d, &diags->items[j - 1]); j--)
			diags->items[j] = diags->items[j - 1];
		diags->items[j] = d;
	}
}

enum profile_status profile_load_buffer(struct profile_set *set,
					const char *name, const char *data,
					size_t len, struct diag_list *diags)
{
	long file = profile_add_file(set, name);
	if (file < 0)
		return PROFILE_NO_MEMORY;
	struct loader *L = calloc(1, sizeof *L);
	if (!L)
		return PROFILE_NO_MEMORY;
	L->set = set;
	L->diags = diags;
	L->name = name;
	L->file = (uint32_t)file;
	L->data = (const unsigned char *)data;
	L->len = len;
	size_t errors = diags->errors;
	if (!yaml_parser_initialize(&L->parser)) {
		free(L);
		return PROFILE_NO_MEMORY;
	}
	yaml_parser_set_input_string(&L->parser, L->data, len);
	FILE *echo = diags->echo;
	size_t first = diags->count;
	diags->echo = NULL;
	/* libyaml would read UTF-16 (and take its NULs for line ends), but
	 * the format is UTF-8 (energylens-profile(5)) */
	const char *encoding = text_encoding_problem(data, len);
	if (encoding) {
		error_at(L, 1, 1, "%s; save the file as UTF-8", encoding);
	} else {
		parse_stream(L);
		check_last_line(L);
	}
	diags->echo = echo;
	sort_from(diags, first);
	for (size_t i = first; echo && i < diags->count; i++)
		diag_echo(diags, &diags->items[i]);
	if (L->raw_live)
		yaml_event_delete(&L->raw);
	yaml_parser_delete(&L->parser);
	for (size_t i = 0; i < L->anchor_count; i++)
		free_anchor(&L->anchors[i]);
	enum profile_status status = L->out_of_memory ? PROFILE_NO_MEMORY
				     : diags->errors > errors ? PROFILE_BAD_DATA
							      : PROFILE_OK;
	free(L);
	return status;
}
