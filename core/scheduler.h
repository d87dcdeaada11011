/* The scheduler: runs the stored jobs' due slots (kam schedule run-due and daemon).
 *
 * Owns: deciding which slots are due (catch-up once | all | skip), claiming them in the
 * database (store_schedule.h: the run row is the lease, so two schedulers on one database
 * run each slot once), running each job as `kam run` in a child process of its own
 * (process group, parent-death signal, time limit, output captured and bounded), and
 * recording how each ended.  No SQL and no Lua here.
 *
 * Promises: a job still running when its next slot comes has that slot recorded as
 * skipped; a run whose scheduler died is marked abandoned once its lease has passed and
 * is never run again; a failing or hanging job never stops the others.  The clock is the
 * real one, or --now and the real time elapsed since, or (daemon, for tests) --now
 * advanced one minute per tick. */
#ifndef KAM_SCHEDULER_H
#define KAM_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_db.h"

#define KAM_SCHED_OUTPUT_MAX 65536      /* bytes kept of a run's output, and of its error */
#define KAM_SCHED_LATE 300              /* a slot older than this at `now` was missed */
#define KAM_SCHED_KEEP_DAYS 90          /* history kept by default */
#define KAM_SCHED_LEASE_GRACE 120       /* the lease outlives the time limit by this */
#define KAM_SCHED_CATCHUP_MAX 10000     /* slots of catchup=all dealt with in one call */

/* What happened to one slot, for the command to print as it happens. */
struct kam_sched_event {
	const char *job, *timezone, *status, *note, *error; /* note, error NULL when none */
	int64_t slot, started_at, ended_at;
	int has_exit, exit_code;
	int64_t run_id;     /* 0 for a skipped slot */
};

struct kam_sched_opts {
	const char *db_path;    /* for the children's --db */
	const char *exe;        /* the kam binary the children run */
	int keep_days;          /* history kept, in days */
	int64_t now;            /* the clock starts here; 0: the real clock */
	int tick_ms;            /* daemon: > 0 makes the clock advance a minute per tick of this */
	int stop_grace;         /* daemon: seconds a running job may take to finish after SIGTERM */
	void (*report)(void *arg, const struct kam_sched_event *ev);
	void *report_arg;
};

struct kam_sched_stats {
	int ran, ok, failed, skipped, abandoned, trimmed;
	int stopped_by;         /* the signal that stopped it, 0 when none */
};

/* Run what is due now and wait for it; return when nothing more is due. */
int kam_sched_run_due(kam_db *db, const struct kam_sched_opts *o, struct kam_sched_stats *st, kam_err *e);
/* Stay up: run jobs at their minute, re-reading the jobs every minute, until SIGTERM or
 * SIGINT (a running job may finish within stop_grace, else it is killed and recorded
 * interrupted; a second signal kills at once). */
int kam_sched_daemon(kam_db *db, const struct kam_sched_opts *o, struct kam_sched_stats *st, kam_err *e);

/* Add a job, checked: its name (1 to 100 letters, digits, '-', '_', '.'), cron, zone
 * (NULL: the database's, meta timezone, else the machine's), catch-up (NULL: once), time
 * limit (0: an hour) and script (readable; stored as an absolute path).  A refusal is a
 * usage error naming what is wrong; *added 0 when a job of that name exists. */
struct kam_sched_job;
int kam_sched_add_job(kam_db *db, const struct kam_sched_job *j, int *added, kam_err *e);
/* The database's zone (meta timezone) or else the machine's, into buf. */
int kam_sched_default_zone(kam_db *db, char *buf, size_t size, kam_err *e);
#define KAM_SCHED_MAX_TIME_LIMIT (7 * 86400)

/* The first slot of a job's expression after `after` (the job list's "next run"). */
int kam_sched_next(const char *cron, const char *tz, int64_t after, int64_t *next, kam_err *e);

#endif
