/* The customer archive (DOMAIN §7; seed 000 annexes 1-2): the basic block (the customers
 * table and `archive`: address, contacts, products, annual spend and volume, whether the
 * archive is filed, the customer's status and when its archive was last refreshed), the
 * extended block (`archive_extended`) and key persons (`key_persons`), both confidential
 * and kept in tables of their own, competitors, the history of every change
 * (`archive_changes`, appended, never changed or deleted) and merges of two codes of one
 * customer (`customer_merges`).
 *
 * Owns those tables.  Promises: a customer is deactivated (status lost or merged), never
 * deleted; its code never changes (a trigger refuses it); a merge moves the ledger of one
 * code to the surviving one in every month's table and in ledger_rows, keeping
 * ledger_months' counts; everything inside the caller's transaction.  The questions it
 * answers are kam_store_archive_stmts (store_stmt.h).
 *
 * A merge (kam_store_customer_merge) is one savepoint: it refuses, changing nothing, while
 * the merged code has something open that belongs to that code alone (a grading
 * override, a discount pending or in force, an unpaid claim or receivable, an unanswered
 * complaint, a green-channel enrolment the survivor lacks, a registration by another
 * team than the survivor's); otherwise it moves the ledger, visits, key persons,
 * competitors, current manager assignments and the standing registration to the
 * survivor, and records the merge and each move in archive_changes.  What is history of
 * the merged code (grading decisions, closed money records, notes, churn causes, ended
 * assignments and registrations) stays under that code. */
#ifndef KAM_STORE_ARCHIVE_H
#define KAM_STORE_ARCHIVE_H

#include <stdint.h>

#include "err.h"
#include "store_value.h"

struct kam_ledger_move {
	int months;         /* months that held rows of `from` */
	long rows;          /* rows moved (a row whose key the survivor holds is added to it) */
	int64_t amount;     /* fen moved */
};

/* Move every ledger row of from to into: a (month, line) both hold becomes one row with
 * the amounts (and volumes) added.  from keeps no ledger row. */
int kam_store_ledger_move(kam_db *db, int64_t from, int64_t into, struct kam_ledger_move *out, kam_err *e);

struct kam_customer_merge {
	long long id;               /* the customer_merges row */
	struct kam_ledger_move ledger;
	long visits, key_persons, competitors;
	int assignments_moved;      /* current assignments carried to the survivor */
	int assignments_ended;      /* ended: the survivor had its own in that role */
	int registrations_moved;    /* a standing registration carried to the survivor */
	int registrations_ended;    /* ended: expired, or the survivor's team holds it already */
};

/* Merge from into into (both stored and active: the caller checks), by `by` at `at`
 * (UTC, for the records), on `today` (YYYY-MM-DD, the database's day).  A refusal is -1
 * with e naming the conflict and what to do; nothing is then changed. */
int kam_store_customer_merge(kam_db *db, int64_t from, int64_t into, const char *reason, const char *by,
			     const char *at, const char *today, struct kam_customer_merge *out, kam_err *e);

#endif
