/* The import's reading thread and the batches it hands to the storing thread. */
#ifndef KAM_IMPORT_PIPE_H
#define KAM_IMPORT_PIPE_H

#include <pthread.h>

#include "import_kind.h"

#define PIPE_ROWS 1024
#define PIPE_BATCHES 4

enum { PIPE_MORE = 0, PIPE_END = 1, PIPE_ERROR = 2, PIPE_RESTART = 3 };

/* A row as the reader left it: values, and offsets into its batch's arena. */
struct prow {
	long line;
	int bad;                       /* a cell was refused; the message is at msg_off */
	kam_value val[MAX_COLS];
	int present[MAX_COLS];
	size_t text_off[MAX_COLS];
	size_t msg_off, field_off;      /* the reason, the column or key ("" when none) */
	long err_line, err_col;         /* where the reason points, 0 when not known */
	size_t raw_off, nraw;          /* the raw cells, kept only for a reject file */
};

struct batch {
	int n;
	int end;                       /* PIPE_*: what came after the last row */
	kam_err err;                   /* PIPE_ERROR: why */
	struct prow rows[PIPE_ROWS];
	char *arena;
	size_t used, cap;
};

struct pipe {
	struct import_run *im;
	int keep_raw;
	pthread_t thread;
	int running, stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *batches[PIPE_BATCHES];
	struct batch *free[PIPE_BATCHES];
	int nfree;
	struct batch *full[PIPE_BATCHES];
	int full_head, full_tail, nfull;
	long long offset;              /* bytes of the input read, for the progress bar */
};

/* Read the cells of one record (reader thread); -1 with the place of the first bad cell. */
int import_parse_row(const struct import_run *im, const kam_source_rec *r, kam_value *val,
		     int *present, kam_err *e);

int pipe_start(struct pipe *p, struct import_run *im, kam_err *e);
/* The next batch in reading order (NULL only after pipe_finish began). */
struct batch *pipe_next(struct pipe *p);
void pipe_done(struct pipe *p, struct batch *b);
long long pipe_offset(struct pipe *p);
/* Stop the reader (if running), wait for it, free everything. */
void pipe_finish(struct pipe *p);
/* Row i of b as values and (raw cells of) a record; cells and lens need MAX_CELLS room.
 * 1 when the reader refused the row: why then says why and where. */
int pipe_row(const struct pipe *p, const struct batch *b, struct prow *row, kam_value *val,
	     kam_source_rec *rec, char **cells, size_t *lens, kam_err *why);

#endif
