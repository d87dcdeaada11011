/* Record sources for import: CSV, JSON, and readers plugins add (XLSX).  Each yields the
 * header first, then one record of text cells per row, with the line (or sheet row)
 * where it starts, so that every message can say where. */
#ifndef KAM_SOURCE_H
#define KAM_SOURCE_H

#include <stddef.h>

#include "err.h"

/* kam_source_next() results besides 1 (a record), 0 (end) and -1 (error). */
#define KAM_SOURCE_RESTART 2   /* start over: discard everything, the header comes again */

typedef struct kam_source_rec {
	size_t n;
	char **f;              /* UTF-8, NUL-terminated; f[i] == NULL means the cell is absent */
	size_t *len;
	long line;
	long *cell_line;       /* where each cell is, when the format knows (JSON); else NULL */
	long *cell_col;
	/* The row is bad (the source goes on): why, without the place, and where: the key or
	 * column (NULL when none), its line and column (0 when not known).  else NULL. */
	const char *error;
	const char *error_field;
	long error_line, error_col;
} kam_source_rec;

typedef struct kam_source kam_source;

struct kam_source_ops {
	int (*next)(kam_source *s, kam_source_rec *r, kam_err *e);
	void (*close)(kam_source *s);
	/* Bytes of the input consumed so far and in all (0 when unknown), for progress. */
	long long (*offset)(kam_source *s);
	/* Optional: the sheets a workbook read without --sheet could have been, the one
	 * being read first (NULL-terminated), to point at the sheet that has the columns. */
	const char *const *(*sheets)(kam_source *s);
};

struct kam_source {
	const struct kam_source_ops *ops;
	const char *sheet;         /* the sheet named (--sheet), or NULL */
	const char *name;          /* the file, for messages */
	const char *format;        /* "csv", "json", "xlsx" */
	const char *unit;          /* "line" or "row": how a place is named */
	const char *encoding;      /* what was read, for the import log (may be NULL) */
	long long size;            /* input size in bytes, 0 when unknown */
};

struct kam_kind;

struct kam_source_opts {
	const char *encoding;      /* CSV: NULL (detect) or forced */
	const char *sheet;         /* XLSX: a sheet name, NULL for the first */
	const struct kam_kind *kind;  /* JSON: which keys make the columns */
	int ignore_unknown;        /* JSON: keys that are no column are skipped, not refused */
};

/* CSV from path ("-" is standard input). */
kam_source *kam_source_csv(const char *path, const struct kam_source_opts *o, kam_err *e);
/* A JSON array of objects with the English column names of o->kind. */
kam_source *kam_source_json(const char *path, const struct kam_source_opts *o, kam_err *e);

static inline int kam_source_next(kam_source *s, kam_source_rec *r, kam_err *e)
{
	return s->ops->next(s, r, e);
}

static inline void kam_source_close(kam_source *s)
{
	if (s)
		s->ops->close(s);
}

#endif
