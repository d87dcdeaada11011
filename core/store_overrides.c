/* The overrides valid on a day (store_overrides.h). */
#include "store_overrides.h"

int kam_store_overrides_valid(kam_db *db, const char *policy, const char *as_of,
			      int (*each)(void *arg, const struct kam_store_override *o, kam_err *e),
			      void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "SELECT id, code, kind, grade, valid_until, created_by, approved_by, reason"
			   " FROM overrides WHERE policy = ?1 AND revoked_at IS NULL AND valid_from <= ?2"
			   " AND (valid_until IS NULL OR valid_until >= ?2) ORDER BY id", &st, e) < 0)
		return -1;
	rc = sqlite3_bind_text(st, 1, policy, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "read overrides", e);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_store_override o = {
			sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
			(const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7),
		};
		if (each(arg, &o, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read overrides", e);
	return 0;
}
