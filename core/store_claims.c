/* Compensation claims, their events and the green channel (store_claims.h). */
#include <string.h>

#include "store.h"
#include "store_claims.h"
#include "store_rows_impl.h"

/* An event's day (or NULL) by claim c and kind k. */
#define EVENT(k, col) "(SELECT " col " FROM claim_events WHERE claim = c.id AND event = '" k "')"
#define COLUMNS "c.id, printf('%014d', c.code) AS code, c.amount, c.claimed_on, c.policy, c.route, c.green, " \
	"c.report_by, c.handle_by, c.pay_by, c.description, c.created_by, c.created_at, " \
	EVENT("handled", "on_day") " AS handled_on, " EVENT("reported", "on_day") " AS reported_on, " \
	EVENT("paid", "on_day") " AS paid_on, " EVENT("paid", "amount") " AS paid_amount, " \
	EVENT("paid", "by_user") " AS paid_by FROM claims c"

int kam_store_claim_add(kam_db *db, const struct kam_store_new_claim *c, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_INT(c->amount), KAM_SV_TEXT(c->claimed_on),
				    KAM_SV_TEXT(c->policy), KAM_SV_TEXT(c->route), KAM_SV_INT(c->green),
				    KAM_SV_TEXT(c->report_by), KAM_SV_TEXT(c->handle_by), KAM_SV_TEXT(c->pay_by),
				    KAM_SV_TEXT(c->description), KAM_SV_TEXT(c->created_by), KAM_SV_TEXT(c->created_at)};
	if (kam_store_walk(db, "INSERT INTO claims(code, amount, claimed_on, policy, route, green, report_by, "
			   "handle_by, pay_by, description, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			   "?7, ?8, ?9, ?10, ?11, ?12)", v, 12, NULL, NULL, "record the claim", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_claim_event(kam_db *db, int64_t claim, const char *event, const char *on_day, int64_t amount,
			  const char *by, const char *note, const char *created_at, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(claim), KAM_SV_TEXT(event), KAM_SV_TEXT(on_day),
				    amount > 0 ? KAM_SV_INT(amount) : KAM_SV_TEXT(NULL), KAM_SV_TEXT(by),
				    KAM_SV_TEXT(note), KAM_SV_TEXT(created_at)};
	return kam_store_walk(db, "INSERT INTO claim_events(claim, event, on_day, amount, by_user, note, created_at) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", v, 7, NULL, NULL, "record the claim's event", e);
}

int kam_store_claim_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(id)};
	return kam_store_walk(db, "SELECT " COLUMNS " WHERE c.id = ?1", v, 1, each, arg, "read a claim", e);
}

/* A deadline col passed before ?2 while its event k had not happened by then. */
/* Paid by ?2 (ever, when ?2 is NULL). */
#define PAID "EXISTS (SELECT 1 FROM claim_events WHERE claim = c.id AND event = 'paid' AND " \
	"(?2 IS NULL OR on_day <= ?2))"
#define LATE(col, k) "(c." col " IS NOT NULL AND c." col " < ?2 AND NOT EXISTS (SELECT 1 FROM claim_events " \
	"WHERE claim = c.id AND event = '" k "' AND on_day <= ?2))"

int kam_store_claims_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			  kam_store_row_fn each, void *arg, kam_err *e)
{
	static const struct kam_store_state states[] = {
		{"open", "NOT " PAID},
		{"paid", PAID},
		{"overdue", "(" LATE("report_by", "reported") " OR " LATE("handle_by", "handled") " OR "
			    LATE("pay_by", "paid") ")"},
	};
	static const struct kam_store_list list = {"claims", COLUMNS, "c.code", "c.claimed_on", "c.id", states,
						   sizeof states / sizeof states[0]};
	return kam_store_list_by_state(db, &list, code, state, as_of, NULL, each, arg, e);
}

int kam_store_green_enroll(kam_db *db, int64_t code, const char *on_day, const char *by, const char *created_at,
			   kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_TEXT(on_day), KAM_SV_TEXT(by), KAM_SV_TEXT(created_at)};
	return kam_store_walk(db, "INSERT INTO green_channel(code, enrolled_on, enrolled_by, created_at) "
			      "VALUES (?1, ?2, ?3, ?4)", v, 4, NULL, NULL, "enrol the customer in the green channel", e);
}

int kam_store_green_get(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT printf('%014d', g.code) AS code, g.enrolled_on, g.enrolled_by, x.left_on, "
			      "x.left_by, x.reason AS leave_reason FROM green_channel g LEFT JOIN green_channel_exits x "
			      "ON x.code = g.code WHERE g.code = ?1", v, 1, each, arg, "read the green channel", e);
}

int kam_store_green_leave(kam_db *db, int64_t code, const char *left_on, const char *by, const char *reason,
			  const char *created_at, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_TEXT(left_on), KAM_SV_TEXT(by), KAM_SV_TEXT(reason),
				    KAM_SV_TEXT(created_at)};
	return kam_store_walk(db, "INSERT INTO green_channel_exits(code, left_on, left_by, reason, created_at) "
			      "VALUES (?1, ?2, ?3, ?4, ?5)", v, 5, NULL, NULL, "record the leaving of the green channel", e);
}


int kam_store_claim_stored(kam_db *db, const struct kam_store_new_claim *c, int64_t upto, int64_t *count, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_INT(c->amount), KAM_SV_TEXT(c->claimed_on),
				    KAM_SV_TEXT(c->description), KAM_SV_INT(upto)};
	*count = 0;
	return kam_store_walk(db, "SELECT count(*) FROM claims WHERE code = ?1 AND amount = ?2 AND claimed_on = ?3 AND "
			      "description IS ?4 AND id <= ?5", v, 5, kam_store_int_row, count, "read claims", e);
}

int kam_store_claims_last(kam_db *db, int64_t *id, kam_err *e)
{
	*id = 0;
	return kam_store_walk(db, "SELECT coalesce(max(id), 0) FROM claims", NULL, 0, kam_store_int_row, id, "read claims", e);
}
