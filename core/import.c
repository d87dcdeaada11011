/* The import engine: header mapping, cell validation, the reject file, the progress bar
 * and the one transaction around it all.  What differs by kind (how a row is stored)
 * is in import_customers.c and import_ledger.c. */
#include "import.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import_pipe.h"
#include "interrupt.h"
#include "masked_file.h"
#include "registry.h"
#include "sink.h"
#include "store_imports.h"

#define MAX_KEPT_MSGS 1000
/* The reject file's reason column; import skips it, so a fixed reject file loads as is. */
#define REASON_COLUMN "reject_reason"

static kam_source *open_csv(const char *path, const struct kam_source_opts *o, void *data, kam_err *e)
{
	(void)data;
	return kam_source_csv(path, o, e);
}

static kam_source *open_json(const char *path, const struct kam_source_opts *o, void *data, kam_err *e)
{
	(void)data;
	return kam_source_json(path, o, e);
}

static struct kam_registry formats = {{
	{"csv", (kam_any_fn)open_csv, NULL},
	{"json", (kam_any_fn)open_json, NULL},
}};

int kam_import_add_format(const char *name, kam_source_open_fn open, void *data)
{
	return kam_registry_add(&formats, name, (kam_any_fn)open, data);
}

const struct import_ops *import_ops_for(const struct kam_kind *k)
{
	if (strcmp(k->name, "customers") == 0)
		return &import_customers_ops;
	if (strcmp(k->name, "ledger") == 0)
		return &import_ledger_ops;
	if (strcmp(k->name, "bureau_revenue") == 0)
		return &import_bureaus_ops;
	if (strcmp(k->name, "fluctuation_notes") == 0)
		return &import_notes_ops;
	if (strcmp(k->name, "receivables") == 0)
		return &import_receivables_ops;
	if (strcmp(k->name, "visits") == 0)
		return &import_visits_ops;
	if (!strcmp(k->name, "archive") || !strcmp(k->name, "archive_extended") || !strcmp(k->name, "key_persons") ||
	    !strcmp(k->name, "competitors"))
		return &import_archive_ops;
	if (strcmp(k->name, "managers") == 0)
		return &import_managers_ops;
	if (strcmp(k->name, "assignments") == 0)
		return &import_assignments_ops;
	if (strcmp(k->name, "holidays") == 0)
		return &import_holidays_ops;
	if (strcmp(k->name, "discounts") == 0)
		return &import_discounts_ops;
	if (strcmp(k->name, "claims") == 0)
		return &import_claims_ops;
	if (strcmp(k->name, "complaints") == 0)
		return &import_complaints_ops;
	return NULL;
}

static const char *format_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	const struct kam_registry_entry *f;
	if (dot && strchr(dot, '/') == NULL && (f = kam_registry_find(&formats, dot + 1, 1)))
		return f->name;
	return "csv";
}

kam_source *kam_import_open(const struct kam_import_opts *o, const struct kam_kind *kind, kam_err *e)
{
	const char *format = o->format ? o->format : format_of(o->path);
	struct kam_source_opts so = {o->encoding, o->sheet, kind, o->ignore_unknown};
	const struct kam_registry_entry *f = kam_registry_find(&formats, format, 0);
	if (f)
		return ((kam_source_open_fn)f->fn)(o->path, &so, f->data, e);
	if (strcmp(format, "xlsx") == 0)
		kam_usagef(e, "%s: reading XLSX needs the xlsx plugin, which is not loaded (kam plugin list)",
			   o->path);
	else
		kam_usagef(e, "%s: unknown format '%s' (csv, json%s)", o->path, format,
			   kam_registry_find(&formats, "xlsx", 0) ? ", xlsx" : "");
	return NULL;
}

/* The reject file: the input's columns and a reason, written as the rows come into a
 * file without a name (O_TMPFILE) in the target's directory, so that a killed import
 * leaves nothing behind.  Once complete it gets the name PATH.tmpPID (rejects_close),
 * which becomes PATH when the import commits (rejects_finish).  Where the file system
 * has no O_TMPFILE, it is written under PATH.tmpPID from the start.  A kill between
 * naming and committing leaves PATH.tmpPID: the next import to the same reject file
 * removes any whose process is gone (rejects_sweep). */
static void rejects_sweep(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	struct dirent *d;
	DIR *dh;

	if (!dir || !(dh = opendir(dir))) {
		free(dir);
		return;
	}
	while ((d = readdir(dh))) {
		const char *p = d->d_name;
		char *end, *full;
		long pid;
		if (strncmp(p, base, blen) != 0 || strncmp(p + blen, ".tmp", 4) != 0)
			continue;
		p += blen + 4;
		if (!isdigit((unsigned char)*p))
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (*end || errno || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;  /* its import may still be running (or is not ours to judge) */
		if (asprintf(&full, "%s/%s", dir, d->d_name) >= 0) {
			unlink(full);
			free(full);
		}
	}
	closedir(dh);
	free(dir);
}

static int rejects_open(struct rejects *r, const char *path, kam_err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd = -1;

	r->path = strdup(path);
	if (!r->path || asprintf(&r->tmp, "%s.tmp%ld", path, (long)getpid()) < 0) {
		r->tmp = NULL;
		return kam_errf(e, "%s: out of memory", path);
	}
	rejects_sweep(path);
	dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
	if (!dir)
		return kam_errf(e, "%s: out of memory", path);
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir);
	r->unnamed = fd >= 0;
	if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return kam_errf(e, "%s: %s", r->path, strerror(errno));
	if (fd < 0)
		fd = open(r->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || !(r->f = fdopen(fd, "w"))) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return kam_errf(e, "%s: %s", r->path, strerror(err));
	}
	fputs("\xEF\xBB\xBF", r->f); /* spreadsheet programs need it to read UTF-8 */
	return 0;
}

/* A row of the input, padded to the header's width, then the reason. */
static void rejects_row(struct rejects *r, const kam_source_rec *rec, size_t width, const char *reason)
{
	for (size_t i = 0; i < rec->n || i < width; i++) {
		if (i)
			fputc(',', r->f);
		if (i < rec->n && rec->f[i])
			kam_csv_field(r->f, rec->f[i], rec->len[i]);
	}
	fputc(',', r->f);
	kam_csv_field(r->f, reason, strlen(reason));
	fputc('\n', r->f);
}

static int rejects_close(struct rejects *r, kam_err *e)
{
	int rc = 0;
	if (r->f && (fflush(r->f) != 0 || fsync(fileno(r->f)) != 0 || ferror(r->f)))
		rc = kam_errf(e, "%s: %s", r->path, strerror(errno));
	if (r->f && rc == 0 && r->unnamed) {
		/* Complete: give it its temporary name (closing an unnamed file would lose it). */
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(r->f));
		unlink(r->tmp);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, r->tmp, AT_SYMLINK_FOLLOW) != 0)
			rc = kam_errf(e, "%s: %s", r->path, strerror(errno));
		else
			r->unnamed = 0;
	}
	if (r->f && fclose(r->f) != 0 && rc == 0)
		rc = kam_errf(e, "%s: %s", r->path, strerror(errno));
	r->f = NULL;
	return rc;
}

/* Put the reject file in place (keep) or remove it. */
static int rejects_finish(struct rejects *r, int keep, kam_err *e)
{
	int rc = 0;
	if (!r->tmp)
		return 0;
	if (r->f) {
		fclose(r->f);
		r->f = NULL;
		keep = 0;
	}
	if (keep && rename(r->tmp, r->path) != 0)
		rc = kam_errf(e, "%s: %s", r->path, strerror(errno));
	if ((!keep || rc < 0) && !r->unnamed)
		unlink(r->tmp);
	free(r->path);
	free(r->tmp);
	r->path = r->tmp = NULL;
	return rc;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The bar, from the start of the work: rows, rows per second, and once bytes have been
 * read, the share done and the time left at the pace so far. */
static void progress(struct import_run *im, int done)
{
	double t = now() - im->started;
	long long at = im->pipe ? pipe_offset(im->pipe) : im->read;
	kam_source *src = im->src;
	if (done) {
		/* Erase the bar; what follows starts on a clean line. */
		fputs("\r\033[K\r", stderr);
		return;
	}
	fprintf(stderr, "\r\033[Kimporting %s: %ld rows, %.0f rows/s", src->name, im->st->rows,
		t > 0 ? im->st->rows / t : 0.0);
	if (src->size > 0 && at > 0 && at <= src->size) {
		double left = t * (double)(src->size - at) / (double)at;
		fprintf(stderr, ", %d%%, %.0f s left", (int)(100.0 * at / src->size), left);
	}
	if (im->doing[0])
		fprintf(stderr, ", %s", im->doing);
	fflush(stderr);
}

/* Redraw the bar at most five times a second. */
static void tick(struct import_run *im)
{
	if (now() - im->shown >= 0.2) {
		im->shown = now();
		progress(im, 0);
	}
}

/* Map the header's cells to the kind's columns. */
static int map_cells(struct import_run *im, const kam_source_rec *h, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	const char *name = im->src->name;
	size_t missing = 0;
	char list[512] = "";

	if (h->n > MAX_CELLS)
		return kam_errf(e, "%s:%ld: %zu columns, more than %d", name, h->line, h->n, MAX_CELLS);
	for (int c = 0; c < k->ncols; c++)
		im->col_of[c] = -1;
	for (size_t i = 0; i < h->n; i++) {
		int c = h->f[i] ? kam_kind_column(k, h->f[i], h->len[i]) : -1;
		im->cell_col[i] = c;
		if (c >= 0 && im->col_of[c] >= 0) {
			kam_errf(e, "%s:%ld: column '%s' appears twice (columns %d and %zu)", name, h->line,
				 k->cols[c].name, im->col_of[c] + 1, i + 1);
			kam_err_at(e, NULL, 0, k->cols[c].name);
			return -1;
		}
		if (c >= 0) {
			im->col_of[c] = (int)i;
			continue;
		}
		if (h->f[i] && strcmp(h->f[i], REASON_COLUMN) == 0) {
			/* A reject file, fixed and loaded again: its rows join what the first load kept. */
			im->append = 1;
			continue;
		}
		if (!im->opts->ignore_unknown) {
			kam_errf(e, "%s:%ld: unknown column '%s' in %s (column %zu; --ignore-unknown skips it)",
				 name, h->line, h->f[i] ? h->f[i] : "", k->name, i + 1);
			kam_err_at(e, NULL, 0, h->f[i] ? h->f[i] : "");
			return -1;
		}
	}
	for (int c = 0; c < k->ncols; c++) {
		if (k->cols[c].required && im->col_of[c] < 0) {
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s' (%s)",
				 missing++ ? ", " : "", k->cols[c].name, k->cols[c].zh_label);
		}
	}
	if (missing)
		return kam_errf(e, "%s:%ld: missing column%s %s", name, h->line, missing > 1 ? "s" : "", list);
	return 0;
}

/* The same, the place in the error record: the file and the header's line. */
static int map_header(struct import_run *im, const kam_source_rec *h, kam_err *e)
{
	if (map_cells(im, h, e) == 0)
		return 0;
	kam_err_at(e, im->src->name, h->line, NULL);
	return -1;
}

/* The first required column of the kind that header h lacks, or -1 when it has them all. */
static int first_missing(const struct kam_kind *k, const kam_source_rec *h)
{
	for (int c = 0; c < k->ncols; c++) {
		int found = 0;
		if (!k->cols[c].required)
			continue;
		for (size_t i = 0; i < h->n && !found; i++)
			found = h->f[i] && kam_kind_column(k, h->f[i], h->len[i]) == c;
		if (!found)
			return c;
	}
	return -1;
}

/* A workbook read without --sheet whose first sheet lacks the kind's columns: when
 * another sheet has them, say which (-1), rather than list what the first one has
 * ("sheet 说明 has no column 客户代码; sheet 收入 has them: --sheet 收入").  0 otherwise. */
static int wrong_sheet(struct import_run *im, const kam_source_rec *h, kam_err *e)
{
	const char *const *names = im->src->ops->sheets ? im->src->ops->sheets(im->src) : NULL;
	int miss;
	if (im->src->sheet || !names || !names[0] || !names[1] || (miss = first_missing(im->kind, h)) < 0)
		return 0;
	for (size_t i = 1; names[i]; i++) {
		struct kam_import_opts o = *im->opts;
		kam_source_rec other;
		kam_source *s;
		kam_err ignored;
		int fits;
		o.sheet = names[i];
		if (!(s = kam_import_open(&o, im->kind, &ignored)))
			continue;
		fits = kam_source_next(s, &other, &ignored) == 1 && first_missing(im->kind, &other) < 0;
		kam_source_close(s);
		if (fits)
			return kam_errf(e, "%s: sheet %s has no column %s; sheet %s has them: --sheet %s", im->src->name,
					names[0], im->kind->cols[miss].zh_label, names[i], names[i]);
	}
	return 0;
}

int row_errf(const struct import_run *im, long line, long column, const char *field, kam_err *e,
	     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kam_verrf(e, fmt, ap);
	va_end(ap);
	kam_err_at(e, im->src->name, line, field);
	if (e)
		e->where.column = column;
	return ROW_BAD;
}

/* The rule's fields for the row: 0, or a refusal / failure as a row function returns. */
int import_apply_rule(struct import_run *im, const kam_source_rec *r, const struct kam_rule_field *in, int nin,
		      struct kam_rule_field *out, int nout, kam_err *e)
{
	int rc = im->opts->rule->apply(im->opts->rule->arg, im->kind->name, in, nin, out, nout, e);
	if (rc < 0)
		return ROW_FATAL;
	if (rc > 0) {
		char *why = strdup(e->msg), *col = strdup(e->where.field[0] ? e->where.field : "code");
		if (!why || !col) {
			free(why);
			free(col);
			kam_errf(e, "out of memory");
			return ROW_FATAL;
		}
		rc = row_errf(im, r->line, 0, col, e, "%s", why);
		free(why);
		free(col);
		return rc;
	}
	return ROW_OK;
}

int import_parse_row(const struct import_run *im, const kam_source_rec *r, kam_value *val,
		     int *present, kam_err *e)
{
	const struct kam_kind *k = im->kind;
	int origin = strcmp(im->src->format, "csv") == 0 ? KAM_FROM_CSV :
		     strcmp(im->src->format, "json") == 0 ? KAM_FROM_JSON : KAM_FROM_SHEET;
	if (r->error) {
		for (int c = 0; c < k->ncols; c++)
			present[c] = 0, val[c].kind = KAM_V_NULL;
		/* error_line 0: the reason names its own place in the file (a sheet's cell). */
		return row_errf(im, r->error_line, r->error_col, r->error_field, e, "%s", r->error);
	}
	for (int c = 0; c < k->ncols; c++) {
		int i = im->col_of[c];
		const struct kam_column *col = &k->cols[c];
		if (i < 0 || (size_t)i >= r->n || !r->f[i]) {
			present[c] = 0;
			val[c].kind = KAM_V_NULL;
			if (i < 0 || !col->required)
				continue;
			/* A required value that is not there at all (a JSON key left out) is not an
			 * empty cell to store as zero: the row is bad, naming the field. */
			if (r->cell_line)
				return row_errf(im, r->cell_line[i], r->cell_col[i], col->name, e,
						"key '%s' is missing (%s needs it)", col->name, k->name);
			return row_errf(im, r->line, 0, col->name, e,
					"column '%s' is missing (the row has %zu fields, the header %d)", col->name,
					r->n, im->ncells);
		}
		present[c] = 1;
		if (kam_cell_parse_from(col, r->f[i], r->len[i],
					origin, &val[c], e) < 0) {
			kam_err_prefix(e, "%s '%s'", r->cell_line ? "key" : "column", col->name);
			kam_err_at(e, im->src->name, r->cell_line ? r->cell_line[i] : r->line, col->name);
			e->where.column = r->cell_line ? r->cell_col[i] : 0;
			return -1;
		}
	}
	/* A row shorter or longer than the header is misaligned: its cells may sit under the
	 * wrong columns, and a missing one would read as "no". */
	if (r->n != (size_t)im->ncells && !r->cell_line)
		return row_errf(im, r->line, 0, NULL, e, "%zu fields, the header has %d", r->n, im->ncells);
	return 0;
}

void import_bad_row(struct import_run *im, const kam_source_rec *r, const kam_err *why, int print)
{
	im->st->errors++;
	if (print && im->opts->on_error && im->nmsgs < MAX_KEPT_MSGS) {
		struct kept_msg *k;
		const char *file = why->where.file[0] ? why->where.file : im->src->name;
		long line = why->where.line;
		int n;
		if (!im->msgs && !(im->msgs = calloc(MAX_KEPT_MSGS, sizeof *im->msgs)))
			goto rejects;
		k = &im->msgs[im->nmsgs];
		k->line = r->line;
		if (line && why->where.column)
			n = asprintf(&k->msg, "%s:%ld:%ld: %s", file, line, why->where.column, why->msg);
		else if (line)
			n = asprintf(&k->msg, "%s:%ld: %s", file, line, why->msg);
		else
			n = asprintf(&k->msg, "%s: %s", file, why->msg);
		if (n >= 0 && !(k->reason = strdup(why->msg))) {
			free(k->msg);
			n = -1;
		}
		if (n >= 0) {
			k->at_line = line;
			k->at_col = why->where.column;
			snprintf(k->field, sizeof k->field, "%s", why->where.field);
			im->nmsgs++;
		}
	}
rejects:
	if (im->rejects.f) {
		/* The reason without the place: the reject file is a new file. */
		rejects_row(&im->rejects, r, (size_t)im->ncells, why->msg);
		im->st->rejected++;
	}
}

static int log_import(struct import_run *im, kam_err *e)
{
	char at[32];
	time_t t = time(NULL);
	struct kam_import_record r = {
		im->kind->name, im->opts->path, im->st->format, im->st->encoding,
		im->st->rows, im->st->inserted, im->st->updated, im->st->unchanged, im->st->rejected,
		im->st->replaced[0] ? im->st->replaced : NULL, im->opts->user, at,
	};
	int64_t id;
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (kam_imports_log(im->db, &r, &id, e) < 0)
		return -1;
	im->st->import_id = id;
	return 0;
}

/* Store the rows of one batch; ROW_FATAL stops the import. */
static int store_batch(struct import_run *im, struct pipe *p, struct batch *b, kam_err *e)
{
	char *cells[MAX_CELLS];
	size_t lens[MAX_CELLS];
	kam_source_rec rec;
	kam_err rowerr;

	if (im->ops->store)
		return im->ops->store(im, p, b, e);
	for (int i = 0; i < b->n; i++) {
		int rc;
		im->st->rows++;
		memcpy(im->present, b->rows[i].present, sizeof im->present);
		if (pipe_row(p, b, &b->rows[i], im->val, &rec, cells, lens, &rowerr)) {
			import_bad_row(im, &rec, &rowerr, 1);
			continue;
		}
		rc = im->ops->row(im, &rec, &rowerr);
		if (rc == ROW_FATAL) {
			*e = rowerr;
			return ROW_FATAL;
		}
		if (rc == ROW_BAD || rc == ROW_BAD_QUIET)
			import_bad_row(im, &rec, &rowerr, rc == ROW_BAD);
	}
	return ROW_OK;
}

static int by_line(const void *a, const void *b)
{
	const struct kept_msg *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

/* Report the kept messages in line order (report = 0: drop them). */
static void flush_msgs(struct import_run *im, int report)
{
	if (report && im->nmsgs)
		qsort(im->msgs, im->nmsgs, sizeof *im->msgs, by_line);
	for (size_t i = 0; i < im->nmsgs; i++) {
		struct kept_msg *k = &im->msgs[i];
		if (report) {
			kam_err why;
			kam_errf(&why, "%s", k->reason);
			kam_err_at(&why, im->src->name, k->at_line, k->field[0] ? k->field : NULL);
			why.where.column = k->at_col;
			im->opts->on_error(im->opts->arg, k->msg, &why);
		}
		free(k->msg);
		free(k->reason);
	}
	im->nmsgs = 0;
}

/* The header: read, mapped to the kind's columns, copied to the reject file; 1 when the
 * source asks to start over (encoding found late). */
static int read_header(struct import_run *im, kam_err *e)
{
	kam_source_rec r;
	int rc = kam_source_next(im->src, &r, e);
	if (rc == 0) {
		kam_errf(e, "%s: the file is empty", im->src->name);
		kam_err_at(e, im->src->name, 0, NULL);
		return -1;
	}
	if (rc < 0 || rc == KAM_SOURCE_RESTART)
		return rc < 0 ? -1 : 1;
	im->ncells = (int)r.n;
	im->append = im->opts->append;
	if (wrong_sheet(im, &r, e) < 0 || map_header(im, &r, e) < 0)
		return -1;
	if (im->rejects.f) {
		/* The header again, plus the reason column. */
		rejects_row(&im->rejects, &r, r.n, REASON_COLUMN);
	}
	return 0;
}

/* Every batch the reading thread hands over, stored in turn: PIPE_END, PIPE_ERROR (e
 * says why) or PIPE_RESTART. */
static int store_all(struct import_run *im, kam_err *e)
{
	struct pipe p;
	struct batch *b;
	int rc, end = PIPE_MORE;

	if (pipe_start(&p, im, e) < 0)
		return PIPE_ERROR;
	im->pipe = &p;
	while (end == PIPE_MORE && (b = pipe_next(&p))) {
		if (kam_interrupted()) { /* Ctrl-C: stop reading; the caller says so */
			pipe_done(&p, b);
			kam_errf(e, "interrupted");
			e->interrupted = 1;
			end = PIPE_ERROR;
			break;
		}
		rc = store_batch(im, &p, b, e);
		end = b->end;
		if (end == PIPE_ERROR)
			*e = b->err;
		pipe_done(&p, b);
		if (rc == ROW_FATAL) {
			end = PIPE_ERROR;
			break;
		}
		if (im->tick)
			im->tick(im);
	}
	im->read = pipe_offset(&p);
	im->pipe = NULL;
	pipe_finish(&p);
	return end;
}

/* One pass over the source in the import's transaction (left open for the caller to
 * commit; rolled back on failure); 1 when the source asks to start over. */
static int run_pass(struct import_run *im, kam_err *e)
{
	int rc, end;

	if ((rc = read_header(im, e)) != 0)
		return rc;
	if (im->ops->checks_itself && !im->relaxed) {
		if (kam_imports_relax_checks(im->db, 1, e) < 0)
			return -1;
		im->relaxed = 1;
	}
	im->started = now();
	im->shown = 0;
	im->pipe = NULL;
	im->read = 0;
	im->tick = im->opts->progress ? tick : NULL;
	if (im->tick)
		progress(im, 0);
	if (kam_imports_begin(im->db, e) < 0)
		return -1;
	if (im->ops->begin(im, e) < 0)
		goto fail;
	end = store_all(im, e);
	if (end == PIPE_RESTART) {
		if (im->tick)
			progress(im, 1);
		im->ops->end(im);
		kam_imports_rollback(im->db);
		return 1;
	}
	if (end == PIPE_ERROR)
		goto fail;
	if (im->st->rows == 0) {
		kam_errf(e, "%s: the file holds no rows (only a header)", im->src->name);
		kam_err_at(e, im->src->name, 0, NULL);
		goto fail;
	}
	if (im->ops->finish && im->ops->finish(im, e) < 0)
		goto fail;
	if (im->tick)
		progress(im, 1);
	im->ops->end(im);
	return 0;
fail:
	if (im->tick)
		progress(im, 1);
	im->ops->end(im);
	kam_imports_rollback(im->db);
	return -1;
}

/* A masked export (masked_file.h) is refused before any row is read: its "***" cells hide
 * values, and loaded they would overwrite them.  Only a regular file can be looked at
 * ahead (what is read from a pipe is gone); from standard input or a pipe the '***' check
 * of each cell stands alone. */
static int refuse_masked(const char *path, kam_err *e)
{
	char head[512], *p, *end, *q;
	static const char key[] = "\"" KAM_MASKED_JSON_KEY "\"";
	struct stat sb;
	ssize_t n;
	int fd;
	/* Asked before opening: even an open and close of a FIFO would disturb its writer. */
	if (strcmp(path, "-") == 0 || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;   /* the source says what is wrong with a file it cannot open */
	n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n <= 0)
		return 0;
	head[n] = '\0';
	p = head;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (strncmp(p, KAM_MASKED_CSV, sizeof KAM_MASKED_CSV - 1) == 0) {
		end = p + strcspn(p, "\r\n");
		kam_errf(e, "%s:1: the file is a masked export (its first line: '%.*s'): its *** cells hide values, "
			    "so it is never imported; nothing was read or changed (export again as a user who may read "
			    "them)", path, (int)(end - p), p);
		kam_err_at(e, path, 1, NULL);
		return -1;
	}
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p != '{')
		return 0;
	for (q = p + 1; *q && isspace((unsigned char)*q); q++)
		;
	if (strncmp(q, key, sizeof key - 1) != 0)
		return 0;
	kam_errf(e, "%s: the file is a masked export (its field '" KAM_MASKED_JSON_KEY "'): its *** cells hide "
		    "values, so it is never imported; nothing was read or changed (export again as a user who may "
		    "read them)", path);
	kam_err_at(e, path, 1, KAM_MASKED_JSON_KEY);
	return -1;
}

int kam_import(kam_db *db, const struct kam_import_opts *o, struct kam_import_stats *st, kam_err *e)
{
	struct import_run im = {0};
	double t0 = now();
	int rc, commit;

	memset(st, 0, sizeof *st);
	im.db = db;
	im.opts = o;
	im.st = st;
	im.kind = kam_kind_find(o->kind);
	if (!im.kind)
		return kam_usagef(e, "unknown kind '%s' (customers, ledger, bureau_revenue)", o->kind);
	im.ops = import_ops_for(im.kind);
	if (!im.ops)
		return kam_usagef(e, "importing %s is not supported yet", o->kind);
	if (refuse_masked(o->path, e) < 0 || !(im.src = kam_import_open(o, im.kind, e)))
		return -1;
	for (int attempt = 0;; attempt++) {
		if (o->reject_path && !o->dry_run && rejects_open(&im.rejects, o->reject_path, e) < 0) {
			rejects_finish(&im.rejects, 0, NULL);
			kam_source_close(im.src);
			return -1;
		}
		rc = run_pass(&im, e);
		if (rc != 1 || attempt > 0)
			break;
		/* The file turned out not to be UTF-8 past the first megabyte: read it again. */
		flush_msgs(&im, 0);
		rejects_finish(&im.rejects, 0, NULL);
		memset(st, 0, sizeof *st);
	}
	flush_msgs(&im, 1);
	free(im.msgs);
	snprintf(st->format, sizeof st->format, "%s", im.src->format);
	snprintf(st->encoding, sizeof st->encoding, "%s", im.src->encoding ? im.src->encoding : "");
	if (rc == 1)
		rc = kam_errf(e, "%s: the encoding changed twice while reading", o->path);
	if (rc == 0 && st->errors && !o->reject_path) {
		kam_errf(e, "%s: %ld bad row%s; nothing was imported (--reject-file F loads the good rows)",
			 o->path, st->errors, st->errors == 1 ? "" : "s");
		kam_err_at(e, o->path, 0, NULL);
		rc = -1;
	}
	if (rc == 0 && kam_interrupted())
		rc = kam_errf(e, "interrupted"); /* after the last row, before the commit */
	commit = rc == 0 && !o->dry_run;
	/* The reject file is complete on disk before the rows it leaves out are committed. */
	if (commit && rejects_close(&im.rejects, e) < 0)
		rc = -1, commit = 0;
	if (commit && (log_import(&im, e) < 0 || kam_imports_commit(db, e) < 0))
		rc = -1, commit = 0;
	if (!commit)
		kam_imports_rollback(db);  /* a failure, or a dry run: everything checked, nothing kept */
	if (im.relaxed && kam_imports_relax_checks(db, 0, rc < 0 ? NULL : e) < 0 && rc == 0) {
		/* The rows are in; the connection must not go on without its checks. */
		kam_err_prefix(e, "the rows were imported, but the connection's checks are not restored");
		rc = -1;
	}
	if (rejects_finish(&im.rejects, commit, e) < 0) {
		kam_err_prefix(e, "the rows were imported, but the reject file was not written");
		rc = -1;
	}
	kam_source_close(im.src);
	st->seconds = now() - t0;
	return rc;
}
