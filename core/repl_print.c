/* How the REPL shows values.  Rows -- an array of tables keyed by column, as kam.db.all
 * and the dot-commands return them -- print in the session's mode: an aligned table with
 * borders (ASCII or box drawing), CSV, JSON, `column = value` lines, or Lua.  Columns are
 * sized by display width (width.c: a Chinese character takes two columns, as psql counts
 * and the sqlite3 shell does not), numbers are right-aligned, money columns show yuan with
 * thousands separators, and a footer counts the rows.  Any other value prints in a compact
 * Lua form.  Output longer than the terminal goes through $PAGER on a terminal.
 *
 * Money columns are told by name: `amount`, a name containing `amount` or `revenue`
 * (sum(amount), revenue_2025), or ending in `_fen`; they hold integer fen. */
#include "repl.h"

#include <jansson.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "host.h"
#include "width.h"

const char *const kam_repl_mode_names[] = {"table", "box", "csv", "json", "line", "lua", NULL};

static int is_money(const char *name)
{
	size_t len = strlen(name);
	return strstr(name, "amount") || strstr(name, "revenue") ||
	       (len > 4 && strcmp(name + len - 4, "_fen") == 0);
}

/* ---- the compact Lua form ---- */

static int is_identifier(const char *s, size_t len)
{
	static const char *const reserved[] = {"and", "break", "do", "else", "elseif", "end", "false", "for",
					       "function", "goto", "if", "in", "local", "nil", "not", "or",
					       "repeat", "return", "then", "true", "until", "while", NULL};
	if (len == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	for (int i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == len && memcmp(reserved[i], s, len) == 0)
			return 0;
	return 1;
}

/* A string as Lua source; UTF-8 stays as it is. */
static void put_quoted(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 32 || c == 127)
			fprintf(f, "\\%d", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_lua(lua_State *L, FILE *f, int idx, int depth);

static int key_order(lua_State *L, int a, int b)
{
	int ta = lua_type(L, a), tb = lua_type(L, b);
	if (ta != tb)
		return ta < tb;
	if (ta == LUA_TNUMBER || ta == LUA_TSTRING)
		return lua_compare(L, a, b, LUA_OPLT);
	return 0;
}

/* {1, 2, name = "x", [10] = true}: the sequence first, then the other keys sorted. */
static void put_table(lua_State *L, FILE *f, int idx, int depth)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), nkeys = 0;
	int first = 1, keys;
	/* The depth bound also ends a table that holds itself. */
	if (depth > 4 || !lua_checkstack(L, 8)) {
		fputs("{...}", f);
		return;
	}
	fputc('{', f);
	for (lua_Integer i = 1; i <= n; i++) {
		if (!first)
			fputs(", ", f);
		first = 0;
		lua_rawgeti(L, idx, i);
		put_lua(L, f, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	/* The other keys, sorted, in a table of their own. */
	lua_newtable(L);
	keys = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= n)
			continue;
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, ++nkeys);
	}
	/* insertion sort: a printed table is small */
	for (lua_Integer i = 2; i <= nkeys; i++) {
		for (lua_Integer j = i; j > 1; j--) {
			lua_rawgeti(L, keys, j);
			lua_rawgeti(L, keys, j - 1);
			if (!key_order(L, -2, -1)) {
				lua_pop(L, 2);
				break;
			}
			lua_rawseti(L, keys, j);
			lua_rawseti(L, keys, j - 1);
		}
	}
	for (lua_Integer i = 1; i <= nkeys; i++) {
		size_t len;
		const char *s;
		if (!first)
			fputs(", ", f);
		first = 0;
		lua_rawgeti(L, keys, i);
		s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
		if (s && is_identifier(s, len))
			fwrite(s, 1, len, f);
		else {
			fputc('[', f);
			put_lua(L, f, lua_gettop(L), depth + 1);
			fputc(']', f);
		}
		fputs(" = ", f);
		lua_rawget(L, idx);
		put_lua(L, f, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	fputc('}', f);
}

static void put_lua(lua_State *L, FILE *f, int idx, int depth)
{
	size_t len;
	const char *s;
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		put_quoted(f, s, len);
		break;
	case LUA_TTABLE:
		if (!luaL_getmetafield(L, idx, "__tostring")) {
			put_table(L, f, idx, depth);
			break;
		}
		lua_pop(L, 1);
		/* fall through */
	default:
		s = luaL_tolstring(L, idx, &len);
		fwrite(s, 1, len, f);
		lua_pop(L, 1);
	}
}

/* ---- rows ---- */

struct cell {
	char *text;   /* as shown */
	long width;   /* display columns */
	int right;    /* numbers: right-aligned */
	int null;
};

/* Yuan with thousands separators from fen: -1234567 -> "-12,345.67". */
static char *yuan(long long fen, int separators)
{
	char digits[32], *out, *p;
	unsigned long long v = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
	int n = snprintf(digits, sizeof digits, "%llu", v / 100), groups;
	if (!(out = malloc((size_t)n + (size_t)n / 3 + 8)))
		return NULL;
	p = out;
	if (fen < 0)
		*p++ = '-';
	for (int i = 0; i < n; i++) {
		groups = n - i;
		*p++ = digits[i];
		if (separators && groups > 1 && groups % 3 == 1)
			*p++ = ',';
	}
	sprintf(p, ".%02llu", v % 100);
	return out;
}

/* A cell's text: escapes for control characters, so that a row stays one line. */
static char *show_text(const char *s, size_t len)
{
	char *out = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&out, &size);
	if (!m)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", m);
		else if (c == '\t')
			fputs("\\t", m);
		else if (c == '\r')
			fputs("\\r", m);
		else if (c < 32 || c == 127)
			fprintf(m, "\\%d", c);
		else
			fputc(c, m);
	}
	fclose(m);
	return out;
}

static long text_width(const char *s)
{
	long w = kam_text_width(s, strlen(s), NULL);
	return w < 0 ? (long)strlen(s) : w;
}

/* The value at idx as a cell of column `name`; csv/json keep money without separators. */
static struct cell make_cell(lua_State *L, int idx, const char *name, int separators)
{
	struct cell c = {NULL, 0, 0, 0};
	size_t len;
	const char *s;
	char buf[64];
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		c.text = strdup("");
		c.null = 1;
		break;
	case LUA_TNUMBER:
		c.right = 1;
		if (lua_isinteger(L, idx)) {
			if (is_money(name)) {
				c.text = yuan(lua_tointeger(L, idx), separators);
				break;
			}
			snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
		} else
			snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, idx));
		c.text = strdup(buf);
		break;
	case LUA_TBOOLEAN:
		c.text = strdup(lua_toboolean(L, idx) ? "true" : "false");
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		c.text = show_text(s, len);
		break;
	default: {
		char *out = NULL;
		size_t size = 0;
		FILE *m = open_memstream(&out, &size);
		if (m) {
			put_lua(L, m, idx, 1);
			fclose(m);
		}
		c.text = out;
	}
	}
	if (!c.text)
		c.text = strdup("?");
	c.width = c.text ? text_width(c.text) : 0;
	return c;
}

/* Rows: a non-empty sequence of tables (each keyed by name), or any table kam.db.all
 * returned (its columns are known, rows or not).  Pushes the column names as a sequence
 * and returns 1, else 0. */
static int rows_columns(lua_State *L, int idx)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), ncol = 0;
	int names, seen;
	if (lua_type(L, idx) != LUA_TTABLE)
		return 0;
	if (kam_lua_noted_columns(L, idx))
		return 1;
	if (n == 0)
		return 0;
	for (lua_Integer i = 1; i <= n; i++) {
		int t = lua_rawgeti(L, idx, i);
		lua_pop(L, 1);
		if (t != LUA_TTABLE)
			return 0;
	}
	/* Columns unknown: the rows' keys, sorted by name. */
	lua_newtable(L);
	names = lua_gettop(L);
	lua_newtable(L);
	seen = lua_gettop(L);
	for (lua_Integer i = 1; i <= n && i <= 1000; i++) {
		lua_rawgeti(L, idx, i);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) != LUA_TSTRING) {
				lua_settop(L, names - 1);
				return 0;
			}
			lua_pushvalue(L, -1);
			if (lua_rawget(L, seen) == LUA_TNIL) {
				lua_pop(L, 1);
				lua_pushvalue(L, -1);
				lua_pushboolean(L, 1);
				lua_rawset(L, seen);
				lua_pushvalue(L, -1);
				lua_rawseti(L, names, ++ncol);
			} else
				lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1); /* seen */
	if (ncol == 0) {
		lua_pop(L, 1);
		return 0;
	}
	for (lua_Integer i = 2; i <= ncol; i++) {
		for (lua_Integer j = i; j > 1; j--) {
			lua_rawgeti(L, names, j);
			lua_rawgeti(L, names, j - 1);
			if (!lua_compare(L, -2, -1, LUA_OPLT)) {
				lua_pop(L, 2);
				break;
			}
			lua_rawseti(L, names, j);
			lua_rawseti(L, names, j - 1);
		}
	}
	return 1;
}

static void pad(FILE *f, long n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void put_cell(FILE *f, const struct cell *c, long width)
{
	if (c->right)
		pad(f, width - c->width);
	fputs(c->text, f);
	if (!c->right)
		pad(f, width - c->width);
}

struct frame {
	const char *h, *v;                 /* horizontal, vertical */
	const char *tl, *tm, *tr, *ml, *mm, *mr, *bl, *bm, *br;
};

static const struct frame ASCII = {"-", "|", "+", "+", "+", "+", "+", "+", "+", "+", "+"};
static const struct frame BOX = {"─", "│", "┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘"};

static void rule(FILE *f, const struct frame *fr, const long *w, int ncol, const char *l, const char *m,
		 const char *r)
{
	fputs(l, f);
	for (int j = 0; j < ncol; j++) {
		for (long k = 0; k < w[j] + 2; k++)
			fputs(fr->h, f);
		fputs(j + 1 < ncol ? m : r, f);
	}
	fputc('\n', f);
}

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The rows at idx with the column names at cols, in the session's mode. */
static void put_rows(struct kam_repl *r, FILE *f, int idx, int cols)
{
	lua_State *L = r->L;
	int ncol = (int)lua_rawlen(L, cols);
	lua_Integer nrow = (lua_Integer)lua_rawlen(L, idx);
	int separators = r->mode != KAM_REPL_CSV && r->mode != KAM_REPL_JSON && r->mode != KAM_REPL_LUA;
	const char **names = calloc((size_t)ncol + 1, sizeof *names);
	struct cell *cells = calloc((size_t)(nrow + 1) * (size_t)(ncol ? ncol : 1), sizeof *cells);
	long *w = calloc((size_t)ncol + 1, sizeof *w);

	if (!names || !cells || !w) {
		fputs("(not enough memory to print the rows)\n", f);
		goto out;
	}
	if (r->mode == KAM_REPL_LUA) {
		put_lua(L, f, idx, 0);
		fputc('\n', f);
		goto out;
	}
	for (int j = 0; j < ncol; j++) {
		lua_rawgeti(L, cols, j + 1);
		names[j] = lua_tostring(L, -1) ? lua_tostring(L, -1) : "?";
		lua_pop(L, 1); /* the names table keeps the string */
		w[j] = text_width(names[j]);
	}
	for (lua_Integer i = 0; i < nrow; i++) {
		lua_rawgeti(L, idx, i + 1);
		for (int j = 0; j < ncol; j++) {
			struct cell *c = &cells[i * ncol + j];
			if (lua_type(L, -1) == LUA_TTABLE)
				lua_getfield(L, -1, names[j]);
			else
				lua_pushnil(L);
			*c = make_cell(L, lua_gettop(L), names[j], separators);
			lua_pop(L, 1);
			if (c->width > w[j])
				w[j] = c->width;
		}
		lua_pop(L, 1);
	}

	switch (r->mode) {
	case KAM_REPL_TABLE:
	case KAM_REPL_BOX: {
		const struct frame *fr = r->mode == KAM_REPL_BOX ? &BOX : &ASCII;
		rule(f, fr, w, ncol, fr->tl, fr->tm, fr->tr);
		fputs(fr->v, f);
		for (int j = 0; j < ncol; j++) {
			/* a header sits over its column: centred */
			long gap = w[j] - text_width(names[j]);
			pad(f, 1 + gap / 2);
			fputs(names[j], f);
			pad(f, 1 + gap - gap / 2);
			fputs(fr->v, f);
		}
		fputc('\n', f);
		rule(f, fr, w, ncol, fr->ml, fr->mm, fr->mr);
		for (lua_Integer i = 0; i < nrow; i++) {
			fputs(fr->v, f);
			for (int j = 0; j < ncol; j++) {
				fputc(' ', f);
				put_cell(f, &cells[i * ncol + j], w[j]);
				fputc(' ', f);
				fputs(fr->v, f);
			}
			fputc('\n', f);
		}
		rule(f, fr, w, ncol, fr->bl, fr->bm, fr->br);
		fprintf(f, "(%lld row%s)\n", (long long)nrow, nrow == 1 ? "" : "s");
		break;
	}
	case KAM_REPL_CSV:
		for (int j = 0; j < ncol; j++) {
			if (j)
				fputc(',', f);
			csv_field(f, names[j]);
		}
		fputs("\r\n", f);
		for (lua_Integer i = 0; i < nrow; i++) {
			for (int j = 0; j < ncol; j++) {
				if (j)
					fputc(',', f);
				csv_field(f, cells[i * ncol + j].text);
			}
			fputs("\r\n", f);
		}
		break;
	case KAM_REPL_JSON: {
		json_t *a = json_array();
		char *s;
		for (lua_Integer i = 0; a && i < nrow; i++) {
			json_t *o = json_object();
			lua_rawgeti(L, idx, i + 1);
			for (int j = 0; o && j < ncol; j++) {
				struct cell *c = &cells[i * ncol + j];
				json_t *v;
				lua_getfield(L, -1, names[j]);
				if (c->null)
					v = json_null();
				else if (lua_isinteger(L, -1) && !is_money(names[j]))
					v = json_integer(lua_tointeger(L, -1));
				else if (lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1))
					v = json_real(lua_tonumber(L, -1));
				else if (lua_type(L, -1) == LUA_TBOOLEAN)
					v = json_boolean(lua_toboolean(L, -1));
				else if (lua_type(L, -1) == LUA_TSTRING)
					v = json_stringn(lua_tostring(L, -1), lua_rawlen(L, -1));
				else
					v = json_string(c->text); /* money as a decimal string; others shown */
				lua_pop(L, 1);
				json_object_set_new(o, names[j], v ? v : json_null());
			}
			lua_pop(L, 1);
			json_array_append_new(a, o ? o : json_null());
		}
		s = a ? json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		fprintf(f, "%s\n", s ? s : "null");
		free(s);
		json_decref(a);
		break;
	}
	case KAM_REPL_LINE: {
		long nw = 0;
		for (int j = 0; j < ncol; j++)
			if (text_width(names[j]) > nw)
				nw = text_width(names[j]);
		for (lua_Integer i = 0; i < nrow; i++) {
			if (i)
				fputc('\n', f);
			for (int j = 0; j < ncol; j++) {
				pad(f, nw - text_width(names[j]));
				fprintf(f, "%s = %s\n", names[j], cells[i * ncol + j].text);
			}
		}
		break;
	}
	case KAM_REPL_LUA:
		break;
	}
out:
	if (cells)
		for (lua_Integer i = 0; i < nrow * ncol; i++)
			free(cells[i].text);
	free(cells);
	free(names);
	free(w);
}

static void put_value(struct kam_repl *r, FILE *f, int idx)
{
	lua_State *L = r->L;
	if (lua_type(L, idx) == LUA_TTABLE && rows_columns(L, idx)) {
		put_rows(r, f, idx, lua_gettop(L));
		lua_pop(L, 1);
		return;
	}
	if (r->mode == KAM_REPL_JSON) {
		kam_err e;
		json_t *j = kam_lua_to_json(L, idx, &e);
		char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) : NULL;
		if (s)
			fprintf(f, "%s\n", s);
		else
			fprintf(f, "(not JSON: %s)\n", j ? "cannot encode" : e.msg);
		free(s);
		json_decref(j);
		return;
	}
	if (lua_type(L, idx) == LUA_TSTRING) {
		/* a string at the top prints as it is, as lua.c prints it */
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		fwrite(s, 1, len, f);
	} else
		put_lua(L, f, idx, 0);
	fputc('\n', f);
}

static int terminal_rows(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

/* Output taller than the terminal goes through $PAGER, when one is set. */
static void deliver(struct kam_repl *r, const char *text, size_t len)
{
	const char *pager = getenv("PAGER");
	if (r->out == stdout && r->interactive && isatty(STDOUT_FILENO) && pager && *pager) {
		int lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		if (lines >= terminal_rows() - 1) {
			FILE *p;
			fflush(stdout);
			if ((p = popen(pager, "w"))) {
				fwrite(text, 1, len, p);
				pclose(p);
				return;
			}
		}
	}
	fwrite(text, 1, len, r->out);
	fflush(r->out);
}

void kam_repl_print_results(struct kam_repl *r, int n)
{
	lua_State *L = r->L;
	int top = lua_gettop(L);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return;
	for (int i = top - n + 1; i <= top; i++)
		put_value(r, m, i);
	if (fclose(m) == 0)
		deliver(r, text, len);
	free(text);
}
