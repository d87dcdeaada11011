/* The archive's blocks by import (DOMAIN §7; issue 21): `archive` (the basic block's
 * further fields), `archive_extended` (confidential), `key_persons` and `competitors`.
 * Importing a block is a refresh of the archive: a stored value the file changes is
 * changed, every change appended to archive_changes with who, when and the old value, and
 * the archive's last refresh set to today (the database's day); a row that changes
 * nothing is left alone.  Columns the file lacks keep their stored values.  A key person
 * (a competitor) is found by the customer and its name: a new name adds one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_overrides.h"
#include "store_stmt.h"
#include "today.h"

struct block {
	const char *kind, *block;
	const char *get, *put, *add;   /* add: NULL for a block keyed by the code alone */
};

static const struct block blocks[] = {
	{"archive", "basic", "customer_get", "archive_put", NULL},
	{"archive_extended", "extended", "extended_get", "extended_put", NULL},
	{"key_persons", "key_person", "key_person_find", "key_person_put", "key_person_add"},
	{"competitors", "competitor", "competitor_find", "competitor_put", "competitor_add"},
};

struct archive_state {
	const struct block *b;
	const struct kam_store_stmt *get, *put, *add, *change, *refreshed;
	char at[32], today[16];
	/* The stored row: the kind's columns as text (NULL: none), and its id. */
	char *old[MAX_COLS];
	int found;
	int64_t id;
	const struct kam_kind *k;
};

static const struct kam_store_stmt *stmt(const char *name, kam_err *e)
{
	const struct kam_store_stmt *s = kam_store_stmt_find(kam_store_archive_stmts, name);
	if (!s)
		kam_errf(e, "archive: the storage layer lacks '%s'", name);
	return s;
}

static int archive_begin(struct import_run *im, kam_err *e)
{
	struct archive_state *as = calloc(1, sizeof *as);
	time_t t = time(NULL);
	if (!as)
		return kam_errf(e, "out of memory");
	im->kind_state = as;
	as->k = im->kind;
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (strcmp(blocks[i].kind, im->kind->name) == 0)
			as->b = &blocks[i];
	if (!as->b)
		return kam_errf(e, "archive: no block for kind %s", im->kind->name);
	if (!(as->get = stmt(as->b->get, e)) || !(as->put = stmt(as->b->put, e)) ||
	    (as->b->add && !(as->add = stmt(as->b->add, e))) || !(as->change = stmt("change_add", e)) ||
	    !(as->refreshed = stmt("archive_refreshed", e)))
		return -1;
	strftime(as->at, sizeof as->at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return kam_db_today(im->db, as->today, e);
}

static void clear_old(struct archive_state *as)
{
	for (int i = 0; i < MAX_COLS; i++) {
		free(as->old[i]);
		as->old[i] = NULL;
	}
	as->found = 0;
	as->id = 0;
}

static void archive_end(struct import_run *im)
{
	struct archive_state *as = im->kind_state;
	if (as)
		clear_old(as);
	free(as);
	im->kind_state = NULL;
}

/* The stored row: each column of the kind by name, as text. */
static int keep_old(void *arg, const kam_store_row *r, kam_err *e)
{
	struct archive_state *as = arg;
	as->found = 1;
	for (int i = 0; i < kam_store_row_columns(r); i++) {
		const char *name = kam_store_row_name(r, i);
		int t = kam_store_row_type(r, i);
		char num[32];
		const char *s = NULL;
		if (strcmp(name, "id") == 0) {
			as->id = kam_store_row_int(r, i);
			continue;
		}
		int c = kam_kind_column(as->k, name, strlen(name));
		if (c <= 0 || t == KAM_STORE_NULL)
			continue;
		if (t == KAM_STORE_INT) {
			snprintf(num, sizeof num, "%lld", (long long)kam_store_row_int(r, i));
			s = num;
		} else {
			s = kam_store_row_text(r, i, NULL);
		}
		free(as->old[c]);
		if (!(as->old[c] = strdup(s ? s : "")))
			return kam_errf(e, "out of memory");
	}
	return 0;
}

static kam_store_value text_or_null(const char *s)
{
	return s ? (kam_store_value){KAM_STORE_TEXT, 0, s, 0} : (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
}

/* A value of column c (its text, or NULL) as the statement's parameter. */
static kam_store_value param(const struct kam_column *col, const char *s)
{
	if (!s)
		return (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
	if (col->type == KAM_COL_MONEY || col->type == KAM_COL_COUNT || col->type == KAM_COL_BOOL)
		return (kam_store_value){KAM_STORE_INT, strtoll(s, NULL, 10), NULL, 0};
	return (kam_store_value){KAM_STORE_TEXT, 0, s, 0};
}

static int archive_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct archive_state *as = im->kind_state;
	const struct kam_kind *k = im->kind;
	const kam_value *v = im->val;
	char *now[MAX_COLS] = {NULL};
	kam_store_value p[MAX_COLS + 2];
	int exists = 0, rc = ROW_OK, n = 0, changed = 0;
	int64_t item = 0;

	clear_old(as);
	for (int c = 1; c < k->ncols; c++) {
		const struct kam_column *col = &k->cols[c];
		if (col->type == KAM_COL_MONEY && v[c].kind == KAM_V_INT && v[c].i < 0 && strcmp(col->name, "profit") != 0)
			return row_errf(im, r->line, 0, col->name, e, "column '%s': cannot be negative", col->name);
		/* What a masked export shows in place of a confidential value is no value: loaded, it
		 * would overwrite what it hides. */
		if (v[c].kind == KAM_V_TEXT && v[c].len == 3 && memcmp(v[c].s, "***", 3) == 0 &&
		    (strcmp(k->name, "key_persons") == 0 || strcmp(k->name, "archive_extended") == 0))
			return row_errf(im, r->line, 0, col->name, e, "column '%s': '***' is a masked value (an export by "
					"someone who may not read it), not the value; export again as a user who may", col->name);
		if (strcmp(col->name, "share_pct") == 0 && v[c].kind == KAM_V_INT && v[c].i > 100)
			return row_errf(im, r->line, 0, col->name, e, "column 'share_pct': %lld is more than 100",
					(long long)v[c].i);
	}
	if (kam_store_customer_exists(im->db, v[0].i, &exists, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "column 'code': no customer %014lld", (long long)v[0].i);
	/* The file's values as text, the stored ones where the file lacks the column. */
	for (int c = 1; c < k->ncols && rc == ROW_OK; c++) {
		if (v[c].kind == KAM_V_INT) {
			char num[32];
			snprintf(num, sizeof num, "%lld", (long long)v[c].i);
			now[c] = strdup(num);
		} else if (v[c].kind == KAM_V_TEXT) {
			now[c] = strndup(v[c].s, v[c].len);
		}
		if ((v[c].kind != KAM_V_NULL && !now[c]) )
			rc = ROW_FATAL, kam_errf(e, "out of memory");
	}
	if (rc != ROW_OK)
		goto out;
	p[0] = (kam_store_value){KAM_STORE_INT, v[0].i, NULL, 0};
	p[1] = text_or_null(now[1]);
	if (kam_store_stmt_run(im->db, as->get, p, as->add ? 2 : 1, keep_old, as, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	for (int c = 1; c < k->ncols; c++) {
		if (im->col_of[c] < 0) {               /* not in the file: the stored value stays */
			free(now[c]);
			now[c] = as->old[c] ? strdup(as->old[c]) : NULL;
			if (as->old[c] && !now[c]) {
				rc = ROW_FATAL, kam_errf(e, "out of memory");
				goto out;
			}
		} else if ((now[c] == NULL) != (as->old[c] == NULL) || (now[c] && strcmp(now[c], as->old[c]) != 0)) {
			changed++;
		}
	}
	if (as->found && !changed) {
		im->st->unchanged++;
		goto out;
	}
	/* Write: the block's row in its statement's order (the kind's columns after code). */
	n = 0;
	if (as->add && as->found)
		p[n++] = (kam_store_value){KAM_STORE_INT, as->id, NULL, 0};
	else
		p[n++] = (kam_store_value){KAM_STORE_INT, v[0].i, NULL, 0};
	for (int c = 1; c < k->ncols; c++) {
		const char *s = now[c];
		if (!s && k->cols[c].type == KAM_COL_BOOL)
			s = "0";
		p[n++] = param(&k->cols[c], s);
	}
	if (as->add && as->found)
		p[n++] = (kam_store_value){KAM_STORE_INT, 1, NULL, 0};   /* active again */
	if (as->add && !as->found) {
		struct archive_state tmp = {0};
		tmp.k = k;
		if (kam_store_stmt_run(im->db, as->add, p, n, keep_old, &tmp, e) < 0) {
			rc = ROW_FATAL;
			goto out;
		}
		item = tmp.id;
		clear_old(&tmp);
	} else {
		if (kam_store_stmt_run(im->db, as->put, p, n, NULL, NULL, e) < 0) {
			rc = ROW_FATAL;
			goto out;
		}
		item = as->id;
	}
	/* The history: each field that changed, with its old value. */
	for (int c = 1; c < k->ncols; c++) {
		if (im->col_of[c] < 0)
			continue;
		if (!((now[c] == NULL) != (as->old[c] == NULL) || (now[c] && strcmp(now[c], as->old[c]) != 0)))
			continue;
		kam_store_value h[8] = {
			{KAM_STORE_INT, v[0].i, NULL, 0}, {KAM_STORE_TEXT, 0, as->b->block, 0},
			as->add ? (kam_store_value){KAM_STORE_INT, item, NULL, 0} : (kam_store_value){KAM_STORE_NULL, 0, NULL, 0},
			{KAM_STORE_TEXT, 0, k->cols[c].name, 0}, text_or_null(as->old[c]), text_or_null(now[c]),
			{KAM_STORE_TEXT, 0, im->opts->user ? im->opts->user : "?", 0}, {KAM_STORE_TEXT, 0, as->at, 0},
		};
		if (kam_store_stmt_run(im->db, as->change, h, 8, NULL, NULL, e) < 0) {
			rc = ROW_FATAL;
			goto out;
		}
	}
	{
		kam_store_value f[3] = {{KAM_STORE_INT, v[0].i, NULL, 0}, {KAM_STORE_TEXT, 0, as->today, 0},
					{KAM_STORE_TEXT, 0, im->opts->user ? im->opts->user : "?", 0}};
		if (kam_store_stmt_run(im->db, as->refreshed, f, 3, NULL, NULL, e) < 0) {
			rc = ROW_FATAL;
			goto out;
		}
	}
	if (as->found)
		im->st->updated++;
	else
		im->st->inserted++;
out:
	for (int c = 0; c < MAX_COLS; c++)
		free(now[c]);
	return rc;
}

const struct import_ops import_archive_ops = {archive_begin, archive_row, NULL, archive_end, 0, NULL};
