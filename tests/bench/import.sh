#!/usr/bin/env bash
# Ledger import: kam (validating every row into its real schema) against the sqlite3
# shell's own .import of the same file into a plain table (no key, no check: the floor),
# both measured in this run, for three cases:
#   code order   the whole history sorted by code, month, line, into an empty ledger
#   month order  the whole history month by month, customers shuffled inside each month
#   append       the last month (month order) into a database holding the months before
# and the lookup of one customer's months in the whole province (kam explain, and the
# view read by the sqlite3 shell).
set -u
. tests/bench/province.sh.inc
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kam-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
sqlite3 "$tmp/plain23.db" -cmd ".mode csv" ".import $DATA/month/first.csv ledger" || exit 1
w() { cat > "$tmp/$1"; chmod +x "$tmp/$1"; }
w fresh.sh <<SH
#!/bin/sh
rm -f "$tmp/k.db" "$tmp/k.db-wal" "$tmp/k.db-shm" "$tmp/s.db"; cp "$DATA/customers.db" "$tmp/k.db"
SH
w first.sh <<SH
#!/bin/sh
rm -f "$tmp/k.db" "$tmp/k.db-wal" "$tmp/k.db-shm"; cp "$DATA/first.db" "$tmp/k.db"; cp "$tmp/plain23.db" "$tmp/s.db"
SH
w kam.sh <<SH
#!/bin/sh
exec "$KAM" --db "$tmp/k.db" import ledger "\$1" --no-progress
SH
w sqlite.sh <<SH
#!/bin/sh
exec sqlite3 "$tmp/s.db" -cmd ".mode csv" ".import \$1 ledger"
SH
w sqlite_append.sh <<SH
#!/bin/sh
exec sqlite3 "$tmp/s.db" ".import --csv --skip 1 \$1 ledger"
SH

# case LABEL FILE SETUP SQLITE_SCRIPT
case_() {
  local label=$1 file=$2 setup=$3 ref got ref_ms kam_ms kam_rss rows
  rows=$(($(wc -l < "$file") - 1))
  ref=$($TIMEIT -n "$RUNS" -w 0 -p "$tmp/$setup" -- "$tmp/$4" "$file") || exit 1
  got=$($TIMEIT -n "$RUNS" -w 0 -p "$tmp/$setup" -- "$tmp/kam.sh" "$file" 2>/dev/null) || exit 1
  set -- $ref; ref_ms=$1
  set -- $got; kam_ms=$1 kam_rss=$4
  printf '  %-12s %8d rows: sqlite3 %7.0f ms, kam %7.0f ms (%8.0f rows/s), peak %5s MB: ratio %s\n' \
    "$label" "$rows" "$ref_ms" "$kam_ms" "$(awk -v r="$rows" -v t="$kam_ms" 'BEGIN{print r/t*1000}')" \
    "$(mb "$kam_rss")" "$(ratio "$kam_ms" "$ref_ms")"
}
echo "ledger import, kam / sqlite3 .import into a plain table, median of $RUNS runs (targets: history <= 1.0, append <= 1.5; memory < 64 MB):"
case_ "code order" "$DATA/ledger.csv" fresh.sh sqlite.sh
case_ "month order" "$DATA/month/ledger.csv" fresh.sh sqlite.sh
case_ "append" "$DATA/month/last.csv" first.sh sqlite_append.sh

# One customer's months in the whole province (target: under 50 ms): read through the view
# by a kam script (kam.db, as the REPL reads), by the sqlite3 shell, and kam explain (which
# also loads the customer's bureau and runs the policy).
code=$(sqlite3 "$DATA/province.db" "SELECT code FROM customers ORDER BY code LIMIT 1 OFFSET $((N / 2))")
cat > "$tmp/lookup.lua" <<LUA
local rows = kam.db.all("SELECT month, line, amount FROM ledger WHERE code = ?", $code)
print(#rows)
LUA
w kamlookup.sh <<SH
#!/bin/sh
exec "$KAM" --db "$DATA/province.db" run "$tmp/lookup.lua"
SH
w lookup.sh <<SH
#!/bin/sh
exec sqlite3 "$DATA/province.db" "SELECT month, line, amount FROM ledger WHERE code = $code"
SH
w explain.sh <<SH
#!/bin/sh
exec "$KAM" --db "$DATA/province.db" --policy hubei explain $code --year 2025
SH
ms() { local got; got=$($TIMEIT -n 5 -w 1 -q -- "$1") || exit 1; set -- $got; echo "$1"; }
n=$(sqlite3 "$DATA/province.db" "SELECT count(*) FROM ledger WHERE code = $code")
months=$(sqlite3 "$DATA/province.db" 'SELECT count(*) FROM ledger_months')
echo "one customer ($code, $n rows in $months months), median of 5 runs, each a whole process (target < 50 ms):"
echo "  kam run, kam.db reading the view: $(ms "$tmp/kamlookup.sh") ms; sqlite3 shell: $(ms "$tmp/lookup.sh") ms;" \
  "kam explain (its bureau and the policy too): $(ms "$tmp/explain.sh") ms"
