/* The explorer's export: the ranking at the knobs, written to a file the
 * user names by the writer of 'energylens rank --json' or '--csv' (handed
 * in as app_options.write_ranking), so the file holds the bytes rank would
 * print for those knobs. Written whole (src/outfile.c), and never over a
 * file the explorer has read. */
#include <errno.h>
#include <string.h>

#include "app.h"
#include "app_internal.h"
#include "outfile.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Every file the explorer read: the profiles and any --model files. */
static int record_inputs(const struct app *a, struct outfile_run *run)
{
	if (outfile_run_read_set(run, profile_set_read(&a->ws.set)) != 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (a->opt.model_paths[i] &&
		    outfile_run_read(run, a->opt.model_paths[i]) != 0)
			return -1;
	return 0;
}

/* Writes the ranking to path; false (with the message set) when it was
 * not written. */
static bool write_file(struct app *a, const char *path, bool json)
{
	struct outfile_run run;
	outfile_run_init(&run);
	struct outfile out;
	bool ok = false;
	if (record_inputs(a, &run) != 0) {
		app_message(a, true, "export: out of memory");
	} else if (outfile_open(&out, path, &run) != 0) {
		app_message(a, true, "export: %s: %s", path,
			    errno == EEXIST ? "a file the explorer read, not "
					      "written over"
			    : out.why	    ? out.why
					    : strerror(errno));
	} else {
		a->opt.write_ranking(out.fp, json, &a->knobs, &a->rank);
		int err = outfile_commit(&out) == 0 ? 0 : errno;
		ok = err == 0;
		if (!ok)
			app_message(a, true, "export: %s: %s", path,
				    strerror(err));
	}
	outfile_run_free(&run);
	return ok;
}

void app_export(struct app *a, const char *path)
{
	bool json = ends_with(path, ".json");
	if (!a->rank.n) {
		app_message(a, true,
			    "export: no candidate layout to export at "
			    "these knobs");
		return;
	}
	if (!a->opt.write_ranking) {
		app_message(a, true, "export: not available here");
		return;
	}
	if (!json && !ends_with(path, ".csv")) {
		app_message(a, true,
			    "export: name the file NAME.csv or "
			    "NAME.json (the format follows the name)");
		return;
	}
	if (write_file(a, path, json))
		app_message(a, false,
			    "exported %zu candidate%s to %s, as 'energylens "
			    "rank --%s' writes them",
			    a->rank.n, a->rank.n == 1 ? "" : "s", path,
			    json ? "json" : "csv");
}
