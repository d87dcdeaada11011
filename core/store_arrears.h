/* Receivables' storage (DOMAIN.md 6, arrears): owns the receivables,
 * receivable_payments and credit_files tables.
 *
 * A receivable (what a customer owes for a line, issued on a day, due on a day, with the
 * handler accountable for collecting it) is one row, never changed; each payment is a
 * row of its own.  Promises: rows as kam_store_row (code as 14-digit text, amounts in
 * fen, days YYYY-MM-DD) in id order, what is outstanding on a day computed from the
 * payments made by that day; writes inside the caller's transaction; "-1 and a kam_err". */
#ifndef KAM_STORE_ARREARS_H
#define KAM_STORE_ARREARS_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

struct kam_store_new_receivable {
	int64_t code, amount;
	const char *line, *issued, *due, *handler, *ref, *created_by, *created_at;   /* ref may be NULL */
};
int kam_store_receivable_add(kam_db *db, const struct kam_store_new_receivable *r, long long *id, kam_err *e);
int kam_store_receivable_pay(kam_db *db, int64_t receivable, const char *paid_on, int64_t amount, const char *by,
			     const char *created_at, long long *id, kam_err *e);

/* Rows: id, code, line, amount, issued, due, handler, ref, created_by, created_at,
 * paid (fen paid by as_of), outstanding (amount - paid), days_overdue (days from due to
 * as_of, 0 or less when not yet due), last_paid_on (absent when none). */
int kam_store_receivable_get(kam_db *db, int64_t id, const char *as_of, kam_store_row_fn each, void *arg,
			     kam_err *e);
/* The receivables issued by as_of (of one customer when code is not NULL); only those
 * with something outstanding on as_of when open. */
int kam_store_receivables_list(kam_db *db, const int64_t *code, const char *as_of, int open,
			       kam_store_row_fn each, void *arg, kam_err *e);
/* The ledger's revenue of a year per line: rows line, amount (fen), lines with rows only. */
int kam_store_revenue_by_line(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e);
/* Whether the customer exists (*exists) and has an agreement (*agreement). */
int kam_store_customer_agreement(kam_db *db, int64_t code, int *exists, int *agreement, kam_err *e);
/* Whether a receivable with the same customer, line, amount, days, handler and ref (NULL
 * matches NULL) is stored: an import of the same file again adds nothing. */
int kam_store_receivable_stored(kam_db *db, const struct kam_store_new_receivable *r, int *stored, kam_err *e);
/* One customer: code, name, agreement (0/1), account; no call when there is none. */
int kam_store_customer_brief(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);

/* Credit files (DOMAIN §6, seed 003 art. 7): a customer's credit level, arrears limit
 * (fen) and repayment cycle (days), one row per version from a day on (since), never
 * changed: a new version is added. */
struct kam_store_new_credit {
	int64_t code, arrears_limit, cycle_days;
	const char *credit_level, *since, *set_by, *reason, *created_at;   /* reason may be NULL */
};
int kam_store_credit_set(kam_db *db, const struct kam_store_new_credit *c, long long *id, kam_err *e);
/* Rows: id, code, credit_level, arrears_limit, cycle_days, since, set_by, reason,
 * created_at; of one customer (code) or every one (NULL), by code, since and id: every
 * version when history, else the one standing on as_of (the latest since by then).  The
 * terms (credit_level, arrears_limit, cycle_days, reason) are confidential: a reader who
 * may not see them reads "***" (store_rows_impl.h). */
int kam_store_credit_files(kam_db *db, const int64_t *code, const char *as_of, int history, kam_store_row_fn each,
			   void *arg, kam_err *e);

#endif
