/* kam.json: JSON through jansson.  Decoding refuses duplicate keys and reports line and
 * column; arrays and objects remember which they were so a round trip keeps `[]` vs `{}`. */
#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define ARRAY_MT "kam.json.array"
#define OBJECT_MT "kam.json.object"
#define MAX_DEPTH 1000

/* A path like `a.b[3]` to the value being converted, for error messages. */
typedef struct path {
	char buf[256];
} path;

static void path_key(path *child, const path *parent, lua_State *L, int key)
{
	int n;
	/* A path is for a message: a deep one is shown cut. */
	if (lua_type(L, key) == LUA_TNUMBER)
		n = snprintf(child->buf, sizeof child->buf, "%s[%lld]", parent->buf,
			     (long long)lua_tointeger(L, key));
	else
		n = snprintf(child->buf, sizeof child->buf, "%s%s%s", parent->buf,
			     parent->buf[0] ? "." : "", lua_tostring(L, key));
	if (n >= (int)sizeof child->buf)
		memcpy(child->buf + sizeof child->buf - 4, "...", 4);
}

static int has_mt(lua_State *L, int idx, const char *name)
{
	int yes;
	if (!lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, name);
	yes = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return yes;
}

/* 0: not a sequence; else 1 + its length.  A sequence has keys exactly 1..n. */
static lua_Integer sequence_length(lua_State *L, int idx)
{
	lua_Integer n = 0, max = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
			lua_pop(L, 1);
			return 0;
		}
		if (lua_tointeger(L, -1) > max)
			max = lua_tointeger(L, -1);
		n++;
	}
	return n == max ? n + 1 : 0;
}

static json_t *to_json(lua_State *L, int idx, int depth, const path *where, kam_err *e);

static json_t *table_to_json(lua_State *L, int idx, int depth, const path *where, kam_err *e)
{
	lua_Integer seq = sequence_length(L, idx);
	int as_array = has_mt(L, idx, ARRAY_MT) || (seq > 1 && !has_mt(L, idx, OBJECT_MT));
	json_t *out = as_array ? json_array() : json_object();
	path child;

	if (!out) {
		kam_errf(e, "out of memory");
		return NULL;
	}
	if (as_array) {
		if (!seq) {
			kam_errf(e, "%s: a table marked as array has keys other than 1..n",
				 where->buf[0] ? where->buf : "value");
			json_decref(out);
			return NULL;
		}
		for (lua_Integer i = 1; i < seq; i++) {
			json_t *v;
			lua_geti(L, idx, i);
			if (snprintf(child.buf, sizeof child.buf, "%s[%lld]", where->buf, (long long)i) >= (int)sizeof child.buf)
				memcpy(child.buf + sizeof child.buf - 4, "...", 4);
			v = to_json(L, lua_gettop(L), depth + 1, &child, e);
			lua_pop(L, 1);
			if (!v || json_array_append_new(out, v) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		json_t *v;
		int key = lua_gettop(L) - 1;
		if (lua_type(L, key) != LUA_TSTRING) {
			kam_errf(e, "%s: object keys must be strings, not %s", where->buf[0] ? where->buf : "value",
				 luaL_typename(L, key));
			lua_pop(L, 2);
			json_decref(out);
			return NULL;
		}
		path_key(&child, where, L, key);
		v = to_json(L, key + 1, depth + 1, &child, e);
		if (!v || json_object_set_new(out, lua_tostring(L, key), v) < 0) {
			if (v)
				kam_errf(e, "%s: key is not valid UTF-8", child.buf);
			lua_pop(L, 2);
			json_decref(out);
			return NULL;
		}
		lua_pop(L, 1);
	}
	return out;
}

static json_t *to_json(lua_State *L, int idx, int depth, const path *where, kam_err *e)
{
	const char *at = where->buf[0] ? where->buf : "value";
	json_t *j = NULL;
	if (depth > MAX_DEPTH) {
		kam_errf(e, "%s: nested deeper than %d levels (a cycle?)", at, MAX_DEPTH);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return json_null();
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer(lua_tointeger(L, idx));
		if (!isfinite(lua_tonumber(L, idx))) {
			kam_errf(e, "%s: %s cannot be written as JSON", at, lua_tostring(L, idx));
			return NULL;
		}
		return json_real(lua_tonumber(L, idx));
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		j = json_stringn(s, len);
		if (!j)
			kam_errf(e, "%s: string is not valid UTF-8", at);
		return j;
	}
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == NULL)
			return json_null();
		break;
	case LUA_TTABLE:
		if (!lua_checkstack(L, 8)) {
			kam_errf(e, "%s: nested too deep", at);
			return NULL;
		}
		return table_to_json(L, lua_absindex(L, idx), depth, where, e);
	default:
		break;
	}
	kam_errf(e, "%s: cannot write a %s value as JSON", at, luaL_typename(L, idx));
	return NULL;
}

json_t *kam_lua_to_json(lua_State *L, int idx, kam_err *e)
{
	path root = {{0}};
	return to_json(L, lua_absindex(L, idx), 0, &root, e);
}

void kam_json_to_lua(lua_State *L, json_t *j)
{
	luaL_checkstack(L, 4, "JSON nested too deep");
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		lua_createtable(L, 0, (int)json_object_size(j));
		json_object_foreach(j, key, v) {
			kam_json_to_lua(L, v);
			lua_setfield(L, -2, key);
		}
		luaL_setmetatable(L, OBJECT_MT);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		lua_createtable(L, (int)json_array_size(j), 0);
		json_array_foreach(j, i, v) {
			kam_json_to_lua(L, v);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		luaL_setmetatable(L, ARRAY_MT);
		break;
	}
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, json_integer_value(j));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(j));
		break;
	case JSON_TRUE:
		lua_pushboolean(L, 1);
		break;
	case JSON_FALSE:
		lua_pushboolean(L, 0);
		break;
	case JSON_NULL:
		lua_pushlightuserdata(L, NULL);
		break;
	}
}

/* kam.json.encode(value [, {indent = N, sort_keys = true}]) */
static int l_encode(lua_State *L)
{
	size_t flags = JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17);
	kam_err e;
	json_t *j;
	char *s;

	luaL_checkany(L, 1);
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_getfield(L, 2, "indent");
		if (lua_isinteger(L, -1))
			flags |= JSON_INDENT(lua_tointeger(L, -1) & 0x1f);
		lua_getfield(L, 2, "sort_keys");
		if (lua_toboolean(L, -1))
			flags = (flags & ~(size_t)JSON_PRESERVE_ORDER) | JSON_SORT_KEYS;
		lua_pop(L, 2);
	} else if (!lua_isnoneornil(L, 2)) {
		luaL_typeerror(L, 2, "table");
	}
	lua_settop(L, 1);
	j = kam_lua_to_json(L, 1, &e);
	if (!j)
		return luaL_error(L, "kam.json.encode: %s", e.msg);
	s = json_dumps(j, flags);
	json_decref(j);
	if (!s)
		return luaL_error(L, "kam.json.encode: out of memory");
	lua_pushstring(L, s);
	free(s);
	return 1;
}

/* kam.json.decode(text [, name]): raises "name:line:column: message". */
static int l_decode(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "json");
	json_error_t err;
	json_t *j = json_loadb(s, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (!j)
		return luaL_error(L, "%s:%d:%d: %s", name, err.line, err.column, err.text);
	kam_json_to_lua(L, j);
	json_decref(j);
	return 1;
}

static int mark(lua_State *L, const char *mt)
{
	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	luaL_setmetatable(L, mt);
	return 1;
}

static int l_array(lua_State *L)
{
	return mark(L, ARRAY_MT);
}

static int l_object(lua_State *L)
{
	return mark(L, OBJECT_MT);
}

static const luaL_Reg json_funcs[] = {
	{"encode", l_encode}, {"decode", l_decode}, {"array", l_array}, {"object", l_object},
	{NULL, NULL},
};

int kam_open_json(lua_State *L)
{
	luaL_newmetatable(L, ARRAY_MT);
	lua_pop(L, 1);
	luaL_newmetatable(L, OBJECT_MT);
	lua_pop(L, 1);
	luaL_newlib(L, json_funcs);
	lua_pushlightuserdata(L, NULL);
	lua_setfield(L, -2, "null");
	return 1;
}
