/* Receivable rows (DOMAIN.md 6): each row is a receivable of an agreement customer, on a
 * line the policy puts on credit (the rule kam arrear add applies, handed in as
 * opts->rule: money.import_row), issued on a day and due on the same day or later.  A
 * row identical to one stored (customer, line, amount, days, handler, ref) is left alone,
 * so loading a file twice adds nothing; a receivable is never changed by an import (a
 * payment is recorded with kam arrear pay). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_arrears.h"
#include "today.h"

enum { C_CODE, C_LINE, C_AMOUNT, C_ISSUED, C_DUE, C_HANDLER, C_REF };

struct receivable_state {
	char created_at[32];
	char *text[7];     /* the row's text cells, NUL-terminated copies */
};

static int receivables_begin(struct import_run *im, kam_err *e)
{
	struct receivable_state *rs;
	time_t t = time(NULL);
	if (!im->opts->rule || !im->opts->rule->apply)
		return kam_errf(e, "import %s: no rule for the rows (the command layer gives it)", im->kind->name);
	if (!(rs = calloc(1, sizeof *rs)))
		return kam_errf(e, "out of memory");
	strftime(rs->created_at, sizeof rs->created_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	im->kind_state = rs;
	return 0;
}

static void free_text(struct receivable_state *rs)
{
	for (int i = 0; i < 7; i++) {
		free(rs->text[i]);
		rs->text[i] = NULL;
	}
}

static void receivables_end(struct import_run *im)
{
	struct receivable_state *rs = im->kind_state;
	if (!rs)
		return;
	free_text(rs);
	free(rs);
	im->kind_state = NULL;
}

static int receivables_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct receivable_state *rs = im->kind_state;
	const kam_value *v = im->val;
	struct kam_store_new_receivable nr;
	int exists, agreement, stored;
	long long id;

	free_text(rs);
	for (int i = C_LINE; i <= C_REF; i++)
		if (v[i].kind == KAM_V_TEXT && !(rs->text[i] = strndup(v[i].s, v[i].len))) {
			kam_errf(e, "out of memory");
			return ROW_FATAL;
		}
	for (int i = C_ISSUED; i <= C_DUE; i++)
		if (!kam_is_day(rs->text[i], strlen(rs->text[i])))
			return row_errf(im, r->line, 0, im->kind->cols[i].name, e, "column '%s': '%s' is not a day YYYY-MM-DD",
					im->kind->cols[i].name, rs->text[i]);
	if (strcmp(rs->text[C_DUE], rs->text[C_ISSUED]) < 0)
		return row_errf(im, r->line, 0, "due", e, "column 'due': %s is before the issue day %s", rs->text[C_DUE],
				rs->text[C_ISSUED]);
	if (v[C_AMOUNT].i <= 0)
		return row_errf(im, r->line, 0, "amount", e, "column 'amount': a receivable must be more than 0");
	{
		/* the line on credit: the rule kam arrear add applies (money.line_on_credit) */
		struct kam_rule_field in[] = {{"code", 1, v[C_CODE].i, NULL}, {"line", 0, 0, rs->text[C_LINE]}};
		int rc = import_apply_rule(im, r, in, 2, NULL, 0, e);
		if (rc != ROW_OK)
			return rc;
	}
	if (kam_store_customer_agreement(im->db, v[C_CODE].i, &exists, &agreement, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "no customer %014lld", (long long)v[C_CODE].i);
	if (!agreement)
		return row_errf(im, r->line, 0, "code", e,
				"customer %014lld has no agreement: only agreement customers may run arrears",
				(long long)v[C_CODE].i);
	nr = (struct kam_store_new_receivable){v[C_CODE].i, v[C_AMOUNT].i, rs->text[C_LINE], rs->text[C_ISSUED],
					      rs->text[C_DUE], rs->text[C_HANDLER], rs->text[C_REF],
					      im->opts->user ? im->opts->user : "?", rs->created_at};
	if (kam_store_receivable_stored(im->db, &nr, &stored, e) < 0)
		return ROW_FATAL;
	if (stored) {
		im->st->unchanged++;
		return ROW_OK;
	}
	if (kam_store_receivable_add(im->db, &nr, &id, e) < 0)
		return ROW_FATAL;
	im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_receivables_ops = {receivables_begin, receivables_row, NULL, receivables_end, 0,
						  NULL};
