/* The handle's plain face (store_db.h): what the commands and the Lua host ask of a
 * connection without seeing SQLite, the library's set-up, and a script's transaction.
 *
 * Promises: nothing here writes SQL of its own beyond transaction control; the script's
 * transaction ends committed whole or rolled back whole. */
#include "store.h"

#include <string.h>

const char *kam_db_name(const kam_db *db)
{
	return db ? db->path : "";
}

int kam_db_is_readonly(const kam_db *db)
{
	return db && db->readonly;
}

int kam_db_opened_version(const kam_db *db)
{
	return db ? db->opened_version : 0;
}

void kam_db_interrupt(kam_db *db)
{
	/* sqlite3_interrupt only sets a flag the running statement checks. */
	if (db)
		db->interrupted = 1;
	if (db && db->h)
		sqlite3_interrupt(db->h);
}

void kam_db_interrupt_clear(kam_db *db)
{
	if (db)
		db->interrupted = 0;
}

const char *kam_db_library_version(void)
{
	return sqlite3_libversion();
}

int kam_db_library_init(kam_err *e)
{
	/* One thread: SQLite's allocation statistics would only add a mutex to every malloc. */
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		return kam_errf(e, "cannot turn off SQLite's memory statistics");
	return 0;
}

int kam_db_script_begin(kam_db *db, kam_err *e)
{
	return kam_db_begin_deferred(db, e);
}

int kam_db_script_end(kam_db *db, const char *script, kam_err *e)
{
	if (db->snapshot_lost) {
		kam_db_rollback_all(db);
		return kam_errf(e, "%s: another process wrote to the database after this "
				"script began reading; nothing written; run it again", script);
	}
	if (sqlite3_get_autocommit(db->h)) {
		db->depth = 0; /* the script ended the transaction itself (raw COMMIT) */
		return 0;
	}
	/* Savepoints a raw SAVEPOINT left open are part of the transaction: commit whole. */
	db->depth = 1;
	if (kam_db_commit(db, e) < 0) {
		kam_err_prefix(e, "%s: commit", script);
		kam_db_rollback_all(db);
		return -1;
	}
	return 0;
}

int kam_db_abandon(kam_db *db)
{
	int open;
	if (!db || !db->h)
		return 0;
	open = db->depth > 0 || !sqlite3_get_autocommit(db->h);
	kam_db_rollback_all(db);
	return open;
}
