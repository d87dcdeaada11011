#!/usr/bin/env bash
# kam holiday add|remove|list and working-day counting (DOMAIN §4; issue 21).  Every day
# limit counts calendar days unless the policy counts it in working days
# (numbers.day_counting); then Monday to Friday less the holiday table's holidays, plus
# its workdays (调休上班).  Shown through the deadlines of complaints, discounts, claims,
# registrations and credit stops under a test policy (hubei's numbers, several limits
# switched to working days): across a weekend, across a holiday, onto a make-up working
# day; calendar counting unchanged; a year with no day marked refused; and common/days.lua
# against an independent count over a whole autumn.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
C=42010200001000

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture"
# The test policy: hubei's numbers, these limits in working days; report_days stays calendar.
sed '$d' "$TOP/policies/hubei.lua" >wd.lua
cat >>wd.lua <<'LUA'
P.numbers.arrears.stop_after_days = 2
P.numbers.day_counting = { complaint_days = "working", approval_days = "working", advance_days = "working",
  registration_days = "working", stop_after_days = "working", report_days = "calendar" }
return P
LUA
WD="--policy ./wd.lua"
sed '$d' "$TOP/policies/hubei.lua" >cal.lua   # the same stop_after_days in calendar days
printf 'P.numbers.arrears.stop_after_days = 2\nreturn P\n' >>cal.lua

# --- the table ------------------------------------------------------------------------------
KAM_USER=center run kam --db $DB holiday add 2026-10-01 --to 2026-10-07 --name 国庆节
status_is 0 "a week of holidays"
like "$err" "7 days marked holiday (国庆节): 2026-10-01 to 2026-10-07" "says so"
run kam --db $DB holiday add 2026-10-10 --name 国庆调休 --workday
status_is 0 "a Saturday worked in exchange"
is "$(q "SELECT group_concat(day || ' ' || kind || ' ' || added_by, ',') FROM holidays WHERE day >= '2026-10-07'")" \
  "2026-10-07 holiday center,2026-10-10 workday tester" "stored with kind and who"
before=$(dump)
run kam --db $DB holiday add 2026-10-07 --name 重复
status_is 1 "a day marked twice"
like "$err" "2026-10-07 is marked already: 2026-10-07 holiday (国庆节, entered by center); remove it first" "naming its mark"
run kam --db $DB holiday add 2026-10-09 --name 调休 --workday
status_is 1 "a workday on a Friday"
like "$err" "2026-10-09 is a Friday, a working day already" "naming the weekday"
run kam --db $DB holiday add 2026-02-30 --name x
status_is 2 "not a real day"
like "$err" "date '2026-02-30' is not a real day" "said so"
run kam --db $DB holiday add 2026-10-20
status_is 2 "a mark needs a name"
run kam --db $DB holiday remove 2026-10-11
status_is 1 "removing a day not marked"
like "$err" "2026-10-11 is not marked" "said so"
run kam --db $DB holiday add 2026-10-20 --to 2026-10-19 --name x
status_is 2 "a range backwards"
is "$(dump)" "$before" "refusals changed nothing"
run kam --db $DB holiday add 2026-10-20 --name 临时 && run kam --db $DB holiday remove 2026-10-20
status_is 0 "remove"
is "$(q "SELECT count(*) FROM holidays WHERE day = '2026-10-20'")" "0" "the mark is gone"
run kam --db $DB holiday list --year 2026
status_is 0 "list"
like "$out" "2026-10-10  Saturday   workday  国庆调休" "with the weekday"
like "$out" "2026: 7 holidays, 1 workdays" "and the year's counts"
run kam --json --db $DB holiday list --year 2027
is "$(echo "$out" | py 'print(len(d["days"]), len(d["years"]))')" "0 0" "--json: a year with nothing marked"
run kam --db $DB holiday list --year 2027
like "$out" "no day of 2027 is marked" "said in text"

# --- the table by import, and back out ---------------------------------------------------------
printf '日期,类型,名称\n2026-12-31,节假日,跨年\n2026-12-26,调休上班,补班\n' >h.csv
KAM_USER=importer run kam --db $DB import holidays h.csv
status_is 0 "import holidays (Chinese headers and words)"
is "$(q "SELECT group_concat(day || ' ' || kind || ' ' || added_by, ',') FROM holidays WHERE day > '2026-12-01'")" \
  "2026-12-26 workday importer,2026-12-31 holiday importer" "stored with who"
run kam --db $DB import holidays h.csv
like "$err" "0 added, 0 updated, 2 unchanged" "the same file again changes nothing"
before=$(dump)
printf 'day,kind,name\n2026-12-31,holiday,除夕\n2026-12-30,workday,x\n' >h2.csv
run kam --db $DB import holidays h2.csv
status_is 1 "a changed day and a workday on a Wednesday"
like "$err" "h2.csv:2: 2026-12-31 is stored already as holiday '跨年', the file has holiday '除夕'; --replace changes it" \
  "the changed day is refused without --replace"
like "$err" "h2.csv:3: column 'kind': 2026-12-30 is a weekday" "the weekday workday is refused"
is "$(dump)" "$before" "nothing imported"
printf 'day,kind,name\n2026-12-31,holiday,除夕\n' >h3.csv
run kam --db $DB import holidays h3.csv --replace
like "$err" "0 added, 1 updated" "--replace changes it"
run kam --db $DB export holidays
like "$out" "2026-12-31,holiday,除夕" "kam export holidays writes the table"
run kam --db $DB holiday remove 2026-12-26 --to 2026-12-31
status_is 1 "removing a range with an unmarked day is refused"
run kam --db $DB holiday remove 2026-12-26 && run kam --db $DB holiday remove 2026-12-31
status_is 0 "the imported days removed"

# --- deadlines under the test policy ----------------------------------------------------------
complaint() { run kam --json --db $DB "$@" complaint add $C --content 延误 --on "$on"; }
on=2026-09-04; complaint $WD   # Friday
is "$(echo "$out" | py 'print(d["answer_by"])')" "2026-09-15" "7 working days from a Friday: across two weekends"
complaint
is "$(echo "$out" | py 'print(d["answer_by"])')" "2026-09-11" "the shipped policy: 7 calendar days, unchanged"
on=2026-09-30; complaint $WD   # Wednesday before the holiday week
is "$(echo "$out" | py 'print(d["answer_by"])')" "2026-10-15" "across the holiday week, counting the workday Saturday"
complaint
is "$(echo "$out" | py 'print(d["answer_by"])')" "2026-10-07" "in calendar days the holidays count"
run kam --json --db $DB $WD discount request 42050200005000 --line express --rate-bp 100 --from 2026-11-01 \
  --until 2026-12-31 --on 2026-10-07
status_is 0 "a discount requested on the last holiday"
is "$(echo "$out" | py 'print(d["answer_by"])')" "2026-10-10" "3 working days: due on the make-up working Saturday"
run kam --json --db $DB $WD claim add $C --amount 6000 --on 2026-09-30
is "$(echo "$out" | py 'print(d["route"], d["report_by"])')" "province 2026-10-03" \
  "report_days the policy leaves in calendar days: unchanged"
run kam --json --db $DB $WD claim add $C --amount 100 --on 2026-09-30
is "$(echo "$out" | py 'print(d["route"], d["pay_by"])')" "advance 2026-10-15" "advance_days in working days"

# Credit stop after 2 days past due: a receivable due on a Friday.
run kam --db $DB arrear add 42010200002000 --line express --amount 100 --due 2026-09-25 --handler 王 --issued 2026-09-01
stops() { run kam --json --db $DB "$@" arrear stops --as-of "$on"; echo "$out" | py 'print([s["since"] for s in d["stops"]])'; }
on=2026-09-29
is "$(stops $WD)" "[]" "2 working days past a Friday's due day run to Tuesday: no stop yet"
is "$(stops --policy ./cal.lua)" "['2026-09-28']" "2 calendar days: stopped since Monday"
on=2026-09-30
is "$(stops $WD)" "['2026-09-30']" "in working days stopped since Wednesday"

# A year with no day marked: refused, nothing written.
before=$(dump)
on=2026-12-28; complaint $WD
status_is 1 "a deadline reaching a year the table lacks"
is "$(echo "$out" | py 'print(d["error"])')" "policy hubei counts complaint_days in working days, and the holiday table has no day of 2027: enter that year's holidays and workdays first (kam holiday add, or kam import holidays)" \
  "refused, naming the limit and the year"
is "$(dump)" "$before" "nothing written"
complaint
status_is 0 "calendar counting needs no table"

# Registrations: 180 working days, checked against an independent count.
run kam --db $DB holiday add 2027-01-01 --name 元旦
run kam --db $DB holiday add 2027-02-06 --to 2027-02-12 --name 春节
run kam --db $DB holiday add 2027-02-14 --name 春节调休 --workday
run kam --json --db $DB $WD register $C --team 江岸 --on 2026-09-30
status_is 0 "a registration under working days"
want=$(python3 - <<'PY'
import datetime as dt
hol = {dt.date(2026,10,d) for d in range(1,8)} | {dt.date(2027,1,1)} | {dt.date(2027,2,d) for d in range(6,13)}
work = {dt.date(2026,10,10), dt.date(2027,2,14)}
d, left = dt.date(2026,9,30), 180
while left:
    d += dt.timedelta(days=1)
    if d in work or (d.weekday() < 5 and d not in hol): left -= 1
print(d)
PY
)
is "$(echo "$out" | py 'print(d["expires_on"])')" "$want" "180 working days, as an independent count says ($want)"

# --- common/days.lua against an independent count: every start day of an autumn, 0-12 days --
cat >d.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local days = require "common.days"
local p = { name = "t", numbers = { day_counting = { n = "working" } } }
local out = {}
for i = 0, 100 do
  local d = days.add("2026-09-01", i)
  for n = 0, 12 do out[#out + 1] = d .. "+" .. n .. "=" .. days.deadline(p, "n", d, n) end
end
print(table.concat(out, " "))
print(days.deadline({ name = "c", numbers = {} }, "n", "2026-09-30", 7))
print(pcall(days.deadline, { name = "b", numbers = { day_counting = { n = "weekdays" } } }, "n", "2026-09-30", 7))
LUA
run kam --db $DB run d.lua
want=$(python3 - <<'PY'
import datetime as dt
hol = {dt.date(2026,10,d) for d in range(1,8)}
work = {dt.date(2026,10,10)}
def w(d): return d in work or (d.weekday() < 5 and d not in hol)
out = []
for i in range(101):
    s = dt.date(2026,9,1) + dt.timedelta(days=i)
    for n in range(13):
        d, left = s, n
        while left:
            d += dt.timedelta(days=1)
            if w(d): left -= 1
        out.append(f"{s}+{n}={d}")
print(" ".join(out))
PY
)
first=$(echo "$out" | sed -n 1p)
is "$first" "$want" "1,313 deadlines agree with an independent count"
is "$(echo "$out" | sed -n 2p)" "2026-10-07" "no day_counting: calendar days"
is "$(echo "$out" | sed -n 3p)" "false	policy b: numbers.day_counting.n is 'weekdays': it must be \"calendar\" or \"working\"" \
  "a counting the policy misspells is refused"

done_testing
