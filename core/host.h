/* The Lua host: one trusted Lua 5.4 state per run with the `kam` module, and the one
 * function through which every call into Lua goes. */
#ifndef KAM_HOST_H
#define KAM_HOST_H

#include <lua.h>

#include "ctx.h"

/* A fresh state with the standard libraries and the `kam` module; NULL on failure. */
lua_State *kam_host_new(kam_ctx *ctx, kam_err *e);

/* Call the function below nargs arguments like lua_pcall, with the traceback message
 * handler and Ctrl-C handling installed for the duration.  On error the message is copied
 * into e, Lua's traceback into e->traceback (the message stays without it), e->interrupted
 * is set when Ctrl-C stopped it, the stack is left as before the function, and -1 is
 * returned.  `what` names the code for out-of-memory errors, which skip the handler. */
int kam_lua_call(lua_State *L, int nargs, int nresults, const char *what, kam_err *e);

/* Load a Lua source file as text only; its chunk name is "@path". */
int kam_lua_loadfile(lua_State *L, const char *path, kam_err *e);

/* The kam_ctx a binding was registered with (an upvalue-free registry lookup). */
kam_ctx *kam_lua_ctx(lua_State *L);
/* The database for a binding: opened on first use; raises a Lua error when it cannot. */
kam_db *kam_lua_db(lua_State *L);
/* l_db.c: the column order of the table of rows at the top of the stack, kept (weakly)
 * beside it for kam.db.columns and the REPL's printing; and, for the table at idx, push
 * its noted columns and return 1, else 0. */
void kam_lua_note_columns(lua_State *L, const char *const *names, int n);
int kam_lua_noted_columns(lua_State *L, int idx);
/* fn in a transaction (a savepoint when nested): kam.db.transaction and kam.store's. */
int kam_lua_transaction(lua_State *L);

/* Module openers, one file each (l_*.c).  Each leaves its table on the stack. */
int kam_open_db(lua_State *L);
int kam_open_json(lua_State *L);
int kam_open_log(lua_State *L);
int kam_open_sandbox(lua_State *L);
int kam_open_grading(lua_State *L);
int kam_open_store(lua_State *L);

/* Lua values <-> jansson (l_json.c), for commands that print --json output. */
struct json_t;
struct json_t *kam_lua_to_json(lua_State *L, int idx, kam_err *e);
void kam_json_to_lua(lua_State *L, struct json_t *j);

#endif
