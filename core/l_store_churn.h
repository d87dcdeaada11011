/* kam.store's functions for churn causes (l_store_churn.c). */
#ifndef KAM_L_STORE_CHURN_H
#define KAM_L_STORE_CHURN_H

#include <lua.h>

/* Add them to the kam.store table at the top of the stack. */
void kam_store_churn_lua(lua_State *L);

#endif
