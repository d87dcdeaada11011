/* Grading's storage: the policies' sources (by hash), the grading runs and their
 * decisions.  Owns the tables policies, grading_runs and decisions; promises that a run's
 * decisions are appended, never changed, inside the caller's transaction (it opens
 * none), and that every statement's failure comes back as -1 and a kam_err naming the
 * database.  Plain C types: codes int64, scores double, reasons a JSON array as text. */
#ifndef KAM_STORE_GRADING_H
#define KAM_STORE_GRADING_H

#include <stddef.h>
#include <stdint.h>

#include "store_db.h"
#include "store_tx.h"
#include "store_rows.h"

/* A policy's source under its hash (kept once: a hash already stored is left alone). */
struct kam_store_policy {
	const char *hash, *name, *version, *title;
	const char *source;
	size_t len;
};
int kam_store_policy_put(kam_db *db, const struct kam_store_policy *p, kam_err *e);

/* A grading run: its row now, its decisions one by one. */
struct kam_store_run {
	int year;
	const char *policy_hash, *as_of, *decided_by;   /* decided_by NULL: "" */
	int64_t customers;
};
struct kam_store_decision {
	int64_t code;
	const char *grade, *computed;
	int has_score;
	double score;
	const char *reasons;
	const char *labels;        /* a JSON object of strings, or NULL */
	long long override_id;     /* 0: none */
};
typedef struct kam_run_writer kam_run_writer;

/* Record the run (decided_at: now, UTC) and get a writer for its decisions. */
int kam_store_run_begin(kam_db *db, const struct kam_store_run *run, kam_run_writer **out,
			long long *run_id, kam_err *e);
/* Add a decision.  Decisions are stored in groups (one INSERT of many rows costs far less
 * than one each): the strings of d must live until the group is stored, that is until
 * kam_store_run_flush, or until a later add fills the group. */
int kam_store_run_add(kam_run_writer *w, const struct kam_store_decision *d, kam_err *e);
/* Store the decisions still waiting (then their strings may go). */
int kam_store_run_flush(kam_run_writer *w, kam_err *e);
void kam_store_run_free(kam_run_writer *w);

/* The latest decision of a customer for a year (no call when there is none): id, grade,
 * computed, score, reasons, labels, override, run, year, as_of, decided_at, decided_by, policy,
 * policy_version, policy_hash. */
int kam_store_decision_latest(kam_db *db, int64_t code, int year, kam_store_row_fn each, void *arg, kam_err *e);

#endif
