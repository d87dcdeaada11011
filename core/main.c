/* kam: global options, the command table, and exit statuses. */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <lua.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "plugin.h"
#include "worker.h"
#include "repl.h"

/* --json anywhere among the global options, even after a bad one: a usage error of the
 * global options is a JSON document too. */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0)
			return 1;
		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
			return 0;
		if (!strchr(a, '=') && (strcmp(a, "--db") == 0 || strcmp(a, "--policy") == 0 ||
					strcmp(a, "--user") == 0))
			i++;
	}
	return 0;
}

static int version(kam_ctx *ctx)
{
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:s, s:s}", "kam", KAM_VERSION, "lua",
						LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "." LUA_VERSION_RELEASE,
						"sqlite", kam_db_library_version(), "jansson", jansson_version_str()));
	printf("kam %s (Lua %s.%s.%s, SQLite %s, jansson %s)\n", KAM_VERSION, LUA_VERSION_MAJOR,
	       LUA_VERSION_MINOR, LUA_VERSION_RELEASE, kam_db_library_version(), jansson_version_str());
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

/* The command and its first word ("import ledger", "user add"), for the audit log: no
 * option and no value of one, which may be confidential. */
static const char *command_words(int argc, char **argv)
{
	static char words[160];
	snprintf(words, sizeof words, "%.60s", argv[0]);
	if (argc > 1 && argv[1][0] != '-' && strlen(argv[1]) <= 60)
		snprintf(words + strlen(words), sizeof words - strlen(words), " %s", argv[1]);
	return words;
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
	const struct kam_command *cmd;

	/* A policy's worker: a new program, before anything of the host is loaded. */
	if (argc == 2 && strcmp(argv[1], KAM_WORKER_ARG) == 0)
		return kam_worker_exec_main();

	/* A dead reader must not kill us mid-write, and a file-size limit must surface as
	 * SQLite's disk-full error instead of a signal that leaves the write half done. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	/* Archives are trade secrets: whatever kam writes (exports, reject files, reports,
	 * history, backups) is its owner's only. */
	umask(umask(077) | 077);
	if (kam_db_library_init(&ctx.err) < 0)
		fprintf(stderr, "kam: warning: %s\n", ctx.err.msg);

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
			ctx.json = wants_json(argc, argv);
			kam_option_error(&ctx, NULL, NULL, opts, "+hV", argv);
			kam_usage(NULL, stderr);
			return KAM_USAGE;
		}
	}
	if (show_version)
		return version(&ctx);
	if (!ctx.db_path)
		ctx.db_path = getenv("KAM_DB") && *getenv("KAM_DB") ? getenv("KAM_DB") : "kam.db";
	ctx.user_given = ctx.user || (getenv("KAM_USER") && *getenv("KAM_USER"));
	if (!ctx.user)
		ctx.user = login_name();
	/* The name lives in ctx, so that once the database names the acting user (access.c)
	 * whatever took ctx->user earlier reads that user. */
	snprintf(ctx.acting, sizeof ctx.acting, "%s", ctx.user);
	ctx.user = ctx.acting;
	ctx.exe_dir = exe_dir();

	kam_plugins_load(&ctx);
	if (help) {
		if (ctx.json)
			status = kam_usage_json(&ctx);
		else {
			kam_usage(&ctx, stdout);
			status = KAM_OK;
		}
		kam_ctx_close(&ctx);
		return status;
	}
	/* Bare kam on a terminal is the REPL; elsewhere (a script, cron) it is a usage error. */
	if (optind >= argc && !ctx.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		status = kam_repl_run(&ctx, 0);
		goto done;
	}
	if (optind >= argc) {
		kam_usage_error(&ctx, NULL, NULL, "no command given");
		kam_usage(&ctx, stderr);
		kam_ctx_close(&ctx);
		return KAM_USAGE;
	}
	first = optind;
	name = argv[first];
	ctx.command = command_words(argc - first, argv + first);
	/* With --json, a command's --help is a document too. */
	if (ctx.json && kam_wants_help(argc - first, argv + first)) {
		status = kam_help_json(&ctx, argc - first, argv + first);
		goto done;
	}
	if ((cmd = kam_command_find(name))) {
		/* Each command parses its own options from a fresh getopt state. */
		optind = 0;
		status = cmd->run(&ctx, argc - first, argv + first);
		goto done;
	}
	optind = 0;
	if (kam_plugins_dispatch(&ctx, argc - first, argv + first, &status))
		goto done;
	status = kam_usage_error(&ctx, NULL, NULL, "unknown command '%s'", name);
	kam_usage(&ctx, stderr);
done:
	kam_ctx_close(&ctx);
	return status;
}
