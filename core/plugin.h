/* The host side of plugins: loading shared objects at start, their Lua modules and
 * their subcommands.  The ABI plugins compile against is kam_plugin.h. */
#ifndef KAM_PLUGIN_HOST_H
#define KAM_PLUGIN_HOST_H

#include <stdio.h>

#include "ctx.h"

struct lua_State;

/* Load every plugin from $KAM_PLUGIN_PATH (colon-separated), the build tree's plugins/
 * beside the binary, and the installed plugin directory.  A plugin that fails to load
 * or has the wrong ABI is skipped with a warning; this never fails the command. */
void kam_plugins_load(kam_ctx *ctx);
/* When a plugin registered command argv[0], run it, store its exit status and return 1. */
int kam_plugins_dispatch(kam_ctx *ctx, int argc, char **argv, int *status);
/* Make every plugin's Lua modules loadable with require (package.preload). */
void kam_plugins_open_lua(kam_ctx *ctx, struct lua_State *L);
/* One line per plugin command, for kam --help. */
void kam_plugins_help(kam_ctx *ctx, FILE *out);
void kam_plugins_free(kam_ctx *ctx);
/* kam plugin list */
int kam_cmd_plugin(kam_ctx *ctx, int argc, char **argv);

#endif
