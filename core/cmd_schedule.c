/* kam schedule: jobs (add, list, show, remove, enable, disable), their history, and the
 * scheduler (run-due once, or the daemon).  The rules live in scheduler.c and cron.c; the
 * rows in store_schedule.c; here only arguments, output and exit statuses. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>

#include "access.h"
#include "cmd.h"
#include "host.h"
#include "cron.h"
#include "scheduler.h"
#include "store_meta.h"
#include "store_schedule.h"
#include "store_tx.h"

static const char USAGE[] =
	"usage: kam schedule add [--timezone TZ] [--catchup once|all|skip] [--time-limit SECONDS] [--disabled] NAME CRON SCRIPT [ARG ...]\n"
	"       kam schedule list | show NAME | history [NAME] [--limit N]\n"
	"       kam schedule remove NAME | enable NAME | disable NAME\n"
	"       kam schedule run-due [--now TIME] [--keep-days N] | daemon [--keep-days N] [--stop-grace SECONDS]\n"
	"Scheduled script runs.  A job runs SCRIPT with its ARGs as `kam run` does (as the user\n"
	"who added it, in a child process of its own) at the minutes its 5-field CRON names\n"
	"(lists, ranges, steps, month and weekday names, @hourly, @daily, @weekly, @monthly,\n"
	"@yearly; a day-of-month and a day-of-week both restricted: either matches), in the\n"
	"job's zone (--timezone; default the database's, recorded by kam init --timezone, else\n"
	"the machine's).  Slots missed while nothing ran: --catchup once (default) runs the\n"
	"job once, all runs every one, skip runs none and records the skip.  --time-limit\n"
	"(default 3600) kills a run that takes longer.  run-due runs what is due once and exits\n"
	"(for a cron line or a systemd timer); daemon stays up, runs jobs at their minute and\n"
	"sees changed jobs without a restart; SIGTERM stops it, a running job finishing within\n"
	"--stop-grace (default 60) or recorded as interrupted.  Two schedulers on one database\n"
	"run each slot once; a job still running at its next slot has that slot skipped; a run\n"
	"whose scheduler died is marked abandoned when its lease ends.  History is kept\n"
	"--keep-days (default 90) and trimmed by the scheduler.  Exit status of run-due: 0 all\n"
	"ran well, 3 a job failed (the others ran), 1 the scheduler failed.\n"
	"TIME is ISO 8601 with an offset (2026-01-05T02:00:00+08:00, 2026-01-04T18:00Z).\n"
	"For tests and replays: add --now TIME counts the job's slots from TIME; run-due --now\n"
	"TIME runs what is due at TIME; daemon --now TIME --tick MS starts its clock at TIME\n"
	"and moves it one minute every MS milliseconds of real time.\n";


/* A number in [lo, hi]; -1 and a usage error naming the option. */
static int number(kam_ctx *ctx, const char *opt, const char *s, long lo, long hi, long *v)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < lo || n > hi) {
		kam_usage_error(ctx, "schedule", NULL, "%s '%s' is not a whole number from %ld to %ld", opt, s, lo, hi);
		return -1;
	}
	*v = n;
	return 0;
}

static json_t *jstr(const char *s)
{
	json_t *j;
	char *copy;
	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	/* Not UTF-8 (a script's raw output): each bad byte becomes '?'. */
	if (!(copy = strdup(s)))
		return NULL;
	for (unsigned char *p = (unsigned char *)copy; *p;) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0, k;
		for (k = 1; n && k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		if (!n || k < n) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
	j = json_string(copy);
	free(copy);
	return j;
}

static void local(int64_t t, const char *tz, char *buf, size_t size)
{
	kam_err e;
	if (!t || kam_time_format(t, tz, buf, size, NULL, 0, &e) < 0)
		snprintf(buf, size, "%s", t ? "?" : "-");
}

struct listing {
	kam_ctx *ctx;
	json_t *jobs;
	int64_t now;
	int n, next_count, found;
};
static int list_job(void *arg, const struct kam_sched_job *j, kam_err *e);

/* ---- add ----------------------------------------------------------------------------- */

static int cmd_add(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"timezone", required_argument, NULL, 'z'}, {"catchup", required_argument, NULL, 'c'},
		{"time-limit", required_argument, NULL, 'l'}, {"disabled", no_argument, NULL, 'D'},
		{"now", required_argument, NULL, 'n'},        {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct kam_sched_job j = {.catchup = "once", .enabled = 1, .time_limit = 3600};
	char *args = NULL, next_text[32], abbr[16];
	long limit = 3600;
	int64_t now = (int64_t)time(NULL);
	int c, added;
	json_t *ja;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'z')
			j.timezone = optarg;
		else if (c == 'c')
			j.catchup = optarg;
		else if (c == 'l') {
			if (number(ctx, "--time-limit", optarg, 1, KAM_SCHED_MAX_TIME_LIMIT, &limit) < 0)
				return KAM_USAGE;
			j.time_limit = limit;
		} else if (c == 'D')
			j.enabled = 0;
		else if (c == 'n') {
			if (kam_time_parse(optarg, &now, &ctx->err) < 0)
				return kam_usage_error(ctx, "schedule add", NULL, "--now: %s", ctx->err.msg);
		} else if (c == 'h') {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else
			return kam_option_error(ctx, "schedule add", USAGE, opts, "+h", argv);
	}
	if (argc - optind < 3)
		return kam_usage_error(ctx, "schedule add", USAGE, "need NAME, CRON and SCRIPT");
	j.name = argv[optind], j.cron = argv[optind + 1], j.script = argv[optind + 2];
	j.added_by = ctx->user, j.added_at = now, j.cursor = now;
	ja = json_array();
	for (int i = optind + 3; ja && i < argc; i++)
		if (json_array_append_new(ja, jstr(argv[i])) < 0) {
			json_decref(ja);
			ja = NULL;
		}
	args = ja ? json_dumps(ja, JSON_COMPACT) : NULL;
	json_decref(ja);
	if (!args) {
		kam_errf(&ctx->err, "schedule add: not enough memory");
		return kam_report_error(ctx, &ctx->err);
	}
	j.args_json = args;
	/* A job runs with its adder's rights (once users exist): anyone but a viewer adds one,
	 * and changes or removes it; an admin any job. */
	if (kam_ctx_db(ctx, 0) < 0 || kam_access_may_schedule(ctx, &ctx->err) < 0 ||
	    kam_sched_add_job(ctx->db, &j, &added, &ctx->err) < 0) {
		free(args);
		kam_err_prefix(&ctx->err, "schedule add");
		return kam_report_error(ctx, &ctx->err);
	}
	free(args);
	if (!added) {
		kam_errf(&ctx->err, "schedule add: a job named '%s' exists already (kam schedule remove it first)",
			 j.name);
		return kam_report_error(ctx, &ctx->err);
	}
	/* What was stored (the zone chosen, the script's absolute path), as list shows it. */
	{
		struct listing l = {ctx, json_array(), now, 0, 1, 0};
		int saved = ctx->json;
		ctx->json = 1;
		if (kam_store_sched_jobs(ctx->db, j.name, list_job, &l, &ctx->err) < 0) {
			ctx->json = saved;
			json_decref(l.jobs);
			return kam_report_error(ctx, &ctx->err);
		}
		ctx->json = saved;
		if (ctx->json) {
			json_t *o = json_incref(json_array_get(l.jobs, 0));
			json_decref(l.jobs);
			return kam_print_json(o);
		}
		{
			json_t *o = json_array_get(l.jobs, 0);
			const char *tz = json_string_value(json_object_get(o, "timezone"));
			snprintf(next_text, sizeof next_text, "%s", json_string_value(json_object_get(o, "next_run")));
			snprintf(abbr, sizeof abbr, "%s", json_string_value(json_object_get(o, "zone")));
			fprintf(stderr, "kam: job '%s' added: '%s' in %s, next run %s (%s)%s\n", j.name, j.cron, tz,
				next_text, abbr, j.enabled ? "" : "; disabled");
		}
		json_decref(l.jobs);
	}
	return KAM_OK;
}

/* ---- list and show ------------------------------------------------------------------- */

static int list_job(void *arg, const struct kam_sched_job *j, kam_err *e)
{
	struct listing *l = arg;
	char text[32] = "-", abbr[16] = "", last[32];
	int64_t t = l->now;
	json_t *nexts = json_array();
	l->found++;
	for (int i = 0; i < l->next_count; i++) {
		char x[32];
		if (kam_sched_next(j->cron, j->timezone, t, &t, e) < 0 ||
		    kam_time_format(t, j->timezone, x, sizeof x, i == 0 ? abbr : NULL, sizeof abbr, e) < 0) {
			json_decref(nexts);
			return kam_errf(e, "job '%s': %s", j->name, e->msg);
		}
		if (i == 0)
			snprintf(text, sizeof text, "%s", x);
		json_array_append_new(nexts, json_string(x));
	}
	local(j->cursor, j->timezone, last, sizeof last);
	if (l->ctx->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:b, s:I, s:s, s:s, s:s, s:o}", "name", j->name,
				      "cron", j->cron, "script", j->script, "args", json_loads(j->args_json, 0, NULL),
				      "timezone", j->timezone, "catchup", j->catchup, "enabled", j->enabled,
				      "time_limit", (json_int_t)j->time_limit, "added_by", j->added_by,
				      "next_run", text, "zone", abbr, "due_after", json_string(last));
		if (o && l->next_count > 1)
			json_object_set(o, "next_runs", nexts);
		json_array_append_new(l->jobs, o);
	} else if (l->next_count > 1) {
		printf("name:       %s\ncron:       %s\nscript:     %s\nargs:       %s\ntimezone:   %s\n"
		       "catchup:    %s\nenabled:    %s\ntime limit: %lld s\nadded by:   %s\nslots after: %s\n"
		       "next runs:\n", j->name, j->cron, j->script, j->args_json, j->timezone, j->catchup,
		       j->enabled ? "yes" : "no", (long long)j->time_limit, j->added_by, last);
		for (size_t i = 0; i < json_array_size(nexts); i++)
			printf("  %s\n", json_string_value(json_array_get(nexts, i)));
	} else {
		if (l->n++ == 0)
			printf("%-20s %-16s %-31s %-20s %-7s %-8s %s\n", "NAME", "CRON", "NEXT RUN", "ZONE", "CATCHUP",
			       "ENABLED", "SCRIPT");
		printf("%-20s %-16s %-25s %-5s %-20s %-7s %-8s %s\n", j->name, j->cron, j->enabled ? text : "-",
		       abbr, j->timezone, j->catchup, j->enabled ? "yes" : "no", j->script);
	}
	json_decref(nexts);
	return 0;
}

static int cmd_list(kam_ctx *ctx, const char *name)
{
	struct listing l = {ctx, json_array(), (int64_t)time(NULL), 0, name ? 5 : 1, 0};
	if (kam_ctx_db(ctx, KAM_DB_READONLY) < 0 ||
	    kam_store_sched_jobs(ctx->db, name, list_job, &l, &ctx->err) < 0) {
		json_decref(l.jobs);
		return kam_report_error(ctx, &ctx->err);
	}
	if (name && !l.found) {
		json_decref(l.jobs);
		kam_errf(&ctx->err, "schedule show: no job named '%s'", name);
		return kam_report_error(ctx, &ctx->err);
	}
	if (ctx->json) {
		if (name) {
			json_t *o = json_incref(json_array_get(l.jobs, 0));
			json_decref(l.jobs);
			return kam_print_json(o);
		}
		return kam_print_json(json_pack("{s:o}", "jobs", l.jobs));
	}
	json_decref(l.jobs);
	return KAM_OK;
}

/* ---- history ------------------------------------------------------------------------- */

struct hist {
	kam_ctx *ctx;
	json_t *runs;
	const char *tz;   /* the zone times are shown in */
	int n;
};

static void indent(const char *label, const char *text)
{
	if (!text || !*text)
		return;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		printf("    %s| %.*s\n", label, (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

static int hist_run(void *arg, const struct kam_sched_run *r, kam_err *e)
{
	struct hist *h = arg;
	char slot[32], start[32], end[32], ex[16] = "-";
	(void)e;
	if (r->has_exit)
		snprintf(ex, sizeof ex, "%d", r->exit_code);
	local(r->slot, h->tz, slot, sizeof slot);
	local(r->started_at, h->tz, start, sizeof start);
	local(r->ended_at, h->tz, end, sizeof end);
	if (h->ctx->json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)r->id,
				      "job", r->job, "slot", slot, "status", r->status, "started", start, "ended",
				      r->ended_at ? json_string(end) : json_null(), "exit",
				      r->has_exit ? json_integer(r->exit_code) : json_null(), "output", jstr(r->output),
				      "error", jstr(r->error), "note", jstr(r->note));
		return json_array_append_new(h->runs, o) < 0 ? kam_errf(e, "history: not enough memory") : 0;
	}
	if (h->n++ == 0)
		printf("%-6s %-20s %-25s %-11s %-4s %-25s %s\n", "RUN", "JOB", "SLOT", "STATUS", "EXIT", "STARTED",
		       "ENDED");
	printf("%-6lld %-20s %-25s %-11s %-4s %-25s %s\n", (long long)r->id, r->job, slot, r->status,
	       ex, start, r->ended_at ? end : "-");
	indent("note", r->note);
	indent("out", r->output);
	indent("err", r->error);
	return 0;
}

static int cmd_history(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"limit", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	long limit = 50;
	int c;
	char zone[256];
	struct hist h = {ctx, json_array(), NULL, 0};
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l') {
			if (number(ctx, "--limit", optarg, 0, INT_MAX, &limit) < 0)
				return KAM_USAGE;
		} else if (c == 'h') {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else
			return kam_option_error(ctx, "schedule history", USAGE, opts, "h", argv);
	}
	if (argc - optind > 1)
		return kam_usage_error(ctx, "schedule history", USAGE, "unexpected argument '%s'", argv[optind + 1]);
	if (kam_ctx_db(ctx, KAM_DB_READONLY) < 0 || kam_sched_default_zone(ctx->db, zone, sizeof zone, &ctx->err) < 0)
		goto fail;
	h.tz = zone;
	if (kam_store_sched_history(ctx->db, optind < argc ? argv[optind] : NULL, limit, hist_run, &h, &ctx->err) < 0)
		goto fail;
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:o}", "timezone", zone, "runs", h.runs));
	json_decref(h.runs);
	if (h.n == 0)
		fprintf(stderr, "kam: no runs recorded%s%s\n", optind < argc ? " of " : "", optind < argc ? argv[optind] : "");
	return KAM_OK;
fail:
	json_decref(h.runs);
	return kam_report_error(ctx, &ctx->err);
}

/* ---- remove, enable, disable --------------------------------------------------------- */

static int keep_adder(void *arg, const struct kam_sched_job *j, kam_err *e)
{
	char **adder = arg;
	if (!(*adder = strdup(j->added_by ? j->added_by : "")))
		return kam_errf(e, "out of memory");
	return 0;
}

/* An admin changes any job; a user its own (it runs with that user's rights). */
static int may_change(kam_ctx *ctx, const char *name)
{
	char *adder = NULL;
	int rc = kam_store_sched_jobs(ctx->db, name, keep_adder, &adder, &ctx->err);
	if (rc == 0 && adder)
		rc = kam_access_may_change_job(ctx, name, adder, &ctx->err);
	free(adder);
	return rc;
}

static int cmd_change(kam_ctx *ctx, const char *verb, const char *name)
{
	int found = 0;
	if (kam_ctx_db(ctx, 0) < 0 || may_change(ctx, name) < 0 || kam_db_begin(ctx->db, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if ((strcmp(verb, "remove") == 0 ? kam_store_sched_remove(ctx->db, name, &found, &ctx->err)
					 : kam_store_sched_enable(ctx->db, name, strcmp(verb, "enable") == 0, &found,
								  &ctx->err)) < 0 ||
	    kam_db_commit(ctx->db, &ctx->err) < 0) {
		kam_db_rollback(ctx->db);
		return kam_report_error(ctx, &ctx->err);
	}
	if (!found) {
		kam_errf(&ctx->err, "schedule %s: no job named '%s'", verb, name);
		return kam_report_error(ctx, &ctx->err);
	}
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s}", "job", name, "done",
						strcmp(verb, "remove") == 0 ? "removed" :
						strcmp(verb, "enable") == 0 ? "enabled" : "disabled"));
	fprintf(stderr, "kam: job '%s' %s\n", name, strcmp(verb, "remove") == 0 ? "removed (its history stays)" :
		strcmp(verb, "enable") == 0 ? "enabled" : "disabled");
	return KAM_OK;
}

/* ---- run-due and daemon -------------------------------------------------------------- */

struct events {
	kam_ctx *ctx;
	json_t *runs;
	int daemon;
};

static void on_event(void *arg, const struct kam_sched_event *ev)
{
	struct events *x = arg;
	char slot[32], ex[24] = "";
	local(ev->slot, ev->timezone, slot, sizeof slot);
	if (ev->has_exit)
		snprintf(ex, sizeof ex, " (exit %d)", ev->exit_code);
	if (x->ctx->json && !x->daemon) {
		json_array_append_new(x->runs, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "job", ev->job, "slot", slot,
							  "status", ev->status, "exit",
							  ev->has_exit ? json_integer(ev->exit_code) : json_null(),
							  "note", jstr(ev->note), "run",
							  ev->run_id ? json_integer(ev->run_id) : json_null()));
		return;
	}
	fprintf(x->daemon || x->ctx->json ? stderr : stdout, "%s%s %s %s%s%s%s\n", x->daemon ? "kam: schedule: " : "",
		slot, ev->job, ev->status, ex, ev->note ? ": " : "", ev->note ? ev->note : "");
	fflush(NULL);
}

static int self_exe(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int cmd_scheduler(kam_ctx *ctx, int argc, char **argv, int daemon)
{
	static const struct option opts[] = {
		{"now", required_argument, NULL, 'n'},        {"keep-days", required_argument, NULL, 'k'},
		{"stop-grace", required_argument, NULL, 'g'}, {"tick", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0},
	};
	const char *cmd = daemon ? "schedule daemon" : "schedule run-due";
	char exe[PATH_MAX];
	long keep = KAM_SCHED_KEEP_DAYS, grace = 60, tick = 0;
	int c, now_given = 0;
	struct kam_sched_opts o = {0};
	struct kam_sched_stats st;
	struct events x = {ctx, json_array(), daemon};
	int rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'n') {
			if (kam_time_parse(optarg, &o.now, &ctx->err) < 0) {
				json_decref(x.runs);
				return kam_usage_error(ctx, cmd, NULL, "--now: %s", ctx->err.msg);
			}
			now_given = 1;
		} else if (c == 'k' || c == 'g' || (c == 't' && daemon)) {
			if (number(ctx, c == 'k' ? "--keep-days" : c == 'g' ? "--stop-grace" : "--tick", optarg,
				   c == 't' ? 1 : 0, c == 'k' ? 36500 : c == 'g' ? 86400 : 600000,
				   c == 'k' ? &keep : c == 'g' ? &grace : &tick) < 0) {
				json_decref(x.runs);
				return KAM_USAGE;
			}
		} else if (c == 'h') {
			json_decref(x.runs);
			fputs(USAGE, stdout);
			return KAM_OK;
		} else {
			json_decref(x.runs);
			return kam_option_error(ctx, cmd, USAGE, opts, "h", argv);
		}
	}
	if (optind < argc) {
		json_decref(x.runs);
		return kam_usage_error(ctx, cmd, USAGE, "unexpected argument '%s'", argv[optind]);
	}
	if (tick && !now_given) {
		json_decref(x.runs);
		return kam_usage_error(ctx, cmd, USAGE, "--tick needs --now (the simulated clock's start)");
	}
	if (self_exe(exe, sizeof exe) < 0) {
		json_decref(x.runs);
		kam_errf(&ctx->err, "%s: cannot find the kam binary to run jobs with", cmd);
		return kam_report_error(ctx, &ctx->err);
	}
	if (kam_ctx_db(ctx, 0) < 0) {
		json_decref(x.runs);
		return kam_report_error(ctx, &ctx->err);
	}
	o.db_path = ctx->db_path, o.exe = exe, o.keep_days = (int)keep, o.stop_grace = (int)grace;
	o.tick_ms = (int)tick, o.report = on_event, o.report_arg = &x;
	rc = daemon ? kam_sched_daemon(ctx->db, &o, &st, &ctx->err) : kam_sched_run_due(ctx->db, &o, &st, &ctx->err);
	if (rc < 0) {
		json_decref(x.runs);
		kam_err_prefix(&ctx->err, "%s", cmd);
		return kam_report_error(ctx, &ctx->err);
	}
	if (ctx->json) {
		json_t *doc = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "ran", st.ran, "ok", st.ok, "failed",
					st.failed, "skipped", st.skipped, "abandoned", st.abandoned, "trimmed", st.trimmed);
		if (doc && !daemon)
			json_object_set(doc, "runs", x.runs);
		if (doc && daemon)
			json_object_set_new(doc, "stopped_by", st.stopped_by == 15 ? json_string("SIGTERM") :
					    st.stopped_by == 2 ? json_string("SIGINT") : json_null());
		json_decref(x.runs);
		rc = kam_print_json(doc);
		return rc != KAM_OK ? rc : !daemon && st.failed ? KAM_PARTIAL : KAM_OK;
	}
	json_decref(x.runs);
	if (!daemon && st.ran + st.skipped + st.abandoned + st.trimmed > 0)
		fprintf(stderr, "kam: %d ran (%d ok, %d failed), %d skipped, %d abandoned, %d old runs trimmed\n",
			st.ran, st.ok, st.failed, st.skipped, st.abandoned, st.trimmed);
	return daemon ? KAM_OK : st.failed ? KAM_PARTIAL : KAM_OK;
}

int kam_cmd_schedule(kam_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub)
		return kam_usage_error(ctx, "schedule", USAGE, "need a subcommand (add, list, show, history, remove, "
				       "enable, disable, run-due, daemon)");
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		fputs(USAGE, stdout);
		return KAM_OK;
	}
	if (strcmp(sub, "add") == 0)
		return cmd_add(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "history") == 0)
		return cmd_history(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "run-due") == 0 || strcmp(sub, "daemon") == 0)
		return cmd_scheduler(ctx, argc - 1, argv + 1, sub[0] == 'd');
	if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "remove") == 0 ||
	    strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0) {
		int need = sub[0] != 'l';
		if (kam_wants_help(argc - 1, argv + 1)) {
			fputs(USAGE, stdout);
			return KAM_OK;
		}
		if (argc - 2 != need)
			return kam_usage_error(ctx, "schedule", USAGE, need ? "%s needs one job NAME" :
					       "%s takes no argument", sub);
		if (!need)
			return cmd_list(ctx, NULL);
		if (strcmp(sub, "show") == 0)
			return cmd_list(ctx, argv[2]);
		return cmd_change(ctx, sub, argv[2]);
	}
	return kam_usage_error(ctx, "schedule", USAGE, "unknown subcommand '%s' (add, list, show, history, remove, "
			       "enable, disable, run-due, daemon)", sub);
}

/* kam init --with-schedule: the center's calendar is scripts/schedule/calendar.lua (beside
 * the build tree, or installed), run with its directory as argument; it adds the jobs
 * through kam.store.schedule_add and returns how many it added. */
int kam_init_schedule(kam_ctx *ctx, int *added)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	lua_State *L;
	snprintf(dir, sizeof dir, "%s/../scripts/schedule", ctx->exe_dir ? ctx->exe_dir : ".");
	snprintf(path, sizeof path, "%s/calendar.lua", dir);
	if (access(path, R_OK) != 0) {
		snprintf(dir, sizeof dir, "%s/scripts/schedule", KAM_DATADIR);
		snprintf(path, sizeof path, "%s/calendar.lua", dir);
	}
	if (access(path, R_OK) != 0)
		return kam_errf(&ctx->err, "init --with-schedule: the calendar script is missing (%s)", path);
	if (!(L = kam_ctx_lua(ctx)) || kam_lua_loadfile(L, path, &ctx->err) < 0)
		return -1;
	lua_pushstring(L, dir);
	if (kam_lua_call(L, 1, 1, path, &ctx->err) < 0) {
		kam_err_prefix(&ctx->err, "init --with-schedule");
		return -1;
	}
	*added = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return 0;
}
