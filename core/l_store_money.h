/* kam.store's money-and-service functions (discounts, claims, arrears, complaints):
 * l_store_money.c adds them to the kam.store table at the top of the stack. */
#ifndef KAM_L_STORE_MONEY_H
#define KAM_L_STORE_MONEY_H

#include <lua.h>

void kam_store_money_fns(lua_State *L);

#endif
