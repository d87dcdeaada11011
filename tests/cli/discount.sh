#!/usr/bin/env bash
# kam discount request | approve | refuse | list (DOMAIN.md §5).  Hubei's local standard
# for a class 3 customer's express business is 10% (discount_local_pct, kam's choice): a
# request one basis point inside it and one at it go to the local level, one point beyond
# to the province.  The answer is due 3 days after the request (approval_days: day 3 on
# time, day 4 late).  A level the policy does not allow for the route, an unknown customer,
# a second answer are refused with exit 1 and change nothing.  kam.store's functions are
# checked through kam run.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
# Everything but the audit log: a refusal adds its entry there (issue 23), and only there.
dump() { sqlite3 "$DB" .dump | grep -v "^INSERT INTO audit" | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture, graded for 2025"
C3=42050200005000   # 宜昌, 50,000.00: class 3
CN=42050200008000   # 宜昌, 9,999.99: no key account
req() { run kam --db $DB --json discount request "$@"; }

# --- routing at the edge of the local standard ---------------------------------------------
req $C3 --line express --rate-bp 999 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
status_is 0 "a request one point inside the local standard"
is "$(echo "$out" | py 'print(d["route"], d["grade"], d["limit_bp"], d["answer_by"], d["id"])')" \
  "local 3 1000 2026-01-08 1" "routed locally on the class 3 express standard, answer due 3 days after"
req $C3 --line express --rate-bp 1000 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
is "$(echo "$out" | py 'print(d["route"])')" "local" "exactly the standard (10.00%) stays local"
req $C3 --line express --rate-bp 1001 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
is "$(echo "$out" | py 'print(d["route"], d["limit_bp"])')" "province 1000" "one point beyond goes to the province"
req $C3 --line letters --rate-bp 1 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
is "$(echo "$out" | py 'print(d["route"], d["limit_bp"])')" "province 0" \
  "a line without a local standard (letters) goes to the province"
req $CN --line express --rate-bp 100 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
is "$(echo "$out" | py 'print(d["route"], d["grade"])')" "province none" "a customer that is no key account has no local standard"
is "$(q 'SELECT count(*) FROM discounts')" "5" "five requests stored"

# --- refusals change nothing ---------------------------------------------------------------
before=$(dump)
run kam --db $DB discount approve 3 --level local --on 2026-01-06
status_is 1 "the local level approving a request beyond the local standard is refused"
like "$err" "the local level (city bureau (市州局/大客户部)) may not answer a request routed to the province level" "naming the level and the route"
is "$(dump)" "$before" "and the database is unchanged"
run kam --db $DB --json discount refuse 3 --level local --reason "太低" --on 2026-01-06
status_is 1 "refusing at a level not allowed is refused too"
is "$(echo "$out" | py 'print(d["status"], "may not answer" in d["error"])')" "1 True" "--json: the error document"
run kam --db $DB discount approve 3 --level minister --on 2026-01-06
status_is 1 "a level the policy does not have"
like "$err" "policy hubei has no approval level 'minister' (it has: local, province)" "names the levels it has"
req 42050299999000 --line express --rate-bp 100 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
status_is 1 "a request for an unknown customer"
like "$err" "no customer 42050299999000" "says so"
run kam --db $DB discount approve 99 --level province
status_is 1 "an unknown request"
like "$err" "no request #99" "says so"
run kam --db $DB discount approve 1 --level local --on 2026-01-04
status_is 1 "an answer dated before the request"
like "$err" "before the request's (2026-01-05)" "says so"
is "$(dump)" "$before" "no refusal changed the database"

# --- usage errors --------------------------------------------------------------------------
for bad in 0 10001 1.5 -3 abc; do
  run kam --db $DB discount request $C3 --line express --rate-bp "$bad" --from 2026-01-01 --until 2026-06-30
  status_is 2 "--rate-bp $bad is a usage error"
done
like "$err" "must be whole basis points from 1 to 10000" "saying what a rate is"
run kam --db $DB discount request $C3 --line courier --rate-bp 10 --from 2026-01-01 --until 2026-06-30
status_is 2 "an unknown line"
like "$err" "--line 'courier' is not a business line" "says so"
run kam --db $DB discount request $C3 --line express --rate-bp 10 --from 2026-07-01 --until 2026-06-30
status_is 2 "--until before --from"
run kam --db $DB discount request $C3 --line express --rate-bp 10 --from 2026-02-30 --until 2026-06-30
status_is 2 "a day that does not exist"
like "$err" "date '2026-02-30' is not a real day" "says so"
run kam --db $DB discount refuse 1 --level local
status_is 2 "refuse without --reason"
is "$(dump)" "$before" "no usage error changed the database"

# --- answers on day 3 and day 4 ------------------------------------------------------------
run kam --db $DB --json discount approve 1 --level local --on 2026-01-08
status_is 0 "the local level approves a local request on day 3"
is "$(echo "$out" | py 'print(d["decision"], d["level"], d["answered_on"], d["late"])')" "approved local 2026-01-08 False" \
  "on time"
run kam --db $DB --json discount approve 3 --level province --on 2026-01-09
status_is 0 "the province approves a request beyond the standard on day 4"
is "$(echo "$out" | py 'print(d["decision"], d["level"], d["late"])')" "approved province True" "late"
run kam --db $DB discount refuse 2 --level province --reason "超出预算" --on 2026-01-07
like "$err" "refused at the province level on 2026-01-07" "the province may answer a local request too"
before=$(dump)
run kam --db $DB discount approve 1 --level province --on 2026-01-09
status_is 1 "a second answer is refused"
like "$err" "request #1 was already approved on 2026-01-08 by tester (local level)" "naming the first answer"
is "$(dump)" "$before" "and changes nothing"
run sqlite3 $DB "UPDATE discount_answers SET decision = 'refused' WHERE discount = 1"
like "$err" "discount answers are never changed" "an answer is never changed (trigger)"
run sqlite3 $DB "DELETE FROM discounts WHERE id = 5"
like "$err" "discounts are never deleted" "a request is never deleted (trigger)"

# --- lists ---------------------------------------------------------------------------------
run kam --db $DB --json discount list --state granted --as-of 2026-03-01
is "$(echo "$out" | py 'print(sorted(r["id"] for r in d))')" "[1, 3]" "granted on 2026-03-01: the approved ones"
run kam --db $DB --json discount list --state granted --as-of 2026-07-01
is "$out" "[]" "nothing granted after the period"
run kam --db $DB --json discount list --state granted --as-of 2026-01-08
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[1]" "granted on 2026-01-08: not yet the one approved on 01-09"
run kam --db $DB --json discount list --state overdue --as-of 2026-01-09
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[4, 5]" "overdue on 01-09: neither the one refused on 01-07 nor the one approved that day"
run kam --db $DB --json discount list --state pending --as-of 2026-01-08
is "$(echo "$out" | py 'print([(r["id"], r["late"]) for r in d])')" "[(3, False), (4, False), (5, False)]" \
  "pending on the due day: not late (3 is answered only the day after)"
run kam --db $DB --json discount list --state overdue --as-of 2026-01-09
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[4, 5]" "overdue the day after"
run kam --db $DB --json discount list $C3
is "$(echo "$out" | py 'print(len(d), d[1]["decision"], d[1]["reason"] if "reason" in d[1] else "-", d[1]["answer_reason"])')" \
  "4 refused - 超出预算" "one customer's requests with the refusal's reason"
run kam --db $DB discount list
status_is 0 "the table"
like "$out" "10.01%" "rates shown as exact percentages"
run kam --db $DB discount list --state later
status_is 2 "an unknown state"

# --- kam.store through kam run -------------------------------------------------------------
cat > s.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local money = require "common.money"
local s = kam.store
print(#s.discounts(nil, "overdue", "2026-01-09"), #s.discounts($C3, "granted", "2026-03-01"),
      (s.grade_now($C3, "hubei")), select(2, s.grade_now($C3, "hubei")), (s.grade_now($CN, "hubei")), s.grade_now($C3, "shantou"))
local p = money.policy()
print((money.discount_route(p, "3", "express", 1000)), (money.discount_route(p, "3", "express", 1001)),
      (money.discount_route(p, "1", "logistics", 2000)), money.discount_answer_by(p, "2026-02-27"),
      money.discount_answer_by(p, "2024-02-27"))
print(money.discount_level_may_answer(p, "local", "province"))
print(money.pct(150), money.pct(1), money.pct(10000))
LUA
run kam --db $DB run s.lua
status_is 0 "kam.store and common.money from a script"
is "$out" "2	2	3	2025	none	nil
local	province	local	2026-03-02	2024-03-01
nil	policy hubei: the local level (city bureau (市州局/大客户部)) may not answer a request routed to the province level
1.50%	0.01%	100.00%" "overdue, granted, grades, routes, answer days across month ends and a leap day"
cat > bad.lua <<'LUA'
print(pcall(kam.store.discount_add, {}))
print(pcall(kam.store.discount_add, {code = "42050200005000", rate_bp = "x"}))
print(pcall(kam.store.discounts, nil, "someday", "2026-01-01"))
print(pcall(kam.store.discounts, nil, "overdue"))
LUA
run kam --db $DB run bad.lua
is "$out" "false	kam.store.discount_add: field 'code' is required
false	kam.store.discount_add: field 'rate_bp' must be an integer
false	discounts: no state 'someday' (pending, overdue, answered, granted)
false	discounts: the state 'overdue' needs a day" "kam.store checks its arguments"

cat > s2.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local money = require "common.money"
local p = money.policy()
print(p.name, money.discount_limit_bp(p, "gold", "letters"), money.discount_limit_bp(p, "general", "express"),
      money.discount_answer_by(p, "2026-12-30"))
LUA
for pol in city2012:1000 shantou:1000 hq:1000; do
  run kam --db $DB --policy ${pol%%:*} run s2.lua
  is "$out" "${pol%%:*}	${pol#*:}	0	2027-01-02" "${pol%%:*}: every line's standard for Gold, none for a General (or unknown) grade, 3 days to answer"
done

done_testing
