/* kam run SCRIPT [ARG ...]: a trusted script with the whole kam module.  Arguments reach
 * it as `arg` (arg[0] is the script) and as `...`.  With --json its first return value
 * is printed as the JSON document. */
#include <errno.h>
#include <jansson.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "host.h"
#include "interrupt.h"
#include "log.h"

static const char USAGE[] =
	"usage: kam run [--autocommit] SCRIPT [ARG ...]\n"
	"Run a Lua 5.4 script inside the host, with the kam module (kam.db, kam.json, kam.log,\n"
	"kam.sandbox, plugins' modules).  SCRIPT '-' reads the script from standard input.\n"
	"The script runs in one transaction, begun deferred (a script that only reads blocks\n"
	"no writer), committed when it returns and rolled back when it fails or is\n"
	"interrupted (exit status 1); kam.db.transaction inside it is a savepoint.  A script\n"
	"whose first write finds that another process wrote since it began reading fails,\n"
	"writing nothing: run it again.  --autocommit runs it without that transaction: each\n"
	"statement, or each kam.db.transaction, commits on its own.\n";

struct script_args {
	const char *script;
	int argc;
	char **argv;    /* argv[0] is the script */
	int print_to_stderr;
};

/* print() of a script run with --json: to stderr, so that stdout holds one document. */
static int print_stderr(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', stderr);
		fwrite(s, 1, len, stderr);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	return 0;
}

/* Runs protected: sets `arg`, and puts the script's directory first in package.path so a
 * script may require its neighbours. */
static int setup_script(lua_State *L)
{
	const struct script_args *a = lua_touserdata(L, 1);
	const char *slash = strrchr(a->script, '/');

	lua_createtable(L, a->argc, 1);
	for (int i = 0; i < a->argc; i++) {
		lua_pushstring(L, a->argv[i]);
		lua_rawseti(L, -2, i);
	}
	lua_setglobal(L, "arg");
	if (a->print_to_stderr) {
		lua_pushcfunction(L, print_stderr);
		lua_setglobal(L, "print");
	}

	lua_getglobal(L, "package");
	if (slash)
		lua_pushlstring(L, a->script, (size_t)(slash - a->script));
	else
		lua_pushliteral(L, ".");
	lua_pushliteral(L, "/?.lua;");
	lua_getfield(L, -3, "path");
	lua_concat(L, 3);
	lua_setfield(L, -2, "path");
	return 0;
}

/* A command written in Lua is loaded under its name ("=explain"): its messages name the
 * command and a line, never the path of kam's files. */
static int load_command(lua_State *L, const char *path, const char *name, kam_err *e)
{
	char *text = NULL, *chunk = NULL;
	size_t size = 0;
	int rc = -1;
	FILE *f = fopen(path, "r"), *m = open_memstream(&text, &size);

	if (!f || !m) {
		kam_errf(e, "%s: the command's script cannot be read: %s", name, strerror(errno));
		goto out;
	}
	for (int c; (c = getc(f)) != EOF;)
		putc(c, m);
	if (ferror(f) || fclose(m) != 0) {
		m = NULL;
		kam_errf(e, "%s: the command's script cannot be read", name);
		goto out;
	}
	m = NULL;
	if (!(chunk = malloc(strlen(name) + 2))) {
		kam_errf(e, "%s: not enough memory", name);
		goto out;
	}
	chunk[0] = '=';
	strcpy(chunk + 1, name);
	if (luaL_loadbufferx(L, text, size, chunk, "t") != LUA_OK) {
		kam_errf(e, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "cannot load");
		lua_pop(L, 1);
		goto out;
	}
	rc = 0;
out:
	if (m)
		fclose(m);
	if (f)
		fclose(f);
	free(text);
	free(chunk);
	return rc;
}

/* Run script with args[0..n) as arg[1..n]; the script's integer result, if any, is the exit
 * status.  Used by kam run and by the commands written in Lua. */
static int run_script(kam_ctx *ctx, const char *script, int argc, char **argv, int json_result);

int kam_cmd_run(kam_ctx *ctx, int argc, char **argv)
{
	const char *script;
	int first = 1, autocommit = 0;

	/* Options stop at the script: what follows it is the script's own arguments. */
	for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
		if (strcmp(argv[first], "--") == 0) {
			first++;
			break;
		} else if (strcmp(argv[first], "-h") == 0 || strcmp(argv[first], "--help") == 0) {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else if (strcmp(argv[first], "--autocommit") == 0) {
			autocommit = 1;
		} else {
			return kam_usage_error(ctx, "run", USAGE, "unknown option '%.*s'",
					       (int)strcspn(argv[first], "="), argv[first]);
		}
	}
	if (first >= argc)
		return kam_usage_error(ctx, "run", USAGE, "need a SCRIPT ('-' reads standard input)");
	script = argv[first];
	/* The database opens (on first use) inside the script's transaction. */
	if (ctx->db && !autocommit && kam_db_script_begin(ctx->db, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	ctx->script_tx = !autocommit;
	return run_script(ctx, script, argc - first, argv + first, 1);
}

/* The end of a script run in its transaction: commit what it did, unless a write of it
 * found the database changed under its snapshot (it may have caught that error). */
static int finish_script_tx(kam_ctx *ctx, const char *script)
{
	if (!ctx->script_tx || !ctx->db)
		return 0;
	ctx->script_tx = 0;
	return kam_db_script_end(ctx->db, script, &ctx->err);
}

static int run_script(kam_ctx *ctx, const char *script, int argc, char **argv, int json_result)
{
	lua_State *L;
	int nres, base, status = KAM_OK;
	struct script_args args = {script, argc, argv, json_result && ctx->json};

	if (!(L = kam_ctx_lua(ctx)))
		return kam_report_error(ctx, &ctx->err);
	lua_pushcfunction(L, setup_script);
	lua_pushlightuserdata(L, &args);
	if (kam_lua_call(L, 1, 0, script, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);

	base = lua_gettop(L);
	if ((json_result ? kam_lua_loadfile(L, strcmp(script, "-") == 0 ? NULL : script, &ctx->err)
			 : load_command(L, script, argv[0], &ctx->err)) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (!lua_checkstack(L, argc)) {
		kam_errf(&ctx->err, "%s: too many arguments", script);
		return kam_report_error(ctx, &ctx->err);
	}
	for (int i = 1; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (kam_lua_call(L, argc - 1, LUA_MULTRET, json_result ? script : argv[0], &ctx->err) < 0) {
		/* The store's transaction state, not SQLite's autocommit flag alone: an
		 * interrupted write may have made SQLite roll the transaction back already. */
		int in_tx = kam_db_abandon(ctx->db) && ctx->script_tx;
		ctx->script_tx = 0;
		if (ctx->err.interrupted || kam_interrupted()) {
			/* Ctrl-C: say so, and what was kept; the traceback (kept) says where. */
			kam_err lua = ctx->err;
			kam_errf(&ctx->err, "%s%s: interrupted; what it had not committed was rolled back",
				 json_result ? "run " : "", argv[0]);
			kam_err_traceback(&ctx->err, lua.traceback);
			kam_err_at(&ctx->err, lua.where.file[0] ? lua.where.file : NULL, lua.where.line, NULL);
			ctx->err.interrupted = 1;
		}
		/* A command written in Lua reports like any command: one line (the traceback
		 * and the place in kam's own script are there with KAM_LOG=debug); a user's
		 * script keeps its traceback and the place in it. */
		if (!json_result && !kam_log_enabled(KAM_LOG_DEBUG)) {
			ctx->err.traceback[0] = '\0';
			kam_err_at(&ctx->err, "", 0, NULL);
			ctx->err.where.line = 0;
		}
		status = kam_report_error(ctx, &ctx->err);
		if (in_tx)
			kam_log(KAM_LOG_INFO, "%s: rolled back: nothing the script wrote is kept", script);
		return status;
	}
	nres = lua_gettop(L) - base;
	if (finish_script_tx(ctx, script) < 0) {
		lua_settop(L, base);
		return kam_report_error(ctx, &ctx->err);
	}
	if (kam_db_abandon(ctx->db)) {
		kam_log(KAM_LOG_WARN, "%s: the script left a transaction open; rolled back", script);
		status = KAM_FAIL;
	}
	if (!json_result) {
		if (nres > 0 && lua_isinteger(L, base + 1))
			status = (int)lua_tointeger(L, base + 1);
	} else if (ctx->json && status == KAM_OK) {
		json_t *doc = nres > 0 ? kam_lua_to_json(L, base + 1, &ctx->err) : json_null();
		if (!doc) {
			kam_err_prefix(&ctx->err, "%s: result", script);
			return kam_report_error(ctx, &ctx->err);
		}
		status = kam_print_json(doc);
	}
	lua_settop(L, base);
	return status;
}

/* A command written in Lua: scripts/commands/NAME.lua beside the build tree, or installed. */
int kam_cmd_script(kam_ctx *ctx, int argc, char **argv)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof path, "%s/../scripts/commands/%s.lua", ctx->exe_dir ? ctx->exe_dir : ".", argv[0]);
	if (stat(path, &sb) != 0)
		snprintf(path, sizeof path, "%s/scripts/commands/%s.lua", KAM_DATADIR, argv[0]);
	if (stat(path, &sb) != 0) {
		kam_errf(&ctx->err, "%s: the command's script is missing (%s)", argv[0], path);
		return kam_report_error(ctx, &ctx->err);
	}
	return run_script(ctx, path, argc, argv, 0);
}
