/* Reading the facts (store_facts.h). */
#include "store.h"
#include "store_facts.h"

#include <stdio.h>
#include <stdlib.h>

struct kam_store_reader {
	sqlite3 *h;
};

static struct kam_store_text text_col(sqlite3_stmt *st, int col)
{
	struct kam_store_text t = {sqlite3_column_text(st, col), 0};
	if (t.s)
		t.n = sqlite3_column_bytes(st, col);
	return t;
}

/* Its city's customers (the city bureau's revenue counts them all) and its own bureau's. */
static const char CUSTOMERS_SQL[] =
	"SELECT c.code, c.name, c.place, c.city, c.county, c.admin_code, c.industry, c.nature, c.reach,"
	" c.agreement, c.account, c.important, c.potential, c.network_wide, c.one_time,"
	" a.status, a.status_since, a.merged_into"
	" FROM customers c LEFT JOIN archive a ON a.code = c.code";
static const char BUREAU_FILTER[] =
	" WHERE c.code = ?1 OR c.city = (SELECT city FROM customers WHERE code = ?1)"
	" OR CASE WHEN c.place = 'county' THEN c.county ELSE c.city END ="
	" (SELECT CASE WHEN place = 'county' THEN county ELSE city END FROM customers WHERE code = ?1)";

int kam_store_facts_customers(kam_db *db, int64_t only_code,
			      int (*each)(void *arg, const struct kam_store_customer_row *r), void *arg,
			      kam_err *e)
{
	char sql[1024];
	sqlite3_stmt *st;
	int rc = SQLITE_OK;

	snprintf(sql, sizeof sql, "%s%s ORDER BY c.code", CUSTOMERS_SQL, only_code ? BUREAU_FILTER : "");
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	if (only_code)
		rc = sqlite3_bind_int64(st, 1, only_code);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_store_customer_row r = {
			.code = sqlite3_column_int64(st, 0),
			.name = text_col(st, 1), .place = text_col(st, 2), .city = text_col(st, 3),
			.county = text_col(st, 4), .admin_code = text_col(st, 5), .industry = text_col(st, 6),
			.nature = text_col(st, 7), .reach = text_col(st, 8),
			.agreement = sqlite3_column_int(st, 9) != 0,
			.account = text_col(st, 10), .important = text_col(st, 11), .potential = text_col(st, 12),
			.network_wide = sqlite3_column_int(st, 13) != 0, .one_time = sqlite3_column_int(st, 14) != 0,
			.status = text_col(st, 15), .status_since = text_col(st, 16),
			.merged_into = sqlite3_column_int64(st, 17),
		};
		if (each(arg, &r) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read customers", e);
	return 0;
}

int kam_store_reader_open(kam_db *db, kam_store_reader **out, kam_err *e)
{
	kam_store_reader *r = calloc(1, sizeof *r);
	int rc;
	*out = NULL;
	if (!r)
		return kam_errf(e, "%s: out of memory", db->path);
	rc = sqlite3_open_v2(db->path, &r->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(r->h, db->wait_ms);
	if (rc != SQLITE_OK) {
		kam_errf(e, "%s: a second connection: %s", db->path, sqlite3_errstr(rc));
		kam_store_reader_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

void kam_store_reader_close(kam_store_reader *r)
{
	if (!r)
		return;
	sqlite3_close(r->h);
	free(r);
}

/* Only the connection's own state is touched: two threads read at once, one per
 * connection, and a message is built from the result code, not from db's connection. */
static int ledger_fail(kam_db *db, kam_store_reader *rd, int rc, kam_err *e)
{
	if (rd)
		return kam_errf(e, "%s: read the ledger: %s", db->path, sqlite3_errmsg(rd->h));
	return kam_db_fail(db, rc, "read the ledger", e);
}

int kam_store_facts_ledger(kam_db *db, kam_store_reader *rd, int64_t lo, int64_t hi, int first, int last,
			   int (*each)(void *arg, const struct kam_store_ledger_row *r), void *arg, kam_err *e)
{
	/* One customer's bureau is read as the range of its codes, its other customers skipped
	 * by the caller: SQLite pushes a range, not an IN (SELECT …), into each month's table
	 * of the view. */
	const char *sql = first ? "SELECT code, month, line, amount, volume FROM ledger WHERE code >= ?1 AND code < ?2"
				  " AND month BETWEEN ?3 AND ?4"
				: "SELECT code, month FROM ledger WHERE code >= ?1 AND code < ?2";
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(rd ? rd->h : db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ledger_fail(db, rd, rc, e);
	rc = sqlite3_bind_int64(st, 1, lo);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, hi);
	if (rc == SQLITE_OK && first)
		rc = sqlite3_bind_int(st, 3, first);
	if (rc == SQLITE_OK && first)
		rc = sqlite3_bind_int(st, 4, last);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_store_ledger_row r = {sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), {NULL, 0}, 0, 0};
		if (first) {
			r.line = text_col(st, 2);
			r.amount = sqlite3_column_int64(st, 3);
			r.volume = sqlite3_column_int64(st, 4);
		}
		if (each(arg, &r) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		ledger_fail(db, rd, rc, e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int kam_store_facts_bureau_revenue(kam_db *db, int year, int (*each)(void *arg, const char *bureau, int64_t amount),
				   void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "SELECT bureau, amount FROM bureau_revenue WHERE year = ?1", &st, e) < 0)
		return -1;
	rc = sqlite3_bind_int(st, 1, year);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (name && each(arg, name, sqlite3_column_int64(st, 1)) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read the bureaus' revenue", e);
	return 0;
}
