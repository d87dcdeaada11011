#!/usr/bin/env bash
# kam claim (DOMAIN.md §4, Hubei's compensation rules): a claim of exactly 5,000.00 is
# advanced by the city bureau within 7 days, one of 5,000.01 is reported to the province
# within 3 days; a customer enrolled in the green channel gets it handled within 2 days
# and paid within 7; calendar days count from the day after the claim, the last day
# included.  Open, overdue and paid on a day; refusals change nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei customers"
A=42050200005000
G=42050200001000
add() { run kam --db $DB --json claim add "$@"; }

add $A --amount 5000.00 --on 2026-02-24 --description "快件丢失"
status_is 0 "a claim of exactly 5,000.00"
is "$(echo "$out" | py 'print(d["amount"], d["route"], d["pay_by"], "report_by" in d, d["green"])')" \
  "500000 advance 2026-03-03 False False" "advanced by the city bureau, paid by day 7 (across February's end)"
add $A --amount 5000.01 --on 2026-02-24
status_is 0 "a claim of 5,000.01"
is "$(echo "$out" | py 'print(d["amount"], d["route"], d["report_by"], "pay_by" in d)')" \
  "500001 province 2026-02-27 False" "reported to the province by day 3"
add $A --amount 5,000 --on 2024-02-26
is "$(echo "$out" | py 'print(d["route"], d["pay_by"])')" "advance 2024-03-04" "5,000 with a separator; a leap year's 29 February counts"

# --- the green channel ---------------------------------------------------------------------
run kam --db $DB claim enroll $G --on 2026-01-01
status_is 0 "enrol a customer in the green channel"
add $G --amount 100 --on 2026-03-01
is "$(echo "$out" | py 'print(d["route"], d["green"], d["handle_by"], d["pay_by"])')" "advance True 2026-03-03 2026-03-08" \
  "enrolled: handled by day 2, paid by day 7"
add $G --amount 9000 --on 2026-03-01
is "$(echo "$out" | py 'print(d["route"], d["green"], d["report_by"], d["handle_by"], d["pay_by"])')" \
  "province True 2026-03-04 2026-03-03 2026-03-08" "enrolled, above the limit: reported by day 3, handled by 2, paid by 7"
add $G --amount 100 --on 2025-12-31
is "$(echo "$out" | py 'print(d["green"], "handle_by" in d)')" "False False" "a claim from before the enrolment is not in the green channel"

# --- refusals ------------------------------------------------------------------------------
before=$(dump)
add 42050299999000 --amount 100 --on 2026-03-01
status_is 1 "a claim against an unknown customer"
is "$(echo "$out" | py 'print(d["status"], d["error"])')" "1 claim add: no customer 42050299999000" "--json: the error document"
run kam --db $DB claim report 1 --on 2026-02-25
status_is 1 "reporting a claim within the advance limit"
like "$err" "claim #1 (5,000.00) is within the advance limit" "says why"
run kam --db $DB claim pay 1 --amount 5000.01 --on 2026-02-25
status_is 1 "paying more than was claimed"
like "$err" "5,000.01 is more than claim #1's 5,000.00" "says so"
run kam --db $DB claim pay 1 --on 2026-02-23
status_is 1 "a payment before the claim"
run kam --db $DB claim enroll $G
status_is 1 "enrolling twice"
like "$err" "customer $G is enrolled since 2026-01-01 (by tester)" "says since when"
run kam --db $DB claim pay 77
status_is 1 "an unknown claim"
is "$(dump)" "$before" "no refusal changed the database"
for bad in 0 -1 1.234 x 12345678901234; do
  run kam --db $DB claim add $A --amount "$bad"
  status_is 2 "--amount $bad is a usage error"
done
run kam --db $DB claim add $A
status_is 2 "no --amount"
run kam --db $DB claim handle 1 --amount 3
status_is 2 "handle takes no --amount"
is "$(dump)" "$before" "no usage error changed the database"

# --- events, late and on time; open, overdue, paid -----------------------------------------
run kam --db $DB --json claim pay 1 --on 2026-03-03
is "$(echo "$out" | py 'print(d["paid_on"], d["paid_amount"], d["late"])')" "2026-03-03 500000 False" "paid on day 7: on time"
run kam --db $DB --json claim report 2 --on 2026-02-28
is "$(echo "$out" | py 'print(d["reported_on"], d["late"])')" "2026-02-28 True" "reported on day 4: late"
run kam --db $DB claim report 2 --on 2026-02-28
status_is 1 "an event is recorded once"
like "$err" "claim #2 was already reported on 2026-02-28" "says when"
run kam --db $DB --json claim handle 4 --on 2026-03-03
is "$(echo "$out" | py 'print(d["handled_on"], d["late"])')" "2026-03-03 False" "handled on day 2"
run kam --db $DB --json claim list --as-of 2026-03-03
is "$(echo "$out" | py 'print([(r["id"], r["state"], r["overdue"], r["late"]) for r in d])')" \
  "[(1, 'paid', '', ''), (2, 'open', '', 'report'), (3, 'overdue', 'pay', ''), (4, 'open', '', ''), (5, 'open', '', ''), (6, 'overdue', 'pay', '')]" \
  "on 2026-03-03: paid on time, reported late (open: the province decides), unpaid past day 7, open within their days"
run kam --db $DB --json claim list --state overdue --as-of 2026-03-03
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[3, 6]" "--state overdue: the store agrees"
run kam --db $DB --json claim list --state overdue --as-of 2026-03-04
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[3, 5, 6]" \
  "a day later the green-channel claim not handled by day 2 is overdue (report due today is not yet)"
run kam --db $DB --json claim list --state overdue --as-of 2026-03-05
is "$(echo "$out" | py 'print([(r["id"], r["overdue"]) for r in d if r["id"] == 5])')" "[(5, 'report,handle')]" \
  "and the next day its report too"
run kam --db $DB --json claim list --state paid --as-of 2026-03-02
is "$out" "[]" "nothing paid yet on 2026-03-02 (the payment of 2026-03-03 is not counted before its day)"
run kam --db $DB --json claim list --state open --as-of 2026-03-03
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[2, 3, 4, 5, 6]" "open: every unpaid claim"
run kam --db $DB --json claim list --as-of 2025-01-01
is "$(echo "$out" | py 'print([(r["id"], r["state"]) for r in d])')" "[(3, 'overdue')]" "on an earlier day: the claims made by then"
run kam --db $DB claim list $G --as-of 2026-03-03
status_is 0 "one customer's claims as a table"
like "$out" "9,000.00" "amounts in yuan"
run sqlite3 $DB "UPDATE claims SET amount = 1 WHERE id = 1"
like "$err" "claims are never changed" "a claim is never changed (trigger)"

# --- kam.store through kam run -------------------------------------------------------------
cat > s.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local money = require "common.money"
local p = money.policy()
local function t(x) return x.route .. " " .. (x.report_by or "-") .. " " .. (x.handle_by or "-") .. " " .. (x.pay_by or "-") end
print(t(money.claim_terms(p, 500000, false, "2026-12-28")), t(money.claim_terms(p, 500001, true, "2026-12-28")))
print(#kam.store.claims($G), kam.store.green($G).enrolled_on, kam.store.green($A))
LUA
run kam --db $DB run s.lua
is "$out" "advance - - 2027-01-04	province 2026-12-31 2026-12-30 2027-01-04
3	2026-01-01	nil" "claim terms across the year's end; the green channel from the store"
run kam --db $DB --policy shantou run s.lua
status_is 1 "a policy without claim rules"
like "$err" "policy shantou sets no claim rules (numbers.claims)" "says so"

run kam --db $DB --json claim list --wait soon
status_is 2 "a --wait that is no number of seconds is a usage error"
is "$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["error"])')" \
  "claim: --wait 'soon' must be whole seconds from 0 to 86400" "naming the command, and only it"

done_testing
