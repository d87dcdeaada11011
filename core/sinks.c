/* The CSV and JSON export sinks.  JSON is written as it goes, one object per line, so a
 * province's seven million ledger rows never sit in memory; money stays a decimal string. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "sink.h"

static struct kam_registry formats = {{
	{"csv", (kam_any_fn)kam_sink_csv, NULL},
	{"json", (kam_any_fn)kam_sink_json, NULL},
}};

int kam_export_add_format(const char *name, kam_sink_open_fn open, void *data)
{
	return kam_registry_add(&formats, name, (kam_any_fn)open, data);
}

kam_sink_open_fn kam_export_format(const char *name, void **data)
{
	const struct kam_registry_entry *f = kam_registry_find(&formats, name, 0);
	if (!f)
		return NULL;
	if (data)
		*data = f->data;
	return (kam_sink_open_fn)f->fn;
}

static int write_failed(kam_sink *s, kam_err *e)
{
	return kam_errf(e, "%s: %s", s->name, strerror(errno ? errno : EIO));
}

struct csv_sink {
	kam_sink base;
	const char *eol;
	int bom;
};

void kam_csv_field(FILE *f, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}

static int csv_row(kam_sink *s, size_t n, const char *const *cells, const size_t *lens, kam_err *e)
{
	struct csv_sink *c = (struct csv_sink *)s;
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', s->out);
		if (cells[i])
			kam_csv_field(s->out, cells[i], lens ? lens[i] : strlen(cells[i]));
	}
	if (fputs(c->eol, s->out) == EOF)
		return write_failed(s, e);
	return 0;
}

static int csv_header(kam_sink *s, size_t n, const char *const *names, const enum kam_coltype *types,
		      kam_err *e)
{
	struct csv_sink *c = (struct csv_sink *)s;
	(void)types;
	if (c->bom)
		fputs("\xEF\xBB\xBF", s->out);
	return csv_row(s, n, names, NULL, e);
}

static int flush_out(kam_sink *s, kam_err *e)
{
	if (fflush(s->out) == EOF || ferror(s->out))
		return write_failed(s, e);
	return 0;
}

static void free_sink(kam_sink *s)
{
	free(s);
}

static const struct kam_sink_ops csv_ops = {csv_header, csv_row, flush_out, free_sink};

kam_sink *kam_sink_csv(FILE *out, const char *path, const struct kam_sink_opts *o, void *data, kam_err *e)
{
	(void)data;
	struct csv_sink *c = calloc(1, sizeof *c);
	if (!c) {
		kam_errf(e, "out of memory");
		return NULL;
	}
	c->base.ops = &csv_ops;
	c->base.out = out;
	c->base.name = path;
	c->eol = o && o->crlf ? "\r\n" : "\n";
	c->bom = o && o->bom;
	return &c->base;
}

#define JSON_MAX_COLS 64

struct json_sink {
	kam_sink base;
	size_t n;
	char *names[JSON_MAX_COLS];
	enum kam_coltype types[JSON_MAX_COLS];
	long rows;
};

static void json_string_out(FILE *f, const char *s, size_t n)
{
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			putc('\\', f);
			putc(ch, f);
		} else if (ch < 0x20) {
			switch (ch) {
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default: fprintf(f, "\\u%04x", ch);
			}
		} else {
			putc(ch, f);
		}
	}
	putc('"', f);
}

static int json_header(kam_sink *s, size_t n, const char *const *names, const enum kam_coltype *types,
		       kam_err *e)
{
	struct json_sink *j = (struct json_sink *)s;
	if (n > JSON_MAX_COLS)
		return kam_errf(e, "too many columns for JSON output");
	j->n = n;
	for (size_t i = 0; i < n; i++) {
		if (!(j->names[i] = strdup(names[i])))
			return kam_errf(e, "out of memory");
		j->types[i] = types[i];
	}
	if (fputs("[", s->out) == EOF)
		return write_failed(s, e);
	return 0;
}

static int json_row(kam_sink *s, size_t n, const char *const *cells, const size_t *lens, kam_err *e)
{
	struct json_sink *j = (struct json_sink *)s;
	FILE *f = s->out;
	fputs(j->rows++ ? ",\n  {" : "\n  {", f);
	for (size_t i = 0; i < n && i < j->n; i++) {
		if (i)
			fputs(", ", f);
		json_string_out(f, j->names[i], strlen(j->names[i]));
		fputs(": ", f);
		if (!cells[i])
			fputs("null", f);
		else if (j->types[i] == KAM_COL_COUNT || j->types[i] == KAM_COL_NUMBER || j->types[i] == KAM_COL_JSON)
			fwrite(cells[i], 1, lens[i], f);
		else if (j->types[i] == KAM_COL_BOOL)
			fputs(lens[i] && (cells[i][0] == 'y' || memcmp(cells[i], "是", 3) == 0) ? "true" : "false", f);
		else
			json_string_out(f, cells[i], lens[i]);
	}
	if (putc('}', f) == EOF)
		return write_failed(s, e);
	return 0;
}

static int json_finish(kam_sink *s, kam_err *e)
{
	struct json_sink *j = (struct json_sink *)s;
	fputs(j->rows ? "\n]\n" : "]\n", s->out);
	return flush_out(s, e);
}

static void json_close(kam_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;
	for (size_t i = 0; i < j->n; i++)
		free(j->names[i]);
	free(j);
}

static const struct kam_sink_ops json_ops = {json_header, json_row, json_finish, json_close};

kam_sink *kam_sink_json(FILE *out, const char *path, const struct kam_sink_opts *o, void *data, kam_err *e)
{
	(void)data;
	struct json_sink *j = calloc(1, sizeof *j);
	(void)o;
	if (!j) {
		kam_errf(e, "out of memory");
		return NULL;
	}
	j->base.ops = &json_ops;
	j->base.out = out;
	j->base.name = path;
	return &j->base;
}
