/* Discount requests, claims and complaints from a file (DOMAIN.md 4, 5, 11): each row is
 * what kam discount request, kam claim add or kam complaint add would record.  This side
 * reads and checks the cells (days, the rate, the customer, a masked export's '***'); the
 * route and the deadlines come from the very rule the command applies (opts->rule: the
 * functions of scripts/commands/common/money.lua, called in the import's transaction), so
 * no rule is written twice.  A file that carries the decided columns (an export) must
 * agree with what the rule decides now: a row that says otherwise is refused, naming the
 * column.  A row identical to one stored before the import began is left alone (as many
 * identical rows of the file as were stored: two identical requests stay two), so
 * loading a file twice, or an export into the database it came from, adds nothing;
 * nothing stored is ever changed (requests, claims and complaints are kept as recorded). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "store_claims.h"
#include "store_complaints.h"
#include "store_discounts.h"
#include "store_overrides.h"
#include "today.h"

#define MAX_OUT 8

struct money_state {
	char created_at[32];
	int64_t upto;           /* the last id stored before the import began */
	struct i64map matched;  /* a row's identity (hashed) -> stored rows it and its twins matched */
	char *text[MAX_COLS];   /* the row's text cells, NUL-terminated copies (NULL: empty) */
};

static int money_begin(struct import_run *im, kam_err *e)
{
	struct money_state *ms;
	time_t t = time(NULL);
	if (!im->opts->rule || !im->opts->rule->apply)
		return kam_errf(e, "import %s: no rule to route the rows (the command layer gives it)", im->kind->name);
	if (im->opts->replace)
		return kam_usagef(e, "import %s: --replace: %s are never changed nor deleted once recorded; a row already "
				  "stored is left alone, a new one added", im->kind->name, im->kind->name);
	if (!(ms = calloc(1, sizeof *ms)))
		return kam_errf(e, "out of memory");
	strftime(ms->created_at, sizeof ms->created_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	im->kind_state = ms;
	if (strcmp(im->kind->name, "discounts") == 0)
		return kam_store_discounts_last(im->db, &ms->upto, e);
	if (strcmp(im->kind->name, "claims") == 0)
		return kam_store_claims_last(im->db, &ms->upto, e);
	return kam_store_complaints_last(im->db, &ms->upto, e);
}

static void free_text(struct money_state *ms)
{
	for (int i = 0; i < MAX_COLS; i++) {
		free(ms->text[i]);
		ms->text[i] = NULL;
	}
}

static void money_end(struct import_run *im)
{
	struct money_state *ms = im->kind_state;
	if (!ms)
		return;
	free_text(ms);
	i64map_free(&ms->matched);
	free(ms);
	im->kind_state = NULL;
}

static int col_index(const struct kam_kind *k, const char *name)
{
	for (int c = 0; c < k->ncols; c++)
		if (strcmp(k->cols[c].name, name) == 0)
			return c;
	return -1;
}

/* The row's text cells as C strings; a masked export's '***' is refused: it is no value. */
static int read_text(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct money_state *ms = im->kind_state;
	const kam_value *v = im->val;
	free_text(ms);
	for (int c = 0; c < im->kind->ncols; c++) {
		if (v[c].kind != KAM_V_TEXT)
			continue;
		if (memchr(v[c].s, 0, v[c].len))
			return row_errf(im, r->line, 0, im->kind->cols[c].name, e, "column '%s': holds a NUL byte",
					im->kind->cols[c].name);
		if (v[c].len == 3 && memcmp(v[c].s, "***", 3) == 0)
			return row_errf(im, r->line, 0, im->kind->cols[c].name, e, "column '%s': '***' is a masked value "
					"(an export by someone who may not read it), not the value; export again as a user "
					"who may", im->kind->cols[c].name);
		if (!(ms->text[c] = strndup(v[c].s, v[c].len))) {
			kam_errf(e, "out of memory");
			return ROW_FATAL;
		}
	}
	return ROW_OK;
}

static const char *text(struct import_run *im, const char *name)
{
	struct money_state *ms = im->kind_state;
	int c = col_index(im->kind, name);
	return c >= 0 ? ms->text[c] : NULL;
}

static int need_day(struct import_run *im, const kam_source_rec *r, const char *name, kam_err *e)
{
	const char *s = text(im, name);
	if (!s || !kam_is_day(s, strlen(s)))
		return row_errf(im, r->line, 0, name, e, "column '%s': '%s' is not a day YYYY-MM-DD", name, s ? s : "");
	return ROW_OK;
}

static int need_customer(struct import_run *im, const kam_source_rec *r, int64_t code, kam_err *e)
{
	int exists;
	if (kam_store_customer_exists(im->db, code, &exists, e) < 0)
		return ROW_FATAL;
	if (!exists)
		return row_errf(im, r->line, 0, "code", e, "column 'code': no customer %014lld", (long long)code);
	return ROW_OK;
}

static const struct kam_rule_field *field(const struct kam_rule_field *out, int nout, const char *name)
{
	for (int i = 0; i < nout; i++)
		if (strcmp(out[i].name, name) == 0)
			return &out[i];
	return NULL;
}

/* A decided column the file carries must say what the rule decides now. */
static int agree(struct import_run *im, const kam_source_rec *r, const struct kam_rule_field *out, int nout,
		 const char *policy, kam_err *e)
{
	const kam_value *v = im->val;
	for (int i = 0; i < nout; i++) {
		int c = col_index(im->kind, out[i].name);
		char want[32], have[32];
		const char *w = out[i].s, *h;
		if (c < 0 || im->col_of[c] < 0)
			continue;
		if (out[i].is_int) {
			snprintf(want, sizeof want, "%lld", (long long)out[i].i);
			w = want;
		}
		if (v[c].kind == KAM_V_INT) {
			snprintf(have, sizeof have, "%lld", (long long)v[c].i);
			h = have;
		} else {
			h = ((struct money_state *)im->kind_state)->text[c];
		}
		if ((w == NULL) != (h == NULL) || (w && strcmp(w, h) != 0))
			return row_errf(im, r->line, 0, out[i].name, e, "column '%s': the file says '%s', policy %s decides "
					"'%s' for this row now", out[i].name, h ? h : "", policy ? policy : "?", w ? w : "");
	}
	return ROW_OK;
}

/* FNV-1a over a row's identity fields (NULL hashes apart from ""); never 0, the map's
 * free slot.  Two identities sharing a hash would share a count: at 64 bits, for files of
 * requests, claims or complaints, that is left to chance. */
static uint64_t fnv(uint64_t h, const char *s)
{
	if (!h)
		h = 0xcbf29ce484222325ull;
	if (!s)
		return (h ^ 0xff) * 0x100000001b3ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0x1f) * 0x100000001b3ull;
}

static uint64_t fnv_int(uint64_t h, int64_t i)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)i);
	return fnv(h, num);
}

/* Whether the row (identity h, stored: identical rows stored before the import) is one of
 * those already stored: 1 (counted unchanged), 0 when it is new, or ROW_FATAL. */
static int already(struct import_run *im, uint64_t h, int64_t stored, kam_err *e)
{
	struct money_state *ms = im->kind_state;
	long m = 0;
	int64_t key = (int64_t)(h | 1);
	i64map_get(&ms->matched, key, &m);
	if (m >= stored)
		return 0;
	if (i64map_set(&ms->matched, key, m + 1) < 0) {
		kam_errf(e, "out of memory");
		return ROW_FATAL;
	}
	im->st->unchanged++;
	return 1;
}

#define TRY(x) do { int rc_ = (x); if (rc_ != ROW_OK) return rc_; } while (0)

static int discounts_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct money_state *ms = im->kind_state;
	const kam_value *v = im->val;
	const char *rate = NULL, *policy;
	char *end;
	long long bp;
	long long id;
	int64_t stored;
	uint64_t h;
	int rc;
	struct kam_store_new_discount d;
	struct kam_rule_field in[4], out[] = {{"grade", 0, 0, NULL}, {"route", 0, 0, NULL}, {"limit_bp", 1, 0, NULL},
					      {"answer_by", 0, 0, NULL}, {"policy", 0, 0, NULL}};
	int nout = (int)(sizeof out / sizeof out[0]);

	TRY(read_text(im, r, e));
	rate = text(im, "rate_bp");
	bp = rate && rate[0] >= '0' && rate[0] <= '9' ? strtoll(rate, &end, 10) : 0;
	if (!rate || *end || strlen(rate) > 5 || bp < 1 || bp > 10000)
		return row_errf(im, r->line, 0, "rate_bp", e, "column 'rate_bp': '%s' must be whole basis points from 1 "
				"to 10000 (150 is 1.50%% off)", rate ? rate : "");
	TRY(need_day(im, r, "valid_from", e));
	TRY(need_day(im, r, "valid_until", e));
	TRY(need_day(im, r, "requested_on", e));
	if (strcmp(text(im, "valid_until"), text(im, "valid_from")) < 0)
		return row_errf(im, r->line, 0, "valid_until", e, "column 'valid_until': %s is before valid_from %s",
				text(im, "valid_until"), text(im, "valid_from"));
	TRY(need_customer(im, r, v[0].i, e));
	in[0] = (struct kam_rule_field){"code", 1, v[0].i, NULL};
	in[1] = (struct kam_rule_field){"line", 0, 0, ms->text[1]};
	in[2] = (struct kam_rule_field){"rate_bp", 1, bp, NULL};
	in[3] = (struct kam_rule_field){"requested_on", 0, 0, text(im, "requested_on")};
	TRY(import_apply_rule(im, r, in, 4, out, nout, e));
	policy = field(out, nout, "policy")->s;
	TRY(agree(im, r, out, nout - 1, policy, e));
	if (!field(out, nout, "route")->s || !field(out, nout, "answer_by")->s || !field(out, nout, "grade")->s || !policy) {
		kam_errf(e, "import discounts: the rule gave no route, grade, answer day or policy");
		return ROW_FATAL;
	}
	d = (struct kam_store_new_discount){v[0].i, bp, field(out, nout, "limit_bp")->i, ms->text[1], text(im, "method"),
		text(im, "valid_from"), text(im, "valid_until"), text(im, "requested_on"),
		text(im, "requested_by") ? text(im, "requested_by") : (im->opts->user ? im->opts->user : "?"), policy,
		field(out, nout, "grade")->s, field(out, nout, "route")->s, field(out, nout, "answer_by")->s,
		text(im, "reason"), ms->created_at};
	if (kam_store_discount_stored(im->db, &d, ms->upto, &stored, e) < 0)
		return ROW_FATAL;
	h = fnv(fnv(fnv(fnv(fnv(fnv_int(fnv_int(0, d.code), d.rate_bp), d.line), d.method), d.valid_from), d.valid_until),
		d.requested_on);
	if ((rc = already(im, fnv(h, d.reason), stored, e)) != 0)
		return rc < 0 ? rc : ROW_OK;
	if (kam_store_discount_add(im->db, &d, &id, e) < 0)
		return ROW_FATAL;
	im->st->inserted++;
	return ROW_OK;
}

static int claims_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct money_state *ms = im->kind_state;
	const kam_value *v = im->val;
	const char *policy;
	long long id;
	int64_t stored;
	uint64_t h;
	int rc;
	struct kam_store_new_claim c;
	struct kam_rule_field in[3], out[] = {{"route", 0, 0, NULL}, {"green", 1, 0, NULL}, {"report_by", 0, 0, NULL},
					      {"handle_by", 0, 0, NULL}, {"pay_by", 0, 0, NULL}, {"policy", 0, 0, NULL}};
	int nout = (int)(sizeof out / sizeof out[0]);

	TRY(read_text(im, r, e));
	if (v[1].i <= 0)
		return row_errf(im, r->line, 0, "amount", e, "column 'amount': a claim must be more than 0");
	TRY(need_day(im, r, "claimed_on", e));
	TRY(need_customer(im, r, v[0].i, e));
	in[0] = (struct kam_rule_field){"code", 1, v[0].i, NULL};
	in[1] = (struct kam_rule_field){"amount", 1, v[1].i, NULL};
	in[2] = (struct kam_rule_field){"claimed_on", 0, 0, text(im, "claimed_on")};
	TRY(import_apply_rule(im, r, in, 3, out, nout, e));
	policy = field(out, nout, "policy")->s;
	TRY(agree(im, r, out, nout - 1, policy, e));
	if (!field(out, nout, "route")->s || !policy) {
		kam_errf(e, "import claims: the rule gave no route or policy");
		return ROW_FATAL;
	}
	c = (struct kam_store_new_claim){v[0].i, v[1].i, field(out, nout, "green")->i != 0, text(im, "claimed_on"),
		policy, field(out, nout, "route")->s, field(out, nout, "report_by")->s, field(out, nout, "handle_by")->s,
		field(out, nout, "pay_by")->s, text(im, "description"),
		text(im, "created_by") ? text(im, "created_by") : (im->opts->user ? im->opts->user : "?"), ms->created_at};
	if (kam_store_claim_stored(im->db, &c, ms->upto, &stored, e) < 0)
		return ROW_FATAL;
	h = fnv(fnv(fnv_int(fnv_int(0, c.code), c.amount), c.claimed_on), c.description);
	if ((rc = already(im, h, stored, e)) != 0)
		return rc < 0 ? rc : ROW_OK;
	if (kam_store_claim_add(im->db, &c, &id, e) < 0)
		return ROW_FATAL;
	im->st->inserted++;
	return ROW_OK;
}

static int complaints_row(struct import_run *im, const kam_source_rec *r, kam_err *e)
{
	struct money_state *ms = im->kind_state;
	const kam_value *v = im->val;
	const char *policy, *user = im->opts->user ? im->opts->user : "?";
	long long id;
	int64_t stored;
	uint64_t h;
	int rc;
	struct kam_store_new_complaint c;
	struct kam_rule_field in[2], out[] = {{"answer_by", 0, 0, NULL}, {"policy", 0, 0, NULL}};
	int nout = (int)(sizeof out / sizeof out[0]);

	TRY(read_text(im, r, e));
	TRY(need_day(im, r, "received_on", e));
	TRY(need_customer(im, r, v[0].i, e));
	in[0] = (struct kam_rule_field){"code", 1, v[0].i, NULL};
	in[1] = (struct kam_rule_field){"received_on", 0, 0, text(im, "received_on")};
	TRY(import_apply_rule(im, r, in, 2, out, nout, e));
	policy = field(out, nout, "policy")->s;
	TRY(agree(im, r, out, nout - 1, policy, e));
	if (!field(out, nout, "answer_by")->s || !policy) {
		kam_errf(e, "import complaints: the rule gave no answer day or policy");
		return ROW_FATAL;
	}
	/* Whoever receives a complaint owns it (first-responder responsibility): the file's
	 * owner, else whoever loads it. */
	c = (struct kam_store_new_complaint){v[0].i, text(im, "received_on"), text(im, "content"),
		text(im, "owner") ? text(im, "owner") : user, text(im, "unit"), policy, field(out, nout, "answer_by")->s,
		user, ms->created_at};
	if (kam_store_complaint_stored(im->db, &c, ms->upto, &stored, e) < 0)
		return ROW_FATAL;
	h = fnv(fnv(fnv(fnv(fnv_int(0, c.code), c.received_on), c.content), c.owner), c.unit);
	if ((rc = already(im, h, stored, e)) != 0)
		return rc < 0 ? rc : ROW_OK;
	if (kam_store_complaint_add(im->db, &c, &id, e) < 0)
		return ROW_FATAL;
	im->st->inserted++;
	return ROW_OK;
}

const struct import_ops import_discounts_ops = {money_begin, discounts_row, NULL, money_end, 0, NULL};
const struct import_ops import_claims_ops = {money_begin, claims_row, NULL, money_end, 0, NULL};
const struct import_ops import_complaints_ops = {money_begin, complaints_row, NULL, money_end, 0, NULL};
