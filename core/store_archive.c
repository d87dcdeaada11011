/* The customer archive's questions and the ledger move of a merge (store_archive.h). */
#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "store_archive.h"
#include "store_ledger.h"
#include "store_stmt.h"

/* The basic block: the customers table and the archive row (absent: active, never
 * refreshed, not filed). */
#define CUSTOMER_COLUMNS \
	"printf('%014d', c.code) AS code, c.name, c.place, c.city, c.county, c.admin_code, c.industry, " \
	"c.nature, c.reach, c.agreement, c.account, c.important, c.potential, c.network_wide, c.one_time, " \
	"a.address, a.postcode, a.head, a.contact, a.phone, a.fax, a.email, a.products, a.annual_spend, " \
	"a.annual_volume, coalesce(a.filed, 0) AS filed, coalesce(a.status, 'active') AS status, " \
	"a.status_since, a.status_reason, CASE WHEN a.merged_into IS NOT NULL THEN " \
	"printf('%014d', a.merged_into) END AS merged_into, a.refreshed_on, a.refreshed_by " \
	"FROM customers c LEFT JOIN archive a ON a.code = c.code"

/* Confidential (DOMAIN §12): key persons and the extended block; a history's values too,
 * since they hold those blocks' old and new values. */
const char *const kam_secret_person_cols[] = {"name", "title", "phone", "interests", "taboos", "important_days",
					    "note", NULL};
const char *const kam_secret_extended_cols[] = {"profit", "operations", "capital", "credit", "development",
					      "staff", "registered_capital", NULL};
static const char *const history_secret[] = {"old_value", "new_value", NULL};

const struct kam_store_stmt_secret kam_store_secret_stmts[] = {
	{"extended_get", "the extended archive", kam_secret_extended_cols},
	{"key_persons_of", "key persons", kam_secret_person_cols},
	{"key_person_get", "key persons", kam_secret_person_cols},
	{"key_person_find", "key persons", kam_secret_person_cols},
	{"changes_of", "the archive's history", history_secret},
	{NULL, NULL, NULL},
};

#define PERSON_COLUMNS "id, printf('%014d', code) AS code, name, title, phone, interests, taboos, " \
	"important_days, note, active"
#define COMPETITOR_COLUMNS "id, printf('%014d', code) AS code, competitor, price, volume, share_pct, " \
	"strengths, active"

const struct kam_store_stmt kam_store_archive_stmts[] = {
	{"customer_get", "c", KAM_STMT_ROW, "SELECT " CUSTOMER_COLUMNS " WHERE c.code = ?1", "read the archive"},
	/* status (active, lost, merged, or NULL: every one), city, county: NULL for any. */
	{"customer_list", "TTT", KAM_STMT_ROWS,
	 "SELECT " CUSTOMER_COLUMNS " WHERE (?1 IS NULL OR coalesce(a.status, 'active') = ?1)"
	 " AND (?2 IS NULL OR c.city = ?2) AND (?3 IS NULL OR c.county = ?3) ORDER BY c.code",
	 "read the archive"},
	{"customer_insert", "cttTTTTTTiTTTii", KAM_STMT_NONE,
	 "INSERT INTO customers(code, name, place, city, county, admin_code, industry, nature, reach, agreement,"
	 " account, important, potential, network_wide, one_time)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	 "add the customer"},
	{"customer_update", "cttTTTTTTiTTTii", KAM_STMT_NONE,
	 "UPDATE customers SET name = ?2, place = ?3, city = ?4, county = ?5, admin_code = ?6, industry = ?7,"
	 " nature = ?8, reach = ?9, agreement = ?10, account = ?11, important = ?12, potential = ?13,"
	 " network_wide = ?14, one_time = ?15 WHERE code = ?1",
	 "change the customer"},
	{"archive_put", "cTTTTTTTTIIi", KAM_STMT_NONE,
	 "INSERT INTO archive(code, address, postcode, head, contact, phone, fax, email, products, annual_spend,"
	 " annual_volume, filed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	 " ON CONFLICT (code) DO UPDATE SET address = ?2, postcode = ?3, head = ?4, contact = ?5, phone = ?6,"
	 " fax = ?7, email = ?8, products = ?9, annual_spend = ?10, annual_volume = ?11, filed = ?12",
	 "change the archive"},
	/* code, status, since, reason, merged_into */
	{"archive_status", "cttTC", KAM_STMT_NONE,
	 "INSERT INTO archive(code, status, status_since, status_reason, merged_into)"
	 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET status = ?2, status_since = ?3,"
	 " status_reason = ?4, merged_into = ?5",
	 "change the customer's status"},
	{"archive_refreshed", "ctt", KAM_STMT_NONE,
	 "INSERT INTO archive(code, refreshed_on, refreshed_by) VALUES (?1, ?2, ?3)"
	 " ON CONFLICT (code) DO UPDATE SET refreshed_on = ?2, refreshed_by = ?3",
	 "record the archive's refresh"},
	{"extended_get", "c", KAM_STMT_ROW,
	 "SELECT printf('%014d', code) AS code, profit, operations, capital, credit, development, staff,"
	 " registered_capital FROM archive_extended WHERE code = ?1", "read the extended archive"},
	{"extended_put", "cITITTII", KAM_STMT_NONE,
	 "INSERT INTO archive_extended(code, profit, operations, capital, credit, development, staff,"
	 " registered_capital) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO UPDATE SET"
	 " profit = ?2, operations = ?3, capital = ?4, credit = ?5, development = ?6, staff = ?7,"
	 " registered_capital = ?8", "change the extended archive"},
	{"key_persons_of", "c", KAM_STMT_ROWS,
	 "SELECT " PERSON_COLUMNS " FROM key_persons WHERE code = ?1 ORDER BY id", "read the key persons"},
	{"key_person_get", "i", KAM_STMT_ROW, "SELECT " PERSON_COLUMNS " FROM key_persons WHERE id = ?1",
	 "read a key person"},
	{"key_person_find", "ct", KAM_STMT_ROW,
	 "SELECT " PERSON_COLUMNS " FROM key_persons WHERE code = ?1 AND name = ?2 ORDER BY active DESC, id LIMIT 1",
	 "read a key person"},
	{"key_person_add", "ctTTTTTT", KAM_STMT_ROW,
	 "INSERT INTO key_persons(code, name, title, phone, interests, taboos, important_days, note)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", "add a key person"},
	{"key_person_put", "itTTTTTTi", KAM_STMT_NONE,
	 "UPDATE key_persons SET name = ?2, title = ?3, phone = ?4, interests = ?5, taboos = ?6,"
	 " important_days = ?7, note = ?8, active = ?9 WHERE id = ?1", "change a key person"},
	{"competitors_of", "c", KAM_STMT_ROWS,
	 "SELECT " COMPETITOR_COLUMNS " FROM competitors WHERE code = ?1 ORDER BY id", "read the competitors"},
	{"competitor_get", "i", KAM_STMT_ROW, "SELECT " COMPETITOR_COLUMNS " FROM competitors WHERE id = ?1",
	 "read a competitor"},
	{"competitor_find", "ct", KAM_STMT_ROW,
	 "SELECT " COMPETITOR_COLUMNS " FROM competitors WHERE code = ?1 AND competitor = ?2"
	 " ORDER BY active DESC, id LIMIT 1", "read a competitor"},
	{"competitor_add", "ctTIIT", KAM_STMT_ROW,
	 "INSERT INTO competitors(code, competitor, price, volume, share_pct, strengths)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", "add a competitor"},
	{"competitor_put", "itTIITi", KAM_STMT_NONE,
	 "UPDATE competitors SET competitor = ?2, price = ?3, volume = ?4, share_pct = ?5, strengths = ?6,"
	 " active = ?7 WHERE id = ?1", "change a competitor"},
	/* code, block, item, field, old, new, by, at */
	{"change_add", "ctItTTtt", KAM_STMT_NONE,
	 "INSERT INTO archive_changes(code, block, item, field, old_value, new_value, changed_by, changed_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", "record the change"},
	{"changes_of", "c", KAM_STMT_ROWS,
	 "SELECT id, printf('%014d', code) AS code, block, item, field, old_value, new_value, changed_by,"
	 " changed_at FROM archive_changes WHERE code = ?1 ORDER BY id", "read the archive's history"},
	/* from, into, months, rows, amount, reason, by, at */
	{"merge_add", "cciiittt", KAM_STMT_ROW,
	 "INSERT INTO customer_merges(from_code, into_code, months, rows, amount, reason, merged_by, merged_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", "record the merge"},
	{"merges_of", "c", KAM_STMT_ROWS,
	 "SELECT id, printf('%014d', from_code) AS from_code, printf('%014d', into_code) AS into_code, months,"
	 " rows, amount, reason, merged_by, merged_at FROM customer_merges WHERE from_code = ?1 OR into_code = ?1"
	 " ORDER BY id", "read the merges"},
	/* A customer's ledger: rows and fen per month (for show and the merge's report). */
	{"ledger_summary", "c", KAM_STMT_ROWS,
	 "SELECT month, count(*) AS rows, sum(amount) AS amount FROM ledger WHERE code = ?1 GROUP BY month"
	 " ORDER BY month", "read the customer's ledger"},
	{NULL, NULL, 0, NULL, NULL},
};

/* One month's rows of from, in `table` (ledger_rows with a month condition, or a month's
 * own table): added to into's rows of the same key, the rest moved.  The table name is
 * built from a checked month integer only. */
static int move_in(kam_db *db, int month, int own, int64_t from, int64_t into, struct kam_ledger_move *out,
		   kam_err *e)
{
	char sql[1024], tbl[32], cond[48];
	sqlite3_stmt *st;
	long n = 0, merged;
	int64_t amount = 0;
	int rc;

	if (own)
		snprintf(tbl, sizeof tbl, "ledger_%d", month), snprintf(cond, sizeof cond, "1");
	else
		snprintf(tbl, sizeof tbl, "ledger_rows"), snprintf(cond, sizeof cond, "month = %d", month);
	snprintf(sql, sizeof sql, "SELECT count(*), coalesce(sum(amount), 0), "
		 "(SELECT count(*) FROM %s t2 WHERE t2.code = ?2 AND %s AND t2.line IN "
		 "(SELECT line FROM %s t3 WHERE t3.code = ?1 AND %s)) FROM %s WHERE code = ?1 AND %s",
		 tbl, cond, tbl, cond, tbl, cond);
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	rc = sqlite3_bind_int64(st, 1, from);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, into);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = (long)sqlite3_column_int64(st, 0);
		amount = sqlite3_column_int64(st, 1);
		merged = (long)sqlite3_column_int64(st, 2);
		rc = SQLITE_OK;
	} else {
		merged = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return kam_db_fail(db, rc, "read the ledger to merge", e);
	if (n == 0)
		return 0;
	/* Add into the survivor's rows, then drop the merged code's. */
	if (own)
		snprintf(sql, sizeof sql, "INSERT INTO %s(code, line, amount, volume) SELECT ?2, line, amount, volume"
			 " FROM %s WHERE code = ?1 AND true ON CONFLICT (code, line) DO UPDATE SET"
			 " amount = amount + excluded.amount, volume = CASE WHEN volume IS NULL AND excluded.volume"
			 " IS NULL THEN NULL ELSE coalesce(volume, 0) + coalesce(excluded.volume, 0) END;"
			 , tbl, tbl);
	else
		snprintf(sql, sizeof sql, "INSERT INTO ledger_rows(code, month, line, amount, volume) SELECT ?2, month,"
			 " line, amount, volume FROM ledger_rows WHERE code = ?1 AND %s ON CONFLICT (code, month, line)"
			 " DO UPDATE SET amount = amount + excluded.amount, volume = CASE WHEN volume IS NULL AND"
			 " excluded.volume IS NULL THEN NULL ELSE coalesce(volume, 0) + coalesce(excluded.volume, 0) END",
			 cond);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			snprintf(sql, sizeof sql, "DELETE FROM %s WHERE code = ?1 AND %s", tbl, cond);
		if (kam_db_prepare(db, sql, &st, e) < 0)
			return -1;
		rc = sqlite3_bind_int64(st, 1, from);
		if (rc == SQLITE_OK && pass == 0)
			rc = sqlite3_bind_int64(st, 2, into);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return kam_db_fail(db, rc, "move the ledger", e);
	}
	out->months++;
	out->rows += n;
	out->amount += amount;
	/* Rows both held became one: the month holds that many rows fewer. */
	if (merged > 0) {
		snprintf(sql, sizeof sql, "UPDATE ledger_months SET rows = rows - %ld WHERE month = %d", merged, month);
		if (kam_db_exec(db, sql, e) < 0)
			return -1;
	}
	return 0;
}

int kam_store_ledger_move(kam_db *db, int64_t from, int64_t into, struct kam_ledger_move *out, kam_err *e)
{
	struct kam_ledger_month *months;
	int n, rc = 0;
	*out = (struct kam_ledger_move){0, 0, 0};
	if (kam_ledger_stored_months(db, &months, &n, e) < 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++)
		rc = move_in(db, months[i].month, months[i].own, from, into, out, e);
	free(months);
	return rc;
}
