/* kam.store's functions for the acting user (l_store_access.c). */
#ifndef KAM_L_STORE_ACCESS_H
#define KAM_L_STORE_ACCESS_H

#include <lua.h>

/* Add them to the kam.store table at the top of the stack. */
void kam_store_access_lua(lua_State *L);

#endif
