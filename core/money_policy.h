/* What kam import reads from the policy for the money kinds (DOMAIN.md 6): the business
 * lines the policy never puts on credit (numbers.arrears.never_on_credit).  The rule is
 * the policy's; the import only refuses the rows it names. */
#ifndef KAM_MONEY_POLICY_H
#define KAM_MONEY_POLICY_H

#include "ctx.h"
#include "import.h"

struct kam_credit_rules {
	char *policy;        /* the policy's name */
	char **never;        /* NULL-terminated */
};

/* Load the database's policy (or --policy) and read its lines never on credit; a policy
 * without arrears rules is an error naming it.  -1 and e. */
int kam_credit_rules_load(kam_ctx *ctx, struct kam_credit_rules *r, kam_err *e);
void kam_credit_rules_free(struct kam_credit_rules *r);

/* The rule kam discount request, kam claim add and kam complaint add apply (route,
 * deadlines: money.import_row of scripts/commands/common/money.lua, under the database's
 * policy or --policy), for kam import of those kinds; it runs in the host's Lua state on
 * the command's database connection, so inside the import's transaction. */
#define KAM_MONEY_RULE_STRS 16
struct kam_money_rule {
	struct kam_import_rule rule;   /* hand &rule to kam_import_opts.rule */
	struct lua_State *L;
	int fn;                        /* registry reference of the row function */
	char *strs[KAM_MONEY_RULE_STRS];   /* the last row's text fields */
};
int kam_money_rule_open(kam_ctx *ctx, struct kam_money_rule *r, kam_err *e);
void kam_money_rule_close(struct kam_money_rule *r);

#endif
