/* kam import: a file of customers or ledger rows into the database, all or nothing
 * (or the good rows, with the bad ones written to a reject file), with every bad row
 * named by file, line and column.  Pure C: no lua.h. */
#ifndef KAM_IMPORT_H
#define KAM_IMPORT_H

#include "kinds.h"
#include "source.h"
#include "store_value.h"  /* kam_db, and no more of storage */

/* A field of a row handed to a rule outside the import engine, or one it hands back:
 * an integer (is_int) or text (s; NULL: none). */
struct kam_rule_field {
	const char *name;
	int is_int;
	int64_t i;
	const char *s;
};

/* The rule a command applies to what it records (discounts, claims, complaints: the
 * route and deadlines the policy gives), for the same rows read from a file.  apply gets
 * the row's fields and fills each of out[0..nout) named by the caller (strings valid
 * until the next call).  0; 1 when the rule refuses the row (e->msg says why,
 * e->where.field names the column when it can); -1 when the import cannot go on. */
struct kam_import_rule {
	int (*apply)(void *arg, const char *kind, const struct kam_rule_field *in, int nin,
		     struct kam_rule_field *out, int nout, kam_err *e);
	void *arg;
};

struct kam_import_opts {
	const char *kind;
	const char *path;
	const char *format;        /* csv, json, xlsx; NULL: from the file name */
	const char *encoding;      /* NULL: detect (UTF-8, else GB18030) */
	const char *sheet;
	const char *reject_path;   /* load the good rows; bad ones go here with a reason */
	const char *user;
	int ignore_unknown;
	int dry_run;
	int replace;               /* replace months (ledger) or customers already stored */
	int append;                /* ledger: add rows to months already stored (each row new) */
	int progress;              /* draw a progress bar on stderr (a terminal) */
	/* Each bad row: its message (place first) for people, and the same as a record: the
	 * reason in why->msg, where in why->where (file, line, column, field). */
	void (*on_error)(void *arg, const char *msg, const kam_err *why);
	void *arg;
	/* receivables, discounts, claims, complaints: the command's rule (NULL: those kinds
	 * refuse to load) */
	const struct kam_import_rule *rule;
};

struct kam_import_stats {
	long rows;                 /* data rows read */
	long inserted, updated, unchanged, rejected;
	long replaced_rows;        /* ledger rows deleted by --replace */
	char replaced[4096];       /* the months replaced, "2025-01, 2025-02" */
	long errors;               /* bad rows (all reported through on_error) */
	char encoding[32];
	char format[8];
	double seconds;
	long long import_id;       /* row of the imports log, 0 when nothing was written */
};

/* Opens the source for a format named by opts or guessed from the file name. */
kam_source *kam_import_open(const struct kam_import_opts *o, const struct kam_kind *kind, kam_err *e);

/* 0 when the import is done (or, with dry_run, would be); -1 with e filled otherwise.
 * Bad rows without a reject file fail the import: e then says how many. */
int kam_import(kam_db *db, const struct kam_import_opts *o, struct kam_import_stats *st, kam_err *e);

/* Record sources that plugins add (XLSX): the format name and how to open a file. */
typedef kam_source *(*kam_source_open_fn)(const char *path, const struct kam_source_opts *o,
					  void *data, kam_err *e);
int kam_import_add_format(const char *name, kam_source_open_fn open, void *data);

#endif
