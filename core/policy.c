#include "policy.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_grading.h"

#include "facts.h"
#include "host.h"
#include "sha256.h"
#include "store_meta.h"

#define MAX_POLICY_BYTES (4 << 20)

static int is_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A path as people typed it: relative to the working directory when it lies below it. */
static void display_path(const char *path, char *out, size_t size)
{
	char real[PATH_MAX], cwd[PATH_MAX];
	size_t n;
	if (!realpath(path, real) || !getcwd(cwd, sizeof cwd)) {
		snprintf(out, size, "%s", path);
		return;
	}
	n = strlen(cwd);
	if (strncmp(real, cwd, n) == 0 && real[n] == '/')
		snprintf(out, size, "%s", real + n + 1);
	else
		snprintf(out, size, "%s", real);
}

int kam_policy_find(const kam_ctx *ctx, const char *spec, char *path, size_t size, kam_err *e)
{
	const char *env = getenv("KAM_POLICY_PATH");
	char dirs[4096] = "", *dir, *save = NULL;
	size_t n = strlen(spec);

	if (strchr(spec, '/') || (n > 4 && strcmp(spec + n - 4, ".lua") == 0)) {
		if (!exists(spec))
			return kam_errf(e, "%s: no such policy file", spec);
		display_path(spec, path, size);
		return 0;
	}
	if (!is_name(spec))
		return kam_usagef(e, "'%s' is not a policy name (letters, digits, '_' and '-') or a .lua file", spec);
	snprintf(dirs, sizeof dirs, "%s:%s/../policies:%s/policies", env ? env : "",
		 ctx->exe_dir ? ctx->exe_dir : ".", KAM_DATADIR);
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char candidate[PATH_MAX];
		snprintf(candidate, sizeof candidate, "%s/%s.lua", dir, spec);
		if (exists(candidate)) {
			display_path(candidate, path, size);
			return 0;
		}
	}
	return kam_errf(e, "no policy '%s' (kam policy list shows the policies there are)", spec);
}

static int read_source(const char *path, char **src, size_t *len, kam_err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	if (!f)
		return kam_errf(e, "%s: %s", path, strerror(errno));
	buf = malloc(MAX_POLICY_BYTES + 1);
	if (!buf) {
		fclose(f);
		return kam_errf(e, "%s: out of memory", path);
	}
	n = fread(buf, 1, MAX_POLICY_BYTES + 1, f);
	if (ferror(f) || n > MAX_POLICY_BYTES) {
		int big = n > MAX_POLICY_BYTES;
		fclose(f);
		free(buf);
		return kam_errf(e, "%s: %s", path, big ? "larger than 4 MiB" : strerror(errno));
	}
	fclose(f);
	buf[n] = '\0';
	*src = buf;
	*len = n;
	return 0;
}

/* ---- checking the contract, on the module decoded into the host's Lua state ---- */

struct check {
	kam_policy *p;
	const kam_buf *module;
	kam_err *e;
};

static int fail(lua_State *L, struct check *c, const char *fmt, const char *a, const char *b)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
	kam_errf(c->e, "%s: %s", c->p->path, msg);
	lua_settop(L, 0);
	return 0;
}

/* A string field; NULL (and an error recorded) when it is missing or not a string. */
static char *string_field(lua_State *L, struct check *c, int t, const char *key, int required)
{
	char *s = NULL;
	int type = lua_getfield(L, t, key);
	if (type == LUA_TSTRING)
		s = strdup(lua_tostring(L, -1));
	else if (type != LUA_TNIL || required)
		kam_errf(c->e, "%s: field '%s' must be a string, not %s", c->p->path, key,
			 type == LUA_TNIL ? "missing" : lua_typename(L, type));
	lua_pop(L, 1);
	return s;
}

static int is_function(lua_State *L, int idx)
{
	return lua_rawequal(L, idx, 2); /* the FUNCTION sentinel sits at index 2 */
}

/* ---- lines for contract messages, found in the source without running it ---- */

static long line_of(const char *src, const char *at)
{
	long line = 1;
	for (const char *q = src; q < at; q++)
		line += *q == '\n';
	return line;
}

static int ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* The first `word =` (not `==`) at or after from, or NULL. */
static const char *find_assign(const char *src, const char *from, const char *word)
{
	size_t n = strlen(word);
	for (const char *q = strstr(from, word); q; q = strstr(q + 1, word)) {
		const char *r = q + n;
		if ((q > src && ident_char(q[-1])) || ident_char(*r))
			continue;
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '=' && r[1] != '=')
			return q;
	}
	return NULL;
}

/* Where a grade list ("grades" or "overrides.KIND.grades") names g the second time. */
static long duplicate_line(const kam_policy *p, const char *what, const char *g)
{
	const char *from = p->source, *list, *dot = strchr(what, '.');
	char kind[128], quoted[2][160];
	int seen = 0;
	if (dot) {
		snprintf(kind, sizeof kind, "%.*s", (int)(strcspn(dot + 1, ".")), dot + 1);
		if ((from = find_assign(p->source, p->source, kind)) == NULL)
			return 0;
	}
	if (!(list = find_assign(p->source, from, "grades")))
		return 0;
	snprintf(quoted[0], sizeof quoted[0], "\"%s\"", g);
	snprintf(quoted[1], sizeof quoted[1], "'%s'", g);
	for (const char *q = list; *q && *q != '}'; q++) {
		if (strncmp(q, quoted[0], strlen(quoted[0])) == 0 || strncmp(q, quoted[1], strlen(quoted[1])) == 0) {
			if (++seen == 2)
				return line_of(p->source, q);
			q += strlen(g) + 1;
		}
	}
	return line_of(p->source, list);
}

/* The line of the chunk's last `return` at the start of a line: where the module is handed
 * over, the place to name for what it lacks. */
static long return_line(const kam_policy *p)
{
	const char *last = NULL;
	for (const char *q = p->source; q && *q; q = strchr(q, '\n'), q = q ? q + 1 : NULL) {
		const char *r = q;
		while (*r == ' ' || *r == '\t')
			r++;
		if (strncmp(r, "return", 6) == 0 && !ident_char(r[6]))
			last = r;
	}
	return last ? line_of(p->source, last) : 1;
}

/* grades: an array of distinct non-empty strings, best first; "none" is implicit. */
static int check_grades(lua_State *L, struct check *c, int t, int *n, char **out, const char *what)
{
	lua_Integer len;
	if (lua_getfield(L, t, "grades") != LUA_TTABLE)
		return kam_errf(c->e, "%s: %s must be a list of grades, best first", c->p->path, what);
	len = (lua_Integer)lua_rawlen(L, -1);
	if (len < 1 || len > KAM_POLICY_MAX_GRADES)
		return kam_errf(c->e, "%s: %s must list 1 to %d grades", c->p->path, what, KAM_POLICY_MAX_GRADES);
	for (lua_Integer i = 1; i <= len; i++) {
		const char *g;
		if (lua_rawgeti(L, -1, i) != LUA_TSTRING || !*(g = lua_tostring(L, -1)))
			return kam_errf(c->e, "%s: %s[%lld] must be a non-empty string", c->p->path, what, (long long)i);
		if (strcmp(g, "none") == 0)
			return kam_errf(c->e, "%s: %s lists 'none', which is implicit (not a key account)",
					c->p->path, what);
		for (int k = 0; k < *n; k++)
			if (strcmp(out[k], g) == 0)
				return kam_errf(c->e, "%s:%ld: %s lists '%s' twice", c->p->path,
						duplicate_line(c->p, what, g), what, g);
		out[(*n)++] = strdup(g);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

/* The group names as a list for messages: "by_line, monthly, ...". */
static void group_names(char *out, size_t size)
{
	out[0] = '\0';
	for (int k = 0; k < kam_nfact_groups; k++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", k ? ", " : "", kam_fact_groups[k].name);
}

static int check_needs(lua_State *L, struct check *c, int t)
{
	char names[256];
	int type = lua_getfield(L, t, "needs");
	group_names(names, sizeof names);
	c->p->needs = type == LUA_TNIL ? KAM_NEED_ALL : 0;
	if (type != LUA_TNIL && type != LUA_TTABLE)
		return kam_errf(c->e, "%s: needs must be a list of fact groups (%s)", c->p->path, names);
	for (lua_Integer i = 1; type == LUA_TTABLE && lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
		const char *g = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		int known = 0;
		for (int k = 0; g && k < kam_nfact_groups; k++)
			if (strcmp(kam_fact_groups[k].name, g) == 0)
				c->p->needs |= kam_fact_groups[k].flag, known = 1;
		if (!known)
			return kam_errf(c->e, "%s: needs: unknown fact group '%s' (%s)", c->p->path,
					g ? g : luaL_typename(L, -1), names);
		lua_pop(L, 1);
	}
	lua_settop(L, t);
	return 0;
}

/* revenue_lines: the business lines `revenue`, `december` and the bureau rank count
 * (Hubei: EMS and logistics only); every line when absent. */
static int check_revenue_lines(lua_State *L, struct check *c, int t)
{
	int type = lua_getfield(L, t, "revenue_lines"), mask = 0;
	if (type == LUA_TNIL) {
		c->p->needs |= KAM_LINES_ALL << KAM_NEED_LINES_SHIFT;
		lua_settop(L, t);
		return 0;
	}
	if (type != LUA_TTABLE || lua_rawlen(L, -1) == 0)
		return kam_errf(c->e, "%s: revenue_lines must be a non-empty list of business lines", c->p->path);
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
		const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		int l;
		for (l = 0; name && l < KAM_LINES; l++)
			if (strcmp(kam_line_names[l], name) == 0)
				break;
		if (!name || l == KAM_LINES)
			return kam_errf(c->e, "%s: revenue_lines[%lld]: '%s' is not a business line", c->p->path,
					(long long)i, name ? name : luaL_typename(L, -1));
		mask |= 1 << l;
		lua_pop(L, 1);
	}
	c->p->needs |= mask << KAM_NEED_LINES_SHIFT;
	lua_settop(L, t);
	return 0;
}

static int check_overrides(lua_State *L, struct check *c, int t)
{
	kam_policy *p = c->p;
	int type = lua_getfield(L, t, "overrides"), o = lua_gettop(L);
	if (type == LUA_TNIL)
		return 0;
	if (type != LUA_TTABLE)
		return kam_errf(c->e, "%s: overrides must be a table of override kinds", p->path);
	lua_pushnil(L);
	while (lua_next(L, o)) {
		struct kam_override_kind *k, *grown;
		const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (!name || !is_name(name) || lua_type(L, -1) != LUA_TTABLE)
			return kam_errf(c->e, "%s: overrides: each kind is name = { title = ..., grades = ... }", p->path);
		if (!(grown = realloc(p->kinds, (size_t)(p->nkinds + 1) * sizeof *grown)))
			return kam_errf(c->e, "out of memory");
		p->kinds = grown;
		k = &p->kinds[p->nkinds++];
		memset(k, 0, sizeof *k);
		k->name = strdup(name);
		k->title = string_field(L, c, lua_gettop(L), "title", 0);
		lua_getfield(L, -1, "needs_until");
		k->needs_until = lua_toboolean(L, -1);
		lua_getfield(L, -2, "approval");
		k->approval = lua_toboolean(L, -1);
		lua_getfield(L, -3, "only_raises");
		k->only_raises = lua_toboolean(L, -1);
		lua_pop(L, 3);
		if (lua_getfield(L, -1, "grades") != LUA_TNIL) {
			char what[128];
			lua_pop(L, 1);
			snprintf(what, sizeof what, "overrides.%s.grades", name);
			if (check_grades(L, c, lua_gettop(L), &k->ngrades, k->grades, what) < 0)
				return -1;
			for (int g = 0; g < k->ngrades; g++)
				if (kam_policy_grade_index(p, k->grades[g]) < 0)
					return kam_errf(c->e, "%s: %s: '%s' is not one of the policy's grades", p->path,
							what, k->grades[g]);
		} else {
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_settop(L, t);
	return 0;
}

static int check_contract(lua_State *L)
{
	struct check *c = lua_touserdata(L, 1);
	kam_policy *p = c->p;
	kam_rd rd;
	int t;

	lua_settop(L, 0);
	lua_pushlightuserdata(L, c);
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, "kam.sandbox");
	lua_getfield(L, -1, "FUNCTION");
	lua_replace(L, 2);
	lua_settop(L, 2);
	kam_rd_init(&rd, c->module->data, c->module->len);
	if (kam_lser_decode(L, &rd, 2, c->e) < 0)
		return 0;
	t = lua_gettop(L);
	if (!lua_istable(L, t))
		return fail(L, c, "the policy must return a table (it returned %s)%s", luaL_typename(L, t), NULL);
	if (!(p->name = string_field(L, c, t, "name", 1)) || !(p->version = string_field(L, c, t, "version", 1)))
		return 0;
	if (!is_name(p->name))
		return fail(L, c, "name '%s' must be lowercase letters, digits, '_' or '-'%s", p->name, NULL);
	p->title = string_field(L, c, t, "title", 0);
	if (c->e->msg[0])
		return 0;
	if (check_grades(L, c, t, &p->ngrades, p->grades, "grades") < 0)
		return 0;
	for (const char *const *fn = (const char *const[]){"member", "grade", NULL}; *fn; fn++) {
		lua_getfield(L, t, *fn);
		if (!is_function(L, -1)) {
			kam_errf(c->e, "%s:%ld: missing function '%s' in the table returned here (the contract needs "
				 "member(facts, ctx) and grade(facts, ctx))", p->path, return_line(p), *fn);
			lua_settop(L, 0);
			return 0;
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, t, "check_override");
	p->has_check_override = is_function(L, -1);
	lua_pop(L, 1);
	if (check_needs(L, c, t) < 0 || check_revenue_lines(L, c, t) < 0 || check_overrides(L, c, t) < 0)
		return 0;
	lua_pushvalue(L, t);
	p->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

int kam_policy_grade_index(const kam_policy *p, const char *grade)
{
	for (int i = 0; i < p->ngrades; i++)
		if (strcmp(p->grades[i], grade) == 0)
			return i;
	return -1;
}

const struct kam_override_kind *kam_policy_override_kind(const kam_policy *p, const char *kind)
{
	for (int i = 0; i < p->nkinds; i++)
		if (strcmp(p->kinds[i].name, kind) == 0)
			return &p->kinds[i];
	return NULL;
}

int kam_policy_load(kam_ctx *ctx, const char *spec, kam_policy **out, kam_err *e)
{
	char path[PATH_MAX];
	kam_policy *p;
	kam_buf module;
	lua_State *L;
	struct check c;
	int rc;

	*out = NULL;
	if (kam_policy_find(ctx, spec, path, sizeof path, e) < 0)
		return -1;
	if (!(L = kam_ctx_lua(ctx))) {
		*e = ctx->err;
		return -1;
	}
	if (!(p = calloc(1, sizeof *p)) || !(p->path = strdup(path))) {
		free(p);
		return kam_errf(e, "out of memory");
	}
	p->module_ref = LUA_NOREF;
	p->L = L;
	if (read_source(p->path, &p->source, &p->len, e) < 0)
		goto fail;
	kam_sha256_hex(p->source, p->len, p->hash);
	if (kam_worker_open(&p->w, p->path, p->source, p->len, NULL, e) < 0)
		goto fail;
	kam_buf_init(&module);
	if (kam_worker_module(p->w, &module, e) < 0) {
		kam_buf_free(&module);
		goto fail;
	}
	c = (struct check){p, &module, e};
	kam_err_clear(e);
	lua_pushcfunction(L, check_contract);
	lua_pushlightuserdata(L, &c);
	rc = kam_lua_call(L, 1, 0, p->path, e);
	kam_buf_free(&module);
	if (rc < 0 || e->msg[0] || p->module_ref == LUA_NOREF) {
		if (!e->msg[0])
			kam_errf(e, "%s: the policy does not keep the contract", p->path);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	kam_policy_free(p);
	return -1;
}

int kam_policy_default(kam_ctx *ctx, kam_policy **out, kam_err *e)
{
	char recorded[256] = KAM_DEFAULT_POLICY;
	if (!ctx->policy && kam_ctx_db(ctx, 0) == 0 &&
	    kam_db_meta_get(ctx->db, "policy", recorded, sizeof recorded, e) < 0)
		return -1;
	return kam_policy_load(ctx, ctx->policy ? ctx->policy : recorded, out, e);
}

void kam_policy_free(kam_policy *p)
{
	if (!p)
		return;
	kam_worker_close(p->w);
	if (p->L && p->module_ref != LUA_NOREF)
		luaL_unref(p->L, LUA_REGISTRYINDEX, p->module_ref);
	for (int i = 0; i < p->ngrades; i++)
		free(p->grades[i]);
	for (int k = 0; k < p->nkinds; k++) {
		free(p->kinds[k].name);
		free(p->kinds[k].title);
		for (int g = 0; g < p->kinds[k].ngrades; g++)
			free(p->kinds[k].grades[g]);
	}
	free(p->kinds);
	free(p->name);
	free(p->version);
	free(p->title);
	free(p->path);
	free(p->source);
	free(p);
}

int kam_policy_store(kam_db *db, const kam_policy *p, kam_err *e)
{
	struct kam_store_policy sp = {p->hash, p->name, p->version, p->title, p->source, p->len};
	return kam_store_policy_put(db, &sp, e);
}
