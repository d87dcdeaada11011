/* Storage of the meta table (what kam init records: the default policy, who created the
 * file and when, the kam version) and of the database-wide facts the commands check
 * before their work: the schema version, the months and years the ledger holds.
 *
 * Promises: every parameter is bound and every bind checked; a set of several keys is one
 * transaction (a savepoint inside an open one); failures are -1 and a kam_err naming the
 * file. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kam_db_meta_get(kam_db *db, const char *key, char *buf, size_t size, kam_err *e)
{
	sqlite3_stmt *st;
	int rc, found = 0;
	if (kam_db_prepare(db, "SELECT value FROM meta WHERE key = ?1", &st, e) < 0)
		return -1;
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", v ? v : "");
		found = 1;
	} else if (rc != SQLITE_DONE) {
		kam_db_fail(db, rc, "read meta", e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return found;
}

int kam_db_meta_set(kam_db *db, const char *key, const char *value, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "INSERT INTO meta(key, value) VALUES (?1, ?2) "
			   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, e) < 0)
		return -1;
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "write meta", e);
	return 0;
}

/* One probe per month, each stopping at its first row: cheap when the month is there
 * (the ledger's key starts with the customer, so there is no index on the month, and a
 * probe for a missing month reads the whole ledger).  At the first month missing, one
 * scan of the year finds the others instead. */
int kam_db_ledger_months(kam_db *db, int year, int *mask, kam_err *e)
{
	sqlite3_stmt *st;
	int rc = SQLITE_OK, missing = 0;
	*mask = 0;
	if (kam_db_prepare(db, "SELECT 1 FROM ledger WHERE month = ?1 LIMIT 1", &st, e) < 0)
		return -1;
	for (int m = 1; m <= 12 && !missing; m++) {
		rc = sqlite3_bind_int(st, 1, year * 100 + m);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*mask |= 1 << (m - 1);
		else if (rc == SQLITE_DONE)
			missing = 1;
		else
			break;
		rc = sqlite3_reset(st);
		if (rc != SQLITE_OK)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return kam_db_fail(db, rc, "read the ledger's months", e);
	if (!missing)
		return 0;
	if (kam_db_prepare(db, "SELECT DISTINCT month FROM ledger WHERE month BETWEEN ?1 AND ?2",
			   &st, e) < 0)
		return -1;
	rc = sqlite3_bind_int(st, 1, year * 100 + 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, year * 100 + 12);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int m = sqlite3_column_int(st, 0) % 100;
		if (m >= 1 && m <= 12)
			*mask |= 1 << (m - 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read the ledger's months", e);
	return 0;
}

int kam_db_ledger_years(kam_db *db, char **list, kam_err *e)
{
	/* DISTINCT month keeps a few hundred values while it scans; DISTINCT month / 100
	 * would sort the whole ledger (3x slower). Months are 190001..299912 (a CHECK). */
	unsigned char seen[1100] = {0};
	sqlite3_stmt *st;
	sqlite3_str *s;
	char *text;
	int rc, n = 0;
	*list = NULL;
	if (kam_db_prepare(db, "SELECT DISTINCT month FROM ledger", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int y = sqlite3_column_int(st, 0) / 100;
		if (y >= 1900 && y < 3000)
			seen[y - 1900] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read the ledger's years", e);
	s = sqlite3_str_new(db->h);
	for (int y = 0; y < 1100; y++)
		if (seen[y])
			sqlite3_str_appendf(s, "%s%d", n++ ? ", " : "", 1900 + y);
	if (sqlite3_str_errcode(s) != SQLITE_OK) {
		sqlite3_free(sqlite3_str_finish(s));
		return kam_errf(e, "%s: out of memory", db->path);
	}
	text = sqlite3_str_finish(s);
	*list = strdup(text ? text : "");
	sqlite3_free(text);
	if (!*list)
		return kam_errf(e, "%s: out of memory", db->path);
	return 0;
}

int kam_db_meta_set_all(kam_db *db, const char *const *keys, const char *const *values, int n,
			kam_err *e)
{
	if (kam_db_begin(db, e) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (kam_db_meta_set(db, keys[i], values[i], e) < 0) {
			kam_db_rollback(db);
			return -1;
		}
	if (kam_db_commit(db, e) < 0)
		return -1;
	return 0;
}

int kam_db_schema_version(kam_db *db, int *version, kam_err *e)
{
	return kam_db_user_version(db, version, e);
}
