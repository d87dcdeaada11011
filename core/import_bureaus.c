/* Bureau revenue rows: one figure per bureau and year; a figure already stored is
 * changed only when asked (--replace). */
#include <stdlib.h>
#include <string.h>

#include "import_kind.h"

struct bureau_state {
	sqlite3_stmt *sel, *put;
};

static int bureaus_begin(struct import_run *im, kam_err *e)
{
	struct bureau_state *bs = calloc(1, sizeof *bs);
	if (!bs)
		return kam_errf(e, "out of memory");
	im->kind_state = bs;
	if (kam_db_prepare(im->db, "SELECT amount FROM bureau_revenue WHERE bureau = ?1 AND year = ?2", &bs->sel, e) < 0 ||
	    kam_db_prepare(im->db, "INSERT INTO bureau_revenue(bureau, year, amount) VALUES (?1, ?2, ?3)"
			   " ON CONFLICT(bureau, year) DO UPDATE SET amount = excluded.amount", &bs->put, e) < 0)
		return -1;
	return 0;
}

static void bureaus_end(struct import_run *im)
{
	struct bureau_state *bs = im->kind_state;
	if (!bs)
		return;
	sqlite3_finalize(bs->sel);
	sqlite3_finalize(bs->put);
	free(bs);
	im->kind_state = NULL;
}

static int bureaus_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct bureau_state *bs = im->kind_state;
	const kam_value *v = im->val;
	int rc, existed = 0;
	int64_t old = 0;

	if (v[1].i < 1900 || v[1].i > 2999)
		return kam_errf(e, ROW_PLACE "column 'year': %lld is not a year", ROW_ARGS(im, r), (long long)v[1].i), ROW_BAD;
	if (v[2].i < 0)
		return kam_errf(e, ROW_PLACE "column 'amount': a bureau's revenue cannot be negative", ROW_ARGS(im, r)), ROW_BAD;
	sqlite3_bind_text(bs->sel, 1, v[0].s, (int)v[0].len, SQLITE_STATIC);
	sqlite3_bind_int64(bs->sel, 2, v[1].i);
	rc = sqlite3_step(bs->sel);
	if (rc == SQLITE_ROW) {
		existed = 1;
		old = sqlite3_column_int64(bs->sel, 0);
	}
	sqlite3_reset(bs->sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		kam_db_fail(im->db, rc, "bureau revenue", e);
		return ROW_FATAL;
	}
	if (existed && old == v[2].i) {
		im->st->unchanged++;
		return ROW_OK;
	}
	if (existed && !im->opts->replace)
		return kam_errf(e, ROW_PLACE "bureau '%.*s' already has a revenue for %lld; --replace changes it",
				ROW_ARGS(im, r), (int)v[0].len, v[0].s, (long long)v[1].i), ROW_BAD;
	sqlite3_bind_text(bs->put, 1, v[0].s, (int)v[0].len, SQLITE_STATIC);
	sqlite3_bind_int64(bs->put, 2, v[1].i);
	sqlite3_bind_int64(bs->put, 3, v[2].i);
	rc = sqlite3_step(bs->put);
	sqlite3_reset(bs->put);
	if (rc != SQLITE_DONE) {
		kam_db_fail(im->db, rc, "bureau revenue", e);
		return ROW_FATAL;
	}
	if (existed)
		im->st->updated++;
	else
		im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_bureaus_ops = {bureaus_begin, bureaus_row, NULL, bureaus_end, 0, NULL};
