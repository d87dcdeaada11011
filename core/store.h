/* Storage: one SQLite database file per province.  Every connection has foreign keys
 * on, WAL, a busy timeout and the schema at the latest version.  No lua.h here. */
#ifndef KAM_STORE_H
#define KAM_STORE_H

#include <signal.h>
#include <stdint.h>
#include <sqlite3.h>

#include "err.h"
#include "store_db.h"
#include "store_meta.h"
#include "store_tx.h"

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
	/* kam_db_interrupt was called: work that runs no statement (a backup's page copy)
	 * checks this between its steps. */
	volatile sig_atomic_t interrupted;
	/* Who acts, and through which command (store_access.h); role 0: no users yet. */
	char *actor, *command;
	char *manager;         /* a manager user's manager record (its customers are its own) */
	char *level;           /* the acting user's approval level, NULL when it has none */
	/* Refusals met inside a write transaction: another connection could not write them
	 * until it ends, so they are logged when it does, committed or not (store_access.c). */
	struct kam_refusal *refusals;
	int role;
	long long audited;     /* sqlite3_total_changes when the last change was audited */
	int shm_fd;            /* the -shm file, for naming the lock's holder; shm_fd_open says
				* it is set.  Never closed: closing any fd of a file drops every
				* POSIX lock this process holds on it, SQLite's own included */
	int shm_fd_open;
};

/* store_access.c, for store.c: refuse a write the actor's role does not allow (and log
 * the refusal); log the changes of the transaction being committed. */
int kam_access_may_write(kam_db *db, kam_err *e);
/* 1 when the actor may read confidential fields of topic (the read logged), 0 when they
 * are masked for it; -1 on error. */
int kam_access_confidential(kam_db *db, const char *topic, int64_t customer, kam_err *e);
int kam_audit_changes(kam_db *db, kam_err *e);
/* Log the refusals held back while a write transaction was open (best effort), once the
 * outermost one has ended. */
void kam_audit_flush_refusals(kam_db *db);

/* The schema this kam writes, and the migrations that reach it (schema.c). */
extern const int kam_schema_latest;
extern const char *const kam_schema_steps[];

/* Record the failure of SQLite call `what` that returned rc; returns -1. */
int kam_db_fail(kam_db *db, int rc, const char *what, kam_err *e);

/* Run SQL without parameters (several statements allowed). */
int kam_db_exec(kam_db *db, const char *sql, kam_err *e);

int kam_db_user_version(kam_db *db, int *version, kam_err *e);
/* Bring the schema to kam_schema_latest in one transaction; rows are kept. */
int kam_db_migrate(kam_db *db, int *from, kam_err *e);

/* Prepare with the connection's error turned into e. */
int kam_db_prepare(kam_db *db, const char *sql, sqlite3_stmt **st, kam_err *e);

#endif
