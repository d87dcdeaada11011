#!/usr/bin/env bash
# kam arrear (DOMAIN.md §6): receivables of agreement customers only, never on a line the
# policy keeps off credit; an arrear due yesterday puts the customer on credit stop, its
# payment lifts it; ageing buckets; the year-end ratio against the cap of 5% of the year's
# postal revenue less agency finance (the savings line): exactly 5% passes, one fen over
# fails.  Refusals exit 1 and change nothing.
source "$(dirname "$0")/lib.sh"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

A=42010200001000   # agreement, on account
B=42010200002000   # agreement, cash
N=42010200003000   # no agreement
cat > c.csv <<CSV
code,name,place,city,agreement,account
$A,甲公司,capital,武汉市,yes,on_account
$B,乙公司,capital,武汉市,yes,cash
$N,丙公司,capital,武汉市,no,
CSV
# 2025: 100,000.00 of postal revenue that counts and 50,000.00 of agency finance (储汇).
cat > l.csv <<CSV
code,month,line,amount
$A,2025-01,express,60000.00
$B,2025-06,letters,40000.00
$A,2025-03,savings,50000.00
CSV
run kam --db $DB init --policy hubei
run kam --db $DB import customers c.csv
run kam --db $DB import ledger l.csv
status_is 0 "three customers and a year's ledger"

yesterday=$(date -d yesterday +%F)
today=$(date +%F)
month_ago=$(date -d '30 days ago' +%F)
add() { run kam --db $DB --json arrear add "$@"; }

# --- refusals ------------------------------------------------------------------------------
before=$(dump)
add $N --line express --amount 100 --due 2026-01-31 --issued 2026-01-01 --handler 王五
status_is 1 "arrears for a customer without an agreement are refused"
is "$(echo "$out" | py 'print(d["status"], d["error"])')" \
  "1 arrear add: customer $N (丙公司) has no agreement: only agreement customers may run arrears" "naming the reason"
add $A --line savings --amount 100 --due 2026-01-31 --issued 2026-01-01 --handler 王五
status_is 1 "a line never on credit is refused"
like "$out" "policy hubei: the savings line is never on credit" "naming the policy and the line"
add 42010299999000 --line express --amount 100 --issued 2026-01-01 --due 2026-01-31 --handler 王五
status_is 1 "an unknown customer"
is "$(dump)" "$before" "no refusal changed the database"
add $A --line express --amount 100 --due 2026-01-01 --issued 2026-01-02 --handler 王五
status_is 2 "due before issued"
add $A --line express --amount 100 --issued 2026-01-01 --due 2026-01-31
status_is 2 "no --handler"
like "$out" "arrear add: --handler is required" "says so"
add $A --line express --amount 0 --issued 2026-01-01 --due 2026-01-31 --handler 王五
status_is 2 "an amount of 0"
is "$(dump)" "$before" "no usage error changed the database"

# --- credit stop: due yesterday, lifted by the payment -------------------------------------
add $A --line express --amount 1234.56 --issued "$month_ago" --due "$yesterday" --handler 王五 --ref 11月账单
status_is 0 "a receivable due yesterday"
is "$(echo "$out" | py 'print(d["amount"], d["outstanding"], d["handler"])')" "123456 123456 王五" "in fen, with its handler"
R1=$(echo "$out" | py 'print(d["id"])')
add $B --line letters --amount 10 --due "$today" --handler 赵六
status_is 0 "one due today, issued today (the default)"
R2=$(echo "$out" | py 'print(d["id"])')
run kam --db $DB --json arrear stops
is "$(echo "$out" | py 'print([(s["code"], s["since"], s["outstanding"], s["handlers"]) for s in d["stops"]])')" \
  "[('$A', '$today', 123456, ['王五'])]" "the customer is on credit stop from today; one due today is not"
run kam --db $DB --json arrear stops --as-of "$yesterday"
is "$(echo "$out" | py 'print(d["stops"])')" "[]" "on the due day itself: no stop yet"
run kam --db $DB arrear pay $R1 --amount 1000.00
status_is 0 "a part payment"
run kam --db $DB --json arrear stops
is "$(echo "$out" | py 'print([(s["code"], s["outstanding"]) for s in d["stops"]])')" "[('$A', 23456)]" "a part payment leaves the stop"
before=$(dump)
run kam --db $DB arrear pay $R1 --amount 234.57
status_is 1 "paying more than is outstanding"
like "$err" "234.57 is more than the 234.56 outstanding on receivable #$R1" "says so"
is "$(dump)" "$before" "and changes nothing"
run kam --db $DB --json arrear pay $R1 --amount 234.56
is "$(echo "$out" | py 'print(d["outstanding"], d["paid"])')" "0 123456" "paid in full"
run kam --db $DB --json arrear stops
is "$(echo "$out" | py 'print(d["stops"])')" "[]" "the payment lifts the stop"
run kam --db $DB --json arrear list --all
is "$(echo "$out" | py 'print([(r["id"], r["outstanding"]) for r in d])')" "[($R1, 0), ($R2, 1000)]" "--all: paid ones too"
run kam --db $DB --json arrear list
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[$R2]" "the open ones"
run sqlite3 $DB "DELETE FROM receivable_payments"
like "$err" "receivable payments are never deleted" "a payment is never deleted (trigger)"

# --- ageing and the year-end ratio, on fixed days ------------------------------------------
add $A --line express --amount 3000.00 --issued 2025-06-01 --due 2025-09-01 --handler 王五
add $B --line letters --amount 2000.00 --issued 2025-10-01 --due 2025-12-31 --handler 赵六
R4=$(echo "$out" | py 'print(d["id"])')
run kam --db $DB --json arrear ageing --as-of 2025-12-31
is "$(echo "$out" | py 'print([(b["label"], b["count"], b["outstanding"]) for b in d["buckets"]])')" \
  "[('not due', 1, 200000), ('1-30 days', 0, 0), ('31-90 days', 0, 0), ('91-180 days', 1, 300000), ('181-365 days', 0, 0), ('over 365 days', 0, 0)]" \
  "ageing on 2025-12-31: due today is not due, 121 days past due is 91-180"
run kam --db $DB --json arrear ageing --as-of 2026-09-01
is "$(echo "$out" | py 'print([(b["label"], b["count"]) for b in d["buckets"] if b["count"]])')" \
  "[('181-365 days', 2)]" "365 days past due is still 181-365"
run kam --db $DB --json arrear ageing --as-of 2026-09-02
is "$(echo "$out" | py 'print([(b["label"], b["count"]) for b in d["buckets"] if b["count"]])')" \
  "[('181-365 days', 1), ('over 365 days', 1)]" "366 is over 365"
run kam --db $DB --json arrear ratio --year 2025
status_is 0 "the 2025 ratio"
is "$(echo "$out" | py 'print(d["arrears"], d["revenue"], d["revenue_left_out"], d["ratio_bp"], d["within"], d["max_share_pct"])')" \
  "500000 10000000 5000000 500 True 5" "5,000.00 of 100,000.00 (savings left out): exactly 5% passes"
add $B --line letters --amount 0.01 --issued 2025-12-31 --due 2026-01-31 --handler 赵六
R5=$(echo "$out" | py 'print(d["id"])')
run kam --db $DB --json arrear ratio --year 2025
is "$(echo "$out" | py 'print(d["arrears"], d["ratio_bp"], d["within"])')" "500001 500 False" "one fen over fails"
run kam --db $DB arrear ratio --year 2025
like "$out" "5,000.01 of revenue 100,000.00 (less savings: 50,000.00): 5.00%, the cap 5%: over" "said in words"
run kam --db $DB arrear pay $R5 --amount 0.01 --on 2026-01-05
status_is 0 "the fen paid in January"
run kam --db $DB --json arrear ratio --year 2025
is "$(echo "$out" | py 'print(d["arrears"], d["within"])')" "500001 False" "a payment after the year's end does not count for it"
run kam --db $DB arrear pay $R4 --amount 0.01 --on 2025-12-31
status_is 0 "a fen of another receivable paid on 31 December"
run kam --db $DB --json arrear ratio --year 2025
is "$(echo "$out" | py 'print(d["arrears"], d["within"])')" "500000 True" "one made on 31 December does"
run kam --db $DB --json arrear ratio --year 2024
is "$(echo "$out" | py 'print(d["arrears"], d["revenue"], d["ratio_bp"], d["within"])')" "0 0 None True" "a year without revenue or arrears"

# --- kam.store through kam run -------------------------------------------------------------
cat > s.lua <<LUA
local s = kam.store
local r = s.revenue_by_line(2025)
print(r.express, r.letters, r.savings, r.parcels)
local c = s.customer($N)
print(c.name, c.agreement, s.customer($A).agreement, s.customer(42010299999000))
print(#s.receivables(nil, "2025-12-31", true), #s.receivables($A, "2025-12-31", false), s.receivable($R4, "2025-12-30").outstanding)
LUA
run kam --db $DB run s.lua
is "$out" "6000000	4000000	5000000	nil
丙公司	false	true	nil
3	1	200000" "revenue by line, the customer's agreement, receivables on a day"

done_testing
