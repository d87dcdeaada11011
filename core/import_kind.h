/* Inside the import engine: the state of one run and what each kind supplies. */
#ifndef KAM_IMPORT_KIND_H
#define KAM_IMPORT_KIND_H

#include <stdio.h>

#include "import.h"

#define MAX_CELLS 256
#define MAX_COLS 32

/* A kind's row function returns one of these. */
enum {
	ROW_OK = 0,
	ROW_BAD = -1,        /* the row is refused: e says why, with its place */
	ROW_BAD_QUIET = -2,  /* refused for a reason already reported once (e still holds it) */
	ROW_FATAL = -3,      /* the import cannot go on (storage failed) */
};

struct import_run;
struct pipe;
struct batch;

struct import_ops {
	int (*begin)(struct import_run *im, kam_err *e);
	int (*row)(struct import_run *im, const kam_source_rec *r, kam_err *e);
	int (*finish)(struct import_run *im, kam_err *e);   /* may be NULL */
	void (*end)(struct import_run *im);                   /* frees; always called */
	/* The kind checks every reference and every CHECK of its table itself (under the
	 * write lock), so SQLite's per-row foreign-key and CHECK work is switched off for
	 * its transaction: a third of a big ledger import's time. */
	int checks_itself;
	/* Store a whole batch (optional; else row() is called for each row of it). */
	int (*store)(struct import_run *im, struct pipe *p, struct batch *b, kam_err *e);
};

struct import_run {
	kam_db *db;
	const struct kam_import_opts *opts;
	struct kam_import_stats *st;
	const struct kam_kind *kind;
	const struct import_ops *ops;
	kam_source *src;
	struct rejects {
		FILE *f;
		char *path, *tmp;
		int unnamed;         /* f is an O_TMPFILE: tmp does not exist yet */
	} rejects;
	int ncells;                  /* header width */
	int cell_col[MAX_CELLS];     /* header cell -> kind column, -1 when none */
	int col_of[MAX_COLS];        /* kind column -> header cell, -1 when absent */
	kam_value val[MAX_COLS];     /* the current row */
	int present[MAX_COLS];       /* its column was in the file (an empty cell counts) */
	void *kind_state;
	/* Bad rows' messages, kept to be reported in line order once the pass is done (a
	 * pass that starts over in another encoding reports nothing of the first). */
	struct kept_msg {
		long line;           /* the row's, for the order */
		char *msg, *reason;  /* "file:line: reason", and the reason alone */
		long at_line, at_col;
		char field[64];
	} *msgs;
	size_t nmsgs;
	int relaxed;                 /* foreign keys and CHECKs are off (checks_itself) */
	int append;                  /* --append, or the file is a reject file being loaded again */
	/* The progress bar: a kind calls tick during long work of its own (NULL: no bar);
	 * doing says what that work is ("replacing 2025-04"), empty otherwise. */
	void (*tick)(struct import_run *im);
	char doing[64];
	struct pipe *pipe;
	long long read;              /* bytes read, once the reading is over */
	double started, shown;
};

const struct import_ops *import_ops_for(const struct kam_kind *k);
/* A refused row: e gets the reason (msg, without the place) and the place in e->where
 * (the input, line, and the column or key when one is to blame; column: where the key is,
 * 0 when not known).  Returns ROW_BAD. */
int row_errf(const struct import_run *im, long line, long column, const char *field, kam_err *e,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The command's rule (opts->rule, which the command layer gives) applied to a row: in, the
 * row's fields; out, what the rule decides.  ROW_OK; or the rule's refusal as a bad row
 * naming the column it gives; or ROW_FATAL. */
int import_apply_rule(struct import_run *im, const kam_source_rec *r, const struct kam_rule_field *in, int nin,
		      struct kam_rule_field *out, int nout, kam_err *e);
/* Count a refused row, report it (print: "file:line: reason") and write it with its
 * reason to the reject file; why is a record row_errf filled. */
void import_bad_row(struct import_run *im, const kam_source_rec *r, const kam_err *why, int print);
extern const struct import_ops import_customers_ops;
extern const struct import_ops import_ledger_ops;
extern const struct import_ops import_bureaus_ops;
extern const struct import_ops import_notes_ops;
extern const struct import_ops import_receivables_ops;
extern const struct import_ops import_visits_ops;
extern const struct import_ops import_archive_ops;
extern const struct import_ops import_managers_ops;
extern const struct import_ops import_assignments_ops;
extern const struct import_ops import_holidays_ops;
extern const struct import_ops import_discounts_ops;
extern const struct import_ops import_claims_ops;
extern const struct import_ops import_complaints_ops;

/* A set of 64-bit keys with a value each (customer code -> line), open addressing. */
struct i64map {
	int64_t *keys;
	long *vals;
	size_t cap, n;
};
int i64map_put(struct i64map *m, int64_t key, long val, long *old);  /* 1 if it was there */
int i64map_get(const struct i64map *m, int64_t key, long *val);
int i64map_set(struct i64map *m, int64_t key, long val);             /* put or replace */
void i64map_free(struct i64map *m);

#endif
