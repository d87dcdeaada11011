#!/usr/bin/env bash
# kam import of JSON: an array of objects with the English names; money as a decimal string
# or a number with at most 2 decimals (exact to the fen); every error with file:line:column;
# duplicate keys, unknown keys, syntax errors and other top levels refused, database unchanged.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/import"

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }
q() { sqlite3 k.db "$1"; }
checksum() {
  sqlite3 k.db "SELECT count(*), total(amount), total(volume) FROM ledger;
                SELECT count(*), total(code), total(length(name)), group_concat(code || substr(name, 1, 16) || place, ';') FROM customers;
                SELECT count(*) FROM imports"
}
unchanged() { is "$(checksum)" "$before" "$1: the database is unchanged"; }
lines() { printf '%s\n' "$err" | grep -cF -- "$1"; }

run kam --db k.db init
status_is 0 "init"

# --- good files ---------------------------------------------------------------------------
run kam --db k.db import customers "$F/customers.json"
status_is 0 "an array of customer objects loads"
like "$err" "4 rows: 4 added" "4 customers added"
like "$err" "json" "the summary says JSON"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42050200001000")" "$(hex '宜昌"三峡"物流, 有限公司')" \
  "an escaped quote and a comma in a name"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42028100001000")" "$(hex $'大冶市华新水泥厂\n第二分厂')" \
  "an escaped line break in a name"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42050600001000")" "$(hex '䶮记商行')" "䶮 byte for byte"
is "$(q "SELECT group_concat(code || ':' || place || ':' || agreement || ':' || ifnull(account, '-') || ':'
         || ifnull(important, '-') || ':' || ifnull(potential, '-') || ':' || network_wide || ':' || one_time, ' ')
         FROM (SELECT * FROM customers ORDER BY code)")" \
  "42010300001000:capital:1:on_account:province:-:0:0 42028100001000:county:1:cash:-:-:1:0 42050200001000:city:0:-:-:city:0:0 42050600001000:city:0:-:-:-:0:0" \
  "true/false, \"yes\", null, a number as the code and absent keys are stored right"

run kam --db k.db import ledger "$F/ledger.json"
status_is 0 "an array of ledger objects loads"
is "$(q "SELECT group_concat(code || ',' || month || ',' || line || ',' || amount || ',' || ifnull(volume, 'null'), ' ')
         FROM (SELECT * FROM ledger ORDER BY code, month, line)")" \
  "42010300001000,202501,express,1234560,3 42010300001000,202501,logistics,1999,null 42010300001000,202502,express,-5,null 42028100001000,202502,newspapers,10,null 42050200001000,202501,letters,700,0 42050600001000,202502,savings,-123450,null" \
  "\"12345.60\" is 1234560 fen, 19.99 is 1999 (never 1998), -0.05 is -5, 7 is 700, 0.1 is 10"

# Numbers whose binary value is just under the decimal one: truncation would lose a fen.
printf '[\n' >fen.json
i=0
for a in 0.29 4.35 1.15 8.7 0.07 1234567.89 -19.99 -0.29 2.67 100.1 0.57 9.95; do
  i=$((i + 1))
  printf '  {"code": "42050200001000", "month": "2025-03", "line": "%s", "amount": %s}%s\n' \
    "$(echo express logistics letters parcels savings billing philately newspapers same_city international freight forwarding | cut -d' ' -f$i)" \
    "$a" "$([ $i = 12 ] && echo || echo ,)" >>fen.json
done
printf ']\n' >>fen.json
run kam --db k.db import ledger fen.json
status_is 0 "twelve amounts as JSON numbers"
is "$(q "SELECT group_concat(amount, ' ') FROM (SELECT amount FROM ledger WHERE month = 202503 ORDER BY
         instr(' express logistics letters parcels savings billing philately newspapers same_city international freight forwarding ', ' ' || line || ' '))")" \
  "29 435 115 870 7 123456789 -1999 -29 267 10010 57 995" "each is exact to the fen"

printf '\xEF\xBB\xBF[{"code": "42010300002000", "name": "带BOM", "place": "capital", "city": "武汉市"}]' >bom.json
run kam --db k.db import customers bom.json
status_is 0 "a JSON file with a UTF-8 BOM"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42010300002000")" "$(hex 带BOM)" "loads"

run bash -c "printf '[{\"code\": \"42010300003000\", \"name\": \"管道\", \"place\": \"city\", \"city\": \"宜昌市\"}]' | '$KAM' --db k.db import customers - --format json"
status_is 0 "JSON from standard input with --format json"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42010300003000")" "$(hex 管道)" "loads"

before=$(checksum)

# --- money that is not exact --------------------------------------------------------------
printf '[{"code": "42010300001000", "month": "2025-04", "line": "express", "amount": 12.345}]\n' >b_dec.json
run kam --db k.db import ledger b_dec.json
status_is 1 "12.345 as a number is refused"
like "$err" "b_dec.json:1:68: key 'amount': amount 12.345 has more than 2 decimals" "with line, column, key and why"
unchanged "12.345"

printf '[{"code": "42010300001000", "month": "2025-04", "line": "express", "amount": 0.30000000000000004}]\n' >b_float.json
run kam --db k.db import ledger b_float.json
status_is 1 "0.1+0.2 as written by a float printer is refused"
like "$err" "b_float.json:1:68: key 'amount'" "at the amount"
unchanged "float noise"

printf '[{"code": "42010300001000", "month": "2025-04", "line": "express", "amount": "12.345"}]\n' >b_str.json
run kam --db k.db import ledger b_str.json
status_is 1 "\"12.345\" as a string is refused"
like "$err" "b_str.json:1:68: key 'amount': amount '12.345' has more than 2 decimals" "the same way"
unchanged "12.345 string"

# --- structure -------------------------------------------------------------------------
printf '[\n  {"code": "42010300001000", "month": "2025-04",\n   "line": "express", "amount": "1.00", "line": "letters"}\n]\n' >b_dupkey.json
run kam --db k.db import ledger b_dupkey.json
status_is 1 "a key twice in one object is refused"
like "$err" "b_dupkey.json:3:" "naming the line of the second key"
like "$err" "duplicate" "saying it is a duplicate"
like "$(printf '%s\n' "$err" | grep b_dupkey.json:3:)" "line" "naming the key"
col=$(printf '%s\n' "$err" | sed -n 's/.*b_dupkey.json:3:\([0-9]*\):.*/\1/p')
if [ -n "$col" ] && [ "$col" -ge 41 ] && [ "$col" -le 46 ]; then
  ok "the column points at the second \"line\" (41..46, got $col)"
else
  nok "the column points at the second \"line\"" "got column '$col', the key is at columns 41..46" "$err"
fi
unchanged "duplicate key"

printf '[\n  {"code": "42010300001000",\n   "month": "2025-04" "line": "express", "amount": "1.00"}\n]\n' >b_syntax.json
run kam --db k.db import ledger b_syntax.json
status_is 1 "a syntax error (a missing comma) is refused"
like "$err" "b_syntax.json:3:" "with the line"
col=$(printf '%s\n' "$err" | sed -n 's/.*b_syntax.json:3:\([0-9]*\):.*/\1/p')
if [ -n "$col" ] && [ "$col" -ge 23 ] && [ "$col" -le 29 ]; then
  ok "and the column of the unexpected token (23..29, got $col)"
else
  nok "and the column of the unexpected token" "got column '$col', the token is at 23..29" "$err"
fi
unchanged "syntax error"

printf '[{"code": "42010300001000", "month": "2025-04", "line": "express", "amount": "1.00",\n  "colour": "red"}]\n' >b_unknown.json
run kam --db k.db import ledger b_unknown.json
status_is 1 "an unknown key is refused"
like "$err" "b_unknown.json:2:3: unknown key 'colour'" "with line and column"
unchanged "unknown key"
run kam --db k.db import ledger b_unknown.json --ignore-unknown
status_is 0 "--ignore-unknown skips it"
is "$(q "SELECT amount FROM ledger WHERE month = 202504")" 100 "and loads the row"
before=$(checksum)

for doc in '{"code": "42010300001000"}' '"ledger"' '42' 'null'; do
  printf '%s\n' "$doc" >b_top.json
  run kam --db k.db import ledger b_top.json
  status_is 1 "a top level of $doc is refused"
  like "$err" "b_top.json:1:1: expected a JSON array of objects" "saying an array of objects is expected"
done
printf '[\n  {"code": "42010300001000", "month": "2025-05", "line": "express", "amount": "1.00"},\n  [1, 2]\n]\n' >b_elem.json
run kam --db k.db import ledger b_elem.json
status_is 1 "an element that is not an object is refused"
like "$err" "b_elem.json:3:3: each element of the array must be an object" "with line and column"
unchanged "non-array top level"

printf '[\n  {"code": "42010300001000", "month": "2025-05", "line": "express", "amount": "1.00"},\n  {"code": "4201' >b_trunc.json
run kam --db k.db import ledger b_trunc.json
status_is 1 "a truncated JSON file is refused"
like "$err" "b_trunc.json:3:3: object not closed" "naming where the cut object starts"
unchanged "truncated JSON"

printf '[{"code": "42010300001000", "month": "2025-05", "line": "express", "amount": "1.00"}]\n]\n' >b_tail.json
run kam --db k.db import ledger b_tail.json
status_is 1 "text after the array is refused"
like "$err" "b_tail.json:2:1: text after the end of the array" "with line and column"
unchanged "text after the array"

printf '[]\n' >b_emptyarr.json
run kam --db k.db import ledger b_emptyarr.json
status_is 1 "an empty array is refused"
like "$err" "b_emptyarr.json: the file holds no rows" "saying it holds no rows"
: >b_empty.json
run kam --db k.db import ledger b_empty.json
status_is 1 "an empty JSON file is refused"
like "$err" "b_empty.json: the file is empty" "saying it is empty"
unchanged "empty JSON"

printf '[{"code": "42010300004000", "name": "坏\\u0000名", "place": "city", "city": "宜昌市"}]' >b_nul.json
run kam --db k.db import customers b_nul.json
status_is 1 "a \\u0000 in a value is refused"
like "$err" "b_nul.json:1:" "with the place"
like "$err" "NUL" "saying why"
unchanged "NUL in JSON"

printf '[{"code": "42010300004000", "name": {"zh": "名"}, "place": "city", "city": "宜昌市"}]' >b_obj.json
run kam --db k.db import customers b_obj.json
status_is 1 "an object as a value is refused"
like "$err" "b_obj.json:1:29: key 'name': must be a string or number, not an object" "with the key"
printf '[{"code": "42010300004000", "name": true, "place": "city", "city": "宜昌市"}]' >b_bool.json
run kam --db k.db import customers b_bool.json
status_is 1 "true as a name is refused"
like "$err" "b_bool.json:1:29: key 'name': must be a string" "with the key"
unchanged "wrong value types"

printf '[{"code": "42010300004000", "name": "武汉", "place": "city", "city": "宜昌市"}]' | iconv -t GBK >b_gbk.json
run kam --db k.db import customers b_gbk.json
status_is 1 "JSON in GBK is refused (JSON is UTF-8)"
like "$err" "b_gbk.json:1:" "with the place"
unchanged "GBK JSON"

python3 -c '
import json
json.dump([{"code": "42010300004000", "name": "长" * (10 * 1024 * 1024 // 3 + 1), "place": "city", "city": "宜昌市"}],
          open("b_huge.json", "w", encoding="utf-8"), ensure_ascii=False)'
run kam --db k.db import customers b_huge.json
status_is 1 "a 10 MB value is refused (as a 10 MB CSV field is)"
like "$err" "b_huge.json:1:" "with the place"
like "$err" "name" "naming the key"
unchanged "10 MB value"
before=$(checksum)  # later checks stand on their own even if that one failed

# --- bad rows: each listed with file:line:column, key and reason ---------------------------
cat >b_rows.json <<'EOF'
[
  {"code": "42010300001000", "month": "2025-06", "line": "express", "amount": "1.00"},
  {"name": "武汉武汉", "code": "4201", "month": "2025-06", "line": "letters", "amount": "1.00"},
  {"code": "42010300001000",
   "month": "2025-13", "line": "parcels", "amount": "1.00"},
  {"code": "42010300001000", "month": "2025-06",
   "line": "bus",
   "amount": "1.00"}
]
EOF
run kam --db k.db import ledger b_rows.json --ignore-unknown
status_is 1 "a JSON ledger with 3 bad rows is refused"
like "$err" "b_rows.json:3:20: key 'code': code '4201' has 4 digits, not 14" \
  "a bad code, its column counted in characters after Chinese text"
like "$err" "b_rows.json:5:4: key 'month': month '2025-13': 13 is not a month" "a bad month on the object's second line"
like "$err" "b_rows.json:7:4: key 'line': 'bus' must be one of" "a bad line name on its own line"
is "$(lines "b_rows.json:")" 4 "3 messages and the summary"
like "$err" "b_rows.json: 3 bad rows; nothing was imported" "3 bad rows, nothing imported"
unchanged "3 bad JSON rows"

# Amounts that are JSON numbers with 3 decimals are bad rows like any other: all listed,
# and --reject-file sets them aside.
cat >b_numrows.json <<'EOF'
[
  {"code": "42010300001000", "month": "2025-07", "line": "express", "amount": 1.234},
  {"code": "42010300001000", "month": "2025-07", "line": "letters", "amount": 1.25},
  {"code": "42010300001000", "month": "2025-07", "line": "parcels", "amount": 2.345}
]
EOF
run kam --db k.db import ledger b_numrows.json
status_is 1 "two amounts with 3 decimals as numbers"
like "$err" "b_numrows.json:2:69: key 'amount': amount 1.234 has more than 2 decimals" "the first is listed"
like "$err" "b_numrows.json:4:69: key 'amount': amount 2.345 has more than 2 decimals" "and so is the second"
like "$err" "b_numrows.json: 2 bad rows; nothing was imported" "2 bad rows, nothing imported"
unchanged "numbers with 3 decimals"
run kam --db k.db import ledger b_numrows.json --reject-file rej.csv
status_is 3 "with --reject-file the good row loads (exit 3: done in part)"
is "$(q "SELECT line || '=' || amount FROM ledger WHERE month = 202507")" "letters=125" "just the good row"
is "$(sed '1s/^\xEF\xBB\xBF//' rej.csv 2>/dev/null | cut -d, -f3,4 | tr '\n' ' ')" "line,amount express,1.234 parcels,2.345 " \
  "and the two bad ones are in the reject file"
before=$(checksum)

printf '[\n{"code": "42010300005000", "name": "甲", "place": "city", "city": "宜昌市"},\n{"code": "42010300006000", "name": "乙", "place": "city", "city": "宜昌市"},\n{"code": "42010300005000", "name": "丙", "place": "city", "city": "宜昌市"}\n]\n' >b_dupcode.json
run kam --db k.db import customers b_dupcode.json
status_is 1 "a code twice in a JSON customers file is refused"
like "$err" "b_dupcode.json:4: code 42010300005000 appears twice in the file (first on line 2)" "naming both lines"
unchanged "duplicate code in JSON"

# A required key left out is a row error naming it, never a zero stored in its place
# (month 0 would fail the table's CHECK, which a ledger import skips for speed).
printf '[\n{"code": "42010300001000", "line": "express", "amount": "1.00"},\n{"code": "42010300001000", "month": "2025-09", "line": "express"},\n{"month": "2025-09", "line": "letters", "amount": "1.00"},\n{"code": "42010300001000", "month": "2025-09", "line": "parcels", "amount": "1.00"}\n]\n' >nokey.json
run kam --db k.db import ledger nokey.json
status_is 1 "ledger objects without month, amount or code are refused"
like "$err" "nokey.json:2:1: key 'month' is missing (ledger needs it)" "a missing month, naming the key and where the object starts"
like "$err" "nokey.json:3:1: key 'amount' is missing (ledger needs it)" "a missing amount"
like "$err" "nokey.json:4:1: key 'code' is missing (ledger needs it)" "a missing code"
like "$err" "3 bad rows" "the complete object is no bad row"
run kam --db k.db import ledger nokey.json --reject-file nokey_rej.csv
status_is 3 "with a reject file the good row loads: done in part"
is "$(q "SELECT count(*) FROM ledger WHERE month = 202509")" 1 "only the complete object is stored"
is "$(q "PRAGMA integrity_check")" ok "nothing stored fails integrity_check"
printf '[{"bureau": "红安县局", "year": 2025}]' >nokey_b.json
run kam --db k.db import bureau_revenue nokey_b.json
status_is 1 "a bureau's revenue without an amount is refused"
like "$err" "nokey_b.json:1:2: key 'amount' is missing (bureau_revenue needs it)" "naming the key"
printf '[{"code": "42010300009000", "place": "capital", "city": "武汉市"}]' >nokey_c.json
run kam --db k.db import customers nokey_c.json
status_is 1 "a customer without a name is refused"
like "$err" "nokey_c.json:1:2: key 'name' is missing (customers needs it)" "naming the key"

done_testing
