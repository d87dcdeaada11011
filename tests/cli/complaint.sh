#!/usr/bin/env bash
# kam complaint (DOMAIN.md §11): a complaint is owned by whoever receives it, answered by
# complaint_days (7 in the shipped policies, kam's choice) after the day it was received,
# the last day included; the satisfaction is noted; the measures give the on-time rate of
# what was due, satisfaction, open and overdue, in all and by grade.  Refusals exit 1 and
# change nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
dump() { sqlite3 "$DB" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture, graded for 2025"
C3=42050200005000   # class 3
C1=42050200001000   # class 1

run kam --db $DB --json complaint add $C3 --content "投递延误三天" --on 2026-02-25
status_is 0 "a complaint"
is "$(echo "$out" | py 'print(d["owner"], d["answer_by"], d["received_on"], d["policy"])')" "tester 2026-03-04 2026-02-25 hubei" \
  "owned by whoever received it, due 7 days after (across February's end)"
run kam --db $DB --json complaint add $C1 --content "收费不当" --owner 李四 --unit 宜昌市局 --on 2026-03-01
is "$(echo "$out" | py 'print(d["owner"], d["unit"], d["answer_by"])')" "李四 宜昌市局 2026-03-08" "--owner and --unit"
run kam --db $DB --json complaint add $C1 --content "态度" --on 2026-03-01

# --- refusals ------------------------------------------------------------------------------
before=$(dump)
run kam --db $DB complaint add 42050299999000 --content "x" --on 2026-03-01
status_is 1 "a complaint of an unknown customer"
like "$err" "complaint add: no customer 42050299999000" "says so"
run kam --db $DB complaint rate 1 --satisfaction satisfied --on 2026-03-05
status_is 1 "rating an unanswered complaint"
like "$err" "complaint #1 has no answer yet" "says so"
run kam --db $DB complaint answer 1 --answer "x" --on 2026-02-24
status_is 1 "an answer before the complaint"
run kam --db $DB complaint answer 9 --answer "x"
status_is 1 "an unknown complaint"
is "$(dump)" "$before" "no refusal changed the database"
run kam --db $DB complaint add $C3 --on 2026-03-01
status_is 2 "no --content"
run kam --db $DB complaint add $C3 --content "$(python3 -c 'print("诉" * 4001)')"
status_is 2 "a content of 4001 characters"
like "$err" "has 4001 characters, more than the 4000 allowed" "counted in characters"
run kam --db $DB complaint rate 1 --satisfaction happy
status_is 2 "an unknown satisfaction"
is "$(dump)" "$before" "no usage error changed the database"

# --- answered on the last allowed day, and a day late --------------------------------------
run kam --db $DB --json complaint answer 1 --answer "已改进投递" --on 2026-03-04
status_is 0 "answered on the last allowed day"
is "$(echo "$out" | py 'print(d["answered_on"], d["late"], d["answered_by"])')" "2026-03-04 False tester" "on time"
run kam --db $DB --json complaint answer 2 --answer "已退费" --on 2026-03-09
is "$(echo "$out" | py 'print(d["late"])')" "True" "a day after the last: late"
before=$(dump)
run kam --db $DB complaint answer 1 --answer "again" --on 2026-03-05
status_is 1 "a second answer"
like "$err" "complaint #1 was answered on 2026-03-04 by tester" "says when and by whom"
is "$(dump)" "$before" "and changes nothing"
run kam --db $DB --json complaint rate 1 --satisfaction satisfied --on 2026-03-06
is "$(echo "$out" | py 'print(d["satisfaction"], d["rated_on"])')" "satisfied 2026-03-06" "the satisfaction noted"
run kam --db $DB complaint rate 2 --satisfaction dissatisfied --on 2026-03-10
run kam --db $DB complaint rate 1 --satisfaction neutral --on 2026-03-10
status_is 1 "rated once"
run sqlite3 $DB "UPDATE complaints SET owner = 'x'"
like "$err" "complaints are never changed" "a complaint is never changed (trigger)"

# --- lists and measures --------------------------------------------------------------------
run kam --db $DB --json complaint list --state overdue --as-of 2026-03-09
is "$(echo "$out" | py 'print([(r["id"], r["late"]) for r in d])')" "[(3, True)]" \
  "overdue on 2026-03-09: the unanswered one due 03-08 (answered 2 counts as answered that day)"
run kam --db $DB --json complaint list --state open --as-of 2026-03-08
is "$(echo "$out" | py 'print([(r["id"], r["late"]) for r in d])')" "[(2, False), (3, False)]" "open on their last day: not late"
run kam --db $DB --json complaint list --as-of 2026-02-28
is "$(echo "$out" | py 'print([r["id"] for r in d])')" "[1]" "the complaints received by the day"
run kam --db $DB --json complaint measures --as-of 2026-03-10
is "$(echo "$out" | py 'a=d["all"]; print(a["received"], a["answered"], a["on_time"], a["late"], a["open"], a["overdue"], a["on_time_pct_bp"], a["satisfaction"])')" \
  "3 2 1 1 1 1 3333 {'dissatisfied': 1, 'neutral': 0, 'satisfied': 1}" \
  "on-time rate of what was due: 1 of 3 (33.33%), satisfaction, open and overdue"
is "$(echo "$out" | py 'print([(g["grade"], g["measures"]["received"], g["measures"]["on_time_pct_bp"]) for g in d["by_grade"]])')" \
  "[('1', 2, 0), ('3', 1, 10000)]" "by grade"
run kam --db $DB --json complaint measures --as-of 2026-02-20
is "$(echo "$out" | py 'print(d["all"]["received"], d["all"]["on_time_pct_bp"])')" "0 None" "nothing received yet: no rate"
run kam --db $DB complaint measures --as-of 2026-03-10
like "$out" "33.33%" "the table"

done_testing
