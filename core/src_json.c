/* The JSON record source: a top-level array of objects with the kind's English names.
 * A small scanner finds each element's bytes and line, and where its keys stand; jansson
 * then parses one element at a time (refusing duplicate keys), so every error has a
 * line and column in the file and memory holds one object, not a tree of the whole file.
 * Money arriving as a JSON number is accepted only with at most 2 decimals (money.h). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kinds.h"
#include "money.h"
#include "source.h"

#define MAX_KEYS 64
#define MAX_VALUE (1024 * 1024)   /* as CSV's longest field */

struct json_source {
	kam_source base;
	const struct kam_kind *kind;
	int ignore_unknown;
	const char *buf;          /* the whole file (mapped or read) */
	size_t size, pos;
	long line, col;           /* of pos */
	int mapped, header_sent, done;
	/* The current record: cells in kind column order. */
	char *cells[MAX_KEYS];
	size_t lens[MAX_KEYS];
	long cell_line[MAX_KEYS], cell_col[MAX_KEYS];
	char row_error[1024];     /* why the current row is bad, if it is */
	char *store;              /* cell text, reused */
	size_t store_len, store_cap;
};

/* Advance one byte, keeping line and column (columns count characters, from 1). */
static void advance(struct json_source *j)
{
	unsigned char c = (unsigned char)j->buf[j->pos++];
	if (c == '\n') {
		j->line++;
		j->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		j->col++;
	}
}

static void skip_space(struct json_source *j)
{
	while (j->pos < j->size && strchr(" \t\r\n", j->buf[j->pos]) && j->buf[j->pos])
		advance(j);
}

static int fail_at(struct json_source *j, long line, long col, kam_err *e, const char *why)
{
	j->done = 1;
	kam_errf(e, "%s:%ld:%ld: %s", j->base.name, line, col, why);
	kam_err_at(e, j->base.name, line, NULL);
	if (e)
		e->where.column = col;
	return -1;
}

struct key_pos {
	const char *key;
	size_t len;
	long line, col;
};

/* Find the end of the element at pos (an object), noting where its own keys stand. */
static int scan_element(struct json_source *j, struct key_pos *keys, int *nkeys, kam_err *e)
{
	int depth = 0, expect_key = 0;
	long sline = j->line, scol = j->col;
	*nkeys = 0;
	if (j->buf[j->pos] != '{')
		return fail_at(j, j->line, j->col, e, "each element of the array must be an object");
	while (j->pos < j->size) {
		char c = j->buf[j->pos];
		if (c == '"') {
			size_t start = j->pos + 1;
			long kl = j->line, kc = j->col;
			advance(j);
			while (j->pos < j->size && j->buf[j->pos] != '"') {
				if (j->buf[j->pos] == '\\' && j->pos + 1 < j->size)
					advance(j);
				advance(j);
			}
			if (j->pos >= j->size)
				break;
			if (depth == 1 && expect_key && *nkeys < MAX_KEYS)
				keys[(*nkeys)++] = (struct key_pos){j->buf + start, j->pos - start, kl, kc};
			expect_key = 0;
			advance(j);
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
			expect_key = c == '{' && depth == 1;
		} else if (c == '}' || c == ']') {
			depth--;
			if (depth == 0) {
				advance(j);
				return 0;
			}
		} else if (c == ',' && depth == 1) {
			expect_key = 1;
		}
		advance(j);
	}
	return fail_at(j, sline, scol, e, "object not closed (truncated file?)");
}

static char *store_add(struct json_source *j, const char *s, size_t n)
{
	char *p;
	if (j->store_len + n + 1 > j->store_cap) {
		size_t cap = (j->store_cap + n + 1) * 2;
		char *grown = realloc(j->store, cap);
		if (!grown)
			return NULL;
		/* Cells already stored point into the old block: move them along. */
		for (int i = 0; i < MAX_KEYS; i++)
			if (j->cells[i])
				j->cells[i] = grown + (j->cells[i] - j->store);
		j->store = grown;
		j->store_cap = cap;
	}
	p = j->store + j->store_len;
	memcpy(p, s, n);
	p[n] = '\0';
	j->store_len += n + 1;
	return p;
}

/* The shortest decimal that reads back as d (malloc'd), as people wrote it: 2.345. */
static char *shortest(double d)
{
	char buf[64];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return strdup(buf);
}

/* One JSON value as the text of a cell of column c. */
static int cell_text(struct json_source *j, const struct kam_column *c, json_t *v, char *tmp,
		     size_t tmpsz, const char **s, size_t *n, kam_err *e)
{
	int64_t fen;
	switch (json_typeof(v)) {
	case JSON_STRING:
		*s = json_string_value(v);
		*n = json_string_length(v);
		if (*n > MAX_VALUE)
			return kam_errf(e, "value longer than %d bytes", MAX_VALUE);
		if (memchr(*s, '\0', *n))
			return kam_errf(e, "NUL character in the value");
		return 0;
	case JSON_INTEGER:
		if (c->type == KAM_COL_MONEY) {
			if (kam_money_from_yuan(json_integer_value(v), 0, &fen, e) < 0)
				return -1;
			kam_money_format(fen, tmp);
		} else {
			snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		}
		break;
	case JSON_REAL:
		if (c->type == KAM_COL_MONEY) {
			if (kam_money_from_double(json_real_value(v), 0, &fen, e) < 0)
				return -1;
			kam_money_format(fen, tmp);
		} else {
			snprintf(tmp, tmpsz, "%.17g", json_real_value(v));
		}
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if (c->type != KAM_COL_BOOL)
			return kam_errf(e, "must be %s, not true or false",
					c->type == KAM_COL_TEXT ? "a string" : "a string or number");
		snprintf(tmp, tmpsz, "%s", json_is_true(v) ? "yes" : "no");
		break;
	case JSON_NULL:
		tmp[0] = '\0';
		break;
	default:
		return kam_errf(e, "must be a string or number, not an %s",
				json_is_object(v) ? "object" : "array");
	}
	(void)j;
	*s = tmp;
	*n = strlen(tmp);
	return 0;
}

/* The header: every column of the kind; absent keys give absent cells. */
static int send_header(struct json_source *j, kam_source_rec *r, kam_err *e)
{
	const struct kam_kind *k = j->kind;
	j->header_sent = 1;
	j->store_len = 0;
	for (int i = 0; i < k->ncols; i++) {
		j->cells[i] = NULL;
		if (!(j->cells[i] = store_add(j, k->cols[i].name, strlen(k->cols[i].name))))
			return kam_errf(e, "%s: out of memory", j->base.name);
		j->lens[i] = strlen(k->cols[i].name);
		j->cell_line[i] = 1;
		j->cell_col[i] = 1;
	}
	r->line = 1;
	r->error = NULL;
	return 1;
}

/* The next element of the array, parsed, with where it starts and where its keys are:
 * 1 with *obj, 0 at the end of the array, -1 when the file is not a JSON array of objects. */
static int next_object(struct json_source *j, json_t **obj, long *line, long *col, struct key_pos *keys,
		       int *nkeys, kam_err *e)
{
	json_error_t jerr;
	size_t start;

	skip_space(j);
	if (j->pos >= j->size)
		return fail_at(j, j->line, j->col, e, "array not closed (truncated file?)");
	if (j->buf[j->pos] == ']') {
		advance(j);
		skip_space(j);
		if (j->pos < j->size)
			return fail_at(j, j->line, j->col, e, "text after the end of the array");
		j->done = 1;
		return 0;
	}
	if (j->buf[j->pos] == ',')
		return fail_at(j, j->line, j->col, e, "unexpected ','");
	start = j->pos;
	*line = j->line;
	*col = j->col;
	if (scan_element(j, keys, nkeys, e) < 0)
		return -1;
	*obj = json_loadb(j->buf + start, j->pos - start, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!*obj) {
		long el = *line + jerr.line - 1, ec = jerr.line == 1 ? *col + jerr.column - 1 : jerr.column;
		return fail_at(j, el, ec, e, jerr.text);
	}
	/* Between elements: a comma, or the end of the array. */
	skip_space(j);
	if (j->pos < j->size && j->buf[j->pos] == ',') {
		advance(j);
		skip_space(j);
		if (j->pos < j->size && j->buf[j->pos] == ']') {
			json_decref(*obj);
			return fail_at(j, j->line, j->col, e, "trailing ',' before ']'");
		}
	} else if (j->pos < j->size && j->buf[j->pos] != ']') {
		json_decref(*obj);
		return fail_at(j, j->line, j->col, e, "expected ',' or ']' after an object");
	}
	return 1;
}

/* The object's values as the record's cells, each with where its key is; a key the kind
 * lacks or a value of the wrong type makes the row bad (r->error), not the file. */
static int fill_cells(struct json_source *j, kam_source_rec *r, json_t *obj, const struct key_pos *keys,
		      int nkeys, long line, long col, kam_err *e)
{
	const struct kam_kind *k = j->kind;
	const char *key;
	json_t *v;

	j->store_len = 0;
	for (int i = 0; i < k->ncols; i++) {
		j->cells[i] = NULL;
		j->lens[i] = 0;
		j->cell_line[i] = line;
		j->cell_col[i] = col;
	}
	r->error = NULL;
	json_object_foreach(obj, key, v) {
		kam_err cellerr;
		char *raw = NULL;
		int ci = -1;
		char tmp[64];
		const char *text = NULL;
		size_t n = 0;
		long kl = line, kc = col;
		for (int i = 0; i < nkeys; i++) {
			if (keys[i].len == strlen(key) && memcmp(keys[i].key, key, keys[i].len) == 0) {
				kl = keys[i].line;
				kc = keys[i].col;
				break;
			}
		}
		for (int i = 0; i < k->ncols; i++)
			if (strcmp(k->cols[i].name, key) == 0)
				ci = i;
		if (ci < 0) {
			if (j->ignore_unknown)
				continue;
			snprintf(j->row_error, sizeof j->row_error, "unknown key '%s' for %s "
				 "(--ignore-unknown skips it)", key, k->name);
			r->error = j->row_error;
			r->error_field = NULL;
			r->error_line = kl;
			r->error_col = kc;
			break;
		}
		if (cell_text(j, &k->cols[ci], v, tmp, sizeof tmp, &text, &n, &cellerr) < 0) {
			/* The row is bad; its cell keeps the value as JSON for the reject file. */
			if (!r->error) {
				if (snprintf(j->row_error, sizeof j->row_error, "key '%s': %s", key,
					     cellerr.msg) >= (int)sizeof j->row_error)
					memcpy(j->row_error + sizeof j->row_error - 4, "...", 4);
				r->error = j->row_error;
				r->error_field = k->cols[ci].name;
				r->error_line = kl;
				r->error_col = kc;
			}
			raw = json_is_real(v) ? shortest(json_real_value(v)) :
			      json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			text = raw ? raw : "";
			n = raw && strlen(raw) <= MAX_VALUE ? strlen(raw) : 0;
		}
		j->cells[ci] = store_add(j, text, n);
		free(raw);
		raw = NULL;
		if (!j->cells[ci])
			return kam_errf(e, "%s: out of memory", j->base.name);
		j->lens[ci] = n;
		j->cell_line[ci] = kl;
		j->cell_col[ci] = kc;
	}
	r->line = line;
	return 1;
}

static int json_next(kam_source *s, kam_source_rec *r, kam_err *e)
{
	struct json_source *j = (struct json_source *)s;
	struct key_pos keys[MAX_KEYS];
	long line = 0, col = 0;
	int nkeys = 0, rc;
	json_t *obj;

	r->n = (size_t)j->kind->ncols;
	r->f = j->cells;
	r->len = j->lens;
	r->cell_line = j->cell_line;
	r->cell_col = j->cell_col;
	if (!j->header_sent)
		return send_header(j, r, e);
	if (j->done)
		return 0;
	if ((rc = next_object(j, &obj, &line, &col, keys, &nkeys, e)) <= 0)
		return rc;
	rc = fill_cells(j, r, obj, keys, nkeys, line, col, e);
	json_decref(obj);
	return rc;
}

static long long json_offset(kam_source *s)
{
	return (long long)((struct json_source *)s)->pos;
}

static void json_close(kam_source *s)
{
	struct json_source *j = (struct json_source *)s;
	if (j->mapped)
		munmap((void *)j->buf, j->size);
	else
		free((void *)j->buf);
	free(j->store);
	free(j);
}

static const struct kam_source_ops json_ops = {json_next, json_close, json_offset, NULL};

/* The whole input: mapped when it is a file, read when it is a pipe. */
static int load(struct json_source *j, const char *path, kam_err *e)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return kam_errf(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return kam_errf(e, "%s: is a directory", path);
	}
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			j->buf = p;
			j->size = (size_t)sb.st_size;
			j->mapped = 1;
			if (fd > 0)
				close(fd);
			return 0;
		}
	}
	{
		size_t cap = 1 << 16, len = 0;
		char *buf = malloc(cap);
		ssize_t got;
		while (buf && (got = read(fd, buf + len, cap - len)) > 0) {
			len += (size_t)got;
			if (len == cap) {
				char *grown = realloc(buf, cap *= 2);
				if (!grown)
					free(buf);
				buf = grown;
			}
		}
		if (fd > 0)
			close(fd);
		if (!buf)
			return kam_errf(e, "%s: out of memory", path);
		j->buf = buf;
		j->size = len;
	}
	return 0;
}

kam_source *kam_source_json(const char *path, const struct kam_source_opts *o, kam_err *e)
{
	struct json_source *j = calloc(1, sizeof *j);
	if (!j) {
		kam_errf(e, "%s: out of memory", path);
		return NULL;
	}
	j->base.ops = &json_ops;
	j->base.name = path;
	j->base.format = "json";
	j->base.unit = "line";
	j->base.encoding = "UTF-8";
	j->kind = o->kind;
	j->ignore_unknown = o->ignore_unknown;
	j->line = j->col = 1;
	if (j->kind->ncols > MAX_KEYS || load(j, path, e) < 0) {
		free(j);
		return NULL;
	}
	j->base.size = (long long)j->size;
	if (j->size >= 3 && memcmp(j->buf, "\xEF\xBB\xBF", 3) == 0)
		j->pos = 3;
	skip_space(j);
	if (j->pos >= j->size) {
		kam_errf(e, "%s: the file is empty", path);
		json_close(&j->base);
		return NULL;
	}
	if (j->buf[j->pos] != '[') {
		kam_errf(e, "%s:%ld:%ld: expected a JSON array of objects", path, j->line, j->col);
		json_close(&j->base);
		return NULL;
	}
	advance(j);
	return &j->base;
}
