/* The verbs: each takes its own argv (argv[0] is the verb) and returns the
 * process exit status (exitcode.h). */
#ifndef ENERGYLENS_CMD_H
#define ENERGYLENS_CMD_H

#include <stdbool.h>

int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
/* import vllm, mlenergy-json and inferencex (cmd_import_json.c); argv[1]
 * is the format. */
bool cmd_import_json_verb(const char *verb);
int cmd_import_json(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_divergence(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Flushes standard output; when it cannot be written (a full disk, a
 * closed pipe) says so and returns EXIT_CANTCREAT, else EXIT_OK, so that no
 * verb loses output silently. */
int cmd_flush_stdout(const char *verb);

#endif
