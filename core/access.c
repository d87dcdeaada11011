/* Who acts on the database (access.h). */
#include "access.h"
#include "textenc.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *kam_access_login(void)
{
	static char name[260];
	struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof name, "%s", pw && pw->pw_name ? pw->pw_name : "");
	return name;
}

/* Refuse: log it (as who, when the connection has no actor yet) and fill e. */
static int refuse(kam_ctx *ctx, const char *who, const char *why, kam_err *e)
{
	if (!who || kam_db_set_actor(ctx->db, who, KAM_ROLE_NONE, ctx->command, e) == 0)
		kam_audit_refused_why(ctx->db, why);
	return kam_errf(e, "%s: %s", kam_db_name(ctx->db), why);
}

int kam_access_check_name(const char *where, const char *what, const char *s, kam_err *e)
{
	size_t n = strlen(s), chars = 0;
	if (!kam_utf8_valid(s, n, NULL))
		return kam_usagef(e, "%s: the %s is not valid UTF-8", where, what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return kam_usagef(e, "%s: the %s '%.80s' holds a control character", where, what, s);
		chars += (*p & 0xc0) != 0x80;
	}
	if (chars < 1 || chars > 64)
		return kam_usagef(e, "%s: the %s must be 1 to 64 characters, not %zu", where, what, chars);
	return 0;
}

int kam_access_resolve(kam_ctx *ctx, kam_err *e)
{
	struct kam_user me, as;
	const char *login = kam_access_login();
	char why[900];
	long n;
	int found;

	/* A name that could not be a user's is refused before it reaches the log or a row. */
	if (ctx->user_given && ctx->user && kam_access_check_name("--user or $KAM_USER", "user name", ctx->user, e) < 0)
		return -1;
	if (kam_users_count(ctx->db, &n, e) < 0)
		return -1;
	if (n == 0)
		return kam_db_set_actor(ctx->db, ctx->user, KAM_ROLE_NONE, ctx->command, e);
	if (kam_user_find(ctx->db, 1, login, &me, &found, e) < 0)
		return -1;
	if (!found) {
		snprintf(why, sizeof why, "the login '%s' is not a kam user of this database; an admin adds it: kam user "
			 "add NAME --login %s", login, login);
		return refuse(ctx, login, why, e);
	}
	if (me.disabled) {
		snprintf(why, sizeof why, "user %s (login %s) is disabled", me.name, login);
		return refuse(ctx, me.name, why, e);
	}
	as = me;
	if (ctx->user_given && strcmp(ctx->user, me.name) != 0) {
		if (me.role != KAM_ROLE_ADMIN) {
			snprintf(why, sizeof why, "user %s (%s) may not act as %s: only an admin names another user "
				 "with --user or $KAM_USER", me.name, kam_role_name(me.role), ctx->user);
			return refuse(ctx, me.name, why, e);
		}
		if (kam_user_find(ctx->db, 0, ctx->user, &as, &found, e) < 0)
			return -1;
		if (!found || as.disabled) {
			snprintf(why, sizeof why, "no %suser '%s' to act as (kam user list)", found ? "enabled " : "",
				 ctx->user);
			return refuse(ctx, me.name, why, e);
		}
	}
	snprintf(ctx->acting, sizeof ctx->acting, "%s", as.name);
	ctx->user = ctx->acting;
	if (kam_db_set_actor(ctx->db, as.name, as.role, ctx->command, e) < 0 ||
	    kam_db_set_level(ctx->db, as.level[0] ? as.level : NULL, e) < 0)
		return -1;
	return kam_db_set_manager(ctx->db, as.role == KAM_ROLE_MANAGER ? as.manager : NULL, e);
}

int kam_access_admin(kam_ctx *ctx, const char *what, kam_err *e)
{
	char why[900];
	int role = kam_db_role(ctx->db);
	if (role == KAM_ROLE_NONE || role == KAM_ROLE_ADMIN)
		return 0;
	snprintf(why, sizeof why, "user %s is %s %s: only an admin may %s", kam_db_actor(ctx->db),
		 role == KAM_ROLE_ADMIN ? "an" : "a", kam_role_name(role), what);
	return refuse(ctx, NULL, why, e);
}

int kam_access_may_change_job(kam_ctx *ctx, const char *job, const char *added_by, kam_err *e)
{
	char why[900];
	int role = kam_db_role(ctx->db);
	if (role == KAM_ROLE_NONE || role == KAM_ROLE_ADMIN)
		return 0;
	if (role != KAM_ROLE_VIEWER && added_by && strcmp(added_by, kam_db_actor(ctx->db)) == 0)
		return 0;
	snprintf(why, sizeof why, "user %s is %s %s: job '%s' was scheduled by %s; only they or an admin may change it",
		 kam_db_actor(ctx->db), "a", kam_role_name(role), job, added_by ? added_by : "?");
	return refuse(ctx, NULL, why, e);
}

int kam_access_may_schedule(kam_ctx *ctx, kam_err *e)
{
	char why[900];
	if (kam_db_role(ctx->db) != KAM_ROLE_VIEWER)
		return 0;
	snprintf(why, sizeof why, "user %s is a viewer: a viewer does not schedule jobs (a job runs with the "
		 "rights of the user who scheduled it)", kam_db_actor(ctx->db));
	return refuse(ctx, NULL, why, e);
}
