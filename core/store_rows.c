/* Rows of a statement as plain values (store_rows.h); the walk that store files share. */
#include "store.h"
#include "store_rows_impl.h"

struct kam_store_row {
	sqlite3_stmt *st;
};

int kam_store_row_columns(const kam_store_row *r) { return sqlite3_column_count(r->st); }
const char *kam_store_row_name(const kam_store_row *r, int i) { return sqlite3_column_name(r->st, i); }
int64_t kam_store_row_int(const kam_store_row *r, int i) { return sqlite3_column_int64(r->st, i); }
double kam_store_row_real(const kam_store_row *r, int i) { return sqlite3_column_double(r->st, i); }

int kam_store_row_type(const kam_store_row *r, int i)
{
	switch (sqlite3_column_type(r->st, i)) {
	case SQLITE_INTEGER: return KAM_STORE_INT;
	case SQLITE_FLOAT: return KAM_STORE_REAL;
	case SQLITE_NULL: return KAM_STORE_NULL;
	default: return KAM_STORE_TEXT;
	}
}

const char *kam_store_row_text(const kam_store_row *r, int i, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(r->st, i);
	if (len)
		*len = s ? (size_t)sqlite3_column_bytes(r->st, i) : 0;
	return s;
}

int kam_store_walk(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
		   kam_store_row_fn each, void *arg, const char *what, kam_err *e)
{
	struct kam_store_row row;
	sqlite3_stmt *st;
	int rc = SQLITE_OK;
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	for (int i = 0; i < nparams && rc == SQLITE_OK; i++) {
		const struct kam_store_val *v = &params[i];
		if (v->type == KAM_STORE_INT)
			rc = sqlite3_bind_int64(st, i + 1, v->i);
		else if (v->type == KAM_STORE_TEXT && v->s)
			rc = sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, i + 1);
	}
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, what, e);
	}
	row.st = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (each && each(arg, &row, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, what, e);
	return 0;
}
