/* cron: expressions against next-run times worked out by hand from the calendar (month
 * ends, Feb 29, steps, names, cron's day-of-month OR day-of-week rule), in UTC,
 * Asia/Shanghai and America/New_York across both daylight-saving changes of 2026
 * (Mar 8: 02:00 EST -> 03:00 EDT at 07:00Z; Nov 1: 02:00 EDT -> 01:00 EST at 06:00Z);
 * bad expressions refused naming the field; ISO 8601 instants. */
#include <stdint.h>
#include <stdlib.h>

#include "cron.h"
#include "tap.h"

static int64_t at(const char *iso)
{
	kam_err e = {0};
	int64_t t = 0;
	if (kam_time_parse(iso, &t, &e) < 0) {
		printf("# bad time in the test: %s: %s\n", iso, e.msg);
		exit(1);
	}
	return t;
}

/* next(expr, tz, after) == want (both as UTC text, so a failure reads as a time). */
static void next_is(const char *expr, const char *tz, const char *after, const char *want)
{
	struct kam_cron c;
	kam_err e = {0};
	int64_t t = 0;
	char got[32] = "";
	if (kam_cron_parse(&c, expr, &e) < 0 || kam_cron_next(&c, tz, at(after), &t, &e) < 0) {
		ok(0, "'%s' in %s after %s: %s", expr, tz, after, e.msg);
		return;
	}
	kam_time_utc(t, got, sizeof got);
	is_str(got, want, "'%s' in %s after %s", expr, tz, after);
}

static void refused(const char *expr, const char *msg)
{
	struct kam_cron c;
	kam_err e = {0};
	is_int(kam_cron_parse(&c, expr, &e), -1, "'%s' is refused", expr);
	is_str(e.msg, msg, "'%s': the message names the field", expr);
	is_int(e.status, KAM_USAGE, "'%s': a usage error", expr);
}

int main(void)
{
	char buf[32], abbr[16];
	kam_err e = {0};
	int64_t t;

	/* ISO 8601 against epoch seconds from date(1). */
	is_int(at("2026-01-05T02:00:00+08:00"), 1767549600, "an instant with +08:00");
	is_int(at("2026-01-04T18:00Z"), 1767549600, "Z, no seconds");
	is_int(at("2026-01-04 13:00:00-0500"), 1767549600, "a space and -0500");
	is_int(kam_time_parse("2026-01-05T02:00:00", &t, &e), -1, "no offset is refused");
	is_str(e.msg, "time '2026-01-05T02:00:00' has no offset: add one (Z, +08:00)", "saying so");
	is_int(kam_time_parse("2026-02-29T00:00Z", &t, &e), -1, "2026-02-29 does not exist");
	is_int(kam_time_parse("yesterday", &t, &e), -1, "text is refused");
	ok(kam_time_format(1767549600, "Asia/Shanghai", buf, sizeof buf, abbr, sizeof abbr, &e) == 0 &&
	   strcmp(buf, "2026-01-05T02:00:00+08:00") == 0 && strcmp(abbr, "CST") == 0,
	   "formatted in Asia/Shanghai: %s %s", buf, abbr);
	ok(kam_time_format(at("2026-07-01T16:00Z"), "America/New_York", buf, sizeof buf, abbr, sizeof abbr, &e) ==
	   0 && strcmp(buf, "2026-07-01T12:00:00-04:00") == 0 && strcmp(abbr, "EDT") == 0,
	   "formatted in New York in summer: %s %s", buf, abbr);

	/* Zones. */
	ok(kam_tz_valid("Asia/Shanghai"), "Asia/Shanghai is a zone");
	ok(kam_tz_valid("UTC"), "UTC is a zone");
	ok(!kam_tz_valid("Mars/Olympus_Mons"), "Mars/Olympus_Mons is not");
	ok(!kam_tz_valid("../../etc/passwd"), "a path out of tzdata is not");
	ok(!kam_tz_valid(""), "nothing is not");

	/* Steps and lists. */
	next_is("*/15 * * * *", "UTC", "2026-01-05T02:07Z", "2026-01-05T02:15:00Z");
	next_is("*/15 * * * *", "UTC", "2026-01-05T02:15Z", "2026-01-05T02:30:00Z");
	next_is("*/15 * * * *", "UTC", "2026-01-05T23:50Z", "2026-01-06T00:00:00Z");
	next_is("5,35 8-10/2 * * *", "UTC", "2026-01-05T08:35Z", "2026-01-05T10:05:00Z");
	next_is("0 0 * * *", "UTC", "2026-12-31T00:00Z", "2027-01-01T00:00:00Z");

	/* Month ends: the 31st skips the short months, the 30th skips February. */
	next_is("0 0 31 * *", "UTC", "2026-01-31T00:00Z", "2026-03-31T00:00:00Z");
	next_is("0 0 31 * *", "UTC", "2026-08-31T00:00Z", "2026-10-31T00:00:00Z");
	next_is("0 0 30 * *", "UTC", "2026-01-30T00:00Z", "2026-03-30T00:00:00Z");
	next_is("0 23 28-31 2 *", "UTC", "2026-02-28T23:00Z", "2027-02-28T23:00:00Z");

	/* Feb 29: only in leap years. */
	next_is("0 12 29 2 *", "UTC", "2024-01-01T00:00Z", "2024-02-29T12:00:00Z");
	next_is("0 12 29 2 *", "UTC", "2024-02-29T12:00Z", "2028-02-29T12:00:00Z");
	next_is("0 12 29 2 *", "UTC", "2026-03-01T00:00Z", "2028-02-29T12:00:00Z");
	next_is("0 0 29 2 *", "UTC", "2099-03-01T00:00Z", "2104-02-29T00:00:00Z"); /* 2100 is common */

	/* Names, any case; Sunday as 0 or 7. */
	next_is("0 9 * jan,JUL mon", "UTC", "2026-01-01T00:00Z", "2026-01-05T09:00:00Z");
	next_is("30 8 * * MON-FRI", "UTC", "2026-01-09T09:00Z", "2026-01-12T08:30:00Z");
	next_is("0 0 * * 7", "UTC", "2026-01-05T00:00Z", "2026-01-11T00:00:00Z");
	next_is("0 0 * * fri-sun", "UTC", "2026-01-05T00:00Z", "2026-01-09T00:00:00Z");
	next_is("0 0 * * sat-sun", "UTC", "2026-01-10T00:00Z", "2026-01-11T00:00:00Z");

	/* Day of month with day of week: either, when both are restricted; both, when one
	 * starts with '*' (Fridays of 2026: Jan 2, 9, …; Feb 6, 13, …). */
	next_is("0 0 13 * fri", "UTC", "2026-01-01T00:00Z", "2026-01-02T00:00:00Z");
	next_is("0 0 13 * fri", "UTC", "2026-01-09T00:00Z", "2026-01-13T00:00:00Z");
	next_is("0 0 13 * *", "UTC", "2026-01-01T00:00Z", "2026-01-13T00:00:00Z");
	next_is("0 0 */2 * fri", "UTC", "2026-01-01T00:00Z", "2026-01-09T00:00:00Z"); /* odd and a Friday */

	/* Macros. */
	next_is("@daily", "UTC", "2026-01-05T00:00Z", "2026-01-06T00:00:00Z");
	next_is("@weekly", "UTC", "2026-01-05T00:00Z", "2026-01-11T00:00:00Z");
	next_is("@monthly", "UTC", "2026-01-05T00:00Z", "2026-02-01T00:00:00Z");
	next_is("@yearly", "UTC", "2026-01-05T00:00Z", "2027-01-01T00:00:00Z");
	next_is("@hourly", "UTC", "2026-01-05T00:00Z", "2026-01-05T01:00:00Z");

	/* Asia/Shanghai: +08:00 all year. */
	next_is("0 2 5 * *", "Asia/Shanghai", "2026-01-01T00:00Z", "2026-01-04T18:00:00Z");
	next_is("0 8 * * *", "Asia/Shanghai", "2026-01-05T00:00Z", "2026-01-06T00:00:00Z");
	next_is("0 0 1 1 *", "Asia/Shanghai", "2026-06-01T00:00Z", "2026-12-31T16:00:00Z");

	/* New York, spring: 02:00-02:59 on Mar 8 does not exist. */
	next_is("30 2 * * *", "America/New_York", "2026-03-07T12:00Z", "2026-03-08T07:00:00Z");
	next_is("30 2 * * *", "America/New_York", "2026-03-08T07:00Z", "2026-03-09T06:30:00Z");
	next_is("*/15 2 * * *", "America/New_York", "2026-03-08T06:00Z", "2026-03-08T07:00:00Z");
	next_is("*/15 2 * * *", "America/New_York", "2026-03-08T07:00Z", "2026-03-09T06:00:00Z");
	next_is("*/30 2-3 * * *", "America/New_York", "2026-03-08T06:59Z", "2026-03-08T07:00:00Z");
	next_is("*/30 2-3 * * *", "America/New_York", "2026-03-08T07:00Z", "2026-03-08T07:30:00Z");
	next_is("0 * * * *", "America/New_York", "2026-03-08T06:00Z", "2026-03-08T07:00:00Z");
	next_is("0 * * * *", "America/New_York", "2026-03-08T07:00Z", "2026-03-08T08:00:00Z");
	/* New York, autumn: 01:00-01:59 on Nov 1 comes twice; a slot runs at the first. */
	next_is("30 1 * * *", "America/New_York", "2026-11-01T04:00Z", "2026-11-01T05:30:00Z");
	next_is("30 1 * * *", "America/New_York", "2026-11-01T05:30Z", "2026-11-02T06:30:00Z");
	next_is("0 * * * *", "America/New_York", "2026-11-01T05:00Z", "2026-11-01T07:00:00Z");
	next_is("*/20 1 * * *", "America/New_York", "2026-11-01T05:40Z", "2026-11-02T06:00:00Z");
	next_is("0 3 * * *", "America/New_York", "2026-11-01T05:00Z", "2026-11-01T08:00:00Z");

	/* A year of New York half hours walked in one go (the fast placing) equals the same
	 * year slot by slot (each placed the slow way, by mktime): the year's 17520 wall-clock
	 * half hours less two, as 02:00, 02:30 and 03:00 of Mar 8 run once, at 03:00 (Nov 1's
	 * repeated 01:00 and 01:30 run once each, as any other). */
	{
		struct kam_cron c;
		struct kam_cron_span sp;
		int64_t from = at("2026-01-01T00:00-05:00"), until = at("2027-01-01T00:00-05:00"), x = from, prev = 0;
		int n = 0, same = 1;
		kam_cron_parse(&c, "*/30 * * * *", &e);
		ok(kam_cron_span(&c, "America/New_York", from, until, 100000, &sp, &e) == 0, "a year walked: %s", e.msg);
		while (kam_cron_next(&c, "America/New_York", x, &x, &e) == 0 && x <= until) {
			n++;
			if (x <= prev)
				same = 0;
			prev = x;
		}
		is_int(sp.count, n, "walked in one go = slot by slot (%d)", n);
		is_int(n, 17520 - 2, "17518 slots in the year");
		ok(same, "each slot after the one before");
		is_int(sp.last, until, "the last is the year's end");
	}

	/* Refusals, naming the field. */
	refused("61 * * * *", "cron expression '61 * * * *': field 'minute': '61' is out of range 0-59");
	refused("* 24 * * *", "cron expression '* 24 * * *': field 'hour': '24' is out of range 0-23");
	refused("* * 0 * *", "cron expression '* * 0 * *': field 'day-of-month': '0' is out of range 1-31");
	refused("* * * 13 *", "cron expression '* * * 13 *': field 'month': '13' is out of range 1-12");
	refused("* * * * 8", "cron expression '* * * * 8': field 'day-of-week': '8' is out of range 0-7");
	refused("* * * foo *", "cron expression '* * * foo *': field 'month': 'foo' is not a month name");
	refused("* * * * moon", "cron expression '* * * * moon': field 'day-of-week': 'moon' is not a weekday name");
	refused("*/0 * * * *", "cron expression '*/0 * * * *': field 'minute': step '0' is not a number from 1 to 59");
	refused("5-2 * * * *", "cron expression '5-2 * * * *': field 'minute': range '5-2' runs backwards");
	refused("x * * * *", "cron expression 'x * * * *': field 'minute': 'x' is not a number");
	refused("1,,2 * * * *", "cron expression '1,,2 * * * *': field 'minute': an empty item in '1,,2'");
	refused("* * * *", "cron expression '* * * *': 4 fields, need 5 (minute hour day-of-month month day-of-week)");
	refused("* * * * * *", "cron expression '* * * * * *': more than 5 fields (minute hour day-of-month month "
		"day-of-week)");
	refused("0 0 31 2 *", "cron expression '0 0 31 2 *': field 'day-of-month': no month named has that day");
	refused("@fortnightly", "cron expression '@fortnightly': unknown '@fortnightly' (@hourly, @daily, @weekly, "
		"@monthly, @yearly)");
	refused("", "cron expression '': 0 fields, need 5 (minute hour day-of-month month day-of-week)");
	{
		struct kam_cron c;
		is_int(kam_cron_parse(&c, "0 0 31 2 mon", &e), 0, "the 31st of February or a Monday: Mondays");
		is_int(kam_cron_next(&c, "Nowhere/Atlantis", 0, &t, &e), -1, "an unknown zone is refused");
		is_str(e.msg, "time zone 'Nowhere/Atlantis' is not one tzdata knows", "naming it");
	}
	return done_testing();
}
