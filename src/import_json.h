/* Importers of JSON results (read with Jansson): vLLM's benchmark results
 * (vllm bench serve --save-result) with a power log, the ML.ENERGY
 * leaderboard's JSON (v3 task and per-model files, v2 per-run files) and
 * InferenceX per-configuration summaries. Each adds documents to an
 * import_set (import.h), which the caller writes only when no error was
 * reported. */
#ifndef ENERGYLENS_IMPORT_JSON_H
#define ENERGYLENS_IMPORT_JSON_H

#include <stddef.h>

#include "diag.h"
#include "import.h"
#include "powerlog.h"

struct import_json_opts {
	const struct import_assign *sets; /* --set: what the files lack */
	size_t nsets;
	/* import vllm only */
	const struct powerlog_set *power; /* NULL: no --power */
	const long *devices;		  /* --devices, or NULL: every GPU */
	size_t ndevices;
	double window[2]; /* --window for this file; NaN when not given */
};

/* Each reads one file held in buf (len bytes, a NUL after them), named
 * name in messages, and returns 0, or -1 when errors were added. */
int import_vllm(struct import_set *set, const char *name, const char *buf,
		size_t len, const struct import_json_opts *o,
		struct diag_list *diags);
int import_mlenergy_json(struct import_set *set, const char *name,
			 const char *buf, size_t len,
			 const struct import_json_opts *o,
			 struct diag_list *diags);
int import_inferencex(struct import_set *set, const char *name, const char *buf,
		      size_t len, const struct import_json_opts *o,
		      struct diag_list *diags);

#endif
