/* Export sinks: CSV, JSON, and writers plugins add (XLSX).  A sink gets the header with
 * each column's type, then rows of text cells (NULL for an empty cell). */
#ifndef KAM_SINK_H
#define KAM_SINK_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "kinds.h"

typedef struct kam_sink kam_sink;

struct kam_sink_ops {
	int (*header)(kam_sink *s, size_t n, const char *const *names, const enum kam_coltype *types,
		      kam_err *e);
	int (*row)(kam_sink *s, size_t n, const char *const *cells, const size_t *lens, kam_err *e);
	int (*finish)(kam_sink *s, kam_err *e);   /* flush everything; errors are reported */
	void (*close)(kam_sink *s);               /* free; after finish or on failure */
};

struct kam_sink {
	const struct kam_sink_ops *ops;
	FILE *out;
	const char *name;       /* the output, for messages */
};

struct kam_sink_opts {
	int bom;                /* CSV: start with a UTF-8 byte-order mark (for spreadsheets) */
	int crlf;               /* CSV: CRLF line ends */
	const char *sheet;      /* XLSX: sheet name */
	const char *file;       /* the file being written (a temporary name), NULL for stdout */
};

/* out is written, not closed; path is where it ends up (XLSX writers need a path). */
typedef kam_sink *(*kam_sink_open_fn)(FILE *out, const char *path, const struct kam_sink_opts *o,
				      void *data, kam_err *e);
kam_sink *kam_sink_csv(FILE *out, const char *path, const struct kam_sink_opts *o, void *data, kam_err *e);
kam_sink *kam_sink_json(FILE *out, const char *path, const struct kam_sink_opts *o, void *data, kam_err *e);
int kam_export_add_format(const char *name, kam_sink_open_fn open, void *data);
/* One CSV field, quoted when it must be (RFC 4180). */
void kam_csv_field(FILE *f, const char *s, size_t n);
/* The opener of a format (and its data), or NULL when no such format is known. */
kam_sink_open_fn kam_export_format(const char *name, void **data);

#endif
