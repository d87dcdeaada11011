/* kam.format through the real loader: load build/plugins/format.so with
 * kam_plugins_load, make it requirable in a bare Lua state, and check its output. */
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"
#include "tap.h"

static lua_State *L;
static char result[8192];

/* Run a chunk returning a string; the string, or "error: MESSAGE". */
static const char *eval(const char *code)
{
	if (luaL_loadstring(L, code) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		snprintf(result, sizeof result, "error: %s", lua_tostring(L, -1));
	else if (lua_type(L, -1) != LUA_TSTRING)
		snprintf(result, sizeof result, "(a %s)", luaL_typename(L, -1));
	else
		snprintf(result, sizeof result, "%s", lua_tostring(L, -1));
	lua_settop(L, 0);
	return result;
}

/* Like eval, for a chunk expected to fail: just the message after the chunk's place. */
static const char *eval_error(const char *code)
{
	const char *r = eval(code);
	const char *msg = strstr(r, "format.");
	return strncmp(r, "error: ", 7) == 0 && msg ? msg : r;
}

static void plugin_dir_from_exe(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;
	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, size, "%s/../plugins", exe);   /* build/tests/x -> build/plugins */
}

static void test_money(void)
{
	static const struct { const char *fen, *yuan; } cases[] = {
		{"0", "0.00"}, {"5", "0.05"}, {"-5", "-0.05"}, {"100", "1.00"}, {"-100", "-1.00"},
		{"1234560", "12345.60"}, {"123456789012", "1234567890.12"},
		{"math.maxinteger", "92233720368547758.07"}, {"math.mininteger", "-92233720368547758.08"},
	};
	char code[256], want[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(code, sizeof code, "return require('kam.format').money(%s)", cases[i].fen);
		is_str(eval(code), cases[i].yuan, "money(%s)", cases[i].fen);
		snprintf(code, sizeof code,
			 "return require('kam.format').csv({{a = %s}}, {money = {'a'}, header = false})",
			 cases[i].fen);
		snprintf(want, sizeof want, "%s\n", cases[i].yuan);
		is_str(eval(code), want, "csv money column %s", cases[i].fen);
	}
	is_str(eval_error("return require('kam.format').money(1.5)"),
	       "format.money: want integer fen, got number 1.5", "money refuses a float");
	is_str(eval_error("return require('kam.format').csv({{a = 12.3}}, {money = 'a'})"),
	       "format.csv: row 1, column 'a': money must be integer fen, got number 12.3",
	       "a money column refuses a float");
	is_str(eval_error("return require('kam.format').csv({{a = '12.30'}}, {money = {a = true}})"),
	       "format.csv: row 1, column 'a': money must be integer fen, got string '12.30'",
	       "a money column refuses a string");
	is_str(eval_error("return require('kam.format').csv({{a = 1}}, {columns = {'a'}, money = {'amout'}})"),
	       "format.csv: money column 'amout' is not among the columns", "a misspelt money column");
	is_str(eval("return require('kam.format').csv({}, {money = {'amount'}})"), "",
	       "no rows and no columns listed: a money column is no error");
	is_str(eval("return require('kam.format').csv({{a = 1}}, {money = {'amount'}})"), "a\n1\n",
	       "columns from the rows: an absent money column is no error");
}

static void test_csv(void)
{
	is_str(eval("local f = require 'kam.format'\n"
		    "return f.csv({{a = 'x,y', b = 'say \"hi\"', c = 'line1\\nline2', d = '广州,汕头'},\n"
		    "              {a = 'plain', b = '', c = 'cr\\rhere', d = '中文'}},\n"
		    "             {columns = {'a', 'b', 'c', 'd'}})"),
	       "a,b,c,d\n"
	       "\"x,y\",\"say \"\"hi\"\"\",\"line1\nline2\",\"广州,汕头\"\n"
	       "plain,,\"cr\rhere\",中文\n",
	       "csv quotes commas, quotes, CR and LF only");
	is_str(eval("return require('kam.format').csv({{code = '4401', n = 3}},\n"
		    "  {columns = {'code', 'n'}, labels = {'客户代码', '件数'}, crlf = true, bom = true})"),
	       "\xEF\xBB\xBF客户代码,件数\r\n4401,3\r\n", "csv with labels, CRLF and a BOM");
	is_str(eval("return require('kam.format').csv({{code = '4401', n = 3}},\n"
		    "  {columns = {'code', 'n'}, labels = {n = 'count'}, sep = ';'})"),
	       "code;count\n4401;3\n", "labels by name; another separator");
	is_str(eval("return require('kam.format').csv({{b = 2, a = 1, [1] = 'x'}, {c = true}})"),
	       "a,b,c\n1,2,\n,,true\n", "columns default to every string key, sorted; nil is empty");
	is_str(eval("return require('kam.format').csv({{a = nil, b = 1.5}}, "
		    "{columns = {'a', 'b'}, null = 'NULL'})"),
	       "a,b\nNULL,1.5\n", "the null option");
	is_str(eval("return require('kam.format').csv({}, {columns = {'a'}})"), "a\n",
	       "no rows: just the header");
	is_str(eval_error("return require('kam.format').csv({{a = 1}, 'oops'})"),
	       "format.csv: row 2 is a string, not a table", "a row that is not a table");
	is_str(eval_error("return require('kam.format').csv({}, {colums = {'a'}})"),
	       "format.csv: unknown option 'colums'", "a misspelt option");
	is_str(eval_error("return require('kam.format').csv({}, {columns = {'a', 'a'}})"),
	       "format.csv: column 'a' is listed twice", "a column listed twice");
	is_str(eval_error("return require('kam.format').csv({{a = {}}})"),
	       "format.csv: row 1, column 'a': cannot format a table", "a table cell");
	is_str(eval_error("return require('kam.format').csv({{a = 'ok\\xff'}})"),
	       "format.csv: row 1, column 'a': invalid UTF-8 at byte 3", "invalid UTF-8 in CSV");
}

static void test_width(void)
{
	static const struct { const char *s; int w; const char *what; } cases[] = {
		{"", 0, "empty"}, {"abc", 3, "ASCII"}, {"广州", 4, "Chinese"},
		{"e\xCC\x81", 1, "e + combining acute"}, {"\xEF\xBD\xB1", 1, "halfwidth katakana"},
		{"\xEF\xBC\xA1", 2, "fullwidth A"}, {"\xF0\x9F\x98\x80", 2, "emoji"},
		{"\xE3\x80\x80", 2, "ideographic space"}, {"한국", 4, "Hangul"},
		{"a\tb", 2, "a control counts 0"}, {"\xE2\x80\x8B", 0, "zero width space"},
		{"\xC2\xAD", 1, "soft hyphen"}, {"\xF0\xA0\x80\x80", 2, "CJK extension B"},
		{"\xE2\x94\x80", 1, "box drawing (ambiguous) counts 1"},
		{"\xEF\xBC\x8C\xE3\x80\x82\xEF\xBC\x9A\xE3\x80\x8A\xE3\x80\x8B", 10,
		 "full-width punctuation \xEF\xBC\x8C\xE3\x80\x82\xEF\xBC\x9A\xE3\x80\x8A\xE3\x80\x8B"},
		{"\xE4\xB8\xAD\xCC\x81", 2, "Chinese + combining acute"},
		{"a\xCC\x81\xCC\xA3" "b", 2, "two combining marks on one letter"},
		{"\xE2\x9D\xA4\xEF\xB8\x8F", 2, "heart + VS16 (emoji presentation)"},
		{"\xE2\x9D\xA4", 1, "heart alone (text presentation)"},
		{"\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3", 2, "a flag: two regional indicators"},
		{"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", 2,
		 "a ZWJ family sequence"},
		{"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 2, "emoji + skin tone modifier"},
		{"\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 2, "Hangul jamo L V T: one syllable"},
		{"\xE6\xB1\x95\xE5\xA4\xB4\xF0\x9F\x93\xAE", 6, "Chinese then an emoji (postbox)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lua_getglobal(L, "require");
		lua_pushstring(L, "kam.format");
		lua_call(L, 1, 1);
		lua_getfield(L, -1, "width");
		lua_pushstring(L, cases[i].s);
		lua_call(L, 1, 1);
		is_int(lua_tointeger(L, -1), cases[i].w, "width: %s", cases[i].what);
		lua_settop(L, 0);
	}
	is_str(eval_error("return require('kam.format').width('ab\\xe5\\xb9')"),
	       "format.width: invalid UTF-8 at byte 3", "width refuses invalid UTF-8");
	is_str(eval_error("return require('kam.format').width('\\xed\\xa0\\x80')"),
	       "format.width: invalid UTF-8 at byte 1", "width refuses a UTF-8 surrogate");
	is_str(eval_error("return require('kam.format').width('\\xc0\\xaf')"),
	       "format.width: invalid UTF-8 at byte 1", "width refuses an overlong form");
}

static void test_text(void)
{
	is_str(eval("return require('kam.format').text({\n"
		    "  {code = 'A1', name = '广州邮政', amount = 123456},\n"
		    "  {code = 'B22', name = 'Shantou', amount = -5},\n"
		    "}, {columns = {'code', 'name', 'amount'}, labels = {'代码', '名称', '收入'},\n"
		    "    money = {'amount'}})"),
	       "代码  名称         收入\n"
	       "----  --------  -------\n"
	       "A1    广州邮政  1234.56\n"
	       "B22   Shantou     -0.05\n",
	       "text pads by display width; numbers right-aligned");
	is_str(eval("return require('kam.format').text({{n = 7, s = 'x'}, {n = 1234, s = 'yy'}})"),
	       "   n  s\n"
	       "----  --\n"
	       "   7  x\n"
	       "1234  yy\n",
	       "integer columns right-aligned, header too");
	is_str(eval("return require('kam.format').text({{n = 7, s = 'e\\u{301}t\\u{e9}'}}, "
		    "{header = false})"),
	       "7  e\xCC\x81t\xC3\xA9\n", "combining marks take no column; header = false");
	is_str(eval("return require('kam.format').text({{a = 'x\\ny', b = '\\27[31mred'}, {a = 'z', b = 'ok'}})"),
	       "a     b\n"
	       "----  -----------\n"
	       "x\\ny  \\x1B[31mred\n"
	       "z     ok\n",
	       "control characters shown escaped and counted as shown");
	is_str(eval("return require('kam.format').text({\n"
		    "  {name = '\\u{6C55}\\u{5934}\\u{FF0C}\\u{5E7F}\\u{4E1C}', n = 1},\n"
		    "  {name = '\\u{1F4EE}\\u{2764}\\u{FE0F}x', n = 22},\n"
		    "  {name = 'e\\u{301}\\u{1F1E8}\\u{1F1F3}', n = 333},\n"
		    "}, {columns = {'name', 'n'}})"),
	       "name          n\n"
	       "----------  ---\n"
	       "\xE6\xB1\x95\xE5\xA4\xB4\xEF\xBC\x8C\xE5\xB9\xBF\xE4\xB8\x9C    1\n"
	       "\xF0\x9F\x93\xAE\xE2\x9D\xA4\xEF\xB8\x8F""x        22\n"
	       "e\xCC\x81\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3         333\n",
	       "text pads Chinese with full-width punctuation, emoji with VS16, combining marks and flags");
	is_str(eval("return require('kam.format').text({{a = 1, b = 'x'}, {b = 'y'}}, {columns = {'a', 'b'}})"),
	       "a  b\n-  -\n1  x\n   y\n", "nil cells do not make a column textual");
	is_str(eval_error("return require('kam.format').text({{name = 'bad\\xe4\\xb8'}})"),
	       "format.text: row 1, column 'name': invalid UTF-8 at byte 4", "invalid UTF-8 in text");
	is_str(eval_error("return require('kam.format').text({{a = 1}}, {labels = {'ok\\x80'}})"),
	       "format.text: the label of column 'a': invalid UTF-8 at byte 3", "invalid UTF-8 in a label");
}

static void test_json(void)
{
	is_str(eval("return require('kam.format').json({{n = 1, f = 1.5, s = '广州', m = 1234560, b = true},\n"
		    "  {n = -2, m = -5}}, {columns = {'n', 'f', 's', 'm', 'b'}, money = {'m'}, labels = {'x'}})"),
	       "[{\"n\":1,\"f\":1.5,\"s\":\"广州\",\"m\":\"12345.60\",\"b\":true},"
	       "{\"n\":-2,\"f\":null,\"s\":null,\"m\":\"-0.05\",\"b\":null}]",
	       "json keeps column order, integers, money as decimal strings, nil as null");
	is_str(eval("return require('kam.format').json({})"), "[]", "json of no rows");
	is_str(eval("return require('kam.format').json({{a = 1}}, {indent = 2})"),
	       "[\n  {\n    \"a\": 1\n  }\n]", "json indent");
	/* printf spells NaN "nan" or "-nan" */
	ok(strstr(eval_error("return require('kam.format').json({{a = 0/0}})"),
		  "format.json: row 1, column 'a': number ") &&
	   strstr(result, "nan has no JSON form"), "json refuses NaN: %s", result);
	is_str(eval_error("return require('kam.format').json({{a = math.huge}})"),
	       "format.json: row 1, column 'a': number inf has no JSON form", "json refuses infinity");
	is_str(eval_error("return require('kam.format').json({{a = '\\xff'}})"),
	       "format.json: row 1, column 'a': invalid UTF-8 at byte 1", "json refuses invalid UTF-8");
	is_str(eval_error("return require('kam.format').json({{a = true}}, {money = 'a'})"),
	       "format.json: row 1, column 'a': money must be integer fen, got boolean",
	       "json money refuses a boolean");
}

static void test_html(void)
{
	is_str(eval("return require('kam.format').html({{t = '<a href=\"x\">&\\'</a>', n = 3}},\n"
		    "  {columns = {'t', 'n'}, labels = {'<T>', 'N'}, caption = 'A & B'})"),
	       "<table>\n<caption>A &amp; B</caption>\n"
	       "<thead>\n<tr><th>&lt;T&gt;</th><th class=\"num\">N</th></tr>\n</thead>\n"
	       "<tbody>\n<tr><td>&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;</td>"
	       "<td class=\"num\">3</td></tr>\n</tbody>\n</table>\n",
	       "html escapes text and marks numeric columns");
}

int main(void)
{
	kam_ctx ctx = {0};
	char dir[PATH_MAX + 32];

	plugin_dir_from_exe(dir, sizeof dir);
	setenv("KAM_PLUGIN_PATH", dir, 1);
	ctx.db_path = ":memory:";
	kam_plugins_load(&ctx);
	L = luaL_newstate();
	luaL_openlibs(L);
	kam_plugins_open_lua(&ctx, L);
	if (!ok(strcmp(eval("return type(require('kam.format').csv)"), "function") == 0,
		"kam.format loads from %s", dir)) {
		printf("#   %s\n", result);
		return done_testing();
	}
	test_money();
	test_csv();
	test_width();
	test_text();
	test_json();
	test_html();
	lua_close(L);
	kam_plugins_free(&ctx);
	return done_testing();
}
