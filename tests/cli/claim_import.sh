#!/usr/bin/env bash
# kam import claims (DOMAIN.md §4): each row goes through kam claim add's own rule
# (money.claim_routing): exactly 5,000.00 is advanced by the city bureau by day 7,
# 5,000.01 is reported to the province by day 3; a customer enrolled in the green channel
# on the claim's day is handled by day 2 and paid by day 7, and not before its enrolment.
# Bad rows name file, line and field; a refused file changes nothing; the same file again
# adds nothing; an export imports into a fresh database as the same claims; a file whose
# decided columns disagree with the rule is refused.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

q() { sqlite3 "$1" "$2"; }
dump() { sqlite3 "$1" .dump | sha256sum; }
setup() {
  run kam --db "$1" init --policy hubei
  run kam --db "$1" import customers "$F/hubei_customers.csv"
  run kam --db "$1" claim enroll 42050200001000 --on 2026-03-01
}
setup k.db
status_is 0 "the hubei customers, one enrolled in the green channel from 2026-03-01"
A=42050200005000
G=42050200001000

cat > c.csv <<CSV
客户代码,金额,索赔日期,说明
$A,5000.00,2026-02-24,快件丢失
$A,"5,000.01",2026-02-24,
$G,100,2026-02-28,before enrolment
$G,100,2026-03-01,enrolled
$A,5000.00,2026-02-24,快件丢失
CSV
run kam --db k.db import claims c.csv
status_is 0 "five claims with Chinese headers"
is "$(q k.db "SELECT group_concat(amount || ':' || route || ':' || green || ':' || ifnull(report_by, '-') || ':' || ifnull(handle_by, '-') || ':' || ifnull(pay_by, '-'), ' ') FROM claims")" \
  "500000:advance:0:-:-:2026-03-03 500001:province:0:2026-02-27:-:- 10000:advance:0:-:-:2026-03-07 10000:advance:1:-:2026-03-03:2026-03-08 500000:advance:0:-:-:2026-03-03" \
  "routed as kam claim add routes them: 5,000.00 advanced, 5,000.01 to the province, green only from the enrolment day; two identical claims stay two"
run kam --db k.db --json claim add $G --amount 100 --on 2026-03-01
is "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["route"], d["green"], d["handle_by"], d["pay_by"])')" \
  "advance True 2026-03-03 2026-03-08" "the command decides the same"
run kam --db k.db import claims c.csv
like "$err" "5 unchanged" "the same file again adds nothing"

cat > bad.csv <<CSV
code,amount,claimed_on
$A,0,2026-02-24
$A,12.345,2026-02-24
42050299999000,10,2026-02-24
$A,10,2026-02-30
$A,10,2026-03-02
CSV
before=$(dump k.db)
run kam --db k.db import claims bad.csv
status_is 1 "a file with bad rows is refused"
like "$err" "bad.csv:2: column 'amount': a claim must be more than 0" "a claim of nothing"
like "$err" "bad.csv:3: column 'amount'" "more than 2 decimals"
like "$err" "bad.csv:4: column 'code': no customer 42050299999000" "a claim against an unknown customer"
like "$err" "bad.csv:5: column 'claimed_on': '2026-02-30' is not a day YYYY-MM-DD" "a day that does not exist"
is "$(dump k.db)" "$before" "nothing changed"
run kam --db k.db import claims bad.csv --reject-file rej.csv
status_is 3 "--reject-file loads the good row"
is "$(q k.db "SELECT count(*) FROM claims WHERE claimed_on = '2026-03-02'")" 1 "and only it"

run kam --db k.db export claims -o e.csv
status_is 0 "export claims"
is "$(head -1 e.csv)" "code,amount,claimed_on,description,created_by,route,green,report_by,handle_by,pay_by" "with what the rule decided"
setup fresh.db
run kam --db fresh.db import claims e.csv
status_is 0 "into a fresh database"
run kam --db fresh.db export claims -o e2.csv
is "$(cat e2.csv)" "$(cat e.csv)" "the same claims back"
sed 's/,2026-02-24,,tester,province,no,2026-02-27,,$/,2026-02-24,,tester,advance,no,,,2026-03-03/' e.csv > lie.csv
run kam --db fresh.db import claims lie.csv
status_is 1 "a file that says 5,000.01 is advanced"
like "$err" "lie.csv:3: column 'route': the file says 'advance', policy hubei decides 'province' for this row now" "is refused"

done_testing
