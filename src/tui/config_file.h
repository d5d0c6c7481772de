/* The explorer's config file, $XDG_CONFIG_HOME/energylens/config (or
 * ~/.config/energylens/config): what it remembers between sessions and
 * what the cost and emission units need. One setting a line,
 *
 *   # comment
 *   unit = kwh-mtok        the unit the layouts are shown in (u turns it)
 *   price = 0.12           price of a kWh, in the currency below
 *   currency = EUR         a word of up to 15 letters (default USD)
 *   intensity = 350        grid intensity, gCO2 per kWh
 *   tdp = 700              the GPUs' TDP in W (default: the data sheet's)
 *
 * Problems are "file:line:col: what (expected ...)". */
#ifndef ENERGYLENS_CONFIG_FILE_H
#define ENERGYLENS_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "units.h"

/* One setting, key = value, as the file and the options give it; false
 * with why ("unknown unit 'x' (expected ...)"). */
bool config_set(struct units_config *c, const char *key, const char *value,
		char *why, size_t size);
/* Parses text (name in messages) over c; false after adding every
 * problem to diags. */
bool config_parse(struct units_config *c, const char *name, const char *text,
		  size_t len, struct diag_list *diags);
/* Reads and parses the file at path; a file that is not there is no
 * problem (c keeps its defaults). */
bool config_load(struct units_config *c, const char *path,
		 struct diag_list *diags);
/* Remembers the unit: the file is written again whole with its unit
 * line replaced (or added), every other line as it was, its directory
 * made when missing. Returns false with why set. */
bool config_save_unit(const char *path, enum units_unit u, char *why,
		      size_t size);

#endif
