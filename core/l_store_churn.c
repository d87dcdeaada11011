/* kam.store.churn_cause_add{...} and kam.store.churn_causes(month): thin bindings over
 * store_churn; the rules (who handles a loss, what follows) are the policy's and
 * scripts/commands/churn.lua's. */
#include <lauxlib.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_churn.h"
#include "store_churn.h"

static const char *field(lua_State *L, const char *name)
{
	const char *s;
	lua_getfield(L, 1, name);
	s = luaL_checkstring(L, -1);   /* kept alive by the argument table */
	lua_pop(L, 1);
	return s;
}

static lua_Integer ifield(lua_State *L, const char *name)
{
	lua_Integer v;
	int ok;
	lua_getfield(L, 1, name);
	v = lua_tointegerx(L, -1, &ok);
	lua_pop(L, 1);
	if (!ok)
		luaL_error(L, "churn_cause_add: '%s' must be an integer", name);
	return v;
}

/* kam.store.churn_cause_add{code, month, family, cause, grade, policy, handled_by,
 * follow_up, recorded_by, recorded_at}: the new row's id. */
static int l_add(lua_State *L)
{
	struct kam_store_churn_cause c;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	c.code = ifield(L, "code");
	c.month = (int)ifield(L, "month");
	c.family = field(L, "family");
	c.cause = field(L, "cause");
	c.grade = field(L, "grade");
	c.policy = field(L, "policy");
	c.handled_by = field(L, "handled_by");
	c.follow_up = field(L, "follow_up");
	c.recorded_by = field(L, "recorded_by");
	c.recorded_at = field(L, "recorded_at");
	if (kam_store_churn_cause_add(kam_lua_db(L), &c, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.churn_causes(month): the standing causes of the month, an array by code */
static int l_causes(lua_State *L)
{
	kam_err e;
	lua_Integer month = luaL_checkinteger(L, 1);
	lua_newtable(L);
	if (kam_store_churn_causes(kam_lua_db(L), (int)month, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

void kam_store_churn_lua(lua_State *L)
{
	lua_pushcfunction(L, l_add);
	lua_setfield(L, -2, "churn_cause_add");
	lua_pushcfunction(L, l_causes);
	lua_setfield(L, -2, "churn_causes");
}
