#!/usr/bin/env bash
# kam import complaints (DOMAIN.md §11): each row goes through kam complaint add's own
# rule: the answer is due complaint_days (Hubei: 7) after the day received; the owner is
# the file's (first-responder responsibility), else whoever loads it.  Bad rows name
# file, line and field; a refused file changes nothing; the same file again adds nothing;
# an export imports into a fresh database as the same complaints.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

q() { sqlite3 "$1" "$2"; }
dump() { sqlite3 "$1" .dump | sha256sum; }
setup() {
  run kam --db "$1" init --policy hubei
  run kam --db "$1" import customers "$F/hubei_customers.csv"
}
setup k.db
A=42050200005000

cat > m.csv <<CSV
客户代码,受理日期,投诉内容,首问责任人,责任单位
$A,2026-02-24,投递延误,张三,宜昌局
$A,2026-02-25,"态度差,多次投诉",,
CSV
run kam --db k.db import complaints m.csv
status_is 0 "two complaints with Chinese headers"
is "$(q k.db "SELECT group_concat(owner || ':' || ifnull(unit, '-') || ':' || answer_by, ' ') FROM complaints")" \
  "张三:宜昌局:2026-03-03 tester:-:2026-03-04" "answer due 7 days after; the file's owner, else whoever loads it"
run kam --db k.db --json complaint add $A --content x --on 2026-02-24
is "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["answer_by"])')" "2026-03-03" "the command decides the same"
run kam --db k.db import complaints m.csv
like "$err" "2 unchanged" "the same file again adds nothing"

cat > bad.csv <<CSV
code,received_on,content
$A,2026-13-01,x
42050299999000,2026-02-24,x
$A,2026-02-24,
CSV
before=$(dump k.db)
run kam --db k.db import complaints bad.csv
status_is 1 "a file with bad rows is refused"
like "$err" "bad.csv:2: column 'received_on': '2026-13-01' is not a day YYYY-MM-DD" "a day that does not exist"
like "$err" "bad.csv:3: column 'code': no customer 42050299999000" "an unknown customer"
like "$err" "bad.csv:4: column 'content'" "a complaint without content"
is "$(dump k.db)" "$before" "nothing changed"

run kam --db k.db export complaints -o e.csv
is "$(head -1 e.csv)" "code,received_on,content,owner,unit,answer_by" "export complaints"
setup fresh.db
run kam --db fresh.db import complaints e.csv
status_is 0 "into a fresh database"
run kam --db fresh.db export complaints -o e2.csv
is "$(cat e2.csv)" "$(cat e.csv)" "the same complaints back"
sed '2s/,2026-03-03$/,2026-03-10/' e.csv > lie.csv
run kam --db fresh.db import complaints lie.csv
status_is 1 "a file that gives a complaint more time than the policy"
like "$err" "lie.csv:2: column 'answer_by': the file says '2026-03-10', policy hubei decides '2026-03-03' for this row now" \
  "is refused, naming the column"

done_testing
