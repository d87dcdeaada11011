/* The figures of a city bureau's assessment (DOMAIN §10; Hubei art. 35), per city bureau
 * (a customer's `city`: the city bureau with its counties).  Owns no table: it reads the
 * decisions, the ledger, the archive and symposiums.  Promises per bureau: the key
 * accounts of two grade years (now: active ones only; before: as graded), their revenue in
 * a period of months on the lines given, those of the top grades, and the archives
 * missing or not filed.  Scoring is the policy's numbers, in
 * scripts/commands/common/assessment.lua. */
#include "store_stmt.h"

/* ?1 grade year now, ?2 grade year before, ?3..?4 months now, ?5..?6 months before,
 * ?7 ",1,2," the top grades, ?8 ",express,logistics," the revenue lines. */
#define LAST(Y, NAME) \
	NAME " AS (SELECT d.code, d.grade FROM decisions d JOIN (SELECT d2.code, max(d2.id) AS id FROM decisions d2" \
	" JOIN grading_runs r ON r.id = d2.run WHERE r.year = " Y " GROUP BY d2.code) m ON m.id = d.id" \
	" WHERE d.grade <> 'none')"

const struct kam_store_stmt kam_store_assessment_stmts[] = {
	{"assessment_bureaus", "iiiiiitt", KAM_STMT_ROWS,
	 "WITH " LAST("?1", "gn") ", " LAST("?2", "gb") ","
	 " rev AS (SELECT code, sum(CASE WHEN month BETWEEN ?3 AND ?4 THEN amount ELSE 0 END) AS now,"
	 "  sum(CASE WHEN month BETWEEN ?5 AND ?6 THEN amount ELSE 0 END) AS before FROM ledger"
	 "  WHERE (month BETWEEN ?3 AND ?4 OR month BETWEEN ?5 AND ?6) AND instr(?8, ',' || line || ',') > 0"
	 "  GROUP BY code),"
	 " k AS (SELECT c.city, CASE WHEN coalesce(a.status, 'active') = 'active' THEN gn.grade END AS now_grade,"
	 "  gb.grade AS before_grade, coalesce(rev.now, 0) AS rev_now, coalesce(rev.before, 0) AS rev_before,"
	 "  a.code IS NOT NULL AS has_archive, coalesce(a.filed, 0) AS filed"
	 "  FROM customers c LEFT JOIN gn ON gn.code = c.code LEFT JOIN gb ON gb.code = c.code"
	 "  LEFT JOIN rev ON rev.code = c.code LEFT JOIN archive a ON a.code = c.code"
	 "  WHERE gn.code IS NOT NULL OR gb.code IS NOT NULL)"
	 " SELECT city AS bureau,"
	 " count(now_grade) AS count_now, count(before_grade) AS count_before,"
	 " coalesce(sum(CASE WHEN now_grade IS NOT NULL THEN rev_now END), 0) AS revenue_now,"
	 " coalesce(sum(CASE WHEN before_grade IS NOT NULL THEN rev_before END), 0) AS revenue_before,"
	 " count(CASE WHEN instr(?7, ',' || now_grade || ',') > 0 THEN 1 END) AS top_now,"
	 " count(CASE WHEN instr(?7, ',' || before_grade || ',') > 0 THEN 1 END) AS top_before,"
	 " coalesce(sum(CASE WHEN instr(?7, ',' || now_grade || ',') > 0 THEN rev_now END), 0) AS top_revenue_now,"
	 " coalesce(sum(CASE WHEN instr(?7, ',' || before_grade || ',') > 0 THEN rev_before END), 0)"
	 "  AS top_revenue_before,"
	 " count(CASE WHEN now_grade IS NOT NULL AND NOT has_archive THEN 1 END) AS archives_missing,"
	 " count(CASE WHEN now_grade IS NOT NULL AND has_archive AND NOT filed THEN 1 END) AS archives_unfiled,"
	 " count(CASE WHEN has_archive THEN 1 END) AS archives"
	 " FROM k WHERE city IS NOT NULL GROUP BY city ORDER BY city",
	 "read the assessment's figures"},
	/* Symposiums held in [?1, ?2] per bureau (NULL: province-wide). */
	{"symposiums_by_bureau", "tt", KAM_STMT_ROWS,
	 "SELECT bureau, count(*) AS held FROM symposiums WHERE held_on BETWEEN ?1 AND ?2 GROUP BY bureau",
	 "read the symposiums"},
	{NULL, NULL, 0, NULL, NULL},
};
