/* Reports' storage (store_report.h says what it owns and why it reads month tables). */
#include "store_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_ledger.h"
#include "store_rows_impl.h"

/* --- closing a month ------------------------------------------------------------- */

struct month_entry {
	int found;
	char *action, *at, *by;
};

static char *dup_text(const kam_store_row *r, int i)
{
	size_t len;
	const char *s = kam_store_row_text(r, i, &len);
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s ? s : "", len);
		d[len] = 0;
	}
	return d;
}

static int latest_entry(void *arg, const kam_store_row *r, kam_err *e)
{
	struct month_entry *m = arg;
	m->found = 1;
	if (!(m->action = dup_text(r, 0)) || !(m->at = dup_text(r, 1)) || !(m->by = dup_text(r, 2)))
		return kam_errf(e, "out of memory");
	return 0;
}

static void entry_free(struct month_entry *m)
{
	free(m->action);
	free(m->at);
	free(m->by);
}

static int month_latest(kam_db *db, int month, struct month_entry *m, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(month)};
	memset(m, 0, sizeof *m);
	if (kam_store_walk(db, "SELECT action, at, by FROM month_closes WHERE month = ?1 ORDER BY id DESC LIMIT 1",
			   v, 1, latest_entry, m, "read the month's closes", e) < 0) {
		entry_free(m);
		return -1;
	}
	return 0;
}

static int is_month(int month)
{
	return month >= 190001 && month <= 299912 && month % 100 >= 1 && month % 100 <= 12;
}

int kam_store_month_mark(kam_db *db, int month, const char *action, const char *at, const char *by,
			 const char *reason, kam_err *e)
{
	struct month_entry m;
	int closing = strcmp(action, "close") == 0, closed, rc;
	sqlite3_stmt *st;
	if (!is_month(month))
		return kam_errf(e, "%d is not a month", month);
	if (!closing && strcmp(action, "reopen") != 0)
		return kam_errf(e, "month: unknown action '%s'", action);
	if (month_latest(db, month, &m, e) < 0)
		return -1;
	closed = m.found && strcmp(m.action, "close") == 0;
	if (closing && closed)
		rc = kam_errf(e, "month %04d-%02d is closed already (by %s at %s)", month / 100, month % 100, m.by, m.at);
	else if (!closing && !closed)
		rc = kam_errf(e, "month %04d-%02d is not closed", month / 100, month % 100);
	else
		rc = 0;
	entry_free(&m);
	if (rc < 0)
		return -1;
	if (kam_db_prepare(db, "INSERT INTO month_closes(month, action, at, by, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
			   &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, month)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = reason ? sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 5)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "record the month's close", e);
	return 0;
}

int kam_store_month_log(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(month)};
	return kam_store_walk(db, "SELECT id, month, action, at, by, reason FROM month_closes"
			      " WHERE ?1 <= 0 OR month = ?1 ORDER BY id", v, 1, each, arg, "read the month's closes", e);
}

int kam_store_month_check_open(kam_db *db, int month, kam_err *e)
{
	struct month_entry m;
	int rc = 0;
	if (month_latest(db, month, &m, e) < 0)
		return -1;
	if (m.found && strcmp(m.action, "close") == 0)
		rc = kam_errf(e, "month %04d-%02d is closed (by %s at %s): its forms are filed; "
			      "kam month reopen %04d-%02d --reason TEXT first",
			      month / 100, month % 100, m.by, m.at, month / 100, month % 100);
	entry_free(&m);
	return rc;
}

/* --- who is a key account -------------------------------------------------------- */

int kam_store_current_grades(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(year)};
	return kam_store_walk(db, "SELECT d.code AS code, d.grade AS grade, d.computed AS computed, d.reasons AS reasons,"
			      " r.decided_at AS decided_at, p.name AS policy"
			      " FROM decisions d JOIN grading_runs r ON r.id = d.run JOIN policies p ON p.hash = r.policy_hash"
			      " WHERE d.id IN (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run"
			      "  WHERE r2.year = ?1 GROUP BY d2.code) ORDER BY d.code",
			      v, 1, each, arg, "read the grades", e);
}

int kam_store_grade_history(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT r.year AS year, d.grade AS grade, d.computed AS computed, d.score AS score,"
			      " d.reasons AS reasons, r.decided_at AS decided_at, r.decided_by AS decided_by,"
			      " p.name AS policy, p.version AS policy_version"
			      " FROM decisions d JOIN grading_runs r ON r.id = d.run JOIN policies p ON p.hash = r.policy_hash"
			      " WHERE d.id IN (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run"
			      "  WHERE d2.code = ?1 GROUP BY r2.year) ORDER BY r.year",
			      v, 1, each, arg, "read the grade history", e);
}

/* --- the archive ------------------------------------------------------------------ */

int kam_store_customers_brief(kam_db *db, kam_store_row_fn each, void *arg, kam_err *e)
{
	return kam_store_walk(db, "SELECT code, name, place, city, county, agreement, one_time, rural"
			      " FROM customers ORDER BY code", NULL, 0, each, arg, "read the customers", e);
}

int kam_store_customer_row(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT printf('%014d', code) AS code, name, place, city, county, admin_code,"
			      " industry, nature, reach, agreement, account, important, potential, network_wide,"
			      " one_time, rural FROM customers WHERE code = ?1", v, 1, each, arg, "read the customer", e);
}

/* --- revenue ---------------------------------------------------------------------- */

struct revenue_run {
	int64_t *codes;          /* every customer, ascending */
	size_t ncodes, cap;
	int64_t *acc;            /* per customer: nwin amounts, then nwin volumes */
	unsigned char *seen;
	int nwin;
};

static int add_code(void *arg, const kam_store_row *r, kam_err *e)
{
	struct revenue_run *run = arg;
	if (run->ncodes == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 4096;
		int64_t *grown = realloc(run->codes, cap * sizeof *grown);
		if (!grown)
			return kam_errf(e, "out of memory");
		run->codes = grown;
		run->cap = cap;
	}
	run->codes[run->ncodes++] = kam_store_row_int(r, 0);
	return 0;
}

static long find_code(const int64_t *codes, size_t n, int64_t code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (codes[mid] < code)
			lo = mid + 1;
		else if (codes[mid] > code)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

static int in_set(const struct kam_revenue_query *q, int64_t code)
{
	return q->set && find_code(q->set, q->nset, code) >= 0;
}

static int sum_into(int64_t *to, int64_t v, int64_t code, int month, kam_err *e)
{
	if (__builtin_add_overflow(*to, v, to))
		return kam_errf(e, "customer %014lld: a sum up to %04d-%02d passes the 64-bit range", (long long)code,
				month / 100, month % 100);
	return 0;
}

/* The statement reading one month's rows (code, amount, volume) on the query's lines. */
static int month_statement(kam_db *db, const struct kam_ledger_month *m, const struct kam_revenue_query *q,
			   sqlite3_stmt **st, kam_err *e)
{
	sqlite3_str *s = sqlite3_str_new(db->h);
	char *sql;
	int rc, first = 2;
	if (m->own)
		sqlite3_str_appendf(s, "SELECT code, amount, coalesce(volume, 0) FROM ledger_%d WHERE ?1 = ?1", m->month);
	else
		sqlite3_str_appendall(s, "SELECT code, amount, coalesce(volume, 0) FROM ledger_rows WHERE month = ?1");
	if (q->lines) {
		sqlite3_str_appendall(s, " AND line IN (");
		for (int i = 0; i < q->nlines; i++)
			sqlite3_str_appendf(s, "%s?%d", i ? ", " : "", first + i);
		sqlite3_str_appendall(s, q->nlines ? ")" : "NULL)");
	}
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "out of memory");
	}
	sql = sqlite3_str_finish(s);
	rc = kam_db_prepare(db, sql, st, e);
	sqlite3_free(sql);
	if (rc < 0)
		return -1;
	rc = sqlite3_bind_int(*st, 1, m->month);
	for (int i = 0; q->lines && i < q->nlines && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_text(*st, first + i, q->lines[i], -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return kam_db_fail(db, rc, "read the ledger", e);
	}
	return 0;
}

static int read_month(kam_db *db, struct revenue_run *run, const struct kam_ledger_month *m,
		      const struct kam_revenue_query *q, const int *wins, int nw, struct kam_revenue_month *tot,
		      kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	int64_t last = 0;
	long idx = -1;
	int member = 0;
	if (month_statement(db, m, q, &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t code = sqlite3_column_int64(st, 0), amount = sqlite3_column_int64(st, 1),
			volume = sqlite3_column_int64(st, 2);
		if (code != last || idx < 0) {
			last = code;
			if ((idx = find_code(run->codes, run->ncodes, code)) < 0) {
				sqlite3_finalize(st);
				return kam_errf(e, "ledger %04d-%02d: customer %014lld is not in the archive", m->month / 100,
						m->month % 100, (long long)code);
			}
			if (tot) {
				member = in_set(q, code);
				tot->customers++;
				if (member)
					tot->set_customers++;
			}
		}
		for (int k = 0; k < nw; k++) {
			int64_t *a = run->acc + (size_t)idx * 2 * (size_t)run->nwin;
			if (sum_into(&a[wins[k]], amount, code, m->month, e) < 0 ||
			    sum_into(&a[run->nwin + wins[k]], volume, code, m->month, e) < 0) {
				sqlite3_finalize(st);
				return -1;
			}
			run->seen[idx] = 1;
		}
		if (tot && (sum_into(&tot->amount, amount, code, m->month, e) < 0 ||
			    sum_into(&tot->volume, volume, code, m->month, e) < 0 ||
			    (member && (sum_into(&tot->set_amount, amount, code, m->month, e) < 0 ||
					sum_into(&tot->set_volume, volume, code, m->month, e) < 0)))) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read the ledger", e);
	return 0;
}

int kam_store_revenue(kam_db *db, const struct kam_revenue_query *q, kam_revenue_customer_fn each_customer,
		      kam_revenue_month_fn each_month, void *arg, kam_err *e)
{
	struct revenue_run run = {0};
	struct kam_ledger_month *months = NULL;
	struct kam_revenue_month *tots = NULL;
	int nmonths = 0, ntots = 0, rc = -1;
	if (q->nwin < 0 || q->nwin > 64)
		return kam_errf(e, "revenue: %d windows (at most 64)", q->nwin);
	run.nwin = q->nwin;
	if (kam_store_walk(db, "SELECT code FROM customers ORDER BY code", NULL, 0, add_code, &run, "read the customers",
			   e) < 0)
		goto out;
	if (run.nwin && run.ncodes &&
	    (!(run.acc = calloc(run.ncodes * 2 * (size_t)run.nwin, sizeof *run.acc)) ||
	     !(run.seen = calloc(run.ncodes, 1)))) {
		kam_errf(e, "out of memory");
		goto out;
	}
	if (kam_ledger_stored_months(db, &months, &nmonths, e) < 0)
		goto out;
	if (nmonths && !(tots = calloc((size_t)nmonths, sizeof *tots))) {
		kam_errf(e, "out of memory");
		goto out;
	}
	for (int i = 0; i < nmonths; i++) {
		const struct kam_ledger_month *m = &months[i];
		int wins[64], nw = 0;
		struct kam_revenue_month *tot = NULL;
		for (int k = 0; k < q->nwin; k++)
			if (m->month >= q->win[k].from && m->month <= q->win[k].to)
				wins[nw++] = k;
		if (q->months_from && m->month >= q->months_from && m->month <= q->months_to) {
			tot = &tots[ntots++];
			tot->month = m->month;
		}
		if ((nw || tot) && read_month(db, &run, m, q, wins, nw, tot, e) < 0)
			goto out;
	}
	for (size_t i = 0; each_customer && i < run.ncodes; i++)
		if (run.seen && run.seen[i]) {
			const int64_t *a = run.acc + i * 2 * (size_t)run.nwin;
			if (each_customer(arg, run.codes[i], a, a + run.nwin, e) < 0)
				goto out;
		}
	for (int i = 0; each_month && i < ntots; i++)
		if (each_month(arg, &tots[i], e) < 0)
			goto out;
	rc = 0;
out:
	free(run.codes);
	free(run.acc);
	free(run.seen);
	free(months);
	free(tots);
	return rc;
}

int kam_store_customer_ledger(kam_db *db, int64_t code, int from, int to, kam_store_row_fn each, void *arg,
			      kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_INT(from), KAM_SV_INT(to)};
	return kam_store_walk(db, "SELECT month, line, amount, volume FROM ledger WHERE code = ?1"
			      " AND month BETWEEN ?2 AND ?3 ORDER BY month, line", v, 3, each, arg, "read the ledger", e);
}

/* --- fluctuation explanations ------------------------------------------------------ */

int kam_store_note_add(kam_db *db, int64_t code, int month, const char *text, const char *by, const char *at,
		       kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (!is_month(month))
		return kam_errf(e, "%d is not a month", month);
	if (kam_db_prepare(db, "INSERT INTO fluctuation_notes(code, month, explanation, created_by, created_at)"
			   " VALUES (?1, ?2, ?3, ?4, ?5)", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int64(st, 1, code)) == SQLITE_OK && (rc = sqlite3_bind_int(st, 2, month)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return kam_errf(e, "customer %014lld is not in the database", (long long)code);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "record the explanation", e);
	return 0;
}

int kam_store_notes(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(month)};
	return kam_store_walk(db, "SELECT code, explanation, created_by, created_at FROM fluctuation_notes"
			      " WHERE id IN (SELECT max(id) FROM fluctuation_notes WHERE month = ?1 GROUP BY code)"
			      " ORDER BY code", v, 1, each, arg, "read the explanations", e);
}
