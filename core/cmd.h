/* Built-in commands: each takes the invocation context and its own arguments
 * (argv[0] is the command name) and returns the exit status. */
#ifndef KAM_CMD_H
#define KAM_CMD_H

#include <stdio.h>

#include "ctx.h"

typedef int (*kam_cmd_fn)(kam_ctx *ctx, int argc, char **argv);

/* One way of calling a command: its arguments as the command's own usage line writes
 * them, and what it does.  The README's command table and the man page are made from
 * these (kam help --format markdown|man), and a test holds them to each command's --help. */
struct kam_form {
	const char *args;      /* after "kam NAME " */
	const char *does;
};

#define KAM_FORMS 8

struct kam_command {
	const char *name;
	const char *summary;   /* one line for kam --help */
	kam_cmd_fn run;
	struct kam_form forms[KAM_FORMS];  /* up to the first with args NULL */
};

/* The command table (commands.c), in the order --help lists it. */
extern const struct kam_command kam_commands[];
extern const size_t kam_ncommands;
const struct kam_command *kam_command_find(const char *name);
/* The kinds kam imports ("customers, ledger, bureau_revenue"), or exports (", grades"). */
const char *kam_kind_names(int export);
/* kam --help: usage, options, the commands (plugin commands too when ctx has them). */
void kam_usage(kam_ctx *ctx, FILE *out);
/* kam --json --help: the command table and the kinds as one document. */
int kam_usage_json(kam_ctx *ctx);
/* kam --json COMMAND --help (argv[0] is the command): its help as one document. */
int kam_help_json(kam_ctx *ctx, int argc, char **argv);

/* Print the error recorded in ctx->err (or e) as one line on stderr and, with --json,
 * an error document on stdout; returns its exit status. */
int kam_report_error(kam_ctx *ctx, const kam_err *e);
/* A usage error of command cmd (NULL: kam's own options): "kam CMD: MSG" and then usage
 * (when not NULL) on stderr; with --json the error document {"error": "CMD: MSG",
 * "status": 2} on stdout.  Returns KAM_USAGE. */
int kam_usage_error(kam_ctx *ctx, const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* After getopt_long returned '?' or ':', the same usage error naming the option as it was
 * written: "unknown option '--yeer'", "option '--db' needs a value", "option '--dry-run'
 * takes no value", "option '--re' is ambiguous (--reject-file, --replace)". */
struct option;
int kam_option_error(kam_ctx *ctx, const char *cmd, const char *usage, const struct option *longopts,
		     const char *shortopts, char **argv);
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
int kam_cmd_help(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_backup(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_user(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_audit(kam_ctx *ctx, int argc, char **argv);
int kam_cmd_schedule(kam_ctx *ctx, int argc, char **argv);
/* kam init --with-schedule: run scripts/schedule/calendar.lua; *added the jobs it added. */
int kam_init_schedule(kam_ctx *ctx, int *added);
int kam_cmd_repl(kam_ctx *ctx, int argc, char **argv);
/* Commands written in Lua (scripts/commands/NAME.lua). */
int kam_cmd_script(kam_ctx *ctx, int argc, char **argv);

#endif
