/* Scheduled jobs and their runs (store_schedule.h). */
#include <string.h>

#include "store.h"
#include "store_rows_impl.h"
#include "store_schedule.h"

#define JOB_COLUMNS "id, name, cron, script, args, timezone, catchup, added_by, enabled, time_limit, " \
	"added_at, cursor"
#define RUN_COLUMNS "id, job_id, job, slot, status, output, error, note, runner, started_at, ended_at, " \
	"lease_until, exit_code"

/* Run one statement; *changes (when not NULL) the rows it changed. */
static int schedule_write(kam_db *db, const char *sql, const struct kam_store_val *v, int n, int *changes,
		 const char *what, kam_err *e)
{
	if (kam_store_walk(db, sql, v, n, NULL, NULL, what, e) < 0)
		return -1;
	if (changes)
		*changes = sqlite3_changes(db->h);
	return 0;
}

int kam_store_sched_add(kam_db *db, const struct kam_sched_job *j, int *added, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(j->name), KAM_SV_TEXT(j->cron), KAM_SV_TEXT(j->script),
				    KAM_SV_TEXT(j->args_json), KAM_SV_TEXT(j->timezone), KAM_SV_TEXT(j->catchup),
				    KAM_SV_TEXT(j->added_by), KAM_SV_INT(j->enabled), KAM_SV_INT(j->time_limit),
				    KAM_SV_INT(j->added_at), KAM_SV_INT(j->cursor)};
	/* A new id above every job's and every run's: a removed job's history never meets a
	 * later job's slots (runs are unique by job id and slot). */
	return schedule_write(db, "INSERT INTO schedule_jobs(id, name, cron, script, args, timezone, catchup, added_by, enabled, "
		     "time_limit, added_at, cursor) VALUES (1 + max(coalesce((SELECT max(id) FROM schedule_jobs), 0), "
		     "coalesce((SELECT max(job_id) FROM schedule_runs), 0)), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		     "ON CONFLICT(name) DO NOTHING", v, 11, added, "add the job", e);
}

int kam_store_sched_remove(kam_db *db, const char *name, int *found, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(name)};
	return schedule_write(db, "DELETE FROM schedule_jobs WHERE name = ?1", v, 1, found, "remove the job", e);
}

int kam_store_sched_enable(kam_db *db, const char *name, int enabled, int *found, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(enabled != 0), KAM_SV_TEXT(name)};
	if (schedule_write(db, "UPDATE schedule_jobs SET enabled = ?1 WHERE name = ?2", v, 2, found, "change the job", e) < 0)
		return -1;
	return 0;
}

struct job_walk {
	kam_sched_job_fn each;
	void *arg;
};

static const char *text(const kam_store_row *r, int i)
{
	return kam_store_row_text(r, i, NULL);
}

static int job_row(void *arg, const kam_store_row *r, kam_err *e)
{
	struct job_walk *w = arg;
	struct kam_sched_job j = {
		kam_store_row_int(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5), text(r, 6),
		text(r, 7), (int)kam_store_row_int(r, 8), kam_store_row_int(r, 9), kam_store_row_int(r, 10),
		kam_store_row_int(r, 11),
	};
	return w->each(w->arg, &j, e);
}

int kam_store_sched_jobs(kam_db *db, const char *name, kam_sched_job_fn each, void *arg, kam_err *e)
{
	struct job_walk w = {each, arg};
	struct kam_store_val v[] = {KAM_SV_TEXT(name)};
	return kam_store_walk(db, "SELECT " JOB_COLUMNS " FROM schedule_jobs WHERE ?1 IS NULL OR name = ?1 "
			      "ORDER BY name", v, 1, job_row, &w, "read the jobs", e);
}

int kam_store_sched_set_cursor(kam_db *db, int64_t job_id, int64_t slot, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(slot), KAM_SV_INT(job_id)};
	return schedule_write(db, "UPDATE schedule_jobs SET cursor = max(cursor, ?1) WHERE id = ?2", v, 2, NULL,
		     "move the job's cursor", e);
}

struct state {
	int *found, *enabled;
	int64_t *cursor;
};

static int state_row(void *arg, const kam_store_row *r, kam_err *e)
{
	struct state *s = arg;
	(void)e;
	*s->found = 1;
	*s->enabled = (int)kam_store_row_int(r, 0);
	*s->cursor = kam_store_row_int(r, 1);
	return 0;
}

int kam_store_sched_job_state(kam_db *db, int64_t job_id, int *found, int *enabled, int64_t *cursor,
			      kam_err *e)
{
	struct state s = {found, enabled, cursor};
	struct kam_store_val v[] = {KAM_SV_INT(job_id)};
	*found = 0;
	return kam_store_walk(db, "SELECT enabled, cursor FROM schedule_jobs WHERE id = ?1", v, 1, state_row, &s,
			      "read the job", e);
}

int kam_store_sched_claim(kam_db *db, const struct kam_sched_run *r, int64_t *run_id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(r->job_id), KAM_SV_TEXT(r->job), KAM_SV_INT(r->slot),
				    KAM_SV_INT(r->started_at), KAM_SV_INT(r->lease_until), KAM_SV_TEXT(r->runner),
				    KAM_SV_TEXT(r->note)};
	int claimed;
	if (schedule_write(db, "INSERT INTO schedule_runs(job_id, job, slot, status, started_at, lease_until, runner, note) "
		  "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7) ON CONFLICT(job_id, slot) DO NOTHING", v, 7,
		  &claimed, "claim the slot", e) < 0)
		return -1;
	*run_id = claimed ? sqlite3_last_insert_rowid(db->h) : 0;
	return 0;
}

int kam_store_sched_skip(kam_db *db, int64_t job_id, const char *job, int64_t slot, int64_t at,
			 const char *note, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(job_id), KAM_SV_TEXT(job), KAM_SV_INT(slot), KAM_SV_INT(at),
				    KAM_SV_TEXT(note)};
	return schedule_write(db, "INSERT INTO schedule_runs(job_id, job, slot, status, started_at, ended_at, note) "
		     "VALUES (?1, ?2, ?3, 'skipped', ?4, ?4, ?5) ON CONFLICT(job_id, slot) DO NOTHING", v, 5, NULL,
		     "record the skipped slot", e);
}

int kam_store_sched_finish(kam_db *db, const struct kam_sched_run *r, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_TEXT(r->status), KAM_SV_INT(r->ended_at),
				    r->has_exit ? KAM_SV_INT(r->exit_code) : KAM_SV_TEXT(NULL),
				    KAM_SV_TEXT(r->output), KAM_SV_TEXT(r->error), KAM_SV_TEXT(r->note),
				    KAM_SV_INT(r->id)};
	int changed;
	if (schedule_write(db, "UPDATE schedule_runs SET status = ?1, ended_at = ?2, exit_code = ?3, output = ?4, "
		  "error = ?5, note = CASE WHEN ?6 IS NULL THEN note WHEN note IS NULL THEN ?6 ELSE note || '; ' || ?6 END, "
		  "lease_until = NULL WHERE id = ?7 AND status = 'running'",
		  v, 7, &changed, "record the run", e) < 0)
		return -1;
	if (!changed)
		return kam_errf(e, "run %lld of job '%s' was no longer running when it ended (marked abandoned "
				"meanwhile: its lease had run out)", (long long)r->id, r->job);
	return 0;
}

struct live {
	int *running;
	int64_t *started;
};

static int live_row(void *arg, const kam_store_row *r, kam_err *e)
{
	struct live *l = arg;
	(void)e;
	*l->running = (int)kam_store_row_int(r, 0);
	*l->started = kam_store_row_int(r, 1);
	return 0;
}

int kam_store_sched_running(kam_db *db, int64_t job_id, int64_t now, const char *runner, int *running,
			    int64_t *started, kam_err *e)
{
	struct live l = {running, started};
	struct kam_store_val v[] = {KAM_SV_INT(job_id), KAM_SV_INT(now), KAM_SV_TEXT(runner)};
	*running = 0, *started = 0;
	return kam_store_walk(db, "SELECT count(*), coalesce(min(started_at), 0) FROM schedule_runs "
			      "WHERE job_id = ?1 AND status = 'running' AND (lease_until >= ?2 OR runner = ?3)",
			      v, 3, live_row, &l,
			      "read the running jobs", e);
}

int kam_store_sched_abandon(kam_db *db, int64_t now, const char *runner, int *n, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(now), KAM_SV_TEXT(runner)};
	return schedule_write(db, "UPDATE schedule_runs SET status = 'abandoned', ended_at = lease_until, "
		     "error = 'the process running it ended without recording it (killed, or the machine "
		     "stopped); its lease ran out at ' || strftime('%Y-%m-%dT%H:%M:%SZ', lease_until, 'unixepoch') "
		     "WHERE status = 'running' AND lease_until < ?1 AND runner IS NOT ?2", v, 2, n,
		     "mark abandoned runs", e);
}

struct run_walk {
	kam_sched_run_fn each;
	void *arg;
};

static const char *opt_text(const kam_store_row *r, int i)
{
	return kam_store_row_type(r, i) == KAM_STORE_NULL ? NULL : text(r, i);
}

static int run_row(void *arg, const kam_store_row *r, kam_err *e)
{
	struct run_walk *w = arg;
	struct kam_sched_run run = {
		.id = kam_store_row_int(r, 0), .job_id = kam_store_row_int(r, 1), .job = text(r, 2),
		.slot = kam_store_row_int(r, 3), .status = text(r, 4), .output = opt_text(r, 5),
		.error = opt_text(r, 6), .note = opt_text(r, 7), .runner = opt_text(r, 8),
		.started_at = kam_store_row_int(r, 9), .ended_at = kam_store_row_int(r, 10),
		.lease_until = kam_store_row_int(r, 11),
		.has_exit = kam_store_row_type(r, 12) != KAM_STORE_NULL, .exit_code = (int)kam_store_row_int(r, 12),
	};
	return w->each(w->arg, &run, e);
}

int kam_store_sched_history(kam_db *db, const char *name, int64_t limit, kam_sched_run_fn each, void *arg,
			    kam_err *e)
{
	struct run_walk w = {each, arg};
	struct kam_store_val v[] = {KAM_SV_TEXT(name), KAM_SV_INT(limit > 0 ? limit : -1)};
	return kam_store_walk(db, "SELECT " RUN_COLUMNS " FROM schedule_runs WHERE ?1 IS NULL OR job = ?1 "
			      "ORDER BY slot DESC, id DESC LIMIT ?2", v, 2, run_row, &w, "read the runs", e);
}

int kam_store_sched_trim(kam_db *db, int64_t before, int *n, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(before)};
	return schedule_write(db, "DELETE FROM schedule_runs WHERE status <> 'running' AND ended_at < ?1", v, 1, n,
		     "trim the history", e);
}
