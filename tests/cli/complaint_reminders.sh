#!/usr/bin/env bash
# The daily reminder's data (common/money.lua's reminders, over kam.store): what is due on
# a day or overdue, per owner, for discounts, claims, arrears and complaints; and "today"
# in the database's timezone (meta timezone) rather than the machine's.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture, graded for 2025"
A=42050200005000

run kam --db $DB discount request $A --line express --rate-bp 500 --from 2026-03-01 --until 2026-12-31 --on 2026-03-01
KAM_USER=甲 run kam --db $DB claim add $A --amount 5000 --on 2026-03-01
KAM_USER=甲 run kam --db $DB claim add $A --amount 6000 --on 2026-03-05
run kam --db $DB arrear add $A --line express --amount 300 --issued 2026-03-01 --due 2026-03-08 --handler 王五
run kam --db $DB complaint add $A --content "延误" --owner 李四 --on 2026-03-01
status_is 0 "one of each"

cat > r.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local money = require "common.money"
local p = money.policy()
for _, o in ipairs(money.reminders(p, arg[1])) do
  for _, i in ipairs(o.items) do
    print(o.owner, i.kind, i.id, i.due, i.overdue and "overdue" or "today", i.what)
  end
end
LUA
run kam --db $DB run r.lua 2026-03-03
is "$out" "" "on 2026-03-03 nothing is due yet"
run kam --db $DB run r.lua 2026-03-04
is "$out" "local: city bureau (市州局/大客户部)	discount	1	2026-03-04	today	answer the request for 5.00% off express" \
  "on day 3 the local level must answer the discount"
run kam --db $DB run r.lua 2026-03-08
is "$out" "local: city bureau (市州局/大客户部)	discount	1	2026-03-04	overdue	answer the request for 5.00% off express
李四	complaint	1	2026-03-08	today	answer the complaint
王五	arrear	1	2026-03-08	today	collect 300.00 (express)
甲	claim	1	2026-03-08	today	claim of 5,000.00: pay it
甲	claim	2	2026-03-08	today	claim of 6,000.00: report it to the province" "on 2026-03-08: per owner (in byte order), due today and overdue"
run kam --db $DB claim pay 1 --on 2026-03-08
run kam --db $DB discount approve 1 --level local --on 2026-03-08
run kam --db $DB arrear pay 1 --amount 100 --on 2026-03-08
run kam --db $DB run r.lua 2026-03-09
is "$out" "李四	complaint	1	2026-03-08	overdue	answer the complaint
王五	arrear	1	2026-03-08	overdue	collect 200.00 (express)
甲	claim	2	2026-03-08	overdue	claim of 6,000.00: report it to the province" "what was done is gone; the rest is overdue, what is left to collect"

# --- today in the database's timezone ----------------------------------------------------
cat > t.lua <<'LUA'
local before = os.date("%Y-%m-%d %H")
print(kam.store.today())
print(os.date("%Y-%m-%d %H") == before)
LUA
sqlite3 $DB "INSERT INTO meta(key, value) VALUES ('timezone', 'Pacific/Kiritimati')"
run kam --db $DB run t.lua
want=$(TZ=Pacific/Kiritimati date +%F)
is "$out" "$want
true" "today in UTC+14 when the database says so (and the machine's timezone is left as it was)"
sqlite3 $DB "UPDATE meta SET value = 'Pacific/Pago_Pago' WHERE key = 'timezone'"
run kam --db $DB run t.lua
is "$out" "$(TZ=Pacific/Pago_Pago date +%F)
true" "and in UTC-11: a different day"
run kam --db $DB --json complaint add $A --content "x"
is "$(echo "$out" | py 'print(d["received_on"])')" "$(TZ=Pacific/Pago_Pago date +%F)" "a command's default day is the database's today"

done_testing
