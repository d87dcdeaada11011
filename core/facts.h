/* The facts a policy decides from, computed in one pass over the customers and one over
 * the ledger (both in code order, so they merge without sorting): revenue by year, line
 * and month, the bureau's figures and each agreement customer's rank in its bureau.
 * Pure C (no lua.h): a batch of facts is written straight into the worker's buffer. */
#ifndef KAM_FACTS_H
#define KAM_FACTS_H

#include <stdint.h>

#include "lser.h"
#include "store_db.h"
#include "store_tx.h"

/* The ledger's business lines: the one list (the schema's CHECK spells the same names;
 * Lua gets it as kam.grading.lines). */
#define KAM_LINES 12
extern const char *const kam_line_names[KAM_LINES];

/* Fact groups beyond the basic ones, as a policy's `needs` lists them.  The bits above
 * KAM_NEED_LINES_SHIFT carry the lines a policy's revenue counts (its `revenue_lines`):
 * bit l for kam_line_names[l]; none set means every line. */
enum {
	KAM_NEED_BY_LINE = 1,
	KAM_NEED_MONTHLY = 2,
	KAM_NEED_BUREAU = 4,
	KAM_NEED_HISTORY = 8,       /* first_month: a scan of the whole ledger, not just the year */
	KAM_NEED_PROFILE = 16,      /* name, admin_code, industry, nature: text no rule set grades on */
	KAM_NEED_VOLUME = 32,       /* pieces: a third more work for the ledger scan */
	KAM_NEED_ALL = 63,
	KAM_NEED_LINES_SHIFT = 8,
};
#define KAM_LINES_ALL ((1 << KAM_LINES) - 1)
/* The revenue lines of a needs value (every line when it names none). */
#define KAM_NEED_LINES(needs) (((needs) >> KAM_NEED_LINES_SHIFT) & KAM_LINES_ALL ? \
			       ((needs) >> KAM_NEED_LINES_SHIFT) & KAM_LINES_ALL : KAM_LINES_ALL)

/* The fact groups and the facts each adds: the one list (policy needs, policy test's
 * examples and kam.grading.groups read it). */
struct kam_fact_group {
	const char *name;
	int flag;
	const char *const *facts;      /* NULL-terminated */
};
extern const struct kam_fact_group kam_fact_groups[];
extern const int kam_nfact_groups;

struct kam_customer_facts {
	int64_t code;
	/* Archive columns, offsets into the text arena (0: NULL). */
	uint32_t name, place, city, county, admin_code, industry, nature, reach, account, important,
		 potential;
	unsigned agreement : 1, network_wide : 1, one_time : 1;
	/* Lost or merged (the archive's status) on or before the as-of day: deactivated, it
	 * is no longer a customer to grade, rank or count (issue 21: kept, never deleted). */
	unsigned deactivated : 1;
	uint32_t status, status_since;  /* the archive's, offsets (0: active, no archive row) */
	int64_t merged_into;
	int bureau;                     /* index into bureaus; -1 when unknown (no city, or no county in a county) */
	int city_bureau;                /* the city bureau of its city; -1 without a city */
	int first_month;                /* YYYYMM of the first ledger row, 0 when none */
	int lines;                      /* business lines with revenue != 0 in the year */
	int rank;                       /* in the bureau among agreement customers with revenue above
					 * zero; 0 for every other customer */
	int64_t revenue, december;      /* on the revenue lines */
	int64_t total, volume;          /* every line */
	int64_t by_line[KAM_LINES], december_by_line[KAM_LINES], monthly[12];
};

struct kam_bureau_facts {
	uint32_t name;                  /* offset into the text arena */
	int64_t ledger_total;           /* the ledger's revenue (every line) of the bureau's customers in the year */
	int64_t city_total;             /* as a city bureau: of every customer of the city, counties included */
	int64_t entered;                /* the center's figure, when has_entered */
	int has_entered;
	int agreement_customers;
};

typedef struct kam_facts {
	int year;
	int needs;                      /* the groups computed, and the revenue lines */
	int lines;                      /* the revenue lines (a mask, never 0) */
	int64_t only_code;
	char as_of[16];                 /* YYYY-MM-DD: who is deactivated; "" counts nobody so */
	size_t n;
	struct kam_customer_facts *c;   /* in code order */
	size_t nbureaus;
	struct kam_bureau_facts *bureaus;
	char *text;                     /* the arena: strings NUL-terminated, offset 0 is "" */
	size_t text_len, text_cap;
} kam_facts;

/* Facts for year for every customer, or (only_code != 0) for the customers of that
 * customer's city and bureau, which is what its own bureau facts need.  A customer lost
 * or merged on or before as_of (YYYY-MM-DD; NULL: none is) is marked deactivated: its
 * revenue still counts for its bureau, but it is neither ranked nor counted among the
 * bureau's agreement customers.  needs (KAM_NEED_*)
 * says which groups to compute and which lines revenue counts: without by_line and
 * monthly the ledger is summed by SQLite.  Every sum is checked: one past the 64-bit range
 * is an error naming the customer (or the bureau). */
int kam_facts_load(kam_db *db, int year, int64_t only_code, int needs, const char *as_of, kam_facts *f,
		   kam_err *e);
void kam_facts_free(kam_facts *f);

/* Customer i's facts as the policy sees them (a Lua table), with the groups in needs. */
void kam_facts_put(const kam_facts *f, size_t i, int needs, kam_buf *b);
/* Index of code, or -1. */
long kam_facts_find(const kam_facts *f, int64_t code);
const char *kam_facts_text(const kam_facts *f, uint32_t off);

#endif
