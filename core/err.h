/* Error records: C functions return -1 and fill one; the CLI prints it as one line. */
#ifndef KAM_ERR_H
#define KAM_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses of the kam command (PRODUCT.md). */
/* KAM_PARTIAL: done in part (an import that loaded the good rows and wrote the bad ones
 * to a reject file), so that a cron job can tell "all loaded" from "some loaded". */
enum kam_status { KAM_OK = 0, KAM_FAIL = 1, KAM_USAGE = 2, KAM_PARTIAL = 3 };

/* An error is data: the message for people, and beside it where and in what it happened,
 * so that callers decide by fields and never parse the message again.  kam_errf and
 * kam_usagef start a new record (every field cleared); kam_err_prefix keeps the fields. */
typedef struct kam_err {
	int status;         /* KAM_FAIL or KAM_USAGE */
	char msg[2048];     /* lowercase, place first, no final period */
	struct {
		char file[256]; /* the input file or script, "" when none */
		long line;      /* 1-based, 0 when none */
		long column;    /* 1-based, 0 when none (JSON keys) */
		char field[64]; /* the column or field, "" when none */
	} where;
	char function[64];  /* the policy function that failed, "" when none */
	long long customer; /* the customer's code, 0 when none or not known */
	long first, last;   /* the batch items (1-based) it belongs to, 0 when not known */
	/* Where msg names those items ("item 17", "items 1 to 2000"), so that a caller that
	 * knows what the items are names them instead (kam_err_name_items); 0 long when not. */
	unsigned items_at, items_len;
	int interrupted;    /* Ctrl-C, not the work's own failure */
	char traceback[2048]; /* Lua's, "" when none */
} kam_err;

/* Fill e (when not NULL) and return -1, so callers can write `return kam_errf(...)`. */
int kam_errf(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kam_verrf(kam_err *e, const char *fmt, va_list ap);
/* Same, exit status 2 (wrong usage). */
int kam_usagef(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put "prefix: " in front of an error already recorded. */
void kam_err_prefix(kam_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kam_err_clear(kam_err *e);
/* Set where it happened (file may be NULL to keep it; line 0 and field NULL likewise). */
void kam_err_at(kam_err *e, const char *file, long line, const char *field);
/* Set the policy function and customer it happened in (NULL / 0 keep what is there). */
void kam_err_in(kam_err *e, const char *function, long long customer);
/* Keep a Lua traceback beside the message (cut at a character boundary when too long). */
void kam_err_traceback(kam_err *e, const char *tb);
/* The place of a call into a batch function: "function 'f'" (or "function 'f' or 'g'"
 * for a chain of two when which one ran is not known; `what` instead when no function:
 * "main chunk", "module"), then ", item N" or ", items N to M" when first > 0, then the
 * note.  It fills the record's function, first, last and items_at/items_len. */
struct kam_err_call {
	const char *name;        /* the script's name, or NULL: "NAME: " starts the prefix */
	const char *function;    /* NULL: `what` is the place */
	const char *or_function; /* the chain's other function, or NULL */
	const char *what;        /* NULL: "main chunk" */
	long first, last;        /* 0: no item */
	const char *note;        /* NULL, or said after the items */
};
/* "NAME: PLACE: message" */
void kam_err_call_prefix(kam_err *e, const struct kam_err_call *c);
/* "message (PLACE)": the message loses its end, marked, rather than the place. */
void kam_err_call_suffix(kam_err *e, const struct kam_err_call *c);
/* Put text where msg names the batch items (a caller naming them its own way, "customer
 * 42010000000001"); nothing when msg names none. */
void kam_err_name_items(kam_err *e, const char *text);
/* End a message that filled the record with "..." (cut at a character boundary). */
void kam_err_mark_cut(kam_err *e);

#endif
