/* kam.store's report functions (issue 20): month closes, key-account sets, revenue read
 * in one pass over the months a report needs, the archive, grade history and fluctuation
 * explanations, over store_report.h.  Thin bindings: check the arguments, call, raise the
 * error record's message.  Codes come back as integers, money as integer fen. */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_report.h"
#include "store_report.h"


static int check_month(lua_State *L, int i)
{
	lua_Integer m = luaL_checkinteger(L, i);
	if (m < 190001 || m > 299912 || m % 100 < 1 || m % 100 > 12)
		luaL_argerror(L, i, "a month YYYYMM");
	return (int)m;
}

/* Rows keyed by their first column (an integer code) in the table at the top. */
static int keyed_row(void *arg, const kam_store_row *r, kam_err *e)
{
	lua_State *L = arg;
	(void)e;
	kam_lua_push_row(L, r);
	lua_rawseti(L, -2, kam_store_row_int(r, 0));
	return 0;
}

/* kam.store.month_mark(month, "close"|"reopen", at, by [, reason]) */
static int l_month_mark(lua_State *L)
{
	kam_err e;
	int month = check_month(L, 1);
	if (kam_store_month_mark(kam_lua_db(L), month, luaL_checkstring(L, 2), luaL_checkstring(L, 3),
				 luaL_checkstring(L, 4), luaL_optstring(L, 5, NULL), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.month_log([month]) -> array of {id, month, action, at, by, reason} */
static int l_month_log(lua_State *L)
{
	kam_err e;
	int month = lua_isnoneornil(L, 1) ? 0 : check_month(L, 1);
	lua_newtable(L);
	if (kam_store_month_log(kam_lua_db(L), month, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.month_open(month) -> true, or false and why */
static int l_month_open(lua_State *L)
{
	kam_err e;
	if (kam_store_month_check_open(kam_lua_db(L), check_month(L, 1), &e) < 0) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, e.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* kam.store.current_grades(year) -> {[code] = {code, grade, computed, reasons, decided_at, policy}} */
static int l_current_grades(lua_State *L)
{
	kam_err e;
	int year = (int)luaL_checkinteger(L, 1);
	lua_newtable(L);
	if (kam_store_current_grades(kam_lua_db(L), year, keyed_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.grade_history(code) -> array of rows, one a year */
static int l_grade_history(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_newtable(L);
	if (kam_store_grade_history(kam_lua_db(L), code, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.customers_brief() -> {[code] = {code, name, place, city, county, agreement, one_time, rural}} */
static int l_customers_brief(lua_State *L)
{
	kam_err e;
	lua_newtable(L);
	if (kam_store_customers_brief(kam_lua_db(L), keyed_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.customer_row(code) -> the archive row, or nil */
static int l_customer_row(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_pushnil(L);
	if (kam_store_customer_row(kam_lua_db(L), code, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.customer_ledger(code, from, to) -> array of {month, line, amount, volume} */
static int l_customer_ledger(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	int from = check_month(L, 2), to = check_month(L, 3);
	lua_newtable(L);
	if (kam_store_customer_ledger(kam_lua_db(L), code, from, to, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

struct revenue_out {
	lua_State *L;
	int nwin;
	int by_customer, by_month;   /* stack indexes of the result tables */
};

static int put_customer(void *arg, int64_t code, const int64_t *amount, const int64_t *volume, kam_err *e)
{
	struct revenue_out *o = arg;
	lua_State *L = o->L;
	(void)e;
	lua_createtable(L, 2 * o->nwin, 0);
	for (int i = 0; i < o->nwin; i++) {
		lua_pushinteger(L, amount[i]);
		lua_rawseti(L, -2, i + 1);
		lua_pushinteger(L, volume[i]);
		lua_rawseti(L, -2, o->nwin + i + 1);
	}
	lua_rawseti(L, o->by_customer, code);
	return 0;
}

static int put_month(void *arg, const struct kam_revenue_month *m, kam_err *e)
{
	struct revenue_out *o = arg;
	lua_State *L = o->L;
	(void)e;
	lua_createtable(L, 0, 7);
	lua_pushinteger(L, m->month);
	lua_setfield(L, -2, "month");
	lua_pushinteger(L, m->amount);
	lua_setfield(L, -2, "amount");
	lua_pushinteger(L, m->volume);
	lua_setfield(L, -2, "volume");
	lua_pushinteger(L, m->set_amount);
	lua_setfield(L, -2, "set_amount");
	lua_pushinteger(L, m->set_volume);
	lua_setfield(L, -2, "set_volume");
	lua_pushinteger(L, m->customers);
	lua_setfield(L, -2, "customers");
	lua_pushinteger(L, m->set_customers);
	lua_setfield(L, -2, "set_customers");
	lua_rawseti(L, o->by_month, (lua_Integer)lua_rawlen(L, o->by_month) + 1);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* kam.store.revenue{lines = {...} or nil, windows = {{from, to}, ...}, months = {from, to}
 * or nil, set = {code, ...} or nil} -> by_customer, by_month.  by_customer[code] is
 * {amount of window 1, ..., amount of window n, volume of window 1, ..., volume of window n};
 * by_month an array of {month, amount, volume, set_amount, set_volume, customers,
 * set_customers}. */
static const int64_t no_codes = 0;

static int l_revenue(lua_State *L)
{
	struct kam_revenue_query q = {0};
	struct kam_revenue_window win[64];
	const char *lines[64];
	int64_t *set = NULL;
	struct revenue_out o;
	kam_err e;
	int rc;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_getfield(L, 1, "lines") == LUA_TTABLE) {
		int n = (int)lua_rawlen(L, -1);
		if (n > 64)
			return luaL_error(L, "kam.store.revenue: more than 64 lines");
		for (int i = 0; i < n; i++) {
			lua_rawgeti(L, -1, i + 1);
			if (!(lines[i] = lua_tostring(L, -1)))
				return luaL_error(L, "kam.store.revenue: lines[%d] is not a string", i + 1);
			lua_pop(L, 1);   /* the lines table keeps the string */
		}
		q.lines = lines;
		q.nlines = n;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "windows") == LUA_TTABLE) {
		int n = (int)lua_rawlen(L, -1);
		if (n > 64)
			return luaL_error(L, "kam.store.revenue: more than 64 windows");
		for (int i = 0; i < n; i++) {
			lua_rawgeti(L, -1, i + 1);
			luaL_checktype(L, -1, LUA_TTABLE);
			lua_rawgeti(L, -1, 1);
			lua_rawgeti(L, -2, 2);
			win[i].from = (int)luaL_checkinteger(L, -2);
			win[i].to = (int)luaL_checkinteger(L, -1);
			lua_pop(L, 3);
		}
		q.win = win;
		q.nwin = n;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "months") == LUA_TTABLE) {
		lua_rawgeti(L, -1, 1);
		lua_rawgeti(L, -2, 2);
		q.months_from = (int)luaL_checkinteger(L, -2);
		q.months_to = (int)luaL_checkinteger(L, -1);
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "set") == LUA_TTABLE) {
		size_t n = lua_rawlen(L, -1);
		if (n && !(set = malloc(n * sizeof *set)))
			return luaL_error(L, "kam.store.revenue: out of memory");
		for (size_t i = 0; i < n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			set[i] = lua_tointeger(L, -1);
			lua_pop(L, 1);
		}
		qsort(set, n, sizeof *set, cmp_i64);
		q.set = set ? set : &no_codes;   /* an empty set is a set */
		q.nset = n;
	}
	lua_pop(L, 1);
	lua_newtable(L);
	lua_newtable(L);
	o.L = L;
	o.nwin = q.nwin;
	o.by_customer = lua_absindex(L, -2);
	o.by_month = lua_absindex(L, -1);
	rc = kam_store_revenue(kam_lua_db(L), &q, put_customer, put_month, &o, &e);
	free(set);
	if (rc < 0)
		return kam_lua_store_fail(L, &e);
	return 2;
}

/* kam.store.note_add(code, month, text, by, at) */
static int l_note_add(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	int month = check_month(L, 2);
	if (kam_store_note_add(kam_lua_db(L), code, month, luaL_checkstring(L, 3), luaL_checkstring(L, 4),
			       luaL_checkstring(L, 5), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.notes(month) -> {[code] = {code, explanation, created_by, created_at}} */
static int l_notes(lua_State *L)
{
	kam_err e;
	int month = check_month(L, 1);
	lua_newtable(L);
	if (kam_store_notes(kam_lua_db(L), month, keyed_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

void kam_store_report_lua(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"month_mark", l_month_mark},
		{"month_log", l_month_log},
		{"month_open", l_month_open},
		{"current_grades", l_current_grades},
		{"grade_history", l_grade_history},
		{"customers_brief", l_customers_brief},
		{"customer_row", l_customer_row},
		{"customer_ledger", l_customer_ledger},
		{"revenue", l_revenue},
		{"note_add", l_note_add},
		{"notes", l_notes},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
}
