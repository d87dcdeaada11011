/* Rows for callers above the storage layer: a row read by a store function, handed to a
 * callback, with its columns by name and plain C types.  Owns nothing; promises that a
 * row's strings live only during the callback. */
#ifndef KAM_STORE_ROWS_H
#define KAM_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_value.h"   /* the value types, one enum for every store file */

typedef struct kam_store_row kam_store_row;
typedef int (*kam_store_row_fn)(void *arg, const kam_store_row *row, kam_err *e);

int kam_store_row_columns(const kam_store_row *r);
const char *kam_store_row_name(const kam_store_row *r, int i);
int kam_store_row_type(const kam_store_row *r, int i);
int64_t kam_store_row_int(const kam_store_row *r, int i);
double kam_store_row_real(const kam_store_row *r, int i);
const char *kam_store_row_text(const kam_store_row *r, int i, size_t *len);

#endif
