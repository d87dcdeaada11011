/* kam.store for money and service (DOMAIN.md 4, 5, 6, 11): discounts, claims, the green
 * channel, receivables and payments, complaints, and the day in the database's timezone.
 * Thin bindings over store_discounts, store_claims, store_arrears and store_complaints:
 * check the arguments, call, raise the error record's message.  Rows come back as tables
 * keyed by column (a NULL column is absent); the rules (routes, deadlines, credit stops,
 * ageing) are the Lua commands' and the policies' (scripts/commands/common/money.lua). */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "l_rows.h"
#include "l_store_money.h"
#include "store_arrears.h"
#include "store_claims.h"
#include "store_complaints.h"
#include "store_discounts.h"


/* Field key of the table at index 1: a string (NULL when absent and not required). */
static const char *str_field(lua_State *L, const char *fn, const char *key, int required)
{
	const char *s;
	lua_getfield(L, 1, key);
	if (lua_isnil(L, -1) && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (lua_type(L, -1) != LUA_TSTRING || !(s = lua_tostring(L, -1)))
		luaL_error(L, "kam.store.%s: field '%s' must be a string", fn, key);
	lua_pop(L, 1); /* the table keeps the string */
	return s;
}

static int64_t int_field(lua_State *L, const char *fn, const char *key)
{
	int ok;
	lua_Integer v;
	lua_getfield(L, 1, key);
	v = lua_tointegerx(L, -1, &ok);
	if (!ok || lua_type(L, -1) != LUA_TNUMBER)
		luaL_error(L, "kam.store.%s: field '%s' must be an integer", fn, key);
	lua_pop(L, 1);
	return v;
}

static int64_t code_field(lua_State *L, const char *fn)
{
	int64_t code;
	lua_getfield(L, 1, "code");
	if (lua_isnil(L, -1))
		luaL_error(L, "kam.store.%s: field 'code' is required", fn);
	code = kam_lua_check_code(L, lua_gettop(L));
	lua_pop(L, 1);
	return code;
}

/* The optional code at index i (nil: every customer). */
static const int64_t *opt_code(lua_State *L, int i, int64_t *code)
{
	if (lua_isnoneornil(L, i))
		return NULL;
	*code = kam_lua_check_code(L, i);
	return code;
}

/* ---- discounts ---- */

/* kam.store.discount_add{code=, line=, rate_bp=, method=, valid_from=, valid_until=,
 * requested_on=, requested_by=, policy=, grade=, limit_bp=, route=, answer_by=, reason=,
 * created_at=} -> id */
static int l_discount_add(lua_State *L)
{
	static const char fn[] = "discount_add";
	struct kam_store_new_discount d;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	d.code = code_field(L, fn);
	d.rate_bp = int_field(L, fn, "rate_bp");
	d.limit_bp = int_field(L, fn, "limit_bp");
	d.line = str_field(L, fn, "line", 1);
	d.method = str_field(L, fn, "method", 0);
	d.valid_from = str_field(L, fn, "valid_from", 1);
	d.valid_until = str_field(L, fn, "valid_until", 1);
	d.requested_on = str_field(L, fn, "requested_on", 1);
	d.requested_by = str_field(L, fn, "requested_by", 1);
	d.policy = str_field(L, fn, "policy", 1);
	d.grade = str_field(L, fn, "grade", 1);
	d.route = str_field(L, fn, "route", 1);
	d.answer_by = str_field(L, fn, "answer_by", 1);
	d.reason = str_field(L, fn, "reason", 0);
	d.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_discount_add(kam_lua_db(L), &d, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.discount_answer{discount=, decision=, level=, answered_on=, answered_by=,
 * reason=, created_at=} */
static int l_discount_answer(lua_State *L)
{
	static const char fn[] = "discount_answer";
	struct kam_store_discount_answer a;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	a.discount = int_field(L, fn, "discount");
	a.decision = str_field(L, fn, "decision", 1);
	a.level = str_field(L, fn, "level", 1);
	a.answered_on = str_field(L, fn, "answered_on", 1);
	a.answered_by = str_field(L, fn, "answered_by", 1);
	a.reason = str_field(L, fn, "reason", 0);
	a.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_discount_answer(kam_lua_db(L), &a, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.discount(id) -> row or nil */
static int l_discount(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	lua_pushnil(L);
	if (kam_store_discount_get(kam_lua_db(L), id, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.discounts([code], [state], [as_of]) -> array of rows; state pending, overdue,
 * answered or granted (store_discounts.h) */
static int l_discounts(lua_State *L)
{
	kam_err e;
	int64_t c;
	const int64_t *code = opt_code(L, 1, &c);
	const char *state = luaL_optstring(L, 2, NULL), *as_of = luaL_optstring(L, 3, NULL);
	lua_newtable(L);
	if (kam_store_discounts_list(kam_lua_db(L), code, state, as_of, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.grade_now(code, policy) -> grade, year; or nil when never graded */
static int l_grade_now(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	const char *policy = luaL_checkstring(L, 2);
	lua_pushnil(L);
	if (kam_store_grade_now(kam_lua_db(L), code, policy, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	if (lua_isnil(L, -1))
		return 1;
	lua_getfield(L, -1, "grade");
	lua_getfield(L, -2, "year");
	return 2;
}

/* ---- claims and the green channel ---- */

/* kam.store.claim_add{code=, amount=, claimed_on=, policy=, route=, green=, report_by=,
 * handle_by=, pay_by=, description=, created_by=, created_at=} -> id */
static int l_claim_add(lua_State *L)
{
	static const char fn[] = "claim_add";
	struct kam_store_new_claim c;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	c.code = code_field(L, fn);
	c.amount = int_field(L, fn, "amount");
	lua_getfield(L, 1, "green");
	c.green = lua_toboolean(L, -1);
	lua_pop(L, 1);
	c.claimed_on = str_field(L, fn, "claimed_on", 1);
	c.policy = str_field(L, fn, "policy", 1);
	c.route = str_field(L, fn, "route", 1);
	c.report_by = str_field(L, fn, "report_by", 0);
	c.handle_by = str_field(L, fn, "handle_by", 0);
	c.pay_by = str_field(L, fn, "pay_by", 0);
	c.description = str_field(L, fn, "description", 0);
	c.created_by = str_field(L, fn, "created_by", 1);
	c.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_claim_add(kam_lua_db(L), &c, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.claim_event{claim=, event=, on_day=, amount=, by=, note=, created_at=} */
static int l_claim_event(lua_State *L)
{
	static const char fn[] = "claim_event";
	kam_err e;
	int64_t claim, amount = 0;
	luaL_checktype(L, 1, LUA_TTABLE);
	claim = int_field(L, fn, "claim");
	lua_getfield(L, 1, "amount");
	if (!lua_isnil(L, -1)) {
		lua_pop(L, 1);
		amount = int_field(L, fn, "amount");
	} else {
		lua_pop(L, 1);
	}
	if (kam_store_claim_event(kam_lua_db(L), claim, str_field(L, fn, "event", 1), str_field(L, fn, "on_day", 1),
				  amount, str_field(L, fn, "by", 1), str_field(L, fn, "note", 0),
				  str_field(L, fn, "created_at", 1), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.claim(id) -> row or nil */
static int l_claim(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	lua_pushnil(L);
	if (kam_store_claim_get(kam_lua_db(L), id, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.claims([code], [state], [as_of]) -> array of rows; state open, overdue, paid */
static int l_claims(lua_State *L)
{
	kam_err e;
	int64_t c;
	const int64_t *code = opt_code(L, 1, &c);
	const char *state = luaL_optstring(L, 2, NULL), *as_of = luaL_optstring(L, 3, NULL);
	lua_newtable(L);
	if (kam_store_claims_list(kam_lua_db(L), code, state, as_of, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.green_enroll(code, on_day, by, created_at) */
static int l_green_enroll(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	if (kam_store_green_enroll(kam_lua_db(L), code, luaL_checkstring(L, 2), luaL_checkstring(L, 3),
				   luaL_checkstring(L, 4), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.green(code) -> row (code, enrolled_on, enrolled_by) or nil */
static int l_green(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_pushnil(L);
	if (kam_store_green_get(kam_lua_db(L), code, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.green_leave(code, left_on, by, reason, created_at) */
static int l_green_leave(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	if (kam_store_green_leave(kam_lua_db(L), code, luaL_checkstring(L, 2), luaL_checkstring(L, 3),
				  luaL_optstring(L, 4, NULL), luaL_checkstring(L, 5), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* ---- credit files ---- */

/* kam.store.credit_set{code=, credit_level=, arrears_limit=, cycle_days=, since=, set_by=,
 * reason=, created_at=} -> id */
static int l_credit_set(lua_State *L)
{
	static const char fn[] = "credit_set";
	struct kam_store_new_credit c;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	c.code = code_field(L, fn);
	c.credit_level = str_field(L, fn, "credit_level", 1);
	c.arrears_limit = int_field(L, fn, "arrears_limit");
	c.cycle_days = int_field(L, fn, "cycle_days");
	c.since = str_field(L, fn, "since", 1);
	c.set_by = str_field(L, fn, "set_by", 1);
	c.reason = str_field(L, fn, "reason", 0);
	c.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_credit_set(kam_lua_db(L), &c, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.credit(code, as_of) -> the credit file standing on as_of, or nil */
static int l_credit(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	const char *as_of = luaL_checkstring(L, 2);
	lua_pushnil(L);
	if (kam_store_credit_files(kam_lua_db(L), &code, as_of, 0, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.credit_history(code) -> every version of the customer's credit file */
static int l_credit_history(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_newtable(L);
	if (kam_store_credit_files(kam_lua_db(L), &code, NULL, 1, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.credits(as_of) -> the credit file standing on as_of of every customer */
static int l_credits(lua_State *L)
{
	kam_err e;
	const char *as_of = luaL_checkstring(L, 1);
	lua_newtable(L);
	if (kam_store_credit_files(kam_lua_db(L), NULL, as_of, 0, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* ---- receivables ---- */

/* kam.store.receivable_add{code=, line=, amount=, issued=, due=, handler=, ref=,
 * created_by=, created_at=} -> id */
static int l_receivable_add(lua_State *L)
{
	static const char fn[] = "receivable_add";
	struct kam_store_new_receivable r;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	r.code = code_field(L, fn);
	r.amount = int_field(L, fn, "amount");
	r.line = str_field(L, fn, "line", 1);
	r.issued = str_field(L, fn, "issued", 1);
	r.due = str_field(L, fn, "due", 1);
	r.handler = str_field(L, fn, "handler", 1);
	r.ref = str_field(L, fn, "ref", 0);
	r.created_by = str_field(L, fn, "created_by", 1);
	r.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_receivable_add(kam_lua_db(L), &r, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.receivable_pay{receivable=, paid_on=, amount=, by=, created_at=} -> id */
static int l_receivable_pay(lua_State *L)
{
	static const char fn[] = "receivable_pay";
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (kam_store_receivable_pay(kam_lua_db(L), int_field(L, fn, "receivable"), str_field(L, fn, "paid_on", 1),
				     int_field(L, fn, "amount"), str_field(L, fn, "by", 1),
				     str_field(L, fn, "created_at", 1), &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.receivable(id, as_of) -> row or nil */
static int l_receivable(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	const char *as_of = luaL_checkstring(L, 2);
	lua_pushnil(L);
	if (kam_store_receivable_get(kam_lua_db(L), id, as_of, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.receivables([code], as_of, [open]) -> array of rows (store_arrears.h) */
static int l_receivables(lua_State *L)
{
	kam_err e;
	int64_t c;
	const int64_t *code = opt_code(L, 1, &c);
	const char *as_of = luaL_checkstring(L, 2);
	int open = lua_toboolean(L, 3);
	lua_newtable(L);
	if (kam_store_receivables_list(kam_lua_db(L), code, as_of, open, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.revenue_by_line(year) -> {line = fen, ...} */
static int l_revenue_by_line(lua_State *L)
{
	kam_err e;
	lua_Integer year = luaL_checkinteger(L, 1);
	int top;
	luaL_argcheck(L, year >= 1900 && year <= 2999, 1, "a year");
	lua_newtable(L);
	top = lua_gettop(L);
	lua_newtable(L);
	if (kam_store_revenue_by_line(kam_lua_db(L), (int)year, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, top + 1); i++) {
		lua_rawgeti(L, top + 1, i);
		lua_getfield(L, -1, "line");
		lua_getfield(L, -2, "amount");
		lua_settable(L, top);
		lua_pop(L, 1);
	}
	lua_settop(L, top);
	return 1;
}

/* kam.store.customer(code) -> {code, name, agreement (boolean), account} or nil */
static int l_customer(lua_State *L)
{
	kam_err e;
	int64_t code = kam_lua_check_code(L, 1);
	lua_pushnil(L);
	if (kam_store_customer_brief(kam_lua_db(L), code, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "agreement");
		lua_pushboolean(L, lua_tointeger(L, -1) != 0);
		lua_setfield(L, -3, "agreement");
		lua_pop(L, 1);
	}
	return 1;
}

/* ---- complaints ---- */

/* kam.store.complaint_add{code=, received_on=, content=, owner=, unit=, policy=,
 * answer_by=, created_by=, created_at=} -> id */
static int l_complaint_add(lua_State *L)
{
	static const char fn[] = "complaint_add";
	struct kam_store_new_complaint c;
	long long id;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	c.code = code_field(L, fn);
	c.received_on = str_field(L, fn, "received_on", 1);
	c.content = str_field(L, fn, "content", 1);
	c.owner = str_field(L, fn, "owner", 1);
	c.unit = str_field(L, fn, "unit", 0);
	c.policy = str_field(L, fn, "policy", 1);
	c.answer_by = str_field(L, fn, "answer_by", 1);
	c.created_by = str_field(L, fn, "created_by", 1);
	c.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_complaint_add(kam_lua_db(L), &c, &id, &e) < 0)
		return kam_lua_store_fail(L, &e);
	lua_pushinteger(L, id);
	return 1;
}

/* kam.store.complaint_answer{complaint=, answered_on=, answer=, by=, created_at=} */
static int l_complaint_answer(lua_State *L)
{
	static const char fn[] = "complaint_answer";
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (kam_store_complaint_answer(kam_lua_db(L), int_field(L, fn, "complaint"), str_field(L, fn, "answered_on", 1),
				       str_field(L, fn, "answer", 1), str_field(L, fn, "by", 1),
				       str_field(L, fn, "created_at", 1), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.complaint_rate{complaint=, satisfaction=, noted_on=, by=, created_at=} */
static int l_complaint_rate(lua_State *L)
{
	static const char fn[] = "complaint_rate";
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (kam_store_complaint_rate(kam_lua_db(L), int_field(L, fn, "complaint"), str_field(L, fn, "satisfaction", 1),
				     str_field(L, fn, "noted_on", 1), str_field(L, fn, "by", 1),
				     str_field(L, fn, "created_at", 1), &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.complaint_escalate{complaint=, escalated_on=, from_owner=, to_owner=, to_unit=,
 * answer_by=, reason=, by=, created_at=} */
static int l_complaint_escalate(lua_State *L)
{
	static const char fn[] = "complaint_escalate";
	struct kam_store_escalation x;
	kam_err e;
	luaL_checktype(L, 1, LUA_TTABLE);
	x.complaint = int_field(L, fn, "complaint");
	x.escalated_on = str_field(L, fn, "escalated_on", 1);
	x.from_owner = str_field(L, fn, "from_owner", 1);
	x.to_owner = str_field(L, fn, "to_owner", 1);
	x.to_unit = str_field(L, fn, "to_unit", 0);
	x.answer_by = str_field(L, fn, "answer_by", 1);
	x.reason = str_field(L, fn, "reason", 1);
	x.by = str_field(L, fn, "by", 1);
	x.created_at = str_field(L, fn, "created_at", 1);
	if (kam_store_complaint_escalate(kam_lua_db(L), &x, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 0;
}

/* kam.store.complaint_escalations(id) -> array of rows */
static int l_complaint_escalations(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	lua_newtable(L);
	if (kam_store_complaint_escalations(kam_lua_db(L), id, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.complaint(id) -> row or nil */
static int l_complaint(lua_State *L)
{
	kam_err e;
	lua_Integer id = luaL_checkinteger(L, 1);
	lua_pushnil(L);
	if (kam_store_complaint_get(kam_lua_db(L), id, kam_lua_one_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

/* kam.store.complaints([code], [state], [as_of]) -> array of rows; state open, overdue,
 * answered (store_complaints.h) */
static int l_complaints(lua_State *L)
{
	kam_err e;
	int64_t c;
	const int64_t *code = opt_code(L, 1, &c);
	const char *state = luaL_optstring(L, 2, NULL), *as_of = luaL_optstring(L, 3, NULL);
	lua_newtable(L);
	if (kam_store_complaints_list(kam_lua_db(L), code, state, as_of, kam_lua_append_row, L, &e) < 0)
		return kam_lua_store_fail(L, &e);
	return 1;
}

void kam_store_money_fns(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"discount_add", l_discount_add},
		{"discount_answer", l_discount_answer},
		{"discount", l_discount},
		{"discounts", l_discounts},
		{"grade_now", l_grade_now},
		{"claim_add", l_claim_add},
		{"claim_event", l_claim_event},
		{"claim", l_claim},
		{"claims", l_claims},
		{"green_enroll", l_green_enroll},
		{"green", l_green},
		{"green_leave", l_green_leave},
		{"credit_set", l_credit_set},
		{"credit", l_credit},
		{"credit_history", l_credit_history},
		{"credits", l_credits},
		{"receivable_add", l_receivable_add},
		{"receivable_pay", l_receivable_pay},
		{"receivable", l_receivable},
		{"receivables", l_receivables},
		{"revenue_by_line", l_revenue_by_line},
		{"customer", l_customer},
		{"complaint_add", l_complaint_add},
		{"complaint_answer", l_complaint_answer},
		{"complaint_rate", l_complaint_rate},
		{"complaint", l_complaint},
		{"complaints", l_complaints},
		{"complaint_escalate", l_complaint_escalate},
		{"complaint_escalations", l_complaint_escalations},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
}
