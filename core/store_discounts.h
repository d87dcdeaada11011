/* Discounts' storage (DOMAIN.md 5): owns the discounts and discount_answers tables.
 *
 * A request is one row, never changed; its answer (approved or refused, by whom, at which
 * level, on which day) is one row of its own, at most one per request.  Promises: rows as
 * kam_store_row (code as 14-digit text, rates in basis points, days YYYY-MM-DD), in id
 * order; writes inside the caller's transaction (it opens none); "-1 and a kam_err". */
#ifndef KAM_STORE_DISCOUNTS_H
#define KAM_STORE_DISCOUNTS_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

struct kam_store_new_discount {
	int64_t code, rate_bp, limit_bp;
	const char *line, *method, *valid_from, *valid_until, *requested_on, *requested_by, *policy, *grade,
		*route, *answer_by, *reason, *created_at;   /* method, reason may be NULL */
};
int kam_store_discount_add(kam_db *db, const struct kam_store_new_discount *d, long long *id, kam_err *e);

struct kam_store_discount_answer {
	int64_t discount;
	const char *decision, *level, *answered_on, *answered_by, *reason, *created_at;   /* reason may be NULL */
};
int kam_store_discount_answer(kam_db *db, const struct kam_store_discount_answer *a, kam_err *e);

/* Rows: id, code, line, rate_bp, method, valid_from, valid_until, requested_on,
 * requested_by, policy, grade, limit_bp, route, answer_by, reason, created_at, and the
 * answer's decision, level, answered_on, answered_by, answer_reason (absent when none). */
/* One request by id (no call when there is none). */
int kam_store_discount_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e);
/* The requests made by as_of (every one when as_of is NULL; of one customer when code is
 * not NULL) in a state on the day as_of:
 * NULL every one; "pending" not answered by as_of; "overdue" not answered by as_of and
 * answer_by < as_of; "answered" by as_of; "granted" approved by as_of and valid on it. */
int kam_store_discounts_list(kam_db *db, const int64_t *code, const char *state, const char *as_of,
			     kam_store_row_fn each, void *arg, kam_err *e);
/* The customer's grade as the policy's latest grading run decided it (the latest year
 * graded under a policy of that name): row grade, year; no call when never graded. */
int kam_store_grade_now(kam_db *db, int64_t code, const char *policy, kam_store_row_fn each, void *arg,
			kam_err *e);

/* How many requests with the same customer, line, rate, method, period, day and reason
 * are stored with an id up to upto; the id of the last request stored (0: none).  kam
 * import leaves as many identical rows of a file alone as were stored before it began,
 * so loading a file twice adds nothing, and two identical requests stay two. */
int kam_store_discount_stored(kam_db *db, const struct kam_store_new_discount *d, int64_t upto, int64_t *count,
			      kam_err *e);
int kam_store_discounts_last(kam_db *db, int64_t *id, kam_err *e);
/* The columns of a discount a reader without the right to its terms reads as "***"
 * (DOMAIN §5, §12): the listings here and kam export discounts mask the same ones. */
extern const char *const kam_secret_discount_cols[];

#endif
