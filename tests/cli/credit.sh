#!/usr/bin/env bash
# Credit files and arrears warnings (DOMAIN.md §6; seed 003 art. 7).  kam arrear credit
# records a customer's credit level, arrears limit and repayment cycle as a new version
# from a day (history kept; a first version needs all three; a limit above 0 only for an
# agreement customer); the file is confidential: a reader who may not see it reads ***.
# kam arrear warnings flags, at Hubei's thresholds (kam's choice: more than 90 days past
# due, more than 100,000.00 past due), and one fen over the customer's own limit: each at
# its edge, where the edge itself is no warning.  Refusals exit 1 and change nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei customers"
A=42050200005000    # agreement
N=42010200009000    # no agreement
B=$(sqlite3 $DB "SELECT printf('%014d', code) FROM customers WHERE agreement = 1 AND code <> $A ORDER BY code LIMIT 1")
C=$(sqlite3 $DB "SELECT printf('%014d', code) FROM customers WHERE agreement = 1 AND code NOT IN ($A, $B) ORDER BY code LIMIT 1")
credit() { run kam --db $DB --json arrear credit "$@"; }
warned() { "$KAM" --db $DB --json arrear warnings --as-of "$1" | jq -c '[.warnings[] | [.code, ([.reasons[].kind] | join(","))]]'; }

# --- the credit file ---------------------------------------------------------------------
before=$(dump)
credit $A --level A --limit 1000 --on 2026-01-01
status_is 1 "a first version without --cycle-days"
like "$err" "has no credit file on 2026-01-01: the first version needs --level, --limit and --cycle-days" "says what it needs"
credit 42050299999000 --level A --limit 1000 --cycle-days 30
status_is 1 "an unknown customer"
like "$err" "no customer 42050299999000" "says so"
credit $N --level B --limit 0.01 --cycle-days 30
status_is 1 "a limit above 0 for a customer without an agreement"
like "$err" "has no agreement: only agreement customers may run arrears" "says why"
is "$(dump)" "$before" "the refusals changed nothing"
credit $A --level A --limit -1 --cycle-days 30
status_is 2 "a negative limit is a usage error"
credit $A --level A --limit 1000 --cycle-days 0
status_is 2 "a cycle of 0 days too"
credit $N --level B --limit 0 --cycle-days 30 --on 2026-01-01
status_is 0 "a limit of 0 for a customer without an agreement"
credit $A --level A --limit 1000 --cycle-days 30 --on 2026-01-01 --reason 年审
status_is 0 "a first version"
is "$(echo "$out" | jq -r '[.credit_level, .arrears_limit, .cycle_days, .since, .set_by] | join(" ")')" \
  "A 100000 30 2026-01-01 tester" "level, limit in fen, cycle in days, from the day, by the user"
credit $A --limit 500 --on 2026-03-01
status_is 0 "a new version changing the limit only"
is "$(echo "$out" | jq -r '[.credit_level, .arrears_limit, .cycle_days, .since] | join(" ")')" "A 50000 30 2026-03-01" \
  "keeps the level and the cycle"
credit $A --on 2026-02-28
is "$(echo "$out" | jq -r '.arrears_limit')" 100000 "the day before the new version, the first stands"
credit $A --history
is "$(echo "$out" | jq -c '[.[] | [.since, .arrears_limit]]')" '[["2026-01-01",100000],["2026-03-01",50000]]' \
  "--history: every version, kept"
run sqlite3 $DB "UPDATE credit_files SET arrears_limit = 0"
like "$err" "credit files are never changed" "a version is never changed in the database either"
run kam --db "file:$DB?mode=ro" --json arrear credit $A --on 2026-03-01
is "$(echo "$out" | jq -r '[.credit_level, .arrears_limit, .cycle_days, .since] | join(" ")')" "*** *** *** 2026-03-01" \
  "confidential: a reader who may not see it (here: on a database kam cannot write) reads ***"
unlike "$out" "50000" "the limit appears nowhere in what it reads"

# --- warnings at their edges -------------------------------------------------------------
k() { "$KAM" --db $DB "$@" >/dev/null 2>&1 || nok "setup: kam $*"; }
k arrear add $A --line express --amount 500.00 --issued 2026-03-01 --due 2026-03-31 --handler 王五
is "$(warned 2026-03-15)" "[]" "owing exactly its limit (500.00) is no warning"
k arrear add $A --line express --amount 0.01 --issued 2026-03-01 --due 2026-12-31 --handler 赵六
is "$(warned 2026-03-15)" "[[\"$A\",\"limit\"]]" "one fen over its own limit is, even before anything is due"
is "$(warned 2026-06-29)" "[[\"$A\",\"limit\"]]" "90 days past due (2026-06-29) is not yet an age warning"
is "$(warned 2026-06-30)" "[[\"$A\",\"age,limit\"]]" "91 days past due is"
k arrear add $B --line express --amount 100000.00 --issued 2026-01-01 --due 2026-01-31 --handler 钱七
is "$(warned 2026-02-01 | jq -c "[.[] | select(.[0] == \"$B\")]")" "[]" "100,000.00 past due is no size warning"
k arrear add $C --line express --amount 100000.01 --issued 2026-01-01 --due 2026-01-31 --handler 孙八
is "$(warned 2026-02-01 | jq -c "[.[] | select(.[0] == \"$C\")]")" "[[\"$C\",\"size\"]]" "100,000.01 past due is"
run kam --db $DB --json arrear warnings --as-of 2026-06-30
is "$(echo "$out" | jq -r ".warnings[] | select(.code == \"$A\") | .reasons[].text" | paste -sd '|')" \
  "an arrear 91 days past due (more than 90)|owes 500.01, more than its arrears limit of 500.00" "each warning says why"
is "$(echo "$out" | jq -c ".warnings[] | select(.code == \"$A\") | .handlers")" '["王五","赵六"]' "with the handlers"
run kam --db "file:$DB?mode=ro" --json arrear warnings --as-of 2026-06-30
is "$(echo "$out" | jq -c ".warnings[] | select(.code == \"$A\") | [.masked_limit, [.reasons[].kind]]")" '[true,["age"]]' \
  "a reader who may not see the limit gets no limit warning (it would tell the limit), and is told so"
k arrear pay 1 --amount 500.00 --on 2026-07-01
is "$(warned 2026-07-01 | jq -c "[.[] | select(.[0] == \"$A\")]")" "[]" "paid: no warning"

# --- in the arrears report and the daily reminder ---------------------------------------
run kam --db $DB --json report arrears --month 2026-06
is "$(echo "$out" | jq -c '[.sections[] | select(.key == "warnings") | .rows[] | .code]')" \
  "$("$KAM" --db $DB --json arrear warnings --as-of 2026-06-30 | jq -c '[.warnings[].code]')" \
  "kam report arrears lists the warned customers on the month's last day, as arrear warnings does"
is "$(echo "$out" | jq -r ".sections[] | select(.key == \"warnings\") | .rows[] | select(.code == \"$A\") | .limit")" \
  "500.00" "with the limit of the credit file"
out=$(KAM_SCHEDULE_SLOT=2026-06-30T07:00:00+08:00 "$KAM" --db $DB run "$TOP/scripts/schedule/daily_reminder.lua" 7 2>&1)
like "$out" "arrears warning #1 customer $A: an arrear 91 days past due (more than 90); owes 500.01, more than its arrears limit of 500.00" \
  "the daily reminder tells the handlers"

done_testing
