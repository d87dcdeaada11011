/* The ledger's physical design: one table per month behind the `ledger` view.
 *
 * A month loaded by kam import lives in its own WITHOUT ROWID table ledger_YYYYMM keyed
 * (code, line), filled in key order from an empty start: a month appended to a large
 * database touches no page of the months before it, and replacing a month drops one
 * table.  ledger_rows (code, month, line) holds what came in through SQL and the months
 * of databases made before the partitions (schema 4 renamed the old table).  ledger_months
 * says which months are stored, how many rows each holds and where: the import keeps it
 * up to date in its own transaction instead of counting the ledger.
 *
 * Readers use the view `ledger` (code, month, line, amount, volume): ledger_rows first,
 * then each month's table in month order, each in code order.
 *
 * Owns: ledger_rows, ledger_months, the ledger_YYYYMM tables and the view.  Promises:
 * table names are made of checked month integers only; every write happens in the
 * caller's transaction; ledger_months is kept by whoever writes through this file. */
#ifndef KAM_STORE_LEDGER_H
#define KAM_STORE_LEDGER_H

#include <stdint.h>

#include "err.h"
#include "store_value.h"

/* SQLite allows 500 terms in a compound SELECT; past this many months in their own
 * tables (40 years), further months go to ledger_rows. */
#define KAM_LEDGER_MAX_OWN 480

/* The view's INSERT trigger, created with the view: SQL writes go to ledger_rows (with
 * its foreign key and CHECKs) and count in ledger_months. */
#define KAM_LEDGER_INSERT_TRIGGER \
	"CREATE TRIGGER ledger_insert INSTEAD OF INSERT ON ledger BEGIN" \
	" SELECT RAISE(ABORT, 'this ledger month is stored in a table of its own: add rows to it" \
	" with kam import ledger --append')" \
	"  WHERE EXISTS (SELECT 1 FROM ledger_months WHERE month = NEW.month AND own_table);" \
	" INSERT INTO ledger_rows(code, month, line, amount, volume)" \
	"  VALUES (NEW.code, NEW.month, NEW.line, NEW.amount, NEW.volume);" \
	" INSERT INTO ledger_months(month, rows) VALUES (NEW.month, 1)" \
	"  ON CONFLICT (month) DO UPDATE SET rows = rows + 1;" \
	" END;"

/* A user's script may delete or change rows of months held in ledger_rows (as it could
 * before months had tables of their own); a month in its own table is replaced whole with
 * kam import ledger --replace, which keeps its table in key order. */
#define KAM_LEDGER_OWN_MONTH_REFUSED(ROW) \
	" SELECT RAISE(ABORT, 'this ledger month is stored in a table of its own: change it" \
	" with kam import ledger --replace')" \
	"  WHERE EXISTS (SELECT 1 FROM ledger_months WHERE month = " ROW ".month AND own_table);"
#define KAM_LEDGER_DELETE_TRIGGER \
	"CREATE TRIGGER ledger_delete INSTEAD OF DELETE ON ledger BEGIN" \
	KAM_LEDGER_OWN_MONTH_REFUSED("OLD") \
	" DELETE FROM ledger_rows WHERE code = OLD.code AND month = OLD.month AND line = OLD.line;" \
	" UPDATE ledger_months SET rows = rows - changes() WHERE month = OLD.month;" \
	" DELETE FROM ledger_months WHERE month = OLD.month AND rows = 0 AND NOT own_table;" \
	" END;"
#define KAM_LEDGER_UPDATE_TRIGGER \
	"CREATE TRIGGER ledger_update INSTEAD OF UPDATE ON ledger BEGIN" \
	KAM_LEDGER_OWN_MONTH_REFUSED("OLD") \
	KAM_LEDGER_OWN_MONTH_REFUSED("NEW") \
	" DELETE FROM ledger WHERE code = OLD.code AND month = OLD.month AND line = OLD.line;" \
	" INSERT INTO ledger(code, month, line, amount, volume)" \
	"  VALUES (NEW.code, NEW.month, NEW.line, NEW.amount, NEW.volume);" \
	" END;"

/* Create month's own empty table (YYYYMM, already checked to be a month). */
int kam_ledger_create_month(kam_db *db, int month, kam_err *e);
/* Drop month's own table. */
int kam_ledger_drop_month(kam_db *db, int month, kam_err *e);
/* Write the view `ledger` again over ledger_rows and the months ledger_months says have a
 * table of their own, with its trigger.  Inside the caller's transaction. */
int kam_ledger_rebuild_view(kam_db *db, kam_err *e);

/* A month ledger_months lists: its rows, and whether it has a table of its own. */
struct kam_ledger_month {
	int month;          /* YYYYMM */
	long rows;
	int own;
};
/* The months stored, in month order (*out malloc'd, free it; NULL when none). */
int kam_ledger_stored_months(kam_db *db, struct kam_ledger_month **out, int *n, kam_err *e);
/* How many months may have a table of their own on this connection (SQLite's compound
 * SELECT limit, at most KAM_LEDGER_MAX_OWN). */
int kam_ledger_max_own(kam_db *db);
/* Delete month's rows from ledger_rows; tick(arg) is called now and then while it runs
 * (tick may be NULL). */
int kam_ledger_delete_rows(kam_db *db, int month, void (*tick)(void *arg), void *arg, kam_err *e);
/* Record in ledger_months that month holds rows rows, in its own table or not. */
int kam_ledger_record_month(kam_db *db, int month, long rows, int own, kam_err *e);

/* Writing one month's rows: into its own table (own) or into ledger_rows, one row or
 * KAM_LEDGER_GROUP rows a statement (per-statement work is most of SQLite's cost). */
#define KAM_LEDGER_GROUP 64
typedef struct kam_ledger_writer kam_ledger_writer;
struct kam_ledger_row {
	int64_t code;
	const char *line;   /* the business line, NUL-terminated */
	int64_t amount;     /* fen */
	int64_t volume;     /* < 0: none */
};
int kam_ledger_writer_open(kam_db *db, int month, int own, kam_ledger_writer **out, kam_err *e);
/* Store rows[0..n), n 1 or KAM_LEDGER_GROUP: 0; KAM_STORE_DUPLICATE when a key is stored
 * already; KAM_STORE_REFUSED (e: SQLite's words) when another constraint refused it; -1
 * when the storage failed.  A group refused stores none of its rows. */
int kam_ledger_writer_put(kam_ledger_writer *w, const struct kam_ledger_row *rows, int n, kam_err *e);
void kam_ledger_writer_close(kam_ledger_writer *w);

#endif
