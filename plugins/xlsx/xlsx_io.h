/* xlsx_io.h: the inside of the xlsx plugin's heavy part, xlsx_io.so.
 *
 * The plugin comes in two shared objects so that kam's start-up does not pay for
 * libzip, expat and libxlsxwriter: plugins/xlsx.c (xlsx.so) is what kam loads at start;
 * it registers the format and, on the first XLSX file opened, loads xlsx_io.so from the
 * directory xlsx/ beside itself and asks it for the reader and the writer
 * (kam_xlsx_io()).  That function is the only symbol xlsx_io.so exports (everything
 * else is hidden); this header is shared by its files: zip.c (the container and the XML
 * parts), cells.c (shared strings, escapes, cell references, numbers as text), styles.c
 * (which cells show dates), read.c (the reader) and write.c (the writer). */
#ifndef KAM_XLSX_IO_H
#define KAM_XLSX_IO_H

#include <expat.h>
#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#include "kam_plugin.h"
#include "xlsx_entry.h"

/* The host's functions (text widths for the writer's columns), set by kam_xlsx_io(). */
extern const kam_host_api *xlsx_host;

/* What xlsx_io.so exports (io.c). */
__attribute__((visibility("default"))) const struct xlsx_io *kam_xlsx_io(const kam_host_api *api);

/* A part larger than this uncompressed is refused: real sheets of a province stay far
 * below it, a zip bomb does not.  Counted while reading, not taken from the directory. */
#define XLSX_MAX_PART ((zip_uint64_t)2 << 30)
/* workbook.xml and its relationships are read whole; they are a few KB. */
#define XLSX_MAX_SMALL_PART ((zip_uint64_t)64 << 20)
/* A part may expand to at most this many times its compressed size (XML deflates 5 to 20
 * times; a zip bomb a thousand), or to the floor below whatever its compressed size: a
 * 3 MB file must not be read as 2 GiB of shared strings before anything fails. */
#define XLSX_MAX_RATIO 100
#define XLSX_RATIO_FLOOR ((zip_uint64_t)16 << 20)
/* The shared strings are held in memory whole: a real province's are a few MB. */
#define XLSX_MAX_SST_PART ((zip_uint64_t)128 << 20)
#define XLSX_CHUNK (64 * 1024)
/* Expat names come as "namespace-URI|local" (a '|' is never part of a local name). */
#define XLSX_NS_SEP '|'

#if defined(__GNUC__)
#define XLSX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define XLSX_PRINTF(f, a)
#endif

/* What every expat callback of ours reaches first (the user data starts with it), so a
 * callback can stop the parse with a message. */
struct xml_ctx {
	XML_Parser p;
	const char *part;       /* the zip entry, for XML errors */
	char *err;
	size_t err_size;
	int failed;
};

/* One entry of the archive being read. */
struct zentry {
	zip_file_t *f;
	const char *name;
	zip_uint64_t got, limit;
	zip_uint64_t packed;    /* compressed size, when the limit comes from the ratio; else 0 */
};

/* Excel's last column, XFD. */
#define XLSX_MAX_COLS 16384

struct sst {
	struct xml_ctx x;           /* first: the parser's user data */
	char *text;                 /* every string, NUL-terminated, one after another */
	size_t len, cap;
	size_t *off;                /* where string i starts */
	size_t n, ocap;
	int in_si, in_t, rph;       /* inside <si>, <t>, and the phonetic <rPh> runs */
	size_t start;
};

struct styles {
	struct xml_ctx x;           /* first: the parser's user data */
	struct numfmt {
		long id;
		int date;
	} *fmts;
	size_t nfmts, fcap;
	unsigned char *xf_date;     /* cellXfs index -> 1 when its format shows a date */
	size_t nxf, xcap;
	int in_xfs;
};

/* zip.c */
void xml_fail(struct xml_ctx *x, const char *fmt, ...) XLSX_PRINTF(2, 3);
int xml_error(struct xml_ctx *x);
int xml_new(struct xml_ctx *x, const char *part, char *err, size_t err_size);
void xml_free(struct xml_ctx *x);
const char *xml_local(const XML_Char *name);
const char *xml_attr(const XML_Char **atts, const char *local, int ns);
int zentry_open(zip_t *z, const char *name, zip_uint64_t limit, struct zentry *ze, char *err,
		       size_t err_size);
zip_int64_t zentry_read(struct zentry *ze, void *buf, size_t n, char *err, size_t err_size);
int zentry_close(struct zentry *ze, char *err, size_t err_size);
int xml_parse_part(struct xml_ctx *x, struct zentry *ze);
zip_t *zip_open_path(const char *path, char *err, size_t err_size);

/* cells.c */
size_t x_escape(const char *s, size_t n, uint32_t *cp);
size_t x_unescape(char *s, size_t n);
long ref_col(const char *ref);
const char *cell_name(long col, long row, char buf[32]);
const char *number_text(const char *v, size_t vlen, char out[48], size_t *len);
int sst_load(struct sst *s, zip_t *z, const char *part, char *err, size_t err_size);
const char *sst_get(const struct sst *s, size_t i, size_t *len);
void sst_free(struct sst *s);

/* styles.c */
int styles_load(struct styles *st, zip_t *z, const char *part, char *err, size_t err_size);
int styles_is_date(const struct styles *st, const char *s);
void styles_free(struct styles *st);
const char *date_text(const char *v, int date1904, char out[48], size_t *len);

/* read.c, write.c */
extern const kam_plugin_reader xlsx_reader;
extern const kam_plugin_writer xlsx_writer;
int xlsx_writer_sheet(void *w, const char *name, char *err, size_t err_size);

#endif
