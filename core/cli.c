/* What every command shares: printing errors and --json documents. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

int kam_report_error(kam_ctx *ctx, const kam_err *e)
{
	int status = e->status ? e->status : KAM_FAIL;
	fprintf(stderr, "kam: %s\n", e->msg[0] ? e->msg : "failed");
	if (ctx->json) {
		/* Only the first line: the traceback stays on stderr. */
		const char *nl = strchr(e->msg, '\n');
		size_t len = nl ? (size_t)(nl - e->msg) : strlen(e->msg);
		json_t *doc = json_pack("{s:s%, s:i}", "error", e->msg, len, "status", status);
		if (doc)
			kam_print_json(doc);
	}
	return status;
}

int kam_print_json(json_t *json)
{
	int rc;
	if (!json) {
		fprintf(stderr, "kam: cannot build the JSON output (out of memory or invalid UTF-8)\n");
		return KAM_FAIL;
	}
	rc = json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
			JSON_REAL_PRECISION(17));
	json_decref(json);
	if (rc < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
		fprintf(stderr, "kam: cannot write the output\n");
		return KAM_FAIL;
	}
	return KAM_OK;
}

int kam_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}
