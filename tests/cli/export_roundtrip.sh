#!/usr/bin/env bash
# kam export customers|ledger (CSV, --format json, -o, --lang zh, --bom, --crlf, --month,
# --from/--to) writes what kam import reads back to the same data: every column, money to
# the fen, Chinese text byte for byte.  On a generated province and on the hand-made
# fixtures (quotes, line breaks, blanks, GB18030-only characters in names).  export grades:
# computed and override columns, Chinese headers, reasons one text cell in CSV, an array in JSON.
source "$(dirname "$0")/lib.sh"
FX="$TOP/tests/fixtures/import"
G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
if [ ! -x "$G" ]; then
  nok "genprovince is built" "missing $G (make $KAM_BUILD/bench/genprovince)"
  done_testing
  exit 1
fi

# dump DB: every stored value, typed (quote() keeps NULL, integer and text apart), by key.
dump() {
  sqlite3 "$1" "SELECT quote(code), quote(name), quote(place), quote(city), quote(county), quote(admin_code),
                       quote(industry), quote(nature), quote(reach), quote(agreement), quote(account),
                       quote(important), quote(potential), quote(network_wide), quote(one_time), quote(rural)
                FROM customers ORDER BY code;
                SELECT quote(code), quote(month), quote(line), quote(amount), quote(volume)
                FROM ledger ORDER BY code, month, line;"
}
# same_db A B DESC: the two databases hold the same data
same_db() {
  dump "$1" >"$T/.a"; dump "$2" >"$T/.b"
  if [ ! -s "$T/.a" ]; then
    nok "$3" "$1 is empty"
  elif cmp -s "$T/.a" "$T/.b"; then
    ok "$3"
  else
    nok "$3" "$(diff "$T/.a" "$T/.b" | head -8)"
  fi
}
# fresh DB: a new empty database
fresh() { rm -f "$1" "$1-wal" "$1-shm"; "$KAM" --db "$1" init 2>/dev/null; }
# load DB CUSTOMERS LEDGER [OPTS]: import both into a fresh DB
load() {
  local db=$1 c=$2 l=$3
  shift 3
  fresh "$db"
  run kam --db "$db" import customers "$c" "$@"
  [ "$status" = 0 ] || { nok "import $c into $db" "$err"; return; }
  run kam --db "$db" import ledger "$l" "$@"
  [ "$status" = 0 ] || nok "import $l into $db" "$err"
}

run "$G" --customers 500 --out en
status_is 0 "a province of 500 customers (UTF-8, English headers)"
run "$G" --customers 500 --out zh --headers zh --encoding gb18030 --bom --crlf
status_is 0 "the same province in GB18030 with Chinese headers, BOM and CRLF"

load a.db en/customers.csv en/ledger.csv
is "$(sqlite3 a.db "SELECT count(*) FROM customers; SELECT count(*) > 20000, count(DISTINCT month) FROM ledger")" \
  "$(printf '500\n1|24')" "it loads: 500 customers, 24 months of ledger"
special=$(python3 -c '
import csv
print(sum(any(c in r["name"] for c in "\",\n\u4dae\U00020bb7")
          for r in csv.DictReader(open("en/customers.csv", encoding="utf-8"))))')
[ "$special" -ge 3 ] && ok "the province has names with quotes, commas, line breaks, 䶮 or 𠮷 ($special)" ||
  nok "the province has names with quotes, commas, line breaks, 䶮 or 𠮷" "only $special"
is "$(sqlite3 a.db "SELECT count(*) FROM customers WHERE name GLOB '*[\",]*' OR instr(name, char(10)) > 0 OR
                    instr(name, char(19886)) > 0 OR instr(name, char(134071)) > 0")" "$special" "and all of them are stored"
load z.db zh/customers.csv zh/ledger.csv
same_db a.db z.db "GB18030 + Chinese headers and words + BOM + CRLF give exactly the same data"

# The generator writes the export's format: an export of what was imported is its file.
run kam --db a.db export customers
status_is 0 "export customers to standard output"
printf '%s\n' "$out" >exp_c.csv
cmp -s exp_c.csv en/customers.csv && ok "the customers export is the generator's file, byte for byte" ||
  nok "the customers export is the generator's file, byte for byte" "$(diff exp_c.csv en/customers.csv | head -6)"
run kam --db a.db export ledger -o exp_l.csv
status_is 0 "export ledger -o FILE"
like "$err" "wrote $(sqlite3 a.db 'SELECT count(*) FROM ledger') ledger rows to exp_l.csv" "says how many rows it wrote where"
is "$out" "" "nothing on standard output"
cmp -s exp_l.csv en/ledger.csv && ok "the ledger export is the generator's file, byte for byte" ||
  nok "the ledger export is the generator's file, byte for byte" "$(diff exp_l.csv en/ledger.csv | head -6)"

# --- CSV round trip ---------------------------------------------------------------------
load b.db exp_c.csv exp_l.csv
same_db a.db b.db "CSV export, import into a fresh database: identical data"

# --- JSON -------------------------------------------------------------------------------
run kam --db a.db export customers --format json -o c.json
status_is 0 "export customers --format json -o c.json"
run kam --db a.db export ledger -o l.json
status_is 0 "export ledger -o l.json (the format from the name)"
run python3 -m json.tool c.json
status_is 0 "the customers JSON is valid JSON"
run python3 -m json.tool l.json
status_is 0 "the ledger JSON is valid JSON"
run python3 -c '
import json, re
rows = json.load(open("l.json", encoding="utf-8"))
bad = [r for r in rows if not isinstance(r["amount"], str) or not re.fullmatch(r"-?[0-9]+\.[0-9]{2}", r["amount"])]
codes = [r for r in rows if not isinstance(r["code"], str) or not re.fullmatch(r"[1-9][0-9]{13}", r["code"])]
months = [r for r in rows if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", r["month"])]
keys = set(k for r in rows for k in r)
print(len(rows), len(bad), len(codes), len(months), sorted(keys))'
is "$out" "$(sqlite3 a.db 'SELECT count(*) FROM ledger') 0 0 0 ['amount', 'code', 'line', 'month', 'volume']" \
  "every amount is a decimal string with 2 decimals, codes are 14-digit strings, months YYYY-MM, English keys"
run python3 -c '
import json
rows = json.load(open("c.json", encoding="utf-8"))
print(len(rows), sorted(set(type(r["agreement"]).__name__ for r in rows)), type(rows[0]["code"]).__name__)'
is "$out" "500 ['bool'] str" "customers: 500 objects, yes/no as true/false, codes as strings"
load j.db c.json l.json
same_db a.db j.db "JSON export, import into a fresh database: identical data"

run kam --db a.db --json export customers
status_is 0 "--json export writes JSON to standard output"
printf '%s\n' "$out" >c2.json
cmp -s c2.json c.json && ok "the same document as --format json" || nok "the same document as --format json"

# --- Chinese, BOM, CRLF ---------------------------------------------------------------------
run kam --db a.db export customers --lang zh --bom -o cz.csv
status_is 0 "export customers --lang zh --bom"
is "$(head -c 3 cz.csv | od -An -tx1 | tr -d ' ')" "efbbbf" "starts with a UTF-8 BOM"
is "$(head -1 cz.csv | sed '1s/^\xEF\xBB\xBF//')" \
  "客户代码,客户名称,所在地,地市,县区,行政区划,行业,客户性质,用邮地域,协议客户,结算方式,重要客户级别,潜在客户级别,全网客户,一次性客户,三农客户" \
  "with the Chinese headers of PRODUCT.md"
is "$(sed -n 2p cz.csv | cut -d, -f3)" "$(sqlite3 a.db "SELECT CASE place WHEN 'capital' THEN '省会' WHEN 'city' THEN '地市' ELSE '县' END FROM customers ORDER BY code LIMIT 1")" \
  "and the Chinese place words"
run kam --db a.db export ledger --lang zh --bom --crlf -o lz.csv
status_is 0 "export ledger --lang zh --bom --crlf"
is "$(head -1 lz.csv | tr -d '\r' | sed '1s/^\xEF\xBB\xBF//')" "客户代码,月份,业务,收入,件数" "Chinese ledger headers"
is "$(grep -vc $'\r$' lz.csv)" 0 "every line ends with CRLF"
load zz.db cz.csv lz.csv
same_db a.db zz.db "--lang zh --bom (--crlf) export, import: identical data"

run kam --db a.db export customers --crlf -o ccrlf.csv
status_is 0 "export customers --crlf"
is "$(tr -d '\r' <ccrlf.csv | cmp -s - en/customers.csv && echo same)" same "the same text with CR before each row's LF"
load cr.db ccrlf.csv exp_l.csv
same_db a.db cr.db "CRLF export, import: identical data"

# --- months -----------------------------------------------------------------------------------
run kam --db a.db export ledger --month 2025-06
status_is 0 "export ledger --month 2025-06"
is "$(printf '%s\n' "$out" | sed 1d | cut -d, -f2 | sort -u)" "2025-06" "holds only that month"
is "$(printf '%s\n' "$out" | sed 1d | wc -l | tr -d ' ')" "$(sqlite3 a.db 'SELECT count(*) FROM ledger WHERE month = 202506')" \
  "and all of its rows"
run kam --db a.db export ledger --from 2025-03 --to 2025-05 -o spring.csv
status_is 0 "export ledger --from 2025-03 --to 2025-05"
is "$(sed 1d spring.csv | cut -d, -f2 | sort -u | tr '\n' ' ')" "2025-03 2025-04 2025-05 " "holds those three months"
fresh m.db
run kam --db m.db import customers exp_c.csv
run kam --db m.db import ledger spring.csv
status_is 0 "they import into a fresh database"
is "$(sqlite3 m.db 'SELECT quote(code), month, line, amount, quote(volume) FROM ledger ORDER BY code, month, line' | md5sum)" \
  "$(sqlite3 a.db 'SELECT quote(code), month, line, amount, quote(volume) FROM ledger WHERE month BETWEEN 202503 AND 202505 ORDER BY code, month, line' | md5sum)" \
  "exactly those months' rows"
run kam --db a.db export ledger --from 2025-12
is "$(printf '%s\n' "$out" | sed 1d | cut -d, -f2 | sort -u)" "2025-12" "--from alone: to the end"
run kam --db a.db export ledger --to 2024-01
is "$(printf '%s\n' "$out" | sed 1d | cut -d, -f2 | sort -u)" "2024-01" "--to alone: from the start"

# --- the hand-made fixtures: quotes, line breaks, blanks, 䶮 and 𠮷, refunds ---------------------
fresh f.db
for f in customers_zh_gbk.csv customers_gb18030.csv customers_bom_crlf.csv; do
  "$KAM" --db f.db import customers "$FX/$f" 2>/dev/null || nok "fixture $f loads"
done
"$KAM" --db f.db import ledger "$FX/ledger_zh_gbk.csv" 2>/dev/null || nok "fixture ledger loads"
for fmt in "csv" "json" "csv --lang zh --bom --crlf"; do
  # shellcheck disable=SC2086
  "$KAM" --db f.db export customers --format $fmt -o fc.out 2>/dev/null &&
    "$KAM" --db f.db export ledger --format $fmt -o fl.out 2>/dev/null || nok "export the fixtures as $fmt"
  fresh g.db
  "$KAM" --db g.db import customers fc.out --format "${fmt%% *}" 2>/dev/null || nok "import fixture customers as $fmt"
  "$KAM" --db g.db import ledger fl.out --format "${fmt%% *}" 2>/dev/null || nok "import fixture ledger as $fmt"
  same_db f.db g.db "fixtures through $fmt: identical data"
done

# --- under the C locale ------------------------------------------------------------------------
run env LANG=C LC_ALL=C "$KAM" --db a.db export customers --lang zh
status_is 0 "export --lang zh under LANG=C LC_ALL=C"
is "$(printf '%s\n' "$out" | md5sum)" "$("$KAM" --db a.db export customers --lang zh | md5sum)" "writes the same bytes"
run env LANG=C LC_ALL=C "$KAM" --db a.db export ledger --format json
is "$(printf '%s\n' "$out" | md5sum)" "$(md5sum <l.json)" "JSON too"

# --- grades: computed and override columns, Chinese headers, reasons as one text cell -------------
GF="$TOP/tests/fixtures/grade"
run kam --db gr.db init --policy hubei
run kam --db gr.db import customers "$GF/hubei_customers.csv"
run kam --db gr.db import ledger "$GF/hubei_ledger.csv"
C3=42050200005000   # 宜昌, 50,000.00: class 3
run kam --db gr.db override add $C3 --kind cultivation --grade 2 --reason "潜力大，培育一年" --from 2026-01-01 --until 2026-06-30 --year 2025
run kam --db gr.db grade --year 2025 --as-of 2026-03-01
status_is 0 "the hubei grade fixture, graded with one override"
run kam --db gr.db export grades --year 2025
status_is 0 "export grades (CSV)"
is "${out%%$'\n'*}" "code,year,grade,computed,override,score,policy,policy_version,policy_hash,reasons,decided_at,decided_by,labels" \
  "the header has computed and override"
# csv_row CODE: the exported row of CODE as "grade|computed|override|reasons" (Python's csv reader)
csv_row() {
  printf '%s\n' "$out" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r.get("code", r.get("客户代码")) == sys.argv[1]:
        v = list(r.values())
        print("|".join([v[2], v[3], v[4], v[9]]))' "$1"
}
reasons_of() { sqlite3 gr.db "SELECT reasons FROM decisions WHERE code = $1 ORDER BY id DESC LIMIT 1" |
  python3 -c 'import json,sys; print("；".join(json.load(sys.stdin)))'; }
is "$(csv_row $C3)" "2|3|1|$(reasons_of $C3)" \
  "an overridden row: grade 2, computed 3, override #1, the reasons one cell joined with '；'"
like "$(csv_row $C3)" "；override #1 (cultivation by tester, valid until 2026-06-30): grade 2 instead of 3: 潜力大，培育一年" \
  "the override's reason is among them, readable"
is "$(csv_row 42010200001000)" "1|1||$(reasons_of 42010200001000)" "a row without override: computed = grade, override empty"
unlike "$out" '["' "no JSON array in the CSV"
run kam --db gr.db export grades --year 2025 --lang zh
status_is 0 "export grades --lang zh"
is "${out%%$'\n'*}" "客户代码,年度,等级,计算等级,人工调整,得分,评级政策,政策版本,政策哈希,评级理由,评定时间,评定人,等级标签" \
  "Chinese headers"
is "$(csv_row $C3)" "2|3|1|$(reasons_of $C3)" "the same row under them"
run kam --db gr.db export grades --year 2025 --format json --lang zh
status_is 0 "export grades --format json --lang zh"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
rows = {r["code"]: r for r in json.load(sys.stdin)}
r, p = rows[sys.argv[1]], rows["42010200001000"]
print(list(r)[:5], r["grade"], r["computed"], r["override"], type(r["reasons"]).__name__, len(r["reasons"]), p["override"])' $C3)" \
  "['code', 'year', 'grade', 'computed', 'override'] 2 3 1 list 4 None" \
  "JSON keeps the English names, the override id as a number (null when none) and the reasons an array"

# --- failures -----------------------------------------------------------------------------------
printf 'keep me\n' >keep.csv
run kam --db a.db export ledger --month 2025-13 -o keep.csv
status_is 2 "a bad --month is wrong usage"
like "$err" "month '2025-13': 13 is not a month" "and the message names the month and why"
is "$(cat keep.csv)" "keep me" "the -o file is left as it was"
is "$(ls keep.csv.* 2>/dev/null)" "" "no temporary file is left"
run kam --db a.db export customers --month 2025-01
status_is 2 "--month with customers is wrong usage"
run kam --db a.db export bogus
status_is 2 "an unknown kind is wrong usage"
like "$err" "unknown kind 'bogus'" "naming it"
run kam --db a.db export ledger --format xml
status_is 2 "an unknown format is wrong usage"
run kam --db a.db export customers --lang fr
status_is 2 "an unknown --lang is wrong usage"
run kam --db a.db export customers -o nodir/x.csv
status_is 1 "an -o in a missing directory fails"
like "$err" "nodir/x.csv" "naming the file"

done_testing
