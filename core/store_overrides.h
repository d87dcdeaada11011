/* Overrides' storage: owns the overrides table (kam override and explain through
 * kam.store, grading through kam_store_overrides_valid); promises rows in id order
 * (a later override of the same customer replaces an earlier one), strings valid only
 * during a callback, writes inside the caller's transaction (it opens none). */
#ifndef KAM_STORE_OVERRIDES_H
#define KAM_STORE_OVERRIDES_H

#include <stdint.h>

#include "store_db.h"
#include "store_tx.h"
#include "store_rows.h"

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

/* Whether the customer is in the archive. */
int kam_store_customer_exists(kam_db *db, int64_t code, int *exists, kam_err *e);

/* Rows: id, code (14 digits, text), policy, kind, grade, valid_from, valid_until, reason,
 * created_by, approved_by, created_at, revoked_at, revoked_by, revoke_reason. */
/* Every override of a customer (any policy, revoked too). */
int kam_store_overrides_of(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e);
/* Every override (of one customer when code is not NULL), only those valid on valid_on
 * (YYYY-MM-DD) unless it is NULL. */
int kam_store_overrides_list(kam_db *db, const int64_t *code, const char *valid_on, kam_store_row_fn each,
			     void *arg, kam_err *e);
/* One override by id (no call when there is none). */
int kam_store_override_get(kam_db *db, int64_t id, kam_store_row_fn each, void *arg, kam_err *e);
/* The unrevoked overrides of the customer, policy and kind whose period meets
 * [from, till] (till NULL: open-ended). */
int kam_store_override_clashes(kam_db *db, int64_t code, const char *policy, const char *kind, const char *from,
			       const char *till, kam_store_row_fn each, void *arg, kam_err *e);

struct kam_store_new_override {
	int64_t code;
	const char *policy, *kind, *grade, *valid_from, *valid_until, *reason, *created_by, *approved_by,
		*created_at;      /* valid_until, approved_by may be NULL */
};
int kam_store_override_add(kam_db *db, const struct kam_store_new_override *o, long long *id, kam_err *e);
int kam_store_override_revoke(kam_db *db, int64_t id, const char *at, const char *by, const char *reason,
			      kam_err *e);

#endif
