/* The verbs: each takes its own argv (argv[0] is the verb) and returns the
 * process exit status (exitcode.h). */
#ifndef ENERGYLENS_CMD_H
#define ENERGYLENS_CMD_H

int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* Loading shared by the verbs that read profiles: every path into one set,
 * diagnostics echoed to stderr; returns an exit status. */
struct profile_set;
struct diag_list;
int cmd_load_paths(struct profile_set *set, struct diag_list *diags, int count,
		   char **paths);

#endif
