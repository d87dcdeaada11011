#include "ctx.h"

#include <lua.h>

#include "access.h"
#include "host.h"
#include "plugin.h"

int kam_ctx_db(kam_ctx *ctx, int flags)
{
	if (ctx->db)
		return 0;
	if (kam_db_open(&ctx->db, ctx->db_path, flags, &ctx->err) < 0)
		return -1;
	/* Who acts, before anything is read or written. */
	if (kam_access_resolve(ctx, &ctx->err) < 0) {
		kam_db_close(ctx->db);
		ctx->db = NULL;
		return -1;
	}
	/* A kam run script's whole work is one transaction, begun when it first needs the
	 * database (whichever binding or plugin opens it). */
	if (ctx->script_tx && kam_db_script_begin(ctx->db, &ctx->err) < 0) {
		kam_db_close(ctx->db);
		ctx->db = NULL;
		return -1;
	}
	return 0;
}

lua_State *kam_ctx_lua(kam_ctx *ctx)
{
	if (!ctx->L)
		ctx->L = kam_host_new(ctx, &ctx->err);
	return ctx->L;
}

void kam_ctx_close(kam_ctx *ctx)
{
	/* Lua first: its statements must be finalised before the connection closes. */
	if (ctx->L) {
		lua_close(ctx->L);
		ctx->L = NULL;
	}
	kam_db_close(ctx->db);
	ctx->db = NULL;
	kam_plugins_free(ctx);
}
