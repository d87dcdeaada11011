/* Complaints' storage (DOMAIN.md 11): owns the complaints, complaint_answers, complaint_escalations and
 * complaint_ratings tables.
 *
 * A complaint (content, customer, the day received, its owner: whoever received it,
 * first-responder responsibility, and the day it must be answered by) is one row, never
 * changed; its answer is one row, and the customer's satisfaction with it one more.
 * Promises: rows as kam_store_row (code as 14-digit text, days YYYY-MM-DD) in id order;
 * writes inside the caller's transaction; "-1 and a kam_err". */
#ifndef KAM_STORE_COMPLAINTS_H
#define KAM_STORE_COMPLAINTS_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

struct kam_store_new_complaint {
	int64_t code;
	const char *received_on, *content, *owner, *unit, *policy, *answer_by, *created_by, *created_at;
	/* unit may be NULL */
};
int kam_store_complaint_add(kam_db *db, const struct kam_store_new_complaint *c, long long *id, kam_err *e);
int kam_store_complaint_answer(kam_db *db, int64_t complaint, const char *answered_on, const char *answer,
			       const char *by, const char *created_at, kam_err *e);
int kam_store_complaint_rate(kam_db *db, int64_t complaint, const char *satisfaction, const char *noted_on,
			     const char *by, const char *created_at, kam_err *e);

/* Rows: id, code, received_on, content, owner, unit, policy, answer_by, received_by,
 * first_answer_by, escalated_on, escalations, created_by, created_at, answered_on,
 * answer, answered_by, satisfaction, rated_on (absent when none).  owner, unit and
 * answer_by are those of the last escalation made by the day read (complaints_list's
 * as_of; every one for complaint_get), else the complaint's own; received_by and
 * first_answer_by are always the complaint's own. */
int kam_store_complaint_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e);
/* The complaints received by as_of (of one customer when code is not NULL) in a state on
 * as_of: NULL every one; "open" not answered by as_of; "overdue" open and answer_by <
 * as_of; "answered" answered by as_of. */
int kam_store_complaints_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			      kam_store_row_fn each, void *arg, kam_err *e);

/* How many complaints of the same customer, day, content, owner and unit are stored with
 * an id up to upto; the id of the last complaint stored (0: none).  kam import leaves as
 * many identical rows of a file alone as were stored before it began. */
int kam_store_complaint_stored(kam_db *db, const struct kam_store_new_complaint *c, int64_t upto, int64_t *count,
			       kam_err *e);
int kam_store_complaints_last(kam_db *db, int64_t *id, kam_err *e);

/* A complaint escalated to the level above (DOMAIN §11): its new owner (and unit) and
 * deadline from escalated_on; one row per escalation, never changed. */
struct kam_store_escalation {
	int64_t complaint;
	const char *escalated_on, *from_owner, *to_owner, *to_unit, *answer_by, *reason, *by, *created_at;
	/* to_unit may be NULL */
};
int kam_store_complaint_escalate(kam_db *db, const struct kam_store_escalation *x, kam_err *e);
/* Rows: id, escalated_on, from_owner, to_owner, to_unit, answer_by, reason, escalated_by. */
int kam_store_complaint_escalations(kam_db *db, int64_t complaint, kam_store_row_fn each, void *arg, kam_err *e);

#endif
