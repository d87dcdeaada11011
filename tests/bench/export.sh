#!/usr/bin/env bash
# Whole-ledger export: kam export ledger (CSV, the import's format: codes of 14 digits,
# months as YYYY-MM, yuan with two decimals) against the sqlite3 shell writing the same
# text from the same view in the same order, both measured in this run.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
w() { cat > "$tmp/$1"; chmod +x "$tmp/$1"; }
w kam.sh <<SH
#!/bin/sh
exec "$KAM" --db "$DATA/province.db" export ledger -o "$tmp/kam.csv"
SH
w sqlite.sh <<SH
#!/bin/sh
exec sqlite3 "$DATA/province.db" -cmd ".headers off" -cmd ".once $tmp/sqlite.csv" \
  "SELECT printf('%014d,%04d-%02d,%s,%s%d.%02d,%s', code, month / 100, month % 100, line,
                 CASE WHEN amount < 0 THEN '-' ELSE '' END, abs(amount) / 100, abs(amount) % 100,
                 ifnull(volume, '')) FROM ledger ORDER BY code, month, line"
SH
rows=$(sqlite3 "$DATA/province.db" 'SELECT sum(rows) FROM ledger_months')
ref=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/sqlite.sh") || exit 1
got=$($TIMEIT -n "$RUNS" -w 1 -- "$tmp/kam.sh" 2>/dev/null) || exit 1
set -- $ref; ref_ms=$1
set -- $got; kam_ms=$1 kam_rss=$4
same=$(cmp -s <(sed 1d "$tmp/kam.csv") "$tmp/sqlite.csv" && echo "same text" || echo "TEXT DIFFERS")
echo "ledger export, kam / the sqlite3 shell's printf of the view, median of $RUNS runs (target <= 1.0):"
printf '  %d rows: sqlite3 %.0f ms, kam %.0f ms, peak %s MB: ratio %s (%s)\n' "$rows" "$ref_ms" "$kam_ms" \
  "$(mb "$kam_rss")" "$(ratio "$kam_ms" "$ref_ms")" "$same"
