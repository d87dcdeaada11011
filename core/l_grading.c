/* kam.grading: the facts, policies and decisions for scripts (explain, policy test and
 * the rest of the commands written in Lua).  The heavy work stays in C: facts.c, grade.c,
 * policy.c; this file only turns their results into Lua tables. */
#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "host.h"
#include "today.h"

#define POLICY_MT "kam.policy"

typedef struct lpolicy {
	kam_policy *p;
} lpolicy;

/* The message as it is: it names its own place (a policy file, the database). */
static int raise_err(lua_State *L, const kam_err *e)
{
	lua_pushstring(L, e->msg);
	return lua_error(L);
}

static kam_policy *check_policy(lua_State *L, int idx)
{
	lpolicy *lp = luaL_checkudata(L, idx, POLICY_MT);
	if (!lp->p)
		luaL_error(L, "kam.grading: the policy is closed");
	return lp->p;
}

static void push_strings(lua_State *L, char *const *s, int n)
{
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, s[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

/* kam.grading.policy([spec]): the policy named (or the default one), loaded and checked. */
static int l_policy(lua_State *L)
{
	kam_ctx *ctx = kam_lua_ctx(L);
	const char *spec = luaL_optstring(L, 1, NULL);
	lpolicy *lp = lua_newuserdatauv(L, sizeof *lp, 1);
	kam_err e;
	int rc;
	lp->p = NULL;
	luaL_setmetatable(L, POLICY_MT);
	rc = spec ? kam_policy_load(ctx, spec, &lp->p, &e) : kam_policy_default(ctx, &lp->p, &e);
	if (rc < 0)
		return raise_err(L, &e);
	return 1;
}

static int p_info(lua_State *L)
{
	kam_policy *p = check_policy(L, 1);
	lua_newtable(L);
	lua_pushstring(L, p->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, p->version);
	lua_setfield(L, -2, "version");
	if (p->title) {
		lua_pushstring(L, p->title);
		lua_setfield(L, -2, "title");
	}
	lua_pushstring(L, p->path);
	lua_setfield(L, -2, "path");
	lua_pushstring(L, p->hash);
	lua_setfield(L, -2, "hash");
	push_strings(L, p->grades, p->ngrades);
	lua_setfield(L, -2, "grades");
	lua_newtable(L);
	for (int i = 0, n = 0; i < kam_nfact_groups; i++) {
		if (p->needs & kam_fact_groups[i].flag) {
			lua_pushstring(L, kam_fact_groups[i].name);
			lua_rawseti(L, -2, ++n);
		}
	}
	lua_setfield(L, -2, "needs");
	lua_newtable(L);
	for (int l = 0, n = 0; l < KAM_LINES; l++) {
		if (KAM_NEED_LINES(p->needs) >> l & 1) {
			lua_pushstring(L, kam_line_names[l]);
			lua_rawseti(L, -2, ++n);
		}
	}
	lua_setfield(L, -2, "revenue_lines");
	lua_newtable(L);
	for (int k = 0; k < p->nkinds; k++) {
		const struct kam_override_kind *o = &p->kinds[k];
		lua_newtable(L);
		if (o->title) {
			lua_pushstring(L, o->title);
			lua_setfield(L, -2, "title");
		}
		lua_pushboolean(L, o->needs_until);
		lua_setfield(L, -2, "needs_until");
		lua_pushboolean(L, o->approval);
		lua_setfield(L, -2, "approval");
		lua_pushboolean(L, o->only_raises);
		lua_setfield(L, -2, "only_raises");
		if (o->ngrades)
			push_strings(L, o->grades, o->ngrades);
		else
			push_strings(L, p->grades, p->ngrades);
		lua_setfield(L, -2, "grades");
		lua_setfield(L, -2, o->name);
	}
	lua_setfield(L, -2, "overrides");
	lua_pushboolean(L, p->has_check_override);
	lua_setfield(L, -2, "has_check_override");
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->module_ref);
	lua_setfield(L, -2, "module");
	return 1;
}

/* pol:call(fname, items [, ctx]): every result of P[fname](item, ctx) for each item, as
 * arrays {v1, v2, ..., n = k}; raises naming the item when one fails.  With fname
 * "+name", each item is a list of arguments instead. */
static int p_call(lua_State *L)
{
	kam_policy *p = check_policy(L, 1);
	const char *fname = luaL_checkstring(L, 2);
	kam_call call = {fname, NULL, KAM_CALL_ALL};
	kam_buf items, shared, results;
	kam_err e;
	kam_rd rd;
	int rc;

	luaL_checktype(L, 3, LUA_TTABLE);
	if (fname[0] == '+') {
		call.fname = fname + 1;
		call.flags |= KAM_CALL_SPREAD;
	}
	kam_buf_init(&items);
	kam_buf_init(&shared);
	kam_buf_init(&results);
	rc = kam_lser_encode(L, 3, &items, "items", 0, &e);
	if (rc == 0 && !lua_isnoneornil(L, 4))
		rc = kam_lser_encode(L, 4, &shared, "ctx", 0, &e);
	if (rc == 0)
		rc = kam_worker_call(p->w, &call, lua_isnoneornil(L, 4) ? NULL : &shared, &items, &results, &e);
	kam_buf_free(&items);
	kam_buf_free(&shared);
	if (rc == 0) {
		lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
		lua_getfield(L, -1, "kam.sandbox");
		lua_getfield(L, -1, "FUNCTION");
		kam_rd_init(&rd, results.data, results.len);
		rc = kam_lser_decode(L, &rd, lua_gettop(L), &e);
	}
	kam_buf_free(&results);
	if (rc < 0)
		return raise_err(L, &e);
	return 1;
}

/* pol:decide(facts [, ctx]): member() and grade() for one customer's facts, checked by
 * the contract check grading applies: {member =, grade =, score =, reasons_json =}; raises
 * the grading message (naming the function and the customer) when the policy breaks it. */
static int p_decide(lua_State *L)
{
	kam_policy *p = check_policy(L, 1);
	kam_buf items, ctx;
	struct kam_grade_verdict v;
	int64_t code = 0;
	kam_err e;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	if (lua_getfield(L, 2, "code") == LUA_TSTRING)
		code = strtoll(lua_tostring(L, -1), NULL, 10);
	lua_pop(L, 1);
	kam_buf_init(&items);
	kam_buf_init(&ctx);
	lua_createtable(L, 1, 0);
	lua_pushvalue(L, 2);
	lua_rawseti(L, -2, 1);
	rc = kam_lser_encode(L, -1, &items, "facts", 0, &e);
	lua_pop(L, 1);
	if (rc == 0 && !lua_isnoneornil(L, 3))
		rc = kam_lser_encode(L, 3, &ctx, "ctx", 0, &e);
	if (rc == 0)
		rc = kam_grade_decide(p, &items, code, lua_isnoneornil(L, 3) ? NULL : &ctx, &v, &e);
	kam_buf_free(&items);
	kam_buf_free(&ctx);
	if (rc < 0)
		return raise_err(L, &e);
	lua_createtable(L, 0, 4);
	lua_pushboolean(L, v.member);
	lua_setfield(L, -2, "member");
	lua_pushstring(L, v.grade);
	lua_setfield(L, -2, "grade");
	if (v.has_score) {
		if (v.score == (double)(lua_Integer)v.score)
			lua_pushinteger(L, (lua_Integer)v.score);
		else
			lua_pushnumber(L, v.score);
		lua_setfield(L, -2, "score");
	}
	lua_pushstring(L, (const char *)v.reasons.data);
	lua_setfield(L, -2, "reasons_json");
	if (v.labels.len) {
		lua_pushstring(L, (const char *)v.labels.data);
		lua_setfield(L, -2, "labels_json");
	}
	kam_buf_free(&v.reasons);
	kam_buf_free(&v.labels);
	return 1;
}

static void collect(void *arg, const char *msg)
{
	lua_State *L = arg;
	lua_pushstring(L, msg);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

/* pol:lint(): the forbidden names its source mentions, as messages with lines. */
static int p_lint(lua_State *L)
{
	kam_policy *p = check_policy(L, 1);
	lua_newtable(L);
	kam_policy_lint(p->path, p->source, p->len, collect, L);
	return 1;
}

static int p_close(lua_State *L)
{
	lpolicy *lp = luaL_checkudata(L, 1, POLICY_MT);
	kam_policy_free(lp->p);
	lp->p = NULL;
	return 0;
}

/* kam.grading.lint(path): the same check on a file, without loading it. */
static int l_lint(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	size_t len;
	const char *src = luaL_checklstring(L, 2, &len);
	lua_newtable(L);
	kam_policy_lint(path, src, len, collect, L);
	return 1;
}

static void push_facts(lua_State *L, const kam_facts *f, long i)
{
	kam_buf b;
	kam_rd rd;
	kam_err e;
	kam_buf_init(&b);
	kam_facts_put(f, (size_t)i, KAM_NEED_ALL, &b);
	kam_rd_init(&rd, b.data, b.len);
	if (kam_buf_check(&b, "facts", &e) < 0 || kam_lser_decode(L, &rd, 0, &e) < 0) {
		kam_buf_free(&b);
		raise_err(L, &e);
	}
	kam_buf_free(&b);
}

static int64_t check_code(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		char *end;
		long long c = strtoll(s, &end, 10);
		if (*end || strlen(s) != 14)
			luaL_error(L, "'%s' is not a 14-digit customer code", s);
		return c;
	}
	return luaL_checkinteger(L, idx);
}

/* kam.grading.facts(year, code [, policy [, as_of]]): the facts a policy would get for
 * that customer as of the day (default today) (revenue on the policy's revenue lines;
 * every group, every line without one). */
static int l_facts(lua_State *L)
{
	int year = (int)luaL_checkinteger(L, 1);
	int64_t code = check_code(L, 2);
	int needs = lua_isnoneornil(L, 3) ? KAM_NEED_ALL : (check_policy(L, 3)->needs | KAM_NEED_ALL);
	char today[16];
	const char *as_of;
	kam_facts f;
	kam_err e;
	long i;
	if (lua_isnoneornil(L, 4) && kam_db_today(kam_lua_db(L), today, &e) < 0)
		return raise_err(L, &e);
	as_of = luaL_optstring(L, 4, today);
	if (kam_facts_load(kam_lua_db(L), year, code, needs, as_of, &f, &e) < 0)
		return raise_err(L, &e);
	if ((i = kam_facts_find(&f, code)) < 0) {
		kam_facts_free(&f);
		return luaL_error(L, "no customer %014lld", (long long)code);
	}
	push_facts(L, &f, i);
	kam_facts_free(&f);
	return 1;
}

struct one {
	lua_State *L;
	int64_t code;
	int found;
};

static void pick(void *arg, const struct kam_decision *d)
{
	struct one *o = arg;
	lua_State *L = o->L;
	if (d->code != o->code)
		return;
	o->found = 1;
	lua_newtable(L);
	lua_pushstring(L, d->grade);
	lua_setfield(L, -2, "grade");
	lua_pushstring(L, d->computed);
	lua_setfield(L, -2, "computed");
	if (d->has_score) {
		lua_pushnumber(L, d->score);
		lua_setfield(L, -2, "score");
	}
	lua_pushstring(L, d->reasons);
	lua_setfield(L, -2, "reasons_json");
	if (d->labels) {
		lua_pushstring(L, d->labels);
		lua_setfield(L, -2, "labels_json");
	}
	if (d->override_id) {
		lua_pushinteger(L, d->override_id);
		lua_setfield(L, -2, "override");
	}
}

/* kam.grading.evaluate(policy, year, code [, as_of]): the decision the policy makes now,
 * computed on the customer's bureau and written nowhere. */
static int l_evaluate(lua_State *L)
{
	kam_ctx *ctx = kam_lua_ctx(L);
	kam_policy *p = check_policy(L, 1);
	int year = (int)luaL_checkinteger(L, 2);
	struct one o = {L, check_code(L, 3), 0};
	char today[16];
	struct kam_grade_opts go = {NULL, 1, ctx->user, pick, &o};
	struct kam_grade_stats st;
	kam_facts f;
	kam_err e;
	int rc;

	if (lua_isnoneornil(L, 4) && kam_db_today(kam_lua_db(L), today, &e) < 0)
		return raise_err(L, &e);
	go.as_of = luaL_optstring(L, 4, today);
	if (kam_facts_load(kam_lua_db(L), year, o.code, p->needs, go.as_of, &f, &e) < 0)
		return raise_err(L, &e);
	if (kam_facts_find(&f, o.code) < 0) {
		kam_facts_free(&f);
		return luaL_error(L, "no customer %014lld", (long long)o.code);
	}
	rc = kam_grade_run(ctx, p, &f, &go, &st, &e);
	kam_facts_free(&f);
	if (rc < 0)
		return raise_err(L, &e);
	return o.found;
}

/* kam.grading.policy_files(): { {name =, path =}, ... } in search order, first name wins. */
static int l_policy_files(lua_State *L)
{
	kam_ctx *ctx = kam_lua_ctx(L);
	const char *env = getenv("KAM_POLICY_PATH");
	char dirs[4096], *dir, *save = NULL;
	lua_Integer n = 0;
	snprintf(dirs, sizeof dirs, "%s:%s/../policies:%s/policies", env ? env : "",
		 ctx->exe_dir ? ctx->exe_dir : ".", KAM_DATADIR);
	lua_newtable(L);     /* the list */
	lua_newtable(L);     /* names seen */
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct dirent **names;
		int count = scandir(dir, &names, NULL, alphasort);
		for (int i = 0; i < count; i++) {
			const char *f = names[i]->d_name;
			size_t len = strlen(f);
			char path[4096];
			if (len > 4 && strcmp(f + len - 4, ".lua") == 0) {
				lua_pushlstring(L, f, len - 4);
				if (lua_rawget(L, -2) == LUA_TNIL) {
					lua_pop(L, 1);
					lua_pushlstring(L, f, len - 4);
					lua_pushboolean(L, 1);
					lua_rawset(L, -3);
					char shown[4096];
					snprintf(path, sizeof path, "%s/%s", dir, f);
					if (realpath(path, shown))
						snprintf(path, sizeof path, "%s", shown);
					lua_createtable(L, 0, 2);
					lua_pushlstring(L, f, len - 4);
					lua_setfield(L, -2, "name");
					lua_pushstring(L, path);
					lua_setfield(L, -2, "path");
					lua_rawseti(L, -3, ++n);
				} else {
					lua_pop(L, 1);
				}
			}
			free(names[i]);
		}
		if (count >= 0)
			free(names);
	}
	lua_pop(L, 1);
	return 1;
}

static const luaL_Reg policy_methods[] = {
	{"info", p_info}, {"call", p_call}, {"decide", p_decide}, {"lint", p_lint}, {"close", p_close},
	{NULL, NULL},
};

static const luaL_Reg grading_funcs[] = {
	{"policy", l_policy}, {"facts", l_facts}, {"evaluate", l_evaluate}, {"lint", l_lint},
	{"policy_files", l_policy_files},
	{NULL, NULL},
};

int kam_open_grading(lua_State *L)
{
	luaL_newmetatable(L, POLICY_MT);
	luaL_newlib(L, policy_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, p_close);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, p_close);
	lua_setfield(L, -2, "__close");
	lua_pop(L, 1);
	luaL_newlib(L, grading_funcs);
	/* The one list of business lines and of fact groups, as C keeps them. */
	lua_createtable(L, KAM_LINES, 0);
	for (int l = 0; l < KAM_LINES; l++) {
		lua_pushstring(L, kam_line_names[l]);
		lua_rawseti(L, -2, l + 1);
	}
	lua_setfield(L, -2, "lines");
	lua_createtable(L, 0, kam_nfact_groups);
	for (int g = 0; g < kam_nfact_groups; g++) {
		lua_newtable(L);
		for (int k = 0; kam_fact_groups[g].facts[k]; k++) {
			lua_pushstring(L, kam_fact_groups[g].facts[k]);
			lua_rawseti(L, -2, k + 1);
		}
		lua_setfield(L, -2, kam_fact_groups[g].name);
	}
	lua_setfield(L, -2, "groups");
	return 1;
}
