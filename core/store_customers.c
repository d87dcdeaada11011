/* The customer archive (store_customers.h says what it owns and promises). */
#include "store_customers.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"

struct kam_customers {
	kam_db *db;
	int ncols;
	sqlite3_stmt *sel, *ins, *upd;
	int *upd_param;                /* column -> UPDATE parameter, 0 when not updated */
	int *types;                    /* the found row's column types, read before any conversion */
	char *text;                    /* the text of the row find returned */
	size_t cap;
};

int kam_customers_open(kam_db *db, const char *const *cols, int ncols, const int *update,
		       kam_customers **out, kam_err *e)
{
	kam_customers *c = calloc(1, sizeof *c);
	sqlite3_str *sel = sqlite3_str_new(db->h), *ins = sqlite3_str_new(db->h), *upd = sqlite3_str_new(db->h);
	char *s_sel = NULL, *s_ins = NULL, *s_upd = NULL;
	int nupd = 1, rc = -1;

	*out = NULL;
	if (!c || !(c->upd_param = calloc((size_t)ncols, sizeof *c->upd_param)) ||
	    !(c->types = calloc((size_t)ncols, sizeof *c->types))) {
		kam_errf(e, "out of memory");
		goto done;
	}
	c->db = db;
	c->ncols = ncols;
	sqlite3_str_appendall(sel, "SELECT ");
	sqlite3_str_appendall(ins, "INSERT INTO customers(");
	sqlite3_str_appendall(upd, "UPDATE customers SET ");
	for (int i = 0; i < ncols; i++) {
		const char *sep = i ? ", " : "";
		sqlite3_str_appendf(sel, "%s%s", sep, cols[i]);
		sqlite3_str_appendf(ins, "%s%s", sep, cols[i]);
		if (i > 0 && update && update[i]) {
			c->upd_param[i] = ++nupd;
			sqlite3_str_appendf(upd, "%s%s = ?%d", nupd > 2 ? ", " : "", cols[i], nupd);
		}
	}
	sqlite3_str_appendall(sel, " FROM customers WHERE code = ?1");
	sqlite3_str_appendall(ins, ") VALUES (");
	for (int i = 0; i < ncols; i++)
		sqlite3_str_appendf(ins, "%s?%d", i ? ", " : "", i + 1);
	sqlite3_str_appendall(ins, ")");
	sqlite3_str_appendall(upd, " WHERE code = ?1");
	if (sqlite3_str_errcode(sel) || sqlite3_str_errcode(ins) || sqlite3_str_errcode(upd)) {
		kam_errf(e, "out of memory");
		goto done;
	}
	s_sel = sqlite3_str_finish(sel), sel = NULL;
	s_ins = sqlite3_str_finish(ins), ins = NULL;
	s_upd = sqlite3_str_finish(upd), upd = NULL;
	if (kam_db_prepare(db, s_sel, &c->sel, e) < 0 || kam_db_prepare(db, s_ins, &c->ins, e) < 0 ||
	    (nupd > 1 && kam_db_prepare(db, s_upd, &c->upd, e) < 0))
		goto done;
	*out = c;
	c = NULL;
	rc = 0;
done:
	sqlite3_free(sqlite3_str_finish(sel));
	sqlite3_free(sqlite3_str_finish(ins));
	sqlite3_free(sqlite3_str_finish(upd));
	sqlite3_free(s_sel);
	sqlite3_free(s_ins);
	sqlite3_free(s_upd);
	kam_customers_close(c);
	return rc;
}

void kam_customers_close(kam_customers *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->sel);
	sqlite3_finalize(c->ins);
	sqlite3_finalize(c->upd);
	free(c->upd_param);
	free(c->types);
	free(c->text);
	free(c);
}

static int bind_value(sqlite3_stmt *st, int param, const kam_store_value *v)
{
	if (v->type == KAM_STORE_INT)
		return sqlite3_bind_int64(st, param, v->i);
	if (v->type == KAM_STORE_TEXT || v->type == KAM_STORE_REAL)
		return sqlite3_bind_text(st, param, v->s, (int)v->len, SQLITE_STATIC);
	return sqlite3_bind_null(st, param);
}

/* The stored row's text copied aside, so that the statement is reset at once. */
static int keep_row(kam_customers *c, kam_store_value *row, kam_err *e)
{
	size_t need = 0, at = 0;
	for (int i = 0; i < c->ncols; i++) {
		int type = c->types[i] = sqlite3_column_type(c->sel, i);
		if (type != SQLITE_NULL && type != SQLITE_INTEGER) {
			sqlite3_column_text(c->sel, i);  /* bytes of the text form */
			need += (size_t)sqlite3_column_bytes(c->sel, i) + 1;
		}
	}
	if (need > c->cap) {
		char *grown = realloc(c->text, need);
		if (!grown)
			return kam_errf(e, "out of memory");
		c->text = grown;
		c->cap = need;
	}
	for (int i = 0; i < c->ncols; i++) {
		int type = c->types[i];
		row[i] = (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
		if (type == SQLITE_INTEGER) {
			row[i].type = KAM_STORE_INT;
			row[i].i = sqlite3_column_int64(c->sel, i);
		} else if (type != SQLITE_NULL) {
			const unsigned char *t = sqlite3_column_text(c->sel, i);
			size_t n = (size_t)sqlite3_column_bytes(c->sel, i);
			if (!t)
				return kam_errf(e, "out of memory");
			memcpy(c->text + at, t, n);
			c->text[at + n] = '\0';
			row[i].type = type == SQLITE_FLOAT ? KAM_STORE_REAL : KAM_STORE_TEXT;
			row[i].s = c->text + at;
			row[i].len = n;
			at += n + 1;
		}
	}
	return 0;
}

int kam_customers_find(kam_customers *c, int64_t code, kam_store_value *row, kam_err *e)
{
	int rc = sqlite3_bind_int64(c->sel, 1, code);
	if (rc != SQLITE_OK)
		return kam_db_fail(c->db, rc, "customers", e);
	rc = sqlite3_step(c->sel);
	if (rc == SQLITE_ROW && keep_row(c, row, e) < 0) {
		sqlite3_reset(c->sel);
		return -1;
	}
	sqlite3_reset(c->sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kam_db_fail(c->db, rc, "customers", e);
	return rc == SQLITE_ROW;
}

/* Run a bound INSERT or UPDATE: a constraint refuses the row, anything else fails. */
static int write_row(kam_customers *c, sqlite3_stmt *st, kam_err *e)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		kam_errf(e, "%s", sqlite3_errmsg(c->db->h));
		return KAM_STORE_REFUSED;
	}
	return kam_db_fail(c->db, rc, "customers", e);
}

int kam_customers_insert(kam_customers *c, const kam_store_value *vals, kam_err *e)
{
	for (int i = 0; i < c->ncols; i++) {
		int rc = bind_value(c->ins, i + 1, &vals[i]);
		if (rc != SQLITE_OK)
			return kam_db_fail(c->db, rc, "customers", e);
	}
	return write_row(c, c->ins, e);
}

int kam_customers_update(kam_customers *c, const kam_store_value *vals, kam_err *e)
{
	int rc;
	if (!c->upd)
		return 0;  /* no column to change */
	if ((rc = sqlite3_bind_int64(c->upd, 1, vals[0].i)) != SQLITE_OK)
		return kam_db_fail(c->db, rc, "customers", e);
	for (int i = 1; i < c->ncols; i++)
		if (c->upd_param[i] && (rc = bind_value(c->upd, c->upd_param[i], &vals[i])) != SQLITE_OK)
			return kam_db_fail(c->db, rc, "customers", e);
	return write_row(c, c->upd, e);
}

int kam_customers_each_code(kam_db *db, int (*fn)(void *arg, int64_t code, kam_err *e), void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "SELECT code FROM customers", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(arg, sqlite3_column_int64(st, 0), e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read customers", e);
	return 0;
}
