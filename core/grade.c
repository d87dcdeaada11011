#include "grade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "textenc.h"

#define BATCH 2000

void kam_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- overrides valid on the as-of day ---- */

struct override {
	long long id;
	char *kind, *grade, *until, *by, *approved_by, *reason;
};

struct overrides {
	struct override *o;
	size_t n;
	struct i64map by_code;          /* code -> index into o (the latest valid one) */
};

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return s ? strdup((const char *)s) : NULL;
}

static void overrides_free(struct overrides *ov)
{
	for (size_t i = 0; i < ov->n; i++) {
		free(ov->o[i].kind);
		free(ov->o[i].grade);
		free(ov->o[i].until);
		free(ov->o[i].by);
		free(ov->o[i].approved_by);
		free(ov->o[i].reason);
	}
	free(ov->o);
	i64map_free(&ov->by_code);
	memset(ov, 0, sizeof *ov);
}

static int overrides_load(kam_db *db, const kam_policy *p, const char *as_of, struct overrides *ov, kam_err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;
	memset(ov, 0, sizeof *ov);
	if (kam_db_prepare(db, "SELECT id, code, kind, grade, valid_until, created_by, approved_by, reason"
			   " FROM overrides WHERE policy = ?1 AND revoked_at IS NULL AND valid_from <= ?2"
			   " AND (valid_until IS NULL OR valid_until >= ?2) ORDER BY id", &st, e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct override *o;
		if (ov->n == cap) {
			struct override *grown = realloc(ov->o, (cap = cap ? cap * 2 : 64) * sizeof *grown);
			if (!grown)
				goto nomem;
			ov->o = grown;
		}
		o = &ov->o[ov->n];
		o->id = sqlite3_column_int64(st, 0);
		o->kind = dup_col(st, 2);
		o->grade = dup_col(st, 3);
		o->until = dup_col(st, 4);
		o->by = dup_col(st, 5);
		o->approved_by = dup_col(st, 6);
		o->reason = dup_col(st, 7);
		ov->n++;
		/* Ordered by id: a later override of the same customer replaces an earlier one. */
		if (i64map_set(&ov->by_code, sqlite3_column_int64(st, 1), (long)ov->n - 1) < 0)
			goto nomem;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "read overrides", e);
	return 0;
nomem:
	sqlite3_finalize(st);
	overrides_free(ov);
	return kam_errf(e, "out of memory");
}

/* ---- reading what the policy returned ---- */

static void json_str(kam_buf *b, const char *s, size_t n)
{
	kam_buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			kam_buf_add(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			kam_buf_add(b, esc, 6);
		} else {
			kam_buf_add(b, &s[i], 1);
		}
	}
	kam_buf_add(b, "\"", 1);
}

/* A reasons list (array of strings) appended to the JSON array being built in out. */
static int read_reasons(kam_rd *r, kam_buf *out, int *count, const char *who, kam_err *e)
{
	uint32_t narr, nhash;
	kam_val v;
	if (kam_rd_peek(r) == KAM_LSER_NIL)
		return kam_rd_nil(r, e);
	if (kam_rd_table(r, &narr, &nhash, e) < 0)
		return kam_errf(e, "%s: reasons must be a list of strings", who);
	if (nhash)
		return kam_errf(e, "%s: reasons must be a list of strings (without holes or keys)", who);
	for (uint32_t i = 0; i < narr; i++) {
		if (kam_rd_value(r, &v, e) < 0)
			return -1;
		if (v.tag != KAM_LSER_STRING)
			return kam_errf(e, "%s: reason %u is not a string", who, i + 1);
		if (!kam_utf8_valid(v.s, v.len, NULL))
			return kam_errf(e, "%s: reason %u is not valid UTF-8", who, i + 1);
		if ((*count)++)
			kam_buf_add(out, ",", 1);
		json_str(out, v.s, v.len);
	}
	return 0;
}

/* One "*" result: the values the function returned, as {v1, v2, ..., n = k}.  Slot 1..3
 * are handed to take(); anything else is skipped. */
typedef int (*take_fn)(void *arg, int slot, kam_rd *r, kam_err *e);

static int read_returns(kam_rd *r, take_fn take, void *arg, kam_err *e)
{
	uint32_t narr, nhash;
	int done[4] = {0};
	if (kam_rd_table(r, &narr, &nhash, e) < 0)
		return -1;
	for (uint32_t i = 1; i <= narr; i++) {
		if (i <= 3) {
			if (take(arg, (int)i, r, e) < 0)
				return -1;
			done[i] = 1;
		} else if (kam_rd_skip(r, e) < 0) {
			return -1;
		}
	}
	for (uint32_t i = 0; i < nhash; i++) {
		kam_val key;
		if (kam_rd_value(r, &key, e) < 0)
			return -1;
		if (key.tag == KAM_LSER_INT && key.i >= 1 && key.i <= 3) {
			if (take(arg, (int)key.i, r, e) < 0)
				return -1;
			done[key.i] = 1;
		} else if (kam_rd_skip(r, e) < 0) {
			return -1;
		}
	}
	for (int s = 1; s <= 3; s++) {
		kam_rd none;
		static const unsigned char nil = KAM_LSER_NIL;
		if (done[s])
			continue;
		kam_rd_init(&none, &nil, 1);
		if (take(arg, s, &none, e) < 0)
			return -1;
	}
	return 0;
}

struct verdict {
	const kam_policy *p;
	char who[160];
	int member;
	const char *grade;
	int has_score;
	double score;
	kam_buf *reasons;
	int nreasons;
};

static int take_member(void *arg, int slot, kam_rd *r, kam_err *e)
{
	struct verdict *v = arg;
	kam_val x;
	if (slot == 2)
		return read_reasons(r, v->reasons, &v->nreasons, v->who, e);
	if (kam_rd_value(r, &x, e) < 0)
		return -1;
	if (slot == 1) {
		if (x.tag != KAM_LSER_TRUE && x.tag != KAM_LSER_FALSE)
			return kam_errf(e, "%s: member() must return true or false first", v->who);
		v->member = x.tag == KAM_LSER_TRUE;
	}
	return 0;
}

static int take_grade(void *arg, int slot, kam_rd *r, kam_err *e)
{
	struct verdict *v = arg;
	kam_val x;
	char g[64];
	int idx;
	if (slot == 3)
		return read_reasons(r, v->reasons, &v->nreasons, v->who, e);
	if (kam_rd_value(r, &x, e) < 0)
		return -1;
	if (slot == 1) {
		if (x.tag != KAM_LSER_STRING || x.len >= sizeof g)
			return kam_errf(e, "%s: grade() must return a grade first (a string)", v->who);
		memcpy(g, x.s, x.len);
		g[x.len] = '\0';
		if ((idx = kam_policy_grade_index(v->p, g)) < 0)
			return kam_errf(e, "%s: grade() returned '%s', which is not one of the policy's grades", v->who, g);
		v->grade = v->p->grades[idx];
	} else if (slot == 2) {
		if (x.tag == KAM_LSER_INT)
			v->has_score = 1, v->score = (double)x.i;
		else if (x.tag == KAM_LSER_DOUBLE)
			v->has_score = 1, v->score = x.d;
		else if (x.tag != KAM_LSER_NIL)
			return kam_errf(e, "%s: grade() must return a number or nil as the score", v->who);
	}
	return 0;
}

/* ---- the run ---- */

struct run {
	kam_ctx *ctx;
	kam_policy *p;
	const kam_facts *f;
	const struct kam_grade_opts *o;
	struct kam_grade_stats *st;
	struct overrides ov;
	sqlite3_stmt *ins;
	kam_buf items, results, shared, reasons;
	struct verdict *v;           /* per customer of the batch */
	kam_buf *vreasons;
};

static int insert_run(struct run *r, kam_err *e)
{
	kam_db *db = r->ctx->db;
	sqlite3_stmt *st;
	char at[32];
	time_t t = time(NULL);
	int rc;
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (kam_db_prepare(db, "INSERT INTO grading_runs(year, policy_hash, as_of, decided_at, decided_by,"
			   " customers) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, r->f->year);
	sqlite3_bind_text(st, 2, r->p->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->o->as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->o->user ? r->o->user : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)r->f->n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kam_db_fail(db, rc, "record the grading run", e);
	r->st->run_id = sqlite3_last_insert_rowid(db->h);
	return kam_db_prepare(db, "INSERT INTO decisions(run, code, grade, computed, score, reasons, override)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &r->ins, e);
}

/* The override that outranks the computed grade, with its reason added. */
static const struct override *apply_override(struct run *r, size_t i, struct verdict *v)
{
	long k;
	const struct override *o;
	char line[1024];
	if (!i64map_get(&r->ov.by_code, r->f->c[i].code, &k))
		return NULL;
	o = &r->ov.o[k];
	if (kam_policy_grade_index(r->p, o->grade) < 0)
		return NULL; /* recorded for a grade the policy no longer has: it cannot apply */
	snprintf(line, sizeof line, "override #%lld (%s by %s%s%s%s%s): grade %s instead of %s: %s", o->id, o->kind,
		 o->by ? o->by : "?", o->approved_by ? ", approved by " : "", o->approved_by ? o->approved_by : "",
		 o->until ? ", valid until " : "", o->until ? o->until : "", o->grade,
		 v->member ? v->grade : "none", o->reason ? o->reason : "");
	if (v->nreasons++)
		kam_buf_add(v->reasons, ",", 1);
	json_str(v->reasons, line, strlen(line));
	return o;
}

static int decide(struct run *r, size_t i, struct verdict *v, kam_err *e)
{
	const struct override *o;
	struct kam_decision d = {0};
	const char *computed = v->member ? v->grade : "none";
	int rc, gi;

	o = apply_override(r, i, v);
	kam_buf_add(v->reasons, "]", 1);
	kam_buf_add(v->reasons, "", 1); /* NUL */
	if (kam_buf_check(v->reasons, "reasons", e) < 0)
		return -1;
	d.code = r->f->c[i].code;
	d.index = i;
	d.computed = computed;
	d.grade = o ? o->grade : computed;
	d.has_score = v->member && v->has_score;
	d.score = v->score;
	d.reasons = (const char *)v->reasons->data;
	d.override_id = o ? o->id : 0;
	r->st->customers++;
	r->st->members += v->member;
	r->st->overridden += o != NULL;
	gi = kam_policy_grade_index(r->p, d.grade);
	r->st->per_grade[gi < 0 ? r->p->ngrades : gi]++;
	if (r->o->on_decision)
		r->o->on_decision(r->o->arg, &d);
	if (!r->ins)
		return 0;
	sqlite3_bind_int64(r->ins, 1, r->st->run_id);
	sqlite3_bind_int64(r->ins, 2, d.code);
	sqlite3_bind_text(r->ins, 3, d.grade, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ins, 4, d.computed, -1, SQLITE_STATIC);
	if (d.has_score)
		sqlite3_bind_double(r->ins, 5, d.score);
	else
		sqlite3_bind_null(r->ins, 5);
	sqlite3_bind_text(r->ins, 6, d.reasons, -1, SQLITE_STATIC);
	if (d.override_id)
		sqlite3_bind_int64(r->ins, 7, d.override_id);
	else
		sqlite3_bind_null(r->ins, 7);
	rc = sqlite3_step(r->ins);
	sqlite3_reset(r->ins);
	if (rc != SQLITE_DONE)
		return kam_db_fail(r->ctx->db, rc, "record a decision", e);
	return 0;
}

static void who(struct run *r, size_t i, const char *fn, char *out, size_t size)
{
	snprintf(out, size, "%s: %s() for customer %014lld", r->p->path, fn, (long long)r->f->c[i].code);
}

/* Customers [from, to): member() for all, grade() for the members, then the decisions. */
static int batch(struct run *r, size_t from, size_t to, kam_err *e)
{
	size_t n = to - from, nm = 0;
	size_t *members = malloc(n * sizeof *members);
	uint32_t narr, nhash;
	kam_rd rd;
	int rc = -1;

	if (!members)
		return kam_errf(e, "out of memory");
	kam_buf_reset(&r->items);
	kam_put_table(&r->items, (uint32_t)n, 0);
	for (size_t i = from; i < to; i++)
		kam_facts_put(r->f, i, r->p->needs, &r->items);
	if (kam_buf_check(&r->items, "facts", e) < 0 ||
	    kam_worker_call(r->p->w, "*member", &r->shared, &r->items, &r->results, e) < 0)
		goto out;
	kam_rd_init(&rd, r->results.data, r->results.len);
	if (kam_rd_table(&rd, &narr, &nhash, e) < 0 || narr != n)
		goto malformed;
	for (size_t k = 0; k < n; k++) {
		struct verdict *v = &r->v[k];
		memset(v, 0, sizeof *v);
		v->p = r->p;
		v->reasons = &r->vreasons[k];
		kam_buf_reset(v->reasons);
		kam_buf_add(v->reasons, "[", 1);
		who(r, from + k, "member", v->who, sizeof v->who);
		if (read_returns(&rd, take_member, v, e) < 0)
			goto out;
		if (v->member)
			members[nm++] = k;
	}
	if (nm) {
		kam_buf_reset(&r->items);
		kam_put_table(&r->items, (uint32_t)nm, 0);
		for (size_t m = 0; m < nm; m++)
			kam_facts_put(r->f, from + members[m], r->p->needs, &r->items);
		if (kam_buf_check(&r->items, "facts", e) < 0 ||
		    kam_worker_call(r->p->w, "*grade", &r->shared, &r->items, &r->results, e) < 0)
			goto out;
		kam_rd_init(&rd, r->results.data, r->results.len);
		if (kam_rd_table(&rd, &narr, &nhash, e) < 0 || narr != nm)
			goto malformed;
		for (size_t m = 0; m < nm; m++) {
			struct verdict *v = &r->v[members[m]];
			who(r, from + members[m], "grade", v->who, sizeof v->who);
			if (read_returns(&rd, take_grade, v, e) < 0)
				goto out;
			if (!v->grade) {
				kam_errf(e, "%s: grade() returned no grade", v->who);
				goto out;
			}
		}
	}
	for (size_t k = 0; k < n; k++)
		if (decide(r, from + k, &r->v[k], e) < 0)
			goto out;
	rc = 0;
	goto out;
malformed:
	kam_errf(e, "%s: the worker's results do not match the customers sent", r->p->path);
out:
	free(members);
	return rc;
}

int kam_grade_run(kam_ctx *ctx, kam_policy *p, const kam_facts *facts, const struct kam_grade_opts *o,
		  struct kam_grade_stats *st, kam_err *e)
{
	struct run r = {ctx, p, facts, o, st, {0}, NULL, {0}, {0}, {0}, {0}, NULL, NULL};
	double t0 = now();
	int rc = -1, began = 0;

	memset(st, 0, sizeof *st);
	kam_buf_init(&r.items);
	kam_buf_init(&r.results);
	kam_buf_init(&r.shared);
	r.v = calloc(BATCH, sizeof *r.v);
	r.vreasons = calloc(BATCH, sizeof *r.vreasons);
	if (!r.v || !r.vreasons) {
		kam_errf(e, "out of memory");
		goto out;
	}
	/* What every call gets as its second argument. */
	kam_put_table(&r.shared, 0, 3);
	kam_put_cstr(&r.shared, "year");
	kam_put_int(&r.shared, facts->year);
	kam_put_cstr(&r.shared, "as_of");
	kam_put_cstr(&r.shared, o->as_of);
	kam_put_cstr(&r.shared, "policy");
	kam_put_cstr(&r.shared, p->name);
	if (kam_ctx_db(ctx, 0) < 0) {
		*e = ctx->err;
		goto out;
	}
	if (overrides_load(ctx->db, p, o->as_of, &r.ov, e) < 0)
		goto out;
	if (!o->dry_run) {
		if (kam_db_begin(ctx->db, e) < 0)
			goto out;
		began = 1;
		if (kam_policy_store(ctx->db, p, e) < 0 || insert_run(&r, e) < 0)
			goto out;
	}
	for (size_t from = 0; from < facts->n; from += BATCH) {
		size_t to = from + BATCH < facts->n ? from + BATCH : facts->n;
		if (batch(&r, from, to, e) < 0)
			goto out;
	}
	if (r.ins) {
		sqlite3_finalize(r.ins);
		r.ins = NULL;
	}
	if (began && kam_db_commit(ctx->db, e) < 0) {
		began = 0;
		goto out;
	}
	began = 0;
	rc = 0;
out:
	if (r.ins)
		sqlite3_finalize(r.ins);
	if (began)
		kam_db_rollback(ctx->db);
	if (rc < 0)
		st->run_id = 0;
	overrides_free(&r.ov);
	for (size_t i = 0; r.vreasons && i < BATCH; i++)
		kam_buf_free(&r.vreasons[i]);
	free(r.vreasons);
	free(r.v);
	kam_buf_free(&r.items);
	kam_buf_free(&r.results);
	kam_buf_free(&r.shared);
	st->seconds = now() - t0;
	return rc;
}
