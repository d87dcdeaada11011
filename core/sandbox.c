#include "sandbox.h"
#include "sandbox_freeze.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "log.h"

/* Instructions between two runs of the budget hook while the budget lasts. */
#define HOOK_STEP 10000

struct sb_mem {
	size_t used, limit;
	int refused;          /* an allocation was refused since the last reset */
};

struct kam_sandbox {
	lua_State *L;
	struct sb_mem mem;
	kam_sandbox_limits lim;
	long long executed;   /* instructions of the current item, in hook steps */
	int step;
	int spent;            /* the budget is gone: the hook raises at every instruction */
	int broken;
	int env_ref, module_ref;
	int upvalues_ref;     /* {f1, i1, v1, f2, i2, v2, ...}: the module's upvalues after load */
	kam_buf module;       /* the module serialized at load, before its tables were frozen */
	kam_err module_err;   /* why it could not be serialized */
	int module_failed;
	kam_sandbox_progress progress;   /* of the call running, for finalizers */
	void *ud;
	char *name;
};

/* The default deadline: $KAM_POLICY_TIME_MS when set (a slow or heavily loaded machine, a
 * test that must not depend on the machine's speed), else 5,000 ms: a hang, not a busy machine, is what it stops. */
static int default_time_ms(void)
{
	const char *env = getenv("KAM_POLICY_TIME_MS");
	char *end;
	long v;
	if (!env || !*env)
		return KAM_SANDBOX_TIME_MS;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno || *end || v < 1 || v > KAM_SANDBOX_TIME_MS_MAX) {
		static int warned; /* once, not once per worker */
		if (!warned++)
			kam_log(KAM_LOG_WARN, "KAM_POLICY_TIME_MS '%s' is not a number of milliseconds from 1 to %d;"
				" the deadline is %d ms", env, KAM_SANDBOX_TIME_MS_MAX, KAM_SANDBOX_TIME_MS);
		return KAM_SANDBOX_TIME_MS;
	}
	return (int)v;
}

void kam_sandbox_limits_fill(kam_sandbox_limits *out, const kam_sandbox_limits *in)
{
	static const kam_sandbox_limits none;
	if (!in)
		in = &none;
	out->time_ms = in->time_ms > 0 ? in->time_ms : default_time_ms();
	out->memory_bytes = in->memory_bytes > 0 ? in->memory_bytes : KAM_SANDBOX_MEMORY;
	out->instructions = in->instructions > 0 ? in->instructions : KAM_SANDBOX_INSTRUCTIONS;
}

void kam_sandbox_fmt_bytes(char *out, size_t size, size_t bytes)
{
	if (bytes % (1 << 20) == 0)
		snprintf(out, size, "%zu MiB", bytes >> 20);
	else
		snprintf(out, size, "%zu bytes", bytes);
}

/* Caps growth only: a free or a shrink always succeeds, as Lua requires. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sb_mem *m = ud;
	void *p;

	if (!ptr)
		osize = 0;    /* then it encodes the kind of object, not a size */
	if (nsize == 0) {
		free(ptr);
		m->used -= osize;
		return NULL;
	}
	if (nsize > osize && nsize - osize > m->limit - m->used) {
		m->refused = 1;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p) {
		if (nsize <= osize) {
			m->used -= osize - nsize;
			return ptr;
		}
		m->refused = 1;
		return NULL;
	}
	m->used = m->used - osize + nsize;
	return p;
}

static kam_sandbox *sb_of(lua_State *L)
{
	return *(kam_sandbox **)lua_getextraspace(L);
}

/* Once the budget is spent, re-arm for every instruction of whatever thread runs, so
 * that a pcall in the script only delays the error by one instruction. */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
	kam_sandbox *sb = sb_of(L);

	(void)ar;
	if (!sb->spent) {
		sb->executed += lua_gethookcount(L);
		if (sb->executed <= sb->lim.instructions)
			return;
		sb->spent = 1;
	}
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
	luaL_error(L, "instruction limit exceeded");
}

static void arm(kam_sandbox *sb)
{
	sb->executed = 0;
	sb->spent = 0;
	sb->mem.refused = 0;
	lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, sb->step);
}

static int sb_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "kam: sandbox: unprotected error: %s\n", msg ? msg : "?");
	abort();
}

/* ---- the environment ---- */

/* load(chunk [, chunkname [, mode [, env]]]) with the mode forced to text and the
 * sandbox as the default environment. */
static int sb_load(lua_State *L)
{
	int has_env = !lua_isnone(L, 4);

	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(2));
	lua_call(L, 4, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* kam.yuan(fen): integer fen as yuan, "1,234,567.89", exactly: the one money format the
 * policies share, so that reasons read the same whichever policy wrote them. */
static int sb_yuan(lua_State *L)
{
	lua_Integer fen = luaL_checkinteger(L, 1);
	unsigned long long a = fen < 0 ? 0ull - (unsigned long long)fen : (unsigned long long)fen;
	unsigned long long units = a / 100;
	char digits[32], out[48];
	int n = snprintf(digits, sizeof digits, "%llu", units), o = 0;
	if (fen < 0)
		out[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, sizeof out - (size_t)o, ".%02llu", a % 100);
	lua_pushstring(L, out);
	return 1;
}

static const luaL_Reg helpers[] = {
	{"yuan", sb_yuan},
	{NULL, NULL},
};

void kam_sandbox_helpers(lua_State *L)
{
	luaL_setfuncs(L, helpers, 0);
}

/* A finalizer runs when the collector decides, inside whatever call is running: it is
 * wrapped so that the worker knows one is running (and names the whole batch, not the
 * customer whose call it interrupted, when it never ends). */
static int sb_gc_wrapper(lua_State *L)
{
	kam_sandbox *sb = sb_of(L);
	int n = lua_gettop(L), status;
	if (sb->progress)
		sb->progress(sb->ud, KAM_SANDBOX_FINALIZER);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	status = lua_pcall(L, n, 0, 0);
	if (sb->progress)
		sb->progress(sb->ud, KAM_SANDBOX_FINALIZER_DONE);
	if (status != LUA_OK)
		return lua_error(L);   /* Lua turns it into a warning */
	return 0;
}

/* setmetatable(t, mt) with mt.__gc wrapped (see sb_gc_wrapper).  A metatable frozen
 * with the policy is set as its contents, so that its metamethods answer (Lua looks them
 * up raw); getmetatable hands the read-only table back. */
static int sb_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen");
		lua_pushvalue(L, 2);
		if (lua_rawget(L, -2) == LUA_TTABLE)
			lua_replace(L, 2);
		lua_settop(L, 2);
	}
	if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, (lua_pushliteral(L, "__gc"), 2)) == LUA_TFUNCTION &&
	    lua_tocfunction(L, -1) != sb_gc_wrapper) {
		lua_pushcclosure(L, sb_gc_wrapper, 1);
		lua_pushliteral(L, "__gc");
		lua_insert(L, -2);
		lua_rawset(L, 2);
	}
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

static int sb_getmetatable(lua_State *L)
{
	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 1, 1);
	if (lua_type(L, -1) == LUA_TTABLE) {
		lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.proxy_of");
		lua_pushvalue(L, -2);
		if (lua_rawget(L, -2) == LUA_TTABLE)
			return 1;
		lua_pop(L, 2);
	}
	return 1;
}

static const char *const base_names[] = {
	"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
	"rawget", "rawlen", "select", "setmetatable", "tonumber", "tostring", "type",
	"xpcall", "_VERSION", NULL,
};

static const struct {
	const char *name;
	lua_CFunction open;
	const char *omit[3];
} libs[] = {
	{"coroutine", luaopen_coroutine, {NULL}},
	{"math", luaopen_math, {"random", "randomseed", NULL}},
	{"string", luaopen_string, {"dump", NULL}},
	{"table", luaopen_table, {NULL}},
	{"utf8", luaopen_utf8, {NULL}},
};

/* Names the environment holds besides base_names and the libraries (built in build_env). */
static const char *const env_names[] = {"load", "setmetatable", "getmetatable", "_G", "kam", NULL};

int kam_sandbox_allows(const char *name)
{
	for (size_t i = 0; base_names[i]; i++)
		if (strcmp(base_names[i], name) == 0)
			return 1;
	for (size_t i = 0; env_names[i]; i++)
		if (strcmp(env_names[i], name) == 0)
			return 1;
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
		if (strcmp(libs[i].name, name) == 0)
			return 1;
	return 0;
}

const char *kam_sandbox_omitted_field(const char *field)
{
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
		for (const char *const *o = libs[i].omit; *o; o++)
			if (strcmp(*o, field) == 0)
				return libs[i].name;
	return NULL;
}

static int omitted(const char *key, const char *const *omit)
{
	for (; *omit; omit++)
		if (strcmp(key, *omit) == 0)
			return 1;
	return 0;
}

static int build_env(lua_State *L)
{
	kam_sandbox *sb = lua_touserdata(L, 1);
	size_t i;
	int env;

	luaL_requiref(L, "_G", luaopen_base, 1);
	lua_pop(L, 1);
	for (i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 1);
		lua_pop(L, 1);
	}
	/* String methods reach the real string table: take dump out of it too, and hide
	 * the string metatable. */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	if (!lua_getmetatable(L, -1))
		return luaL_error(L, "no string metatable");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	lua_getglobal(L, "next");
	lua_setfield(L, LUA_REGISTRYINDEX, "kam.sandbox.next");
	kam_sb_freeze_init(L);

	lua_newtable(L);
	env = lua_gettop(L);
	for (i = 0; base_names[i]; i++) {
		lua_getglobal(L, base_names[i]);
		lua_setfield(L, env, base_names[i]);
	}
	lua_getglobal(L, "load");
	lua_pushvalue(L, env);
	lua_pushcclosure(L, sb_load, 2);
	lua_setfield(L, env, "load");
	kam_sb_see_through(L, env);
	lua_getglobal(L, "setmetatable");
	lua_pushcclosure(L, sb_setmetatable, 1);
	lua_setfield(L, env, "setmetatable");
	lua_getglobal(L, "getmetatable");
	lua_pushcclosure(L, sb_getmetatable, 1);
	lua_setfield(L, env, "getmetatable");
	lua_pushvalue(L, env);
	lua_setfield(L, env, "_G");
	for (i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		lua_newtable(L);
		lua_getglobal(L, libs[i].name);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) == LUA_TSTRING &&
			    omitted(lua_tostring(L, -2), libs[i].omit)) {
				lua_pop(L, 1);
				continue;
			}
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -5);
		}
		lua_pop(L, 1);
		kam_sb_readonly(L, -1, libs[i].name, 0);
		lua_setfield(L, env, libs[i].name);
	}
	lua_newtable(L);
	kam_sandbox_helpers(L);
	kam_sb_readonly(L, -1, "kam", 0);
	lua_setfield(L, env, "kam");
	sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

kam_sandbox *kam_sandbox_new(const kam_sandbox_limits *lim, kam_err *e)
{
	kam_sandbox *sb = calloc(1, sizeof *sb);

	if (!sb) {
		kam_errf(e, "sandbox: out of memory");
		return NULL;
	}
	kam_sandbox_limits_fill(&sb->lim, lim);
	sb->step = sb->lim.instructions < HOOK_STEP ? (int)sb->lim.instructions : HOOK_STEP;
	sb->mem.limit = sb->lim.memory_bytes;
	sb->env_ref = sb->module_ref = sb->upvalues_ref = LUA_NOREF;
	kam_buf_init(&sb->module);
	sb->L = lua_newstate(sb_alloc, &sb->mem);
	if (!sb->L) {
		free(sb);
		kam_errf(e, "sandbox: cannot create a Lua state (out of memory)");
		return NULL;
	}
	*(kam_sandbox **)lua_getextraspace(sb->L) = sb;
	lua_atpanic(sb->L, sb_panic);
	lua_pushcfunction(sb->L, build_env);
	lua_pushlightuserdata(sb->L, sb);
	if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
		kam_errf(e, "sandbox: cannot build the environment: %s",
			 lua_tostring(sb->L, -1) ? lua_tostring(sb->L, -1) : "?");
		kam_sandbox_free(sb);
		return NULL;
	}
	return sb;
}

int kam_sandbox_broken(const kam_sandbox *sb)
{
	return sb->broken;
}

void kam_sandbox_free(kam_sandbox *sb)
{
	if (!sb)
		return;
	if (sb->L)
		lua_close(sb->L);
	kam_buf_free(&sb->module);
	free(sb->name);
	free(sb);
}

/* ---- running ---- */

/* Whether msg already starts with "name:" (Lua's position prefix); other messages, such
 * as error("x", 0) or errors in chunks the script loaded, get the name put in front. */
static int named(const kam_sandbox *sb, const char *msg)
{
	size_t n = strlen(sb->name);
	return strncmp(msg, sb->name, n) == 0 && msg[n] == ':';
}

/* Turn a failed protected call (its error value on top, popped here) into e. */
static int fail(kam_sandbox *sb, int status, const struct kam_err_call *place, kam_err *e)
{
	lua_State *L = sb->L;
	char lim[64];
	int after = 0;   /* the place follows the script's own message */

	if (sb->spent) {
		sb->broken = 1;
		kam_errf(e, "instruction limit exceeded");
	} else if (status == LUA_ERRMEM || sb->mem.refused) {
		sb->broken = 1;
		kam_sandbox_fmt_bytes(lim, sizeof lim, sb->lim.memory_bytes);
		kam_errf(e, "memory limit of %s exceeded", lim);
	} else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
		size_t len;
		const char *msg = lua_tolstring(L, -1, &len);
		/* Room for the script's text once the name and the place are in (and the host's
		 * "customer 00000000000000" for "item N"): a longer text is cut, never they. */
		size_t where = 40 + (place->function ? strlen(place->function) : 12) +
			       (place->or_function ? strlen(place->or_function) + 6 : 0);
		size_t room = sizeof e->msg - strlen(sb->name) - where - 96;
		if (len <= room) {
			kam_errf(e, "%s%s%s", named(sb, msg) ? "" : sb->name, named(sb, msg) ? "" : ": ", msg);
			after = 1;
		} else {
			size_t cut = room;
			while (cut > 0 && ((unsigned char)msg[cut] & 0xc0) == 0x80)
				cut--;   /* not inside a UTF-8 character */
			kam_errf(e, "%.*s... (the error text is %zu bytes; cut)", (int)cut, msg, len);
		}
	} else {
		kam_errf(e, "error object is a %s value", luaL_typename(L, -1));
	}
	if (after)
		kam_err_call_suffix(e, place);
	else
		kam_err_call_prefix(e, place);
	lua_pop(L, 1);
	return -1;
}

struct op {
	kam_sandbox *sb;
	const char *src;
	size_t len;
	const kam_call *call;   /* NULL: loading the chunk */
	const unsigned char *shared, *items;
	size_t sharedlen, itemslen;
	kam_buf *out;
	kam_sandbox_progress progress;
	void *ud;
	long item;
	const char *running; /* the function of a chain being called, for messages */
	int status;          /* of the script's own code */
	int line;            /* the script's line where it failed, 0 when not known */
	int handler;         /* stack index of note_line for op, 0 before there is one */
	int failed;          /* e was filled by our code */
	kam_err *e;
};

/* The message handler of the script's own code: the error object stays as it is; the
 * line of the script's innermost frame is kept beside it, for the record's where. */
static int note_line(lua_State *L)
{
	struct op *op = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = op->sb->name;
	lua_Debug ar;

	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@' &&
		    strcmp(ar.source + 1, name) == 0) {
			op->line = ar.currentline;
			break;
		}
	}
	return 1;
}

/* Push op's note_line, once per load or batch (not once per call). */
static void push_handler(lua_State *L, struct op *op)
{
	lua_pushlightuserdata(L, op);
	lua_pushcclosure(L, note_line, 1);
	op->handler = lua_gettop(L);
}

/* lua_pcall with op's note_line as the handler: results from where the function was, as
 * lua_pcall leaves them. */
static int pcall_noting(lua_State *L, struct op *op, int nargs, int nres)
{
	int h = lua_gettop(L) - nargs, status;
	lua_pushvalue(L, op->handler);
	lua_insert(L, h);
	status = lua_pcall(L, nargs, nres, h);
	lua_remove(L, h);
	return status;
}

static int p_load(lua_State *L)
{
	struct op *op = lua_touserdata(L, 1);
	kam_sandbox *sb = op->sb;
	char chunkname[512], thread[160];

	push_handler(L, op);
	snprintf(chunkname, sizeof chunkname, "@%s", sb->name);
	op->status = luaL_loadbufferx(L, op->src, op->len, chunkname, "t");
	if (op->status != LUA_OK) {
		if (op->status == LUA_ERRSYNTAX) {
			const char *msg = lua_tostring(L, -1);
			if (named(sb, msg))
				kam_errf(op->e, "%s", msg);
			else
				kam_errf(op->e, "%s: %s", sb->name, msg);
			op->failed = 1;
		}
		return 1;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	arm(sb);
	op->status = pcall_noting(L, op, 0, 1);
	if (op->status != LUA_OK)
		return 1;
	sb->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* The module is serialized first, while its tables are plain; then the globals,
	 * the module and all they reach are frozen. */
	kam_buf_reset(&sb->module);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->module_ref);
	sb->module_failed = kam_lser_encode(L, -1, &sb->module, "module", KAM_LSER_FUNCTIONS, &sb->module_err) < 0;
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
	kam_sb_readonly(L, -1, "", 0);
	lua_pop(L, 1);
	sb->upvalues_ref = kam_sb_freeze_module(L, sb->module_ref, sb->env_ref, thread, sizeof thread);
	if (thread[0]) {
		kam_errf(op->e, "%s: '%s' keeps a coroutine or an iterator at the module's level: a policy "
			 "keeps no state between calls, and their own variables would carry from one call to "
			 "the next", sb->name, thread);
		op->failed = 1;
	}
	return 0;
}

/* The place of what op is doing: the function of the call (the one of a chain that was
 * running, or both when it is not known) and its item, or `what`. */
static struct kam_err_call op_place(const struct op *op, const char *what)
{
	struct kam_err_call c = {op->sb->name, NULL, NULL, what, op->item, op->item, NULL};
	if (op->call) {
		c.function = op->running ? op->running : op->call->fname;
		c.or_function = op->running ? NULL : op->call->then;
	}
	return c;
}

/* Run f(op) in protected mode; 0, or -1 with e filled. */
static int protect(kam_sandbox *sb, lua_CFunction f, struct op *op)
{
	lua_State *L = sb->L;
	int top = lua_gettop(L), status;

	op->sb = sb;
	op->status = LUA_OK;
	op->failed = 0;
	op->item = 0;
	op->line = 0;
	op->handler = 0;
	op->running = NULL;
	lua_pushcfunction(L, f);
	lua_pushlightuserdata(L, op);
	status = lua_pcall(L, 1, 1, 0);
	if (status != LUA_OK || op->status != LUA_OK) {
		struct kam_err_call place = op_place(op, NULL);
		if (op->failed) {
			lua_settop(L, top);
			return -1;
		}
		fail(sb, status != LUA_OK ? status : op->status, &place, op->e);
		if (op->line)
			kam_err_at(op->e, sb->name, op->line, NULL);
		lua_settop(L, top);
		return -1;
	}
	lua_settop(L, top);
	return op->failed ? -1 : 0;
}

int kam_sandbox_load(kam_sandbox *sb, const char *name, const char *src, size_t len,
		     kam_err *e)
{
	struct op op = {0};

	free(sb->name);
	sb->name = strdup(name);
	if (!sb->name)
		return kam_errf(e, "%s: out of memory", name);
	op.src = src;
	op.len = len;
	op.e = e;
	return protect(sb, p_load, &op);
}

int kam_sandbox_module(kam_sandbox *sb, kam_buf *out, kam_err *e)
{
	if (sb->module_ref == LUA_NOREF)
		return kam_errf(e, "sandbox: no chunk loaded");
	if (sb->module_failed) {
		*e = sb->module_err;
		kam_err_prefix(e, "%s", sb->name);
		return -1;
	}
	kam_buf_add(out, sb->module.data, sb->module.len);
	return kam_buf_check(out, "module", e);
}

/* Push module[name] (or the global), name dotted, n bytes long. */
static int find_function(lua_State *L, struct op *op, const char *name, size_t n)
{
	kam_sandbox *sb = op->sb;
	char part[256], full[256];
	const char *p = full, *dot;

	snprintf(full, sizeof full, "%.*s", (int)n, name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->module_ref);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
	}
	for (;;) {
		size_t len;
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (len == 0 || len >= sizeof part)
			goto missing;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!lua_istable(L, -1))
			goto missing;
		lua_getfield(L, -1, part);
		lua_remove(L, -2);
		if (!dot)
			break;
		p = dot + 1;
	}
	if (lua_isfunction(L, -1))
		return 0;
	if (!lua_isnil(L, -1)) {
		kam_errf(op->e, "%s: '%s' is a %s value, not a function", sb->name, full, luaL_typename(L, -1));
		kam_err_in(op->e, full, 0);
		op->failed = 1;
		return -1;
	}
missing:
	kam_errf(op->e, "%s: function '%s' not found", sb->name, full);
	kam_err_in(op->e, full, 0);
	op->failed = 1;
	return -1;
}

/* e already holds why; put the place of op's call in front: its function (`fn`, or both
 * of a chain when NULL) and, when item is set, op's item.  Marks op failed. */
static void op_failed(struct op *op, const char *fn, int item)
{
	struct kam_err_call c = {op->sb->name, fn ? fn : op->call->fname, fn ? NULL : op->call->then, NULL,
				 item ? op->item : 0, item ? op->item : 0, NULL};
	kam_err_call_prefix(op->e, &c);
	op->failed = 1;
}

/* The arguments of one call: (item, shared), or the item's own list with spread. */
static int push_args(lua_State *L, struct op *op, int item, int shared, const char *fn)
{
	lua_Integer k;

	if (!(op->call->flags & KAM_CALL_SPREAD)) {
		lua_pushvalue(L, item);
		lua_pushvalue(L, shared);
		return 2;
	}
	if (!lua_istable(L, item)) {
		kam_errf(op->e, "arguments must be a list");
		op_failed(op, fn, 1);
		return -1;
	}
	lua_getfield(L, item, "n");
	k = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : (lua_Integer)lua_rawlen(L, item);
	lua_pop(L, 1);
	if (k < 0 || k > 64 || !lua_checkstack(L, (int)k + 4)) {
		kam_errf(op->e, "too many arguments");
		op_failed(op, fn, 1);
		return -1;
	}
	for (lua_Integer a = 1; a <= k; a++)
		lua_rawgeti(L, item, a);
	return (int)k;
}

/* A call of one function for one item, its results from base up; 0, 1 when the script
 * failed (op->status), -1 when our code did. */
static int call_one(lua_State *L, struct op *op, int fn, int item, int shared, const char *name, int nres)
{
	int nargs;
	lua_pushvalue(L, fn);
	if ((nargs = push_args(L, op, item, shared, name)) < 0)
		return -1;
	op->status = pcall_noting(L, op, nargs, nres);
	if (op->status != LUA_OK) {
		/* The error is the script's own, but a state it changed first must not serve the
		 * next call: the state starts afresh then. */
		kam_err ignore;
		if (op->status != LUA_ERRMEM && kam_sb_check_upvalues(L, op->sb->upvalues_ref, &ignore) < 0)
			op->sb->broken = 1;   /* (a memory error breaks the state anyway) */
		return 1;
	}
	if (kam_sb_check_upvalues(L, op->sb->upvalues_ref, op->e) < 0) {
		op->sb->broken = 1;   /* its state is changed: the next call starts afresh */
		op_failed(op, name, 1);
		return -1;
	}
	return 0;
}

static int p_call(lua_State *L)
{
	struct op *op = lua_touserdata(L, 1);
	kam_sandbox *sb = op->sb;
	const kam_call *call = op->call;
	int all = (call->flags & KAM_CALL_ALL) != 0;
	uint32_t narr, nhash, i;
	int fn, fn2 = 0, shared, rc;
	kam_rd rd;

	if (op->progress)
		op->progress(op->ud, 0);
	arm(sb);
	if (find_function(L, op, call->fname, strlen(call->fname)) < 0)
		return 0;
	fn = lua_gettop(L);
	if (call->then) {
		if (find_function(L, op, call->then, strlen(call->then)) < 0)
			return 0;
		fn2 = lua_gettop(L);
	}
	push_handler(L, op);
	lua_pushnil(L);
	shared = lua_gettop(L);
	if (op->sharedlen) {
		lua_pop(L, 1);
		kam_rd_init(&rd, op->shared, op->sharedlen);
		if (kam_lser_decode(L, &rd, 0, op->e) < 0 || kam_rd_end(&rd, op->e) < 0) {
			kam_err_prefix(op->e, "shared value");
			op_failed(op, NULL, 0);
			return 0;
		}
		/* One value for every call of the batch: read-only, or a call could leave
		 * something in it for the next. */
		kam_sb_freeze_shared(L, shared, "ctx");
	}
	kam_rd_init(&rd, op->items, op->itemslen);
	if (kam_rd_table(&rd, &narr, &nhash, op->e) < 0 || nhash != 0) {
		if (nhash != 0)
			kam_errf(op->e, "items are not an array");
		op_failed(op, NULL, 0);
		return 0;
	}
	kam_put_table(op->out, narr, 0);
	for (i = 1; i <= narr; i++) {
		int item, base;
		kam_rd again = rd;   /* the item once more, for the second function of a chain */
		op->item = (long)i;
		if (op->progress)
			op->progress(op->ud, op->item);
		arm(sb);
		if (kam_lser_decode(L, &rd, 0, op->e) < 0) {
			op_failed(op, NULL, 1);
			return 0;
		}
		item = lua_gettop(L);
		base = item + 1;
		op->running = fn2 ? call->fname : NULL;
		if ((rc = call_one(L, op, fn, item, shared, call->fname, all || fn2 ? LUA_MULTRET : 1)) != 0)
			return rc > 0;
		if (fn2)
			lua_settop(L, base + 1); /* fname's results are taken as two: decision, reasons */
		if (fn2 && lua_toboolean(L, base)) {
			int own;
			/* Its own facts: whatever the first function did to its copy stays there. */
			if (kam_lser_decode(L, &again, 0, op->e) < 0) {
				op_failed(op, call->then, 1);
				return 0;
			}
			own = lua_gettop(L);
			op->running = call->then;
			if (op->progress)
				op->progress(op->ud, -op->item); /* the deadline starts again for it */
			if ((rc = call_one(L, op, fn2, own, shared, call->then, LUA_MULTRET)) != 0)
				return rc > 0;
			lua_remove(L, own);   /* then's results follow fname's two */
		}
		if (all) {
			/* Every result, as an array with n (a policy returns grade, score, reasons). */
			int nres = lua_gettop(L) - base + 1;
			lua_createtable(L, nres, 1);
			lua_insert(L, base);
			for (int k = nres; k >= 1; k--)
				lua_rawseti(L, base, k);
			lua_pushinteger(L, nres);
			lua_setfield(L, base, "n");
		}
		lua_settop(L, base);
		if (kam_lser_encode(L, base, op->out, "result", KAM_LSER_FUNCTIONS, op->e) < 0) {
			op_failed(op, NULL, 1);
			return 0;
		}
		lua_settop(L, item - 1);
		op->running = NULL;
	}
	if (kam_rd_end(&rd, op->e) < 0) {
		kam_err_prefix(op->e, "items");
		op_failed(op, NULL, 0);
	}
	return 0;
}

int kam_sandbox_call(kam_sandbox *sb, const kam_call *call, const void *shared, size_t sharedlen,
		     const void *items, size_t itemslen, kam_buf *out,
		     kam_sandbox_progress progress, void *ud, kam_err *e)
{
	struct op op = {0};
	size_t start = out->len;
	int rc;

	if (sb->module_ref == LUA_NOREF)
		return kam_errf(e, "sandbox: no chunk loaded");
	op.call = call;
	op.shared = shared;
	op.sharedlen = sharedlen;
	op.items = items;
	op.itemslen = itemslen;
	op.out = out;
	op.progress = progress;
	op.ud = ud;
	op.e = e;
	sb->progress = progress;
	sb->ud = ud;
	rc = protect(sb, p_call, &op);
	sb->progress = NULL;
	sb->ud = NULL;
	if (rc < 0) {
		out->len = start;
		return -1;
	}
	if (kam_buf_check(out, "results", e) < 0) {
		op.e = e;
		op_failed(&op, NULL, 0);
		return -1;
	}
	return 0;
}
