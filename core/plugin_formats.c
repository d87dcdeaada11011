/* Adapters from the plugin ABI's readers and writers to the import engine's sources and
 * the export command's sinks, so a plugin's format gets the same validation, messages,
 * reject files and all-or-nothing loading as CSV. */
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "plugin_formats.h"
#include "sink.h"

struct binding {
	kam_host *host;
	const kam_plugin_reader *reader;
	const kam_plugin_writer *writer;
	int abi;                   /* the plugin's: which members reader has */
};

struct plugin_source {
	kam_source base;
	const kam_plugin_reader *r;
	int abi;
	void *handle;
	char **cells;              /* the row with empty cells as "" (as CSV gives them) */
	size_t cap;
	char row_error[600];       /* why a row the reader read is bad (it names sheet and cell) */
};

static char empty[] = "";

static int source_next(kam_source *s, kam_source_rec *rec, kam_err *e)
{
	struct plugin_source *p = (struct plugin_source *)s;
	char err[512] = "", **cells = NULL;
	size_t n = 0, *lens = NULL;
	long row = 0;
	int rc = p->r->next(p->handle, &n, &cells, &lens, &row, err, sizeof err);
	if (rc < 0)
		return kam_errf(e, "%s: %s", s->name, err[0] ? err : "cannot read the file");
	if (rc == 0)
		return 0;
	if (n > p->cap) {
		char **grown = realloc(p->cells, n * sizeof *grown);
		if (!grown)
			return kam_errf(e, "%s: out of memory", s->name);
		p->cells = grown;
		p->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		p->cells[i] = cells[i] ? cells[i] : empty;
		if (!cells[i])
			lens[i] = 0;
	}
	rec->n = n;
	rec->f = p->cells;
	rec->len = lens;
	rec->line = row;
	rec->cell_line = rec->cell_col = NULL;
	rec->error = NULL;
	if (err[0]) {  /* read, but bad (an error cell): a row error, and reading goes on */
		/* The reader's words name the sheet and cell: the place is the file alone. */
		snprintf(p->row_error, sizeof p->row_error, "%s", err);
		rec->error = p->row_error;
		rec->error_field = NULL;
		rec->error_line = rec->error_col = 0;
	}
	return 1;
}

static void source_close(kam_source *s)
{
	struct plugin_source *p = (struct plugin_source *)s;
	if (p->handle)
		p->r->close(p->handle);
	free(p->cells);
	free(p);
}

static const char *const *source_sheets(kam_source *s)
{
	struct plugin_source *p = (struct plugin_source *)s;
	return p->abi >= 3 && p->r->sheets ? p->r->sheets(p->handle) : NULL;
}

static const struct kam_source_ops source_ops = {source_next, source_close, NULL, source_sheets};

static kam_source *source_open(const char *path, const struct kam_source_opts *o, void *data, kam_err *e)
{
	struct binding *b = data;
	struct plugin_source *p = calloc(1, sizeof *p);
	char err[512] = "";
	if (!p) {
		kam_errf(e, "%s: out of memory", path);
		return NULL;
	}
	p->r = b->reader;
	p->abi = b->abi;
	p->base.sheet = o ? o->sheet : NULL;
	p->handle = b->reader->open(b->host, path, o ? o->sheet : NULL, err, sizeof err);
	if (!p->handle) {
		kam_errf(e, "%s: %s", path, err[0] ? err : "cannot open the file");
		free(p);
		return NULL;
	}
	p->base.ops = &source_ops;
	p->base.name = path;
	p->base.format = b->reader->format;
	p->base.unit = "row";
	p->base.encoding = "UTF-8";
	return &p->base;
}

struct plugin_sink {
	kam_sink base;
	const kam_plugin_writer *w;
	void *handle;
};

static int sink_fail(kam_sink *s, const char *err, kam_err *e)
{
	return kam_errf(e, "%s: %s", s->name, err[0] ? err : "cannot write the file");
}

static int sink_header(kam_sink *s, size_t n, const char *const *names, const enum kam_coltype *types,
		       kam_err *e)
{
	struct plugin_sink *p = (struct plugin_sink *)s;
	int cell_types[64];
	char err[512] = "";
	if (n > 64)
		return kam_errf(e, "%s: too many columns", s->name);
	for (size_t i = 0; i < n; i++)
		cell_types[i] = types[i] == KAM_COL_COUNT || types[i] == KAM_COL_NUMBER ? KAM_PLUGIN_CELL_INTEGER
				: types[i] == KAM_COL_MONEY ? KAM_PLUGIN_CELL_MONEY : KAM_PLUGIN_CELL_TEXT;
	if (p->w->header(p->handle, n, names, cell_types, err, sizeof err) < 0)
		return sink_fail(s, err, e);
	return 0;
}

static int sink_row(kam_sink *s, size_t n, const char *const *cells, const size_t *lens, kam_err *e)
{
	struct plugin_sink *p = (struct plugin_sink *)s;
	char err[512] = "";
	if (p->w->row(p->handle, n, cells, lens, err, sizeof err) < 0)
		return sink_fail(s, err, e);
	return 0;
}

static int sink_finish(kam_sink *s, kam_err *e)
{
	struct plugin_sink *p = (struct plugin_sink *)s;
	char err[512] = "";
	if (p->w->finish(p->handle, err, sizeof err) < 0)
		return sink_fail(s, err, e);
	return 0;
}

static void sink_close(kam_sink *s)
{
	struct plugin_sink *p = (struct plugin_sink *)s;
	if (p->handle)
		p->w->close(p->handle);
	free(p);
}

static const struct kam_sink_ops sink_ops = {sink_header, sink_row, sink_finish, sink_close};

static kam_sink *sink_open(FILE *out, const char *path, const struct kam_sink_opts *o, void *data,
			   kam_err *e)
{
	struct binding *b = data;
	struct plugin_sink *p;
	char err[512] = "";
	(void)out;
	if (!o || !o->file) {
		kam_usagef(e, "export: %s output needs a file (-o FILE)", b->writer->format);
		return NULL;
	}
	if (!(p = calloc(1, sizeof *p))) {
		kam_errf(e, "%s: out of memory", path);
		return NULL;
	}
	p->w = b->writer;
	p->handle = b->writer->open(b->host, o->file, o->sheet, err, sizeof err);
	if (!p->handle) {
		kam_errf(e, "%s: %s", path, err[0] ? err : "cannot create the file");
		free(p);
		return NULL;
	}
	p->base.ops = &sink_ops;
	p->base.out = NULL;
	p->base.name = path;
	return &p->base;
}

/* The bindings live as long as kam: formats are looked up until exit. */
static struct binding *bind(kam_host *h)
{
	struct binding *b = calloc(1, sizeof *b);
	if (b)
		b->host = h;
	return b;
}

int kam_plugin_add_reader(kam_host *h, const kam_plugin_reader *r, int abi)
{
	struct binding *b;
	if (!r || !r->format || !r->open || !r->next || !r->close || !(b = bind(h)))
		return -1;
	b->reader = r;
	b->abi = abi;
	if (kam_import_add_format(r->format, source_open, b) < 0) {
		free(b);
		return -1;
	}
	return 0;
}

int kam_plugin_add_writer(kam_host *h, const kam_plugin_writer *w)
{
	struct binding *b;
	if (!w || !w->format || !w->open || !w->header || !w->row || !w->finish || !w->close ||
	    !(b = bind(h)))
		return -1;
	b->writer = w;
	if (kam_export_add_format(w->format, sink_open, b) < 0) {
		free(b);
		return -1;
	}
	return 0;
}
