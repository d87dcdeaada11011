/* kam.store.acting(), kam.store.answer_level(level, what), kam.store.audit_refused(why):
 * thin bindings over store_access for commands that decide who may answer (discount
 * approve and refuse).  The acting user and its level are the storage layer's, decided
 * once when the database is opened (access.c); a script cannot change them here. */
#include <lauxlib.h>

#include "host.h"
#include "l_store_access.h"
#include "store_access.h"

/* kam.store.acting() -> nil before any user exists, else {user=, role=, level=} (level
 * absent when the user answers at no level). */
static int l_acting(lua_State *L)
{
	kam_db *db = kam_lua_db(L);
	int role = kam_db_role(db);
	if (role == KAM_ROLE_NONE) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 3);
	lua_pushstring(L, kam_db_actor(db));
	lua_setfield(L, -2, "user");
	lua_pushstring(L, kam_role_name(role));
	lua_setfield(L, -2, "role");
	if (kam_db_level(db)) {
		lua_pushstring(L, kam_db_level(db));
		lua_setfield(L, -2, "level");
	}
	return 1;
}

/* kam.store.answer_level(level, what) -> true, or nil and why (the refusal logged): once
 * users exist, an answer is given at the acting user's own level only. */
static int l_answer_level(lua_State *L)
{
	const char *level = luaL_optstring(L, 1, NULL), *what = luaL_checkstring(L, 2);
	kam_err e;
	if (kam_access_answer_level(kam_lua_db(L), level, what, &e) < 0) {
		lua_pushnil(L);
		lua_pushstring(L, e.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* kam.store.audit_refused(why): log a refusal of the acting user (on a connection of its
 * own, so that it outlives the refused work's rollback). */
static int l_audit_refused(lua_State *L)
{
	kam_audit_refused_why(kam_lua_db(L), luaL_checkstring(L, 1));
	return 0;
}

void kam_store_access_lua(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"acting", l_acting},
		{"answer_level", l_answer_level},
		{"audit_refused", l_audit_refused},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
}
