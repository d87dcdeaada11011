/* Tab completion in the REPL (libedit's readline interface): dot-commands at the start
 * of a line, customer codes after .customer and .explain, table names after .schema;
 * inside a string, SQL table names after from/join/into/update and the columns of the
 * tables the string names elsewhere; otherwise Lua: `kam.d` completes fields of the
 * table before the last dot (read raw: completing never runs a metamethod), and a bare
 * word completes globals and keywords. */
#include "repl.h"

#include <ctype.h>
#include <editline/readline.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_repl.h"

static struct kam_repl *session;

/* The candidates of one completion, generated once and handed out one by one. */
static char **cands;
static size_t ncands, capcands;

static void add(const char *s)
{
	if (ncands + 1 >= capcands) {
		size_t cap = capcands ? capcands * 2 : 64;
		char **more = realloc(cands, cap * sizeof *more);
		if (!more)
			return;
		cands = more;
		capcands = cap;
	}
	if ((cands[ncands] = strdup(s)))
		ncands++;
}

static void add_if(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) == 0)
		add(s);
}

static void clear(void)
{
	for (size_t i = 0; i < ncands; i++)
		free(cands[i]);
	ncands = 0;
}

static char *generator(const char *text, int state)
{
	static size_t next;
	(void)text;
	if (state == 0)
		next = 0;
	return next < ncands ? strdup(cands[next++]) : NULL;
}

struct prefix_arg {
	const char *prefix;
	const char *before;  /* put before each name (a string's own text) */
};

static int add_row0(void *arg, const kam_store_row *row, kam_err *e)
{
	struct prefix_arg *p = arg;
	size_t len;
	const char *s = kam_store_row_text(row, 0, &len);
	(void)e;
	if (s && strncasecmp(s, p->prefix, strlen(p->prefix)) == 0)
		add(s);
	return 0;
}

static kam_db *db(void)
{
	return kam_ctx_db(session->ctx, 0) < 0 ? NULL : session->ctx->db;
}

static void tables(const char *prefix)
{
	struct prefix_arg p = {prefix, NULL};
	kam_err e;
	if (db())
		kam_store_repl_tables(session->ctx->db, NULL, add_row0, &p, &e);
}

/* Inside a string: the tables named after from/join in it, their columns. */
static void columns_of_string(const char *s, size_t len, const char *prefix)
{
	struct prefix_arg p = {prefix, NULL};
	kam_err e;
	size_t i = 0;
	if (!db())
		return;
	while (i < len) {
		size_t a, b;
		while (i < len && !isalpha((unsigned char)s[i]) && s[i] != '_')
			i++;
		a = i;
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		b = i;
		if ((b - a == 4 && strncasecmp(s + a, "from", 4) == 0) ||
		    (b - a == 4 && strncasecmp(s + a, "join", 4) == 0) ||
		    (b - a == 6 && strncasecmp(s + a, "update", 6) == 0) ||
		    (b - a == 4 && strncasecmp(s + a, "into", 4) == 0)) {
			char *t;
			while (i < len && s[i] == ' ')
				i++;
			a = i;
			while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			if (i > a && (t = strndup(s + a, i - a))) {
				kam_store_repl_columns(session->ctx->db, t, add_row0, &p, &e);
				free(t);
			}
		}
	}
}

static void codes(const char *prefix)
{
	struct prefix_arg p = {prefix, NULL};
	kam_err e;
	for (const char *q = prefix; *q; q++)
		if (!isdigit((unsigned char)*q))
			return;
	if (db())
		kam_store_repl_codes(session->ctx->db, prefix, 200, add_row0, &p, &e);
}

static const char *const KEYWORDS[] = {"and", "break", "do", "else", "elseif", "end", "false", "for",
				       "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat",
				       "return", "then", "true", "until", "while", NULL};

/* Lua names: text is "a.b.c" (or "a:b"); the fields of a.b that start with c. */
static void lua_names(const char *text)
{
	lua_State *L = session->L;
	const char *last = NULL, *p;
	int top = lua_gettop(L);
	for (p = text; *p; p++)
		if (*p == '.' || *p == ':')
			last = p;
	lua_pushglobaltable(L);
	if (last) {
		const char *seg = text;
		while (seg < last) {
			size_t n = strcspn(seg, ".:");
			if (lua_type(L, -1) != LUA_TTABLE) {
				lua_settop(L, top);
				return;
			}
			lua_pushlstring(L, seg, n);
			lua_rawget(L, -2);
			lua_remove(L, -2);
			seg += n + 1;
		}
		if (*last == ':' && lua_type(L, -1) == LUA_TUSERDATA) {
			/* methods: the metatable's __index table */
			if (!luaL_getmetafield(L, -1, "__index")) {
				lua_settop(L, top);
				return;
			}
			lua_remove(L, -2);
		}
	}
	if (lua_type(L, -1) == LUA_TTABLE) {
		const char *want = last ? last + 1 : text;
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) == LUA_TSTRING) {
				const char *k = lua_tostring(L, -2);
				if (strncmp(k, want, strlen(want)) == 0) {
					char *full;
					int is_table = lua_type(L, -1) == LUA_TTABLE;
					if (asprintf(&full, "%.*s%s%s", last ? (int)(last - text + 1) : 0, text, k,
						     is_table ? "" : "") >= 0) {
						add(full);
						free(full);
					}
				}
			}
			lua_pop(L, 1);
		}
	}
	lua_settop(L, top);
	if (!last)
		for (int i = 0; KEYWORDS[i]; i++)
			add_if(KEYWORDS[i], text);
}

static char **complete(const char *text, int start, int end)
{
	const char *line = rl_line_buffer;
	int quotes = 0;
	(void)end;
	clear();
	rl_attempted_completion_over = 1; /* never file names */
	rl_completion_append_character = '\0';
	while (*line == ' ')
		line++;
	if (line[0] == '.') {
		size_t cmd = strcspn(line, " \t");
		if (line + cmd >= rl_line_buffer + start) {
			for (size_t i = 0; kam_repl_dot_name(i); i++)
				add_if(kam_repl_dot_name(i), text);
			rl_completion_append_character = ' ';
		} else if (kam_repl_dot_takes_code(line, cmd)) {
			codes(text);
		} else if (kam_repl_dot_takes_table(line, cmd)) {
			tables(text);
		}
	} else {
		const char *q = NULL;
		for (int i = 0; i < start; i++)
			if (rl_line_buffer[i] == '"' || rl_line_buffer[i] == '\'') {
				quotes++;
				if (quotes % 2)
					q = rl_line_buffer + i + 1;
			}
		if (quotes % 2 == 1 && q) {
			/* inside a string: SQL */
			int i = start - 1, b;
			while (i >= 0 && rl_line_buffer[i] == ' ')
				i--;
			b = i;
			while (i >= 0 && isalpha((unsigned char)rl_line_buffer[i]))
				i--;
			if (b > i && ((b - i == 4 && (strncasecmp(rl_line_buffer + i + 1, "from", 4) == 0 ||
						      strncasecmp(rl_line_buffer + i + 1, "join", 4) == 0 ||
						      strncasecmp(rl_line_buffer + i + 1, "into", 4) == 0)) ||
				      (b - i == 6 && strncasecmp(rl_line_buffer + i + 1, "update", 6) == 0)))
				tables(text);
			else
				columns_of_string(q, strlen(q), text);
			rl_completion_append_character = ' ';
		} else {
			lua_names(text);
		}
	}
	if (ncands == 0)
		return NULL;
	return rl_completion_matches(text, generator);
}

void kam_repl_complete_init(struct kam_repl *r)
{
	session = r;
	rl_attempted_completion_function = complete;
	/* '.' and ':' are part of a word: kam.db.a completes as one */
	rl_completer_word_break_characters = (char *)" \t\n\"'`@$><=;|&{(,)}[]+-*/%^~#";
}
