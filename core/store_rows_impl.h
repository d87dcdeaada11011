/* Inside the storage layer only: one statement run with bound values, each row to a
 * callback (store_rows.h).  Every bind and step checked; -1 and a kam_err naming `what`. */
#ifndef KAM_STORE_ROWS_IMPL_H
#define KAM_STORE_ROWS_IMPL_H

#include "store.h"
#include "store_rows.h"

struct kam_store_val {
	int type;          /* KAM_STORE_INT, KAM_STORE_TEXT (s NULL binds NULL), KAM_STORE_NULL */
	int64_t i;
	const char *s;
};
#define KAM_SV_INT(v) ((struct kam_store_val){KAM_STORE_INT, (v), NULL})
#define KAM_SV_TEXT(v) ((struct kam_store_val){KAM_STORE_TEXT, 0, (v)})

int kam_store_walk(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
		   kam_store_row_fn each, void *arg, const char *what, kam_err *e);

/* A row callback for a one-integer query (a count, a max): its first column into
 * *(int64_t *)arg (0 when it is not an integer). */
int kam_store_int_row(void *arg, const kam_store_row *r, kam_err *e);

/* Rows holding confidential fields (DOMAIN §12): the columns named in cols read as "***"
 * for an actor who may not see them, or on a database kam cannot write (a read that
 * cannot be logged is not made); otherwise the read is logged (store_access.h), once per
 * walk that returns a row.  The one place where that is decided. */
struct kam_store_secret {
	const char *topic;          /* "discounts", "key persons", ... for the log */
	int64_t customer;           /* the customer read, 0 when several or unknown */
	const char *const *cols;    /* NULL-terminated */
};
/* The confidential columns of a receivable (store_arrears.c): what is owed (DOMAIN §6). */
extern const char *const kam_secret_receivable_cols[];
int kam_store_walk_secret(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
			  const struct kam_store_secret *secret, kam_store_row_fn each, void *arg, const char *what,
			  kam_err *e);

/* A list of records by state on a day (discounts, claims, complaints): the rows of select
 * (".. FROM .. x") of one customer (?1, NULL: every one) made by the day (?2; the record's
 * day column `day`), in the state whose WHERE text is the fixed one the table gives
 * (NULL: every state), by `order`.  An unknown state, or one that reads ?2 without a day,
 * is an error naming `what` and the states.  secret NULL: nothing confidential. */
struct kam_store_state {
	const char *state, *where;
};
struct kam_store_list {
	const char *what, *select, *code, *day, *order;
	const struct kam_store_state *states;
	size_t nstates;
};
int kam_store_list_by_state(kam_db *db, const struct kam_store_list *l, const int64_t *code, const char *state,
			    const char *as_of, const struct kam_store_secret *secret, kam_store_row_fn each, void *arg,
			    kam_err *e);

#endif
