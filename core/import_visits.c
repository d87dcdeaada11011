/* Visit rows (DOMAIN §4): each a visit to a stored customer on a calendar day, of a kind
 * (regular, center, leadership), by someone.  A visit stored already (the same customer,
 * day, kind and visitor: a file loaded twice) is left alone; every other row is added,
 * recorded with the importing user and time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_overrides.h"
#include "store_stmt.h"
#include "today.h"

struct visit_state {
	const struct kam_store_stmt *find, *add;
	char at[32];
};

static int visits_begin(struct import_run *im, kam_err *e)
{
	struct visit_state *vs = calloc(1, sizeof *vs);
	time_t t = time(NULL);
	if (!vs)
		return kam_errf(e, "out of memory");
	im->kind_state = vs;
	vs->find = kam_store_stmt_find(kam_store_visits_stmts, "visit_find");
	vs->add = kam_store_stmt_find(kam_store_visits_stmts, "visit_add");
	if (!vs->find || !vs->add)
		return kam_errf(e, "visits: the storage layer lacks its statements");
	strftime(vs->at, sizeof vs->at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return 0;
}

static void visits_end(struct import_run *im)
{
	free(im->kind_state);
	im->kind_state = NULL;
}

static int found(void *arg, const kam_store_row *r, kam_err *e)
{
	(void)r, (void)e;
	*(int *)arg = 1;
	return 0;
}

/* Columns: code, visited_on, kind, by_whom, note (kinds.c). */
static int visits_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct visit_state *vs = im->kind_state;
	const kam_value *v = im->val;
	char *text[5] = {NULL};
	kam_store_value k[8];
	int exists = 0, rc = ROW_OK;

	if (!kam_is_day(v[1].s, v[1].len))
		return row_errf(im, r->line, 0, "visited_on", e, "column 'visited_on': '%.*s' is not a day (YYYY-MM-DD)",
				(int)v[1].len, v[1].s);
	if (kam_store_customer_exists(im->db, v[0].i, &exists, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "column 'code': no customer %014lld",
				(long long)v[0].i);
	for (int i = 1; i < 5; i++)
		if (v[i].kind == KAM_V_TEXT && !(text[i] = strndup(v[i].s, v[i].len))) {
			rc = ROW_FATAL;
			kam_errf(e, "out of memory");
			goto out;
		}
	k[0] = (kam_store_value){KAM_STORE_INT, v[0].i, NULL, 0};
	k[1] = (kam_store_value){KAM_STORE_TEXT, 0, text[1], 0};
	k[2] = (kam_store_value){KAM_STORE_TEXT, 0, text[2] ? text[2] : "regular", 0};
	k[3] = (kam_store_value){KAM_STORE_TEXT, 0, text[3], 0};
	exists = 0;
	if (kam_store_stmt_run(im->db, vs->find, k, 4, found, &exists, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	if (exists) {
		im->st->unchanged++;
		goto out;
	}
	k[4] = (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};                 /* manager */
	k[5] = text[4] ? (kam_store_value){KAM_STORE_TEXT, 0, text[4], 0} : (kam_store_value){KAM_STORE_NULL, 0, NULL, 0};
	k[6] = (kam_store_value){KAM_STORE_TEXT, 0, im->opts->user ? im->opts->user : "?", 0};
	k[7] = (kam_store_value){KAM_STORE_TEXT, 0, vs->at, 0};
	if (kam_store_stmt_run(im->db, vs->add, k, 8, NULL, NULL, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	im->st->inserted++;
out:
	for (int i = 0; i < 5; i++)
		free(text[i]);
	return rc;
}

const struct import_ops import_visits_ops = {visits_begin, visits_row, NULL, visits_end, 0, NULL};
