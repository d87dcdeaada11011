/* The trusted Lua host: the state scripts run in, the `kam` module, and kam_lua_call,
 * the one way into Lua (message handler, Ctrl-C, out-of-memory naming). */
#include "host.h"

#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "interrupt.h"
#include "store_meta.h"
#include "plugin.h"
#include "policy.h"
#include "sandbox.h"

static const char CTX_KEY[] = "kam.ctx";

kam_ctx *kam_lua_ctx(lua_State *L)
{
	kam_ctx *ctx;
	lua_getfield(L, LUA_REGISTRYINDEX, CTX_KEY);
	ctx = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return ctx;
}

kam_db *kam_lua_db(lua_State *L)
{
	kam_ctx *ctx = kam_lua_ctx(L);
	if (!ctx)
		luaL_error(L, "kam.db: no database in this state");
	if (kam_ctx_db(ctx, 0) < 0) {
		/* The database's own message: no script line in front of "no such database". */
		lua_pushstring(L, ctx->err.msg);
		lua_error(L);
	}
	return ctx->db;
}

static const char TRACEBACK_KEY[] = "kam.traceback";
static const char WHERE_KEY[] = "kam.error_where";

/* The first Lua function on the stack from level 1 (error() itself is C): where the error
 * was raised, as {source, line}, kept for the record's where fields. */
static void note_where(lua_State *L)
{
	lua_Debug ar;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		lua_createtable(L, 2, 0);
		lua_pushstring(L, ar.short_src);
		lua_rawseti(L, -2, 1);
		lua_pushinteger(L, ar.currentline);
		lua_rawseti(L, -2, 2);
		lua_setfield(L, LUA_REGISTRYINDEX, WHERE_KEY);
		return;
	}
}

/* Turn any error object into a message (as lua.c does), and keep the traceback of where
 * it was raised beside it, in the registry, for kam_lua_call to put in the record's own
 * field: the message stays one line that nobody has to cut again. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, NULL, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY);
	note_where(L);
	lua_pushstring(L, msg);
	return 1;
}

/* Ctrl-C: the handler may only set a hook; the hook raises the error inside Lua. */
static lua_State *volatile running_L;
static kam_ctx *volatile running_ctx; /* its database may be opened during the call */

static void stop_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted");
}

static void on_sigint(int sig)
{
	signal(sig, SIG_DFL); /* a second Ctrl-C kills the process */
	kam_interrupt_note(); /* for the command's message, and a policy's worker stops too */
	if (running_ctx)
		kam_db_interrupt(running_ctx->db);
	if (running_L)
		lua_sethook(running_L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

int kam_lua_call(lua_State *L, int nargs, int nresults, const char *what, kam_err *e)
{
	static int depth;
	int base = lua_gettop(L) - nargs, rc;
	void (*old)(int) = SIG_DFL;
	kam_ctx *ctx = kam_lua_ctx(L);

	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	if (depth++ == 0) {
		running_L = L;
		running_ctx = ctx;
		old = signal(SIGINT, on_sigint);
	}
	rc = lua_pcall(L, nargs, nresults, base);
	if (--depth == 0) {
		signal(SIGINT, old == SIG_ERR ? SIG_DFL : old);
		running_L = NULL;
		running_ctx = NULL;
	}
	lua_remove(L, base);
	if (rc == LUA_OK)
		return 0;
	/* The handler is skipped on out-of-memory: the message must name the code itself. */
	if (rc == LUA_ERRMEM)
		kam_errf(e, "%s: not enough memory", what ? what : "lua");
	else
		kam_errf(e, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
	lua_pop(L, 1);
	if (lua_getfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY) == LUA_TSTRING && rc != LUA_ERRMEM)
		kam_err_traceback(e, lua_tostring(L, -1));
	lua_pop(L, 1);
	if (lua_getfield(L, LUA_REGISTRYINDEX, WHERE_KEY) == LUA_TTABLE && rc != LUA_ERRMEM) {
		lua_rawgeti(L, -1, 1);
		lua_rawgeti(L, -2, 2);
		kam_err_at(e, lua_tostring(L, -2), (long)lua_tointeger(L, -1), NULL);
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, WHERE_KEY);
	/* Ctrl-C raised "interrupted" inside Lua (or stopped what it called): say so by the
	 * record's flag, not by its words. */
	if (e && kam_interrupted())
		e->interrupted = 1;
	return -1;
}

int kam_lua_loadfile(lua_State *L, const char *path, kam_err *e)
{
	int rc = luaL_loadfilex(L, path, "t");
	if (rc == LUA_OK)
		return 0;
	kam_errf(e, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	return -1;
}

static void add_module(lua_State *L, int kam, const char *name, lua_CFunction open)
{
	char full[64];
	snprintf(full, sizeof full, "kam.%s", name);
	luaL_requiref(L, full, open, 0);
	lua_setfield(L, kam, name);
}

/* kam.policy without --policy: the database's own, read when a script first asks (a
 * script that never asks needs no database); nil when there is no database to ask. */
static int kam_index(lua_State *L)
{
	char recorded[256] = KAM_DEFAULT_POLICY;
	kam_ctx *ctx = kam_lua_ctx(L);
	kam_err e;
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "policy") != 0 || !ctx)
		return 0;
	if (kam_ctx_db(ctx, 0) < 0)
		return 0;
	if (kam_db_meta_get(ctx->db, "policy", recorded, sizeof recorded, &e) < 0)
		return luaL_error(L, "kam.policy: %s", e.msg);
	lua_pushstring(L, recorded);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1); /* asked once */
	return 1;
}

static int push_version(lua_State *L)
{
	lua_pushstring(L, KAM_VERSION);
	return 1;
}

/* Runs protected: any allocation failure while building the state is an error, not a crash. */
static int host_init(lua_State *L)
{
	kam_ctx *ctx = lua_touserdata(L, 1);
	int kam;

	luaL_openlibs(L);
	lua_pushlightuserdata(L, ctx);
	lua_setfield(L, LUA_REGISTRYINDEX, CTX_KEY);

	lua_newtable(L);
	kam = lua_gettop(L);
	push_version(L);
	lua_setfield(L, kam, "version");
	if (ctx->user) {
		lua_pushstring(L, ctx->user);
		lua_setfield(L, kam, "user");
	}
	if (ctx->policy) {
		lua_pushstring(L, ctx->policy);
		lua_setfield(L, kam, "policy");
	} else {
		lua_createtable(L, 0, 1);
		lua_pushcfunction(L, kam_index);
		lua_setfield(L, -2, "__index");
		lua_setmetatable(L, kam);
	}
	/* The pure helpers policies have (kam.yuan, ...), from the sandbox's one list. */
	lua_pushvalue(L, kam);
	kam_sandbox_helpers(L);
	lua_pop(L, 1);
	lua_pushstring(L, ctx->db_path);
	lua_setfield(L, kam, "db_path");
	add_module(L, kam, "db", kam_open_db);
	add_module(L, kam, "json", kam_open_json);
	add_module(L, kam, "log", kam_open_log);
	add_module(L, kam, "sandbox", kam_open_sandbox);
	add_module(L, kam, "grading", kam_open_grading);
	add_module(L, kam, "store", kam_open_store);
	lua_pushboolean(L, ctx->json);
	lua_setfield(L, kam, "output_json");

	lua_getglobal(L, "package");
	lua_getfield(L, -1, "loaded");
	lua_pushvalue(L, kam);
	lua_setfield(L, -2, "kam");
	lua_pop(L, 2);
	lua_pushvalue(L, kam);
	lua_setglobal(L, "kam");

	kam_plugins_open_lua(ctx, L);
	return 0;
}

lua_State *kam_host_new(kam_ctx *ctx, kam_err *e)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		kam_errf(e, "cannot create a Lua state: not enough memory");
		return NULL;
	}
	lua_pushcfunction(L, host_init);
	lua_pushlightuserdata(L, ctx);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		kam_errf(e, "cannot set up the Lua host: %s", lua_tostring(L, -1));
		lua_close(L);
		return NULL;
	}
	return L;
}
