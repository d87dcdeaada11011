#!/usr/bin/env bash
# Escalating a complaint (DOMAIN.md §11): what a unit cannot solve is escalated at once to
# the level above.  kam complaint escalate records it: the owner (and unit) become the
# level above's from that day, and the answer is due complaint_escalated_days (Hubei: 3,
# kam's choice) after it; the complaint as received is kept.  Listing a day before the
# escalation shows the first owner; the reminder and the on-time rate follow the new
# owner and deadline.  Refusals (an answered complaint, a day before the complaint, the
# same owner, an unknown complaint, no reason) change nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
A=42050200005000
run kam --db $DB complaint add $A --content 投递延误 --owner 张三 --unit 西陵支局 --on 2026-03-02
run kam --db $DB complaint add $A --content 态度 --owner 张三 --on 2026-03-02
run kam --db $DB complaint answer 2 --answer 已处理 --on 2026-03-03
status_is 0 "two complaints received by 张三, the second answered"

before=$(dump)
run kam --db $DB complaint escalate 2 --to 市局李主任 --reason 无法解决 --on 2026-03-04
status_is 1 "an answered complaint"
like "$err" "complaint #2 was answered on 2026-03-03 by tester: nothing to escalate" "is not escalated"
run kam --db $DB complaint escalate 1 --to 市局李主任 --reason 无法解决 --on 2026-03-01
status_is 1 "a day before the complaint"
like "$err" "2026-03-01 is before the complaint was received (2026-03-02)" "is refused"
run kam --db $DB complaint escalate 1 --to 张三 --reason 无法解决 --on 2026-03-03
status_is 1 "to its own owner"
like "$err" "owned by 张三 already" "is refused"
run kam --db $DB complaint escalate 9 --to 市局李主任 --reason 无法解决
status_is 1 "an unknown complaint"
like "$err" "no complaint #9" "says so"
run kam --db $DB complaint escalate 1 --to 市局李主任 --on 2026-03-03
status_is 2 "without a reason: a usage error"
is "$(dump)" "$before" "the refusals changed nothing"

run kam --db $DB --json complaint escalate 1 --to 市局李主任 --unit 宜昌市局 --reason 支局无法解决 --on 2026-03-03
status_is 0 "escalated on 2026-03-03"
is "$(echo "$out" | jq -r '[.owner, .unit, .answer_by, .received_by, .first_answer_by, .escalated_on] | join(" ")')" \
  "市局李主任 宜昌市局 2026-03-06 张三 2026-03-09 2026-03-03" \
  "the level above owns it, answering by day 3 after; the complaint as received is kept"
is "$(echo "$out" | jq -c '[.escalation_history[] | [.from_owner, .to_owner, .reason]]')" '[["张三","市局李主任","支局无法解决"]]' \
  "the escalation is recorded"
run kam --db $DB --json complaint list --as-of 2026-03-02
is "$(echo "$out" | jq -r '.[0] | [.owner, .answer_by] | join(" ")')" "张三 2026-03-09" "on the day before, the first owner and deadline"
run kam --db $DB --json complaint list --state overdue --as-of 2026-03-07
is "$(echo "$out" | jq -c '[.[].id]')" "[1]" "overdue on 2026-03-07 by the escalated deadline (the first was 2026-03-09)"
out=$(KAM_SCHEDULE_SLOT=2026-03-06T07:00:00+08:00 "$KAM" --db $DB run "$TOP/scripts/schedule/daily_reminder.lua" 7 2>&1)
like "$out" "市局李主任: 1 money and service item(s)" "the daily reminder goes to the new owner"
like "$out" "complaint #1 customer $A: answer the complaint, due 2026-03-06" "with the new deadline"
run kam --db $DB complaint escalate 1 --to 省局陈处长 --unit 省大客户中心 --reason 市局无法解决 --on 2026-03-02
status_is 1 "a second escalation dated before the first"
like "$err" "before the complaint was last escalated (2026-03-03)" "is refused"
run kam --db $DB complaint escalate 1 --to 省局陈处长 --unit 省大客户中心 --reason 市局无法解决 --on 2026-03-05
status_is 0 "escalated again, to the province"
run kam --db $DB complaint answer 1 --answer 已赔偿 --on 2026-03-08
status_is 0 "answered on the last allowed day of the second escalation (2026-03-08)"
run kam --db $DB --json complaint measures --as-of 2026-03-10
is "$(echo "$out" | jq -c '.all | [.answered, .on_time, .late]')" "[2,2,0]" "on time by its last deadline"
run sqlite3 $DB "UPDATE complaint_escalations SET to_owner = 'x'"
like "$err" "complaint escalations are never changed" "an escalation is kept in the database too"

done_testing
