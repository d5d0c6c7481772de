/* The explorer's entry points: 'energylens [PATH...]' (the TUI on a
 * terminal, the check summary otherwise) and 'energylens snapshot' (the
 * same screen as text). */
#ifndef ENERGYLENS_CMD_TUI_H
#define ENERGYLENS_CMD_TUI_H

int cmd_tui(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);

#endif
