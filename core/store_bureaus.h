/* Bureau revenue: one figure per bureau and year, in fen.
 *
 * Owns: the `bureau_revenue` table.  Promises: a figure is read and written through a
 * handle whose statements are prepared once; writing a bureau and year already stored
 * replaces its figure (the caller decides whether it may). */
#ifndef KAM_STORE_BUREAUS_H
#define KAM_STORE_BUREAUS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_value.h"

typedef struct kam_bureaus kam_bureaus;

int kam_bureaus_open(kam_db *db, kam_bureaus **out, kam_err *e);
void kam_bureaus_close(kam_bureaus *b);
/* 1 and *amount when the bureau has a figure for year, 0 when not, -1 on failure. */
int kam_bureaus_get(kam_bureaus *b, const char *bureau, size_t len, int year, int64_t *amount, kam_err *e);
/* Store (or replace) the figure. */
int kam_bureaus_put(kam_bureaus *b, const char *bureau, size_t len, int year, int64_t amount, kam_err *e);

#endif
