/* The customer archive's questions and the ledger move of a merge (store_archive.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_archive.h"
#include "store_ledger.h"
#include "store_stmt.h"
#include "store_tx.h"

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
	{"merges_of", "c", KAM_STMT_ROWS,
	 "SELECT id, printf('%014d', from_code) AS from_code, printf('%014d', into_code) AS into_code, months,"
	 " rows, amount, reason, merged_by, merged_at FROM customer_merges WHERE from_code = ?1 OR into_code = ?1"
	 " ORDER BY id", "read the merges"},
	/* Head offices (DOMAIN §2, §4): a code whose branch number is 000 and under which at
	 * least one other active customer is stored (the same first 11 digits, a branch
	 * 001-999), with how many.  Seed 000 art. 28 and 30 name 总部大客户, head-office key
	 * accounts, which the province maintains and visits. */
	{"head_offices", "", KAM_STMT_ROWS,
	 "SELECT printf('%014d', h.code) AS code, count(*) AS branches FROM customers h"
	 " JOIN customers b ON b.code > h.code AND b.code <= h.code + 999 LEFT JOIN archive ab ON ab.code = b.code"
	 " WHERE h.code % 1000 = 0 AND coalesce(ab.status, 'active') = 'active' GROUP BY h.code ORDER BY h.code",
	 "read the head offices"},
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

/* A merge's values, bound by number in every statement below: ?1 from, ?2 into, ?3 today,
 * ?4 by, ?5 at, ?6 the merge's id, ?7 the reason. */
struct merge_ctx {
	kam_db *db;
	int64_t from, into;
	const char *today, *by, *at, *reason;
	long long id;
};

static int merge_bind(sqlite3_stmt *st, const struct merge_ctx *m)
{
	int n = sqlite3_bind_parameter_count(st), rc = SQLITE_OK;
	for (int i = 1; i <= n && rc == SQLITE_OK; i++) {
		switch (i) {
		case 1: rc = sqlite3_bind_int64(st, i, m->from); break;
		case 2: rc = sqlite3_bind_int64(st, i, m->into); break;
		case 3: rc = sqlite3_bind_text(st, i, m->today, -1, SQLITE_STATIC); break;
		case 4: rc = sqlite3_bind_text(st, i, m->by, -1, SQLITE_STATIC); break;
		case 5: rc = sqlite3_bind_text(st, i, m->at, -1, SQLITE_STATIC); break;
		case 6: rc = sqlite3_bind_int64(st, i, m->id); break;
		case 7: rc = sqlite3_bind_text(st, i, m->reason, -1, SQLITE_STATIC); break;
		}
	}
	return rc;
}

/* Run a statement of the merge to its end; *changes (when not NULL) the rows it changed,
 * *first (when not NULL) its first row's first column as allocated text (NULL: none). */
static int merge_run(struct merge_ctx *m, const char *sql, long *changes, char **first, const char *what,
		     kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (first)
		*first = NULL;
	if (kam_db_prepare(m->db, sql, &st, e) < 0)
		return -1;
	rc = merge_bind(st, m);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (first && !*first && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			const char *t = (const char *)sqlite3_column_text(st, 0);
			size_t len = (size_t)sqlite3_column_bytes(st, 0);
			if (!t || !(*first = malloc(len + 1))) {
				sqlite3_finalize(st);
				return kam_errf(e, "%s: out of memory", what);
			}
			memcpy(*first, t, len + 1);
		}
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE && changes)
		*changes = sqlite3_changes(sqlite3_db_handle(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (first) {
			free(*first);
			*first = NULL;
		}
		return kam_db_fail(m->db, rc, what, e);
	}
	return 0;
}

/* What keeps a merge from happening: a query naming the first conflict of its kind, and
 * what to do about it.  Each belongs to the merged code alone: an approval, a request or
 * a debt is the record of that code, never changed (the money tables refuse a change),
 * so the merge waits for it to be settled rather than rewrite it. */
static const struct {
	const char *sql, *advice;
} merge_conflicts[] = {
	{"SELECT printf('registration #%d by team ''%s'' stands for %014d (until %s) and #%d by team ''%s'' for %014d"
	 " (until %s)', f.id, f.team, ?1, f.expires_on, i.id, i.team, ?2, i.expires_on)"
	 " FROM registrations f JOIN registrations i ON i.code = ?2 AND i.status = 'held' AND i.expires_on >= ?3"
	 " WHERE f.code = ?1 AND f.status = 'held' AND f.expires_on >= ?3 AND f.team <> i.team",
	 "two teams may not court one customer (DOMAIN §7): release or transfer one registration first"},
	{"SELECT printf('grading override #%d (%s, grade %s, from %s) stands for %014d', id, policy, grade, valid_from, ?1)"
	 " FROM overrides WHERE code = ?1 AND revoked_at IS NULL AND (valid_until IS NULL OR valid_until >= ?3)"
	 " ORDER BY id",
	 "an override is approved for one code: revoke it (kam override revoke ID) and grant it to the surviving"
	 " code if it still holds"},
	{"SELECT printf('discount #%d (%s, %s) of %014d is %s', d.id, d.line, d.valid_from || '..' || d.valid_until, ?1,"
	 " CASE WHEN a.discount IS NULL THEN 'awaiting its answer' ELSE 'in force until ' || d.valid_until END)"
	 " FROM discounts d LEFT JOIN discount_answers a ON a.discount = d.id WHERE d.code = ?1"
	 " AND (a.discount IS NULL OR (a.decision = 'approved' AND d.valid_until >= ?3)) ORDER BY d.id",
	 "a discount is approved for one code: let it be answered and run out, then request it for the surviving"
	 " code"},
	{"SELECT printf('claim #%d of %014d (%s yuan, claimed on %s) is not paid', c.id, ?1,"
	 " printf('%d.%02d', c.amount / 100, c.amount % 100), c.claimed_on) FROM claims c WHERE c.code = ?1"
	 " AND NOT EXISTS (SELECT 1 FROM claim_events v WHERE v.claim = c.id AND v.event = 'paid') ORDER BY c.id",
	 "settle the claim under the code it was made for first"},
	{"SELECT printf('receivable #%d of %014d (%s, due %s) has %s yuan outstanding', r.id, ?1, r.line, r.due,"
	 " printf('%d.%02d', o.left / 100, o.left % 100)) FROM receivables r,"
	 " (SELECT r2.id, r2.amount - coalesce((SELECT sum(p.amount) FROM receivable_payments p"
	 " WHERE p.receivable = r2.id), 0) AS left FROM receivables r2 WHERE r2.code = ?1) o"
	 " WHERE o.id = r.id AND o.left > 0 ORDER BY r.id",
	 "a debt is collected under the code it was issued to: collect it first (its handler stays accountable)"},
	{"SELECT printf('complaint #%d of %014d (received on %s) is not answered', c.id, ?1, c.received_on)"
	 " FROM complaints c WHERE c.code = ?1"
	 " AND NOT EXISTS (SELECT 1 FROM complaint_answers a WHERE a.complaint = c.id) ORDER BY c.id",
	 "its owner answers it first (first-responder responsibility)"},
	{"SELECT printf('%014d is enrolled in the green channel (since %s) and %014d is not', ?1, g.enrolled_on, ?2)"
	 " FROM green_channel g WHERE g.code = ?1"
	 " AND NOT EXISTS (SELECT 1 FROM green_channel_exits x WHERE x.code = ?1 AND x.left_on <= ?3)"
	 " AND NOT EXISTS (SELECT 1 FROM green_channel h WHERE h.code = ?2"
	 "                 AND NOT EXISTS (SELECT 1 FROM green_channel_exits y WHERE y.code = ?2 AND y.left_on <= ?3))",
	 "an enrolment is never moved: enrol the surviving code first"},
	/* Its terms are confidential: the conflict names the file, not its level or limit. */
	{"SELECT printf('%014d has a credit file (since %s) and %014d has none', ?1, min(c.since), ?2)"
	 " FROM credit_files c WHERE c.code = ?1 AND NOT EXISTS (SELECT 1 FROM credit_files d WHERE d.code = ?2)"
	 " HAVING count(*) > 0",
	 "a credit file is never moved: record the surviving code's first (kam arrear credit CODE --level"
	 " --limit --cycle-days)"},
};

/* The moves, in order, after the ledger's and the merge's own row.  Each statement's
 * changes are counted where `count` says; the archive_changes statements record each move
 * on both codes (block 'merge', item the merge's id). */
#define MERGE_CHANGE "INSERT INTO archive_changes(code, block, item, field, old_value, new_value, changed_by," \
	" changed_at) "

int kam_store_customer_merge(kam_db *db, int64_t from, int64_t into, const char *reason, const char *by,
			     const char *at, const char *today, struct kam_customer_merge *out, kam_err *e)
{
	struct merge_ctx m = {db, from, into, today, by, at, reason, 0};
	char *conflict = NULL;
	long n = 0, moved = 0;
	*out = (struct kam_customer_merge){0};
	for (size_t i = 0; i < sizeof merge_conflicts / sizeof merge_conflicts[0]; i++) {
		if (merge_run(&m, merge_conflicts[i].sql, NULL, &conflict, "check the merge", e) < 0)
			return -1;
		if (conflict) {
			kam_errf(e, "customer merge %014lld into %014lld refused: %s: %s; nothing was changed",
				 (long long)from, (long long)into, conflict, merge_conflicts[i].advice);
			free(conflict);
			return -1;
		}
	}
	if (kam_db_begin(db, e) < 0)
		return -1;
	if (kam_store_ledger_move(db, from, into, &out->ledger, e) < 0)
		goto fail;
	{
		char *id;
		m.id = 0;
		/* The merge's own row; ?6 is 0 until it exists. */
		static const char ins[] =
			"INSERT INTO customer_merges(from_code, into_code, months, rows, amount, reason, merged_by, merged_at)"
			" VALUES (?1, ?2, %d, %ld, %lld, ?7, ?4, ?5) RETURNING id";
		char sql[sizeof ins + 64];
		snprintf(sql, sizeof sql, ins, out->ledger.months, out->ledger.rows, (long long)out->ledger.amount);
		if (merge_run(&m, sql, NULL, &id, "record the merge", e) < 0)
			goto fail;
		m.id = out->id = id ? atoll(id) : 0;
		free(id);
	}
	/* Visits, key persons and competitors belong to the customer, not to a code. */
	static const char *const plain[] = {"visits", "key_persons", "competitors"};
	long *const counts[] = {&out->visits, &out->key_persons, &out->competitors};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "UPDATE %s SET code = ?2 WHERE code = ?1", plain[i]);
		if (merge_run(&m, sql, &n, NULL, "move the merged code's records", e) < 0)
			goto fail;
		*counts[i] = n;
		if (n == 0)
			continue;
		snprintf(sql, sizeof sql, MERGE_CHANGE "VALUES (?1, 'merge', ?6, '%s', '%ld', printf('moved to %%014d', ?2),"
			 " ?4, ?5), (?2, 'merge', ?6, '%s', NULL, printf('%ld moved from %%014d', ?1), ?4, ?5)",
			 plain[i], n, plain[i], n);
		if (merge_run(&m, sql, NULL, NULL, "record the merge", e) < 0)
			goto fail;
	}
	/* Current assignments: carried to the survivor in a role it has nobody in, else
	 * ended (the survivor's manager stays); the merged code's are ended either way. */
	static const char *const assignment_sql[] = {
		MERGE_CHANGE "SELECT ?1, 'merge', ?6, 'manager ' || a.role, m.name, CASE WHEN EXISTS (SELECT 1 FROM"
		" assignments b WHERE b.code = ?2 AND b.role = a.role AND b.ended_on IS NULL) THEN"
		" printf('ended: %014d has its own manager %s', ?2, a.role) ELSE printf('moved to %014d', ?2) END, ?4, ?5"
		" FROM assignments a JOIN managers m ON m.id = a.manager WHERE a.code = ?1 AND a.ended_on IS NULL",
		MERGE_CHANGE "SELECT ?2, 'merge', ?6, 'manager ' || a.role, NULL, printf('%s (from %014d)', m.name, ?1), ?4, ?5"
		" FROM assignments a JOIN managers m ON m.id = a.manager WHERE a.code = ?1 AND a.ended_on IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM assignments b WHERE b.code = ?2 AND b.role = a.role AND b.ended_on IS NULL)",
		"INSERT INTO assignments(code, manager, role, since, assigned_by, assigned_at, forced, reason)"
		" SELECT ?2, a.manager, a.role, ?3, ?4, ?5, 0, printf('merged from %014d (served since %s)', ?1, a.since)"
		" FROM assignments a WHERE a.code = ?1 AND a.ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM assignments b"
		" WHERE b.code = ?2 AND b.role = a.role AND b.ended_on IS NULL)",
		"UPDATE assignments SET ended_on = ?3, ended_by = ?4, end_reason = printf('merged into %014d: %s', ?2, ?7)"
		" WHERE code = ?1 AND ended_on IS NULL",
	};
	for (size_t i = 0; i < 4; i++) {
		if (merge_run(&m, assignment_sql[i], &n, NULL, "move the assignments", e) < 0)
			goto fail;
		if (i == 2)
			moved = n;
		if (i == 3) {
			out->assignments_moved = (int)moved;
			out->assignments_ended = (int)(n - moved);
		}
	}
	/* Registrations: one past its last day is recorded as expired (as kam register does
	 * when it next touches it); the merged code's standing one is transferred to the
	 * survivor (same team, same days) unless the survivor's is held by that team already
	 * (the conflict check refused another team), then released. */
	static const char *const registration_sql[] = {
		MERGE_CHANGE "SELECT ?1, 'merge', ?6, 'registration', printf('#%d team %s', id, team), CASE"
		" WHEN expires_on < ?3 THEN 'expired on ' || date(expires_on, '+1 day') WHEN EXISTS (SELECT 1 FROM"
		" registrations i WHERE i.code = ?2 AND i.status = 'held' AND i.expires_on >= ?3)"
		" THEN printf('released: %014d is registered to the same team', ?2) ELSE printf('moved to %014d', ?2) END,"
		" ?4, ?5 FROM registrations WHERE code = ?1 AND status = 'held'",
		"UPDATE registrations SET status = 'expired', ended_on = date(expires_on, '+1 day'), ended_by = ?4,"
		" end_reason = 'expired: its last day was ' || expires_on WHERE code IN (?1, ?2) AND status = 'held'"
		" AND expires_on < ?3",
		"UPDATE registrations SET status = 'released', ended_on = ?3, ended_by = ?4,"
		" end_reason = printf('merged into %014d, registered to the same team', ?2) WHERE code = ?1"
		" AND status = 'held' AND EXISTS (SELECT 1 FROM registrations i WHERE i.code = ?2 AND i.status = 'held')",
		MERGE_CHANGE "SELECT ?2, 'merge', ?6, 'registration', NULL, printf('team %s (from #%d of %014d)', team, id, ?1),"
		" ?4, ?5 FROM registrations WHERE code = ?1 AND status = 'held'",
		"INSERT INTO registrations(prospect, code, team, claimed_on, expires_on, claimed_by)"
		" SELECT printf('%014d', ?2), ?2, team, claimed_on, expires_on, claimed_by FROM registrations"
		" WHERE code = ?1 AND status = 'held'",
		"UPDATE registrations SET status = 'transferred', ended_on = ?3, ended_by = ?4,"
		" end_reason = printf('merged into %014d: %s', ?2, ?7), transferred_to = (SELECT max(id) FROM registrations"
		" WHERE code = ?2 AND status = 'held') WHERE code = ?1 AND status = 'held'",
	};
	long expired_before = 0;
	{
		char *c = NULL;
		if (merge_run(&m, "SELECT count(*) FROM registrations WHERE code = ?1 AND status = 'held'"
			      " AND expires_on < ?3", NULL, &c, "read the registrations", e) < 0)
			goto fail;
		expired_before = c ? atol(c) : 0;
		free(c);
	}
	for (size_t i = 0; i < 6; i++) {
		if (merge_run(&m, registration_sql[i], &n, NULL, "move the registrations", e) < 0)
			goto fail;
		if (i == 2)
			out->registrations_ended = (int)(expired_before + n);
		if (i == 5)
			out->registrations_moved = (int)n;
	}
	/* The merged code is kept, merged; both sides' history says so. */
	static const char *const status_sql[] = {
		"INSERT INTO archive(code, status, status_since, status_reason, merged_into) VALUES (?1, 'merged', ?3, ?7, ?2)"
		" ON CONFLICT (code) DO UPDATE SET status = 'merged', status_since = ?3, status_reason = ?7,"
		" merged_into = ?2",
		MERGE_CHANGE "VALUES (?1, 'merge', ?6, 'merged_into', NULL, printf('%014d', ?2), ?4, ?5),"
		" (?1, 'status', NULL, 'status', 'active', 'merged', ?4, ?5),"
		" (?2, 'merge', ?6, 'merged_from', NULL, printf('%014d', ?1), ?4, ?5)",
	};
	for (size_t i = 0; i < 2; i++)
		if (merge_run(&m, status_sql[i], NULL, NULL, "record the merge", e) < 0)
			goto fail;
	if (kam_db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	kam_db_rollback(db);
	return -1;
}
