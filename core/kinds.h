/* The kinds of data files kam imports and exports (PRODUCT.md "Data files"): their
 * columns with English and Chinese headers, and how each cell is read and written.
 * The shapes of the data, not a province's rules: no thresholds live here. */
#ifndef KAM_KINDS_H
#define KAM_KINDS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum kam_coltype {
	KAM_COL_CODE,          /* 14-digit customer code, stored as an integer */
	KAM_COL_TEXT,          /* UTF-8 text, kept byte for byte */
	KAM_COL_ENUM,          /* one of a few English words; Chinese words accepted */
	KAM_COL_BOOL,          /* yes/no, 是/否; stored 1/0 */
	KAM_COL_MONEY,         /* yuan with up to 2 decimals, stored in fen; may be negative */
	KAM_COL_MONTH,         /* YYYY-MM, stored as the integer YYYYMM */
	KAM_COL_COUNT,         /* a non-negative integer (pieces) */
	KAM_COL_ADMIN,         /* a 6-digit administrative division code, stored as text */
	/* Export only: */
	KAM_COL_NUMBER,        /* a number written as it is (a score) */
	KAM_COL_JSON,          /* a JSON value written as it is (reasons); text in CSV */
};

/* An enumeration word: the stored English value, then '|'-separated words read as it. */
struct kam_word {
	const char *value;
	const char *aliases;
};

struct kam_column {
	const char *name;               /* English header, JSON key and database column */
	const char *zh;                 /* Chinese header; '|'-separated alternatives */
	enum kam_coltype type;
	int required;                   /* the file must have it and no cell may be empty */
	const struct kam_word *words;   /* KAM_COL_ENUM */
	const char *zh_label;           /* Chinese header written on export (first of zh) */
};

struct kam_kind {
	const char *name;               /* "customers" */
	const char *zh;                 /* 客户 */
	const char *table;
	const struct kam_column *cols;
	int ncols;
	const char *order_by;           /* export order */
};

/* A parsed cell: null, an integer (codes, fen, months, counts, booleans) or text. */
typedef struct kam_value {
	enum { KAM_V_NULL, KAM_V_INT, KAM_V_TEXT } kind;
	int64_t i;
	const char *s;
	size_t len;
} kam_value;

const struct kam_kind *kam_kind_find(const char *name);
/* The names of every kind, NULL-terminated, for --help. */
extern const struct kam_kind *const kam_kinds[];

/* Which column a header cell names (English, any case, or Chinese); -1 if none. */
int kam_kind_column(const struct kam_kind *k, const char *header, size_t len);

/* Read cell s[0..n) as column c.  An empty cell is null (an error when required).
 * Messages carry no place; the caller adds "file:line: column 'x': ". Text is assumed
 * valid UTF-8 (the readers check). */
int kam_cell_parse(const struct kam_column *c, const char *s, size_t n, kam_value *v, kam_err *e);

/* Where a cell's text comes from, for the advice when a code arrives as a number. */
enum {
	KAM_FROM_CSV = 0,     /* text a spreadsheet may have saved: fix the column's format */
	KAM_FROM_JSON = 1,    /* a JSON value: the value itself is wrong */
	KAM_FROM_SHEET = 2,   /* a spreadsheet cell (XLSX): the value itself is wrong */
};
/* kam_cell_parse for text from origin.  A code or division code written as a number
 * ("42010000001000.0") is its digits when none can be lost; a fraction, more than 15
 * significant digits or E notation ("4.201E+13") is refused, saying how to fix it.  From
 * a spreadsheet, a date ("2025-03-01", as the xlsx reader gives a date cell) in a month
 * column is its month; in a CSV it stays refused as a date. */
int kam_cell_parse_from(const struct kam_column *c, const char *s, size_t n, int origin, kam_value *v,
			kam_err *e);

/* Write a stored value (integer or text) of column c as the file's text: codes as 14
 * digits, fen as yuan, YYYYMM as YYYY-MM, booleans as yes/no (是/否 when zh).  Returns the
 * length written into buf (NUL-terminated), or -1 when buf is too small. */
int kam_cell_format_int(const struct kam_column *c, int64_t i, int zh, char *buf, size_t size);
/* The Chinese word for an English enumeration value (for zh exports), or the value;
 * *len gets its length (the word is not NUL-terminated). */
const char *kam_enum_zh(const struct kam_column *c, const char *value, size_t *len);

#endif
