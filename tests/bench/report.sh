#!/usr/bin/env bash
# kam report monthly over the generated province (2024 graded under hubei) against the same
# figures computed by plain SQL in the sqlite3 shell (tests/bench/report_monthly.sql), in
# one run, on the same database; then the two are compared figure by figure.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
cp "$DATA/province.db" "$tmp/r.db"
"$KAM" --db "$tmp/r.db" --policy hubei grade --year 2024 --as-of 2025-01-15 >/dev/null 2>&1 || exit 1
cat > "$tmp/sqlite.sh" <<SH
#!/bin/sh
exec sqlite3 "$tmp/r.db" < "$PWD/tests/bench/report_monthly.sql" > "$tmp/sql.out"
SH
cat > "$tmp/kam.sh" <<SH
#!/bin/sh
exec "$KAM" --db "$tmp/r.db" --policy hubei report monthly --month 2025-06 --format json > "$tmp/kam.json"
SH
chmod +x "$tmp/sqlite.sh" "$tmp/kam.sh"
ref=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/sqlite.sh") || exit 1
got=$($TIMEIT -n "$RUNS" -w 1 -q -- "$tmp/kam.sh") || exit 1
set -- $ref; ref_ms=$1
set -- $got; kam_ms=$1 kam_rss=$4
agree=$(python3 - "$tmp/kam.json" "$tmp/sql.out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1])); sec = {s["key"]: s for s in doc["sections"]}
def fen(s):
    neg = s.startswith("-"); w, f = s.lstrip("-").split("."); v = int(w) * 100 + int(f)
    return -v if neg else v
sql = [l.split("|") for l in open(sys.argv[2]).read().splitlines()]
by = {}
for r in sql: by.setdefault(r[0], []).append(r[1:])
ov = sec["overview"]["rows"]; o = list(map(int, by["overview"][0]))
checks = {
  "overview": [fen(ov[0]["now"]), fen(ov[0]["base"]), fen(ov[2]["base"]), fen(ov[3]["now"]), fen(ov[3]["base"])] == o,
  "counts": [r["n"] for r in sec["counts"]["rows"]] == [int(x) for x in by["counts"][0][0:3]] + [int(by["counts"][0][4])],
  "grades": sorted((r["grade"], r["n"], fen(r["now"])) for r in sec["grades"]["rows"]) ==
            sorted((g, int(n), int(a)) for g, n, a, _ in by["grade"]),
  "fluctuations": [(r["code"], fen(r["diff"])) for r in sec["fluctuations"]["rows"]] ==
                  [(r[0], int(r[5])) for r in by["fluctuation"]],
  "top": [r["code"] for r in sec["top"]["rows"]] == [r[0] for r in by["top"]],
  "trend": [(r["month"].replace("-", ""), fen(r["all"]), fen(r["key"])) for r in sec["trend"]["rows"]] ==
           [(m, int(a), int(k)) for m, a, k in by["trend"]],
}
print(" ".join(k + ("=same" if v else "=DIFFERENT") for k, v in checks.items()), len(by["fluctuation"]))
PY
)
customers=$(sqlite3 "$tmp/r.db" "SELECT count(*) FROM customers")
echo "kam report monthly --month 2025-06, $customers customers, 24 months, median of $RUNS runs:"
printf '  sqlite3, plain SQL (report_monthly.sql): %8.0f ms\n' "$ref_ms"
printf '  kam report monthly --format json:        %8.0f ms  peak %s MB\n' "$kam_ms" "$(mb "$kam_rss")"
echo "  figures: $agree (the last: fluctuation rows)"
echo "  ratio kam / sqlite3 = $(ratio "$kam_ms" "$ref_ms") (target <= 1.5)"
