/* Receivables and their payments (store_arrears.h). */
#include "store.h"
#include "store_arrears.h"
#include "store_rows_impl.h"

/* ?2 is the day the figures are for. */
#define PAID "coalesce((SELECT sum(p.amount) FROM receivable_payments p WHERE p.receivable = r.id " \
	"AND p.paid_on <= ?2), 0)"
#define COLUMNS "r.id, printf('%014d', r.code) AS code, r.line, r.amount, r.issued, r.due, r.handler, r.ref, " \
	"r.created_by, r.created_at, " PAID " AS paid, r.amount - " PAID " AS outstanding, " \
	"CAST(julianday(?2) - julianday(r.due) AS INTEGER) AS days_overdue, " \
	"(SELECT max(p.paid_on) FROM receivable_payments p WHERE p.receivable = r.id AND p.paid_on <= ?2) " \
	"AS last_paid_on FROM receivables r"

int kam_store_receivable_add(kam_db *db, const struct kam_store_new_receivable *r, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(r->code), KAM_SV_TEXT(r->line), KAM_SV_INT(r->amount),
				    KAM_SV_TEXT(r->issued), KAM_SV_TEXT(r->due), KAM_SV_TEXT(r->handler),
				    KAM_SV_TEXT(r->ref), KAM_SV_TEXT(r->created_by), KAM_SV_TEXT(r->created_at)};
	if (kam_store_walk(db, "INSERT INTO receivables(code, line, amount, issued, due, handler, ref, created_by, "
			   "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", v, 9, NULL, NULL,
			   "record the receivable", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int kam_store_receivable_pay(kam_db *db, int64_t receivable, const char *paid_on, int64_t amount, const char *by,
			     const char *created_at, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(receivable), KAM_SV_TEXT(paid_on), KAM_SV_INT(amount), KAM_SV_TEXT(by),
				    KAM_SV_TEXT(created_at)};
	if (kam_store_walk(db, "INSERT INTO receivable_payments(receivable, paid_on, amount, by_user, created_at) "
			   "VALUES (?1, ?2, ?3, ?4, ?5)", v, 5, NULL, NULL, "record the payment", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

/* Credit details are confidential (DOMAIN §6, §12): what a customer owes reads "***" for
 * who may not see it (store_rows_impl.h), and every read is logged. */
const char *const kam_secret_receivable_cols[] = {"amount", "paid", "outstanding", NULL};

int kam_store_receivable_get(kam_db *db, int64_t id, const char *as_of, kam_store_row_fn each, void *arg,
			     kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(id), KAM_SV_TEXT(as_of)};
	struct kam_store_secret secret = {"credit details", 0, kam_secret_receivable_cols};
	return kam_store_walk_secret(db, "SELECT " COLUMNS " WHERE r.id = ?1", v, 2, &secret, each, arg,
				     "read a receivable", e);
}

int kam_store_receivables_list(kam_db *db, const int64_t *code, const char *as_of, int open,
			       kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {code ? KAM_SV_INT(*code) : KAM_SV_TEXT(NULL), KAM_SV_TEXT(as_of),
				    KAM_SV_INT(open != 0)};
	struct kam_store_secret secret = {"credit details", code ? *code : 0, kam_secret_receivable_cols};
	return kam_store_walk_secret(db, "SELECT " COLUMNS " WHERE (?1 IS NULL OR r.code = ?1) AND r.issued <= ?2 AND "
				     "(?3 = 0 OR r.amount > " PAID ") ORDER BY r.id", v, 3, &secret, each, arg,
				     "read receivables", e);
}

int kam_store_revenue_by_line(kam_db *db, int year, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT((int64_t)year * 100 + 1), KAM_SV_INT((int64_t)year * 100 + 12)};
	return kam_store_walk(db, "SELECT line, sum(amount) AS amount FROM ledger WHERE month BETWEEN ?1 AND ?2 "
			      "GROUP BY line ORDER BY line", v, 2, each, arg, "read the year's revenue", e);
}

int kam_store_customer_brief(kam_db *db, int64_t code, kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	return kam_store_walk(db, "SELECT printf('%014d', code) AS code, name, agreement, account FROM customers "
			      "WHERE code = ?1", v, 1, each, arg, "read the customer", e);
}

static int agreement_row(void *arg, const kam_store_row *r, kam_err *e)
{
	int *out = arg;
	(void)e;
	out[0] = 1;
	out[1] = kam_store_row_int(r, 0) != 0;
	return 0;
}

int kam_store_customer_agreement(kam_db *db, int64_t code, int *exists, int *agreement, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(code)};
	int out[2] = {0, 0};
	if (kam_store_walk(db, "SELECT agreement FROM customers WHERE code = ?1", v, 1, agreement_row, out,
			   "read the customer", e) < 0)
		return -1;
	*exists = out[0];
	*agreement = out[1];
	return 0;
}

static int found(void *arg, const kam_store_row *r, kam_err *e)
{
	(void)r, (void)e;
	*(int *)arg = 1;
	return 0;
}

int kam_store_receivable_stored(kam_db *db, const struct kam_store_new_receivable *r, int *stored, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(r->code), KAM_SV_TEXT(r->line), KAM_SV_INT(r->amount),
				    KAM_SV_TEXT(r->issued), KAM_SV_TEXT(r->due), KAM_SV_TEXT(r->handler),
				    KAM_SV_TEXT(r->ref)};
	*stored = 0;
	return kam_store_walk(db, "SELECT 1 FROM receivables WHERE code = ?1 AND line = ?2 AND amount = ?3 AND "
			      "issued = ?4 AND due = ?5 AND handler = ?6 AND ref IS ?7 LIMIT 1", v, 7, found, stored,
			      "read receivables", e);
}

int kam_store_credit_set(kam_db *db, const struct kam_store_new_credit *c, long long *id, kam_err *e)
{
	struct kam_store_val v[] = {KAM_SV_INT(c->code), KAM_SV_TEXT(c->credit_level), KAM_SV_INT(c->arrears_limit),
				    KAM_SV_INT(c->cycle_days), KAM_SV_TEXT(c->since), KAM_SV_TEXT(c->set_by),
				    KAM_SV_TEXT(c->reason), KAM_SV_TEXT(c->created_at)};
	if (kam_store_walk(db, "INSERT INTO credit_files(code, credit_level, arrears_limit, cycle_days, since, set_by, "
			   "reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", v, 8, NULL, NULL,
			   "record the credit file", e) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

/* A credit file's terms are confidential (DOMAIN §6, §12): who may not see them reads "***". */
static const char *const credit_secret[] = {"credit_level", "arrears_limit", "cycle_days", "reason", NULL};

int kam_store_credit_files(kam_db *db, const int64_t *code, const char *as_of, int history, kam_store_row_fn each,
			   void *arg, kam_err *e)
{
	struct kam_store_val v[] = {code ? KAM_SV_INT(*code) : KAM_SV_TEXT(NULL), KAM_SV_TEXT(as_of),
				    KAM_SV_INT(history != 0)};
	struct kam_store_secret secret = {"credit files", code ? *code : 0, credit_secret};
	if (!history && !as_of)
		return kam_errf(e, "credit files: the file standing needs a day");
	return kam_store_walk_secret(db, "SELECT f.id, printf('%014d', f.code) AS code, f.credit_level, f.arrears_limit, "
				     "f.cycle_days, f.since, f.set_by, f.reason, f.created_at FROM credit_files f "
				     "WHERE (?1 IS NULL OR f.code = ?1) AND (?3 OR f.id = (SELECT g.id FROM credit_files g "
				     "WHERE g.code = f.code AND g.since <= ?2 ORDER BY g.since DESC, g.id DESC LIMIT 1)) "
				     "ORDER BY f.code, f.since, f.id", v, 3, &secret, each, arg, "read credit files", e);
}
