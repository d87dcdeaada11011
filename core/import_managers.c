/* Managers and assignments by import (DOMAIN §4; issue 21).  managers: a name already
 * stored with the same bureau and phone is left alone, with others changed only when
 * asked (--replace).  assignments: a customer's manager in a role (A by default) from a
 * day (today by default); the same assignment stored already is left alone; another
 * manager in that role is relieved (the old assignment ended, kept).  The policy's load
 * limits are not checked here (they are the policy's, read in Lua): kam manager staffing
 * lists the managers an import took over their load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_overrides.h"
#include "store_stmt.h"
#include "today.h"

struct managers_state {
	char at[32], today[16];
	/* The row a statement found: its id, manager and texts. */
	int found;
	int64_t id, manager;
	char *bureau, *phone;          /* NULL: none (malloc'd) */
	int oom;
};

static const struct kam_store_stmt *find(const char *name)
{
	return kam_store_stmt_find(kam_store_managers_stmts, name);
}

static int managers_begin(struct import_run *im, kam_err *e)
{
	struct managers_state *ms = calloc(1, sizeof *ms);
	time_t t = time(NULL);
	if (!ms)
		return kam_errf(e, "out of memory");
	im->kind_state = ms;
	strftime(ms->at, sizeof ms->at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return kam_db_today(im->db, ms->today, e);
}

static void forget(struct managers_state *ms)
{
	free(ms->bureau);
	free(ms->phone);
	ms->bureau = ms->phone = NULL;
	ms->found = 0;
}

static void managers_end(struct import_run *im)
{
	if (im->kind_state)
		forget(im->kind_state);
	free(im->kind_state);
	im->kind_state = NULL;
}

/* A stored text column, copied (NULL stays NULL). */
static char *copy_text(struct managers_state *ms, const kam_store_row *r, int i)
{
	const char *s = kam_store_row_text(r, i, NULL);
	char *c;
	if (kam_store_row_type(r, i) == KAM_STORE_NULL || !s)
		return NULL;
	if (!(c = strdup(s)))
		ms->oom = 1;
	return c;
}

static int keep(void *arg, const kam_store_row *r, kam_err *e)
{
	struct managers_state *ms = arg;
	forget(ms);
	ms->found = 1;
	for (int i = 0; i < kam_store_row_columns(r); i++) {
		const char *name = kam_store_row_name(r, i);
		if (strcmp(name, "id") == 0)
			ms->id = kam_store_row_int(r, i);
		else if (strcmp(name, "manager") == 0)
			ms->manager = kam_store_row_int(r, i);
		else if (strcmp(name, "bureau") == 0)
			ms->bureau = copy_text(ms, r, i);
		else if (strcmp(name, "phone") == 0)
			ms->phone = copy_text(ms, r, i);
	}
	if (ms->oom)
		return kam_errf(e, "out of memory");
	return 0;
}

#define TEXT(s) ((kam_store_value){KAM_STORE_TEXT, 0, (s), 0})
#define INT(v) ((kam_store_value){KAM_STORE_INT, (v), NULL, 0})
#define NUL ((kam_store_value){KAM_STORE_NULL, 0, NULL, 0})

/* Does the stored text (NULL: none) equal the cell? */
static int same(const char *s, const kam_value *v)
{
	if (v->kind == KAM_V_NULL)
		return s == NULL;
	return s && strlen(s) == v->len && memcmp(s, v->s, v->len) == 0;
}

/* Columns: name, bureau, phone (kinds.c). */
static int managers_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct managers_state *ms = im->kind_state;
	const kam_value *v = im->val;
	char *t[3] = {NULL};
	int rc = ROW_OK;
	for (int i = 0; i < 3; i++)
		if (v[i].kind == KAM_V_TEXT && !(t[i] = strndup(v[i].s, v[i].len))) {
			rc = ROW_FATAL, kam_errf(e, "out of memory");
			goto out;
		}
	forget(ms);
	kam_store_value k[5] = {TEXT(t[0])};
	if (kam_store_stmt_run(im->db, find("manager_find"), k, 1, keep, ms, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	if (ms->found) {
		int b = im->col_of[1] < 0 || same(ms->bureau, &v[1]);
		int p = im->col_of[2] < 0 || same(ms->phone, &v[2]);
		if (b && p) {
			im->st->unchanged++;
			goto out;
		}
		if (!im->opts->replace) {
			rc = row_errf(im, r->line, 0, b ? "phone" : "bureau", e, "manager '%s' is already stored with %s '%s';"
				      " --replace updates it", t[0], b ? "phone" : "bureau",
				      (b ? ms->phone : ms->bureau) ? (b ? ms->phone : ms->bureau) : "");
			goto out;
		}
		kam_store_value u[3] = {INT(ms->id),
			im->col_of[1] < 0 ? (ms->bureau ? TEXT(ms->bureau) : NUL) : t[1] ? TEXT(t[1]) : NUL,
			im->col_of[2] < 0 ? (ms->phone ? TEXT(ms->phone) : NUL) : t[2] ? TEXT(t[2]) : NUL};
		if (kam_store_stmt_run(im->db, find("manager_update"), u, 3, NULL, NULL, e) < 0) {
			rc = ROW_FATAL;
			goto out;
		}
		im->st->updated++;
		goto out;
	}
	k[1] = t[1] ? TEXT(t[1]) : NUL;
	k[2] = t[2] ? TEXT(t[2]) : NUL;
	k[3] = TEXT(im->opts->user ? im->opts->user : "?");
	k[4] = TEXT(ms->at);
	if (kam_store_stmt_run(im->db, find("manager_add"), k, 5, NULL, NULL, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	im->st->inserted++;
out:
	for (int i = 0; i < 3; i++)
		free(t[i]);
	return rc;
}

/* Columns: code, manager (a name), role, since (kinds.c). */
static int assign(struct import_run *im, const kam_source_rec *r, const char *name, kam_err *e)
{
	struct managers_state *ms = im->kind_state;
	const kam_value *v = im->val;
	char role[2] = "A", since[16];
	int exists = 0;
	int64_t manager, current = 0, current_manager = 0;

	if (v[2].kind == KAM_V_TEXT)
		role[0] = v[2].s[0];
	if (v[3].kind == KAM_V_TEXT) {
		if (!kam_is_day(v[3].s, v[3].len))
			return row_errf(im, r->line, 0, "since", e, "column 'since': '%.*s' is not a day (YYYY-MM-DD)",
					(int)v[3].len, v[3].s);
		snprintf(since, sizeof since, "%.*s", (int)v[3].len, v[3].s);
	} else {
		snprintf(since, sizeof since, "%s", ms->today);
	}
	if (kam_store_customer_exists(im->db, v[0].i, &exists, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "column 'code': no customer %014lld", (long long)v[0].i);
	forget(ms);
	kam_store_value k[2] = {TEXT(name)};
	if (kam_store_stmt_run(im->db, find("manager_find"), k, 1, keep, ms, e) < 0)
		return ROW_FATAL;
	if (!ms->found)
		return row_errf(im, r->line, 0, "manager", e, "column 'manager': no manager '%s' (import managers first)",
				name);
	manager = ms->id;
	forget(ms);
	k[0] = INT(v[0].i), k[1] = TEXT(role);
	if (kam_store_stmt_run(im->db, find("assignment_current"), k, 2, keep, ms, e) < 0)
		return ROW_FATAL;
	if (ms->found) {
		current = ms->id, current_manager = ms->manager;
		if (current_manager == manager) {
			im->st->unchanged++;
			return ROW_OK;
		}
	}
	/* The other role's manager may not take this one too. */
	forget(ms);
	k[1] = TEXT(role[0] == 'A' ? "B" : "A");
	if (kam_store_stmt_run(im->db, find("assignment_current"), k, 2, keep, ms, e) < 0)
		return ROW_FATAL;
	if (ms->found && ms->manager == manager)
		return row_errf(im, r->line, 0, "manager", e, "column 'manager': '%s' is the customer's %s manager already:"
				" A and B are two managers", name, role[0] == 'A' ? "B" : "A");
	if (current) {
		static const char RELIEVED[] = "relieved: customer assigned to ";
		char *why = malloc(sizeof RELIEVED + strlen(name));
		int rc;
		if (!why)
			return kam_errf(e, "out of memory"), ROW_FATAL;
		strcpy(why, RELIEVED);
		strcat(why, name);
		kam_store_value end[4] = {INT(current), TEXT(since), TEXT(im->opts->user ? im->opts->user : "?"), TEXT(why)};
		rc = kam_store_stmt_run(im->db, find("assignment_end"), end, 4, NULL, NULL, e);
		free(why);
		if (rc < 0)
			return ROW_FATAL;
	}
	kam_store_value add[8] = {INT(v[0].i), INT(manager), TEXT(role), TEXT(since),
				  TEXT(im->opts->user ? im->opts->user : "?"), TEXT(ms->at), INT(0), NUL};
	if (kam_store_stmt_run(im->db, find("assignment_add"), add, 8, NULL, NULL, e) < 0)
		return ROW_FATAL;
	if (current)
		im->st->updated++;
	else
		im->st->inserted++;
	return ROW_OK;
}

static int assignments_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	char *name = strndup(im->val[1].s, im->val[1].len);
	int rc;
	if (!name)
		return kam_errf(e, "out of memory"), ROW_FATAL;
	rc = assign(im, r, name, e);
	free(name);
	return rc;
}

const struct import_ops import_managers_ops = {managers_begin, managers_row, NULL, managers_end, 0, NULL};
const struct import_ops import_assignments_ops = {managers_begin, assignments_row, NULL, managers_end, 0, NULL};
