/* The import log and the import's connection settings.
 *
 * Owns: the `imports` table (one row per committed import: what, from where, how many
 * rows went which way, who, when) and the switch that lets a kind that checks its own
 * references and CHECKs skip SQLite's per-row checks.  Promises: a log row is written in
 * the caller's transaction, so it exists exactly when the import's rows do; the checks
 * are switched back on before any other command can use the connection.  Import includes
 * this header and store_customers/ledger/bureaus.h, never store.h or sqlite3.h. */
#ifndef KAM_STORE_IMPORTS_H
#define KAM_STORE_IMPORTS_H

#include <stdint.h>

#include "err.h"
#include "store_value.h"

struct kam_import_record {
	const char *kind, *file, *format, *encoding;
	long rows, inserted, updated, unchanged, rejected;
	const char *replaced;      /* the months replaced, NULL when none */
	const char *user;          /* NULL: "" */
	const char *finished_at;   /* ISO 8601, UTC */
};

/* The import's transaction: its rows, its months and its log row, or nothing (store.c's
 * writing transaction: BEGIN IMMEDIATE, a savepoint inside another one). */
int kam_imports_begin(kam_db *db, kam_err *e);
int kam_imports_commit(kam_db *db, kam_err *e);
/* Roll back what is open of it; nothing when no transaction is open. */
void kam_imports_rollback(kam_db *db);

/* Append r to the log; *id gets its row id. */
int kam_imports_log(kam_db *db, const struct kam_import_record *r, int64_t *id, kam_err *e);

/* Foreign keys and CHECKs off (relaxed = 1) or back on (0) for this connection.  Outside
 * a transaction: SQLite ignores the foreign_keys pragma inside one. */
int kam_imports_relax_checks(kam_db *db, int relaxed, kam_err *e);

#endif
