#!/usr/bin/env bash
# kam manager: managers, assignments with A/B roles, the policy's load limits (refused at
# the maximum without --force, changing nothing), and the staffing computation: a
# dedicated manager for Hubei classes 1-2, 3-5 per manager for class 3 and 5-8 for class 4
# (4 class-3 customers need one manager, 6 need two), with the arithmetic shown.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture, graded for 2025"
class() { q "SELECT d.code FROM decisions d WHERE d.grade = '$1' ORDER BY d.code" | sed -n "$2p"; }
n3=$(q "SELECT count(*) FROM decisions WHERE grade = '3'")
is "$n3" "7" "the fixture has 7 class-3 customers"

# --- the staffing arithmetic, through kam run on the shared helper ------------------------
cat >staff.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local ob = require "common.obligations"
local p = ob.policy("hubei")
local out = {}
for _, n in ipairs { 1, 4, 5, 6, 10, 11 } do
  local r = ob.staffing(p, { { grade = "3", customers = n, assigned = 0, managers = 0 } })[3]
  out[#out + 1] = "3:" .. n .. "=" .. r.required
end
for _, n in ipairs { 5, 8, 9, 16, 17 } do
  local r = ob.staffing(p, { { grade = "4", customers = n, assigned = 0, managers = 0 } })[4]
  out[#out + 1] = "4:" .. n .. "=" .. r.required
end
local r = ob.staffing(p, { { grade = "1", customers = 3, assigned = 0, managers = 0 } })[1]
out[#out + 1] = "1:3=" .. r.required
out[#out + 1] = ob.staffing(p, { { grade = "3", customers = 6, assigned = 0, managers = 0 } })[3].arithmetic
return table.concat(out, " ")
LUA
run kam --json --db $DB run staff.lua
like "$out" "3:1=1 3:4=1 3:5=1 3:6=2 3:10=2 3:11=3" "class 3: one manager per 3-5 (4 need one, 6 need two)"
like "$out" "4:5=1 4:8=1 4:9=2 4:16=2 4:17=3" "class 4: one manager per 5-8"
like "$out" "1:3=3" "class 1: a dedicated manager each"
like "$out" "6 customers of grade 3 ÷ 5 per manager (3–5 per manager), rounded up = 2" "the arithmetic shown"

# --- the same through kam manager staffing on the database --------------------------------
staffing() { run kam --json --db $DB manager staffing --as-of 2026-03-01; }
req3() { echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([g["required"] for g in d["grades"] if g["grade"]=="3"][0])'; }
staffing
status_is 0 "manager staffing"
is "$(req3)" "2" "7 class-3 customers need two managers"
like "$out" '"arithmetic": "7 customers of grade 3 ÷ 5 per manager (3–5 per manager), rounded up = 2"' "with the arithmetic"
run kam --db $DB customer deactivate "$(class 3 7)" --reason x
staffing; is "$(req3)" "2" "6 class-3 customers need two"
run kam --db $DB customer deactivate "$(class 3 6)" --reason x
staffing; is "$(req3)" "1" "5 need one"
run kam --db $DB customer deactivate "$(class 3 5)" --reason x
staffing; is "$(req3)" "1" "4 need one"
like "$out" '"unassigned_total": 32' "customers without a manager counted"
run kam --db $DB manager staffing --as-of 2026-03-01
like "$out" "grade 1: 6 customers of grade 1 × 1 dedicated manager = 6" "text: the dedicated arithmetic"

# --- managers and assignments --------------------------------------------------------------
run kam --db $DB manager add 王五 --bureau 宜昌 --phone 139
status_is 0 "manager add"
run kam --db $DB manager add 王五
status_is 1 "a second manager of the same name is refused"
run kam --db $DB manager add 李四
for i in 1 2 3 4; do run kam --db $DB manager assign "$(class 3 $i)" 王五 --since 2026-01-05; done
status_is 0 "four class-3 customers assigned"
run kam --db $DB manager assign "$(class 4 1)" 王五 --since 2026-01-05
status_is 0 "a class-4 customer fits beside four class-3 (32 + 5 of 40 units)"
like "$err" "load 37 of 40 units" "the load is shown"
before=$(snap)
run kam --db $DB manager assign "$(class 3 5)" 王五
status_is 1 "an inactive customer gets no manager"
is "$(snap)" "$before" "refused, nothing written"
run kam --db $DB manager assign "$(class 4 2)" 王五 --since 2026-01-05
status_is 1 "at the maximum load (37 + 5 > 40 units) an assignment is refused"
like "$err" "manager 王五 is at the policy's maximum load: 4 of grade 3 × 8 + 1 of grade 4 × 5 = 37 of 40 units; a customer of grade 4 takes 5 more" "naming the load and the rule"
like "$err" "--force assigns anyway" "and the way out"
run kam --json --db $DB manager assign "$(class 4 2)" 王五 --since 2026-01-05
like "$out" '"status": 1' "--json: the error document"
is "$(snap)" "$before" "nothing changed"
run kam --db $DB manager assign "$(class 1 1)" 王五 --since 2026-01-05
status_is 1 "a dedicated (class 1) customer takes a whole manager: refused"
run kam --db $DB manager assign "$(class 4 2)" 王五 --since 2026-01-05 --force --reason 临时
status_is 0 "--force assigns past the maximum"
is "$(q "SELECT forced, reason FROM assignments ORDER BY id DESC LIMIT 1")" "1|临时" "recorded as forced"
run kam --json --db $DB manager staffing --as-of 2026-03-01
like "$out" '"manager": "王五"' "the manager over its load is listed"
like "$out" '"used": 42' "with its load"

# A/B roles: two managers; the same one twice is refused; a new A relieves the old one.
C=$(class 3 1)
run kam --db $DB manager assign $C 王五 --role B
status_is 1 "the A manager cannot be B too"
like "$err" "A and B are two managers" "said so"
run kam --db $DB manager assign $C 李四 --role B --since 2026-02-01
status_is 0 "a B manager"
run kam --db $DB manager assign $C 李四 --since 2026-03-01
status_is 1 "李四 is B already, cannot be A"
run kam --db $DB manager add 赵六
run kam --db $DB manager assign $C 赵六 --since 2026-03-01
status_is 0 "a new A manager"
like "$err" "relieves 王五" "relieves the old one"
is "$(q "SELECT ended_on || ' ' || end_reason FROM assignments WHERE code = $C AND manager = 1")" \
  "2026-03-01 relieved: customer assigned to 赵六" "the old assignment is ended, kept"
run kam --db $DB manager unassign $C --role B --reason 调岗
status_is 0 "unassign"
is "$(q "SELECT count(*) FROM assignments WHERE code = $C")" "3" "every assignment kept"
run sqlite3 $DB "DELETE FROM assignments"
like "$err" "assignments are ended, never deleted" "never deleted"
run kam --json --db $DB customer show $C
like "$out" '"manager_name": "赵六"' "customer show names the current manager"
run kam --db $DB manager show 王五 --as-of 2026-03-01
like "$out" "3 of grade 3 × 8 + 2 of grade 4 × 5 = 34 of 40 units" "manager show: the load after the customer moved to 赵六"
done_testing
