#include "grade.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_kind.h"
#include "log.h"
#include "store_access.h"
#include "store_grading.h"
#include "store_overrides.h"
#include "textenc.h"

/* Customers a round trip; KAM_GRADE_BATCH (1..BATCH) makes it smaller, for the tests
 * that check a policy decides the same whatever the batch. */
#define BATCH 2000

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

static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = 1;
	return d;
}

struct overrides_load {
	struct overrides *ov;
	size_t cap;
};

static int keep_override(void *arg, const struct kam_store_override *so, kam_err *e)
{
	struct overrides_load *l = arg;
	struct overrides *ov = l->ov;
	struct override *o;
	int failed = 0;
	if (ov->n == l->cap) {
		struct override *grown = realloc(ov->o, (l->cap = l->cap ? l->cap * 2 : 64) * sizeof *grown);
		if (!grown)
			return kam_errf(e, "out of memory");
		ov->o = grown;
	}
	o = &ov->o[ov->n];
	o->id = so->id;
	o->kind = dup_or_null(so->kind, &failed);
	o->grade = dup_or_null(so->grade, &failed);
	o->until = dup_or_null(so->valid_until, &failed);
	o->by = dup_or_null(so->created_by, &failed);
	o->approved_by = dup_or_null(so->approved_by, &failed);
	o->reason = dup_or_null(so->reason, &failed);
	ov->n++;
	/* In id order: a later override of the same customer replaces an earlier one. */
	if (failed || i64map_set(&ov->by_code, so->code, (long)ov->n - 1) < 0)
		return kam_errf(e, "out of memory");
	return 0;
}

static int overrides_load(kam_db *db, const kam_policy *p, const char *as_of, struct overrides *ov, kam_err *e)
{
	struct overrides_load l = {ov, 0};
	memset(ov, 0, sizeof *ov);
	if (kam_store_overrides_valid(db, p->name, as_of, keep_override, &l, e) < 0) {
		overrides_free(ov);
		return -1;
	}
	return 0;
}

/* ---- reading what the policy returned ---- */

/* s as a JSON string: runs of plain bytes are copied whole (reasons are mostly plain). */
static void json_str(kam_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	kam_buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		kam_buf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			kam_buf_add(b, esc, 2);
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			kam_buf_add(b, esc, 6);
		}
		run = i + 1;
	}
	kam_buf_add(b, s + run, n - run);
	kam_buf_add(b, "\"", 1);
}

/* A reasons list (array of strings) appended to the JSON array being built in out. */
static int read_reasons(kam_rd *r, kam_buf *out, int *count, kam_err *e)
{
	uint32_t narr, nhash;
	kam_val v;
	if (kam_rd_peek(r) == KAM_LSER_NIL)
		return kam_rd_nil(r, e);
	if (kam_rd_table(r, &narr, &nhash, e) < 0)
		return kam_errf(e, "reasons must be a list of strings");
	if (nhash)
		return kam_errf(e, "reasons must be a list of strings (without holes or keys)");
	for (uint32_t i = 0; i < narr; i++) {
		if (kam_rd_value(r, &v, e) < 0)
			return -1;
		if (v.tag != KAM_LSER_STRING)
			return kam_errf(e, "reason %u is not a string", i + 1);
		if (!kam_utf8_valid(v.s, v.len, NULL))
			return kam_errf(e, "reason %u is not valid UTF-8", i + 1);
		if ((*count)++)
			kam_buf_add(out, ",", 1);
		json_str(out, v.s, v.len);
	}
	return 0;
}

/* grade()'s fourth value: labels a grade carries for what follows from it (city2012's
 * breadth decides who visits a Gold customer, DOMAIN §4), a table of short names to short
 * strings, kept as a JSON object with its keys sorted (the same labels, the same text). */
#define MAX_LABELS 8
#define MAX_LABEL_NAME 32
#define MAX_LABEL_VALUE 200

static int label_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > MAX_LABEL_NAME || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

struct label {
	const char *name, *value;
	size_t nlen, vlen;
};

static int by_label_name(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int c = memcmp(x->name, y->name, x->nlen < y->nlen ? x->nlen : y->nlen);
	return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

/* nil, or a table of labels, into out (left empty for nil or an empty table). */
static int read_labels(kam_rd *r, kam_buf *out, kam_err *e)
{
	struct label l[MAX_LABELS];
	uint32_t narr, nhash;
	kam_val k, v;
	if (kam_rd_peek(r) == KAM_LSER_NIL)
		return kam_rd_nil(r, e);
	if (kam_rd_table(r, &narr, &nhash, e) < 0)
		return kam_errf(e, "labels (the fourth value) must be a table of names to strings");
	if (narr)
		return kam_errf(e, "labels must be named (breadth = \"specialty\"), not a list");
	if (nhash > MAX_LABELS)
		return kam_errf(e, "%u labels: at most %d", nhash, MAX_LABELS);
	for (uint32_t i = 0; i < nhash; i++) {
		if (kam_rd_value(r, &k, e) < 0 || kam_rd_value(r, &v, e) < 0)
			return -1;
		if (k.tag != KAM_LSER_STRING || !label_name_ok(k.s, k.len))
			return kam_errf(e, "a label's name must be a lowercase word (a-z, 0-9, _; at most %d)",
					MAX_LABEL_NAME);
		if (v.tag != KAM_LSER_STRING || v.len == 0 || v.len > MAX_LABEL_VALUE ||
		    !kam_utf8_valid(v.s, v.len, NULL))
			return kam_errf(e, "label '%.*s' must be a string of 1 to %d bytes of UTF-8", (int)k.len, k.s,
					MAX_LABEL_VALUE);
		l[i] = (struct label){k.s, v.s, k.len, v.len};
	}
	if (!nhash)
		return 0;
	qsort(l, nhash, sizeof l[0], by_label_name);
	kam_buf_add(out, "{", 1);
	for (uint32_t i = 0; i < nhash; i++) {
		if (i)
			kam_buf_add(out, ",", 1);
		json_str(out, l[i].name, l[i].nlen);
		kam_buf_add(out, ":", 1);
		json_str(out, l[i].value, l[i].vlen);
	}
	kam_buf_add(out, "}", 2); /* and the NUL */
	return 0;
}

/* One "*" result: the values returned, as {v1, v2, ..., n = k}.  Slots 1..SLOTS go to
 * take() (nil for those absent); anything else is skipped. */
#define SLOTS 6
typedef int (*take_fn)(void *arg, int slot, kam_rd *r, kam_err *e);

static int read_returns(kam_rd *r, take_fn take, void *arg, kam_err *e)
{
	static const unsigned char nil = KAM_LSER_NIL;
	uint32_t narr, nhash;
	int done[SLOTS + 1] = {0};
	if (kam_rd_table(r, &narr, &nhash, e) < 0)
		return -1;
	for (uint32_t i = 1; i <= narr; i++) {
		if (i <= SLOTS) {
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
		if (key.tag == KAM_LSER_INT && key.i >= 1 && key.i <= SLOTS) {
			if (take(arg, (int)key.i, r, e) < 0)
				return -1;
			done[key.i] = 1;
		} else if (kam_rd_skip(r, e) < 0) {
			return -1;
		}
	}
	for (int s = 1; s <= SLOTS; s++) {
		kam_rd none;
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
	int64_t code;
	int member;
	const char *grade;
	int has_score;
	double score;
	kam_buf *reasons;
	int nreasons;
	kam_buf *labels;               /* a NUL-terminated JSON object, or empty: none */
};

/* Where a bad result came from, for its message and the record's fields. */
static int bad(const struct verdict *v, int slot, kam_err *e, const char *fmt, const char *arg)
{
	char what[sizeof e->msg];
	const char *fn = slot <= 2 ? "member" : "grade";
	snprintf(what, sizeof what, fmt, arg ? arg : "");
	kam_errf(e, "%s: %s() for customer %014lld: %s", v->p->path, fn, (long long)v->code, what);
	kam_err_at(e, v->p->path, 0, NULL);
	kam_err_in(e, fn, v->code);
	return -1;
}

/* member, then grade: 1 the decision, 2 its reasons; for a key account 3 the grade, 4 the
 * score, 5 the grade's reasons, 6 its labels. */
static int take_verdict(void *arg, int slot, kam_rd *r, kam_err *e)
{
	struct verdict *v = arg;
	kam_val x;
	char g[64];
	int idx;
	if (slot == 2 || slot == 5) {
		if (read_reasons(r, v->reasons, &v->nreasons, e) < 0)
			return bad(v, slot, e, "%s", e->msg);
		return 0;
	}
	if (slot == 6) {
		if (!v->member)
			return kam_rd_skip(r, e);
		if (read_labels(r, v->labels, e) < 0)
			return bad(v, slot, e, "%s", e->msg);
		return 0;
	}
	if (kam_rd_value(r, &x, e) < 0)
		return -1;
	switch (slot) {
	case 1:
		if (x.tag != KAM_LSER_TRUE && x.tag != KAM_LSER_FALSE)
			return bad(v, slot, e, "must return true or false first%s", NULL);
		v->member = x.tag == KAM_LSER_TRUE;
		break;
	case 3:
		if (!v->member)
			break;
		if (x.tag != KAM_LSER_STRING || x.len >= sizeof g)
			return bad(v, slot, e, "must return a grade first (a string)%s", NULL);
		memcpy(g, x.s, x.len);
		g[x.len] = '\0';
		if ((idx = kam_policy_grade_index(v->p, g)) < 0)
			return bad(v, slot, e, "returned '%s', which is not one of the policy's grades", g);
		v->grade = v->p->grades[idx];
		break;
	case 4:
		if (!v->member)
			break;
		if (x.tag == KAM_LSER_INT)
			v->has_score = 1, v->score = (double)x.i;
		else if (x.tag == KAM_LSER_DOUBLE && isfinite(x.d))
			v->has_score = 1, v->score = x.d;
		else if (x.tag == KAM_LSER_DOUBLE)
			return bad(v, slot, e, "returned the score %s; a score must be a finite number (or nil)",
				   isnan(x.d) ? "nan" : x.d > 0 ? "inf" : "-inf");
		else if (x.tag != KAM_LSER_NIL)
			return bad(v, slot, e, "must return a number or nil as the score%s", NULL);
		break;
	}
	return 0;
}

/* ---- the run ---- */

/* Two lanes grade at once, each with its own worker process: the machines kam runs on
 * have two cores or more, and the policy's work is most of a grading's. */
#define LANES 2

struct run;

struct lane {
	struct run *r;
	kam_worker *w;
	kam_buf items, results;
	struct verdict v[BATCH];
	kam_buf reasons[BATCH], labels[BATCH];
	pthread_t thread;
	int started;
};

struct run {
	kam_ctx *ctx;
	kam_policy *p;
	const kam_facts *f;
	const struct kam_grade_opts *o;
	struct kam_grade_stats *st;
	struct overrides ov;
	kam_run_writer *w;             /* the decisions' writer; NULL for a dry run */
	kam_buf shared;
	pthread_mutex_t lock;          /* the decisions: statement, stats, callbacks */
	size_t next;                   /* the next batch to take */
	int failed;
	kam_err err;                   /* the first failure */
};

/* The run's entry in the audit log names the fact groups the policy read (DOMAIN §12:
 * a policy sees only those it lists). */
static int log_run(struct run *r, kam_err *e)
{
	char detail[512];
	size_t n;
	n = (size_t)snprintf(detail, sizeof detail, "{\"grading_run\": %lld, \"year\": %d, \"policy_hash\": \"%.64s\", "
				 "\"fact_groups\": [\"basic\"", r->st->run_id, r->f->year, r->p->hash);
	for (int g = 0; g < kam_nfact_groups && n < sizeof detail - 40; g++)
		if (r->p->needs & kam_fact_groups[g].flag)
			n += (size_t)snprintf(detail + n, sizeof detail - n, ", \"%s\"", kam_fact_groups[g].name);
	snprintf(detail + n, sizeof detail - n, "]}");
	return kam_audit_add(r->ctx->db, "change", 0, detail, e);
}

static int insert_run(struct run *r, kam_err *e)
{
	struct kam_store_run run = {r->f->year, r->p->hash, r->o->as_of, r->o->user, (int64_t)r->f->n};
	if (kam_store_run_begin(r->ctx->db, &run, &r->w, &r->st->run_id, e) < 0)
		return -1;
	return log_run(r, e);
}

static void add_text(kam_buf *b, const char *s)
{
	if (s)
		kam_buf_add(b, s, strlen(s));
}

/* The override valid for customer i, and its line among the reasons: it outranks the
 * computed grade, or (a kind that only raises, Hubei's cultivation, DOMAIN §3.1) it is
 * outranked by it and the computed grade stands.  *out is the one applied (NULL when
 * none is); -1 only when memory fails. */
static int apply_override(struct run *r, size_t i, struct verdict *v, const struct override **out, kam_err *e)
{
	long k;
	const struct override *o;
	const struct kam_override_kind *kind;
	const char *computed = v->member ? v->grade : "none";
	int oi, ci = v->member ? kam_policy_grade_index(r->p, v->grade) : r->p->ngrades, outranked;
	char id[32];
	kam_buf line;

	*out = NULL;
	if (!i64map_get(&r->ov.by_code, r->f->c[i].code, &k))
		return 0;
	o = &r->ov.o[k];
	if ((oi = kam_policy_grade_index(r->p, o->grade)) < 0)
		return 0; /* recorded for a grade the policy no longer has: it cannot apply */
	kind = kam_policy_override_kind(r->p, o->kind);
	outranked = kind && kind->only_raises && oi >= ci;
	/* Built whole, however long the reason: a reason is never cut (nor cut inside a
	 * character). */
	kam_buf_init(&line);
	snprintf(id, sizeof id, "%lld", o->id);
	add_text(&line, "override #");
	add_text(&line, id);
	add_text(&line, " (");
	add_text(&line, o->kind);
	add_text(&line, " by ");
	add_text(&line, o->by ? o->by : "?");
	if (o->approved_by) {
		add_text(&line, ", approved by ");
		add_text(&line, o->approved_by);
	}
	if (o->until) {
		add_text(&line, ", valid until ");
		add_text(&line, o->until);
	}
	add_text(&line, "): ");
	if (outranked) {
		add_text(&line, "grade ");
		add_text(&line, o->grade);
		add_text(&line, " not applied: the computed grade ");
		add_text(&line, computed);
		add_text(&line, oi == ci ? " is the same" : " outranks it");
		add_text(&line, " (an override of this kind only ever raises a grade): ");
	} else {
		add_text(&line, "grade ");
		add_text(&line, o->grade);
		add_text(&line, " instead of ");
		add_text(&line, computed);
		add_text(&line, ": ");
	}
	add_text(&line, o->reason ? o->reason : "");
	if (kam_buf_check(&line, "an override's reason", e) < 0) {
		kam_buf_free(&line);
		return -1;
	}
	if (v->nreasons++)
		kam_buf_add(v->reasons, ",", 1);
	json_str(v->reasons, (const char *)line.data, line.len);
	kam_buf_free(&line);
	*out = outranked ? NULL : o;
	return 0;
}

/* A lost or merged customer is no customer to grade (issue 21: deactivated, kept): grade
 * none whatever the policy said, and no override applies; the one reason says why. */
static void deactivated(const struct run *r, size_t i, struct verdict *v)
{
	const struct kam_customer_facts *c = &r->f->c[i];
	const char *status = kam_facts_text(r->f, c->status);
	const char *since = c->status_since ? kam_facts_text(r->f, c->status_since) : "before any day recorded";
	char text[256];
	if (c->merged_into)
		snprintf(text, sizeof text, "%s into %014lld on %s: deactivated, not graded (its ledger is the "
			 "surviving code's)", status, (long long)c->merged_into, since);
	else
		snprintf(text, sizeof text, "%s on %s: deactivated, not graded (its revenue still counts for its "
			 "bureau, and it is not ranked)", status, since);
	v->member = 0;
	v->grade = NULL;
	v->has_score = 0;
	v->nreasons = 1;
	kam_buf_reset(v->labels);
	kam_buf_reset(v->reasons);
	kam_buf_add(v->reasons, "[", 1);
	json_str(v->reasons, text, strlen(text));
}

/* Under the run's lock. */
static int decide(struct run *r, size_t i, struct verdict *v, kam_err *e)
{
	const struct override *o = NULL;
	struct kam_decision d = {0};
	const char *computed;
	int gi;

	if (r->f->c[i].deactivated) {
		deactivated(r, i, v);
		r->st->deactivated++;
	} else if (apply_override(r, i, v, &o, e) < 0) {
		return -1;
	}
	computed = v->member ? v->grade : "none";
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
	if (kam_buf_check(v->labels, "labels", e) < 0)
		return -1;
	d.labels = v->labels->len ? (const char *)v->labels->data : NULL;
	d.override_id = o ? o->id : 0;
	r->st->customers++;
	r->st->members += v->member;
	r->st->overridden += o != NULL;
	gi = kam_policy_grade_index(r->p, d.grade);
	r->st->per_grade[gi < 0 ? r->p->ngrades : gi]++;
	if (r->o->on_decision)
		r->o->on_decision(r->o->arg, &d);
	if (!r->w)
		return 0;
	/* A batch's decisions fill whole groups; its last few (strings die with the batch)
	 * are stored by flush_decisions. */
	{
		struct kam_store_decision sd = {d.code, d.grade, d.computed, d.has_score, d.score, d.reasons,
						d.labels, d.override_id};
		return kam_store_run_add(r->w, &sd, e);
	}
}

/* The decisions of a batch still waiting (under the run's lock). */
static int flush_decisions(struct run *r, kam_err *e)
{
	return r->w ? kam_store_run_flush(r->w, e) : 0;
}

/* The worker numbers the items of a batch; people know customers: the items the record
 * names (first to last; several when a finalizer ran and the worker cannot tell whose
 * call left it) become the customers' codes, in the message and in the record. */
static void name_items(kam_err *e, const int64_t *codes, size_t n)
{
	char text[96];

	if (e->first < 1 || e->last < e->first || (size_t)e->last > n)
		return;
	if (e->first == e->last) {
		e->customer = codes[e->first - 1];
		snprintf(text, sizeof text, "customer %014lld", (long long)e->customer);
	} else {
		snprintf(text, sizeof text, "customers %014lld to %014lld", (long long)codes[e->first - 1],
			 (long long)codes[e->last - 1]);
	}
	kam_err_name_items(e, text);
}

static void name_customer(struct run *r, size_t from, size_t n, kam_err *e)
{
	int64_t *codes = malloc((n ? n : 1) * sizeof *codes);
	if (!codes)
		return;
	for (size_t k = 0; k < n; k++)
		codes[k] = r->f->c[from + k].code;
	name_items(e, codes, n);
	free(codes);
}

/* member() and, for a key account, grade(), in one trip, every value returned. */
static const kam_call decide_call = {"member", "grade", KAM_CALL_ALL};

int kam_grade_decide(kam_policy *p, const kam_buf *items, int64_t code, const kam_buf *ctx,
		     struct kam_grade_verdict *out, kam_err *e)
{
	kam_buf results;
	struct verdict v = {0};
	uint32_t narr, nhash;
	kam_rd rd;
	int rc = -1;

	memset(out, 0, sizeof *out);
	kam_buf_init(&results);
	kam_buf_init(&out->reasons);
	kam_buf_init(&out->labels);
	kam_buf_add(&out->reasons, "[", 1);
	v.p = p;
	v.code = code;
	v.reasons = &out->reasons;
	v.labels = &out->labels;
	if (kam_worker_call(p->w, &decide_call, ctx, items, &results, e) < 0) {
		name_items(e, &code, 1);
		goto done;
	}
	kam_rd_init(&rd, results.data, results.len);
	if (kam_rd_table(&rd, &narr, &nhash, e) < 0 || narr != 1) {
		kam_errf(e, "%s: the worker's results do not match the customer sent", p->path);
		goto done;
	}
	if (read_returns(&rd, take_verdict, &v, e) < 0)
		goto done;
	if (v.member && !v.grade) {
		bad(&v, 3, e, "returned no grade%s", NULL);
		goto done;
	}
	kam_buf_add(&out->reasons, "]", 1);
	kam_buf_add(&out->reasons, "", 1);
	if (kam_buf_check(&out->reasons, "reasons", e) < 0 || kam_buf_check(&out->labels, "labels", e) < 0)
		goto done;
	out->member = v.member;
	out->grade = v.member ? v.grade : "none";
	out->has_score = v.member && v.has_score;
	out->score = v.score;
	rc = 0;
done:
	kam_buf_free(&results);
	if (rc < 0) {
		kam_buf_free(&out->reasons);
		kam_buf_free(&out->labels);
	}
	return rc;
}

/* Customers [from, to): member() and, for key accounts, grade() in one trip; then the
 * decisions, under the run's lock. */
static int batch(struct lane *l, size_t from, size_t to, kam_err *e)
{
	struct run *r = l->r;
	size_t n = to - from;
	uint32_t narr, nhash;
	kam_rd rd;
	int rc = 0;

	kam_buf_reset(&l->items);
	kam_put_table(&l->items, (uint32_t)n, 0);
	for (size_t i = from; i < to; i++)
		kam_facts_put(r->f, i, r->p->needs, &l->items);
	if (kam_buf_check(&l->items, "facts", e) < 0)
		return -1;
	if (kam_worker_call(l->w, &decide_call, &r->shared, &l->items, &l->results, e) < 0) {
		name_customer(r, from, n, e);
		return -1;
	}
	kam_rd_init(&rd, l->results.data, l->results.len);
	if (kam_rd_table(&rd, &narr, &nhash, e) < 0 || narr != n)
		return kam_errf(e, "%s: the worker's results do not match the customers sent", r->p->path);
	for (size_t k = 0; k < n; k++) {
		struct verdict *v = &l->v[k];
		memset(v, 0, sizeof *v);
		v->p = r->p;
		v->code = r->f->c[from + k].code;
		v->reasons = &l->reasons[k];
		v->labels = &l->labels[k];
		kam_buf_reset(v->reasons);
		kam_buf_reset(v->labels);
		kam_buf_add(v->reasons, "[", 1);
		if (read_returns(&rd, take_verdict, v, e) < 0)
			return -1;
		if (v->member && !v->grade)
			return bad(v, 3, e, "returned no grade%s", NULL);
	}
	pthread_mutex_lock(&r->lock);
	for (size_t k = 0; k < n && !r->failed && rc == 0; k++)
		rc = decide(r, from + k, &l->v[k], e);
	if (rc == 0)
		rc = flush_decisions(r, e);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static size_t batch_size(void)
{
	const char *env = getenv("KAM_GRADE_BATCH");
	long n = env ? atol(env) : 0;
	return n >= 1 && n <= BATCH ? (size_t)n : BATCH;
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	struct run *r = l->r;
	size_t size = batch_size();
	kam_err e;
	for (;;) {
		size_t from;
		pthread_mutex_lock(&r->lock);
		from = r->next;
		r->next += size;
		if (r->failed)
			from = r->f->n;
		pthread_mutex_unlock(&r->lock);
		if (from >= r->f->n)
			break;
		if (batch(l, from, from + size < r->f->n ? from + size : r->f->n, &e) < 0) {
			pthread_mutex_lock(&r->lock);
			if (!r->failed) {
				r->failed = 1;
				r->err = e;
			}
			pthread_mutex_unlock(&r->lock);
			break;
		}
	}
	return NULL;
}

int kam_grade_run(kam_ctx *ctx, kam_policy *p, const kam_facts *facts, const struct kam_grade_opts *o,
		  struct kam_grade_stats *st, kam_err *e)
{
	struct run r = {0};
	struct lane *lanes[LANES] = {0};
	kam_facts own;
	int nlanes = facts->n > BATCH ? LANES : 1;
	double t0 = now();
	int rc = -1, began = 0;
	const char *env = getenv("KAM_GRADE_LANES");

	if (env && atoi(env) >= 1 && atoi(env) <= LANES)
		nlanes = atoi(env);
	memset(st, 0, sizeof *st);
	/* Facts loaded for another policy (grade diff) may count other revenue lines, or lack
	 * a group this one needs: this policy gets its own. */
	if (facts->lines != KAM_NEED_LINES(p->needs) || (p->needs & KAM_NEED_ALL & ~facts->needs)) {
		if (kam_ctx_db(ctx, 0) < 0) {
			*e = ctx->err;
			return -1;
		}
		if (kam_facts_load(ctx->db, facts->year, facts->only_code, p->needs, facts->as_of, &own, e) < 0)
			return -1;
		rc = kam_grade_run(ctx, p, &own, o, st, e);
		kam_facts_free(&own);
		return rc;
	}
	r.ctx = ctx, r.p = p, r.f = facts, r.o = o, r.st = st;
	kam_buf_init(&r.shared);
	if (pthread_mutex_init(&r.lock, NULL) != 0)
		return kam_errf(e, "cannot grade: no mutex");
	/* What every call gets as its second argument. */
	kam_put_table(&r.shared, 0, 3);
	kam_put_cstr(&r.shared, "year");
	kam_put_int(&r.shared, facts->year);
	kam_put_cstr(&r.shared, "as_of");
	kam_put_cstr(&r.shared, o->as_of);
	kam_put_cstr(&r.shared, "policy");
	kam_put_cstr(&r.shared, p->name);
	for (int i = 0; i < nlanes; i++) {
		if (!(lanes[i] = calloc(1, sizeof *lanes[i]))) {
			kam_errf(e, "out of memory");
			goto out;
		}
		lanes[i]->r = &r;
		kam_buf_init(&lanes[i]->items);
		kam_buf_init(&lanes[i]->results);
		/* Lane 0 has the policy's own worker; more are started now, before any thread. */
		if (i == 0)
			lanes[i]->w = p->w;
		else if (kam_worker_open(&lanes[i]->w, p->path, p->source, p->len, NULL, e) < 0)
			goto out;
	}
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
	for (int i = 0; i < nlanes; i++) {
		if (pthread_create(&lanes[i]->thread, NULL, lane_main, lanes[i]) != 0) {
			kam_errf(e, "cannot start a grading thread");
			pthread_mutex_lock(&r.lock);
			r.failed = 1;
			r.err = *e;
			pthread_mutex_unlock(&r.lock);
			break;
		}
		lanes[i]->started = 1;
	}
	for (int i = 0; i < nlanes; i++)
		if (lanes[i]->started)
			pthread_join(lanes[i]->thread, NULL);
	if (r.failed) {
		*e = r.err;
		goto out;
	}
	kam_log(KAM_LOG_DEBUG, "decisions made in %.3f s", now() - t0);
	kam_store_run_free(r.w);
	r.w = NULL;
	if (began && kam_db_commit(ctx->db, e) < 0) {
		began = 0;
		goto out;
	}
	began = 0;
	rc = 0;
out:
	kam_store_run_free(r.w);
	if (began)
		kam_db_rollback(ctx->db);
	if (rc < 0)
		st->run_id = 0;
	overrides_free(&r.ov);
	for (int i = 0; i < nlanes; i++) {
		if (!lanes[i])
			continue;
		if (i > 0)
			kam_worker_close(lanes[i]->w);
		for (size_t k = 0; k < BATCH; k++) {
			kam_buf_free(&lanes[i]->reasons[k]);
			kam_buf_free(&lanes[i]->labels[k]);
		}
		kam_buf_free(&lanes[i]->items);
		kam_buf_free(&lanes[i]->results);
		free(lanes[i]);
	}
	kam_buf_free(&r.shared);
	pthread_mutex_destroy(&r.lock);
	st->seconds = now() - t0;
	return rc;
}
