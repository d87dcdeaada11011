/* The center's holiday table (DOMAIN §4; issue 21): `holidays`, one row a day, either a
 * day off (kind 'holiday': 法定节假日, even on a weekday) or a weekend day made a working
 * day (kind 'workday': 调休上班).  Working days are Monday to Friday that are no holiday,
 * and the workdays; the counting itself is scripts/commands/common/days.lua's.
 *
 * Owns `holidays`.  Promises: at most one row a day (a day is a holiday or a workday,
 * never both); days are YYYY-MM-DD compared as text; writes in the caller's transaction;
 * every value bound.  Its questions are kam_store_holidays_stmts (store_stmt.h's shape),
 * kam.store functions through l_store_obligations.c. */
#ifndef KAM_STORE_HOLIDAYS_H
#define KAM_STORE_HOLIDAYS_H

#include "store_stmt.h"

extern const struct kam_store_stmt kam_store_holidays_stmts[];

#endif
