/* The facts' storage: reads, never writes, the customers, the ledger (the view over the
 * per-month tables, store_ledger.h) and the bureaus' entered revenue, in the orders facts.c
 * merges them in: customers by code; ledger rows by code within each month's table.
 * Promises rows as plain values valid during the callback only, a second read-only
 * connection for reading beside the first (it sees the same state only while no writer can
 * commit: the caller holds the write lock), and -1 with a kam_err on failure.  A callback
 * returning -1 stops the read; its error is its own (e is left as the callback left it). */
#ifndef KAM_STORE_FACTS_H
#define KAM_STORE_FACTS_H

#include <stdint.h>

#include "store_db.h"
#include "store_tx.h"

struct kam_store_text {
	const unsigned char *s;    /* NULL for NULL */
	int n;
};

struct kam_store_customer_row {
	int64_t code;
	struct kam_store_text name, place, city, county, admin_code, industry, nature, reach, account,
		important, potential;
	int agreement, network_wide, one_time;
	/* The archive's standing: status 'active', 'lost' or 'merged' (NULL: no archive row,
	 * active), since a day; the surviving code of a merge (0 otherwise). */
	struct kam_store_text status, status_since;
	int64_t merged_into;
};

/* Every customer in code order, or (only_code != 0) those of its city and of its own
 * bureau (the county's in a county, else the city's). */
int kam_store_facts_customers(kam_db *db, int64_t only_code,
			      int (*each)(void *arg, const struct kam_store_customer_row *r), void *arg,
			      kam_err *e);

struct kam_store_ledger_row {
	int64_t code;
	int month;                 /* YYYYMM */
	struct kam_store_text line;
	int64_t amount, volume;
};

typedef struct kam_store_reader kam_store_reader;
/* A second read-only connection to db's file; -1 (e filled) when it cannot be had. */
int kam_store_reader_open(kam_db *db, kam_store_reader **out, kam_err *e);
void kam_store_reader_close(kam_store_reader *r);

/* The ledger rows of codes lo <= code < hi, of months first..last (both 0: every month;
 * then only code and month are read), on rd (NULL: db's own connection). */
int kam_store_facts_ledger(kam_db *db, kam_store_reader *rd, int64_t lo, int64_t hi, int first, int last,
			   int (*each)(void *arg, const struct kam_store_ledger_row *r), void *arg, kam_err *e);

/* The bureaus' revenue entered for year. */
int kam_store_facts_bureau_revenue(kam_db *db, int year, int (*each)(void *arg, const char *bureau, int64_t amount),
				   void *arg, kam_err *e);

#endif
