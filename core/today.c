/* Today in the database's timezone (today.h).  TZ is set for the one conversion and put
 * back: the rest of kam keeps the machine's zone. */
#include "today.h"

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
