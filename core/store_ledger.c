/* The ledger's tables and view (store_ledger.h says why a table per month). */
#include "store_ledger.h"

#include <stdio.h>

/* The table name is made of the month, an integer checked by the caller (190001..299912):
 * nothing from the input is pasted into SQL. */
int kam_ledger_create_month(kam_db *db, int month, kam_err *e)
{
	char sql[512];
	if (month < 190001 || month > 299912 || month % 100 < 1 || month % 100 > 12)
		return kam_errf(e, "ledger: %d is not a month", month);
	snprintf(sql, sizeof sql,
		 "CREATE TABLE ledger_%d ("
		 "  code   INTEGER NOT NULL REFERENCES customers(code),"
		 "  line   TEXT NOT NULL CHECK (instr(' express logistics letters parcels savings billing"
		 " philately newspapers same_city international freight forwarding ', ' ' || line || ' ') > 0"
		 "                            AND instr(line, ' ') = 0),"
		 "  amount INTEGER NOT NULL,"
		 "  volume INTEGER CHECK (volume >= 0),"
		 "  PRIMARY KEY (code, line)"
		 ") WITHOUT ROWID", month);
	return kam_db_exec(db, sql, e);
}

int kam_ledger_drop_month(kam_db *db, int month, kam_err *e)
{
	char sql[64];
	if (month < 190001 || month > 299912)
		return kam_errf(e, "ledger: %d is not a month", month);
	snprintf(sql, sizeof sql, "DROP TABLE ledger_%d", month);
	return kam_db_exec(db, sql, e);
}

int kam_ledger_rebuild_view(kam_db *db, kam_err *e)
{
	sqlite3_stmt *st;
	sqlite3_str *s = sqlite3_str_new(db->h);
	char *sql;
	int rc, n = 0;

	sqlite3_str_appendall(s, "DROP VIEW IF EXISTS ledger;"
			      "CREATE VIEW ledger(code, month, line, amount, volume) AS"
			      " SELECT code, month, line, amount, volume FROM ledger_rows");
	if (kam_db_prepare(db, "SELECT month FROM ledger_months WHERE own_table ORDER BY month", &st, e) < 0) {
		sqlite3_free(sqlite3_str_finish(s));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int m = sqlite3_column_int(st, 0);
		/* CAST: the same affinity as ledger_rows.month in every arm, or SQLite will not
		 * flatten the view into a query and runs it as a co-routine (a copy per row). */
		sqlite3_str_appendf(s, " UNION ALL SELECT code, CAST(%d AS INTEGER), line, amount, volume"
				    " FROM ledger_%d", m, m);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_db_fail(db, rc, "read the ledger's months", e);
	}
	sqlite3_str_appendall(s, ";" KAM_LEDGER_INSERT_TRIGGER KAM_LEDGER_DELETE_TRIGGER KAM_LEDGER_UPDATE_TRIGGER);
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "ledger: out of memory");
	}
	sql = sqlite3_str_finish(s);
	rc = kam_db_exec(db, sql, e);
	sqlite3_free(sql);
	if (rc < 0)
		kam_err_prefix(e, "ledger view over %d month table%s", n, n == 1 ? "" : "s");
	return rc;
}
