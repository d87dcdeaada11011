#include "err.h"

#include <stdio.h>
#include <string.h>

static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memmove(dst, src, n);
	dst[n] = '\0';
}

int kam_verrf(kam_err *e, const char *fmt, va_list ap)
{
	/* Formatted aside first: a message may quote the record's own old message. */
	char msg[sizeof e->msg];
	if (e) {
		int n = vsnprintf(msg, sizeof msg, fmt, ap);
		memset(e, 0, sizeof *e);
		e->status = KAM_FAIL;
		memcpy(e->msg, msg, sizeof msg);
		if (n >= (int)sizeof msg)
			kam_err_mark_cut(e);
	}
	return -1;
}

int kam_errf(kam_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kam_verrf(e, fmt, ap);
	va_end(ap);
	return -1;
}

int kam_usagef(kam_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kam_verrf(e, fmt, ap);
	va_end(ap);
	if (e)
		e->status = KAM_USAGE;
	return -1;
}

void kam_err_prefix(kam_err *e, const char *fmt, ...)
{
	char head[512], old[sizeof e->msg];
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* The head names the place: it stays; a message too long for the record loses its
	 * end, marked, and never inside a UTF-8 character. */
	int cut = snprintf(e->msg, sizeof e->msg, "%s: %s", head, old) >= (int)sizeof e->msg;
	if (cut)
		kam_err_mark_cut(e);
	if (e->items_len) {
		e->items_at += (unsigned)strlen(head) + 2;
		if (e->items_at + e->items_len + (cut ? 3 : 0) > strlen(e->msg))
			e->items_at = e->items_len = 0;   /* the cut took them */
	}
}

void kam_err_mark_cut(kam_err *e)
{
	size_t n = sizeof e->msg - 4;
	while (n > 0 && ((unsigned char)e->msg[n] & 0xc0) == 0x80)
		n--;
	memcpy(e->msg + n, "...", 4);
}

void kam_err_clear(kam_err *e)
{
	memset(e, 0, sizeof *e);
}

void kam_err_at(kam_err *e, const char *file, long line, const char *field)
{
	if (!e)
		return;
	if (file)
		copy_cut(e->where.file, sizeof e->where.file, file);
	if (line > 0)
		e->where.line = line;
	if (field)
		copy_cut(e->where.field, sizeof e->where.field, field);
}

void kam_err_in(kam_err *e, const char *function, long long customer)
{
	if (!e)
		return;
	if (function)
		copy_cut(e->function, sizeof e->function, function);
	if (customer)
		e->customer = customer;
}

void kam_err_traceback(kam_err *e, const char *tb)
{
	if (e && tb)
		copy_cut(e->traceback, sizeof e->traceback, tb);
}

/* The place into out; items_at/items_len where it names the items. */
static void render_call(char *out, size_t size, const struct kam_err_call *c, int named, size_t *items_at,
			size_t *items_len)
{
	size_t n = 0;
	int k;

	*items_at = *items_len = 0;
	out[0] = '\0';
#define PUT(...) \
	do { \
		k = snprintf(out + n, size - n, __VA_ARGS__); \
		n = k < 0 ? n : (n + (size_t)k < size ? n + (size_t)k : size - 1); \
	} while (0)
	if (named && c->name)
		PUT("%s: ", c->name);
	if (!c->function)
		PUT("%s", c->what ? c->what : "main chunk");
	else if (c->or_function)
		PUT("function '%s' or '%s'", c->function, c->or_function);
	else
		PUT("function '%s'", c->function);
	if (c->first > 0) {
		size_t at;
		PUT(", ");
		at = n;
		if (c->last > c->first)
			PUT("items %ld to %ld", c->first, c->last);
		else
			PUT("item %ld", c->first);
		if (n + 1 < size) {
			*items_at = at;
			*items_len = n - at;
		}
	}
	if (c->note)
		PUT(" %s", c->note);
#undef PUT
}

static void fill_call(kam_err *e, const struct kam_err_call *c)
{
	const char *f = c->function;
	if (f)
		copy_cut(e->function, sizeof e->function, f);
	e->first = c->first > 0 ? c->first : 0;
	e->last = c->first > 0 ? (c->last > c->first ? c->last : c->first) : 0;
	e->items_at = e->items_len = 0;
}

void kam_err_call_prefix(kam_err *e, const struct kam_err_call *c)
{
	char place[768], old[sizeof e->msg];
	size_t at, len, plen;
	if (!e)
		return;
	render_call(place, sizeof place, c, 1, &at, &len);
	plen = strlen(place);
	memcpy(old, e->msg, sizeof old);
	if (snprintf(e->msg, sizeof e->msg, "%s: %s", place, old) >= (int)sizeof e->msg)
		kam_err_mark_cut(e);
	fill_call(e, c);
	if (len && plen + 2 < sizeof e->msg - 4) {
		e->items_at = (unsigned)at;
		e->items_len = (unsigned)len;
	}
}

void kam_err_call_suffix(kam_err *e, const struct kam_err_call *c)
{
	char place[768];
	size_t at, len, plen, keep;
	if (!e)
		return;
	render_call(place, sizeof place, c, 0, &at, &len);
	plen = strlen(place);
	keep = strlen(e->msg);
	/* " (" place ")" must fit: the message gives way, marked, at a character boundary. */
	if (keep + plen + 4 > sizeof e->msg) {
		keep = sizeof e->msg > plen + 8 ? sizeof e->msg - plen - 8 : 0;
		while (keep > 0 && ((unsigned char)e->msg[keep] & 0xc0) == 0x80)
			keep--;
		memcpy(e->msg + keep, "...", 3);
		keep += 3;
	}
	snprintf(e->msg + keep, sizeof e->msg - keep, " (%s)", place);
	fill_call(e, c);
	if (len) {
		e->items_at = (unsigned)(keep + 2 + at);
		e->items_len = (unsigned)len;
	}
}

void kam_err_name_items(kam_err *e, const char *text)
{
	char out[sizeof e->msg];
	size_t at, len, n;
	if (!e || !e->items_len)
		return;
	at = e->items_at;
	len = e->items_len;
	n = strlen(e->msg);
	if (at + len > n)
		return;
	if (snprintf(out, sizeof out, "%.*s%s%s", (int)at, e->msg, text, e->msg + at + len) >= (int)sizeof out) {
		memcpy(e->msg, out, sizeof out);
		kam_err_mark_cut(e);
		e->items_len = 0;
		return;
	}
	memcpy(e->msg, out, sizeof out);
	e->items_len = (unsigned)strlen(text);
}
