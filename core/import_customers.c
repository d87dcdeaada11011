/* Customer archive rows: new codes are added; a code already stored with the same data
 * is left alone; one stored with other data is changed only when asked (--replace), and
 * then only in the columns the file has.  A code twice in one file is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_kind.h"

struct customer_state {
	struct i64map seen;            /* code -> the line it first stood on */
	sqlite3_stmt *sel, *ins, *upd;
	int upd_param[MAX_COLS];       /* column -> UPDATE parameter, 0 when not updated */
	int place, city, county;       /* their columns in the kind */
};

static int customers_begin(struct import_run *im, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	struct customer_state *cs = calloc(1, sizeof *cs);
	char sel[1024] = "SELECT ", ins[1024], vals[512] = "", upd[1024] = "UPDATE customers SET ";
	int nupd = 1;

	if (!cs)
		return kam_errf(e, "out of memory");
	im->kind_state = cs;
	cs->place = kam_kind_column(k, "place", 5);
	cs->city = kam_kind_column(k, "city", 4);
	cs->county = kam_kind_column(k, "county", 6);
	if (cs->place < 0 || cs->city < 0 || cs->county < 0)
		return kam_errf(e, "customers: the kind lacks place, city or county");
	snprintf(ins, sizeof ins, "INSERT INTO customers(");
	/* Column names come from the kind table, never from the file. */
	for (int c = 0; c < k->ncols; c++) {
		const char *sep = c ? ", " : "";
		snprintf(sel + strlen(sel), sizeof sel - strlen(sel), "%s%s", sep, k->cols[c].name);
		snprintf(ins + strlen(ins), sizeof ins - strlen(ins), "%s%s", sep, k->cols[c].name);
		snprintf(vals + strlen(vals), sizeof vals - strlen(vals), "%s?%d", sep, c + 1);
		if (c > 0 && im->col_of[c] >= 0) {
			cs->upd_param[c] = ++nupd;
			snprintf(upd + strlen(upd), sizeof upd - strlen(upd), "%s%s = ?%d", nupd > 2 ? ", " : "",
				 k->cols[c].name, nupd);
		}
	}
	snprintf(sel + strlen(sel), sizeof sel - strlen(sel), " FROM customers WHERE code = ?1");
	snprintf(ins + strlen(ins), sizeof ins - strlen(ins), ") VALUES (%s)", vals);
	snprintf(upd + strlen(upd), sizeof upd - strlen(upd), " WHERE code = ?1");
	if (kam_db_prepare(im->db, sel, &cs->sel, e) < 0 || kam_db_prepare(im->db, ins, &cs->ins, e) < 0)
		return -1;
	if (nupd > 1 && kam_db_prepare(im->db, upd, &cs->upd, e) < 0)
		return -1;
	return 0;
}

static void customers_end(struct import_run *im)
{
	struct customer_state *cs = im->kind_state;
	if (!cs)
		return;
	sqlite3_finalize(cs->sel);
	sqlite3_finalize(cs->ins);
	sqlite3_finalize(cs->upd);
	i64map_free(&cs->seen);
	free(cs);
	im->kind_state = NULL;
}

static void bind_value(sqlite3_stmt *st, int param, const kam_value *v)
{
	if (v->kind == KAM_V_INT)
		sqlite3_bind_int64(st, param, v->i);
	else if (v->kind == KAM_V_TEXT)
		sqlite3_bind_text(st, param, v->s, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, param);
}

/* Does the stored column (of the selected row) hold the file's value? */
static int same(sqlite3_stmt *st, int c, const kam_value *v)
{
	int type = sqlite3_column_type(st, c);
	if (v->kind == KAM_V_NULL)
		return type == SQLITE_NULL;
	if (v->kind == KAM_V_INT)
		return type == SQLITE_INTEGER && sqlite3_column_int64(st, c) == v->i;
	return type == SQLITE_TEXT && (size_t)sqlite3_column_bytes(st, c) == v->len &&
	       memcmp(sqlite3_column_text(st, c), v->s, v->len) == 0;
}

static int stored_failure(struct import_run *im, int rc, const kam_source_rec *r, kam_err *e)
{
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return kam_errf(e, ROW_PLACE "%s", ROW_ARGS(im, r), sqlite3_errmsg(im->db->h)), ROW_BAD;
	kam_db_fail(im->db, rc, "customers", e);
	return ROW_FATAL;
}

static int changed_row(struct import_run *im, struct customer_state *cs, const kam_source_rec *r,
		       kam_err *e)
{
	const struct kam_kind *k = im->kind;
	int differs = -1, rc;
	for (int c = 1; c < k->ncols && differs < 0; c++)
		if (im->col_of[c] >= 0 && !same(cs->sel, c, &im->val[c]))
			differs = c;
	if (differs < 0) {
		sqlite3_reset(cs->sel);
		im->st->unchanged++;
		return ROW_OK;
	}
	if (!im->opts->replace) {
		const unsigned char *old = sqlite3_column_text(cs->sel, differs);
		const kam_value *v = &im->val[differs];
		char now[64];
		char then[64];
		if (v->kind == KAM_V_INT)
			kam_cell_format_int(&k->cols[differs], v->i, 0, now, sizeof now);
		if (sqlite3_column_type(cs->sel, differs) == SQLITE_INTEGER) {
			kam_cell_format_int(&k->cols[differs], sqlite3_column_int64(cs->sel, differs), 0, then,
					    sizeof then);
			old = (const unsigned char *)then;
		}
		kam_errf(e, ROW_PLACE "customer %014lld is already stored with %s '%s', the file has '%.*s'; "
			 "--replace updates it", ROW_ARGS(im, r), (long long)im->val[0].i, k->cols[differs].name,
			 old ? (const char *)old : "", v->kind == KAM_V_INT ? (int)strlen(now) : (int)v->len,
			 v->kind == KAM_V_INT ? now : v->kind == KAM_V_TEXT ? v->s : "");
		sqlite3_reset(cs->sel);
		return ROW_BAD;
	}
	sqlite3_reset(cs->sel);
	sqlite3_bind_int64(cs->upd, 1, im->val[0].i);
	for (int c = 1; c < k->ncols; c++)
		if (cs->upd_param[c])
			bind_value(cs->upd, cs->upd_param[c], &im->val[c]);
	rc = sqlite3_step(cs->upd);
	sqlite3_reset(cs->upd);
	if (rc != SQLITE_DONE)
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
			return kam_errf(e, ROW_PLACE "key '%s' is %s: %s, or its bureau is unknown", ROW_ARGS(im, r),
					k->cols[c].name, im->present[c] ? "empty" : "missing", why);
		return kam_errf(e, ROW_PLACE "column '%s' (%s) is %s: %s, or its bureau is unknown", ROW_ARGS(im, r),
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
		return kam_errf(e, ROW_PLACE "code %014lld appears twice in the file (first on %s %ld)",
				ROW_ARGS(im, r), (long long)code, im->src->unit, first), ROW_BAD;
	sqlite3_bind_int64(cs->sel, 1, code);
	rc = sqlite3_step(cs->sel);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		if (bureau_known(im, cs, r, rc == SQLITE_ROW, e) < 0) {
			sqlite3_reset(cs->sel);
			return ROW_BAD;
		}
	}
	if (rc == SQLITE_ROW)
		return changed_row(im, cs, r, e);
	sqlite3_reset(cs->sel);
	if (rc != SQLITE_DONE)
		return stored_failure(im, rc, r, e);
	for (int c = 0; c < k->ncols; c++) {
		if (!im->present[c] && k->cols[c].type == KAM_COL_BOOL)
			sqlite3_bind_int(cs->ins, c + 1, 0); /* a column the file lacks: "no" */
		else
			bind_value(cs->ins, c + 1, &im->val[c]);
	}
	rc = sqlite3_step(cs->ins);
	sqlite3_reset(cs->ins);
	if (rc != SQLITE_DONE)
		return stored_failure(im, rc, r, e);
	im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_customers_ops = {customers_begin, customers_row, NULL, customers_end, 0, NULL};
