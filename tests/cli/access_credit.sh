#!/usr/bin/env bash
# Credit details are confidential (issue 23, DOMAIN §6, §12): what a customer owes (a
# receivable's amount, what was paid and what is outstanding) reads "***" for a viewer, for
# a manager outside its own customers and for everyone on a database kam cannot write; the
# check is in the storage layer, so the CLI, JSON, the reports, exports, the Lua API and the
# REPL show the same; every read by who may see them is logged.  (The extended archive's
# credit block is masked with the rest of it: access.sh.)
source "$(dirname "$0")/lib.sh"
unset KAM_USER
me=$(id -un)
export KAM_TODAY=2026-03-15
A=42010200001000; B=42010200002000
cat >c.csv <<CSV
code,name,place,city,agreement,account
$A,甲公司,capital,武汉市,yes,on_account
$B,乙公司,capital,武汉市,yes,cash
CSV
cat >l.csv <<CSV
code,month,line,amount
$A,2025-01,express,60000.00
$B,2025-06,letters,40000.00
CSV
run kam --db a.db init --policy hubei
run kam --db a.db import customers c.csv
run kam --db a.db import ledger l.csv
run kam --db a.db arrear add $A --line express --amount 1234.56 --issued 2026-01-01 --due 2026-01-31 --handler 王五
run kam --db a.db arrear add $B --line letters --amount 777.01 --issued 2025-12-01 --due 2025-12-31 --handler 李四
status_is 0 "two receivables"
"$KAM" --db a.db manager add M001 >/dev/null 2>&1; "$KAM" --db a.db manager add M002 >/dev/null 2>&1
"$KAM" --db a.db manager assign $A M001 >/dev/null 2>&1
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add vic --login vic-login --role viewer
run kam --db a.db user add carl --login carl-login --role center
run kam --db a.db user add mia --login mia-login --role manager --manager M001
status_is 0 "users: an admin, a viewer, a center user, manager M001's user"
entries() { sqlite3 a.db "SELECT count(*) FROM audit"; }
secret='1234.56|123456|777.01|77701'

# --- a viewer: masked everywhere -------------------------------------------------------------
run kam --db a.db --user vic --json arrear list
status_is 0 "a viewer lists the receivables"
is "$(printf '%s' "$out" | jq -r '[.[] | .code + " " + .amount + " " + .paid + " " + .outstanding + " " + .handler] | join("; ")')" \
  "$A *** *** *** 王五; $B *** *** *** 李四" "... with what is owed masked, the rest as it is"
if grep -Eq "$secret" <<<"$out"; then nok "no amount appears in the viewer's JSON"; else ok "no amount appears in the viewer's JSON"; fi
run kam --db a.db --user vic arrear list
like "$out" "***" "the table shows *** too"
if grep -Eq "$secret|1,234.56" <<<"$out"; then nok "and no amount"; else ok "and no amount"; fi
run kam --db a.db --user vic arrear stops
status_is 0 "a viewer's credit stops: who is on stop, not how much"
like "$out" "$A  2026-02-01  ***" "the stop's outstanding masked"
run kam --db a.db --user vic --json arrear ratio --year 2025
is "$(printf '%s' "$out" | jq -c '[.arrears, .ratio_bp, .within]')" '["***",null,null]' \
  "the year-end ratio: the arrears masked, no verdict drawn from them"
for fmt in table json html csv; do
  run kam --db a.db --user vic report arrears --month 2026-02 --format $fmt -o r.$fmt
  s=$status
  if [ "$s" = 0 ] && grep -q '\*\*\*' r.$fmt && ! grep -Eq "$secret|1,234.56" r.$fmt; then
    ok "report arrears --format $fmt: masked for a viewer"
  else
    nok "report arrears --format $fmt: masked for a viewer" "exit $s" "$(head -c 600 r.$fmt 2>/dev/null)" "$err"
  fi
done
run kam --db a.db --user vic export receivables -o rv.csv
status_is 0 "a viewer's export of receivables"
is "$(tail -n +2 rv.csv | cut -d, -f1,3 | paste -sd' ')" "code,amount $A,*** $B,***" "is masked"
is "$(head -1 rv.csv)" "# kam: masked export (credit details read *** for vic): it does not import back" "and marked so"
like "$err" "masked: credit details read *** for vic" "and says so"
cat >credit.lua <<'LUA'
for _, r in ipairs(kam.store.receivables(nil, "2026-03-15", false)) do print(r.code, r.amount, r.outstanding) end
LUA
run env KAM_USER=vic "$KAM" --db a.db run credit.lua
is "$out" "$(printf '%s\t***\t***\n%s\t***\t***' $A $B)" "kam run: the Lua API reads them masked"
run env KAM_USER=vic "$KAM" --db a.db repl <<<'for _, r in ipairs(kam.store.receivables(nil, "2026-03-15", false)) do print(r.code, r.amount) end'
is "$out" "$(printf '%s\t***\n%s\t***' $A $B)" "the REPL (input not a terminal) reads them masked"

# --- who may see them: read, and the read logged ------------------------------------------------
n=$(entries)
run kam --db a.db --user carl --json arrear list
is "$(printf '%s' "$out" | jq -r '[.[] | .amount] | join(" ")')" "123456 77701" "a center user reads the amounts"
is "$(sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  'carl read {"read": "credit details"}' "and the read is logged"
is "$(entries)" "$((n + 1))" "once"
run kam --db a.db --user mia --json arrear list $A
is "$(printf '%s' "$out" | jq -r '.[0].amount')" 123456 "manager M001's user reads its own customer's receivable"
is "$(sqlite3 a.db "SELECT user || ' ' || customer || ' ' || action FROM audit ORDER BY id DESC LIMIT 1")" \
  "mia $A read" "logged with the customer"
run kam --db a.db --user mia --json arrear list $B
is "$(printf '%s' "$out" | jq -r '.[0].amount')" "***" "not another's"
like "$(sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  'mia refused {"read": "credit details", "customer": 42010200002000, "why": "not a customer of manager M001"}' \
  "and that refusal is logged"
run kam --db 'file:a.db?mode=ro' --json arrear list
is "$(printf '%s' "$out" | jq -r '[.[] | .amount] | join(" ")')" "*** ***" \
  "on a database kam cannot write, masked for the admin too (a read that cannot be logged is not made)"

# --- masked amounts never become data -----------------------------------------------------------
run kam --db a.db import receivables rv.csv
status_is 1 "a masked export of receivables does not import back"
like "$err" "rv.csv:1: the file is a masked export" "... its marker says why"
tail -n +2 rv.csv >rv-unmarked.csv
run kam --db a.db import receivables rv-unmarked.csv
status_is 1 "without the marker, its *** amounts are refused all the same"
like "$err" "amount" "... naming the column"
is "$(sqlite3 a.db "SELECT group_concat(amount, ' ') FROM receivables")" "123456 77701" "the receivables are as they were"

done_testing
