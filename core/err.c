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
	if (snprintf(e->msg, sizeof e->msg, "%s: %s", head, old) >= (int)sizeof e->msg)
		kam_err_mark_cut(e);
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
