/* kam.format: a result table -- an array of rows keyed by column name -- as CSV
 * (RFC 4180), JSON, aligned text for terminals, or HTML.
 *
 *	local format = require "kam.format"
 *	format.csv(rows, {columns = {"code", "amount"}, labels = {"客户代码", "收入"},
 *	                  money = {"amount"}, crlf = true, bom = true})
 *
 * Money columns hold integer fen and come out as yuan with two decimals, computed in
 * integers.  Text widths are kam's (kam_host_api.text_width: utf8proc's Unicode tables,
 * never the locale), so output is the same under LANG=C (cron) as under a UTF-8 locale,
 * and lines up with every other table kam prints. */
#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam_plugin.h"

#ifndef KAM_VERSION
#define KAM_VERSION "0.1.0"
#endif

#define BOX_MT "kam.format.box"
#define MAX_INDENT 31   /* what JSON_INDENT can hold */

/* The host's functions, kept at init: text widths come from kam (ABI 4). */
static const kam_host_api *kam;

/* ---- UTF-8 and display width ---- */

/* Decode the code point at s[*i] and step past it; -1 on malformed UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF included). */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned c = s[*i];
	uint32_t cp, min;
	size_t len;
	if (c < 0x80) {
		(*i)++;
		return (int32_t)c;
	}
	if (c < 0xC2)
		return -1;
	if (c < 0xE0)
		len = 2, cp = c & 0x1F, min = 0x80;
	else if (c < 0xF0)
		len = 3, cp = c & 0x0F, min = 0x800;
	else if (c < 0xF5)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return -1;
	if (n - *i < len)
		return -1;
	for (size_t k = 1; k < len; k++) {
		unsigned cc = s[*i + k];
		if ((cc & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (cc & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += len;
	return (int32_t)cp;
}

/* Offset of the first malformed byte, or -1 when s is valid UTF-8. */
static long utf8_bad(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n)
		if (utf8_next((const unsigned char *)s, n, &i) < 0)
			return (long)i;
	return -1;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* How a control character is shown in aligned text, so that data can neither break
 * the layout nor send escape sequences to the terminal. */
static size_t control_escape(uint32_t cp, char *buf, size_t size)
{
	int n;
	if (cp == '\n')
		n = snprintf(buf, size, "\\n");
	else if (cp == '\r')
		n = snprintf(buf, size, "\\r");
	else if (cp == '\t')
		n = snprintf(buf, size, "\\t");
	else if (cp < 0x80)
		n = snprintf(buf, size, "\\x%02X", (unsigned)cp);
	else
		n = snprintf(buf, size, "\\u{%X}", (unsigned)cp);
	return n < 0 ? 0 : (size_t)n;
}

/* Width of valid UTF-8 as aligned text shows it (controls escaped): kam's own width
 * rule (kam_host_api.text_width, utf8proc's tables) for the runs between controls. */
static size_t text_width(const char *s, size_t n)
{
	size_t i = 0, run = 0, w = 0;
	char esc[16];
	while (i < n) {
		size_t at = i;
		int32_t cp = utf8_next((const unsigned char *)s, n, &i);
		long rw;
		if (cp < 0)
			break;
		if (!is_control((uint32_t)cp))
			continue;
		if (at > run && (rw = kam->text_width(s + run, at - run, NULL)) > 0)
			w += (size_t)rw;
		w += control_escape((uint32_t)cp, esc, sizeof esc);
		run = i;
	}
	if (n > run) {
		long rw = kam->text_width(s + run, n - run, NULL);
		if (rw > 0)
			w += (size_t)rw;
	}
	return w;
}

/* ---- money ---- */

/* Integer fen as yuan: 1234560 -> "12345.60", -5 -> "-0.05".  No floating point. */
static void fen_to_yuan(lua_Integer fen, char *buf, size_t size)
{
	unsigned long long mag = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
	snprintf(buf, size, "%s%llu.%02llu", fen < 0 ? "-" : "", mag / 100, mag % 100);
}

/* ---- output buffer: owned by a userdata so a Lua error frees it ---- */

struct box {
	json_t *json;
	char *buf;
	size_t len, cap;
};

static int box_gc(lua_State *L)
{
	struct box *b = luaL_checkudata(L, 1, BOX_MT);
	json_decref(b->json);
	free(b->buf);
	b->json = NULL;
	b->buf = NULL;
	return 0;
}

static struct box *box_new(lua_State *L)
{
	struct box *b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	luaL_setmetatable(L, BOX_MT);
	return b;
}

static void out(lua_State *L, struct box *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2)
				luaL_error(L, "kam.format: output too large");
			cap *= 2;
		}
		if (!(p = realloc(b->buf, cap)))
			luaL_error(L, "kam.format: not enough memory");
		b->buf = p;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static void outs(lua_State *L, struct box *b, const char *s)
{
	out(L, b, s, strlen(s));
}

static void out_repeat(lua_State *L, struct box *b, char c, size_t n)
{
	char chunk[64];
	memset(chunk, c, sizeof chunk);
	for (; n > sizeof chunk; n -= sizeof chunk)
		out(L, b, chunk, sizeof chunk);
	out(L, b, chunk, n);
}

/* Return the buffer as a Lua string (on top of the stack). */
static int box_result(lua_State *L, struct box *b)
{
	lua_pushlstring(L, b->buf ? b->buf : "", b->len);
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
	return 1;
}

/* ---- the table: rows, columns and options ---- */

struct table {
	const char *fn;             /* "format.csv", for messages */
	int rows;                   /* stack index of the rows */
	lua_Integer nrows;
	int ncols;
	/* Arrays of ncols, in one userdata.  The strings are kept alive by tables left on
	 * the stack (the columns list or the key set, the labels). */
	const char **names;
	const char **labels;
	size_t *label_len;
	size_t *width;
	unsigned char *money;
	unsigned char *numeric;
	const char *null;           /* shown for nil */
	size_t null_len;
	int header;
	int listed;                 /* the columns came from opts.columns */
};

static const char *const known_options[] = {
	"columns", "labels", "money", "null", "header", "crlf", "bom", "sep", "indent", "caption",
	NULL,
};

/* One options table may serve every format, but a misspelt option is an error. */
static void check_options(lua_State *L, const char *fn, int opts)
{
	lua_pushnil(L);
	while (lua_next(L, opts)) {
		int i = 0;
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING)
			for (; known_options[i]; i++)
				if (strcmp(known_options[i], lua_tostring(L, -1)) == 0)
					break;
		if (lua_type(L, -1) != LUA_TSTRING || !known_options[i])
			luaL_error(L, "%s: unknown option '%s'", fn,
				   lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
								  : luaL_typename(L, -1));
	}
}

static void check_row(lua_State *L, const struct table *t, lua_Integer r)
{
	if (!lua_istable(L, -1))
		luaL_error(L, "%s: row %I is a %s, not a table", t->fn, (LUAI_UACINT)r,
			   luaL_typename(L, -1));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void alloc_columns(lua_State *L, struct table *t, int n)
{
	size_t each = 2 * sizeof(char *) + 2 * sizeof(size_t) + 2;
	char *p;
	if ((size_t)n > (SIZE_MAX - 1) / each)
		luaL_error(L, "%s: too many columns", t->fn);
	p = lua_newuserdatauv(L, (size_t)n * each + 1, 0);
	memset(p, 0, (size_t)n * each + 1);
	t->ncols = n;
	t->names = (const char **)(void *)p;
	t->labels = t->names + n;
	t->label_len = (size_t *)(void *)(t->labels + n);
	t->width = t->label_len + n;
	t->money = (unsigned char *)(t->width + n);
	t->numeric = t->money + n;
}

/* The columns: opts.columns in its order, else every string key of every row in byte
 * order.  Leaves two values on the stack (the table anchoring the names, the arrays). */
static void read_columns(lua_State *L, struct table *t, int opts)
{
	int list, n = 0;
	if (opts && lua_getfield(L, opts, "columns") != LUA_TNIL) {
		lua_Integer len;
		if (!lua_istable(L, -1))
			luaL_error(L, "%s: option 'columns' must be a list of names", t->fn);
		list = lua_gettop(L);
		t->listed = 1;
		len = luaL_len(L, list);
		if (len > INT32_MAX)
			luaL_error(L, "%s: too many columns", t->fn);
		alloc_columns(L, t, (int)len);
		for (int i = 0; i < t->ncols; i++) {
			/* Strings only: converting a number would leave an unanchored string. */
			if (lua_geti(L, list, i + 1) != LUA_TSTRING)
				luaL_error(L, "%s: columns[%d] is a %s, not a name", t->fn, i + 1,
					   luaL_typename(L, -1));
			t->names[i] = lua_tostring(L, -1);
			lua_pop(L, 1);
			for (int j = 0; j < i; j++)
				if (strcmp(t->names[j], t->names[i]) == 0)
					luaL_error(L, "%s: column '%s' is listed twice", t->fn, t->names[i]);
		}
		return;
	}
	lua_pop(L, 1);
	lua_newtable(L);
	list = lua_gettop(L);
	for (lua_Integer r = 1; r <= t->nrows; r++) {
		lua_geti(L, t->rows, r);
		check_row(L, t, r);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) != LUA_TSTRING)
				continue;
			lua_pushvalue(L, -1);
			if (lua_rawget(L, list) == LUA_TNIL) {
				if (n == INT32_MAX)
					luaL_error(L, "%s: too many columns", t->fn);
				n++;
				lua_pushvalue(L, -2);
				lua_pushboolean(L, 1);
				lua_rawset(L, list);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	alloc_columns(L, t, n);
	n = 0;
	lua_pushnil(L);
	while (lua_next(L, list)) {
		lua_pop(L, 1);
		t->names[n++] = lua_tostring(L, -1);
	}
	if (n)
		qsort(t->names, (size_t)n, sizeof *t->names, cmp_names);
}

static int column_index(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return i;
	return -1;
}

/* Raise for text that is not UTF-8; `what` is a lua_pushfstring format naming the place
 * (with one %s for a name), built only on failure. */
static void check_utf8(lua_State *L, const struct table *t, const char *s, size_t n,
		       const char *what, const char *name)
{
	long bad = utf8_bad(s, n);
	if (bad >= 0)
		luaL_error(L, "%s: %s: invalid UTF-8 at byte %d", t->fn, lua_pushfstring(L, what, name),
			   (int)bad + 1);
}

/* Labels: labels[i], else labels[name], else the name.  Leaves the labels table (or nil)
 * on the stack to anchor the strings. */
static void read_labels(lua_State *L, struct table *t, int opts)
{
	int lt;
	if (!opts || lua_getfield(L, opts, "labels") == LUA_TNIL) {
		for (int i = 0; i < t->ncols; i++) {
			t->labels[i] = t->names[i];
			t->label_len[i] = strlen(t->names[i]);
		}
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "%s: option 'labels' must be a table", t->fn);
	lt = lua_gettop(L);
	for (int i = 0; i < t->ncols; i++) {
		int type = lua_geti(L, lt, i + 1);
		if (type == LUA_TNIL) {
			lua_pop(L, 1);
			type = lua_getfield(L, lt, t->names[i]);
		}
		if (type == LUA_TNIL) {
			t->labels[i] = t->names[i];
			t->label_len[i] = strlen(t->names[i]);
		} else if (type == LUA_TSTRING) {
			t->labels[i] = lua_tolstring(L, -1, &t->label_len[i]);
		} else {
			luaL_error(L, "%s: the label of column '%s' is a %s, not a string", t->fn,
				   t->names[i], luaL_typename(L, -1));
		}
		lua_pop(L, 1);
	}
}

/* A money column missing from opts.columns is a typo; missing from the rows' keys it
 * is a column that happens to be nil (or no rows at all). */
static void mark_money(lua_State *L, struct table *t, const char *name)
{
	int i = column_index(t, name);
	if (i >= 0)
		t->money[i] = 1;
	else if (t->listed)
		luaL_error(L, "%s: money column '%s' is not among the columns", t->fn, name);
}

/* money = "amount", {"amount", "fee"} or {amount = true}. */
static void read_money(lua_State *L, struct table *t, int opts)
{
	int type = opts ? lua_getfield(L, opts, "money") : LUA_TNIL;
	if (type == LUA_TSTRING) {
		mark_money(L, t, lua_tostring(L, -1));
	} else if (type == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_isinteger(L, -2) && lua_type(L, -1) == LUA_TSTRING)
				mark_money(L, t, lua_tostring(L, -1));
			else if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TBOOLEAN) {
				if (lua_toboolean(L, -1))
					mark_money(L, t, lua_tostring(L, -2));
			} else
				luaL_error(L, "%s: option 'money' must list column names", t->fn);
			lua_pop(L, 1);
		}
	} else if (type != LUA_TNIL) {
		luaL_error(L, "%s: option 'money' must list column names", t->fn);
	}
	if (type != LUA_TNIL)
		lua_pop(L, 1);
}

static int opt_boolean(lua_State *L, const struct table *t, int opts, const char *name, int dflt)
{
	int type = opts ? lua_getfield(L, opts, name) : LUA_TNIL;
	int v = type == LUA_TNIL ? dflt : lua_toboolean(L, -1);
	if (type != LUA_TNIL && type != LUA_TBOOLEAN)
		luaL_error(L, "%s: option '%s' must be a boolean", t->fn, name);
	if (opts)
		lua_pop(L, 1);
	return v;
}

/* Parse the arguments (rows [, opts]).  Returns the stack index of opts, or 0. */
static int table_open(lua_State *L, struct table *t, const char *fn)
{
	int opts = 0;
	memset(t, 0, sizeof *t);
	t->fn = fn;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		opts = 2;
		check_options(L, fn, opts);
	}
	lua_settop(L, 2);
	t->rows = 1;
	t->nrows = luaL_len(L, 1);
	read_columns(L, t, opts);
	for (int i = 0; i < t->ncols; i++)
		check_utf8(L, t, t->names[i], strlen(t->names[i]), "column name '%s'", t->names[i]);
	read_labels(L, t, opts);
	for (int i = 0; i < t->ncols; i++)
		check_utf8(L, t, t->labels[i], t->label_len[i], "the label of column '%s'",
			   t->names[i]);
	read_money(L, t, opts);
	t->header = opt_boolean(L, t, opts, "header", 1);
	t->null = "";
	if (opts && lua_getfield(L, opts, "null") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s: option 'null' must be a string", fn);
		t->null = lua_tolstring(L, -1, &t->null_len);
		check_utf8(L, t, t->null, t->null_len, "option '%s'", "null");
		/* left on the stack: it anchors the string */
	}
	return opts;
}

/* ---- cells ---- */

enum cell { CELL_NIL, CELL_NUMBER, CELL_TEXT };

/* Raise "format.csv: row 3, column 'amount': MESSAGE". */
static int cell_error(lua_State *L, const struct table *t, lua_Integer r, int c, const char *msg)
{
	return luaL_error(L, "%s: row %I, column '%s': %s", t->fn, (LUAI_UACINT)r, t->names[c], msg);
}

/* "number 1.5", "string '12.30'", "table": what a bad value was. */
static const char *describe(lua_State *L, int idx)
{
	const char *type;
	idx = lua_absindex(L, idx);
	type = luaL_typename(L, idx);
	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_pushfstring(L, "%s '%s'", type, lua_tostring(L, idx));
	if (lua_type(L, idx) == LUA_TNUMBER)
		return lua_pushfstring(L, "%s %s", type, luaL_tolstring(L, idx, NULL));
	return type;
}

/* Push row r's value of column c. */
static int push_cell(lua_State *L, int row, const struct table *t, int c)
{
	return lua_getfield(L, row, t->names[c]);
}

/* Replace the value on top of the stack by its text and say what it was. */
static enum cell cell_text(lua_State *L, const struct table *t, lua_Integer r, int c)
{
	int type = lua_type(L, -1);
	size_t n;
	const char *s;
	long bad;

	if (type == LUA_TNIL) {
		lua_pop(L, 1);
		lua_pushlstring(L, t->null, t->null_len);
		return CELL_NIL;
	}
	if (t->money[c]) {
		char buf[32];
		if (!lua_isinteger(L, -1))
			cell_error(L, t, r, c, lua_pushfstring(L, "money must be integer fen, got %s",
							       describe(L, -1)));
		fen_to_yuan(lua_tointeger(L, -1), buf, sizeof buf);
		lua_pop(L, 1);
		lua_pushstring(L, buf);
		return CELL_NUMBER;
	}
	switch (type) {
	case LUA_TNUMBER:
	case LUA_TBOOLEAN:
		luaL_tolstring(L, -1, NULL);
		lua_remove(L, -2);
		return type == LUA_TNUMBER ? CELL_NUMBER : CELL_TEXT;
	case LUA_TSTRING:
		break;
	default:
		if (luaL_getmetafield(L, -1, "__tostring") == LUA_TNIL)
			cell_error(L, t, r, c, lua_pushfstring(L, "cannot format a %s",
							       luaL_typename(L, -1)));
		lua_pop(L, 1);
		luaL_tolstring(L, -1, NULL);
		lua_remove(L, -2);
	}
	s = lua_tolstring(L, -1, &n);
	if ((bad = utf8_bad(s, n)) >= 0)
		cell_error(L, t, r, c, lua_pushfstring(L, "invalid UTF-8 at byte %d", (int)bad + 1));
	return CELL_TEXT;
}

/* ---- CSV ---- */

static void csv_field(lua_State *L, struct box *b, const char *s, size_t n, char sep)
{
	size_t i, start;
	for (i = 0; i < n; i++)
		if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n) {
		out(L, b, s, n);
		return;
	}
	out(L, b, "\"", 1);
	for (start = i = 0; i < n; i++) {
		if (s[i] == '"') {
			out(L, b, s + start, i + 1 - start);
			start = i;       /* the quote goes out a second time */
		}
	}
	out(L, b, s + start, n - start);
	out(L, b, "\"", 1);
}

/* format.csv(rows [, opts]) -> string.  opts: columns, labels, money, null, header,
 * crlf (line ends; default LF), bom (UTF-8 byte order mark, for Excel), sep (default ","). */
static int l_csv(lua_State *L)
{
	struct table t;
	struct box *b;
	int opts = table_open(L, &t, "format.csv");
	const char *eol = opt_boolean(L, &t, opts, "crlf", 0) ? "\r\n" : "\n";
	char sep = ',';

	if (opts && lua_getfield(L, opts, "sep") != LUA_TNIL) {
		const char *s = lua_tostring(L, -1);
		if (lua_type(L, -1) != LUA_TSTRING || strlen(s) != 1 || *s == '"' || *s == '\r' ||
		    *s == '\n' || (unsigned char)*s >= 0x80)
			luaL_error(L, "format.csv: option 'sep' must be one ASCII character");
		sep = *s;
	}
	b = box_new(L);
	if (opt_boolean(L, &t, opts, "bom", 0))
		outs(L, b, "\xEF\xBB\xBF");
	if (t.header && t.ncols) {
		for (int c = 0; c < t.ncols; c++) {
			if (c)
				out(L, b, &sep, 1);
			csv_field(L, b, t.labels[c], t.label_len[c], sep);
		}
		outs(L, b, eol);
	}
	/* Without columns a row would be an empty line, which reads back as one field. */
	for (lua_Integer r = 1; t.ncols && r <= t.nrows; r++) {
		int row;
		lua_geti(L, t.rows, r);
		check_row(L, &t, r);
		row = lua_gettop(L);
		for (int c = 0; c < t.ncols; c++) {
			size_t n;
			const char *s;
			push_cell(L, row, &t, c);
			cell_text(L, &t, r, c);
			s = lua_tolstring(L, -1, &n);
			if (c)
				out(L, b, &sep, 1);
			csv_field(L, b, s, n, sep);
			lua_pop(L, 1);
		}
		outs(L, b, eol);
		lua_pop(L, 1);
	}
	return box_result(L, b);
}

/* ---- aligned text and HTML share the column survey ---- */

/* Display widths (header included when shown) and which columns are numeric: money,
 * or every non-nil value a number. */
static void survey(lua_State *L, struct table *t)
{
	unsigned char *seen_number = t->numeric;
	for (int c = 0; c < t->ncols; c++) {
		t->width[c] = t->header ? text_width(t->labels[c], t->label_len[c]) : 0;
		seen_number[c] = 0;
	}
	for (lua_Integer r = 1; r <= t->nrows; r++) {
		int row;
		lua_geti(L, t->rows, r);
		check_row(L, t, r);
		row = lua_gettop(L);
		for (int c = 0; c < t->ncols; c++) {
			size_t n, w;
			const char *s;
			enum cell kind;
			push_cell(L, row, t, c);
			kind = cell_text(L, t, r, c);
			s = lua_tolstring(L, -1, &n);
			w = text_width(s, n);
			if (w > t->width[c])
				t->width[c] = w;
			/* 2: a number seen; 1: something else seen, never numeric */
			if (kind == CELL_NUMBER && seen_number[c] != 1)
				seen_number[c] = 2;
			else if (kind == CELL_TEXT)
				seen_number[c] = 1;
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	for (int c = 0; c < t->ncols; c++)
		t->numeric[c] = t->money[c] || seen_number[c] == 2;
}

/* Valid UTF-8 with control characters escaped. */
static void out_display(lua_State *L, struct box *b, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	while (i < n) {
		size_t at = i;
		int32_t cp = utf8_next((const unsigned char *)s, n, &i);
		if (cp < 0)
			break;
		if (is_control((uint32_t)cp)) {
			char esc[16];
			out(L, b, s + start, at - start);
			out(L, b, esc, control_escape((uint32_t)cp, esc, sizeof esc));
			start = i;
		}
	}
	out(L, b, s + start, n - start);
}

static void text_cell(lua_State *L, struct box *b, const struct table *t, int c, const char *s,
		      size_t n)
{
	size_t pad = t->width[c] - text_width(s, n);
	if (c)
		outs(L, b, "  ");
	if (t->numeric[c])
		out_repeat(L, b, ' ', pad);
	out_display(L, b, s, n);
	if (!t->numeric[c])
		out_repeat(L, b, ' ', pad);
}

/* Trailing blanks would only wrap narrow terminals. */
static void end_line(lua_State *L, struct box *b)
{
	while (b->len > 0 && b->buf[b->len - 1] == ' ')
		b->len--;
	outs(L, b, "\n");
}

/* format.text(rows [, opts]) -> string: a table for terminals; columns padded by display
 * width (Chinese counts 2), numbers right-aligned, a header and a rule unless
 * header = false.  Control characters are shown escaped (\n, \x1B). */
static int l_text(lua_State *L)
{
	struct table t;
	struct box *b;
	table_open(L, &t, "format.text");
	survey(L, &t);
	b = box_new(L);
	if (t.header && t.ncols) {
		for (int c = 0; c < t.ncols; c++)
			text_cell(L, b, &t, c, t.labels[c], t.label_len[c]);
		end_line(L, b);
		for (int c = 0; c < t.ncols; c++) {
			if (c)
				outs(L, b, "  ");
			out_repeat(L, b, '-', t.width[c]);
		}
		end_line(L, b);
	}
	for (lua_Integer r = 1; t.ncols && r <= t.nrows; r++) {
		int row;
		lua_geti(L, t.rows, r);
		check_row(L, &t, r);
		row = lua_gettop(L);
		for (int c = 0; c < t.ncols; c++) {
			size_t n;
			const char *s;
			push_cell(L, row, &t, c);
			cell_text(L, &t, r, c);
			s = lua_tolstring(L, -1, &n);
			text_cell(L, b, &t, c, s, n);
			lua_pop(L, 1);
		}
		end_line(L, b);
		lua_pop(L, 1);
	}
	return box_result(L, b);
}

static void out_html(lua_State *L, struct box *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *rep;
		switch (ch) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* C0 controls other than white space are not allowed in HTML text. */
			rep = ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' ? "\xEF\xBF\xBD" : NULL;
		}
		if (rep) {
			out(L, b, s + start, i - start);
			outs(L, b, rep);
			start = i + 1;
		}
	}
	out(L, b, s + start, n - start);
}

/* format.html(rows [, opts]) -> string: a <table> with escaped text, numeric cells
 * class="num"; opts.caption adds a <caption>. */
static int l_html(lua_State *L)
{
	struct table t;
	struct box *b;
	int opts = table_open(L, &t, "format.html");
	survey(L, &t);
	b = box_new(L);
	outs(L, b, "<table>\n");
	if (opts && lua_getfield(L, opts, "caption") != LUA_TNIL) {
		size_t n;
		const char *s;
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "format.html: option 'caption' must be a string");
		s = lua_tolstring(L, -1, &n);
		check_utf8(L, &t, s, n, "option '%s'", "caption");
		outs(L, b, "<caption>");
		out_html(L, b, s, n);
		outs(L, b, "</caption>\n");
	}
	if (t.header) {
		outs(L, b, "<thead>\n<tr>");
		for (int c = 0; c < t.ncols; c++) {
			outs(L, b, t.numeric[c] ? "<th class=\"num\">" : "<th>");
			out_html(L, b, t.labels[c], t.label_len[c]);
			outs(L, b, "</th>");
		}
		outs(L, b, "</tr>\n</thead>\n");
	}
	outs(L, b, "<tbody>\n");
	for (lua_Integer r = 1; r <= t.nrows; r++) {
		int row;
		lua_geti(L, t.rows, r);
		check_row(L, &t, r);
		row = lua_gettop(L);
		outs(L, b, "<tr>");
		for (int c = 0; c < t.ncols; c++) {
			size_t n;
			const char *s;
			push_cell(L, row, &t, c);
			cell_text(L, &t, r, c);
			s = lua_tolstring(L, -1, &n);
			outs(L, b, t.numeric[c] ? "<td class=\"num\">" : "<td>");
			out_html(L, b, s, n);
			outs(L, b, "</td>");
			lua_pop(L, 1);
		}
		outs(L, b, "</tr>\n");
		lua_pop(L, 1);
	}
	outs(L, b, "</tbody>\n</table>\n");
	return box_result(L, b);
}

/* ---- JSON ---- */

static json_t *json_cell(lua_State *L, const struct table *t, lua_Integer r, int c)
{
	size_t n;
	const char *s;
	if (lua_isnil(L, -1))
		return json_null();
	if (!t->money[c] && lua_type(L, -1) == LUA_TBOOLEAN)
		return json_boolean(lua_toboolean(L, -1));
	if (!t->money[c] && lua_type(L, -1) == LUA_TNUMBER) {
		if (lua_isinteger(L, -1))
			return json_integer((json_int_t)lua_tointeger(L, -1));
		if (!isfinite(lua_tonumber(L, -1)))
			cell_error(L, t, r, c, lua_pushfstring(L, "%s has no JSON form", describe(L, -1)));
		return json_real(lua_tonumber(L, -1));
	}
	cell_text(L, t, r, c);   /* money, strings, values with __tostring; raises otherwise */
	s = lua_tolstring(L, -1, &n);
	return json_stringn(s, n);
}

/* format.json(rows [, opts]) -> string: an array of objects keyed by column name in
 * column order (labels are not used).  Integers stay integers, money is a decimal
 * string ("12345.60"), nil is null.  opts.indent = N pretty-prints. */
static int l_json(lua_State *L)
{
	struct table t;
	struct box *b;
	int opts = table_open(L, &t, "format.json");
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | JSON_COMPACT;
	char *s;

	if (opts && lua_getfield(L, opts, "indent") != LUA_TNIL) {
		lua_Integer indent = lua_tointeger(L, -1);
		if (!lua_isinteger(L, -1) || indent < 0 || indent > MAX_INDENT)
			luaL_error(L, "format.json: option 'indent' must be an integer from 0 to %d",
				   MAX_INDENT);
		if (indent > 0)
			flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | JSON_INDENT(indent);
	}
	b = box_new(L);
	if (!(b->json = json_array()))
		luaL_error(L, "format.json: not enough memory");
	for (lua_Integer r = 1; r <= t.nrows; r++) {
		json_t *obj = json_object();
		int row;
		if (json_array_append_new(b->json, obj) < 0)
			luaL_error(L, "format.json: not enough memory");
		lua_geti(L, t.rows, r);
		check_row(L, &t, r);
		row = lua_gettop(L);
		for (int c = 0; c < t.ncols; c++) {
			push_cell(L, row, &t, c);
			if (json_object_set_new(obj, t.names[c], json_cell(L, &t, r, c)) < 0)
				luaL_error(L, "format.json: not enough memory");
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	if (!(s = json_dumps(b->json, flags)))
		luaL_error(L, "format.json: not enough memory");
	b->buf = s;
	b->len = b->cap = strlen(s);
	return box_result(L, b);
}

/* ---- small helpers ---- */

/* format.width(s) -> display columns of UTF-8 text (controls count 0): kam's width. */
static int l_width(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t bad = 0;
	long w = kam->text_width(s, n, &bad);
	if (w < 0)
		return luaL_error(L, "format.width: invalid UTF-8 at byte %d", (int)bad + 1);
	lua_pushinteger(L, w);
	return 1;
}

/* format.money(fen) -> "12345.60". */
static int l_money(lua_State *L)
{
	char buf[32];
	if (!lua_isinteger(L, 1))
		return luaL_error(L, "format.money: want integer fen, got %s %s", luaL_typename(L, 1),
				  luaL_tolstring(L, 1, NULL));
	fen_to_yuan(lua_tointeger(L, 1), buf, sizeof buf);
	lua_pushstring(L, buf);
	return 1;
}

static const luaL_Reg format_funcs[] = {
	{"csv", l_csv}, {"json", l_json}, {"text", l_text}, {"html", l_html},
	{"width", l_width}, {"money", l_money}, {NULL, NULL},
};

static int open_format(lua_State *L)
{
	if (luaL_newmetatable(L, BOX_MT)) {
		lua_pushcfunction(L, box_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
	luaL_newlib(L, format_funcs);
	lua_pushstring(L, KAM_VERSION);
	lua_setfield(L, -2, "version");
	return 1;
}

static int format_init(kam_host *h, const kam_host_api *api)
{
	if (api->abi < 4)
		return api->error(h, KAM_PLUGIN_FAIL, "format: needs plugin ABI 4 (text widths); "
				  "this kam speaks %d", api->abi);
	kam = api;
	if (api->add_module(h, "kam.format", open_format) < 0)
		return api->error(h, KAM_PLUGIN_FAIL, "cannot register Lua module 'kam.format'");
	return 0;
}

KAM_PLUGIN("format", KAM_VERSION, "result tables as CSV, JSON, aligned text and HTML (kam.format)",
	   format_init);
