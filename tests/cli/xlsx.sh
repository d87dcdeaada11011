#!/usr/bin/env bash
# The xlsx plugin through the real binary: files made by LibreOffice (tests/fixtures/xlsx,
# see its README) imported to the byte and the fen, number cells in the code column
# refused with the hint, --sheet, damaged files refused with the database unchanged, and
# export to XLSX (frozen, filtered header) that imports back to identical tables.
source "$(dirname "$0")/lib.sh"
FX="$TOP/tests/fixtures/xlsx"

if [ ! -f "$KAM_PLUGIN_PATH/xlsx.so" ]; then
  nok "the xlsx plugin is built" "missing $KAM_PLUGIN_PATH/xlsx.so (make)"
  done_testing
  exit 1
fi

# q DB SQL: one query through the sqlite3 shell.
q() { sqlite3 "$1" "$2"; }
# part FILE.xlsx PART: one part of the archive on stdout.
part() {
  if command -v unzip >/dev/null; then unzip -p "$1" "$2"
  else python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"
  fi
}
# state DB: everything an import could change, to show that a failed one changed nothing.
state() { q "$1" "select count(*) from imports; select * from customers order by code; select * from ledger order by code, month, line"; }

run kam --db k.db init
status_is 0 "init"
run kam plugin list
like "$out" "xlsx 0.1.0 ($KAM_PLUGIN_PATH/xlsx.so)" "the xlsx plugin is loaded"

# ---- LibreOffice's files

run kam --db k.db import customers "$FX/customers.xlsx"
status_is 0 "customers.xlsx (LibreOffice, Chinese headers) imports"
like "$err" "customers.xlsx: 4 rows: 4 added, 0 updated, 0 unchanged, 0 rejected (UTF-8 xlsx," "... 4 rows, format xlsx"
is "$(q k.db "select code, name, place, ifnull(city, '-'), ifnull(county, '-'), admin_code, ifnull(reach, '-'), agreement, account,
               ifnull(important, '-'), ifnull(potential, '-'), network_wide, one_time from customers order by code")" \
'42010000001000|武汉市江岸区税务局|capital|武汉|江岸区|420102|province|1|on_account|province|-|0|0
42050000002000|宜昌"三峡"电力, 有限公司|city|宜昌|-|420500|regional|0|cash|-|city|1|0
42060000003000|襄阳市 A&B <测试> 商行|city|襄阳|樊城区|420606|regional|0|cash|-|-|0|1
42112300004000|罗田县邮政储蓄 𠀀 䶮|county|黄冈|罗田县|421123|-|1|on_account|county|-|0|0' \
  "customers: codes, Chinese names byte for byte (quotes, comma, &, <, U+20000), enums, yes/no, number-cell admin codes"
is "$(q k.db "select hex(name) from customers where code = 42112300004000")" \
  "E7BD97E794B0E58EBFE982AEE694BFE582A8E8938420F0A0808020E4B6AE" "... a 4-byte character exactly"

run kam --db k.db import ledger "$FX/ledger.xlsx"
status_is 0 "ledger.xlsx (LibreOffice, text codes, number amounts) imports"
is "$(q k.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code, month, line")" \
'42010000001000|202501|express|1234560|17
42010000001000|202501|letters|1|1
42010000001000|202502|express|1999|-
42050000002000|202501|logistics|1234567891|250
42050000002000|202502|parcels|-5|-
42060000003000|202503|philately|10000|3
42112300004000|202503|savings|10|0' "ledger: amounts to the fen (12345.60, 0.01, 19.99, 12345678.91, -0.05), volumes, empty volumes"

# Codes typed as numbers: LibreOffice writes <v>42010000001000</v>, which is exact.
run kam --db n.db init
run kam --db n.db import customers "$FX/customers.xlsx"
run kam --db n.db import ledger "$FX/ledger-numeric-codes.xlsx"
status_is 0 "a ledger whose codes are number cells (LibreOffice) imports"
is "$(q n.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code, month, line")" \
  "$(q k.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code, month, line")" \
  "... the same ledger as the one with text codes: every digit of every code"

# ---- numbers.xlsx, written by libxlsxwriter (src/make-numbers.c): codes and division
# codes as number cells, months as date cells, two error cells, a notes sheet first

NX="$FX/numbers.xlsx"
run kam --db x.db init
before=$(state x.db)
run kam --db x.db import customers "$NX"
status_is 1 "the first sheet (notes) lacks the columns"
is "$err" "kam: $NX: sheet 说明 has no column 客户代码; sheet 客户 has them: --sheet 客户" \
  "... and the message names the sheet that has them"
run kam --db x.db import ledger "$NX"
is "$err" "kam: $NX: sheet 说明 has no column 客户代码; sheet 收入 has them: --sheet 收入" "... for a ledger, the ledger's sheet"
run kam --json --db x.db import ledger "$NX"
like "$out" '"error": "'"$NX"': sheet 说明 has no column 客户代码; sheet 收入 has them: --sheet 收入"' "... --json: in the document"
is "$(state x.db)" "$before" "... and nothing changed"
run kam --db x.db import customers "$NX" --sheet 说明
like "$err" "unknown column" "a sheet named with --sheet is read as it is, whatever the others hold"

run kam --db x.db import customers "$NX" --sheet 客户
status_is 0 "customers whose codes and division codes are number cells import"
is "$(q x.db "select code, name, place, city, ifnull(county, '-'), admin_code from customers order by code")" \
'42010000001000|武汉甲公司|capital|武汉市|-|420102
42050000002000|宜昌乙公司|city|宜昌市|-|420500
42112300004000|罗田丙站|county|黄冈市|罗田县|421123' "... every digit of each code, division codes as their 6 digits"

run kam --db x.db import ledger "$NX" --sheet 收入 --reject-file "$T/nrej.csv"
status_is 3 "a ledger with number codes, date months and two error cells loads in part"
like "$err" "$NX: sheet 收入, cell D7: #REF!" "an error cell is a row error naming the sheet and cell (#REF!)"
like "$err" "$NX: sheet 收入, cell D8: #DIV/0!" "... and #DIV/0!"
like "$err" "7 rows: 5 added, 0 updated, 0 unchanged, 2 rejected" "... the other rows load"
is "$(q x.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code, month, line")" \
'42010000001000|202503|express|1234560|17
42010000001000|202504|express|500|-
42050000002000|202503|logistics|10000|-
42050000002000|202505|parcels|750|-
42112300004000|202504|letters|1|1' \
  "months typed as dates (yyyy-mm, yyyy年m月, m/d/yy 2025-04-15, m/d/yy h:mm) are their months, codes exact"
is "$(sed -n '2,3p' "$T/nrej.csv")" '42112300004000,2025-05-01,储汇,#REF!,,"sheet 收入, cell D7: #REF!"
42010000001000,2025-05-01,函件,#DIV/0!,,"sheet 收入, cell D8: #DIV/0!"' "... the reject file has both rows with the cell as reason"
is "$(sqlite3 x.db 'pragma integrity_check')" ok "... and the database passes integrity_check"

run kam --db x.db import ledger "$NX" --sheet 坏代码
status_is 1 "codes that lost digits are refused"
like "$err" "numbers.xlsx:2: column 'code': code '4.201000000100012E+15' is the number 4201000000100012, 16 significant digits; a spreadsheet keeps 15, so the last ones are lost; the value itself is wrong: enter the code as text" \
  "a 16-digit number: what the cell holds, and that the value itself is wrong"
like "$err" "numbers.xlsx:3: column 'code': code '42010000001000.5' is a number with a fraction, not a code; the value itself is wrong" \
  "a number with a fraction"
like "$err" "numbers.xlsx:4: column 'code': code '4.201E+13' is the number 42010000000000 in E notation, which may have dropped digits; the value itself is wrong" \
  "the text 4.201E+13"
like "$err" "3 bad rows; nothing was imported" "... the good number code in row 5 is no bad row"

# ---- sheets (LibreOffice's conversion of a hand-written flat ODS)

run kam --db s.db init
# These sheets' customers name no city (the files predate the rule): stored first with
# their bureaus, they are updated from the sheet, which keeps city and county.
bureaus='code,name,place,city,county
42010000001000,x,capital,武汉市,
42050000002000,x,city,宜昌市,
42060000003000,x,county,襄阳市,樊城区'
printf '%s\n' "$bureaus" >"$T/bureaus.csv"
run kam --db s.db import customers "$T/bureaus.csv"
run kam --db s.db import customers "$FX/two-sheets.xlsx" --sheet 客户 --replace
status_is 0 "--sheet 客户 picks the second sheet"
is "$(q s.db "select code, '[' || name || ']', place, ifnull(admin_code, '-'), agreement, network_wide from customers order by code")" \
'42010000001000|[湖北楚天传媒 Media Co.]|capital|420102|1|0
42050000002000|[宜昌电力]|city|-|0|0
42060000003000|[  前后 空格 ]|county|-|0|0' \
  "... rich text runs joined, a formula's text, spaces kept, booleans, a gap, a short row"
run kam --db s.db import ledger "$FX/two-sheets.xlsx"
status_is 0 "without --sheet the first sheet is read"
is "$(q s.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code")" \
'42010000001000|202504|express|30|2
42050000002000|202504|logistics|1234567800|-' "... a formula 0.1+0.2 is 0.30; the empty row 3 is skipped"
before=$(state s.db)
run kam --db s.db import ledger "$FX/two-sheets.xlsx" --sheet 汇总
status_is 1 "an unknown sheet fails"
is "$err" "kam: $FX/two-sheets.xlsx: no sheet '汇总' (sheets: 台账, 客户, 空表)" "... listing the sheets"
run kam --db s.db import ledger "$FX/two-sheets.xlsx" --sheet 空表
status_is 1 "an empty sheet fails"
is "$err" "kam: $FX/two-sheets.xlsx: sheet '空表' is empty" "... saying so"
is "$(state s.db)" "$before" "... and neither changed the database"

# ---- Excel's ways (a hand-made file, see the README): shared strings with phonetic runs,
# _xHHHH_ escapes, inline strings, formula strings, booleans, 17-digit numbers, a hidden
# first sheet, an x: namespace prefix, absolute and relative relationship targets

run kam --db e.db init
run kam --db e.db import customers "$T/bureaus.csv"
run kam --db e.db import customers "$FX/excel-style.xlsx" --sheet 客户 --replace
status_is 0 "excel-style.xlsx: the customers sheet imports"
is "$(q e.db "select code, hex(name), place, agreement, network_wide from customers order by code")" \
'42010000001000|E794B20DE4B999|capital|1|0
42050000002000|E5AE9CE6988C20E794B5E58A9B20|city|0|0
42060000003000|415F78303034315F4220|county|1|1' \
  "... _x000D_ is a CR, _x005F_ keeps a literal _x0041_, phonetic runs left out, t=\"b\" booleans and 是"
run kam --db e.db import ledger "$FX/excel-style.xlsx" --reject-file "$T/rej.csv"
status_is 3 "excel-style.xlsx: the first visible sheet (the hidden one is passed over) loads with a reject file"
like "$err" "excel-style.xlsx:9: customer 42060000003000, month 2025-05, line 'express' appears more than once in the file (first on row 8)" \
  "... row 8's number cell <v>4.2060000003E+13</v> is the code 42060000003000, so row 9 repeats it"
like "$err" "5 rows: 4 added, 0 updated, 0 unchanged, 1 rejected" "... rows 5 and 6 (no values) are no records"
is "$(q e.db "select code, month, line, amount, ifnull(volume, '-') from ledger order by code, line")" \
'42010000001000|202505|express|1234560|17
42010000001000|202505|letters|30|-
42050000002000|202505|parcels|-5|0
42060000003000|202505|express|1999|2' \
  "... 12345.599999999999 is 12345.60, 0.30000000000000004 is 0.30, -5.0000000000000003E-2 is -0.05, 1.7E1 is 17"
is "$(q e.db "select amount from ledger where code = 42060000003000")" 1999 \
  "... 19.989999999999998 is 19.99"
before=$(state e.db)
run kam --db e.db import ledger "$FX/excel-style.xlsx" --sheet 错误
status_is 1 "an error value in a cell is a bad row"
is "$err" "kam: $FX/excel-style.xlsx: sheet 错误, cell D2: #N/A
kam: $FX/excel-style.xlsx: 1 bad row; nothing was imported (--reject-file F loads the good rows)" "... naming the sheet and cell"
run kam --db e.db import ledger "$FX/excel-style.xlsx" --sheet 隐藏
status_is 1 "a hidden sheet can still be named"
like "$err" "unknown column 'this sheet is hidden'" "... and is read"
is "$(state e.db)" "$before" "... neither changed the database"

# ---- damaged files: a clear error, nothing changed

before=$(state k.db)
head -c 3000 "$FX/customers.xlsx" >"$T/truncated.xlsx"
cp "$FX/src/ledger.csv" "$T/text.xlsx"
: >"$T/empty.xlsx"
check_bad() { # FILE MESSAGE DESCRIPTION
  run kam --db k.db import ledger "$1"
  status_is 1 "$3 is refused"
  is "$(tail -n 1 <<<"$err")" "kam: $1: $2" "... $2"
}
check_bad "$T/truncated.xlsx" "not a readable XLSX file (a damaged or truncated zip archive)" "a truncated file"
check_bad "$T/text.xlsx" "not an XLSX file (not a zip archive)" "a CSV named .xlsx"
check_bad "$T/empty.xlsx" "not an XLSX file (not a zip archive)" "an empty file"
check_bad "$T/missing.xlsx" "no such file" "a missing file"
check_bad "$FX/no-workbook.xlsx" "not an XLSX file (no xl/workbook.xml)" "a zip without a workbook"
check_bad "$FX/broken-xml.xlsx" "xl/worksheets/sheet1.xml:2:2421: not well-formed (invalid token)" "sheet XML that is not well-formed"
check_bad "$FX/doctype.xlsx" "xl/sharedStrings.xml: has a DOCTYPE, which XLSX parts never have" "a DOCTYPE (entity expansion)"
check_bad "$FX/bomb.xlsx" "xl/worksheets/sheet1.xml: more than 2 GiB uncompressed; refused (a damaged file or a zip bomb)" "a part claiming 3 GiB"
# A shared-strings bomb that lies about its size in both zip headers (claims 1 MiB): 40 MiB
# of strings from some 40 KB.  Reading stops at 100 times the compressed size, at least
# 16 MiB, long before the strings are held whole.
python3 - "$FX/ledger.xlsx" "$T/sst-bomb.xlsx" <<'PY'
import struct, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == "xl/sharedStrings.xml":
            head, tail = data.rsplit(b"</sst>", 1)
            data = head + (b"<si><t>" + b"a" * (1 << 20) + b"</t></si>") * 40 + b"</sst>" + tail
        zout.writestr(info.filename, data)
buf = bytearray(open(dst, "rb").read())
name = b"xl/sharedStrings.xml"
for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
    at = 0
    while (at := buf.find(sig, at)) >= 0:
        if buf[at + name_at:at + name_at + len(name)] == name:
            struct.pack_into("<I", buf, at + size_at, 1 << 20)
        at += 4
open(dst, "wb").write(bytes(buf))
PY
run kam --db k.db import ledger "$T/sst-bomb.xlsx"
status_is 1 "a shared-strings bomb that lies about its size is refused"
like "$err" "xl/sharedStrings.xml: expands to more than 16 MiB from" "... once it expands past the floor"
like "$err" "refused (a damaged file or a zip bomb)" "... saying why"
is "$(state k.db)" "$before" "the damaged files changed nothing"

run kam --db k.db import ledger --format xlsx --dry-run - <"$FX/ledger.xlsx"
status_is 1 "standard input with --format xlsx is read"
like "$err" "month 2025-01 is already in the database" "... to the rows (these are stored already)"

# ---- export: XLSX with a frozen, filtered header, imported back identical

printf 'code,month,line,amount,volume\n42010000001000,2024-12,express,100000000000.00,123456789012\n42050000002000,2024-12,letters,1000000000000.00,\n42060000003000,2024-12,billing,-123456789.99,5\n' >"$T/big.csv"
run kam --db k.db import ledger "$T/big.csv"
status_is 0 "amounts up to the bound (10^12 yuan), and a 12-digit volume, are stored"
printf 'code,name,place,city\n42010000005000,"A_x0041_B ""q"" \t tab\r\nline two",city,宜昌市\n' >"$T/odd.csv"
run kam --db k.db import customers "$T/odd.csv"
status_is 0 "a customer whose name has _x0041_, a tab and CRLF is stored"

run kam --db k.db export ledger -o "$T/ledger.xlsx"
status_is 0 "export ledger -o ledger.xlsx"
is "$err" "kam: wrote 10 ledger rows to $T/ledger.xlsx" "... 10 rows"
run kam --db k.db export customers --lang zh -o "$T/customers.xlsx"
status_is 0 "export customers --lang zh -o customers.xlsx"
is "$(ls "$T" | grep -c tmp)" 0 "no temporary files are left beside the output"

sheet=$(part "$T/ledger.xlsx" xl/worksheets/sheet1.xml)
like "$sheet" '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' "the header row is frozen"
like "$sheet" '<autoFilter ref="A1:E11"/>' "... and filtered over all the rows"
like "$sheet" '<c r="A2" t="inlineStr"><is><t>42010000001000</t></is></c>' "codes are text cells"
like "$sheet" '<c r="D3" s="2"><v>12345.6</v></c>' "amounts are number cells with a style"
like "$sheet" '<c r="E3"><v>17</v></c>' "volumes are number cells"
like "$sheet" '<t>123456789012</t>' "a 12-digit volume is text (it would come back as 1.2E+11)"
like "$sheet" '<t>1000000000000.00</t>' "an amount past 1e11 is text, exact to the fen"
like "$(part "$T/ledger.xlsx" xl/styles.xml)" 'formatCode="0.00"' "the amount style is 0.00"
like "$(part "$T/ledger.xlsx" xl/workbook.xml)" '<sheet name="收入台账" sheetId="1"' "the ledger's sheet is named 收入台账, not Sheet1"
like "$(part "$T/customers.xlsx" xl/workbook.xml)" '<sheet name="客户" sheetId="1"' "the customers' sheet is named 客户"
run kam --db x.db grade --year 2025
run kam --db x.db export grades --year 2025 -o "$T/grades.xlsx"
status_is 0 "export grades -o grades.xlsx"
like "$(part "$T/grades.xlsx" xl/workbook.xml)" '<sheet name="等级" sheetId="1"' "the grades' sheet is named 等级"
like "$(part "$T/customers.xlsx" xl/worksheets/sheet1.xml)" '<t>客户代码</t>' "--lang zh: Chinese headers"
like "$(part "$T/customers.xlsx" xl/worksheets/sheet1.xml)" '<t>省会</t>' "... and Chinese words"

run kam --db r.db init
run kam --db r.db import customers "$T/customers.xlsx"
status_is 0 "the exported customers import into a new database"
run kam --db r.db import ledger "$T/ledger.xlsx"
status_is 0 "the exported ledger imports into a new database"
like "$err" "10 rows: 10 added" "... all 10 rows"
is "$("$KAM" --db r.db export ledger)" "$("$KAM" --db k.db export ledger)" \
  "ledger: export as CSV before and after the XLSX round trip is identical"
is "$("$KAM" --db r.db export customers)" "$("$KAM" --db k.db export customers)" "customers: the same"
is "$(q r.db "select code, amount from ledger where month = 202412 order by code")" \
'42010000001000|10000000000000
42050000002000|100000000000000
42060000003000|-12345678999' "... amounts to the fen, the largest included"
is "$(q r.db "select hex(name) from customers where code = 42010000005000")" \
  "$(q k.db "select hex(name) from customers where code = 42010000005000")" "... a name with _x0041_, tab and CRLF byte for byte"

run kam --db r.db export ledger --month 2025-02 -o "$T/feb.xlsx"
status_is 0 "export of one month"
like "$(part "$T/feb.xlsx" xl/worksheets/sheet1.xml)" '<autoFilter ref="A1:E3"/>' "... the filter covers its 2 rows"
run kam --db r.db export ledger --month 1999-01 -o "$T/none.xlsx"
status_is 0 "an export with no rows"
like "$(part "$T/none.xlsx" xl/worksheets/sheet1.xml)" '<autoFilter ref="A1:E1"/>' "... is a header alone"
run kam --db r.db import ledger "$T/none.xlsx"
status_is 1 "... which imports as no rows"
like "$err" "the file holds no rows (only a header)" "... saying so"

run kam --db r.db export ledger --format xlsx
status_is 2 "XLSX to standard output is a usage error"

# ---- more rows than a sheet holds: refused, not split over sheets an import would not read

G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
if [ -x "$G" ]; then
  "$G" --customers 17000 --out "$T/big" >/dev/null 2>&1
  run kam --db big.db init
  run kam --db big.db import customers "$T/big/customers.csv"
  run kam --db big.db import ledger "$T/big/ledger.csv"
  n=$(q big.db "select count(*) from ledger")
  if [ "$n" -gt 1048575 ]; then
    run kam --db big.db export ledger -o "$T/big.xlsx"
    status_is 1 "an export of $n ledger rows to XLSX fails"
    is "$err" "kam: $T/big.xlsx: more than 1048575 rows: an XLSX sheet holds 1048576 with the header; export part of it (--from/--to) or as CSV" \
      "... saying how many rows fit and what to do"
    if [ -e "$T/big.xlsx" ]; then nok "... and leaves no file"; else ok "... and leaves no file"; fi
    is "$(ls "$T" | grep -c tmp)" 0 "... nor a temporary one"
  else
    nok "genprovince --customers 17000 makes more ledger rows than a sheet holds" "got $n rows: $err"
  fi
else
  skip "no $G (make $KAM_BUILD/bench/genprovince)"
fi

done_testing
