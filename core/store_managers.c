/* Customer managers and their assignments (DOMAIN §4): `managers` and `assignments`.
 * Owns those tables.  Promises: an assignment is ended (with who, when and why), never
 * deleted or changed otherwise; a customer has at most one current assignment per role
 * (A leads development, B maintenance; a unique index refuses a second); grades are read
 * as the latest decision of a year (what kam export grades gives); lost and merged
 * customers are outside the staffing figures.  The policy's ratios and the arithmetic
 * shown are the caller's (scripts/commands/common/obligations.lua): staffing is handed
 * them as units per grade and a capacity, and only sums and compares. */
#include "store_stmt.h"

/* The customers graded for year ?1 with their latest decision of that year, active, and
 * a key account (grade not 'none').  The grade is a bare column beside max(d.id): SQLite
 * takes it from the row holding that maximum, read from the index decisions_code (code,
 * run, grade) without the decisions' rows. */
#define GRADED \
	"WITH g AS MATERIALIZED (SELECT x.code, x.grade FROM (SELECT d.code, d.grade, max(d.id) FROM decisions d" \
	" JOIN grading_runs r ON r.id = d.run WHERE r.year = ?1 GROUP BY d.code) x" \
	" LEFT JOIN archive a ON a.code = x.code WHERE x.grade <> 'none' AND coalesce(a.status, 'active') = 'active')"

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
	/* Staffing for the grades of year ?1, in one pass over the grades, with the units a
	 * customer of each grade takes of a manager's capacity ?3 passed as ?2 (a JSON array
	 * of {grade, units}: the policy's ratios as numbers; a grade missing takes none).
	 * Rows by part: "grade": per grade, the key accounts (n), those with a current
	 * manager in either role (assigned) and the distinct managers serving them;
	 * "serving": the distinct managers serving key accounts (n); "over": per manager whose
	 * current key accounts take more than ?3 units and per grade, its customers (n) and
	 * the units used in all (used); "unassigned": the first ?4 key accounts without a
	 * current manager, by code, each with the count of them all (total).  By part, then
	 * manager name, code and grade. */
	{"staffing", "itii", KAM_STMT_ROWS,
	 GRADED ", u AS MATERIALIZED (SELECT value ->> 'grade' AS grade, value ->> 'units' AS units FROM json_each(?2)),"
	 " cur AS MATERIALIZED (SELECT a.code, a.manager, g.grade FROM assignments a JOIN g ON g.code = a.code"
	 " WHERE a.ended_on IS NULL),"
	 " load AS MATERIALIZED (SELECT cur.manager, sum(coalesce(u.units, 0)) AS used FROM cur LEFT JOIN u"
	 " ON u.grade = cur.grade GROUP BY cur.manager),"
	 " unas AS MATERIALIZED (SELECT g.code, g.grade FROM g"
	 " WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.code = g.code AND a.ended_on IS NULL))"
	 " SELECT * FROM (SELECT 'grade' AS part, g.grade, count(*) AS n,"
	 " (SELECT count(DISTINCT code) FROM cur WHERE cur.grade = g.grade) AS assigned,"
	 " (SELECT count(DISTINCT manager) FROM cur WHERE cur.grade = g.grade) AS managers,"
	 " NULL AS manager, NULL AS used, NULL AS code, NULL AS name, NULL AS city, NULL AS county, NULL AS total"
	 " FROM g GROUP BY g.grade"
	 " UNION ALL SELECT 'serving', NULL, count(DISTINCT manager), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	 " FROM cur"
	 " UNION ALL SELECT 'over', cur.grade, count(*), NULL, NULL, m.name, load.used, NULL, NULL, NULL, NULL, NULL"
	 " FROM load JOIN cur ON cur.manager = load.manager JOIN managers m ON m.id = load.manager"
	 " WHERE load.used > ?3 GROUP BY load.manager, cur.grade"
	 " UNION ALL SELECT 'unassigned', x.grade, NULL, NULL, NULL, NULL, NULL, printf('%014d', x.code), c.name, c.city,"
	 " c.county, (SELECT count(*) FROM unas) FROM (SELECT * FROM unas ORDER BY code LIMIT ?4) x"
	 " JOIN customers c ON c.code = x.code)"
	 " ORDER BY part, manager, code, grade", "read the staffing"},
	/* The key accounts of year ?1 whose grade is one of ?2 (a JSON array of grades: those
	 * the policy gives an A/B pair) without both a current A and a current B manager;
	 * has_a and has_b say which they have. */
	{"staffing_roles", "it", KAM_STMT_ROWS,
	 GRADED " SELECT printf('%014d', g.code) AS code, c.name, g.grade,"
	 " coalesce(max(a.role = 'A'), 0) AS has_a, coalesce(max(a.role = 'B'), 0) AS has_b"
	 " FROM g JOIN customers c ON c.code = g.code LEFT JOIN assignments a ON a.code = g.code"
	 " AND a.ended_on IS NULL WHERE g.grade IN (SELECT value FROM json_each(?2))"
	 " GROUP BY g.code HAVING NOT (has_a AND has_b) ORDER BY g.code", "read the assignments' roles"},
	/* One customer's grade of year ?1 (latest decision), and whether it is active. */
	{"grade_of", "ic", KAM_STMT_ROW,
	 "SELECT d.grade FROM decisions d JOIN grading_runs r ON r.id = d.run WHERE r.year = ?1 AND d.code = ?2"
	 " ORDER BY d.id DESC LIMIT 1", "read the customer's grade"},
	/* The latest year graded at or before ?1 (none: no row). */
	{"graded_year", "i", KAM_STMT_ROW,
	 "SELECT max(year) AS year FROM grading_runs WHERE year <= ?1 HAVING count(*) > 0", "read the grading runs"},
	{NULL, NULL, 0, NULL, NULL},
};
