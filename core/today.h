/* Today's calendar date in the database's timezone: meta `timezone` (kam init --timezone
 * records it), else the machine's.  "YYYY-MM-DD" into out. */
#ifndef KAM_TODAY_H
#define KAM_TODAY_H

#include <stddef.h>

#include "err.h"
#include "store_db.h"

int kam_db_today(kam_db *db, char out[16], kam_err *e);

/* Is s[0..n) a real calendar day "YYYY-MM-DD" (1900-2999)? */
int kam_is_day(const char *s, size_t n);

#endif
