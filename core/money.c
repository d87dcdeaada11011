#include "money.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textenc.h"

/* The largest whole number of yuan whose fen still fit in an int64. */
#define MAX_YUAN (INT64_MAX / 100)
#define MAX_FEN_REST (INT64_MAX % 100)

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* The amount as shown in messages: cut at 40 bytes on a UTF-8 boundary, controls as '?'. */
static const char *shown(const char *s, size_t n, char *buf, size_t bufsz)
{
	size_t i, o = 0, lim = n > 40 ? 40 : n;
	while (lim < n && lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80)
		lim--;
	for (i = 0; i < lim && o + 4 < bufsz; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	if (lim < n && o + 4 < bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static int has(const char *s, size_t n, const char *what)
{
	return memmem(s, n, what, strlen(what)) != NULL;
}

/* Why a string that is not a plain decimal was refused: the mistakes people actually make. */
static int explain(const char *s, size_t n, const char *sh, kam_err *e)
{
	long fw = kam_utf8_find_fullwidth(s, n);
	if (fw >= 0) {
		/* U+FF10..U+FF19 are EF BC 90..99 */
		unsigned char c = (unsigned char)s[fw + 2];
		if ((unsigned char)s[fw + 1] == 0xBC && c >= 0x90 && c <= 0x99)
			return kam_errf(e, "amount '%s' has full-width digits; use ASCII digits 0-9", sh);
		return kam_errf(e, "amount '%s' has full-width characters; use ASCII digits, '.' and '-'", sh);
	}
	if (has(s, n, "\xC2\xA5") || has(s, n, "\xEF\xBF\xA5") || has(s, n, "$") ||
	    has(s, n, "\xE5\x85\x83") || has(s, n, "RMB") || has(s, n, "CNY"))
		return kam_errf(e, "amount '%s' has a currency sign or unit; write the number of yuan only", sh);
	return kam_errf(e, "amount '%s' is not a number", sh);
}

int kam_money_parsen(const char *s, size_t n, int flags, int64_t *fen, kam_err *e)
{
	char sh[64];
	uint64_t yuan = 0;
	int64_t frac = 0, v;
	int neg = 0, intdigits = 0, fracdigits = 0, point = 0, group = 0, commas = 0;
	int badgroup = 0, overflow = 0;
	size_t i = 0;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return kam_errf(e, "amount is empty");
	shown(s, n, sh, sizeof sh);

	if (s[0] == '+' || s[0] == '-')
		neg = s[i++] == '-';
	for (; i < n; i++) {
		char c = s[i];
		if (IS_DIGIT(c)) {
			if (!overflow) {
				yuan = yuan * 10 + (uint64_t)(c - '0');
				overflow = yuan > (uint64_t)MAX_YUAN;
			}
			intdigits++;
			group++;
		} else if (c == ',') {
			/* first group 1-3 digits, every later one exactly 3 */
			if (group == 0 || (commas ? group != 3 : group > 3))
				badgroup = 1;
			commas++;
			group = 0;
		} else
			break;
	}
	if (commas && group != 3)
		badgroup = 1;
	if (i < n && s[i] == '.') {
		point = 1;
		for (i++; i < n && IS_DIGIT(s[i]); i++) {
			if (fracdigits < 2)
				frac = frac * 10 + (s[i] - '0');
			fracdigits++;
		}
	}
	if (i < n) {
		if ((s[i] == 'e' || s[i] == 'E') && (intdigits || fracdigits))
			return kam_errf(e, "amount '%s' has an exponent; write plain digits like 100000", sh);
		return explain(s, n, sh, e);
	}
	if (!intdigits && !fracdigits)
		return explain(s, n, sh, e);
	if (badgroup)
		return kam_errf(e, "amount '%s' has misplaced thousands separators", sh);
	if (point && !fracdigits)
		return kam_errf(e, "amount '%s' has no digits after the decimal point", sh);
	if (fracdigits > 2)
		return kam_errf(e, "amount '%s' has more than 2 decimals", sh);
	if (fracdigits == 1)
		frac *= 10;
	if (overflow || (yuan == (uint64_t)MAX_YUAN && frac > MAX_FEN_REST))
		return kam_errf(e, "amount '%s' is out of range", sh);
	v = (int64_t)yuan * 100 + frac;
	if (neg && v && (flags & KAM_MONEY_NONNEG))
		return kam_errf(e, "amount '%s' is negative", sh);
	*fen = neg ? -v : v;
	return 0;
}

int kam_money_parse(const char *s, int flags, int64_t *fen, kam_err *e)
{
	return kam_money_parsen(s, strlen(s), flags, fen, e);
}

size_t kam_digits(char *out, uint64_t v, int width)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while ((int)n < width && n < sizeof tmp)
		tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

char *kam_money_format(int64_t fen, char buf[KAM_MONEY_BUFSZ])
{
	/* through unsigned so INT64_MIN has a magnitude too */
	uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	size_t n = 0;
	if (fen < 0)
		buf[n++] = '-';
	n += kam_digits(buf + n, m / 100, 1);
	buf[n++] = '.';
	n += kam_digits(buf + n, m % 100, 2);
	buf[n] = '\0';
	return buf;
}

int kam_money_from_double(double d, int flags, int64_t *fen, kam_err *e)
{
	char repr[40];
	const char *p;
	int64_t digits = 0, v;
	int exp10 = 0, afterpoint = 0, seenpoint = 0, prec, neg = 0;

	if (!isfinite(d))
		return kam_errf(e, "amount is not a finite number");
	/* The shortest decimal that reads back as the same double is what the writer meant. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(repr, sizeof repr, "%.*g", prec, d);
		if (strtod(repr, NULL) == d)
			break;
	}
	/* beyond ±9.3e16 yuan nothing fits in int64 fen; the exact check comes below */
	if (fabs(d) >= 1e17)
		return kam_errf(e, "amount %s is out of range", repr);
	/*
	 * repr is [-]digits[<radix>digits][e±NN]. The radix character follows LC_NUMERIC,
	 * so anything that is not a digit, a sign or an exponent counts as the point.
	 */
	p = repr;
	if (*p == '-')
		neg = 1, p++;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (IS_DIGIT(*p)) {
			digits = digits * 10 + (*p - '0');   /* at most 17 digits: no overflow */
			afterpoint += seenpoint;
		} else
			seenpoint = 1;
	}
	if (*p)
		exp10 = atoi(p + 1);
	exp10 -= afterpoint;            /* value = digits * 10^exp10 */
	if (exp10 < -2)
		return kam_errf(e, "amount %s has more than 2 decimals", repr);
	v = digits;
	for (; exp10 > -2; exp10--)
		if (__builtin_mul_overflow(v, 10, &v))
			return kam_errf(e, "amount %s is out of range", repr);
	if (neg && v && (flags & KAM_MONEY_NONNEG))
		return kam_errf(e, "amount %s is negative", repr);
	*fen = neg ? -v : v;
	return 0;
}

int kam_money_from_yuan(int64_t yuan, int flags, int64_t *fen, kam_err *e)
{
	if (yuan > MAX_YUAN || yuan < -MAX_YUAN)
		return kam_errf(e, "amount %" PRId64 " is out of range", yuan);
	if (yuan < 0 && (flags & KAM_MONEY_NONNEG))
		return kam_errf(e, "amount %" PRId64 " is negative", yuan);
	*fen = yuan * 100;
	return 0;
}
