/* Bureau revenue rows: one figure per bureau and year; a figure already stored is
 * changed only when asked (--replace). */
#include <stdlib.h>
#include <string.h>

#include "import_kind.h"
#include "store_bureaus.h"

static int bureaus_begin(struct import_run *im, kam_err *e)
{
	kam_bureaus *b;
	if (kam_bureaus_open(im->db, &b, e) < 0)
		return -1;
	im->kind_state = b;
	return 0;
}

static void bureaus_end(struct import_run *im)
{
	kam_bureaus_close(im->kind_state);
	im->kind_state = NULL;
}

static int bureaus_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	kam_bureaus *b = im->kind_state;
	const kam_value *v = im->val;
	int existed;
	int64_t old = 0;

	if (v[1].i < 1900 || v[1].i > 2999)
		return row_errf(im, r->line, 0, "year", e, "column 'year': %lld is not a year", (long long)v[1].i);
	if (v[2].i < 0)
		return row_errf(im, r->line, 0, "amount", e, "column 'amount': a bureau's revenue cannot be negative");
	if ((existed = kam_bureaus_get(b, v[0].s, v[0].len, (int)v[1].i, &old, e)) < 0)
		return ROW_FATAL;
	if (existed && old == v[2].i) {
		im->st->unchanged++;
		return ROW_OK;
	}
	if (existed && !im->opts->replace)
		return row_errf(im, r->line, 0, "amount", e,
				"bureau '%.*s' already has a revenue for %lld; --replace changes it",
				(int)v[0].len, v[0].s, (long long)v[1].i);
	if (kam_bureaus_put(b, v[0].s, v[0].len, (int)v[1].i, v[2].i, e) < 0)
		return ROW_FATAL;
	if (existed)
		im->st->updated++;
	else
		im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_bureaus_ops = {bureaus_begin, bureaus_row, NULL, bureaus_end, 0, NULL};
