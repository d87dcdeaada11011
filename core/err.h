/* Error records: C functions return -1 and fill one; the CLI prints it as one line. */
#ifndef KAM_ERR_H
#define KAM_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses of the kam command (PRODUCT.md). */
/* KAM_PARTIAL: done in part (an import that loaded the good rows and wrote the bad ones
 * to a reject file), so that a cron job can tell "all loaded" from "some loaded". */
enum kam_status { KAM_OK = 0, KAM_FAIL = 1, KAM_USAGE = 2, KAM_PARTIAL = 3 };

typedef struct kam_err {
	int status;         /* KAM_FAIL or KAM_USAGE */
	char msg[2048];     /* lowercase, place first, no final period */
} kam_err;

/* Fill e (when not NULL) and return -1, so callers can write `return kam_errf(...)`. */
int kam_errf(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kam_verrf(kam_err *e, const char *fmt, va_list ap);
/* Same, exit status 2 (wrong usage). */
int kam_usagef(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put "prefix: " in front of an error already recorded. */
void kam_err_prefix(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kam_err_clear(kam_err *e);
/* End a message that filled the record with "..." (cut at a character boundary). */
void kam_err_mark_cut(kam_err *e);

#endif
