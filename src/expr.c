/* The expression language of model terms: a recursive-descent parser that
 * emits code for a stack machine as it goes, folding what is made only of
 * numbers, and an evaluator that carries forward-mode dual numbers.
 *
 * Grammar, lowest precedence first:
 *   expr     := term (('+' | '-') term)*
 *   term     := unary (('*' | '/') unary)*
 *   unary    := ('+' | '-')* power
 *   power    := primary ('^' exponent)?
 *   exponent := ('+' | '-')* power
 *   primary  := number | name | function '(' args ')' | '(' expr ')'
 * so '^' binds tighter than a sign (-x^2 is -(x^2)) and is right-associative,
 * and an exponent may carry a sign (2^-1). */
#include "expr.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The evaluators keep their stacks on the C stack; the nesting bound keeps
 * the depth a parse can reach well below this (at most three values wait
 * per level: a partial sum, a partial product and a base or first
 * argument), and the compiler checks it anyway. */
#define STACK_MAX 256

/* Long names are cut in messages so that the message fits. */
#define NAME_SHOWN 48

enum op {
	OP_CONST,
	OP_INPUT,
	OP_PARAM,
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_POW,
	OP_NEG,
	OP_LOG,
	OP_EXP,
	OP_SQRT,
	OP_MIN,
	OP_MAX,
};

/* Which operands of an instruction depend on a parameter, found when
 * compiling, so that evaluation does no derivative work for the others. */
#define ACT_A 1u /* the left or only operand */
#define ACT_B 2u /* the right operand */

struct insn {
	uint8_t op;
	uint8_t act;   /* ACT_* */
	uint16_t slot; /* OP_PARAM: the local parameter slot */
	uint32_t arg;  /* OP_CONST: index in k; OP_INPUT, OP_PARAM: index */
};

struct expr {
	uint32_t ninsn, nconst, ninputs, nparams;
	uint32_t depth; /* the most values on the stack at once */
	bool active;	/* whether the result depends on a parameter */
	unsigned params[EXPR_MAX_PARAMS];
	const struct insn *code;
	const unsigned *inputs;
	double k[]; /* constants, then code, then inputs, one allocation */
};

/* ---- lexer ------------------------------------------------------------- */

enum tok_kind {
	T_NONE, /* before the first token */
	T_END,
	T_NUM,
	T_NAME,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_CARET,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
};

struct token {
	enum tok_kind kind;
	size_t pos, len; /* byte offset and length in the text */
	double num;
};

struct parser {
	const char *text;
	size_t len, pos;
	struct token tok, prev;
	unsigned nesting;
	expr_lookup_fn lookup;
	void *ctx;
	struct expr_error *err;

	struct insn *code;
	size_t ninsn, code_cap;
	double *k;
	size_t nconst, k_cap;
	unsigned *inputs;
	size_t ninputs, inputs_cap;
	unsigned params[EXPR_MAX_PARAMS];
	size_t nparams;
};

static void fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the error at byte offset pos; callers return -1 after it. */
static void fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	p->err->col = (unsigned)pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
	va_end(ap);
}

static int fail_oom(struct parser *p)
{
	fail(p, 0, "out of memory (expected to allocate the compiled code)");
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

/* Scans a decimal number at p->pos. The syntax is checked here rather than
 * left to strtod, which would also take hex, "inf" and "nan"; strtod then
 * only rounds what was checked. */
static int lex_number(struct parser *p, struct token *t)
{
	const char *s = p->text;
	size_t start = p->pos, i = skip_digits(s, start, p->len);
	bool digits = i > start;
	if (i < p->len && s[i] == '.') {
		size_t f = i + 1;
		i = skip_digits(s, f, p->len);
		digits = digits || i > f;
	}
	bool ok = digits;
	if (ok && i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = i + 1;
		if (e < p->len && (s[e] == '+' || s[e] == '-'))
			e++;
		i = skip_digits(s, e, p->len);
		ok = i > e;
	}
	/* "2x", "1.2.3" and "0x10" are one bad token, not a number and a
	 * second token. */
	while (i < p->len && (is_name_char(s[i]) || s[i] == '.')) {
		ok = false;
		i++;
	}
	int shown = i - start > NAME_SHOWN ? NAME_SHOWN : (int)(i - start);
	if (!ok) {
		fail(p, start,
		     "malformed number '%.*s' (expected digits with an "
		     "optional fraction and exponent, like 2.5e-3)",
		     shown, s + start);
		return -1;
	}
	char *end;
	errno = 0;
	double v = strtod(s + start, &end);
	if (end != s + i) {
		fail(p, start,
		     "malformed number '%.*s' (expected digits with an "
		     "optional fraction and exponent, like 2.5e-3)",
		     shown, s + start);
		return -1;
	}
	/* A denormal is kept: it is what the digits say, if less precisely;
	 * overflow and underflow to zero are not. */
	if (errno == ERANGE && isinf(v)) {
		fail(p, start,
		     "number '%.*s' out of range (expected a magnitude of at "
		     "most %g)",
		     shown, s + start, DBL_MAX);
		return -1;
	}
	if (errno == ERANGE && v == 0) {
		fail(p, start,
		     "number '%.*s' out of range (expected zero or a magnitude "
		     "of at least %g)",
		     shown, s + start, DBL_TRUE_MIN);
		return -1;
	}
	t->kind = T_NUM;
	t->num = v;
	t->len = i - start;
	p->pos = i;
	return 0;
}

static enum tok_kind punct_kind(char c)
{
	switch (c) {
	case '+':
		return T_PLUS;
	case '-':
		return T_MINUS;
	case '*':
		return T_STAR;
	case '/':
		return T_SLASH;
	case '^':
		return T_CARET;
	case '(':
		return T_LPAREN;
	case ')':
		return T_RPAREN;
	case ',':
		return T_COMMA;
	default:
		return T_NONE;
	}
}

/* Moves to the next token; the one left behind becomes p->prev, which the
 * error messages about missing operands need. */
static int next(struct parser *p)
{
	const char *s = p->text;
	p->prev = p->tok;
	while (p->pos < p->len && is_space(s[p->pos]))
		p->pos++;
	struct token *t = &p->tok;
	t->pos = p->pos;
	t->len = 1;
	if (p->pos == p->len) {
		t->kind = T_END;
		t->len = 0;
		return 0;
	}
	char c = s[p->pos];
	if (is_digit(c) || c == '.')
		return lex_number(p, t);
	if (is_name_start(c)) {
		size_t i = p->pos + 1;
		while (i < p->len && is_name_char(s[i]))
			i++;
		t->kind = T_NAME;
		t->len = i - p->pos;
		p->pos = i;
		return 0;
	}
	t->kind = punct_kind(c);
	if (t->kind != T_NONE) {
		p->pos++;
		return 0;
	}
	const char *expected = "(expected a number, a name, an operator or a "
			       "parenthesis)";
	if (c > ' ' && c < 0x7f)
		fail(p, p->pos, "unexpected character '%c' %s", c, expected);
	else
		fail(p, p->pos, "unexpected byte 0x%02X %s", (unsigned char)c,
		     expected);
	return -1;
}

/* How a token reads in a message: its text, or "end of expression". */
static void describe(const struct parser *p, const struct token *t, char *buf,
		     size_t size)
{
	if (t->kind == T_END) {
		snprintf(buf, size, "end of expression");
		return;
	}
	int shown = t->len > NAME_SHOWN ? NAME_SHOWN : (int)t->len;
	snprintf(buf, size, "'%.*s'", shown, p->text + t->pos);
}

/* ---- code emission ----------------------------------------------------- */

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*items, n * size);
	if (!q)
		return -1;
	*items = q;
	*cap = n;
	return 0;
}

static int emit(struct parser *p, enum op op, uint32_t arg, uint16_t slot)
{
	if (grow((void **)&p->code, &p->code_cap, p->ninsn + 1,
		 sizeof *p->code))
		return fail_oom(p);
	p->code[p->ninsn++] = (struct insn){
		.op = (uint8_t)op, .act = 0, .slot = slot, .arg = arg};
	return 0;
}

static int emit_const(struct parser *p, double v)
{
	if (grow((void **)&p->k, &p->k_cap, p->nconst + 1, sizeof *p->k))
		return fail_oom(p);
	p->k[p->nconst] = v;
	return emit(p, OP_CONST, (uint32_t)p->nconst++, 0);
}

/* Whether the code from start on is a single constant, that is, whether the
 * operand that begins there is made only of numbers (those fold into one
 * constant as they are emitted). */
static bool is_const_at(const struct parser *p, size_t start)
{
	return start + 1 == p->ninsn && p->code[start].op == OP_CONST;
}

static double apply1(enum op op, double a)
{
	switch (op) {
	case OP_NEG:
		return -a;
	case OP_LOG:
		return log(a);
	case OP_EXP:
		return exp(a);
	case OP_SQRT:
		return sqrt(a);
	default:
		return NAN;
	}
}

/* The rule min and max share with the evaluators: the first operand on a
 * tie, and, as fmin and fmax do, the other one when one is NaN. */
static bool pick_first(enum op op, double a, double b)
{
	if (isnan(b))
		return true;
	return op == OP_MIN ? a <= b : a >= b;
}

static double apply2(enum op op, double a, double b)
{
	switch (op) {
	case OP_ADD:
		return a + b;
	case OP_SUB:
		return a - b;
	case OP_MUL:
		return a * b;
	case OP_DIV:
		return a / b;
	case OP_POW:
		return pow(a, b);
	case OP_MIN:
	case OP_MAX:
		return pick_first(op, a, b) ? a : b;
	default:
		return NAN;
	}
}

static int emit_unary(struct parser *p, enum op op, size_t start)
{
	if (is_const_at(p, start)) {
		double *v = &p->k[p->code[start].arg];
		*v = apply1(op, *v);
		return 0;
	}
	return emit(p, op, 0, 0);
}

/* Emits op on the operands whose code begins at a and at b. */
static int emit_binary(struct parser *p, enum op op, size_t a, size_t b)
{
	if (is_const_at(p, b) && b == a + 1 && p->code[a].op == OP_CONST) {
		/* The right constant is the last one added: drop it. */
		double y = p->k[--p->nconst];
		double *x = &p->k[p->code[a].arg];
		*x = apply2(op, *x, y);
		p->ninsn--;
		return 0;
	}
	return emit(p, op, 0, 0);
}

static int add_input(struct parser *p, unsigned index)
{
	for (size_t i = 0; i < p->ninputs; i++)
		if (p->inputs[i] == index)
			return 0;
	if (grow((void **)&p->inputs, &p->inputs_cap, p->ninputs + 1,
		 sizeof *p->inputs))
		return fail_oom(p);
	p->inputs[p->ninputs++] = index;
	return 0;
}

/* The local slot of a parameter, given in first-use order; -1 when there
 * would be too many. */
static int param_slot(struct parser *p, unsigned index)
{
	for (size_t i = 0; i < p->nparams; i++)
		if (p->params[i] == index)
			return (int)i;
	if (p->nparams == EXPR_MAX_PARAMS)
		return -1;
	p->params[p->nparams] = index;
	return (int)p->nparams++;
}

/* ---- parser ------------------------------------------------------------ */

static const char *const operand_wanted = "a number, a name or '('";

static int parse_expr(struct parser *p);
static int parse_power(struct parser *p);

/* Counts a level of nesting at the current token, which opens it. */
static int enter(struct parser *p)
{
	if (++p->nesting > EXPR_MAX_NESTING) {
		fail(p, p->tok.pos,
		     "nesting too deep (expected at most %d levels of "
		     "parentheses, function calls and powers)",
		     EXPR_MAX_NESTING);
		return -1;
	}
	return 0;
}

static bool is_operator(enum tok_kind k)
{
	return k == T_PLUS || k == T_MINUS || k == T_STAR || k == T_SLASH ||
	       k == T_CARET;
}

/* The current token cannot begin an operand: says why as precisely as the
 * tokens around it allow. */
static int fail_operand(struct parser *p)
{
	const struct token *t = &p->tok, *prev = &p->prev;
	char what[NAME_SHOWN + 8];
	describe(p, t, what, sizeof what);
	if (is_operator(t->kind)) {
		fail(p, t->pos,
		     "'%c' has no left operand (expected %s before it)",
		     p->text[t->pos], operand_wanted);
	} else if (prev->kind == T_NONE && t->kind == T_END) {
		fail(p, 0, "empty expression (expected %s)", operand_wanted);
	} else if (is_operator(prev->kind)) {
		fail(p, prev->pos,
		     "'%c' has no right operand (expected %s after it)",
		     p->text[prev->pos], operand_wanted);
	} else {
		fail(p, t->pos, "unexpected %s (expected %s)", what,
		     operand_wanted);
	}
	return -1;
}

/* Expects the ')' that closes the '(' at open; others says what else could
 * have come instead. */
static int expect_close(struct parser *p, size_t open, const char *others)
{
	if (p->tok.kind == T_RPAREN)
		return next(p);
	if (p->tok.kind == T_END) {
		fail(p, p->tok.pos,
		     "missing ')' (expected one to close the '(' at column "
		     "%zu)",
		     open + 1);
	} else {
		char what[NAME_SHOWN + 8];
		describe(p, &p->tok, what, sizeof what);
		fail(p, p->tok.pos, "unexpected %s (expected %s)", what,
		     others);
	}
	return -1;
}

struct function {
	const char *name;
	enum op op;
	int arity;
};

static const struct function functions[] = {
	{"log", OP_LOG, 1}, {"exp", OP_EXP, 1}, {"sqrt", OP_SQRT, 1},
	{"min", OP_MIN, 2}, {"max", OP_MAX, 2},
};

static const struct function *find_function(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
		if (strlen(functions[i].name) == len &&
		    memcmp(functions[i].name, name, len) == 0)
			return &functions[i];
	return NULL;
}

/* Whether the next non-blank character is c, without lexing it. */
static bool next_char_is(const struct parser *p, char c)
{
	size_t i = p->pos;
	while (i < p->len && is_space(p->text[i]))
		i++;
	return i < p->len && p->text[i] == c;
}

/* At the name of a function, with '(' next. */
static int parse_call(struct parser *p, const struct function *f)
{
	size_t name = p->tok.pos;
	if (next(p) || enter(p))
		return -1;
	size_t open = p->tok.pos;
	if (next(p))
		return -1;
	int nargs = 0;
	size_t first = p->ninsn, second = p->ninsn;
	if (p->tok.kind != T_RPAREN) {
		for (;;) {
			if (nargs == 1)
				second = p->ninsn;
			if (parse_expr(p))
				return -1;
			nargs++;
			if (p->tok.kind != T_COMMA)
				break;
			if (next(p))
				return -1;
		}
	}
	if (expect_close(p, open, "an operator, ',' or ')'"))
		return -1;
	p->nesting--;
	if (nargs != f->arity) {
		fail(p, name, "%s takes %d argument%s, got %d", f->name,
		     f->arity, f->arity == 1 ? "" : "s", nargs);
		return -1;
	}
	return f->arity == 1 ? emit_unary(p, f->op, first)
			     : emit_binary(p, f->op, first, second);
}

static int parse_name(struct parser *p)
{
	const char *name = p->text + p->tok.pos;
	size_t len = p->tok.len;
	int shown = len > NAME_SHOWN ? NAME_SHOWN : (int)len;
	const struct function *f = find_function(name, len);
	bool call = next_char_is(p, '(');
	if (f && call)
		return parse_call(p, f);
	if (f) {
		fail(p, p->tok.pos,
		     "function '%s' without arguments (expected '(' after "
		     "it)",
		     f->name);
		return -1;
	}
	if (call) {
		fail(p, p->tok.pos,
		     "unknown function '%.*s' (expected log, exp, sqrt, min "
		     "or max)",
		     shown, name);
		return -1;
	}
	enum expr_symbol_kind kind;
	unsigned index;
	if (!p->lookup || !p->lookup(p->ctx, name, len, &kind, &index)) {
		fail(p, p->tok.pos,
		     "unknown name '%.*s' (expected an input or a parameter)",
		     shown, name);
		return -1;
	}
	if (kind == EXPR_INPUT) {
		if (add_input(p, index) || emit(p, OP_INPUT, index, 0))
			return -1;
		return next(p);
	}
	int slot = param_slot(p, index);
	if (slot < 0) {
		fail(p, p->tok.pos,
		     "too many parameters at '%.*s' (expected at most %d "
		     "distinct parameters in one expression)",
		     shown, name, EXPR_MAX_PARAMS);
		return -1;
	}
	if (emit(p, OP_PARAM, index, (uint16_t)slot))
		return -1;
	return next(p);
}

static int parse_primary(struct parser *p)
{
	switch (p->tok.kind) {
	case T_NUM:
		if (emit_const(p, p->tok.num))
			return -1;
		return next(p);
	case T_NAME:
		return parse_name(p);
	case T_LPAREN: {
		size_t open = p->tok.pos;
		if (enter(p) || next(p) || parse_expr(p) ||
		    expect_close(p, open, "an operator or ')'"))
			return -1;
		p->nesting--;
		return 0;
	}
	default:
		return fail_operand(p);
	}
}

/* Signs are read in a loop rather than by recursion, so that a run of them
 * costs no stack; two minus signs cancel exactly, so only the parity of the
 * count matters. */
static int parse_signed(struct parser *p, int (*operand)(struct parser *))
{
	bool negate = false;
	while (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS) {
		negate ^= p->tok.kind == T_MINUS;
		if (next(p))
			return -1;
	}
	size_t start = p->ninsn;
	if (operand(p))
		return -1;
	return negate ? emit_unary(p, OP_NEG, start) : 0;
}

static int parse_power(struct parser *p)
{
	size_t base = p->ninsn;
	if (parse_primary(p))
		return -1;
	if (p->tok.kind != T_CARET)
		return 0;
	if (enter(p) || next(p))
		return -1;
	size_t exponent = p->ninsn;
	if (parse_signed(p, parse_power))
		return -1;
	p->nesting--;
	return emit_binary(p, OP_POW, base, exponent);
}

static int parse_unary(struct parser *p)
{
	return parse_signed(p, parse_power);
}

static int parse_term(struct parser *p)
{
	size_t a = p->ninsn;
	if (parse_unary(p))
		return -1;
	while (p->tok.kind == T_STAR || p->tok.kind == T_SLASH) {
		enum op op = p->tok.kind == T_STAR ? OP_MUL : OP_DIV;
		if (next(p))
			return -1;
		size_t b = p->ninsn;
		if (parse_unary(p) || emit_binary(p, op, a, b))
			return -1;
	}
	return 0;
}

static int parse_expr(struct parser *p)
{
	size_t a = p->ninsn;
	if (parse_term(p))
		return -1;
	while (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS) {
		enum op op = p->tok.kind == T_PLUS ? OP_ADD : OP_SUB;
		if (next(p))
			return -1;
		size_t b = p->ninsn;
		if (parse_term(p) || emit_binary(p, op, a, b))
			return -1;
	}
	return 0;
}

/* After a complete expression, anything but the end is an error. */
static int expect_end(struct parser *p)
{
	const struct token *t = &p->tok;
	char what[NAME_SHOWN + 8];
	describe(p, t, what, sizeof what);
	switch (t->kind) {
	case T_END:
		return 0;
	case T_RPAREN:
		fail(p, t->pos, "unmatched ')' (expected a '(' before it)");
		return -1;
	case T_COMMA:
		fail(p, t->pos,
		     "unexpected ',' (expected commas only between function "
		     "arguments)");
		return -1;
	default:
		fail(p, t->pos,
		     "unexpected %s after a complete expression (expected an "
		     "operator or the end)",
		     what);
		return -1;
	}
}

/* ---- finishing --------------------------------------------------------- */

static bool is_push(enum op op)
{
	return op == OP_CONST || op == OP_INPUT || op == OP_PARAM;
}

static bool is_binary(enum op op)
{
	return op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV ||
	       op == OP_POW || op == OP_MIN || op == OP_MAX;
}

/* Runs the code once over which values depend on a parameter: marks each
 * instruction with its operands' and finds the deepest the stack gets. */
static int analyse(struct parser *p, uint32_t *depth, bool *active)
{
	bool act[STACK_MAX];
	size_t sp = 0, max = 0;
	for (size_t i = 0; i < p->ninsn; i++) {
		struct insn *in = &p->code[i];
		enum op op = (enum op)in->op;
		if (is_push(op)) {
			if (sp == STACK_MAX) {
				fail(p, 0,
				     "expression too complex (expected at most "
				     "%d values pending at once)",
				     STACK_MAX);
				return -1;
			}
			act[sp++] = op == OP_PARAM;
			if (sp > max)
				max = sp;
		} else if (is_binary(op)) {
			sp--;
			in->act = (uint8_t)((act[sp - 1] ? ACT_A : 0) |
					    (act[sp] ? ACT_B : 0));
			act[sp - 1] = act[sp - 1] || act[sp];
		} else {
			in->act = act[sp - 1] ? ACT_A : 0;
		}
	}
	*depth = (uint32_t)max;
	*active = act[0];
	return 0;
}

/* Packs what the parser built into one allocation: constants first, since
 * they need the strictest alignment. */
static struct expr *pack(struct parser *p, uint32_t depth, bool active)
{
	size_t size = sizeof(struct expr) + p->nconst * sizeof(double) +
		      p->ninsn * sizeof(struct insn) +
		      p->ninputs * sizeof(unsigned);
	struct expr *e = malloc(size);
	if (!e)
		return NULL;
	e->ninsn = (uint32_t)p->ninsn;
	e->nconst = (uint32_t)p->nconst;
	e->ninputs = (uint32_t)p->ninputs;
	e->nparams = (uint32_t)p->nparams;
	e->depth = depth;
	e->active = active;
	memcpy(e->params, p->params, sizeof e->params);
	if (p->nconst)
		memcpy(e->k, p->k, p->nconst * sizeof(double));
	struct insn *code = (struct insn *)(e->k + p->nconst);
	memcpy(code, p->code, p->ninsn * sizeof *code);
	unsigned *inputs = (unsigned *)(code + p->ninsn);
	if (p->ninputs)
		memcpy(inputs, p->inputs, p->ninputs * sizeof *inputs);
	e->code = code;
	e->inputs = inputs;
	return e;
}

static struct expr *compile(struct parser *p)
{
	size_t len = strnlen(p->text, EXPR_MAX_LENGTH + 1);
	if (len > EXPR_MAX_LENGTH) {
		fail(p, EXPR_MAX_LENGTH,
		     "expression too long (expected at most %d characters)",
		     EXPR_MAX_LENGTH);
		return NULL;
	}
	p->len = len;
	uint32_t depth;
	bool active;
	if (next(p) || parse_expr(p) || expect_end(p) ||
	    analyse(p, &depth, &active))
		return NULL;
	struct expr *e = pack(p, depth, active);
	if (!e)
		fail_oom(p);
	return e;
}

struct expr *expr_compile(const char *text, expr_lookup_fn lookup, void *ctx,
			  struct expr_error *err)
{
	struct parser p = {
		.text = text ? text : "",
		.lookup = lookup,
		.ctx = ctx,
		.err = err,
		.tok = {.kind = T_NONE},
	};
	err->col = 0;
	err->message[0] = '\0';
	struct expr *e = compile(&p);
	free(p.code);
	free(p.k);
	free(p.inputs);
	return e;
}

void expr_free(struct expr *e)
{
	free(e);
}

size_t expr_param_count(const struct expr *e)
{
	return e->nparams;
}

const unsigned *expr_params(const struct expr *e)
{
	return e->params;
}

bool expr_uses_input(const struct expr *e, unsigned i)
{
	for (uint32_t j = 0; j < e->ninputs; j++)
		if (e->inputs[j] == i)
			return true;
	return false;
}

/* ---- evaluation -------------------------------------------------------- */

double expr_eval(const struct expr *e, const double *inputs,
		 const double *params)
{
	double v[STACK_MAX];
	size_t sp = 0;
	const struct insn *in = e->code, *end = in + e->ninsn;
	for (; in < end; in++) {
		switch ((enum op)in->op) {
		case OP_CONST:
			v[sp++] = e->k[in->arg];
			break;
		case OP_INPUT:
			v[sp++] = inputs[in->arg];
			break;
		case OP_PARAM:
			v[sp++] = params[in->arg];
			break;
		case OP_ADD:
			sp--;
			v[sp - 1] += v[sp];
			break;
		case OP_SUB:
			sp--;
			v[sp - 1] -= v[sp];
			break;
		case OP_MUL:
			sp--;
			v[sp - 1] *= v[sp];
			break;
		case OP_DIV:
			sp--;
			v[sp - 1] /= v[sp];
			break;
		case OP_POW:
			sp--;
			v[sp - 1] = pow(v[sp - 1], v[sp]);
			break;
		case OP_MIN:
		case OP_MAX:
			sp--;
			v[sp - 1] = apply2((enum op)in->op, v[sp - 1], v[sp]);
			break;
		case OP_NEG:
		case OP_LOG:
		case OP_EXP:
		case OP_SQRT:
			v[sp - 1] = apply1((enum op)in->op, v[sp - 1]);
			break;
		}
	}
	return v[0];
}

/* The derivative loops run over the k parameters this expression uses; each
 * stack entry's gradient lies at g + entry * k. An operand that does not
 * depend on a parameter has no gradient stored at all. */

static void grad_zero(double *ga, size_t k)
{
	for (size_t j = 0; j < k; j++)
		ga[j] = 0;
}

/* The bound of EXPR_MAX_PARAMS with an exit at k keeps compilers from
 * making this a call to memcpy, which costs more than the loop for the few
 * parameters of a term. */
static void grad_copy(double *ga, const double *gb, size_t k)
{
	for (size_t j = 0; j < EXPR_MAX_PARAMS; j++) {
		if (j == k)
			break;
		ga[j] = gb[j];
	}
}

static void grad_scale(double *ga, double s, size_t k)
{
	for (size_t j = 0; j < k; j++)
		ga[j] *= s;
}

/* ga = sa * ga + sb * gb */
static void grad_mix(double *ga, double sa, const double *gb, double sb,
		     size_t k)
{
	for (size_t j = 0; j < k; j++)
		ga[j] = sa * ga[j] + sb * gb[j];
}

/* ga = sb * gb */
static void grad_set(double *ga, const double *gb, double sb, size_t k)
{
	for (size_t j = 0; j < k; j++)
		ga[j] = sb * gb[j];
}

static bool grad_all_zero(const double *g, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (g[j] != 0)
			return false;
	return true;
}

/* A parameter's own gradient, the unit vector of its slot. Written as one
 * expression per element rather than a clear and a store, which compilers
 * turn into a call to memset that costs more than the loop for small k. */
static void grad_unit(double *ga, unsigned slot, size_t k)
{
	for (size_t j = 0; j < k; j++)
		ga[j] = j == slot ? 1.0 : 0.0;
}

/* The derivative rules of the binary operations, for a result r = a op b
 * that replaces a: ga becomes its gradient. act says which of ga and gb
 * hold one; it is never zero here. */

static void d_add(double *ga, const double *gb, unsigned act, size_t k)
{
	if (act == (ACT_A | ACT_B))
		grad_mix(ga, 1, gb, 1, k);
	else if (act == ACT_B)
		grad_copy(ga, gb, k);
}

static void d_sub(double *ga, const double *gb, unsigned act, size_t k)
{
	if (act == (ACT_A | ACT_B))
		grad_mix(ga, 1, gb, -1, k);
	else if (act == ACT_B)
		grad_set(ga, gb, -1, k);
}

static void d_mul(double *ga, const double *gb, unsigned act, double a,
		  double b, size_t k)
{
	if (act == (ACT_A | ACT_B))
		grad_mix(ga, b, gb, a, k);
	else if (act == ACT_A)
		grad_scale(ga, b, k);
	else
		grad_set(ga, gb, a, k);
}

/* d(a/b) = da / b - (a/b) db / b */
static void d_div(double *ga, const double *gb, unsigned act, double b,
		  double r, size_t k)
{
	if (act == (ACT_A | ACT_B))
		grad_mix(ga, 1 / b, gb, -r / b, k);
	else if (act == ACT_A)
		grad_scale(ga, 1 / b, k);
	else
		grad_set(ga, gb, -r / b, k);
}

/* d(a^b) = b a^(b-1) da + a^b log(a) db. log(a) is left out when db is all
 * zero, so that a negative base with a constant exponent keeps a finite
 * gradient. */
static void d_pow(double *ga, const double *gb, unsigned act, double a,
		  double b, double r, size_t k)
{
	double sa = (act & ACT_A) ? b * pow(a, b - 1) : 0;
	bool db = (act & ACT_B) && !grad_all_zero(gb, k);
	if (!db) {
		if (act & ACT_A)
			grad_scale(ga, sa, k);
		else
			grad_zero(ga, k);
	} else if (act & ACT_A) {
		grad_mix(ga, sa, gb, r * log(a), k);
	} else {
		grad_set(ga, gb, r * log(a), k);
	}
}

/* The chosen operand's gradient; the result is active when either operand
 * is, but the chosen one may not be, and then the gradient is zero. */
static void d_pick(double *ga, const double *gb, unsigned act, bool first,
		   size_t k)
{
	if (first) {
		if (!(act & ACT_A))
			grad_zero(ga, k);
	} else if (act & ACT_B) {
		grad_copy(ga, gb, k);
	} else {
		grad_zero(ga, k);
	}
}

/* One switch does both the value and its derivative, so that an
 * instruction costs one dispatch. */
double expr_eval_grad(const struct expr *e, const double *inputs,
		      const double *params, double *grad)
{
	double v[STACK_MAX];
	double g[STACK_MAX * EXPR_MAX_PARAMS];
	const size_t k = e->nparams;
	size_t sp = 0;
	const struct insn *in = e->code, *end = in + e->ninsn;
	for (; in < end; in++) {
		const unsigned act = in->act;
		double a, b;
		switch ((enum op)in->op) {
		case OP_CONST:
			v[sp++] = e->k[in->arg];
			break;
		case OP_INPUT:
			v[sp++] = inputs[in->arg];
			break;
		case OP_PARAM:
			grad_unit(g + sp * k, in->slot, k);
			v[sp++] = params[in->arg];
			break;
		case OP_ADD:
			sp--;
			v[sp - 1] += v[sp];
			if (act)
				d_add(g + (sp - 1) * k, g + sp * k, act, k);
			break;
		case OP_SUB:
			sp--;
			v[sp - 1] -= v[sp];
			if (act)
				d_sub(g + (sp - 1) * k, g + sp * k, act, k);
			break;
		case OP_MUL:
			sp--;
			a = v[sp - 1], b = v[sp];
			v[sp - 1] = a * b;
			if (act)
				d_mul(g + (sp - 1) * k, g + sp * k, act, a, b,
				      k);
			break;
		case OP_DIV:
			sp--;
			b = v[sp];
			v[sp - 1] /= b;
			if (act)
				d_div(g + (sp - 1) * k, g + sp * k, act, b,
				      v[sp - 1], k);
			break;
		case OP_POW:
			sp--;
			a = v[sp - 1], b = v[sp];
			v[sp - 1] = pow(a, b);
			if (act)
				d_pow(g + (sp - 1) * k, g + sp * k, act, a, b,
				      v[sp - 1], k);
			break;
		case OP_MIN:
		case OP_MAX: {
			sp--;
			a = v[sp - 1], b = v[sp];
			bool first = pick_first((enum op)in->op, a, b);
			v[sp - 1] = first ? a : b;
			if (act)
				d_pick(g + (sp - 1) * k, g + sp * k, act, first,
				       k);
			break;
		}
		case OP_NEG:
			v[sp - 1] = -v[sp - 1];
			if (act)
				grad_scale(g + (sp - 1) * k, -1, k);
			break;
		case OP_LOG:
			a = v[sp - 1];
			v[sp - 1] = log(a);
			if (act)
				grad_scale(g + (sp - 1) * k, 1 / a, k);
			break;
		case OP_EXP:
			v[sp - 1] = exp(v[sp - 1]);
			if (act)
				grad_scale(g + (sp - 1) * k, v[sp - 1], k);
			break;
		case OP_SQRT:
			v[sp - 1] = sqrt(v[sp - 1]);
			if (act)
				grad_scale(g + (sp - 1) * k,
					   1 / (2 * v[sp - 1]), k);
			break;
		}
	}
	if (e->active)
		grad_copy(grad, g, k);
	else
		grad_zero(grad, k);
	return v[0];
}

/* ---- evaluation over many rows ----------------------------------------- */

/* The row evaluators run each instruction over a block of ROWS rows, so
 * that one dispatch serves them all and the loops over the rows are plain
 * arithmetic. They do the same operations in the same order as
 * expr_eval and expr_eval_grad, so the results are the same to the bit.
 * An expression deeper than the block's stack is evaluated row by row. */
#define ROWS	   64
#define ROWS_DEPTH 32
/* stack entries times parameters, for the gradients of a block */
#define ROWS_GRAD 64

static void rows_push(const struct expr *e, const struct insn *in,
		      const double *inputs, size_t stride, const double *params,
		      double *v, size_t R)
{
	double c = in->op == OP_CONST	? e->k[in->arg]
		   : in->op == OP_PARAM ? params[in->arg]
					: 0;
	if (in->op == OP_INPUT)
		for (size_t r = 0; r < R; r++)
			v[r] = inputs[r * stride + in->arg];
	else
		for (size_t r = 0; r < R; r++)
			v[r] = c;
}

static void rows_binary(enum op op, double *a, const double *b, size_t R)
{
	size_t r;
	switch (op) {
	case OP_ADD:
		for (r = 0; r < R; r++)
			a[r] += b[r];
		break;
	case OP_SUB:
		for (r = 0; r < R; r++)
			a[r] -= b[r];
		break;
	case OP_MUL:
		for (r = 0; r < R; r++)
			a[r] *= b[r];
		break;
	case OP_DIV:
		for (r = 0; r < R; r++)
			a[r] /= b[r];
		break;
	case OP_POW:
		for (r = 0; r < R; r++)
			a[r] = pow(a[r], b[r]);
		break;
	default:
		for (r = 0; r < R; r++)
			a[r] = apply2(op, a[r], b[r]);
		break;
	}
}

static void rows_unary(enum op op, double *a, size_t R)
{
	if (op == OP_NEG) {
		for (size_t r = 0; r < R; r++)
			a[r] = -a[r];
		return;
	}
	for (size_t r = 0; r < R; r++)
		a[r] = apply1(op, a[r]);
}

void expr_eval_rows(const struct expr *e, const double *inputs, size_t stride,
		    size_t n, const double *params, double *out)
{
	if (e->depth > ROWS_DEPTH) {
		for (size_t i = 0; i < n; i++)
			out[i] = expr_eval(e, inputs + i * stride, params);
		return;
	}
	double v[ROWS_DEPTH][ROWS];
	for (size_t r0 = 0; r0 < n; r0 += ROWS) {
		size_t R = n - r0 < ROWS ? n - r0 : ROWS, sp = 0;
		const double *rows = inputs + r0 * stride;
		const struct insn *in = e->code, *end = in + e->ninsn;
		for (; in < end; in++) {
			enum op op = (enum op)in->op;
			if (is_push(op)) {
				rows_push(e, in, rows, stride, params, v[sp++],
					  R);
			} else if (is_binary(op)) {
				sp--;
				rows_binary(op, v[sp - 1], v[sp], R);
			} else {
				rows_unary(op, v[sp - 1], R);
			}
		}
		memcpy(out + r0, v[0], R * sizeof *out);
	}
}

/* The gradients of a block: entry e's partial j of row r lies at
 * g[(e * k + j) * ROWS + r]. The helpers below are the per-row forms of
 * grad_* above, with a factor per row. */

static void rows_g_scale(double *ga, const double *s, size_t k, size_t R)
{
	for (size_t j = 0; j < k; j++)
		for (size_t r = 0; r < R; r++)
			ga[j * ROWS + r] *= s[r];
}

/* ga = sa * ga + sb * gb */
static void rows_g_mix(double *ga, const double *sa, const double *gb,
		       const double *sb, size_t k, size_t R)
{
	for (size_t j = 0; j < k; j++)
		for (size_t r = 0; r < R; r++)
			ga[j * ROWS + r] = sa[r] * ga[j * ROWS + r] +
					   sb[r] * gb[j * ROWS + r];
}

/* ga = sb * gb */
static void rows_g_set(double *ga, const double *gb, const double *sb, size_t k,
		       size_t R)
{
	for (size_t j = 0; j < k; j++)
		for (size_t r = 0; r < R; r++)
			ga[j * ROWS + r] = sb[r] * gb[j * ROWS + r];
}

/* Row r of ga only, for the rules that differ from row to row (a min or
 * max): gb's row copied, or zeros when gb is NULL. */
static void row_g_take(double *ga, const double *gb, size_t k, size_t r)
{
	for (size_t j = 0; j < k; j++)
		ga[j * ROWS + r] = gb ? gb[j * ROWS + r] : 0;
}

static bool row_g_all_zero(const double *g, size_t k, size_t r)
{
	for (size_t j = 0; j < k; j++)
		if (g[j * ROWS + r] != 0)
			return false;
	return true;
}

/* d(a^b) row by row, as d_pow does it. */
static void rows_d_pow(double *ga, const double *gb, unsigned act,
		       const double *a, const double *b, const double *res,
		       size_t k, size_t R)
{
	for (size_t r = 0; r < R; r++) {
		double sa = (act & ACT_A) ? b[r] * pow(a[r], b[r] - 1) : 0;
		bool db = (act & ACT_B) && !row_g_all_zero(gb, k, r);
		for (size_t j = 0; j < k; j++) {
			double *x = &ga[j * ROWS + r];
			double y = (act & ACT_B) ? gb[j * ROWS + r] : 0;
			if (!db)
				*x = (act & ACT_A) ? *x * sa : 0;
			else if (act & ACT_A)
				*x = sa * *x + res[r] * log(a[r]) * y;
			else
				*x = res[r] * log(a[r]) * y;
		}
	}
}

/* One binary instruction over a block: value into a, gradient into ga. */
static void rows_grad_binary(enum op op, unsigned act, double *a,
			     const double *b, double *ga, const double *gb,
			     size_t k, size_t R)
{
	double sa[ROWS], sb[ROWS], old[ROWS];
	size_t r;
	memcpy(old, a, R * sizeof *old);
	rows_binary(op, a, b, R);
	if (!act)
		return;
	switch (op) {
	case OP_ADD:
	case OP_SUB:
		for (r = 0; r < R; r++)
			sa[r] = 1, sb[r] = op == OP_ADD ? 1 : -1;
		if (act == (ACT_A | ACT_B))
			rows_g_mix(ga, sa, gb, sb, k, R);
		else if (act == ACT_B)
			rows_g_set(ga, gb, sb, k, R);
		break;
	case OP_MUL:
		if (act == (ACT_A | ACT_B))
			rows_g_mix(ga, b, gb, old, k, R);
		else if (act == ACT_A)
			rows_g_scale(ga, b, k, R);
		else
			rows_g_set(ga, gb, old, k, R);
		break;
	case OP_DIV:
		for (r = 0; r < R; r++)
			sa[r] = 1 / b[r], sb[r] = -a[r] / b[r];
		if (act == (ACT_A | ACT_B))
			rows_g_mix(ga, sa, gb, sb, k, R);
		else if (act == ACT_A)
			rows_g_scale(ga, sa, k, R);
		else
			rows_g_set(ga, gb, sb, k, R);
		break;
	case OP_POW:
		rows_d_pow(ga, gb, act, old, b, a, k, R);
		break;
	default: /* OP_MIN, OP_MAX: the chosen operand's gradient */
		for (r = 0; r < R; r++) {
			bool first = pick_first(op, old[r], b[r]);
			if (first && (act & ACT_A))
				continue;
			row_g_take(ga, !first && (act & ACT_B) ? gb : NULL, k,
				   r);
		}
		break;
	}
}

static void rows_grad_unary(enum op op, unsigned act, double *a, double *ga,
			    size_t k, size_t R)
{
	double s[ROWS];
	size_t r;
	for (r = 0; r < R; r++)
		s[r] = op == OP_LOG ? 1 / a[r] : -1;
	rows_unary(op, a, R);
	if (!act)
		return;
	if (op == OP_EXP)
		for (r = 0; r < R; r++)
			s[r] = a[r];
	else if (op == OP_SQRT)
		for (r = 0; r < R; r++)
			s[r] = 1 / (2 * a[r]);
	rows_g_scale(ga, s, k, R);
}

static void rows_grad_block(const struct expr *e, const double *rows,
			    size_t stride, const double *params, size_t R,
			    double *value, double *grad)
{
	double v[ROWS_DEPTH][ROWS], g[ROWS_GRAD * ROWS];
	const size_t k = e->nparams;
	size_t sp = 0;
	const struct insn *in = e->code, *end = in + e->ninsn;
	for (; in < end; in++) {
		enum op op = (enum op)in->op;
		if (is_push(op)) {
			rows_push(e, in, rows, stride, params, v[sp], R);
			for (size_t j = 0; op == OP_PARAM && j < k; j++)
				for (size_t r = 0; r < R; r++)
					g[(sp * k + j) * ROWS + r] =
						j == in->slot ? 1.0 : 0.0;
			sp++;
		} else if (is_binary(op)) {
			sp--;
			rows_grad_binary(op, in->act, v[sp - 1], v[sp],
					 g + (sp - 1) * k * ROWS,
					 g + sp * k * ROWS, k, R);
		} else {
			rows_grad_unary(op, in->act, v[sp - 1],
					g + (sp - 1) * k * ROWS, k, R);
		}
	}
	for (size_t r = 0; r < R; r++) {
		value[r] = v[0][r];
		for (size_t j = 0; j < k; j++)
			grad[r * k + j] = e->active ? g[j * ROWS + r] : 0;
	}
}

void expr_eval_grad_rows(const struct expr *e, const double *inputs,
			 size_t stride, size_t n, const double *params,
			 double *value, double *grad)
{
	const size_t k = e->nparams;
	if (e->depth > ROWS_DEPTH || e->depth * k > ROWS_GRAD) {
		for (size_t i = 0; i < n; i++)
			value[i] = expr_eval_grad(e, inputs + i * stride,
						  params, grad + i * k);
		return;
	}
	for (size_t r0 = 0; r0 < n; r0 += ROWS)
		rows_grad_block(e, inputs + r0 * stride, stride, params,
				n - r0 < ROWS ? n - r0 : ROWS, value + r0,
				grad + r0 * k);
}

/* ---- splitting for repeated evaluation ----------------------------------- */

/* The code as a tree, so products and sums can be regrouped. */
struct node {
	uint8_t op;
	bool active; /* depends on a parameter */
	uint32_t arg;
	double value; /* OP_CONST */
	int a, b;
};

struct tree {
	struct node *n;
	size_t count, cap;
};

static int tree_add(struct tree *t, struct node nd)
{
	if (grow((void **)&t->n, &t->cap, t->count + 1, sizeof *t->n))
		return -1;
	t->n[t->count] = nd;
	return (int)t->count++;
}

static int tree_from_code(const struct expr *e, struct tree *t)
{
	int stack[STACK_MAX];
	size_t sp = 0;
	for (uint32_t i = 0; i < e->ninsn; i++) {
		const struct insn *in = &e->code[i];
		enum op op = (enum op)in->op;
		struct node nd = {
			.op = in->op, .arg = in->arg, .a = -1, .b = -1};
		if (op == OP_CONST)
			nd.value = e->k[in->arg];
		else if (op == OP_PARAM)
			nd.active = true;
		else if (is_binary(op)) {
			nd.b = stack[--sp];
			nd.a = stack[--sp];
			nd.active = t->n[nd.a].active || t->n[nd.b].active;
		} else if (!is_push(op)) {
			nd.a = stack[--sp];
			nd.active = t->n[nd.a].active;
		}
		int id = tree_add(t, nd);
		if (id < 0)
			return -1;
		stack[sp++] = id;
	}
	return stack[0];
}

static int node2(struct tree *t, enum op op, int a, int b)
{
	bool act = t->n[a].active || (b >= 0 && t->n[b].active);
	return tree_add(
		t, (struct node){
			   .op = (uint8_t)op, .active = act, .a = a, .b = b});
}

static int rewrite(struct tree *t, int id);

struct factor {
	int node;
	bool inverse; /* divided or subtracted */
};

enum { MAX_FACTORS = 64 };

static bool in_chain(enum op op, enum op plus, enum op minus)
{
	return op == plus || op == minus;
}

/* The operands of a chain of plus/minus (or times/divide), flattened; false
 * when there are too many to regroup. */
static bool collect(const struct tree *t, int id, bool inverse, enum op plus,
		    enum op minus, struct factor *f, size_t *n)
{
	const struct node *nd = &t->n[id];
	if (in_chain((enum op)nd->op, plus, minus))
		return collect(t, nd->a, inverse, plus, minus, f, n) &&
		       collect(t, nd->b, nd->op == minus ? !inverse : inverse,
			       plus, minus, f, n);
	if (*n == MAX_FACTORS)
		return false;
	f[(*n)++] = (struct factor){id, inverse};
	return true;
}

/* Combines the factors whose activity is `active` into one node, starting
 * from the identity when the first of them is an inverse. */
static int combine(struct tree *t, const struct factor *f, size_t n,
		   bool active, enum op plus, enum op minus, double identity)
{
	int acc = -1;
	for (size_t i = 0; i < n; i++) {
		if (t->n[f[i].node].active != active)
			continue;
		int x = active ? rewrite(t, f[i].node) : f[i].node;
		if (x < 0)
			return -2;
		if (acc < 0 && f[i].inverse) {
			acc = tree_add(t, (struct node){.op = OP_CONST,
							.value = identity,
							.a = -1,
							.b = -1});
			if (acc < 0)
				return -2;
		}
		acc = acc < 0 ? x
			      : node2(t, f[i].inverse ? minus : plus, acc, x);
		if (acc < 0)
			return -2;
	}
	return acc;
}

static int rewrite_chain(struct tree *t, int id, enum op plus, enum op minus,
			 double identity)
{
	struct factor f[MAX_FACTORS];
	size_t n = 0;
	if (!collect(t, id, false, plus, minus, f, &n)) {
		struct node nd = t->n[id];
		int a = rewrite(t, nd.a), b = rewrite(t, nd.b);
		return a < 0 || b < 0 ? -1 : node2(t, (enum op)nd.op, a, b);
	}
	int fixed = combine(t, f, n, false, plus, minus, identity);
	int varying = combine(t, f, n, true, plus, minus, identity);
	if (fixed == -2 || varying == -2)
		return -1;
	return fixed < 0 ? varying : node2(t, plus, fixed, varying);
}

/* Returns the id of an equivalent node whose parameter-free subtrees are
 * as large as possible, or -1 when out of memory. */
static int rewrite(struct tree *t, int id)
{
	struct node nd = t->n[id];
	if (!nd.active || nd.op == OP_PARAM)
		return id;
	switch ((enum op)nd.op) {
	case OP_MUL:
	case OP_DIV:
		return rewrite_chain(t, id, OP_MUL, OP_DIV, 1);
	case OP_ADD:
	case OP_SUB:
		return rewrite_chain(t, id, OP_ADD, OP_SUB, 0);
	case OP_POW:
		if (!t->n[nd.a].active) {
			/* base^x = exp(x * log(base)), log(base) once */
			int lg = node2(t, OP_LOG, nd.a, -1);
			int x = rewrite(t, nd.b);
			int m = lg < 0 || x < 0 ? -1 : node2(t, OP_MUL, x, lg);
			return m < 0 ? -1 : node2(t, OP_EXP, m, -1);
		}
		break;
	default:
		break;
	}
	int a = t->n[nd.a].active ? rewrite(t, nd.a) : nd.a;
	int b = nd.b >= 0 && t->n[nd.b].active ? rewrite(t, nd.b) : nd.b;
	return a < 0 || (nd.b >= 0 && b < 0) ? -1
					     : node2(t, (enum op)nd.op, a, b);
}

/* Emits the subtree as code of p; parameter-free subtrees go to their own
 * program when fixed is not NULL. */
struct split_emitter {
	struct expr_split *out;
	size_t cap;
	struct expr_error err;
};

static struct expr *finish_program(struct parser *p)
{
	uint32_t depth;
	bool active;
	struct expr *e =
		analyse(p, &depth, &active) ? NULL : pack(p, depth, active);
	free(p->code);
	free(p->k);
	free(p->inputs);
	return e;
}

static int emit_tree(struct split_emitter *E, struct parser *p,
		     const struct tree *t, int id, bool split);

static int emit_fixed(struct split_emitter *E, struct parser *p,
		      const struct tree *t, int id)
{
	struct parser sub = {.text = "", .err = &E->err};
	if (emit_tree(E, &sub, t, id, false)) {
		free(sub.code);
		free(sub.k);
		free(sub.inputs);
		return -1;
	}
	struct expr *fx = finish_program(&sub);
	struct expr_split *o = E->out;
	if (!fx || grow((void **)&o->fixed, &E->cap, o->nfixed + 1,
			sizeof *o->fixed)) {
		free(fx);
		return -1;
	}
	uint32_t slot = (uint32_t)o->nfixed;
	o->fixed[o->nfixed++] = fx;
	return add_input(p, slot) || emit(p, OP_INPUT, slot, 0) ? -1 : 0;
}

static int emit_tree(struct split_emitter *E, struct parser *p,
		     const struct tree *t, int id, bool split)
{
	const struct node *nd = &t->n[id];
	enum op op = (enum op)nd->op;
	if (op == OP_CONST)
		return emit_const(p, nd->value);
	if (split && !nd->active)
		return emit_fixed(E, p, t, id);
	if (op == OP_INPUT)
		return add_input(p, nd->arg) || emit(p, OP_INPUT, nd->arg, 0);
	if (op == OP_PARAM) {
		int slot = param_slot(p, nd->arg);
		return slot < 0 ? -1
				: emit(p, OP_PARAM, nd->arg, (uint16_t)slot);
	}
	if (emit_tree(E, p, t, nd->a, split) ||
	    (nd->b >= 0 && emit_tree(E, p, t, nd->b, split)))
		return -1;
	return emit(p, op, 0, 0);
}

void expr_split_free(struct expr_split *s)
{
	for (size_t i = 0; i < s->nfixed; i++)
		free(s->fixed[i]);
	free(s->fixed);
	free(s->varying);
	memset(s, 0, sizeof *s);
}

int expr_split(const struct expr *e, struct expr_split *out)
{
	memset(out, 0, sizeof *out);
	struct tree t = {NULL, 0, 0};
	struct split_emitter E = {.out = out};
	struct parser var = {.text = "", .err = &E.err};
	int root = tree_from_code(e, &t);
	int top = root < 0 ? -1 : rewrite(&t, root);
	int failed = top < 0 || emit_tree(&E, &var, &t, top, true);
	free(t.n);
	if (failed) {
		free(var.code);
		free(var.k);
		free(var.inputs);
		expr_split_free(out);
		return -1;
	}
	if (!(out->varying = finish_program(&var))) {
		expr_split_free(out);
		return -1;
	}
	return 0;
}

/* ---- product form ------------------------------------------------------ */

/* While reading the code: a product (is_sum false) or, inside an exp, a
 * sum of monomials (is_sum true; its terms are the lin_* lists, the rest
 * unused). */
struct pf {
	bool is_sum;
	struct expr_product p;
};

static void pf_const(struct pf *a, double c)
{
	memset(a, 0, sizeof *a);
	a->p.coef = c;
}

/* Multiplies in factor x^pow (x an input or parameter index). */
static bool pf_factor(size_t *n, unsigned *idx, double *pw, unsigned x,
		      double pow)
{
	for (size_t i = 0; i < *n; i++)
		if (idx[i] == x) {
			pw[i] += pow;
			return true;
		}
	if (*n == EXPR_PRODUCT_MAX)
		return false;
	idx[*n] = x;
	pw[(*n)++] = pow;
	return true;
}

static bool pf_add_lin(struct expr_product *p, int par, int in, int in2,
		       double c)
{
	if (p->nlin == EXPR_PRODUCT_MAX)
		return false;
	p->lin_par[p->nlin] = par;
	p->lin_in[p->nlin] = in;
	p->lin_in2[p->nlin] = in2;
	p->lin_coef[p->nlin++] = c;
	return true;
}

/* a as a sum: a sum already, or a product that is one monomial (a
 * constant times at most one parameter and two inputs, each to the power
 * 1, no exp). */
static bool pf_to_sum(struct pf *a)
{
	if (a->is_sum)
		return true;
	struct expr_product *p = &a->p;
	if (p->nlin || p->nin > 2 || p->npar > 1 ||
	    (p->nin && p->in_pow[0] != 1) ||
	    (p->nin > 1 && p->in_pow[1] != 1) ||
	    (p->npar && p->par_pow[0] != 1))
		return false;
	int par = p->npar ? (int)p->par[0] : -1,
	    in = p->nin ? (int)p->in[0] : -1,
	    in2 = p->nin > 1 ? (int)p->in[1] : -1;
	double c = p->coef;
	pf_const(a, 0);
	a->is_sum = true;
	return pf_add_lin(&a->p, par, in, in2, c);
}

/* a *= b^s (s = 1 or -1), both products. */
static bool pf_mul(struct pf *a, const struct pf *b, double s)
{
	struct expr_product *p = &a->p;
	const struct expr_product *q = &b->p;
	p->coef = s > 0 ? p->coef * q->coef : p->coef / q->coef;
	for (size_t i = 0; i < q->nin; i++)
		if (!pf_factor(&p->nin, p->in, p->in_pow, q->in[i],
			       s * q->in_pow[i]))
			return false;
	for (size_t i = 0; i < q->npar; i++)
		if (!pf_factor(&p->npar, p->par, p->par_pow, q->par[i],
			       s * q->par_pow[i]))
			return false;
	for (size_t i = 0; i < q->nlin; i++)
		if (!pf_add_lin(p, q->lin_par[i], q->lin_in[i], q->lin_in2[i],
				s * q->lin_coef[i]))
			return false;
	return true;
}

/* A sum times a monomial without parameter, or divided by a constant:
 * each term takes the monomial's input, when it has room for one. */
static bool pf_scale_sum(struct pf *sum, const struct pf *b, bool divide)
{
	const struct expr_product *q = &b->p;
	if (b->is_sum || q->nlin || q->npar || q->nin > 1 ||
	    (q->nin && (divide || q->in_pow[0] != 1)))
		return false;
	struct expr_product *p = &sum->p;
	for (size_t k = 0; k < p->nlin; k++) {
		p->lin_coef[k] = divide ? p->lin_coef[k] / q->coef
					: p->lin_coef[k] * q->coef;
		if (!q->nin)
			continue;
		if (p->lin_in[k] < 0)
			p->lin_in[k] = (int)q->in[0];
		else if (p->lin_in2[k] < 0)
			p->lin_in2[k] = (int)q->in[0];
		else
			return false;
	}
	return true;
}

static bool pf_binary(enum op op, struct pf *a, struct pf *b)
{
	switch (op) {
	case OP_ADD:
	case OP_SUB:
		if (!pf_to_sum(a) || !pf_to_sum(b))
			return false;
		for (size_t k = 0; k < b->p.nlin; k++)
			if (!pf_add_lin(&a->p, b->p.lin_par[k], b->p.lin_in[k],
					b->p.lin_in2[k],
					op == OP_ADD ? b->p.lin_coef[k]
						     : -b->p.lin_coef[k]))
				return false;
		return true;
	case OP_MUL:
		if (a->is_sum)
			return pf_scale_sum(a, b, false);
		if (b->is_sum) {
			struct pf t = *b;
			if (!pf_scale_sum(&t, a, false))
				return false;
			*a = t;
			return true;
		}
		return pf_mul(a, b, 1);
	case OP_DIV:
		if (a->is_sum)
			return pf_scale_sum(a, b, true);
		return !b->is_sum && pf_mul(a, b, -1);
	case OP_POW: {
		/* a product to a constant power */
		const struct expr_product *q = &b->p;
		if (a->is_sum || b->is_sum || q->nin || q->npar || q->nlin)
			return false;
		double c = q->coef;
		struct expr_product *p = &a->p;
		p->coef = pow(p->coef, c);
		for (size_t i = 0; i < p->nin; i++)
			p->in_pow[i] *= c;
		for (size_t i = 0; i < p->npar; i++)
			p->par_pow[i] *= c;
		for (size_t k = 0; k < p->nlin; k++)
			p->lin_coef[k] *= c;
		return true;
	}
	default:
		return false;
	}
}

static bool pf_unary(enum op op, struct pf *a)
{
	if (op == OP_NEG) {
		if (!a->is_sum) {
			a->p.coef = -a->p.coef;
			return true;
		}
		for (size_t k = 0; k < a->p.nlin; k++)
			a->p.lin_coef[k] = -a->p.lin_coef[k];
		return true;
	}
	if (op != OP_EXP || !pf_to_sum(a))
		return false;
	a->is_sum = false;
	a->p.coef = 1;
	return true;
}

int expr_as_product(const struct expr *e, struct expr_product *out)
{
	struct pf *v = malloc((e->depth ? e->depth : 1) * sizeof *v);
	if (!v)
		return -1;
	size_t sp = 0;
	bool ok = true;
	for (uint32_t i = 0; ok && i < e->ninsn; i++) {
		const struct insn *in = &e->code[i];
		enum op op = (enum op)in->op;
		if (is_push(op)) {
			struct pf *a = &v[sp++];
			pf_const(a, op == OP_CONST ? e->k[in->arg] : 1);
			if (op == OP_INPUT)
				ok = pf_factor(&a->p.nin, a->p.in, a->p.in_pow,
					       in->arg, 1);
			else if (op == OP_PARAM)
				ok = pf_factor(&a->p.npar, a->p.par,
					       a->p.par_pow, in->arg, 1);
		} else if (is_binary(op)) {
			sp--;
			ok = pf_binary(op, &v[sp - 1], &v[sp]);
		} else {
			ok = pf_unary(op, &v[sp - 1]);
		}
	}
	ok = ok && sp == 1 && !v[0].is_sum && isfinite(v[0].p.coef);
	if (ok)
		*out = v[0].p;
	free(v);
	return ok;
}
