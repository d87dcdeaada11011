/* money: yuan strings and JSON doubles to integer fen, exactly; fen back to yuan. */
#include <math.h>
#include <stdint.h>

#include "money.h"
#include "tap.h"

static void parse_ok(const char *s, int flags, int64_t want)
{
	kam_err e = {0};
	int64_t fen = -12345;
	int rc = kam_money_parse(s, flags, &fen, &e);
	if (!is_int(rc, 0, "parse '%s'", s))
		printf("#   %s\n", e.msg);
	is_int(fen, want, "parse '%s' = %lld fen", s, (long long)want);
}

static void parse_err(const char *s, int flags, const char *msg)
{
	kam_err e = {0};
	int64_t fen = -12345;
	is_int(kam_money_parse(s, flags, &fen, &e), -1, "refuse '%s'", s);
	is_str(e.msg, msg, "refuse '%s': message", s);
	is_int(fen, -12345, "refuse '%s': result untouched", s);
}

static void test_parse(void)
{
	parse_ok("0", 0, 0);
	parse_ok("0.01", 0, 1);
	parse_ok("-0.01", 0, -1);
	parse_ok("0.1", 0, 10);
	parse_ok("12345.6", 0, 1234560);
	parse_ok("12345.60", 0, 1234560);
	parse_ok("19.99", 0, 1999);
	parse_ok("1,234.50", 0, 123450);
	parse_ok("12,345", 0, 1234500);
	parse_ok("1,234,567.89", 0, 123456789);
	parse_ok("  12.5 \t", 0, 1250);
	parse_ok(".5", 0, 50);
	parse_ok("-.05", 0, -5);
	parse_ok("+3", 0, 300);
	parse_ok("007.50", 0, 750);
	parse_ok("-0", KAM_MONEY_NONNEG, 0);
	parse_ok("-0.00", 0, 0);
	parse_ok("92233720368547758.07", 0, INT64_MAX);
	parse_ok("-92233720368547758.07", 0, -INT64_MAX);
	parse_ok("5", KAM_MONEY_NONNEG, 500);

	parse_err("12.345", 0, "amount '12.345' has more than 2 decimals");
	parse_err("12.340", 0, "amount '12.340' has more than 2 decimals");
	parse_err("1e5", 0, "amount '1e5' has an exponent; write plain digits like 100000");
	parse_err("1.5E3", 0, "amount '1.5E3' has an exponent; write plain digits like 100000");
	parse_err("\xC2\xA5" "5", 0, "amount '\xC2\xA5" "5' has a currency sign or unit; write the number of yuan only");
	parse_err("￥5.00", 0, "amount '￥5.00' has a currency sign or unit; write the number of yuan only");
	parse_err("5元", 0, "amount '5元' has a currency sign or unit; write the number of yuan only");
	parse_err("$5", 0, "amount '$5' has a currency sign or unit; write the number of yuan only");
	parse_err("RMB 5", 0, "amount 'RMB 5' has a currency sign or unit; write the number of yuan only");
	parse_err("１２.５", 0, "amount '１２.５' has full-width digits; use ASCII digits 0-9");
	parse_err("12．5", 0, "amount '12．5' has full-width characters; use ASCII digits, '.' and '-'");
	parse_err("1,23.4", 0, "amount '1,23.4' has misplaced thousands separators");
	parse_err("1234,567", 0, "amount '1234,567' has misplaced thousands separators");
	parse_err(",123", 0, "amount ',123' has misplaced thousands separators");
	parse_err("1,,234", 0, "amount '1,,234' has misplaced thousands separators");
	parse_err("1,2345", 0, "amount '1,2345' has misplaced thousands separators");
	parse_err("", 0, "amount is empty");
	parse_err("   ", 0, "amount is empty");
	parse_err(".", 0, "amount '.' is not a number");
	parse_err("-", 0, "amount '-' is not a number");
	parse_err("+", 0, "amount '+' is not a number");
	parse_err("1.", 0, "amount '1.' has no digits after the decimal point");
	parse_err("--5", 0, "amount '--5' is not a number");
	parse_err("5-", 0, "amount '5-' is not a number");
	parse_err("(5.00)", 0, "amount '(5.00)' is not a number");
	parse_err("1 000", 0, "amount '1 000' is not a number");
	parse_err("abc", 0, "amount 'abc' is not a number");
	parse_err("0x10", 0, "amount '0x10' is not a number");
	parse_err("NaN", 0, "amount 'NaN' is not a number");
	parse_err("9223372036854775807", 0, "amount '9223372036854775807' is out of range");
	parse_err("92233720368547758.08", 0, "amount '92233720368547758.08' is out of range");
	parse_err("-92233720368547758.08", 0, "amount '-92233720368547758.08' is out of range");
	parse_err("99999999999999999999999999", 0, "amount '99999999999999999999999999' is out of range");
	parse_err("-5", KAM_MONEY_NONNEG, "amount '-5' is negative");
	parse_err("-0.01", KAM_MONEY_NONNEG, "amount '-0.01' is negative");
	parse_err("1\t2", 0, "amount '1?2' is not a number");
	parse_err("123456789012345678901234567890123456789012345",
		  0, "amount '1234567890123456789012345678901234567890...' is out of range");

	{
		kam_err e = {0};
		int64_t fen = 0;
		ok(kam_money_parsen("12.34junk", 5, 0, &fen, &e) == 0 && fen == 1234,
		   "parsen reads only n bytes");
	}
}

static void test_format(void)
{
	char buf[KAM_MONEY_BUFSZ];
	is_str(kam_money_format(0, buf), "0.00", "format 0");
	is_str(kam_money_format(1, buf), "0.01", "format 1 fen");
	is_str(kam_money_format(-5, buf), "-0.05", "format -5 fen");
	is_str(kam_money_format(1234560, buf), "12345.60", "format 12345.60");
	is_str(kam_money_format(-100, buf), "-1.00", "format -1 yuan");
	is_str(kam_money_format(INT64_MAX, buf), "92233720368547758.07", "format INT64_MAX");
	is_str(kam_money_format(INT64_MIN, buf), "-92233720368547758.08", "format INT64_MIN");

	/* format then parse gives the same fen back */
	{
		static const int64_t v[] = {0, 1, -1, 99, -99, 100, 1999, 123456789, -987654321012,
					    INT64_MAX, -INT64_MAX};
		size_t i, bad = 0;
		for (i = 0; i < sizeof v / sizeof *v; i++) {
			int64_t back = 0;
			kam_err e;
			if (kam_money_parse(kam_money_format(v[i], buf), 0, &back, &e) < 0 || back != v[i])
				bad++;
		}
		is_int(bad, 0, "format/parse round trip");
	}
}

static void dbl_ok(double d, int64_t want, const char *what)
{
	kam_err e = {0};
	int64_t fen = -12345;
	int rc = kam_money_from_double(d, 0, &fen, &e);
	if (!is_int(rc, 0, "double %s", what))
		printf("#   %s\n", e.msg);
	is_int(fen, want, "double %s = %lld fen", what, (long long)want);
}

static void dbl_err(double d, const char *msg, const char *what)
{
	kam_err e = {0};
	int64_t fen = -12345;
	is_int(kam_money_from_double(d, 0, &fen, &e), -1, "double %s refused", what);
	is_str(e.msg, msg, "double %s: message", what);
}

static void test_double(void)
{
	volatile double a = 0.1, b = 0.2;   /* computed at run time */
	dbl_ok(19.99, 1999, "19.99 (never 1998)");
	dbl_ok(0.0, 0, "0");
	dbl_ok(-0.0, 0, "-0");
	dbl_ok(0.01, 1, "0.01");
	dbl_ok(-0.01, -1, "-0.01");
	dbl_ok(0.07, 7, "0.07");
	dbl_ok(0.3, 30, "0.3");
	dbl_ok(100000.0, 10000000, "100000 (%g prints 1e+05)");
	dbl_ok(12345.6, 1234560, "12345.6");
	dbl_ok(1234567.89, 123456789, "1234567.89");
	dbl_ok(9e16, 9000000000000000000LL, "9e16");
	dbl_ok(-1e16, -1000000000000000000LL, "-1e16");
	dbl_err(a + b, "amount 0.30000000000000004 has more than 2 decimals", "0.1+0.2");
	dbl_err(12.345, "amount 12.345 has more than 2 decimals", "12.345");
	dbl_err(1.005, "amount 1.005 has more than 2 decimals", "1.005");
	dbl_err(1e-5, "amount 1e-05 has more than 2 decimals", "1e-5");
	dbl_err(NAN, "amount is not a finite number", "NaN");
	dbl_err(INFINITY, "amount is not a finite number", "inf");
	dbl_err(-INFINITY, "amount is not a finite number", "-inf");
	dbl_err(1e300, "amount 1e+300 is out of range", "1e300");
	dbl_err(9.3e16, "amount 9.3e+16 is out of range", "9.3e16");
	{
		kam_err e = {0};
		int64_t fen;
		is_int(kam_money_from_double(-5.5, KAM_MONEY_NONNEG, &fen, &e), -1, "double negative refused");
		is_str(e.msg, "amount -5.5 is negative", "double negative message");
	}
	/* every amount up to 10000 yuan, as a JSON writer would print it, comes back exact */
	{
		int64_t i, fen, bad = -1;
		kam_err e;
		for (i = 0; i <= 1000000 && bad < 0; i++)
			if (kam_money_from_double((double)i / 100.0, 0, &fen, &e) < 0 || fen != i)
				bad = i;
		is_int(bad, -1, "i/100.0 gives i fen for 0..1000000 (first failure)");
	}
}

static void test_yuan(void)
{
	kam_err e = {0};
	int64_t fen = 0;
	ok(kam_money_from_yuan(5, 0, &fen, &e) == 0 && fen == 500, "from_yuan 5");
	ok(kam_money_from_yuan(-5, 0, &fen, &e) == 0 && fen == -500, "from_yuan -5");
	is_int(kam_money_from_yuan(-5, KAM_MONEY_NONNEG, &fen, &e), -1, "from_yuan negative refused");
	is_str(e.msg, "amount -5 is negative", "from_yuan negative message");
	is_int(kam_money_from_yuan(INT64_MAX / 100 + 1, 0, &fen, &e), -1, "from_yuan overflow");
	is_str(e.msg, "amount 92233720368547759 is out of range", "from_yuan overflow message");
	ok(kam_money_from_yuan(INT64_MAX / 100, 0, &fen, &e) == 0 && fen == INT64_MAX / 100 * 100,
	   "from_yuan largest");
}

int main(void)
{
	test_parse();
	test_format();
	test_double();
	test_yuan();
	return done_testing();
}
