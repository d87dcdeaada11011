/* Storage rows as Lua tables, for the kam.store bindings (l_store*.c): one row a table
 * keyed by column, a NULL column absent, integers as integers. */
#ifndef KAM_L_ROWS_H
#define KAM_L_ROWS_H

#include <lua.h>
#include <stdint.h>

#include "store_rows.h"

void kam_lua_push_row(lua_State *L, const kam_store_row *r);
/* Argument i as a customer code: an integer, or a string of digits ("42010000001000"). */
/* Raise the storage layer's error (its message names its place: a month, a customer),
 * at the line of the script that called the binding. */
int kam_lua_store_fail(lua_State *L, const kam_err *e);
int64_t kam_lua_check_code(lua_State *L, int i);
/* kam_store_row_fn callbacks, arg the lua_State: append to the array at the top of the
 * stack; replace the value at the top (a nil pushed first: none found) with the row. */
int kam_lua_append_row(void *arg, const kam_store_row *r, kam_err *e);
int kam_lua_one_row(void *arg, const kam_store_row *r, kam_err *e);

#endif
