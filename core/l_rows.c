/* Storage rows as Lua tables (l_rows.h). */
#include "l_rows.h"

#include <lauxlib.h>

int kam_lua_store_fail(lua_State *L, const kam_err *e)
{
	/* at the calling script's line, which kam_lua_call turns into the command's name */
	return luaL_error(L, "%s", e->msg);
}

int64_t kam_lua_check_code(lua_State *L, int i)
{
	lua_Integer v;
	int ok;
	if (lua_type(L, i) == LUA_TSTRING) {
		v = lua_tointegerx(L, i, &ok);
		if (!ok)
			luaL_argerror(L, i, "a customer code");
		return v;
	}
	return luaL_checkinteger(L, i);
}

void kam_lua_push_row(lua_State *L, const kam_store_row *r)
{
	int n = kam_store_row_columns(r);
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *s;
		switch (kam_store_row_type(r, i)) {
		case KAM_STORE_NULL:
			continue;
		case KAM_STORE_INT:
			lua_pushinteger(L, kam_store_row_int(r, i));
			break;
		case KAM_STORE_REAL:
			lua_pushnumber(L, kam_store_row_real(r, i));
			break;
		default:
			s = kam_store_row_text(r, i, &len);
			lua_pushlstring(L, s ? s : "", len);
		}
		lua_setfield(L, -2, kam_store_row_name(r, i));
	}
}

int kam_lua_append_row(void *arg, const kam_store_row *r, kam_err *e)
{
	lua_State *L = arg;
	(void)e;
	kam_lua_push_row(L, r);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

int kam_lua_one_row(void *arg, const kam_store_row *r, kam_err *e)
{
	lua_State *L = arg;
	(void)e;
	lua_pop(L, 1);
	kam_lua_push_row(L, r);
	return 0;
}
