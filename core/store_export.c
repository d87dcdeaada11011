/* Exports (store_export.h says what it owns and promises). */
#include "store_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_access.h"
#include "store_discounts.h"
#include "store_ledger.h"
#include "store_rows_impl.h"
#include "store_stmt.h"
#include "store_tx.h"

#include "log.h"
#include "store.h"

#define MAX_EXPORT_COLS 64

/* The current row of st as plain values (valid until st steps); -1 when out of memory. */
static int fill_row(sqlite3_stmt *st, int n, kam_store_value *row)
{
	for (int c = 0; c < n; c++) {
		kam_store_value *v = &row[c];
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_NULL:
			*v = (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
			break;
		case SQLITE_INTEGER:
			*v = (kam_store_value){KAM_STORE_INT, sqlite3_column_int64(st, c), NULL, 0};
			break;
		case SQLITE_FLOAT:
			v->type = KAM_STORE_REAL;
			goto text;
		default:
			v->type = KAM_STORE_TEXT;
		text:
			v->i = 0;
			if (!(v->s = (const char *)sqlite3_column_text(st, c)))
				return -1;
			v->len = (size_t)sqlite3_column_bytes(st, c);
		}
	}
	return 0;
}

/* The export kinds whose rows hold confidential fields (DOMAIN §12), and those columns:
 * the same as the archive's statements mask (store_archive.c). */
static const struct {
	const char *table, *topic;
	const char *const *cols;
} secret_tables[] = {
	{"key_persons", "key persons", kam_secret_person_cols},
	{"archive_extended", "the extended archive", kam_secret_extended_cols},
	{"discounts", "discounts", kam_secret_discount_cols},
	{"receivables", "credit details", kam_secret_receivable_cols},
};

int kam_export_masked(kam_db *db, const char *table, const char **topic, kam_err *e)
{
	for (size_t t = 0; t < sizeof secret_tables / sizeof secret_tables[0]; t++)
		if (strcmp(secret_tables[t].table, table) == 0) {
			*topic = secret_tables[t].topic;
			return kam_access_masks(db, 0, e);
		}
	return 0;
}

/* Every row of st to fn; st is finalised.  secret_table: the columns to mask for a reader
 * who may not see them, once there is a row to read (NULL: none). */
static int stream(kam_db *db, sqlite3_stmt *st, const char *table, kam_export_row_fn fn, void *arg, kam_err *e)
{
	kam_store_value row[MAX_EXPORT_COLS];
	int n = sqlite3_column_count(st), rc, first = 1;
	uint64_t masked = 0;
	if (n > MAX_EXPORT_COLS) {
		sqlite3_finalize(st);
		return kam_errf(e, "export: %d columns, more than %d", n, MAX_EXPORT_COLS);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fill_row(st, n, row) < 0) {
			sqlite3_finalize(st);
			return kam_errf(e, "export: out of memory");
		}
		for (size_t t = 0; first && table && t < sizeof secret_tables / sizeof secret_tables[0]; t++) {
			int may;
			if (strcmp(secret_tables[t].table, table) != 0)
				continue;
			if ((may = kam_access_confidential(db, secret_tables[t].topic, 0, e)) < 0) {
				sqlite3_finalize(st);
				return -1;
			}
			for (int c = 0; !may && c < n && c < 64; c++)
				for (const char *const *s = secret_tables[t].cols; *s; s++)
					if (strcmp(sqlite3_column_name(st, c), *s) == 0)
						masked |= (uint64_t)1 << c;
			if (!may)
				kam_log(KAM_LOG_WARN, "%s: masked: %s read *** for %s (a masked export does not "
					"import back)", table, secret_tables[t].topic,
					db->readonly ? "everyone on a database kam cannot write" : kam_db_actor(db));
		}
		first = 0;
		for (int c = 0; masked && c < n && c < 64; c++)
			if (masked >> c & 1)
				row[c] = (kam_store_value){KAM_STORE_TEXT, 0, "***", 3};
		if (fn(arg, n, row, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "export", e);
	return 0;
}

/* The ledger in (code, month, line) order without a sort: each month's table is read in
 * its key order (code, line) and ledger_rows in its own (code, month, line), and the
 * streams are merged here.  SQLite would merge the view's arms too, through a co-routine
 * per arm and a sort inside each code: measured, that doubled a whole-ledger export. */
struct arm {
	sqlite3_stmt *st;
	int64_t code;
	int month;
	const char *line;   /* valid until st steps */
};

struct merge {
	kam_db *db;
	struct arm *arm;    /* a heap: arm[0] holds the smallest row */
	int narm;
	int code, month, line;   /* the key's columns in the query */
};

static int arm_less(const struct arm *a, const struct arm *b)
{
	if (a->code != b->code)
		return a->code < b->code;
	if (a->month != b->month)
		return a->month < b->month;
	return strcmp(a->line, b->line) < 0;
}

static void sift_down(struct merge *m, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, least = i;
		struct arm t;
		if (l < m->narm && arm_less(&m->arm[l], &m->arm[least]))
			least = l;
		if (r < m->narm && arm_less(&m->arm[r], &m->arm[least]))
			least = r;
		if (least == i)
			return;
		t = m->arm[i];
		m->arm[i] = m->arm[least];
		m->arm[least] = t;
		i = least;
	}
}

/* The arm's next row: 1, or 0 when it is done (finalised), or -1. */
static int arm_step(struct merge *m, struct arm *a, kam_err *e)
{
	int rc = sqlite3_step(a->st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(a->st);
		a->st = NULL;
		return 0;
	}
	if (rc != SQLITE_ROW)
		return kam_db_fail(m->db, rc, "export", e);
	a->code = sqlite3_column_int64(a->st, m->code);
	a->month = sqlite3_column_int(a->st, m->month);
	if (!(a->line = (const char *)sqlite3_column_text(a->st, m->line)))
		return kam_errf(e, "export: out of memory");
	return 1;
}

/* Prepare one arm: the query's columns from table, month given by ?3 when the table has
 * none of its own (a month's table), in the table's key order. */
static int arm_open(struct merge *m, const struct kam_export_query *q, const char *table, int month,
		    kam_err *e)
{
	sqlite3_str *s = sqlite3_str_new(m->db->h);
	struct arm *a = &m->arm[m->narm];
	char *sql;
	int rc;
	sqlite3_str_appendall(s, "SELECT ");
	for (int c = 0; c < q->ncols; c++)
		sqlite3_str_appendf(s, "%s%s", c ? ", " : "", month && c == m->month ? "?3" : q->cols[c]);
	sqlite3_str_appendf(s, " FROM %s", table);
	if (!month)
		sqlite3_str_appendall(s, " WHERE month BETWEEN ?1 AND ?2 ORDER BY code, month, line");
	else
		sqlite3_str_appendall(s, " ORDER BY code, line");
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "export: out of memory");
	}
	sql = sqlite3_str_finish(s);
	rc = kam_db_prepare(m->db, sql, &a->st, e);
	sqlite3_free(sql);
	if (rc < 0)
		return -1;
	if (month ? (rc = sqlite3_bind_int(a->st, 3, month)) != SQLITE_OK
		  : ((rc = sqlite3_bind_int(a->st, 1, q->months ? q->from : 0)) != SQLITE_OK ||
		     (rc = sqlite3_bind_int(a->st, 2, q->months ? q->to : 999912)) != SQLITE_OK)) {
		sqlite3_finalize(a->st);
		a->st = NULL;
		return kam_db_fail(m->db, rc, "export", e);
	}
	if ((rc = arm_step(m, a, e)) < 0) {
		sqlite3_finalize(a->st);
		a->st = NULL;
		return -1;
	}
	m->narm += rc;   /* an arm with no rows is done already */
	return 0;
}

static int merge_rows(struct merge *m, const struct kam_export_query *q, kam_export_row_fn fn, void *arg,
		      kam_err *e)
{
	kam_store_value row[MAX_EXPORT_COLS];
	for (int i = m->narm / 2 - 1; i >= 0; i--)
		sift_down(m, i);
	while (m->narm > 0) {
		struct arm *a = &m->arm[0];
		int rc;
		if (fill_row(a->st, q->ncols, row) < 0)
			return kam_errf(e, "export: out of memory");
		if (fn(arg, q->ncols, row, e) < 0 || (rc = arm_step(m, a, e)) < 0)
			return -1;
		if (!rc)
			m->arm[0] = m->arm[--m->narm];
		sift_down(m, 0);
	}
	return 0;
}

static int export_ledger(kam_db *db, const struct kam_export_query *q, kam_export_row_fn fn, void *arg,
			 kam_err *e)
{
	struct merge m = {db, NULL, 0, -1, -1, -1};
	struct kam_ledger_month *months = NULL;
	int nmonths = 0, rows_table = 0, begun = 0, rc = -1;
	char table[32];

	for (int c = 0; c < q->ncols; c++) {
		if (strcmp(q->cols[c], "code") == 0)
			m.code = c;
		else if (strcmp(q->cols[c], "month") == 0)
			m.month = c;
		else if (strcmp(q->cols[c], "line") == 0)
			m.line = c;
	}
	if (m.code < 0 || m.month < 0 || m.line < 0 || q->ncols > MAX_EXPORT_COLS)
		return kam_errf(e, "export: the ledger's columns lack its key (code, month, line)");
	/* Several statements: one read transaction makes them one state. */
	if (kam_db_autocommit(db)) {
		if (kam_db_begin_deferred(db, e) < 0)
			return -1;
		begun = 1;
	}
	if (kam_ledger_stored_months(db, &months, &nmonths, e) < 0)
		goto done;
	if (!(m.arm = calloc((size_t)nmonths + 1, sizeof *m.arm))) {
		kam_errf(e, "export: out of memory");
		goto done;
	}
	for (int i = 0; i < nmonths; i++) {
		if (q->months && (months[i].month < q->from || months[i].month > q->to))
			continue;
		if (!months[i].own) {
			rows_table = 1;
			continue;
		}
		snprintf(table, sizeof table, "ledger_%d", months[i].month);
		if (arm_open(&m, q, table, months[i].month, e) < 0)
			goto done;
	}
	if (rows_table && arm_open(&m, q, "ledger_rows", 0, e) < 0)
		goto done;
	rc = merge_rows(&m, q, fn, arg, e);
done:
	for (int i = 0; m.arm && i < m.narm; i++)
		sqlite3_finalize(m.arm[i].st);
	free(m.arm);
	free(months);
	if (begun && rc < 0)
		kam_db_rollback(db);
	else if (begun && kam_db_commit(db, e) < 0)
		rc = -1;
	return rc;
}

int kam_export_rows(kam_db *db, const struct kam_export_query *q, kam_export_row_fn fn, void *arg, kam_err *e)
{
	sqlite3_str *s = sqlite3_str_new(db->h);
	sqlite3_stmt *st;
	char *sql;
	int rc;
	if (strcmp(q->table, "ledger") == 0) {
		sqlite3_free(sqlite3_str_finish(s));
		return export_ledger(db, q, fn, arg, e);
	}
	sqlite3_str_appendall(s, "SELECT ");
	for (int c = 0; c < q->ncols; c++)
		sqlite3_str_appendf(s, "%s%s", c ? ", " : "", q->cols[c]);
	sqlite3_str_appendf(s, " FROM %s", q->table);
	if (q->months)
		sqlite3_str_appendall(s, " WHERE month BETWEEN ?1 AND ?2");
	sqlite3_str_appendf(s, " ORDER BY %s", q->order_by);
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "export: out of memory");
	}
	sql = sqlite3_str_finish(s);
	rc = kam_db_prepare(db, sql, &st, e);
	sqlite3_free(sql);
	if (rc < 0)
		return -1;
	if (q->months && ((rc = sqlite3_bind_int(st, 1, q->from)) != SQLITE_OK ||
			  (rc = sqlite3_bind_int(st, 2, q->to)) != SQLITE_OK)) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "export", e);
	}
	return stream(db, st, q->table, fn, arg, e);
}

/* The current decision per customer and year is the last appended. */
int kam_export_grades(kam_db *db, int year, int history, kam_export_row_fn fn, void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db,
		"SELECT printf('%014d', d.code), r.year, d.grade, d.computed, d.override,"
		" CASE WHEN d.score = CAST(d.score AS INTEGER) THEN CAST(d.score AS INTEGER) ELSE d.score END,"
		" p.name, p.version, p.hash, d.reasons, r.decided_at, r.decided_by, d.labels"
		" FROM decisions d JOIN grading_runs r ON r.id = d.run JOIN policies p ON p.hash = r.policy_hash"
		" WHERE (?1 = 0 OR r.year = ?1)"
		"   AND (?2 OR d.id = (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run"
		"                      WHERE d2.code = d.code AND r2.year = r.year))"
		" ORDER BY d.code, r.year, d.id", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, year)) != SQLITE_OK || (rc = sqlite3_bind_int(st, 2, history != 0)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "export grades", e);
	}
	return stream(db, st, NULL, fn, arg, e);
}
