/* kam init: create or migrate the database and record the default policy. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "access.h"
#include "cmd.h"
#include "cron.h"
#include "policy.h"
#include "store_meta.h"

static const char USAGE[] =
	"usage: kam init [--policy NAME] [--timezone TZ] [--with-schedule]\n"
	"Create the database named by --db (or $KAM_DB, or ./kam.db), or upgrade an older one\n"
	"in place, and record the policy that grading uses by default (" KAM_DEFAULT_POLICY " when none is\n"
	"recorded yet).  A change of the policy is recorded with who made it and when.  Only\n"
	"init creates a database or adopts an SQLite file that has tables of its own; every\n"
	"other command refuses a file that is not a kam database.  --timezone records the zone\n"
	"the database's calendar dates are in (a tzdata name such as Asia/Shanghai; default:\n"
	"the machine's); --with-schedule adds the center's calendar jobs (kam schedule list).\n";

/* A policy is a bare name (looked up among the policies) or a path to a .lua file. */
static int valid_policy(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 200)
		return 0;
	if (strchr(p, '/') || (n > 4 && strcmp(p + n - 4, ".lua") == 0))
		return 1;
	for (const char *c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return 0;
	return 1;
}

int kam_cmd_init(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'}, {"timezone", required_argument, NULL, 'z'},
		{"with-schedule", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *policy = ctx->policy, *timezone = NULL;
	int with_schedule = 0;
	char recorded[256], now[32], found[4096];
	struct stat sb;
	const char *keys[8], *values[8];
	int c, created, adopted, changed, from, to, have, n = 0, jobs_added = 0;
	time_t t = time(NULL);

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'p')
			policy = optarg;
		else if (c == 'z')
			timezone = optarg;
		else if (c == 'S')
			with_schedule = 1;
		else if (c == 'h') {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else
			return kam_option_error(ctx, "init", USAGE, opts, "+h", argv);
	}
	if (optind < argc)
		return kam_usage_error(ctx, "init", USAGE, "unexpected argument '%s'", argv[optind]);
	if (policy && !valid_policy(policy)) {
		kam_usagef(&ctx->err, "init: '%s' is not a policy name or a .lua file", policy);
		return kam_report_error(ctx, &ctx->err);
	}
	if (timezone && !kam_tz_valid(timezone)) {
		kam_usagef(&ctx->err, "init: --timezone '%s' is not a zone tzdata knows (like Asia/Shanghai or UTC)",
			   timezone);
		return kam_report_error(ctx, &ctx->err);
	}
	/* The policy recorded is what grading will load: it must exist now. */
	if (policy && kam_policy_find(ctx, policy, found, sizeof found, &ctx->err) < 0) {
		kam_err_prefix(&ctx->err, "init");
		return kam_report_error(ctx, &ctx->err);
	}
	/* A missing or empty file is created; an SQLite file without kam's schema is adopted
	 * (kam's tables are added beside its own); only init does either. */
	created = stat(ctx->db_path, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0);
	if (kam_ctx_db(ctx, KAM_DB_CREATE) < 0)
		return kam_report_error(ctx, &ctx->err);
	from = kam_db_opened_version(ctx->db);
	if (kam_db_schema_version(ctx->db, &to, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	have = kam_db_meta_get(ctx->db, "policy", recorded, sizeof recorded, &ctx->err);
	if (have < 0)
		return kam_report_error(ctx, &ctx->err);
	adopted = !created && from == 0;
	if (!policy)
		policy = have ? recorded : KAM_DEFAULT_POLICY;
	/* The database's policy is what grading writes under: a change of it is recorded
	 * with who made it and when (and what it replaced). */
	changed = !have || strcmp(recorded, policy) != 0;
	if (have && changed && kam_access_admin(ctx, "change the database's policy", &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (created || adopted) {
		keys[n] = "created_at", values[n++] = now;
		keys[n] = "created_by", values[n++] = ctx->user;
	}
	if (changed) {
		keys[n] = "policy_set_at", values[n++] = now;
		keys[n] = "policy_set_by", values[n++] = ctx->user;
		if (have)
			keys[n] = "policy_previous", values[n++] = recorded;
	}
	keys[n] = "policy", values[n++] = policy;
	keys[n] = "kam_version", values[n++] = KAM_VERSION;
	if (timezone)
		keys[n] = "timezone", values[n++] = timezone;
	if (kam_db_meta_set_all(ctx->db, keys, values, n, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (with_schedule && kam_init_schedule(ctx, &jobs_added) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (ctx->json) {
		char tz[256];
		if (kam_db_meta_get(ctx->db, "timezone", tz, sizeof tz, &ctx->err) <= 0)
			tz[0] = '\0';
		return kam_print_json(json_pack("{s:s, s:b, s:b, s:i, s:o, s:s, s:o, s:o, s:i}", "db", ctx->db_path,
						"created", created, "adopted", adopted, "schema_version", to,
						"upgraded_from", !created && !adopted && from != to ?
						json_integer(from) : json_null(), "policy", policy,
						"policy_changed_from", have && changed ?
						json_string(recorded) : json_null(), "timezone",
						tz[0] ? json_string(tz) : json_null(), "jobs_added", jobs_added));
	}
	if (timezone)
		fprintf(stderr, "kam: %s: calendar dates are in %s\n", ctx->db_path, timezone);
	if (with_schedule)
		fprintf(stderr, "kam: %s: %d calendar job%s added (kam schedule list)\n", ctx->db_path, jobs_added,
			jobs_added == 1 ? "" : "s");
	if (have && changed)
		fprintf(stderr, "kam: %s: the database's policy is now %s (was %s), set by %s\n",
			ctx->db_path, policy, recorded, ctx->user);
	if (created)
		fprintf(stderr, "kam: created %s (schema %d, policy %s)\n", ctx->db_path, to, policy);
	else if (adopted)
		fprintf(stderr, "kam: adopted %s: kam's tables added beside its own (schema %d, policy %s)\n",
			ctx->db_path, to, policy);
	else if (from != to)
		fprintf(stderr, "kam: upgraded %s from schema %d to %d (policy %s)\n", ctx->db_path, from,
			to, policy);
	else
		fprintf(stderr, "kam: %s is up to date (schema %d, policy %s)\n", ctx->db_path, to, policy);
	return KAM_OK;
}
