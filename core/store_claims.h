/* Compensation claims' storage (DOMAIN.md 4, green channel): owns the claims,
 * claim_events, green_channel and green_channel_exits tables.
 *
 * A claim is one row with the deadlines it got when it was recorded (NULL: no such
 * deadline); what happens to it (handled, reported to the province, paid) is one event
 * row each, at most one of a kind per claim; an enrolment in the green channel is one row
 * per customer.  Promises: rows as kam_store_row (code as 14-digit text, amounts in fen,
 * days YYYY-MM-DD) in id order; writes inside the caller's transaction; "-1 and a
 * kam_err". */
#ifndef KAM_STORE_CLAIMS_H
#define KAM_STORE_CLAIMS_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

struct kam_store_new_claim {
	int64_t code, amount;
	int green;
	const char *claimed_on, *policy, *route, *report_by, *handle_by, *pay_by, *description, *created_by,
		*created_at;   /* report_by, handle_by, pay_by, description may be NULL */
};
int kam_store_claim_add(kam_db *db, const struct kam_store_new_claim *c, long long *id, kam_err *e);
/* An event (handled, reported, paid) of a claim; amount 0 for none (only paid has one). */
int kam_store_claim_event(kam_db *db, int64_t claim, const char *event, const char *on_day, int64_t amount,
			  const char *by, const char *note, const char *created_at, kam_err *e);

/* Rows: id, code, amount, claimed_on, policy, route, green, report_by, handle_by, pay_by,
 * description, created_by, created_at, and the days of the events: handled_on,
 * reported_on, paid_on, paid_amount, paid_by (absent when none). */
int kam_store_claim_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e);
/* The claims made by as_of (every one when as_of is NULL; of one customer when code is
 * not NULL) in a state on the day as_of: NULL
 * every one; "open" not paid by as_of; "paid" by as_of (ever when as_of is NULL);
 * "overdue" a deadline before as_of whose event had not happened by as_of. */
int kam_store_claims_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			  kam_store_row_fn each, void *arg, kam_err *e);

/* Enrol a customer in the green channel from a day; the row: code, enrolled_on,
 * enrolled_by, and left_on, left_by, leave_reason once it left (no call when never
 * enrolled).  A customer leaves once (green_leave, from left_on on: its claims from that
 * day go the ordinary way); an enrolment and its leaving are never changed. */
int kam_store_green_enroll(kam_db *db, int64_t code, const char *on_day, const char *by, const char *created_at,
			   kam_err *e);
int kam_store_green_get(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);
int kam_store_green_leave(kam_db *db, int64_t code, const char *left_on, const char *by, const char *reason,
			  const char *created_at, kam_err *e);

/* How many claims of the same customer, amount, day and description are stored with an
 * id up to upto; the id of the last claim stored (0: none).  kam import leaves as many
 * identical rows of a file alone as were stored before it began. */
int kam_store_claim_stored(kam_db *db, const struct kam_store_new_claim *c, int64_t upto, int64_t *count, kam_err *e);
int kam_store_claims_last(kam_db *db, int64_t *id, kam_err *e);

#endif
