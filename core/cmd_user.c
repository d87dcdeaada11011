/* kam user add|list|role|disable|enable: the database's users and their roles. */
#include <getopt.h>
#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "lser.h"  /* kam_buf */
#include "policy.h"
#include "store_tx.h"

static const char USAGE[] =
	"usage: kam user add NAME --login LOGIN [--role ROLE] [--manager ID] [--level LEVEL]\n"
	"       kam user list\n"
	"       kam user role NAME ROLE\n"
	"       kam user level NAME LEVEL|none\n"
	"       kam user disable NAME\n"
	"       kam user enable NAME\n"
	"The people who use the database, each for one login, with a role: admin (users,\n"
	"policies, changing scheduled jobs, raw SQL), center (all of the province's work,\n"
	"scheduling jobs that run with its rights), manager (its own\n"
	"customers; --manager names its manager record), viewer (reads, changes nothing).\n"
	"Before any user exists anyone may do anything; the first user added is an admin, and\n"
	"from then on only an admin manages users, the login of each process must be a user's,\n"
	"and every change and refusal goes into the audit log (kam audit).\n"
	"A user's approval level (--level, kam user level) is one of the policy's\n"
	"discount_levels (local, province): kam discount approve and refuse answer at the\n"
	"acting user's level, and a user without one answers nothing (none takes it away).\n";

/* A name or login (access.c: the same rule as for --user). */
static int check_text(const char *what, const char *s, kam_err *e)
{
	return kam_access_check_name("user", what, s, e);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An approval level: a name of the database's policy's discount_levels (the levels the
 * policy says who may answer what at: DOMAIN §5). */
static int check_level(kam_ctx *ctx, const char *level, kam_err *e)
{
	kam_policy *p;
	lua_State *L;
	const char **names = NULL;
	size_t n = 0;
	int top, rc = 0;
	if (check_text("level", level, e) < 0 || kam_policy_default(ctx, &p, e) < 0)
		return -1;
	L = p->L;
	top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->module_ref);
	if (lua_type(L, -1) != LUA_TTABLE || lua_getfield(L, -1, "numbers") != LUA_TTABLE ||
	    lua_getfield(L, -1, "discount_levels") != LUA_TTABLE) {
		rc = kam_errf(e, "user: policy %s has no approval levels (numbers.discount_levels)", p->name);
		goto done;
	}
	if (lua_getfield(L, -1, level) == LUA_TTABLE)
		goto done;
	lua_pop(L, 1);
	/* The names it has, sorted, for the message (they stay alive in the policy's table). */
	if (!(names = calloc(lua_rawlen(L, -1) + 64, sizeof *names))) {
		rc = kam_errf(e, "out of memory");
		goto done;
	}
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		if (lua_type(L, -2) == LUA_TSTRING && n < 64)
			names[n++] = lua_tostring(L, -2);
	qsort(names, n, sizeof *names, by_name);
	{
		kam_buf b;
		kam_buf_init(&b);
		for (size_t i = 0; i < n; i++) {
			if (i)
				kam_buf_add(&b, ", ", 2);
			kam_buf_add(&b, names[i], strlen(names[i]));
		}
		kam_buf_add(&b, "", 1);
		rc = kam_usagef(e, "user: policy %s has no approval level '%s' (it has: %s)", p->name, level,
				b.failed || b.len <= 1 ? "none" : (const char *)b.data);
		kam_buf_free(&b);
	}
done:
	free(names);
	lua_settop(L, top);
	kam_policy_free(p);
	return rc;
}

static int add(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"login", required_argument, NULL, 'l'}, {"role", required_argument, NULL, 'r'},
		{"manager", required_argument, NULL, 'm'}, {"level", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct kam_user u = {0}, other;
	const char *login = NULL, *role = NULL, *manager = NULL, *level = NULL;
	long n;
	int c, found;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l')
			login = optarg;
		else if (c == 'r')
			role = optarg;
		else if (c == 'm')
			manager = optarg;
		else if (c == 'L')
			level = optarg;
		else if (c == 'h')
			return fputs(USAGE, stdout), KAM_OK;
		else
			return kam_option_error(ctx, "user add", USAGE, opts, "h", argv);
	}
	if (argc - optind != 1)
		return kam_usage_error(ctx, "user add", USAGE, argc - optind ? "unexpected argument '%s'" : "need a NAME",
				       argc - optind ? argv[optind + 1] : "");
	if (!login)
		return kam_usage_error(ctx, "user add", USAGE, "need --login LOGIN (the system login it is for)");
	if (check_text("name", argv[optind], &ctx->err) < 0 || check_text("login", login, &ctx->err) < 0 ||
	    (manager && check_text("manager", manager, &ctx->err) < 0))
		return kam_report_error(ctx, &ctx->err);
	if (role && !kam_role_parse(role))
		return kam_usage_error(ctx, "user add", USAGE, "unknown role '%s' (admin, center, manager, viewer)", role);
	snprintf(u.name, sizeof u.name, "%s", argv[optind]);
	snprintf(u.login, sizeof u.login, "%s", login);
	snprintf(u.manager, sizeof u.manager, "%s", manager ? manager : "");
	snprintf(u.level, sizeof u.level, "%s", level ? level : "");
	/* Asked before the write lock is taken: a refusal is logged on a connection of its own. */
	if (kam_ctx_db(ctx, 0) < 0 || kam_access_admin(ctx, "add a user", &ctx->err) < 0 ||
	    (level && check_level(ctx, level, &ctx->err) < 0) || kam_db_begin(ctx->db, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (kam_users_count(ctx->db, &n, &ctx->err) < 0)
		goto fail;
	if (n == 0) {
		/* The first user is who will manage the others. */
		if (role && kam_role_parse(role) != KAM_ROLE_ADMIN) {
			kam_usagef(&ctx->err, "user add: the first user is an admin (who then adds the others); "
					      "not a %s", role);
			goto fail;
		}
		u.role = KAM_ROLE_ADMIN;
	} else if (kam_db_role(ctx->db) == KAM_ROLE_NONE) {
		/* Users appeared since this connection was opened: ask again, from the start. */
		kam_errf(&ctx->err, "user add: another process added the first user meanwhile; run it again");
		goto fail;
	} else {
		u.role = role ? kam_role_parse(role) : KAM_ROLE_VIEWER;
	}
	if (u.role == KAM_ROLE_MANAGER && !manager) {
		kam_usagef(&ctx->err, "user add: a manager user names its manager record: --manager ID");
		goto fail;
	}
	if (kam_user_find(ctx->db, 0, u.name, &other, &found, &ctx->err) < 0)
		goto fail;
	if (found) {
		kam_errf(&ctx->err, "user add: there is a user %s already (login %s)", other.name, other.login);
		goto fail;
	}
	if (kam_user_find(ctx->db, 1, u.login, &other, &found, &ctx->err) < 0)
		goto fail;
	if (found) {
		kam_errf(&ctx->err, "user add: the login %s is user %s's already", other.login, other.name);
		goto fail;
	}
	if (kam_user_add(ctx->db, &u, &ctx->err) < 0 || kam_db_commit(ctx->db, &ctx->err) < 0)
		goto fail;
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:s, s:s?, s:b}", "added", u.name, "login", u.login, "role",
						kam_role_name(u.role), "level", level, "first", n == 0));
	fprintf(stderr, "kam: added user %s (login %s), %s%s%s%s%s\n", u.name, u.login, kam_role_name(u.role),
		level ? ", approving at the " : "", level ? level : "", level ? " level" : "",
		n == 0 ? ": the first user, so an admin; from now on each login must be a user's" : "");
	return KAM_OK;
fail:
	kam_db_rollback(ctx->db);
	return kam_report_error(ctx, &ctx->err);
}

struct listing {
	kam_ctx *ctx;
	json_t *rows;
};

static int list_one(void *arg, const struct kam_user *u, kam_err *e)
{
	struct listing *l = arg;
	(void)e;
	if (l->rows)
		return json_array_append_new(l->rows, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:b, s:s, s:s}", "name",
								 u->name, "login", u->login, "role", kam_role_name(u->role),
								 "manager", u->manager[0] ? u->manager : NULL,
								 "level", u->level[0] ? u->level : NULL,
								 "disabled", u->disabled, "created_at", u->created_at,
								 "created_by", u->created_by));
	printf("%-16s %-12s %-8s %-10s %-10s %s%s\n", u->name, u->login, kam_role_name(u->role),
	       u->manager[0] ? u->manager : "-", u->level[0] ? u->level : "-", u->created_at,
	       u->disabled ? "  disabled" : "");
	return 0;
}

static int list(kam_ctx *ctx, int argc, char **argv)
{
	struct listing l = {ctx, NULL};
	if (argc > 1)
		return kam_usage_error(ctx, "user list", USAGE, "unexpected argument '%s'", argv[1]);
	if (kam_ctx_db(ctx, 0) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (ctx->json && !(l.rows = json_array()))
		return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "out of memory"});
	if (!ctx->json)
		printf("%-16s %-12s %-8s %-10s %-10s %s\n", "name", "login", "role", "manager", "level", "created");
	if (kam_users_each(ctx->db, list_one, &l, &ctx->err) < 0) {
		json_decref(l.rows);
		return kam_report_error(ctx, &ctx->err);
	}
	if (ctx->json)
		return kam_print_json(json_pack("{s:o}", "users", l.rows));
	return KAM_OK;
}

/* role NAME ROLE, disable NAME, enable NAME: an admin's, and never the last admin away. */
static int change(kam_ctx *ctx, int argc, char **argv)
{
	const char *verb = argv[0];
	int role = 0, setting_role = strcmp(verb, "role") == 0, found;
	struct kam_user u;
	long admins;

	if (argc != (setting_role ? 3 : 2))
		return kam_usage_error(ctx, "user", USAGE, setting_role ? "role needs NAME and ROLE" : "%s needs a NAME",
				       verb);
	if (setting_role && !(role = kam_role_parse(argv[2])))
		return kam_usage_error(ctx, "user role", USAGE, "unknown role '%s' (admin, center, manager, viewer)",
				       argv[2]);
	if (kam_ctx_db(ctx, 0) < 0 || kam_access_admin(ctx, "change a user", &ctx->err) < 0 ||
	    kam_db_begin(ctx->db, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (kam_user_find(ctx->db, 0, argv[1], &u, &found, &ctx->err) < 0)
		goto fail;
	if (!found) {
		kam_errf(&ctx->err, "user %s: no user '%s' (kam user list)", verb, argv[1]);
		goto fail;
	}
	if (u.role == KAM_ROLE_ADMIN && ((setting_role && role != KAM_ROLE_ADMIN) || strcmp(verb, "disable") == 0)) {
		if (kam_users_admins(ctx->db, u.name, &admins, &ctx->err) < 0)
			goto fail;
		if (admins == 0) {
			kam_errf(&ctx->err, "user %s: %s is the last admin; add another admin first, or no one could "
					    "manage the users", verb, u.name);
			goto fail;
		}
	}
	if ((setting_role ? kam_user_set_role(ctx->db, u.name, role, &ctx->err)
			  : kam_user_set_disabled(ctx->db, u.name, strcmp(verb, "disable") == 0, &ctx->err)) < 0 ||
	    kam_db_commit(ctx->db, &ctx->err) < 0)
		goto fail;
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:b}", "user", u.name, "role",
						kam_role_name(setting_role ? role : u.role), "disabled",
						setting_role ? u.disabled : strcmp(verb, "disable") == 0));
	fprintf(stderr, "kam: user %s %s\n", u.name,
		setting_role ? kam_role_name(role) : strcmp(verb, "disable") == 0 ? "disabled" : "enabled");
	return KAM_OK;
fail:
	kam_db_rollback(ctx->db);
	return kam_report_error(ctx, &ctx->err);
}

/* level NAME LEVEL|none: an admin's. */
static int set_level(kam_ctx *ctx, int argc, char **argv)
{
	struct kam_user u;
	const char *level;
	int found;
	if (argc != 3)
		return kam_usage_error(ctx, "user level", USAGE, "level needs NAME and LEVEL (or none)");
	level = strcmp(argv[2], "none") == 0 ? NULL : argv[2];
	if (kam_ctx_db(ctx, 0) < 0 || kam_access_admin(ctx, "change a user", &ctx->err) < 0 ||
	    (level && check_level(ctx, level, &ctx->err) < 0) || kam_db_begin(ctx->db, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (kam_user_find(ctx->db, 0, argv[1], &u, &found, &ctx->err) < 0)
		goto fail;
	if (!found) {
		kam_errf(&ctx->err, "user level: no user '%s' (kam user list)", argv[1]);
		goto fail;
	}
	if (kam_user_set_level(ctx->db, u.name, level, &ctx->err) < 0 || kam_db_commit(ctx->db, &ctx->err) < 0)
		goto fail;
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s?}", "user", u.name, "level", level));
	if (level)
		fprintf(stderr, "kam: user %s approves at the %s level\n", u.name, level);
	else
		fprintf(stderr, "kam: user %s approves at no level\n", u.name);
	return KAM_OK;
fail:
	kam_db_rollback(ctx->db);
	return kam_report_error(ctx, &ctx->err);
}

int kam_cmd_user(kam_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub)
		return kam_usage_error(ctx, "user", USAGE, "need add, list, role, level, disable or enable");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return fputs(USAGE, stdout), KAM_OK;
	optind = 0;
	if (strcmp(sub, "add") == 0)
		return add(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return list(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "role") == 0 || strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
		return change(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "level") == 0)
		return set_level(ctx, argc - 1, argv + 1);
	return kam_usage_error(ctx, "user", USAGE, "unknown subcommand '%s' (add, list, role, level, disable, enable)",
			       sub);
}
