/* kam.store's functions for reports and month closes (l_store_report.c). */
#ifndef KAM_L_STORE_REPORT_H
#define KAM_L_STORE_REPORT_H

#include <lua.h>

/* Add the report functions to the kam.store table at the top of the stack. */
void kam_store_report_lua(lua_State *L);

#endif
