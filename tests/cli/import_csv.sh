#!/usr/bin/env bash
# kam import of the CSV files key-account centers really have: GBK with Chinese headers and
# words, GB18030-only characters, UTF-8 with BOM, CRLF, quoted commas, doubled quotes and
# line breaks, no final newline, columns in any order, headers in any case; values checked
# byte for byte and money to the fen, under a UTF-8 and under the C locale.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/import"

# hex TEXT: the bytes of TEXT as SQLite's hex() writes them.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }
q() { sqlite3 "${DB:-k.db}" "$1"; }

run kam --db k.db init
status_is 0 "init"

# --- GBK, Chinese headers in an unusual order, Chinese words, CRLF, no final newline -----
run kam --db k.db import customers "$F/customers_zh_gbk.csv"
status_is 0 "a GBK customers file with Chinese headers loads"
like "$err" "4 rows: 4 added" "all 4 rows are added"
like "$err" "GB18030 csv" "the summary says it was read as GB18030 (GBK's superset)"
is "$(q "SELECT count(*) FROM customers")" 4 "4 customers stored (the last row has no newline)"

is "$(q "SELECT hex(name) FROM customers WHERE code = 42010300001000")" \
  "$(hex '武汉市恒达电子科技有限公司')" "a Chinese name is stored as its UTF-8 bytes"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42050200001000")" \
  "$(hex '宜昌"三峡"物流, 有限公司')" "a quoted name keeps its comma and its doubled quotes (as one)"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42028100001000")" \
  "$(hex $'大冶市华新水泥厂\n第二分厂')" "a line break inside quotes stays one LF (not CRLF, not cut)"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42022200001000")" \
  "$(hex ' 阳新县 个体户 ')" "blanks inside a name are data, kept as they are"
is "$(q "SELECT hex(city) || '|' || hex(county) || '|' || hex(industry) || '|' || hex(nature)
         FROM customers WHERE code = 42028100001000")" \
  "$(hex 黄石市)|$(hex 大冶市)|$(hex 制造业)|$(hex 企业)" "other Chinese text columns byte for byte"
is "$(q "SELECT group_concat(code || ':' || place || ':' || ifnull(reach, '-') || ':' || agreement || ':'
         || ifnull(account, '-') || ':' || ifnull(important, '-') || ':' || ifnull(potential, '-') || ':'
         || network_wide || ':' || one_time || ':' || ifnull(admin_code, '-'), ' ')
         FROM (SELECT * FROM customers ORDER BY code)")" \
  "42010300001000:capital:province:1:on_account:province:-:0:0:420103 42022200001000:county:regional:0:-:-:-:0:1:420222 42028100001000:county:regional:1:cash:-:-:1:0:420281 42050200001000:city:regional:0:-:-:city:0:0:420502" \
  "省会/地市/县, 全省性/区域性, 是/否, 记账/现付, 省/市 are stored as the English values"

run kam --db k.db export customers
status_is 0 "export customers"
is "$out" "$(cat "$F/customers_zh.expected.csv")" "the export is exactly the expected CSV, byte for byte"

run kam --db k.db import ledger "$F/ledger_zh_gbk.csv"
status_is 0 "a GBK ledger with 客户代码,月份,业务,收入,件数 and 特快/物流/... loads"
like "$err" "6 rows: 6 added" "all 6 rows added"
is "$(q "SELECT group_concat(code || ',' || month || ',' || line || ',' || amount || ',' || ifnull(volume, 'null'), ' ')
         FROM (SELECT * FROM ledger ORDER BY code, month, line)")" \
  "42010300001000,202501,express,1999,3 42010300001000,202501,logistics,123450,null 42010300001000,202502,express,-5,null 42022200001000,202502,savings,800,null 42028100001000,202502,newspapers,10000,7 42050200001000,202501,letters,1234560,10" \
  "months as YYYYMM, lines in English, money to the fen (19.99, \"1,234.50\", -0.05, 12345.6, 100, ' 8.00 ')"
is "$(q "SELECT typeof(amount) || typeof(month) || typeof(code) FROM ledger LIMIT 1")" "integerintegerinteger" \
  "amount, month and code are stored as integers"
is "$(q "SELECT kind || '|' || encoding || '|' || rows || '|' || inserted || '|' || user FROM imports ORDER BY id")" \
  "$(printf 'customers|GB18030|4|4|tester\nledger|GB18030|6|6|tester')" "both imports are logged with encoding, rows and user"

# --- GB18030-only characters -----------------------------------------------------------
run kam --db k.db import customers "$F/customers_gb18030.csv"
status_is 0 "a GB18030 file with 䶮 and 𠮷 loads"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42050600001000")" "$(hex '䶮记商行')" \
  "䶮 (U+4DAE, not in GBK) survives as E4 B6 AE"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42050600002000")" "$(hex '𠮷野家餐饮有限公司')" \
  "𠮷 (U+20BB7, 4 bytes in GB18030) survives as F0 A0 AE B7"
is "$(q "SELECT place FROM customers WHERE code = 42050600001000")" city "地市 in a GB18030 file is city"
if printf '䶮' | iconv -f UTF-8 -t GBK >/dev/null 2>&1; then
  nok "the fixture's 䶮 is really outside GBK"
else
  ok "the fixture's 䶮 is really outside GBK (iconv -t GBK refuses it)"
fi

# --- UTF-8 with BOM, CRLF, English headers in any case and order -------------------------
run kam --db k.db import customers "$F/customers_bom_crlf.csv"
status_is 0 "UTF-8 with BOM, CRLF, headers Place,CODE,Name,AGREEMENT,City,COUNTY load"
like "$err" "UTF-8 csv" "read as UTF-8"
is "$(q "SELECT group_concat(code || ':' || place || ':' || agreement || ':' || hex(name) || ':' || hex(city), ' ')
         FROM (SELECT * FROM customers WHERE code IN (42010600001000, 42060200001000, 42112200001000) ORDER BY code)")" \
  "42010600001000:capital:1:$(hex '武汉"光谷"软件园'):$(hex 武汉市) 42060200001000:city:0:$(hex '襄阳市,樊城区 商行'):$(hex 襄阳市) 42112200001000:county:0:$(hex 红安县农机站):$(hex 黄冈市)" \
  "every row, the BOM-prefixed first header and the unterminated last line are read right"
is "$(q "SELECT count(*) FROM customers WHERE name LIKE '%'||char(13)||'%' OR city LIKE '%'||char(13)||'%'")" 0 \
  "no CR is left in any stored value"

# --- columns in any order, English headers in any case, other month forms ---------------
printf 'Volume,AMOUNT,Line,MONTH,Code\n,0.01,Express,2025-03,42010600001000\n5,-12.30,LETTERS,2025-03,42060200001000\n' >mixed.csv
run kam --db k.db import ledger mixed.csv
status_is 0 "a ledger with columns in another order and headers in other cases"
is "$(q "SELECT group_concat(code || ',' || line || ',' || amount || ',' || ifnull(volume, 'null'), ' ')
         FROM (SELECT * FROM ledger WHERE month = 202503 ORDER BY code)")" \
  "42010600001000,express,1,null 42060200001000,letters,-1230,5" "each value lands in its own column"

printf 'code,month,line,amount\n42010600001000,2025/04,express,1\n42010600001000,202505,express,2\n42010600001000,2025年6月,express,3\n' >months.csv
run kam --db k.db import ledger months.csv
status_is 0 "months written 2025/04, 202505 and 2025年6月 load"
is "$(q "SELECT group_concat(month || '=' || amount, ' ') FROM (SELECT * FROM ledger WHERE code = 42010600001000 AND month > 202503 ORDER BY month)")" \
  "202504=100 202505=200 202506=300" "and are stored as YYYYMM"

printf '客户编码,年月,业务种类,收入（元）,业务量\n42010600001000,2025-07,特快专递,1.00,2\n\n\n' | iconv -t GBK >alt_headers.csv
run kam --db k.db import ledger alt_headers.csv
status_is 0 "other Chinese headers (客户编码, 年月, 业务种类, 收入（元）, 业务量) and trailing blank lines"
like "$err" "1 row: 1 added" "the blank lines are no rows"
is "$(q "SELECT line || ',' || amount || ',' || volume FROM ledger WHERE month = 202507")" "express,100,2" "特快专递 is express"

# --- standard input, forced encoding ----------------------------------------------------
printf 'code,name,place,city\n42010600002000,标准输入,capital,武汉市\n' | iconv -t GBK >stdin_gbk.csv
run bash -c "'$KAM' --db k.db import customers - < stdin_gbk.csv"
status_is 0 "FILE '-' reads standard input (GBK detected there too)"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42010600002000")" "$(hex 标准输入)" "stored right"

printf 'code,name,place,city\n42010600003000,强制编码,capital,武汉市\n' | iconv -t GBK >forced.csv
run kam --db k.db import customers forced.csv --encoding GBK
status_is 0 "--encoding GBK"
is "$(q "SELECT hex(name) FROM customers WHERE code = 42010600003000")" "$(hex 强制编码)" "stored right"
run kam --db k.db import customers "$F/customers_zh_gbk.csv" --encoding UTF-8
status_is 1 "--encoding UTF-8 on a GBK file fails"
like "$err" "customers_zh_gbk.csv:1:" "naming the file and the first line with a bad byte"

# --- GBK that starts with more than a megabyte of ASCII ---------------------------------
# The first read looks like UTF-8; the GBK bytes come later and the reader starts over.
python3 - <<'PY'
rows = ['code,name,place,city']
for i in range(1, 20001):
    rows.append('%d,customer number %d with a rather long ascii name,%s,wuhan'
                % (43010000000000 + i * 1000, i, 'nowhere' if i == 7 else 'capital'))
rows.append('43020000001000,黄石市某某公司,地市,黄石市')
open('late_gbk.csv', 'wb').write(('\r\n'.join(rows) + '\r\n').encode('gbk'))
PY
run kam --db k.db import customers late_gbk.csv
status_is 1 "a late-GBK file with one bad row fails"
is "$(printf '%s\n' "$err" | grep -c "late_gbk.csv:8: column 'place'")" 1 \
  "the bad row (line 8, in the ASCII part) is reported once, not once per reading pass"
like "$err" "1 bad row;" "one bad row is counted"
sed -i "s/,nowhere,wuhan\r$/,capital,wuhan\r/" late_gbk.csv
run kam --db k.db import customers late_gbk.csv
status_is 0 "fixed, it loads"
like "$err" "GB18030" "as GB18030"
is "$(q "SELECT hex(name) || ':' || place FROM customers WHERE code = 43020000001000")" "$(hex 黄石市某某公司):city" \
  "the Chinese name past the first megabyte is decoded as GBK"
is "$(q "SELECT count(*) FROM customers WHERE code BETWEEN 43010000000000 AND 43029999999999")" 20001 \
  "every row of the file, read once"

# --- the same files under cron's locale --------------------------------------------------
run env LANG=C LC_ALL=C "$KAM" --db c.db init
status_is 0 "init under LANG=C LC_ALL=C"
run env LANG=C LC_ALL=C "$KAM" --db c.db import customers "$F/customers_zh_gbk.csv"
status_is 0 "GBK customers under LANG=C LC_ALL=C"
run env LANG=C LC_ALL=C "$KAM" --db c.db import ledger "$F/ledger_zh_gbk.csv"
status_is 0 "GBK ledger under LANG=C LC_ALL=C"
run env LANG=C LC_ALL=C "$KAM" --db c.db import customers "$F/customers_gb18030.csv"
status_is 0 "GB18030 customers under LANG=C LC_ALL=C"
dump='SELECT code, hex(name), place, hex(city), hex(county), admin_code, hex(industry), hex(nature), reach,
        agreement, account, important, potential, network_wide, one_time FROM customers
        WHERE code IN (42010300001000, 42022200001000, 42028100001000, 42050200001000, 42050600001000, 42050600002000)
        ORDER BY code;
      SELECT code, month, line, amount, volume FROM ledger WHERE code IN (42010300001000, 42022200001000,
        42028100001000, 42050200001000) ORDER BY code, month, line;'
is "$(DB=c.db q "$dump")" "$(q "$dump")" "the C locale stores exactly the same bytes and fen"
run env LANG=C LC_ALL=C "$KAM" --db c.db export customers
is "$(printf '%s\n' "$out" | grep -v '^4205060000')" "$(cat "$F/customers_zh.expected.csv")" \
  "and exports the same CSV under the C locale"

done_testing
