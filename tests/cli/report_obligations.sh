#!/usr/bin/env bash
# kam report staffing | visits (DOMAIN §4): each report's figures are the commands' own
# (kam manager staffing, kam visit due) on the same day, the last of --month; those
# commands' tests check the rules at their edges.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=o.db
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025 --as-of 2026-01-15
status_is 0 "the hubei fixture, graded for 2025"
class() { sqlite3 $DB "SELECT printf('%014d', code) FROM decisions WHERE grade = '$1' ORDER BY code LIMIT 1 OFFSET $(($2 - 1))"; }
k() { "$KAM" --db $DB "$@" >/dev/null 2>&1 || nok "setup: kam $*"; }
k manager add 王五; k manager add 李四
for i in 1 2 3 4 5; do k manager assign "$(class 3 $i)" 王五 --since 2026-01-05; done
k manager assign "$(class 3 6)" 王五 --since 2026-01-05 --force
k manager assign "$(class 1 1)" 李四 --since 2026-01-05
k visit add "$(class 1 1)" --on 2026-01-10 --manager 李四
k visit add "$(class 3 1)" --on 2026-01-20 --manager 王五
DAY=2026-01-31

out=$("$KAM" --db $DB --json report staffing --month 2026-01)
st=$("$KAM" --db $DB --json manager staffing --as-of $DAY --limit 1000)
is "$(jq -c '[.sections[] | select(.key == "grades") | .rows[] | [.grade, .customers, .required, .managers, .unassigned]]' <<<"$out")" \
  "$(jq -c '[.grades[] | [.grade, .customers, .required, .managers, .unassigned]]' <<<"$st")" \
  "staffing: per grade, customers, managers required and serving, those without one: kam manager staffing's"
is "$(jq -r '.sections[] | select(.key == "grades") | .rows[] | select(.grade == "3") | .arithmetic' <<<"$out")" \
  "$(jq -r '.grades[] | select(.grade == "3") | .arithmetic' <<<"$st")" "with the same arithmetic"
is "$(jq -c '[.sections[] | select(.key == "over") | .rows[].manager]' <<<"$out")" '["王五"]' \
  "the manager given a sixth class-3 customer with --force is over the load"
is "$(jq '[.sections[] | select(.key == "unassigned") | .rows[]] | length' <<<"$out")" "$(jq '.unassigned_total' <<<"$st")" \
  "every key account without a manager is listed"

out=$("$KAM" --db $DB --json report visits --month 2026-01)
vd=$("$KAM" --db $DB --json visit due --month 2026-01 --as-of $DAY)
is "$(jq -c '[.sections[] | select(.key == "visits") | .rows[] | [.code, .made, .required]] | sort' <<<"$out")" \
  "$(jq -c '[.visits[] | select(.status == "due" or .status == "overdue") | [.code, .made, .required]] | sort' <<<"$vd")" \
  "visits: the ones due or overdue are kam visit due's, with what was made and required"
is "$(jq -c '.sections[] | select(.key == "symposiums") | .rows[0] | [.held, .required]' <<<"$out")" \
  "$(jq -c '.symposiums | [.held, .required]' <<<"$vd")" "symposiums held and required"
is "$(jq '[.sections[] | select(.key == "archives") | .rows[]] | length' <<<"$out")" "$(jq '.archives | length' <<<"$vd")" \
  "archives not refreshed in time"
for r in staffing visits; do
  run kam --db $DB report $r --month 2026-01 --format html -o $r.html
  status_is 0 "$r as HTML"
done

done_testing
