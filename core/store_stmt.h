/* Named statements of the storage layer: the obligation aggregates (archive, codes,
 * managers, visits, registrations; issue 21) each keep a table of what they answer, one
 * entry a question: its name (the kam.store function it becomes), the types of its
 * parameters, and its SQL, which never leaves the storage layer.  l_store_obligations.c
 * makes a Lua function of each entry that checks its arguments against `params`.
 *
 * Owns nothing; promises: every value is bound (never pasted), every bind and step is
 * checked, -1 and a kam_err naming `what` on failure; writes happen in the caller's
 * transaction (none is opened here); a row's strings live only during the callback. */
#ifndef KAM_STORE_STMT_H
#define KAM_STORE_STMT_H

#include "err.h"
#include "store_rows.h"
#include "store_value.h"

enum kam_stmt_returns {
	KAM_STMT_ROWS,    /* every row: an array */
	KAM_STMT_ROW,     /* the first row, or none (nil) */
	KAM_STMT_NONE,    /* nothing: a write */
};

struct kam_store_stmt {
	const char *name;     /* kam.store.NAME */
	/* One letter a parameter: c a customer code, i an integer, t text; upper case (C, I,
	 * T): may be nil, bound as NULL. */
	const char *params;
	enum kam_stmt_returns returns;
	const char *sql;
	const char *what;     /* for the error: "read the archive" */
};

/* The statements whose rows hold confidential fields (DOMAIN §12), by name: what they are,
 * for the audit log, and the columns masked for a reader who may not see them
 * (store_rows_impl.h's kam_store_walk_secret).  Ended by an entry whose name is NULL. */
struct kam_store_stmt_secret {
	const char *name;
	const char *topic;
	const char *const *cols;
};
extern const struct kam_store_stmt_secret kam_store_secret_stmts[];
/* The confidential columns of key persons and of the extended archive block. */
extern const char *const kam_secret_person_cols[];
extern const char *const kam_secret_extended_cols[];

/* Run s with its n values (KAM_STORE_INT, KAM_STORE_TEXT or KAM_STORE_NULL), each row to
 * each (which may be NULL). */
int kam_store_stmt_run(kam_db *db, const struct kam_store_stmt *s, const kam_store_value *v, int n,
		       kam_store_row_fn each, void *arg, kam_err *e);

/* The entry of table t named name (NULL when none). */
const struct kam_store_stmt *kam_store_stmt_find(const struct kam_store_stmt *t, const char *name);

/* The tables, each ended by an entry whose name is NULL. */
extern const struct kam_store_stmt kam_store_archive_stmts[];
extern const struct kam_store_stmt kam_store_codes_stmts[];
extern const struct kam_store_stmt kam_store_managers_stmts[];
extern const struct kam_store_stmt kam_store_visits_stmts[];
extern const struct kam_store_stmt kam_store_registration_stmts[];
extern const struct kam_store_stmt kam_store_assessment_stmts[];

#endif
