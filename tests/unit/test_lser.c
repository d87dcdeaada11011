/* The value encoding of core/lser.c: round trips of every type through the C writer and
 * reader and through Lua, and refusal of what must not pass (deep nesting, cycles,
 * unsupported types, truncated or garbage input, lying length prefixes). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lser.h"
#include "tap.h"

static int like(const char *got, const char *want)
{
	return got && strstr(got, want) != NULL;
}

static void test_c_round_trip(void)
{
	kam_buf b;
	kam_rd r;
	kam_err e;
	int64_t i;
	double d;
	const char *s;
	size_t len;
	uint32_t narr, nhash;
	int v, ok_all = 1;
	static const int64_t ints[] = {0, 1, -1, 63, 64, -64, -65, 127, 128, 100000000000LL,
				       INT64_MAX, INT64_MIN, INT64_MIN + 1};
	size_t k;

	kam_buf_init(&b);
	kam_put_nil(&b);
	kam_put_bool(&b, 0);
	kam_put_bool(&b, 7);
	for (k = 0; k < sizeof ints / sizeof ints[0]; k++)
		kam_put_int(&b, ints[k]);
	kam_put_double(&b, 0.1);
	kam_put_double(&b, -0.0);
	kam_put_double(&b, HUGE_VAL);
	kam_put_double(&b, NAN);
	kam_put_double(&b, DBL_MIN);
	kam_put_str(&b, "a\0b", 3);
	kam_put_cstr(&b, "");
	kam_put_cstr(&b, NULL);
	kam_put_function(&b);
	kam_put_table(&b, 2, 1);
	kam_put_int(&b, 5);
	kam_put_nil(&b);
	kam_put_cstr(&b, "k");
	kam_put_cstr(&b, "v");
	ok(kam_buf_check(&b, "test", &e) == 0, "writer: no failure");

	kam_rd_init(&r, b.data, b.len);
	ok(kam_rd_nil(&r, &e) == 0, "nil");
	ok(kam_rd_bool(&r, &v, &e) == 0 && v == 0, "false");
	ok(kam_rd_bool(&r, &v, &e) == 0 && v == 1, "true");
	for (k = 0; k < sizeof ints / sizeof ints[0]; k++)
		if (kam_rd_int(&r, &i, &e) < 0 || i != ints[k]) {
			ok_all = 0;
			printf("# integer %zu: got %lld want %lld\n", k, (long long)i, (long long)ints[k]);
		}
	ok(ok_all, "integers including INT64_MIN and INT64_MAX");
	ok(kam_rd_number(&r, &d, &e) == 0 && d == 0.1, "float 0.1");
	ok(kam_rd_number(&r, &d, &e) == 0 && d == 0 && signbit(d), "float -0.0 keeps its sign");
	ok(kam_rd_number(&r, &d, &e) == 0 && isinf(d), "float inf");
	ok(kam_rd_number(&r, &d, &e) == 0 && isnan(d), "float nan");
	ok(kam_rd_number(&r, &d, &e) == 0 && d == DBL_MIN, "float DBL_MIN");
	ok(kam_rd_str(&r, &s, &len, &e) == 0 && len == 3 && memcmp(s, "a\0b", 3) == 0,
	   "string with a NUL byte");
	ok(kam_rd_str(&r, &s, &len, &e) == 0 && len == 0, "empty string");
	ok(kam_rd_nil(&r, &e) == 0, "NULL C string is nil");
	ok(kam_rd_peek(&r) == KAM_LSER_FUNCTION && kam_rd_skip(&r, &e) == 0, "function marker");
	ok(kam_rd_table(&r, &narr, &nhash, &e) == 0 && narr == 2 && nhash == 1, "table header");
	ok(kam_rd_int(&r, &i, &e) == 0 && i == 5, "table array value");
	ok(kam_rd_nil(&r, &e) == 0, "nil inside the array part");
	ok(kam_rd_str(&r, &s, &len, &e) == 0 && len == 1 && s[0] == 'k', "hash key");
	ok(kam_rd_str(&r, &s, &len, &e) == 0 && len == 1 && s[0] == 'v', "hash value");
	ok(kam_rd_end(&r, &e) == 0, "all bytes read");
	ok(kam_rd_peek(&r) == -1, "peek at the end is -1");
	ok(kam_rd_nil(&r, &e) < 0 && like(e.msg, "expected nil at byte"), "reading past the end fails: %s", e.msg);

	/* Type mismatches leave the cursor where it was. */
	kam_buf_reset(&b);
	kam_put_cstr(&b, "x");
	kam_rd_init(&r, b.data, b.len);
	ok(kam_rd_int(&r, &i, &e) < 0, "a string is not an integer");
	is_str(e.msg, "expected an integer at byte 0, got string", "mismatch message");
	ok(kam_rd_offset(&r) == 0 && kam_rd_str(&r, &s, &len, &e) == 0, "cursor did not move");
	kam_rd_init(&r, b.data, b.len);
	ok(kam_rd_end(&r, &e) < 0 && like(e.msg, "unexpected data after the value"), "end with bytes left fails");

	/* Counts fixed after the fact. */
	kam_buf_reset(&b);
	{
		size_t at = kam_put_table(&b, 0, 0);
		kam_put_int(&b, 1);
		kam_put_int(&b, 2);
		kam_put_table_counts(&b, at, 2, 0);
	}
	kam_rd_init(&r, b.data, b.len);
	ok(kam_rd_table(&r, &narr, &nhash, &e) == 0 && narr == 2 && nhash == 0 &&
	   kam_rd_skip(&r, &e) == 0 && kam_rd_skip(&r, &e) == 0 && kam_rd_end(&r, &e) == 0,
	   "kam_put_table_counts patches the header");
	kam_buf_free(&b);
}

static void test_malformed(void)
{
	kam_buf b, v;
	kam_rd r;
	kam_err e;
	kam_val val;
	size_t n;
	int all = 1, depth;
	unsigned char raw[32];

	/* Every strict prefix of a valid buffer is refused (ASan checks the reads). */
	kam_buf_init(&b);
	kam_put_table(&b, 2, 2);
	kam_put_str(&b, "hello", 5);
	kam_put_double(&b, 2.5);
	kam_put_cstr(&b, "nested");
	kam_put_table(&b, 1, 0);
	kam_put_int(&b, -123456789);
	kam_put_bool(&b, 1);
	kam_put_int(&b, 300);
	for (n = 0; n < b.len; n++) {
		kam_rd_init(&r, b.data, n);
		if (kam_rd_skip(&r, &e) == 0) {
			all = 0;
			printf("# prefix of %zu bytes accepted\n", n);
		}
	}
	ok(all, "every truncation of a %zu-byte value is refused", b.len);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_rd_skip(&r, &e) == 0 && kam_rd_end(&r, &e) == 0, "the whole value is accepted");

	/* A string claiming more bytes than there are. */
	raw[0] = KAM_LSER_STRING;
	raw[1] = 0x80; raw[2] = 0x80; raw[3] = 0x80; raw[4] = 0x80; raw[5] = 0x80; raw[6] = 0x01;
	raw[7] = 'x';
	kam_rd_init(&r, raw, 8);
	ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "string of 34359738368 bytes but only 1 left"),
	   "huge string length refused: %s", e.msg);
	ok(kam_rd_offset(&r) == 0, "failed read leaves the cursor alone");

	/* A table claiming 2^32-1 entries. */
	raw[0] = KAM_LSER_TABLE;
	memset(raw + 1, 0xff, 8);
	raw[9] = 0;
	kam_rd_init(&r, raw, 10);
	ok(kam_rd_value(&r, &val, &e) < 0 && like(e.msg, "table of 4294967295+4294967295 entries"),
	   "huge table counts refused before allocating: %s", e.msg);

	/* Varints: too long, too large. */
	raw[0] = KAM_LSER_INT;
	memset(raw + 1, 0xff, 11);
	raw[12] = 0;
	kam_rd_init(&r, raw, 13);
	ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "number too"), "overlong varint refused: %s", e.msg);
	raw[0] = KAM_LSER_INT;
	memset(raw + 1, 0xff, 9);
	raw[10] = 0x03;
	kam_rd_init(&r, raw, 11);
	ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "number too large"), "varint over 64 bits refused");

	raw[0] = 42;
	kam_rd_init(&r, raw, 1);
	ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "unknown tag 42"), "unknown tag refused");
	kam_rd_init(&r, raw, 0);
	ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "unexpected end of data"), "empty input refused");

	/* Nesting: 100 levels pass, 101 do not. */
	for (depth = 100; depth <= 101; depth++) {
		int k;
		kam_buf_init(&v);
		for (k = 0; k < depth; k++)
			kam_put_table(&v, k + 1 < depth ? 1 : 0, 0);
		kam_rd_init(&r, v.data, v.len);
		if (depth == 100)
			ok(kam_rd_skip(&r, &e) == 0, "100 nested tables are read");
		else
			ok(kam_rd_skip(&r, &e) < 0 && like(e.msg, "nested too deep"),
			   "101 nested tables are refused: %s", e.msg);
		kam_buf_free(&v);
	}

	/* Garbage: random bytes never crash the reader. */
	srand(42);
	for (n = 0; n < 20000; n++) {
		unsigned char g[24];
		size_t k, len = (size_t)(rand() % 24);
		for (k = 0; k < len; k++)
			g[k] = (unsigned char)(rand() % 10 == 0 ? 0xff : rand() % 9);
		kam_rd_init(&r, g, len);
		while (kam_rd_skip(&r, &e) == 0 && kam_rd_peek(&r) >= 0)
			;
	}
	ok(1, "20000 random buffers read without a crash");

	/* The buffer refuses to grow past its maximum and says so. */
	kam_buf_init(&v);
	ok(kam_buf_reserve(&v, KAM_BUF_MAX + 1) < 0 && v.failed, "reserving past KAM_BUF_MAX fails");
	kam_put_int(&v, 1);
	ok(v.len == 0 && kam_buf_check(&v, "items", &e) < 0 && like(e.msg, "items: out of memory"),
	   "later writes are dropped and the check reports it: %s", e.msg);
	kam_buf_reset(&v);
	kam_put_int(&v, 1);
	ok(v.len == 2 && kam_buf_check(&v, "items", &e) == 0, "reset clears the failure");
	kam_buf_free(&v);
	kam_buf_free(&b);
}

/* Lua-side helpers: deep equality and value builders, in Lua. */
static const char *helpers =
	"function deq(a, b)\n"
	"  if type(a) ~= type(b) then return false end\n"
	"  if type(a) ~= 'table' then\n"
	"    if a ~= a and b ~= b then return true end\n"
	"    return a == b and math.type(a) == math.type(b)\n"
	"  end\n"
	"  for k, v in pairs(a) do if not deq(v, b[k]) then return false end end\n"
	"  for k in pairs(b) do if a[k] == nil then return false end end\n"
	"  return true\n"
	"end\n"
	"function nest(n) local t = {} local c = t for i = 2, n do c.x = {} c = c.x end return t end\n";

static int encode_global(lua_State *L, const char *expr, kam_buf *b, int flags, kam_err *e)
{
	int r;
	char code[512];
	snprintf(code, sizeof code, "return %s", expr);
	if (luaL_dostring(L, code) != LUA_OK) {
		printf("# %s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
		return -2;
	}
	kam_buf_reset(b);
	r = kam_lser_encode(L, -1, b, "v", flags, e);
	lua_pop(L, 1);
	return r;
}

static int round_trip(lua_State *L, const char *expr)
{
	kam_buf b;
	kam_rd r;
	kam_err e;
	int same = 0;

	kam_buf_init(&b);
	if (encode_global(L, expr, &b, 0, &e) == 0) {
		kam_rd_init(&r, b.data, b.len);
		if (kam_lser_decode(L, &r, 0, &e) == 0 && kam_rd_end(&r, &e) == 0) {
			char code[600];
			lua_setglobal(L, "decoded");
			snprintf(code, sizeof code, "return deq(decoded, %s)", expr);
			if (luaL_dostring(L, code) != LUA_OK)
				printf("# %s\n", lua_tostring(L, -1));
			same = lua_toboolean(L, -1);
			lua_pop(L, 1);
		} else {
			printf("# decode: %s\n", e.msg);
		}
	} else {
		printf("# encode: %s\n", e.msg);
	}
	kam_buf_free(&b);
	return same;
}

static void test_lua(void)
{
	lua_State *L = luaL_newstate();
	kam_buf b;
	kam_rd r;
	kam_err e;
	static const char *const values[] = {
		"nil", "true", "false", "0", "-7", "math.maxinteger", "math.mininteger", "1.5",
		"-0.0", "1/0", "'hello'", "'a\\0b'", "''", "{}", "{1, 2, 3}",
		"{a = 1, b = 'x', c = {true, false}}", "{1, 2, nil, 4}", "{[1.5] = 'f', [true] = 1, [-3] = 2}",
		"{[0] = 'zero', 'one', 'two', n = 2}", "nest(100)",
		"{name = '张三', amount = 1234567, nested = {deep = {deeper = {1, 2, {x = 'y'}}}}}",
	};
	size_t k;

	luaL_openlibs(L);
	if (luaL_dostring(L, helpers) != LUA_OK)
		printf("# helpers: %s\n", lua_tostring(L, -1));
	for (k = 0; k < sizeof values / sizeof values[0]; k++)
		ok(round_trip(L, values[k]), "Lua round trip: %s", values[k]);

	kam_buf_init(&b);
	ok(encode_global(L, "0/0", &b, 0, &e) == 0, "NaN encodes");
	is_int(b.len, 9, "as a float: tag and 8 bytes");

	ok(encode_global(L, "nest(101)", &b, 0, &e) == -1 &&
	   like(e.msg, "cannot send tables nested more than 100 deep at 'v.x.x."),
	   "101 nested tables refused: %.80s", e.msg);
	ok(encode_global(L, "(function() local t = {a = {}} t.a.b = t return t end)()", &b, 0, &e) == -1,
	   "a cycle is refused");
	is_str(e.msg, "cannot send a table that contains itself at 'v.a.b'", "cycle message");
	ok(encode_global(L, "(function() local s = {} return {s, s, {s}} end)()", &b, 0, &e) == 0,
	   "a table shared without a cycle is fine");
	ok(encode_global(L, "{a = {b = {1, 2, io.stdout}}}", &b, 0, &e) == -1, "userdata refused");
	is_str(e.msg, "cannot send a userdata value at 'v.a.b[3]'", "userdata message names the place");
	ok(encode_global(L, "{['not a name'] = coroutine.create(print)}", &b, 0, &e) == -1 &&
	   like(e.msg, "cannot send a thread value at 'v[\"not a name\"]'"), "thread refused: %s", e.msg);
	ok(encode_global(L, "{x = {[{}] = 1}}", &b, 0, &e) == -1, "table key refused");
	is_str(e.msg, "cannot send a table with a table key at 'v.x'", "table key message");
	ok(encode_global(L, "{f = print}", &b, 0, &e) == -1, "function refused without the flag");
	is_str(e.msg, "cannot send a function value at 'v.f'", "function message");
	ok(encode_global(L, "{f = print, g = {function() end}}", &b, KAM_LSER_FUNCTIONS, &e) == 0,
	   "functions become markers with the flag");

	/* Markers decode as the sentinel given, or are refused. */
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) < 0 && like(e.msg, "unexpected function value"),
	   "function marker refused without a sentinel");
	ok(lua_gettop(L) == 0, "a failed decode leaves the stack as it was");
	lua_pushliteral(L, "SENTINEL");
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 1, &e) == 0, "function markers decode with a sentinel");
	lua_getfield(L, -1, "f");
	is_str(lua_tostring(L, -1), "SENTINEL", "f is the sentinel");
	lua_settop(L, 0);

	/* Array part stops at the first nil; the rest travels as hash entries. */
	ok(encode_global(L, "{1, 2, nil, 4}", &b, 0, &e) == 0, "array with a hole");
	{
		uint32_t narr, nhash;
		kam_rd_init(&r, b.data, b.len);
		ok(kam_rd_table(&r, &narr, &nhash, &e) == 0 && narr == 2 && nhash == 1,
		   "{1, 2, nil, 4}: 2 array entries, 1 hash entry");
	}

	/* Nils inside an array part written from C come out as holes. */
	kam_buf_reset(&b);
	kam_put_table(&b, 3, 0);
	kam_put_int(&b, 1);
	kam_put_nil(&b);
	kam_put_int(&b, 3);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) == 0, "decode a C array with a nil");
	lua_setglobal(L, "holes");
	ok(luaL_dostring(L, "return holes[1] == 1 and holes[2] == nil and holes[3] == 3") == LUA_OK &&
	   lua_toboolean(L, -1), "holes keep their places");
	lua_settop(L, 0);

	/* Malformed keys from a lying peer. */
	kam_buf_reset(&b);
	kam_put_table(&b, 0, 1);
	kam_put_nil(&b);
	kam_put_int(&b, 1);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) < 0 && like(e.msg, "nil table key"), "nil key refused");
	kam_buf_reset(&b);
	kam_put_table(&b, 0, 1);
	kam_put_double(&b, NAN);
	kam_put_int(&b, 1);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) < 0 && like(e.msg, "NaN table key"), "NaN key refused");
	kam_buf_reset(&b);
	kam_put_table(&b, 0, 1);
	kam_put_table(&b, 0, 0);
	kam_put_int(&b, 1);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) < 0 && like(e.msg, "unsupported type"), "table key refused");
	ok(lua_gettop(L) == 0, "stack clean after malformed keys");

	/* Truncations through the Lua decoder too. */
	ok(encode_global(L, "{a = {1, 2, 'three'}, b = 2.5, [7] = true}", &b, 0, &e) == 0, "encode for truncation");
	{
		size_t n;
		int all = 1;
		for (n = 0; n < b.len; n++) {
			kam_rd_init(&r, b.data, n);
			if (kam_lser_decode(L, &r, 0, &e) == 0) {
				all = 0;
				lua_pop(L, 1);
			}
		}
		ok(all && lua_gettop(L) == 0, "every truncation refused by the Lua decoder");
	}
	/* A lying array count does not make the decoder preallocate it. */
	kam_buf_reset(&b);
	kam_put_table(&b, 50000000, 0);
	for (k = 0; k < 50000000 / 1000; k++)
		kam_put_nil(&b);
	kam_rd_init(&r, b.data, b.len);
	ok(kam_lser_decode(L, &r, 0, &e) < 0 && like(e.msg, "entries but only"),
	   "array count larger than the data is refused");
	kam_buf_free(&b);
	lua_close(L);
}

int main(void)
{
	test_c_round_trip();
	test_malformed();
	test_lua();
	return done_testing();
}
