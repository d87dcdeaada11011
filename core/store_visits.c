/* Visits to customers and customer symposiums (DOMAIN §4): `visits` and `symposiums`.
 * Owns those tables.  Promises: dates are ISO calendar days (YYYY-MM-DD) compared as text;
 * a period is [from, to], both days included; per customer the visits made in a period
 * and in its year up to the period's end; grades as store_managers reads them.  What a
 * grade requires is the policy's, computed in scripts/commands/common/obligations.lua. */
#include "store_stmt.h"

#define GRADED \
	"WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run" \
	" WHERE r.year = ?1 GROUP BY d.code)," \
	" g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id" \
	" LEFT JOIN archive a ON a.code = d.code WHERE d.grade <> 'none' AND coalesce(a.status, 'active') = 'active')"

#define VISIT_COLUMNS "v.id, printf('%014d', v.code) AS code, v.visited_on, v.kind, v.by_whom, v.manager," \
	" v.note, v.recorded_by, v.recorded_at"

const struct kam_store_stmt kam_store_visits_stmts[] = {
	/* code, on, kind, by_whom, manager, note, recorded_by, recorded_at */
	{"visit_add", "ctttITtt", KAM_STMT_ROW,
	 "INSERT INTO visits(code, visited_on, kind, by_whom, manager, note, recorded_by, recorded_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", "record the visit"},
	/* The same visit stored already (an import loaded twice): code, on, kind, by_whom. */
	{"visit_find", "cttt", KAM_STMT_ROW,
	 "SELECT id FROM visits WHERE code = ?1 AND visited_on = ?2 AND kind = ?3 AND by_whom = ?4 LIMIT 1",
	 "read the visits"},
	{"visits_of", "cTT", KAM_STMT_ROWS,
	 "SELECT " VISIT_COLUMNS " FROM visits v WHERE v.code = ?1 AND (?2 IS NULL OR v.visited_on >= ?2)"
	 " AND (?3 IS NULL OR v.visited_on <= ?3) ORDER BY v.visited_on, v.id", "read the visits"},
	/* on, bureau, title, attendees, recorded_by, recorded_at */
	{"symposium_add", "tTtItt", KAM_STMT_ROW,
	 "INSERT INTO symposiums(held_on, bureau, title, attendees, recorded_by, recorded_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", "record the symposium"},
	{"symposiums_between", "ttT", KAM_STMT_ROWS,
	 "SELECT id, held_on, bureau, title, attendees, recorded_by, recorded_at FROM symposiums"
	 " WHERE held_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR bureau = ?3) ORDER BY held_on, id",
	 "read the symposiums"},
	/* Per key account graded for year ?1: the visits of kind ?4 in [?2, ?3], those in
	 * [?5, ?3] (the year to the period's end), and the last one up to ?3. */
	{"visits_made", "itttt", KAM_STMT_ROWS,
	 GRADED ", made AS (SELECT code, sum(visited_on >= ?2) AS period, count(*) AS year,"
	 " max(visited_on) AS last FROM visits WHERE kind = ?4 AND visited_on BETWEEN ?5 AND ?3 GROUP BY code)"
	 " SELECT printf('%014d', g.code) AS code, c.name, c.city, c.county, g.grade,"
	 " coalesce(made.period, 0) AS period, coalesce(made.year, 0) AS year, made.last"
	 " FROM g JOIN customers c ON c.code = g.code LEFT JOIN made ON made.code = g.code ORDER BY g.code",
	 "count the visits"},
	/* Per key account graded for year ?1: when its archive was last refreshed (nil: never). */
	{"archive_refreshes", "i", KAM_STMT_ROWS,
	 GRADED " SELECT printf('%014d', g.code) AS code, c.name, g.grade, a.refreshed_on"
	 " FROM g JOIN customers c ON c.code = g.code LEFT JOIN archive a ON a.code = g.code ORDER BY g.code",
	 "read the archives' refreshes"},
	{NULL, NULL, 0, NULL, NULL},
};
