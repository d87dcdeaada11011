/* Overrides' storage, as grading reads them: owns the SELECTs of the overrides table that
 * grading and explain need; promises the valid ones of a day in id order (a later one of
 * the same customer replaces an earlier one), strings valid only during the callback. */
#ifndef KAM_STORE_OVERRIDES_H
#define KAM_STORE_OVERRIDES_H

#include <stdint.h>

#include "store.h"

struct kam_store_override {
	long long id;
	int64_t code;
	const char *kind, *grade, *valid_until, *created_by, *approved_by, *reason; /* NULL: none */
};

/* Each override of policy valid on as_of (YYYY-MM-DD), not revoked, in id order; each
 * returning -1 stops the walk with its error. */
int kam_store_overrides_valid(kam_db *db, const char *policy, const char *as_of,
			      int (*each)(void *arg, const struct kam_store_override *o, kam_err *e),
			      void *arg, kam_err *e);

#endif
