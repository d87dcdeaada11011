/* Storage: one SQLite database file per province.  Every connection has foreign keys
 * on, WAL, a busy timeout and the schema at the latest version.  No lua.h here. */
#ifndef KAM_STORE_H
#define KAM_STORE_H

#include <sqlite3.h>

#include "err.h"
#include "store_db.h"
#include "store_meta.h"

struct kam_db {
	sqlite3 *h;
	char *path;            /* as given: a file name or an SQLite URI */
	char *file;            /* the file itself (the URI's path part) */
	int readonly;
	int depth;             /* open transactions: 1 = BEGIN IMMEDIATE, more = savepoints */
	int opened_version;    /* schema version found on open, before any upgrade */
	int snapshot_lost;     /* a write met SQLITE_BUSY_SNAPSHOT: this transaction cannot commit */
	const char *ro_why;    /* why kam opened it read-only unasked ("its directory is not
				* writable"), NULL when it did not */
	int wait_ms;           /* how long to wait for another writer's lock (kam_db_set_wait) */
	double wait_start;     /* monotonic seconds when the current wait began, 0 when none */
	int wait_said;         /* the current wait has been announced */
	int waited_out;        /* the last SQLITE_BUSY came from running out of wait_ms */
	int immediate;         /* the outermost transaction began with BEGIN IMMEDIATE */
};

/* How long a writer waits by default for another one's lock, in seconds ($KAM_WAIT, or
 * this); a command's --wait sets it with kam_db_set_wait. */
#define KAM_DB_WAIT_DEFAULT 60
#define KAM_DB_WAIT_MAX 86400

/* The schema this kam writes, and the migrations that reach it (schema.c). */
extern const int kam_schema_latest;
extern const char *const kam_schema_steps[];

/* Record the failure of SQLite call `what` that returned rc; returns -1. */
int kam_db_fail(kam_db *db, int rc, const char *what, kam_err *e);

/* Wait up to seconds (0: not at all) for another connection's write lock before a write
 * fails; after two seconds of waiting it says on stderr whom it waits for and how long
 * ("another kam process (pid 123) is writing to hubei.db; waiting up to 60 s"), once per
 * wait.  Running out says so in the error, never a bare "database is locked". */
void kam_db_set_wait(kam_db *db, int seconds);
/* Parse a --wait argument (whole seconds, 0 to KAM_DB_WAIT_MAX); -1 and a usage error. */
int kam_db_parse_wait(const char *cmd, const char *s, int *seconds, kam_err *e);

/* Run SQL without parameters (several statements allowed). */
int kam_db_exec(kam_db *db, const char *sql, kam_err *e);

/* Writing transactions: BEGIN IMMEDIATE outside, a SAVEPOINT inside another one.
 * rollback never fails from the caller's point of view: it is the error path. */
int kam_db_begin(kam_db *db, kam_err *e);
/* The outermost transaction is writing: BEGIN IMMEDIATE holds the write lock (depth 1,
 * not a deferred reader).  Every connection then reads the same committed state until
 * it ends, since no other writer can commit: grading reads its facts so. */
int kam_db_holds_write_lock(const kam_db *db);
/* No transaction is open on the connection (neither kam's nor one begun with raw SQL). */
int kam_db_autocommit(const kam_db *db);
int kam_db_commit(kam_db *db, kam_err *e);
void kam_db_rollback(kam_db *db);
/* BEGIN DEFERRED as the outermost transaction (depth 1): a reader that blocks no writer
 * until its first write; later kam_db_begin calls are savepoints inside it.  Its first
 * write fails with SQLITE_BUSY_SNAPSHOT when another connection wrote since it began
 * reading; kam_db_fail says so and sets snapshot_lost. */
int kam_db_begin_deferred(kam_db *db, kam_err *e);
/* Roll back whatever a script left open (including a raw BEGIN). */
void kam_db_rollback_all(kam_db *db);

int kam_db_user_version(kam_db *db, int *version, kam_err *e);
/* Bring the schema to kam_schema_latest in one transaction; rows are kept. */
int kam_db_migrate(kam_db *db, int *from, kam_err *e);

/* Prepare with the connection's error turned into e. */
int kam_db_prepare(kam_db *db, const char *sql, sqlite3_stmt **st, kam_err *e);

#endif
