/* Ledger rows: every code must be a stored customer, (code, month, line) appears once,
 * and a month already in the database is replaced only when asked (--replace).
 *
 * Rows wait in a buffer, are sorted by (month, code, line) and stored a month at a time
 * into the month's own table (store_ledger.h says why): whatever the file's order (by
 * code, or month by month with customers in any order), each table fills in key order,
 * and a key the file holds twice sits next to its first occurrence once sorted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_pipe.h"
#include "store_customers.h"
#include "store_ledger.h"

/* Rows stored by one INSERT statement: per-statement work is most of SQLite's cost. */
#define GROUP KAM_LEDGER_GROUP
/* Rows sorted at once: a month of a 100,000-customer province (266,000 rows) in one sort,
 * so that its table is written once, from empty, in key order.  Two buffers of 12 MB: one
 * fills while the other, sorted, is stored a few rows per row read, so that storing goes
 * on while the reading thread parses, as it did before rows were held. */
#define HELD_MAX 300000
#define LINES_MAX 32

enum { MONTH_NEW, MONTH_REPLACED, MONTH_CLASH, MONTH_APPEND };

struct month_seen {
	int month;
	int state;
	int own;              /* its rows go to ledger_YYYYMM, else to ledger_rows */
	long stored;          /* rows the database held for it */
	long added;           /* rows this import stored in it */
	long line;            /* where the file first had it */
	kam_ledger_writer *w;  /* open while its rows are stored */
};

/* A row waiting in a buffer. */
struct held {
	int64_t code, amount, volume;   /* volume < 0: none */
	long fileline;
	uint32_t raw;                   /* 1 + offset of its cells in the raw arena; 0: none */
	int32_t key;                    /* month * 32 + the rank of the line's name in byte order */
};
#define MONTH_OF(h) ((h)->key >> 5)
#define LINE_OF(h) ((h)->key & 31)

struct rowbuf {
	struct held *h;
	size_t n, cap;
	char *raw;                      /* the rows' cells, for the reject file */
	size_t rawlen, rawcap;
};

struct ledger_state {
	struct i64map customers;
	struct kam_ledger_month *stored;
	int nstored;
	int own_tables;                 /* months with a table of their own */
	int max_own;
	int view_stale;
	struct month_seen *months;
	int nmonths, cap, last;
	struct rowbuf buf[2], *fill, *drain;
	/* Where storing the drain buffer stands: its next row, its month, the line of the
	 * current key's first occurrence, the rows gathered for one statement. */
	size_t at;
	int dm;
	long first;
	size_t idx[GROUP];
	int ngroup;
	const char *lines[LINES_MAX];   /* the business lines in byte order */
	int nlines;
	struct kam_ledger_row group[GROUP];  /* the rows of one statement, as storage takes them */
};

static int add_customer(void *arg, int64_t code, kam_err *e)
{
	struct ledger_state *ls = arg;
	if (i64map_put(&ls->customers, code, 1, NULL) < 0)
		return kam_errf(e, "out of memory");
	return 0;
}

/* The months stored, from ledger_months (a few hundred rows at most, never the ledger). */
static int load_months(struct import_run *im, struct ledger_state *ls, kam_err *e)
{
	if (kam_ledger_stored_months(im->db, &ls->stored, &ls->nstored, e) < 0)
		return -1;
	for (int i = 0; i < ls->nstored; i++)
		ls->own_tables += ls->stored[i].own;
	return 0;
}

static const struct kam_ledger_month *stored_month(const struct ledger_state *ls, int month)
{
	int lo = 0, hi = ls->nstored;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (ls->stored[mid].month < month)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ls->nstored && ls->stored[lo].month == month ? &ls->stored[lo] : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ledger_begin(struct import_run *im, kam_err *e)
{
	struct ledger_state *ls = calloc(1, sizeof *ls);
	const struct kam_word *w = im->kind->cols[2].words;
	if (!ls)
		return kam_errf(e, "out of memory");
	im->kind_state = ls;
	for (; w && w->value && ls->nlines < LINES_MAX; w++)
		ls->lines[ls->nlines++] = w->value;
	qsort(ls->lines, (size_t)ls->nlines, sizeof ls->lines[0], by_name);
	ls->max_own = kam_ledger_max_own(im->db);
	ls->last = -1;
	ls->dm = -1;
	ls->fill = &ls->buf[0];
	ls->drain = &ls->buf[1];
	if (kam_customers_each_code(im->db, add_customer, ls, e) < 0 || load_months(im, ls, e) < 0)
		return -1;
	return 0;
}

static void ledger_end(struct import_run *im)
{
	struct ledger_state *ls = im->kind_state;
	if (!ls)
		return;
	for (int i = 0; i < ls->nmonths; i++)
		kam_ledger_writer_close(ls->months[i].w);
	i64map_free(&ls->customers);
	free(ls->stored);
	free(ls->months);
	for (int i = 0; i < 2; i++) {
		free(ls->buf[i].h);
		free(ls->buf[i].raw);
	}
	free(ls);
	im->kind_state = NULL;
}

/* Called now and then while a month is deleted: the bar keeps moving. */
static void deleting(void *arg)
{
	struct import_run *im = arg;
	im->tick(im);
}

/* Make room for a month's rows: drop its own table, or delete its rows from ledger_rows
 * (a database from before schema 4), then give it a table of its own if it may have one. */
static int clear_month(struct import_run *im, struct ledger_state *ls, struct month_seen *m,
		       const struct kam_ledger_month *sm, kam_err *e)
{
	if (sm->own) {
		if (kam_ledger_drop_month(im->db, m->month, e) < 0 || kam_ledger_create_month(im->db, m->month, e) < 0)
			return -1;
		m->own = 1;
		return 0;
	}
	snprintf(im->doing, sizeof im->doing, "replacing %04d-%02d", m->month / 100, m->month % 100);
	if (kam_ledger_delete_rows(im->db, m->month, im->tick ? deleting : NULL, im, e) < 0)
		return -1;
	im->doing[0] = 0;
	if (ls->own_tables < ls->max_own) {
		if (kam_ledger_create_month(im->db, m->month, e) < 0)
			return -1;
		ls->own_tables++;
		ls->view_stale = 1;
		m->own = 1;
	}
	return 0;
}

/* The month's state, checking the database the first time the file names it. */
static struct month_seen *month_state(struct import_run *im, struct ledger_state *ls, int month,
				      long line, kam_err *e)
{
	const struct kam_ledger_month *sm;
	struct month_seen *m;
	if (ls->last >= 0 && ls->months[ls->last].month == month)
		return &ls->months[ls->last];
	for (int i = 0; i < ls->nmonths; i++)
		if (ls->months[i].month == month)
			return &ls->months[ls->last = i];
	if (ls->nmonths == ls->cap) {
		int cap = ls->cap ? ls->cap * 2 : 32;
		struct month_seen *grown = realloc(ls->months, (size_t)cap * sizeof *grown);
		if (!grown) {
			kam_errf(e, "out of memory");
			return NULL;
		}
		ls->months = grown;
		ls->cap = cap;
	}
	sm = stored_month(ls, month);
	ls->last = ls->nmonths;
	m = &ls->months[ls->nmonths++];
	*m = (struct month_seen){month, MONTH_NEW, 0, sm ? sm->rows : 0, 0, line, NULL};
	if (!sm || sm->rows == 0) {
		/* A new month: a table of its own, empty (one left empty by an import whose rows
		 * were all refused is used again). */
		if (sm && sm->own) {
			m->own = 1;
		} else if (ls->own_tables < ls->max_own) {
			if (kam_ledger_create_month(im->db, month, e) < 0)
				return NULL;
			ls->own_tables++;
			ls->view_stale = 1;
			m->own = 1;
		}
		return m;
	}
	m->own = sm->own;
	if (im->append) {
		m->state = MONTH_APPEND;
		return m;
	}
	if (!im->opts->replace) {
		m->state = MONTH_CLASH;
		return m;
	}
	if (clear_month(im, ls, m, sm, e) < 0)
		return NULL;
	m->state = MONTH_REPLACED;
	im->st->replaced_rows += m->stored;
	return m;
}

/* Whether the row may be stored: its customer exists and its month is not refused. */
static int ledger_check(struct import_run *im, struct ledger_state *ls, const kam_value *v,
			const kam_source_rec *r, kam_err *e)
{
	int month = (int)v[1].i;
	struct month_seen *m;
	if (!i64map_get(&ls->customers, v[0].i, NULL))
		return row_errf(im, r->line, 0, "code", e, "customer %014lld is not in the database (import the "
				"customers first)", (long long)v[0].i);
	if (!(m = month_state(im, ls, month, r->line, e)))
		return ROW_FATAL;
	if (m->state == MONTH_CLASH) {
		row_errf(im, m->line, 0, "month", e, "month %04d-%02d is already in the database (%ld row%s); "
			 "--replace replaces it, --append adds to it", month / 100, month % 100,
			 m->stored, m->stored == 1 ? "" : "s");
		return m->line == r->line ? ROW_BAD : ROW_BAD_QUIET;
	}
	return ROW_OK;
}

static int line_rank(const struct ledger_state *ls, const kam_value *v)
{
	for (int i = 0; i < ls->nlines; i++)
		if (strlen(ls->lines[i]) == v->len && memcmp(ls->lines[i], v->s, v->len) == 0)
			return i;
	return -1;
}

/* Keep the record's cells for the reject file: n, then each cell's length and bytes. */
static int keep_raw(struct rowbuf *ls, const kam_source_rec *r, uint32_t *at)
{
	size_t need = sizeof r->n;
	for (size_t i = 0; i < r->n; i++)
		need += sizeof r->len[i] + r->len[i] + 1;
	if (ls->rawlen + need > UINT32_MAX - 1)
		return -1;
	if (ls->rawlen + need > ls->rawcap) {
		size_t cap = ls->rawcap ? ls->rawcap : 1 << 16;
		char *grown;
		while (cap < ls->rawlen + need)
			cap *= 2;
		if (!(grown = realloc(ls->raw, cap)))
			return -1;
		ls->raw = grown;
		ls->rawcap = cap;
	}
	*at = (uint32_t)ls->rawlen + 1;
	memcpy(ls->raw + ls->rawlen, &r->n, sizeof r->n);
	ls->rawlen += sizeof r->n;
	for (size_t i = 0; i < r->n; i++) {
		size_t len = r->f[i] ? r->len[i] : 0;
		memcpy(ls->raw + ls->rawlen, &len, sizeof len);
		ls->rawlen += sizeof len;
		if (len)
			memcpy(ls->raw + ls->rawlen, r->f[i], len);
		ls->rawlen += len;
		ls->raw[ls->rawlen++] = 0;
	}
	return 0;
}

/* A held row as a record (its raw cells when they were kept). */
static void held_rec(const struct rowbuf *ls, const struct held *h, kam_source_rec *rec,
		     char **cells, size_t *lens)
{
	memset(rec, 0, sizeof *rec);
	rec->f = cells;
	rec->len = lens;
	rec->line = h->fileline;
	if (!h->raw)
		return;
	{
		size_t off = h->raw - 1;
		memcpy(&rec->n, ls->raw + off, sizeof rec->n);
		off += sizeof rec->n;
		for (size_t i = 0; i < rec->n && i < MAX_CELLS; i++) {
			memcpy(&lens[i], ls->raw + off, sizeof lens[i]);
			off += sizeof lens[i];
			cells[i] = ls->raw + off;
			off += lens[i] + 1;
		}
		if (rec->n > MAX_CELLS)
			rec->n = MAX_CELLS;
	}
}

static int by_key(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	if (MONTH_OF(x) != MONTH_OF(y))
		return MONTH_OF(x) < MONTH_OF(y) ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->fileline > y->fileline) - (x->fileline < y->fileline);
}

/* A held row as storage takes it. */
static void to_row(const struct ledger_state *ls, const struct held *h, struct kam_ledger_row *out)
{
	out->code = h->code;
	out->line = ls->lines[LINE_OF(h)];
	out->amount = h->amount;
	out->volume = h->volume;
}

/* The month's writer, opened when its first rows are stored. */
static int prepare_month(struct import_run *im, struct month_seen *m, kam_err *e)
{
	return m->w ? 0 : kam_ledger_writer_open(im->db, m->month, m->own, &m->w, e);
}

static void bad_held(struct import_run *im, struct ledger_state *ls, const struct held *h, const kam_err *why)
{
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS];
	kam_source_rec rec;
	held_rec(ls->drain, h, &rec, cells, lens);
	import_bad_row(im, &rec, why, 1);
}

/* "customer …, month …, line '…' appears more than once in the file (first on line N)" */
static void duplicate(struct import_run *im, struct ledger_state *ls, const struct held *h, long first,
		      int maybe_stored)
{
	kam_err msg;
	char where[64] = "";
	if (first)
		snprintf(where, sizeof where, " (first on %s %ld)", im->src->unit, first);
	row_errf(im, h->fileline, 0, NULL, &msg, "customer %014lld, month %04d-%02d, line '%s' appears more "
		 "than once in the file%s%s", (long long)h->code, MONTH_OF(h) / 100, MONTH_OF(h) % 100,
		 ls->lines[LINE_OF(h)], where, maybe_stored ? " or is already stored" : "");
	bad_held(im, ls, h, &msg);
}

/* Store held rows idx[0..n) of month m: one statement for GROUP of them, or, when that
 * fails (a key stored before), one at a time so that each bad row is named. */
static int store_group(struct import_run *im, struct ledger_state *ls, struct month_seen *m,
		       const size_t *idx, int n, kam_err *e)
{
	int rc;
	if (n == GROUP) {
		for (int i = 0; i < n; i++)
			to_row(ls, &ls->drain->h[idx[i]], &ls->group[i]);
		rc = kam_ledger_writer_put(m->w, ls->group, n, e);
		if (rc == 0) {
			im->st->inserted += n;
			m->added += n;
			return 0;
		}
		if (rc == -1)
			return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct held *h = &ls->drain->h[idx[i]];
		kam_err why;
		to_row(ls, h, &ls->group[0]);
		rc = kam_ledger_writer_put(m->w, ls->group, 1, &why);
		if (rc == 0) {
			im->st->inserted++;
			m->added++;
		} else if (rc == KAM_STORE_DUPLICATE) {
			duplicate(im, ls, h, 0, im->append);
		} else if (rc == KAM_STORE_REFUSED) {
			row_errf(im, h->fileline, 0, NULL, &why, "%s", why.msg);
			bad_held(im, ls, h, &why);
		} else {
			*e = why;
			return -1;
		}
	}
	return 0;
}

/* Store up to limit rows of the drain buffer (sorted), month by month, in key order. */
static int drain(struct import_run *im, struct ledger_state *ls, size_t limit, kam_err *e)
{
	struct rowbuf *d = ls->drain;
	for (; ls->at < d->n && limit > 0; ls->at++, limit--) {
		const struct held *h = &d->h[ls->at];
		if (ls->dm < 0 || ls->months[ls->dm].month != MONTH_OF(h)) {
			struct month_seen *m;
			if (ls->ngroup && store_group(im, ls, &ls->months[ls->dm], ls->idx, ls->ngroup, e) < 0)
				return -1;
			ls->ngroup = 0;
			if (!(m = month_state(im, ls, MONTH_OF(h), h->fileline, e)) || prepare_month(im, m, e) < 0)
				return -1;
			ls->dm = (int)(m - ls->months);
		} else if (ls->at > 0 && h->code == h[-1].code && h->key == h[-1].key) {
			duplicate(im, ls, h, ls->first, 0);
			continue;
		}
		ls->first = h->fileline;
		ls->idx[ls->ngroup++] = ls->at;
		if (ls->ngroup == GROUP) {
			if (store_group(im, ls, &ls->months[ls->dm], ls->idx, ls->ngroup, e) < 0)
				return -1;
			ls->ngroup = 0;
		}
	}
	if (ls->at == d->n && ls->ngroup) {
		if (store_group(im, ls, &ls->months[ls->dm], ls->idx, ls->ngroup, e) < 0)
			return -1;
		ls->ngroup = 0;
	}
	return 0;
}

static int reserve(struct rowbuf *b, size_t n)
{
	struct held *grown;
	if (n <= b->cap)
		return 0;
	if (!(grown = realloc(b->h, n * sizeof *grown)))
		return -1;
	b->h = grown;
	b->cap = n;
	return 0;
}

/* Store what is left of the drain buffer, then make the full buffer the one to drain.
 * carry: the rows of the month the file is in stay held (moved to the new fill buffer)
 * when they are under half a buffer, so that a file in month order stores each month in
 * one sorted pass into its empty table rather than in two passes that interleave. */
static int swap(struct import_run *im, struct ledger_state *ls, int carry, kam_err *e)
{
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS], a = 0, b;
	kam_source_rec rec;
	struct rowbuf *t, *d;
	int month;
	if (drain(im, ls, SIZE_MAX, e) < 0)
		return -1;
	t = ls->drain;
	ls->drain = d = ls->fill;
	ls->fill = t;
	ls->fill->n = 0;
	ls->fill->rawlen = 0;
	month = d->n ? MONTH_OF(&d->h[d->n - 1]) : 0;
	if (d->n)
		qsort(d->h, d->n, sizeof *d->h, by_key);
	ls->at = 0;
	ls->dm = -1;
	if (!carry || !d->n)
		return 0;
	while (a < d->n && MONTH_OF(&d->h[a]) < month)
		a++;
	for (b = a; b < d->n && MONTH_OF(&d->h[b]) == month; b++)
		;
	if (b - a >= HELD_MAX / 2)
		return 0;
	if (reserve(ls->fill, b - a) < 0)
		return kam_errf(e, "out of memory");
	for (size_t k = a; k < b; k++) {
		struct held *h = &ls->fill->h[ls->fill->n++];
		*h = d->h[k];
		if (h->raw) {
			held_rec(d, &d->h[k], &rec, cells, lens);
			if (keep_raw(ls->fill, &rec, &h->raw) < 0)
				return kam_errf(e, "out of memory");
		}
	}
	memmove(&d->h[a], &d->h[b], (d->n - b) * sizeof *d->h);
	d->n -= b - a;
	return 0;
}

/* Hold a checked row (values v of record r); store two rows of the other buffer. */
static int hold(struct import_run *im, struct ledger_state *ls, const kam_value *v, const kam_source_rec *r,
		kam_err *e)
{
	struct rowbuf *f = ls->fill;
	struct held *h;
	int line = line_rank(ls, &v[2]);
	if (line < 0)
		return row_errf(im, r->line, 0, "line", e, "line '%.*s' is not a business line",
				(int)v[2].len, v[2].s);
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4096;
		struct held *grown;
		if (cap > HELD_MAX)
			cap = HELD_MAX;
		if (!(grown = realloc(f->h, cap * sizeof *grown)))
			return kam_errf(e, "out of memory"), ROW_FATAL;
		f->h = grown;
		f->cap = cap;
	}
	h = &f->h[f->n];
	h->code = v[0].i;
	h->key = (int32_t)v[1].i * 32 + line;
	h->amount = v[3].i;
	h->volume = v[4].kind == KAM_V_INT ? v[4].i : -1;
	h->fileline = r->line;
	h->raw = 0;
	if (im->rejects.f && keep_raw(f, r, &h->raw) < 0)
		return kam_errf(e, "out of memory"), ROW_FATAL;
	if (++f->n == HELD_MAX && swap(im, ls, 1, e) < 0)
		return ROW_FATAL;
	if (drain(im, ls, 2, e) < 0)
		return ROW_FATAL;
	return ROW_OK;
}

static int ledger_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct ledger_state *ls = im->kind_state;
	int rc = ledger_check(im, ls, im->val, r, e);
	return rc != ROW_OK ? rc : hold(im, ls, im->val, r, e);
}

static int ledger_store(struct import_run *im, struct pipe *p, struct batch *b, kam_err *e)
{
	struct ledger_state *ls = im->kind_state;
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS];
	kam_value v[MAX_COLS];
	kam_source_rec rec;
	kam_err rowerr;
	int rc, bad;

	for (int i = 0; i < b->n; i++) {
		im->st->rows++;
		bad = pipe_row(p, b, &b->rows[i], v, &rec, cells, lens, &rowerr);
		if (bad) {
			import_bad_row(im, &rec, &rowerr, 1);
			continue;
		}
		rc = ledger_check(im, ls, v, &rec, &rowerr);
		if (rc == ROW_OK)
			rc = hold(im, ls, v, &rec, &rowerr);
		if (rc == ROW_FATAL) {
			*e = rowerr;
			return ROW_FATAL;
		}
		if (rc != ROW_OK)
			import_bad_row(im, &rec, &rowerr, rc == ROW_BAD);
	}
	return ROW_OK;
}

static int by_month(const void *a, const void *b)
{
	const struct month_seen *x = a, *y = b;
	return (x->month > y->month) - (x->month < y->month);
}

/* The last rows, then ledger_months and the view, in the import's transaction; the
 * months replaced listed in month order. */
static int ledger_finish(struct import_run *im, kam_err *e)
{
	struct ledger_state *ls = im->kind_state;
	char *out = im->st->replaced;
	size_t size = sizeof im->st->replaced, used = 0;
	snprintf(im->doing, sizeof im->doing, "storing the last rows");
	if (swap(im, ls, 0, e) < 0 || drain(im, ls, SIZE_MAX, e) < 0)
		return -1;
	im->doing[0] = 0;
	for (int i = 0; i < ls->nmonths; i++) {
		struct month_seen *m = &ls->months[i];
		if (m->state == MONTH_CLASH || (!m->own && m->stored + m->added == 0))
			continue;
		if (kam_ledger_record_month(im->db, m->month, (m->state == MONTH_APPEND ? m->stored : 0) + m->added,
					    m->own, e) < 0)
			return -1;
	}
	if (ls->view_stale && kam_ledger_rebuild_view(im->db, e) < 0)
		return -1;
	for (int i = 0; i < ls->nmonths; i++) {
		kam_ledger_writer_close(ls->months[i].w);
		ls->months[i].w = NULL;
	}
	if (ls->nmonths)
		qsort(ls->months, (size_t)ls->nmonths, sizeof *ls->months, by_month);
	ls->last = -1;
	out[0] = 0;
	for (int i = 0; i < ls->nmonths && used + 12 < size; i++) {
		const struct month_seen *m = &ls->months[i];
		if (m->state != MONTH_REPLACED)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%04d-%02d", used ? ", " : "", m->month / 100,
					 m->month % 100);
	}
	return 0;
}

const struct import_ops import_ledger_ops = {ledger_begin, ledger_row, ledger_finish, ledger_end, 1, ledger_store};
