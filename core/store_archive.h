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
 * answers are kam_store_archive_stmts (store_stmt.h). */
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

#endif
