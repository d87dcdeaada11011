#!/usr/bin/env bash
# Ledger import: kam (validating every row into its real schema) against the sqlite3
# shell's own .import of the same file into a plain table, both measured in this run.
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
rows=$(($(wc -l < "$DATA/ledger.csv") - 1))
cat > "$tmp/kam.sh" <<SH
#!/bin/sh
rm -f "$tmp/k.db" "$tmp/k.db-wal" "$tmp/k.db-shm"; cp "$DATA/customers.db" "$tmp/k.db"
exec "$KAM" --db "$tmp/k.db" import ledger "$DATA/ledger.csv" --no-progress
SH
cat > "$tmp/sqlite.sh" <<SH
#!/bin/sh
rm -f "$tmp/s.db"
exec sqlite3 "$tmp/s.db" -cmd ".mode csv" ".import $DATA/ledger.csv ledger"
SH
chmod +x "$tmp/kam.sh" "$tmp/sqlite.sh"
ref=$($TIMEIT -n "$RUNS" -w 0 -- "$tmp/sqlite.sh") || exit 1
got=$($TIMEIT -n "$RUNS" -w 0 -- "$tmp/kam.sh" 2>/dev/null) || exit 1
set -- $ref; ref_ms=$1 ref_rss=$4
set -- $got; kam_ms=$1 kam_rss=$4
echo "ledger import, $rows rows ($(du -m "$DATA/ledger.csv" | cut -f1) MB), median of $RUNS runs:"
printf '  sqlite3 .import (plain table): %8.0f ms  %9.0f rows/s  peak %5s MB\n' "$ref_ms" \
  "$(awk -v r="$rows" -v t="$ref_ms" 'BEGIN{print r/t*1000}')" "$(mb "$ref_rss")"
printf '  kam import ledger:             %8.0f ms  %9.0f rows/s  peak %5s MB\n' "$kam_ms" \
  "$(awk -v r="$rows" -v t="$kam_ms" 'BEGIN{print r/t*1000}')" "$(mb "$kam_rss")"
echo "  ratio kam / sqlite3 = $(ratio "$kam_ms" "$ref_ms") (target <= 1.0), peak memory $(mb "$kam_rss") MB (target < 64)"
