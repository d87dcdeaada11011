/* Built-in commands: each takes the invocation context and its own arguments
 * (argv[0] is the command name) and returns the exit status. */
#ifndef KAM_CMD_H
#define KAM_CMD_H

#include <stdio.h>

#include "ctx.h"

typedef int (*kam_cmd_fn)(kam_ctx *ctx, int argc, char **argv);

struct kam_command {
	const char *name;
	const char *usage;     /* arguments, after "kam NAME " */
	const char *summary;
	kam_cmd_fn run;
};

/* Print the error recorded in ctx->err (or e) as one line on stderr and, with --json,
 * an error document on stdout; returns its exit status. */
int kam_report_error(kam_ctx *ctx, const kam_err *e);
/* Print `json` (stolen) as the --json document of a command, with a newline. */
struct json_t;
int kam_print_json(struct json_t *json);
/* True when argv holds -h/--help before any "--". */
int kam_wants_help(int argc, char **argv);

int kam_cmd_init(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_run(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_import(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_export(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_grade(kam_ctx *ctx, int argc, char **argv);
/* Commands written in Lua (scripts/commands/NAME.lua). */
int kam_cmd_script(kam_ctx *ctx, int argc, char **argv);

#endif
