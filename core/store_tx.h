/* Transactions and waiting for the write lock, as the layers above storage see them:
 * plain C, no SQLite.  store.c implements them; this header only names them, so that
 * grading and the commands can hold a transaction without seeing sqlite3.h.
 *
 * Owns: nothing.  Promises: depth counts kam's own transactions (1 = the outermost,
 * more = savepoints); a rollback never fails from the caller's side. */
#ifndef KAM_STORE_TX_H
#define KAM_STORE_TX_H

#include "err.h"
#include "store_db.h"

/* How long a writer waits by default for another one's lock, in seconds ($KAM_WAIT, or
 * this); a command's --wait sets it with kam_db_set_wait. */
#define KAM_DB_WAIT_DEFAULT 60
#define KAM_DB_WAIT_MAX 86400

/* Wait up to seconds (0: not at all) for another connection's write lock before a write
 * fails; after two seconds of waiting it says on stderr whom it waits for and how long
 * ("another kam process (pid 123) is writing to hubei.db; waiting up to 60 s"), once per
 * wait.  Running out says so in the error, never a bare "database is locked". */
void kam_db_set_wait(kam_db *db, int seconds);
/* Parse a --wait argument (whole seconds, 0 to KAM_DB_WAIT_MAX); -1 and a usage error
 * beginning "cmd: " (NULL: the caller names the command). */
int kam_db_parse_wait(const char *cmd, const char *s, int *seconds, kam_err *e);

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

#endif
