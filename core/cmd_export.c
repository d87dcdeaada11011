/* kam export KIND: stored rows back out as CSV, JSON or XLSX, in the form import reads,
 * so that exporting and importing again gives the same data to the fen and the byte. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "store_db.h"
#include "store_tx.h"
#include "interrupt.h"
#include "lser.h"  /* kam_buf */
#include "masked_file.h"
#include "store_access.h"
#include "sink.h"
#include "store_export.h"

static const char USAGE_FMT[] =
	"usage: kam export KIND [options]\n"
	"Write KIND (%s) as CSV (default), JSON or XLSX.  Customers and\n"
	"the ledger import back unchanged.  grades: the current decision per customer and year\n"
	"(code, year, grade, computed, override, score, policy, policy_version, policy_hash,\n"
	"reasons, decided_at, decided_by): computed is the policy's grade, override the id of the\n"
	"override that replaced it (empty when none); reasons are one cell joined with '；' in\n"
	"CSV and XLSX, an array in JSON.  --year Y for one year, --history for every decision.\n"
	"An export whose confidential cells read *** for you says so at its top (CSV: a first\n"
	"line '# kam: masked export (...)'; JSON: {\"kam_masked_export\": ..., \"rows\": [...]}),\n"
	"and kam import refuses such a file.\n"
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

/* The kind's query: its table and columns, months as integers for --month, --from, --to. */
static int query_of(const struct export_opts *o, const char **cols, struct kam_export_query *q, kam_err *e)
{
	const struct kam_kind *k = o->kind;
	for (int c = 0; c < k->ncols; c++)
		cols[c] = k->cols[c].name;
	*q = (struct kam_export_query){k->table, cols, k->ncols, k->order_by, 0, 0, 999912};
	if (o->from || o->to) {
		if (strcmp(k->name, "ledger") != 0)
			return kam_usagef(e, "export: --month, --from and --to are for the ledger");
		if ((o->from && month_arg(o->from, &q->from, e) < 0) || (o->to && month_arg(o->to, &q->to, e) < 0))
			return -1;
		if (o->from && o->to && q->from > q->to)
			return kam_usagef(e, "export: --from %s is after --to %s", o->from, o->to);
		q->months = 1;
	}
	return 0;
}

/* Where the rows go: the sink, the cells of the current row, and how many went. */
struct out_rows {
	kam_sink *sink;
	const struct kam_kind *k;      /* NULL: grades */
	int zh;                        /* enumerations in Chinese */
	int json;                      /* grades: JSON keeps the reasons an array */
	const char *cells[64];
	size_t lens[64];
	char buf[64][32];
	kam_buf text;                  /* grades: the reasons as one cell */
	int failed;                    /* out of memory once: the export fails */
	long rows;
};

/* Ctrl-C between rows: stop (the caller says where it struck). */
static int put_row(struct out_rows *out, int n, kam_err *e)
{
	if (kam_interrupted())
		return kam_errf(e, "export: interrupted");
	if (out->sink->ops->row(out->sink, (size_t)n, out->cells, out->lens, e) < 0)
		return -1;
	out->rows++;
	return 0;
}

/* Codes, months, money and booleans formatted; enumerations in Chinese with zh. */
static int kind_row(void *arg, int n, const kam_store_value *row, kam_err *e)
{
	struct out_rows *out = arg;
	for (int c = 0; c < n; c++) {
		const struct kam_column *col = &out->k->cols[c];
		const kam_store_value *v = &row[c];
		if (v->type == KAM_STORE_NULL) {
			out->cells[c] = NULL;
			out->lens[c] = 0;
		} else if (v->type == KAM_STORE_INT) {
			int len = kam_cell_format_int(col, v->i, out->zh, out->buf[c], sizeof out->buf[c]);
			out->cells[c] = out->buf[c];
			out->lens[c] = len < 0 ? 0 : (size_t)len;
		} else {
			out->cells[c] = v->s;
			out->lens[c] = v->len;
			if (out->zh && col->type == KAM_COL_ENUM)
				out->cells[c] = kam_enum_zh(col, out->cells[c], &out->lens[c]);
		}
	}
	return put_row(out, n, e);
}

/* The header, every row, then the sink's finish. */
static int write_rows(kam_db *db, const struct export_opts *o, struct out_rows *out, kam_err *e)
{
	const struct kam_kind *k = o->kind;
	const char *names[64], *cols[64];
	enum kam_coltype types[64];
	struct kam_export_query q;

	out->k = k;
	out->zh = o->zh && strcmp(o->format, "json") != 0;
	for (int c = 0; c < k->ncols; c++) {
		names[c] = out->zh ? k->cols[c].zh_label : k->cols[c].name;
		types[c] = k->cols[c].type;
	}
	if (query_of(o, cols, &q, e) < 0 || out->sink->ops->header(out->sink, (size_t)k->ncols, names, types, e) < 0 ||
	    kam_export_rows(db, &q, kind_row, out, e) < 0)
		return -1;
	return out->sink->ops->finish(out->sink, e);
}

/* The grades' columns: English names (JSON always), Chinese headers (--lang zh), types. */
static const char *const grade_names[] = {"code", "year", "grade", "computed", "override", "score", "policy",
					  "policy_version", "policy_hash", "reasons", "decided_at", "decided_by", "labels"};
static const char *const grade_names_zh[] = {"客户代码", "年度", "等级", "计算等级", "人工调整", "得分",
					     "评级政策", "政策版本", "政策哈希", "评级理由", "评定时间", "评定人", "等级标签"};
static const enum kam_coltype grade_types[] = {KAM_COL_CODE, KAM_COL_COUNT, KAM_COL_TEXT, KAM_COL_TEXT,
					       KAM_COL_COUNT, KAM_COL_NUMBER, KAM_COL_TEXT, KAM_COL_TEXT,
					       KAM_COL_TEXT, KAM_COL_JSON, KAM_COL_TEXT, KAM_COL_TEXT, KAM_COL_JSON};
#define GRADE_COLS ((int)(sizeof grade_names / sizeof grade_names[0]))
#define GRADE_REASONS 9

/* The reasons (a JSON array of strings, as stored) as one readable cell: the reasons joined
 * with a full-width semicolon, the way a list is written in Chinese text. */
static void join_reasons(struct out_rows *g, const char *stored, const char **cell, size_t *len)
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

/* The stored values as text (integers in decimal), the reasons joined but in JSON. */
static int grade_row(void *arg, int n, const kam_store_value *row, kam_err *e)
{
	struct out_rows *g = arg;
	for (int c = 0; c < n; c++) {
		const kam_store_value *v = &row[c];
		if (v->type == KAM_STORE_INT) {
			int len = snprintf(g->buf[c], sizeof g->buf[c], "%lld", (long long)v->i);
			g->cells[c] = g->buf[c];
			g->lens[c] = (size_t)len;
		} else {
			g->cells[c] = v->s;
			g->lens[c] = v->len;
		}
	}
	if (!g->json && g->cells[GRADE_REASONS])
		join_reasons(g, g->cells[GRADE_REASONS], &g->cells[GRADE_REASONS], &g->lens[GRADE_REASONS]);
	return put_row(g, n, e);
}

/* Grades: decisions joined with their run and policy. */
static int write_grades(kam_db *db, const struct export_opts *o, struct out_rows *out, kam_err *e)
{
	int rc;
	out->json = strcmp(o->format, "json") == 0;
	if (out->sink->ops->header(out->sink, GRADE_COLS, o->zh && !out->json ? grade_names_zh : grade_names,
				   grade_types, e) < 0)
		return -1;
	rc = kam_export_grades(db, o->year, o->history, grade_row, out, e);
	if (rc == 0)
		rc = out->sink->ops->finish(out->sink, e);
	if (rc == 0 && out->failed)
		rc = kam_errf(e, "export grades: out of memory joining the reasons");
	return rc;
}

/* The options into o; KAM_OK to go on, else the exit status (usage printed or reported). */
static int parse_args(kam_ctx *ctx, int argc, char **argv, struct export_opts *o, int *done)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
		{"lang", required_argument, NULL, 'l'}, {"bom", no_argument, NULL, 'b'},
		{"crlf", no_argument, NULL, 'c'}, {"month", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},
		{"year", required_argument, NULL, 'y'}, {"history", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;

	*done = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'l':
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
				return kam_usage_error(ctx, "export", USAGE, "--lang is en or zh, not '%s'", optarg);
			o->zh = strcmp(optarg, "zh") == 0;
			break;
		case 'b': o->sink.bom = 1; break;
		case 'c': o->sink.crlf = 1; break;
		case 'm': o->from = o->to = optarg; break;
		case 'F': o->from = optarg; break;
		case 'T': o->to = optarg; break;
		case 'y': {
			char *end;
			long y = strtol(optarg, &end, 10);
			if (*end || y < 1900 || y > 2999)
				return kam_usage_error(ctx, "export", USAGE, "--year '%s' must be a year like 2025", optarg);
			o->year = (int)y;
			break;
		}
		case 'H': o->history = 1; break;
		case 'h': fputs(USAGE, stdout); return KAM_OK;
		default: return kam_option_error(ctx, "export", USAGE, opts, "ho:", argv);
		}
	}
	if (argc - optind != 1)
		return kam_usage_error(ctx, "export", USAGE, argc - optind < 1 ? "need one KIND"
								   : "unexpected argument '%s'",
				       argc - optind < 1 ? "" : argv[optind + 1]);
	if (!(o->kind = kam_kind_find(argv[optind])) && strcmp(argv[optind], "grades") != 0) {
		kam_usagef(&ctx->err, "export: unknown kind '%s' (%s)", argv[optind], kam_kind_names(1));
		return kam_report_error(ctx, &ctx->err);
	}
	if ((o->year || o->history) && o->kind) {
		kam_usagef(&ctx->err, "export: --year and --history are for grades");
		return kam_report_error(ctx, &ctx->err);
	}
	if (!o->format)
		o->format = format_of(o->output);
	if (!o->format)
		o->format = ctx->json && !o->output ? "json" : "csv";
	*done = 0;
	return KAM_OK;
}

/* A masked export says so at its top (masked_file.h): CSV a first line (after the BOM, then
 * written here), JSON an object around the rows (*wrap: its end is due after them).  The
 * masking itself is the storage layer's, decided as the rows are read; it is asked here
 * only ahead of them, so that the marker comes first. */
static int mark_masked(kam_ctx *ctx, const struct export_opts *o, struct kam_sink_opts *so, FILE *out, int *wrap)
{
	const char *topic = NULL;
	json_t *text;
	char *quoted;
	int masked;
	*wrap = 0;
	if (!o->kind || (masked = kam_export_masked(ctx->db, o->kind->table, &topic, &ctx->err)) == 0)
		return 0;
	if (masked < 0)
		return -1;
	if (strcmp(o->format, "csv") == 0) {
		if (so->bom)
			fputs("\xEF\xBB\xBF", out);
		so->bom = 0;
		fprintf(out, KAM_MASKED_CSV " (%s read *** for %s): it does not import back%s", topic,
			kam_db_is_readonly(ctx->db) ? "everyone on a database kam cannot write" : kam_db_actor(ctx->db),
			so->crlf ? "\r\n" : "\n");
	} else if (strcmp(o->format, "json") == 0) {
		text = json_sprintf("%s read *** for %s: it does not import back", topic,
				    kam_db_is_readonly(ctx->db) ? "everyone on a database kam cannot write"
								 : kam_db_actor(ctx->db));
		quoted = text ? json_dumps(text, JSON_ENCODE_ANY) : NULL;
		json_decref(text);
		if (!quoted)
			return kam_errf(&ctx->err, "export: out of memory");
		fprintf(out, "{\"" KAM_MASKED_JSON_KEY "\": %s,\n\"rows\": ", quoted);
		free(quoted);
		*wrap = 1;
	}
	return ferror(out) ? kam_errf(&ctx->err, "export: %s", strerror(errno)) : 0;
}

/* Write the export through the format's sink into out (named name); rows counts them. */
static int write_export(kam_ctx *ctx, const struct export_opts *o, kam_sink_open_fn open_sink, void *sink_data,
			FILE *out, const char *name, long *rows)
{
	struct out_rows w = {0};
	struct kam_sink_opts so = o->sink;
	int rc, wrap;
	if (mark_masked(ctx, o, &so, out, &wrap) < 0 || !(w.sink = open_sink(out, name, &so, sink_data, &ctx->err)))
		return -1;
	kam_buf_init(&w.text);
	rc = o->kind ? write_rows(ctx->db, o, &w, &ctx->err) : write_grades(ctx->db, o, &w, &ctx->err);
	kam_buf_free(&w.text);
	w.sink->ops->close(w.sink);
	if (rc == 0 && wrap && fputs("}\n", out) == EOF)
		rc = kam_errf(&ctx->err, "export: %s", strerror(errno));
	*rows = w.rows;
	return rc;
}

/* -o FILE: written as FILE.tmpPID, renamed over FILE only once complete.  A FILE that is
 * no regular file (/dev/null, a FIFO, a terminal) is written to as it is: renamed over, it
 * would be replaced by a plain file. */
static int export_to_file(kam_ctx *ctx, struct export_opts *o, kam_sink_open_fn open_sink, void *sink_data,
			  long *rows)
{
	size_t n = strlen(o->output) + 24;
	char *tmp;
	FILE *out;
	struct stat st;
	int rc;
	if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!(out = fopen(o->output, "w")))
			return kam_errf(&ctx->err, "%s: %s", o->output, strerror(errno));
		o->sink.file = o->output;
		rc = write_export(ctx, o, open_sink, sink_data, out, o->output, rows);
		if (fclose(out) != 0 && rc == 0)
			rc = kam_errf(&ctx->err, "%s: %s", o->output, strerror(errno));
		return rc;
	}
	if (!(tmp = malloc(n)))
		return kam_errf(&ctx->err, "out of memory");
	snprintf(tmp, n, "%s.tmp%ld", o->output, (long)getpid());
	if (!(out = fopen(tmp, "w"))) {
		kam_errf(&ctx->err, "%s: %s", o->output, strerror(errno));
		free(tmp);
		return -1;
	}
	o->sink.file = tmp;
	rc = write_export(ctx, o, open_sink, sink_data, out, o->output, rows);
	if (fclose(out) != 0 && rc == 0)
		rc = kam_errf(&ctx->err, "%s: %s", o->output, strerror(errno));
	if (rc == 0 && rename(tmp, o->output) != 0)
		rc = kam_errf(&ctx->err, "%s: %s", o->output, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int kam_cmd_export(kam_ctx *ctx, int argc, char **argv)
{
	struct export_opts o = {0};
	kam_sink_open_fn open_sink;
	void *sink_data = NULL;
	long rows = 0;
	int rc, done;

	if ((rc = parse_args(ctx, argc, argv, &o, &done)) != KAM_OK || done)
		return rc;
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
	/* A spreadsheet's sheet is named after what it holds: 客户, 收入台账, 等级. */
	o.sink.sheet = o.kind ? o.kind->zh : "等级";
	rc = o.output ? export_to_file(ctx, &o, open_sink, sink_data, &rows)
		      : write_export(ctx, &o, open_sink, sink_data, stdout, "standard output", &rows);
	if (rc < 0 && kam_interrupted()) {
		/* Wherever it struck (a statement, a write blocked on a pipe, between rows). */
		if (o.output)
			kam_errf(&ctx->err, "export: interrupted; %s was not written", o.output);
		else
			kam_errf(&ctx->err, "export: interrupted after %ld row%s; the output is incomplete", rows,
				 rows == 1 ? "" : "s");
		ctx->err.interrupted = 1;
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
