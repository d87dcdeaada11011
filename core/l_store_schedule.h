/* kam.store's scheduling functions (l_store_schedule.c), added to the kam.store table. */
#ifndef KAM_L_STORE_SCHEDULE_H
#define KAM_L_STORE_SCHEDULE_H

#include <lua.h>

/* Set schedule_add and ledger_months in the table on top of the stack. */
void kam_open_store_schedule(lua_State *L);

#endif
