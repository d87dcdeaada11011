/* Exports (store_export.h says what it owns and promises). */
#include "store_export.h"

#include <stdlib.h>

#include "store.h"

#define MAX_EXPORT_COLS 64

/* Every row of st to fn; st is finalised. */
static int stream(kam_db *db, sqlite3_stmt *st, kam_export_row_fn fn, void *arg, kam_err *e)
{
	kam_store_value row[MAX_EXPORT_COLS];
	int n = sqlite3_column_count(st), rc;
	if (n > MAX_EXPORT_COLS) {
		sqlite3_finalize(st);
		return kam_errf(e, "export: %d columns, more than %d", n, MAX_EXPORT_COLS);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < n; c++) {
			kam_store_value *v = &row[c];
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_NULL:
				*v = (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
				break;
			case SQLITE_INTEGER:
				*v = (kam_store_value){KAM_STORE_INT, sqlite3_column_int64(st, c), NULL, 0};
				break;
			case SQLITE_FLOAT:
				v->type = KAM_STORE_REAL;
				goto text;
			default:
				v->type = KAM_STORE_TEXT;
			text:
				v->i = 0;
				if (!(v->s = (const char *)sqlite3_column_text(st, c))) {
					sqlite3_finalize(st);
					return kam_errf(e, "export: out of memory");
				}
				v->len = (size_t)sqlite3_column_bytes(st, c);
			}
		}
		if (fn(arg, n, row, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "export", e);
	return 0;
}

int kam_export_rows(kam_db *db, const struct kam_export_query *q, kam_export_row_fn fn, void *arg, kam_err *e)
{
	sqlite3_str *s = sqlite3_str_new(db->h);
	sqlite3_stmt *st;
	char *sql;
	int rc;
	sqlite3_str_appendall(s, "SELECT ");
	for (int c = 0; c < q->ncols; c++)
		sqlite3_str_appendf(s, "%s%s", c ? ", " : "", q->cols[c]);
	sqlite3_str_appendf(s, " FROM %s", q->table);
	if (q->months)
		sqlite3_str_appendall(s, " WHERE month BETWEEN ?1 AND ?2");
	sqlite3_str_appendf(s, " ORDER BY %s", q->order_by);
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "export: out of memory");
	}
	sql = sqlite3_str_finish(s);
	rc = kam_db_prepare(db, sql, &st, e);
	sqlite3_free(sql);
	if (rc < 0)
		return -1;
	if (q->months && ((rc = sqlite3_bind_int(st, 1, q->from)) != SQLITE_OK ||
			  (rc = sqlite3_bind_int(st, 2, q->to)) != SQLITE_OK)) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "export", e);
	}
	return stream(db, st, fn, arg, e);
}

/* The current decision per customer and year is the last appended. */
int kam_export_grades(kam_db *db, int year, int history, kam_export_row_fn fn, void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db,
		"SELECT printf('%014d', d.code), r.year, d.grade, d.computed, d.override,"
		" CASE WHEN d.score = CAST(d.score AS INTEGER) THEN CAST(d.score AS INTEGER) ELSE d.score END,"
		" p.name, p.version, p.hash, d.reasons, r.decided_at, r.decided_by"
		" FROM decisions d JOIN grading_runs r ON r.id = d.run JOIN policies p ON p.hash = r.policy_hash"
		" WHERE (?1 = 0 OR r.year = ?1)"
		"   AND (?2 OR d.id = (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run"
		"                      WHERE d2.code = d.code AND r2.year = r.year))"
		" ORDER BY d.code, r.year, d.id", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, year)) != SQLITE_OK || (rc = sqlite3_bind_int(st, 2, history != 0)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "export grades", e);
	}
	return stream(db, st, fn, arg, e);
}
