/* The plugin loader: finds NAME.so files, checks their descriptor, hands them the host
 * services of kam_plugin.h, and keeps what they registered (Lua modules, commands).
 * The handle plugins see as `kam_host *` is the kam_ctx itself. */
#include "plugin.h"
#include "plugin_formats.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "kam_plugin.h"
#include "log.h"
#include "store_meta.h"
#include "width.h"

/* The public constants mirror kam's own; a plugin's status goes out unchanged. */
_Static_assert((int)KAM_PLUGIN_OK == (int)KAM_OK && (int)KAM_PLUGIN_FAIL == (int)KAM_FAIL &&
	       (int)KAM_PLUGIN_USAGE == (int)KAM_USAGE, "plugin statuses differ from kam's");
_Static_assert((int)KAM_PLUGIN_LOG_DEBUG == (int)KAM_LOG_DEBUG &&
	       (int)KAM_PLUGIN_LOG_INFO == (int)KAM_LOG_INFO &&
	       (int)KAM_PLUGIN_LOG_WARN == (int)KAM_LOG_WARN &&
	       (int)KAM_PLUGIN_LOG_ERROR == (int)KAM_LOG_ERROR, "plugin log levels differ from kam's");

struct module {
	char *name;
	lua_CFunction open;
};

struct command {
	char *name, *usage, *summary;
	kam_plugin_command_fn run;
};

struct plugin {
	char *path;                 /* as found: the directory searched plus the file name */
	const struct kam_plugin *desc;
	struct module *mods;
	size_t nmods;
	struct command *cmds;
	size_t ncmds;
	char formats[128];          /* "import xlsx, export xlsx": what it added to import/export */
};

struct kam_plugins {
	struct plugin *v;
	size_t n;
	char **seen;                /* real paths of every file and directory looked at */
	size_t nseen;
	struct plugin *loading;     /* the plugin whose init is running, else NULL */
	const char *calling;        /* the plugin command running, else NULL */
};

static kam_ctx *host_ctx(kam_host *h)
{
	return (kam_ctx *)h;
}

/* Room for one more element of an array that grows one at a time. */
static int grow(void *arrayp, size_t n, size_t size)
{
	void **array = arrayp;
	void *p;
	if (n & (n - 1))            /* capacity is the next power of two: full only then */
		return 0;
	p = realloc(*array, (n ? 2 * n : 1) * size);
	if (!p)
		return -1;
	*array = p;
	return 0;
}

/* ---- names ---- */

static int valid_plugin_name(const char *s)
{
	size_t n = 0;
	if (!s || !*s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-'))
			return 0;
	return n <= 64;
}

static int valid_command_name(const char *s)
{
	size_t n = 0;
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return n <= 32;
}

/* Dotted Lua identifiers: "kam.format", "xlsx". */
static int valid_module_name(const char *s)
{
	size_t n = 0;
	int start = 1;
	if (!s)
		return 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (c == '.') {
			if (start)
				return 0;
			start = 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			   (c >= '0' && c <= '9' && !start)) {
			start = 0;
		} else {
			return 0;
		}
	}
	return n > 0 && !start && n <= 128;
}

static struct module *find_module(struct kam_plugins *ps, const char *name)
{
	for (size_t i = 0; i <= ps->n; i++) {
		struct plugin *p = i < ps->n ? &ps->v[i] : ps->loading;
		for (size_t j = 0; p && j < p->nmods; j++)
			if (strcmp(p->mods[j].name, name) == 0)
				return &p->mods[j];
	}
	return NULL;
}

static struct command *find_command(struct kam_plugins *ps, const char *name, struct plugin **owner)
{
	for (size_t i = 0; i <= ps->n; i++) {
		struct plugin *p = i < ps->n ? &ps->v[i] : ps->loading;
		for (size_t j = 0; p && j < p->ncmds; j++) {
			if (strcmp(p->cmds[j].name, name) == 0) {
				if (owner)
					*owner = p;
				return &p->cmds[j];
			}
		}
	}
	return NULL;
}

/* ---- the services of kam_host_api ---- */

static void h_log(kam_host *h, int level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	(void)h;
	if (level < KAM_LOG_DEBUG)
		level = KAM_LOG_DEBUG;
	if (level > KAM_LOG_ERROR)
		level = KAM_LOG_ERROR;
	if (!kam_log_enabled(level) || !fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kam_log(level, "%s", msg);
}

static int h_log_enabled(kam_host *h, int level)
{
	(void)h;
	return kam_log_enabled(level);
}

static int h_add_module(kam_host *h, const char *name, lua_CFunction open)
{
	struct kam_plugins *ps = host_ctx(h)->plugins;
	struct plugin *p = ps ? ps->loading : NULL;
	struct module *m;
	if (!p) {
		kam_log(KAM_LOG_WARN, "plugin module '%s' registered outside init; ignored",
			name ? name : "(null)");
		return -1;
	}
	if (!valid_module_name(name) || !open) {
		kam_log(KAM_LOG_WARN, "%s: bad Lua module name '%s'; module ignored", p->path,
			name ? name : "(null)");
		return -1;
	}
	if ((m = find_module(ps, name))) {
		kam_log(KAM_LOG_WARN, "%s: Lua module '%s' is already registered; module ignored",
			p->path, name);
		return -1;
	}
	if (grow(&p->mods, p->nmods, sizeof *p->mods) < 0 ||
	    !(p->mods[p->nmods].name = strdup(name))) {
		kam_log(KAM_LOG_WARN, "%s: not enough memory for module '%s'", p->path, name);
		return -1;
	}
	p->mods[p->nmods++].open = open;
	return 0;
}

static int h_add_command(kam_host *h, const char *name, const char *usage, const char *summary,
			 kam_plugin_command_fn run)
{
	struct kam_plugins *ps = host_ctx(h)->plugins;
	struct plugin *p = ps ? ps->loading : NULL;
	struct plugin *other;
	struct command *c;
	if (!p) {
		kam_log(KAM_LOG_WARN, "plugin command '%s' registered outside init; ignored",
			name ? name : "(null)");
		return -1;
	}
	if (!valid_command_name(name) || !run) {
		kam_log(KAM_LOG_WARN, "%s: bad command name '%s'; command ignored", p->path,
			name ? name : "(null)");
		return -1;
	}
	if (find_command(ps, name, &other)) {
		kam_log(KAM_LOG_WARN, "%s: command '%s' is already registered by %s; command ignored",
			p->path, name, other->path);
		return -1;
	}
	if (grow(&p->cmds, p->ncmds, sizeof *p->cmds) < 0)
		goto nomem;
	c = &p->cmds[p->ncmds];
	c->name = strdup(name);
	c->usage = strdup(usage ? usage : "");
	c->summary = strdup(summary ? summary : "");
	c->run = run;
	if (!c->name || !c->usage || !c->summary) {
		free(c->name);
		free(c->usage);
		free(c->summary);
		goto nomem;
	}
	p->ncmds++;
	return 0;
nomem:
	kam_log(KAM_LOG_WARN, "%s: not enough memory for command '%s'", p->path, name);
	return -1;
}

static lua_State *h_lua(kam_host *h)
{
	return kam_ctx_lua(host_ctx(h));
}

/* The ABI 1-3 slot that handed out the SQLite handle.  A plugin built against those
 * ABIs still loads, and everything else it does works; this call alone fails, saying
 * what to use instead, since the storage layer is the only code that knows SQL. */
static void *h_db(kam_host *h)
{
	kam_ctx *ctx = host_ctx(h);
	struct kam_plugins *ps = ctx->plugins;
	const char *who = ps && ps->calling ? ps->calling : "a plugin";
	kam_errf(&ctx->err,
		 "%s: kam_host_api.db returns no database handle since plugin ABI 4; use "
		 "db_open, db_path and db_schema_version of kam_host_api, or the kam Lua "
		 "module in the state lua() returns", who);
	return NULL;
}

static long h_text_width(const char *s, size_t n, size_t *bad)
{
	if (!s)
		return 0;
	return kam_text_width(s, n, bad);
}

static int h_db_open(kam_host *h)
{
	return kam_ctx_db(host_ctx(h), 0) < 0 ? -1 : 0;
}

static const char *h_db_path(kam_host *h)
{
	const char *path = host_ctx(h)->db_path;
	return path ? path : "";
}

static long h_db_schema_version(kam_host *h)
{
	kam_ctx *ctx = host_ctx(h);
	int version;
	if (kam_ctx_db(ctx, 0) < 0 || kam_db_schema_version(ctx->db, &version, &ctx->err) < 0)
		return -1;
	return version;
}

static int h_error(kam_host *h, int status, const char *fmt, ...)
{
	kam_ctx *ctx = host_ctx(h);
	va_list ap;
	va_start(ap, fmt);
	kam_verrf(&ctx->err, fmt ? fmt : "(no message)", ap);
	va_end(ap);
	ctx->err.status = status;
	return status;
}

static int h_json(kam_host *h)
{
	return host_ctx(h)->json;
}

static const char *h_user(kam_host *h)
{
	return host_ctx(h)->user;
}

/* Formats go to the import and export registries; the plugin keeps their names for lists. */
static void note_format(kam_host *h, const char *what, const char *format)
{
	struct kam_plugins *ps = host_ctx(h)->plugins;
	struct plugin *p = ps ? ps->loading : NULL;
	size_t n;
	if (!p || !format)
		return;
	n = strlen(p->formats);
	snprintf(p->formats + n, sizeof p->formats - n, "%s%s %s", n ? ", " : "", what, format);
}

static int h_add_reader(kam_host *h, const kam_plugin_reader *r)
{
	struct kam_plugins *ps = host_ctx(h)->plugins;
	int abi = ps && ps->loading ? ps->loading->desc->abi : 2;
	if (kam_plugin_add_reader(h, r, abi) < 0)
		return -1;
	note_format(h, "import", r->format);
	return 0;
}

static int h_add_writer(kam_host *h, const kam_plugin_writer *w)
{
	if (kam_plugin_add_writer(h, w) < 0)
		return -1;
	note_format(h, "export", w->format);
	return 0;
}

static const kam_host_api host_api = {
	.abi = KAM_PLUGIN_ABI,
	.size = sizeof(kam_host_api),
	.kam_version = KAM_VERSION,
	.log = h_log,
	.log_enabled = h_log_enabled,
	.add_module = h_add_module,
	.add_command = h_add_command,
	.lua = h_lua,
	.db = h_db,
	.error = h_error,
	.json = h_json,
	.user = h_user,
	.add_reader = h_add_reader,
	.add_writer = h_add_writer,
	.text_width = h_text_width,
	.db_open = h_db_open,
	.db_path = h_db_path,
	.db_schema_version = h_db_schema_version,
};

/* ---- loading ---- */

static void plugin_clear(struct plugin *p)
{
	for (size_t i = 0; i < p->nmods; i++)
		free(p->mods[i].name);
	for (size_t i = 0; i < p->ncmds; i++) {
		free(p->cmds[i].name);
		free(p->cmds[i].usage);
		free(p->cmds[i].summary);
	}
	free(p->mods);
	free(p->cmds);
	free(p->path);
	memset(p, 0, sizeof *p);
}

/* Remember a real path; 1 when it was already seen (the same file or directory reached
 * twice, e.g. through $KAM_PLUGIN_PATH and beside the binary). */
static int seen_before(struct kam_plugins *ps, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return 0;
	for (size_t i = 0; i < ps->nseen; i++) {
		if (strcmp(ps->seen[i], real) == 0) {
			free(real);
			return 1;
		}
	}
	if (grow(&ps->seen, ps->nseen, sizeof *ps->seen) < 0) {
		free(real);
		return 0;
	}
	ps->seen[ps->nseen++] = real;
	return 0;
}

/* dlerror() usually starts with the file name, which our message already gives. */
static const char *dl_reason(const char *path)
{
	const char *msg = dlerror();
	size_t n = strlen(path);
	if (!msg)
		return "unknown error";
	if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	return msg;
}

static const char *descriptor_problem(const struct kam_plugin *d)
{
	if (!valid_plugin_name(d->name))
		return "bad plugin name (want lowercase letters, digits, '_' and '-')";
	if (!d->version || !*d->version)
		return "no version";
	if (!d->init)
		return "no init function";
	return NULL;
}

static void load_file(kam_ctx *ctx, const char *path)
{
	struct kam_plugins *ps = ctx->plugins;
	const struct kam_plugin *d;
	struct plugin p = {0};
	void *handle;
	const char *why;
	int rc;

	dlerror();
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		kam_log(KAM_LOG_WARN, "%s: cannot load: %s; skipped", path, dl_reason(path));
		return;
	}
	dlerror();
	d = dlsym(handle, KAM_PLUGIN_SYMBOL);
	if (!d) {
		kam_log(KAM_LOG_WARN, "%s: not a kam plugin (no symbol '%s'); skipped", path,
			KAM_PLUGIN_SYMBOL);
		dlclose(handle);
		return;
	}
	/* Only abi may be read before it is checked: the rest is laid out by it. */
	if (d->abi < 1 || d->abi > KAM_PLUGIN_ABI) {
		kam_log(KAM_LOG_WARN, "%s: plugin ABI %d, this kam speaks %d; skipped", path, d->abi,
			KAM_PLUGIN_ABI);
		dlclose(handle);
		return;
	}
	if (d->lua_version != LUA_VERSION_NUM) {
		kam_log(KAM_LOG_WARN, "%s: plugin built for Lua %d.%d, this kam runs Lua %d.%d; skipped",
			path, d->lua_version / 100, d->lua_version % 100, LUA_VERSION_NUM / 100,
			LUA_VERSION_NUM % 100);
		dlclose(handle);
		return;
	}
	if ((why = descriptor_problem(d))) {
		kam_log(KAM_LOG_WARN, "%s: %s; skipped", path, why);
		dlclose(handle);
		return;
	}
	for (size_t i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].desc->name, d->name) == 0) {
			kam_log(KAM_LOG_DEBUG, "%s: plugin '%s' already loaded from %s; skipped", path,
				d->name, ps->v[i].path);
			dlclose(handle);
			return;
		}
	}
	if (grow(&ps->v, ps->n, sizeof *ps->v) < 0 || !(p.path = strdup(path))) {
		kam_log(KAM_LOG_WARN, "%s: not enough memory; skipped", path);
		dlclose(handle);
		return;
	}
	p.desc = d;

	/* From here on the plugin's code has run: it may have left atexit handlers or
	 * threads behind, so it stays mapped even when skipped (and is never dlclose'd). */
	ps->loading = &p;
	kam_err_clear(&ctx->err);
	rc = d->init((kam_host *)ctx, &host_api);
	ps->loading = NULL;
	if (rc != 0) {
		if (ctx->err.msg[0])
			kam_log(KAM_LOG_WARN, "%s: init failed: %s; skipped", path, ctx->err.msg);
		else
			kam_log(KAM_LOG_WARN, "%s: init failed (returned %d); skipped", path, rc);
		kam_err_clear(&ctx->err);
		plugin_clear(&p);
		return;
	}
	kam_log(KAM_LOG_DEBUG, "%s: plugin '%s' %s loaded", path, d->name, d->version);
	ps->v[ps->n++] = p;
}

static int cmp_names(const void *a, const void *b)
{
	/* Byte order, not strcoll: the load order must not depend on the locale. */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_plugin_file_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static void load_dir(kam_ctx *ctx, const char *dir)
{
	DIR *dp;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (seen_before(ctx->plugins, dir)) {
		kam_log(KAM_LOG_DEBUG, "%s: plugin directory already searched", dir);
		return;
	}
	if (!(dp = opendir(dir))) {
		if (errno == ENOENT || errno == ENOTDIR)
			kam_log(KAM_LOG_DEBUG, "%s: no plugin directory", dir);
		else
			kam_log(KAM_LOG_WARN, "%s: cannot read plugin directory: %s", dir, strerror(errno));
		return;
	}
	while ((de = readdir(dp))) {
		if (!is_plugin_file_name(de->d_name))
			continue;
		if (grow(&names, n, sizeof *names) < 0 || !(names[n] = strdup(de->d_name))) {
			kam_log(KAM_LOG_WARN, "%s: not enough memory to list plugins", dir);
			break;
		}
		n++;
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		int len = snprintf(path, sizeof path, "%s%s%s", dir,
				   dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (len < 0 || (size_t)len >= sizeof path)
			kam_log(KAM_LOG_WARN, "%s/%s: path too long; skipped", dir, names[i]);
		else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			kam_log(KAM_LOG_DEBUG, "%s: not a regular file; skipped", path);
		else if (seen_before(ctx->plugins, path))
			kam_log(KAM_LOG_DEBUG, "%s: already looked at; skipped", path);
		else
			load_file(ctx, path);
		free(names[i]);
	}
	free(names);
}

void kam_plugins_load(kam_ctx *ctx)
{
	const char *env = getenv("KAM_PLUGIN_PATH");

	if (ctx->plugins)
		return;
	if (!(ctx->plugins = calloc(1, sizeof *ctx->plugins))) {
		kam_log(KAM_LOG_WARN, "not enough memory to load plugins");
		return;
	}
	/* Empty entries are skipped, not read as ".": the current directory is no place
	 * to pick up code from by accident. */
	while (env && *env) {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		if (len > 0 && len < PATH_MAX) {
			char dir[PATH_MAX];
			memcpy(dir, env, len);
			dir[len] = '\0';
			load_dir(ctx, dir);
		}
		env = colon ? colon + 1 : NULL;
	}
	if (ctx->exe_dir) {
		char dir[PATH_MAX];
		int len = snprintf(dir, sizeof dir, "%s/plugins", ctx->exe_dir);
		if (len > 0 && (size_t)len < sizeof dir)
			load_dir(ctx, dir);
	}
	load_dir(ctx, KAM_PLUGINDIR);
}

void kam_plugins_free(kam_ctx *ctx)
{
	struct kam_plugins *ps = ctx->plugins;
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		plugin_clear(&ps->v[i]);
	for (size_t i = 0; i < ps->nseen; i++)
		free(ps->seen[i]);
	free(ps->v);
	free(ps->seen);
	free(ps);
	ctx->plugins = NULL;
}

/* ---- Lua modules ---- */

static int open_lua(lua_State *L)
{
	struct kam_plugins *ps = lua_touserdata(L, 1);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
	for (size_t i = 0; i < ps->n; i++) {
		struct plugin *p = &ps->v[i];
		for (size_t j = 0; j < p->nmods; j++) {
			/* require looks in package.loaded first: a built-in would shadow it. */
			if (lua_getfield(L, -2, p->mods[j].name) != LUA_TNIL) {
				kam_log(KAM_LOG_WARN, "%s: Lua module '%s' is built into kam; module ignored",
					p->path, p->mods[j].name);
				lua_pop(L, 1);
				continue;
			}
			lua_pop(L, 1);
			lua_pushcfunction(L, p->mods[j].open);
			lua_setfield(L, -2, p->mods[j].name);
		}
	}
	return 0;
}

void kam_plugins_open_lua(kam_ctx *ctx, struct lua_State *L)
{
	kam_plugins_load(ctx);
	if (!ctx->plugins || !ctx->plugins->n)
		return;
	lua_pushcfunction(L, open_lua);
	lua_pushlightuserdata(L, ctx->plugins);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		kam_log(KAM_LOG_WARN, "cannot make plugin modules loadable: %s",
			lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
		lua_pop(L, 1);
	}
}

/* ---- commands ---- */

int kam_plugins_dispatch(kam_ctx *ctx, int argc, char **argv, int *status)
{
	struct plugin *p;
	struct command *c;
	int rc;

	kam_plugins_load(ctx);
	if (argc < 1 || !ctx->plugins || !(c = find_command(ctx->plugins, argv[0], &p)))
		return 0;
	if (kam_wants_help(argc, argv)) {
		printf("usage: kam %s%s%s\n\n%s (plugin %s %s)\n", c->name, *c->usage ? " " : "",
		       c->usage, c->summary, p->desc->name, p->desc->version);
		*status = KAM_OK;
		return 1;
	}
	kam_err_clear(&ctx->err);
	ctx->plugins->calling = c->name;
	rc = c->run((kam_host *)ctx, argc, argv);
	ctx->plugins->calling = NULL;
	if (rc < 0 || rc > 255)
		rc = KAM_FAIL;
	if (rc != KAM_OK && ctx->err.msg[0]) {
		ctx->err.status = rc;
		kam_report_error(ctx, &ctx->err);
	}
	kam_err_clear(&ctx->err);
	if (fflush(stdout) != 0 && rc == KAM_OK) {
		kam_errf(&ctx->err, "%s: cannot write output: %s", c->name, strerror(errno));
		rc = kam_report_error(ctx, &ctx->err);
	}
	*status = rc;
	return 1;
}

void kam_plugins_help(kam_ctx *ctx, FILE *out)
{
	struct kam_plugins *ps = ctx->plugins;
	for (size_t i = 0; ps && i < ps->n; i++)
		for (size_t j = 0; j < ps->v[i].ncmds; j++)
			fprintf(out, "  %-10s %s (plugin %s)\n", ps->v[i].cmds[j].name,
				ps->v[i].cmds[j].summary, ps->v[i].desc->name);
}

/* ---- kam plugin list ---- */

static const char plugin_usage[] =
	"usage: kam plugin list\n"
	"\n"
	"List the loaded plugins: name, version, file, summary, and the Lua modules,\n"
	"commands and import/export formats each registered.  Plugins are searched in each directory of\n"
	"$KAM_PLUGIN_PATH, then plugins/ beside the kam binary, then " KAM_PLUGINDIR ";\n"
	"the first plugin of a name wins.  With --json: a JSON array.\n";

static json_t *plugin_json(const struct plugin *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:[], s:[], s:s}", "name", p->desc->name,
			      "version", p->desc->version, "path", p->path, "summary",
			      p->desc->summary ? p->desc->summary : "", "abi", p->desc->abi,
			      "modules", "commands", "formats", p->formats);
	json_t *mods = json_object_get(o, "modules"), *cmds = json_object_get(o, "commands");
	if (!o)
		return NULL;
	for (size_t i = 0; i < p->nmods; i++)
		if (json_array_append_new(mods, json_string(p->mods[i].name)) < 0)
			goto fail;
	for (size_t i = 0; i < p->ncmds; i++)
		if (json_array_append_new(cmds, json_pack("{s:s, s:s, s:s}", "name", p->cmds[i].name,
							  "usage", p->cmds[i].usage, "summary",
							  p->cmds[i].summary)) < 0)
			goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int list_json(kam_ctx *ctx)
{
	struct kam_plugins *ps = ctx->plugins;
	json_t *a = json_array();
	for (size_t i = 0; a && ps && i < ps->n; i++) {
		if (json_array_append_new(a, plugin_json(&ps->v[i])) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	if (!a) {
		kam_errf(&ctx->err, "plugin list: not enough memory");
		return kam_report_error(ctx, &ctx->err);
	}
	return kam_print_json(a);
}

static int list_text(kam_ctx *ctx)
{
	struct kam_plugins *ps = ctx->plugins;
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct plugin *p = &ps->v[i];
		const char *sep = " [";
		printf("%s %s (%s): %s", p->desc->name, p->desc->version, p->path,
		       p->desc->summary ? p->desc->summary : "");
		for (size_t j = 0; j < p->nmods; j++, sep = ", ")
			printf("%smodule %s", sep, p->mods[j].name);
		for (size_t j = 0; j < p->ncmds; j++, sep = ", ")
			printf("%scommand %s", sep, p->cmds[j].name);
		if (p->formats[0]) {
			printf("%s%s", sep, p->formats);
			sep = ", ";
		}
		printf("%s\n", *sep == ',' ? "]" : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		kam_errf(&ctx->err, "plugin list: cannot write output: %s", strerror(errno));
		return kam_report_error(ctx, &ctx->err);
	}
	return KAM_OK;
}

int kam_cmd_plugin(kam_ctx *ctx, int argc, char **argv)
{
	if (kam_wants_help(argc, argv)) {
		fputs(plugin_usage, stdout);
		return KAM_OK;
	}
	if (argc < 2)
		return kam_usage_error(ctx, "plugin", plugin_usage, "missing subcommand");
	if (argv[1][0] == '-' && argv[1][1])
		return kam_usage_error(ctx, "plugin", plugin_usage, "unknown option '%.*s'", (int)strcspn(argv[1], "="),
				       argv[1]);
	if (strcmp(argv[1], "list") != 0)
		return kam_usage_error(ctx, "plugin", plugin_usage, "unknown subcommand '%s'", argv[1]);
	if (argc > 2 && argv[2][0] == '-' && argv[2][1])
		return kam_usage_error(ctx, "plugin", plugin_usage, "unknown option '%.*s'", (int)strcspn(argv[2], "="),
				       argv[2]);
	if (argc > 2)
		return kam_usage_error(ctx, "plugin", plugin_usage, "unexpected argument '%s'", argv[2]);
	kam_plugins_load(ctx);
	return ctx->json ? list_json(ctx) : list_text(ctx);
}
