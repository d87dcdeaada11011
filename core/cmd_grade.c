/* kam grade: grade every customer for a year under the policy; kam grade diff: what a
 * second policy would change, writing nothing. */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "grade.h"
#include "interrupt.h"
#include "log.h"
#include "policy.h"
#include "store_meta.h"
#include "today.h"

static const char USAGE[] =
	"usage: kam grade [--year Y] [--as-of DATE] [--dry-run | --adopt] [--wait SECONDS]\n"
	"       kam grade diff POLICY_A POLICY_B [--year Y] [--as-of DATE]\n"
	"Grade every customer for year Y (default: last year) under the policy (--policy, or the\n"
	"one recorded by kam init), in one transaction.  Decisions are appended, never changed:\n"
	"each keeps its grade, score, reasons, the policy's name, version and source hash, when\n"
	"and by whom.  Overrides valid on the as-of day (default: today) outrank the computed\n"
	"grade.  --dry-run decides and reports without writing.  A year without ledger rows is\n"
	"refused; a year with fewer than 12 months of ledger is graded with a warning.\n"
	"\n"
	"Grades written are the current ones, so a --policy other than the database's own is\n"
	"refused unless --dry-run tries it, or --adopt makes its grades current for this run\n"
	"(the database's policy stays; 'kam init --policy' changes that, recording who and when).\n"
	"\n"
	"diff runs two policies (names or files) over the same facts and lists every customer\n"
	"whose grade differs, with both grades and both reasons, then a matrix of old grade to\n"
	"new grade counts.  It writes nothing.\n"
	"\n"
	"A run reads its facts as one snapshot of the database: a writing run takes the write\n"
	"lock first (an import waits for it, and it waits for an import), waiting up to\n"
	"--wait SECONDS (default $KAM_WAIT, else 60) and saying whom it waits for.\n";

static double clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_year(const char *s, int *year, kam_err *e)
{
	char *end;
	long y = strtol(s, &end, 10);
	if (*end || y < 1900 || y > 2999)
		return kam_usagef(e, "grade: year '%s' must be a year like 2025", s);
	*year = (int)y;
	return 0;
}

static int parse_date(const char *s, kam_err *e)
{
	struct tm tm = {0}, back;
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	int mday = tm.tm_mday, mon = tm.tm_mon;
	time_t t;
	if (!end || *end || strlen(s) != 10)
		return kam_usagef(e, "grade: date '%s' must be YYYY-MM-DD", s);
	/* strptime takes 2026-02-30; a real day reads back the same (timegm normalises tm). */
	tm.tm_hour = 12;
	t = timegm(&tm);
	if (!gmtime_r(&t, &back) || back.tm_mday != mday || back.tm_mon != mon)
		return kam_usagef(e, "grade: date '%s' is not a real day", s);
	return 0;
}

struct options {
	int year, dry_run, adopt, diff, wait;
	const char *as_of;
	char today[16];
};

/* Options shared by grade and diff; returns the index of the first operand, or -1. */
static int parse(kam_ctx *ctx, int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{"year", required_argument, NULL, 'y'}, {"as-of", required_argument, NULL, 'a'},
		{"dry-run", no_argument, NULL, 'n'}, {"adopt", no_argument, NULL, 'A'},
		{"wait", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	o->wait = -1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if (parse_year(optarg, &o->year, &ctx->err) < 0)
				return -1;
			break;
		case 'a':
			if (parse_date(optarg, &ctx->err) < 0)
				return -1;
			o->as_of = optarg;
			break;
		case 'w':
			if (kam_db_parse_wait(o->diff ? "grade diff" : "grade", optarg, &o->wait, &ctx->err) < 0)
				return -1;
			break;
		case 'n': o->dry_run = 1; break;
		case 'A': o->adopt = 1; break;
		case 'h': fputs(USAGE, stdout); return -3; /* --he: kam_wants_help knows only --help */
		default: kam_option_error(ctx, o->diff ? "grade diff" : "grade", USAGE, opts, "h", argv); return -2;
		}
	}
	return optind;
}

static json_t *grade_counts(const kam_policy *p, const struct kam_grade_stats *st)
{
	json_t *g = json_object();
	for (int i = 0; i < p->ngrades; i++)
		json_object_set_new(g, p->grades[i], json_integer(st->per_grade[i]));
	json_object_set_new(g, "none", json_integer(st->per_grade[p->ngrades]));
	return g;
}

/* A year is graded from its ledger: none at all is refused (grades of nothing would be
 * stored for ever), fewer than 12 months is said before the grades. */
static int check_year(kam_ctx *ctx, int year, int *months)
{
	int mask, n = 0;
	char *years;
	if (kam_db_ledger_months(ctx->db, year, &mask, &ctx->err) < 0)
		return -1;
	for (int m = 0; m < 12; m++)
		n += (mask >> m) & 1;
	*months = n;
	if (n == 0) {
		if (kam_db_ledger_years(ctx->db, &years, &ctx->err) < 0)
			return -1;
		if (years[0])
			kam_errf(&ctx->err, "grade %d: the ledger has no rows for %d (it holds %s); "
				 "nothing graded", year, year, years);
		else
			kam_errf(&ctx->err, "grade %d: the ledger is empty (import one with 'kam import "
				 "ledger FILE'); nothing graded", year);
		free(years);
		return -1;
	}
	if (n < 12) {
		char missing[12 * 9] = "";
		size_t len = 0;
		for (int m = 0; m < 12; m++)
			if (!((mask >> m) & 1))
				len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%d-%02d",
							len ? ", " : "", year, m + 1);
		kam_log(KAM_LOG_WARN, "the %d ledger has %d of 12 months (none for %s): "
			"the grades count only what is there", year, n, missing);
	}
	return 0;
}

/* The path of a policy spec, resolved, for comparing two specs. */
static int policy_realpath(kam_ctx *ctx, const char *spec, char *out)
{
	char found[4096];
	kam_err e;
	if (kam_policy_find(ctx, spec, found, sizeof found, &e) < 0 || !realpath(found, out))
		return -1;
	return 0;
}

/* The grades a run writes become the current ones: only the database's own policy may
 * write them, unless --adopt says so explicitly.  --dry-run tries any policy. */
static int check_policy(kam_ctx *ctx, const struct options *o)
{
	char recorded[256] = KAM_DEFAULT_POLICY, a[PATH_MAX], b[PATH_MAX];
	if (!ctx->policy || o->dry_run || o->adopt)
		return 0;
	if (kam_db_meta_get(ctx->db, "policy", recorded, sizeof recorded, &ctx->err) < 0)
		return -1;
	if (policy_realpath(ctx, ctx->policy, a) == 0 && policy_realpath(ctx, recorded, b) == 0 &&
	    strcmp(a, b) == 0)
		return 0;
	return kam_errf(&ctx->err, "grade: %s is not the database's policy (%s), and its grades "
			"would become the current ones: try it with --dry-run, make it the "
			"database's with 'kam init --policy %s', or write its grades anyway with "
			"--adopt", ctx->policy, recorded, ctx->policy);
}

/* A failure of grade: an interruption (Ctrl-C, or a SIGINT that reached the policy's
 * worker) says so wherever it struck, and that the transaction kept nothing. */
static int grade_failed(kam_ctx *ctx, int year)
{
	if (kam_interrupted() && year)
		kam_errf(&ctx->err, "grade %d: interrupted; nothing was written", year);
	else if (kam_interrupted())
		kam_errf(&ctx->err, "grade: interrupted; nothing was written");
	return kam_report_error(ctx, &ctx->err);
}

/* One snapshot for the whole run (issue 17): a writing run takes the write lock before
 * it reads anything, so the year's check, the facts (on two connections) and the stored
 * decisions all see one committed state, and an import waits for it, or it for the
 * import, never half of one.  A dry run or a diff reads in one read transaction. */
static int begin(kam_ctx *ctx, const struct options *o)
{
	if (o->wait >= 0)
		kam_db_set_wait(ctx->db, o->wait);
	if (o->dry_run || o->diff)
		return kam_db_begin_deferred(ctx->db, &ctx->err);
	return kam_db_begin(ctx->db, &ctx->err);
}

/* The defaults are the database's today and the year before it (its timezone, not the
 * machine's): known only once the database is open. */
static int open_db(kam_ctx *ctx, struct options *o)
{
	if (kam_ctx_db(ctx, 0) < 0)
		return -1;
	if (o->as_of && o->year)
		return 0;
	if (kam_db_today(ctx->db, o->today, &ctx->err) < 0)
		return -1;
	if (!o->as_of)
		o->as_of = o->today;
	if (!o->year)
		o->year = atoi(o->today) - 1;
	return 0;
}

static int grade(kam_ctx *ctx, struct options *o)
{
	kam_policy *p = NULL;
	kam_facts facts;
	struct kam_grade_stats st;
	struct kam_grade_opts go = {NULL, o->dry_run, ctx->user, NULL, NULL};
	double t0;
	int rc, months = 0;

	if (o->dry_run && o->adopt) {
		kam_usagef(&ctx->err, "grade: --dry-run writes nothing, --adopt writes: choose one");
		return kam_report_error(ctx, &ctx->err);
	}
	if (open_db(ctx, o) < 0 || begin(ctx, o) < 0)
		return grade_failed(ctx, o->year);
	go.as_of = o->as_of;
	if (check_year(ctx, o->year, &months) < 0 ||
	    kam_policy_default(ctx, &p, &ctx->err) < 0 || check_policy(ctx, o) < 0) {
		kam_db_rollback(ctx->db);
		kam_policy_free(p);
		return grade_failed(ctx, o->year);
	}
	t0 = clock_now();
	if (kam_facts_load(ctx->db, o->year, 0, p->needs, o->as_of, &facts, &ctx->err) < 0) {
		kam_db_rollback(ctx->db);
		kam_policy_free(p);
		return grade_failed(ctx, o->year);
	}
	kam_log(KAM_LOG_DEBUG, "facts for %zu customers in %.3f s", facts.n, clock_now() - t0);
	rc = kam_grade_run(ctx, p, &facts, &go, &st, &ctx->err);
	kam_facts_free(&facts);
	/* A dry run's read transaction ends without a write; a run's commits its decisions. */
	if (rc == 0 && o->dry_run)
		kam_db_rollback(ctx->db);
	else if (rc == 0 && kam_db_commit(ctx->db, &ctx->err) < 0)
		rc = -1;
	if (rc < 0) {
		kam_db_rollback(ctx->db);
		kam_err_prefix(&ctx->err, "grade %d", o->year);
		kam_policy_free(p);
		return grade_failed(ctx, o->year);
	}
	if (ctx->json) {
		json_t *doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:b, s:o, s:I, s:I, s:I, s:o, s:f}",
			"year", o->year, "policy", p->name, "policy_version", p->version, "policy_hash", p->hash,
			"as_of", o->as_of, "dry_run", o->dry_run,
			"run", o->dry_run ? json_null() : json_integer(st.run_id), "customers", (json_int_t)st.customers,
			"members", (json_int_t)st.members, "overridden", (json_int_t)st.overridden,
			"grades", grade_counts(p, &st), "seconds", st.seconds);
		/* How many months of the year the ledger held (a warning below 12). */
		if (doc) {
			json_object_set_new(doc, "ledger_months", json_integer(months));
			json_object_set_new(doc, "deactivated", json_integer(st.deactivated));
		}
		kam_policy_free(p);
		return kam_print_json(doc);
	}
	printf("%-10s %10s\n", "grade", "customers");
	for (int i = 0; i <= p->ngrades; i++)
		printf("%-10s %10ld\n", i < p->ngrades ? p->grades[i] : "none", st.per_grade[i]);
	fprintf(stderr, "kam: %s %ld customers for %d under %s %s (%.12s), %ld key accounts, %ld overridden, %.1f s",
		o->dry_run ? "dry run: graded (nothing written)" : "graded", st.customers, o->year, p->name,
		p->version, p->hash, st.members, st.overridden, st.seconds);
	if (!o->dry_run)
		fprintf(stderr, "; run #%lld", st.run_id);
	fputc('\n', stderr);
	if (st.deactivated)
		fprintf(stderr, "kam: %ld lost or merged customers (deactivated on or before %s) graded none, "
			"without the policy\n", st.deactivated, o->as_of);
	kam_policy_free(p);
	return KAM_OK;
}

/* ---- diff ---- */

struct first_pass {
	const kam_policy *p;
	size_t n;
	int *grade;        /* index into p's grades, ngrades for none */
	char **reasons;
};

static void keep_first(void *arg, const struct kam_decision *d)
{
	struct first_pass *a = arg;
	int gi = kam_policy_grade_index(a->p, d->grade);
	a->grade[d->index] = gi < 0 ? a->p->ngrades : gi;
	a->reasons[d->index] = strdup(d->reasons);
}

struct second_pass {
	struct first_pass *a;
	const kam_policy *pb;
	const kam_facts *f;
	long *matrix;      /* (ngrades_a + 1) x (ngrades_b + 1) */
	long changed;
	json_t *changes;
	const char *label_a, *label_b; /* the policies' names, or their files when the names agree */
};

static const char *grade_name(const kam_policy *p, int gi)
{
	return gi < p->ngrades ? p->grades[gi] : "none";
}

/* A decision's reasons (a JSON array of strings, as stored) as text: one line each under
 * the policy's name, as explain prints them. */
static void print_reasons(const char *policy, const char *reasons)
{
	json_error_t err;
	json_t *r = reasons ? json_loads(reasons, 0, &err) : NULL, *v;
	size_t i;

	printf("    %s:\n", policy);
	if (!json_is_array(r)) {
		/* Never expected (grading stores an array): show what there is, not nothing. */
		printf("      %s\n", reasons ? reasons : "(reasons lost: out of memory)");
	} else {
		json_array_foreach(r, i, v)
			printf("      - %s\n", json_is_string(v) ? json_string_value(v) : "(not a string)");
		if (json_array_size(r) == 0)
			printf("      (no reasons given)\n");
	}
	json_decref(r);
}

static void compare(void *arg, const struct kam_decision *d)
{
	struct second_pass *b = arg;
	const kam_policy *pa = b->a->p;
	int ga = b->a->grade[d->index], gb = kam_policy_grade_index(b->pb, d->grade);
	const char *name = kam_facts_text(b->f, b->f->c[d->index].name);
	if (gb < 0)
		gb = b->pb->ngrades;
	b->matrix[ga * (b->pb->ngrades + 1) + gb]++;
	if (strcmp(grade_name(pa, ga), grade_name(b->pb, gb)) == 0)
		return;
	b->changed++;
	if (b->changes) {
		json_error_t err;
		json_t *ra = json_loads(b->a->reasons[d->index], 0, &err), *rb = json_loads(d->reasons, 0, &err);
		char code[16];
		snprintf(code, sizeof code, "%014lld", (long long)d->code);
		json_array_append_new(b->changes, json_pack("{s:s, s:s?, s:{s:s, s:o*}, s:{s:s, s:o*}}", "code", code,
			"name", name, "a", "grade", grade_name(pa, ga), "reasons", ra,
			"b", "grade", grade_name(b->pb, gb), "reasons", rb));
		return;
	}
	printf("%014lld %s: %s -> %s\n", (long long)d->code, name ? name : "", grade_name(pa, ga),
	       grade_name(b->pb, gb));
	print_reasons(b->label_a, b->a->reasons[d->index]);
	print_reasons(b->label_b, d->reasons);
}

static int diff(kam_ctx *ctx, struct options *o, const char *spec_a, const char *spec_b)
{
	kam_policy *pa = NULL, *pb = NULL;
	kam_facts facts = {0};
	struct kam_grade_stats sa, sb;
	struct first_pass a = {0};
	struct second_pass b = {0};
	struct kam_grade_opts go = {NULL, 1, ctx->user, keep_first, &a};
	int status = KAM_FAIL;

	if (open_db(ctx, o) < 0 || begin(ctx, o) < 0 || kam_policy_load(ctx, spec_a, &pa, &ctx->err) < 0 ||
	    kam_policy_load(ctx, spec_b, &pb, &ctx->err) < 0 ||
	    kam_facts_load(ctx->db, o->year, 0, pa->needs | pb->needs, o->as_of, &facts, &ctx->err) < 0)
		goto out;
	go.as_of = o->as_of;
	a.p = pa;
	a.n = facts.n;
	a.grade = calloc(facts.n + 1, sizeof *a.grade);
	a.reasons = calloc(facts.n + 1, sizeof *a.reasons);
	b.matrix = calloc((size_t)(pa->ngrades + 1) * (size_t)(pb->ngrades + 1), sizeof *b.matrix);
	if (!a.grade || !a.reasons || !b.matrix) {
		kam_errf(&ctx->err, "out of memory");
		goto out;
	}
	if (kam_grade_run(ctx, pa, &facts, &go, &sa, &ctx->err) < 0)
		goto out;
	b.a = &a;
	b.pb = pb;
	b.f = &facts;
	b.changes = ctx->json ? json_array() : NULL;
	b.label_a = strcmp(pa->name, pb->name) ? pa->name : pa->path;
	b.label_b = strcmp(pa->name, pb->name) ? pb->name : pb->path;
	go.on_decision = compare;
	go.arg = &b;
	if (kam_grade_run(ctx, pb, &facts, &go, &sb, &ctx->err) < 0)
		goto out;
	if (ctx->json) {
		json_t *m = json_object();
		for (int i = 0; i <= pa->ngrades; i++) {
			json_t *row = json_object();
			for (int j = 0; j <= pb->ngrades; j++)
				if (b.matrix[i * (pb->ngrades + 1) + j])
					json_object_set_new(row, grade_name(pb, j), json_integer(b.matrix[i * (pb->ngrades + 1) + j]));
			json_object_set_new(m, grade_name(pa, i), row);
		}
		status = kam_print_json(json_pack("{s:i, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:I, s:I, s:o, s:o}",
			"year", o->year, "a", "policy", pa->name, "version", pa->version, "hash", pa->hash, "file", pa->path,
			"b", "policy", pb->name, "version", pb->version, "hash", pb->hash, "file", pb->path,
			"customers", (json_int_t)sb.customers, "changed", (json_int_t)b.changed, "changes", b.changes,
			"matrix", m));
		b.changes = NULL;
		goto out;
	}
	printf("\n%ld of %ld customers change grade for %d: %s %s (%s) -> %s %s (%s)\n", b.changed, sb.customers,
	       o->year, pa->name, pa->version, pa->path, pb->name, pb->version, pb->path);
	printf("%-10s", "from\\to");
	for (int j = 0; j <= pb->ngrades; j++)
		printf(" %9s", grade_name(pb, j));
	putchar('\n');
	for (int i = 0; i <= pa->ngrades; i++) {
		printf("%-10s", grade_name(pa, i));
		for (int j = 0; j <= pb->ngrades; j++)
			printf(" %9ld", b.matrix[i * (pb->ngrades + 1) + j]);
		putchar('\n');
	}
	fprintf(stderr, "kam: diff wrote nothing\n");
	status = KAM_OK;
out:
	if (ctx->db)
		kam_db_rollback_all(ctx->db);
	if (status != KAM_OK && kam_interrupted())
		kam_errf(&ctx->err, "grade diff: interrupted (a diff writes nothing)");
	if (status != KAM_OK && ctx->err.msg[0])
		status = kam_report_error(ctx, &ctx->err);
	json_decref(b.changes);
	for (size_t i = 0; a.reasons && i < a.n; i++)
		free(a.reasons[i]);
	free(a.reasons);
	free(a.grade);
	free(b.matrix);
	kam_facts_free(&facts);
	kam_policy_free(pa);
	kam_policy_free(pb);
	return status;
}

int kam_cmd_grade(kam_ctx *ctx, int argc, char **argv)
{
	struct options o = {0};
	int first;
	if (kam_wants_help(argc, argv)) {
		fputs(USAGE, stdout);
		return KAM_OK;
	}
	kam_interrupt_catch(ctx);
	if (argc > 1 && strcmp(argv[1], "diff") == 0) {
		o.diff = 1;
		first = parse(ctx, argc - 1, argv + 1, &o);
		if (first < 0)
			return first == -3 ? KAM_OK : first == -2 ? KAM_USAGE : kam_report_error(ctx, &ctx->err);
		first += 1;
		if (argc - first != 2)
			return kam_usage_error(ctx, "grade diff", USAGE, argc - first < 2 ? "need POLICY_A and POLICY_B"
								     : "unexpected argument '%s'",
					       argc - first < 2 ? "" : argv[first + 2]);
		if (o.dry_run)
			fprintf(stderr, "kam: note: diff never writes; --dry-run changes nothing\n");
		return diff(ctx, &o, argv[first], argv[first + 1]);
	}
	first = parse(ctx, argc, argv, &o);
	if (first < 0)
		return first == -3 ? KAM_OK : first == -2 ? KAM_USAGE : kam_report_error(ctx, &ctx->err);
	if (first < argc)
		return kam_usage_error(ctx, "grade", USAGE, "unexpected argument '%s'", argv[first]);
	return grade(ctx, &o);
}
