/* Who acts on the database.  Before any kam user exists, anyone does, under the name
 * --user, $KAM_USER or the login gives (as always).  Once one exists, the acting user is
 * the kam user of the login (kam user add NAME --login LOGIN); --user or $KAM_USER may
 * name another user only when the login's user is an admin; an unknown login or a
 * disabled user is refused, and the refusal logged.  What each role may do is checked in
 * the storage layer (store_access.h); the few checks that belong to a command's meaning
 * (who may change the policy, manage users, run raw SQL) are asked here. */
#ifndef KAM_ACCESS_H
#define KAM_ACCESS_H

#include "ctx.h"
#include "store_access.h"

/* Decide the acting user of ctx's database (just opened) and tell the storage layer. */
int kam_access_resolve(kam_ctx *ctx, kam_err *e);
/* 0 when the acting user may do `what` (an admin, or anyone before users exist); else -1,
 * the refusal logged, e saying who may. */
int kam_access_admin(kam_ctx *ctx, const char *what, kam_err *e);
/* 0 when the acting user may schedule a job of its own (it runs with that user's rights,
 * so no one gains any by it): anyone but a viewer, who changes nothing; else -1, the
 * refusal logged. */
int kam_access_may_schedule(kam_ctx *ctx, kam_err *e);
/* 0 when the acting user may remove, enable or disable job (added_by: who scheduled it):
 * an admin, or its own adder unless a viewer now; else -1, the refusal logged. */
int kam_access_may_change_job(kam_ctx *ctx, const char *job, const char *added_by, kam_err *e);
/* A user's name or login (what names one: --user, $KAM_USER, kam user add): 1 to 64
 * characters of UTF-8 text, no control character; else -1 and a usage error naming `what`
 * and why.  where prefixes the message ("user"). */
int kam_access_check_name(const char *where, const char *what, const char *s, kam_err *e);
/* The login name of the process's user (the password database's, not the environment's). */
const char *kam_access_login(void);

#endif
