/* The explorer driven by arbitrary input events, drawn after each one into
 * the in-memory screen that the terminal copies: keys (every key the
 * explorer binds, typed values and searches included), resizes down to one
 * cell, clicks and the wheel anywhere. Operators press whatever they
 * press; nothing may crash or read outside the screen. The profiles are
 * small and written once per process: a workload fitted by hardware with
 * several layouts and batches, one without metadata, one with vision
 * tokens, so that every view has something to show.
 *
 * The first byte picks the start: the view, ASCII or UTF-8, measured
 * layouts or every layout on up to 8 GPUs. Then one event per byte:
 *   0x00-0xEF  a key from the table below
 *   0xF0-0xF3  a resize to 1 + next byte % 250 by 1 + next byte % 90
 *   0xF4-0xF9  a click at the next two bytes (row, column)
 *   0xFA-0xFF  the wheel at the next two bytes, up or down */
#include <curses.h>
#include <math.h>
#include <unistd.h>

#include "app.h"
#include "draw.h"
#include "fuzz.h"
#include "screen.h"

const char fuzz_target_name[] = "tui";

static char profile_path[64];

static void remove_profiles(void)
{
	unlink(profile_path);
}

/* The profiles, into a temporary file that lives as long as the process. */
static bool write_profiles(void)
{
	if (profile_path[0])
		return true;
	snprintf(profile_path, sizeof profile_path,
		 "/tmp/energylens-fuzz-tui-XXXXXX");
	int fd = mkstemp(profile_path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return false;
	atexit(remove_profiles);
	fputs("energylens: 1\nworkload: {name: chat, model: org/dense-8b, "
	      "hardware: GPU-80GB, engine: e, params_b: 8, "
	      "gpu_memory_gib: 80, shape: {layers: 32, hidden_size: 4096, "
	      "kv_elements: 1024}, input_tokens: 512, output_tokens: 128}\n"
	      "runs:\n",
	      f);
	for (int t = 1; t <= 8; t *= 2)
		for (int b = 1; b <= 256; b *= 4)
			fprintf(f,
				"  - {tp: %d, pp: %d, batch_size: %d, "
				"energy: {total_j: %g}, latency: {e2e_s: "
				"%g}}\n",
				t, t == 8 ? 2 : 1, b, 40.0 * t / sqrt(b) + 3,
				5.0 / t + 0.01 * b);
	fputs("---\nenergylens: 1\nworkload: {name: bare, model: m2, "
	      "hardware: GPU-80GB, output_tokens: 64, input_tokens: 100}\n"
	      "runs:\n  - {tp: 1, pp: 1, batch_size: 8, energy: {total_j: "
	      "5}}\n  - {tp: 2, pp: 1, batch_size: 8, energy: {total_j: "
	      "7}}\n---\nenergylens: 1\nworkload: {name: vision, model: vl, "
	      "modality: image, hardware: H, params_b: 7, shape: {layers: 28, "
	      "hidden_size: 3584}, output_tokens: 64}\nruns:\n  - {tp: 1, pp: "
	      "1, batch_size: 4, input_tokens: 1300, vision_tokens: 1200, "
	      "energy: {total_j: 22}}\n",
	      f);
	return fclose(f) == 0;
}

static const int keys[] = {
	'\n',	   '\t',	  KEY_BTAB,  27,	KEY_UP,	    KEY_DOWN,
	KEY_LEFT,  KEY_RIGHT,	  KEY_PPAGE, KEY_NPAGE, KEY_HOME,   KEY_END,
	KEY_ENTER, KEY_BACKSPACE, 127,	     8,		'L' & 0x1f, KEY_F(1),
	KEY_F(10), KEY_F(5),	  KEY_MOUSE, -1,	0x3000,	    KEY_RESIZE,
};

static int key_of(uint8_t b)
{
	size_t n = sizeof keys / sizeof *keys;
	if (b < n)
		return keys[b];
	/* the rest: printable ASCII, digits and knob keys most often */
	return ' ' + (b - (int)n) % 95;
}

static void check_app(const struct app *a)
{
	FUZZ_CHECK(a->workload < a->ws.set.workload_count);
	FUZZ_CHECK(a->rank.n == 0 || a->cursor < a->rank.n);
	FUZZ_CHECK(a->view >= 0 && a->view < VIEW_COUNT);
	FUZZ_CHECK(strlen(a->edit) < sizeof a->edit);
	FUZZ_CHECK(strlen(a->search) < sizeof a->search);
	FUZZ_CHECK(strlen(a->filter) < sizeof a->filter);
	FUZZ_CHECK(a->list.shown <= a->ws.set.workload_count);
	FUZZ_CHECK(a->list.n == 0 || a->list_top < a->list.n);
}

static void draw(const struct app *a)
{
	struct screen s;
	if (!screen_init(&s, a->width, a->height))
		return;
	draw_frame(a, &s);
	screen_free(&s);
}

static bool open_app(struct app *a, uint8_t start)
{
	static char *paths[1];
	paths[0] = profile_path;
	struct app_options o;
	memset(&o, 0, sizeof o);
	o.paths = paths;
	o.npaths = 1;
	o.eta = NAN;
	o.utf8 = start & 1;
	o.gpus = start & 2 ? 8 : 0;
	o.view = (enum layout_view)((start >> 2) % VIEW_COUNT);
	/* no write_ranking: typed names must not become files, and the
	 * config file is not named */
	FILE *devnull = fopen("/dev/null", "w");
	if (!devnull)
		return false;
	int status = app_open(a, &o, devnull);
	fclose(devnull);
	return status == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || !write_profiles())
		return 0;
	struct app a;
	if (!open_app(&a, data[0]))
		return 0;
	app_resize(&a, 100, 30);
	/* Bounded, so that one input stays quick. */
	size_t end = size < 128 ? size : 128;
	for (size_t i = 1; i < end && !a.quit; i++) {
		uint8_t b = data[i];
		uint8_t y = i + 1 < end ? data[i + 1] : 0;
		uint8_t x = i + 2 < end ? data[i + 2] : 0;
		if (b < 0xF0) {
			app_key(&a, key_of(b));
		} else if (b < 0xF4) {
			app_resize(&a, 1 + y % 250, 1 + x % 90);
			i += 2;
		} else if (b < 0xFA) {
			app_click(&a, y % 100, x % 260);
			i += 2;
		} else {
			app_wheel(&a, y % 100, x % 260, b & 1 ? 1 : -1);
			i += 2;
		}
		check_app(&a);
		draw(&a);
	}
	app_close(&a);
	return 0;
}
