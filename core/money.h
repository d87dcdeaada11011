/*
 * Money: integer fen (1 yuan = 100 fen) in an int64, never a floating-point value.
 * Decimal yuan strings at the edges ("12345.60"), parsed and printed exactly.
 *
 * Accepted by kam_money_parse: surrounding ASCII spaces/tabs, an optional '+' or '-',
 * digits with an optional '.' and 1-2 decimals; ".5" (spreadsheets and some exports drop
 * the leading zero) is 0.50; thousands separators only when every group after the first
 * has exactly 3 digits ("1,234,567.50"). Refused, each with its own message: empty, "-",
 * ".", "1." (a point without decimals is more likely a cut-off value than a style),
 * "12.345", "1e5", currency signs or units ("¥5", "￥5", "$5", "5元"), full-width digits
 * ("１２"), misplaced separators ("1,23.4"), anything else, and values beyond int64 fen
 * (|amount| > 92233720368547758.07 yuan). "-0" and "-0.00" are zero.
 *
 * Messages name the amount but not its place; the caller prefixes "file:line: field 'x': ".
 */
#ifndef KAM_MONEY_H
#define KAM_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Flags */
#define KAM_MONEY_NONNEG 1   /* refuse negative amounts (customers' figures); ledger refunds allow them */

/* The largest amount a data file may hold, in fen: ±1,000,000,000,000.00 yuan (10^12).
 * A ledger amount or a bureau's annual revenue beyond it is a typing error, and bounding
 * it leaves sums over millions of rows far from int64's limit. */
#define KAM_MONEY_MAX_IMPORT 100000000000000LL

/* Buffer size that always holds kam_money_format's output ("-92233720368547758.08"). */
#define KAM_MONEY_BUFSZ 32

/* Parses the NUL-terminated yuan string s into *fen; -1 and e filled when refused. */
int kam_money_parse(const char *s, int flags, int64_t *fen, kam_err *e);

/* Same for s[0..n) (need not be NUL-terminated). */
int kam_money_parsen(const char *s, size_t n, int flags, int64_t *fen, kam_err *e);

/* Writes fen as yuan with exactly 2 decimals ("12345.60", "-0.05", "0.00"); returns buf. */
char *kam_money_format(int64_t fen, char buf[KAM_MONEY_BUFSZ]);
/* v in decimal, zero-padded to at least width digits, at out (room for 20 digits or
 * width, whichever is more, and no terminator); returns the number of digits.  Exports
 * write millions of numbers: this is printf's work without printf's cost. */
size_t kam_digits(char *out, uint64_t v, int width);

/*
 * From a JSON number that arrived as a double: accepted only when its shortest round-trip
 * decimal form has at most 2 decimals, which is then converted exactly (19.99 is 1999 fen,
 * never 1998). 0.1+0.2 (0.30000000000000004) is refused with "has more than 2 decimals";
 * NaN, infinities and values beyond int64 fen are refused.
 */
int kam_money_from_double(double d, int flags, int64_t *fen, kam_err *e);

/* From a JSON integer number of yuan (checked for overflow). */
int kam_money_from_yuan(int64_t yuan, int flags, int64_t *fen, kam_err *e);

#endif
