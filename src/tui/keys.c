/* Key bindings and key scripts; see keys.h. */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define ALL  ((1u << VIEW_COUNT) - 1)
#define MAIN (1u << VIEW_MAIN)
#define MAP  (1u << VIEW_MAP)
#define FIT  (1u << VIEW_FIT)
#define HELP (1u << VIEW_HELP)

const struct keys_binding keys_bindings[] = {
	{"? F1", "help: every key and the bar legend", ACT_HELP, ALL},
	{"q F10", "quit (in help: close it)", ACT_QUIT, ALL},
	{"Esc Backspace", "back to the main view", ACT_BACK, MAP | FIT | HELP},
	{"m", "divergence map: batch x input (or output) length", ACT_VIEW_MAP,
	 MAIN | FIT | HELP},
	{"f", "fit: parameters, parity plot, residuals", ACT_VIEW_FIT,
	 MAIN | MAP | HELP},
	{"Tab S-Tab", "next / previous pane (workloads, knobs, layouts)",
	 ACT_NEXT_PANE, MAIN},
	{"Up Down k j", "move in the pane (on the knobs: turn the knob)",
	 ACT_UP, MAIN | MAP | FIT | HELP},
	{"Left Right h l", "select a knob (map: move the cursor)", ACT_LEFT,
	 MAIN | MAP},
	{"- + [ ]", "turn the selected knob down / up", ACT_TURN_DOWN,
	 MAIN | MAP},
	{"=", "type the selected knob's value", ACT_TYPE, MAIN | MAP},
	{"d", "knobs back to the workload's defaults (its runs' medians)",
	 ACT_DEFAULT_KNOBS, MAIN | MAP},
	{"PgUp PgDn Home End", "page / jump in the pane", ACT_PAGE_UP,
	 MAIN | MAP | FIT | HELP},
	{"/ n", "search workloads (every word: /gpqa h100) / next match",
	 ACT_SEARCH, MAIN},
	{"e",
	 "export the ranking to NAME.csv or NAME.json (as rank writes "
	 "it)",
	 ACT_EXPORT, MAIN},
	{"&",
	 "filter: list only the workloads matching every word (none: "
	 "all)",
	 ACT_FILTER, MAIN},
	{"c",
	 "bars: the energy-optimal against the latency-optimal layout, "
	 "term by term",
	 ACT_COMPARE, MAIN},
	{"o", "map: input length or output length across", ACT_MAP_AXIS, MAP},
	{"Enter", "map: use the cell's knobs in the main view", ACT_ENTER, MAP},
	{"u",
	 "next unit: J per request, per token, kWh, tokens/s, W, cost, "
	 "CO2",
	 ACT_UNIT, MAIN},
	{"t", "next theme", ACT_THEME, ALL},
	{"R", "re-read the profiles and refit", ACT_RELOAD, ALL},
	{"Ctrl-L", "redraw the screen", ACT_REDRAW, ALL},
	{NULL, NULL, ACT_NONE, 0},
};

/* Keys that stand for the same action everywhere they apply. */
static enum keys_action common(int key)
{
	switch (key) {
	case '?':
	case KEY_F(1):
		return ACT_HELP;
	case KEY_F(10):
		return ACT_QUIT;
	case 'm':
		return ACT_VIEW_MAP;
	case 'f':
		return ACT_VIEW_FIT;
	case 't':
		return ACT_THEME;
	case 'R':
		return ACT_RELOAD;
	case 'L' & 0x1f:
		return ACT_REDRAW;
	case KEY_UP:
	case 'k':
		return ACT_UP;
	case KEY_DOWN:
	case 'j':
		return ACT_DOWN;
	case KEY_LEFT:
	case 'h':
		return ACT_LEFT;
	case KEY_RIGHT:
	case 'l':
		return ACT_RIGHT;
	case KEY_PPAGE:
		return ACT_PAGE_UP;
	case KEY_NPAGE:
	case ' ':
		return ACT_PAGE_DOWN;
	case KEY_HOME:
	case 'g':
		return ACT_HOME;
	case KEY_END:
	case 'G':
		return ACT_END;
	case '-':
	case '[':
		return ACT_TURN_DOWN;
	case '+':
	case ']':
		return ACT_TURN_UP;
	case '=':
		return ACT_TYPE;
	case 'd':
		return ACT_DEFAULT_KNOBS;
	case '\t':
		return ACT_NEXT_PANE;
	case KEY_BTAB:
		return ACT_PREV_PANE;
	case '/':
		return ACT_SEARCH;
	case 'n':
		return ACT_SEARCH_NEXT;
	case '&':
		return ACT_FILTER;
	case 'c':
		return ACT_COMPARE;
	case 'o':
		return ACT_MAP_AXIS;
	case 'e':
		return ACT_EXPORT;
	case 'u':
		return ACT_UNIT;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return ACT_ENTER;
	case 27:
	case KEY_BACKSPACE:
	case 127:
		return ACT_BACK;
	case 'q':
		return ACT_QUIT;
	default:
		return ACT_NONE;
	}
}

enum keys_action keys_action(enum layout_view view, int key)
{
	enum keys_action a = common(key);
	/* Help reads like a pager: q closes it, as in less and man. */
	if (view == VIEW_HELP && (a == ACT_QUIT && key == 'q'))
		return ACT_BACK;
	if (view == VIEW_HELP && a == ACT_HELP)
		return ACT_BACK;
	return a;
}

static const struct {
	const char *name;
	int key;
} names[] = {
	{"Up", KEY_UP},
	{"Down", KEY_DOWN},
	{"Left", KEY_LEFT},
	{"Right", KEY_RIGHT},
	{"PgUp", KEY_PPAGE},
	{"PgDn", KEY_NPAGE},
	{"Home", KEY_HOME},
	{"End", KEY_END},
	{"Tab", '\t'},
	{"BTab", KEY_BTAB},
	{"Enter", '\n'},
	{"Esc", 27},
	{"Backspace", KEY_BACKSPACE},
	{"Space", ' '},
	{"lt", '<'},
	{"C-L", 'L' & 0x1f},
};

static int named_key(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i].name) == len &&
		    strncmp(names[i].name, name, len) == 0)
			return names[i].key;
	if (len >= 2 && len <= 3 && name[0] == 'F') {
		int n = 0;
		for (size_t i = 1; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			n = n * 10 + (name[i] - '0');
		}
		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

/* A size of 1 to 4096 at *p, read by hand: sscanf's %d is undefined
 * behaviour for a number that does not fit an int. */
static bool dimension(const char **p, const char *end, int *out)
{
	int v = 0;
	const char *q = *p;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (*q - '0');
		if (v > 4096)
			return false;
	}
	if (q == *p || v < 1)
		return false;
	*p = q;
	*out = v;
	return true;
}

/* One <...> token at p (after the '<'), of length len: a key or a resize. */
static bool bracketed(const char *p, size_t len, struct keys_step *step)
{
	const char *end = p + len;
	if (len > 7 && strncmp(p, "Resize ", 7) == 0) {
		const char *q = p + 7;
		int w, h;
		if (!dimension(&q, end, &w) || q == end || *q++ != 'x' ||
		    !dimension(&q, end, &h) || q != end)
			return false;
		step->key = KEYS_RESIZE_SCRIPT;
		step->width = w;
		step->height = h;
		return true;
	}
	step->key = named_key(p, len);
	return step->key != -1;
}

long keys_parse_script(const char *name, const char *text,
		       struct keys_step *out, size_t max, char *err,
		       size_t errsize)
{
	size_t n = 0;
	unsigned line = 1, col = 1;
	for (const char *p = text; *p;) {
		if (col == 1 && *p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (*p == '\n') {
			p++, line++, col = 1;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++, col++;
			continue;
		}
		if (n == max) {
			snprintf(err, errsize,
				 "%s:%u:%u: too many keys (expected at most "
				 "%zu)",
				 name, line, col, max);
			return -1;
		}
		struct keys_step step = {(unsigned char)*p, 0, 0};
		size_t len = 1;
		if (*p == '<') {
			const char *end = strchr(p, '>');
			const char *nl = strchr(p, '\n');
			if (!end || (nl && nl < end) ||
			    !bracketed(p + 1, (size_t)(end - p - 1), &step)) {
				snprintf(err, errsize,
					 "%s:%u:%u: unknown key (expected a "
					 "character, <Name> or <Resize WxH>)",
					 name, line, col);
				return -1;
			}
			len = (size_t)(end - p) + 1;
		} else if ((unsigned char)*p < 0x20 ||
			   (unsigned char)*p > 0x7e) {
			snprintf(err, errsize,
				 "%s:%u:%u: not a printable ASCII key "
				 "(expected <Name> for special keys)",
				 name, line, col);
			return -1;
		}
		out[n++] = step;
		p += len;
		col += (unsigned)len;
	}
	return (long)n;
}
