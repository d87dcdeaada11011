#!/usr/bin/env bash
# kam manager staffing and kam visit due over the generated province (graded for 2025 under
# hubei, with managers, assignments and a year of visits made here) against plain SQL for
# the same figures in the sqlite3 shell, in one run, on the same database.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
cp "$DATA/province.db" "$tmp/k.db"
"$KAM" --db "$tmp/k.db" --policy hubei grade --year 2025 --as-of 2026-01-15 >/dev/null 2>&1 || exit 1
# A manager for every 6 key accounts of classes 3-4 and one for each of classes 1-2, each
# key account assigned (one in ten left without); a year of visits: 0 to 3 per key account.
sqlite3 "$tmp/k.db" <<'SQL' || exit 1
CREATE TEMP TABLE g AS SELECT d.code, d.grade, row_number() OVER (ORDER BY d.grade, d.code) AS n
  FROM decisions d WHERE d.grade <> 'none';
INSERT INTO managers(id, name, created_by, created_at)
  SELECT n, 'm' || n, 'bench', '2026-01-01T00:00:00Z' FROM g WHERE grade IN ('1', '2') OR n % 6 = 0;
INSERT INTO assignments(code, manager, role, since, assigned_by, assigned_at)
  SELECT code, CASE WHEN grade IN ('1', '2') THEN n ELSE (SELECT max(id) FROM managers WHERE id <= g.n) END,
         'A', '2026-01-01', 'bench', '2026-01-01T00:00:00Z'
  FROM g WHERE n % 10 <> 0 AND (grade IN ('1', '2') OR (SELECT max(id) FROM managers WHERE id <= g.n) IS NOT NULL);
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3)
INSERT INTO visits(code, visited_on, kind, by_whom, recorded_by, recorded_at)
  SELECT code, printf('2026-%02d-%02d', 1 + (n * 7 + i * 5) % 12, 1 + (n + i) % 28), 'regular', 'bench', 'bench',
         '2026-12-31T00:00:00Z' FROM g JOIN k ON k.i <= g.n % 4;
SQL
counts=$(sqlite3 "$tmp/k.db" "SELECT (SELECT count(*) FROM managers) || ' managers, ' ||
  (SELECT count(*) FROM assignments) || ' assignments, ' || (SELECT count(*) FROM visits) || ' visits'")

# The reference: the same figures in SQL (hubei: dedicated classes 1-2, at most 5 and 8 per
# manager for classes 3 and 4; visits: 1 a year for classes 1-2, 2 below).
cat > "$tmp/staffing.sql" <<'SQL'
WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2025 GROUP BY d.code),
g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id LEFT JOIN archive a ON a.code = d.code
  WHERE d.grade <> 'none' AND coalesce(a.status, 'active') = 'active'),
cur AS (SELECT DISTINCT code, manager FROM assignments WHERE ended_on IS NULL)
SELECT g.grade, count(*), count(DISTINCT CASE WHEN cur.code IS NOT NULL THEN g.code END),
  count(DISTINCT cur.manager),
  CASE g.grade WHEN '3' THEN (count(*) + 4) / 5 WHEN '4' THEN (count(*) + 7) / 8 ELSE count(*) END
FROM g LEFT JOIN cur ON cur.code = g.code GROUP BY g.grade ORDER BY g.grade;
WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2025 GROUP BY d.code),
g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id WHERE d.grade <> 'none')
SELECT count(*) FROM (SELECT a.manager, sum(CASE g.grade WHEN '3' THEN 8 WHEN '4' THEN 5 ELSE 40 END) AS units
  FROM assignments a JOIN g ON g.code = a.code WHERE a.ended_on IS NULL GROUP BY a.manager) WHERE units > 40;
SQL
# Per key account what kam visit due reports: the grade, required, made, last visit, status.
cat > "$tmp/visits.sql" <<'SQL'
WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2025 GROUP BY d.code),
g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id LEFT JOIN archive a ON a.code = d.code
  WHERE d.grade <> 'none' AND coalesce(a.status, 'active') = 'active'),
made AS (SELECT code, count(*) AS n, max(visited_on) AS last FROM visits WHERE kind = 'regular'
  AND visited_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY code)
SELECT printf('%014d', g.code), c.name, c.city, c.county, g.grade, r.required, coalesce(made.n, 0), made.last,
  CASE WHEN coalesce(made.n, 0) >= r.required THEN 'met' ELSE 'due' END
FROM g JOIN customers c ON c.code = g.code JOIN (SELECT '1' AS grade, 1 AS required UNION ALL SELECT '2', 1
  UNION ALL SELECT '3', 2 UNION ALL SELECT '4', 2) r ON r.grade = g.grade
LEFT JOIN made ON made.code = g.code ORDER BY g.code;
SQL
for w in staffing visits; do
  printf '#!/bin/sh\nexec sqlite3 "%s" < "%s" >/dev/null\n' "$tmp/k.db" "$tmp/$w.sql" > "$tmp/ref_$w.sh"
done
printf '#!/bin/sh\nexec "%s" --json --db "%s" manager staffing --as-of 2026-12-31 --limit 50 >/dev/null 2>&1\n' \
  "$KAM" "$tmp/k.db" > "$tmp/kam_staffing.sh"
printf '#!/bin/sh\nexec "%s" --json --db "%s" visit due --month 2026-12 --as-of 2026-12-31 --kind regular >/dev/null 2>&1\n' \
  "$KAM" "$tmp/k.db" > "$tmp/kam_visits.sh"
chmod +x "$tmp"/*.sh

# The two agree?
ref_staff=$(sqlite3 "$tmp/k.db" < "$tmp/staffing.sql" | tr '\n' ' ')
kam_staff=$("$KAM" --json --db "$tmp/k.db" manager staffing --as-of 2026-12-31 --limit 0 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s|%d|%d|%d|%d" % (g["grade"], g["customers"], g["assigned_customers"], g["managers"], g["required"]) for g in d["grades"]), len(d["over_load"]), "")')
# (counted in SQL: generated names hold line breaks)
ref_vis=$(sed -e 's/^SELECT printf.*/SELECT sum(st = '"'"'met'"'"') || '"'"'|'"'"' || sum(st <> '"'"'met'"'"') FROM (SELECT/' \
  -e 's/^  CASE WHEN coalesce(made.n, 0) >= r.required THEN .met. ELSE .due. END$/  CASE WHEN coalesce(made.n, 0) >= r.required THEN '"'"'met'"'"' ELSE '"'"'due'"'"' END AS st/' \
  -e 's/^LEFT JOIN made ON made.code = g.code ORDER BY g.code;$/LEFT JOIN made ON made.code = g.code);/' \
  "$tmp/visits.sql" | sqlite3 "$tmp/k.db")
kam_vis=$("$KAM" --json --db "$tmp/k.db" visit due --month 2026-12 --as-of 2026-12-31 --kind regular 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%d|%d" % (sum(v["status"] == "met" for v in d["visits"]), sum(v["status"] != "met" for v in d["visits"])))')

echo "obligations over $(sqlite3 "$tmp/k.db" "SELECT count(*) FROM customers") customers ($counts), median of $RUNS runs:"
for w in staffing visits; do
  ref=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/ref_$w.sh") || exit 1
  got=$($TIMEIT -n "$RUNS" -w 1 -q -- "$tmp/kam_$w.sh") || exit 1
  set -- $ref; ref_ms=$1
  set -- $got; kam_ms=$1 kam_rss=$4
  printf '  %-9s sqlite3 %8.0f ms   kam %8.0f ms  peak %s MB   ratio %s (target <= 1.5)\n' "$w" "$ref_ms" "$kam_ms" \
    "$(mb "$kam_rss")" "$(ratio "$kam_ms" "$ref_ms")"
done
[ "$ref_staff" = "$kam_staff" ] && echo "  staffing: kam and SQL agree ($ref_staff)" ||
  { echo "  staffing DIFFERS: sql '$ref_staff' kam '$kam_staff'"; exit 1; }
[ "$ref_vis" = "$kam_vis" ] && echo "  visits: kam and SQL agree (met|not met: $ref_vis)" ||
  { echo "  visits DIFFER: sql '$ref_vis' kam '$kam_vis'"; exit 1; }
