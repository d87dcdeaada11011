#!/usr/bin/env bash
# make demo: the main job on a sample province.  Generates a province of 3,000 customers
# (deterministic), loads it the way a center receives it (a customer list, then the ledger
# month by month, GB18030 files with Chinese headers), grades 2024 and 2025 under the Hubei
# rules, writes December 2025's monthly analysis as one HTML page and prints its
# fluctuation list and top accounts, closes the month, explains a customer on a class
# boundary, shows what Shantou's rules would change, and exports the grades.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${KAM_BUILD:-build}
KAM=$PWD/$B/kam
export KAM_PLUGIN_PATH=$PWD/$B/plugins KAM_USER=demo
DIR=$PWD/build/demo
DB=$DIR/demo.db
rm -rf "$DIR"
mkdir -p "$DIR"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "a sample province: 3,000 customers, 24 months (tests/bench/genprovince)"
"$PWD/$B/bench/genprovince" --customers 3000 --out "$DIR" --stats
"$PWD/$B/bench/genprovince" --customers 3000 --out "$DIR/zh" --headers zh --encoding gb18030 --crlf --order month
head -c 300 "$DIR/zh/ledger.csv" | iconv -f GB18030 -t UTF-8 | head -3
# One file a month, as the center receives them (the month is ASCII in GB18030 too).
mkdir -p "$DIR/months"
awk -F, -v D="$DIR/months" 'NR == 1 { h = $0; next }
  { f = D "/" $2 ".csv"; if (!(f in seen)) { seen[f] = 1; print h > f } print > f }' "$DIR/zh/ledger.csv"
ls "$DIR/months" | head -2; echo "... $(ls "$DIR/months" | wc -l) monthly files"

step "kam init --policy hubei"
"$KAM" --db "$DB" init --policy hubei

step "kam import customers, then the ledger month by month as the center receives it (GB18030, Chinese headers)"
"$KAM" --db "$DB" import customers "$DIR/customers.csv"
for f in "$DIR"/months/*.csv; do
  "$KAM" --db "$DB" import ledger "$f" --no-progress 2>&1 | sed "s|$DIR/||"
done

step "kam grade --year 2024 and 2025 (Hubei: membership, bands by place, top 5, status grades)"
"$KAM" --db "$DB" grade --year 2024 --as-of 2025-01-15 | tail -1
"$KAM" --db "$DB" grade --year 2025 --as-of 2026-01-15

step "kam report monthly --month 2025-12: the key accounts (graded for 2024) in December, as one HTML page"
"$KAM" --db "$DB" report monthly --month 2025-12 -o "$DIR/monthly-2025-12.html"
"$KAM" --db "$DB" report monthly --month 2025-12 --section overview,counts

step "the fluctuation list (beyond the policy's 30%, one-time customers excepted) and the top accounts"
"$KAM" --db "$DB" report monthly --month 2025-12 --section fluctuations,top

step "kam month close 2025-12: the forms are filed; a --replace of December is now refused"
"$KAM" --db "$DB" month close 2025-12
"$KAM" --db "$DB" import ledger "$DIR/months/2025-12.csv" --replace --no-progress 2>&1 | tail -1 || true

step "kam explain: a Wuhan customer whose 2025 EMS revenue is exactly 300,000.00 (class 2, not 3)"
code=$("$KAM" --db "$DB" run - <<'LUA'
local r = kam.db.first([[SELECT printf('%014d', code) AS code FROM ledger WHERE month BETWEEN 202501 AND 202512
  AND line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding')
  GROUP BY code HAVING sum(amount) = 30000000 AND code IN (SELECT code FROM customers WHERE place = 'capital')]])
print(r and r.code or "")
LUA
)
if [ -n "$code" ]; then
  "$KAM" --db "$DB" explain "$code" --year 2025 --as-of 2026-01-15
fi

step "kam grade diff hubei shantou: what Shantou's score would make of the same customers (writes nothing)"
"$KAM" --db "$DB" grade diff hubei shantou --year 2025 --as-of 2026-01-15 | tail -8

step "kam policy test hubei: the policy's own boundary examples"
"$KAM" --db "$DB" policy test hubei

step "kam export grades (current decision per customer), first lines"
"$KAM" --db "$DB" export grades --year 2025 -o "$DIR/grades-2025.csv"
head -4 "$DIR/grades-2025.csv"

printf '\nThe demo database is %s; try: %s --db %s explain CODE\n' "$DB" "$B/kam" "$DB"
printf 'December 2025 as a page: %s\n' "$DIR/monthly-2025-12.html"
