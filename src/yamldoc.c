#include "yamldoc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

bool yamldoc_load(struct yamldoc *y, const char *text, size_t len)
{
	const char *encoding = text_encoding_problem(text, len);
	if (encoding) { /* libyaml would read it; the formats are UTF-8 */
		diag_add(y->diags, DIAG_ERROR, y->name, 1, 1,
			 "%s; save the file as UTF-8", encoding);
		y->errors++;
		return false;
	}
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	bool loaded = yaml_parser_load(&parser, &y->doc);
	if (!loaded) {
		diag_add(y->diags, DIAG_ERROR, y->name,
			 (unsigned)parser.problem_mark.line + 1,
			 (unsigned)parser.problem_mark.column + 1,
			 "YAML syntax error: %s (expected valid YAML)",
			 parser.problem ? parser.problem : "invalid input");
		y->errors++;
	}
	yaml_parser_delete(&parser);
	return loaded;
}

void yamldoc_error(struct yamldoc *y, const yaml_node_t *node, const char *fmt,
		   ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	unsigned line = node ? (unsigned)node->start_mark.line + 1 : 0;
	unsigned col = node ? (unsigned)node->start_mark.column + 1 : 0;
	diag_add(y->diags, DIAG_ERROR, y->name, line, col, "%s", msg);
	y->errors++;
}

const char *yamldoc_scalar(const yaml_node_t *node)
{
	return node && node->type == YAML_SCALAR_NODE
		       ? (const char *)node->data.scalar.value
		       : NULL;
}

yaml_node_t *yamldoc_node(struct yamldoc *y, int index)
{
	return yaml_document_get_node(&y->doc, index);
}

yaml_node_t *yamldoc_lookup(struct yamldoc *y, const yaml_node_t *map,
			    const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = yamldoc_scalar(yamldoc_node(y, p->key));
		if (k && strcmp(k, key) == 0)
			return yamldoc_node(y, p->value);
	}
	return NULL;
}

const char *yamldoc_shown(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	for (; s && s[n] && n < 40 && n + 1 < size; n++)
		buf[n] =
			(unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	buf[n] = '\0';
	return buf;
}

void yamldoc_check_keys(struct yamldoc *y, const yaml_node_t *map,
			const char *const *known, const char *where)
{
	char buf[48];
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yamldoc_node(y, p->key);
		const char *k = yamldoc_scalar(kn);
		bool ok = false;
		for (size_t i = 0; k && known[i]; i++)
			ok |= strcmp(k, known[i]) == 0;
		if (!ok)
			yamldoc_error(y, kn, "unknown key '%s' in %s",
				      k ? yamldoc_shown(k, buf, sizeof buf)
					: "?",
				      where);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start;
		     q < p && k; q++) {
			const char *k2 =
				yamldoc_scalar(yamldoc_node(y, q->key));
			if (k2 && strcmp(k, k2) == 0)
				yamldoc_error(
					y, kn,
					"duplicate key '%s' (expected "
					"each key once)",
					yamldoc_shown(k, buf, sizeof buf));
		}
	}
}
