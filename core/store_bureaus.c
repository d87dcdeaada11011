/* Bureau revenue (store_bureaus.h says what it owns and promises). */
#include "store_bureaus.h"

#include <stdlib.h>

#include "store.h"

struct kam_bureaus {
	kam_db *db;
	sqlite3_stmt *sel, *put;
};

int kam_bureaus_open(kam_db *db, kam_bureaus **out, kam_err *e)
{
	kam_bureaus *b = calloc(1, sizeof *b);
	*out = NULL;
	if (!b)
		return kam_errf(e, "out of memory");
	b->db = db;
	if (kam_db_prepare(db, "SELECT amount FROM bureau_revenue WHERE bureau = ?1 AND year = ?2", &b->sel, e) < 0 ||
	    kam_db_prepare(db, "INSERT INTO bureau_revenue(bureau, year, amount) VALUES (?1, ?2, ?3)"
			   " ON CONFLICT(bureau, year) DO UPDATE SET amount = excluded.amount", &b->put, e) < 0) {
		kam_bureaus_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

void kam_bureaus_close(kam_bureaus *b)
{
	if (!b)
		return;
	sqlite3_finalize(b->sel);
	sqlite3_finalize(b->put);
	free(b);
}

int kam_bureaus_get(kam_bureaus *b, const char *bureau, size_t len, int year, int64_t *amount, kam_err *e)
{
	int rc;
	if ((rc = sqlite3_bind_text(b->sel, 1, bureau, (int)len, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int(b->sel, 2, year)) != SQLITE_OK)
		return kam_db_fail(b->db, rc, "bureau revenue", e);
	rc = sqlite3_step(b->sel);
	if (rc == SQLITE_ROW)
		*amount = sqlite3_column_int64(b->sel, 0);
	sqlite3_reset(b->sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kam_db_fail(b->db, rc, "bureau revenue", e);
	return rc == SQLITE_ROW;
}

int kam_bureaus_put(kam_bureaus *b, const char *bureau, size_t len, int year, int64_t amount, kam_err *e)
{
	int rc;
	if ((rc = sqlite3_bind_text(b->put, 1, bureau, (int)len, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int(b->put, 2, year)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(b->put, 3, amount)) != SQLITE_OK)
		return kam_db_fail(b->db, rc, "bureau revenue", e);
	rc = sqlite3_step(b->put);
	sqlite3_reset(b->put);
	if (rc != SQLITE_DONE)
		return kam_db_fail(b->db, rc, "bureau revenue", e);
	return 0;
}
