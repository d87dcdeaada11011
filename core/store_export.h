/* Exports: stored rows streamed out, one callback per row, in a stable order.
 *
 * Owns: the reading side of export (customers, the ledger through its view, bureau
 * revenue, the grades joined with their runs and policies).  Promises: one statement per
 * export, so the rows are one consistent read; table and column names come from kam's
 * kinds table, never from input; months are bound.  Rows are handed out as plain values
 * (store_value.h) valid until the callback returns. */
#ifndef KAM_STORE_EXPORT_H
#define KAM_STORE_EXPORT_H

#include "err.h"
#include "store_value.h"

/* One row: n values.  Return -1 (e filled) to stop the export. */
typedef int (*kam_export_row_fn)(void *arg, int n, const kam_store_value *row, kam_err *e);

struct kam_export_query {
	const char *table;           /* the kind's table */
	const char *const *cols;     /* its columns, in the file's order */
	int ncols;
	const char *order_by;        /* the kind's order */
	int months;                  /* 1: only months from..to (the table has a month column) */
	int from, to;                /* YYYYMM */
};

int kam_export_rows(kam_db *db, const struct kam_export_query *q, kam_export_row_fn fn, void *arg, kam_err *e);
/* Whether an export of table will mask confidential fields for the acting user: 1 (and
 * *topic, what is masked), 0, or -1.  Asked before any row is read, so that the file can
 * say so at its top; nothing is logged (the rows' read is, as it happens). */
int kam_export_masked(kam_db *db, const char *table, const char **topic, kam_err *e);

/* The grades: code (14 digits), year, grade, computed, override, score, policy,
 * policy_version, policy_hash, reasons (a JSON array as stored), decided_at, decided_by:
 * the current decision per customer and year, or every one (history); year 0: all. */
#define KAM_EXPORT_GRADE_COLS 12
int kam_export_grades(kam_db *db, int year, int history, kam_export_row_fn fn, void *arg, kam_err *e);

#endif
