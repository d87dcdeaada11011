/* Customer managers and their assignments (DOMAIN §4): `managers` and `assignments`.
 * Owns those tables.  Promises: an assignment is ended (with who, when and why), never
 * deleted or changed otherwise; a customer has at most one current assignment per role
 * (A leads development, B maintenance; a unique index refuses a second); grades are read
 * as the latest decision of a year (what kam export grades gives); lost and merged
 * customers are outside the staffing figures.  The policy's ratios and the arithmetic
 * are the caller's (scripts/commands/common/obligations.lua). */
#include "store_stmt.h"

/* The customers graded for year ?1 with their latest decision of that year, active, and
 * a key account (grade not 'none'). */
#define GRADED \
	"WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run" \
	" WHERE r.year = ?1 GROUP BY d.code)," \
	" g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id" \
	" LEFT JOIN archive a ON a.code = d.code WHERE d.grade <> 'none' AND coalesce(a.status, 'active') = 'active')"

#define MANAGER_COLUMNS "m.id, m.name, m.bureau, m.phone, m.active, m.created_by, m.created_at"
#define ASSIGNMENT_COLUMNS "a.id, printf('%014d', a.code) AS code, a.manager, m.name AS manager_name, a.role," \
	" a.since, a.assigned_by, a.assigned_at, a.forced, a.reason, a.ended_on, a.ended_by, a.end_reason"

const struct kam_store_stmt kam_store_managers_stmts[] = {
	{"manager_add", "tTTtt", KAM_STMT_ROW,
	 "INSERT INTO managers(name, bureau, phone, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	 " RETURNING id", "add the manager"},
	{"manager_find", "t", KAM_STMT_ROW,
	 "SELECT " MANAGER_COLUMNS " FROM managers m WHERE m.name = ?1", "read the managers"},
	{"manager_get", "i", KAM_STMT_ROW,
	 "SELECT " MANAGER_COLUMNS " FROM managers m WHERE m.id = ?1", "read the managers"},
	{"manager_update", "iTT", KAM_STMT_NONE, "UPDATE managers SET bureau = ?2, phone = ?3 WHERE id = ?1",
	 "change the manager"},
	{"manager_set_active", "ii", KAM_STMT_NONE, "UPDATE managers SET active = ?2 WHERE id = ?1",
	 "change the manager"},
	/* Every manager with its current customers (either role). */
	{"managers_list", "", KAM_STMT_ROWS,
	 "SELECT " MANAGER_COLUMNS ", count(a.id) AS customers FROM managers m LEFT JOIN assignments a"
	 " ON a.manager = m.id AND a.ended_on IS NULL GROUP BY m.id ORDER BY m.name", "read the managers"},
	/* A manager's current customers with their grade of year ?2 (nil: not graded). */
	{"manager_customers", "ii", KAM_STMT_ROWS,
	 "WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run"
	 " WHERE r.year = ?2 AND d.code IN (SELECT code FROM assignments WHERE manager = ?1 AND ended_on IS NULL)"
	 " GROUP BY d.code)"
	 " SELECT a.id, printf('%014d', a.code) AS code, c.name, a.role, a.since, d.grade"
	 " FROM assignments a JOIN customers c ON c.code = a.code LEFT JOIN last ON last.code = a.code"
	 " LEFT JOIN decisions d ON d.id = last.id WHERE a.manager = ?1 AND a.ended_on IS NULL ORDER BY a.code",
	 "read the manager's customers"},
	/* A customer's current assignment in a role. */
	{"assignment_current", "ct", KAM_STMT_ROW,
	 "SELECT " ASSIGNMENT_COLUMNS " FROM assignments a JOIN managers m ON m.id = a.manager"
	 " WHERE a.code = ?1 AND a.role = ?2 AND a.ended_on IS NULL", "read the assignments"},
	/* Every current A assignment: which manager leads which customer. */
	{"assignments_current_all", "", KAM_STMT_ROWS,
	 "SELECT printf('%014d', a.code) AS code, m.name AS manager FROM assignments a JOIN managers m"
	 " ON m.id = a.manager WHERE a.ended_on IS NULL AND a.role = 'A' ORDER BY a.code", "read the assignments"},
	{"assignments_of", "c", KAM_STMT_ROWS,
	 "SELECT " ASSIGNMENT_COLUMNS " FROM assignments a JOIN managers m ON m.id = a.manager"
	 " WHERE a.code = ?1 ORDER BY a.id", "read the assignments"},
	/* code, manager, role, since, by, at, forced, reason */
	{"assignment_add", "cittttiT", KAM_STMT_ROW,
	 "INSERT INTO assignments(code, manager, role, since, assigned_by, assigned_at, forced, reason)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", "record the assignment"},
	{"assignment_end", "ittT", KAM_STMT_NONE,
	 "UPDATE assignments SET ended_on = ?2, ended_by = ?3, end_reason = ?4 WHERE id = ?1 AND ended_on IS NULL",
	 "end the assignment"},
	/* Staffing for the grades of year ?1: per grade, the key accounts, those with a current
	 * manager (either role), and the distinct managers serving them. */
	{"staffing_by_grade", "i", KAM_STMT_ROWS,
	 GRADED ", cur AS (SELECT DISTINCT code, manager FROM assignments WHERE ended_on IS NULL)"
	 " SELECT g.grade, count(DISTINCT g.code) AS customers, count(DISTINCT cur.code) AS assigned,"
	 " count(DISTINCT cur.manager) AS managers FROM g LEFT JOIN cur ON cur.code = g.code"
	 " GROUP BY g.grade ORDER BY g.grade", "read the staffing"},
	/* Per manager and grade, the current key accounts it serves. */
	{"staffing_loads", "i", KAM_STMT_ROWS,
	 GRADED " SELECT m.id AS manager, m.name, g.grade, count(*) AS customers FROM assignments a"
	 " JOIN g ON g.code = a.code JOIN managers m ON m.id = a.manager WHERE a.ended_on IS NULL"
	 " GROUP BY m.id, g.grade ORDER BY m.name, g.grade", "read the managers' loads"},
	/* Key accounts with no current manager (at most ?2 of them, the count apart). */
	{"staffing_unassigned", "ii", KAM_STMT_ROWS,
	 GRADED " SELECT printf('%014d', g.code) AS code, c.name, g.grade, c.city, c.county,"
	 " count(*) OVER () AS total FROM g JOIN customers c ON c.code = g.code"
	 " WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.code = g.code AND a.ended_on IS NULL)"
	 " ORDER BY g.code LIMIT ?2", "read the customers without a manager"},
	/* Per key account of year ?1: whether it has a current A and a current B manager. */
	{"staffing_roles", "i", KAM_STMT_ROWS,
	 GRADED " SELECT printf('%014d', g.code) AS code, c.name, g.grade,"
	 " coalesce(max(a.role = 'A'), 0) AS has_a, coalesce(max(a.role = 'B'), 0) AS has_b"
	 " FROM g JOIN customers c ON c.code = g.code LEFT JOIN assignments a ON a.code = g.code"
	 " AND a.ended_on IS NULL GROUP BY g.code ORDER BY g.code", "read the assignments' roles"},
	/* One customer's grade of year ?1 (latest decision), and whether it is active. */
	{"grade_of", "ic", KAM_STMT_ROW,
	 "SELECT d.grade FROM decisions d JOIN grading_runs r ON r.id = d.run WHERE r.year = ?1 AND d.code = ?2"
	 " ORDER BY d.id DESC LIMIT 1", "read the customer's grade"},
	/* The latest year graded at or before ?1 (none: no row). */
	{"graded_year", "i", KAM_STMT_ROW,
	 "SELECT max(year) AS year FROM grading_runs WHERE year <= ?1 HAVING count(*) > 0", "read the grading runs"},
	{NULL, NULL, 0, NULL, NULL},
};
