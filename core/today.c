/* Today in the database's timezone (today.h).  TZ is set for the one conversion and put
 * back: the rest of kam keeps the machine's zone. */
#include "today.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_meta.h"

int kam_db_today(kam_db *db, char out[16], kam_err *e)
{
	char tz[256], *old = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc = kam_db_meta_get(db, "timezone", tz, sizeof tz, e);
	if (rc < 0)
		return -1;
	if (rc > 0 && tz[0]) {
		const char *was = getenv("TZ");
		if (was && !(old = strdup(was)))
			return kam_errf(e, "out of memory");
		setenv("TZ", tz, 1);
		tzset();
	}
	localtime_r(&now, &tm);
	if (rc > 0 && tz[0]) {
		if (old)
			setenv("TZ", old, 1);
		else
			unsetenv("TZ");
		free(old);
		tzset();
	}
	strftime(out, 16, "%Y-%m-%d", &tm);
	return 0;
}

int kam_is_day(const char *s, size_t n)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, end = 0;
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < n; i++)   /* digits only: sscanf then reads these ten bytes and no more */
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &end) != 3 || end != 10)
		return 0;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}
