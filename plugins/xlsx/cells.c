/* cells.c: what a cell holds, as text (part of xlsx_io.so): the shared
 * strings table, Excel's _xHHHH_ escapes, cell references, and the rule that turns a
 * number cell into text (see xlsx.c's header comment). */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_io.h"

/* ---- text ---- */

static int hex4(const char *s, unsigned *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
			: c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return 0;
		*u = *u << 4 | (unsigned)v;
	}
	return 1;
}

static size_t utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* At s[0..n): an _xHHHH_ escape (a pair for characters past U+FFFF)?  The code point
 * and the escape's length, or 0 for anything else (U+0000 included: it would end the
 * C string, so it stays as written). */
size_t x_escape(const char *s, size_t n, uint32_t *cp)
{
	unsigned hi, lo;
	if (n < 7 || s[0] != '_' || s[1] != 'x' || !hex4(s + 2, &hi) || s[6] != '_' || hi == 0)
		return 0;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return 0;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*cp = hi;
		return 7;
	}
	if (n < 14 || s[7] != '_' || s[8] != 'x' || !hex4(s + 9, &lo) || s[13] != '_' || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return 0;
	*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	return 14;
}

/* Undo Excel's _xHHHH_ escapes in place (_x000D_ is a CR, _x005F_ a '_'); the new
 * length.  An escape is at least 7 bytes and its UTF-8 at most 4, so it never grows. */
size_t x_unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp;
		size_t step = s[i] == '_' ? x_escape(s + i, n - i, &cp) : 0;
		if (step) {
			o += utf8_put(s + o, cp);
			i += step;
		} else {
			s[o++] = s[i++];
		}
	}
	s[o] = '\0';
	return o;
}

/* ---- cell references ---- */

/* The column of a reference like "B7" (A is 0), or -1. */
long ref_col(const char *ref)
{
	long col = 0;
	int letters = 0;
	for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z'); ref++) {
		if (++letters > 3)
			return -1;
		col = col * 26 + ((*ref | 0x20) - 'a' + 1);
	}
	if (!letters || col > XLSX_MAX_COLS)
		return -1;
	for (; *ref; ref++)
		if (*ref < '0' || *ref > '9')
			return -1;
	return col - 1;
}

/* "C7" for column 2, row 7. */
const char *cell_name(long col, long row, char buf[32])
{
	char letters[8];
	int n = 0;
	col++;
	while (col > 0 && n < 7) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n / 2; i++) {
		char t = letters[i];
		letters[i] = letters[n - 1 - i];
		letters[n - 1 - i] = t;
	}
	letters[n] = '\0';
	snprintf(buf, 32, "%s%ld", letters, row);
	return buf;
}

/* ---- numbers ---- */

/* The text of a number cell's value v: out (48 bytes) or v itself, its length in *len.  The
 * value rounded to 15 significant digits -- Excel's precision, and what a cell in the
 * General format shows -- with trailing zeros dropped: 12345.599999999999 is 12345.6 and
 * 0.30000000000000004 is 0.3, in plain positional notation ("-0.05", "17").  A whole
 * number below 10^15 is written with all its digits ("42010000001000": a code typed into
 * a number cell is exactly that code); a whole number of 16 digits or more, beyond what a
 * spreadsheet keeps, in the shortest E form that reads back the same
 * ("4.201000000100012E+15"), for kam's code check to refuse saying what the cell holds.
 * Text that is no number is passed through for the column's check to refuse.  Runs under
 * the C locale (the caller's uselocale). */
const char *number_text(const char *v, size_t vlen, char out[48], size_t *len)
{
	const size_t size = 48;
	char e[40], digits[20];
	char *end;
	double d = strtod(v, &end);
	int k = 0, x, neg, n = 0;
	const char *p;

	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (end == v || *end || !isfinite(d)) {
		*len = vlen;
		return v;
	}
	if (d == 0) {
		*len = (size_t)snprintf(out, size, "0");
		return out;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		/* A whole number below 10^15 is exact in a double and in Excel: its digits, all
		 * of them (a 14-digit code typed into a number cell is that code). */
		*len = (size_t)snprintf(out, size, "%.0f", d);
		return out;
	}
	if (d == floor(d)) {
		/* 16 digits or more: more than a spreadsheet keeps.  The shortest E form that reads
		 * back as the same double shows what the cell holds, and a code check refuses it. */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(e, sizeof e, "%.*E", prec - 1, d);
			if (strtod(e, NULL) == d)
				break;
		}
		*len = (size_t)snprintf(out, size, "%s", e);
		return out;
	}
	/* "-d.dddddddddddddde+XX": the 15 significant digits and the exponent. */
	snprintf(e, sizeof e, "%.14e", d);
	neg = e[0] == '-';
	for (p = e + neg; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[k++] = *p;
	x = atoi(p + 1);
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	if (neg)
		out[n++] = '-';
	if (x >= k - 1 && x >= 11) {
		out[n++] = digits[0];
		if (k > 1)
			n += snprintf(out + n, size - (size_t)n, ".%s", digits + 1);
		n += snprintf(out + n, size - (size_t)n, "E+%02d", x);
		*len = (size_t)n;
		return out;
	}
	if (x < -20) {  /* absurd for kam's columns; kept short for the message */
		n += snprintf(out + n, size - (size_t)n, "%c%s%sE%+03d", digits[0], k > 1 ? "." : "", digits + 1, x);
		*len = (size_t)n;
		return out;
	}
	if (x < 0) {
		out[n++] = '0';
		out[n++] = '.';
		for (int i = 0; i < -x - 1; i++)
			out[n++] = '0';
		for (int i = 0; i < k; i++)
			out[n++] = digits[i];
	} else {
		for (int i = 0; i <= x; i++)
			out[n++] = i < k ? digits[i] : '0';
		if (k > x + 1) {
			out[n++] = '.';
			for (int i = x + 1; i < k; i++)
				out[n++] = digits[i];
		}
	}
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

/* ---- the shared strings table ---- */

static int sst_grow_text(struct sst *s, size_t more)
{
	if (s->len + more + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *grown;
		while (cap < s->len + more + 1)
			cap *= 2;
		if (!(grown = realloc(s->text, cap)))
			return -1;
		s->text = grown;
		s->cap = cap;
	}
	return 0;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst *s = ud;
	const char *el = xml_local(name);
	(void)atts;
	if (strcmp(el, "si") == 0) {
		s->in_si = 1;
		s->in_t = s->rph = 0;
		s->start = s->len;
	} else if (s->in_si && strcmp(el, "rPh") == 0) {
		s->rph++;
	} else if (s->in_si && strcmp(el, "t") == 0) {
		s->in_t++;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst *s = ud;
	const char *el = xml_local(name);
	if (!s->in_si)
		return;
	if (strcmp(el, "rPh") == 0 && s->rph > 0) {
		s->rph--;
	} else if (strcmp(el, "t") == 0 && s->in_t > 0) {
		s->in_t--;
	} else if (strcmp(el, "si") == 0) {
		if (s->n == s->ocap) {
			size_t cap = s->ocap ? s->ocap * 2 : 1024;
			size_t *grown = realloc(s->off, cap * sizeof *grown);
			if (!grown) {
				xml_fail(&s->x, "%s: out of memory", s->x.part);
				return;
			}
			s->off = grown;
			s->ocap = cap;
		}
		if (sst_grow_text(s, 0) < 0) {
			xml_fail(&s->x, "%s: out of memory", s->x.part);
			return;
		}
		s->len = s->start + x_unescape(s->text + s->start, s->len - s->start) + 1;
		s->off[s->n++] = s->start;
		s->in_si = 0;
	}
}

static void XMLCALL sst_chars(void *ud, const XML_Char *t, int len)
{
	struct sst *s = ud;
	/* Rich text is the runs' <t> one after another; phonetic guides are not the text. */
	if (!s->in_si || !s->in_t || s->rph || len <= 0)
		return;
	if (sst_grow_text(s, (size_t)len) < 0) {
		xml_fail(&s->x, "%s: out of memory", s->x.part);
		return;
	}
	memcpy(s->text + s->len, t, (size_t)len);
	s->len += (size_t)len;
}

/* Load the table from part (which may be absent: a sheet of numbers only). */
int sst_load(struct sst *s, zip_t *z, const char *part, char *err, size_t err_size)
{
	struct zentry ze;
	int rc = zentry_open(z, part, XLSX_MAX_SST_PART, &ze, err, err_size);
	if (rc <= 0)
		return rc;
	if (xml_new(&s->x, part, err, err_size) < 0) {
		zentry_close(&ze, NULL, 0);
		return -1;
	}
	XML_SetElementHandler(s->x.p, sst_start, sst_end);
	XML_SetCharacterDataHandler(s->x.p, sst_chars);
	rc = xml_parse_part(&s->x, &ze);
	if (zentry_close(&ze, err, err_size) < 0)
		rc = -1;
	xml_free(&s->x);
	return rc;
}

const char *sst_get(const struct sst *s, size_t i, size_t *len)
{
	size_t end = i + 1 < s->n ? s->off[i + 1] : s->len;
	*len = end - s->off[i] - 1;
	return s->text + s->off[i];
}

void sst_free(struct sst *s)
{
	xml_free(&s->x);
	free(s->text);
	free(s->off);
	memset(s, 0, sizeof *s);
}
