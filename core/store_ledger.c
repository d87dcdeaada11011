/* The ledger's tables and view (store_ledger.h says why a table per month). */
#include "store_ledger.h"

#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "store_report.h"

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
	/* A closed month's filed forms must not change under them (store_report.h). */
	if (kam_store_month_check_open(db, month, e) < 0)
		return -1;
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

int kam_ledger_stored_months(kam_db *db, struct kam_ledger_month **out, int *n, kam_err *e)
{
	struct kam_ledger_month *list = NULL;
	sqlite3_stmt *st;
	int rc, cap = 0;
	*out = NULL;
	*n = 0;
	if (kam_db_prepare(db, "SELECT month, rows, own_table FROM ledger_months ORDER BY month", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct kam_ledger_month *grown;
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(list, (size_t)cap * sizeof *grown))) {
				sqlite3_finalize(st);
				free(list);
				*n = 0;
				return kam_errf(e, "out of memory");
			}
			list = grown;
		}
		list[*n].month = sqlite3_column_int(st, 0);
		list[*n].rows = (long)sqlite3_column_int64(st, 1);
		list[*n].own = sqlite3_column_int(st, 2) != 0;
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(list);
		*n = 0;
		return kam_db_fail(db, rc, "read the ledger's months", e);
	}
	*out = list;
	return 0;
}

int kam_ledger_max_own(kam_db *db)
{
	int limit = sqlite3_limit(db->h, SQLITE_LIMIT_COMPOUND_SELECT, -1) - 2;
	return limit < KAM_LEDGER_MAX_OWN ? limit : KAM_LEDGER_MAX_OWN;
}

struct ticker {
	void (*tick)(void *arg);
	void *arg;
};

/* SQLite's progress callback: the caller's tick, never an interruption. */
static int progress(void *arg)
{
	struct ticker *t = arg;
	t->tick(t->arg);
	return 0;
}

int kam_ledger_delete_rows(kam_db *db, int month, void (*tick)(void *arg), void *arg, kam_err *e)
{
	struct ticker t = {tick, arg};
	sqlite3_stmt *st;
	int rc;
	if (kam_store_month_check_open(db, month, e) < 0)
		return -1;
	if (kam_db_prepare(db, "DELETE FROM ledger_rows WHERE month = ?1", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, month)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "delete the month", e);
	}
	if (tick)
		sqlite3_progress_handler(db->h, 200000, progress, &t);
	rc = sqlite3_step(st);
	if (tick)
		sqlite3_progress_handler(db->h, 0, NULL, NULL);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "delete the month", e);
	return 0;
}

int kam_ledger_record_month(kam_db *db, int month, long rows, int own, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "INSERT INTO ledger_months(month, rows, own_table) VALUES (?1, ?2, ?3)"
			   " ON CONFLICT (month) DO UPDATE SET rows = excluded.rows, own_table = excluded.own_table",
			   &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, month)) == SQLITE_OK && (rc = sqlite3_bind_int64(st, 2, rows)) == SQLITE_OK &&
	    (rc = sqlite3_bind_int(st, 3, own)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "record the ledger's months", e);
	return 0;
}

struct kam_ledger_writer {
	kam_db *db;
	int month, own;
	sqlite3_stmt *one, *group;
};

void kam_ledger_writer_close(kam_ledger_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->one);
	sqlite3_finalize(w->group);
	free(w);
}

int kam_ledger_writer_open(kam_db *db, int month, int own, kam_ledger_writer **out, kam_err *e)
{
	kam_ledger_writer *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w)
		return kam_errf(e, "out of memory");
	if (month < 190001 || month > 299912 || month % 100 < 1 || month % 100 > 12) {
		free(w);
		return kam_errf(e, "ledger: %d is not a month", month);
	}
	if (kam_store_month_check_open(db, month, e) < 0) {
		free(w);
		return -1;
	}
	w->db = db;
	w->month = month;
	w->own = own;
	for (int n = 1; n <= KAM_LEDGER_GROUP; n += KAM_LEDGER_GROUP - 1) {
		sqlite3_str *s = sqlite3_str_new(db->h);
		char *sql;
		int rc;
		if (own)
			sqlite3_str_appendf(s, "INSERT INTO ledger_%d(code, line, amount, volume) VALUES ", month);
		else
			sqlite3_str_appendall(s, "INSERT INTO ledger_rows(code, month, line, amount, volume) VALUES ");
		for (int i = 0; i < n; i++)
			sqlite3_str_appendall(s, i ? (own ? ",(?,?,?,?)" : ",(?,?,?,?,?)")
						   : (own ? "(?,?,?,?)" : "(?,?,?,?,?)"));
		if (sqlite3_str_errcode(s) != SQLITE_OK) {
			sqlite3_free(sqlite3_str_finish(s));
			kam_ledger_writer_close(w);
			return kam_errf(e, "out of memory");
		}
		sql = sqlite3_str_finish(s);
		rc = kam_db_prepare(db, sql, n == 1 ? &w->one : &w->group, e);
		sqlite3_free(sql);
		if (rc < 0) {
			kam_ledger_writer_close(w);
			return -1;
		}
	}
	*out = w;
	return 0;
}

int kam_ledger_writer_put(kam_ledger_writer *w, const struct kam_ledger_row *rows, int n, kam_err *e)
{
	sqlite3_stmt *st = n == 1 ? w->one : w->group;
	int p = 1, rc = SQLITE_OK;
	if (n != 1 && n != KAM_LEDGER_GROUP)
		return kam_errf(e, "ledger: %d rows in one statement", n);
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		const struct kam_ledger_row *r = &rows[i];
		if ((rc = sqlite3_bind_int64(st, p++, r->code)) != SQLITE_OK ||
		    (!w->own && (rc = sqlite3_bind_int(st, p++, w->month)) != SQLITE_OK) ||
		    (rc = sqlite3_bind_text(st, p++, r->line, -1, SQLITE_STATIC)) != SQLITE_OK ||
		    (rc = sqlite3_bind_int64(st, p++, r->amount)) != SQLITE_OK)
			break;
		rc = r->volume >= 0 ? sqlite3_bind_int64(st, p++, r->volume) : sqlite3_bind_null(st, p++);
	}
	if (rc != SQLITE_OK)
		return kam_db_fail(w->db, rc, "insert", e);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return KAM_STORE_DUPLICATE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		kam_errf(e, "%s", sqlite3_errmsg(w->db->h));
		return KAM_STORE_REFUSED;
	}
	return kam_db_fail(w->db, rc, "insert", e);
}
