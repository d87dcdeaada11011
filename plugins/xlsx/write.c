/* write.c: the xlsx plugin's writer (part of xlsx_io.so; see xlsx_io.h), with libxlsxwriter in
 * constant-memory mode: each row goes to a temporary file beside the output as it comes,
 * so an export of a million rows takes no more memory than one of ten. */

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "xlsx_io.h"

/* Numbers at or past this are written as text: the reader shows a whole number of 12 or
 * more digits in Excel's E+ form (so that codes typed into number cells are refused),
 * and text brings any amount back to the fen. */
#define XLSX_NUMBER_LIMIT 1e11
/* Excel's longest cell text, in characters. */
#define XLSX_MAX_TEXT 32767
#define XLSX_MIN_WIDTH 6
#define XLSX_MAX_WIDTH 50

struct xwriter {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money;
	char *tmpdir;
	size_t n;                   /* columns */
	int *types;                 /* KAM_PLUGIN_CELL_* */
	char **names;
	unsigned *width;            /* the widest cell of each column, in display columns */
	lxw_row_t row;              /* the next row to write */
	char *escaped;              /* the cell being written, see cell_text() */
	size_t escaped_cap;
	locale_t cloc;              /* numbers in and out with '.', whatever kam's locale */
};

/* "what: libxlsxwriter's message", made to read like kam's (lowercase, no final period). */
static int lxw_fail(lxw_error rc, char *err, size_t err_size, const char *what)
{
	size_t o = (size_t)snprintf(err, err_size, "%s: ", what), n;
	if (o >= err_size)
		return -1;
	snprintf(err + o, err_size - o, "%s", lxw_strerror(rc));
	if (err[o] >= 'A' && err[o] <= 'Z' && !(err[o + 1] >= 'A' && err[o + 1] <= 'Z'))
		err[o] = (char)(err[o] - 'A' + 'a');
	n = strlen(err);
	if (n && err[n - 1] == '.')
		err[n - 1] = '\0';
	return -1;
}

/* Display columns of UTF-8 text: kam's own width rule (kam_host_api.text_width,
 * utf8proc's tables), so that a column of Chinese names is as wide as it looks. */
static unsigned text_width(const char *s, size_t n)
{
	long w = xlsx_host->text_width(s, n, NULL);
	if (w < 0)                  /* not UTF-8: a column as wide as its bytes */
		return n > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : (unsigned)n;
	return w > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : (unsigned)w;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

static void *xw_open(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size)
{
	struct xwriter *w = calloc(1, sizeof *w);
	lxw_workbook_options opt = {0};
	const char *name = sheet ? sheet : "Sheet1", *slash = strrchr(path, '/');
	lxw_error rc;

	(void)h;
	if (!w) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	/* The temporary rows go beside the output, not to a /tmp that may be in memory. */
	w->tmpdir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	if (!w->tmpdir || !(w->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0)))
		goto oom;
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = w->tmpdir;
	if (!(w->wb = workbook_new_opt(path, &opt)))
		goto oom;
	if ((rc = workbook_validate_sheet_name(w->wb, name)) != LXW_NO_ERROR) {
		snprintf(err, err_size, "sheet name '%s': %s", name, lxw_strerror(rc));
		goto fail;
	}
	if (!(w->ws = workbook_add_worksheet(w->wb, name)) || !(w->bold = workbook_add_format(w->wb)) ||
	    !(w->money = workbook_add_format(w->wb)))
		goto oom;
	format_set_bold(w->bold);
	format_set_num_format(w->money, "0.00");
	return w;
oom:
	snprintf(err, err_size, "out of memory");
fail:
	if (w->wb)
		lxw_workbook_free(w->wb);
	if (w->cloc)
		freelocale(w->cloc);
	free(w->tmpdir);
	free(w);
	return NULL;
}

static int xw_header(void *vw, size_t n, const char *const *names, const int *cell_types, char *err,
		     size_t err_size)
{
	struct xwriter *w = vw;
	lxw_error rc;

	if (n == 0 || n > XLSX_MAX_COLS) {
		snprintf(err, err_size, "%zu columns; a sheet holds 1 to %d", n, XLSX_MAX_COLS);
		return -1;
	}
	w->n = n;
	if (!(w->types = calloc(n, sizeof *w->types)) || !(w->names = calloc(n, sizeof *w->names)) ||
	    !(w->width = calloc(n, sizeof *w->width))) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	for (size_t c = 0; c < n; c++) {
		w->types[c] = cell_types[c];
		if (!(w->names[c] = strdup(names[c]))) {
			snprintf(err, err_size, "out of memory");
			return -1;
		}
		w->width[c] = text_width(names[c], strlen(names[c]));
		if ((rc = worksheet_write_string(w->ws, 0, (lxw_col_t)c, names[c], w->bold)) != LXW_NO_ERROR)
			return lxw_fail(rc, err, err_size, "the header");
	}
	worksheet_freeze_panes(w->ws, 1, 0);
	w->row = 1;
	return 0;
}

/* Cell s[0..n) NUL-terminated (the host's cells need not be), with every literal
 * "_xHHHH_" turned into "_x005F_xHHHH_" as Excel writes it, so that the reader's
 * unescaping gives s back; NULL when out of memory. */
static const char *cell_text(struct xwriter *w, const char *s, size_t n)
{
	size_t hits = 0, o = 0;
	uint32_t cp;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '_' && x_escape(s + i, n - i, &cp))
			hits++;
	if (n + 6 * hits + 1 > w->escaped_cap) {
		char *grown = realloc(w->escaped, n + 6 * hits + 1);
		if (!grown)
			return NULL;
		w->escaped = grown;
		w->escaped_cap = n + 6 * hits + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (hits && s[i] == '_' && x_escape(s + i, n - i, &cp)) {
			memcpy(w->escaped + o, "_x005F", 6);
			o += 6;
		}
		w->escaped[o++] = s[i];
	}
	w->escaped[o] = '\0';
	return w->escaped;
}

/* A whole number or an amount as a double, when it is one and small enough to come back
 * exact; else the cell is written as text. */
static int as_number(const char *s, int type, double *d)
{
	char *end;
	if (type == KAM_PLUGIN_CELL_INTEGER) {
		long long v;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (end == s || *end || errno)
			return 0;
		*d = (double)v;
	} else {
		*d = strtod(s, &end);
		if (end == s || *end)
			return 0;
	}
	return fabs(*d) < XLSX_NUMBER_LIMIT;
}

static int xw_row_c(struct xwriter *w, size_t n, const char *const *cells, const size_t *lens, char *err,
		    size_t err_size)
{
	char where[64];
	lxw_error rc;
	double d;

	if (w->row >= LXW_ROW_MAX) {
		snprintf(err, err_size, "more than %d rows: an XLSX sheet holds %d with the header; export "
			 "part of it (--from/--to) or as CSV", LXW_ROW_MAX - 1, LXW_ROW_MAX);
		return -1;
	}
	for (size_t c = 0; c < n && c < w->n; c++) {
		const char *s;
		lxw_col_t col = (lxw_col_t)c;
		unsigned width;
		if (!cells[c] || !lens[c])
			continue;
		snprintf(where, sizeof where, "row %lu, column '%s'", (unsigned long)w->row + 1, w->names[c]);
		if ((width = text_width(cells[c], lens[c])) > w->width[c])
			w->width[c] = width;
		if (!(s = cell_text(w, cells[c], lens[c]))) {
			snprintf(err, err_size, "out of memory");
			return -1;
		}
		if (w->types[c] != KAM_PLUGIN_CELL_TEXT && as_number(s, w->types[c], &d)) {
			rc = worksheet_write_number(w->ws, w->row, col, d,
						    w->types[c] == KAM_PLUGIN_CELL_MONEY ? w->money : NULL);
		} else if (utf8_chars(cells[c], lens[c]) > XLSX_MAX_TEXT) {
			snprintf(err, err_size, "%s: more than %d characters, which an XLSX cell cannot hold",
				 where, XLSX_MAX_TEXT);
			return -1;
		} else {
			rc = worksheet_write_string(w->ws, w->row, col, s, NULL);
		}
		if (rc != LXW_NO_ERROR)
			return lxw_fail(rc, err, err_size, where);
	}
	w->row++;
	return 0;
}

static int xw_row(void *vw, size_t n, const char *const *cells, const size_t *lens, char *err,
		  size_t err_size)
{
	struct xwriter *w = vw;
	locale_t old = uselocale(w->cloc);
	int rc = xw_row_c(w, n, cells, lens, err, err_size);
	uselocale(old);
	return rc;
}

/* The current sheet's column widths and filter, once its rows are written. */
static int end_sheet(struct xwriter *w, char *err, size_t err_size)
{
	lxw_error rc;

	for (size_t c = 0; c < w->n; c++) {
		unsigned width = w->width[c] < XLSX_MIN_WIDTH ? XLSX_MIN_WIDTH
				 : w->width[c] > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : w->width[c];
		if ((rc = worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c, width + 2, NULL)) != LXW_NO_ERROR)
			return lxw_fail(rc, err, err_size, "column widths");
	}
	if (w->n && (rc = worksheet_autofilter(w->ws, 0, 0, w->row - 1, (lxw_col_t)(w->n - 1))) != LXW_NO_ERROR)
		return lxw_fail(rc, err, err_size, "the filter");
	return 0;
}

static int xw_finish_c(struct xwriter *w, char *err, size_t err_size)
{
	lxw_error rc;

	if (end_sheet(w, err, err_size) < 0)
		return -1;
	/* workbook_close frees the workbook whatever it returns. */
	rc = workbook_close(w->wb);
	w->wb = NULL;
	if (rc != LXW_NO_ERROR)
		return lxw_fail(rc, err, err_size, "cannot write the workbook");
	return 0;
}

static int xw_finish(void *vw, char *err, size_t err_size)
{
	struct xwriter *w = vw;
	locale_t old = uselocale(w->cloc);
	int rc = xw_finish_c(w, err, err_size);
	uselocale(old);
	return rc;
}

static void free_columns(struct xwriter *w);

static void xw_close(void *vw)
{
	struct xwriter *w = vw;
	if (w->wb)
		lxw_workbook_free(w->wb);  /* a failed export: nothing is written */
	free_columns(w);
	free(w->escaped);
	free(w->tmpdir);
	if (w->cloc)
		freelocale(w->cloc);
	free(w);
}

static void free_columns(struct xwriter *w)
{
	if (w->names)
		for (size_t c = 0; c < w->n; c++)
			free(w->names[c]);
	free(w->names);
	free(w->types);
	free(w->width);
	w->names = NULL;
	w->types = NULL;
	w->width = NULL;
	w->n = 0;
}

/* Another sheet after the current one (constant-memory mode writes sheets one after
 * another): the current one gets its widths and filter, the new one a header next. */
int xlsx_writer_sheet(void *vw, const char *name, char *err, size_t err_size)
{
	struct xwriter *w = vw;
	locale_t old = uselocale(w->cloc);
	lxw_error rc;
	int r = end_sheet(w, err, err_size);
	uselocale(old);
	if (r < 0)
		return -1;
	free_columns(w);
	w->row = 0;
	if ((rc = workbook_validate_sheet_name(w->wb, name)) != LXW_NO_ERROR) {
		snprintf(err, err_size, "sheet name '%s': %s", name, lxw_strerror(rc));
		return -1;
	}
	if (!(w->ws = workbook_add_worksheet(w->wb, name))) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	return 0;
}

const kam_plugin_writer xlsx_writer = {"xlsx", xw_open, xw_header, xw_row, xw_finish, xw_close};
