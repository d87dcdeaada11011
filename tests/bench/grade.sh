#!/usr/bin/env bash
# kam grade over the generated province against the same grading written as one SQL
# statement in the sqlite3 shell (tests/bench/grade_hubei.sql), in one run, on copies of
# the same database.  Both write a decision with a reason for every customer.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
cp "$DATA/province.db" "$tmp/k.db"
cp "$DATA/province.db" "$tmp/s.db"
cat > "$tmp/sqlite.sh" <<SH
#!/bin/sh
exec sqlite3 "$tmp/s.db" < "$PWD/tests/bench/grade_hubei.sql"
SH
cat > "$tmp/kam.sh" <<SH
#!/bin/sh
exec "$KAM" --db "$tmp/k.db" --policy hubei grade --year 2025 --as-of 2026-01-15 2>/dev/null
SH
chmod +x "$tmp/sqlite.sh" "$tmp/kam.sh"
ref=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/sqlite.sh") || exit 1
got=$($TIMEIT -n "$RUNS" -w 1 -q -- "$tmp/kam.sh") || exit 1
set -- $ref; ref_ms=$1
set -- $got; kam_ms=$1 kam_rss=$4
customers=$(sqlite3 "$tmp/k.db" "SELECT count(*) FROM customers")
agree=$(sqlite3 "$tmp/k.db" "ATTACH '$tmp/s.db' AS s; SELECT count(*) FROM decisions d
  JOIN (SELECT code, grade FROM s.ref_decisions WHERE rowid <= $customers) r USING (code)
  WHERE d.run = (SELECT max(id) FROM grading_runs) AND d.grade = r.grade")
echo "grading $customers customers for 2025 (hubei), median of $RUNS runs:"
printf '  sqlite3, one SQL statement:  %8.0f ms\n' "$ref_ms"
printf '  kam grade:                   %8.0f ms  peak %s MB\n' "$kam_ms" "$(mb "$kam_rss")"
echo "  the two agree on $agree of $customers grades"
echo "  ratio kam / sqlite3 = $(ratio "$kam_ms" "$ref_ms") (target <= 1.5), peak memory $(mb "$kam_rss") MB (target < 100)"
