/* What every command shares: printing errors and --json documents. */
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int kam_report_error(kam_ctx *ctx, const kam_err *e)
{
	int status = e->status ? e->status : KAM_FAIL;
	fprintf(stderr, "kam: %s\n", e->msg[0] ? e->msg : "failed");
	/* Lua's traceback under the message, where it always was; whoever does not want it
	 * shown (a shipped command without KAM_LOG=debug) clears the field. */
	if (e->traceback[0])
		fprintf(stderr, "%s\n", e->traceback);
	if (ctx->json) {
		/* Only the first line: the traceback stays on stderr. */
		const char *nl = strchr(e->msg, '\n');
		size_t len = nl ? (size_t)(nl - e->msg) : strlen(e->msg);
		json_t *doc = json_pack("{s:s%, s:i}", "error", e->msg, len, "status", status);
		/* The record's fields, for a caller that decides by them instead of the text. */
		if (doc && e->where.file[0])
			json_object_set_new(doc, "file", json_string(e->where.file));
		if (doc && e->where.line)
			json_object_set_new(doc, "line", json_integer(e->where.line));
		if (doc && e->where.field[0])
			json_object_set_new(doc, "field", json_string(e->where.field));
		if (doc && e->function[0])
			json_object_set_new(doc, "function", json_string(e->function));
		if (doc && e->customer)
			json_object_set_new(doc, "customer", json_sprintf("%014lld", e->customer));
		if (doc && e->interrupted)
			json_object_set_new(doc, "interrupted", json_true());
		if (doc)
			kam_print_json(doc);
	}
	return status;
}

int kam_usage_error(kam_ctx *ctx, const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg = NULL;
	fprintf(stderr, "kam%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", msg ? msg : "wrong usage");
	if (usage)
		fputs(usage, stderr);
	if (ctx && ctx->json) {
		json_t *doc = cmd ? json_pack("{s:s++, s:i}", "error", cmd, ": ", msg ? msg : "wrong usage",
					      "status", KAM_USAGE)
				  : json_pack("{s:s, s:i}", "error", msg ? msg : "wrong usage", "status", KAM_USAGE);
		kam_print_json(doc);
	}
	free(msg);
	return KAM_USAGE;
}

/* The long option that `name` (up to '=' or its end) selects: an exact match, else the
 * only option it abbreviates; *matches gets how many it abbreviates. */
static const struct option *long_match(const struct option *o, const char *name, size_t len, int *matches)
{
	const struct option *hit = NULL;
	*matches = 0;
	for (; o && o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			*matches = 1;
			return o;
		}
		++*matches;
		hit = o;
	}
	return *matches == 1 ? hit : NULL;
}

int kam_option_error(kam_ctx *ctx, const char *cmd, const char *usage, const struct option *longopts,
		     const char *shortopts, char **argv)
{
	const char *a = optind > 0 ? argv[optind - 1] : NULL;

	/* getopt leaves optopt 0 for an unknown long option and the option's value for a
	 * known one used wrongly; a short option's error leaves its letter. */
	if (a && strncmp(a, "--", 2) == 0 && a[2]) {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int matches;
		const struct option *o = long_match(longopts, name, len, &matches);
		if (o && (optopt == 0 || o->val == optopt)) {
			if (o->has_arg == no_argument && eq)
				return kam_usage_error(ctx, cmd, usage, "option '--%s' takes no value", o->name);
			return kam_usage_error(ctx, cmd, usage, "option '--%s' needs a value", o->name);
		}
		if (optopt == 0 && matches > 1) {
			char *list = NULL;
			size_t size = 0;
			FILE *f = open_memstream(&list, &size);
			int first = 1, rc;
			for (const struct option *p = longopts; f && p->name; p++)
				if (strncmp(p->name, name, len) == 0) {
					fprintf(f, "%s--%s", first ? "" : ", ", p->name);
					first = 0;
				}
			if (f)
				fclose(f);
			rc = kam_usage_error(ctx, cmd, usage, "option '--%.*s' is ambiguous (%s)", (int)len, name,
					     list ? list : "");
			free(list);
			return rc;
		}
		if (optopt == 0)
			return kam_usage_error(ctx, cmd, usage, "unknown option '--%.*s'", (int)len, name);
	}
	if (optopt && optopt != ':' && optopt != '?' && strchr(shortopts, optopt))
		return kam_usage_error(ctx, cmd, usage, "option '-%c' needs a value", optopt);
	if (optopt > ' ' && optopt < 127)
		return kam_usage_error(ctx, cmd, usage, "unknown option '-%c'", optopt);
	return kam_usage_error(ctx, cmd, usage, "unknown option '%s'", a ? a : "?");
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
