/* kam repl [--no-rc]: the interactive REPL (repl.c); also what kam with no command runs on
 * a terminal. */
#include <string.h>

#include "cmd.h"
#include "repl.h"

static const char USAGE[] =
	"usage: kam repl [--no-rc]\n"
	"Lua with the kam module, interactively: an expression prints its value (rows from\n"
	"kam.db.all as a table), an unfinished statement goes on on the next line, .help lists\n"
	"the dot-commands and the kam API.  Each entry is one transaction, rolled back when it\n"
	"fails.  History: $KAM_HISTORY, else $XDG_STATE_HOME/kam/history (/dev/null: none).\n"
	"Start-up file: $XDG_CONFIG_HOME/kam/replrc.lua unless --no-rc.  Input that is not a\n"
	"terminal runs without prompts as one transaction; the first error stops it (exit 1).\n";

int kam_cmd_repl(kam_ctx *ctx, int argc, char **argv)
{
	int no_rc = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-rc") == 0)
			no_rc = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else if (argv[i][0] == '-')
			return kam_usage_error(ctx, "repl", USAGE, "unknown option '%.*s'",
					       (int)strcspn(argv[i], "="), argv[i]);
		else
			return kam_usage_error(ctx, "repl", USAGE, "unexpected argument '%s'", argv[i]);
	}
	if (ctx->json)
		return kam_usage_error(ctx, "repl", NULL, "the REPL is interactive: --json has no document to "
					"give (kam run prints a script's result as JSON)");
	return kam_repl_run(ctx, no_rc);
}
