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
# A name with a quote, a backslash, a tab, a line break and a control character is written
# escaped in the JSON document (whose rows the renderer writes itself) and read back whole.
odd=$(class 3 2)
run kam --db $DB customer set "$odd" --name "$(printf '甲"乙\\丙\t丁\n戊\001己')"
status_is 0 "a customer renamed with characters JSON escapes"
odd2=$(class 3 3)
run kam --db $DB customer set "$odd2" --name '子"丑\寅'
"$KAM" --db $DB report visits --month 2026-01 --format json -o v.json 2>/dev/null
is "$(python3 -c "
import json
print([r['name'] for s in json.load(open('v.json'))['sections'] for r in s['rows'] if r.get('code') == '$odd2'])")" \
  "['子\"丑\\\\寅']" "and one with a quote and a backslash alone"
is "$(python3 -c "
import json
rows = [r for s in json.load(open('v.json'))['sections'] if s['key'] == 'visits' for r in s['rows'] if r['code'] == '$odd']
print(repr(rows[0]['name']) if rows else 'missing')")" "'甲\"乙\\\\丙\\t丁\\n戊\\x01己'" "the name read back from the JSON as it was stored"
is "$(sqlite3 $DB "SELECT name = char(30002, 34, 20057, 92, 19993, 9, 19969, 10, 25098, 1, 24049) FROM customers WHERE code = $odd")" 1 \
  "(as stored)"
for r in staffing visits; do
  run kam --db $DB report $r --month 2026-01 --format html -o $r.html
  status_is 0 "$r as HTML"
done

done_testing
