/* Policies, grading runs and decisions (store_grading.h). */
#include "store.h"
#include "store_grading.h"
#include "store_rows_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Decisions stored by one INSERT (a statement per decision is most of the storing cost). */
#define GROUP 50
#define DECISION_COLUMNS 8

struct kam_run_writer {
	kam_db *db;
	long long run_id;
	sqlite3_stmt *ins, *group;
	struct kam_store_decision pending[GROUP];
	int npending;
};

static void utc_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Bind texts and ints in order, stopping at the first failure. */
static int bind_text(sqlite3_stmt *st, int i, const char *s, int rc)
{
	return rc != SQLITE_OK ? rc : s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int kam_store_policy_put(kam_db *db, const struct kam_store_policy *p, kam_err *e)
{
	sqlite3_stmt *st;
	char now[32];
	int rc = SQLITE_OK;
	utc_now(now);
	if (p->len > (size_t)0x7fffffff)
		return kam_errf(e, "%s: the policy's source is too long to store", db->path);
	if (kam_db_prepare(db, "INSERT INTO policies(hash, name, version, title, source, stored_at)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(hash) DO NOTHING", &st, e) < 0)
		return -1;
	rc = bind_text(st, 1, p->hash, rc);
	rc = bind_text(st, 2, p->name, rc);
	rc = bind_text(st, 3, p->version, rc);
	rc = bind_text(st, 4, p->title, rc);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, p->source, (int)p->len, SQLITE_STATIC);
	rc = bind_text(st, 6, now, rc);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "store the policy", e);
	return 0;
}

void kam_store_run_free(kam_run_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->group);
	free(w);
}

int kam_store_run_begin(kam_db *db, const struct kam_store_run *run, kam_run_writer **out,
			long long *run_id, kam_err *e)
{
	static const char head[] = "INSERT INTO decisions(run, code, grade, computed, score, reasons, override, labels)"
				   " VALUES ";
	char sql[sizeof head + GROUP * 18], at[32];
	kam_run_writer *w;
	sqlite3_stmt *st;
	int rc = SQLITE_OK;

	*out = NULL;
	utc_now(at);
	if (kam_db_prepare(db, "INSERT INTO grading_runs(year, policy_hash, as_of, decided_at, decided_by,"
			   " customers) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, e) < 0)
		return -1;
	rc = sqlite3_bind_int(st, 1, run->year);
	rc = bind_text(st, 2, run->policy_hash, rc);
	rc = bind_text(st, 3, run->as_of, rc);
	rc = bind_text(st, 4, at, rc);
	rc = bind_text(st, 5, run->decided_by ? run->decided_by : "", rc);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, run->customers);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "record the grading run", e);
	if (!(w = calloc(1, sizeof *w)))
		return kam_errf(e, "%s: out of memory", db->path);
	w->db = db;
	w->run_id = *run_id = sqlite3_last_insert_rowid(db->h);
	snprintf(sql, sizeof sql, "%s", head);
	for (int i = 0; i < GROUP; i++)
		strcat(sql, i ? ",(?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)");
	if (kam_db_prepare(db, sql, &w->group, e) < 0 ||
	    kam_db_prepare(db, "INSERT INTO decisions(run, code, grade, computed, score, reasons, override, labels)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &w->ins, e) < 0) {
		kam_store_run_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

static int bind_decision(kam_run_writer *w, sqlite3_stmt *st, int at, const struct kam_store_decision *d)
{
	int rc = sqlite3_bind_int64(st, at + 1, w->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, at + 2, d->code);
	rc = bind_text(st, at + 3, d->grade, rc);
	rc = bind_text(st, at + 4, d->computed, rc);
	if (rc == SQLITE_OK)
		rc = d->has_score ? sqlite3_bind_double(st, at + 5, d->score) : sqlite3_bind_null(st, at + 5);
	rc = bind_text(st, at + 6, d->reasons, rc);
	if (rc == SQLITE_OK)
		rc = d->override_id ? sqlite3_bind_int64(st, at + 7, d->override_id) : sqlite3_bind_null(st, at + 7);
	return bind_text(st, at + 8, d->labels, rc);
}

int kam_store_run_add(kam_run_writer *w, const struct kam_store_decision *d, kam_err *e)
{
	int rc = SQLITE_OK;
	w->pending[w->npending++] = *d;
	if (w->npending < GROUP)
		return 0;
	for (int k = 0; k < GROUP && rc == SQLITE_OK; k++)
		rc = bind_decision(w, w->group, k * DECISION_COLUMNS, &w->pending[k]);
	w->npending = 0;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(w->group);
	sqlite3_reset(w->group);
	if (rc != SQLITE_DONE)
		return kam_db_fail(w->db, rc, "record decisions", e);
	return 0;
}

int kam_store_run_flush(kam_run_writer *w, kam_err *e)
{
	for (int k = 0; k < w->npending; k++) {
		int rc = bind_decision(w, w->ins, 0, &w->pending[k]);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(w->ins);
		sqlite3_reset(w->ins);
		if (rc != SQLITE_DONE) {
			w->npending = 0;
			return kam_db_fail(w->db, rc, "record a decision", e);
		}
	}
	w->npending = 0;
	return 0;
}

int kam_store_decision_latest(kam_db *db, int64_t code, int year, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code), KAM_SV_INT(year)};
	return kam_store_walk(db, "SELECT d.id, d.grade, d.computed, d.score, d.reasons, d.labels, d.override, r.id AS run, "
			      "r.year, r.as_of, r.decided_at, r.decided_by, p.name AS policy, p.version AS "
			      "policy_version, p.hash AS policy_hash FROM decisions d JOIN grading_runs r ON "
			      "r.id = d.run JOIN policies p ON p.hash = r.policy_hash WHERE d.code = ?1 AND "
			      "r.year = ?2 ORDER BY d.id DESC LIMIT 1", v, 2, each, arg, "read decisions", e);
}
