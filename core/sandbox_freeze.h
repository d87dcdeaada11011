/* Read-only tables and frozen policies, for sandbox.c only (sandbox_freeze.c says how). */
#ifndef KAM_SANDBOX_FREEZE_H
#define KAM_SANDBOX_FREEZE_H

#include <lua.h>

#include "err.h"

/* The registry tables the rest needs; once per state, before anything is read-only. */
void kam_sb_freeze_init(lua_State *L);
/* Make the table at idx read-only: name "" is the globals ("assignment to undeclared
 * global"), policy marks a policy's own table (its message says a policy keeps no state).
 * Needs "kam.sandbox.next" (the real next) in the registry. */
void kam_sb_readonly(lua_State *L, int idx, const char *name, int policy);
/* After a chunk's top level: freeze everything its module (module_ref) and its globals
 * (env_ref, read-only already) reach; returns a registry reference to the upvalues
 * remembered.  thread gets the name of the first coroutine (or library closure keeping
 * one, or an iterator's state) they reach, "" when none: no freezing reaches their own
 * variables, so the caller refuses such a policy. */
int kam_sb_freeze_module(lua_State *L, int module_ref, int env_ref, char *thread, size_t size);
/* next, rawget and rawlen in the environment at env made to see a read-only table's
 * contents (they would see the empty table that stands in front of them). */
void kam_sb_see_through(lua_State *L, int env);
/* Deep read-only for a value handed to every call of a batch (ctx). */
void kam_sb_freeze_shared(lua_State *L, int idx, const char *name);
/* 0 when every remembered upvalue still holds its value; else -1 and e says which
 * ("changed 'x', a local of the policy's module ..."; the caller names the call). */
int kam_sb_check_upvalues(lua_State *L, int upvalues_ref, kam_err *e);

#endif
