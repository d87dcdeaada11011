#!/usr/bin/env bash
# The ledger's physical design (core/store_ledger.h): a month imported lands in a table of
# its own behind the view `ledger`; ledger_months says which months are stored; an old
# database upgrades without losing a row; --replace of an old month moves it into a table
# of its own; SQL writes through the view keep their checks; a file in month order stores
# the same ledger, and grades the same, as the file sorted by code.
source "$(dirname "$0")/lib.sh"
q() { sqlite3 "$1" "$2"; }
rows() { q "$1" "SELECT quote(code), month, line, amount, quote(volume) FROM ledger ORDER BY code, month, line" | md5sum; }

# --- an old database upgrades losslessly ---------------------------------------------------
sqlite3 old.db < "$TOP/tests/fixtures/schema-v1.sql"
before=$(rows old.db)
run kam --db old.db init
status_is 0 "a schema 1 database opens and is upgraded"
is "$(rows old.db)" "$before" "every ledger row is still there, unchanged, read through the view"
is "$(q old.db "SELECT type FROM sqlite_schema WHERE name = 'ledger'")" "view" "ledger is a view"
is "$(q old.db "SELECT group_concat(month || ':' || rows || ':' || own_table, ' ') FROM ledger_months")" \
  "202501:2:0 202502:2:0 202512:1:0" "ledger_months counts the old months, kept in ledger_rows"
is "$(q old.db 'PRAGMA integrity_check; PRAGMA foreign_key_check')" "ok" "the upgraded file is consistent"

# A new month gets a table of its own; an old month replaced moves into one.
printf 'code,month,line,amount,volume\n42010000001000,2025-03,express,10.00,1\n42020000001000,2025-03,letters,2.00,\n' > mar.csv
run kam --db old.db import ledger mar.csv
status_is 0 "a new month imports into the upgraded database"
is "$(q old.db "SELECT rows || ':' || own_table FROM ledger_months WHERE month = 202503")" "2:1" \
  "ledger_months records it, in a table of its own"
is "$(q old.db "SELECT count(*) FROM ledger_202503")" 2 "which holds its rows"
printf 'code,month,line,amount\n42028100001000,2025-12,parcels,5.00\n42020000001000,2025-01,letters,7.00\n' > repl.csv
run kam --db old.db import ledger repl.csv --replace
status_is 0 "--replace of two old months"
like "$err" "replaced 2025-01, 2025-12 (3 rows)" "names them in month order, whatever the file's order"
is "$(q old.db "SELECT count(*) FROM ledger_rows WHERE month IN (202501, 202512)")" 0 "their old rows are gone"
is "$(q old.db "SELECT group_concat(code || '/' || month || '/' || amount, ' ') FROM (SELECT * FROM ledger WHERE month IN (202501, 202512) ORDER BY month)")" \
  "42020000001000/202501/700 42028100001000/202512/500" "the view shows the new rows"
is "$(q old.db "SELECT group_concat(month || ':' || rows || ':' || own_table, ' ') FROM ledger_months")" \
  "202501:1:1 202502:2:0 202503:2:1 202512:1:1" "each month's count and place"
is "$(q old.db "SELECT replaced FROM imports ORDER BY id DESC LIMIT 1")" "2025-01, 2025-12" "the import log too"
printf 'code,month,line,amount\n42010000001000,2025-03,letters,3.00\n' > mar2.csv
run kam --db old.db import ledger mar2.csv --replace
status_is 0 "--replace of a month with a table of its own"
is "$(q old.db "SELECT group_concat(line || '=' || amount) FROM ledger WHERE month = 202503")" "letters=300" \
  "its table holds only the new rows"
run kam --db old.db import ledger mar2.csv --append
status_is 1 "--append of a row already stored fails"
like "$err" "mar2.csv:2: customer 42010000001000, month 2025-03, line 'letters' appears more than once in the file or is already stored" "naming it"

# SQL through the view: checks kept, counts kept, a month of its own refused.
run sqlite3 old.db "PRAGMA foreign_keys = ON; INSERT INTO ledger(code, month, line, amount) VALUES (42010000001000, 202504, 'express', 100)"
status_is 0 "an INSERT into the view goes to ledger_rows"
is "$(q old.db "SELECT rows || ':' || own_table FROM ledger_months WHERE month = 202504")" "1:0" "and counts in ledger_months"
run sqlite3 old.db "PRAGMA foreign_keys = ON; INSERT INTO ledger(code, month, line, amount) VALUES (42010000009999, 202504, 'express', 100)"
is "$([ "$status" -ne 0 ] && echo refused)" refused "an unknown customer is refused"
like "$err" "FOREIGN KEY constraint failed" "by the foreign key"
run sqlite3 old.db "INSERT INTO ledger(code, month, line, amount) VALUES (42010000001000, 202503, 'parcels', 100)"
is "$([ "$status" -ne 0 ] && echo refused)" refused "a row for a month with a table of its own is refused"
like "$err" "kam import ledger --append" "saying how to add it"
is "$(q old.db 'PRAGMA integrity_check; PRAGMA foreign_key_check')" "ok" "still consistent"

# --- month order stores and grades the same as code order --------------------------------
G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
"$G" --customers 5000 --months 24 --out c >/dev/null && "$G" --customers 5000 --months 24 --out m --order month >/dev/null
for o in c m; do
  kam_ok=1
  "$KAM" --db $o.db init >/dev/null 2>&1 && "$KAM" --db $o.db import customers c/customers.csv >/dev/null 2>&1 || kam_ok=0
done
run kam --db c.db import ledger c/ledger.csv
status_is 0 "the ledger sorted by code imports"
run kam --db m.db import ledger m/ledger.csv
status_is 0 "the same ledger month by month, customers shuffled, imports"
is "$(rows m.db)" "$(rows c.db)" "both store the same rows"
is "$(q m.db "SELECT count(*) FROM ledger_months WHERE own_table")" 24 "24 months, each in a table of its own"
is "$(q m.db "SELECT sum(rows) FROM ledger_months")" "$(q m.db "SELECT count(*) FROM ledger")" "ledger_months counts every row"
is "$(q m.db "SELECT count(*) FROM ledger WHERE code = (SELECT min(code) FROM customers)")" \
   "$(grep -c "^$(q m.db 'SELECT min(code) FROM customers')," m/ledger.csv)" "one customer's rows, read through the view"
for p in hubei shantou hq; do
  "$KAM" --db c.db --policy $p grade --year 2025 --as-of 2026-01-15 >/dev/null 2>&1
  "$KAM" --db m.db --policy $p grade --year 2025 --as-of 2026-01-15 >/dev/null 2>&1
  is "$(q m.db "SELECT group_concat(code || grade || reasons) FROM (SELECT * FROM decisions ORDER BY run, code)" | md5sum)" \
     "$(q c.db "SELECT group_concat(code || grade || reasons) FROM (SELECT * FROM decisions ORDER BY run, code)" | md5sum)" \
     "grading with $p decides the same, for the same reasons"
done
# The year's revenue summed by kam's grading equals the ledger's, month tables and all.
# The policy's revenue lines (the host sums those only), read from the policy itself.
lines=$(sed -n 's/^ *revenue_lines = {\(.*\)},*$/\1/p' "$TOP/policies/hubei.lua" | tr '"' "'")
"$KAM" --db m.db --policy hubei --json explain "$(q m.db 'SELECT min(code) FROM customers')" --year 2025 > ex.json 2>/dev/null
sum=$(q m.db "SELECT sum(amount) FROM ledger WHERE month BETWEEN 202501 AND 202512 AND line IN ($lines) AND code = (SELECT min(code) FROM customers)")
[ -n "$lines" ] && [ "${sum:-0}" -gt 0 ] && ok "the customer has revenue on the policy's lines in 2025" ||
  nok "the customer has revenue on the policy's lines in 2025" "lines: $lines" "sum: $sum"
is "$(jq -r '.facts.revenue' ex.json)" "$sum" \
  "explain shows one customer's 2025 revenue from the month tables"

# A duplicate inside a month-ordered file names both lines, wherever they stand.
{ head -1 m/ledger.csv; sed -n '2p' m/ledger.csv; sed -n '3,500p' m/ledger.csv; sed -n '2p' m/ledger.csv; } > dup.csv
cp c.db d.db
run kam --db d.db import ledger dup.csv --replace
status_is 1 "a key twice in the file is refused"
like "$err" "dup.csv:501: customer " "at the second line"
like "$err" "(first on line 2)" "naming the first"
# A key twice where the first buffer (300,000 rows) fills: both copies are of the month the
# file is in, which stays held for the next buffer, its cells with it: the reject file gets
# the second copy as the file has it.
awk 'NR == 300000 { print } { print }' m/ledger.csv > d2.csv
dupline=$(sed -n 300001p d2.csv)
cp e0.db e1.db 2>/dev/null || { "$KAM" --db e1.db init >/dev/null 2>&1; "$KAM" --db e1.db import customers c/customers.csv >/dev/null 2>&1; }
run kam --db e1.db import ledger d2.csv --reject-file rej.csv
case $status in 0|3) ok "with --reject-file the good rows load (status $status)" ;; *) nok "with --reject-file the good rows load" "status $status: $err" ;; esac
is "$(q e1.db 'SELECT count(*) FROM ledger')" "$(($(wc -l < d2.csv) - 2))" "every row but the second copy"
is "$(sed 1d rej.csv | cut -d, -f1-5)" "$dupline" "the reject file holds the second copy's cells"
like "$(sed 1d rej.csv)" "appears more than once in the file (first on line 300000)" "with the reason, naming the first line"
is "$(rows e1.db)" "$(rows m.db)" "the ledger is the same as the file's without the copy"

# Past 480 months with tables of their own (SQLite's compound SELECT holds 500 terms), a new
# month goes to ledger_rows.
"$KAM" --db many.db init >/dev/null 2>&1 && "$KAM" --db many.db import customers c/customers.csv >/dev/null 2>&1
{
  echo "BEGIN;"
  for ((i = 0; i < 480; i++)); do
    m=$((1980 + i / 12))$(printf %02d $((i % 12 + 1)))
    echo "CREATE TABLE ledger_$m (code INTEGER NOT NULL, line TEXT NOT NULL, amount INTEGER NOT NULL,
          volume INTEGER, PRIMARY KEY (code, line)) WITHOUT ROWID;
          INSERT INTO ledger_months(month, rows, own_table) VALUES ($m, 0, 1);"
  done
  echo "COMMIT;"
} | sqlite3 many.db
code=$(q many.db 'SELECT min(code) FROM customers')
printf 'code,month,line,amount
%s,2025-01,express,1.00
' "$code" > one.csv
run kam --db many.db import ledger one.csv
status_is 0 "a month past 480 tables of their own imports"
is "$(q many.db "SELECT rows || ':' || own_table FROM ledger_months WHERE month = 202501")" "1:0" "into ledger_rows"
is "$(q many.db "SELECT count(*) FROM ledger_rows WHERE month = 202501")" 1 "which holds its row"
is "$(q many.db "SELECT amount FROM ledger WHERE code = $code")" 100 "read through the view"

done_testing
