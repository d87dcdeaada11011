#!/usr/bin/env bash
# kam report staffing and kam report visits (issue 21) over the generated province, graded
# for 2025 under hubei, with managers, assignments and a year of visits loaded as a center
# has them: the managers' list, the assignments in no particular order, and the visits
# month by month (December 2025 to November 2026, customers shuffled inside each month),
# each through kam import.  Each report is timed as users look at it (the table) and as
# --format json, against plain SQL computing the same figures in the sqlite3 shell (list
# and -json output), in one run, on the same database; then the figures are compared and
# the benchmark fails loudly when they differ.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
MONTH=2026-11 DAY=2026-11-30
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); [ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
cp "$DATA/province.db" "$tmp/k.db"
"$KAM" --db "$tmp/k.db" --policy hubei grade --year 2025 --as-of 2026-01-15 >/dev/null 2>&1 || exit 1

# The data, written as CSV files by SQL over the grades.  Key accounts of classes 1-2 get a
# dedicated manager each (every fifth also a B manager from the others); those of classes
# 3-4, in a shuffled order, six to a manager (so some managers are over their load), one in
# ten left without.  Visits: 0 to 3 regular visits a year per key account, a leadership
# visit for classes 1-2, and a visit to one customer in twenty that is no key account.
sqlite3 "$tmp/k.db" <<SQL || exit 1
CREATE TEMP TABLE g AS
  WITH last AS (SELECT code, max(id) AS id FROM decisions GROUP BY code)
  SELECT d.code, d.grade, (d.code % 1000003 * 2654435761) % 4294967291 AS h FROM last JOIN decisions d ON d.id = last.id;
CREATE TEMP TABLE t AS SELECT code, grade, h, row_number() OVER (ORDER BY h) AS k
  FROM g WHERE grade IN ('1', '2');
CREATE TEMP TABLE o AS SELECT code, grade, h, row_number() OVER (ORDER BY h) AS k
  FROM g WHERE grade IN ('3', '4');
.headers on
.mode csv
.once $tmp/managers.csv
SELECT name, bureau, phone FROM (
  SELECT printf('专职经理%05d', k) AS name, '省大客户中心' AS bureau, printf('1380000%04d', k % 10000) AS phone, h FROM t
  UNION ALL
  SELECT DISTINCT printf('客户经理%05d', k / 6), '市州局', NULL, k / 6 * 7919 % 1000003 FROM o) ORDER BY h;
.once $tmp/assignments.csv
SELECT code, manager, role, since FROM (
  SELECT printf('%014d', code) AS code, printf('专职经理%05d', k) AS manager, 'A' AS role, '2025-12-01' AS since, h FROM t
  UNION ALL
  SELECT printf('%014d', code), printf('客户经理%05d', k % 4000 / 6), 'B', '2025-12-01', h + 1 FROM t WHERE k % 5 = 0
  UNION ALL
  SELECT printf('%014d', code), printf('客户经理%05d', k / 6), 'A', '2025-12-01', h FROM o WHERE k % 10 <> 0)
  ORDER BY h;
SQL
[ -s "$tmp/assignments.csv" ] || exit 1
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
  ym=$(awk -v i=$i 'BEGIN { k = 2025 * 12 + 11 + i; printf "%04d-%02d", int(k / 12), k % 12 + 1 }')
  sqlite3 -csv -header "$tmp/k.db" "CREATE TEMP TABLE v AS
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3),
    g AS (SELECT d.code, d.grade, (d.code % 1000003 * 2654435761) % 4294967291 AS h FROM decisions d
      WHERE d.id IN (SELECT max(id) FROM decisions GROUP BY code))
    SELECT g.code, 'regular' AS kind, (g.h + n.i * 5) % 12 AS m, 1 + (g.h / 7 + n.i * 11) % 28 AS d, h
      FROM g JOIN n ON n.i <= g.h % 4 WHERE g.grade <> 'none'
    UNION ALL SELECT code, 'leadership', h % 12, 1 + h % 28, h FROM g WHERE grade IN ('1', '2')
    UNION ALL SELECT code, 'regular', h % 12, 1 + h % 27, h FROM g WHERE grade = 'none' AND h % 20 = 0;
    SELECT printf('%014d', code) AS code, printf('$ym-%02d', d) AS visited_on, kind,
      CASE kind WHEN 'leadership' THEN '局领导' ELSE '客户经理' END AS by_whom
    FROM v WHERE m = $i ORDER BY (h * 40503 + d) % 65521, code" > "$tmp/visits-$ym.csv" || exit 1
done
export KAM_USER=bench
"$KAM" --db "$tmp/k.db" import managers "$tmp/managers.csv" --no-progress >/dev/null 2>&1 &&
"$KAM" --db "$tmp/k.db" import assignments "$tmp/assignments.csv" --no-progress >/dev/null 2>&1 || {
  echo "obligations: importing the managers or assignments failed"; exit 1; }
for f in "$tmp"/visits-*.csv; do
  "$KAM" --db "$tmp/k.db" import visits "$f" --no-progress >/dev/null 2>&1 || { echo "obligations: importing $f failed"; exit 1; }
done
counts=$(sqlite3 "$tmp/k.db" "SELECT (SELECT count(*) FROM managers) || ' managers, ' ||
  (SELECT count(*) FROM assignments) || ' assignments, ' || (SELECT count(*) FROM visits) || ' visits, ' ||
  (SELECT count(*) FROM decisions WHERE grade <> 'none') || ' key accounts'")

# The references: the same figures in SQL, hubei's numbers written out (dedicated managers
# for classes 1-2, at most 5 and 8 customers a manager for classes 3 and 4, in units of
# 40: 8 and 5 a customer; visits: 1 a year for classes 1-2, 2 below, due 31 December).
GRADED="WITH last AS (SELECT d.code, max(d.id) AS id FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2025 GROUP BY d.code),
g AS (SELECT d.code, d.grade FROM last JOIN decisions d ON d.id = last.id LEFT JOIN archive a ON a.code = d.code
  WHERE d.grade <> 'none' AND coalesce(a.status, 'active') = 'active')"
cat > "$tmp/staffing.sql" <<SQL
$GRADED,
cur AS (SELECT DISTINCT code, manager FROM assignments WHERE ended_on IS NULL),
per AS (SELECT g.grade, count(DISTINCT g.code) AS n, count(DISTINCT cur.code) AS assigned,
  count(DISTINCT cur.manager) AS managers FROM g LEFT JOIN cur ON cur.code = g.code GROUP BY g.grade)
SELECT 'grade', grade, n, req, managers, max(0, req - managers), n - assigned FROM (SELECT *,
  CASE grade WHEN '3' THEN (n + 4) / 5 WHEN '4' THEN (n + 7) / 8 ELSE n END AS req FROM per) ORDER BY grade;
$GRADED
SELECT 'over', m.name, sum(CASE g.grade WHEN '3' THEN 8 WHEN '4' THEN 5 ELSE 40 END) AS used, 40
  FROM assignments a JOIN g ON g.code = a.code JOIN managers m ON m.id = a.manager WHERE a.ended_on IS NULL
  GROUP BY m.id HAVING used > 40 ORDER BY m.name;
$GRADED
SELECT 'unassigned', printf('%014d', g.code), c.name, g.grade, c.city, c.county, count(*) OVER ()
  FROM g JOIN customers c ON c.code = g.code
  WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.code = g.code AND a.ended_on IS NULL)
  ORDER BY g.code LIMIT 1000;
SQL
# Hubei's head offices (a key account coded ...000 with an active branch stored) owe the
# province's visit once a year, recorded as center visits; listed before a regular visit
# of the same customer (the report orders a customer's rows by the kind's label).
STATUS="$GRADED,
made AS (SELECT code, count(*) AS n, max(visited_on) AS last FROM visits WHERE kind = 'regular'
  AND visited_on BETWEEN '2026-01-01' AND '$DAY' GROUP BY code),
ho AS (SELECT g.code, g.grade FROM g WHERE g.code % 1000 = 0 AND EXISTS (SELECT 1 FROM customers b
  LEFT JOIN archive ab ON ab.code = b.code WHERE b.code > g.code AND b.code <= g.code + 999
  AND coalesce(ab.status, 'active') = 'active')),
hmade AS (SELECT code, count(*) AS n, max(visited_on) AS last FROM visits WHERE kind = 'center'
  AND visited_on BETWEEN '2026-01-01' AND '$DAY' GROUP BY code),
r AS (SELECT g.code, g.grade, CASE WHEN g.grade IN ('1', '2') THEN 1 ELSE 2 END AS required,
  coalesce(made.n, 0) AS made, made.last, 2 AS rank FROM g LEFT JOIN made ON made.code = g.code
  UNION ALL SELECT ho.code, ho.grade, 1, coalesce(hmade.n, 0), hmade.last, 1 FROM ho
  LEFT JOIN hmade ON hmade.code = ho.code),
s AS (SELECT *, CASE WHEN made >= required THEN 'met' WHEN '$DAY' > '2026-12-31' THEN 'overdue' ELSE 'due' END AS status
  FROM r)"
cat > "$tmp/visits.sql" <<SQL
$STATUS
SELECT 'count', sum(status = 'met'), sum(status = 'due'), sum(status = 'overdue') FROM s;
$STATUS
SELECT 'visit', printf('%014d', s.code), c.name, s.grade, 'regular', 'a year', s.required, s.made, '2026-12-31',
  s.status, s.last FROM s JOIN customers c ON c.code = s.code WHERE s.status <> 'met'
  ORDER BY s.status = 'overdue' DESC, s.code, s.rank;
SELECT 'symposiums', count(*), 1 FROM symposiums WHERE held_on BETWEEN '2026-01-01' AND '$DAY';
SQL
for w in staffing visits; do
  printf '#!/bin/sh\nexec sqlite3 "%s" < "%s" > "%s"\n' "$tmp/k.db" "$tmp/$w.sql" "$tmp/sql_$w.out" > "$tmp/ref_${w}_table.sh"
  printf '#!/bin/sh\nexec sqlite3 -json "%s" < "%s" > "%s"\n' "$tmp/k.db" "$tmp/$w.sql" "$tmp/sql_$w.json" > "$tmp/ref_${w}_json.sh"
  printf '#!/bin/sh\nexec "%s" --db "%s" report %s --month %s --lang en > "%s"\n' "$KAM" "$tmp/k.db" "$w" "$MONTH" \
    "$tmp/kam_$w.txt" > "$tmp/kam_${w}_table.sh"
  printf '#!/bin/sh\nexec "%s" --db "%s" report %s --month %s --format json > "%s"\n' "$KAM" "$tmp/k.db" "$w" "$MONTH" \
    "$tmp/kam_$w.json" > "$tmp/kam_${w}_json.sh"
done
chmod +x "$tmp"/*.sh

echo "obligations over $(sqlite3 "$tmp/k.db" "SELECT count(*) FROM customers") customers ($counts), report month $MONTH, median of $RUNS runs:"
for w in staffing visits; do
  for f in table json; do
    ref=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/ref_${w}_$f.sh") || exit 1
    got=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/kam_${w}_$f.sh") || exit 1
    set -- $ref; ref_ms=$1
    set -- $got; kam_ms=$1 kam_rss=$4
    printf '  report %-8s %-5s sqlite3 %6.0f ms   kam %6.0f ms  peak %5s MB  %7s bytes   ratio %s (target <= 1.5)\n' \
      "$w" "$f" "$ref_ms" "$kam_ms" "$(mb "$kam_rss")" "$(wc -c < "$tmp/kam_$w.$([ $f = table ] && echo txt || echo json)")" \
      "$(ratio "$kam_ms" "$ref_ms")"
  done
done

# The figures: kam's JSON documents against the SQL's rows, every row.
python3 - "$tmp" <<'PY' || exit 1
import json, sys
tmp = sys.argv[1]
def sql_rows(name):
    out, text, at, dec = {}, open(f"{tmp}/sql_{name}.json").read(), 0, json.JSONDecoder()
    while text[at:].strip():   # one array a statement
        rows, at = dec.raw_decode(text, at + len(text[at:]) - len(text[at:].lstrip()))
        for r in rows:
            v = list(r.values())
            out.setdefault(v[0], []).append(v[1:])
    return out
def sections(name):
    return {s["key"]: s["rows"] for s in json.load(open(f"{tmp}/kam_{name}.json"))["sections"]}
bad = []
st, sq = sections("staffing"), sql_rows("staffing")
got = [[r["grade"], r["customers"], r["required"], r["managers"], r["short"], r["unassigned"]] for r in st["grades"]]
if got != sq["grade"]: bad.append(f"staffing per grade: kam {got} sql {sq['grade']}")
got = [[r["manager"], r["used"], r["capacity"]] for r in st["over"]]
if got != sq.get("over", []): bad.append(f"managers over their load: kam {len(got)} sql {len(sq.get('over', []))}")
got = [[r["code"], r["name"], r["grade"], r.get("city"), r.get("county")] for r in st["unassigned"]]
if got != [u[:5] for u in sq.get("unassigned", [])]: bad.append("key accounts without a manager differ")
vi, sv = sections("visits"), sql_rows("visits")
got = [[r["code"], r["name"], r["grade"], r["required"], r["made"], r["due"], r.get("last")] for r in vi["visits"]]
want = [[v[0], v[1], v[2], v[5], v[6], v[7], v[9]] for v in sv.get("visit", [])]
if got != want: bad.append(f"visits due: kam {len(got)} rows, sql {len(want)}")
meta = {m["label"]: m["value"] for m in json.load(open(f"{tmp}/kam_visits.json"))["meta"]}
c = sv["count"][0]
if meta["已完成/待走访/逾期"] != "%d / %d / %d" % tuple(c): bad.append(f"visit counts: kam {meta['已完成/待走访/逾期']} sql {c}")
s = vi["symposiums"][0]
if [s["held"], s["required"]] != sv["symposiums"][0]: bad.append("symposiums differ")
if bad:
    print("  FIGURES DIFFER:\n    " + "\n    ".join(bad)); sys.exit(1)
print("  kam and SQL agree: staffing %s; %d over their load; %d listed without a manager; visits met/due/overdue %s, %d rows listed"
      % (" ".join("%s:%d/%d" % (g[0], g[1], g[2]) for g in sq["grade"]), len(sq.get("over", [])),
         len(sq.get("unassigned", [])), "/".join(map(str, c)), len(want)))
PY
