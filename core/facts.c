#include "facts.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_facts.h"

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

static uint32_t keep_text(kam_facts *f, struct kam_store_text t, int *failed)
{
	return keep(f, t.s, t.n, failed);
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

struct customers_load {
	kam_facts *f;
	struct bureau_index *bi;
	size_t cap;
	int failed;
};

static int add_customer(void *arg, const struct kam_store_customer_row *r)
{
	struct customers_load *l = arg;
	kam_facts *f = l->f;
	struct kam_customer_facts *c;
	uint32_t bureau;
	int *failed = &l->failed;
	if (f->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4096;
		struct kam_customer_facts *grown = realloc(f->c, ncap * sizeof *grown);
		if (!grown) {
			l->failed = 1;
			return -1;
		}
		f->c = grown;
		l->cap = ncap;
	}
	c = &f->c[f->n++];
	memset(c, 0, sizeof *c);
	c->code = r->code;
	c->name = keep_text(f, r->name, failed);
	c->place = keep_text(f, r->place, failed);
	c->city = keep_text(f, r->city, failed);
	c->county = keep_text(f, r->county, failed);
	c->admin_code = keep_text(f, r->admin_code, failed);
	c->industry = keep_text(f, r->industry, failed);
	c->nature = keep_text(f, r->nature, failed);
	c->reach = keep_text(f, r->reach, failed);
	c->agreement = r->agreement;
	c->account = keep_text(f, r->account, failed);
	c->important = keep_text(f, r->important, failed);
	c->potential = keep_text(f, r->potential, failed);
	c->network_wide = r->network_wide;
	c->one_time = r->one_time;
	c->status = keep_text(f, r->status, failed);
	c->status_since = keep_text(f, r->status_since, failed);
	c->merged_into = r->merged_into;
	/* No day recorded: deactivated since before anything kam holds. */
	c->deactivated = c->status && strcmp(f->text + c->status, "active") != 0 && f->as_of[0] &&
			 (!c->status_since || strcmp(f->text + c->status_since, f->as_of) <= 0);
	/* The bureau: the county bureau in a county, else the city bureau (DOMAIN §3.1).
	 * Without its name the bureau is unknown: no bureau "" gathers such customers
	 * (the import refuses them; older data may hold some). */
	bureau = c->place && strcmp(f->text + c->place, "county") == 0 ? c->county : c->city;
	c->bureau = c->city_bureau = -1;
	if (bureau && f->text[bureau] && !*failed)
		c->bureau = bureau_of(f, l->bi, bureau, failed);
	if (c->city && f->text[c->city] && !*failed)
		c->city_bureau = bureau_of(f, l->bi, c->city, failed);
	if (c->agreement && !c->deactivated && c->bureau >= 0 && !*failed)
		f->bureaus[c->bureau].agreement_customers++;
	return *failed ? -1 : 0;
}

/* The customers of the same bureau as only_code, or all of them. */
static int load_customers(kam_db *db, int64_t only_code, kam_facts *f, struct bureau_index *bi,
			  kam_err *e)
{
	struct customers_load l = {f, bi, 0, 0};
	f->only_code = only_code;
	if (kam_store_facts_customers(db, only_code, add_customer, &l, e) < 0)
		return l.failed ? kam_errf(e, "facts: out of memory") : -1;
	return 0;
}

/* The first of the customers [0, n) whose code is not below code (they are in code order). */
static size_t lower_bound(const kam_facts *f, size_t n, int64_t code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->c[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The customer of code, moving *i forward: the ledger view gives each month's table in
 * code order, one table after another (store_ledger.h), so a code lower than the last
 * one starts the next table: look it up, then go forward again. */
static struct kam_customer_facts *merge(kam_facts *f, size_t *i, int64_t code)
{
	if (*i > 0 && f->c[*i - 1].code >= code)
		*i = lower_bound(f, *i, code);
	while (*i < f->n && f->c[*i].code < code)
		(*i)++;
	return *i < f->n && f->c[*i].code == code ? &f->c[*i] : NULL;
}

/* A scan of part of the ledger: customers with lo <= code < hi, on reader rd (a second
 * connection reading beside the main one) or, when rd is NULL, on db's own. */
struct scan {
	kam_db *db;
	kam_store_reader *rd;
	kam_facts *f;
	int64_t only_code, lo, hi;
	size_t first;              /* index of the first customer of the part */
	int rc;
	kam_err e;
	size_t i;                  /* the merge's place */
};

static int add_checked(int64_t *sum, int64_t v)
{
	return __builtin_add_overflow(*sum, v, sum);
}

static int too_big(struct scan *s, int64_t code, const char *what)
{
	return kam_errf(&s->e, "customer %014lld: %s for %d is past the largest sum kam holds (%s)",
			(long long)code, what, s->f->year, TOO_BIG);
}

/* A row of the year, summed here (checked) by line and month: the view's months are
 * tables of their own, and a GROUP BY over them would sort the year. */
static int add_row(void *arg, const struct kam_store_ledger_row *r)
{
	struct scan *s = arg;
	kam_facts *f = s->f;
	struct kam_customer_facts *c = merge(f, &s->i, r->code);
	int first = f->year * 100 + 1, last = f->year * 100 + 12, line, counts;
	int by_line = f->needs & (KAM_NEED_BY_LINE | KAM_NEED_MONTHLY);
	if (!c || r->month < first || r->month > last)
		return 0; /* a ledger row without its customer: the foreign key forbids it */
	/* The line is looked at only when the policy counts some lines alone, or by line. */
	line = by_line || f->lines != KAM_LINES_ALL ? line_index(r->line.s, r->line.n) : -1;
	counts = f->lines == KAM_LINES_ALL || (line >= 0 && (f->lines >> line & 1));
	/* Checked, as SQLite's sum() was: an absurd ledger is an error naming the customer. */
	if (add_checked(&c->total, r->amount) || (counts && add_checked(&c->revenue, r->amount)) ||
	    (by_line && (add_checked(&c->monthly[r->month - first], r->amount) ||
			 (line >= 0 && add_checked(&c->by_line[line], r->amount)))))
		return too_big(s, c->code, "the ledger's revenue");
	if ((by_line || (f->needs & KAM_NEED_VOLUME)) && add_checked(&c->volume, r->volume))
		return too_big(s, c->code, "the ledger's volume");
	if (r->month == last && ((counts && add_checked(&c->december, r->amount)) ||
				 (by_line && line >= 0 && add_checked(&c->december_by_line[line], r->amount))))
		return too_big(s, c->code, "the ledger's December revenue");
	return 0;
}

/* The first month of each customer's history (the earliest of its rows). */
static int add_history(void *arg, const struct kam_store_ledger_row *r)
{
	struct scan *s = arg;
	struct kam_customer_facts *c = merge(s->f, &s->i, r->code);
	if (c && (!c->first_month || r->month < c->first_month))
		c->first_month = r->month;
	return 0;
}

static int scan_rows(struct scan *s)
{
	s->i = s->first;
	return kam_store_facts_ledger(s->db, s->rd, s->lo, s->hi, s->f->year * 100 + 1, s->f->year * 100 + 12,
				      add_row, s, &s->e);
}

static int scan_history(struct scan *s)
{
	s->i = s->first;
	return kam_store_facts_ledger(s->db, s->rd, s->lo, s->hi, 0, 0, add_history, s, &s->e);
}

static void *scan_part(void *arg)
{
	struct scan *s = arg;
	s->rc = scan_rows(s);
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
	kam_log(KAM_LOG_DEBUG, "%s: facts held at %s", kam_db_name(db), path);
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
	struct scan whole = {db, NULL, f, only_code, 0, INT64_MAX, 0, 0, {0}, 0};
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
	rc = kam_store_reader_open(db, &half[1].rd, &half[1].e);
	if (rc == 0 && held) {
		/* Held for a test: one half after the other, the hold between them. */
		scan_part(&half[0]);
		hold_for_test(db);
		scan_part(&half[1]);
	} else if (rc < 0 || pthread_create(&t, NULL, scan_part, &half[1]) != 0) {
		kam_store_reader_close(half[1].rd);
		scan_part(&whole);
		if (whole.rc < 0)
			*e = whole.e;
		return whole.rc;
	} else {
		scan_part(&half[0]);
		pthread_join(t, NULL);
	}
	kam_store_reader_close(half[1].rd);
	if (half[0].rc < 0 || half[1].rc < 0) {
		*e = half[0].rc < 0 ? half[0].e : half[1].e;
		return -1;
	}
	return 0;
}

static int add_entered(void *arg, const char *name, int64_t amount)
{
	kam_facts *f = arg;
	for (size_t b = 0; b < f->nbureaus; b++) {
		if (strcmp(f->text + f->bureaus[b].name, name) == 0) {
			f->bureaus[b].entered = amount;
			f->bureaus[b].has_entered = 1;
		}
	}
	return 0;
}

static int load_entered(kam_db *db, kam_facts *f, kam_err *e)
{
	return kam_store_facts_bureau_revenue(db, f->year, add_entered, f, e);
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
		if (c->agreement && !c->deactivated && b && c->revenue > 0)
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

int kam_facts_load(kam_db *db, int year, int64_t only_code, int needs, const char *as_of, kam_facts *f,
		   kam_err *e)
{
	struct bureau_index bi = {0};
	int failed = 0, own_tx = 0;
	memset(f, 0, sizeof *f);
	if (as_of)
		snprintf(f->as_of, sizeof f->as_of, "%s", as_of);
	f->year = year;
	f->needs = needs;
	f->lines = KAM_NEED_LINES(needs);
	keep(f, (const unsigned char *)"", 0, &failed); /* offset 0 stands for NULL */
	if (failed)
		return kam_errf(e, "facts: out of memory");
	/* One snapshot: outside a transaction, the reads share one read transaction (a
	 * script's raw BEGIN is one already). */
	if (kam_db_autocommit(db)) {
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
	size_t lo = lower_bound(f, f->n, code);
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
