/* The interactive REPL (kam repl, and bare kam on a terminal): Lua with the kam module,
 * results printed as tables, dot-commands, completion and history.  Split by job:
 * repl.c the session (input, evaluation, Ctrl-C, history, start-up), repl_print.c how
 * values and rows are shown, repl_dot.c the dot-commands (one table that also feeds
 * .help and completion), repl_complete.c tab completion. */
#ifndef KAM_REPL_H
#define KAM_REPL_H

#include <stdio.h>

#include "ctx.h"

struct lua_State;

enum kam_repl_mode { KAM_REPL_TABLE, KAM_REPL_BOX, KAM_REPL_CSV, KAM_REPL_JSON, KAM_REPL_LINE, KAM_REPL_LUA };

struct kam_repl {
	kam_ctx *ctx;
	struct lua_State *L;
	int interactive;        /* standard input is a terminal: prompts, history, completion */
	enum kam_repl_mode mode;
	int timer;              /* .timer on: each entry's wall time */
	FILE *out;              /* where results go: stdout, or the .output file */
	char *out_name;         /* the .output file, NULL for stdout */
	char *history;          /* the history file, NULL when off */
	char *scripts;          /* scripts/commands of this kam (explain.lua, ...) */
	int quit;               /* .quit */
	int depth;              /* .read nesting */
	int tx_depth;           /* an entry's transaction: begun by the outermost (.read nests) */
	char *policy;           /* the .policy chosen, owned (ctx->policy points to it) */
};

/* Run the session on standard input; the exit status (0, or 1 after a failed entry when
 * standard input is not a terminal). */
int kam_repl_run(kam_ctx *ctx, int no_rc);

/* Evaluate one entry's Lua text (chunk name `name`), printing its results; -1 when it
 * failed (the error already printed). */
int kam_repl_eval(struct kam_repl *r, const char *text, size_t len, const char *name);
/* Print the error of a failed entry. */
void kam_repl_error(struct kam_repl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* repl_print.c: print the n values at the top of r->L (they stay), for an entry's results.
 * Rows (an array of tables keyed by column) print as the current mode; other values in a
 * compact Lua form.  Long output goes through $PAGER on a terminal. */
void kam_repl_print_results(struct kam_repl *r, int n);
extern const char *const kam_repl_mode_names[];  /* by enum kam_repl_mode, NULL-ended */

/* repl_dot.c: run a dot-command line; -1 when it failed (printed). */
int kam_repl_dot(struct kam_repl *r, const char *line);
/* The dot-commands' names, NULL-ended, and whether NAME takes a customer code. */
const char *kam_repl_dot_name(size_t i);
int kam_repl_dot_takes_code(const char *name, size_t len);
int kam_repl_dot_takes_table(const char *name, size_t len);

/* repl_complete.c: install tab completion for this session. */
void kam_repl_complete_init(struct kam_repl *r);

#endif
