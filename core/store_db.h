/* The database handle as the layers above storage see it: an opaque kam_db, opened and
 * closed here, and the few facts about it a command or the Lua host needs, in plain C
 * types.  No sqlite3.h: a file that includes only this header cannot call SQLite.
 *
 * Promises: kam_db_open returns a connection to a kam database at the schema this kam
 * writes (or -1 and a kam_err naming the file); a command that only reads works on a
 * file kam cannot write (the connection is then read-only, and a write says why);
 * kam_db_interrupt is safe in a signal handler. */
#ifndef KAM_STORE_DB_H
#define KAM_STORE_DB_H

#include "err.h"

typedef struct kam_db kam_db;

enum {
	KAM_DB_CREATE = 1,     /* create the file when it is missing (kam init) */
	KAM_DB_READONLY = 2,   /* open read-only; refuse if a migration is needed */
	KAM_DB_AS_IS = 4,      /* read-only, at whatever schema version it has (kam backup:
				* a copy before kam init upgrades it) */
};

/* path is a file name, or an SQLite URI "file:NAME?immutable=1" (for a database on a
 * read-only medium that nothing writes). */
int kam_db_open(kam_db **out, const char *path, int flags, kam_err *e);
void kam_db_close(kam_db *db);

/* The name it was opened under. */
const char *kam_db_name(const kam_db *db);
/* Nonzero when the connection can only read (asked for, or the file or its directory is
 * not writable by kam). */
int kam_db_is_readonly(const kam_db *db);
/* The schema version found on open, before any upgrade. */
int kam_db_opened_version(const kam_db *db);
/* Stop the statement running on db at its next step (safe from a signal handler). */
void kam_db_interrupt(kam_db *db);
/* Forget an interruption handled (the REPL's next entry starts afresh). */
void kam_db_interrupt_clear(kam_db *db);

/* The SQLite library: its version, and its set-up before any connection (one thread). */
const char *kam_db_library_version(void);
int kam_db_library_init(kam_err *e);

/* A script's transaction (kam run): begun deferred, so a script that only reads blocks
 * no writer; ended by kam_db_script_end, which commits what the script did (savepoints it
 * left open included) unless one of its writes found the database changed under its
 * snapshot (then -1, nothing written, the record saying so and to run it again).  A
 * script that ended the transaction itself (raw COMMIT) is fine. */
int kam_db_script_begin(kam_db *db, kam_err *e);
int kam_db_script_end(kam_db *db, const char *script, kam_err *e);
/* Roll back whatever is open; returns nonzero when something was (a script's own BEGIN
 * included). */
int kam_db_abandon(kam_db *db);

#endif
