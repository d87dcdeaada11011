/* The meta table and the database-wide facts commands check before their work: settings
 * recorded by kam init (the default policy, who created the file and when), the schema
 * version, and which months and years the ledger holds.  Plain C types; no sqlite3.h. */
#ifndef KAM_STORE_META_H
#define KAM_STORE_META_H

#include <stddef.h>

#include "store_db.h"

/* The value of key into buf (cut to size): 1 found, 0 not there, -1 and e on failure. */
int kam_db_meta_get(kam_db *db, const char *key, char *buf, size_t size, kam_err *e);
int kam_db_meta_set(kam_db *db, const char *key, const char *value, kam_err *e);
/* Set n keys (keys[i] = values[i]) in one transaction: all or none. */
int kam_db_meta_set_all(kam_db *db, const char *const *keys, const char *const *values, int n,
			kam_err *e);

/* The schema version the file has now. */
int kam_db_schema_version(kam_db *db, int *version, kam_err *e);

/* The months of year the ledger holds: bit m-1 of *mask set for month m. */
int kam_db_ledger_months(kam_db *db, int year, int *mask, kam_err *e);
/* The years the ledger holds, ascending, as "2024, 2025" (free() it; "" when the ledger
 * is empty).  It reads the whole ledger: for messages, not for every run. */
int kam_db_ledger_years(kam_db *db, char **list, kam_err *e);

#endif
