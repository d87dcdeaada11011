/* Cells of import files: codes, months, enumerations, booleans, money, counts. */
#include "kinds.h"
#include "tap.h"

static const struct kam_column *col(const char *kind, const char *name)
{
	const struct kam_kind *k = kam_kind_find(kind);
	int i = kam_kind_column(k, name, strlen(name));
	return i < 0 ? NULL : &k->cols[i];
}

static int parse(const char *kind, const char *name, const char *cell, kam_value *v, kam_err *e)
{
	return kam_cell_parse(col(kind, name), cell, strlen(cell), v, e);
}

static void good_int(const char *kind, const char *name, const char *cell, long long want)
{
	kam_value v;
	kam_err e = {0};
	int rc = parse(kind, name, cell, &v, &e);
	ok(rc == 0 && v.kind == KAM_V_INT && v.i == want, "%s '%s' reads as %lld%s%s", name, cell, want,
	   rc ? ": " : "", rc ? e.msg : "");
}

static void good_text(const char *kind, const char *name, const char *cell, const char *want)
{
	kam_value v;
	kam_err e = {0};
	int rc = parse(kind, name, cell, &v, &e);
	ok(rc == 0 && v.kind == KAM_V_TEXT && v.len == strlen(want) && memcmp(v.s, want, v.len) == 0,
	   "%s '%s' reads as '%s'%s%s", name, cell, want, rc ? ": " : "", rc ? e.msg : "");
}

static void bad(const char *kind, const char *name, const char *cell, const char *msg)
{
	kam_value v;
	kam_err e = {0};
	int rc = parse(kind, name, cell, &v, &e);
	ok(rc < 0 && strstr(e.msg, msg) != NULL, "%s '%s' is refused with '%s' (got '%s')", name, cell, msg,
	   rc < 0 ? e.msg : "accepted");
}

int main(void)
{
	const struct kam_kind *ledger = kam_kind_find("ledger");
	char buf[64];

	ok(kam_kind_find("customers") && ledger && !kam_kind_find("nothing"), "kinds are found by name");
	is_int(kam_kind_column(ledger, "Amount", 6), 3, "English headers in any case");
	is_int(kam_kind_column(ledger, "收入", strlen("收入")), 3, "Chinese headers");
	is_int(kam_kind_column(ledger, " 月份 ", strlen(" 月份 ")), 1, "headers are trimmed");
	is_int(kam_kind_column(ledger, "amt", 3), -1, "an unknown header is -1");

	good_int("ledger", "code", "42010000001000", 42010000001000LL);
	good_int("ledger", "code", " 42010000001000 ", 42010000001000LL);
	/* Codes that came as numbers: kept when no digit can be lost, else refused with the
	 * fix for where the file came from. */
	bad("ledger", "code", "4.20100000010E+13", "code '4.20100000010E+13' is the number 42010000001000 in E "
	    "notation, which may have dropped digits; format the column as text in the spreadsheet before "
	    "saving the CSV");
	bad("ledger", "code", "4.201E+13", "is the number 42010000000000 in E notation");
	good_int("ledger", "code", "42010000001000.0", 42010000001000LL);
	good_int("ledger", "code", "42010000001000.00", 42010000001000LL);
	bad("ledger", "code", "42010000001000.5", "is a number with a fraction, not a code");
	bad("ledger", "code", "4201000000100012.0", "is the number 4201000000100012, 16 significant digits; a "
	    "spreadsheet keeps 15, so the last ones are lost");
	bad("ledger", "code", "4.201000000100012345E+30", "is a number of 19 significant digits");
	bad("ledger", "code", "4.201000000100012E+15", "16 significant digits");
	bad("ledger", "code", "-42010000001000.0", "is a negative number");
	bad("ledger", "code", "4.2E+300", "is a number of 301 digits in E notation");
	bad("ledger", "code", "0042010000001.0", "is a number, not a code");
	good_text("customers", "admin_code", "420102.0", "420102");
	bad("customers", "admin_code", "4.20102E+05", "division code '4.20102E+05' is the number 420102 in E notation");
	bad("customers", "admin_code", "420102.5", "with a fraction");
	{
		const struct kam_column *c = col("ledger", "code");
		kam_value v;
		kam_err e = {0};
		int rc = kam_cell_parse_from(c, "4.2010000001E+13", 16, KAM_FROM_SHEET, &v, &e);
		ok(rc < 0 && strstr(e.msg, "the value itself is wrong: enter the code as text") != NULL,
		   "from a spreadsheet cell the value itself is wrong (got '%s')", e.msg);
		rc = kam_cell_parse_from(c, "42010000001000", 14, KAM_FROM_SHEET, &v, &e);
		ok(rc == 0 && v.i == 42010000001000LL, "a cell's exact digits are the code");
		c = col("ledger", "month");
		rc = kam_cell_parse_from(c, "2025-03-01", 10, KAM_FROM_SHEET, &v, &e);
		ok(rc == 0 && v.i == 202503, "a spreadsheet's date cell is its month");
		rc = kam_cell_parse_from(c, "2025-12-31T13:30:00", 19, KAM_FROM_SHEET, &v, &e);
		ok(rc == 0 && v.i == 202512, "a date with a time too");
		rc = kam_cell_parse_from(c, "2025-03-01", 10, KAM_FROM_CSV, &v, &e);
		ok(rc < 0 && strstr(e.msg, "is a date") != NULL, "in a CSV a date stays refused");
		rc = kam_cell_parse_from(c, "2025-03-41", 10, KAM_FROM_SHEET, &v, &e);
		ok(rc < 0, "a day past 31 is no date");
	}
	bad("ledger", "code", "４２０１００００００１０００", "full-width");
	bad("ledger", "code", "4201000000100", "has 13 digits, not 14");
	bad("ledger", "code", "02010000001000", "cannot start with 0");
	bad("ledger", "code", "42O10000001000", "must be 14 digits");
	bad("ledger", "code", "", "is empty");

	good_int("ledger", "month", "2025-03", 202503);
	good_int("ledger", "month", "2025/3", 202503);
	good_int("ledger", "month", "202512", 202512);
	good_int("ledger", "month", "2025年3月", 202503);
	bad("ledger", "month", "2025-13", "13 is not a month");
	bad("ledger", "month", "2025-00", "0 is not a month");
	bad("ledger", "month", "2025-03-01", "is a date");
	bad("ledger", "month", "45717", "spreadsheet date number");
	bad("ledger", "month", "March", "must be YYYY-MM");
	bad("ledger", "month", "1899-12", "out of range");

	good_text("ledger", "line", "express", "express");
	good_text("ledger", "line", "特快", "express");
	good_text("ledger", "line", "账单", "billing");
	good_text("ledger", "line", "Same_City", "same_city");
	bad("ledger", "line", "快递", "must be one of express, logistics");

	good_int("ledger", "amount", "12345.60", 1234560);
	good_int("ledger", "amount", "-5", -500);
	bad("ledger", "amount", "12.345", "more than 2 decimals");
	good_int("ledger", "volume", "17", 17);
	bad("ledger", "volume", "1.5", "whole number");
	bad("ledger", "volume", "-3", "whole number");

	good_text("customers", "place", "省会", "capital");
	good_text("customers", "place", "county", "county");
	bad("customers", "place", "town", "capital, city, county (省会, 地市, 县)");
	good_int("customers", "agreement", "是", 1);
	good_int("customers", "agreement", "No", 0);
	good_int("customers", "agreement", "", 0);
	bad("customers", "agreement", "maybe", "yes or no");
	good_text("customers", "name", " 武汉 公司 ", " 武汉 公司 ");
	bad("customers", "name", "   ", "is empty");
	good_text("customers", "admin_code", "420100", "420100");
	bad("customers", "admin_code", "42010", "6-digit");
	good_text("customers", "important", "省级", "province");

	kam_cell_format_int(&ledger->cols[0], 42010000001000LL, 0, buf, sizeof buf);
	is_str(buf, "42010000001000", "codes are written with 14 digits");
	kam_cell_format_int(&ledger->cols[1], 202503, 0, buf, sizeof buf);
	is_str(buf, "2025-03", "months are written YYYY-MM");
	kam_cell_format_int(&ledger->cols[3], -5, 0, buf, sizeof buf);
	is_str(buf, "-0.05", "money is written in yuan");
	{
		size_t n;
		const char *w = kam_enum_zh(col("customers", "place"), "county", &n);
		ok(n == strlen("县") && memcmp(w, "县", n) == 0, "enumerations have Chinese words");
	}
	return done_testing();
}
