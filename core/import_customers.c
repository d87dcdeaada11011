/* Customer archive rows: new codes are added; a code already stored with the same data
 * is left alone; one stored with other data is changed only when asked (--replace), and
 * then only in the columns the file has.  A code twice in one file is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_kind.h"
#include "store_customers.h"

struct customer_state {
	struct i64map seen;            /* code -> the line it first stood on */
	kam_customers *store;
	kam_store_value vals[MAX_COLS], stored[MAX_COLS];
	int place, city, county;       /* their columns in the kind */
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
	for (int c = 0; c < k->ncols; c++)
		to_store(&im->val[c], &cs->vals[c]);
	if ((rc = kam_customers_update(cs->store, cs->vals, e)) != 0)
		return stored_failure(im, rc, r, e);
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
