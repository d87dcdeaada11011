/* Visits to customers and customer symposiums (DOMAIN §4): `visits` and `symposiums`.
 * Owns those tables.  Promises: dates are ISO calendar days (YYYY-MM-DD) compared as text;
 * a period is [from, to], both days included; per customer the visits made in a period
 * and in its year up to the period's end; grades as store_managers reads them.  What a
 * grade requires is the policy's (scripts/commands/common/obligations.lua reads it):
 * visits_status is handed the rules as numbers and only counts and compares. */
#include "store_stmt.h"

/* The key accounts graded for year ?1, as store_managers.c reads them, with their
 * decision's id (for its labels). */
#define GRADED \
	"WITH g AS MATERIALIZED (SELECT x.code, x.grade, x.id FROM (SELECT d.code, d.grade, max(d.id) AS id FROM decisions d" \
	" JOIN grading_runs r ON r.id = d.run WHERE r.year = ?1 GROUP BY d.code) x" \
	" LEFT JOIN archive a ON a.code = x.code WHERE x.grade <> 'none' AND coalesce(a.status, 'active') = 'active')"

/* A row of visits_status's s: met once made reaches required, else overdue once ?5 is
 * past the due day, else due; "not computed" for a rule kam cannot apply. */
#define STATUS "CASE WHEN NOT s.computed THEN 'not computed' WHEN s.made >= s.required THEN 'met'" \
	" WHEN ?5 > s.due THEN 'overdue' ELSE 'due' END"

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
	/* What each key account graded for year ?1 owes in visits, the policy's rules passed
	 * as ?6, a JSON array of {kind, grade, per ("month" or "year"), required, due,
	 * computed (false: a rule kam cannot apply), rank, and optionally visit_kind (the
	 * visits counted, when not kind), breadth (the rule holds only for a grade labelled
	 * with that breadth: not computed for a decision without the label) and head_office
	 * (true: only for a head office, a code of branch 000 with an active branch stored)}:
	 * per rule of its grade, the
	 * visits of that kind made in the period (a month: [?2, ?3]; a year: [?4, ?3]), the
	 * last one in [?4, ?3], and the status on ?5: met once made reaches required, else
	 * overdue once ?5 is past the due day, else due ("not computed" when computed is
	 * false).  The rule work is plain arithmetic over the numbers handed in: the policy
	 * stays the caller's.  First one row per status with its count n (code NULL); then
	 * the key accounts' rows: every one by rank and code when ?7 is 1, else only those
	 * due or overdue, overdue first, by code and rank. */
	{"visits_status", "ittttti", KAM_STMT_ROWS,
	 GRADED ", rules AS MATERIALIZED (SELECT value ->> 'kind' AS kind, value ->> 'grade' AS grade,"
	 " value ->> 'per' AS per, value ->> 'required' AS required, value ->> 'due' AS due,"
	 " coalesce(value ->> 'computed', 1) AS computed, value ->> 'rank' AS rank,"
	 " coalesce(value ->> 'visit_kind', value ->> 'kind') AS visit_kind, value ->> 'breadth' AS breadth,"
	 " coalesce(value ->> 'head_office', 0) AS head_office FROM json_each(?6)),"
	 /* The breadth label is read only for a rule that asks for one. */
	 " gr AS (SELECT g.code, g.grade, r.*, CASE WHEN r.breadth IS NOT NULL THEN"
	 " (SELECT d.labels ->> 'breadth' FROM decisions d WHERE d.id = g.id) END AS labelled"
	 " FROM g JOIN rules r ON r.grade = g.grade WHERE NOT r.head_office OR (g.code % 1000 = 0 AND EXISTS"
	 " (SELECT 1 FROM customers b LEFT JOIN archive ab ON ab.code = b.code WHERE b.code > g.code"
	 " AND b.code <= g.code + 999 AND coalesce(ab.status, 'active') = 'active'))),"
	 " s AS MATERIALIZED (SELECT code, grade, kind, per, required, due, rank,"
	 " CASE WHEN breadth IS NULL THEN computed ELSE labelled IS NOT NULL END AS computed,"
	 " (SELECT count(*) FROM visits v WHERE v.code = gr.code AND v.kind = gr.visit_kind"
	 " AND v.visited_on BETWEEN CASE gr.per WHEN 'month' THEN ?2 ELSE ?4 END AND ?3) AS made, visit_kind"
	 " FROM gr WHERE breadth IS NULL OR labelled IS NULL OR labelled = breadth)"
	 " SELECT code, name, city, county, grade, kind, per, required, made, due, last_visit, status, n FROM ("
	 "SELECT 0 AS part, NULL AS code, NULL AS name, NULL AS city, NULL AS county, NULL AS grade,"
	 " NULL AS kind, NULL AS per, NULL AS required, NULL AS made, NULL AS due, NULL AS last_visit, " STATUS " AS status,"
	 " count(*) AS n, NULL AS rank FROM s GROUP BY 13"
	 " UNION ALL SELECT 1, printf('%014d', s.code), c.name, c.city, c.county, s.grade, s.kind, s.per, s.required,"
	 " s.made, s.due, (SELECT max(v.visited_on) FROM visits v WHERE v.code = s.code AND v.kind = s.visit_kind"
	 " AND v.visited_on BETWEEN ?4 AND ?3), " STATUS ", NULL, s.rank FROM s JOIN customers c ON c.code = s.code"
	 " WHERE ?7 OR " STATUS " IN ('due', 'overdue'))"
	 " ORDER BY part, CASE WHEN ?7 THEN rank ELSE status <> 'overdue' END, code, rank",
	 "count the visits"},
	/* Per key account graded for year ?1: when its archive was last refreshed (nil: never). */
	{"archive_refreshes", "i", KAM_STMT_ROWS,
	 GRADED " SELECT printf('%014d', g.code) AS code, c.name, g.grade, a.refreshed_on"
	 " FROM g JOIN customers c ON c.code = g.code LEFT JOIN archive a ON a.code = g.code ORDER BY g.code",
	 "read the archives' refreshes"},
	{NULL, NULL, 0, NULL, NULL},
};
