/* Holiday rows (DOMAIN §4; issue 21): the center's holiday table by import, as kam holiday
 * add enters it.  A day stored already with the same kind and name is left alone; with
 * another, the row is refused unless --replace (then changed); a workday (调休上班) must
 * be a Saturday or Sunday.  Recorded with the importing user and time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_holidays.h"
#include "today.h"

struct holiday_state {
	const struct kam_store_stmt *get, *put;
	char at[32];
	char *kind, *name;   /* the stored row of the current day (NULL: none) */
	int found;
};

static int holidays_begin(struct import_run *im, kam_err *e)
{
	struct holiday_state *hs = calloc(1, sizeof *hs);
	time_t t = time(NULL);
	if (!hs)
		return kam_errf(e, "out of memory");
	im->kind_state = hs;
	hs->get = kam_store_stmt_find(kam_store_holidays_stmts, "holiday_get");
	hs->put = kam_store_stmt_find(kam_store_holidays_stmts, "holiday_put");
	if (!hs->get || !hs->put)
		return kam_errf(e, "holidays: the storage layer lacks its statements");
	strftime(hs->at, sizeof hs->at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return 0;
}

static void forget(struct holiday_state *hs)
{
	free(hs->kind);
	free(hs->name);
	hs->kind = hs->name = NULL;
	hs->found = 0;
}

static void holidays_end(struct import_run *im)
{
	struct holiday_state *hs = im->kind_state;
	if (hs)
		forget(hs);
	free(hs);
	im->kind_state = NULL;
}

static int keep(void *arg, const kam_store_row *r, kam_err *e)
{
	struct holiday_state *hs = arg;
	hs->found = 1;
	for (int i = 0; i < kam_store_row_columns(r); i++) {
		const char *n = kam_store_row_name(r, i), *s = kam_store_row_text(r, i, NULL);
		char **to = strcmp(n, "kind") == 0 ? &hs->kind : strcmp(n, "name") == 0 ? &hs->name : NULL;
		if (to && !(*to = strdup(s ? s : "")))
			return kam_errf(e, "out of memory");
	}
	return 0;
}

/* 0 Sunday … 6 Saturday of a checked day "YYYY-MM-DD" (noon, so no clock change moves it). */
static int weekday(const char *day)
{
	struct tm t = {0};
	t.tm_year = atoi(day) - 1900;
	t.tm_mon = atoi(day + 5) - 1;
	t.tm_mday = atoi(day + 8);
	t.tm_hour = 12;
	t.tm_isdst = -1;
	if (mktime(&t) == (time_t)-1)
		return -1;
	return t.tm_wday;
}

/* Columns: day, kind, name (kinds.c). */
static int holidays_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct holiday_state *hs = im->kind_state;
	const kam_value *v = im->val;
	char day[11], *name;
	const char *kind = v[1].kind == KAM_V_TEXT && v[1].len == 7 && memcmp(v[1].s, "workday", 7) == 0 ? "workday"
			   : "holiday";
	int rc = ROW_OK, wd;

	if (v[0].len != 10 || !kam_is_day(v[0].s, v[0].len))
		return row_errf(im, r->line, 0, "day", e, "column 'day': '%.*s' is not a day (YYYY-MM-DD)", (int)v[0].len,
				v[0].s);
	memcpy(day, v[0].s, 10);
	day[10] = '\0';
	if (strcmp(kind, "workday") == 0 && (wd = weekday(day)) > 0 && wd < 6)
		return row_errf(im, r->line, 0, "kind", e, "column 'kind': %s is a weekday, a working day already: a workday"
				" (调休上班) is a Saturday or Sunday worked in exchange", day);
	forget(hs);
	kam_store_value k[5] = {{KAM_STORE_TEXT, 0, day, 0}};
	if (kam_store_stmt_run(im->db, hs->get, k, 1, keep, hs, e) < 0)
		return ROW_FATAL;
	if (!(name = strndup(v[2].s, v[2].len)))
		return kam_errf(e, "out of memory"), ROW_FATAL;
	if (hs->found && strcmp(hs->kind, kind) == 0 && strcmp(hs->name, name) == 0) {
		im->st->unchanged++;
		goto out;
	}
	if (hs->found && !im->opts->replace) {
		rc = row_errf(im, r->line, 0, "kind", e, "%s is stored already as %s '%s', the file has %s '%s'; --replace"
			      " changes it", day, hs->kind, hs->name, kind, name);
		goto out;
	}
	k[1] = (kam_store_value){KAM_STORE_TEXT, 0, kind, 0};
	k[2] = (kam_store_value){KAM_STORE_TEXT, 0, name, 0};
	k[3] = (kam_store_value){KAM_STORE_TEXT, 0, im->opts->user ? im->opts->user : "?", 0};
	k[4] = (kam_store_value){KAM_STORE_TEXT, 0, hs->at, 0};
	if (kam_store_stmt_run(im->db, hs->put, k, 5, NULL, NULL, e) < 0) {
		rc = ROW_FATAL;
		goto out;
	}
	if (hs->found)
		im->st->updated++;
	else
		im->st->inserted++;
out:
	free(name);
	return rc;
}

const struct import_ops import_holidays_ops = {holidays_begin, holidays_row, NULL, holidays_end, 0, NULL};
