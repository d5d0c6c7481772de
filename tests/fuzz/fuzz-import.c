/* The CSV reader and both importers on arbitrary bytes, all in memory (the
 * command line only adds reading the file). The first byte picks what is
 * done with the table:
 *   0  import mlenergy, without a shapes table
 *   1  import mlenergy, the input cut at its first form feed: the data
 *      before it, the shapes table after it
 *   2  import csv, every header cell named like a schema key mapped to
 *      that key (as --map KEY=KEY), the first of a name only
 *   3  the same with --set hardware=H100 and --set tp=1
 * An import that succeeds must write YAML that the profile loader reads
 * back without one error and with every run: "nothing the importer writes
 * is refused by check" (src/import.c). */
#include "csv.h"
#include "fuzz.h"
#include "import.h"
#include "profile.h"

const char fuzz_target_name[] = "import";

/* File names go into comments of the output; from a command line they
 * need not be UTF-8, nor free of line breaks. */
static const char data_name[] = "fuzz\xff\xe2\x80\xa8.csv";
static const char shapes_name[] = "shapes\xc2\x85\xef\xbf\xbe.csv";

static void check_table(const struct csv_table *t, const char *text_end)
{
	for (size_t r = 0; r < t->count; r++) {
		const struct csv_record *rec = &t->records[r];
		FUZZ_CHECK(rec->count >= 1);
		for (size_t i = 0; i < rec->count; i++) {
			const struct csv_field *f = &rec->fields[i];
			FUZZ_CHECK(f->text >= t->text && f->text < text_end);
			FUZZ_CHECK(f->text[f->len] == '\0');
			FUZZ_CHECK(f->line >= 1 && f->col >= 1);
		}
	}
}

/* The written documents, read back as check would. */
static void read_back(const struct import_set *set)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return;
	FUZZ_CHECK(import_write(set, out) == 0);
	fclose(out);
	size_t runs = 0;
	for (size_t i = 0; i < set->count; i++)
		runs += set->docs[i].nruns;
	struct profile_set ps;
	struct diag_list diags;
	profile_set_init(&ps);
	diag_init(&diags, NULL);
	profile_load_buffer(&ps, "imported.yaml", buf, len, &diags);
	if (diags.errors || ps.run_count != runs) {
		fprintf(stderr, "--- written:\n%s--- read back:\n", buf);
		for (size_t i = 0; i < diags.count; i++)
			diag_print(&diags.items[i], stderr);
	}
	FUZZ_CHECK(diags.errors == 0);
	FUZZ_CHECK(ps.run_count == runs);
	profile_set_free(&ps);
	diag_free(&diags);
	free(buf);
}

static int import_mapped_by_header(struct import_set *set,
				   const struct csv_table *t, bool with_sets,
				   struct diag_list *diags)
{
	struct import_assign maps[SCHEMA_FIELD_COUNT];
	bool taken[SCHEMA_FIELD_COUNT] = {false};
	size_t n = 0;
	const struct csv_record *h = &t->records[0];
	for (size_t i = 0; i < h->count && n < SCHEMA_FIELD_COUNT; i++) {
		int k = schema_find(h->fields[i].text);
		if (k < 0 || taken[k])
			continue;
		taken[k] = true;
		maps[n++] = (struct import_assign){(enum schema_field)k, (int)i,
						   NULL};
	}
	struct import_assign sets[2];
	size_t nsets = 0;
	if (with_sets && !taken[SCHEMA_HARDWARE])
		sets[nsets++] =
			(struct import_assign){SCHEMA_HARDWARE, -1, "H100"};
	if (with_sets && !taken[SCHEMA_TP])
		sets[nsets++] = (struct import_assign){SCHEMA_TP, -1, "1"};
	return import_mapped(set, t, data_name, maps, n, sets, nsets, diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int mode = data[0] % 4;
	const char *text = (const char *)data + 1;
	size_t len = size - 1, shapes_len = 0;
	const char *shapes_text = NULL;
	if (mode == 1) {
		const char *ff = memchr(text, '\f', len);
		if (ff) {
			shapes_text = ff + 1;
			shapes_len = len - (size_t)(shapes_text - text);
			len = (size_t)(ff - text);
		}
	}
	struct diag_list diags;
	diag_init(&diags, NULL);
	struct csv_table t, shapes;
	memset(&shapes, 0, sizeof shapes);
	int rc = csv_read(&t, text, len, data_name, &diags);
	FUZZ_CHECK(rc >= 0);
	FUZZ_CHECK((rc == 0) == (diags.errors == 0));
	check_table(&t, t.text + len + 2);
	if (shapes_text) {
		FUZZ_CHECK(csv_read(&shapes, shapes_text, shapes_len,
				    shapes_name, &diags) >= 0);
		check_table(&shapes, shapes.text + shapes_len + 2);
	}
	struct import_set set = {NULL, 0, 0};
	if (diags.errors == 0 && t.count > 0 &&
	    (!shapes_text || shapes.count)) {
		int ok;
		if (mode <= 1) {
			struct import_tokens tokens = {"chat", 100};
			struct import_mlenergy_opts o = {
				data_name, shapes_text ? &shapes : NULL,
				shapes_name, &tokens, 1};
			ok = import_mlenergy(&set, &t, &o, &diags);
		} else {
			ok = import_mapped_by_header(&set, &t, mode == 3,
						     &diags);
		}
		FUZZ_CHECK((ok == 0) == (diags.errors == 0));
		if (ok == 0)
			read_back(&set);
	}
	import_free(&set);
	csv_free(&t);
	csv_free(&shapes);
	diag_free(&diags);
	return 0;
}
