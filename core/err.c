#include "err.h"

#include <stdio.h>
#include <string.h>

int kam_verrf(kam_err *e, const char *fmt, va_list ap)
{
	if (e) {
		e->status = KAM_FAIL;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
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
	e->status = KAM_OK;
	e->msg[0] = '\0';
}
