/* What kam import reads from the policy for the money kinds (DOMAIN.md 6): the business
 * lines the policy never puts on credit (numbers.arrears.never_on_credit).  The rule is
 * the policy's; the import only refuses the rows it names. */
#ifndef KAM_MONEY_POLICY_H
#define KAM_MONEY_POLICY_H

#include "ctx.h"

struct kam_credit_rules {
	char *policy;        /* the policy's name */
	char **never;        /* NULL-terminated */
};

/* Load the database's policy (or --policy) and read its lines never on credit; a policy
 * without arrears rules is an error naming it.  -1 and e. */
int kam_credit_rules_load(kam_ctx *ctx, struct kam_credit_rules *r, kam_err *e);
void kam_credit_rules_free(struct kam_credit_rules *r);

#endif
