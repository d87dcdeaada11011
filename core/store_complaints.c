/* Complaints, their answers and the customers' satisfaction (store_complaints.h). */
#include <string.h>

#include "store.h"
#include "store_complaints.h"
#include "store_rows_impl.h"

/* A complaint escalated to the level above (complaint_escalations) has the owner, unit and
 * deadline of its last escalation made by the day read (cond: "1", or by ?2). */
#define LAST_ESC(col, cond) "(SELECT x." col " FROM complaint_escalations x WHERE x.complaint = c.id AND " cond \
	" ORDER BY x.id DESC LIMIT 1)"
#define ESC_BY "(?2 IS NULL OR x.escalated_on <= ?2)"
#define ANSWER_BY(cond) "coalesce(" LAST_ESC("answer_by", cond) ", c.answer_by)"
#define COLUMNS_AT(cond) "c.id, printf('%014d', c.code) AS code, c.received_on, c.content, " \
	"coalesce(" LAST_ESC("to_owner", cond) ", c.owner) AS owner, " \
	"coalesce(" LAST_ESC("to_unit", cond) ", c.unit) AS unit, c.policy, " ANSWER_BY(cond) " AS answer_by, " \
	"c.owner AS received_by, c.answer_by AS first_answer_by, " LAST_ESC("escalated_on", cond) " AS escalated_on, " \
	"(SELECT count(*) FROM complaint_escalations x WHERE x.complaint = c.id AND " cond ") AS escalations, " \
	"c.created_by, c.created_at, a.answered_on, a.answer, a.by_user AS answered_by, " \
	"r.satisfaction, r.noted_on AS rated_on FROM complaints c " \
	"LEFT JOIN complaint_answers a ON a.complaint = c.id LEFT JOIN complaint_ratings r ON r.complaint = c.id"
#define COLUMNS COLUMNS_AT("1")

int kam_store_complaint_add(kam_db *db, const struct kam_store_new_complaint *c, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_TEXT(c->received_on), KAM_SV_TEXT(c->content),
				    KAM_SV_TEXT(c->owner), KAM_SV_TEXT(c->unit), KAM_SV_TEXT(c->policy),
				    KAM_SV_TEXT(c->answer_by), KAM_SV_TEXT(c->created_by), KAM_SV_TEXT(c->created_at)};
	if (kam_store_walk(db, "INSERT INTO complaints(code, received_on, content, owner, unit, policy, answer_by, "
			   "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", v, 9, NULL, NULL,
			   "record the complaint", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_complaint_answer(kam_db *db, int64_t complaint, const char *answered_on, const char *answer,
			       const char *by, const char *created_at, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(complaint), KAM_SV_TEXT(answered_on), KAM_SV_TEXT(answer),
				    KAM_SV_TEXT(by), KAM_SV_TEXT(created_at)};
	return kam_store_walk(db, "INSERT INTO complaint_answers(complaint, answered_on, answer, by_user, created_at) "
			      "VALUES (?1, ?2, ?3, ?4, ?5)", v, 5, NULL, NULL, "record the answer", e);
}

int kam_store_complaint_rate(kam_db *db, int64_t complaint, const char *satisfaction, const char *noted_on,
			     const char *by, const char *created_at, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(complaint), KAM_SV_TEXT(satisfaction), KAM_SV_TEXT(noted_on),
				    KAM_SV_TEXT(by), KAM_SV_TEXT(created_at)};
	return kam_store_walk(db, "INSERT INTO complaint_ratings(complaint, satisfaction, noted_on, by_user, "
			      "created_at) VALUES (?1, ?2, ?3, ?4, ?5)", v, 5, NULL, NULL,
			      "record the customer's satisfaction", e);
}

int kam_store_complaint_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(id)};
	return kam_store_walk(db, "SELECT " COLUMNS " WHERE c.id = ?1", v, 1, each, arg, "read a complaint", e);
}

int kam_store_complaints_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			      kam_store_row_fn each, void *arg, kam_err *e)
{
	static const struct kam_store_state states[] = {
		{"open", "(a.complaint IS NULL OR a.answered_on > ?2)"},
		{"overdue", "(a.complaint IS NULL OR a.answered_on > ?2) AND " ANSWER_BY(ESC_BY) " < ?2"},
		{"answered", "a.answered_on <= ?2"},
	};
	static const struct kam_store_list list = {"complaints", COLUMNS_AT(ESC_BY), "c.code", "c.received_on", "c.id",
						   states, sizeof states / sizeof states[0]};
	return kam_store_list_by_state(db, &list, code, state, as_of, NULL, each, arg, e);
}


int kam_store_complaint_stored(kam_db *db, const struct kam_store_new_complaint *c, int64_t upto, int64_t *count,
			       kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_TEXT(c->received_on), KAM_SV_TEXT(c->content),
				    KAM_SV_TEXT(c->owner), KAM_SV_TEXT(c->unit), KAM_SV_INT(upto)};
	*count = 0;
	return kam_store_walk(db, "SELECT count(*) FROM complaints WHERE code = ?1 AND received_on = ?2 AND "
			      "content = ?3 AND owner = ?4 AND unit IS ?5 AND id <= ?6", v, 6, kam_store_int_row, count,
			      "read complaints", e);
}

int kam_store_complaints_last(kam_db *db, int64_t *id, kam_err *e)
{
	*id = 0;
	return kam_store_walk(db, "SELECT coalesce(max(id), 0) FROM complaints", NULL, 0, kam_store_int_row, id,
			      "read complaints", e);
}

int kam_store_complaint_escalate(kam_db *db, const struct kam_store_escalation *x, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(x->complaint), KAM_SV_TEXT(x->escalated_on), KAM_SV_TEXT(x->from_owner),
				    KAM_SV_TEXT(x->to_owner), KAM_SV_TEXT(x->to_unit), KAM_SV_TEXT(x->answer_by),
				    KAM_SV_TEXT(x->reason), KAM_SV_TEXT(x->by), KAM_SV_TEXT(x->created_at)};
	return kam_store_walk(db, "INSERT INTO complaint_escalations(complaint, escalated_on, from_owner, to_owner, "
			      "to_unit, answer_by, reason, by_user, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			      v, 9, NULL, NULL, "record the escalation", e);
}

int kam_store_complaint_escalations(kam_db *db, int64_t complaint, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(complaint)};
	return kam_store_walk(db, "SELECT id, escalated_on, from_owner, to_owner, to_unit, answer_by, reason, "
			      "by_user AS escalated_by FROM complaint_escalations WHERE complaint = ?1 ORDER BY id", v, 1,
			      each, arg, "read the complaint's escalations", e);
}
