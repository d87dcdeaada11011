/* kam.sandbox: untrusted Lua (policies) evaluated by a worker process (worker.h), for
 * trusted scripts.
 *
 *   local box = kam.sandbox.open(source, name [, {time_ms=, memory_mb=, instructions=}])
 *   local mod = box:module()          -- the chunk's return value
 *   local res = box:call("fname", items [, shared])   -- one result per item
 *   box:close()                       -- also __gc and __close
 *
 * Functions in values coming back are kam.sandbox.FUNCTION.  Errors are raised as plain
 * strings naming the script, the function and the item. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "host.h"
#include "lser.h"
#include "worker.h"

#define BOX "kam.sandbox.box"
#define FUNCTION_KEY "kam.sandbox.FUNCTION"

/* The buffers live in the userdata so that a Lua error cannot leak them. */
typedef struct box {
	kam_worker *w;
	kam_buf items, shared, results;
} box;

static box *check_box(lua_State *L)
{
	box *b = luaL_checkudata(L, 1, BOX);
	if (!b->w)
		luaL_error(L, "kam.sandbox: the sandbox is closed");
	return b;
}

static int raise_msg(lua_State *L, const kam_err *e)
{
	lua_pushstring(L, e->msg);
	return lua_error(L);
}

static long long opt_int(lua_State *L, int t, const char *key, long long max)
{
	long long v;
	int isnum;

	if (lua_getfield(L, t, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	v = (long long)lua_tointegerx(L, -1, &isnum);
	if (!isnum || v < 1 || v > max)
		luaL_error(L, "kam.sandbox.open: option '%s' must be an integer from 1 to %I", key,
			   (lua_Integer)max);
	lua_pop(L, 1);
	return v;
}

static void read_limits(lua_State *L, int t, kam_sandbox_limits *lim)
{
	static const char *const known[] = {"time_ms", "memory_mb", "instructions", NULL};

	memset(lim, 0, sizeof *lim);
	if (lua_isnoneornil(L, t))
		return;
	luaL_checktype(L, t, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		int i;
		lua_pop(L, 1);
		for (i = 0; known[i]; i++)
			if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), known[i]) == 0)
				break;
		if (!known[i])
			luaL_error(L, "kam.sandbox.open: unknown option '%s'",
				   lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
	}
	lim->time_ms = (int)opt_int(L, t, "time_ms", 3600000);
	lim->memory_bytes = (size_t)opt_int(L, t, "memory_mb", 1 << 16) << 20;
	lim->instructions = opt_int(L, t, "instructions", (long long)1 << 53);
}

/* Open like liolib opens a file: the userdata exists (closed) before the worker, so an
 * error on the way leaves nothing to leak. */
static int l_open(lua_State *L)
{
	size_t len;
	const char *src = luaL_checklstring(L, 1, &len);
	const char *name = luaL_checkstring(L, 2);
	kam_sandbox_limits lim;
	kam_err e;
	box *b;

	read_limits(L, 3, &lim);
	b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	kam_buf_init(&b->items);
	kam_buf_init(&b->shared);
	kam_buf_init(&b->results);
	luaL_setmetatable(L, BOX);
	if (kam_worker_open(&b->w, name, src, len, &lim, &e) < 0)
		return raise_msg(L, &e);
	return 1;
}

/* Push the value in b->results, function markers as kam.sandbox.FUNCTION. */
static void push_results(lua_State *L, box *b, const char *what)
{
	kam_rd rd;
	kam_err e;

	lua_getfield(L, LUA_REGISTRYINDEX, FUNCTION_KEY);
	kam_rd_init(&rd, b->results.data, b->results.len);
	if (kam_lser_decode(L, &rd, -1, &e) < 0 || kam_rd_end(&rd, &e) < 0) {
		kam_err_prefix(&e, "%s: %s: worker sent malformed data", kam_worker_name(b->w), what);
		raise_msg(L, &e);
	}
	lua_remove(L, -2);
}

static int l_module(lua_State *L)
{
	box *b = check_box(L);
	kam_err e;

	if (kam_worker_module(b->w, &b->results, &e) < 0)
		return raise_msg(L, &e);
	push_results(L, b, "module");
	return 1;
}

static int l_call(lua_State *L)
{
	box *b = check_box(L);
	const char *fname = luaL_checkstring(L, 2);
	kam_call call = {fname, NULL, 0};
	char what[300];
	kam_err e;

	luaL_checktype(L, 3, LUA_TTABLE);
	snprintf(what, sizeof what, "function '%s'", fname);
	kam_buf_reset(&b->items);
	kam_buf_reset(&b->shared);
	if (kam_lser_encode(L, 3, &b->items, "items", 0, &e) < 0 ||
	    (!lua_isnoneornil(L, 4) && kam_lser_encode(L, 4, &b->shared, "shared", 0, &e) < 0)) {
		kam_err_prefix(&e, "%s: %s", kam_worker_name(b->w), what);
		return raise_msg(L, &e);
	}
	if (kam_worker_call(b->w, &call, lua_isnoneornil(L, 4) ? NULL : &b->shared, &b->items,
			    &b->results, &e) < 0)
		return raise_msg(L, &e);
	push_results(L, b, what);
	return 1;
}

/* close, __close and __gc: lenient, idempotent. */
static int l_close(lua_State *L)
{
	box *b = luaL_checkudata(L, 1, BOX);

	kam_worker_close(b->w);
	b->w = NULL;
	kam_buf_free(&b->items);
	kam_buf_free(&b->shared);
	kam_buf_free(&b->results);
	return 0;
}

static int l_tostring(lua_State *L)
{
	box *b = luaL_checkudata(L, 1, BOX);

	if (b->w)
		lua_pushfstring(L, "kam.sandbox (%s)", kam_worker_name(b->w));
	else
		lua_pushliteral(L, "kam.sandbox (closed)");
	return 1;
}

static int function_tostring(lua_State *L)
{
	lua_pushliteral(L, "kam.sandbox.FUNCTION");
	return 1;
}

static const luaL_Reg box_methods[] = {
	{"module", l_module},
	{"call", l_call},
	{"close", l_close},
	{NULL, NULL},
};

static const luaL_Reg box_meta[] = {
	{"__gc", l_close},
	{"__close", l_close},
	{"__tostring", l_tostring},
	{NULL, NULL},
};

int kam_open_sandbox(lua_State *L)
{
	if (luaL_newmetatable(L, BOX)) {
		luaL_setfuncs(L, box_meta, 0);
		luaL_newlib(L, box_methods);
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);

	/* One FUNCTION per state: a userdata nobody can change or mistake for data. */
	if (lua_getfield(L, LUA_REGISTRYINDEX, FUNCTION_KEY) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newuserdatauv(L, 0, 0);
		lua_createtable(L, 0, 3);
		lua_pushliteral(L, "kam.sandbox.FUNCTION");
		lua_setfield(L, -2, "__name");
		lua_pushcfunction(L, function_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, FUNCTION_KEY);
	}

	lua_createtable(L, 0, 2);
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "FUNCTION");
	lua_pushcfunction(L, l_open);
	lua_setfield(L, -2, "open");
	lua_remove(L, -2);
	return 1;
}
