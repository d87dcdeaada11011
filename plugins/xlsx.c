/* xlsx: XLSX files for `kam import` and `kam export` -- the light half.
 *
 * kam loads every plugin at start, and libzip, expat and libxlsxwriter cost more to map
 * than the rest of kam's start-up (they made `kam run` of an empty script half again
 * as slow).  So this object, linked against none of them, registers the format only;
 * the first XLSX file opened for reading or writing loads the heavy half, xlsx_io.so,
 * from the directory xlsx/ beside this file (make and make install put it there), and
 * every call goes on to it.  A missing or stale xlsx_io.so fails that import or export
 * naming the file, not kam's start-up.  What reading and writing do: plugins/xlsx/. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "kam_plugin.h"
#include "xlsx/xlsx_entry.h"

#define IO_FILE "xlsx/xlsx_io.so"

static const kam_host_api *kam;
static const struct xlsx_io *io;

/* Any object of this file: dladdr finds the path kam loaded us from through it. */
static const char self = 0;

/* Load xlsx_io.so on first use; 0, or -1 with err set. */
static int load_io(char *err, size_t err_size)
{
	Dl_info info;
	const char *slash;
	char *path;
	void *handle, *sym;
	xlsx_io_fn entry;
	const struct xlsx_io *got;
	int dir_len;

	if (io)
		return 0;
	if (!dladdr(&self, &info) || !info.dli_fname) {
		snprintf(err, err_size, "xlsx: cannot tell where the xlsx plugin was loaded from");
		return -1;
	}
	slash = strrchr(info.dli_fname, '/');
	dir_len = slash ? (int)(slash - info.dli_fname + 1) : 0;
	if (!(path = malloc((size_t)dir_len + sizeof IO_FILE))) {
		snprintf(err, err_size, "xlsx: out of memory");
		return -1;
	}
	snprintf(path, (size_t)dir_len + sizeof IO_FILE, "%.*s%s", dir_len, info.dli_fname, IO_FILE);
	dlerror();
	if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		const char *why = dlerror();
		size_t n = strlen(path);
		if (why && strncmp(why, path, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
			why += n + 2;
		snprintf(err, err_size, "xlsx: cannot load %s: %s (reinstall kam's xlsx plugin)", path,
			 why ? why : "unknown error");
		free(path);
		return -1;
	}
	/* POSIX lets a data pointer carry a function's address; copy it, as C needs. */
	sym = dlsym(handle, XLSX_IO_SYMBOL);
	memcpy(&entry, &sym, sizeof entry);
	if (!sym || !(got = entry(kam)) || got->version != XLSX_IO_VERSION) {
		snprintf(err, err_size, "xlsx: %s does not belong to this xlsx plugin (%s); reinstall it",
			 path, sym ? "another version" : "no " XLSX_IO_SYMBOL);
		dlclose(handle);
		free(path);
		return -1;
	}
	free(path);
	io = got;                   /* stays loaded until kam exits */
	return 0;
}

/* ---- the reader and the writer kam sees: each call goes on to xlsx_io.so ---- */

static void *xr_open(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size)
{
	return load_io(err, err_size) < 0 ? NULL : io->reader->open(h, path, sheet, err, err_size);
}

static int xr_next(void *r, size_t *n, char ***cells, size_t **lens, long *row, char *err,
		   size_t err_size)
{
	return io->reader->next(r, n, cells, lens, row, err, err_size);
}

static void xr_close(void *r)
{
	io->reader->close(r);
}

static const char *const *xr_sheets(void *r)
{
	return io->reader->sheets(r);
}

static void *xw_open(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size)
{
	return load_io(err, err_size) < 0 ? NULL : io->writer->open(h, path, sheet, err, err_size);
}

static int xw_header(void *w, size_t n, const char *const *names, const int *types, char *err,
		     size_t err_size)
{
	return io->writer->header(w, n, names, types, err, err_size);
}

static int xw_row(void *w, size_t n, const char *const *cells, const size_t *lens, char *err,
		  size_t err_size)
{
	return io->writer->row(w, n, cells, lens, err, err_size);
}

static int xw_finish(void *w, char *err, size_t err_size)
{
	return io->writer->finish(w, err, err_size);
}

static void xw_close(void *w)
{
	io->writer->close(w);
}

/* ---- kam.xlsx: a workbook of several sheets from Lua (kam report --format xlsx) ---- */

static int cell_type(const char *t)
{
	if (strcmp(t, "integer") == 0)
		return KAM_PLUGIN_CELL_INTEGER;
	if (strcmp(t, "money") == 0)
		return KAM_PLUGIN_CELL_MONEY;
	return KAM_PLUGIN_CELL_TEXT;
}

/* The writer's handle, closed by __gc or __close when a Lua error leaves it open. */
struct book {
	void *w;
};

static int book_gc(lua_State *L)
{
	struct book *b = luaL_checkudata(L, 1, "kam.xlsx.book");
	if (b->w) {
		io->writer->close(b->w);
		b->w = NULL;
	}
	return 0;
}

/* One sheet: its header from columns {{label =, type = "text"|"integer"|"money"}}, then
 * its rows, arrays of strings (nil or false: an empty cell). */
static void write_sheet(lua_State *L, struct book *b, int sheet, char *err, size_t err_size)
{
	size_t ncols, nrows;
	const char **names, **cells;
	int *types;
	size_t *lens;
	lua_getfield(L, sheet, "columns");
	luaL_checktype(L, -1, LUA_TTABLE);
	ncols = lua_rawlen(L, -1);
	names = lua_newuserdatauv(L, ncols * (2 * sizeof *names + sizeof *types + sizeof *lens) + 1, 0);
	cells = names + ncols;
	lens = (size_t *)(void *)(cells + ncols);
	types = (int *)(void *)(lens + ncols);
	for (size_t c = 0; c < ncols; c++) {
		lua_rawgeti(L, -2, (lua_Integer)c + 1);
		luaL_checktype(L, -1, LUA_TTABLE);
		lua_getfield(L, -1, "label");
		names[c] = luaL_checkstring(L, -1);
		lua_getfield(L, -2, "type");
		types[c] = cell_type(luaL_optstring(L, -1, "text"));
		lua_pop(L, 3);   /* the columns table keeps the label */
	}
	if (io->writer->header(b->w, ncols, names, types, err, err_size) < 0)
		luaL_error(L, "%s", err);
	lua_getfield(L, sheet, "rows");
	luaL_checktype(L, -1, LUA_TTABLE);
	nrows = lua_rawlen(L, -1);
	for (size_t r = 0; r < nrows; r++) {
		lua_rawgeti(L, -1, (lua_Integer)r + 1);
		luaL_checktype(L, -1, LUA_TTABLE);
		for (size_t c = 0; c < ncols; c++) {
			lua_rawgeti(L, -1, (lua_Integer)c + 1);
			if (!lua_toboolean(L, -1)) {
				cells[c] = NULL;
				lens[c] = 0;
			} else if (lua_type(L, -1) == LUA_TSTRING) {
				cells[c] = lua_tolstring(L, -1, &lens[c]);
			} else {
				luaL_error(L, "kam.xlsx.write: row %d, cell %d is a %s, not a string", (int)r + 1, (int)c + 1,
					   luaL_typename(L, -1));
			}
			lua_pop(L, 1);   /* the row keeps the string */
		}
		if (io->writer->row(b->w, ncols, cells, lens, err, err_size) < 0)
			luaL_error(L, "%s", err);
		lua_pop(L, 1);
	}
	lua_pop(L, 3);
}

/* kam.xlsx.write(path, {{name =, columns =, rows =}, ...}): one sheet per entry, each with
 * a bold frozen header and a filter, money as numbers shown with two decimals. */
static int l_write(lua_State *L)
{
	char err[512];
	const char *path = luaL_checkstring(L, 1);
	struct book *b;
	size_t n;
	luaL_checktype(L, 2, LUA_TTABLE);
	n = lua_rawlen(L, 2);
	if (n == 0)
		return luaL_error(L, "kam.xlsx.write: no sheets");
	if (load_io(err, sizeof err) < 0)
		return luaL_error(L, "%s", err);
	if (io->version < 2 || !io->sheet)
		return luaL_error(L, "xlsx: xlsx_io.so writes one sheet only; reinstall the xlsx plugin");
	b = lua_newuserdatauv(L, sizeof *b, 0);
	b->w = NULL;
	luaL_setmetatable(L, "kam.xlsx.book");
	for (size_t i = 1; i <= n; i++) {
		const char *name;
		lua_rawgeti(L, 2, (lua_Integer)i);
		luaL_checktype(L, -1, LUA_TTABLE);
		lua_getfield(L, -1, "name");
		name = luaL_checkstring(L, -1);
		if (i == 1) {
			if (!(b->w = io->writer->open(NULL, path, name, err, sizeof err)))
				return luaL_error(L, "%s: %s", path, err);
		} else if (io->sheet(b->w, name, err, sizeof err) < 0) {
			return luaL_error(L, "%s: %s", path, err);
		}
		lua_pop(L, 1);
		write_sheet(L, b, lua_gettop(L), err, sizeof err);
		lua_pop(L, 1);
	}
	if (io->writer->finish(b->w, err, sizeof err) < 0) {
		book_gc(L);
		return luaL_error(L, "%s: %s", path, err);
	}
	io->writer->close(b->w);
	b->w = NULL;
	return 0;
}

static int open_xlsx(lua_State *L)
{
	static const luaL_Reg fns[] = {{"write", l_write}, {NULL, NULL}};
	if (luaL_newmetatable(L, "kam.xlsx.book")) {
		lua_pushcfunction(L, book_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, book_gc);
		lua_setfield(L, -2, "__close");
	}
	lua_pop(L, 1);
	luaL_newlib(L, fns);
	return 1;
}

static const kam_plugin_reader reader = {"xlsx", xr_open, xr_next, xr_close, xr_sheets};
static const kam_plugin_writer writer = {"xlsx", xw_open, xw_header, xw_row, xw_finish, xw_close};

static int xlsx_init(kam_host *h, const kam_host_api *api)
{
	if (api->abi < 4)
		return api->error(h, KAM_PLUGIN_FAIL, "xlsx: needs plugin ABI 4 (import and export formats, "
				  "text widths); this kam speaks %d", api->abi);
	kam = api;
	if (api->add_reader(h, &reader) < 0 || api->add_writer(h, &writer) < 0)
		return api->error(h, KAM_PLUGIN_FAIL, "xlsx: the format 'xlsx' is already taken");
	if (api->add_module(h, "kam.xlsx", open_xlsx) < 0)
		return api->error(h, KAM_PLUGIN_FAIL, "xlsx: the module 'kam.xlsx' is already taken");
	return 0;
}

KAM_PLUGIN("xlsx", "0.1.0", "XLSX import and export (libzip, expat, libxlsxwriter, loaded on first use)",
	   xlsx_init);
