#!/usr/bin/env bash
# kam import discounts (DOMAIN.md §5): each row goes through kam discount request's own
# rule (money.discount_terms): Hubei's class 3 express standard is 10.00%, so 999 and 1000
# basis points stay local and 1001 goes to the province, the answer due 3 days after the
# request day.  Bad rows name file, line and field, and a refused file changes nothing;
# --reject-file loads the good rows (exit 3), and the reject file, fixed, loads back
# (--dry-run storing nothing); the same file again adds nothing; an export
# imports into a fresh database as the same requests; a file whose decided columns say
# otherwise than the rule is refused; a masked export (a reader who may not see the
# terms) does not import back; --replace is refused (requests are never changed).
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

q() { sqlite3 "$1" "$2"; }
dump() { sqlite3 "$1" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
setup() {
  run kam --db "$1" init --policy hubei
  run kam --db "$1" import customers "$F/hubei_customers.csv"
  run kam --db "$1" import ledger "$F/hubei_ledger.csv"
  run kam --db "$1" grade --year 2025
}
setup k.db
status_is 0 "the hubei fixture, graded for 2025"
C3=42050200005000   # 宜昌, class 3
CN=42050200008000   # no key account

cat > d.csv <<CSV
客户代码,业务,优惠率(基点),起始日期,截止日期,申请日期,优惠方式,理由
$C3,特快,999,2026-01-01,2026-06-30,2026-01-05,返还,量大
$C3,express,1000,2026-01-01,2026-06-30,2026-01-05,,
$C3,express,1001,2026-01-01,2026-06-30,2026-01-05,,
$CN,express,100,2026-01-01,2026-06-30,2026-01-05,,
CSV
run kam --db k.db --json import discounts d.csv
status_is 0 "four requests with Chinese headers"
is "$(q k.db "SELECT group_concat(rate_bp || ':' || route || ':' || limit_bp || ':' || grade || ':' || answer_by, ' ') FROM discounts")" \
  "999:local:1000:3:2026-01-08 1000:local:1000:3:2026-01-08 1001:province:1000:3:2026-01-08 100:province:0:none:2026-01-08" \
  "routed as kam discount request routes: one point inside and at the standard local, one beyond to the province"
is "$(q k.db "SELECT requested_by || ' ' || policy FROM discounts LIMIT 1")" "tester hubei" "requested by whoever loads the file, under the policy"
run kam --db k.db --json discount request $C3 --line express --rate-bp 1001 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
is "$(echo "$out" | py 'print(d["route"], d["limit_bp"], d["answer_by"])')" "province 1000 2026-01-08" \
  "the command decides the same for the same request"
run kam --db k.db import discounts d.csv
status_is 0 "the same file again"
like "$err" "4 unchanged" "adds nothing"
before=$(dump k.db)

# --- bad rows ----------------------------------------------------------------------------
cat > bad.csv <<CSV
code,line,rate_bp,valid_from,valid_until,requested_on
$C3,express,500,2026-02-01,2026-06-30,2026-02-02
42050299999000,express,100,2026-01-01,2026-06-30,2026-01-05
$C3,express,0,2026-01-01,2026-06-30,2026-01-05
$C3,express,1.5,2026-01-01,2026-06-30,2026-01-05
$C3,express,10001,2026-01-01,2026-06-30,2026-01-05
$C3,express,100,2026-01-01,2025-06-30,2026-01-05
$C3,express,100,2026-01-01,2026-06-30,2026-02-30
$C3,mail,100,2026-01-01,2026-06-30,2026-01-05
CSV
run kam --db k.db --json import discounts bad.csv
status_is 1 "a file with bad rows is refused"
like "$err" "bad.csv:3: column 'code': no customer 42050299999000" "an unknown customer, with file and line"
like "$err" "bad.csv:4: column 'rate_bp': '0' must be whole basis points from 1 to 10000" "a rate of 0"
like "$err" "bad.csv:5: column 'rate_bp': '1.5' must be whole basis points" "a rate with a fraction"
like "$err" "bad.csv:6: column 'rate_bp': '10001'" "a rate above 100%"
like "$err" "bad.csv:7: column 'valid_until': 2025-06-30 is before valid_from 2026-01-01" "a period that ends before it starts"
like "$err" "bad.csv:8: column 'requested_on': '2026-02-30' is not a day YYYY-MM-DD" "a day that does not exist"
like "$err" "bad.csv:9: column 'line'" "an unknown line"
is "$(echo "$out" | py 'print(d["rejected"], [r["field"] for r in d["bad_rows"]])')" \
  "0 ['code', 'rate_bp', 'rate_bp', 'rate_bp', 'valid_until', 'requested_on', 'line']" "--json: each bad row's field"
is "$(dump k.db)" "$before" "nothing stored changed"
run kam --db k.db import discounts bad.csv --reject-file rej.csv
status_is 3 "--reject-file: done in part"
is "$(q k.db "SELECT count(*) FROM discounts WHERE requested_on = '2026-02-02'")" 1 "the good row is loaded"
is "$(wc -l < rej.csv | tr -d ' ')" 8 "the seven bad rows and the header are in the reject file"
like "$(sed -n 2p rej.csv)" "no customer 42050299999000" "each with its reason"
{ head -1 rej.csv; sed -n 2p rej.csv | sed "s/^42050299999000,/$C3,/"; } > fixed.csv
run kam --db k.db import discounts fixed.csv --dry-run
status_is 0 "the reject file, fixed: --dry-run"
is "$(q k.db "SELECT count(*) FROM discounts")" 6 "--dry-run stores nothing"
run kam --db k.db import discounts fixed.csv
status_is 0 "the fixed reject file loads (its reject_reason column is skipped)"
is "$(q k.db "SELECT count(*) || ' ' || max(rate_bp) || ' ' || min(route) FROM discounts WHERE rate_bp = 100 AND code = $C3")" \
  "1 100 local" "the fixed row, routed by the rule"

# --- export and import back --------------------------------------------------------------
run kam --db k.db export discounts -o e.csv
status_is 0 "export discounts"
is "$(head -1 e.csv)" "code,line,rate_bp,valid_from,valid_until,requested_on,method,reason,requested_by,grade,route,limit_bp,answer_by" \
  "with the request and what the rule decided"
before=$(q k.db "SELECT * FROM discounts" | sha256sum)
run kam --db k.db import discounts e.csv
like "$err" "7 unchanged" "into the same database: nothing added"
is "$(q k.db "SELECT * FROM discounts" | sha256sum)" "$before" "no request changed"
setup fresh.db
run kam --db fresh.db import discounts e.csv
status_is 0 "the export into a fresh database"
run kam --db fresh.db export discounts -o e2.csv
is "$(cat e2.csv)" "$(cat e.csv)" "gives the same requests back"
run kam --db k.db --json export discounts -o e.json
run kam --db fresh2.db init --policy hubei
setup fresh2.db
run kam --db fresh2.db import discounts e.json
status_is 0 "the JSON export imports too"
run kam --db fresh2.db export discounts
is "$out" "$(cat e.csv)" "as the same requests"
sed 's/,1001,\(.*\),province,1000,/,1001,\1,local,1000,/' e.csv > lie.csv
run kam --db fresh.db import discounts lie.csv --append
status_is 1 "a file that says a request beyond the standard is local"
like "$err" "lie.csv:4: column 'route': the file says 'local', policy hubei decides 'province' for this row now" "is refused, naming the column"
run kam --db k.db import discounts e.csv --replace
status_is 2 "--replace: requests are never changed"
like "$err" "never changed nor deleted" "says so"

# --- confidential: a masked export does not import back ---------------------------------
run kam --db 'file:k.db?mode=ro' export discounts -o masked.csv
like "$err" "masked: discounts read ***" "an export by a reader who may not see the terms is masked"
like "$(sed -n 1p masked.csv)" "# kam: masked export (discounts read ***" "its first line says it is masked"
is "$(sed -n 3p masked.csv | cut -d, -f3-5,7,12)" "***,***,***,***,***" "rate, period, method and limit read ***"
setup m.db
before=$(dump m.db)
run kam --db m.db import discounts masked.csv
status_is 1 "a masked export does not import back"
like "$err" "masked.csv:1: the file is a masked export" "saying why, before any row"
is "$(dump m.db)" "$before" "and nothing changed"
# Without its first line, the *** cells still refuse it (the second line of defence).
tail -n +2 masked.csv >unmarked.csv
run kam --db m.db import discounts unmarked.csv
status_is 1 "the *** cells alone refuse it too"
like "$err" "unmarked.csv:2: column 'rate_bp': '***' is a masked value" "naming the cell"
is "$(dump m.db)" "$before" "and nothing changed"

done_testing
