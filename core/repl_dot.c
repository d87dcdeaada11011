/* The REPL's dot-commands: one table, which runs them and also feeds .help and
 * completion.  The everyday questions reuse what kam already computes: .explain runs the
 * explain command's own script, .diff is `kam grade diff`, .customer and .who-moved read
 * through the storage layer (store_repl.h). */
#include "repl.h"

#include <errno.h>
#include <getopt.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "host.h"
#include "store_repl.h"

struct dot {
	const char *name, *args, *help;
	int (*run)(struct kam_repl *r, int argc, char **argv);
	int complete;   /* what its argument completes to */
};

enum { NOTHING, CODE, TABLE, MODE };

static int dot_help(struct kam_repl *r, int argc, char **argv);

/* Split a line into words; "double quotes" keep spaces.  argv is NULL-ended. */
static int split(const char *line, char ***argv_out)
{
	size_t cap = 8;
	int argc = 0;
	char **argv = malloc(cap * sizeof *argv);
	const char *p = line;
	while (argv) {
		char *w;
		size_t n = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (!(w = malloc(strlen(p) + 1)))
			break;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				w[n++] = *p;
			if (*p)
				p++;
		} else
			while (*p && *p != ' ' && *p != '\t')
				w[n++] = *p++;
		w[n] = '\0';
		if ((size_t)argc + 2 > cap) {
			char **more = realloc(argv, (cap *= 2) * sizeof *argv);
			if (!more) {
				free(w);
				break;
			}
			argv = more;
		}
		argv[argc++] = w;
	}
	if (argv)
		argv[argc] = NULL;
	*argv_out = argv;
	return argv ? argc : -1;
}

/* ---- rows from the store, as the printer takes them ---- */

struct collect {
	lua_State *L;
	int ncol;
	char **names;
};

static int collect_row(void *arg, const kam_store_row *row, kam_err *e)
{
	struct collect *c = arg;
	lua_State *L = c->L;
	int n = kam_store_row_columns(row);
	(void)e;
	if (!c->names && (c->names = calloc((size_t)n + 1, sizeof *c->names))) {
		c->ncol = n;
		for (int i = 0; i < n; i++)
			c->names[i] = strdup(kam_store_row_name(row, i));
	}
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *s;
		switch (kam_store_row_type(row, i)) {
		case KAM_STORE_NULL:
			continue;
		case KAM_STORE_INT:
			lua_pushinteger(L, kam_store_row_int(row, i));
			break;
		case KAM_STORE_REAL:
			lua_pushnumber(L, kam_store_row_real(row, i));
			break;
		default:
			s = kam_store_row_text(row, i, &len);
			lua_pushlstring(L, s ? s : "", len);
		}
		lua_setfield(L, -2, kam_store_row_name(row, i));
	}
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static void collect_done(struct collect *c)
{
	if (c->names) {
		kam_lua_note_columns(c->L, (const char *const *)c->names, c->ncol);
		for (int i = 0; i < c->ncol; i++)
			free(c->names[i]);
		free(c->names);
	}
}

/* Print the rows at the top of the stack (and pop them); "(0 rows)" when none. */
static void print_rows(struct kam_repl *r, const char *title)
{
	if (title)
		fprintf(r->out, "%s\n", title);
	if (lua_rawlen(r->L, -1) == 0)
		fputs("(0 rows)\n", r->out);
	else
		kam_repl_print_results(r, 1);
	lua_pop(r->L, 1);
}

static kam_db *need_db(struct kam_repl *r)
{
	if (kam_ctx_db(r->ctx, 0) < 0) {
		kam_repl_error(r, "%s", r->ctx->err.msg);
		return NULL;
	}
	return r->ctx->db;
}

/* ---- the commands ---- */

static int dot_tables(struct kam_repl *r, int argc, char **argv)
{
	struct collect c = {r->L, 0, NULL};
	kam_db *db = need_db(r);
	kam_err e;
	int rc;
	(void)argc, (void)argv;
	if (!db)
		return -1;
	lua_newtable(r->L);
	rc = kam_store_repl_tables(db, NULL, collect_row, &c, &e);
	collect_done(&c);
	if (rc < 0) {
		lua_pop(r->L, 1);
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	/* name and type only: the SQL is .schema's */
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(r->L, -1); i++) {
		lua_rawgeti(r->L, -1, i);
		lua_pushnil(r->L);
		lua_setfield(r->L, -2, "sql");
		lua_pop(r->L, 1);
	}
	{
		static const char *const names[] = {"name", "type"};
		kam_lua_note_columns(r->L, names, 2);
	}
	print_rows(r, NULL);
	return 0;
}

static int schema_row(void *arg, const kam_store_row *row, kam_err *e)
{
	struct kam_repl *r = arg;
	size_t len;
	const char *sql = kam_store_row_text(row, 2, &len);
	(void)e;
	fprintf(r->out, "%.*s;\n", (int)len, sql ? sql : "");
	return 0;
}

static int dot_schema(struct kam_repl *r, int argc, char **argv)
{
	kam_db *db = need_db(r);
	kam_err e;
	if (!db)
		return -1;
	if (argc > 1) {
		int found = 0;
		struct collect c = {r->L, 0, NULL};
		lua_newtable(r->L);
		if (kam_store_repl_tables(db, argv[1], collect_row, &c, &e) < 0) {
			collect_done(&c);
			lua_pop(r->L, 1);
			kam_repl_error(r, "%s", e.msg);
			return -1;
		}
		collect_done(&c);
		found = lua_rawlen(r->L, -1) > 0;
		lua_pop(r->L, 1);
		if (!found) {
			kam_repl_error(r, ".schema: no table or view '%s' (.tables lists them)", argv[1]);
			return -1;
		}
	}
	if (kam_store_repl_tables(db, argc > 1 ? argv[1] : NULL, schema_row, r, &e) < 0) {
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* Run a Lua snippet with the string arguments; its results stay on the stack. */
static int lua_snippet(struct kam_repl *r, const char *code, int nres, int argc, const char *const *argv)
{
	kam_err e;
	if (luaL_loadbufferx(r->L, code, strlen(code), "=repl", "t") != LUA_OK) {
		kam_repl_error(r, "%s", lua_tostring(r->L, -1));
		lua_pop(r->L, 1);
		return -1;
	}
	for (int i = 0; i < argc; i++)
		lua_pushstring(r->L, argv[i]);
	if (kam_lua_call(r->L, argc, nres, "repl", &e) < 0) {
		kam_repl_error(r, "%s", e.interrupted ? "interrupted" : e.msg);
		return -1;
	}
	return 0;
}

static int dot_policy(struct kam_repl *r, int argc, char **argv)
{
	static const char SHOW[] =
		"local spec = ...\n"
		"local p <close> = kam.grading.policy(spec)\n"
		"local i = p:info()\n"
		"return string.format('policy %s %s (%s), sha256 %s\\n  grades: %s', i.name, i.version,\n"
		"  i.path or '?', i.hash:sub(1, 12), table.concat(i.grades or {}, ', ')), i.name\n";
	const char *spec = argc > 1 ? argv[1] : NULL;
	if (argc > 2) {
		kam_repl_error(r, "usage: .policy [NAME|FILE]");
		return -1;
	}
	if (lua_snippet(r, SHOW, 2, spec ? 1 : 0, (const char *const *)&spec) < 0)
		return -1;
	fprintf(r->out, "%s\n", lua_tostring(r->L, -2));
	if (spec) {
		/* The session's policy from now on: grading's default and kam.policy. */
		char *own = strdup(spec);
		if (!own) {
			lua_pop(r->L, 2);
			kam_repl_error(r, ".policy: not enough memory");
			return -1;
		}
		free(r->policy);
		r->ctx->policy = r->policy = own; /* kept for the session */
		lua_getglobal(r->L, "kam");
		if (lua_type(r->L, -1) == LUA_TTABLE) {
			lua_pushstring(r->L, spec);
			lua_setfield(r->L, -2, "policy");
		}
		lua_pop(r->L, 1);
		fprintf(r->out, "(the session's policy is now %s)\n", spec);
	}
	lua_pop(r->L, 2);
	return 0;
}

static int dot_mode(struct kam_repl *r, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(r->out, "mode %s\n", kam_repl_mode_names[r->mode]);
		return 0;
	}
	for (int i = 0; kam_repl_mode_names[i]; i++)
		if (strcmp(argv[1], kam_repl_mode_names[i]) == 0) {
			r->mode = (enum kam_repl_mode)i;
			return 0;
		}
	kam_repl_error(r, ".mode: unknown mode '%s' (table, box, csv, json, line, lua)", argv[1]);
	return -1;
}

static int dot_timer(struct kam_repl *r, int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "on") == 0 || strcmp(argv[1], "off") == 0)) {
		r->timer = strcmp(argv[1], "on") == 0;
		return 0;
	}
	kam_repl_error(r, "usage: .timer on|off");
	return -1;
}

static int dot_read(struct kam_repl *r, int argc, char **argv)
{
	FILE *f;
	char *text = NULL, *name = NULL;
	size_t size = 0;
	int rc;
	if (argc != 2) {
		kam_repl_error(r, "usage: .read FILE");
		return -1;
	}
	if (r->depth > 10) {
		kam_repl_error(r, ".read: %s: nested too deep", argv[1]);
		return -1;
	}
	if (!(f = fopen(argv[1], "r"))) {
		kam_repl_error(r, ".read: %s: %s", argv[1], strerror(errno));
		return -1;
	}
	{
		FILE *m = open_memstream(&text, &size);
		int ch;
		if (!m) {
			fclose(f);
			kam_repl_error(r, ".read: not enough memory");
			return -1;
		}
		while ((ch = getc(f)) != EOF)
			putc(ch, m);
		fclose(m);
	}
	fclose(f);
	if (asprintf(&name, "@%s", argv[1]) < 0) {
		free(text);
		return -1;
	}
	r->depth++;
	rc = kam_repl_eval(r, text ? text : "", size, name);
	r->depth--;
	free(text);
	free(name);
	return rc;
}

static int dot_output(struct kam_repl *r, int argc, char **argv)
{
	FILE *f = stdout;
	if (argc > 2) {
		kam_repl_error(r, "usage: .output [FILE]");
		return -1;
	}
	if (argc == 2 && !(f = fopen(argv[1], "w"))) {
		kam_repl_error(r, ".output: %s: %s", argv[1], strerror(errno));
		return -1;
	}
	if (r->out != stdout)
		fclose(r->out);
	free(r->out_name);
	r->out = f;
	r->out_name = argc == 2 ? strdup(argv[1]) : NULL;
	return 0;
}

static int dot_quit(struct kam_repl *r, int argc, char **argv)
{
	(void)argc, (void)argv;
	r->quit = 1;
	return 0;
}

static int customer_part(struct kam_repl *r, const char *title, int64_t code,
			 int (*fn)(kam_db *, int64_t, kam_store_row_fn, void *, kam_err *))
{
	struct collect c = {r->L, 0, NULL};
	kam_err e;
	int rc;
	lua_newtable(r->L);
	rc = fn(r->ctx->db, code, collect_row, &c, &e);
	collect_done(&c);
	if (rc < 0) {
		lua_pop(r->L, 1);
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	print_rows(r, title);
	return 0;
}

static int last_12(kam_db *db, int64_t code, kam_store_row_fn fn, void *arg, kam_err *e)
{
	return kam_store_repl_customer_months(db, code, 12, fn, arg, e);
}

static int dot_customer(struct kam_repl *r, int argc, char **argv)
{
	struct collect c = {r->L, 0, NULL};
	kam_db *db = need_db(r);
	kam_err e;
	int64_t code;
	enum kam_repl_mode mode = r->mode;
	size_t n;
	if (!db)
		return -1;
	if (argc != 2) {
		kam_repl_error(r, "usage: .customer CODE|NAME");
		return -1;
	}
	lua_newtable(r->L);
	if (kam_store_repl_customer_find(db, argv[1], collect_row, &c, &e) < 0) {
		collect_done(&c);
		lua_pop(r->L, 1);
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	collect_done(&c);
	n = lua_rawlen(r->L, -1);
	if (n == 0) {
		lua_pop(r->L, 1);
		kam_repl_error(r, ".customer: no customer has the code or a name containing '%s'", argv[1]);
		return -1;
	}
	lua_rawgeti(r->L, -1, 1);
	lua_getfield(r->L, -1, "code");
	code = strtoll(lua_tostring(r->L, -1) ? lua_tostring(r->L, -1) : "0", NULL, 10);
	if (n > 1 && strcmp(lua_tostring(r->L, -1) ? lua_tostring(r->L, -1) : "", argv[1]) != 0) {
		/* several match: the list, to choose from */
		static const char *const names[] = {"code", "name", "place", "city", "county"};
		lua_pop(r->L, 2);
		kam_lua_note_columns(r->L, names, 5);
		print_rows(r, "several customers match: .customer CODE shows one");
		return 0;
	}
	lua_pop(r->L, 1);
	/* the archive as name = value lines, then the one row table dropped */
	lua_createtable(r->L, 1, 0);
	lua_insert(r->L, -2);
	lua_rawseti(r->L, -2, 1);
	lua_remove(r->L, -2);
	r->mode = mode == KAM_REPL_TABLE || mode == KAM_REPL_BOX ? KAM_REPL_LINE : mode;
	{
		static const char *const names[] = {"code", "name", "place", "city", "county", "admin_code",
						    "industry", "nature", "reach", "agreement", "account",
						    "important", "potential", "network_wide", "one_time"};
		kam_lua_note_columns(r->L, names, (int)(sizeof names / sizeof names[0]));
	}
	print_rows(r, "-- archive");
	r->mode = mode;
	if (customer_part(r, "-- last 12 months (all business lines)", code, last_12) < 0 ||
	    customer_part(r, "-- grades", code, kam_store_repl_grade_history) < 0)
		return -1;
	return 0;
}

static int dot_who_moved(struct kam_repl *r, int argc, char **argv)
{
	struct collect c = {r->L, 0, NULL};
	kam_db *db = need_db(r);
	kam_err e;
	int year = 0;
	char title[96];
	if (!db)
		return -1;
	if (argc > 2 || (argc == 2 && ((year = atoi(argv[1])) < 1901 || year > 2999))) {
		kam_repl_error(r, "usage: .who-moved [YEAR]");
		return -1;
	}
	if (!year && kam_store_repl_last_graded_year(db, &year, &e) < 0) {
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	if (!year) {
		kam_repl_error(r, ".who-moved: no year is graded yet (kam grade)");
		return -1;
	}
	lua_newtable(r->L);
	if (kam_store_repl_moves(db, year, collect_row, &c, &e) < 0) {
		collect_done(&c);
		lua_pop(r->L, 1);
		kam_repl_error(r, "%s", e.msg);
		return -1;
	}
	collect_done(&c);
	snprintf(title, sizeof title, "-- grades that changed from %d to %d", year - 1, year);
	{
		static const char *const names[] = {"code", "name", "before", "after"};
		kam_lua_note_columns(r->L, names, 4);
	}
	print_rows(r, title);
	return 0;
}

static int dot_explain(struct kam_repl *r, int argc, char **argv)
{
	char *path = NULL;
	kam_err e;
	int status = 0;
	if (argc < 2) {
		kam_repl_error(r, "usage: .explain CODE [--year Y] [--as-of DATE]");
		return -1;
	}
	if (!r->scripts || asprintf(&path, "%s/explain.lua", r->scripts) < 0)
		return -1;
	/* explain's script requires its neighbours (common.cli) */
	lua_getglobal(r->L, "package");
	lua_getfield(r->L, -1, "path");
	if (!strstr(lua_tostring(r->L, -1) ? lua_tostring(r->L, -1) : "", r->scripts)) {
		lua_pushfstring(r->L, "%s/?.lua;%s", r->scripts, lua_tostring(r->L, -1));
		lua_setfield(r->L, -3, "path");
	}
	lua_pop(r->L, 2);
	if (luaL_loadfilex(r->L, path, "t") != LUA_OK) {
		kam_repl_error(r, ".explain: %s", lua_tostring(r->L, -1));
		lua_pop(r->L, 1);
		free(path);
		return -1;
	}
	free(path);
	for (int i = 1; i < argc; i++)
		lua_pushstring(r->L, argv[i]);
	fflush(r->out);
	if (kam_lua_call(r->L, argc - 1, 1, "explain", &e) < 0) {
		kam_repl_error(r, "%s", e.interrupted ? "interrupted" : e.msg);
		return -1;
	}
	if (lua_isinteger(r->L, -1))
		status = (int)lua_tointeger(r->L, -1);
	lua_pop(r->L, 1);
	fflush(stdout);
	return status ? -1 : 0;
}

static int dot_diff(struct kam_repl *r, int argc, char **argv)
{
	char **args;
	int status, in_script = r->ctx->script_tx; /* the entry's, or a piped script's */
	const char *current;
	if (argc < 2) {
		kam_repl_error(r, "usage: .diff POLICY [--year Y] [--as-of DATE]");
		return -1;
	}
	lua_getglobal(r->L, "kam");
	lua_getfield(r->L, -1, "policy"); /* the session's, or the database's own */
	current = lua_tostring(r->L, -1);
	if (!current) {
		lua_pop(r->L, 2);
		kam_repl_error(r, ".diff: the database records no policy: .policy NAME first");
		return -1;
	}
	/* grade diff reads in a snapshot of its own: the transaction it runs in (the entry's,
	 * or a piped script's) is ended for it and begun again after, when it has only read */
	if (in_script && r->ctx->db) {
		if (kam_store_repl_tx_wrote(r->ctx->db)) {
			lua_pop(r->L, 2);
			kam_repl_error(r, ".diff: the script has written: run .diff before its writes, or alone");
			return -1;
		}
		kam_db_abandon(r->ctx->db);
	}
	if (!(args = calloc((size_t)argc + 3, sizeof *args))) {
		lua_pop(r->L, 2);
		kam_repl_error(r, ".diff: not enough memory");
		return -1;
	}
	r->ctx->script_tx = 0;
	{
		static char grade[] = "grade", diff[] = "diff";
		args[0] = grade;
		args[1] = diff;
	}
	args[2] = (char *)current;
	for (int i = 1; i < argc; i++)
		args[i + 2] = argv[i];
	fflush(r->out);
	optind = 0;
	status = kam_cmd_grade(r->ctx, argc + 2, args);
	fflush(stdout);
	if (in_script) {
		r->ctx->script_tx = 1;
		if (r->ctx->db && kam_db_script_begin(r->ctx->db, &r->ctx->err) < 0) {
			kam_repl_error(r, "%s", r->ctx->err.msg);
			status = KAM_FAIL;
		}
	}
	free(args);
	lua_pop(r->L, 2);
	return status == KAM_OK ? 0 : -1;
}

static const struct dot DOTS[] = {
	{".help", "", "this list, and the kam Lua API", dot_help, NOTHING},
	{".tables", "", "the database's tables and views", dot_tables, NOTHING},
	{".schema", "[TABLE]", "the SQL that made them", dot_schema, TABLE},
	{".customer", "CODE|NAME", "a customer: archive, last 12 months, grade history", dot_customer, CODE},
	{".explain", "CODE [--year Y]", "a grade decision with its facts and reasons (kam explain)", dot_explain, CODE},
	{".diff", "POLICY [--year Y]", "what POLICY would change against the session's (kam grade diff)",
	 dot_diff, NOTHING},
	{".who-moved", "[YEAR]", "customers whose grade changed from the year before", dot_who_moved, NOTHING},
	{".policy", "[NAME|FILE]", "show the session's policy, or switch to another", dot_policy, NOTHING},
	{".mode", "[table|box|csv|json|line|lua]", "how rows print", dot_mode, MODE},
	{".timer", "on|off", "show each entry's time", dot_timer, NOTHING},
	{".read", "FILE", "run a Lua file in the session", dot_read, NOTHING},
	{".output", "[FILE]", "results to FILE, or back to the screen", dot_output, NOTHING},
	{".quit", "", "leave (Ctrl-D too)", dot_quit, NOTHING},
};
#define NDOTS (sizeof DOTS / sizeof DOTS[0])

const char *kam_repl_dot_name(size_t i)
{
	return i < NDOTS ? DOTS[i].name : NULL;
}

static const struct dot *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NDOTS; i++)
		if (strlen(DOTS[i].name) == len && memcmp(DOTS[i].name, name, len) == 0)
			return &DOTS[i];
	return NULL;
}

int kam_repl_dot_takes_code(const char *name, size_t len)
{
	const struct dot *d = find(name, len);
	return d && d->complete == CODE;
}

int kam_repl_dot_takes_table(const char *name, size_t len)
{
	const struct dot *d = find(name, len);
	return d && d->complete == TABLE;
}

/* The kam module's functions, one line per module, from the live tables. */
static void api_lines(struct kam_repl *r)
{
	static const char LIST[] =
		"local out = {}\n"
		"local function names(t)\n"
		"  local n = {}\n"
		"  for k, v in pairs(t) do if type(k) == 'string' then n[#n + 1] = k .. (type(v) == 'function' and '()' or '') end end\n"
		"  table.sort(n)\n"
		"  return table.concat(n, ', ')\n"
		"end\n"
		"local mods, plain = {}, {}\n"
		"for k, v in pairs(kam) do\n"
		"  if type(v) == 'table' then mods[#mods + 1] = k else plain[k] = v end\n"
		"end\n"
		"table.sort(mods)\n"
		"out[1] = string.format('  %-13s %s', 'kam', names(plain))\n"
		"for _, m in ipairs(mods) do out[#out + 1] = string.format('  %-13s %s', 'kam.' .. m, names(kam[m])) end\n"
		"return table.concat(out, '\\n')\n";
	if (lua_snippet(r, LIST, 1, 0, NULL) < 0)
		return;
	fprintf(r->out, "The kam Lua API (rows from kam.db.all print as tables):\n%s\n", lua_tostring(r->L, -1));
	lua_pop(r->L, 1);
}

static int dot_help(struct kam_repl *r, int argc, char **argv)
{
	int w = 0;
	(void)argc, (void)argv;
	for (size_t i = 0; i < NDOTS; i++) {
		int n = (int)(strlen(DOTS[i].name) + 1 + strlen(DOTS[i].args));
		if (n > w)
			w = n;
	}
	for (size_t i = 0; i < NDOTS; i++) {
		char *both;
		if (asprintf(&both, "%s %s", DOTS[i].name, DOTS[i].args) < 0)
			continue;
		fprintf(r->out, "%-*s  %s\n", w, both, DOTS[i].help);
		free(both);
	}
	fputs("Anything else is Lua: an expression prints its value; an unfinished statement goes on\n"
	      "on the next line; each entry is one transaction (rolled back when it fails).\n", r->out);
	api_lines(r);
	return 0;
}

int kam_repl_dot(struct kam_repl *r, const char *line)
{
	char **argv;
	int argc = split(line, &argv), rc;
	const struct dot *d;
	if (argc < 0) {
		kam_repl_error(r, "not enough memory");
		return -1;
	}
	d = argc > 0 ? find(argv[0], strlen(argv[0])) : NULL;
	if (!d) {
		kam_repl_error(r, "unknown command '%s' (.help lists them)", argc > 0 ? argv[0] : line);
		rc = -1;
	} else
		rc = d->run(r, argc, argv);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	fflush(r->out);
	return rc;
}
