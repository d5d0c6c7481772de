/* One YAML document being read by a parser of the program's own files
 * (model files, vision rules): its nodes, and the errors said about them
 * as file:line:col. The parsers share these so that every one of them
 * finds keys and reports positions the same way. */
#ifndef ENERGYLENS_YAMLDOC_H
#define ENERGYLENS_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "diag.h"

struct yamldoc {
	const char *name; /* the file, as messages name it */
	yaml_document_t doc;
	struct diag_list *diags;
	size_t errors; /* said so far */
};

/* Reads text (len bytes) into y->doc. Text that is not UTF-8 or not YAML
 * is said as y->name:line:col and makes it return false, with nothing to
 * delete; on true the caller deletes y->doc. */
bool yamldoc_load(struct yamldoc *y, const char *text, size_t len);

/* An error at node's position (line and column 0 without a node). */
void yamldoc_error(struct yamldoc *y, const yaml_node_t *node, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/* node's text when it is a scalar, else NULL */
const char *yamldoc_scalar(const yaml_node_t *node);

yaml_node_t *yamldoc_node(struct yamldoc *y, int index);

/* Refuses keys of a mapping node that known (NULL-terminated) does not
 * hold, and keys given twice, as errors naming where ("a term"). */
void yamldoc_check_keys(struct yamldoc *y, const yaml_node_t *map,
			const char *const *known, const char *where);

/* s quoted for a message into buf: at most 40 bytes, control characters
 * as '?', so that a hostile file cannot write to the terminal through an
 * error; returns buf. */
const char *yamldoc_shown(const char *s, char *buf, size_t size);

/* The value of key in a mapping node, or NULL. */
yaml_node_t *yamldoc_lookup(struct yamldoc *y, const yaml_node_t *map,
			    const char *key);

#endif
