/* The REPL session: the locale, the banner, reading entries (libedit on a terminal, plain
 * lines otherwise), multi-line input and expression printing as lua.c does them, Ctrl-C,
 * history and the start-up file.
 *
 * An entry is one transaction on a terminal: what it wrote is committed when it returns
 * and rolled back when it fails or is interrupted.  Input that is not a terminal runs as
 * one script (like `kam run -`): no prompts, one transaction, and the first error stops
 * it, rolls back what it wrote and exits 1. */
#include "repl.h"

#include <editline/readline.h>
#include <errno.h>
#include <langinfo.h>
#include <lauxlib.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "host.h"
#include "interrupt.h"
#include "store_meta.h"
#include "store_repl.h"

#define HISTORY_MAX 1000

/* libedit draws a prompt that is not ASCII wrongly, or crashes, when LC_CTYPE is not a
 * UTF-8 one (cron's and LC_ALL=C's "C"): switch LC_CTYPE alone to a UTF-8 locale.  kam's
 * widths never depend on the locale (width.c); only libedit's do. */
static void utf8_ctype(void)
{
	static const char *const tries[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", NULL};
	const char *cs;
	if (setlocale(LC_CTYPE, "") && (cs = nl_langinfo(CODESET)) &&
	    (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0))
		return;
	for (int i = 0; tries[i]; i++)
		if (setlocale(LC_CTYPE, tries[i]))
			return;
}

void kam_repl_error(struct kam_repl *r, const char *fmt, ...)
{
	va_list ap;
	(void)r;
	fflush(stdout);
	if (r->out != stdout)
		fflush(r->out);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- Ctrl-C at the prompt ---- */

static volatile sig_atomic_t prompt_sigint;

static void on_prompt_sigint(int sig)
{
	(void)sig;
	prompt_sigint = 1;
}

static void catch_at_prompt(void)
{
	struct sigaction sa;
	sa.sa_handler = on_prompt_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the read returns, and the line is given up */
	sigaction(SIGINT, &sa, NULL);
}

/* One byte of the terminal; EOF at its end, on an error, or when Ctrl-C came. */
static int read_byte(int fd)
{
	unsigned char c;
	for (;;) {
		ssize_t n;
		if (prompt_sigint)
			return EOF;
		n = read(fd, &c, 1);
		if (n == 1)
			return c;
		if (n == 0 || errno != EINTR)
			return EOF;
	}
}

/* libedit's character reader: a read that Ctrl-C breaks ends the line (as end of input,
 * told apart from Ctrl-D by the flag).  libedit takes what it returns as a whole
 * character, so UTF-8 is decoded here, whatever the locale: a malformed byte is U+FFFD. */
static int read_char(FILE *f)
{
	int fd = fileno(f), c = read_byte(fd), more, cp;
	if (c == EOF || c < 0x80)
		return c;
	if (c >= 0xF0 && c <= 0xF4)
		more = 3, cp = c & 0x07;
	else if (c >= 0xE0)
		more = 2, cp = c & 0x0F;
	else if (c >= 0xC2 && c <= 0xDF)
		more = 1, cp = c & 0x1F;
	else
		return 0xFFFD;
	while (more-- > 0) {
		int d = read_byte(fd);
		if (d == EOF)
			return EOF;
		if ((d & 0xC0) != 0x80)
			return 0xFFFD;
		cp = (cp << 6) | (d & 0x3F);
	}
	return cp;
}

enum { LINE_OK, LINE_EOF, LINE_INTERRUPT };

/* One line without its newline into *line (malloc'ed). */
static int read_line(struct kam_repl *r, const char *prompt, char **line)
{
	*line = NULL;
	if (r->interactive) {
		char *s;
		prompt_sigint = 0;
		catch_at_prompt();
		s = readline(prompt);
		if (prompt_sigint) {
			free(s);
			fputc('\n', stdout);
			fflush(stdout);
			return LINE_INTERRUPT;
		}
		if (!s)
			return LINE_EOF;
		*line = s;
		return LINE_OK;
	} else {
		size_t cap = 0;
		ssize_t n = getline(line, &cap, stdin);
		if (n < 0) {
			free(*line);
			*line = NULL;
			return LINE_EOF;
		}
		if (n > 0 && (*line)[n - 1] == '\n')
			(*line)[--n] = '\0';
		if (n > 0 && (*line)[n - 1] == '\r')
			(*line)[--n] = '\0';
		return LINE_OK;
	}
}

/* ---- history ---- */

static char *history_path(void)
{
	const char *env = getenv("KAM_HISTORY"), *base;
	char *path, *slash;
	if (env && *env)
		return strcmp(env, "/dev/null") == 0 ? NULL : strdup(env);
	base = getenv("XDG_STATE_HOME");
	if (base && *base) {
		if (asprintf(&path, "%s/kam/history", base) < 0)
			return NULL;
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return NULL;
		if (asprintf(&path, "%s/.local/state/kam/history", home) < 0)
			return NULL;
	}
	/* mkdir -p of its directory, private */
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	return path;
}

static void remember(struct kam_repl *r, const char *entry)
{
	if (!r->interactive || !*entry)
		return;
	add_history(entry);
	/* Written after every entry, so that a killed session loses nothing; the whole
	 * (bounded) list each time, which also keeps the file bounded. */
	if (r->history && write_history(r->history) != 0 && errno != 0) {
		kam_repl_error(r, "kam: warning: history %s cannot be written: %s; history is off", r->history,
			       strerror(errno));
		free(r->history);
		r->history = NULL;
	}
}

/* ---- evaluation ---- */

/* lua.c's test: a syntax error at the end of the input means the entry goes on. */
static int incomplete(lua_State *L, int status)
{
	size_t len;
	const char *msg;
	static const char mark[] = "<eof>";
	if (status != LUA_ERRSYNTAX)
		return 0;
	msg = lua_tolstring(L, -1, &len);
	if (len >= sizeof mark - 1 && strcmp(msg + len - (sizeof mark - 1), mark) == 0) {
		lua_pop(L, 1);
		return 1;
	}
	return 0;
}

/* Compile "return TEXT" first, so that an expression prints its value without `return`;
 * else the text as a statement.  LUA_OK with the function pushed, else the status with
 * the message pushed. */
static int compile(lua_State *L, const char *text, size_t len, const char *name)
{
	char *ret;
	int status;
	if (asprintf(&ret, "return %.*s;", (int)len, text) >= 0) {
		status = luaL_loadbufferx(L, ret, strlen(ret), name, "t");
		free(ret);
		if (status == LUA_OK)
			return LUA_OK;
		lua_pop(L, 1);
	}
	return luaL_loadbufferx(L, text, len, name, "t");
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The transaction an entry runs in (a terminal session: one per entry). */
static void entry_begin(struct kam_repl *r)
{
	kam_ctx *ctx = r->ctx;
	if (!r->interactive || r->tx_depth++ > 0)
		return;
	ctx->script_tx = 1; /* a database opened during the entry begins it too */
	if (ctx->db && kam_db_script_begin(ctx->db, &ctx->err) < 0) {
		kam_repl_error(r, "kam: %s", ctx->err.msg);
		ctx->script_tx = 0;
	}
}

static int entry_end(struct kam_repl *r, int failed)
{
	kam_ctx *ctx = r->ctx;
	if (!r->interactive || --r->tx_depth > 0)
		return 0;
	if (failed) {
		kam_db_abandon(ctx->db); /* what it wrote is rolled back */
		ctx->script_tx = 0;
		return 0;
	}
	if (ctx->script_tx && ctx->db && kam_db_script_end(ctx->db, "entry", &ctx->err) < 0) {
		ctx->script_tx = 0;
		kam_repl_error(r, "kam: %s", ctx->err.msg);
		return -1;
	}
	ctx->script_tx = 0;
	return 0;
}

int kam_repl_eval(struct kam_repl *r, const char *text, size_t len, const char *name)
{
	lua_State *L = r->L;
	int base = lua_gettop(L), n, failed;
	double t0 = now_ms();
	kam_err e;

	if (compile(L, text, len, name) != LUA_OK) {
		kam_repl_error(r, "%s", lua_tostring(L, -1));
		lua_settop(L, base);
		return -1;
	}
	entry_begin(r);
	if (r->interactive && prompt_sigint) {
		/* Ctrl-C came after the line was read, before the call: it stops the entry */
		lua_settop(L, base);
		kam_interrupt_note();
		failed = 1;
		kam_errf(&e, "interrupted");
		e.interrupted = 1;
	} else
		failed = kam_lua_call(L, 0, LUA_MULTRET, name, &e) < 0;
	if (failed) {
		if (e.interrupted || kam_interrupted())
			kam_repl_error(r, "interrupted");
		else
			kam_repl_error(r, "%s", e.msg);
		if (!r->interactive && e.traceback[0])
			kam_repl_error(r, "%s", e.traceback);
	}
	if (entry_end(r, failed) < 0)
		failed = 1;
	n = lua_gettop(L) - base;
	if (!failed && n > 0)
		kam_repl_print_results(r, n);
	lua_settop(L, base);
	if (r->timer)
		fprintf(r->out, "time: %.3f s\n", (now_ms() - t0) / 1e3);
	fflush(r->out);
	return failed ? -1 : 0;
}

/* ---- the session ---- */

static const char *prompt(struct kam_repl *r, int more, char **own)
{
	const char *global = more ? "_PROMPT2" : "_PROMPT", *s;
	const char *db = kam_db_name(r->ctx->db)[0] ? kam_db_name(r->ctx->db) : r->ctx->db_path;
	const char *base = strrchr(db, '/');
	size_t len;
	*own = NULL;
	lua_getglobal(r->L, global);
	s = lua_tostring(r->L, -1);
	if (s) {
		*own = strdup(s);
		lua_pop(r->L, 1);
		return *own ? *own : "> ";
	}
	lua_pop(r->L, 1);
	if (more)
		return "  ...> ";
	/* The database's name without .db: "湖北> " */
	base = base ? base + 1 : db;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".db") == 0)
		len -= 3;
	if (asprintf(own, "%.*s> ", (int)len, base) < 0)
		return "kam> ";
	return *own;
}

/* One entry: a dot-command line, or Lua text read on until it is complete.  LINE_EOF at
 * the end of input; else LINE_OK, *failed set when it failed. */
static int entry(struct kam_repl *r, int *failed, int *interrupted)
{
	char *line, *text = NULL, *own = NULL;
	size_t len;
	int st, base = lua_gettop(r->L);
	const char *p;

	*failed = *interrupted = 0;
	st = read_line(r, prompt(r, 0, &own), &line);
	free(own);
	if (st != LINE_OK) {
		*interrupted = st == LINE_INTERRUPT;
		return st == LINE_INTERRUPT ? LINE_OK : LINE_EOF;
	}
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0') {
		free(line);
		return LINE_OK;
	}
	if (*p == '.') {
		remember(r, line);
		entry_begin(r);
		if (r->interactive)
			kam_interrupt_catch(r->ctx); /* Ctrl-C stops a dot-command's query */
		*failed = kam_repl_dot(r, p) < 0;
		if (!*failed && kam_interrupted())
			kam_repl_error(r, "interrupted");
		entry_end(r, *failed);
		free(line);
		return LINE_OK;
	}
	text = line;
	len = strlen(text);
	for (;;) {
		int status = compile(r->L, text, len, "=stdin");
		char *more, *joined;
		if (!incomplete(r->L, status)) {
			lua_settop(r->L, base);
			break;
		}
		st = read_line(r, prompt(r, 1, &own), &more);
		free(own);
		own = NULL;
		if (st == LINE_INTERRUPT) {
			free(text);
			return LINE_OK; /* the unfinished entry is given up */
		}
		if (st == LINE_EOF)
			break; /* evaluated as it is: its syntax error says what is missing */
		if (asprintf(&joined, "%s\n%s", text, more) < 0) {
			free(more);
			break;
		}
		free(more);
		free(text);
		text = joined;
		len = strlen(text);
	}
	remember(r, text);
	*failed = kam_repl_eval(r, text, len, "=stdin") < 0;
	free(text);
	return LINE_OK;
}

static void banner(struct kam_repl *r)
{
	kam_ctx *ctx = r->ctx;
	int64_t customers, months;
	const char *policy = ctx->policy;
	char recorded[256] = "";
	kam_err e;

	printf("kam %s (%s; Lua %s.%s) -- .help lists the commands, Ctrl-D quits\n", KAM_VERSION, "REPL",
	       LUA_VERSION_MAJOR, LUA_VERSION_MINOR);
	if (kam_ctx_db(ctx, 0) < 0) {
		printf("database %s: %s\n", ctx->db_path, ctx->err.msg);
		return;
	}
	if (!policy && kam_db_meta_get(ctx->db, "policy", recorded, sizeof recorded, &e) > 0)
		policy = recorded;
	if (kam_store_repl_counts(ctx->db, &customers, &months, &e) < 0) {
		printf("database %s: %s\n", kam_db_name(ctx->db), e.msg);
		return;
	}
	printf("database %s, policy %s: %lld customers, %lld ledger months\n", kam_db_name(ctx->db),
	       policy && *policy ? policy : "(none)", (long long)customers, (long long)months);
}

/* $XDG_CONFIG_HOME/kam/replrc.lua (default ~/.config), run in the session's state. */
static void run_rc(struct kam_repl *r)
{
	const char *base = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;
	kam_err e;
	struct stat sb;
	if (base && *base) {
		if (asprintf(&path, "%s/kam/replrc.lua", base) < 0)
			return;
	} else if (home && *home) {
		if (asprintf(&path, "%s/.config/kam/replrc.lua", home) < 0)
			return;
	} else
		return;
	if (stat(path, &sb) == 0) {
		if (kam_lua_loadfile(r->L, path, &e) < 0 || kam_lua_call(r->L, 0, 0, path, &e) < 0)
			kam_repl_error(r, "kam: %s: %s", path, e.msg);
		kam_db_abandon(r->ctx->db);
	}
	free(path);
}

/* package.path gets kam's command scripts, so that .explain's script finds common.cli. */
static void find_scripts(struct kam_repl *r)
{
	struct stat sb;
	char *dir = NULL;
	if (r->ctx->exe_dir && asprintf(&dir, "%s/../scripts/commands", r->ctx->exe_dir) >= 0 &&
	    stat(dir, &sb) == 0) {
		r->scripts = dir;
		return;
	}
	free(dir);
	if (asprintf(&dir, "%s/scripts/commands", KAM_DATADIR) >= 0)
		r->scripts = dir;
}

int kam_repl_run(kam_ctx *ctx, int no_rc)
{
	struct kam_repl r = {0};
	int status = KAM_OK, ctrl_c = 0;

	r.ctx = ctx;
	r.out = stdout;
	r.interactive = isatty(STDIN_FILENO);
	utf8_ctype();
	if (!(r.L = kam_ctx_lua(ctx)))
		return kam_report_error(ctx, &ctx->err);
	find_scripts(&r);
	if (r.interactive) {
		banner(&r);
		r.history = history_path();
		rl_readline_name = "kam";
		rl_catch_signals = 0;
		rl_getc_function = read_char;
		using_history();
		stifle_history(HISTORY_MAX);
		if (r.history)
			read_history(r.history);
		kam_repl_complete_init(&r);
		if (!no_rc)
			run_rc(&r);
	} else {
		/* One script: one transaction, as kam run - (begun when the database opens). */
		ctx->script_tx = 1;
		if (ctx->db && kam_db_script_begin(ctx->db, &ctx->err) < 0)
			return kam_report_error(ctx, &ctx->err);
	}

	while (!r.quit) {
		int failed, interrupted;
		kam_interrupt_reset();
		kam_db_interrupt_clear(ctx->db);
		if (entry(&r, &failed, &interrupted) == LINE_EOF) {
			if (r.interactive)
				fputc('\n', stdout);
			break;
		}
		if (interrupted) {
			/* Ctrl-C quits only at an empty prompt, pressed twice in a row. */
			if (++ctrl_c >= 2)
				break;
			fprintf(stdout, "(Ctrl-C again to quit, or Ctrl-D, or .quit)\n");
			continue;
		}
		ctrl_c = 0;
		if (failed && !r.interactive) {
			kam_db_abandon(ctx->db);
			ctx->script_tx = 0;
			status = KAM_FAIL;
			break;
		}
	}
	if (!r.interactive && status == KAM_OK && ctx->script_tx && ctx->db &&
	    kam_db_script_end(ctx->db, "repl", &ctx->err) < 0)
		status = kam_report_error(ctx, &ctx->err);
	ctx->script_tx = 0;
	if (r.out != stdout)
		fclose(r.out);
	fflush(stdout);
	free(r.out_name);
	free(r.history);
	if (r.policy) {
		ctx->policy = NULL; /* it was the session's own */
		free(r.policy);
	}
	free(r.scripts);
	return status;
}
