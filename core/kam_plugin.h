/* kam_plugin.h: the interface a kam plugin is compiled against.
 *
 * A plugin is a shared object (NAME.so) that exports one object, kam_plugin_entry,
 * describing itself.  kam finds plugins in each directory of $KAM_PLUGIN_PATH, then
 * in plugins/ beside the kam binary, then in the installed plugin directory
 * (`pkg-config --variable=plugindir kam`).  The first plugin of a name wins.
 *
 * At start kam checks the descriptor's ABI version and calls its init function with a
 * table of host services (kam_host_api).  init registers Lua modules (loadable with
 * require) and kam subcommands (run as `kam NAME ...`).  Lua C API functions (lua_*,
 * luaL_*) come from the Lua library kam itself is linked with (Debian's liblua5.4,
 * loaded before any plugin): do not link a plugin against another copy of Lua.  kam
 * exports no symbol of its own: everything else the host offers goes through
 * kam_host_api, the table of host functions.
 *
 * Compatibility: kam_host_api and the structures a plugin hands in (kam_plugin_reader)
 * only ever grow at their end, and KAM_PLUGIN_ABI goes up by one each time one does.  A plugin built against ABI N loads in any kam speaking N or
 * later; a kam refuses a plugin built for a later ABI than its own.  A plugin that wants
 * to use a newer service optionally may test `api->abi` before calling it.
 *
 * A minimal plugin:
 *
 *	#include <stdio.h>
 *	#include <kam_plugin.h>
 *
 *	static const kam_host_api *kam;    // kept for the command: kam->error(h, ...)
 *
 *	static int hello_run(kam_host *h, int argc, char **argv)
 *	{
 *		if (argc > 2)
 *			return kam->error(h, KAM_PLUGIN_USAGE, "hello: too many names");
 *		printf("hello %s\n", argc > 1 ? argv[1] : "world");
 *		return KAM_PLUGIN_OK;
 *	}
 *
 *	static int hello_init(kam_host *h, const kam_host_api *api)
 *	{
 *		kam = api;
 *		return api->add_command(h, "hello", "[NAME]", "say hello", hello_run);
 *	}
 *
 *	KAM_PLUGIN("hello", "1.0", "greets people", hello_init);
 *
 * Build it with: cc -shared -fPIC $(pkg-config --cflags kam) -o hello.so hello.c
 * Keep everything but the descriptor static: a global function of the same name as
 * one of a library kam loads would be bound to the library's.
 */
#ifndef KAM_PLUGIN_H
#define KAM_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>

#include <lua.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of kam_host_api this header describes. */
#define KAM_PLUGIN_ABI 4

/* The name of the one symbol a plugin exports. */
#define KAM_PLUGIN_SYMBOL "kam_plugin_entry"

/* Exit statuses a command returns (as kam's own commands do). */
enum {
	KAM_PLUGIN_OK = 0,      /* success */
	KAM_PLUGIN_FAIL = 1,    /* the work failed: bad input, rule violated, denied */
	KAM_PLUGIN_USAGE = 2,   /* wrong usage */
};

/* Log levels; messages below $KAM_LOG's level (default info) are dropped. */
enum {
	KAM_PLUGIN_LOG_DEBUG = 0,
	KAM_PLUGIN_LOG_INFO = 1,
	KAM_PLUGIN_LOG_WARN = 2,
	KAM_PLUGIN_LOG_ERROR = 3,
};

/* The host, as plugins see it: opaque.  The handle handed to init stays valid until
 * kam exits, so a plugin may keep it (for example for its Lua functions). */
typedef struct kam_host kam_host;

/* A subcommand: argv[0] is the command's name, as with main().  Returns the exit
 * status.  `kam NAME --help` is answered by the host from the registered usage and
 * summary, so run is not called for it. */
typedef int (*kam_plugin_command_fn)(kam_host *h, int argc, char **argv);

/* ABI 2: data file formats for `kam import` and `kam export` (XLSX, for one).  Errors
 * are written into err (err_size bytes) as "place: why", e.g. "sheet1.xml: row 7: ...". */
typedef struct kam_plugin_reader {
	const char *format;         /* the name: `--format xlsx`, and files named *.xlsx */
	/* Open path; sheet is a sheet name or NULL for the first.  NULL on failure. */
	void *(*open)(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size);
	/* The next row, the header first: 1 with n cells (UTF-8, NUL-terminated; a NULL
	 * cell is empty) valid until the next call, and where it is (the sheet's row number,
	 * from 1); 0 at the end; -1 on an error.  A row that is read but bad (an error cell
	 * such as #REF!) comes with 1 and err set to why ("sheet 收入, cell D7: #REF!"): the
	 * host reports it as a bad row and reads on.  Numbers come as decimals the way a
	 * spreadsheet shows them (15 significant digits: 12345.6, never 12345.599999999999);
	 * a whole number below 10^15 with all its digits (a 14-digit code typed into a number
	 * cell is that code); a reader may keep a number's origin visible where it matters
	 * (the xlsx plugin writes a whole number of 16 or more digits in E form, so that a
	 * code that lost digits is refused saying what the cell holds). */
	int (*next)(void *r, size_t *n, char ***cells, size_t **lens, long *row, char *err,
		    size_t err_size);
	void (*close)(void *r);
	/* --- ABI 3 --- */
	/* Optional (NULL).  The names of the sheets open(..., NULL) could have picked, in
	 * order, the one it did pick first: NULL-terminated, valid until close.  When that
	 * sheet lacks the columns of the kind being imported, kam looks for them in the
	 * others and says which to name with --sheet. */
	const char *const *(*sheets)(void *r);
} kam_plugin_reader;

/* How a writer should store a column. */
enum {
	KAM_PLUGIN_CELL_TEXT = 0,     /* text, always (codes: never a number) */
	KAM_PLUGIN_CELL_INTEGER = 1,  /* a whole number */
	KAM_PLUGIN_CELL_MONEY = 2,    /* yuan with 2 decimals, given as text "12345.60" */
};

typedef struct kam_plugin_writer {
	const char *format;
	/* Create path (the host renames it into place when everything succeeded). */
	void *(*open)(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size);
	int (*header)(void *w, size_t n, const char *const *names, const int *cell_types, char *err,
		      size_t err_size);
	/* A NULL cell is empty.  0, or -1 on an error. */
	int (*row)(void *w, size_t n, const char *const *cells, const size_t *lens, char *err,
		   size_t err_size);
	/* Write everything out; 0 or -1.  close follows in every case. */
	int (*finish)(void *w, char *err, size_t err_size);
	void (*close)(void *w);
} kam_plugin_writer;

#if defined(__GNUC__)
#define KAM_PLUGIN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KAM_PLUGIN_PRINTF(f, a)
#endif

/* Services of the host.  Append only: never reorder, remove or change a member. */
typedef struct kam_host_api {
	/* --- ABI 1 --- */
	int abi;                    /* KAM_PLUGIN_ABI of the running kam */
	size_t size;                /* sizeof(kam_host_api) as the running kam knows it */
	const char *kam_version;    /* "0.1.0" */

	/* A message on stderr ("kam: warning: ..."), printf-style, one line. */
	void (*log)(kam_host *h, int level, const char *fmt, ...) KAM_PLUGIN_PRINTF(3, 4);
	/* Whether a message of this level would be printed (skip costly formatting). */
	int (*log_enabled)(kam_host *h, int level);

	/* During init only.  Make `require(name)` call open, which must leave the module's
	 * table on the stack and return 1.  Names are dotted identifiers like "kam.format"
	 * (copied).  0, or -1 when the name is malformed or taken (a warning says which);
	 * a name kam has built in (kam.db, ...) is ignored with a warning. */
	int (*add_module)(kam_host *h, const char *name, lua_CFunction open);
	/* During init only.  Register `kam NAME USAGE`; name is a lowercase letter, then
	 * lowercase letters, digits and '-'.  usage lists the arguments after the name;
	 * summary is one line for `kam --help` (both are copied).  A built-in command of
	 * the same name wins over it.  0, or -1 when the name is malformed or taken. */
	int (*add_command)(kam_host *h, const char *name, const char *usage,
			   const char *summary, kam_plugin_command_fn run);

	/* For commands.  The host's Lua state (created on first use, with the kam module and
	 * every plugin's modules loadable), or NULL with the error recorded. */
	lua_State *(*lua)(kam_host *h);
	/* Gone since ABI 4: kam hands a plugin no database handle (the storage layer is the
	 * only code that knows the database).  The slot stays so that the table keeps its
	 * layout; it always returns NULL, recording an error that names what to use instead:
	 * db_open, db_path and db_schema_version below, or the kam Lua module in the state
	 * lua() returns. */
	void *(*db)(kam_host *h);
	/* Record an error for the host to print as "kam: MESSAGE" (lowercase, place first,
	 * no final period) and return status, so a command can `return api->error(...)`.
	 * From init, the message says why the plugin was skipped. */
	int (*error)(kam_host *h, int status, const char *fmt, ...) KAM_PLUGIN_PRINTF(3, 4);
	/* Nonzero when --json is on: print exactly one JSON document on stdout. */
	int (*json)(kam_host *h);
	/* The acting user (--user, $KAM_USER, the login name). */
	const char *(*user)(kam_host *h);

	/* --- ABI 2 --- */
	/* During init only.  Add a format to `kam import` / `kam export` (the structure must
	 * outlive kam: a static).  0, or -1 when the format name is taken. */
	int (*add_reader)(kam_host *h, const kam_plugin_reader *r);
	int (*add_writer)(kam_host *h, const kam_plugin_writer *w);

	/* --- ABI 3: members of kam_plugin_reader, none here --- */

	/* --- ABI 4 --- */
	/* Display columns of the UTF-8 text s (n bytes) on a terminal or in a spreadsheet
	 * column, the same for every locale: 2 for Chinese and full-width characters and
	 * for emoji, 0 for combining marks and controls (a caller that shows a control
	 * escapes it and counts the escape), else 1; a grapheme cluster counts as its
	 * widest character.  -1 when s is not valid UTF-8, with *bad (when not NULL) the
	 * offset of the first malformed byte.  The rule kam's own output uses. */
	long (*text_width)(const char *s, size_t n, size_t *bad);
	/* For commands.  Open the database (--db) on first use: 0, or -1 with the error
	 * recorded (no such file, not a kam database, ...). */
	int (*db_open)(kam_host *h);
	/* The database's path as given (--db, $KAM_DB, ./kam.db); never NULL. */
	const char *(*db_path)(kam_host *h);
	/* The schema version of the database (opening it first), or -1 with the error
	 * recorded. */
	long (*db_schema_version)(kam_host *h);
} kam_host_api;

/* The descriptor a plugin exports as kam_plugin_entry.  abi comes first and is read
 * first: the rest is laid out as that ABI version says. */
struct kam_plugin {
	int abi;                    /* KAM_PLUGIN_ABI the plugin was built against */
	int lua_version;            /* LUA_VERSION_NUM the plugin was built against */
	const char *name;           /* lowercase letters, digits, '_' and '-' */
	const char *version;
	const char *summary;        /* one line for `kam plugin list` */
	/* Register modules and commands; return 0, or nonzero (after api->error) to be
	 * skipped.  Anything it registered is then forgotten. */
	int (*init)(kam_host *h, const kam_host_api *api);
};

#if defined(__GNUC__)
#define KAM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define KAM_PLUGIN_EXPORT
#endif

extern KAM_PLUGIN_EXPORT const struct kam_plugin kam_plugin_entry;

/* Define the descriptor: KAM_PLUGIN("name", "1.0", "what it does", init_function); */
#define KAM_PLUGIN(name, version, summary, init) \
	KAM_PLUGIN_EXPORT const struct kam_plugin kam_plugin_entry = \
		{KAM_PLUGIN_ABI, LUA_VERSION_NUM, (name), (version), (summary), (init)}

#ifdef __cplusplus
}
#endif

#endif
