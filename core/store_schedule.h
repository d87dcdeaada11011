/* Scheduled jobs and their runs' history (kam schedule; the scheduler in scheduler.c).
 *
 * Owns: the tables schedule_jobs and schedule_runs.  A job's cursor is the last slot
 * the scheduler has dealt with (run, or recorded as skipped): slots after it are due.
 * A run row is also the lease on its slot: UNIQUE (job, slot) lets one scheduler only
 * claim a slot, and a 'running' row whose lease_until has passed belongs to a process
 * that died (abandoned).
 *
 * Promises: instants are Unix seconds; strings are valid only during a callback; every
 * function writes inside the caller's transaction when one is open (it opens none),
 * "-1 and a kam_err" on failure. */
#ifndef KAM_STORE_SCHEDULE_H
#define KAM_STORE_SCHEDULE_H

#include <stdint.h>

#include "store_db.h"

struct kam_sched_job {
	int64_t id;
	const char *name, *cron, *script, *args_json, *timezone, *catchup, *added_by;
	int enabled;
	int64_t time_limit, added_at, cursor;
};

struct kam_sched_run {
	int64_t id, job_id, slot;
	const char *job, *status, *output, *error, *note, *runner;   /* NULL: none */
	int64_t started_at, ended_at, lease_until;                  /* 0: none */
	int has_exit, exit_code;
};

typedef int (*kam_sched_job_fn)(void *arg, const struct kam_sched_job *j, kam_err *e);
typedef int (*kam_sched_run_fn)(void *arg, const struct kam_sched_run *r, kam_err *e);

/* Add a job (id and enabled, cursor as given); *added 0 when a job of that name exists. */
int kam_store_sched_add(kam_db *db, const struct kam_sched_job *j, int *added, kam_err *e);
/* Remove a job (its history stays); *found 0 when there is none of that name. */
int kam_store_sched_remove(kam_db *db, const char *name, int *found, kam_err *e);
/* Enable or disable; *found 0 when there is no such job. */
int kam_store_sched_enable(kam_db *db, const char *name, int enabled, int *found, kam_err *e);
/* Every job (only the one named, when name is not NULL), by name. */
int kam_store_sched_jobs(kam_db *db, const char *name, kam_sched_job_fn each, void *arg, kam_err *e);
/* Move a job's cursor forward to slot (never back). */
int kam_store_sched_set_cursor(kam_db *db, int64_t job_id, int64_t slot, kam_err *e);
/* A job's enabled flag and cursor as stored now (*found 0: removed meanwhile). */
int kam_store_sched_job_state(kam_db *db, int64_t job_id, int *found, int *enabled, int64_t *cursor,
			      kam_err *e);

/* Claim slot of a job: a 'running' row with its lease; *run_id its id, or 0 when
 * another scheduler holds or held that slot already. */
int kam_store_sched_claim(kam_db *db, const struct kam_sched_run *r, int64_t *run_id, kam_err *e);
/* Record a slot that did not run (status 'skipped', the note saying why); a slot already
 * recorded is left as it is. */
int kam_store_sched_skip(kam_db *db, int64_t job_id, const char *job, int64_t slot, int64_t at,
			 const char *note, kam_err *e);
/* End a claimed run: its status, end, exit code (when has_exit), output and error. */
int kam_store_sched_finish(kam_db *db, const struct kam_sched_run *r, kam_err *e);
/* Whether a run of the job holds its lease at `now` (running, lease not past, or run by
 * `runner`, which knows its own are alive), and when the earliest such run started. */
int kam_store_sched_running(kam_db *db, int64_t job_id, int64_t now, const char *runner, int *running,
			    int64_t *started, kam_err *e);
/* Mark 'abandoned' every running row whose lease ended before now, except runner's own;
 * *n how many. */
int kam_store_sched_abandon(kam_db *db, int64_t now, const char *runner, int *n, kam_err *e);
/* Runs, newest first (of one job when name is not NULL), at most limit (0: all). */
int kam_store_sched_history(kam_db *db, const char *name, int64_t limit, kam_sched_run_fn each, void *arg,
			    kam_err *e);
/* Delete the ended runs that ended before `before`; *n how many. */
int kam_store_sched_trim(kam_db *db, int64_t before, int *n, kam_err *e);

#endif
