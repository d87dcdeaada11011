/* The import log and the import's connection settings (store_imports.h says what it
 * owns and promises). */
#include "store_imports.h"

#include "store.h"

int kam_imports_log(kam_db *db, const struct kam_import_record *r, int64_t *id, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "INSERT INTO imports(kind, file, format, encoding, rows, inserted,"
			   " updated, unchanged, rejected, replaced, user, finished_at)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_text(st, 1, r->kind, -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 2, r->file, -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 3, r->format, -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 4, r->encoding, -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 5, r->rows)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 6, r->inserted)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 7, r->updated)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 8, r->unchanged)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 9, r->rejected)) != SQLITE_OK ||
	    (r->replaced && (rc = sqlite3_bind_text(st, 10, r->replaced, -1, SQLITE_STATIC)) != SQLITE_OK) ||
	    (rc = sqlite3_bind_text(st, 11, r->user ? r->user : "", -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 12, r->finished_at, -1, SQLITE_STATIC)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "log the import", e);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "log the import", e);
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_imports_relax_checks(kam_db *db, int relaxed, kam_err *e)
{
	return kam_db_exec(db, relaxed ? "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON"
				       : "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF", e);
}

int kam_imports_begin(kam_db *db, kam_err *e)
{
	return kam_db_begin(db, e);
}

int kam_imports_commit(kam_db *db, kam_err *e)
{
	return kam_db_commit(db, e);
}

void kam_imports_rollback(kam_db *db)
{
	if (db->depth > 0)
		kam_db_rollback(db);
}
