/* kam.log: the host's messages, from scripts.  kam.log.info(fmt, ...) formats like
 * string.format and writes one line to stderr, prefixed with the script's place. */
#include <lauxlib.h>

#include "host.h"
#include "log.h"

static int log_at(lua_State *L, int level)
{
	lua_Debug ar;
	const char *msg;
	int n = lua_gettop(L);
	if (n > 1) {
		lua_getglobal(L, "string");
		lua_getfield(L, -1, "format");
		lua_remove(L, -2);
		lua_insert(L, 1);
		lua_call(L, n, 1);
	}
	msg = luaL_tolstring(L, 1, NULL);
	if (!kam_log_enabled(level))
		return 0;
	if (level != KAM_LOG_INFO && lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) &&
	    ar.currentline > 0)
		kam_log(level, "%s:%d: %s", ar.short_src, ar.currentline, msg);
	else
		kam_log(level, "%s", msg);
	return 0;
}

static int l_debug(lua_State *L) { return log_at(L, KAM_LOG_DEBUG); }
static int l_info(lua_State *L) { return log_at(L, KAM_LOG_INFO); }
static int l_warn(lua_State *L) { return log_at(L, KAM_LOG_WARN); }
static int l_error(lua_State *L) { return log_at(L, KAM_LOG_ERROR); }

static const luaL_Reg log_funcs[] = {
	{"debug", l_debug}, {"info", l_info}, {"warn", l_warn}, {"error", l_error}, {NULL, NULL},
};

int kam_open_log(lua_State *L)
{
	luaL_newlib(L, log_funcs);
	return 1;
}
