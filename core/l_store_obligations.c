/* kam.store's functions for what a grade obliges (issue 21): the archive, codes,
 * managers, visits and registrations.  Each entry of the storage layer's statement tables
 * (store_stmt.h) becomes kam.store.NAME(...), its arguments checked against the entry's
 * parameter types; rows come back as tables keyed by column (a NULL column absent), an
 * array for KAM_STMT_ROWS, one row or nil for KAM_STMT_ROW.  Besides them:
 * kam.store.customer_merge(...) (store_archive.h) and kam.store.today(). */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_obligations.h"
#include "store_archive.h"
#include "store_holidays.h"
#include "store_meta.h"
#include "store_stmt.h"
#include "today.h"

static int first_row(void *arg, const kam_store_row *r, kam_err *e)
{
	lua_State *L = arg;
	(void)e;
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		kam_lua_push_row(L, r);
	}
	return 0;
}

/* kam.store.NAME(...): the statement in upvalue 1. */
static int l_stmt(lua_State *L)
{
	const struct kam_store_stmt *s = lua_touserdata(L, lua_upvalueindex(1));
	int n = (int)strlen(s->params);
	kam_store_value *v;
	kam_err e;
	int rc;
	lua_settop(L, n);   /* missing arguments are nil; the array goes above them */
	v = lua_newuserdatauv(L, sizeof *v * (size_t)(n ? n : 1), 0);
	for (int i = 0; i < n; i++) {
		int arg = i + 1, opt = s->params[i] >= 'A' && s->params[i] <= 'Z';
		memset(&v[i], 0, sizeof v[i]);
		if (opt && lua_isnoneornil(L, arg)) {
			v[i].type = KAM_STORE_NULL;
			continue;
		}
		switch (s->params[i]) {
		case 'c': case 'C':
			v[i].type = KAM_STORE_INT, v[i].i = kam_lua_check_code(L, arg);
			break;
		case 'i': case 'I':
			if (lua_isboolean(L, arg))
				v[i].type = KAM_STORE_INT, v[i].i = lua_toboolean(L, arg);
			else
				v[i].type = KAM_STORE_INT, v[i].i = luaL_checkinteger(L, arg);
			break;
		default:
			v[i].type = KAM_STORE_TEXT, v[i].s = luaL_checklstring(L, arg, &v[i].len);
		}
	}
	if (s->returns == KAM_STMT_ROWS)
		lua_newtable(L);
	else
		lua_pushnil(L);
	rc = kam_store_stmt_run(kam_lua_db(L), s, v, n, s->returns == KAM_STMT_NONE ? NULL
			       : s->returns == KAM_STMT_ROWS ? kam_lua_append_row : first_row, L, &e);
	if (rc < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* kam.store.customer_merge(from, into, reason, by, at, today) -> {id, months, rows,
 * amount, visits, key_persons, competitors, assignments_moved, assignments_ended,
 * registrations_moved, registrations_ended}; a refusal raises, naming the conflict. */
static int l_customer_merge(lua_State *L)
{
	struct kam_customer_merge m;
	kam_err e;
	int64_t from = kam_lua_check_code(L, 1), into = kam_lua_check_code(L, 2);
	const char *reason = luaL_checkstring(L, 3), *by = luaL_checkstring(L, 4), *at = luaL_checkstring(L, 5),
		   *today = luaL_checkstring(L, 6);
	if (kam_store_customer_merge(kam_lua_db(L), from, into, reason, by, at, today, &m, &e) < 0) {
		lua_pushstring(L, e.msg);   /* a refusal says what and why: no script position */
		return lua_error(L);
	}
	lua_createtable(L, 0, 11);
	set_int(L, "id", m.id);
	set_int(L, "months", m.ledger.months);
	set_int(L, "rows", (lua_Integer)m.ledger.rows);
	set_int(L, "amount", m.ledger.amount);
	set_int(L, "visits", m.visits);
	set_int(L, "key_persons", m.key_persons);
	set_int(L, "competitors", m.competitors);
	set_int(L, "assignments_moved", m.assignments_moved);
	set_int(L, "assignments_ended", m.assignments_ended);
	set_int(L, "registrations_moved", m.registrations_moved);
	set_int(L, "registrations_ended", m.registrations_ended);
	return 1;
}

/* kam.store.today() -> "YYYY-MM-DD": today in the database's timezone (today.h). */
/* kam.store.today() -> "YYYY-MM-DD": today in the database's timezone (meta timezone,
 * recorded by kam init --timezone), else the machine's; every command's default day. */
static int l_today(lua_State *L)
{
	char day[16];
	kam_err e;
	if (kam_db_today(kam_lua_db(L), day, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushstring(L, day);
	return 1;
}

/* Add the functions to the table at the top of the stack (kam.store). */
void kam_store_obligations_register(lua_State *L)
{
	static const struct kam_store_stmt *const tables[] = {
		kam_store_archive_stmts, kam_store_codes_stmts, kam_store_managers_stmts,
		kam_store_visits_stmts, kam_store_registration_stmts, kam_store_assessment_stmts,
		kam_store_holidays_stmts,
	};
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct kam_store_stmt *s = tables[t]; s->name; s++) {
			lua_pushlightuserdata(L, (void *)s);
			lua_pushcclosure(L, l_stmt, 1);
			lua_setfield(L, -2, s->name);
		}
	lua_pushcfunction(L, l_customer_merge);
	lua_setfield(L, -2, "customer_merge");
	lua_pushcfunction(L, l_today);
	lua_setfield(L, -2, "today");
}
