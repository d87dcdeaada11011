/* Churn causes' storage (DOMAIN.md §9): owns the churn_causes table.
 *
 * A cause is recorded for a lost key account and a month (the month its loss was
 * reported): its family (customer, network, service, other), the words, the last grade,
 * and what the policy's routing made of it (who handles the loss, what follows).  Rows
 * are appended, never changed; the latest per customer and month stands.  Promises:
 * writes inside the caller's transaction; rows as kam_store_row (code as 14-digit text);
 * "-1 and a kam_err". */
#ifndef KAM_STORE_CHURN_H
#define KAM_STORE_CHURN_H

#include <stdint.h>

#include "store_db.h"
#include "store_rows.h"

struct kam_store_churn_cause {
	int64_t code;
	int month;   /* YYYYMM */
	const char *family, *cause, *grade, *policy, *handled_by, *follow_up, *recorded_by, *recorded_at;
};
int kam_store_churn_cause_add(kam_db *db, const struct kam_store_churn_cause *c, long long *id, kam_err *e);
/* The standing cause of each customer for month (the latest recorded), by code.  Rows:
 * id, code, month, family, cause, grade, policy, handled_by, follow_up, recorded_by,
 * recorded_at. */
int kam_store_churn_causes(kam_db *db, int month, kam_store_row_fn each, void *arg, kam_err *e);

#endif
