/* kam run SCRIPT [ARG ...]: a trusted script with the whole kam module.  Arguments reach
 * it as `arg` (arg[0] is the script) and as `...`.  With --json its first return value
 * is printed as the JSON document. */
#include <jansson.h>
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "host.h"
#include "log.h"

static const char USAGE[] =
	"usage: kam run SCRIPT [ARG ...]\n"
	"Run a Lua 5.4 script inside the host, with the kam module (kam.db, kam.json, kam.log,\n"
	"kam.sandbox, plugins' modules).  SCRIPT '-' reads the script from standard input.\n"
	"A script's error rolls back what it left uncommitted and exits with status 1.\n";

struct script_args {
	const char *script;
	int argc;
	char **argv;    /* argv[0] is the script */
};

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

int kam_cmd_run(kam_ctx *ctx, int argc, char **argv)
{
	const char *script;
	lua_State *L;
	int first = 1, nres, base, status = KAM_OK;

	if (argc > 1 && strcmp(argv[1], "--") == 0)
		first = 2;
	else if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(USAGE, stdout);
		return KAM_OK;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		fprintf(stderr, "kam run: unknown option '%s'\n", argv[1]);
		fputs(USAGE, stderr);
		return KAM_USAGE;
	}
	if (first >= argc) {
		fputs(USAGE, stderr);
		return KAM_USAGE;
	}
	script = argv[first];
	if (!(L = kam_ctx_lua(ctx)))
		return kam_report_error(ctx, &ctx->err);

	struct script_args args = {script, argc - first, argv + first};
	lua_pushcfunction(L, setup_script);
	lua_pushlightuserdata(L, &args);
	if (kam_lua_call(L, 1, 0, script, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);

	base = lua_gettop(L);
	if (kam_lua_loadfile(L, strcmp(script, "-") == 0 ? NULL : script, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (!lua_checkstack(L, argc)) {
		kam_errf(&ctx->err, "%s: too many arguments", script);
		return kam_report_error(ctx, &ctx->err);
	}
	for (int i = first + 1; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (kam_lua_call(L, argc - first - 1, LUA_MULTRET, script, &ctx->err) < 0) {
		if (ctx->db)
			kam_db_rollback_all(ctx->db);
		return kam_report_error(ctx, &ctx->err);
	}
	nres = lua_gettop(L) - base;
	if (ctx->db && !sqlite3_get_autocommit(ctx->db->h)) {
		kam_log(KAM_LOG_WARN, "%s: the script left a transaction open; rolled back", script);
		kam_db_rollback_all(ctx->db);
		status = KAM_FAIL;
	}
	if (ctx->json && status == KAM_OK) {
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
