#include "ctx.h"

#include <lua.h>

#include "host.h"
#include "plugin.h"

int kam_ctx_db(kam_ctx *ctx, int flags)
{
	if (ctx->db)
		return 0;
	return kam_db_open(&ctx->db, ctx->db_path, flags, &ctx->err);
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
