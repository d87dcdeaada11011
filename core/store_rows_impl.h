/* Inside the storage layer only: one statement run with bound values, each row to a
 * callback (store_rows.h).  Every bind and step checked; -1 and a kam_err naming `what`. */
#ifndef KAM_STORE_ROWS_IMPL_H
#define KAM_STORE_ROWS_IMPL_H

#include "store.h"
#include "store_rows.h"

struct kam_store_val {
	int type;          /* KAM_STORE_INT, KAM_STORE_TEXT (s NULL binds NULL), KAM_STORE_NULL */
	int64_t i;
	const char *s;
};
#define KAM_SV_INT(v) ((struct kam_store_val){KAM_STORE_INT, (v), NULL})
#define KAM_SV_TEXT(v) ((struct kam_store_val){KAM_STORE_TEXT, 0, (v)})

int kam_store_walk(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
		   kam_store_row_fn each, void *arg, const char *what, kam_err *e);

#endif
