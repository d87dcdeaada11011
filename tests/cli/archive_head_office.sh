#!/usr/bin/env bash
# Hubei's head-office visits (总部大客户, art. 30 (4); DOMAIN §4): a head office is a key
# account whose code has branch number 000 and under which an active branch is stored
# (DOMAIN §2); the province visits it at least numbers.head_office_visits.per_year times a
# year, its visits recorded as the policy's kind (hubei: center).  kam visit due, the
# visits report and the daily reminder show it; a customer without branches, or whose
# only branch is lost, is no head office.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
H=42010200001000   # class 1, given a branch below
N=42010200002000   # class 2, no branch (one is added for the reminder)
L=42010200003000   # class 2, its only branch lost

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
run kam --db $DB customer add 42010200001001 --name 某集团汉口分公司 --place capital --city 武汉市
run kam --db $DB customer add 42010200001002 --name 某集团汉阳分公司 --place capital --city 武汉市
run kam --db $DB customer add 42010200003001 --name 已流失分公司 --place capital --city 武汉市
run kam --db $DB customer deactivate 42010200003001 --reason 撤销
status_is 0 "head offices and branches"
run kam --db $DB visit add $H --on 2026-03-01 --by 市局 --kind regular
status_is 0 "a city bureau's regular visit"

due() { run kam --json --db $DB visit due --kind head_office --month "$1" --as-of "$2"; }
rows() { echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join('%s:%s:%d/%d:%s' % (r['code'], r['kind'], r['made'], r['required'], r['status']) for r in d['visits']))"; }
due 2026-12 2026-12-31
status_is 0 "visit due --kind head_office"
is "$(rows)" "$H:head_office:0/1:due" "only the head office with an active branch; a regular visit does not count"
is "$(echo "$out" | python3 -c "import json,sys; r=json.load(sys.stdin)['visits'][0]; print(r['branches'], r['counts'], r['due'], r['by'])")" \
  "2 center 2026-12-31 provincial EMS bureau (省速递物流局)" "with its branches, the kind counted, the year's end and who"
due 2026-12 2027-01-01
is "$(rows)" "$H:head_office:0/1:overdue" "overdue the day after the year's end"
run kam --db $DB visit add $H --on 2026-06-15 --by 省速递物流局大客户中心 --kind center
due 2026-03 2026-12-31
is "$(rows)" "$H:head_office:0/1:due" "in March the June visit is still to come"
due 2026-12 2027-01-01
is "$(rows)" "$H:head_office:1/1:met" "a center visit in the year meets it"
run kam --json --db $DB visit due --month 2026-12 --as-of 2026-12-31
like "$out" '"kind": "head_office"' "kam visit due without --kind lists it beside the other rules"

# The reminder, on the year's last day, lists an unvisited head office.
run kam --db $DB customer add 42010200002001 --name 分公司 --place capital --city 武汉市
run kam --db $DB --json run "$TOP/scripts/reminder.lua" --as-of 2026-12-31
is "$(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(sorted(v['code'] + ':' + v['status'] for m in d['managers'] for v in m['visits'] if v['kind'] == 'head_office'))")" \
  "['$N:due']" "the reminder names a head office not visited by the year's end (the visited one not)"

# The visits report shows it with its label.
run kam --db $DB --json report visits --month 2026-11
like "$out" "总部大客户走访(省局)" "the visits report labels the head-office rule"

# A policy without the rule computes nothing; one without its kind is refused.
run kam --json --db $DB --policy shantou visit due --kind head_office --month 2026-12 --as-of 2026-12-31
is "$(echo "$out" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['visits']))")" "0" "shantou sets no head-office rule"
sed 's/, kind = "center"}/}/' "$TOP/policies/hubei.lua" >nokind.lua
run kam --db $DB --policy ./nokind.lua visit due --kind head_office --month 2026-12
status_is 1 "a head-office rule without the kind of visit that counts"
like "$err" "numbers.head_office_visits needs per_year (a whole number) and kind" "is refused, saying what it needs"

done_testing
