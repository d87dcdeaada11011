/* kam: global options, the command table, and exit statuses. */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <lua.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "plugin.h"

static const struct kam_command commands[] = {
	{"init", "[--policy NAME]", "create or migrate the database; record the default policy", kam_cmd_init},
	{"import", "KIND FILE", "load customers or ledger rows from CSV, JSON or XLSX", kam_cmd_import},
	{"export", "KIND", "write customers or ledger rows as CSV, JSON or XLSX", kam_cmd_export},
	{"grade", "[--year Y] [--dry-run] | diff A B", "grade every customer of a year under the policy; what-if diffs", kam_cmd_grade},
	{"explain", "CODE [--year Y]", "a customer's grade decision: facts, rules that fired, policy version", kam_cmd_script},
	{"policy", "list|show|check|test", "inspect, lint and run a policy's own examples", kam_cmd_script},
	{"override", "add|list|revoke", "manual grades with who and why (cultivation, approvals, reviews)", kam_cmd_script},
	{"run", "SCRIPT [ARG ...]", "run a Lua script inside the host", kam_cmd_run},
	{"plugin", "list", "loaded plugins", kam_cmd_plugin},
};

static void usage(kam_ctx *ctx, FILE *out)
{
	fprintf(out,
		"usage: kam [--db FILE] [--policy NAME|FILE] [--user NAME] [--json] COMMAND ...\n"
		"\n"
		"Key-account management for postal key-account centers.\n"
		"\n"
		"options:\n"
		"  --db FILE        the province database (default $KAM_DB, else ./kam.db)\n"
		"  --policy NAME    the grading policy (default: the one recorded by kam init)\n"
		"  --user NAME      who is acting (default $KAM_USER, else the login name)\n"
		"  --json           print one JSON document on stdout\n"
		"  -h, --help       this help; 'kam COMMAND --help' for a command\n"
		"  -V, --version    kam's version and those of its libraries\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	if (ctx)
		kam_plugins_help(ctx, out);
	fprintf(out, "\nexit status: 0 success, 1 the work failed, 2 wrong usage\n");
}

static int version(kam_ctx *ctx)
{
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:s, s:s}", "kam", KAM_VERSION, "lua",
						LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "." LUA_VERSION_RELEASE,
						"sqlite", sqlite3_libversion(), "jansson", jansson_version_str()));
	printf("kam %s (Lua %s.%s.%s, SQLite %s, jansson %s)\n", KAM_VERSION, LUA_VERSION_MAJOR,
	       LUA_VERSION_MINOR, LUA_VERSION_RELEASE, sqlite3_libversion(), jansson_version_str());
	return KAM_OK;
}

static const char *login_name(void)
{
	const char *user = getenv("KAM_USER");
	struct passwd *pw;
	if (user && *user)
		return user;
	user = getenv("LOGNAME");
	if (user && *user)
		return user;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}

static char *exe_dir(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"policy", required_argument, NULL, 'p'},
		{"user", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	kam_ctx ctx = {0};
	int c, help = 0, show_version = 0, status, first;
	const char *name;

	/* A dead reader must not kill us mid-write, and a file-size limit must surface as
	 * SQLite's disk-full error instead of a signal that leaves the write half done. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	/* One thread: SQLite's allocation statistics would only add a mutex to every malloc. */
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		fprintf(stderr, "kam: warning: cannot turn off SQLite's memory statistics\n");

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd': ctx.db_path = optarg; break;
		case 'p': ctx.policy = optarg; break;
		case 'u': ctx.user = optarg; break;
		case 'j': ctx.json = 1; break;
		case 'h': help = 1; break;
		case 'V': show_version = 1; break;
		default:
			if (optopt)
				fprintf(stderr, "kam: option '-%c' %s\n", optopt,
					strchr("dpu", optopt) ? "needs a value" : "is unknown");
			else
				fprintf(stderr, "kam: bad option '%s'\n", argv[optind - 1]);
			usage(NULL, stderr);
			return KAM_USAGE;
		}
	}
	if (show_version)
		return version(&ctx);
	if (!ctx.db_path)
		ctx.db_path = getenv("KAM_DB") && *getenv("KAM_DB") ? getenv("KAM_DB") : "kam.db";
	if (!ctx.user)
		ctx.user = login_name();
	ctx.exe_dir = exe_dir();

	kam_plugins_load(&ctx);
	if (help) {
		usage(&ctx, stdout);
		kam_ctx_close(&ctx);
		return KAM_OK;
	}
	if (optind >= argc) {
		fprintf(stderr, "kam: no command given\n");
		usage(&ctx, stderr);
		kam_ctx_close(&ctx);
		return KAM_USAGE;
	}
	first = optind;
	name = argv[first];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			/* Each command parses its own options from a fresh getopt state. */
			optind = 0;
			status = commands[i].run(&ctx, argc - first, argv + first);
			goto done;
		}
	}
	optind = 0;
	if (kam_plugins_dispatch(&ctx, argc - first, argv + first, &status))
		goto done;
	fprintf(stderr, "kam: unknown command '%s'\n", name);
	usage(&ctx, stderr);
	status = KAM_USAGE;
done:
	kam_ctx_close(&ctx);
	return status;
}
