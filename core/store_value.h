/* Storage's plain values: what a row of the customers, the ledger or an export holds, as
 * C types (no sqlite3.h), and the answers of storage functions that store one row.
 *
 * Owns: the value type shared by store_customers, store_ledger, store_bureaus and
 * store_export.  Promises: text points into memory the storage function names (valid
 * until the next call on the same handle), integers are int64, NULL is a type. */
#ifndef KAM_STORE_VALUE_H
#define KAM_STORE_VALUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct kam_db kam_db;

enum kam_store_type { KAM_STORE_NULL = 0, KAM_STORE_INT, KAM_STORE_TEXT, KAM_STORE_REAL };

typedef struct kam_store_value {
	enum kam_store_type type;
	int64_t i;          /* KAM_STORE_INT */
	const char *s;      /* KAM_STORE_TEXT, and KAM_STORE_REAL as SQLite writes it */
	size_t len;
} kam_store_value;

/* What storing one row answers besides 0 (stored) and -1 (the storage failed: e says why,
 * stop).  A refused row leaves the transaction usable; e holds the constraint's words. */
enum {
	KAM_STORE_REFUSED = -2,   /* a CHECK, NOT NULL or foreign key refused the row */
	KAM_STORE_DUPLICATE = -3, /* its key is stored already */
};

#endif
