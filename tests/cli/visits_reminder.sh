#!/usr/bin/env bash
# scripts/reminder.lua, the daily reminder for the scheduler: per manager the visits due
# today or overdue, the archives past their refresh interval, and the registrations whose
# last day falls within --days.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
js() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
R="$TOP/scripts/reminder.lua"

run kam --db $DB init --policy city2012
run kam --db $DB import customers "$F/city2012_customers.csv"
run kam --db $DB import ledger "$F/city2012_ledger.csv"
run kam --db $DB grade --year 2025
V1=$(q "SELECT code FROM decisions WHERE grade = 'vip' ORDER BY code LIMIT 1")
V2=$(q "SELECT code FROM decisions WHERE grade = 'vip' ORDER BY code LIMIT 1 OFFSET 1")
run kam --db $DB manager add 张经理
run kam --db $DB manager assign $V1 张经理 --since 2026-01-01
run kam --db $DB visit add $V2 --on 2026-02-10 --by 张经理
run kam --db $DB customer set $V2 --refreshed-on 2026-02-10
run kam --db $DB register 某公司 --team 营销部 --on 2025-09-01
status_is 0 "a graded city2012 database with a manager, a visit, a refresh, a registration"

run kam --json --db $DB run "$R" --as-of 2026-02-28
status_is 0 "the reminder on February's last day"
mine() { echo "$out" | js "m=[m for m in d['managers'] if m['manager']=='$1']; print(' '.join(sorted(v['code'] + ':' + v['kind'] + ':' + v['status'] for v in (m[0]['visits'] if m else []))))"; }
like "$(mine 张经理)" "$V1:regular:due" "the manager's customer, not visited: due today"
unlike "$(mine '')" "$V2:regular:due" "visited in February: February's visit not listed"
like "$(mine '')" "$V2:regular:overdue" "January's, missed, is: overdue"
like "$(mine '')" ":regular:due" "customers without a manager are listed apart"
arch() { echo "$out" | js "print(' '.join(a['code'] + ':' + a['status'] for m in d['managers'] for a in m['archives']))"; }
unlike "$(arch)" "$V2:" "a refreshed archive is not listed"
like "$(arch)" "$V1:never refreshed" "a never refreshed one is"
is "$(echo "$out" | js "print(len(d['registrations']))")" "1" "the registration's last day (2026-02-28) is within 7 days"
run kam --json --db $DB run "$R" --as-of 2026-02-20
is "$(echo "$out" | js "print(len(d['registrations']))")" "0" "not yet eight days before"
unlike "$(mine 张经理)" "regular:due" "before the month's last day this month's visit is not due yet"
like "$(mine 张经理)" "$V1:regular:overdue" "January's missed visit is overdue"
run kam --db $DB run "$R" --as-of 2026-03-01
like "$out" "张经理:" "text: per manager"
like "$out" "overdue" "March 1st: February's visits overdue"
run kam --db $DB run "$R" --days x
status_is 1 "a bad --days fails"
like "$err" "--days must be a whole number" "saying why"
done_testing
