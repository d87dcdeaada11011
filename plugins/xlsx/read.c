/* read.c: the xlsx plugin's reader (part of xlsx_io.so; see xlsx_io.h).
 *
 * XLSX files for `kam import` and `kam export`.
 *
 * Reading: libzip opens the container; expat reads xl/workbook.xml (sheet names and
 * their relationship ids), xl/_rels/workbook.xml.rels (where each sheet's part is), the
 * shared strings (rich-text runs joined, phonetic guides left out, _xHHHH_ escapes
 * undone) and then the sheet itself, streamed: the parser stops after each row, so
 * memory stays at one row and the shared strings however long the sheet.  The first
 * sheet is read (the first visible one), or the one --sheet names.  Rows come with the
 * sheet's row numbers; a row without a value is skipped; cells a row leaves out are
 * empty; the first row with a value is the header, and shorter rows are padded to it.
 * Every part is refused past 2 GiB uncompressed, counted as it is read.
 *
 * Cells become text: shared and inline strings and formula results as they are;
 * booleans TRUE or FALSE (which kam's yes/no columns take); an error value (#REF!,
 * #DIV/0!) makes its row a bad row naming the sheet and cell ("sheet 收入, cell D7:
 * #REF!"), and the import goes on (a reject file gets the row).  A number is rounded to
 * 15 significant digits -- Excel's precision, what the cell shows -- and written plainly
 * without trailing zeros (12345.599999999999 is 12345.6, 0.1+0.2 is 0.3, 17.0 is 17); a
 * whole number below 10^15 with every digit (a code typed into a number cell is that
 * code, exactly); one of 16 digits or more in E form, for the code check to refuse
 * (number_text).  Dates are numbers too: one whose cell format shows a date
 * (xl/styles.xml, xlsx_styles.h) comes as "2025-03-01", which a month column reads as its
 * month; any other stays a number.
 *
 * Writing (write.c): one sheet, named after what it holds (客户, 收入台账, 等级), the header bold, frozen and filtered;
 * text columns as strings (codes stay text), counts and amounts as numbers, amounts
 * with the format 0.00; a number of 1e11 or more is written as text so that it comes
 * back exactly.  More rows than a sheet holds (1,048,575 under the header) are refused
 * rather than split over sheets that an import would not read. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xlsx_io.h"

#define WORKBOOK "xl/workbook.xml"
#define WORKBOOK_RELS "xl/_rels/workbook.xml.rels"
/* One cell's text and one row's, as a guard against a file built to exhaust memory;
 * Excel itself stops at 32,767 characters a cell. */
#define XLSX_MAX_CELL (16u << 20)
#define XLSX_MAX_ROW (256u << 20)
#define NONE ((size_t)-1)

/* ---- xl/workbook.xml and its relationships ---- */

struct sheet_ref {
	char *name, *rid;
	int hidden;
};

struct rel {
	char *id, *type, *target;
};

struct book {
	struct xml_ctx x;           /* first: the parser's user data */
	struct sheet_ref *sheets;
	size_t nsheets, scap;
	struct rel *rels;
	size_t nrels, rcap;
	int in_sheets;
	int date1904;               /* dates count from 1904-01-01 (old Mac Excel) */
};

static int grow(void **a, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 8;
	void *g = realloc(*a, c * size);
	if (!g)
		return -1;
	*a = g;
	*cap = c;
	return 0;
}

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct book *b = ud;
	const char *el = xml_local(name);
	if (strcmp(el, "sheets") == 0) {
		b->in_sheets = 1;
	} else if (strcmp(el, "workbookPr") == 0) {
		const char *d = xml_attr(atts, "date1904", 0);
		b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (b->in_sheets && strcmp(el, "sheet") == 0) {
		const char *sname = xml_attr(atts, "name", 0), *rid = xml_attr(atts, "id", 1);
		const char *state = xml_attr(atts, "state", 0);
		struct sheet_ref *s;
		if (!sname || !rid) {
			xml_fail(&b->x, "%s: a sheet without a name or r:id", b->x.part);
			return;
		}
		if (grow((void **)&b->sheets, &b->scap, b->nsheets, sizeof *b->sheets) < 0)
			goto oom;
		s = &b->sheets[b->nsheets];
		s->name = strdup(sname);
		s->rid = strdup(rid);
		s->hidden = state && strcmp(state, "visible") != 0;
		b->nsheets++;
		if (!s->name || !s->rid)
			goto oom;
	}
	return;
oom:
	xml_fail(&b->x, "%s: out of memory", b->x.part);
}

static void XMLCALL book_end(void *ud, const XML_Char *name)
{
	struct book *b = ud;
	if (strcmp(xml_local(name), "sheets") == 0)
		b->in_sheets = 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct book *b = ud;
	const char *id, *type, *target, *mode;
	struct rel *r;
	if (strcmp(xml_local(name), "Relationship") != 0)
		return;
	id = xml_attr(atts, "Id", 0);
	type = xml_attr(atts, "Type", 0);
	target = xml_attr(atts, "Target", 0);
	mode = xml_attr(atts, "TargetMode", 0);
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (grow((void **)&b->rels, &b->rcap, b->nrels, sizeof *b->rels) < 0)
		goto oom;
	r = &b->rels[b->nrels++];
	r->id = strdup(id);
	r->type = strdup(type);
	r->target = strdup(target);
	if (!r->id || !r->type || !r->target)
		goto oom;
	return;
oom:
	xml_fail(&b->x, "%s: out of memory", b->x.part);
}

static void book_free(struct book *b)
{
	for (size_t i = 0; i < b->nsheets; i++) {
		free(b->sheets[i].name);
		free(b->sheets[i].rid);
	}
	for (size_t i = 0; i < b->nrels; i++) {
		free(b->rels[i].id);
		free(b->rels[i].type);
		free(b->rels[i].target);
	}
	free(b->sheets);
	free(b->rels);
	xml_free(&b->x);
}

/* Parse a small part with the handlers; 1, 0 when it is missing, -1 on an error. */
static int book_parse(struct book *b, zip_t *z, const char *part, XML_StartElementHandler start,
		      XML_EndElementHandler end, char *err, size_t err_size)
{
	struct zentry ze;
	int rc = zentry_open(z, part, XLSX_MAX_SMALL_PART, &ze, err, err_size);
	if (rc <= 0)
		return rc;
	if (xml_new(&b->x, part, err, err_size) < 0) {
		zentry_close(&ze, NULL, 0);
		return -1;
	}
	XML_SetElementHandler(b->x.p, start, end);
	rc = xml_parse_part(&b->x, &ze) < 0 ? -1 : 1;
	if (zentry_close(&ze, err, err_size) < 0)
		rc = -1;
	xml_free(&b->x);
	return rc;
}

static const struct rel *book_rel(const struct book *b, const char *id)
{
	for (size_t i = 0; i < b->nrels; i++)
		if (strcmp(b->rels[i].id, id) == 0)
			return &b->rels[i];
	return NULL;
}

static int type_is(const struct rel *r, const char *kind)
{
	const char *slash = strrchr(r->type, '/');
	return slash && strcmp(slash + 1, kind) == 0;
}

/* The zip entry of a target relative to xl/ ("worksheets/sheet1.xml") or absolute
 * ("/xl/worksheets/sheet1.xml"), with "." and ".." resolved. */
static char *part_path(const char *target)
{
	size_t n = strlen(target) + 4, o = 0;
	char *out = malloc(n);
	const char *p = target;
	if (!out)
		return NULL;
	if (*p == '/')
		p++;
	else
		o = (size_t)snprintf(out, n, "xl/");
	while (*p) {
		size_t seg = strcspn(p, "/");
		if (seg == 2 && p[0] == '.' && p[1] == '.') {
			if (o)
				o--;
			while (o && out[o - 1] != '/')
				o--;
		} else if (seg && !(seg == 1 && p[0] == '.')) {
			memcpy(out + o, p, seg);
			o += seg;
			if (p[seg])
				out[o++] = '/';
		}
		p += seg + (p[seg] == '/');
	}
	out[o] = '\0';
	return out;
}

/* ---- the reader ---- */

struct xreader {
	struct xml_ctx x;           /* first: the sheet parser's user data */
	zip_t *z;
	struct zentry sheet;
	char *sheet_name, *sheet_part;
	char **visible;             /* without --sheet: the visible worksheets, the one read first */
	struct sst sst;
	struct styles styles;
	int date1904;
	locale_t cloc;
	int broken;                 /* an error was reported; every later call fails */

	/* where the parser is */
	int in_data, in_row, in_cell, in_v, in_is, in_t, rph;
	char ctype;                 /* 'n' number, 's' shared, 'i' inline, 'S' formula string,
				       'b' boolean, 'e' error, 'd' ISO date */
	int cdate;                  /* a number cell whose format shows a date */
	long row, last_row, col, next_col;
	char *cur;                  /* the cell's text as in the XML */
	size_t cur_len, cur_cap;

	/* the row being built: cell c is text + off[c] (NONE when empty) */
	char *text;
	size_t text_len, text_cap;
	size_t *off, *len;
	size_t n, slots;
	int row_ready, suspended, fed_final, done;

	/* what next() hands out */
	char **cells;
	size_t *lens, cells_cap;
	size_t header_n;
	int have_header;
	char row_error[256];        /* the row's first error cell, "sheet 收入, cell D7: #REF!" */
};

static int reserve(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	char *g;
	while (c < need)
		c *= 2;
	if (!(g = realloc(*buf, c)))
		return -1;
	*buf = g;
	*cap = c;
	return 0;
}

static void row_start(struct xreader *r, const XML_Char **atts)
{
	const char *rs = xml_attr(atts, "r", 0);
	long rn = r->last_row + 1;
	if (rs) {
		char *end;
		rn = strtol(rs, &end, 10);
		if (end == rs || *end || rn < 1 || rn > 0x7fffffffL) {
			xml_fail(&r->x, "sheet '%s': bad row number '%s'", r->sheet_name, rs);
			return;
		}
	}
	r->row = r->last_row = rn;
	r->in_row = 1;
	r->row_error[0] = '\0';
	r->n = 0;
	r->text_len = 0;
	r->next_col = 0;
}

static void cell_start(struct xreader *r, const XML_Char **atts)
{
	const char *ref = xml_attr(atts, "r", 0), *t = xml_attr(atts, "t", 0);
	long col = r->next_col;
	char where[32];
	if (ref && (col = ref_col(ref)) < 0) {
		xml_fail(&r->x, "sheet '%s', row %ld: bad cell reference '%s'", r->sheet_name, r->row, ref);
		return;
	}
	if (col >= XLSX_MAX_COLS) {
		xml_fail(&r->x, "sheet '%s', row %ld: a cell past column XFD", r->sheet_name, r->row);
		return;
	}
	r->col = col;
	r->next_col = col + 1;
	if (!t || strcmp(t, "n") == 0)
		r->ctype = 'n';
	else if (strcmp(t, "s") == 0)
		r->ctype = 's';
	else if (strcmp(t, "inlineStr") == 0)
		r->ctype = 'i';
	else if (strcmp(t, "str") == 0)
		r->ctype = 'S';
	else if (strcmp(t, "b") == 0)
		r->ctype = 'b';
	else if (strcmp(t, "e") == 0)
		r->ctype = 'e';
	else if (strcmp(t, "d") == 0)
		r->ctype = 'd';
	else {
		xml_fail(&r->x, "sheet '%s', cell %s: unknown cell type '%s'", r->sheet_name,
			 cell_name(col, r->row, where), t);
		return;
	}
	r->cdate = r->ctype == 'n' && styles_is_date(&r->styles, xml_attr(atts, "s", 0));
	r->in_cell = 1;
	r->in_v = r->in_is = r->in_t = r->rph = 0;
	r->cur_len = 0;
}

/* Put s[0..n) in the row as column col. */
static void cell_store(struct xreader *r, const char *s, size_t n)
{
	size_t col = (size_t)r->col;
	if (col >= r->slots) {
		size_t slots = r->slots ? r->slots : 16;
		size_t *off, *len;
		while (slots <= col)
			slots *= 2;
		if (!(off = realloc(r->off, slots * sizeof *off)))
			goto oom;
		r->off = off;
		if (!(len = realloc(r->len, slots * sizeof *len)))
			goto oom;
		r->len = len;
		r->slots = slots;
	}
	if (r->text_len + n + 1 > XLSX_MAX_ROW) {
		xml_fail(&r->x, "sheet '%s', row %ld: more than %u MiB of text", r->sheet_name, r->row,
			 XLSX_MAX_ROW >> 20);
		return;
	}
	if (reserve(&r->text, &r->text_cap, r->text_len + n + 1) < 0)
		goto oom;
	for (; r->n <= col; r->n++)
		r->off[r->n] = NONE;
	memcpy(r->text + r->text_len, s, n);
	r->text[r->text_len + n] = '\0';
	r->off[col] = r->text_len;
	r->len[col] = n;
	r->text_len += n + 1;
	return;
oom:
	xml_fail(&r->x, "out of memory");
}

static void cell_end(struct xreader *r)
{
	const char *s = r->cur;
	size_t n = r->cur_len;
	char num[48], where[32];
	r->in_cell = r->in_v = r->in_is = r->in_t = r->rph = 0;
	if (n == 0)
		return;
	switch (r->ctype) {
	case 's': {
		char *end;
		unsigned long i = strtoul(r->cur, &end, 10);
		if (end == r->cur || *end || i >= r->sst.n) {
			xml_fail(&r->x, "sheet '%s', cell %s: shared string '%s' does not exist (the file has %zu)",
				 r->sheet_name, cell_name(r->col, r->row, where), r->cur, r->sst.n);
			return;
		}
		s = sst_get(&r->sst, i, &n);
		break;
	}
	case 'i':
	case 'S':
	case 'd':
		n = x_unescape(r->cur, n);
		break;
	case 'b':
		if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0)
			s = "TRUE", n = 4;
		else if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0)
			s = "FALSE", n = 5;
		break;
	case 'e':
		/* An error value (#REF!, #DIV/0!): the row is bad, the file goes on.  The cell keeps
		 * its text for the reject file; the first error of the row is its reason. */
		if (!r->row_error[0])
			snprintf(r->row_error, sizeof r->row_error, "sheet %s, cell %s: %s", r->sheet_name,
				 cell_name(r->col, r->row, where), r->cur);
		break;
	default:
		if (!r->cdate || !(s = date_text(r->cur, r->date1904, num, &n)))
			s = number_text(r->cur, r->cur_len, num, &n);
	}
	if (n)
		cell_store(r, s, n);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xreader *r = ud;
	const char *el = xml_local(name);
	if (!r->in_data) {
		r->in_data = strcmp(el, "sheetData") == 0;
		return;
	}
	if (r->in_cell) {
		if (strcmp(el, "v") == 0)
			r->in_v = 1;
		else if (strcmp(el, "is") == 0)
			r->in_is = 1;
		else if (r->in_is && strcmp(el, "rPh") == 0)
			r->rph++;
		else if (r->in_is && strcmp(el, "t") == 0)
			r->in_t++;
	} else if (strcmp(el, "row") == 0) {
		row_start(r, atts);
	} else if (r->in_row && strcmp(el, "c") == 0) {
		cell_start(r, atts);
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xreader *r = ud;
	const char *el = xml_local(name);
	if (!r->in_data)
		return;
	if (r->in_cell) {
		if (strcmp(el, "v") == 0)
			r->in_v = 0;
		else if (strcmp(el, "is") == 0)
			r->in_is = 0;
		else if (strcmp(el, "rPh") == 0 && r->rph > 0)
			r->rph--;
		else if (strcmp(el, "t") == 0 && r->in_t > 0)
			r->in_t--;
		else if (strcmp(el, "c") == 0)
			cell_end(r);
	} else if (strcmp(el, "row") == 0 && r->in_row) {
		r->in_row = 0;
		r->row_ready = 1;
		/* Hand the row out; the next call resumes.  Going on instead would lose it. */
		if (XML_StopParser(r->x.p, XML_TRUE) != XML_STATUS_OK)
			xml_fail(&r->x, "%s: cannot pause the XML parser (%s)", r->sheet_part,
				 XML_ErrorString(XML_GetErrorCode(r->x.p)));
	} else if (strcmp(el, "sheetData") == 0) {
		r->in_data = 0;
	}
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int len)
{
	struct xreader *r = ud;
	char where[32];
	if (!r->in_cell || len <= 0 || !(r->in_v || (r->in_is && r->in_t && !r->rph)))
		return;
	if (r->cur_len + (size_t)len + 1 > XLSX_MAX_CELL) {
		xml_fail(&r->x, "sheet '%s', cell %s: more than %u MiB of text", r->sheet_name,
			 cell_name(r->col, r->row, where), XLSX_MAX_CELL >> 20);
		return;
	}
	if (reserve(&r->cur, &r->cur_cap, r->cur_len + (size_t)len + 1) < 0) {
		xml_fail(&r->x, "out of memory");
		return;
	}
	memcpy(r->cur + r->cur_len, s, (size_t)len);
	r->cur_len += (size_t)len;
	r->cur[r->cur_len] = '\0';
}

/* Run the sheet's parser to the end of the next row: 1, 0 at the end, -1 on an error. */
static int pump(struct xreader *r)
{
	r->row_ready = 0;
	while (!r->done) {
		enum XML_Status st;
		if (r->suspended) {
			r->suspended = 0;
			st = XML_ResumeParser(r->x.p);
		} else {
			void *buf = XML_GetBuffer(r->x.p, XLSX_CHUNK);
			zip_int64_t got;
			if (!buf) {
				snprintf(r->x.err, r->x.err_size, "%s: out of memory", r->sheet_part);
				return -1;
			}
			if ((got = zentry_read(&r->sheet, buf, XLSX_CHUNK, r->x.err, r->x.err_size)) < 0)
				return -1;
			r->fed_final = got == 0;
			st = XML_ParseBuffer(r->x.p, (int)got, r->fed_final);
		}
		if (st == XML_STATUS_ERROR || r->x.failed)
			return xml_error(&r->x);
		if (st == XML_STATUS_SUSPENDED) {
			r->suspended = 1;
			return 1;
		}
		if (r->fed_final)
			r->done = 1;
		if (r->row_ready)
			return 1;
	}
	return zentry_close(&r->sheet, r->x.err, r->x.err_size);
}

static int xr_next(void *vr, size_t *n, char ***cells, size_t **lens, long *row, char *err, size_t err_size)
{
	struct xreader *r = vr;
	locale_t old;
	int rc;

	if (r->broken) {
		snprintf(err, err_size, "the file cannot be read any further");
		return -1;
	}
	r->x.err = err;
	r->x.err_size = err_size;
	/* Numbers are written with '.', whatever locale kam runs under. */
	old = uselocale(r->cloc);
	while ((rc = pump(r)) == 1 && r->n == 0)
		;
	uselocale(old);
	if (rc == 0 && !r->have_header) {
		snprintf(err, err_size, "sheet '%s' is empty", r->sheet_name);
		rc = -1;
	}
	if (rc <= 0) {
		r->broken = rc < 0;
		return rc;
	}
	if (!r->have_header) {
		if (r->row_error[0]) {
			snprintf(err, err_size, "%s; the header cannot hold an error", r->row_error);
			r->broken = 1;
			return -1;
		}
		r->have_header = 1;
		r->header_n = r->n;
	}
	*n = r->n > r->header_n ? r->n : r->header_n;
	if (*n > r->cells_cap) {
		char **c = realloc(r->cells, *n * sizeof *c);
		size_t *l = c ? realloc(r->lens, *n * sizeof *l) : NULL;
		if (c)
			r->cells = c;
		if (l)
			r->lens = l;
		if (!c || !l) {
			snprintf(err, err_size, "out of memory");
			r->broken = 1;
			return -1;
		}
		r->cells_cap = *n;
	}
	for (size_t i = 0; i < *n; i++) {
		int has = i < r->n && r->off[i] != NONE;
		r->cells[i] = has ? r->text + r->off[i] : NULL;
		r->lens[i] = has ? r->len[i] : 0;
	}
	*cells = r->cells;
	*lens = r->lens;
	*row = r->row;
	if (r->row_error[0])  /* a bad row: the host reports it and reads on */
		snprintf(err, err_size, "%s", r->row_error);
	return 1;
}

static void xr_close(void *vr)
{
	struct xreader *r = vr;
	zentry_close(&r->sheet, NULL, 0);
	xml_free(&r->x);
	sst_free(&r->sst);
	styles_free(&r->styles);
	if (r->z)
		zip_discard(r->z);
	if (r->cloc)
		freelocale(r->cloc);
	free(r->sheet_name);
	free(r->sheet_part);
	for (size_t i = 0; r->visible && r->visible[i]; i++)
		free(r->visible[i]);
	free(r->visible);
	free(r->cur);
	free(r->text);
	free(r->off);
	free(r->len);
	free(r->cells);
	free(r->lens);
	free(r);
}

/* The sheet to read: the one named, else the first visible worksheet. */
static const struct sheet_ref *pick_sheet(const struct book *b, const char *want, char *err, size_t err_size)
{
	const struct sheet_ref *first = NULL;
	size_t o;
	if (!want) {
		for (size_t i = 0; i < b->nsheets && !first; i++) {
			const struct rel *rel = book_rel(b, b->sheets[i].rid);
			if (!b->sheets[i].hidden && rel && type_is(rel, "worksheet"))
				first = &b->sheets[i];
		}
		if (!first)
			snprintf(err, err_size, "the workbook has no visible worksheet");
		return first;
	}
	for (size_t i = 0; i < b->nsheets; i++)
		if (strcmp(b->sheets[i].name, want) == 0)
			return &b->sheets[i];
	for (size_t i = 0; i < b->nsheets; i++)  /* Excel's sheet names ignore case */
		if (strcasecmp(b->sheets[i].name, want) == 0)
			return &b->sheets[i];
	o = (size_t)snprintf(err, err_size, "no sheet '%s' (sheets:", want);
	for (size_t i = 0; i < b->nsheets && o < err_size; i++)
		o += (size_t)snprintf(err + o, err_size - o, "%s %s", i ? "," : "", b->sheets[i].name);
	if (o < err_size)
		snprintf(err + o, err_size - o, ")");
	return NULL;
}

/* Find the sheet and the shared strings through the workbook. */
static int xr_locate(struct xreader *r, const char *want, char *err, size_t err_size)
{
	struct book b = {0};
	const struct sheet_ref *s;
	const struct rel *rel;
	char *sst_part = NULL, *styles_part = NULL;
	int rc = -1, found;

	if ((found = book_parse(&b, r->z, WORKBOOK, book_start, book_end, err, err_size)) <= 0) {
		if (found == 0)
			snprintf(err, err_size, "not an XLSX file (no %s)", WORKBOOK);
		goto out;
	}
	if ((found = book_parse(&b, r->z, WORKBOOK_RELS, rels_start, NULL, err, err_size)) <= 0) {
		if (found == 0)
			snprintf(err, err_size, "not an XLSX file (no %s)", WORKBOOK_RELS);
		goto out;
	}
	if (b.nsheets == 0) {
		snprintf(err, err_size, "the workbook has no sheets");
		goto out;
	}
	if (!(s = pick_sheet(&b, want, err, err_size)))
		goto out;
	if (!(rel = book_rel(&b, s->rid))) {
		snprintf(err, err_size, "sheet '%s': no relationship '%s' in %s", s->name, s->rid, WORKBOOK_RELS);
		goto out;
	}
	if (!type_is(rel, "worksheet")) {
		snprintf(err, err_size, "sheet '%s' is a %s, not a worksheet", s->name,
			 type_is(rel, "chartsheet") ? "chart" : "special sheet");
		goto out;
	}
	if (!(r->sheet_name = strdup(s->name)) || !(r->sheet_part = part_path(rel->target))) {
		snprintf(err, err_size, "out of memory");
		goto out;
	}
	if (!want) {
		/* The sheets the default could have been, for the host to look for the columns
		 * it needs when the first lacks them (xr_sheets). */
		size_t n = 0;
		if (!(r->visible = calloc(b.nsheets + 1, sizeof *r->visible))) {
			snprintf(err, err_size, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < b.nsheets; i++) {
			const struct rel *vr = book_rel(&b, b.sheets[i].rid);
			if (b.sheets[i].hidden || !vr || !type_is(vr, "worksheet"))
				continue;
			if (!(r->visible[n++] = strdup(b.sheets[i].name))) {
				snprintf(err, err_size, "out of memory");
				goto out;
			}
		}
	}
	for (size_t i = 0; i < b.nrels && !sst_part; i++)
		if (type_is(&b.rels[i], "sharedStrings") && !(sst_part = part_path(b.rels[i].target))) {
			snprintf(err, err_size, "out of memory");
			goto out;
		}
	if (sst_load(&r->sst, r->z, sst_part ? sst_part : "xl/sharedStrings.xml", err, err_size) < 0)
		goto out;
	r->date1904 = b.date1904;
	for (size_t i = 0; i < b.nrels && !styles_part; i++)
		if (type_is(&b.rels[i], "styles") && !(styles_part = part_path(b.rels[i].target))) {
			snprintf(err, err_size, "out of memory");
			goto out;
		}
	rc = styles_load(&r->styles, r->z, styles_part ? styles_part : "xl/styles.xml", err, err_size) < 0 ? -1 : 0;
out:
	free(styles_part);
	free(sst_part);
	book_free(&b);
	return rc;
}

static void *xr_open(kam_host *h, const char *path, const char *sheet, char *err, size_t err_size)
{
	struct xreader *r = calloc(1, sizeof *r);
	int found;

	(void)h;
	if (!r) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	if (!(r->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0))) {
		snprintf(err, err_size, "cannot make the C locale");
		goto fail;
	}
	if (!(r->z = zip_open_path(path, err, err_size)) || xr_locate(r, sheet, err, err_size) < 0)
		goto fail;
	if ((found = zentry_open(r->z, r->sheet_part, XLSX_MAX_PART, &r->sheet, err, err_size)) <= 0) {
		if (found == 0)
			snprintf(err, err_size, "sheet '%s': the part %s is missing", r->sheet_name, r->sheet_part);
		goto fail;
	}
	if (xml_new(&r->x, r->sheet_part, err, err_size) < 0)
		goto fail;
	XML_SetElementHandler(r->x.p, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(r->x.p, sheet_chars);
	return r;
fail:
	xr_close(r);
	return NULL;
}

static const char *const *xr_sheets(void *vr)
{
	struct xreader *r = vr;
	return (const char *const *)r->visible;
}

const kam_plugin_reader xlsx_reader = {"xlsx", xr_open, xr_next, xr_close, xr_sheets};
