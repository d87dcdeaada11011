/* styles.c: which cell styles show a number as a date (part of xlsx_io.so).
 *
 * A date in a spreadsheet is a number (days since 1899-12-30, or since 1904-01-01 in a
 * workbook with date1904) that a cell's number format shows as a date.  xl/styles.xml
 * lists the formats (<numFmts>, custom ones by their code) and the cell formats
 * (<cellXfs>, each naming a format); a cell's s attribute is an index into cellXfs.  A
 * month typed into a spreadsheet ("2025-03") becomes the date 2025-03-01 in such a cell,
 * shown as 2025/3/1, 2025年3月 or Mar-25: the reader gives it as "2025-03-01", which kam's
 * month column reads as its month. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_io.h"

/* Built-in formats that show a date (ECMA-376 18.8.30, with the East Asian ones): 14-17
 * m/d/yy to mmm-yy, 22 m/d/yy h:mm, 27-31 and 36, 50-58 (yyyy"年"m"月" and the like). */
static int builtin_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58);
}

/* Does a format code show a date: a y, m or d outside quotes, brackets ([Red], [h]) and
 * escapes, AM/PM aside?  "0.00" and "General" do not; "yyyy\-mm" and "m/d" do. */
static int code_is_date(const char *c)
{
	for (; *c; c++) {
		if (*c == '"') {
			while (c[1] && c[1] != '"')
				c++;
			if (c[1])
				c++;
		} else if (*c == '[') {
			while (c[1] && c[1] != ']')
				c++;
			if (c[1])
				c++;
		} else if (*c == '\\' || *c == '_' || *c == '*') {
			if (c[1])
				c++;
		} else if (strncasecmp(c, "AM/PM", 5) == 0) {
			c += 4;
		} else if (strncasecmp(c, "A/P", 3) == 0) {
			c += 2;
		} else if (strncasecmp(c, "General", 7) == 0) {
			c += 6;
		} else if (strchr("yYdDmM", *c)) {
			return 1;
		}
	}
	return 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles *st = ud;
	const char *el = xml_local(name);
	if (strcmp(el, "numFmt") == 0) {
		const char *id = xml_attr(atts, "numFmtId", 0), *code = xml_attr(atts, "formatCode", 0);
		if (!id || !code)
			return;
		if (st->nfmts == st->fcap) {
			size_t cap = st->fcap ? st->fcap * 2 : 16;
			struct numfmt *g = realloc(st->fmts, cap * sizeof *g);
			if (!g) {
				xml_fail(&st->x, "%s: out of memory", st->x.part);
				return;
			}
			st->fmts = g;
			st->fcap = cap;
		}
		st->fmts[st->nfmts].id = strtol(id, NULL, 10);
		st->fmts[st->nfmts].date = code_is_date(code);
		st->nfmts++;
	} else if (strcmp(el, "cellXfs") == 0) {
		st->in_xfs = 1;
	} else if (st->in_xfs && strcmp(el, "xf") == 0) {
		const char *id = xml_attr(atts, "numFmtId", 0);
		long fid = id ? strtol(id, NULL, 10) : 0;
		int date = builtin_date(fid);
		for (size_t i = 0; i < st->nfmts; i++)
			if (st->fmts[i].id == fid)
				date = st->fmts[i].date;
		if (st->nxf == st->xcap) {
			size_t cap = st->xcap ? st->xcap * 2 : 64;
			unsigned char *g = realloc(st->xf_date, cap);
			if (!g) {
				xml_fail(&st->x, "%s: out of memory", st->x.part);
				return;
			}
			st->xf_date = g;
			st->xcap = cap;
		}
		st->xf_date[st->nxf++] = (unsigned char)date;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct styles *st = ud;
	if (strcmp(xml_local(name), "cellXfs") == 0)
		st->in_xfs = 0;
}

/* Load part (absent: no cell shows a date); 0 or -1. */
int styles_load(struct styles *st, zip_t *z, const char *part, char *err, size_t err_size)
{
	struct zentry ze;
	int rc = zentry_open(z, part, XLSX_MAX_SMALL_PART, &ze, err, err_size);
	if (rc <= 0)
		return rc;
	if (xml_new(&st->x, part, err, err_size) < 0) {
		zentry_close(&ze, NULL, 0);
		return -1;
	}
	XML_SetElementHandler(st->x.p, styles_start, styles_end);
	rc = xml_parse_part(&st->x, &ze);
	if (zentry_close(&ze, err, err_size) < 0)
		rc = -1;
	xml_free(&st->x);
	return rc;
}

int styles_is_date(const struct styles *st, const char *s)
{
	char *end;
	unsigned long i;
	if (!s)
		return 0;
	i = strtoul(s, &end, 10);
	return end != s && !*end && i < st->nxf && st->xf_date[i];
}

void styles_free(struct styles *st)
{
	xml_free(&st->x);
	free(st->fmts);
	free(st->xf_date);
	memset(st, 0, sizeof *st);
}

/* The calendar date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil(long long z, int *y, int *m, int *d)
{
	long long era, yoe, doy, mp;
	unsigned doe;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* A date cell's value as "YYYY-MM-DD" (a whole day) or "YYYY-MM-DDTHH:MM:SS" in out (48
 * bytes); NULL when v is no serial date (not a number, before 1900-01-01, past 9999). */
const char *date_text(const char *v, int date1904, char out[48], size_t *len)
{
	char *end;
	double d = strtod(v, &end);
	long long days, secs;
	int y, m, dd;
	if (end == v || *end || !isfinite(d) || d < 1 || d >= 2958466)
		return NULL;
	days = (long long)floor(d);
	secs = llround((d - (double)days) * 86400.0);
	if (secs >= 86400)
		days++, secs -= 86400;
	if (date1904)
		days += 1462;
	/* Serial 60 is Lotus's 1900-02-29, which never was: the 1900 system counts it, so
	 * serials before it are a day later than days since 1899-12-30 would say. */
	if (!date1904 && days < 61) {
		if (days == 60)
			return NULL;
		days++;
	}
	civil(days - 25569, &y, &m, &dd);  /* 25569: 1899-12-30 to 1970-01-01 */
	if (secs)
		*len = (size_t)snprintf(out, 48, "%04d-%02d-%02dT%02lld:%02lld:%02lld", y, m, dd, secs / 3600,
					secs / 60 % 60, secs % 60);
	else
		*len = (size_t)snprintf(out, 48, "%04d-%02d-%02d", y, m, dd);
	return out;
}
