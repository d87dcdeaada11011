/* kam audit [--user U] [--customer CODE] [--since T] [--limit N]; kam audit verify. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "lser.h"  /* kam_buf */
#include "textenc.h"

static const char USAGE[] =
	"usage: kam audit [--user U] [--customer CODE] [--since TIME] [--limit N]\n"
	"       kam audit verify\n"
	"The access and change log, oldest first: who, when, through which command, what\n"
	"(changes with the rows they touched, reads of confidential fields, refusals, users\n"
	"managed) and which customer.  --since takes a date or an ISO time (UTC); --limit the\n"
	"newest N.  The log is append-only, and each entry's hash covers the one before:\n"
	"verify recomputes the chain, exits 1 naming the first entry edited or missing, and\n"
	"prints the newest hash (note it elsewhere: entries removed from the end show only\n"
	"against it).  Admins and center users read it.\n";

struct out {
	json_t *rows;
};

/* s as a JSON string; a byte that is no UTF-8 (an entry written before kam checked the
 * names it quotes) reads as U+FFFD, so that the log always reads as JSON. */
static json_t *jtext(const char *s)
{
	size_t n = strlen(s), bad;
	kam_buf b;
	json_t *j;
	if (kam_utf8_valid(s, n, NULL))
		return json_stringn(s, n);
	kam_buf_init(&b);
	while (!kam_utf8_valid(s, n, &bad)) {
		kam_buf_add(&b, s, bad);
		kam_buf_add(&b, "\xEF\xBF\xBD", 3);
		s += bad + 1, n -= bad + 1;
	}
	kam_buf_add(&b, s, n);
	j = b.failed ? NULL : json_stringn((const char *)b.data, b.len);
	kam_buf_free(&b);
	return j;
}

static int show(void *arg, const struct kam_audit_entry *a, kam_err *e)
{
	struct out *o = arg;
	char cust[24] = "-";
	if (a->customer)
		snprintf(cust, sizeof cust, "%014lld", (long long)a->customer);
	if (o->rows) {
		json_error_t err;
		json_t *detail = json_loads(a->detail, JSON_DECODE_ANY, &err);
		json_t *row = json_pack("{s:I, s:o, s:o, s:o, s:o, s:s?, s:o, s:o}", "id", (json_int_t)a->id, "at",
					jtext(a->at), "user", jtext(a->user), "command", jtext(a->command), "action",
					jtext(a->action), "customer", a->customer ? cust : NULL, "detail",
					detail ? detail : jtext(a->detail), "hash", jtext(a->hash));
		if (!row || json_array_append_new(o->rows, row) < 0)
			return kam_errf(e, "audit: entry %lld: out of memory", a->id);
		return 0;
	}
	printf("%6lld  %s  %-12s %-8s %-18s %-14s %s\n", a->id, a->at, a->user, a->action, a->command, cust,
	       a->detail);
	return 0;
}

/* The log is for those who answer for the data. */
static int may_read(kam_ctx *ctx)
{
	int role = kam_db_role(ctx->db);
	if (role == KAM_ROLE_VIEWER || role == KAM_ROLE_MANAGER) {
		char detail[300];
		snprintf(detail, sizeof detail, "{\"why\": \"a %s does not read the audit log\"}", kam_role_name(role));
		kam_audit_refused(ctx->db, detail);
		kam_errf(&ctx->err, "audit: user %s is a %s: admins and center users read the audit log (the refusal "
				    "is in it)", kam_db_actor(ctx->db), kam_role_name(role));
		return -1;
	}
	return 0;
}

static int verify(kam_ctx *ctx)
{
	struct kam_audit_check c;
	if (kam_audit_verify(ctx->db, &c, &ctx->err) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (ctx->json) {
		kam_print_json(c.broken ? json_pack("{s:b, s:I, s:I, s:s, s:i}", "ok", 0, "entries", (json_int_t)c.entries,
						    "broken", (json_int_t)c.broken, "error", c.why, "status", KAM_FAIL)
					: json_pack("{s:b, s:I, s:s}", "ok", 1, "entries", (json_int_t)c.entries, "head",
						    c.head));
		return c.broken ? KAM_FAIL : KAM_OK;
	}
	if (c.broken) {
		fprintf(stderr, "kam: audit log of %s: %s; the entries before it hold\n", ctx->db_path, c.why);
		return KAM_FAIL;
	}
	printf("audit log of %s: %lld entries, the chain holds; newest hash %s\n", ctx->db_path, c.entries, c.head);
	return KAM_OK;
}

int kam_cmd_audit(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"user", required_argument, NULL, 'u'}, {"customer", required_argument, NULL, 'c'},
		{"since", required_argument, NULL, 's'}, {"limit", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct kam_audit_filter f = {NULL, 0, NULL, 0};
	struct out o = {NULL};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'u': f.user = optarg; break;
		case 'c':
			f.customer = strtoll(optarg, &end, 10);
			if (strlen(optarg) != 14 || *end || f.customer <= 0)
				return kam_usage_error(ctx, "audit", USAGE, "--customer '%s' is not a 14-digit code", optarg);
			break;
		case 's': f.since = optarg; break;
		case 'n':
			f.limit = strtol(optarg, &end, 10);
			if (!*optarg || *end || f.limit <= 0)
				return kam_usage_error(ctx, "audit", USAGE, "--limit '%s' is not a positive number", optarg);
			break;
		case 'h': fputs(USAGE, stdout); return KAM_OK;
		default: return kam_option_error(ctx, "audit", USAGE, opts, "h", argv);
		}
	}
	if (optind < argc && strcmp(argv[optind], "verify") != 0)
		return kam_usage_error(ctx, "audit", USAGE, "unexpected argument '%s'", argv[optind]);
	if (optind + 1 < argc)
		return kam_usage_error(ctx, "audit", USAGE, "unexpected argument '%s'", argv[optind + 1]);
	if (kam_ctx_db(ctx, 0) < 0 || may_read(ctx) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (optind < argc)
		return verify(ctx);
	if (ctx->json && !(o.rows = json_array()))
		return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "out of memory"});
	if (kam_audit_each(ctx->db, &f, show, &o, &ctx->err) < 0) {
		json_decref(o.rows);
		return kam_report_error(ctx, &ctx->err);
	}
	return ctx->json ? kam_print_json(json_pack("{s:o}", "entries", o.rows)) : KAM_OK;
}
