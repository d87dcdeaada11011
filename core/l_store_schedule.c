/* kam.store for scheduled jobs and the calendar scripts (scripts/schedule/): add a job
 * (kam init --with-schedule runs scripts/schedule/calendar.lua, which calls it), and the
 * months of a year the ledger holds (what a monthly or yearly job checks before it runs).
 * Thin bindings over scheduler.c and store_meta.c: check, call, raise the message. */
#include <jansson.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <time.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_schedule.h"
#include "scheduler.h"
#include "store_meta.h"
#include "store_schedule.h"

static const char *opt_string(lua_State *L, const char *field)
{
	const char *s;
	lua_getfield(L, 1, field);
	s = lua_isnil(L, -1) ? NULL : lua_tostring(L, -1);
	if (!s && !lua_isnil(L, -1))
		luaL_error(L, "schedule_add: field '%s' is not a string", field);
	lua_pop(L, 1);   /* the string stays in the table: still valid */
	return s;
}

/* kam.store.schedule_add{name=, cron=, script=, args={...}, timezone=, catchup=,
 * time_limit=} -> true when added, false when a job of that name exists. */
static int l_schedule_add(lua_State *L)
{
	kam_ctx *ctx = kam_lua_ctx(L);
	struct kam_sched_job j = {.enabled = 1};
	json_t *args = json_array();
	char *args_text;
	kam_err e;
	int added, rc;
	luaL_checktype(L, 1, LUA_TTABLE);
	j.name = opt_string(L, "name"), j.cron = opt_string(L, "cron"), j.script = opt_string(L, "script");
	j.timezone = opt_string(L, "timezone"), j.catchup = opt_string(L, "catchup");
	lua_getfield(L, 1, "time_limit");
	j.time_limit = luaL_optinteger(L, -1, 0);
	lua_pop(L, 1);
	lua_getfield(L, 1, "args");
	if (lua_istable(L, -1))
		for (lua_Integer i = 1; i <= (lua_Integer)luaL_len(L, -1); i++) {
			lua_geti(L, -1, i);
			json_array_append_new(args, json_string(luaL_checkstring(L, -1)));
			lua_pop(L, 1);
		}
	lua_pop(L, 1);
	args_text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (!args_text)
		return luaL_error(L, "schedule_add: not enough memory");
	j.args_json = args_text;
	j.added_by = ctx && ctx->user ? ctx->user : "unknown";
	j.added_at = j.cursor = (int64_t)time(NULL);
	rc = kam_sched_add_job(kam_lua_db(L), &j, &added, &e);
	free(args_text);
	if (rc < 0)
		return luaL_error(L, "schedule_add: %s", e.msg);
	lua_pushboolean(L, added);
	return 1;
}

/* kam.store.ledger_months(year) -> {1, 2, ...}: the months of year the ledger holds. */
static int l_ledger_months(lua_State *L)
{
	int mask, n = 0;
	kam_err e;
	lua_Integer year = luaL_checkinteger(L, 1);
	if (kam_db_ledger_months(kam_lua_db(L), (int)year, &mask, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_createtable(L, 12, 0);
	for (int m = 1; m <= 12; m++)
		if (mask & (1 << (m - 1))) {
			lua_pushinteger(L, m);
			lua_rawseti(L, -2, ++n);
		}
	return 1;
}

void kam_open_store_schedule(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"schedule_add", l_schedule_add},
		{"ledger_months", l_ledger_months},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
}
