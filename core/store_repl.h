/* What the REPL asks of the database, in plain C types: the banner's counts, the
 * database's tables and columns (.tables, .schema, completion), customer codes for
 * completion, and the everyday questions (.customer, .who-moved).
 *
 * Owns no table: it reads customers, the ledger, decisions, grading runs and the
 * schema.  Promises: every query bound, rows through kam_store_row callbacks (strings
 * valid only during the callback), codes as 14-digit text in rows, money as integer fen,
 * months as YYYYMM; -1 and a kam_err naming what was read on failure. */
#ifndef KAM_STORE_REPL_H
#define KAM_STORE_REPL_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

/* Customers in the archive, and ledger months stored. */
int kam_store_repl_counts(kam_db *db, int64_t *customers, int64_t *months, kam_err *e);
/* Rows: name, type ('table' or 'view'), sql; kam's own and the user's, no sqlite_ ones;
 * only `name` when it is not NULL.  The per-month ledger tables are left out: the
 * `ledger` view is their face. */
int kam_store_repl_tables(kam_db *db, const char *name, kam_store_row_fn each, void *arg, kam_err *e);
/* Rows: name; the columns of a table or view, in order. */
int kam_store_repl_columns(kam_db *db, const char *table, kam_store_row_fn each, void *arg, kam_err *e);
/* Rows: code; customer codes starting with prefix (digits), at most limit, ascending. */
int kam_store_repl_codes(kam_db *db, const char *prefix, int limit, kam_store_row_fn each, void *arg,
			 kam_err *e);
/* Rows: the customers whose code is text, or whose name contains it (at most 20),
 * every archive column, code as 14-digit text. */
int kam_store_repl_customer_find(kam_db *db, const char *text, kam_store_row_fn each, void *arg, kam_err *e);
/* Rows: month (YYYYMM), amount (fen), volume; the customer's last n ledger months, all
 * business lines summed, oldest first. */
int kam_store_repl_customer_months(kam_db *db, int64_t code, int n, kam_store_row_fn each, void *arg,
				   kam_err *e);
/* Rows: year, grade, computed, score, policy, decided_at, decided_by; the customer's
 * latest decision per year and policy, by year. */
int kam_store_repl_grade_history(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);
/* The latest year with decisions (0 when none). */
int kam_store_repl_last_graded_year(kam_db *db, int *year, kam_err *e);
/* Rows: code, name, before (grade in year-1), after (grade in year); every customer whose
 * latest decision of the year differs from its latest of the year before (a customer
 * graded only in one of them included, the other side absent), by code. */
int kam_store_repl_moves(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e);

/* Whether the transaction open on db has written anything. */
int kam_store_repl_tx_wrote(kam_db *db);

#endif
