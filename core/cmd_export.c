/* kam export KIND: stored rows back out as CSV, JSON or XLSX, in the form import reads,
 * so that exporting and importing again gives the same data to the fen and the byte. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "store.h"
#include "interrupt.h"
#include "lser.h"  /* kam_buf */
#include "sink.h"

static const char USAGE_FMT[] =
	"usage: kam export KIND [options]\n"
	"Write KIND (%s) as CSV (default), JSON or XLSX.  Customers and\n"
	"the ledger import back unchanged.  grades: the current decision per customer and year\n"
	"(code, year, grade, computed, override, score, policy, policy_version, policy_hash,\n"
	"reasons, decided_at, decided_by): computed is the policy's grade, override the id of the\n"
	"override that replaced it (empty when none); reasons are one cell joined with '；' in\n"
	"CSV and XLSX, an array in JSON.  --year Y for one year, --history for every decision.\n"
	"\n"
	"  --format F        csv, json or xlsx (default: from -o's name; json with --json; csv)\n"
	"  -o, --output FILE write FILE (replaced whole, only when the export succeeds)\n"
	"  --lang zh         Chinese headers and words (客户代码, 省会, 是 …); default English\n"
	"  --bom             CSV: start with a UTF-8 byte-order mark, for spreadsheet programs\n"
	"  --crlf            CSV: CRLF line ends\n"
	"  --month YYYY-MM   ledger: only this month (repeat --from/--to for a range)\n"
	"  --from YYYY-MM, --to YYYY-MM   ledger: a range of months\n"
	"  --year Y          grades: only year Y\n"
	"  --history         grades: every decision, not only the current one\n";

/* The usage, with the kinds from the kinds table. */
static const char *usage_text(void)
{
	static char text[sizeof USAGE_FMT + 256];
	if (!text[0])
		snprintf(text, sizeof text, USAGE_FMT, kam_kind_names(1));
	return text;
}
#define USAGE usage_text()

struct export_opts {
	const struct kam_kind *kind;   /* NULL: grades */
	const char *format, *output, *from, *to;
	int zh, year, history;
	struct kam_sink_opts sink;
};

static int month_arg(const char *s, int *out, kam_err *e)
{
	const struct kam_kind *ledger = kam_kind_find("ledger");
	kam_value v;
	kam_err why;
	if (kam_cell_parse(&ledger->cols[1], s, strlen(s), &v, &why) < 0 || v.kind != KAM_V_INT)
		return kam_usagef(e, "export: %s", why.msg);
	*out = (int)v.i;
	return 0;
}

static const char *format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (dot && kam_export_format(dot + 1, NULL))
		return dot + 1;
	if (dot && strcasecmp(dot + 1, "xlsx") == 0)
		return "xlsx";
	return NULL;
}

/* The SELECT for the kind, months bound as parameters. */
static int prepare(kam_db *db, const struct export_opts *o, sqlite3_stmt **st, kam_err *e)
{
	char sql[1024] = "SELECT ";
	int from = 0, to = 0;
	const struct kam_kind *k = o->kind;
	for (int c = 0; c < k->ncols; c++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s%s", c ? ", " : "", k->cols[c].name);
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " FROM %s", k->table);
	if (o->from || o->to) {
		if (strcmp(k->name, "ledger") != 0)
			return kam_usagef(e, "export: --month, --from and --to are for the ledger");
		if ((o->from && month_arg(o->from, &from, e) < 0) || (o->to && month_arg(o->to, &to, e) < 0))
			return -1;
		if (o->from && o->to && from > to)
			return kam_usagef(e, "export: --from %s is after --to %s", o->from, o->to);
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " WHERE month BETWEEN ?1 AND ?2");
	}
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " ORDER BY %s", k->order_by);
	if (kam_db_prepare(db, sql, st, e) < 0)
		return -1;
	if (o->from || o->to) {
		sqlite3_bind_int(*st, 1, o->from ? from : 0);
		sqlite3_bind_int(*st, 2, o->to ? to : 999912);
	}
	return 0;
}

/* A row's cells: the stored values as the file's text. */
typedef void (*cells_fn)(sqlite3_stmt *st, int n, const char **cells, size_t *lens, void *arg);

static void raw_cells(sqlite3_stmt *st, int n, const char **cells, size_t *lens, void *arg)
{
	(void)arg;
	for (int c = 0; c < n; c++) {
		cells[c] = (const char *)sqlite3_column_text(st, c);
		lens[c] = (size_t)sqlite3_column_bytes(st, c);
	}
}

struct kind_cells {
	const struct kam_kind *k;
	int zh;
	char buf[64][32];
};

/* Codes, months, money and booleans formatted; enumerations in Chinese with zh. */
static void kind_cells(sqlite3_stmt *st, int n, const char **cells, size_t *lens, void *arg)
{
	struct kind_cells *kc = arg;
	for (int c = 0; c < n; c++) {
		const struct kam_column *col = &kc->k->cols[c];
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_NULL:
			cells[c] = NULL;
			lens[c] = 0;
			break;
		case SQLITE_INTEGER: {
			int len = kam_cell_format_int(col, sqlite3_column_int64(st, c), kc->zh, kc->buf[c],
						      sizeof kc->buf[c]);
			cells[c] = kc->buf[c];
			lens[c] = len < 0 ? 0 : (size_t)len;
			break;
		}
		default:
			cells[c] = (const char *)sqlite3_column_text(st, c);
			lens[c] = (size_t)sqlite3_column_bytes(st, c);
			if (kc->zh && col->type == KAM_COL_ENUM)
				cells[c] = kam_enum_zh(col, cells[c], &lens[c]);
		}
	}
}

/* The header, every row of st through fill, then the sink's finish; st is finalised. */
static int stream(kam_db *db, sqlite3_stmt *st, kam_sink *sink, int n, const char *const *names,
		  const enum kam_coltype *types, cells_fn fill, void *arg, long *rows, kam_err *e)
{
	const char *cells[64];
	size_t lens[64];
	int rc;
	if (sink->ops->header(sink, (size_t)n, names, types, e) < 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (kam_interrupted()) {
			rc = SQLITE_INTERRUPT;
			break;
		}
		fill(st, n, cells, lens, arg);
		if (sink->ops->row(sink, (size_t)n, cells, lens, e) < 0)
			goto fail;
		(*rows)++;
	}
	if (rc != SQLITE_DONE) {
		kam_db_fail(db, rc, "export", e);
		goto fail;
	}
	sqlite3_finalize(st);
	return sink->ops->finish(sink, e);
fail:
	sqlite3_finalize(st);
	return -1;
}

static int write_rows(kam_db *db, const struct export_opts *o, kam_sink *sink, long *rows, kam_err *e)
{
	const struct kam_kind *k = o->kind;
	const char *names[64];
	enum kam_coltype types[64];
	struct kind_cells kc = {k, o->zh && strcmp(o->format, "json") != 0, {{0}}};
	sqlite3_stmt *st;

	for (int c = 0; c < k->ncols; c++) {
		names[c] = kc.zh ? k->cols[c].zh_label : k->cols[c].name;
		types[c] = k->cols[c].type;
	}
	if (prepare(db, o, &st, e) < 0)
		return -1;
	return stream(db, st, sink, k->ncols, names, types, kind_cells, &kc, rows, e);
}

/* The grades' columns: English names (JSON always), Chinese headers (--lang zh), types. */
static const char *const grade_names[] = {"code", "year", "grade", "computed", "override", "score", "policy",
					  "policy_version", "policy_hash", "reasons", "decided_at", "decided_by"};
static const char *const grade_names_zh[] = {"客户代码", "年度", "等级", "计算等级", "人工调整", "得分",
					     "评级政策", "政策版本", "政策哈希", "评级理由", "评定时间", "评定人"};
static const enum kam_coltype grade_types[] = {KAM_COL_CODE, KAM_COL_COUNT, KAM_COL_TEXT, KAM_COL_TEXT,
					       KAM_COL_COUNT, KAM_COL_NUMBER, KAM_COL_TEXT, KAM_COL_TEXT,
					       KAM_COL_TEXT, KAM_COL_JSON, KAM_COL_TEXT, KAM_COL_TEXT};
#define GRADE_COLS ((int)(sizeof grade_names / sizeof grade_names[0]))
#define GRADE_REASONS 9

struct grade_cells {
	int json;       /* JSON keeps the reasons an array; other formats get one text cell */
	kam_buf text;   /* that cell */
	int failed;     /* out of memory once: the export fails */
};

/* The reasons (a JSON array of strings, as stored) as one readable cell: the reasons joined
 * with a full-width semicolon, the way a list is written in Chinese text. */
static void join_reasons(struct grade_cells *g, const char *stored, const char **cell, size_t *len)
{
	json_error_t err;
	json_t *r = json_loads(stored, 0, &err), *v;
	size_t i;

	if (!json_is_array(r)) {
		json_decref(r);
		return; /* never expected: the stored text stands */
	}
	kam_buf_reset(&g->text);
	json_array_foreach(r, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		if (i)
			kam_buf_add(&g->text, "\xef\xbc\x9b", 3); /* ； */
		kam_buf_add(&g->text, s, json_is_string(v) ? json_string_length(v) : 0);
	}
	json_decref(r);
	if (g->text.failed) {
		g->failed = 1;
		return;
	}
	*cell = g->text.len ? (const char *)g->text.data : "";
	*len = g->text.len;
}

static void grade_cells(sqlite3_stmt *st, int n, const char **cells, size_t *lens, void *arg)
{
	struct grade_cells *g = arg;
	raw_cells(st, n, cells, lens, NULL);
	if (!g->json && cells[GRADE_REASONS])
		join_reasons(g, cells[GRADE_REASONS], &cells[GRADE_REASONS], &lens[GRADE_REASONS]);
}

/* Grades: decisions joined with their run and policy; the current one per customer and
 * year is the last appended. */
static int write_grades(kam_db *db, const struct export_opts *o, kam_sink *sink, long *rows, kam_err *e)
{
	struct grade_cells g = {strcmp(o->format, "json") == 0, {0}, 0};
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db,
		"SELECT printf('%014d', d.code), r.year, d.grade, d.computed, d.override,"
		" CASE WHEN d.score = CAST(d.score AS INTEGER) THEN CAST(d.score AS INTEGER) ELSE d.score END,"
		" p.name, p.version, p.hash, d.reasons, r.decided_at, r.decided_by"
		" FROM decisions d JOIN grading_runs r ON r.id = d.run JOIN policies p ON p.hash = r.policy_hash"
		" WHERE (?1 = 0 OR r.year = ?1)"
		"   AND (?2 OR d.id = (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run"
		"                      WHERE d2.code = d.code AND r2.year = r.year))"
		" ORDER BY d.code, r.year, d.id", &st, e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, o->year);
	sqlite3_bind_int(st, 2, o->history);
	kam_buf_init(&g.text);
	rc = stream(db, st, sink, GRADE_COLS, o->zh && !g.json ? grade_names_zh : grade_names, grade_types,
		    grade_cells, &g, rows, e);
	kam_buf_free(&g.text);
	if (rc == 0 && g.failed)
		rc = kam_errf(e, "export grades: out of memory joining the reasons");
	return rc;
}

int kam_cmd_export(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
		{"lang", required_argument, NULL, 'l'}, {"bom", no_argument, NULL, 'b'},
		{"crlf", no_argument, NULL, 'c'}, {"month", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},
		{"year", required_argument, NULL, 'y'}, {"history", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct export_opts o = {0};
	kam_sink_open_fn open_sink;
	void *sink_data = NULL;
	kam_sink *sink;
	FILE *out = stdout;
	char *tmp = NULL;
	long rows = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.format = optarg; break;
		case 'o': o.output = optarg; break;
		case 'l':
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
				return kam_usage_error(ctx, "export", USAGE, "--lang is en or zh, not '%s'", optarg);
			o.zh = strcmp(optarg, "zh") == 0;
			break;
		case 'b': o.sink.bom = 1; break;
		case 'c': o.sink.crlf = 1; break;
		case 'm': o.from = o.to = optarg; break;
		case 'F': o.from = optarg; break;
		case 'T': o.to = optarg; break;
		case 'y': {
			char *end;
			long y = strtol(optarg, &end, 10);
			if (*end || y < 1900 || y > 2999)
				return kam_usage_error(ctx, "export", USAGE, "--year '%s' must be a year like 2025", optarg);
			o.year = (int)y;
			break;
		}
		case 'H': o.history = 1; break;
		case 'h': fputs(USAGE, stdout); return KAM_OK;
		default: return kam_option_error(ctx, "export", USAGE, opts, "ho:", argv);
		}
	}
	if (argc - optind != 1)
		return kam_usage_error(ctx, "export", USAGE, argc - optind < 1 ? "need one KIND"
								   : "unexpected argument '%s'",
				       argc - optind < 1 ? "" : argv[optind + 1]);
	if (!(o.kind = kam_kind_find(argv[optind])) && strcmp(argv[optind], "grades") != 0) {
		kam_usagef(&ctx->err, "export: unknown kind '%s' (%s)", argv[optind], kam_kind_names(1));
		return kam_report_error(ctx, &ctx->err);
	}
	if ((o.year || o.history) && o.kind) {
		kam_usagef(&ctx->err, "export: --year and --history are for grades");
		return kam_report_error(ctx, &ctx->err);
	}
	if (!o.format)
		o.format = format_of(o.output);
	if (!o.format)
		o.format = ctx->json && !o.output ? "json" : "csv";
	if (!(open_sink = kam_export_format(o.format, &sink_data))) {
		if (strcmp(o.format, "xlsx") == 0)
			kam_usagef(&ctx->err, "export: writing XLSX needs the xlsx plugin, which is not loaded");
		else
			kam_usagef(&ctx->err, "export: unknown format '%s' (csv, json, xlsx)", o.format);
		return kam_report_error(ctx, &ctx->err);
	}
	if (kam_ctx_db(ctx, 0) < 0)
		return kam_report_error(ctx, &ctx->err);
	kam_interrupt_catch(ctx);
	if (o.output) {
		size_t n = strlen(o.output) + 24;
		if (!(tmp = malloc(n))) {
			kam_errf(&ctx->err, "out of memory");
			return kam_report_error(ctx, &ctx->err);
		}
		snprintf(tmp, n, "%s.tmp%ld", o.output, (long)getpid());
		if (!(out = fopen(tmp, "w"))) {
			kam_errf(&ctx->err, "%s: %s", o.output, strerror(errno));
			free(tmp);
			return kam_report_error(ctx, &ctx->err);
		}
	}
	o.sink.file = tmp;
	/* A spreadsheet's sheet is named after what it holds: 客户, 收入台账, 等级. */
	o.sink.sheet = o.kind ? o.kind->zh : "等级";
	sink = open_sink(out, o.output ? o.output : "standard output", &o.sink, sink_data, &ctx->err);
	rc = !sink ? -1 : o.kind ? write_rows(ctx->db, &o, sink, &rows, &ctx->err)
				 : write_grades(ctx->db, &o, sink, &rows, &ctx->err);
	if (sink)
		sink->ops->close(sink);
	if (o.output) {
		if (fclose(out) != 0 && rc == 0)
			rc = kam_errf(&ctx->err, "%s: %s", o.output, strerror(errno));
		if (rc == 0 && rename(tmp, o.output) != 0)
			rc = kam_errf(&ctx->err, "%s: %s", o.output, strerror(errno));
		if (rc < 0)
			unlink(tmp);
		free(tmp);
	}
	if (rc < 0 && kam_interrupted()) {
		/* Wherever it struck (a statement, a write blocked on a pipe, between rows). */
		if (o.output)
			kam_errf(&ctx->err, "export: interrupted; %s was not written", o.output);
		else
			kam_errf(&ctx->err, "export: interrupted after %ld row%s; the output is incomplete", rows,
				 rows == 1 ? "" : "s");
	}
	if (rc < 0)
		return kam_report_error(ctx, &ctx->err);
	if (o.output && ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:s, s:I}", "kind", o.kind ? o.kind->name : "grades", "file", o.output,
						"format", o.format, "rows", (json_int_t)rows));
	if (o.output)
		fprintf(stderr, "kam: wrote %ld %s rows to %s\n", rows, o.kind ? o.kind->name : "grades", o.output);
	return KAM_OK;
}
