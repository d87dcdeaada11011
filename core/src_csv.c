/* The CSV record source: csvread over a file descriptor, with the file's size for the
 * progress bar and the encoding it settled on for the import log. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "source.h"

struct csv_source {
	kam_source base;
	kam_csv *csv;
	int fd;
};

static int csv_next(kam_source *s, kam_source_rec *r, kam_err *e)
{
	struct csv_source *c = (struct csv_source *)s;
	kam_csv_rec rec;
	int rc = kam_csv_next(c->csv, &rec, e);
	if (rc == 1) {
		r->n = rec.n;
		r->f = rec.f;
		r->len = rec.len;
		r->line = rec.line;
		r->cell_line = r->cell_col = NULL;
		r->error = NULL;
		s->encoding = kam_csv_encoding(c->csv);
	} else if (rc == KAM_CSV_RESTART) {
		rc = KAM_SOURCE_RESTART;
	}
	return rc;
}

static long long csv_offset(kam_source *s)
{
	struct csv_source *c = (struct csv_source *)s;
	off_t at = lseek(c->fd, 0, SEEK_CUR);
	return at < 0 ? 0 : (long long)at;
}

static void csv_close(kam_source *s)
{
	struct csv_source *c = (struct csv_source *)s;
	kam_csv_close(c->csv);
	if (c->fd > 0)
		close(c->fd);
	free(c);
}

static const struct kam_source_ops csv_ops = {csv_next, csv_close, csv_offset, NULL};

kam_source *kam_source_csv(const char *path, const struct kam_source_opts *o, kam_err *e)
{
	struct csv_source *c = calloc(1, sizeof *c);
	struct stat sb;
	kam_csv_opts co = {0};

	if (!c) {
		kam_errf(e, "%s: out of memory", path);
		return NULL;
	}
	c->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		kam_errf(e, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	if (fstat(c->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		kam_errf(e, "%s: is a directory", path);
		csv_close(&c->base);
		return NULL;
	}
	c->base.ops = &csv_ops;
	c->base.name = path;
	c->base.format = "csv";
	c->base.unit = "line";
	c->base.size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0;
	co.name = path;
	co.encoding = o ? o->encoding : NULL;
	co.restart = 1;
	c->csv = kam_csv_open(c->fd, &co, e);
	if (!c->csv) {
		if (c->fd > 0)
			close(c->fd);
		free(c);
		return NULL;
	}
	return &c->base;
}
