/* kam.store's functions for what a grade obliges (l_store_obligations.c). */
#ifndef KAM_L_STORE_OBLIGATIONS_H
#define KAM_L_STORE_OBLIGATIONS_H

#include <lua.h>

/* Add them to the table at the top of the stack. */
void kam_store_obligations_register(lua_State *L);

#endif
