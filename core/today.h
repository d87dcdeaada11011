/* Today's calendar date in the database's timezone: meta `timezone` (kam init --timezone
 * records it), else the machine's.  "YYYY-MM-DD" into out. */
#ifndef KAM_TODAY_H
#define KAM_TODAY_H

#include "err.h"
#include "store_db.h"

int kam_db_today(kam_db *db, char out[16], kam_err *e);

#endif
