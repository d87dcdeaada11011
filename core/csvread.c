#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "textenc.h"

/* Longest piece of a line handed to libcsv at once: bounds how far a field overruns. */
#define PIECE (64 * 1024)

enum mode { M_UNDECIDED, M_UTF8, M_CONV };
enum pending { P_NONE, P_BAD, P_TRUNC };
enum cberr { CB_OK, CB_NOMEM, CB_FIELDS, CB_LONG, CB_BARECR };

struct kam_csv {
	/* source */
	int fd;                         /* -1: memory */
	const unsigned char *mem;
	size_t memlen, mempos;
	off_t start_off;                /* where fd started, for a restart; -1: not seekable */
	int eof;

	/* options */
	char *name;
	char *forced;                   /* encoding asked for; NULL: auto */
	size_t max_field, max_fields, chunk;
	int restart, allow_empty;

	/* decoding: raw bytes [rpos, rlen) not yet decoded; text [tpos, tlen) not yet parsed */
	enum mode mode;
	int auto_utf8;                  /* UTF-8 was a guess from the prefix */
	kam_conv *cv;
	char encname[64];
	unsigned char *raw, *tbuf;
	size_t rcap, rpos, rlen, tcap;
	const unsigned char *text;
	size_t tpos, tlen;
	const unsigned char *nul;       /* first NUL in text, NULL if none */
	int at_start;                   /* no text yet: a U+FEFF is dropped */
	size_t textbytes;               /* text seen, for "empty" vs "only blank lines" */
	const char *utf16_hint;         /* NULs at every other byte of the start */
	int need_more;                  /* [rpos, rlen) ends inside a sequence */
	enum pending pending;           /* the encoding fails right after the text */
	unsigned char pbytes[4];
	size_t pn;

	/* position */
	long line;                      /* physical line of the text at tpos */
	size_t col;                     /* characters of that line already parsed */

	/* parser and the record being built */
	struct csv_parser p;
	int p_ok;
	int in_record, rec_done, fini_done;
	int cr_end;                     /* the record ended at a CR... */
	int hold;                       /* ...that ended its piece: is an LF next? */
	enum cberr cb_err;
	long rec_line, rec_end, last_end;
	char *abuf;                     /* field bytes, each NUL-terminated */
	size_t acap, alen;
	size_t *off, *flen, fcap, nf;
	char **fp;
	long count;

	int done;                       /* 0 running, 1 at end, -1 failed */
	kam_err err;
	long err_line, err_col;
};

/* Record the error with its place ("NAME:L:C: " or "line L, column C: "), return -1. */
__attribute__((format(printf, 5, 6)))
static int fail(kam_csv *c, kam_err *e, long line, long col, const char *fmt, ...)
{
	char msg[1800], where[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line <= 0)
		snprintf(where, sizeof where, "%s%s", c->name ? c->name : "", c->name ? ": " : "");
	else if (c->name && col > 0)
		snprintf(where, sizeof where, "%s:%ld:%ld: ", c->name, line, col);
	else if (c->name)
		snprintf(where, sizeof where, "%s:%ld: ", c->name, line);
	else if (col > 0)
		snprintf(where, sizeof where, "line %ld, column %ld: ", line, col);
	else
		snprintf(where, sizeof where, "line %ld: ", line);
	kam_errf(&c->err, "%s%s", where, msg);
	c->err_line = line;
	c->err_col = col;
	c->done = -1;
	if (e)
		*e = c->err;
	return -1;
}

static int no_space(unsigned char ch)
{
	(void)ch;
	return 0;       /* whitespace is data: libcsv would trim spaces and tabs */
}

static void on_field(void *s, size_t n, void *data)
{
	kam_csv *c = data;
	if (c->cb_err)
		return;
	if (n > c->max_field) {
		c->cb_err = CB_LONG;
		return;
	}
	if (c->nf >= c->max_fields) {
		c->cb_err = CB_FIELDS;
		return;
	}
	if (c->nf == c->fcap) {
		size_t cap = c->fcap ? c->fcap * 2 : 32;
		size_t *off = realloc(c->off, cap * sizeof *off);
		size_t *flen = off ? realloc(c->flen, cap * sizeof *flen) : NULL;
		char **fp = flen ? realloc(c->fp, cap * sizeof *fp) : NULL;
		if (off)
			c->off = off;
		if (flen)
			c->flen = flen;
		if (!fp) {
			c->cb_err = CB_NOMEM;
			return;
		}
		c->fp = fp;
		c->fcap = cap;
	}
	if (c->alen + n + 1 > c->acap) {
		size_t cap = c->acap ? c->acap : 4096;
		char *b;
		while (cap < c->alen + n + 1)
			cap *= 2;
		if (!(b = realloc(c->abuf, cap))) {
			c->cb_err = CB_NOMEM;
			return;
		}
		c->abuf = b;
		c->acap = cap;
	}
	memcpy(c->abuf + c->alen, s, n);
	c->abuf[c->alen + n] = '\0';
	c->off[c->nf] = c->alen;
	c->flen[c->nf++] = n;
	c->alen += n + 1;
}

static void on_row(int ch, void *data)
{
	kam_csv *c = data;
	c->cr_end = ch == CSV_CR;
	/* Pieces end at LF, so two record ends on one line mean a bare CR between them. */
	if (c->last_end == c->line && !c->cb_err)
		c->cb_err = CB_BARECR;
	c->last_end = c->rec_end = c->line;
	c->rec_done = 1;
	c->in_record = 0;
}

static int parser_init(kam_csv *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_space_func(&c->p, no_space);
	csv_set_blk_size(&c->p, 64 * 1024);
	c->p_ok = 1;
	return 0;
}

static kam_csv *open_common(const kam_csv_opts *o, kam_err *e)
{
	kam_csv_opts def = {0};
	kam_csv *c = calloc(1, sizeof *c);
	if (!o)
		o = &def;
	if (!c) {
		kam_errf(e, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->start_off = -1;
	c->max_field = o->max_field ? o->max_field : KAM_CSV_MAX_FIELD;
	c->max_fields = o->max_fields ? o->max_fields : KAM_CSV_MAX_FIELDS;
	c->chunk = o->chunk_size ? o->chunk_size : KAM_CSV_CHUNK;
	c->restart = o->restart;
	c->allow_empty = o->allow_empty;
	/* room for the sniffed start (64 bytes) and a cut sequence carried over */
	c->rcap = (c->chunk > 64 ? c->chunk : 64) + 16;
	c->line = 1;
	c->at_start = 1;
	if ((o->name && !(c->name = strdup(o->name))) || !(c->raw = malloc(c->rcap)) ||
	    parser_init(c) < 0) {
		kam_errf(e, "out of memory");
		kam_csv_close(c);
		return NULL;
	}
	if (o->encoding && strcasecmp(o->encoding, "auto") != 0) {
		if (!(c->forced = strdup(o->encoding))) {
			kam_errf(e, "out of memory");
			kam_csv_close(c);
			return NULL;
		}
		/* An unknown name is wrong usage, found before any reading. */
		if (!kam_enc_is_utf8(o->encoding) && !(c->cv = kam_conv_open(o->encoding, e))) {
			if (e)
				e->status = KAM_USAGE;
			kam_csv_close(c);
			return NULL;
		}
	}
	return c;
}

kam_csv *kam_csv_open(int fd, const kam_csv_opts *o, kam_err *e)
{
	kam_csv *c = open_common(o, e);
	if (c) {
		c->fd = fd;
		c->start_off = lseek(fd, 0, SEEK_CUR);
	}
	return c;
}

kam_csv *kam_csv_open_mem(const void *buf, size_t n, const kam_csv_opts *o, kam_err *e)
{
	kam_csv *c = open_common(o, e);
	if (c) {
		c->mem = buf;
		c->memlen = n;
	}
	return c;
}

void kam_csv_close(kam_csv *c)
{
	if (!c)
		return;
	if (c->p_ok)
		csv_free(&c->p);
	kam_conv_close(c->cv);
	free(c->name);
	free(c->forced);
	free(c->raw);
	free(c->tbuf);
	free(c->abuf);
	free(c->off);
	free(c->flen);
	free(c->fp);
	free(c);
}

const char *kam_csv_encoding(const kam_csv *c)
{
	return c->encname[0] ? c->encname : "UTF-8";
}

long kam_csv_count(const kam_csv *c)
{
	return c->count;
}

void kam_csv_where(const kam_csv *c, long *line, long *col)
{
	if (line)
		*line = c->err_line;
	if (col)
		*col = c->err_col;
}

/* Appends up to want bytes to raw; sets eof when the source is done. */
static int src_read(kam_csv *c, size_t want, kam_err *e)
{
	ssize_t got;
	if (c->fd < 0) {
		size_t left = c->memlen - c->mempos;
		got = (ssize_t)(left < want ? left : want);
		memcpy(c->raw + c->rlen, c->mem + c->mempos, (size_t)got);
		c->mempos += (size_t)got;
	} else {
		do
			got = read(c->fd, c->raw + c->rlen, want);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return fail(c, e, 0, 0, "read error: %s", strerror(errno));
	}
	if (got == 0)
		c->eof = 1;
	c->rlen += (size_t)got;
	return 0;
}

/* Moves the undecoded bytes to the front and reads a chunk after them. */
static int refill_raw(kam_csv *c, kam_err *e)
{
	size_t room;
	memmove(c->raw, c->raw + c->rpos, c->rlen - c->rpos);
	c->rlen -= c->rpos;
	c->rpos = 0;
	room = c->rcap - c->rlen;
	return src_read(c, room < c->chunk ? room : c->chunk, e);
}

static const char *signature(const unsigned char *s, size_t n)
{
	if (n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0)
		return "a ZIP archive (an XLSX or ODS workbook?), not CSV: save it as CSV";
	if (n >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return "an Excel 97-2003 workbook (.xls), not CSV: save it as CSV";
	if (n >= 2 && s[0] == 0x1F && s[1] == 0x8B)
		return "gzip-compressed: decompress it first";
	if (n >= 5 && memcmp(s, "%PDF-", 5) == 0)
		return "a PDF document, not CSV";
	return NULL;
}

/* UTF-16 without a byte-order mark: a NUL at every other byte of the start. */
static const char *utf16_guess(const unsigned char *s, size_t n)
{
	size_t i, odd = 0, even = 0;
	if (n > 64)
		n = 64;
	for (i = 0; i + 1 < n; i += 2) {
		even += s[i] == 0;
		odd += s[i + 1] == 0;
	}
	if (n >= 4 && odd * 2 >= n / 2 && even == 0)
		return "UTF-16LE";
	if (n >= 4 && even * 2 >= n / 2 && odd == 0)
		return "UTF-16BE";
	return NULL;
}

static int use_conv(kam_csv *c, const char *enc, kam_err *e)
{
	if (!c->cv && !(c->cv = kam_conv_open(enc, e)))
		return -1;
	if (!c->tbuf) {
		c->tcap = 2 * c->chunk + 64;   /* GB18030 grows at most 2 bytes to 3 */
		if (!(c->tbuf = malloc(c->tcap)))
			return fail(c, e, 0, 0, "out of memory");
	}
	c->mode = M_CONV;
	snprintf(c->encname, sizeof c->encname, "%s", kam_conv_name(c->cv));
	return 0;
}

/* The first read: a full chunk (or all of a short file) to decide the encoding from. */
static int decide(kam_csv *c, kam_err *e)
{
	const char *sig, *enc;
	size_t bom = 0;
	size_t want = c->chunk > 64 ? c->chunk : 64;
	while (!c->eof && c->rlen < want)
		if (src_read(c, want - c->rlen, e) < 0)
			return -1;
	if ((sig = signature(c->raw, c->rlen)))
		return fail(c, e, 0, 0, "this file is %s", sig);
	c->utf16_hint = utf16_guess(c->raw, c->rlen);
	enc = c->forced ? c->forced : kam_enc_guess(c->raw, c->rlen, c->eof, &bom);
	if (kam_enc_is_utf8(enc)) {
		c->mode = M_UTF8;
		c->auto_utf8 = !c->forced && bom == 0;
		snprintf(c->encname, sizeof c->encname, "UTF-8");
		return 0;
	}
	return use_conv(c, enc, e);
}

/* Back to the start of the input, to read it again as GB18030. */
static int rewind_gb18030(kam_csv *c, kam_err *e)
{
	if (c->fd >= 0) {
		if (c->start_off < 0 || lseek(c->fd, c->start_off, SEEK_SET) < 0)
			return 1;
	} else
		c->mempos = 0;
	if (use_conv(c, "GB18030", e) < 0)
		return -1;
	csv_free(&c->p);
	c->p_ok = 0;
	if (parser_init(c) < 0)
		return fail(c, e, 0, 0, "out of memory");
	c->auto_utf8 = 0;
	c->eof = c->need_more = 0;
	c->rpos = c->rlen = c->tpos = c->tlen = 0;
	c->text = NULL;
	c->nul = NULL;
	c->at_start = 1;
	c->textbytes = 0;
	c->pending = P_NONE;
	c->line = 1;
	c->col = 0;
	c->in_record = c->rec_done = c->hold = 0;
	c->last_end = 0;
	c->nf = c->alen = 0;
	c->count = 0;
	return 0;
}

/* The encoding failed where parsing now stands. 0: go on (restarted), or -1/RESTART. */
static int encoding_error(kam_csv *c, kam_err *e)
{
	char hex[32];
	long line = c->line, col = (long)c->col + 1;
	kam_hexbytes(c->pbytes, c->pn, hex, sizeof hex);
	/* in auto mode a cut sequence at the end also means "not UTF-8" */
	if (c->auto_utf8) {
		long delivered = c->count;
		int r;
		if (delivered > 0 && !c->restart)
			r = 1;
		else if ((r = rewind_gb18030(c, e)) < 0)
			return -1;
		if (r == 0)
			return delivered > 0 ? KAM_CSV_RESTART : 0;
		return fail(c, e, line, col, "invalid UTF-8 byte sequence %s in a file that started "
			    "as UTF-8: pass --encoding GB18030 (or the file's encoding)", hex);
	}
	if (c->mode == M_UTF8)
		return fail(c, e, line, col, "%s UTF-8 byte sequence %s%s",
			    c->pending == P_BAD ? "invalid" : "truncated", hex,
			    c->pending == P_BAD ? " (a GB18030 file? pass --encoding GB18030)"
						: " at end of file");
	if (c->pending == P_TRUNC)
		return fail(c, e, line, col, "truncated %s byte sequence %s at end of file",
			    c->encname, hex);
	return fail(c, e, line, col, "invalid %s byte sequence %s%s", c->encname, hex,
		    c->forced ? "" : " (the file is neither UTF-8 nor GB18030: pass --encoding NAME)");
}

static void set_pending(kam_csv *c, enum pending why, const unsigned char *at, size_t left)
{
	/*
	 * Show the bad sequence, not the text after it: as long as its first byte says in
	 * UTF-8; in GB18030 and its kin two bytes, four when the second is a digit.
	 */
	size_t want;
	int digits = 0;         /* GB18030's four-byte form has ASCII digits inside */
	if (c->mode == M_UTF8)
		want = at[0] < 0xC2 || at[0] > 0xF4 ? 1 : at[0] < 0xE0 ? 2 : at[0] < 0xF0 ? 3 : 4;
	else {
		digits = left > 1 && at[1] >= 0x30 && at[1] <= 0x39;
		want = digits ? 4 : 2;
	}
	c->pending = why;
	for (c->pn = 0; c->pn < left && c->pn < want; c->pn++) {
		if (c->pn && at[c->pn] < 0x80 && !digits)
			break;
		c->pbytes[c->pn] = at[c->pn];
	}
}

/* More text into [tpos, tlen): 1, 0 at the end of input, -1 error, KAM_CSV_RESTART. */
static int fill(kam_csv *c, kam_err *e)
{
	for (;;) {
		size_t good = 0, made = 0;
		int r;
		if (c->pending) {
			if ((r = encoding_error(c, e)) != 0)
				return r;
			continue;
		}
		if (c->mode == M_UNDECIDED) {
			if (decide(c, e) < 0)
				return -1;
		} else if (!c->eof && (c->rpos == c->rlen || c->need_more)) {
			/* empty, or only the start of a sequence cut by the last read */
			if (refill_raw(c, e) < 0)
				return -1;
		}
		if (c->rpos == c->rlen && c->eof)
			return 0;
		if (c->mode == M_UTF8) {
			r = kam_utf8_scan(c->raw + c->rpos, c->rlen - c->rpos, &good);
			c->need_more = r == KAM_UTF8_PARTIAL;
			if (r == KAM_UTF8_BAD || (r == KAM_UTF8_PARTIAL && c->eof))
				set_pending(c, r == KAM_UTF8_BAD ? P_BAD : P_TRUNC, c->raw + c->rpos + good,
					    c->rlen - c->rpos - good);
			c->text = c->raw + c->rpos;
			c->tlen = good;
			c->rpos += good;
		} else {
			size_t used;
			r = kam_conv_step(c->cv, c->raw + c->rpos, c->rlen - c->rpos, &used,
					  (char *)c->tbuf, c->tcap, &made);
			c->rpos += used;
			c->need_more = r == KAM_CONV_PARTIAL;
			if (r == KAM_CONV_BAD || (r == KAM_CONV_PARTIAL && c->eof))
				set_pending(c, r == KAM_CONV_BAD ? P_BAD : P_TRUNC, c->raw + c->rpos,
					    c->rlen - c->rpos);
			c->text = c->tbuf;
			c->tlen = made;
		}
		c->tpos = 0;
		if (c->at_start && c->tlen > 0) {
			/* a byte-order mark, in whatever encoding it came, is now EF BB BF */
			if (c->tlen >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
				c->tpos = 3;
			c->at_start = 0;
		}
		if (c->tpos < c->tlen) {
			c->textbytes += c->tlen - c->tpos;
			c->nul = memchr(c->text + c->tpos, 0, c->tlen - c->tpos);
			return 1;
		}
	}
}

static int blank(const unsigned char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static int callback_error(kam_csv *c, kam_err *e)
{
	switch (c->cb_err ? c->cb_err : CB_BARECR) {
	case CB_LONG:
		return fail(c, e, c->rec_line, 0, "field longer than %zu bytes", c->max_field);
	case CB_FIELDS:
		return fail(c, e, c->rec_line, 0, "record with more than %zu fields", c->max_fields);
	case CB_BARECR:
		return fail(c, e, c->line, 0, "carriage return (CR) alone outside quotes: "
			    "lines must end with LF or CRLF");
	default:
		return fail(c, e, c->rec_line, 0, "out of memory");
	}
}

/* Hands libcsv the text up to the next line end (at most PIECE bytes). */
static int feed(kam_csv *c, kam_err *e)
{
	const unsigned char *s = c->text + c->tpos, *nl;
	size_t n = c->tlen - c->tpos, got;
	if (n > PIECE)
		n = PIECE;
	if ((nl = memchr(s, '\n', n)))
		n = (size_t)(nl - s) + 1;
	if (c->nul && c->nul < s + n) {
		long col = (long)(c->col + kam_utf8_chars(s, (size_t)(c->nul - s))) + 1;
		if (c->utf16_hint)
			return fail(c, e, c->line, col, "NUL byte in the file (%s without a byte-order "
				    "mark? pass --encoding %s)", c->utf16_hint, c->utf16_hint);
		return fail(c, e, c->line, col, "NUL byte in the file (not a text CSV?)");
	}
	if (!c->in_record && !blank(s, n)) {
		c->in_record = 1;
		c->rec_line = c->line;
		c->nf = c->alen = 0;
	}
	got = csv_parse(&c->p, s, n, on_field, on_row, c);
	if (c->cb_err)
		return callback_error(c, e);
	if (got < n) {
		long col = (long)(c->col + kam_utf8_chars(s, got)) + 1;
		if (csv_error(&c->p) != CSV_EPARSE)
			return fail(c, e, c->line, col, "%s", csv_strerror(csv_error(&c->p)));
		if (s[got] == '"')
			return fail(c, e, c->line, col, "quote inside an unquoted field (quote the "
				    "whole field and double the quotes in it)");
		return fail(c, e, c->line, col, "unexpected character after the closing quote "
			    "of a field");
	}
	if (c->p.entry_pos > c->max_field) {
		if (c->line > c->rec_line)
			return fail(c, e, c->rec_line, 0, "field longer than %zu bytes (a quote "
				    "never closed? the record runs on to line %ld)", c->max_field, c->line);
		return fail(c, e, c->rec_line, 0, "field longer than %zu bytes", c->max_field);
	}
	c->tpos += n;
	if (nl) {
		c->line++;
		c->col = 0;
	} else
		c->col += kam_utf8_chars(s, n);
	/*
	 * A record that ended at a CR is whole only if an LF follows. When the CR ended the
	 * piece (a read or the 64 KiB cap cut the line there), the next byte decides, so
	 * where the reads fall never changes the result.
	 */
	if (c->rec_done && c->cr_end && !nl) {
		if (s[n - 1] != '\r')
			return callback_error(c, e);
		c->hold = 1;
		c->rec_done = 0;
	}
	return 0;
}

static int deliver(kam_csv *c, kam_csv_rec *r)
{
	size_t i;
	for (i = 0; i < c->nf; i++)
		c->fp[i] = c->abuf + c->off[i];
	r->n = c->nf;
	r->f = c->fp;
	r->len = c->flen;
	r->line = c->rec_line;
	r->end_line = c->rec_end;
	c->count++;
	return 1;
}

static int finish(kam_csv *c, kam_csv_rec *r, kam_err *e)
{
	if (c->hold) {
		c->hold = 0;
		return deliver(c, r);   /* a CR at the very end of the file */
	}
	if (!c->fini_done) {
		c->fini_done = 1;
		if (c->in_record) {
			/* the line number now is one past the last line, unless it lacked its LF */
			if (csv_fini(&c->p, on_field, on_row, c) != 0)
				return fail(c, e, c->rec_line, 0,
					    "unterminated quoted field (truncated file?)");
			if (c->cb_err)
				return callback_error(c, e);
			if (c->rec_done)
				return deliver(c, r);
		}
	}
	if (c->count == 0 && !c->allow_empty)
		return fail(c, e, 0, 0, c->textbytes ? "file has no records, only blank lines"
						     : "file is empty");
	c->done = 1;
	return 0;
}

int kam_csv_next(kam_csv *c, kam_csv_rec *r, kam_err *e)
{
	if (c->done) {
		if (c->done < 0 && e)
			*e = c->err;
		return c->done < 0 ? -1 : 0;
	}
	c->rec_done = 0;
	for (;;) {
		if (c->tpos == c->tlen) {
			int rc = fill(c, e);
			if (rc < 0 || rc == KAM_CSV_RESTART)
				return rc;
			if (rc == 0)
				return finish(c, r, e);
		}
		if (c->hold) {
			/* only an LF may follow the CR that ended the held record */
			if (c->text[c->tpos] != '\n')
				return callback_error(c, e);
			c->hold = 0;
			if (feed(c, e) < 0)
				return -1;
			return deliver(c, r);
		}
		if (feed(c, e) < 0)
			return -1;
		if (c->rec_done)
			return deliver(c, r);
	}
}
