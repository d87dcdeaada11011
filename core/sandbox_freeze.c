/* Read-only tables and frozen policies for the sandbox (sandbox.c): a table's contents
 * move into a hidden one it reads through, so a write raises at the write; a policy's
 * module, globals and every table they and its functions' upvalues reach are frozen once
 * its top level has run, and the upvalues are remembered to be compared after each call.
 * Registry: "kam.sandbox.frozen" (read-only table -> contents) and "kam.sandbox.proxy_of"
 * (contents -> read-only table), both weak-keyed, made by kam_sb_freeze_init. */
#include "sandbox_freeze.h"

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

void kam_sb_freeze_init(lua_State *L)
{
	static const char *const keys[] = {"kam.sandbox.frozen", "kam.sandbox.proxy_of"};
	for (int i = 0; i < 2; i++) {
		lua_newtable(L);
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "k");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_setfield(L, LUA_REGISTRYINDEX, keys[i]);
	}
}

/* Upvalues: 1 the table's name ("" for the globals), 2 its contents, 3 true for a
 * policy's own table (frozen after its top level ran). */
static int ro_newindex(lua_State *L)
{
	const char *name = lua_tostring(L, lua_upvalueindex(1));
	const char *key;
	int exists;

	lua_pushvalue(L, 2);
	exists = lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL;
	lua_pop(L, 1);
	if (lua_type(L, 2) == LUA_TSTRING || lua_type(L, 2) == LUA_TNUMBER)
		key = lua_tostring(L, 2);
	else
		key = luaL_typename(L, 2);
	if (name[0] == '\0')
		return luaL_error(L, exists ? "assignment to read-only global '%s'" :
				  "assignment to undeclared global '%s'", key);
	if (lua_toboolean(L, lua_upvalueindex(3)))
		return luaL_error(L, "assignment to field '%s' of the policy's table '%s': a policy keeps no "
				  "state between calls (its tables are read-only once its top level has run)", key, name);
	return luaL_error(L, "assignment to field '%s' of read-only table '%s'", key, name);
}

/* next, rawget and rawlen, seeing through a read-only table to its contents (the table
 * itself is empty).  Upvalue 1: the function itself. */
static int see_through(lua_State *L)
{
	int n = lua_gettop(L);
	if (n >= 1 && lua_type(L, 1) == LUA_TTABLE) {
		lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen");
		lua_pushvalue(L, 1);
		if (lua_rawget(L, -2) == LUA_TTABLE)
			lua_replace(L, 1);
		else
			lua_pop(L, 1);
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

void kam_sb_see_through(lua_State *L, int env)
{
	static const char *const names[] = {"next", "rawget", "rawlen", NULL};
	env = lua_absindex(L, env);
	for (const char *const *n = names; *n; n++) {
		lua_getfield(L, env, *n);
		lua_pushcclosure(L, see_through, 1);
		lua_setfield(L, env, *n);
	}
}

static int ro_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));   /* next */
	lua_pushvalue(L, lua_upvalueindex(2));   /* the contents */
	lua_pushnil(L);
	return 3;
}

static int ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

/* Metamethods of a table's own metatable that its read-only proxy keeps (the rest are
 * the proxy's, or read through __index). */
static const char *const kept_events[] = {
	"__call", "__tostring", "__eq", "__lt", "__le", "__concat", "__unm", "__add", "__sub", "__mul",
	"__div", "__mod", "__pow", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__bnot",
	"__name", NULL,
};

/* Move the contents of the table at idx into a hidden one that the (now empty) table
 * reads through; writes raise, pairs and # still work.  name "" means the globals; policy
 * marks a policy's own table (its message says why).  A metatable the table had stays
 * behind the contents (its __index still answers) and lends the proxy its operators. */
void kam_sb_readonly(lua_State *L, int idx, const char *name, int policy)
{
	int store, old = 0;

	idx = lua_absindex(L, idx);
	lua_newtable(L);
	store = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, store);
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, idx);   /* clearing fields during a traversal is allowed */
	}
	if (lua_getmetatable(L, idx)) {
		old = lua_gettop(L);
		lua_pushvalue(L, old);
		lua_setmetatable(L, store);
	}
	lua_createtable(L, 0, 6);
	for (const char *const *ev = kept_events; old && *ev; ev++) {
		if (lua_getfield(L, old, *ev) != LUA_TNIL)
			lua_setfield(L, -2, *ev);
		else
			lua_pop(L, 1);
	}
	lua_pushvalue(L, store);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushvalue(L, store);
	lua_pushboolean(L, policy);
	lua_pushcclosure(L, ro_newindex, 3);
	lua_setfield(L, -2, "__newindex");
	lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.next");
	lua_pushvalue(L, store);
	lua_pushcclosure(L, ro_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	lua_pushvalue(L, store);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, idx);
	/* Remember it: freezing walks past what is read-only already. */
	lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen");
	lua_pushvalue(L, idx);
	lua_pushvalue(L, store);
	lua_rawset(L, -3);
	lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.proxy_of");
	lua_pushvalue(L, store);
	lua_pushvalue(L, idx);
	lua_rawset(L, -3);
	lua_settop(L, store - 1);
}


struct walk {
	int seen, tables, names, upvalues, queue;   /* stack slots */
	lua_Integer ntables, nupvalues, queued;
	char *thread;        /* the name of the first coroutine met, "" when none */
	size_t thread_size;
};

static int is_frozen(lua_State *L, int idx)
{
	int frozen;
	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen");
	lua_pushvalue(L, idx);
	frozen = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	return frozen;
}

/* Queue the value at idx (a table or a Lua function not seen yet), with the name a
 * person would call it by. */
static void walk_push(lua_State *L, struct walk *w, int idx, const char *name)
{
	int t = lua_type(L, idx);
	idx = lua_absindex(L, idx);
	if (t == LUA_TTHREAD && !w->thread[0])
		snprintf(w->thread, w->thread_size, "%s", name);
	if (t == LUA_TFUNCTION && lua_iscfunction(L, idx)) {
		/* A library's closure that keeps a coroutine (coroutine.wrap) or an iterator's
		 * state (string.gmatch) holds state no freezing reaches. */
		for (int i = 1; !w->thread[0] && lua_getupvalue(L, idx, i); i++) {
			int u = lua_type(L, -1);
			if (u == LUA_TTHREAD || u == LUA_TUSERDATA)
				snprintf(w->thread, w->thread_size, "%s", name);
			lua_pop(L, 1);
		}
		return;
	}
	if (t != LUA_TTABLE && t != LUA_TFUNCTION)
		return;
	lua_pushvalue(L, idx);
	if (lua_rawget(L, w->seen) != LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, idx);
	lua_pushboolean(L, 1);
	lua_rawset(L, w->seen);
	lua_pushvalue(L, idx);
	lua_rawseti(L, w->queue, ++w->queued);
	lua_pushstring(L, name);
	lua_rawseti(L, w->queue, ++w->queued);
}

/* Everything reachable from what is queued: tables (keys, values, metatables) to freeze,
 * Lua functions' upvalues to remember.  A work list, not recursion: a policy's top level
 * may build a structure of any depth. */
static void walk_all(lua_State *L, struct walk *w)
{
	while (w->queued > 0) {
		int v, t;
		const char *name;
		char sub[200];
		lua_rawgeti(L, w->queue, w->queued - 1);
		lua_rawgeti(L, w->queue, w->queued);
		lua_pushnil(L);
		lua_rawseti(L, w->queue, w->queued--);
		lua_pushnil(L);
		lua_rawseti(L, w->queue, w->queued--);
		v = lua_gettop(L) - 1;
		name = lua_tostring(L, v + 1);
		t = lua_type(L, v);
		luaL_checkstack(L, 8, "freezing the policy");
		if (t == LUA_TTABLE) {
			if (is_frozen(L, v)) {
				lua_settop(L, v - 1);
				continue;
			}
			lua_pushvalue(L, v);
			lua_rawseti(L, w->tables, ++w->ntables);
			lua_pushvalue(L, v + 1);
			lua_rawseti(L, w->names, w->ntables);
			if (lua_getmetatable(L, v)) {
				snprintf(sub, sizeof sub, "metatable of %.150s", name);
				walk_push(L, w, -1, sub);
				lua_pop(L, 1);
			}
			lua_pushnil(L);
			while (lua_next(L, v)) {
				if (lua_type(L, -2) == LUA_TSTRING)
					snprintf(sub, sizeof sub, "%.100s.%.90s", name, lua_tostring(L, -2));
				else
					snprintf(sub, sizeof sub, "%.150s[...]", name);
				walk_push(L, w, -2, sub);
				walk_push(L, w, -1, sub);
				lua_pop(L, 1);
			}
		} else {
			for (int i = 1;; i++) {
				const char *up = lua_getupvalue(L, v, i);
				int shared;
				if (!up)
					break;
				/* Functions share an upvalue (the module's T): it is compared once. */
				lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
				shared = lua_rawget(L, w->seen) != LUA_TNIL;
				lua_pop(L, 1);
				if (shared) {
					lua_pop(L, 1);
					continue;
				}
				lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
				lua_pushboolean(L, 1);
				lua_rawset(L, w->seen);
				lua_pushvalue(L, v);
				lua_rawseti(L, w->upvalues, ++w->nupvalues);
				lua_pushinteger(L, i);
				lua_rawseti(L, w->upvalues, ++w->nupvalues);
				lua_pushvalue(L, -1);
				lua_rawseti(L, w->upvalues, ++w->nupvalues);
				if (strcmp(up, "_ENV") != 0)
					walk_push(L, w, -1, up[0] ? up : "?");
				lua_pop(L, 1);
			}
		}
		lua_settop(L, v - 1);
	}
}

int kam_sb_freeze_module(lua_State *L, int module_ref, int env_ref, char *thread, size_t size)
{
	struct walk w = {0};
	int top = lua_gettop(L), ref;

	thread[0] = '\0';
	w.thread = thread;
	w.thread_size = size;
	lua_newtable(L);
	w.seen = lua_gettop(L);
	lua_newtable(L);
	w.tables = lua_gettop(L);
	lua_newtable(L);
	w.names = lua_gettop(L);
	lua_newtable(L);
	w.upvalues = lua_gettop(L);
	lua_newtable(L);
	w.queue = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, module_ref);
	walk_push(L, &w, -1, "module");
	lua_pop(L, 1);
	/* The policy's own globals (the libraries are read-only already). */
	lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen");
	lua_rawgeti(L, LUA_REGISTRYINDEX, env_ref);
	if (lua_rawget(L, -2) == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			walk_push(L, &w, -1, lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
	walk_all(L, &w);
	for (lua_Integer i = 1; i <= w.ntables; i++) {
		lua_rawgeti(L, w.tables, i);
		lua_rawgeti(L, w.names, i);
		if (!is_frozen(L, -2))
			kam_sb_readonly(L, -2, lua_tostring(L, -1), 1);
		lua_pop(L, 2);
	}
	lua_pushvalue(L, w.upvalues);
	ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_settop(L, top);
	return ref;
}

void kam_sb_freeze_shared(lua_State *L, int idx, const char *name)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TTABLE || is_frozen(L, idx))
		return;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			char sub[160];
			snprintf(sub, sizeof sub, "%.60s.%.90s", name,
				 lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "[...]");
			kam_sb_freeze_shared(L, -1, sub);
		}
		lua_pop(L, 1);
	}
	kam_sb_readonly(L, idx, name, 0);
}

int kam_sb_check_upvalues(lua_State *L, int upvalues_ref, kam_err *e)
{
	lua_Integer n;
	int t;
	if (upvalues_ref == LUA_NOREF)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, upvalues_ref);
	t = lua_gettop(L);
	n = (lua_Integer)lua_rawlen(L, t);
	for (lua_Integer k = 1; k + 2 <= n; k += 3) {
		int i, same;
		const char *up;
		lua_rawgeti(L, t, k);
		i = (int)(lua_rawgeti(L, t, k + 1), lua_tointeger(L, -1));
		lua_pop(L, 1);
		lua_rawgeti(L, t, k + 2);
		up = lua_getupvalue(L, -2, i);
		same = up && lua_rawequal(L, -1, -2);
		if (!same) {
			lua_Debug ar;
			lua_settop(L, t + 1);
			lua_getinfo(L, ">S", &ar);
			kam_errf(e, "changed '%s', a local of the policy's module (an upvalue of the function at "
				 "line %d): a policy keeps no state between calls", up ? up : "?", ar.linedefined);
			lua_settop(L, t - 1);
			return -1;
		}
		lua_pop(L, 3);
	}
	lua_settop(L, t - 1);
	return 0;
}

