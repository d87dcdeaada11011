/* kam.store: what the shipped Lua commands (override, explain, policy) need from the
 * database, over the storage layer's functions, so that no shipped script writes SQL
 * (kam.db stays for people's own scripts).  Thin bindings: check the arguments, call,
 * raise the error record's message.  Rows come back as tables keyed by column (a NULL
 * column is absent). */
#include <lauxlib.h>
#include <lua.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_report.h"
#include "l_store_churn.h"
#include "l_store_access.h"
#include "l_store_money.h"
#include "l_store_obligations.h"
#include "l_store_schedule.h"
#include "store_grading.h"
#include "store_meta.h"
#include "store_overrides.h"


/* kam.store.customer_exists(code) -> boolean */
static int l_customer_exists(lua_State *L)
{
	int yes;
	kam_err e;
	if (kam_store_customer_exists(kam_lua_db(L), kam_lua_check_code(L, 1), &yes, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushboolean(L, yes);
	return 1;
}

/* kam.store.latest_decision(code, year) -> row or nil */
static int l_latest_decision(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	int year = (int)luaL_checkinteger(L, 2);
	lua_pushnil(L);
	if (kam_store_decision_latest(kam_lua_db(L), code, year, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.overrides_of(code) -> array of rows */
static int l_overrides_of(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_newtable(L);
	if (kam_store_overrides_of(kam_lua_db(L), code, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.overrides_list([code], [valid_on]) -> array of rows */
static int l_overrides_list(lua_State *L)
{
	kam_err e;
	int64_t code = 0;
	int has_code = !lua_isnoneornil(L, 1);
	const char *on = luaL_optstring(L, 2, NULL);
	if (has_code)
		code = kam_lua_check_code(L, 1);
	lua_newtable(L);
	if (kam_store_overrides_list(kam_lua_db(L), has_code ? &code : NULL, on, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.override(id) -> row or nil */
static int l_override(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	lua_pushnil(L);
	if (kam_store_override_get(kam_lua_db(L), id, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.override_clashes(code, policy, kind, from, till) -> array of rows */
static int l_override_clashes(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	const char *policy = luaL_checkstring(L, 2), *kind = luaL_checkstring(L, 3);
	const char *from = luaL_checkstring(L, 4), *till = luaL_optstring(L, 5, NULL);
	lua_newtable(L);
	if (kam_store_override_clashes(kam_lua_db(L), code, policy, kind, from, till, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

static const char *opt_field(lua_State *L, int t, const char *key, int required)
{
	const char *s;
	lua_getfield(L, t, key);
	if (lua_isnil(L, -1) && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (!(s = lua_tostring(L, -1)))
		luaL_error(L, "kam.store.override_add: field '%s' must be a string", key);
	lua_pop(L, 1); /* the table keeps the string */
	return s;
}

/* kam.store.override_add{code=, policy=, kind=, grade=, valid_from=, valid_until=, reason=,
 * created_by=, approved_by=, created_at=} -> id */
static int l_override_add(lua_State *L)
{
	struct kam_store_new_override o;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "code");
	o.code = kam_lua_check_code(L, -1);
	lua_pop(L, 1);
	o.policy = opt_field(L, 1, "policy", 1);
	o.kind = opt_field(L, 1, "kind", 1);
	o.grade = opt_field(L, 1, "grade", 1);
	o.valid_from = opt_field(L, 1, "valid_from", 1);
	o.valid_until = opt_field(L, 1, "valid_until", 0);
	o.reason = opt_field(L, 1, "reason", 1);
	o.created_by = opt_field(L, 1, "created_by", 1);
	o.approved_by = opt_field(L, 1, "approved_by", 0);
	o.created_at = opt_field(L, 1, "created_at", 1);
	if (kam_store_override_add(kam_lua_db(L), &o, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.override_revoke(id, at, by, reason) */
static int l_override_revoke(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	if (kam_store_override_revoke(kam_lua_db(L), id, luaL_checkstring(L, 2), luaL_checkstring(L, 3),
				      luaL_checkstring(L, 4), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.meta(key) -> value or nil */
static int l_meta(lua_State *L)
{
	char buf[1024];
	kam_err e;
	int rc = kam_db_meta_get(kam_lua_db(L), luaL_checkstring(L, 1), buf, sizeof buf, &e);
	if (rc < 0)
		return kam_lua_store_fail(L, &e);
	if (rc == 0)
		lua_pushnil(L);
	else
		lua_pushstring(L, buf);
	return 1;
}

/* kam.store.set_wait(seconds) -> true, or nil and the usage error: how long this
 * command's writes wait for another writer (kam_db_set_wait). */
static int l_set_wait(lua_State *L)
{
	kam_err e;
	int seconds;
	const char *s = luaL_checkstring(L, 1);
	/* the command's usage error names the command */
	if (kam_db_parse_wait(NULL, s, &seconds, &e) < 0) {
		lua_pushnil(L);
		lua_pushstring(L, e.msg);
		return 2;
	}
	kam_db_set_wait(kam_lua_db(L), seconds);
	lua_pushboolean(L, 1);
	return 1;
}

int kam_open_store(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"customer_exists", l_customer_exists},
		{"latest_decision", l_latest_decision},
		{"overrides_of", l_overrides_of},
		{"overrides_list", l_overrides_list},
		{"override", l_override},
		{"override_clashes", l_override_clashes},
		{"override_add", l_override_add},
		{"override_revoke", l_override_revoke},
		{"meta", l_meta},
		{"set_wait", l_set_wait},
		{"transaction", kam_lua_transaction},   /* the same as kam.db.transaction */
		{NULL, NULL},
	};
	luaL_newlib(L, fns);
	kam_store_report_lua(L);   /* reports and month closes (l_store_report.c) */
	kam_store_money_fns(L);   /* discounts, claims, arrears, complaints: l_store_money.c */
	kam_store_churn_lua(L);   /* churn causes: l_store_churn.c */
	kam_store_obligations_register(L);   /* archive, codes, managers, visits, registrations */
	kam_open_store_schedule(L);   /* schedule_add, ledger_months (l_store_schedule.c) */
	kam_store_access_lua(L);   /* the acting user and its approval level: l_store_access.c */
	return 1;
}
