#!/usr/bin/env bash
# kam import of bad files: each is refused with exit 1 (2 for wrong usage), a message that
# names the file, the line (and column where it helps), the column and why, and every bad
# row is listed; the database is left exactly as it was.
source "$(dirname "$0")/lib.sh"

q() { sqlite3 k.db "$1"; }
# What a failed import must not change: rows and money of the ledger, customers, the log.
checksum() {
  sqlite3 k.db "SELECT count(*), total(amount), total(volume) FROM ledger;
                SELECT count(*), total(code), total(length(name)), group_concat(code || substr(name, 1, 16) || place, ';') FROM customers;
                SELECT count(*) FROM imports"
}
unchanged() { is "$(checksum)" "$before" "$1: the database is unchanged"; }
# lines PATTERN: how many lines of the last stderr contain PATTERN
lines() { printf '%s\n' "$err" | grep -cF -- "$1"; }

run kam --db k.db init
status_is 0 "init"
printf 'code,name,place,city\n42010000001000,武汉甲公司,capital,武汉市\n42010000002000,宜昌乙公司,city,宜昌市\n' >good_c.csv
run kam --db k.db import customers good_c.csv
status_is 0 "two customers"
printf 'code,month,line,amount,volume\n42010000001000,2025-01,express,100.50,3\n42010000002000,2025-01,letters,-2.00,\n' >good_l.csv
run kam --db k.db import ledger good_l.csv
status_is 0 "a month of ledger"
before=$(checksum)

# --- files that are not (whole) CSV ---------------------------------------------------
printf 'code,name,place\n42010000003000,丙公司,county\n42010000004000,"cut off in the mid' >trunc.csv
run kam --db k.db import customers trunc.csv
status_is 1 "a truncated last line (unterminated quote) is refused"
like "$err" "trunc.csv:3: unterminated quoted field" "naming the file and the line the field starts on"
unchanged "truncated"

: >empty.csv
run kam --db k.db import customers empty.csv
status_is 1 "an empty file is refused"
like "$err" "empty.csv: " "naming the file"
like "$err" "empty" "saying it is empty"
unchanged "empty file"

python3 -c 'import random, sys; random.seed(7); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(4096)))' >random.csv
run kam --db k.db import customers random.csv
status_is 1 "4 KiB of random bytes are refused"
like "$err" "random.csv:1:" "with the file and the place of the first bad byte"
unchanged "random bytes"

head -c 4096 "$KAM" >elf.csv
run kam --db k.db import customers elf.csv
status_is 1 "a binary program is refused"
like "$err" "elf.csv:1:8: NUL byte" "at its first NUL byte"
unchanged "binary program"

printf 'code,name,place\n42010000003000,丙公司,county\n' | gzip -c >gz.csv
run kam --db k.db import customers gz.csv
status_is 1 "a gzip file is refused"
like "$err" "gz.csv: this file is gzip-compressed" "saying it is gzip-compressed"
unchanged "gzip"

printf 'PK\003\004\024\000\000\000\010\000' >book.csv
run kam --db k.db import customers book.csv
status_is 1 "a ZIP (XLSX) file named .csv is refused"
like "$err" "book.csv: this file is a ZIP archive" "saying it is a ZIP archive"
unchanged "zip"

python3 -c '
import sys
w = sys.stdout.write
w("code,name,place\n42010000003000,ok,county\n42010000004000,\"" + "长" * (10 * 1024 * 1024 // 3 + 1) + "\",city\n")' >huge.csv
run kam --db k.db import customers huge.csv
status_is 1 "a 10 MB field is refused"
like "$err" "huge.csv:3: field longer than" "naming the line and saying the field is too long"
unchanged "10 MB field"

printf 'code,name,place\n42010000003000,ok,county\n42010000004000,a\000b,city\n' >nul.csv
run kam --db k.db import customers nul.csv
status_is 1 "a NUL byte is refused"
like "$err" "nul.csv:3:17: NUL byte" "with line and column"
unchanged "NUL byte"

printf 'code,name,place\r42010000003000,ok,county\r' >mac.csv
run kam --db k.db import customers mac.csv
status_is 1 "bare CR line ends are refused"
like "$err" "mac.csv:1: carriage return" "naming the line"
unchanged "bare CR"

printf 'code,name,place\n42010000003000,5" disk,county\n' >quote.csv
run kam --db k.db import customers quote.csv
status_is 1 "a quote inside an unquoted field is refused"
like "$err" "quote.csv:2:17: quote inside an unquoted field" "with line and column"
unchanged "stray quote"

# --- headers -----------------------------------------------------------------------------
printf 'code,name,place,colour\n42010000003000,丙,county,red\n' >unknown_col.csv
run kam --db k.db import customers unknown_col.csv
status_is 1 "an unknown column is refused"
like "$err" "unknown_col.csv:1: unknown column 'colour' in customers (column 4" "naming it and its position"
like "$err" "--ignore-unknown" "and the option that skips it"
unchanged "unknown column"

printf 'code,place\n42010000003000,county\n' >missing_col.csv
run kam --db k.db import customers missing_col.csv
status_is 1 "a missing required column is refused"
like "$err" "missing_col.csv:1: missing column 'name' (客户名称)" "naming it in English and Chinese"
unchanged "missing column"

printf 'code,month,volume\n42010000001000,2025-02,1\n' >missing2.csv
run kam --db k.db import ledger missing2.csv
status_is 1 "two missing ledger columns"
like "$err" "missing2.csv:1: missing columns 'line' (业务), 'amount' (收入)" "are both named"
unchanged "missing columns"

printf 'code,name,客户名称,place\n42010000003000,a,b,county\n' >twice.csv
run kam --db k.db import customers twice.csv
status_is 1 "a column given twice (English and Chinese) is refused"
like "$err" "twice.csv:1: column 'name' appears twice" "naming it"
unchanged "column twice"

printf 'code,month,line,amount\n' >header_only.csv
run kam --db k.db import ledger header_only.csv
status_is 1 "a header-only file is refused"
like "$err" "header_only.csv: the file holds no rows" "holds no rows"
unchanged "header only"

# --- bad rows ----------------------------------------------------------------------------
printf 'code,name,place,city,county\n42010000003000,丙,county,黄冈市,红安县\n42010000004000,丁,city,宜昌市,\n42010000003000,戊,capital,武汉市,\n' >dup.csv
run kam --db k.db import customers dup.csv
status_is 1 "a code twice in a customers file is refused"
like "$err" "dup.csv:4: code 42010000003000 appears twice in the file (first on line 2)" "naming both lines"
like "$err" "dup.csv: 1 bad row; nothing was imported" "one bad row, nothing imported"
unchanged "duplicate code"

cat >bad_l.csv <<'EOF'
code,month,line,amount,volume
42010000001000,2025-02,express,12.345,1
42010000001000,2025-13,express,1.00,1
4.20100000010E+13,2025-02,letters,1.00,1
４２０１0000001000,2025-02,parcels,1.00,1
42010000009000,2025-02,express,1.00,1
42010000002000,2025-02,express,1.00,1
42010000002000,2025-02,express,2.00,1
42010000002000,2025-02,letters,,1
42010000002000,2025-02,bus,1.00,1
42010000002000,2025-02,parcels,1.00,-3
42010000002000,2025-02,savings,1.00,1,extra
42010000002000,2025-02,billing
EOF
run kam --db k.db import ledger bad_l.csv
status_is 1 "a ledger with 11 bad rows (and one good) is refused"
like "$err" "bad_l.csv:2: column 'amount': amount '12.345' has more than 2 decimals" "12.345: line, column, why"
like "$err" "bad_l.csv:3: column 'month': month '2025-13': 13 is not a month" "2025-13: line, column, why"
like "$err" "bad_l.csv:4: column 'code': code '4.20100000010E+13' is the number 42010000001000 in E notation, which may have dropped digits; format the column as text in the spreadsheet before saving the CSV" \
  "4.20100000010E+13: with the hint to format the column as text"
like "$err" "bad_l.csv:5: column 'code': code '４２０１0000001000' has full-width digits" "full-width digits in a code"
like "$err" "bad_l.csv:6: customer 42010000009000 is not in the database" "a row for an unknown customer"
like "$err" "bad_l.csv:8: customer 42010000002000, month 2025-02, line 'express' appears more than once" \
  "the same (code, month, line) twice"
like "$(printf '%s\n' "$err" | grep "bad_l.csv:8:")" "line 7" "... and it names the line it first appeared on"
like "$err" "bad_l.csv:9: column 'amount': is empty" "an empty amount"
like "$err" "bad_l.csv:10: column 'line': 'bus' must be one of express, logistics" "an unknown business line"
like "$err" "bad_l.csv:11: column 'volume': '-3' must be a whole number" "a negative volume"
like "$err" "bad_l.csv:12: 6 fields, the header has 5" "a row with a field too many"
like "$err" "bad_l.csv:13: column 'amount' is missing (the row has 3 fields, the header 5)" "a row with fields missing"
is "$(lines "bad_l.csv:")" 12 "every bad row is listed once, plus the summary line"
like "$err" "bad_l.csv: 11 bad rows; nothing was imported" "the summary counts the 11 bad rows"
unchanged "bad ledger rows"

printf 'code,name,place,city,county\n42010000003000,丙,county,黄冈市,红安县\n4201,丁,city,宜昌市,\n42010000005000,,city,宜昌市,\n42010000006000,己,moon,宜昌市,\n' >three.csv
run kam --db k.db import customers three.csv
status_is 1 "a customers file with 3 bad rows is refused"
is "$(lines "three.csv:")" 4 "3 messages and the summary"
like "$err" "three.csv:3: column 'code': code '4201' has 4 digits, not 14" "short code"
like "$err" "three.csv:4: column 'name': is empty" "empty name"
like "$err" "three.csv:5: column 'place': 'moon' must be one of capital, city, county (省会, 地市, 县)" \
  "a bad place lists the English and Chinese words"
like "$err" "three.csv: 3 bad rows; nothing was imported" "3 bad rows"
unchanged "3 bad customers"

# Line numbers are physical lines: after quoted line breaks and blank lines.
printf 'code,name,place,city,county\n\n42010000003000,"多\n行\n名称",county,黄冈市,红安县\n\n42010000004000,丁,moon,宜昌市,\n' >lines.csv
run kam --db k.db import customers lines.csv
status_is 1 "a bad row after a three-line name and blank lines"
like "$err" "lines.csv:7: column 'place'" "is reported at its physical line (7)"
unchanged "physical lines"

python3 -c '
print("code,month,line,amount")
for i in range(150):
    print("42010000001000,2025-%02d,express,1.234" % (i % 12 + 1))' >many.csv
run kam --db k.db import ledger many.csv
status_is 1 "150 bad rows"
is "$(lines "has more than 2 decimals")" 100 "the first 100 are printed"
like "$err" "and 50 more bad rows" "then how many more"
like "$err" "many.csv: 150 bad rows; nothing was imported" "all 150 are counted"
unchanged "150 bad rows"

# An amount beyond ±10^12 yuan is a typing error, refused before it can overflow a sum.
printf 'code,month,line,amount\n42010000001000,2025-03,express,1000000000000.00\n42010000002000,2025-03,express,-1000000000000.01\n42010000001000,2025-03,letters,92233720368547758.07\n' >huge_amount.csv
run kam --db k.db import ledger huge_amount.csv
status_is 1 "amounts past the bound are refused"
like "$err" "huge_amount.csv:3: column 'amount': amount '-1000000000000.01' is beyond ±1000000000000.00 yuan, more than a ledger holds" \
  "one fen past the bound, naming it"
like "$err" "huge_amount.csv:4: column 'amount': amount '92233720368547758.07' is beyond" "the largest fen too"
like "$err" "2 bad rows" "the bound itself is accepted"
printf 'bureau,year,amount\n红安县局,2025,1000000000000.01\n' >huge_bureau.csv
run kam --db k.db import bureau_revenue huge_bureau.csv
status_is 1 "a bureau's revenue past the bound is refused too"
like "$err" "huge_bureau.csv:2: column 'amount': amount '1000000000000.01' is beyond" "naming it"
unchanged "amounts past the bound"

# A row shorter than the header is misaligned (its last fields would read as empty, an
# agreement as "no"): a row error, as a longer one is.
printf 'code,name,place,city,agreement\n42010000003000,丙,capital,武汉市\n' >short_c.csv
run kam --db k.db import customers short_c.csv
status_is 1 "a customers row with a field too few is refused"
like "$err" "short_c.csv:2: 4 fields, the header has 5" "saying how many"
unchanged "short row"

# --- the file itself, and wrong usage ---------------------------------------------------
mkdir dir.csv
run kam --db k.db import ledger dir.csv
status_is 1 "a directory is refused"
like "$err" "dir.csv: is a directory" "saying so"
unchanged "directory"

run kam --db k.db import ledger nothere.csv
status_is 1 "a missing file is refused"
like "$err" "nothere.csv: No such file or directory" "saying so"
unchanged "missing file"

run kam --db k.db import bogus good_c.csv
status_is 2 "an unknown kind is wrong usage (exit 2)"
like "$err" "unknown kind 'bogus'" "naming it"

run kam --db k.db import customers good_c.csv --encoding FOO-9
status_is 2 "an unknown --encoding is wrong usage (exit 2)"
like "$err" "unknown encoding 'FOO-9'" "naming it"

run kam --db k.db import customers good_c.csv --format xml
status_is 2 "an unknown --format is wrong usage (exit 2)"
like "$err" "unknown format 'xml'" "naming it"

run kam --db k.db import customers
status_is 2 "import without a FILE is wrong usage"
run kam --db k.db import customers good_c.csv --bogus
status_is 2 "an unknown option is wrong usage"
unchanged "wrong usage"

run kam --db nothere.db import customers good_c.csv
status_is 1 "importing into a missing database fails"
[ -e nothere.db ] && nok "no database is created by import" || ok "no database is created by import"

# --- errors as data: each bad row's place in fields, the reason without it ------------
printf 'code,month,line,amount,volume\n42010000001000,2025-02,express,1.234,\n42010000009000,2025-02,letters,1.00,\n42010000002000,2025-02,letters,3.00,\n' >where.csv
run kam --db k.db --json import ledger where.csv --reject-file where_rej.csv
status_is 3 "two bad rows of three, with a reject file: done in part"
is "$(printf '%s' "$out" | jq -c '.bad_rows')" \
   '[{"reason":"column '"'"'amount'"'"': amount '"'"'1.234'"'"' has more than 2 decimals","line":2,"field":"amount"},{"reason":"customer 42010000009000 is not in the database (import the customers first)","line":3,"field":"code"}]' \
   "--json lists each bad row as a record: line, field and the reason without the place"
is "$(printf '%s' "$out" | jq -r '.errors[]')" "where.csv:2: column 'amount': amount '1.234' has more than 2 decimals
where.csv:3: customer 42010000009000 is not in the database (import the customers first)" \
   "... and as the message, place first"
is "$(tail -n +2 where_rej.csv | cut -d, -f6-)" "column 'amount': amount '1.234' has more than 2 decimals
customer 42010000009000 is not in the database (import the customers first)" \
   "the reject file's reason is the record's reason"
printf '[\n {"code": "42010000001000", "month": "2025-03", "line": "express",\n  "amount": "1.234"},\n {"code": "42010000001000", "month": "2025-03", "line": "letters", "amount": 1, "colour": "red"}\n]\n' >where.json
run kam --db k.db --json import ledger where.json
status_is 1 "bad JSON rows without a reject file: nothing imported"
is "$(printf '%s' "$out" | jq -c '[.bad_rows[] | [.line, .column, .field]]')" '[[3,3,"amount"],[4,81,null]]' \
   "a JSON row's place is the key's line and column, and the key when it is the kind's"
like "$(printf '%s' "$out" | jq -r '.errors[0]')" "where.json:3:3: key 'amount': " "... the message keeps line:column"
# The good customer and the bad one: the file is refused, and the counts say nothing stored.
printf 'code,name,place,city\n42010000007000,好,capital,武汉市\n4201000000800X,坏,capital,武汉市\n' >half.csv
run kam --db k.db --json import customers half.csv
status_is 1 "a customers file with one bad row is refused"
is "$(printf '%s' "$out" | jq -c '[.rows, .inserted, .updated, .unchanged, .replaced_rows]')" '[2,0,0,0,0]' \
   "--json counts nothing inserted for a refused file (the good row was rolled back)"
is "$(sqlite3 k.db "SELECT count(*) FROM customers WHERE code = 42010000007000")" 0 "... as the database says"

# --- the layers: import and export reach SQLite only through the storage files ---------
src=(import.c import_customers.c import_ledger.c import_bureaus.c import_pipe.c cmd_import.c cmd_export.c
     sinks.c src_csv.c src_json.c kinds.c)
is "$(cd "$TOP/core" && grep -l 'sqlite3' "${src[@]}" import.h import_kind.h import_pipe.h source.h sink.h)" "" \
   "no import or export file names SQLite (its calls, its types, its header)"
seen=""
for f in import.c import_customers.c import_ledger.c import_bureaus.c import_pipe.c src_json.c src_csv.c sinks.c; do
  ${CC:-cc} -std=c11 -D_GNU_SOURCE -I"$TOP/core" $(pkg-config --cflags lua5.4 jansson 2>/dev/null) -M "$TOP/core/$f" |
    grep -q 'sqlite3\.h' && seen="$seen $f"
done
is "$seen" "" "... nor includes sqlite3.h through another header"

done_testing
