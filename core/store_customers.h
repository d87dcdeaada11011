/* The customer archive: one row per customer code.
 *
 * Owns: the `customers` table.  Promises: the columns written are the ones the caller
 * names (from kam's kinds table, never from a file), values are bound, never pasted; a
 * row a CHECK or NOT NULL refuses comes back as KAM_STORE_REFUSED with SQLite's words in
 * e, the transaction still usable. */
#ifndef KAM_STORE_CUSTOMERS_H
#define KAM_STORE_CUSTOMERS_H

#include <stdint.h>

#include "err.h"
#include "store_value.h"

typedef struct kam_customers kam_customers;

/* cols[0..ncols): the columns, the code first.  update[c] != 0: kam_customers_update sets
 * column c (c > 0); update may be NULL when nothing is updated. */
int kam_customers_open(kam_db *db, const char *const *cols, int ncols, const int *update,
		       kam_customers **out, kam_err *e);
void kam_customers_close(kam_customers *c);
/* 1 with the stored row in row[0..ncols) (its text valid until the next call on c), 0 when
 * the code is not stored, -1 on failure. */
int kam_customers_find(kam_customers *c, int64_t code, kam_store_value *row, kam_err *e);
/* Add a customer (vals[0..ncols)); 0, KAM_STORE_REFUSED or -1. */
int kam_customers_insert(kam_customers *c, const kam_store_value *vals, kam_err *e);
/* Set the columns open named in update to vals[c] for the customer vals[0]; 0,
 * KAM_STORE_REFUSED or -1. */
int kam_customers_update(kam_customers *c, const kam_store_value *vals, kam_err *e);

/* Every stored code, to fn (which returns -1 with e filled to stop). */
int kam_customers_each_code(kam_db *db, int (*fn)(void *arg, int64_t code, kam_err *e), void *arg, kam_err *e);

#endif
