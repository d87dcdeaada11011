/* The scheduler (scheduler.h): due slots, claims, child processes, their ends recorded. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"
#include "log.h"
#include "scheduler.h"
#include "store_meta.h"
#include "store_schedule.h"
#include "store_tx.h"

/* A job as read at a tick (its own copies). */
struct job {
	int64_t id, time_limit;
	char *name, *cron, *script, *args, *tz, *catchup, *user;
};

struct capture {
	char *buf;
	size_t len, dropped;
};

struct child {
	pid_t pid;
	int fd[2];              /* its stdout and stderr; -1 once closed */
	struct capture cap[2];
	int64_t run_id, job_id, slot, started;
	char *job, *tz;
	int limit;
	double deadline, kill_at; /* monotonic seconds */
	int timed_out, interrupted, exited, wstatus;
};

struct sched {
	kam_db *db;
	const struct kam_sched_opts *o;
	struct kam_sched_stats *st;
	char runner[300];
	int64_t base_now, sim_now;
	double base_mono;
	int simulated;
	double rate;            /* clock seconds per real second: 1, or more on the test clock */
	struct child *kids;
	int nkids, capkids;
	int stopping;
	double stop_deadline;
	int64_t last_trim;
};

/* ---- signals: a flag and a pipe that wakes poll -------------------------------------- */

static volatile sig_atomic_t got_signal, signals;
static int wake_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	got_signal = sig;
	signals++;
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "x", 1) < 0) {
		/* the pipe is full: poll wakes anyway */
	}
	errno = saved;
}

static int catch_signals(kam_err *e)
{
	struct sigaction sa;
	if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return kam_errf(e, "schedule: cannot make a pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return 0;
}

/* ---- the clock --------------------------------------------------------------------- */

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t now_of(struct sched *s)
{
	if (s->simulated)
		return s->sim_now;
	if (!s->o->now)
		return (int64_t)time(NULL);
	return s->base_now + (int64_t)(mono() - s->base_mono);
}

/* ---- reporting ----------------------------------------------------------------------- */

static void report(struct sched *s, const struct kam_sched_event *ev)
{
	if (s->o->report)
		s->o->report(s->o->report_arg, ev);
}

static void report_skip(struct sched *s, const struct job *j, int64_t slot, int64_t now, const char *note)
{
	struct kam_sched_event ev = {.job = j->name, .timezone = j->tz, .status = "skipped", .note = note,
				     .slot = slot, .started_at = now, .ended_at = now};
	s->st->skipped++;
	report(s, &ev);
}

/* ---- jobs ---------------------------------------------------------------------------- */

struct jobs {
	struct job *v;
	int n, cap;
};

static void job_free(struct job *j)
{
	free(j->name), free(j->cron), free(j->script), free(j->args), free(j->tz), free(j->catchup);
	free(j->user);
}

static int job_copy(void *arg, const struct kam_sched_job *src, kam_err *e)
{
	struct jobs *js = arg;
	struct job *j;
	if (!src->enabled)
		return 0;
	if (js->n == js->cap) {
		int cap = js->cap ? js->cap * 2 : 16;
		struct job *v = realloc(js->v, (size_t)cap * sizeof *v);
		if (!v)
			return kam_errf(e, "schedule: not enough memory");
		js->v = v, js->cap = cap;
	}
	j = &js->v[js->n];
	*j = (struct job){src->id, src->time_limit, strdup(src->name), strdup(src->cron), strdup(src->script),
			  strdup(src->args_json), strdup(src->timezone), strdup(src->catchup), strdup(src->added_by)};
	if (!j->name || !j->cron || !j->script || !j->args || !j->tz || !j->catchup || !j->user) {
		job_free(j);
		return kam_errf(e, "schedule: not enough memory");
	}
	js->n++;
	return 0;
}

/* ---- children ------------------------------------------------------------------------ */

/* The child's argv: kam --db DB --user USER run SCRIPT ARG...  NULL on bad args. */
static char **child_argv(struct sched *s, const struct job *j, kam_err *e)
{
	json_error_t je;
	json_t *args = json_loads(j->args, 0, &je);
	size_t n = json_is_array(args) ? json_array_size(args) : 0;
	char **argv;
	if (!json_is_array(args)) {
		json_decref(args);
		kam_errf(e, "job '%s': its stored arguments are not a JSON array", j->name);
		return NULL;
	}
	if (!(argv = calloc(n + 8, sizeof *argv))) {
		json_decref(args);
		kam_errf(e, "schedule: not enough memory");
		return NULL;
	}
	argv[0] = strdup(s->o->exe), argv[1] = strdup("--db"), argv[2] = strdup(s->o->db_path);
	argv[3] = strdup("--user"), argv[4] = strdup(j->user), argv[5] = strdup("run");
	argv[6] = strdup(j->script);
	for (size_t i = 0; i < n; i++) {
		const char *a = json_string_value(json_array_get(args, i));
		argv[7 + i] = strdup(a ? a : "");
	}
	json_decref(args);
	for (size_t i = 0; i < n + 7; i++)
		if (!argv[i]) {
			for (size_t k = 0; k < n + 7; k++)
				free(argv[k]);
			free(argv);
			kam_errf(e, "schedule: not enough memory");
			return NULL;
		}
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Start the run of j's slot as a child; its record exists already (run_id). */
static int spawn(struct sched *s, const struct job *j, int64_t run_id, int64_t slot, kam_err *e)
{
	int out[2] = {-1, -1}, err[2] = {-1, -1};
	char **argv, slot_text[32], run_text[32];
	struct child *c;
	pid_t parent = getpid(), pid;

	if (kam_time_format(slot, j->tz, slot_text, sizeof slot_text, NULL, 0, e) < 0)
		return -1;
	snprintf(run_text, sizeof run_text, "%lld", (long long)run_id);
	if (s->nkids == s->capkids) {
		int cap = s->capkids ? s->capkids * 2 : 8;
		struct child *v = realloc(s->kids, (size_t)cap * sizeof *v);
		if (!v)
			return kam_errf(e, "schedule: not enough memory");
		s->kids = v, s->capkids = cap;
	}
	if (!(argv = child_argv(s, j, e)))
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		kam_errf(e, "job '%s': cannot make a pipe: %s", j->name, strerror(errno));
		goto fail;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		kam_errf(e, "job '%s': cannot start a process: %s", j->name, strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* The child: a process group of its own (a time limit kills the whole of it), dead
		 * with the scheduler, its output into the pipes, and then `kam run`. */
		int devnull = open("/dev/null", O_RDONLY);
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		setenv("KAM_SCHEDULE_JOB", j->name, 1);
		setenv("KAM_SCHEDULE_SLOT", slot_text, 1);
		setenv("KAM_SCHEDULE_TIMEZONE", j->tz, 1);
		setenv("KAM_SCHEDULE_RUN", run_text, 1);
		/* A job's script may run another kam command (the yearly grading runs kam grade). */
		setenv("KAM_BIN", argv[0], 1);
		setenv("KAM_DB", s->o->db_path, 1);
		execv(argv[0], argv);
		dprintf(2, "kam: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(out[1]), close(err[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	free_argv(argv);
	c = &s->kids[s->nkids++];
	*c = (struct child){.pid = pid, .fd = {out[0], err[0]}, .run_id = run_id, .job_id = j->id, .slot = slot,
			    .started = now_of(s), .job = strdup(j->name), .tz = strdup(j->tz),
			    .limit = (int)j->time_limit, .deadline = mono() + (double)j->time_limit,
			    .kill_at = INFINITY};
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	free_argv(argv);
	return -1;
}

/* Keep at most KAM_SCHED_OUTPUT_MAX bytes; count the rest. */
static void capture(struct capture *c, const char *data, size_t n)
{
	size_t room = KAM_SCHED_OUTPUT_MAX - c->len, take = n < room ? n : room;
	if (take) {
		char *b = realloc(c->buf, c->len + take + 1);
		if (!b) {
			c->dropped += n;
			return;
		}
		c->buf = b;
		memcpy(c->buf + c->len, data, take);
		c->len += take;
		c->buf[c->len] = '\0';
	}
	c->dropped += n - take;
}

/* Read what fd has now (until it would block); close it at its end. */
static void drain(struct child *c, int i)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(c->fd[i], buf, sizeof buf);
		if (n > 0) {
			capture(&c->cap[i], buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close(c->fd[i]);
		c->fd[i] = -1;
		return;
	}
}

/* The captured text as stored: NULs made visible, a cut at a character boundary said. */
static char *captured_text(struct capture *c)
{
	char *t;
	size_t len = c->len;
	if (!c->len && !c->dropped)
		return NULL;
	if (c->dropped)
		while (len > 0 && ((unsigned char)c->buf[len - 1] & 0xc0) == 0x80)
			len--, c->dropped++;
	if (c->dropped && len > 0 && ((unsigned char)c->buf[len - 1] & 0xc0) == 0xc0)
		len--, c->dropped++;
	for (size_t i = 0; i < len; i++)
		if (c->buf[i] == '\0')
			c->buf[i] = '?';
	if (!c->dropped)
		return strndup(c->buf ? c->buf : "", len);
	if (asprintf(&t, "%.*s\n[kam: cut: the first %zu bytes are kept, %zu more were not]", (int)len,
		     c->buf ? c->buf : "", len, c->dropped) < 0)
		return NULL;
	return t;
}

/* Record how a child ended, and forget it. */
static void finish(struct sched *s, int k)
{
	struct child *c = &s->kids[k];
	struct kam_sched_run r = {.id = c->run_id, .job_id = c->job_id, .job = c->job, .slot = c->slot};
	char *out = captured_text(&c->cap[0]), *errt = captured_text(&c->cap[1]), note[256] = "";
	kam_err e = {0};
	int ws = c->wstatus;

	if (c->interrupted) {
		r.status = "interrupted";
		snprintf(note, sizeof note, "the scheduler was stopped (signal %d) before the run ended: killed",
			 s->st->stopped_by);
	} else if (c->timed_out) {
		r.status = "timeout";
		snprintf(note, sizeof note, "killed after its time limit of %d s", c->limit);
	} else if (WIFEXITED(ws)) {
		r.status = WEXITSTATUS(ws) == 0 ? "ok" : "failed";
	} else {
		r.status = "failed";
		snprintf(note, sizeof note, "ended by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	}
	if (WIFEXITED(ws))
		r.has_exit = 1, r.exit_code = WEXITSTATUS(ws);
	r.output = out, r.error = errt, r.note = note[0] ? note : NULL;
	r.ended_at = now_of(s);
	if (kam_db_begin(s->db, &e) < 0 || kam_store_sched_finish(s->db, &r, &e) < 0 ||
	    kam_db_commit(s->db, &e) < 0) {
		kam_db_rollback(s->db);
		kam_log(KAM_LOG_WARN, "schedule: job '%s': %s", c->job, e.msg);
	}
	{
		struct kam_sched_event ev = {.job = c->job, .timezone = c->tz, .status = r.status, .note = r.note,
					     .error = errt, .slot = c->slot, .started_at = c->started,
					     .ended_at = r.ended_at, .has_exit = r.has_exit,
					     .exit_code = r.exit_code, .run_id = c->run_id};
		s->st->ran++;
		if (strcmp(r.status, "ok") == 0)
			s->st->ok++;
		else
			s->st->failed++;
		report(s, &ev);
	}
	free(out), free(errt), free(c->cap[0].buf), free(c->cap[1].buf), free(c->job), free(c->tz);
	s->kids[k] = s->kids[--s->nkids];
}

static void stop(struct sched *s, int sig)
{
	if (!s->stopping) {
		s->stopping = 1;
		s->stop_deadline = mono() + s->o->stop_grace;
		s->st->stopped_by = sig;
		if (s->nkids)
			kam_log(KAM_LOG_INFO, "schedule: stopping (signal %d): %d running job%s may take up to %d s "
				"to finish", sig, s->nkids, s->nkids == 1 ? "" : "s", s->o->stop_grace);
	} else {
		s->stop_deadline = mono();  /* a second signal: now */
	}
}

/* Wait up to timeout_ms for the children (their output, their end, their limits) or a
 * signal; return after the first event. */
static void service(struct sched *s, int timeout_ms)
{
	struct pollfd *pf = calloc((size_t)(1 + 2 * s->nkids), sizeof *pf);
	int n = 0;
	double t = mono(), next = t + timeout_ms / 1000.0;

	for (int k = 0; k < s->nkids; k++) {
		struct child *c = &s->kids[k];
		if (c->exited)
			continue;
		if (!c->timed_out && !c->interrupted && t >= c->deadline) {
			kill(-c->pid, SIGTERM);
			c->timed_out = 1;
			c->kill_at = t + 5;
		}
		if (c->kill_at <= t) {
			kill(-c->pid, SIGKILL);
			c->kill_at = INFINITY;
		}
		if (s->stopping && !c->interrupted && !c->timed_out && t >= s->stop_deadline) {
			kill(-c->pid, SIGKILL);
			c->interrupted = 1;
		}
		if (!c->timed_out && c->deadline < next)
			next = c->deadline;
		if (c->kill_at < next)
			next = c->kill_at;
		if (s->stopping && !c->interrupted && s->stop_deadline < next)
			next = s->stop_deadline;
	}
	if (pf) {
		pf[n++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
		for (int k = 0; k < s->nkids; k++)
			for (int i = 0; i < 2; i++)
				if (s->kids[k].fd[i] >= 0)
					pf[n++] = (struct pollfd){.fd = s->kids[k].fd[i], .events = POLLIN};
		/* A child that closed its output is watched by waitpid: wake often then. */
		for (int k = 0; k < s->nkids; k++)
			if (s->kids[k].fd[0] < 0 && s->kids[k].fd[1] < 0 && t + 0.05 < next)
				next = t + 0.05;
		poll(pf, (nfds_t)n, next > t ? (int)((next - t) * 1000) + 1 : 0);
		free(pf);
	} else {
		usleep(50000);
	}
	if (got_signal) {
		char drop[64];
		while (read(wake_pipe[0], drop, sizeof drop) > 0) {
		}
		stop(s, got_signal);
		got_signal = 0;
		if (s->stopping && s->stop_deadline <= mono())
			for (int k = 0; k < s->nkids; k++)
				if (!s->kids[k].exited && !s->kids[k].interrupted) {
					kill(-s->kids[k].pid, SIGKILL);
					s->kids[k].interrupted = 1;
				}
	}
	for (int k = 0; k < s->nkids; k++)
		for (int i = 0; i < 2; i++)
			if (s->kids[k].fd[i] >= 0)
				drain(&s->kids[k], i);
	for (int k = s->nkids - 1; k >= 0; k--) {
		struct child *c = &s->kids[k];
		if (!c->exited && waitpid(c->pid, &c->wstatus, WNOHANG) == c->pid)
			c->exited = 1;
		if (c->exited) {
			/* What it wrote last, then whatever it left behind in its group. */
			for (int i = 0; i < 2; i++)
				if (c->fd[i] >= 0) {
					drain(c, i);
					if (c->fd[i] >= 0)
						close(c->fd[i]), c->fd[i] = -1;
				}
			kill(-c->pid, SIGKILL);
			finish(s, k);
		}
	}
}

/* ---- deciding what is due ------------------------------------------------------------ */

static int slots_text(int64_t a, int64_t b, const char *tz, char *buf, size_t size)
{
	char ta[32], tb[32];
	kam_err e;
	if (kam_time_format(a, tz, ta, sizeof ta, NULL, 0, &e) < 0 || kam_time_format(b, tz, tb, sizeof tb, NULL, 0, &e) < 0)
		return -1;
	snprintf(buf, size, "first %s, last %s", ta, tb);
	return 0;
}

/* Deal with one job at now, in one transaction: record skips, claim a slot.  *claimed
 * the run id (0 when nothing to run), *slot its slot. */
static int decide(struct sched *s, const struct job *j, int64_t now, int *acted, int64_t *claimed,
		  int64_t *claimed_slot, kam_err *e)
{
	struct kam_cron cron;
	int found, enabled, running, count = 0;
	int64_t cursor, first, last, prev, t, started;
	struct kam_cron_span sp;
	char note[512] = "", span[128] = "";

	*claimed = 0;
	if (kam_cron_parse(&cron, j->cron, e) < 0)
		return -1;
	if (kam_store_sched_job_state(s->db, j->id, &found, &enabled, &cursor, e) < 0)
		return -1;
	if (!found || !enabled)
		return 0;
	if (kam_cron_span(&cron, j->tz, cursor, now, KAM_SCHED_CATCHUP_MAX, &sp, e) < 0)
		return -1;
	if (sp.count == 0)
		return 0;
	first = sp.first;
	last = sp.last;
	prev = sp.prev;
	count = sp.count;
	if (kam_store_sched_running(s->db, j->id, now, s->runner, &running, &started, e) < 0)
		return -1;
	if (running) {
		/* Slots that came while it ran are skipped; earlier ones (a catch-up under way
		 * elsewhere) are left to the scheduler running it. */
		if (first <= started)
			return 0;
		for (t = first; t <= now; ) {
			snprintf(note, sizeof note, "the job was still running (the run of its earlier slot)");
			if (kam_store_sched_skip(s->db, j->id, j->name, t, now, note, e) < 0)
				return -1;
			report_skip(s, j, t, now, note);
			if (kam_store_sched_set_cursor(s->db, j->id, t, e) < 0 ||
			    kam_cron_next(&cron, j->tz, t, &t, e) < 0)
				return -1;
		}
		*acted = 1;
		return 0;
	}
	if (strcmp(j->catchup, "all") == 0) {
		*claimed_slot = first;
		if (count > 1)
			snprintf(note, sizeof note, "catching up: %d%s slots due", count,
				 sp.capped ? " or more" : "");
	} else if (strcmp(j->catchup, "once") == 0) {
		*claimed_slot = last;
		if (count > 1 && slots_text(first, last, j->tz, span, sizeof span) == 0)
			snprintf(note, sizeof note, "caught up once for %d%s slots due (%s)", count,
				 sp.capped ? " or more" : "", span);
	} else {
		/* skip: a slot older than KAM_SCHED_LATE was missed; only a current one runs. */
		int late = now - last > KAM_SCHED_LATE, missed = late ? count : count - 1;
		int64_t upto = late ? last : prev;
		*claimed_slot = late ? 0 : last;
		if (missed > 0) {
			if (slots_text(first, upto, j->tz, span, sizeof span) < 0)
				span[0] = '\0';
			snprintf(note, sizeof note, "%d%s slot%s missed while nothing was running (%s): not run "
				 "(catchup=skip)", missed, sp.capped ? " or more" : "",
				 missed == 1 ? "" : "s", span);
			if (kam_store_sched_skip(s->db, j->id, j->name, upto, now, note, e) < 0)
				return -1;
			report_skip(s, j, upto, now, note);
			note[0] = '\0';
		}
		if (late) {
			*acted = 1;
			return kam_store_sched_set_cursor(s->db, j->id, last, e);
		}
	}
	{
		struct kam_sched_run r = {.job_id = j->id, .job = j->name, .slot = *claimed_slot,
					  .started_at = now,
					  .lease_until = now + (int64_t)((double)(j->time_limit + KAM_SCHED_LEASE_GRACE) *
									 s->rate),
					  .runner = s->runner, .note = note[0] ? note : NULL};
		if (kam_store_sched_claim(s->db, &r, claimed, e) < 0)
			return -1;
		if (kam_store_sched_set_cursor(s->db, j->id, *claimed_slot, e) < 0)
			return -1;
		*acted = 1;
	}
	return 0;
}

/* One job: decide in a transaction, then start what was claimed. */
static int deal(struct sched *s, const struct job *j, int64_t now, int *acted, kam_err *e)
{
	int64_t run_id = 0, slot = 0;
	if (kam_db_begin(s->db, e) < 0)
		return -1;
	if (decide(s, j, now, acted, &run_id, &slot, e) < 0) {
		kam_db_rollback(s->db);
		return -1;
	}
	if (kam_db_commit(s->db, e) < 0)
		return -1;
	if (run_id && spawn(s, j, run_id, slot, e) < 0) {
		kam_err e2 = {0};
		struct kam_sched_run r = {.id = run_id, .job_id = j->id, .job = j->name, .slot = slot,
					  .status = "failed", .note = e->msg, .ended_at = now_of(s)};
		struct kam_sched_event ev = {.job = j->name, .timezone = j->tz, .status = "failed", .note = e->msg,
					     .slot = slot, .started_at = now, .ended_at = r.ended_at, .run_id = run_id};
		if (kam_db_begin(s->db, &e2) < 0 || kam_store_sched_finish(s->db, &r, &e2) < 0 ||
		    kam_db_commit(s->db, &e2) < 0)
			kam_db_rollback(s->db);
		s->st->ran++, s->st->failed++;
		report(s, &ev);
	}
	return 0;
}

/* A tick: abandoned leases, history trimmed, every enabled job dealt with. */
static int tick(struct sched *s, int64_t now, int *acted, kam_err *e)
{
	struct jobs js = {0};
	int n = 0, rc = 0;
	*acted = 0;
	if (kam_db_begin(s->db, e) < 0)
		return -1;
	if (kam_store_sched_abandon(s->db, now, s->runner, &n, e) < 0)
		goto fail;
	s->st->abandoned += n;
	if (n)
		kam_log(KAM_LOG_WARN, "schedule: %d run%s marked abandoned (their process died; leases ran out)", n,
			n == 1 ? "" : "s");
	if (s->last_trim == 0 || now - s->last_trim >= 3600 || now < s->last_trim) {
		if (kam_store_sched_trim(s->db, now - (int64_t)s->o->keep_days * 86400, &n, e) < 0)
			goto fail;
		s->st->trimmed += n;
		s->last_trim = now;
	}
	if (kam_db_commit(s->db, e) < 0)
		return -1;
	if (kam_store_sched_jobs(s->db, NULL, job_copy, &js, e) < 0) {
		rc = -1;
		goto out;
	}
	for (int i = 0; i < js.n; i++) {
		kam_err je = {0};
		if (deal(s, &js.v[i], now, acted, &je) < 0) {
			/* One job's trouble (its zone removed from tzdata, a lock held too long) is
			 * said and the others go on. */
			kam_log(KAM_LOG_WARN, "schedule: job '%s': %s", js.v[i].name, je.msg);
			rc = 1;
		}
	}
out:
	for (int i = 0; i < js.n; i++)
		job_free(&js.v[i]);
	free(js.v);
	return rc < 0 ? -1 : 0;
fail:
	kam_db_rollback(s->db);
	return -1;
}

static int setup(struct sched *s, kam_db *db, const struct kam_sched_opts *o, struct kam_sched_stats *st,
		 kam_err *e)
{
	char host[256] = "localhost";
	memset(s, 0, sizeof *s);
	memset(st, 0, sizeof *st);
	s->db = db, s->o = o, s->st = st;
	gethostname(host, sizeof host - 1);
	{
		/* host:pid:start, so that a later process given the same pid is another runner */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(s->runner, sizeof s->runner, "%s:%ld:%lld.%09ld", host, (long)getpid(), (long long)ts.tv_sec,
			 ts.tv_nsec);
	}
	s->base_now = o->now ? o->now : (int64_t)time(NULL);
	s->base_mono = mono();
	s->sim_now = s->base_now;
	s->rate = 1;
	got_signal = 0, signals = 0;
	return catch_signals(e);
}

static void wind_down(struct sched *s)
{
	while (s->nkids > 0)
		service(s, 1000);
	free(s->kids);
	s->kids = NULL;
}

int kam_sched_run_due(kam_db *db, const struct kam_sched_opts *o, struct kam_sched_stats *st, kam_err *e)
{
	struct sched s;
	int rc = 0;
	if (setup(&s, db, o, st, e) < 0)
		return -1;
	for (;;) {
		int acted = 0;
		if (!s.stopping && tick(&s, now_of(&s), &acted, e) < 0) {
			rc = -1;
			break;
		}
		if (s.nkids == 0 && (s.stopping || !acted))
			break;
		service(&s, 1000);
	}
	wind_down(&s);
	return rc;
}

int kam_sched_daemon(kam_db *db, const struct kam_sched_opts *o, struct kam_sched_stats *st, kam_err *e)
{
	struct sched s;
	int64_t next_tick;
	double next_step;
	if (setup(&s, db, o, st, e) < 0)
		return -1;
	s.simulated = o->tick_ms > 0;
	if (s.simulated)  /* a lease covers the real time limit on the faster clock too */
		s.rate = 60000.0 / o->tick_ms;
	next_tick = now_of(&s);
	next_step = mono() + o->tick_ms / 1000.0;
	kam_log(KAM_LOG_INFO, "schedule: daemon started on %s (pid %ld)%s", o->db_path, (long)getpid(),
		s.simulated ? "; simulated clock: one minute per tick" : "");
	while (!(s.stopping && s.nkids == 0)) {
		int64_t now = now_of(&s);
		int wait_ms;
		if (!s.stopping && now >= next_tick) {
			int acted;
			kam_err te = {0};
			if (tick(&s, now, &acted, &te) < 0)
				kam_log(KAM_LOG_WARN, "schedule: %s (trying again at the next minute)", te.msg);
			next_tick = (now / 60 + 1) * 60;
		}
		if (s.simulated) {
			double left = next_step - mono();
			if (left <= 0) {
				s.sim_now += 60;
				next_step += o->tick_ms / 1000.0;
				continue;
			}
			wait_ms = (int)(left * 1000) + 1;
		} else {
			int64_t left = next_tick - now_of(&s);
			wait_ms = left <= 0 ? 0 : left > 60 ? 60000 : (int)left * 1000;
		}
		if (s.stopping)
			wait_ms = 1000;
		service(&s, wait_ms);
	}
	wind_down(&s);
	kam_log(KAM_LOG_INFO, "schedule: daemon stopped (signal %d)", st->stopped_by);
	return 0;
}

int kam_sched_next(const char *cron, const char *tz, int64_t after, int64_t *next, kam_err *e)
{
	struct kam_cron c;
	if (kam_cron_parse(&c, cron, e) < 0)
		return -1;
	return kam_cron_next(&c, tz, after, next, e);
}

int kam_sched_default_zone(kam_db *db, char *buf, size_t size, kam_err *e)
{
	int have = kam_db_meta_get(db, "timezone", buf, size, e);
	if (have < 0)
		return -1;
	if (!have || !kam_tz_valid(buf))
		kam_tz_machine(buf, size);
	return 0;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("-_.", *s)))
			return 0;
	return 1;
}

int kam_sched_add_job(kam_db *db, const struct kam_sched_job *j, int *added, kam_err *e)
{
	struct kam_sched_job x = *j;
	struct kam_cron cron;
	char zone[256], *script;
	int rc;
	if (!j->name || !valid_name(j->name))
		return kam_usagef(e, "job name '%s': use 1 to 100 letters, digits, '-', '_' or '.'",
				  j->name ? j->name : "");
	if (!j->cron || kam_cron_parse(&cron, j->cron, e) < 0)
		return j->cron ? -1 : kam_usagef(e, "job '%s' needs a cron expression", j->name);
	if (j->timezone && !kam_tz_valid(j->timezone))
		return kam_usagef(e, "--timezone '%s' is not a zone tzdata knows (like Asia/Shanghai or UTC)",
				  j->timezone);
	if (j->catchup && strcmp(j->catchup, "once") && strcmp(j->catchup, "all") && strcmp(j->catchup, "skip"))
		return kam_usagef(e, "--catchup '%s': once, all or skip", j->catchup);
	if (j->time_limit < 0 || j->time_limit > KAM_SCHED_MAX_TIME_LIMIT)
		return kam_usagef(e, "--time-limit %lld: from 1 to %d seconds", (long long)j->time_limit,
				  KAM_SCHED_MAX_TIME_LIMIT);
	if (!j->script || access(j->script, R_OK) != 0 || !(script = realpath(j->script, NULL)))
		return kam_usagef(e, "script '%s' cannot be read: %s", j->script ? j->script : "",
				  strerror(j->script ? errno : ENOENT));
	if (!j->timezone && kam_sched_default_zone(db, zone, sizeof zone, e) < 0) {
		free(script);
		return -1;
	}
	x.script = script;
	x.timezone = j->timezone ? j->timezone : zone;
	x.catchup = j->catchup ? j->catchup : "once";
	x.time_limit = j->time_limit ? j->time_limit : 3600;
	x.args_json = j->args_json ? j->args_json : "[]";
	if (kam_db_begin(db, e) < 0) {
		free(script);
		return -1;
	}
	rc = kam_store_sched_add(db, &x, added, e);
	if (rc < 0 || kam_db_commit(db, e) < 0) {
		kam_db_rollback(db);
		rc = -1;
	}
	free(script);
	return rc;
}
