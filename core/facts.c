#include "facts.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

const char *const kam_line_names[KAM_LINES] = {
	"express", "logistics", "letters", "parcels", "savings", "billing",
	"philately", "newspapers", "same_city", "international", "freight", "forwarding",
};

static const char *const by_line_facts[] = {"by_line", "december_by_line", "lines", NULL};
static const char *const monthly_facts[] = {"monthly", NULL};
static const char *const bureau_facts[] = {"rank_in_bureau", "bureau_agreement_customers", "bureau_revenue",
					   "bureau_revenue_entered", "city_revenue", "city_revenue_entered", NULL};
static const char *const history_facts[] = {"first_month", NULL};
static const char *const profile_facts[] = {"name", "admin_code", "industry", "nature", NULL};
static const char *const volume_facts[] = {"volume", NULL};

const struct kam_fact_group kam_fact_groups[] = {
	{"by_line", KAM_NEED_BY_LINE, by_line_facts},
	{"monthly", KAM_NEED_MONTHLY, monthly_facts},
	{"bureau", KAM_NEED_BUREAU, bureau_facts},
	{"history", KAM_NEED_HISTORY, history_facts},
	{"profile", KAM_NEED_PROFILE, profile_facts},
	{"volume", KAM_NEED_VOLUME, volume_facts},
};
const int kam_nfact_groups = (int)(sizeof kam_fact_groups / sizeof kam_fact_groups[0]);

/* The largest sum kam holds, for messages. */
#define TOO_BIG "92,233,720,368,547,758.07"

static int line_index(const unsigned char *s, int n)
{
	for (int i = 0; i < KAM_LINES; i++)
		if ((int)strlen(kam_line_names[i]) == n && memcmp(kam_line_names[i], s, (size_t)n) == 0)
			return i;
	return -1;
}

const char *kam_facts_text(const kam_facts *f, uint32_t off)
{
	return off ? f->text + off : NULL;
}

/* Copy a column's text into the arena; 0 for NULL. */
static uint32_t keep(kam_facts *f, const unsigned char *s, int n, int *failed)
{
	uint32_t at;
	if (!s)
		return 0;
	if (f->text_len + (size_t)n + 1 > f->text_cap) {
		size_t cap = f->text_cap ? f->text_cap * 2 : 1 << 20;
		char *grown;
		while (f->text_len + (size_t)n + 1 > cap)
			cap *= 2;
		if (cap > UINT32_MAX || !(grown = realloc(f->text, cap))) {
			*failed = 1;
			return 0;
		}
		f->text = grown;
		f->text_cap = cap;
	}
	at = (uint32_t)f->text_len;
	memcpy(f->text + at, s, (size_t)n);
	f->text[at + (size_t)n] = '\0';
	f->text_len += (size_t)n + 1;
	return at;
}

static uint32_t keep_col(kam_facts *f, sqlite3_stmt *st, int col, int *failed)
{
	return keep(f, sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), failed);
}

/* Bureaus by name: few hundred at most, found through a small open-addressing table. */
struct bureau_index {
	int *slot;
	size_t cap;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int bureau_of(kam_facts *f, struct bureau_index *bi, uint32_t name, int *failed)
{
	const char *s = f->text + name;
	size_t i;
	if (f->nbureaus * 2 >= bi->cap) {
		size_t cap = bi->cap ? bi->cap * 2 : 256;
		int *slot = malloc(cap * sizeof *slot);
		struct kam_bureau_facts *grown = realloc(f->bureaus, cap / 2 * sizeof *grown);
		if (!slot || !grown) {
			free(slot);
			if (grown)
				f->bureaus = grown;
			*failed = 1;
			return 0;
		}
		f->bureaus = grown;
		for (size_t k = 0; k < cap; k++)
			slot[k] = -1;
		for (size_t b = 0; b < f->nbureaus; b++) {
			size_t k = hash_str(f->text + f->bureaus[b].name) & (cap - 1);
			while (slot[k] >= 0)
				k = (k + 1) & (cap - 1);
			slot[k] = (int)b;
		}
		free(bi->slot);
		bi->slot = slot;
		bi->cap = cap;
	}
	for (i = hash_str(s) & (bi->cap - 1); bi->slot[i] >= 0; i = (i + 1) & (bi->cap - 1))
		if (strcmp(f->text + f->bureaus[bi->slot[i]].name, s) == 0)
			return bi->slot[i];
	memset(&f->bureaus[f->nbureaus], 0, sizeof f->bureaus[0]);
	f->bureaus[f->nbureaus].name = name;
	bi->slot[i] = (int)f->nbureaus;
	return (int)f->nbureaus++;
}

/* The customers of the same bureau as only_code, or all of them. */
static const char CUSTOMERS_SQL[] =
	"SELECT code, name, place, city, county, admin_code, industry, nature, reach, agreement,"
	" account, important, potential, network_wide, one_time FROM customers";
/* Its city's customers (the city bureau's revenue counts them all) and its own bureau's. */
static const char BUREAU_FILTER[] =
	" WHERE code = ?1 OR city = (SELECT city FROM customers WHERE code = ?1)"
	" OR CASE WHEN place = 'county' THEN county ELSE city END ="
	" (SELECT CASE WHEN place = 'county' THEN county ELSE city END FROM customers WHERE code = ?1)";

static int load_customers(kam_db *db, int64_t only_code, kam_facts *f, struct bureau_index *bi,
			  kam_err *e)
{
	char sql[1024];
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc, failed = 0;

	snprintf(sql, sizeof sql, "%s%s ORDER BY code", CUSTOMERS_SQL, only_code ? BUREAU_FILTER : "");
	f->only_code = only_code;
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	if (only_code)
		sqlite3_bind_int64(st, 1, only_code);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !failed) {
		struct kam_customer_facts *c;
		uint32_t bureau;
		if (f->n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct kam_customer_facts *grown = realloc(f->c, ncap * sizeof *grown);
			if (!grown) {
				failed = 1;
				break;
			}
			f->c = grown;
			cap = ncap;
		}
		c = &f->c[f->n++];
		memset(c, 0, sizeof *c);
		c->code = sqlite3_column_int64(st, 0);
		c->name = keep_col(f, st, 1, &failed);
		c->place = keep_col(f, st, 2, &failed);
		c->city = keep_col(f, st, 3, &failed);
		c->county = keep_col(f, st, 4, &failed);
		c->admin_code = keep_col(f, st, 5, &failed);
		c->industry = keep_col(f, st, 6, &failed);
		c->nature = keep_col(f, st, 7, &failed);
		c->reach = keep_col(f, st, 8, &failed);
		c->agreement = sqlite3_column_int(st, 9) != 0;
		c->account = keep_col(f, st, 10, &failed);
		c->important = keep_col(f, st, 11, &failed);
		c->potential = keep_col(f, st, 12, &failed);
		c->network_wide = sqlite3_column_int(st, 13) != 0;
		c->one_time = sqlite3_column_int(st, 14) != 0;
		/* The bureau: the county bureau in a county, else the city bureau (DOMAIN §3.1).
		 * Without its name the bureau is unknown: no bureau "" gathers such customers
		 * (the import refuses them; older data may hold some). */
		bureau = c->place && strcmp(f->text + c->place, "county") == 0 ? c->county : c->city;
		c->bureau = c->city_bureau = -1;
		if (bureau && f->text[bureau] && !failed)
			c->bureau = bureau_of(f, bi, bureau, &failed);
		if (c->city && f->text[c->city] && !failed)
			c->city_bureau = bureau_of(f, bi, c->city, &failed);
		if (c->agreement && c->bureau >= 0 && !failed)
			f->bureaus[c->bureau].agreement_customers++;
	}
	sqlite3_finalize(st);
	if (failed)
		return kam_errf(e, "facts: out of memory");
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read customers", e);
	return 0;
}

/* The customer of code, moving *i forward: the ledger view gives each month's table in
 * code order, one table after another (store_ledger.h), so a code lower than the last
 * one starts the next table: look it up, then go forward again. */
static struct kam_customer_facts *merge(kam_facts *f, size_t *i, int64_t code)
{
	if (*i > 0 && f->c[*i - 1].code >= code) {
		size_t lo = 0, hi = *i;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (f->c[mid].code < code)
				lo = mid + 1;
			else
				hi = mid;
		}
		*i = lo;
	}
	while (*i < f->n && f->c[*i].code < code)
		(*i)++;
	return *i < f->n && f->c[*i].code == code ? &f->c[*i] : NULL;
}

/* A scan of part of the ledger: customers with lo <= code < hi, on connection h (the
 * main one, or a second one reading beside it). */
struct scan {
	kam_db *db;                /* for messages; and its connection when h is NULL */
	sqlite3 *h;
	kam_facts *f;
	int64_t only_code, lo, hi;
	size_t first;              /* index of the first customer of the part */
	int rc;
	kam_err e;
};

/* Parameters: ?2 ?3 the year's first and last month, ?4 ?5 the range of codes. */

static int prepare_scan(struct scan *s, const char *select, const char *where, const char *group,
			sqlite3_stmt **st)
{
	char sql[2048];
	int rc;
	/* One customer's bureau is read as the range of its codes (the customers loaded), its
	 * other customers skipped by merge(): SQLite pushes a range, not an IN (SELECT …), into
	 * each month's table of the view. */
	snprintf(sql, sizeof sql, "%s WHERE code >= ?4 AND code < ?5%s%s", select, where ? " AND " : "",
		 where ? where : "");
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s", group ? group : "");
	rc = sqlite3_prepare_v2(s->h ? s->h : s->db->h, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return kam_db_fail(s->db, rc, "read the ledger", &s->e);
	if (sqlite3_bind_int64(*st, 4, s->lo) != SQLITE_OK || sqlite3_bind_int64(*st, 5, s->hi) != SQLITE_OK) {
		rc = kam_db_fail(s->db, sqlite3_errcode(s->h ? s->h : s->db->h), "read the ledger", &s->e);
		sqlite3_finalize(*st);
		return rc;
	}
	return 0;
}

static int scan_done(struct scan *s, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(s->db, rc, "read the ledger", &s->e);
	return 0;
}

static int add_checked(int64_t *sum, int64_t v)
{
	return __builtin_add_overflow(*sum, v, sum);
}

static int too_big(struct scan *s, int64_t code, const char *what)
{
	return kam_errf(&s->e, "customer %014lld: %s for %d is past the largest sum kam holds (%s)",
			(long long)code, what, s->f->year, TOO_BIG);
}

/* The year's rows in key order, summed here (checked) by line and month. */
static int scan_rows(struct scan *s)
{
	kam_facts *f = s->f;
	sqlite3_stmt *st;
	size_t i = s->first;
	int rc, first = f->year * 100 + 1, last = f->year * 100 + 12;
	if (prepare_scan(s, "SELECT code, month, line, amount, volume FROM ledger", "month BETWEEN ?2 AND ?3",
			 NULL, &st) < 0)
		return -1;
	sqlite3_bind_int(st, 2, first);
	sqlite3_bind_int(st, 3, last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_customer_facts *c = merge(f, &i, sqlite3_column_int64(st, 0));
		int month = sqlite3_column_int(st, 1), line, counts;
		int64_t amount;
		if (!c || month < first || month > last)
			continue; /* a ledger row without its customer: the foreign key forbids it */
		amount = sqlite3_column_int64(st, 3);
		line = line_index(sqlite3_column_text(st, 2), sqlite3_column_bytes(st, 2));
		counts = line >= 0 && (f->lines >> line & 1);
		if (add_checked(&c->total, amount) || add_checked(&c->monthly[month - first], amount) ||
		    (counts && add_checked(&c->revenue, amount)) || (line >= 0 && add_checked(&c->by_line[line], amount))) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's revenue");
		}
		if (add_checked(&c->volume, sqlite3_column_int64(st, 4))) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's volume");
		}
		if (month == last && ((counts && add_checked(&c->december, amount)) ||
				      (line >= 0 && add_checked(&c->december_by_line[line], amount)))) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's December revenue");
		}
	}
	return scan_done(s, st, rc);
}

/* Only the year's totals, summed here: the view's months are tables of their own, and a
 * GROUP BY over them would sort the year. */
static int scan_sums(struct scan *s)
{
	kam_facts *f = s->f;
	sqlite3_stmt *st;
	size_t i = s->first;
	int rc, last = f->year * 100 + 12, volume = f->needs & KAM_NEED_VOLUME;
	int all = f->lines == KAM_LINES_ALL;
	if (prepare_scan(s, "SELECT code, amount, month, line, volume FROM ledger", "month BETWEEN ?2 AND ?3",
			 NULL, &st) < 0)
		return -1;
	sqlite3_bind_int(st, 2, f->year * 100 + 1);
	sqlite3_bind_int(st, 3, last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_customer_facts *c = merge(f, &i, sqlite3_column_int64(st, 0));
		int64_t amount;
		int line, counts;
		if (!c)
			continue;
		amount = sqlite3_column_int64(st, 1);
		/* The line is looked at only when the policy counts some lines alone. */
		counts = all || ((line = line_index(sqlite3_column_text(st, 3), sqlite3_column_bytes(st, 3))) >= 0 &&
				 (f->lines >> line & 1));
		/* Checked, as SQLite's sum() was: an absurd ledger is an error naming the customer. */
		if (add_checked(&c->total, amount) || (counts && add_checked(&c->revenue, amount))) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's revenue");
		}
		if (counts && sqlite3_column_int(st, 2) == last && add_checked(&c->december, amount)) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's December revenue");
		}
		if (volume && add_checked(&c->volume, sqlite3_column_int64(st, 4))) {
			sqlite3_finalize(st);
			return too_big(s, c->code, "the ledger's volume");
		}
	}
	return scan_done(s, st, rc);
}

/* The first month of each customer's history (the earliest of its rows). */
static int scan_history(struct scan *s)
{
	sqlite3_stmt *st;
	size_t i = s->first;
	int rc;
	if (prepare_scan(s, "SELECT code, month FROM ledger", NULL, NULL, &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_customer_facts *c = merge(s->f, &i, sqlite3_column_int64(st, 0));
		int month = sqlite3_column_int(st, 1);
		if (c && (!c->first_month || month < c->first_month))
			c->first_month = month;
	}
	return scan_done(s, st, rc);
}

static void *scan_part(void *arg)
{
	struct scan *s = arg;
	s->rc = s->f->needs & (KAM_NEED_BY_LINE | KAM_NEED_MONTHLY) ? scan_rows(s) : scan_sums(s);
	if (s->rc == 0 && (s->f->needs & KAM_NEED_HISTORY))
		s->rc = scan_history(s);
	return NULL;
}

/* For the snapshot tests (tests/cli/grade_snapshot.sh): with $KAM_TEST_HOLD_FACTS naming
 * a FIFO, the facts stop between the ledger's two halves until someone writes to it and
 * closes it: the place where an import committing used to give a run two states.  A
 * point in the run, not a delay: no test of it depends on the machine's speed. */
static void hold_for_test(kam_db *db)
{
	const char *path = getenv("KAM_TEST_HOLD_FACTS");
	char buf[64];
	FILE *f;
	if (!path || !*path)
		return;
	kam_log(KAM_LOG_DEBUG, "%s: facts held at %s", db->path, path);
	if ((f = fopen(path, "r"))) {
		while (fread(buf, 1, sizeof buf, f) > 0)
			;
		fclose(f);
	}
}

/* The ledger in two halves by code, read at once on two connections (the machines kam
 * runs on have two cores); a small province, or one customer's bureau, in one. */
static int load_ledger(kam_db *db, int64_t only_code, kam_facts *f, kam_err *e)
{
	struct scan whole = {db, NULL, f, only_code, 0, INT64_MAX, 0, 0, {0}};
	struct scan half[2];
	pthread_t t;
	const char *hold = getenv("KAM_TEST_HOLD_FACTS");
	int rc, held = hold && *hold;

	/* A second connection reads the same state as this one only while no other writer
	 * can commit: while this one holds the write lock (a writing grade run).  Without
	 * it, one connection in one read transaction. */
	if (only_code || f->n < 20000 || !kam_db_holds_write_lock(db)) {
		if (only_code) {
			whole.lo = f->n ? f->c[0].code : 0;
			whole.hi = f->n ? f->c[f->n - 1].code + 1 : 0;
		}
		scan_part(&whole);
		if (whole.rc < 0)
			*e = whole.e;
		return whole.rc;
	}
	half[0] = whole;
	half[1] = whole;
	half[0].hi = half[1].lo = f->c[f->n / 2].code;
	half[1].first = f->n / 2;
	rc = sqlite3_open_v2(db->path, &half[1].h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(half[1].h, 10000);
	if (rc == SQLITE_OK && held) {
		/* Held for a test: one half after the other, the hold between them. */
		scan_part(&half[0]);
		hold_for_test(db);
		scan_part(&half[1]);
	} else if (rc != SQLITE_OK || pthread_create(&t, NULL, scan_part, &half[1]) != 0) {
		sqlite3_close(half[1].h);
		scan_part(&whole);
		if (whole.rc < 0)
			*e = whole.e;
		return whole.rc;
	} else {
		scan_part(&half[0]);
		pthread_join(t, NULL);
	}
	sqlite3_close(half[1].h);
	if (half[0].rc < 0 || half[1].rc < 0) {
		*e = half[0].rc < 0 ? half[0].e : half[1].e;
		return -1;
	}
	return 0;
}

static int load_entered(kam_db *db, kam_facts *f, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, "SELECT bureau, amount FROM bureau_revenue WHERE year = ?1", &st, e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, f->year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		for (size_t b = 0; name && b < f->nbureaus; b++) {
			if (strcmp(f->text + f->bureaus[b].name, name) == 0) {
				f->bureaus[b].entered = sqlite3_column_int64(st, 1);
				f->bureaus[b].has_entered = 1;
			}
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read the bureaus' revenue", e);
	return 0;
}

static int by_bureau_revenue(const void *a, const void *b, void *arg)
{
	const kam_facts *f = arg;
	const struct kam_customer_facts *x = &f->c[*(const size_t *)a], *y = &f->c[*(const size_t *)b];
	if (x->bureau != y->bureau)
		return x->bureau < y->bureau ? -1 : 1;
	return x->revenue > y->revenue ? -1 : x->revenue < y->revenue;
}

/* The bureaus' ledger totals (checked), and RANK() of revenue among each bureau's
 * agreement customers with revenue above zero (DOMAIN §1: a customer with nothing, or
 * only refunds, in the year is never top 5): ties share a rank. */
static int rank_agreement_customers(kam_facts *f, kam_err *e)
{
	size_t n = 0, *idx = malloc((f->n ? f->n : 1) * sizeof *idx);
	if (!idx)
		return kam_errf(e, "facts: out of memory");
	for (size_t i = 0; i < f->n; i++) {
		struct kam_customer_facts *c = &f->c[i];
		struct kam_bureau_facts *b = c->bureau >= 0 ? &f->bureaus[c->bureau] : NULL;
		struct kam_bureau_facts *city = c->city_bureau >= 0 ? &f->bureaus[c->city_bureau] : NULL;
		const struct kam_bureau_facts *over = b && add_checked(&b->ledger_total, c->total) ? b
			: city && add_checked(&city->city_total, c->total) ? city : NULL;
		if (over) {
			free(idx);
			return kam_errf(e, "customer %014lld: adding its revenue, the %d ledger total of bureau %s is "
					"past the largest sum kam holds (%s)", (long long)c->code, f->year,
					f->text + over->name, TOO_BIG);
		}
		for (int l = 0; l < KAM_LINES; l++)
			c->lines += c->by_line[l] != 0;
		if (c->agreement && b && c->revenue > 0)
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof *idx, by_bureau_revenue, f);
	for (size_t k = 0, start = 0; k < n; k++) {
		struct kam_customer_facts *c = &f->c[idx[k]], *p = k ? &f->c[idx[k - 1]] : NULL;
		if (!p || p->bureau != c->bureau)
			start = k;
		/* Competition ranking: tied revenues share a rank, the next one skips (1, 2, 2, 4). */
		c->rank = p && p->bureau == c->bureau && p->revenue == c->revenue ? p->rank : (int)(k - start) + 1;
	}
	free(idx);
	return 0;
}

int kam_facts_load(kam_db *db, int year, int64_t only_code, int needs, kam_facts *f, kam_err *e)
{
	struct bureau_index bi = {0};
	int failed = 0, own_tx = 0;
	memset(f, 0, sizeof *f);
	f->year = year;
	f->needs = needs;
	f->lines = KAM_NEED_LINES(needs);
	keep(f, (const unsigned char *)"", 0, &failed); /* offset 0 stands for NULL */
	if (failed)
		return kam_errf(e, "facts: out of memory");
	/* One snapshot: outside a transaction, the reads share one read transaction. */
	if (db->depth == 0) {
		if (kam_db_begin_deferred(db, e) < 0) {
			kam_facts_free(f);
			return -1;
		}
		own_tx = 1;
	}
	if (load_customers(db, only_code, f, &bi, e) < 0 || load_ledger(db, only_code, f, e) < 0 ||
	    load_entered(db, f, e) < 0 || rank_agreement_customers(f, e) < 0) {
		free(bi.slot);
		kam_facts_free(f);
		if (own_tx)
			kam_db_rollback(db);
		return -1;
	}
	free(bi.slot);
	if (own_tx)
		kam_db_rollback(db);
	return 0;
}

void kam_facts_free(kam_facts *f)
{
	free(f->c);
	free(f->bureaus);
	free(f->text);
	memset(f, 0, sizeof *f);
}

long kam_facts_find(const kam_facts *f, int64_t code)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->c[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n && f->c[lo].code == code ? (long)lo : -1;
}

/* Pairs with a nil value are left out: the policy sees nil either way. */
static uint32_t put_key_str(kam_buf *b, const char *key, const kam_facts *f, uint32_t off)
{
	if (!off)
		return 0;
	kam_put_cstr(b, key);
	kam_put_cstr(b, kam_facts_text(f, off));
	return 1;
}

static uint32_t put_key_int(kam_buf *b, const char *key, int64_t v)
{
	kam_put_cstr(b, key);
	kam_put_int(b, v);
	return 1;
}

static uint32_t put_key_bool(kam_buf *b, const char *key, int v)
{
	kam_put_cstr(b, key);
	kam_put_bool(b, v);
	return 1;
}

static void put_lines(kam_buf *b, const char *key, const int64_t *v)
{
	kam_put_cstr(b, key);
	kam_put_table(b, 0, KAM_LINES);
	for (int l = 0; l < KAM_LINES; l++)
		put_key_int(b, kam_line_names[l], v[l]);
}

void kam_facts_put(const kam_facts *f, size_t i, int needs, kam_buf *b)
{
	needs &= f->needs; /* a group not computed is not sent */
	const struct kam_customer_facts *c = &f->c[i];
	const struct kam_bureau_facts *bu = c->bureau >= 0 ? &f->bureaus[c->bureau] : NULL;
	const struct kam_bureau_facts *city = c->city_bureau >= 0 ? &f->bureaus[c->city_bureau] : NULL;
	char code[16];
	size_t head = kam_put_table(b, 0, 0);
	uint32_t n = 0;

	snprintf(code, sizeof code, "%014lld", (long long)c->code);
	kam_put_cstr(b, "code");
	kam_put_cstr(b, code);
	n = 1;
	n += put_key_str(b, "place", f, c->place);
	if (bu)
		n += put_key_str(b, "bureau", f, bu->name);
	n += put_key_str(b, "city", f, c->city);
	n += put_key_str(b, "county", f, c->county);
	if (needs & KAM_NEED_PROFILE) {
		n += put_key_str(b, "name", f, c->name);
		n += put_key_str(b, "admin_code", f, c->admin_code);
		n += put_key_str(b, "industry", f, c->industry);
		n += put_key_str(b, "nature", f, c->nature);
	}
	n += put_key_str(b, "reach", f, c->reach);
	n += put_key_str(b, "account", f, c->account);
	n += put_key_str(b, "important", f, c->important);
	n += put_key_str(b, "potential", f, c->potential);
	n += put_key_bool(b, "agreement", c->agreement);
	n += put_key_bool(b, "network_wide", c->network_wide);
	n += put_key_bool(b, "one_time", c->one_time);
	n += put_key_int(b, "year", f->year);
	n += put_key_int(b, "revenue", c->revenue);
	n += put_key_int(b, "december", c->december);
	if (needs & KAM_NEED_VOLUME)
		n += put_key_int(b, "volume", c->volume);
	if ((needs & KAM_NEED_HISTORY) && c->first_month)
		n += put_key_int(b, "first_month", c->first_month);
	if (needs & KAM_NEED_BY_LINE) {
		n += put_key_int(b, "lines", c->lines);
		put_lines(b, "by_line", c->by_line);
		put_lines(b, "december_by_line", c->december_by_line);
		n += 2;
	}
	if (needs & KAM_NEED_MONTHLY) {
		kam_put_cstr(b, "monthly");
		kam_put_table(b, 12, 0);
		for (int m = 0; m < 12; m++)
			kam_put_int(b, c->monthly[m]);
		n++;
	}
	/* A customer whose bureau is unknown gets no bureau facts: it is ranked nowhere. */
	if ((needs & KAM_NEED_BUREAU) && bu) {
		if (c->rank)
			n += put_key_int(b, "rank_in_bureau", c->rank);
		n += put_key_int(b, "bureau_agreement_customers", bu->agreement_customers);
		n += put_key_int(b, "bureau_revenue", bu->has_entered ? bu->entered : bu->ledger_total);
		n += put_key_bool(b, "bureau_revenue_entered", bu->has_entered);
	}
	/* The city bureau's annual revenue: the whole bureau, its counties included. */
	if ((needs & KAM_NEED_BUREAU) && city) {
		n += put_key_int(b, "city_revenue", city->has_entered ? city->entered : city->city_total);
		n += put_key_bool(b, "city_revenue_entered", city->has_entered);
	}
	kam_put_table_counts(b, head, 0, n);
}
