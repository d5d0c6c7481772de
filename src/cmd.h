/* The verbs: each takes its own argv (argv[0] is the verb) and returns the
 * process exit status (exitcode.h). */
#ifndef ENERGYLENS_CMD_H
#define ENERGYLENS_CMD_H

int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_divergence(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Loading shared by the verbs that read profiles: every path into one set,
 * diagnostics echoed to stderr; returns an exit status. */
struct profile_set;
struct diag_list;
int cmd_load_paths(struct profile_set *set, struct diag_list *diags, int count,
		   char **paths);

/* The energy and latency models (models[0], models[1]): the built-in ones,
 * or those of up to two --model files, placed by their target. Returns an
 * exit status; on success the caller frees both. */
struct model;
int cmd_models(const char *const paths[2], struct model *models[2]);

/* Flushes standard output; when it cannot be written (a full disk, a
 * closed pipe) says so and returns EXIT_CANTCREAT, else EXIT_OK, so that no
 * verb loses output silently. */
int cmd_flush_stdout(const char *verb);

#endif
