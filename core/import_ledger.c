/* Ledger rows: every code must be a stored customer, (code, month, line) appears once,
 * and a month already in the database is replaced only when asked (--replace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_pipe.h"

/* Rows stored by one INSERT statement. */
#define GROUP 64

enum { MONTH_NEW, MONTH_REPLACED, MONTH_CLASH };

struct month_seen {
	int month;
	int state;
	long stored;     /* rows the database held for it */
	long line;       /* where the file first had it */
};

/* Months are YYYYMM from 190001 to 299912: an index into a tally of stored rows. */
#define MONTH_SLOT(m) (((m) / 100 - 1900) * 12 + (m) % 100 - 1)
#define MONTH_SLOTS (1100 * 12)

/* The rows most recently stored, to name where a duplicate first stood: duplicates in
 * ledger exports sit next to each other (files are in code order), and a map of every
 * row of a seven-million-row file would cost more than the import itself. */
#define RECENT 4096

struct recent {
	int64_t code;
	int month;
	char line[16];
	long fileline;
};

struct ledger_state {
	struct recent recent[RECENT];
	size_t nrecent;
	struct i64map customers;
	long *stored;          /* rows per month already in the database */
	sqlite3_stmt *ins, *group, *del;
	struct month_seen *months;
	int nmonths, cap;
};

static int load_customers(struct import_run *im, struct ledger_state *ls, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(im->db, "SELECT code FROM customers", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (i64map_put(&ls->customers, sqlite3_column_int64(st, 0), 1, NULL) < 0) {
			sqlite3_finalize(st);
			return kam_errf(e, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(im->db, rc, "read customers", e);
	return 0;
}

/* One pass over the stored months.  The ledger has no month index (it would slow every
 * import down by a third), so the months stored are counted once, up front. */
static int count_months(struct import_run *im, struct ledger_state *ls, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (!(ls->stored = calloc(MONTH_SLOTS, sizeof *ls->stored)))
		return kam_errf(e, "out of memory");
	if (kam_db_prepare(im->db, "SELECT month FROM ledger", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int m = sqlite3_column_int(st, 0);
		if (m >= 190001 && m <= 299912)
			ls->stored[MONTH_SLOT(m)]++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(im->db, rc, "read the ledger's months", e);
	return 0;
}

static int ledger_begin(struct import_run *im, kam_err *e)
{
	struct ledger_state *ls = calloc(1, sizeof *ls);
	if (!ls)
		return kam_errf(e, "out of memory");
	im->kind_state = ls;
	if (load_customers(im, ls, e) < 0 || count_months(im, ls, e) < 0 ||
	    kam_db_prepare(im->db, "INSERT INTO ledger(code, month, line, amount, volume)"
			   " VALUES (?1, ?2, ?3, ?4, ?5)", &ls->ins, e) < 0 ||
	    kam_db_prepare(im->db, "DELETE FROM ledger WHERE month = ?1", &ls->del, e) < 0)
		return -1;
	{
		char sql[64 + GROUP * 12];
		snprintf(sql, sizeof sql, "INSERT INTO ledger(code, month, line, amount, volume) VALUES ");
		for (int i = 0; i < GROUP; i++)
			strcat(sql, i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)");
		if (kam_db_prepare(im->db, sql, &ls->group, e) < 0)
			return -1;
	}
	return 0;
}

static void ledger_end(struct import_run *im)
{
	struct ledger_state *ls = im->kind_state;
	if (!ls)
		return;
	sqlite3_finalize(ls->ins);
	sqlite3_finalize(ls->group);
	sqlite3_finalize(ls->del);
	i64map_free(&ls->customers);
	free(ls->months);
	free(ls->stored);
	free(ls);
	im->kind_state = NULL;
}

static int step_once(kam_db *db, sqlite3_stmt *st, kam_err *e)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return kam_db_fail(db, rc, "ledger", e);
}

/* The month's state, checking the database the first time the file names it. */
static struct month_seen *month_state(struct import_run *im, struct ledger_state *ls, int month,
				      long line, kam_err *e)
{
	struct month_seen *m;
	for (int i = 0; i < ls->nmonths; i++)
		if (ls->months[i].month == month)
			return &ls->months[i];
	if (ls->nmonths == ls->cap) {
		int cap = ls->cap ? ls->cap * 2 : 32;
		struct month_seen *grown = realloc(ls->months, (size_t)cap * sizeof *grown);
		if (!grown) {
			kam_errf(e, "out of memory");
			return NULL;
		}
		ls->months = grown;
		ls->cap = cap;
	}
	m = &ls->months[ls->nmonths++];
	*m = (struct month_seen){month, MONTH_NEW, ls->stored[MONTH_SLOT(month)], line};
	if (m->stored == 0 || im->append)
		return m;
	if (!im->opts->replace) {
		m->state = MONTH_CLASH;
		return m;
	}
	sqlite3_bind_int(ls->del, 1, month);
	if (step_once(im->db, ls->del, e) < 0)
		return NULL;
	m->state = MONTH_REPLACED;
	im->st->replaced_rows += m->stored;
	snprintf(im->st->replaced + strlen(im->st->replaced), sizeof im->st->replaced - strlen(im->st->replaced),
		 "%s%04d-%02d", im->st->replaced[0] ? ", " : "", month / 100, month % 100);
	return m;
}

/* Whether the row may be stored: its customer exists and its month is not refused. */
static int ledger_check(struct import_run *im, struct ledger_state *ls, const kam_value *v,
			const kam_source_rec *r, kam_err *e)
{
	int month = (int)v[1].i;
	struct month_seen *m;
	if (!i64map_get(&ls->customers, v[0].i, NULL))
		return kam_errf(e, ROW_PLACE "customer %014lld is not in the database (import the customers "
				"first)", ROW_ARGS(im, r), (long long)v[0].i), ROW_BAD;
	if (!(m = month_state(im, ls, month, r->line, e)))
		return ROW_FATAL;
	if (m->state == MONTH_CLASH) {
		kam_errf(e, ROW_PLACE "month %04d-%02d is already in the database (%ld row%s); --replace "
			 "replaces it, --append adds to it", im->src->name, m->line, month / 100, month % 100,
			 m->stored, m->stored == 1 ? "" : "s");
		return m->line == r->line ? ROW_BAD : ROW_BAD_QUIET;
	}
	return ROW_OK;
}

static void bind_row(sqlite3_stmt *st, int first, const kam_value *v)
{
	sqlite3_bind_int64(st, first, v[0].i);
	sqlite3_bind_int(st, first + 1, (int)v[1].i);
	sqlite3_bind_text(st, first + 2, v[2].s, (int)v[2].len, SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 3, v[3].i);
	if (v[4].kind == KAM_V_INT)
		sqlite3_bind_int64(st, first + 4, v[4].i);
	else
		sqlite3_bind_null(st, first + 4);
}

static void remember(struct ledger_state *ls, const kam_value *v, long fileline)
{
	struct recent *x = &ls->recent[ls->nrecent++ % RECENT];
	x->code = v[0].i;
	x->month = (int)v[1].i;
	snprintf(x->line, sizeof x->line, "%.*s", (int)v[2].len, v[2].s);
	x->fileline = fileline;
}

/* Where the row's key stood before, among the recent rows; 0 when not found. */
static long first_line(const struct ledger_state *ls, const kam_value *v, long fileline)
{
	size_t n = ls->nrecent < RECENT ? ls->nrecent : RECENT;
	long best = 0;
	for (size_t i = 0; i < n; i++) {
		const struct recent *x = &ls->recent[i];
		if (x->code == v[0].i && x->month == v[1].i && strlen(x->line) == v[2].len &&
		    memcmp(x->line, v[2].s, v[2].len) == 0 && x->fileline < fileline &&
		    (!best || x->fileline < best))
			best = x->fileline;
	}
	return best;
}

static int insert_one(struct import_run *im, struct ledger_state *ls, const kam_value *v,
		      const kam_source_rec *r, kam_err *e)
{
	long first;
	char where[64] = "";
	int rc;
	bind_row(ls->ins, 1, v);
	rc = sqlite3_step(ls->ins);
	sqlite3_reset(ls->ins);
	if (rc == SQLITE_DONE) {
		im->st->inserted++;
		return ROW_OK;
	}
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		if ((first = first_line(ls, v, r->line)))
			snprintf(where, sizeof where, " (first on %s %ld)", im->src->unit, first);
		return kam_errf(e, ROW_PLACE "customer %014lld, month %04d-%02d, line '%.*s' appears more than "
				"once in the file%s%s", ROW_ARGS(im, r), (long long)v[0].i, (int)v[1].i / 100,
				(int)v[1].i % 100, (int)v[2].len, v[2].s, where,
				im->append && !first ? " or is already stored" : ""), ROW_BAD;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return kam_errf(e, ROW_PLACE "%s", ROW_ARGS(im, r), sqlite3_errmsg(im->db->h)), ROW_BAD;
	kam_db_fail(im->db, rc, "insert", e);
	return ROW_FATAL;
}

static int ledger_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct ledger_state *ls = im->kind_state;
	int rc = ledger_check(im, ls, im->val, r, e);
	if (rc != ROW_OK)
		return rc;
	remember(ls, im->val, r->line);
	return insert_one(im, ls, im->val, r, e);
}

/* Store the rows of group[0..n) (indexes into b): one statement for all of them, or, when
 * that fails (a duplicate), one at a time so that each bad row is named.  A failed
 * statement undoes only itself. */
static int store_group(struct import_run *im, struct ledger_state *ls, struct pipe *p, struct batch *b,
		       const int *group, int n, kam_err *e)
{
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS];
	kam_value v[MAX_COLS];
	kam_source_rec rec;
	const char *msg;
	kam_err rowerr;
	int rc;

	if (n == GROUP) {
		for (int i = 0; i < n; i++) {
			pipe_row(p, b, &b->rows[group[i]], v, &rec, cells, lens, &msg);
			bind_row(ls->group, 5 * i + 1, v);
		}
		rc = sqlite3_step(ls->group);
		sqlite3_reset(ls->group);
		if (rc == SQLITE_DONE) {
			im->st->inserted += n;
			return ROW_OK;
		}
		if ((rc & 0xff) != SQLITE_CONSTRAINT) {
			kam_db_fail(im->db, rc, "insert", e);
			return ROW_FATAL;
		}
	}
	for (int i = 0; i < n; i++) {
		pipe_row(p, b, &b->rows[group[i]], v, &rec, cells, lens, &msg);
		rc = insert_one(im, ls, v, &rec, &rowerr);
		if (rc == ROW_FATAL) {
			*e = rowerr;
			return ROW_FATAL;
		}
		if (rc != ROW_OK)
			import_bad_row(im, &rec, rowerr.msg, 1);
	}
	return ROW_OK;
}

/* A batch in groups of GROUP rows: per-statement work is most of SQLite's cost per row. */
static int ledger_store(struct import_run *im, struct pipe *p, struct batch *b, kam_err *e)
{
	struct ledger_state *ls = im->kind_state;
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS];
	kam_value v[MAX_COLS];
	kam_source_rec rec;
	const char *msg;
	kam_err rowerr;
	int group[GROUP], n = 0, rc;

	for (int i = 0; i < b->n; i++) {
		im->st->rows++;
		pipe_row(p, b, &b->rows[i], v, &rec, cells, lens, &msg);
		if (msg) {
			import_bad_row(im, &rec, msg, 1);
			continue;
		}
		rc = ledger_check(im, ls, v, &rec, &rowerr);
		if (rc == ROW_FATAL) {
			*e = rowerr;
			return ROW_FATAL;
		}
		if (rc != ROW_OK) {
			import_bad_row(im, &rec, rowerr.msg, rc == ROW_BAD);
			continue;
		}
		remember(ls, v, rec.line);
		group[n++] = i;
		if (n == GROUP) {
			if (store_group(im, ls, p, b, group, n, e) == ROW_FATAL)
				return ROW_FATAL;
			n = 0;
		}
	}
	return n ? store_group(im, ls, p, b, group, n, e) : ROW_OK;
}

const struct import_ops import_ledger_ops = {ledger_begin, ledger_row, NULL, ledger_end, 1, ledger_store};
