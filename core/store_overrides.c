/* The overrides valid on a day (store_overrides.h). */
#include "store.h"
#include "store_overrides.h"
#include "store_rows_impl.h"

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

#define COLUMNS "id, printf('%014d', code) AS code, policy, kind, grade, valid_from, valid_until, reason, " \
	"created_by, approved_by, created_at, revoked_at, revoked_by, revoke_reason"

static int found(void *arg, const kam_store_row *r, kam_err *e)
{
	(void)r, (void)e;
	*(int *)arg = 1;
	return 0;
}

int kam_store_customer_exists(kam_db *db, int64_t code, int *exists, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	*exists = 0;
	return kam_store_walk(db, "SELECT 1 FROM customers WHERE code = ?1", v, 1, found, exists,
			      "read the customers", e);
}

int kam_store_overrides_of(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT " COLUMNS " FROM overrides WHERE code = ?1 ORDER BY id", v, 1, each, arg,
			      "read overrides", e);
}

int kam_store_overrides_list(kam_db *db, const int64_t *code, const char *valid_on, kam_store_row_fn each,
			     void *arg, kam_err *e)
{
	struct kam_store_val v[] = {code ? KAM_SV_INT(*code) : KAM_SV_TEXT(NULL), KAM_SV_TEXT(valid_on)};
	return kam_store_walk(db, "SELECT " COLUMNS " FROM overrides WHERE (?1 IS NULL OR code = ?1) AND "
			      "(?2 IS NULL OR (revoked_at IS NULL AND valid_from <= ?2 AND "
			      "(valid_until IS NULL OR valid_until >= ?2))) ORDER BY id", v, 2, each, arg,
			      "read overrides", e);
}

int kam_store_override_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(id)};
	return kam_store_walk(db, "SELECT " COLUMNS " FROM overrides WHERE id = ?1", v, 1, each, arg,
			      "read an override", e);
}

int kam_store_override_clashes(kam_db *db, int64_t code, const char *policy, const char *kind, const char *from,
			       const char *till, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_TEXT(policy), KAM_SV_TEXT(kind), KAM_SV_TEXT(till),
				    KAM_SV_TEXT(from)};
	return kam_store_walk(db, "SELECT " COLUMNS " FROM overrides WHERE code = ?1 AND policy = ?2 AND kind = ?3 "
			      "AND revoked_at IS NULL AND (?4 IS NULL OR valid_from <= ?4) "
			      "AND (valid_until IS NULL OR valid_until >= ?5) ORDER BY id", v, 5, each, arg,
			      "read overrides", e);
}

int kam_store_override_add(kam_db *db, const struct kam_store_new_override *o, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(o->code), KAM_SV_TEXT(o->policy), KAM_SV_TEXT(o->kind),
				    KAM_SV_TEXT(o->grade), KAM_SV_TEXT(o->valid_from), KAM_SV_TEXT(o->valid_until),
				    KAM_SV_TEXT(o->reason), KAM_SV_TEXT(o->created_by), KAM_SV_TEXT(o->approved_by),
				    KAM_SV_TEXT(o->created_at)};
	if (kam_store_walk(db, "INSERT INTO overrides(code, policy, kind, grade, valid_from, valid_until, reason, "
			   "created_by, approved_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			   v, 10, NULL, NULL, "record the override", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_override_revoke(kam_db *db, int64_t id, const char *at, const char *by, const char *reason,
			      kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(at), KAM_SV_TEXT(by), KAM_SV_TEXT(reason), KAM_SV_INT(id)};
	return kam_store_walk(db, "UPDATE overrides SET revoked_at = ?1, revoked_by = ?2, revoke_reason = ?3 "
			      "WHERE id = ?4", v, 4, NULL, NULL, "revoke the override", e);
}
