/* Rows of a statement as plain values (store_rows.h); the walk that store files share. */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_rows_impl.h"

struct kam_store_row {
	sqlite3_stmt *st;
	uint64_t masked;   /* columns the reader may not see (bit i: column i) */
};

/* What a masked column reads as. */
static const char MASK[] = "***";
#define MASKED(r, i) ((i) < 64 && ((r)->masked >> (i) & 1))

int kam_store_row_columns(const kam_store_row *r) { return sqlite3_column_count(r->st); }
const char *kam_store_row_name(const kam_store_row *r, int i) { return sqlite3_column_name(r->st, i); }
int64_t kam_store_row_int(const kam_store_row *r, int i) { return MASKED(r, i) ? 0 : sqlite3_column_int64(r->st, i); }
double kam_store_row_real(const kam_store_row *r, int i) { return MASKED(r, i) ? 0 : sqlite3_column_double(r->st, i); }

int kam_store_row_type(const kam_store_row *r, int i)
{
	if (MASKED(r, i))
		return KAM_STORE_TEXT;
	switch (sqlite3_column_type(r->st, i)) {
	case SQLITE_INTEGER: return KAM_STORE_INT;
	case SQLITE_FLOAT: return KAM_STORE_REAL;
	case SQLITE_NULL: return KAM_STORE_NULL;
	default: return KAM_STORE_TEXT;
	}
}

const char *kam_store_row_text(const kam_store_row *r, int i, size_t *len)
{
	const char *s;
	if (MASKED(r, i)) {
		if (len)
			*len = sizeof MASK - 1;
		return MASK;
	}
	s = (const char *)sqlite3_column_text(r->st, i);
	if (len)
		*len = s ? (size_t)sqlite3_column_bytes(r->st, i) : 0;
	return s;
}

int kam_store_int_row(void *arg, const kam_store_row *r, kam_err *e)
{
	(void)e;
	*(int64_t *)arg = kam_store_row_type(r, 0) == KAM_STORE_INT ? kam_store_row_int(r, 0) : 0;
	return 0;
}

int kam_store_walk(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
		   kam_store_row_fn each, void *arg, const char *what, kam_err *e)
{
	return kam_store_walk_secret(db, sql, params, nparams, NULL, each, arg, what, e);
}

/* The columns of st named in cols, as a mask. */
static uint64_t mask_of(sqlite3_stmt *st, const char *const *cols)
{
	uint64_t m = 0;
	for (int i = 0; i < sqlite3_column_count(st) && i < 64; i++)
		for (const char *const *c = cols; *c; c++)
			if (strcmp(sqlite3_column_name(st, i), *c) == 0)
				m |= (uint64_t)1 << i;
	return m;
}

int kam_store_walk_secret(kam_db *db, const char *sql, const struct kam_store_val *params, int nparams,
			  const struct kam_store_secret *secret, kam_store_row_fn each, void *arg, const char *what,
			  kam_err *e)
{
	struct kam_store_row row = {NULL, 0};
	int first = 1;
	sqlite3_stmt *st;
	int rc = SQLITE_OK;
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	for (int i = 0; i < nparams && rc == SQLITE_OK; i++) {
		const struct kam_store_val *v = &params[i];
		if (v->type == KAM_STORE_INT)
			rc = sqlite3_bind_int64(st, i + 1, v->i);
		else if (v->type == KAM_STORE_TEXT && v->s)
			rc = sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, i + 1);
	}
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, what, e);
	}
	row.st = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Confidential columns: decided (and a read logged) once there is something to read. */
		if (secret && first) {
			int may = kam_access_confidential(db, secret->topic, secret->customer, e);
			if (may < 0) {
				sqlite3_finalize(st);
				return -1;
			}
			row.masked = may ? 0 : mask_of(st, secret->cols);
		}
		first = 0;
		if (each && each(arg, &row, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, what, e);
	return 0;
}

int kam_store_list_by_state(kam_db *db, const struct kam_store_list *l, const int64_t *code, const char *state,
			    const char *as_of, const struct kam_store_secret *secret, kam_store_row_fn each, void *arg,
			    kam_err *e)
{
	const char *where = "1";
	char *sql, what[64];
	int rc;
	struct kam_store_val v[] = {code ? KAM_SV_INT(*code) : KAM_SV_TEXT(NULL), KAM_SV_TEXT(as_of)};
	if (state) {
		where = NULL;
		for (size_t i = 0; i < l->nstates; i++)
			if (strcmp(l->states[i].state, state) == 0)
				where = l->states[i].where;
		if (!where) {
			sqlite3_str *names = sqlite3_str_new(NULL);
			for (size_t i = 0; i < l->nstates; i++)
				sqlite3_str_appendf(names, "%s%s", i ? ", " : "", l->states[i].state);
			sql = sqlite3_str_finish(names);
			kam_errf(e, "%s: no state '%s' (%s)", l->what, state, sql ? sql : "?");
			sqlite3_free(sql);
			return -1;
		}
		if (!as_of && strstr(where, "?2"))
			return kam_errf(e, "%s: the state '%s' needs a day", l->what, state);
	}
	/* Every text but the bound values is one of the callers' fixed ones: nothing from
	 * the caller's input enters the SQL. */
	sql = sqlite3_mprintf("SELECT %s WHERE (?1 IS NULL OR %s = ?1) AND (?2 IS NULL OR %s <= ?2) AND %s ORDER BY %s",
			      l->select, l->code, l->day, where, l->order);
	if (!sql)
		return kam_errf(e, "%s: out of memory", l->what);
	snprintf(what, sizeof what, "read %s", l->what);
	rc = kam_store_walk_secret(db, sql, v, 2, secret, each, arg, what, e);
	sqlite3_free(sql);
	return rc;
}
