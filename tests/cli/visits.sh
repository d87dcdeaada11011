#!/usr/bin/env bash
# kam visit: visits and symposiums recorded by command; what each grade requires in a
# month under the policy (city2012: Platinum and VIP once a month, Gold twice; leadership
# visits once a year; no symposium obligation (hubei's: one a year); archives refreshed
# every 3, 2, 1 months),
# at the edges: a visit on the last day of February counts for February, one a day late
# does not, and the obligation is "due" on the last day and "overdue" the day after; an
# archive refreshed exactly one interval ago is current, a day later overdue.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }
js() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy city2012
run kam --db $DB import customers "$F/city2012_customers.csv"
run kam --db $DB import ledger "$F/city2012_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the city2012 fixture, graded for 2025"
grade_of() { q "SELECT code FROM decisions WHERE grade = '$1' ORDER BY code" | sed -n "$2p"; }
V1=$(grade_of vip 1); V2=$(grade_of vip 2); V3=$(grade_of vip 3); G1=$(grade_of gold 1)

# --- dates: the helper's calendar ---------------------------------------------------------
cat >dates.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local ob = require "common.obligations"
return table.concat({ ob.month_end(2026, 2), ob.month_end(2028, 2), ob.month_end(1900, 2), ob.month_end(2000, 2),
  ob.add_months("2026-01-31", 1), ob.add_months("2025-11-30", 3), ob.add_months("2026-12-15", 2),
  ob.add_days("2026-02-28", 1), ob.add_days("2028-02-28", 1), ob.add_days("2026-12-31", 1),
  ob.day_number("1970-01-01"), ob.day_number("2026-03-01") - ob.day_number("2026-02-01") }, " ")
LUA
run kam --json --db $DB run dates.lua
is "$out" '"2026-02-28 2028-02-29 1900-02-28 2000-02-29 2026-02-28 2026-02-28 2027-02-15 2026-03-01 2028-02-29 2027-01-01 0 28"' \
  "month ends (leap years), months added to the 31st, days added"

# --- today is the database's day (meta timezone), else the machine's --------------------
# UTC+14 and UTC-11 are always a calendar day apart: kam.store.today() follows the meta key.
echo 'return kam.store.today()' >today.lua
for tz in Pacific/Kiritimati Pacific/Pago_Pago; do
  q "INSERT INTO meta(key, value) VALUES ('timezone', '$tz') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
  a=$(TZ=$tz date +%F); run kam --json --db $DB run today.lua; b=$(TZ=$tz date +%F)
  case $out in "\"$a\""|"\"$b\"") ok "today in $tz: $out" ;; *) nok "today in $tz" "got $out, want $a (or $b)" ;; esac
done
q "DELETE FROM meta WHERE key = 'timezone'"
a=$(date +%F); run kam --json --db $DB run today.lua; b=$(date +%F)
case $out in "\"$a\""|"\"$b\"") ok "without the key: the machine's day" ;; *) nok "the machine's day" "got $out, want $a" ;; esac

# --- recording ---------------------------------------------------------------------------------
run kam --db $DB visit add $V1 --on 2026-02-28 --by 张经理 --note 月度走访
status_is 0 "a visit on the last day of February"
run kam --db $DB visit add $V2 --on 2026-03-01 --by 张经理
status_is 0 "a visit one day late"
run kam --db $DB visit add $G1 --on 2026-02-10 --by 张经理
run kam --db $DB visit add $V1 --on 2026-06-01 --kind leadership --by 局领导
status_is 0 "a leadership visit"
before=$(snap)
run kam --db $DB visit add $V1 --on 2026-02-30 --by x
status_is 2 "a day that does not exist is refused"
run kam --db $DB visit add $V1 --on 2026-02-01 --by x --kind party
status_is 2 "an unknown kind is refused"
run kam --db $DB visit add $V1 --on 2026-02-01 --by ""
status_is 2 "an empty --by is a usage error"
run kam --db $DB visit add 42030299999000 --on 2026-02-01 --by x
status_is 1 "a visit to an unknown customer is refused"
run kam --db $DB visit add $V1 --on 2026-02-01 --manager 没有这个人
status_is 1 "an unknown manager is refused"
is "$(snap)" "$before" "refusals wrote nothing"
run kam --json --db $DB visit list $V1 --from 2026-02-01 --to 2026-02-28
like "$out" '"visited_on": "2026-02-28"' "visit list"

# --- by import: Chinese headers, a file loaded twice adds nothing, bad rows named --------
printf '客户代码,走访日期,走访类型,走访人,备注\n%s,2026-01-15,日常走访,张经理,月度\n%s,2026-01-20,领导拜访,局领导,\n' $V3 $V3 >visits.csv
run kam --db $DB import visits visits.csv
status_is 0 "import visits"
like "$err" "2 added" "two visits added"
run kam --db $DB import visits visits.csv
like "$err" "0 added, 0 updated, 2 unchanged" "loaded again: nothing added"
is "$(q "SELECT kind, by_whom, recorded_by FROM visits WHERE code = $V3 AND visited_on = '2026-01-20'")" "leadership|局领导|tester" \
  "the kind's Chinese word read, the importing user recorded"
printf 'code,visited_on,by_whom\n42030299999000,2026-02-27,x\n%s,2026-02-30,x\n%s,2026-02-01,\n' $V1 $V1 >bad.csv
before=$(snap)
run kam --db $DB import visits bad.csv
status_is 1 "bad visit rows fail the import"
like "$err" "bad.csv:2: column 'code': no customer 42030299999000" "an unknown customer"
like "$err" "bad.csv:3: column 'visited_on': '2026-02-30' is not a day (YYYY-MM-DD)" "a day that does not exist"
like "$err" "bad.csv:4:" "a row without its visitor"
is "$(snap)" "$before" "nothing imported"
run kam --db $DB export visits
like "$out" "$V3,2026-01-20,leadership,局领导," "export visits"
run kam --db $DB export visits -o back.csv
run kam --db $DB import visits back.csv
like "$err" "0 added" "an export imports back unchanged"

# --- February, on its last day and the day after ------------------------------------------------
due() { run kam --json --db $DB visit due --month 2026-02 --kind regular --as-of "$1"; }
row() { echo "$out" | js "r=[v for v in d['visits'] if v['code']=='$1' and v['kind']=='$2'][0]; print(r['required'], r['made'], r['due'], r['status'])"; }
due 2026-02-28
status_is 0 "visit due on 2026-02-28"
is "$(row $V1 regular)" "1 1 2026-02-28 met" "VIP visited on the last day of February: met"
is "$(row $V2 regular)" "1 0 2026-02-28 due" "VIP not yet visited: due on February's last day, not overdue"
is "$(row $G1 regular)" "2 1 2026-02-28 due" "Gold: two a month, one made"
due 2026-03-01
is "$(row $V1 regular)" "1 1 2026-02-28 met" "still met the day after"
is "$(row $V2 regular)" "1 0 2026-02-28 overdue" "the visit one day late does not count for February: overdue"
is "$(row $G1 regular)" "2 1 2026-02-28 overdue" "Gold one short: overdue"
run kam --json --db $DB visit due --month 2026-03 --kind regular --as-of 2026-03-31
is "$(row $V2 regular)" "1 1 2026-03-31 met" "the late visit counts for March"
# Yearly leadership visits: due on 31 December, counted from January.
run kam --json --db $DB visit due --month 2026-06 --kind leadership --as-of 2026-06-30
is "$(row $V1 leadership)" "1 1 2026-12-31 met" "a leadership visit in June meets the year's one"
is "$(row $V2 leadership)" "1 0 2026-12-31 due" "none yet: due by 31 December"
run kam --json --db $DB visit due --month 2026-12 --kind leadership --as-of 2027-01-01
is "$(row $V2 leadership)" "1 0 2026-12-31 overdue" "overdue on 1 January"
run kam --db $DB visit due --month 2026-02 --kind regular --as-of 2026-03-01
like "$out" "overdue" "text lists what is overdue"
# The center's monthly visit holds for comprehensive Gold only (DOMAIN §4): the grade's
# breadth label (city2012's grade() gives it) says which Gold customers.
is "$(q "SELECT group_concat(DISTINCT labels) FROM decisions WHERE grade = 'gold'")" '{"breadth":"comprehensive"}' \
  "the fixture's Gold customers are labelled comprehensive"
run kam --json --db $DB visit due --month 2026-02 --kind center --as-of 2026-03-01
is "$(echo "$out" | js "print(sorted(set(v['status'] for v in d['visits'] if v['grade'] == 'gold')), d['counts']['not_computed'])")" \
  "['overdue'] 0" "center visits to comprehensive Gold: computed (none made: overdue)"
is "$(row $(grade_of platinum 1) center)" "1 0 2026-02-28 overdue" "center visits to Platinum are computed"
# Graded by a policy that gives no labels (as every grade before kam kept them), the
# breadth is unknown: the rule is not computed, never counted as met or overdue.
sed 's/, labels(f)$/, nil/; s/, nil, reasons, labels(f)/, nil, reasons/' "$TOP/policies/city2012.lua" >unlabelled.lua
run kam --db $DB --policy ./unlabelled.lua grade --year 2025 --adopt
status_is 0 "graded again without labels"
is "$(q "SELECT count(*) FROM decisions WHERE run = (SELECT max(id) FROM grading_runs) AND labels IS NOT NULL")" 0 \
  "(no labels stored)"
run kam --json --db $DB visit due --month 2026-02 --kind center --as-of 2026-03-01
is "$(echo "$out" | js "print(sorted(set(v['status'] for v in d['visits'] if v['grade'] == 'gold')), d['counts']['not_computed'] > 0)")" \
  "['not computed'] True" "center visits to an unlabelled Gold: not computed"
like "$out" "carries no breadth label (graded before kam kept it): grade the year again" "saying why"
run kam --db $DB grade --year 2025 --adopt
status_is 0 "graded again by city2012, labels and all"

# --- symposiums -------------------------------------------------------------------------------------
run kam --db $DB visit symposium --on 2026-05-20 --title 大客户座谈会 --attendees 30
status_is 0 "a symposium"
# The 2012 rules set no symposium obligation (DOMAIN §4: the two a year are the XX city
# marketing text's, bundled in seed 001): counted, never due.
run kam --json --db $DB visit due --month 2026-12 --as-of 2027-01-01
is "$(echo "$out" | js "s=d['symposiums']; print(s['held'], s.get('required'), s['status'])")" "1 None not set by the policy" \
  "city2012: the symposium held is counted; no obligation, never overdue"
# Hubei's obligation (art. 30: at least one a year) at its edges.
run kam --db h.db init --policy hubei
run kam --json --db h.db visit due --month 2026-12 --as-of 2026-12-31
is "$(echo "$out" | js "s=d['symposiums']; print(s['held'], s['required'], s['status'])")" "0 1 due" "hubei: none held, due until the year's end"
run kam --json --db h.db visit due --month 2026-12 --as-of 2027-01-01
is "$(echo "$out" | js "s=d['symposiums']; print(s['held'], s['required'], s['status'])")" "0 1 overdue" "overdue the day after"
run kam --db h.db visit symposium --on 2026-12-31 --title 年末座谈会
run kam --json --db h.db visit due --month 2026-12 --as-of 2027-01-01
is "$(echo "$out" | js "s=d['symposiums']; print(s['held'], s['status'])")" "1 met" "one held on the year's last day: met"

# --- archive freshness: exactly at the interval ------------------------------------------------
run kam --db $DB customer set $V1 --refreshed-on 2026-01-31
arch() { echo "$out" | js "r=[a for a in d['archives'] if a['code']=='$1']; print(r[0].get('due', '-') + ' ' + r[0]['status'] if r else 'current')"; }
run kam --json --db $DB visit due --month 2026-02 --as-of 2026-02-28
is "$(arch $V1)" "current" "VIP refreshed 2026-01-31, one month later (2026-02-28): current"
run kam --json --db $DB visit due --month 2026-03 --as-of 2026-03-01
is "$(arch $V1)" "2026-02-28 overdue" "a day past the interval: overdue"
is "$(arch $V2)" "- never refreshed" "never refreshed: listed"
P1=$(grade_of platinum 1)
run kam --db $DB customer set $P1 --refreshed-on 2025-11-30
run kam --json --db $DB visit due --month 2026-02 --as-of 2026-02-28
is "$(arch $P1)" "current" "Platinum, quarterly: refreshed 2025-11-30, current on 2026-02-28"
run kam --json --db $DB visit due --month 2026-03 --as-of 2026-03-01
is "$(arch $P1)" "2026-02-28 overdue" "overdue on 2026-03-01"

# --- Hubei: yearly obligations by class ------------------------------------------------------
cat >hubei.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local ob = require "common.obligations"
local p = ob.policy("hubei")
local out = {}
for _, g in ipairs { "1", "2", "3", "4" } do
  local r = ob.visit_rule(p, "regular", g, 2026, 2)
  out[#out + 1] = g .. ":" .. r.required .. "/" .. r.per .. " " .. r.due
end
out[#out + 1] = tostring(ob.refresh_rule(p, "1"))
return table.concat(out, " ")
LUA
run kam --json --db $DB run hubei.lua
is "$out" '"1:1/year 2026-12-31 2:1/year 2026-12-31 3:2/year 2026-12-31 4:2/year 2026-12-31 nil"' \
  "hubei: class 2 and above once a year, below twice; no refresh interval"
done_testing
