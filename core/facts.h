/* The facts a policy decides from, computed in one pass over the customers and one over
 * the ledger (both in code order, so they merge without sorting): revenue by year, line
 * and month, the bureau's figures and each agreement customer's rank in its bureau.
 * Pure C (no lua.h): a batch of facts is written straight into the worker's buffer. */
#ifndef KAM_FACTS_H
#define KAM_FACTS_H

#include <stdint.h>

#include "lser.h"
#include "store.h"

#define KAM_LINES 12
extern const char *const kam_line_names[KAM_LINES];

/* Fact groups beyond the basic ones, as a policy's `needs` lists them. */
enum {
	KAM_NEED_BY_LINE = 1,
	KAM_NEED_MONTHLY = 2,
	KAM_NEED_BUREAU = 4,
	KAM_NEED_HISTORY = 8,       /* first_month: a scan of the whole ledger, not just the year */
	KAM_NEED_PROFILE = 16,      /* name, admin_code, industry, nature: text no rule set grades on */
	KAM_NEED_VOLUME = 32,       /* pieces: a third more work for the ledger scan */
	KAM_NEED_ALL = 63,
};

struct kam_customer_facts {
	int64_t code;
	/* Archive columns, offsets into the text arena (0: NULL). */
	uint32_t name, place, city, county, admin_code, industry, nature, reach, account, important,
		 potential;
	unsigned agreement : 1, network_wide : 1, one_time : 1;
	int bureau;                     /* index into bureaus */
	int first_month;                /* YYYYMM of the first ledger row, 0 when none */
	int lines;                      /* business lines with revenue != 0 in the year */
	int rank;                       /* in the bureau among agreement customers; 0 without agreement */
	int64_t revenue, december, volume;
	int64_t by_line[KAM_LINES], december_by_line[KAM_LINES], monthly[12];
};

struct kam_bureau_facts {
	uint32_t name;                  /* offset into the text arena */
	int64_t ledger_total;           /* the ledger's revenue of the bureau's customers in the year */
	int64_t entered;                /* the center's figure, when has_entered */
	int has_entered;
	int agreement_customers;
};

typedef struct kam_facts {
	int year;
	int needs;                      /* the groups computed */
	size_t n;
	struct kam_customer_facts *c;   /* in code order */
	size_t nbureaus;
	struct kam_bureau_facts *bureaus;
	char *text;                     /* the arena: strings NUL-terminated, offset 0 is "" */
	size_t text_len, text_cap;
} kam_facts;

/* Facts for year for every customer, or (only_code != 0) for the customers of that
 * customer's bureau, which is what its own bureau facts need.  needs (KAM_NEED_*) says
 * which groups to compute: without by_line and monthly the ledger is summed by SQLite. */
int kam_facts_load(kam_db *db, int year, int64_t only_code, int needs, kam_facts *f, kam_err *e);
void kam_facts_free(kam_facts *f);

/* Customer i's facts as the policy sees them (a Lua table), with the groups in needs. */
void kam_facts_put(const kam_facts *f, size_t i, int needs, kam_buf *b);
/* Index of code, or -1. */
long kam_facts_find(const kam_facts *f, int64_t code);
const char *kam_facts_text(const kam_facts *f, uint32_t off);

#endif
