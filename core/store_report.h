/* Reports' storage (issue 20): what the monthly analysis and the province's forms read,
 * and the two things they add, a month's close and the explanations of fluctuations.
 *
 * Owns: month_closes (every close and reopening of a month, appended, never changed;
 * a month is closed when its latest entry is a close), fluctuation_notes (explanations,
 * appended; the latest per customer and month stands) and the customers' `rural` column
 * (三农).  Reads the ledger's month tables (store_ledger.h) directly: a month is one table
 * in code order, so a month-wide question reads the tables of its months and nothing
 * else (measured on 100,000 customers and 24 months with the sqlite3 shell: one month's
 * table 0.03 s, the same month through the view 0.06 s, per-month totals of 24 months
 * through the view with GROUP BY 2.0 s), and sums in C.  No summary table is kept: a
 * summary per customer and line would be the ledger itself, and one per month and line
 * cannot answer the key accounts' figures, which need each customer's rows.
 *
 * Promises: plain C types out (codes and fen int64, months YYYYMM), sums checked against
 * the 64-bit range, strings valid only during a callback, writes inside the caller's
 * transaction (it opens none), "-1 and a kam_err" on failure. */
#ifndef KAM_STORE_REPORT_H
#define KAM_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

/* --- closing a month ------------------------------------------------------------- */

/* Append an entry: action "close" or "reopen" (a reopening needs a reason).  Refuses a
 * close of a closed month and a reopening of an open one, naming who closed it. */
int kam_store_month_mark(kam_db *db, int month, const char *action, const char *at, const char *by,
			 const char *reason, kam_err *e);
/* Every entry (id, month, action, at, by, reason), of one month when month > 0, in id
 * order. */
int kam_store_month_log(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e);
/* 0 when month is open; -1 with "month YYYY-MM is closed (by WHO at WHEN): kam month
 * reopen YYYY-MM --reason TEXT first" in e when it is closed (or the read failed).
 * Import calls it before it replaces or appends to a stored month. */
int kam_store_month_check_open(kam_db *db, int month, kam_err *e);

/* --- who is a key account -------------------------------------------------------- */

/* The current decision of every customer graded for year (its latest): code (integer),
 * grade, computed, reasons (JSON text), decided_at, policy. */
int kam_store_current_grades(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e);
/* Every current decision of one customer, one row a year in year order: year, grade,
 * computed, score, reasons, decided_at, decided_by, policy, policy_version. */
int kam_store_grade_history(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);

/* --- the archive ------------------------------------------------------------------ */

/* Every customer: code (integer), name, place, city, county, agreement, one_time, rural. */
int kam_store_customers_brief(kam_db *db, kam_store_row_fn each, void *arg, kam_err *e);
/* One customer's archive row (every column, code as 14 digits), no call when none. */
int kam_store_customer_row(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);

/* --- revenue ---------------------------------------------------------------------- */

/* Revenue sums in one pass over the months a query needs.  Each window is a range of
 * months [from, to]; each customer with a ledger row in some window gets, per window,
 * the sum of its amounts (fen) and volumes on the lines asked for.  Months in
 * [months_from, months_to] (both 0: none) also get a total: all customers, and the
 * customers of `set` (sorted ascending; NULL for none). */
struct kam_revenue_window {
	int from, to;           /* YYYYMM, inclusive */
};
struct kam_revenue_query {
	const char *const *lines;  /* business lines; NULL: all twelve */
	int nlines;
	const struct kam_revenue_window *win;
	int nwin;                  /* at most 64 */
	int months_from, months_to;
	const int64_t *set;
	size_t nset;
};
/* amount[i], volume[i] for window i (zero when it has no row there); rows[i] its rows. */
typedef int (*kam_revenue_customer_fn)(void *arg, int64_t code, const int64_t *amount, const int64_t *volume,
				       kam_err *e);
struct kam_revenue_month {
	int month;
	int64_t amount, volume, set_amount, set_volume;
	long customers, set_customers;  /* with a row on those lines that month */
};
typedef int (*kam_revenue_month_fn)(void *arg, const struct kam_revenue_month *m, kam_err *e);
/* Customers in code order, then months in month order. */
int kam_store_revenue(kam_db *db, const struct kam_revenue_query *q, kam_revenue_customer_fn each_customer,
		      kam_revenue_month_fn each_month, void *arg, kam_err *e);

/* One customer's ledger rows in [from, to]: month, line, amount, volume, in month order. */
int kam_store_customer_ledger(kam_db *db, int64_t code, int from, int to, kam_store_row_fn each, void *arg,
			      kam_err *e);

/* --- fluctuation explanations ------------------------------------------------------ */

/* Append an explanation of customer code's change in month. */
int kam_store_note_add(kam_db *db, int64_t code, int month, const char *text, const char *by, const char *at,
		       kam_err *e);
/* The latest explanation of each customer for month: code (integer), explanation,
 * created_by, created_at. */
int kam_store_notes(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e);

#endif
