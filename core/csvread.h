/*
 * A streaming RFC 4180 CSV reader for `kam import`: one record at a time, each with the
 * physical line it starts on, from a file descriptor or a memory buffer, in any encoding,
 * with errors that name the line (and column where known).
 *
 * Parsing is libcsv's (CSV_STRICT | CSV_STRICT_FINI, no space trimming). libcsv does not
 * report positions, so the decoded text is fed to it one physical line (at most 64 KiB) at
 * a time: whatever record ends during a line ended on that line, and a record starts on
 * the first non-blank line fed after the previous one ended. libcsv was kept because it is
 * fast enough: on 5 million ledger lines (216 MB, page cache, 2-core VM) libcsv alone with
 * empty callbacks runs at 340-420 MB/s, this reader at 320-350 MB/s (7.9-8.1 M records/s)
 * for UTF-8 and ~270 MB/s through iconv GB18030; sqlite3's .import of the same file takes
 * 3.8 s, the reader 0.62 s.
 *
 * Records: fields separated by ',', quoted with '"' (doubled inside), quoted fields may hold
 * commas, CR and LF; records end with LF or CRLF, the last one may lack it. Whitespace is
 * data (never trimmed). Blank lines (nothing but a line end) are not records, wherever they
 * are. A bare CR outside quotes (classic Mac line ends) is an error, so line numbers stay
 * true. Strict: a '"' inside an unquoted field, and anything but ',' or a line end after a
 * closing quote, are errors with line and column.
 *
 * Encodings (opts.encoding):
 *   NULL or "auto"  the import policy: a byte-order mark decides (UTF-8, UTF-16/32 LE/BE);
 *                   else the first read (1 MiB, or chunk_size) is checked: valid UTF-8 means
 *                   UTF-8, anything else GB18030 from the start. If an invalid UTF-8 byte
 *                   shows up later, the file is not UTF-8 after all: with opts.restart set
 *                   and a seekable input (a file or memory), the reader rewinds and
 *                   kam_csv_next() returns KAM_CSV_RESTART; the caller discards everything
 *                   it got (header included) and calls kam_csv_next() again, which starts
 *                   over from the first record as GB18030. Without restart, or on a pipe,
 *                   that is an error with an --encoding hint.
 *   "UTF-8"         forced: invalid UTF-8 is an error with line and column.
 *   any iconv name  converted to UTF-8 (GB18030, GBK, BIG5, UTF-16LE, ...); an unknown name
 *                   is an error from kam_csv_open().
 * A leading U+FEFF is dropped in every encoding. Sequences split between reads are carried
 * over, never cut.
 *
 * Errors: kam_csv_next() returns -1 and fills e; the message starts with the place:
 * "line 41: unterminated quoted field (truncated file?)" or, with opts.name set,
 * "ledger.csv:41: ...", and "line 3, column 7: ..." / "ledger.csv:3:7: ...". Columns
 * count characters from 1 on the physical line. kam_csv_where() gives the numbers.
 * Binary input is refused early: NUL bytes ("NUL byte in the file (not a text CSV?)", with
 * a UTF-16 hint when every other byte is NUL) and the signatures of ZIP (XLSX), OLE2
 * (XLS), gzip and PDF files.
 *
 * Sizes: a field longer than max_field bytes (default 1 MiB) or a record with more than
 * max_fields fields (default 4096) is refused as soon as it passes the limit, so a 10 MB
 * field costs one 1 MiB buffer, not 10 MB.
 */
#ifndef KAM_CSVREAD_H
#define KAM_CSVREAD_H

#include <stddef.h>

#include "err.h"

#define KAM_CSV_MAX_FIELD (1024 * 1024)
#define KAM_CSV_MAX_FIELDS 4096
#define KAM_CSV_CHUNK (1024 * 1024)

/* kam_csv_next() result besides 1 (a record), 0 (end of input) and -1 (error). */
#define KAM_CSV_RESTART 2

typedef struct kam_csv_opts {
	const char *name;       /* shown in messages as "NAME:LINE:"; NULL: "line N" */
	const char *encoding;   /* NULL/"auto", "UTF-8", or an iconv name */
	size_t max_field;       /* 0: KAM_CSV_MAX_FIELD */
	size_t max_fields;      /* 0: KAM_CSV_MAX_FIELDS */
	size_t chunk_size;      /* bytes per read(); 0: KAM_CSV_CHUNK (tests use tiny ones) */
	int restart;            /* the caller handles KAM_CSV_RESTART (see above) */
	int allow_empty;        /* 0: a file with no record is an error ("file is empty") */
} kam_csv_opts;

typedef struct kam_csv_rec {
	size_t n;               /* number of fields, >= 1 */
	char **f;               /* f[i]: field i, UTF-8, NUL-terminated */
	size_t *len;            /* len[i]: its length in bytes */
	long line;              /* physical line (from 1) where the record starts */
	long end_line;          /* ... and where it ends (> line with quoted line breaks) */
} kam_csv_rec;

typedef struct kam_csv kam_csv;

/*
 * Reads from fd (not closed by the reader). NULL opts means all defaults. Fails only for an
 * unknown encoding or no memory (NULL, e filled with status KAM_USAGE for the encoding).
 */
kam_csv *kam_csv_open(int fd, const kam_csv_opts *opts, kam_err *e);

/* Reads from buf[0..n), which must stay valid until kam_csv_close(). */
kam_csv *kam_csv_open_mem(const void *buf, size_t n, const kam_csv_opts *opts, kam_err *e);

/*
 * The next record into *r: 1, or 0 at the end, -1 on an error (the reader is then done),
 * KAM_CSV_RESTART as explained above. r's pointers stay valid until the next call.
 */
int kam_csv_next(kam_csv *c, kam_csv_rec *r, kam_err *e);

/* The encoding in use ("UTF-8", "GB18030", "UTF-16LE", ...), final once a record came. */
const char *kam_csv_encoding(const kam_csv *c);

/* Records delivered so far (since the last restart). */
long kam_csv_count(const kam_csv *c);

/* Where the last error was: line from 1 (0 if none), column from 1 (0 if unknown). */
void kam_csv_where(const kam_csv *c, long *line, long *col);

void kam_csv_close(kam_csv *c);

#endif
