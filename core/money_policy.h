/* The policy's rules for kam import's money kinds (DOMAIN.md 5, 6, 11): the commands' own,
 * run in Lua; the import only checks cells and stores the rows. */
#ifndef KAM_MONEY_POLICY_H
#define KAM_MONEY_POLICY_H

#include "ctx.h"
#include "import.h"

/* The rule kam arrear add (the line on credit), kam discount request, kam claim add and
 * kam complaint add apply (route,
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
