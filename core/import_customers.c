/* Customer archive rows: new codes are added; a code already stored with the same data
 * is left alone; one stored with other data is changed only when asked (--replace), and
 * then only in the columns the file has, each change appended to the archive's history
 * (archive_changes: who, when, the old and the new value, as kam customer set records
 * it) and the archive refreshed today, as an import of its other blocks does.  A code
 * twice in one file is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_customers.h"
#include "store_stmt.h"
#include "today.h"

struct customer_state {
	struct i64map seen;            /* code -> the line it first stood on */
	kam_customers *store;
	kam_store_value vals[MAX_COLS], stored[MAX_COLS];
	int place, city, county;       /* their columns in the kind */
	const struct kam_store_stmt *change, *refreshed;   /* the archive's history (--replace) */
	char at[32], today[16];
};

static int customers_begin(struct import_run *im, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	struct customer_state *cs = calloc(1, sizeof *cs);
	const char *cols[MAX_COLS];
	int update[MAX_COLS] = {0};

	if (!cs)
		return kam_errf(e, "out of memory");
	im->kind_state = cs;
	cs->place = kam_kind_column(k, "place", 5);
	cs->city = kam_kind_column(k, "city", 4);
	cs->county = kam_kind_column(k, "county", 6);
	if (cs->place < 0 || cs->city < 0 || cs->county < 0)
		return kam_errf(e, "customers: the kind lacks place, city or county");
	if (im->opts->replace) {
		time_t t = time(NULL);
		cs->change = kam_store_stmt_find(kam_store_archive_stmts, "change_add");
		cs->refreshed = kam_store_stmt_find(kam_store_archive_stmts, "archive_refreshed");
		if (!cs->change || !cs->refreshed)
			return kam_errf(e, "customers: the storage layer lacks the archive's history");
		strftime(cs->at, sizeof cs->at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		if (kam_db_today(im->db, cs->today, e) < 0)
			return -1;
	}
	/* --replace changes only the columns the file has. */
	for (int c = 0; c < k->ncols; c++) {
		cols[c] = k->cols[c].name;
		update[c] = c > 0 && im->col_of[c] >= 0;
	}
	return kam_customers_open(im->db, cols, k->ncols, update, &cs->store, e);
}

static void customers_end(struct import_run *im)
{
	struct customer_state *cs = im->kind_state;
	if (!cs)
		return;
	kam_customers_close(cs->store);
	i64map_free(&cs->seen);
	free(cs);
	im->kind_state = NULL;
}

/* The row's values as storage takes them. */
static void to_store(const kam_value *v, kam_store_value *out)
{
	out->type = v->kind == KAM_V_INT ? KAM_STORE_INT : v->kind == KAM_V_TEXT ? KAM_STORE_TEXT : KAM_STORE_NULL;
	out->i = v->kind == KAM_V_INT ? v->i : 0;
	out->s = v->kind == KAM_V_TEXT ? v->s : NULL;
	out->len = v->kind == KAM_V_TEXT ? v->len : 0;
}

/* Does the stored column hold the file's value? */
static int same(const kam_store_value *stored, const kam_value *v)
{
	if (v->kind == KAM_V_NULL)
		return stored->type == KAM_STORE_NULL;
	if (v->kind == KAM_V_INT)
		return stored->type == KAM_STORE_INT && stored->i == v->i;
	return stored->type == KAM_STORE_TEXT && stored->len == v->len && memcmp(stored->s, v->s, v->len) == 0;
}

/* A value as the history keeps it: text, or an integer (a flag: 1 or 0) written out;
 * allocated (NULL for none, and *oom set when out of memory). */
static char *history_text(enum kam_store_type type, int64_t i, const char *s, size_t len, int *oom)
{
	char num[32], *t;
	if (type == KAM_STORE_NULL)
		return NULL;
	if (type == KAM_STORE_INT) {
		snprintf(num, sizeof num, "%lld", (long long)i);
		s = num, len = strlen(num);
	}
	if (!(t = strndup(s ? s : "", len)))
		*oom = 1;
	return t;
}

/* --replace: the old and new values of each column the file changes, as text (taken
 * before the update: the stored values live only until the next call on the store). */
struct row_changes {
	char *old[MAX_COLS], *now[MAX_COLS];
	int changed[MAX_COLS];
};

static void changes_free(struct row_changes *rc)
{
	for (int c = 0; c < MAX_COLS; c++)
		free(rc->old[c]), free(rc->now[c]);
}

static int changes_take(struct import_run *im, struct customer_state *cs, struct row_changes *ch, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	int oom = 0;
	for (int c = 1; c < k->ncols; c++) {
		const kam_store_value *was = &cs->stored[c];
		const kam_value *v = &im->val[c];
		if (im->col_of[c] < 0 || same(was, v))
			continue;
		ch->changed[c] = 1;
		ch->old[c] = history_text(was->type, was->i, was->s, was->type == KAM_STORE_TEXT ? strlen(was->s) : 0, &oom);
		ch->now[c] = history_text(v->kind == KAM_V_INT ? KAM_STORE_INT : v->kind == KAM_V_TEXT ? KAM_STORE_TEXT
					  : KAM_STORE_NULL, v->i, v->s, v->len, &oom);
	}
	return oom ? kam_errf(e, "out of memory") : 0;
}

/* Append the changes to the archive's history with who and when; the archive is
 * refreshed today. */
static int changes_record(struct import_run *im, struct customer_state *cs, const struct row_changes *ch, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	const char *user = im->opts->user ? im->opts->user : "?";
	for (int c = 1; c < k->ncols; c++) {
		if (!ch->changed[c])
			continue;
		kam_store_value h[8] = {
			{KAM_STORE_INT, im->val[0].i, NULL, 0}, {KAM_STORE_TEXT, 0, "basic", 0},
			{KAM_STORE_NULL, 0, NULL, 0}, {KAM_STORE_TEXT, 0, k->cols[c].name, 0},
			ch->old[c] ? (kam_store_value){KAM_STORE_TEXT, 0, ch->old[c], 0} : (kam_store_value){KAM_STORE_NULL, 0, NULL, 0},
			ch->now[c] ? (kam_store_value){KAM_STORE_TEXT, 0, ch->now[c], 0} : (kam_store_value){KAM_STORE_NULL, 0, NULL, 0},
			{KAM_STORE_TEXT, 0, user, 0}, {KAM_STORE_TEXT, 0, cs->at, 0},
		};
		if (kam_store_stmt_run(im->db, cs->change, h, 8, NULL, NULL, e) < 0)
			return -1;
	}
	kam_store_value f[3] = {{KAM_STORE_INT, im->val[0].i, NULL, 0}, {KAM_STORE_TEXT, 0, cs->today, 0},
				{KAM_STORE_TEXT, 0, user, 0}};
	return kam_store_stmt_run(im->db, cs->refreshed, f, 3, NULL, NULL, e);
}

/* A row storage refused (KAM_STORE_REFUSED: a CHECK) is a bad row; anything else stops. */
static int stored_failure(struct import_run *im, int rc, const kam_source_rec *r, kam_err *e)
{
	if (rc == KAM_STORE_REFUSED)
		return row_errf(im, r->line, 0, NULL, e, "%s", e->msg);
	return ROW_FATAL;
}

static int changed_row(struct import_run *im, struct customer_state *cs, const kam_source_rec *r,
		       kam_err *e)
{
	const struct kam_kind *k = im->kind;
	int differs = -1, rc;
	for (int c = 1; c < k->ncols && differs < 0; c++)
		if (im->col_of[c] >= 0 && !same(&cs->stored[c], &im->val[c]))
			differs = c;
	if (differs < 0) {
		im->st->unchanged++;
		return ROW_OK;
	}
	if (!im->opts->replace) {
		const kam_store_value *was = &cs->stored[differs];
		const kam_value *v = &im->val[differs];
		const char *old = was->type == KAM_STORE_NULL ? "" : was->s;
		char now[64];
		char then[64];
		if (v->kind == KAM_V_INT)
			kam_cell_format_int(&k->cols[differs], v->i, 0, now, sizeof now);
		if (was->type == KAM_STORE_INT) {
			kam_cell_format_int(&k->cols[differs], was->i, 0, then, sizeof then);
			old = then;
		}
		return row_errf(im, r->line, 0, k->cols[differs].name, e,
				"customer %014lld is already stored with %s '%s', the file has '%.*s'; "
				"--replace updates it", (long long)im->val[0].i, k->cols[differs].name, old,
				v->kind == KAM_V_INT ? (int)strlen(now) : (int)v->len,
				v->kind == KAM_V_INT ? now : v->kind == KAM_V_TEXT ? v->s : "");
	}
	struct row_changes ch = {{NULL}, {NULL}, {0}};
	if (changes_take(im, cs, &ch, e) < 0) {
		changes_free(&ch);
		return ROW_FATAL;
	}
	for (int c = 0; c < k->ncols; c++)
		to_store(&im->val[c], &cs->vals[c]);
	if ((rc = kam_customers_update(cs->store, cs->vals, e)) != 0) {
		changes_free(&ch);
		return stored_failure(im, rc, r, e);
	}
	rc = changes_record(im, cs, &ch, e);
	changes_free(&ch);
	if (rc < 0)
		return ROW_FATAL;
	im->st->updated++;
	return ROW_OK;
}

/* Every customer names its city, and one whose place is county its county: without
 * them its bureau is unknown (DOMAIN.md 3.1).  A stored customer keeps what the file
 * does not have a column for; a new one must have both. */
static int bureau_known(struct import_run *im, const struct customer_state *cs, const kam_source_rec *r,
			int stored, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	const kam_value *place = &im->val[cs->place];
	int in_county = place->kind == KAM_V_TEXT && place->len == 6 && memcmp(place->s, "county", 6) == 0;
	int need[2] = {cs->city, in_county ? cs->county : -1};
	for (int i = 0; i < 2; i++) {
		int c = need[i];
		const char *why = i == 0 ? "every customer names its city" :
				  "a customer whose place is county names its county";
		if (c < 0 || im->val[c].kind != KAM_V_NULL || (stored && im->col_of[c] < 0))
			continue;
		if (strcmp(im->src->format, "json") == 0)  /* a key left out, or null */
			return row_errf(im, r->line, 0, k->cols[c].name, e, "key '%s' is %s: %s, or its bureau is unknown",
					k->cols[c].name, im->present[c] ? "empty" : "missing", why);
		return row_errf(im, r->line, 0, k->cols[c].name, e, "column '%s' (%s) is %s: %s, or its bureau is unknown",
				k->cols[c].name, k->cols[c].zh_label, im->col_of[c] >= 0 ? "empty" : "not in the file",
				why);
	}
	return 0;
}

static int customers_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	struct customer_state *cs = im->kind_state;
	int64_t code = im->val[0].i;
	long first;
	int rc = i64map_put(&cs->seen, code, r->line, &first);

	if (rc < 0)
		return kam_errf(e, "out of memory"), ROW_FATAL;
	if (rc == 1)
		return row_errf(im, r->line, 0, "code", e, "code %014lld appears twice in the file (first on %s %ld)",
				(long long)code, im->src->unit, first);
	if ((rc = kam_customers_find(cs->store, code, cs->stored, e)) < 0)
		return ROW_FATAL;
	if (bureau_known(im, cs, r, rc, e) < 0)
		return ROW_BAD;
	if (rc == 1)
		return changed_row(im, cs, r, e);
	for (int c = 0; c < k->ncols; c++) {
		if (!im->present[c] && k->cols[c].type == KAM_COL_BOOL)
			cs->vals[c] = (kam_store_value){KAM_STORE_INT, 0, NULL, 0}; /* a column the file lacks: "no" */
		else
			to_store(&im->val[c], &cs->vals[c]);
	}
	if ((rc = kam_customers_insert(cs->store, cs->vals, e)) != 0)
		return stored_failure(im, rc, r, e);
	im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_customers_ops = {customers_begin, customers_row, NULL, customers_end, 0, NULL};
