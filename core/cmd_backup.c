/* kam backup FILE: a consistent copy of the database while others read and write it. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "interrupt.h"
#include "store_backup.h"

static const char USAGE[] =
	"usage: kam backup [--force] FILE\n"
	"Copy the database to FILE as one snapshot, while other kam processes go on reading\n"
	"and writing: an import that commits meanwhile is in the copy whole or not at all.\n"
	"The copy is written beside FILE under a temporary name, checked (integrity_check,\n"
	"schema version) and only then renamed to FILE, readable by its owner only.  The\n"
	"database is copied as it is (an older one is not upgraded first).  An\n"
	"existing FILE is refused unless --force.  It prints the rows of each table and the\n"
	"size of the copy.  To restore: stop every writer, copy FILE over the database, and\n"
	"run 'kam init' (it upgrades a copy made by an older kam).\n";

struct tables {
	json_t *json;        /* --json: {"table": rows} */
	FILE *text;          /* else the summary line being built */
	int n;
};

static int add_table(void *arg, const char *table, int64_t rows)
{
	struct tables *t = arg;
	if (t->json)
		return json_object_set_new(t->json, table, json_integer(rows));
	fprintf(t->text, "%s%lld %s", t->n++ ? ", " : "", (long long)rows, table);
	return 0;
}

int kam_cmd_backup(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct kam_backup_info info;
	struct tables t = {0};
	struct stat sb;
	char *summary = NULL;
	size_t size = 0;
	int c, force = 0, rc;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = 1;
		else if (c == 'h') {
			fputs(USAGE, stdout);
			return KAM_OK;
		} else
			return kam_option_error(ctx, "backup", USAGE, opts, "+fh", argv);
	}
	if (optind >= argc)
		return kam_usage_error(ctx, "backup", USAGE, "need the FILE to write");
	if (optind + 1 < argc)
		return kam_usage_error(ctx, "backup", USAGE, "unexpected argument '%s'", argv[optind + 1]);
	/* A backup only reads, and copies the file as it is: a database kam cannot write can
	 * be copied, and an older one is copied before 'kam init' upgrades it. */
	if (kam_ctx_db(ctx, KAM_DB_AS_IS) < 0)
		return kam_report_error(ctx, &ctx->err);
	if (ctx->json ? !(t.json = json_object()) : !(t.text = open_memstream(&summary, &size))) {
		kam_errf(&ctx->err, "backup: out of memory");
		return kam_report_error(ctx, &ctx->err);
	}
	kam_interrupt_catch(ctx);
	rc = kam_db_backup(ctx->db, argv[optind], force, &info, add_table, &t, &ctx->err);
	if (t.text)
		fclose(t.text);
	if (rc < 0) {
		json_decref(t.json);
		free(summary);
		return kam_report_error(ctx, &ctx->err);
	}
	if (stat(argv[optind], &sb) == 0)
		info.bytes = (int64_t)sb.st_size;
	if (ctx->json)
		return kam_print_json(json_pack("{s:s, s:s, s:I, s:I, s:i, s:s, s:o}", "db", ctx->db_path,
						"backup", argv[optind], "bytes", (json_int_t)info.bytes,
						"pages", (json_int_t)info.pages, "schema_version",
						info.schema_version, "integrity", "ok", "rows", t.json));
	fprintf(stderr, "kam: backed up %s to %s: %s (%lld bytes, schema %d, integrity ok)\n",
		ctx->db_path, argv[optind], summary ? summary : "", (long long)info.bytes,
		info.schema_version);
	free(summary);
	return KAM_OK;
}
