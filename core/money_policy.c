/* The lines a policy never puts on credit, for kam import receivables (money_policy.h). */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "money_policy.h"
#include "policy.h"

void kam_credit_rules_free(struct kam_credit_rules *r)
{
	if (r->never)
		for (char **l = r->never; *l; l++)
			free(*l);
	free(r->never);
	free(r->policy);
	r->never = NULL;
	r->policy = NULL;
}

/* numbers.arrears.never_on_credit of the module at the top of L into r. */
static int read_lines(lua_State *L, const char *name, struct kam_credit_rules *r, kam_err *e)
{
	size_t n;
	if (lua_getfield(L, -1, "numbers") != LUA_TTABLE || lua_getfield(L, -1, "arrears") != LUA_TTABLE)
		return kam_errf(e, "policy %s sets no arrears rules (numbers.arrears)", name);
	if (lua_getfield(L, -1, "never_on_credit") == LUA_TNIL)
		n = 0;
	else if (lua_type(L, -1) != LUA_TTABLE)
		return kam_errf(e, "policy %s: numbers.arrears.never_on_credit must be a list of lines", name);
	else
		n = lua_rawlen(L, -1);
	if (!(r->never = calloc(n + 1, sizeof *r->never)))
		return kam_errf(e, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *s;
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		if (lua_type(L, -1) != LUA_TSTRING || !(s = lua_tostring(L, -1)))
			return kam_errf(e, "policy %s: numbers.arrears.never_on_credit[%zu] must be a line's name", name, i + 1);
		if (!(r->never[i] = strdup(s)))
			return kam_errf(e, "out of memory");
		lua_pop(L, 1);
	}
	return 0;
}

int kam_credit_rules_load(kam_ctx *ctx, struct kam_credit_rules *r, kam_err *e)
{
	kam_policy *p;
	int top, rc;
	memset(r, 0, sizeof *r);
	if (kam_policy_default(ctx, &p, e) < 0)
		return -1;
	if (!(r->policy = strdup(p->name))) {
		kam_policy_free(p);
		return kam_errf(e, "out of memory");
	}
	top = lua_gettop(p->L);
	lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->module_ref);
	rc = lua_istable(p->L, -1) ? read_lines(p->L, p->name, r, e) : kam_errf(e, "policy %s: no module", p->name);
	lua_settop(p->L, top);
	kam_policy_free(p);
	if (rc < 0)
		kam_credit_rules_free(r);
	return rc;
}
