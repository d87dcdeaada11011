#!/usr/bin/env bash
# kam churn cause | list (DOMAIN §9): a key account lost in a month (no revenue for the
# policy's churn_months months) gets a cause in one of the families; Hubei routes a class
# 1 loss to the province and a class 2-4 loss to the city bureau subject to the
# province's approval; a service failure replaces the manager, another cause is reported
# in writing to the level above.  A customer not lost is refused and nothing changes; the
# churn report shows the causes.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=c.db
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025 --as-of 2026-01-15
status_is 0 "the hubei fixture (ledger to 2026-01), graded for 2025"
grade_of() { sqlite3 $DB "SELECT grade FROM decisions WHERE code = $1 ORDER BY id DESC LIMIT 1"; }
C1=42010200001000; C3=42050200005000; CN=42050200008000
is "$(grade_of $C1) $(grade_of $C3) $(grade_of $CN)" "1 3 none" "a class 1, a class 3 and a customer that is no key account"

# 2026-04: no revenue in February, March or April: every key account of 2025 is lost.
run kam --db $DB --json churn list --month 2026-04
status_is 0 "churn list"
is "$(printf '%s' "$out" | jq '.lost | length')" \
  "$(sqlite3 $DB "SELECT count(*) FROM decisions WHERE run = 1 AND grade <> 'none'")" "every key account of 2025 is lost in 2026-04"
run kam --db $DB --json churn cause $C1 --family service --cause "揽收不及时" --month 2026-04
status_is 0 "a class 1 loss for a service failure"
is "$(printf '%s' "$out" | jq -r '[.grade, .handled_by, .follow_up] | join(" | ")')" \
  "1 | 省公司 (the province) | 及时更换客户经理 (the customer manager is replaced promptly)" \
  "goes to the province, and the manager is replaced"
run kam --db $DB --json churn cause $C3 --family customer --cause "迁往外省" --month 2026-04
is "$(printf '%s' "$out" | jq -r '[.grade, .handled_by, .follow_up] | join(" | ")')" \
  "3 | 市局，报省公司审批 (the city bureau, subject to the province's approval) | 书面报告上级 (a written report to the level above)" \
  "a class 3 loss of the customer's own: the city bureau with the province's approval, a written report"
before=$(sqlite3 $DB "SELECT count(*) FROM churn_causes")
run kam --db $DB churn cause $CN --family customer --cause x --month 2026-04
status_is 1 "a customer that was no key account is refused"
like "$err" "customer $CN is not a key account lost in 2026-04" "... saying so"
run kam --db $DB churn cause $C1 --family service --cause x --month 2026-01
status_is 1 "a key account with revenue that month is refused"
run kam --db $DB churn cause $C1 --family weather --cause x --month 2026-04
status_is 2 "an unknown family is a usage error"
is "$(sqlite3 $DB "SELECT count(*) FROM churn_causes")" "$before" "refusals change nothing"
run sqlite3 $DB "UPDATE churn_causes SET cause = 'y'"
like "$err" "a churn cause is never changed" "a cause is never changed"
run kam --db $DB churn cause $C1 --family network --cause "网点撤并" --month 2026-04
run kam --db $DB --json churn list --month 2026-04
is "$(printf '%s' "$out" | jq -r ".lost[] | select(.code == \"$C1\") | .family")" "network" "the latest cause stands"

run kam --db $DB --json report churn --month 2026-04
is "$(printf '%s' "$out" | jq -r ".sections[0].rows[] | select(.code == \"$C3\") | .cause")" "迁往外省" \
  "the churn report shows a recorded cause"
like "$(printf "%s" "$out" | jq -r ".sections[0].note")" "户未记录流失原因" "and counts the ones without"
run kam --db $DB --json report churn --month 2026-04 --lang en
is "$(printf '%s' "$out" | jq -r ".sections[0].rows[] | select(.code == \"$CN\") | .code" | wc -l)" 0 \
  "a customer that was no key account is not on the list"

done_testing
