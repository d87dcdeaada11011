/* The state of one kam invocation: global options, the database and the Lua host,
 * each opened on first use so that a command pays only for what it touches. */
#ifndef KAM_CTX_H
#define KAM_CTX_H

#include "err.h"
#include "store_db.h"

struct lua_State;
struct kam_plugins;

typedef struct kam_ctx {
	const char *db_path;        /* --db, $KAM_DB, ./kam.db */
	const char *policy;         /* --policy, or NULL for the database's default */
	const char *user;           /* --user, $KAM_USER, login name; once users exist, the acting
				     * kam user (access.c) */
	int user_given;             /* --user or $KAM_USER named it */
	const char *command;        /* the command and its first word ("import ledger"), for the
				     * audit log */
	char acting[260];           /* the acting user's name: user points here (access.c may
				     * change it once the database is open) */
	int json;                   /* --json: one JSON document on stdout */
	int script_tx;              /* kam run: the database opens inside one deferred transaction */
	const char *exe_dir;        /* directory of the running binary (finds build-tree files) */
	kam_db *db;
	struct lua_State *L;
	struct kam_plugins *plugins;
	kam_err err;
} kam_ctx;

/* Open the database on first use (flags as kam_db_open); fills ctx->err on failure. */
int kam_ctx_db(kam_ctx *ctx, int flags);
/* Create the Lua host state on first use; NULL with ctx->err filled on failure. */
struct lua_State *kam_ctx_lua(kam_ctx *ctx);
void kam_ctx_close(kam_ctx *ctx);

#endif
