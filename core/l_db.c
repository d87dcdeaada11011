/* kam.db: SQL for scripts.  Parameters are always bound, never pasted into SQL.
 * A statement is a userdata created closed and then prepared into (as liolib.c does
 * with files), so an error between the two can never leak a live sqlite3_stmt. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "store.h"
#include "store_access.h"

#define STMT_MT "kam.db.statement"

typedef struct lstmt {
	sqlite3_stmt *st;
	int owned_by_loop;  /* made by db.rows: finalised when the loop ends */
} lstmt;

/* The database for a user's own SQL: once users exist, an admin's only (raw SQL reaches
 * every field, the confidential ones included, and no role's check applies to it). */
static kam_db *raw_db(lua_State *L)
{
	kam_db *db = kam_lua_db(L);
	int role = kam_db_role(db);
	if (role != KAM_ROLE_NONE && role != KAM_ROLE_ADMIN) {
		char detail[200];
		snprintf(detail, sizeof detail, "{\"why\": \"kam.db (raw SQL) is for admins\"}");
		kam_audit_refused(db, detail);
		luaL_error(L, "kam.db: user %s is a %s: raw SQL is for admins once users exist (use kam.store, or ask "
			      "an admin); the refusal is in the audit log", kam_db_actor(db), kam_role_name(role));
	}
	return db;
}

static lstmt *new_stmt(lua_State *L)
{
	lstmt *s = lua_newuserdatauv(L, sizeof *s, 0);
	s->st = NULL;
	s->owned_by_loop = 0;
	luaL_setmetatable(L, STMT_MT);
	return s;
}

static lstmt *check_stmt(lua_State *L, int idx)
{
	lstmt *s = luaL_checkudata(L, idx, STMT_MT);
	if (!s->st)
		luaL_error(L, "kam.db: attempt to use a closed statement");
	return s;
}

static void close_stmt(lstmt *s)
{
	if (s->st) {
		sqlite3_finalize(s->st);
		s->st = NULL;
	}
}

/* Raise the connection's error; storage failures keep the database's name. */
static int db_error(lua_State *L, kam_db *db, int rc)
{
	int primary = rc & 0xff;
	kam_err e;
	if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_NOTADB ||
	    primary == SQLITE_CORRUPT || primary == SQLITE_CANTOPEN || primary == SQLITE_BUSY ||
	    primary == SQLITE_READONLY) {
		kam_db_fail(db, rc, NULL, &e);
		return luaL_error(L, "%s", e.msg);
	}
	if (primary == SQLITE_INTERRUPT)
		return luaL_error(L, "interrupted");
	return luaL_error(L, "kam.db: %s", sqlite3_errmsg(db->h));
}

static int stmt_fail(lua_State *L, kam_db *db, lstmt *s, int rc)
{
	/* Keep the message: finalize may reset it on some paths. */
	lua_pushstring(L, sqlite3_errmsg(db->h));
	close_stmt(s);
	lua_pop(L, 1);
	return db_error(L, db, rc);
}

static int only_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';')
		p++;
	return *p == '\0';
}

/* Prepare exactly one statement into s. */
static void prepare_one(lua_State *L, kam_db *db, lstmt *s, const char *sql, size_t len)
{
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, (int)len, 0, &s->st, &tail);
	if (rc != SQLITE_OK)
		db_error(L, db, rc);
	if (!s->st)
		luaL_error(L, "kam.db: no SQL statement in '%s'", sql);
	if (tail && !only_space(tail)) {
		close_stmt(s);
		luaL_error(L, "kam.db: only one statement allowed here (use kam.db.exec for several)");
	}
}

static void bind_value(lua_State *L, kam_db *db, lstmt *s, int param, int idx)
{
	sqlite3_stmt *st = s->st;
	int rc;
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		rc = sqlite3_bind_null(st, param);
		break;
	case LUA_TBOOLEAN:
		rc = sqlite3_bind_int(st, param, lua_toboolean(L, idx));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			rc = sqlite3_bind_int64(st, param, lua_tointeger(L, idx));
		else
			rc = sqlite3_bind_double(st, param, lua_tonumber(L, idx));
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *str = lua_tolstring(L, idx, &len);
		rc = sqlite3_bind_text64(st, param, str, len, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	}
	case LUA_TLIGHTUSERDATA: /* kam.json.null */
		if (lua_touserdata(L, idx) == NULL) {
			rc = sqlite3_bind_null(st, param);
			break;
		}
		/* fall through */
	default:
		close_stmt(s);
		luaL_error(L, "kam.db: cannot bind a %s value to parameter %d", luaL_typename(L, idx), param);
		return;
	}
	if (rc != SQLITE_OK)
		stmt_fail(L, db, s, rc);
}

/* Bind the n values from stack index first: positional, or one table of named values. */
static void bind_args(lua_State *L, kam_db *db, lstmt *s, int first, int n)
{
	int want = sqlite3_bind_parameter_count(s->st);
	if (n == 1 && lua_type(L, first) == LUA_TTABLE && want > 0) {
		for (int i = 1; i <= want; i++) {
			const char *name = sqlite3_bind_parameter_name(s->st, i);
			if (name && name[0] != '?')
				lua_getfield(L, first, name + 1);
			else
				lua_geti(L, first, i);
			bind_value(L, db, s, i, lua_gettop(L));
			lua_pop(L, 1);
		}
		return;
	}
	if (n != want) {
		close_stmt(s);
		luaL_error(L, "kam.db: the statement has %d parameter%s, %d value%s given", want,
			   want == 1 ? "" : "s", n, n == 1 ? "" : "s");
	}
	for (int i = 1; i <= n; i++)
		bind_value(L, db, s, i, first + i - 1);
}

static void push_column(lua_State *L, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		lua_pushinteger(L, sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		lua_pushnumber(L, sqlite3_column_double(st, i));
		break;
	case SQLITE_TEXT:
		lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
		break;
	case SQLITE_BLOB:
		lua_pushlstring(L, sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
		break;
	default:
		lua_pushnil(L);
	}
}

/* A row as a table keyed by column name; NULL columns are absent (nil). */
static void push_row(lua_State *L, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			continue;
		push_column(L, st, i);
		lua_setfield(L, -2, sqlite3_column_name(st, i));
	}
}

/* Step once: 1 with a row pushed, 0 when done (statement reset), raises on error. */
static int step(lua_State *L, kam_db *db, lstmt *s)
{
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		push_row(L, s->st);
		return 1;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s->st);
		return 0;
	}
	return stmt_fail(L, db, s, rc);
}

/* kam.db.exec(sql, ...): run one statement with parameters, or several without;
 * returns the number of rows the last one changed. */
static int l_exec(lua_State *L)
{
	kam_db *db = raw_db(L);
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len), *end = sql + len;
	int nargs = lua_gettop(L) - 1, statements = 0;
	lstmt *s = new_stmt(L);

	while (sql < end) {
		const char *tail = NULL;
		int rc = sqlite3_prepare_v3(db->h, sql, (int)(end - sql), 0, &s->st, &tail);
		if (rc != SQLITE_OK)
			return db_error(L, db, rc);
		sql = tail;
		if (!s->st)
			continue; /* a comment or trailing blanks */
		if (nargs > 0 && (statements > 0 || !only_space(tail))) {
			close_stmt(s);
			return luaL_error(L, "kam.db: parameters need a single statement");
		}
		statements++;
		if (nargs > 0)
			bind_args(L, db, s, 2, nargs);
		while (step(L, db, s))
			lua_pop(L, 1);
		close_stmt(s);
	}
	lua_pushinteger(L, sqlite3_changes64(db->h));
	return 1;
}

static int rows_next(lua_State *L)
{
	lstmt *s = luaL_checkudata(L, 1, STMT_MT);
	if (!s->st)
		return 0;
	if (step(L, raw_db(L), s))
		return 1;
	if (s->owned_by_loop)
		close_stmt(s);
	return 0;
}

/* for row in kam.db.rows(sql, ...) do ... end: the statement is the loop's closing
 * value, so a break or an error finalises it at once. */
static int l_rows(lua_State *L)
{
	kam_db *db = raw_db(L);
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	int nargs = lua_gettop(L) - 1;
	lstmt *s = new_stmt(L);
	prepare_one(L, db, s, sql, len);
	bind_args(L, db, s, 2, nargs);
	s->owned_by_loop = 1;
	lua_pushcfunction(L, rows_next);
	lua_pushvalue(L, -2);
	lua_pushnil(L);
	lua_pushvalue(L, -4);
	return 4;
}

/* One statement, prepared and bound from the arguments at 1.., left on the stack top. */
static lstmt *prepared(lua_State *L, kam_db *db)
{
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	int nargs = lua_gettop(L) - 1;
	lstmt *s = new_stmt(L);
	prepare_one(L, db, s, sql, len);
	bind_args(L, db, s, 2, nargs);
	return s;
}

static int l_first(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = prepared(L, db);
	int got = step(L, db, s);
	close_stmt(s);
	return got;
}

static int l_value(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = prepared(L, db);
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		push_column(L, s->st, 0);
	else if (rc != SQLITE_DONE)
		return stmt_fail(L, db, s, rc);
	close_stmt(s);
	return rc == SQLITE_ROW;
}

static const char COLUMNS_KEY[] = "kam.db.columns";

/* Rows are keyed by name, which loses the columns' order: it is kept beside the table of
 * rows (weakly), for kam.db.columns(rows), by which the REPL prints them. */
void kam_lua_note_columns(lua_State *L, const char *const *names, int n)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, COLUMNS_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "k");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, COLUMNS_KEY);
	}
	lua_pushvalue(L, -2);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

static int note_columns(lua_State *L, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);
	const char **names = malloc((n ? n : 1) * sizeof *names);
	if (!names)
		return -1;
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	kam_lua_note_columns(L, names, n);
	free(names);
	return 0;
}

int kam_lua_noted_columns(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_getfield(L, LUA_REGISTRYINDEX, COLUMNS_KEY) == LUA_TTABLE) {
		lua_pushvalue(L, idx);
		if (lua_rawget(L, -2) == LUA_TTABLE) {
			lua_remove(L, -2);
			return 1;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

/* kam.db.columns(rows) -> the column names of a table all() returned, or nil. */
static int l_columns(lua_State *L)
{
	return kam_lua_noted_columns(L, 1);
}

static void collect_rows(lua_State *L, kam_db *db, lstmt *s)
{
	lua_Integer n = 0;
	lua_newtable(L);
	while (step(L, db, s))
		lua_rawseti(L, -2, ++n);
	if (note_columns(L, s->st) < 0)
		luaL_error(L, "out of memory");
}

static int l_all(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = prepared(L, db);
	collect_rows(L, db, s);
	close_stmt(s);
	return 1;
}

static int l_prepare(lua_State *L)
{
	kam_db *db = raw_db(L);
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	lstmt *s = new_stmt(L);
	prepare_one(L, db, s, sql, len);
	return 1;
}

/* kam.db.transaction and kam.store.transaction(fn, ...): BEGIN IMMEDIATE (a savepoint
 * when nested), call fn; commit and return its results, or roll back and raise its error
 * unchanged.  Not raw SQL: any role may group its kam.store calls (a viewer's write is
 * refused by kam_db_begin itself); what runs inside meets its own checks. */
int kam_lua_transaction(lua_State *L)
{
	kam_db *db = kam_lua_db(L);
	kam_err e;
	int nargs = lua_gettop(L) - 1, base;
	luaL_checktype(L, 1, LUA_TFUNCTION);
	if (kam_db_begin(db, &e) < 0)
		return luaL_error(L, "%s", e.msg);
	base = lua_gettop(L) - nargs - 1;
	if (lua_pcall(L, nargs, LUA_MULTRET, 0) != LUA_OK) {
		kam_db_rollback(db);
		return lua_error(L);
	}
	if (kam_db_commit(db, &e) < 0)
		return luaL_error(L, "%s", e.msg);
	return lua_gettop(L) - base;
}

static int l_changes(lua_State *L)
{
	lua_pushinteger(L, sqlite3_changes64(raw_db(L)->h));
	return 1;
}

static int l_last_insert_rowid(lua_State *L)
{
	lua_pushinteger(L, sqlite3_last_insert_rowid(raw_db(L)->h));
	return 1;
}

static int l_in_transaction(lua_State *L)
{
	lua_pushboolean(L, !sqlite3_get_autocommit(raw_db(L)->h));
	return 1;
}

static int l_schema_version(lua_State *L)
{
	kam_db *db = raw_db(L);
	kam_err e;
	int v;
	if (kam_db_user_version(db, &v, &e) < 0)
		return luaL_error(L, "%s", e.msg);
	lua_pushinteger(L, v);
	return 1;
}

/* Statement methods. */

static int s_bind(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	bind_args(L, db, s, 2, lua_gettop(L) - 1);
	lua_settop(L, 1);
	return 1;
}

/* Rebind when values are given; with none, keep the current bindings. */
static void rebind(lua_State *L, kam_db *db, lstmt *s)
{
	int n = lua_gettop(L) - 1;
	sqlite3_reset(s->st);
	if (n > 0) {
		sqlite3_clear_bindings(s->st);
		bind_args(L, db, s, 2, n);
	}
}

static int s_step(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	return step(L, db, s);
}

static int s_exec(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	rebind(L, db, s);
	while (step(L, db, s))
		lua_pop(L, 1);
	lua_pushinteger(L, sqlite3_changes64(db->h));
	return 1;
}

static int s_first(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	int got;
	rebind(L, db, s);
	got = step(L, db, s);
	sqlite3_reset(s->st);
	return got;
}

static int s_all(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	rebind(L, db, s);
	collect_rows(L, db, s);
	return 1;
}

static int s_rows(lua_State *L)
{
	kam_db *db = raw_db(L);
	lstmt *s = check_stmt(L, 1);
	rebind(L, db, s);
	lua_pushcfunction(L, rows_next);
	lua_pushvalue(L, 1);
	return 2;
}

static int s_columns(lua_State *L)
{
	lstmt *s = check_stmt(L, 1);
	int n = sqlite3_column_count(s->st);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, sqlite3_column_name(s->st, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static int s_sql(lua_State *L)
{
	lua_pushstring(L, sqlite3_sql(check_stmt(L, 1)->st));
	return 1;
}

/* One function for close, __close and __gc; lenient about already-closed statements. */
static int s_close(lua_State *L)
{
	close_stmt(luaL_checkudata(L, 1, STMT_MT));
	return 0;
}

static int s_tostring(lua_State *L)
{
	lstmt *s = luaL_checkudata(L, 1, STMT_MT);
	if (s->st)
		lua_pushfstring(L, "kam.db statement (%s)", sqlite3_sql(s->st));
	else
		lua_pushliteral(L, "kam.db statement (closed)");
	return 1;
}

static const luaL_Reg stmt_methods[] = {
	{"bind", s_bind}, {"step", s_step}, {"exec", s_exec}, {"first", s_first},
	{"all", s_all}, {"rows", s_rows}, {"columns", s_columns}, {"sql", s_sql},
	{"close", s_close}, {NULL, NULL},
};

static const luaL_Reg stmt_meta[] = {
	{"__gc", s_close}, {"__close", s_close}, {"__tostring", s_tostring}, {"__index", NULL},
	{NULL, NULL},
};

static const luaL_Reg db_funcs[] = {
	{"exec", l_exec}, {"rows", l_rows}, {"first", l_first}, {"value", l_value},
	{"all", l_all}, {"prepare", l_prepare}, {"transaction", kam_lua_transaction},
	{"changes", l_changes}, {"last_insert_rowid", l_last_insert_rowid},
	{"in_transaction", l_in_transaction}, {"schema_version", l_schema_version},
	{"columns", l_columns}, {NULL, NULL},
};

int kam_open_db(lua_State *L)
{
	luaL_newmetatable(L, STMT_MT);
	luaL_setfuncs(L, stmt_meta, 0);
	luaL_newlib(L, stmt_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_newlib(L, db_funcs);
	return 1;
}
