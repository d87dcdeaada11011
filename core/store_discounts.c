/* Discount requests and their answers (store_discounts.h). */
#include <string.h>

#include "store.h"
#include "store_access.h"
#include "store_discounts.h"
#include "store_rows_impl.h"

#define COLUMNS "d.id, printf('%014d', d.code) AS code, d.line, d.rate_bp, d.method, d.valid_from, " \
	"d.valid_until, d.requested_on, d.requested_by, d.policy, d.grade, d.limit_bp, d.route, d.answer_by, " \
	"d.reason, d.created_at, a.decision, a.level, a.answered_on, a.answered_by, a.reason AS answer_reason " \
	"FROM discounts d LEFT JOIN discount_answers a ON a.discount = d.id"

int kam_store_discount_add(kam_db *db, const struct kam_store_new_discount *d, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(d->code), KAM_SV_TEXT(d->line), KAM_SV_INT(d->rate_bp),
				    KAM_SV_TEXT(d->method), KAM_SV_TEXT(d->valid_from), KAM_SV_TEXT(d->valid_until),
				    KAM_SV_TEXT(d->requested_on), KAM_SV_TEXT(d->requested_by), KAM_SV_TEXT(d->policy),
				    KAM_SV_TEXT(d->grade), KAM_SV_INT(d->limit_bp), KAM_SV_TEXT(d->route),
				    KAM_SV_TEXT(d->answer_by), KAM_SV_TEXT(d->reason), KAM_SV_TEXT(d->created_at)};
	if (kam_store_walk(db, "INSERT INTO discounts(code, line, rate_bp, method, valid_from, valid_until, "
			   "requested_on, requested_by, policy, grade, limit_bp, route, answer_by, reason, created_at) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
			   v, 15, NULL, NULL, "record the discount request", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_discount_answer(kam_db *db, const struct kam_store_discount_answer *a, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(a->discount), KAM_SV_TEXT(a->decision), KAM_SV_TEXT(a->level),
				    KAM_SV_TEXT(a->answered_on), KAM_SV_TEXT(a->answered_by), KAM_SV_TEXT(a->reason),
				    KAM_SV_TEXT(a->created_at)};
	/* Once users exist, only at the acting user's own approval level (store_access.h). */
	if (kam_access_answer_level(db, a->level, "record the discount's answer", e) < 0)
		return -1;
	return kam_store_walk(db, "INSERT INTO discount_answers(discount, decision, level, answered_on, "
			      "answered_by, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			      v, 7, NULL, NULL, "record the discount's answer", e);
}

/* A discount's terms are confidential (DOMAIN §5, §12): who may not see them reads "***". */
const char *const kam_secret_discount_cols[] = {"rate_bp", "limit_bp", "method", "valid_from", "valid_until", "reason",
					  "answer_reason", NULL};

int kam_store_discount_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(id)};
	struct kam_store_secret secret = {"discounts", 0, kam_secret_discount_cols};
	return kam_store_walk_secret(db, "SELECT " COLUMNS " WHERE d.id = ?1", v, 1, &secret, each, arg,
				     "read a discount request", e);
}

int kam_store_discounts_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			     kam_store_row_fn each, void *arg, kam_err *e)
{
	static const struct kam_store_state states[] = {
		{"pending", "(a.discount IS NULL OR a.answered_on > ?2)"},
		{"overdue", "(a.discount IS NULL OR a.answered_on > ?2) AND d.answer_by < ?2"},
		{"answered", "a.discount IS NOT NULL AND (?2 IS NULL OR a.answered_on <= ?2)"},
		{"granted", "a.decision = 'approved' AND a.answered_on <= ?2 AND d.valid_from <= ?2 "
			    "AND d.valid_until >= ?2"},
	};
	static const struct kam_store_list list = {"discounts", COLUMNS, "d.code", "d.requested_on", "d.id",
						   states, sizeof states / sizeof states[0]};
	struct kam_store_secret secret = {"discounts", code ? *code : 0, kam_secret_discount_cols};
	return kam_store_list_by_state(db, &list, code, state, as_of, &secret, each, arg, e);
}

int kam_store_grade_now(kam_db *db, int64_t code, const char *policy, kam_store_row_fn each, void *arg,
			kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_TEXT(policy)};
	return kam_store_walk(db, "SELECT d.grade, r.year FROM decisions d JOIN grading_runs r ON r.id = d.run "
			      "JOIN policies p ON p.hash = r.policy_hash WHERE d.code = ?1 AND p.name = ?2 "
			      "ORDER BY r.year DESC, d.id DESC LIMIT 1", v, 2, each, arg, "read the customer's grade", e);
}

int kam_store_discount_stored(kam_db *db, const struct kam_store_new_discount *d, int64_t upto, int64_t *count,
			      kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(d->code), KAM_SV_TEXT(d->line), KAM_SV_INT(d->rate_bp),
				    KAM_SV_TEXT(d->method), KAM_SV_TEXT(d->valid_from), KAM_SV_TEXT(d->valid_until),
				    KAM_SV_TEXT(d->requested_on), KAM_SV_TEXT(d->reason), KAM_SV_INT(upto)};
	*count = 0;
	return kam_store_walk(db, "SELECT count(*) FROM discounts WHERE code = ?1 AND line = ?2 AND rate_bp = ?3 AND "
			      "method IS ?4 AND valid_from = ?5 AND valid_until = ?6 AND requested_on = ?7 AND "
			      "reason IS ?8 AND id <= ?9", v, 9, kam_store_int_row, count, "read discount requests", e);
}

int kam_store_discounts_last(kam_db *db, int64_t *id, kam_err *e)
{
	*id = 0;
	return kam_store_walk(db, "SELECT coalesce(max(id), 0) FROM discounts", NULL, 0, kam_store_int_row, id,
			      "read discount requests", e);
}
