/* Storage: open, migrate, transactions and savepoints, meta, refusals. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static int count(kam_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/kam-store-XXXXXX", path[128], buf[64];
	kam_db *db = NULL, *ro = NULL;
	kam_err e;
	int v = -1;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);

	ok(kam_db_open(&db, path, 0, &e) < 0, "opening a missing database without CREATE fails");
	ok(strstr(e.msg, "no such database") != NULL, "with 'no such database': %s", e.msg);
	ok(access(path, F_OK) != 0, "and creates no file");

	ok(kam_db_open(&db, path, KAM_DB_CREATE, &e) == 0, "CREATE makes a database");
	is_int(db->opened_version, 0, "a new file starts at schema 0");
	ok(kam_db_user_version(db, &v, &e) == 0 && v == kam_schema_latest, "and is migrated to the latest (%d)", v);
	is_int(count(db, "PRAGMA foreign_keys"), 1, "foreign keys are on");

	ok(kam_db_meta_get(db, "nothing", buf, sizeof buf, &e) == 0, "an absent meta key reads as absent");
	ok(kam_db_meta_set(db, "policy", "hubei", &e) == 0, "meta set");
	ok(kam_db_meta_get(db, "policy", buf, sizeof buf, &e) == 1, "meta get");
	is_str(buf, "hubei", "meta value round-trips");

	ok(kam_db_begin(db, &e) == 0, "begin");
	ok(kam_db_exec(db, "INSERT INTO customers(code, name, place) VALUES (42010000001000, 'a', 'city')", &e) == 0, "insert in a transaction");
	ok(kam_db_begin(db, &e) == 0 && db->depth == 2, "a nested begin is a savepoint");
	ok(kam_db_exec(db, "INSERT INTO customers(code, name, place) VALUES (42010000002000, 'b', 'city')", &e) == 0, "insert in the savepoint");
	kam_db_rollback(db);
	is_int(count(db, "SELECT count(*) FROM customers"), 1, "rolling back the savepoint keeps the outer row");
	ok(kam_db_commit(db, &e) == 0 && db->depth == 0, "commit the outer transaction");
	is_int(count(db, "SELECT count(*) FROM customers"), 1, "the committed row stays");

	ok(kam_db_begin(db, &e) == 0, "begin again");
	ok(kam_db_exec(db, "INSERT INTO customers(code, name, place) VALUES (1, 'bad', 'city')", &e) < 0, "a CHECK violation fails");
	ok(strstr(e.msg, "CHECK constraint failed") != NULL, "with SQLite's reason: %s", e.msg);
	kam_db_rollback(db);
	ok(kam_db_commit(db, &e) < 0, "commit without a transaction is an error");

	ok(kam_db_exec(db, "BEGIN", &e) == 0, "a raw BEGIN");
	ok(kam_db_begin(db, &e) < 0, "kam_db_begin refuses to stack on a raw transaction");
	kam_db_rollback_all(db);
	ok(sqlite3_get_autocommit(db->h), "rollback_all ends it");

	/* A deferred transaction that read, then another connection wrote: its first write
	 * is refused (SQLITE_BUSY_SNAPSHOT) with a message that says so. */
	{
		kam_db *other = NULL;
		ok(kam_db_open(&other, path, 0, &e) == 0, "a second connection");
		ok(kam_db_begin_deferred(db, &e) == 0 && db->depth == 1, "begin deferred");
		ok(kam_db_begin_deferred(db, &e) < 0, "not twice");
		is_int(count(db, "SELECT count(*) FROM customers"), 1, "the deferred transaction reads");
		ok(kam_db_exec(other, "INSERT INTO customers(code, name, place) VALUES (42010000002000, 'b', 'city')", &e) == 0,
		   "a reader blocks no writer");
		ok(kam_db_exec(db, "INSERT INTO customers(code, name, place) VALUES (42010000003000, 'c', 'city')", &e) < 0,
		   "the first write after the other's fails");
		ok(strstr(e.msg, "another process wrote to the database after this transaction began reading; "
			  "nothing written; run it again") != NULL, "saying why: %s", e.msg);
		ok(db->snapshot_lost, "and marks the snapshot lost");
		kam_db_rollback_all(db);
		is_int(count(db, "SELECT count(*) FROM customers"), 2, "after the rollback the other's row is seen");
		ok(kam_db_begin_deferred(db, &e) == 0 && !db->snapshot_lost, "a new transaction starts afresh");
		ok(kam_db_exec(db, "INSERT INTO customers(code, name, place) VALUES (42010000003000, 'c', 'city')", &e) == 0,
		   "a write as its first statement waits for nobody's snapshot");
		ok(kam_db_commit(db, &e) == 0 && db->depth == 0, "and commits");
		ok(kam_db_exec(other, "DELETE FROM customers WHERE code IN (42010000002000, 42010000003000)", &e) == 0,
		   "clean up");
		kam_db_close(other);
	}
	kam_db_close(db);

	ok(kam_db_open(&ro, path, KAM_DB_READONLY, &e) == 0, "read-only open of a current database");
	ok(kam_db_exec(ro, "DELETE FROM customers", &e) < 0, "a read-only connection cannot write");
	kam_db_close(ro);

	ok(kam_db_open(&db, path, 0, &e) == 0, "reopen");
	ok(kam_db_exec(db, "PRAGMA user_version = 1", &e) == 0, "pretend the file is old (schema 1)");
	kam_db_close(db);
	ok(kam_db_open(&ro, path, KAM_DB_READONLY, &e) < 0, "read-only open refuses a database that needs an upgrade");
	ok(strstr(e.msg, "needs an upgrade") != NULL, "and says so: %s", e.msg);

	{
		sqlite3 *raw;
		ok(sqlite3_open(path, &raw) == SQLITE_OK &&
		   sqlite3_exec(raw, "PRAGMA user_version = 1000", NULL, NULL, NULL) == SQLITE_OK,
		   "pretend the file is newer");
		sqlite3_close(raw);
	}
	ok(kam_db_open(&db, path, 0, &e) < 0 && strstr(e.msg, "newer than this kam"), "a newer schema is refused: %s", e.msg);

	snprintf(buf, sizeof buf, "rm -rf %s", dir);
	if (system(buf) != 0)
		return 1;
	return done_testing();
}
