/* Churn causes (store_churn.h says what it owns and promises). */
#include "store_churn.h"

#include "store_rows_impl.h"

int kam_store_churn_cause_add(kam_db *db, const struct kam_store_churn_cause *c, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_INT(c->month), KAM_SV_TEXT(c->family),
				    KAM_SV_TEXT(c->cause), KAM_SV_TEXT(c->grade), KAM_SV_TEXT(c->policy),
				    KAM_SV_TEXT(c->handled_by), KAM_SV_TEXT(c->follow_up), KAM_SV_TEXT(c->recorded_by),
				    KAM_SV_TEXT(c->recorded_at)};
	if (kam_store_walk(db,
			   "INSERT INTO churn_causes(code, month, family, cause, grade, policy, handled_by, follow_up, "
			   "recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			   v, 10, NULL, NULL, "record the churn cause", e) < 0)
		return -1;
	*id = (long long)sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_churn_causes(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(month)};
	return kam_store_walk(db,
			      "SELECT id, printf('%014d', code) AS code, month, family, cause, grade, policy, handled_by, "
			      "follow_up, recorded_by, recorded_at FROM churn_causes c WHERE month = ?1 AND id = "
			      "(SELECT max(id) FROM churn_causes c2 WHERE c2.month = c.month AND c2.code = c.code) "
			      "ORDER BY code",
			      v, 1, each, arg, "read the churn causes", e);
}
