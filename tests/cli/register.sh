#!/usr/bin/env bash
# kam register: a team claims a prospect; a second team's claim is refused naming the
# holder (exit 1, nothing written); release, transfer and expiry (the policy's
# registration_days: hubei 180, counted from the day after the claim, the last day
# included) are recorded and never deleted.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }
C=42050200001000

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei fixture"

run kam --db $DB register 某物流公司 --team 宜昌营销部 --on 2026-01-01
status_is 0 "a prospect claimed by name"
like "$err" "registered to team 宜昌营销部 from 2026-01-01 until 2026-06-30 (180 days)" "180 days from the day after"
run kam --json --db $DB register claim $C --team 西陵支局 --on 2026-01-10
status_is 0 "a stored customer claimed by code"
like "$out" '"expires_on": "2026-07-09"' "--json: its last day"

before=$(snap)
run kam --db $DB register 某物流公司 --team 夷陵支局 --on 2026-03-01
status_is 1 "a second team's claim is refused"
like "$err" "prospect '某物流公司' is registered to team 宜昌营销部 since 2026-01-01 (until 2026-06-30, registered by tester)" "naming the holder"
like "$err" "no other team may develop it" "and the rule"
run kam --json --db $DB register $C --team 夷陵支局 --on 2026-07-09
like "$out" '"status": 1' "on its last day the registration still stands (--json error)"
run kam --db $DB register $C --team 西陵支局 --on 2026-02-01
status_is 1 "the same team claiming twice is refused"
run kam --db $DB register 42050299999000 --team x
status_is 1 "an unknown code is refused"
run kam --db $DB register release 没登记的 --reason x
status_is 1 "releasing what is not registered is refused"
run kam --db $DB register 某物流公司 --on 2026-03-01
status_is 2 "no --team is a usage error"
is "$(snap)" "$before" "refusals wrote nothing"

# The day after its last day it has expired: another team may claim, the expiry recorded.
run kam --db $DB register $C --team 夷陵支局 --on 2026-07-10
status_is 0 "claimed the day after the last day"
like "$err" "had expired" "saying the old one expired"
is "$(q "SELECT status, ended_on FROM registrations WHERE team = '西陵支局'")" "expired|2026-07-10" "the expiry recorded"

# Transfer: a relocated customer handed to another bureau's team.
run kam --db $DB register transfer 某物流公司 --team 武汉营销部 --reason 客户迁至武汉 --on 2026-04-01
status_is 0 "transfer"
is "$(q "SELECT status || ' ' || transferred_to FROM registrations WHERE team = '宜昌营销部'")" \
  "transferred $(q "SELECT id FROM registrations WHERE team = '武汉营销部'")" "the old one points at the new one"
is "$(q "SELECT expires_on FROM registrations WHERE team = '武汉营销部'")" "2026-09-28" "the new one stands 180 days from the transfer"
run kam --db $DB register transfer 某物流公司 --team 武汉营销部 --reason x --on 2026-04-02
status_is 1 "a transfer to the holder is refused"

# Release; then anyone may claim.
run kam --db $DB register release 某物流公司 --reason 放弃开发 --on 2026-05-01
status_is 0 "release"
run kam --db $DB register 某物流公司 --team 夷陵支局 --on 2026-05-02
status_is 0 "a released prospect may be claimed"
is "$(q "SELECT group_concat(status, ',') FROM (SELECT status FROM registrations WHERE prospect = '某物流公司' ORDER BY id)")" \
  "transferred,released,held" "every registration kept"
run sqlite3 $DB "DELETE FROM registrations"
like "$err" "registrations are ended, never deleted" "never deleted"
run kam --json --db $DB register list --as-of 2026-06-01
like "$out" '"days_left": 150' "list: days left"
run kam --db $DB register list --expiring-by 2026-11-01
like "$out" "夷陵支局" "list --expiring-by"
run kam --db $DB register show 某物流公司
like "$out" "放弃开发" "show: the history"
done_testing
