/* Fluctuation explanations (issue 20): why a key account's revenue swung in a month, as
 * the center writes them in a spreadsheet; each row is appended (the latest per customer
 * and month stands, the earlier ones are kept), and kam report monthly shows it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_overrides.h"
#include "store_report.h"

static int notes_begin(struct import_run *im, kam_err *e)
{
	(void)im, (void)e;
	return 0;
}

static void notes_end(struct import_run *im)
{
	(void)im;
}

static int notes_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	const kam_value *v = im->val;
	char at[32], *text;
	int exists, rc;
	time_t now = time(NULL);
	struct tm tm;

	if (kam_store_customer_exists(im->db, v[0].i, &exists, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "customer %014lld is not in the database (import the "
				"customers first)", (long long)v[0].i);
	if (!(text = malloc(v[2].len + 1)))
		return kam_errf(e, "out of memory"), ROW_FATAL;
	memcpy(text, v[2].s, v[2].len);
	text[v[2].len] = 0;
	if (memchr(v[2].s, 0, v[2].len)) {
		free(text);
		return row_errf(im, r->line, 0, "explanation", e, "column 'explanation': holds a NUL character");
	}
	gmtime_r(&now, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = kam_store_note_add(im->db, v[0].i, (int)v[1].i, text, im->opts->user ? im->opts->user : "", at, e);
	free(text);
	if (rc < 0)
		return ROW_FATAL;
	im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_notes_ops = {notes_begin, notes_row, NULL, notes_end, 0, NULL};
