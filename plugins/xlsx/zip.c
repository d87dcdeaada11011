/* zip.c: the XLSX container for the xlsx plugin (part of xlsx_io.so): zip
 * entries read with a size limit that the file cannot talk us out of, and XML parts fed
 * through expat with messages that say where. */

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "xlsx_io.h"

void xml_fail(struct xml_ctx *x, const char *fmt, ...)
{
	va_list ap;
	if (!x->failed) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->err_size, fmt, ap);
		va_end(ap);
		x->failed = 1;
	}
	/* Fails only when the parser has stopped already, which is as good. */
	(void)XML_StopParser(x->p, XML_FALSE);
}

/* The message for a parse that returned XML_STATUS_ERROR; -1. */
int xml_error(struct xml_ctx *x)
{
	if (!x->failed) {
		snprintf(x->err, x->err_size, "%s:%lu:%lu: %s", x->part,
			 (unsigned long)XML_GetCurrentLineNumber(x->p),
			 (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1,
			 XML_ErrorString(XML_GetErrorCode(x->p)));
		x->failed = 1;
	}
	return -1;
}

static void XMLCALL xml_no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
				   const XML_Char *pubid, int has_internal)
{
	struct xml_ctx *x = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	/* OOXML parts never have one; refusing it leaves no room for entity tricks. */
	xml_fail(x, "%s: has a DOCTYPE, which XLSX parts never have", x->part);
}

/* A namespace-aware parser whose user data is x (the first member of a larger struct). */
int xml_new(struct xml_ctx *x, const char *part, char *err, size_t err_size)
{
	x->part = part;
	x->err = err;
	x->err_size = err_size;
	x->failed = 0;
	if (!(x->p = XML_ParserCreateNS(NULL, XLSX_NS_SEP))) {
		snprintf(err, err_size, "%s: out of memory", part);
		return -1;
	}
	XML_SetUserData(x->p, x);
	XML_SetStartDoctypeDeclHandler(x->p, xml_no_doctype);
	return 0;
}

void xml_free(struct xml_ctx *x)
{
	if (x->p)
		XML_ParserFree(x->p);
	x->p = NULL;
}

const char *xml_local(const XML_Char *name)
{
	const char *bar = strrchr(name, XLSX_NS_SEP);
	return bar ? bar + 1 : name;
}

/* The value of attribute local: with ns, one in some namespace (r:id); without, one in
 * none (name).  NULL when absent. */
const char *xml_attr(const XML_Char **atts, const char *local, int ns)
{
	for (int i = 0; atts[i]; i += 2) {
		const char *bar = strrchr(atts[i], XLSX_NS_SEP);
		if (ns ? bar && strcmp(bar + 1, local) == 0 : !bar && strcmp(atts[i], local) == 0)
			return atts[i + 1];
	}
	return NULL;
}

static const char *human_size(zip_uint64_t n, char buf[32])
{
	if (n >= (zip_uint64_t)1 << 30)
		snprintf(buf, 32, "%llu GiB", (unsigned long long)(n >> 30));
	else
		snprintf(buf, 32, "%llu MiB", (unsigned long long)(n >> 20));
	return buf;
}

/* Open part name for reading: 1, 0 when the archive has no such part, -1 on an error. */
int zentry_open(zip_t *z, const char *name, zip_uint64_t limit, struct zentry *ze, char *err,
		       size_t err_size)
{
	zip_stat_t st;
	zip_int64_t i = zip_name_locate(z, name, 0);
	char sz[32];

	ze->f = NULL;
	ze->name = name;
	ze->got = 0;
	ze->limit = limit;
	ze->packed = 0;
	if (i < 0)
		i = zip_name_locate(z, name, ZIP_FL_NOCASE);
	if (i < 0)
		return 0;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0) {
		snprintf(err, err_size, "%s: %s", name, zip_strerror(z));
		return -1;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > limit) {
		snprintf(err, err_size, "%s: more than %s uncompressed; refused (a damaged file or a zip bomb)",
			 name, human_size(limit, sz));
		return -1;
	}
	if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size < (limit - XLSX_RATIO_FLOOR) / XLSX_MAX_RATIO) {
		zip_uint64_t by_ratio = st.comp_size * XLSX_MAX_RATIO;
		ze->limit = by_ratio > XLSX_RATIO_FLOOR ? by_ratio : XLSX_RATIO_FLOOR;
		ze->packed = st.comp_size;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > ze->limit) {
		snprintf(err, err_size, "%s: %llu bytes uncompressed from %llu; refused (a damaged file or a zip bomb)",
			 name, (unsigned long long)st.size, (unsigned long long)st.comp_size);
		return -1;
	}
	if (!(ze->f = zip_fopen_index(z, (zip_uint64_t)i, 0))) {
		snprintf(err, err_size, "%s: %s", name, zip_strerror(z));
		return -1;
	}
	return 1;
}

/* Up to n bytes; 0 at the end, -1 on an error (a bad CRC included). */
zip_int64_t zentry_read(struct zentry *ze, void *buf, size_t n, char *err, size_t err_size)
{
	zip_int64_t got = zip_fread(ze->f, buf, n);
	char sz[32], sz2[32];
	if (got < 0) {
		snprintf(err, err_size, "%s: cannot read the part (%s)", ze->name, zip_file_strerror(ze->f));
		return -1;
	}
	ze->got += (zip_uint64_t)got;
	if (ze->got > ze->limit && ze->packed) {
		snprintf(err, err_size, "%s: expands to more than %s from %llu bytes compressed (%d times, or %s, is "
			 "the most a part may); refused (a damaged file or a zip bomb)", ze->name,
			 human_size(ze->limit, sz), (unsigned long long)ze->packed, XLSX_MAX_RATIO,
			 human_size(XLSX_RATIO_FLOOR, sz2));
		return -1;
	}
	if (ze->got > ze->limit) {
		snprintf(err, err_size, "%s: more than %s uncompressed; refused (a damaged file or a zip bomb)",
			 ze->name, human_size(ze->limit, sz));
		return -1;
	}
	return got;
}

/* 0, or -1 when libzip reports a late error. */
int zentry_close(struct zentry *ze, char *err, size_t err_size)
{
	int rc = 0;
	if (ze->f && zip_fclose(ze->f) != 0 && err) {
		snprintf(err, err_size, "%s: cannot read the part", ze->name);
		rc = -1;
	}
	ze->f = NULL;
	return rc;
}

/* Feed the whole part through x's parser: 0, or -1 with the message in x->err. */
int xml_parse_part(struct xml_ctx *x, struct zentry *ze)
{
	for (;;) {
		void *buf = XML_GetBuffer(x->p, XLSX_CHUNK);
		zip_int64_t got;
		if (!buf) {
			snprintf(x->err, x->err_size, "%s: out of memory", ze->name);
			return -1;
		}
		if ((got = zentry_read(ze, buf, XLSX_CHUNK, x->err, x->err_size)) < 0)
			return -1;
		if (XML_ParseBuffer(x->p, (int)got, got == 0) == XML_STATUS_ERROR)
			return xml_error(x);
		if (got == 0)
			return 0;
	}
}

/* The whole of a zip on standard input, which libzip cannot seek. */
static zip_t *zip_open_stdin(char *err, size_t err_size)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, sz[32];
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;

	for (;;) {
		size_t got;
		if (len == cap) {
			char *grown;
			cap = cap ? cap * 2 : 1 << 20;
			if (cap > XLSX_MAX_PART) {
				free(buf);
				snprintf(err, err_size, "more than %s on standard input", human_size(XLSX_MAX_PART, sz));
				return NULL;
			}
			if (!(grown = realloc(buf, cap))) {
				free(buf);
				snprintf(err, err_size, "out of memory");
				return NULL;
			}
			buf = grown;
		}
		got = fread(buf + len, 1, cap - len, stdin);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(stdin)) {
		free(buf);
		snprintf(err, err_size, "cannot read standard input");
		return NULL;
	}
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(buf, len, 1, &ze))) {
		free(buf);
		snprintf(err, err_size, "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	if (!(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		int code = zip_error_code_zip(&ze);
		zip_source_free(src);
		if (code == ZIP_ER_NOZIP)
			snprintf(err, err_size, "not an XLSX file (not a zip archive)");
		else
			snprintf(err, err_size, "not a readable XLSX file (%s)", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	zip_error_fini(&ze);
	return z;
}

/* Open path as a zip, or say why it is not one. */
zip_t *zip_open_path(const char *path, char *err, size_t err_size)
{
	int code = 0;
	zip_t *z;
	zip_error_t ze;
	unsigned char magic[4] = {0};
	FILE *f;

	if (strcmp(path, "-") == 0)
		return zip_open_stdin(err, err_size);
	if ((z = zip_open(path, ZIP_RDONLY, &code)))
		return z;
	if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS) {
		/* A zip's local header with no directory at the end: cut off in transfer. */
		if ((f = fopen(path, "rb"))) {
			if (fread(magic, 1, 4, f) != 4)
				memset(magic, 0, sizeof magic);
			fclose(f);
		}
		if (memcmp(magic, "PK\3\4", 4) == 0)
			snprintf(err, err_size, "not a readable XLSX file (a damaged or truncated zip archive)");
		else
			snprintf(err, err_size, "not an XLSX file (not a zip archive)");
		return NULL;
	}
	if (code == ZIP_ER_NOENT) {
		snprintf(err, err_size, "no such file");
		return NULL;
	}
	if (code == ZIP_ER_OPEN) {
		snprintf(err, err_size, "cannot open the file: %s", strerror(errno));
		return NULL;
	}
	zip_error_init_with_code(&ze, code);
	snprintf(err, err_size, "cannot read the file (%s)", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return NULL;
}
