/* The import's reading thread: it reads records and checks their cells while the main
 * thread stores the previous batch, so decoding and validation (a third of a big
 * import's work) run beside SQLite instead of before it.  Batches go through a small
 * ring; memory stays bounded by the ring, whatever the file's size. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "import_pipe.h"

static int arena_add(struct batch *b, const char *s, size_t n, size_t *off)
{
	if (b->used + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		char *grown;
		while (b->used + n + 1 > cap)
			cap *= 2;
		if (!(grown = realloc(b->arena, cap)))
			return -1;
		b->arena = grown;
		b->cap = cap;
	}
	memcpy(b->arena + b->used, s, n);
	b->arena[b->used + n] = '\0';
	*off = b->used;
	b->used += n + 1;
	return 0;
}

/* Keep what the row needs after the reader has moved on: text values, the message of a
 * bad row, and (for a reject file) the raw cells. */
static int keep_row(struct pipe *p, struct batch *b, struct prow *row, const kam_source_rec *r,
		    const kam_err *err)
{
	struct import_run *im = p->im;
	for (int c = 0; c < im->kind->ncols; c++) {
		kam_value *v = &row->val[c];
		if (v->kind == KAM_V_TEXT && arena_add(b, v->s, v->len, &row->text_off[c]) < 0)
			return -1;
	}
	if (row->bad) {
		if (arena_add(b, err->msg, strlen(err->msg), &row->msg_off) < 0 ||
		    arena_add(b, err->where.field, strlen(err->where.field), &row->field_off) < 0)
			return -1;
		row->err_line = err->where.line;
		row->err_col = err->where.column;
	}
	row->nraw = 0;
	if (p->keep_raw) {
		row->nraw = r->n;
		row->raw_off = b->used;
		for (size_t i = 0; i < r->n; i++) {
			size_t off, len = r->f[i] ? r->len[i] : 0;
			/* A length-prefixed cell; an absent cell is stored as empty. */
			if (arena_add(b, (const char *)&len, sizeof len, &off) < 0 ||
			    arena_add(b, r->f[i] ? r->f[i] : "", len, &off) < 0)
				return -1;
		}
	}
	return 0;
}

static struct batch *take(struct pipe *p, struct batch **q, int *n)
{
	struct batch *b;
	pthread_mutex_lock(&p->lock);
	while (*n == 0 && !p->stop)
		pthread_cond_wait(&p->cond, &p->lock);
	b = *n ? q[--*n] : NULL;
	pthread_mutex_unlock(&p->lock);
	return b;
}

static void put(struct pipe *p, struct batch **q, int *n, struct batch *b)
{
	pthread_mutex_lock(&p->lock);
	q[(*n)++] = b;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* The full queue is first in, first out: batches are kept in reading order. */
static void put_full(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->lock);
	p->full[p->full_tail] = b;
	p->full_tail = (p->full_tail + 1) % PIPE_BATCHES;
	p->nfull++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void *reader(void *arg)
{
	struct pipe *p = arg;
	struct import_run *im = p->im;
	kam_source_rec r;
	kam_err err;
	int rc = 1;

	while (rc == 1) {
		struct batch *b = take(p, p->free, &p->nfree);
		if (!b)
			break;
		b->n = 0;
		b->used = 0;
		b->end = 0;
		while (b->n < PIPE_ROWS && (rc = kam_source_next(im->src, &r, &b->err)) == 1) {
			struct prow *row = &b->rows[b->n++];
			row->line = r.line;
			row->bad = import_parse_row(im, &r, row->val, row->present, &err) < 0;
			if (keep_row(p, b, row, &r, &err) < 0) {
				kam_errf(&b->err, "%s: out of memory", im->src->name);
				rc = -1;
				break;
			}
		}
		if (im->src->ops->offset)
			__atomic_store_n(&p->offset, im->src->ops->offset(im->src), __ATOMIC_RELAXED);
		b->end = rc == 1 ? 0 : rc == 0 ? PIPE_END : rc == KAM_SOURCE_RESTART ? PIPE_RESTART : PIPE_ERROR;
		put_full(p, b);
	}
	return NULL;
}

int pipe_start(struct pipe *p, struct import_run *im, kam_err *e)
{
	memset(p, 0, sizeof *p);
	p->im = im;
	p->keep_raw = im->rejects.f != NULL;
	if (pthread_mutex_init(&p->lock, NULL) != 0)
		return kam_errf(e, "cannot start the reading thread");
	if (pthread_cond_init(&p->cond, NULL) != 0) {
		pthread_mutex_destroy(&p->lock);
		return kam_errf(e, "cannot start the reading thread");
	}
	for (int i = 0; i < PIPE_BATCHES; i++) {
		if (!(p->batches[i] = calloc(1, sizeof *p->batches[i]))) {
			pipe_finish(p);
			return kam_errf(e, "out of memory");
		}
		p->free[p->nfree++] = p->batches[i];
	}
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		pipe_finish(p);
		return kam_errf(e, "cannot start the reading thread");
	}
	p->running = 1;
	return 0;
}

struct batch *pipe_next(struct pipe *p)
{
	struct batch *b = NULL;
	pthread_mutex_lock(&p->lock);
	while (p->nfull == 0 && !p->stop)
		pthread_cond_wait(&p->cond, &p->lock);
	if (p->nfull) {
		b = p->full[p->full_head];
		p->full_head = (p->full_head + 1) % PIPE_BATCHES;
		p->nfull--;
	}
	pthread_mutex_unlock(&p->lock);
	return b;
}

void pipe_done(struct pipe *p, struct batch *b)
{
	put(p, p->free, &p->nfree, b);
}

long long pipe_offset(struct pipe *p)
{
	return __atomic_load_n(&p->offset, __ATOMIC_RELAXED);
}

void pipe_finish(struct pipe *p)
{
	if (p->running) {
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		p->running = 0;
	}
	for (int i = 0; i < PIPE_BATCHES; i++) {
		if (p->batches[i]) {
			free(p->batches[i]->arena);
			free(p->batches[i]);
			p->batches[i] = NULL;
		}
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
}

int pipe_row(const struct pipe *p, const struct batch *b, struct prow *row, kam_value *val,
	     kam_source_rec *rec, char **cells, size_t *lens, kam_err *why)
{
	const struct import_run *im = p->im;
	for (int c = 0; c < im->kind->ncols; c++) {
		val[c] = row->val[c];
		if (val[c].kind == KAM_V_TEXT)
			val[c].s = b->arena + row->text_off[c];
	}
	if (row->bad) {
		const char *field = b->arena + row->field_off;
		kam_errf(why, "%s", b->arena + row->msg_off);
		kam_err_at(why, im->src->name, row->err_line, field[0] ? field : NULL);
		why->where.column = row->err_col;
	}
	rec->n = row->nraw;
	rec->f = cells;
	rec->len = lens;
	rec->line = row->line;
	rec->cell_line = rec->cell_col = NULL;
	for (size_t i = 0, off = row->raw_off; i < row->nraw; i++) {
		memcpy(&lens[i], b->arena + off, sizeof lens[i]);
		off += sizeof lens[i] + 1;
		cells[i] = b->arena + off;
		off += lens[i] + 1;
	}
	return row->bad;
}
