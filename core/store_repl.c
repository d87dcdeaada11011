/* The REPL's reads (store_repl.h). */
#include "store_repl.h"

#include "store.h"
#include "store_rows_impl.h"

static int one_int(void *arg, const kam_store_row *r, kam_err *e)
{
	(void)e;
	*(int64_t *)arg = kam_store_row_type(r, 0) == KAM_STORE_INT ? kam_store_row_int(r, 0) : 0;
	return 0;
}

int kam_store_repl_counts(kam_db *db, int64_t *customers, int64_t *months, kam_err *e)
{
	*customers = *months = 0;
	if (kam_store_walk(db, "SELECT count(*) FROM customers", NULL, 0, one_int, customers,
			   "count the customers", e) < 0)
		return -1;
	/* Months stored in a table of their own, and those still in ledger_rows. */
	return kam_store_walk(db, "SELECT count(*) FROM (SELECT month FROM ledger_months UNION "
			      "SELECT DISTINCT month FROM ledger_rows)", NULL, 0, one_int, months,
			      "count the ledger months", e);
}

int kam_store_repl_tables(kam_db *db, const char *name, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(name)};
	return kam_store_walk(db, "SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') "
			      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
			      "AND name NOT GLOB 'ledger_[0-9][0-9][0-9][0-9][0-9][0-9]' "
			      "AND (?1 IS NULL OR name = ?1) ORDER BY name", v, 1, each, arg,
			      "read the schema", e);
}

int kam_store_repl_columns(kam_db *db, const char *table, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(table)};
	return kam_store_walk(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", v, 1, each, arg,
			      "read the columns", e);
}

int kam_store_repl_codes(kam_db *db, const char *prefix, int limit, kam_store_row_fn each, void *arg,
			 kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(prefix), KAM_SV_INT(limit)};
	/* A code is 14 digits: its text sorts as its number, and a prefix is a range. */
	return kam_store_walk(db, "SELECT printf('%014d', code) AS code FROM customers "
			      "WHERE printf('%014d', code) GLOB ?1 || '*' ORDER BY code LIMIT ?2", v, 2, each, arg,
			      "read customer codes", e);
}

int kam_store_repl_customer_find(kam_db *db, const char *text, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(text)};
	return kam_store_walk(db, "SELECT printf('%014d', code) AS code, name, place, city, county, admin_code, "
			      "industry, nature, reach, agreement, account, important, potential, network_wide, "
			      "one_time FROM customers WHERE printf('%014d', code) = ?1 OR instr(name, ?1) > 0 "
			      "ORDER BY printf('%014d', code) <> ?1, code LIMIT 20", v, 1, each, arg,
			      "read the customers", e);
}

int kam_store_repl_customer_months(kam_db *db, int64_t code, int n, kam_store_row_fn each, void *arg,
				   kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_INT(n)};
	return kam_store_walk(db, "SELECT month, amount, volume FROM (SELECT month, sum(amount) AS amount, "
			      "sum(volume) AS volume FROM ledger WHERE code = ?1 GROUP BY month "
			      "ORDER BY month DESC LIMIT ?2) ORDER BY month", v, 2, each, arg,
			      "read the ledger", e);
}

int kam_store_repl_grade_history(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT r.year, d.grade, d.computed, d.score, p.name AS policy, r.decided_at, "
			      "r.decided_by FROM decisions d JOIN grading_runs r ON r.id = d.run "
			      "JOIN policies p ON p.hash = r.policy_hash WHERE d.code = ?1 AND d.id = "
			      "(SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run "
			      "JOIN policies p2 ON p2.hash = r2.policy_hash WHERE d2.code = d.code "
			      "AND r2.year = r.year AND p2.name = p.name) ORDER BY r.year, p.name", v, 1, each, arg,
			      "read decisions", e);
}

int kam_store_repl_last_graded_year(kam_db *db, int *year, kam_err *e)
{
	int64_t y = 0;
	if (kam_store_walk(db, "SELECT max(r.year) FROM grading_runs r WHERE EXISTS "
			   "(SELECT 1 FROM decisions d WHERE d.run = r.id)", NULL, 0, one_int, &y,
			   "read grading runs", e) < 0)
		return -1;
	*year = (int)y;
	return 0;
}

int kam_store_repl_moves(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(year)};
	return kam_store_walk(db,
			      "WITH latest AS (SELECT d.code, r.year, d.grade, "
			      "row_number() OVER (PARTITION BY d.code, r.year ORDER BY d.id DESC) AS n "
			      "FROM decisions d JOIN grading_runs r ON r.id = d.run WHERE r.year IN (?1 - 1, ?1)), "
			      "a AS (SELECT code, grade FROM latest WHERE n = 1 AND year = ?1 - 1), "
			      "b AS (SELECT code, grade FROM latest WHERE n = 1 AND year = ?1), "
			      "moved AS (SELECT a.code, a.grade AS before, b.grade AS after FROM a LEFT JOIN b "
			      "ON b.code = a.code WHERE b.grade IS NOT a.grade UNION "
			      "SELECT b.code, NULL, b.grade FROM b WHERE b.code NOT IN (SELECT code FROM a)) "
			      "SELECT printf('%014d', m.code) AS code, c.name, m.before, m.after FROM moved m "
			      "JOIN customers c ON c.code = m.code ORDER BY m.code", v, 1, each, arg,
			      "read decisions", e);
}

int kam_store_repl_tx_wrote(kam_db *db)
{
	return db && db->h && sqlite3_txn_state(db->h, NULL) == SQLITE_TXN_WRITE;
}
