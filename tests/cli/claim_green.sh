#!/usr/bin/env bash
# Leaving the green channel (DOMAIN.md §4, Hubei art. 21): kam claim leave records the day
# an enrolled customer left; a claim's route depends on the enrolment on the claim's day:
# the day before leaving it is a green-channel claim (handled by day 2, paid by day 7),
# from the day of leaving the ordinary way; claims recorded before are kept as they were.
# Refusals (not enrolled, left already, a day not after the enrolment, enrolling again,
# an unknown customer) exit 1 and change nothing; kam import claims routes the same way.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
G=42050200001000
O=42050200005000
run kam --db $DB claim enroll $G --on 2026-03-01
status_is 0 "enrolled from 2026-03-01"
run kam --db $DB --json claim add $G --amount 100 --on 2026-03-20
is "$(echo "$out" | jq -c '[.green, .handle_by, .pay_by]')" '[true,"2026-03-22","2026-03-27"]' "a claim while enrolled"

before=$(dump)
run kam --db $DB claim leave $O --on 2026-03-31
status_is 1 "a customer not enrolled cannot leave"
like "$err" "customer $O is not enrolled in the green channel" "says so"
run kam --db $DB claim leave $G --on 2026-03-01
status_is 1 "leaving on the enrolment day"
like "$err" "2026-03-01 is not after the enrolment (2026-03-01)" "is refused"
run kam --db $DB claim leave 42050299999000 --on 2026-03-31
status_is 1 "an unknown customer"
like "$err" "no customer 42050299999000" "says so"
run kam --db $DB claim leave $G --on 2026-02-30
status_is 2 "a day that does not exist is a usage error"
is "$(dump)" "$before" "the refusals changed nothing"

run kam --db $DB --json claim leave $G --on 2026-04-01 --reason 协议到期
status_is 0 "leaving on 2026-04-01"
is "$(echo "$out" | jq -r '[.enrolled_on, .left_on, .left_by, .leave_reason] | join(" ")')" \
  "2026-03-01 2026-04-01 tester 协议到期" "recorded, dated, with who and why"
run kam --db $DB --json claim add $G --amount 100 --on 2026-03-31
is "$(echo "$out" | jq -c '[.green, .handle_by, .pay_by]')" '[true,"2026-04-02","2026-04-07"]' \
  "a claim made the day before leaving goes through the green channel"
run kam --db $DB --json claim add $G --amount 100 --on 2026-04-01
is "$(echo "$out" | jq -c '[.green, .handle_by, .pay_by, .route]')" '[false,null,"2026-04-08","advance"]' \
  "one made on the day of leaving goes the ordinary way (advanced by day 7)"
is "$(q "SELECT green || ' ' || handle_by FROM claims WHERE id = 1")" "1 2026-03-22" "the claim recorded before is kept as it was"

before=$(dump)
run kam --db $DB claim leave $G --on 2026-05-01
status_is 1 "leaving twice"
like "$err" "left the green channel on 2026-04-01 (by tester)" "is refused"
run kam --db $DB claim enroll $G --on 2026-05-01
status_is 1 "enrolling again"
like "$err" "was enrolled from 2026-03-01 and left on 2026-04-01: a customer enrols once" "is refused, saying why"
is "$(dump)" "$before" "and nothing changed"
run sqlite3 $DB "DELETE FROM green_channel_exits"
like "$err" "green channel exits are never deleted" "the leaving is kept in the database too"

cat > c.csv <<CSV
code,amount,claimed_on,description
$G,100,2026-03-31,file
$G,100,2026-04-02,file
CSV
run kam --db $DB import claims c.csv
status_is 0 "kam import claims"
is "$(q "SELECT group_concat(green, ' ') FROM claims WHERE id > 3")" "1 0" "routes by the enrolment on each claim's day too"

done_testing
