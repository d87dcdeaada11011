#!/usr/bin/env bash
# kam import's modes: all or nothing by default; --reject-file loads the good rows and writes
# the bad ones (with a reason) to a file that imports once fixed; --dry-run changes nothing;
# a ledger month already stored is refused unless --replace, which replaces just that month;
# customers already stored: identical rows are "unchanged", a changed row is refused unless
# --replace, which updates only the columns the file has.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/import"

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }
q() { sqlite3 k.db "$1"; }
checksum() {
  sqlite3 k.db "SELECT count(*), total(amount), total(volume) FROM ledger;
                SELECT code, name, place, city, county, admin_code, industry, nature, reach, agreement,
                       account, important, potential, network_wide, one_time FROM customers ORDER BY code;
                SELECT count(*) FROM imports"
}
unchanged() { is "$(checksum)" "$before" "$1: the database is unchanged"; }
ledger() { q "SELECT group_concat(code || '/' || month || '/' || line || '=' || amount, ' ')
              FROM (SELECT * FROM ledger ${1:-} ORDER BY code, month, line)"; }
# nobom FILE: the file without a leading UTF-8 BOM
nobom() { sed '1s/^\xEF\xBB\xBF//' "$1"; }

run kam --db k.db init
status_is 0 "init"
cat >cust.csv <<'EOF'
code,name,place,city,county,agreement,important
42010000001000,武汉甲公司,capital,武汉市,,yes,province
42050000002000,宜昌乙公司,city,宜昌市,,no,
42028100003000,大冶丙厂,county,黄石市,大冶市,yes,
EOF
run kam --db k.db import customers cust.csv
status_is 0 "three customers"
before=$(checksum)

# --- all or nothing ---------------------------------------------------------------------
printf 'code,month,line,amount\n42010000001000,2025-01,express,1.00\n42050000002000,2025-01,express,2.005\n42028100003000,2025-01,express,3.00\n' >one_bad.csv
run kam --db k.db import ledger one_bad.csv
status_is 1 "one bad row among good ones fails the import"
like "$err" "one_bad.csv:3: column 'amount'" "the bad row is named"
like "$err" "one_bad.csv: 1 bad row; nothing was imported" "the message says how many bad rows and that nothing was imported"
unchanged "all or nothing"

# --- --reject-file ------------------------------------------------------------------------
cat >mixed.csv <<'EOF'
code,month,line,amount,volume
42010000001000,2025-01,express,100.00,1
42050000002000,2025-01,express,12.345,2
42028100003000,2025-01,express,"1,000.50",3
42099900009000,2025-01,letters,5.00,4
42028100003000,2025-01,letters,7.00,5
EOF
run kam --db k.db import ledger mixed.csv --reject-file rej.csv
status_is 3 "--reject-file: the import goes on, and ends with status 3 (done in part)"
like "$err" "5 rows: 3 added" "the good rows are added"
like "$err" "2 rejected" "the bad ones counted as rejected"
like "$err" "mixed.csv:3: column 'amount'" "each bad row is still reported"
like "$err" "mixed.csv:5: customer 42099900009000 is not in the database" "... both of them"
is "$(ledger)" "42010000001000/202501/express=10000 42028100003000/202501/express=100050 42028100003000/202501/letters=700" \
  "exactly the good rows are stored"
is "$(q "SELECT rows || ',' || inserted || ',' || rejected FROM imports ORDER BY id DESC LIMIT 1")" "5,3,2" \
  "the import log counts the rejected rows"
[ -f rej.csv ] && ok "the reject file is written" || nok "the reject file is written"
is "$(nobom rej.csv)" "code,month,line,amount,volume,reject_reason
42050000002000,2025-01,express,12.345,2,column 'amount': amount '12.345' has more than 2 decimals
42099900009000,2025-01,letters,5.00,4,customer 42099900009000 is not in the database (import the customers first)" \
  "the reject file: the header plus reject_reason, then each bad row as it was with its reason"
is "$(ls rej.csv.* 2>/dev/null)" "" "no temporary file is left next to it"

# A kill leaves no reject file nor a temporary one: it is written unnamed (O_TMPFILE) and
# named only when complete.  One left by a kill between naming and committing is removed
# by the next import to the same reject file, once its process is gone; a running
# import's is left alone.
dead=$(sh -c 'echo $$')
printf 'stale' >"rej_s.csv.tmp$dead"
printf 'running' >"rej_s.csv.tmp$$"
printf 'code,month,line,amount\n42010000001000,2025-11,express,1.00\n' >clean.csv
run kam --db p.db init
run kam --db p.db import customers cust.csv
run kam --db p.db import ledger clean.csv --reject-file rej_s.csv
status_is 0 "--reject-file with no bad row: status 0 (all loaded)"
[ -e "rej_s.csv.tmp$dead" ] && nok "a dead import's temporary reject file is removed" || ok "a dead import's temporary reject file is removed"
[ -e "rej_s.csv.tmp$$" ] && ok "a live process's is kept" || nok "a live process's is kept"
rm -f "rej_s.csv.tmp$$"
printf 'code,month,line,amount\n42010000001000,2025-12,express,1.00\n42010000001000,2025-12,letters,x\n' >part.csv
run kam --json --db p.db import ledger part.csv --reject-file rej_p.csv
status_is 3 "--json: done in part is status 3 as well"
like "$out" '"rejected": 1' "... with the document"

# Fix the two rows and load the reject file as it is (its reason column is skipped).
sed -i 's/12\.345/12.35/; s/^42099900009000,/42050000002000,/' rej.csv
run kam --db k.db import ledger rej.csv
status_is 0 "the fixed reject file of a ledger imports (into the month its good rows were loaded in)"
is "$(ledger)" "42010000001000/202501/express=10000 42028100003000/202501/express=100050 42028100003000/202501/letters=700 42050000002000/202501/express=1235 42050000002000/202501/letters=500" \
  "then the month holds all five rows"

# A customers reject file, from a GBK file: the reject file is UTF-8 and re-imports.
printf 'code,name,place,city\n42010000004000,武汉丁公司,省会,武汉市\n42010000005000,"武汉,戊公司",月球,武汉市\n42010000006000,武汉己公司,capital,武汉市\n' |
  iconv -t GBK >cust_gbk.csv
run kam --db k.db import customers cust_gbk.csv --reject-file rej_c.csv
status_is 3 "a GBK customers file with a reject file"
is "$(nobom rej_c.csv)" "code,name,place,city,reject_reason
42010000005000,\"武汉,戊公司\",月球,武汉市,\"column 'place': '月球' must be one of capital, city, county (省会, 地市, 县)\"" \
  "the bad row is written in UTF-8, quoted where needed"
sed -i 's/月球/地市/' rej_c.csv
run kam --db k.db import customers rej_c.csv
status_is 0 "the fixed customers reject file imports"
is "$(q "SELECT hex(name) || ':' || place FROM customers WHERE code = 42010000005000")" "$(hex '武汉,戊公司'):city" \
  "with the name byte for byte"

# Rows with too few or too many fields keep the reason in the reason column.
printf 'code,month,line,amount,volume\n42010000001000,2025-02,express,1.00,1\n42010000001000,2025-02,letters\n42010000001000,2025-02,parcels,1.00,1,surplus\n' >ragged.csv
run kam --db k.db import ledger ragged.csv --reject-file rej_r.csv
status_is 3 "ragged rows with a reject file"
run python3 -c '
import csv
rows = list(csv.reader(open("rej_r.csv", encoding="utf-8-sig")))
print(len(rows[0]), len(rows))
for r in rows[1:]:
    print(len(r), "|".join(r[:-1]), "reason:" + r[-1][:9])'
is "$out" "6 3
6 42010000001000|2025-02|letters|| reason:column 'a
7 42010000001000|2025-02|parcels|1.00|1|surplus reason:6 fields," \
  "a short row is padded so that its reason is in the reject_reason column; a long one keeps every field"

# A failed import with a reject file leaves no file behind.
printf 'code,month,line\n42010000001000,2025-03,express\n' >nocol.csv
run kam --db k.db import ledger nocol.csv --reject-file rej_n.csv
status_is 1 "a file without a required column fails even with a reject file"
[ -e rej_n.csv ] && nok "no reject file is left by a failed import" || ok "no reject file is left by a failed import"
is "$(ls rej_n.csv* 2>/dev/null)" "" "nor a temporary one"

run kam --db k.db import ledger mixed.csv --reject-file nodir/rej.csv
status_is 1 "a reject file that cannot be created fails the import"
like "$err" "nodir/rej.csv" "naming the reject file"
unlike "$err" "rej.csv.tmp" "as the user wrote it, not a temporary name"

# --- --dry-run ------------------------------------------------------------------------------
before=$(checksum)
printf 'code,month,line,amount\n42010000001000,2025-04,express,1.00\n42050000002000,2025-04,express,2.00\n' >good_l.csv
run kam --db k.db import ledger good_l.csv --dry-run
status_is 0 "--dry-run of a good file exits 0"
like "$err" "dry run" "the summary says it was a dry run"
like "$err" "2 rows: 2 added" "and what the import would do"
unchanged "dry run of a good file"
run kam --db k.db import ledger one_bad.csv --dry-run
status_is 1 "--dry-run of a bad file exits 1"
like "$err" "one_bad.csv:3: column 'amount'" "and lists the bad row"
unchanged "dry run of a bad file"
run kam --db k.db import ledger mixed.csv --dry-run --replace
status_is 1 "--dry-run --replace of a file with bad rows"
unchanged "dry run with --replace"
printf 'code,name,place\n42010000001000,武汉甲公司改名,capital\n' >rename.csv
run kam --db k.db import customers rename.csv --dry-run --replace
status_is 0 "--dry-run --replace of a changed customer"
like "$err" "1 updated" "says it would update it"
unchanged "dry run of a customer update"
run kam --db k.db import customers rename.csv --dry-run
status_is 1 "--dry-run of a changed customer without --replace exits 1"
unchanged "dry run of a refused customer update"

# --- ledger months already stored -----------------------------------------------------------
run kam --db k.db import ledger good_l.csv
status_is 0 "a new month (2025-04) loads"
printf 'code,month,line,amount\n42010000001000,2025-05,express,5.00\n42050000002000,2025-05,express,6.00\n' >may.csv
run kam --db k.db import ledger may.csv
status_is 0 "another (2025-05)"
before=$(checksum)
printf 'code,month,line,amount\n42028100003000,2025-04,logistics,9.99\n42010000001000,2025-04,express,1.50\n' >april.csv
run kam --db k.db import ledger april.csv
status_is 1 "re-importing a stored month fails"
like "$err" "april.csv:2: month 2025-04 is already in the database (2 rows); --replace replaces it" \
  "naming the month, its stored rows and --replace"
unchanged "month clash"
others=$(ledger "WHERE month <> 202504")
run kam --db k.db import ledger april.csv --replace
status_is 0 "--replace replaces it"
like "$err" "replaced 2025-04 (2 rows)" "the summary names the month replaced and its old row count"
is "$(ledger "WHERE month = 202504")" "42010000001000/202504/express=150 42028100003000/202504/logistics=999" \
  "the month holds exactly the file's rows (the old rows not in the file are gone)"
is "$(ledger "WHERE month <> 202504")" "$others" "every other month is untouched"
is "$(q "SELECT replaced FROM imports ORDER BY id DESC LIMIT 1")" "2025-04" "the import log records the month replaced"

printf 'code,month,line,amount\n42010000001000,2025-05,letters,7.00\n42010000001000,2025-06,letters,8.00\n' >may_june.csv
run kam --db k.db import ledger may_june.csv --replace
status_is 0 "--replace with a stored month and a new one"
like "$err" "replaced 2025-05 (2 rows)" "only the stored month is reported replaced"
unlike "$err" "2025-06 (" "the new month is not"
is "$(ledger "WHERE month >= 202505")" "42010000001000/202505/letters=700 42010000001000/202506/letters=800" \
  "both months hold the file's rows"

# Three years replaced at once: every month is named in the summary and the import log.
python3 -c '
print("code,month,line,amount")
for y in (2021, 2022, 2023):
    for m in range(1, 13):
        print("42050000002000,%d-%02d,savings,%d.00" % (y, m, m))' >years.csv
run kam --db k.db import ledger years.csv
status_is 0 "36 months of one customer"
sed -i 's/,savings,/,billing,/' years.csv
run kam --db k.db import ledger years.csv --replace
status_is 0 "replaced at once"
like "$err" "(36 rows)" "all 36 old rows replaced"
log=$(q "SELECT replaced FROM imports ORDER BY id DESC LIMIT 1")
missing=""
for y in 2021 2022 2023; do for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
  case "$log" in *"$y-$m"*) ;; *) missing="$missing $y-$m" ;; esac
  case "$err" in *"$y-$m"*) ;; *) missing="$missing (summary)$y-$m" ;; esac
done; done
is "$missing" "" "every replaced month is named in the summary and in the import log, none cut off"
is "$(ledger "WHERE month BETWEEN 202101 AND 202312" | tr ' ' '\n' | grep -c /billing=)" 36 "the months hold the new rows"

before=$(checksum)
printf 'code,month,line,amount\n42010000001000,2025-05,express,1.00\n42010000001000,2025-05,letters,1.001\n' >bad_replace.csv
run kam --db k.db import ledger bad_replace.csv --replace
status_is 1 "--replace with a bad row fails"
unchanged "a failed --replace keeps the stored month"

# --- customers already stored ----------------------------------------------------------
run kam --db k.db import customers cust.csv
status_is 0 "re-importing identical customers is fine"
like "$err" "0 added, 0 updated, 3 unchanged" "they are counted as unchanged"
is "$(checksum | sed '$d')" "$(printf '%s\n' "$before" | sed '$d')" "and nothing changes but the import log"

run kam --db k.db import customers "$F/customers_zh_gbk.csv"
status_is 0 "a GBK file with Chinese words"
run kam --db k.db import customers "$F/customers_zh_gbk.csv"
status_is 0 "imported again"
like "$err" "4 unchanged" "is unchanged (省会 is the stored capital, 是 the stored 1)"

before=$(checksum)
printf 'code,name,place\n42050000002000,宜昌乙公司,city\n42010000001000,武汉甲公司改名,capital\n' >changed.csv
run kam --db k.db import customers changed.csv
status_is 1 "a changed customer is refused"
like "$err" "changed.csv:3: customer 42010000001000 is already stored with name '武汉甲公司', the file has '武汉甲公司改名'; --replace updates it" \
  "naming the customer, the column, both values and --replace"
unchanged "changed customer"

printf 'code,name,place,agreement\n42010000001000,武汉甲公司,capital,no\n' >changed_bool.csv
run kam --db k.db import customers changed_bool.csv
status_is 1 "a changed agreement is refused"
like "$err" "changed_bool.csv:2: customer 42010000001000 is already stored with agreement" "naming the column"
unchanged "changed flag"

printf 'code,name,place,city\n42010000001000,武汉甲公司改名,capital,武汉市\n42010000007000,武汉庚公司,capital,武汉市\n42050000002000,宜昌乙公司,city,宜昌市\n' >update.csv
run kam --db k.db import customers update.csv --replace
status_is 0 "--replace updates a changed customer"
like "$err" "1 added, 1 updated, 1 unchanged" "one added, one updated, one unchanged"
is "$(q "SELECT hex(name) || '|' || place || '|' || city || '|' || agreement || '|' || important FROM customers WHERE code = 42010000001000")" \
  "$(hex 武汉甲公司改名)|capital|武汉市|1|province" "only the columns the file has change (agreement, important kept)"

# Every customer names its city, and one in a county its county (DOMAIN.md 3.1): a new
# customer without them, or --replace emptying them, is a row error.
before=$(checksum)
printf 'code,place,name,city\n42050000002000,county,宜昌乙公司,\n' >clear.csv
run kam --db k.db import customers clear.csv --replace
status_is 1 "--replace cannot empty a customer's city"
like "$err" "clear.csv:2: column 'city' (地市) is empty: every customer names its city, or its bureau is unknown" \
  "naming the column and why"
printf 'code,place,name,city,county\n42050000002000,county,宜昌乙公司,宜昌市,\n' >clear2.csv
run kam --db k.db import customers clear2.csv --replace
status_is 1 "nor move it to a county without naming the county"
like "$err" "clear2.csv:2: column 'county' (县区) is empty: a customer whose place is county names its county" \
  "naming the county column"
printf 'code,name,place\n42010000008000,武汉辛公司,capital\n' >nocity.csv
run kam --db k.db import customers nocity.csv
status_is 1 "a new customer in a file without a city column is refused"
like "$err" "nocity.csv:2: column 'city' (地市) is not in the file: every customer names its city" "saying so"
printf '[{"code": "42010000008000", "name": "武汉辛公司", "place": "county", "city": "武汉市"}]' >nocounty.json
run kam --db k.db import customers nocounty.json
status_is 1 "a JSON customer in a county without the county key is refused"
like "$err" "nocounty.json:1: key 'county' is missing: a customer whose place is county names its county" \
  "naming the key"
unchanged "customers without their bureau"
printf 'code,place,name,city,county,important\n42050000002000,county,宜昌乙公司,宜昌市,夷陵区,\n' >clear.csv
run kam --db k.db import customers clear.csv --replace
status_is 0 "--replace with an empty cell in a column the file has"
is "$(q "SELECT hex(name) || '|' || place || '|' || ifnull(important, 'NULL') || '|' || county || '|' || agreement FROM customers WHERE code = 42050000002000")" \
  "$(hex 宜昌乙公司)|county|NULL|夷陵区|0" "clears that column and changes place; agreement (not in the file) is kept"

done_testing
