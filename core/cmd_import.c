/* kam import KIND FILE: the command around the import engine. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "interrupt.h"
#include "import.h"
#include "store_tx.h"
#include "money_policy.h"

static const char USAGE_FMT[] =
	"usage: kam import KIND FILE [options]\n"
	"Load a file of KIND (%s) into the database: CSV (UTF-8 with or without\n"
	"BOM, or GB18030/GBK), JSON (an array of objects), or XLSX with the xlsx plugin.\n"
	"Headers may be English or Chinese, in any order. All or nothing: one bad row rejects\n"
	"the file, and every bad row is listed with its line and column.\n"
	"\n"
	"  --format F         csv, json or xlsx (default: from the file name; csv otherwise)\n"
	"  --encoding NAME    the file's encoding (default: UTF-8 if it is valid, else GB18030)\n"
	"  --sheet NAME       XLSX: the sheet to read (default: the first)\n"
	"  --ignore-unknown   skip columns kam does not know instead of refusing the file\n"
	"  --reject-file F    load the good rows; write the bad ones to F with a reason column\n"
	"                     (exit status 3 when some rows were rejected: done in part)\n"
	"  --dry-run          check everything, change nothing\n"
	"  --replace          replace ledger months already stored, update stored customers\n"
	"  --append           ledger: add rows to months already stored (each row must be new);\n"
	"                     a reject file (with its reject_reason column) is loaded this way\n"
	"  --no-progress      no progress bar (none is drawn when stderr is not a terminal)\n"
	"  --wait SECONDS     wait up to SECONDS for another process writing the database\n"
	"                     (default $KAM_WAIT, else 60), saying whom it waits for\n"
	"\n"
	"FILE '-' reads standard input.\n";

/* The usage, with the kinds from the kinds table. */
static const char *usage_text(void)
{
	static char text[sizeof USAGE_FMT + 256];
	if (!text[0])
		snprintf(text, sizeof text, USAGE_FMT, kam_kind_names(0));
	return text;
}
#define USAGE usage_text()

#define MAX_PRINTED 100

struct collected {
	kam_ctx *ctx;
	long printed, total;
	json_t *list, *rows;
};

/* A bad row: its message on stderr; with --json, the message in "errors" and the record
 * in "bad_rows" (line, column and field when known, and the reason without the place). */
static void on_error(void *arg, const char *msg, const kam_err *why)
{
	struct collected *c = arg;
	c->total++;
	if (c->list && json_array_size(c->list) < 1000) {
		json_t *row = json_pack("{s:s}", "reason", why->msg);
		json_array_append_new(c->list, json_string(msg));
		if (row && why->where.line)
			json_object_set_new(row, "line", json_integer(why->where.line));
		if (row && why->where.column)
			json_object_set_new(row, "column", json_integer(why->where.column));
		if (row && why->where.field[0])
			json_object_set_new(row, "field", json_string(why->where.field));
		if (row)
			json_array_append_new(c->rows, row);
	}
	if (c->printed < MAX_PRINTED) {
		fprintf(stderr, "kam: %s\n", msg);
		c->printed++;
	}
}

static void summary(const struct kam_import_opts *o, const struct kam_import_stats *st)
{
	fprintf(stderr, "kam: %s%s: %ld row%s: %ld added, %ld updated, %ld unchanged, %ld rejected",
		o->dry_run ? "dry run: " : "", o->path, st->rows, st->rows == 1 ? "" : "s", st->inserted,
		st->updated, st->unchanged, st->rejected);
	if (st->replaced[0])
		fprintf(stderr, "; replaced %s (%ld row%s)", st->replaced, st->replaced_rows,
			st->replaced_rows == 1 ? "" : "s");
	fprintf(stderr, " (%s %s, %.1f s)\n", st->encoding[0] ? st->encoding : "", st->format, st->seconds);
}

int kam_cmd_import(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"encoding", required_argument, NULL, 'e'},
		{"sheet", required_argument, NULL, 's'}, {"ignore-unknown", no_argument, NULL, 'i'},
		{"reject-file", required_argument, NULL, 'r'}, {"dry-run", no_argument, NULL, 'n'},
		{"replace", no_argument, NULL, 'R'}, {"no-progress", no_argument, NULL, 'P'},
		{"append", no_argument, NULL, 'A'}, {"wait", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct kam_import_opts o = {0};
	struct kam_import_stats st;
	struct collected col = {ctx, 0, 0, NULL, NULL};
	struct kam_money_rule rule = {0};
	int c, rc, partial, no_progress = 0, wait = -1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.format = optarg; break;
		case 'e': o.encoding = optarg; break;
		case 's': o.sheet = optarg; break;
		case 'i': o.ignore_unknown = 1; break;
		case 'r': o.reject_path = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 'R': o.replace = 1; break;
		case 'A': o.append = 1; break;
		case 'P': no_progress = 1; break;
		case 'w':
			if (kam_db_parse_wait("import", optarg, &wait, &ctx->err) < 0)
				return kam_report_error(ctx, &ctx->err);
			break;
		case 'h': fputs(USAGE, stdout); return KAM_OK;
		default: return kam_option_error(ctx, "import", USAGE, opts, "h", argv);
		}
	}
	if (argc - optind != 2)
		return kam_usage_error(ctx, "import", USAGE, argc - optind < 2 ? "need KIND and FILE"
								   : "unexpected argument '%s'",
				       argc - optind < 2 ? "" : argv[optind + 2]);
	o.kind = argv[optind];
	o.path = argv[optind + 1];
	o.user = ctx->user;
	o.progress = !no_progress && !ctx->json && isatty(2);
	o.on_error = on_error;
	o.arg = &col;
	if (o.replace && o.append) {
		kam_usagef(&ctx->err, "import: --replace and --append exclude each other");
		return kam_report_error(ctx, &ctx->err);
	}
	if (!kam_kind_find(o.kind)) {
		kam_usagef(&ctx->err, "import: unknown kind '%s' (%s)", o.kind, kam_kind_names(0));
		return kam_report_error(ctx, &ctx->err);
	}
	if (kam_ctx_db(ctx, 0) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (wait >= 0)
		kam_db_set_wait(ctx->db, wait);
	/* Receivables, discounts, claims, complaints: each row through the command's own rule
	 * (money_policy.h). */
	if (!strcmp(o.kind, "receivables") || !strcmp(o.kind, "discounts") || !strcmp(o.kind, "claims") ||
	    !strcmp(o.kind, "complaints")) {
		if (kam_money_rule_open(ctx, &rule, &ctx->err) < 0)
			return kam_report_error(ctx, &ctx->err);
		o.rule = &rule.rule;
	}
	if (ctx->json) {
		col.list = json_array();
		col.rows = json_array();
	}
	kam_interrupt_catch(ctx);
	rc = kam_import(ctx->db, &o, &st, &ctx->err);
	kam_money_rule_close(&rule);
	/* Rows went to the reject file: done in part (a dry run loads nothing either way). */
	partial = rc == 0 && !o.dry_run && st.rejected > 0;
	if (rc < 0 && kam_interrupted())
		kam_errf(&ctx->err, "import %s %s: interrupted; nothing was imported%s", o.kind, o.path,
			 o.reject_path ? " and no reject file written" : "");
	if (st.errors > col.printed)
		fprintf(stderr, "kam: ... and %ld more bad row%s\n", st.errors - col.printed,
			st.errors - col.printed == 1 ? "" : "s");
	if (rc < 0) {
		/* Rolled back: whatever the rows would have done, nothing was stored. */
		st.inserted = st.updated = st.unchanged = st.replaced_rows = 0;
		st.replaced[0] = '\0';
	}
	if (ctx->json) {
		json_t *doc = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:s, s:f, s:o}",
			"kind", o.kind, "file", o.path, "dry_run", o.dry_run, "rows", (json_int_t)st.rows,
			"inserted", (json_int_t)st.inserted, "updated", (json_int_t)st.updated,
			"unchanged", (json_int_t)st.unchanged, "rejected", (json_int_t)st.rejected,
			"replaced_months", st.replaced, "replaced_rows", (json_int_t)st.replaced_rows,
			"encoding", st.encoding, "format", st.format, "seconds", st.seconds, "errors", col.list);
		if (doc)
			json_object_set_new(doc, "bad_rows", col.rows);
		else
			json_decref(col.rows);
		if (rc < 0 && doc) {
			json_object_set_new(doc, "error", json_string(ctx->err.msg));
			json_object_set_new(doc, "status", json_integer(ctx->err.status ? ctx->err.status : KAM_FAIL));
		}
		if (rc < 0)
			fprintf(stderr, "kam: %s\n", ctx->err.msg);
		kam_print_json(doc);
		return rc < 0 ? (ctx->err.status ? ctx->err.status : KAM_FAIL) : partial ? KAM_PARTIAL : KAM_OK;
	}
	if (rc < 0)
		return kam_report_error(ctx, &ctx->err);
	summary(&o, &st);
	return partial ? KAM_PARTIAL : KAM_OK;
}
