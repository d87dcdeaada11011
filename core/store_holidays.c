/* The holiday table's questions (store_holidays.h). */
#include "store_holidays.h"

#define HOLIDAY_COLUMNS "day, kind, name, added_by, added_at"

const struct kam_store_stmt kam_store_holidays_stmts[] = {
	{"holiday_get", "t", KAM_STMT_ROW, "SELECT " HOLIDAY_COLUMNS " FROM holidays WHERE day = ?1",
	 "read the holidays"},
	/* day, kind, name, by, at: a day stored already is changed (its old row is the caller's
	 * to report). */
	{"holiday_put", "ttttt", KAM_STMT_NONE,
	 "INSERT INTO holidays(day, kind, name, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	 " ON CONFLICT (day) DO UPDATE SET kind = ?2, name = ?3, added_by = ?4, added_at = ?5",
	 "record the holiday"},
	{"holiday_remove", "t", KAM_STMT_NONE, "DELETE FROM holidays WHERE day = ?1", "remove the holiday"},
	/* The days from ?1 to ?2, both included (NULL: no bound). */
	{"holidays_between", "TT", KAM_STMT_ROWS,
	 "SELECT " HOLIDAY_COLUMNS " FROM holidays WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2)"
	 " ORDER BY day", "read the holidays"},
	/* The years the table covers: a year with no row at all has not been entered. */
	{"holiday_years", "", KAM_STMT_ROWS,
	 "SELECT CAST(substr(day, 1, 4) AS INTEGER) AS year, count(*) AS days,"
	 " sum(kind = 'holiday') AS holidays, sum(kind = 'workday') AS workdays FROM holidays"
	 " GROUP BY substr(day, 1, 4) ORDER BY year", "read the holidays"},
	{NULL, NULL, 0, NULL, NULL},
};
