/* The commands' rules for kam import's money kinds (money_policy.h). */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "money_policy.h"
#include "host.h"
#include "policy.h"

/* The row function: the command's rule, loaded once per import. */
static const char RULE_CHUNK[] =
	"local money = require 'common.money'\n"
	"local p = money.policy()\n"
	"return function(kind, row) return money.import_row(p, kind, row) end\n";

/* Where the commands' scripts are: beside the build tree, else installed. */
static char *scripts_dir(const kam_ctx *ctx)
{
	struct stat sb;
	char *dir = NULL;
	if (ctx->exe_dir && asprintf(&dir, "%s/../scripts/commands", ctx->exe_dir) >= 0 && stat(dir, &sb) == 0)
		return dir;
	free(dir);
	if (asprintf(&dir, "%s/scripts/commands", KAM_DATADIR) < 0)
		return NULL;
	return dir;
}

static int rule_apply(void *arg, const char *kind, const struct kam_rule_field *in, int nin,
		      struct kam_rule_field *out, int nout, kam_err *e)
{
	struct kam_money_rule *r = arg;
	lua_State *L = r->L;
	int top = lua_gettop(L), rc = 0, nstr = 0;

	for (int i = 0; i < KAM_MONEY_RULE_STRS; i++) {
		free(r->strs[i]);
		r->strs[i] = NULL;
	}
	if (!lua_checkstack(L, 8))
		return kam_errf(e, "import %s: out of memory", kind);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->fn);
	lua_pushstring(L, kind);
	lua_createtable(L, 0, nin);
	for (int i = 0; i < nin; i++) {
		if (in[i].is_int)
			lua_pushinteger(L, (lua_Integer)in[i].i);
		else if (in[i].s)
			lua_pushstring(L, in[i].s);
		else
			lua_pushnil(L);
		lua_setfield(L, -2, in[i].name);
	}
	if (kam_lua_call(L, 2, 3, "the import's rule", e) < 0)
		return -1;
	if (lua_isnil(L, -3)) {   /* nil, why, field: the rule refuses the row */
		const char *why = lua_tostring(L, -2), *col = lua_tostring(L, -1);
		kam_errf(e, "%s", why ? why : "refused by the rule");
		if (col)
			snprintf(e->where.field, sizeof e->where.field, "%s", col);
		lua_settop(L, top);
		return 1;
	}
	if (!lua_istable(L, -3)) {
		lua_settop(L, top);
		return kam_errf(e, "import %s: the rule returned no table", kind);
	}
	for (int i = 0; i < nout && rc == 0; i++) {
		int t = lua_getfield(L, -3, out[i].name);
		out[i].s = NULL;
		out[i].i = 0;
		if (t == LUA_TNIL) {
			/* none */
		} else if (out[i].is_int) {
			int isnum;
			if (t == LUA_TBOOLEAN)
				out[i].i = lua_toboolean(L, -1);
			else if ((out[i].i = (int64_t)lua_tointegerx(L, -1, &isnum)), !isnum)
				rc = kam_errf(e, "import %s: the rule's %s is not an integer", kind, out[i].name);
		} else if (t != LUA_TSTRING) {
			rc = kam_errf(e, "import %s: the rule's %s is not text", kind, out[i].name);
		} else if (nstr >= KAM_MONEY_RULE_STRS || !(r->strs[nstr] = strdup(lua_tostring(L, -1)))) {
			rc = kam_errf(e, "import %s: out of memory", kind);
		} else {
			out[i].s = r->strs[nstr++];
		}
		lua_pop(L, 1);
	}
	lua_settop(L, top);
	return rc;
}

int kam_money_rule_open(kam_ctx *ctx, struct kam_money_rule *r, kam_err *e)
{
	lua_State *L;
	char *dir;
	int top;
	memset(r, 0, sizeof *r);
	r->fn = LUA_NOREF;
	if (!(L = kam_ctx_lua(ctx))) {
		*e = ctx->err;
		return -1;
	}
	if (!(dir = scripts_dir(ctx)))
		return kam_errf(e, "out of memory");
	top = lua_gettop(L);
	/* require finds common.money where the commands find it */
	lua_getglobal(L, "package");
	lua_pushstring(L, dir);
	lua_pushliteral(L, "/?.lua;");
	lua_getfield(L, -3, "path");
	lua_concat(L, 3);
	lua_setfield(L, -2, "path");
	lua_settop(L, top);
	free(dir);
	if (luaL_loadbufferx(L, RULE_CHUNK, sizeof RULE_CHUNK - 1, "=import", "t") != LUA_OK) {
		kam_errf(e, "import: %s", lua_tostring(L, -1));
		lua_settop(L, top);
		return -1;
	}
	if (kam_lua_call(L, 0, 1, "the import's rule", e) < 0)
		return -1;
	if (!lua_isfunction(L, -1)) {
		lua_settop(L, top);
		return kam_errf(e, "import: the rule is no function");
	}
	r->fn = luaL_ref(L, LUA_REGISTRYINDEX);
	r->L = L;
	r->rule.apply = rule_apply;
	r->rule.arg = r;
	return 0;
}

void kam_money_rule_close(struct kam_money_rule *r)
{
	for (int i = 0; i < KAM_MONEY_RULE_STRS; i++) {
		free(r->strs[i]);
		r->strs[i] = NULL;
	}
	if (r->L && r->fn != LUA_NOREF)
		luaL_unref(r->L, LUA_REGISTRYINDEX, r->fn);
	r->L = NULL;
	r->fn = LUA_NOREF;
}
