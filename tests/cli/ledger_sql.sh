#!/usr/bin/env bash
# A user's SQL on the ledger view: rows of months kept in ledger_rows are inserted,
# changed and deleted through `ledger`, with ledger_months kept true; a month in a table
# of its own is refused with what to do instead, and nothing changes.
source "$(dirname "$0")/lib.sh"

run kam --db l.db init --policy hubei
printf 'code,name,place,city\n46010000001000,a,city,海口市\n46010000002000,b,city,海口市\n' >c.csv
run kam --db l.db import customers c.csv
status_is 0 "customers imported"
q() { sqlite3 l.db "$1"; }

cat >w.lua <<'LUA'
kam.db.exec([[INSERT INTO ledger(code, month, line, amount) VALUES
  (46010000001000, 202501, 'express', 100), (46010000001000, 202502, 'express', 200),
  (46010000002000, 202502, 'letters', 300)]])
kam.db.exec("UPDATE ledger SET amount = 555 WHERE code = 46010000001000 AND month = 202501")
kam.db.exec("DELETE FROM ledger WHERE code = 46010000001000 AND month = 202502")
LUA
run kam --db l.db run w.lua
status_is 0 "a script inserts, changes and deletes ledger rows through the view"
is "$(q "SELECT code, month, line, amount FROM ledger ORDER BY code, month" | paste -sd' ')" \
  "46010000001000|202501|express|555 46010000002000|202502|letters|300" "the rows are what it wrote"
is "$(q "SELECT month, rows, own_table FROM ledger_months ORDER BY month" | paste -sd' ')" \
  "202501|1|0 202502|1|0" "ledger_months counts them"
run kam --db l.db run - <<<'kam.db.exec("DELETE FROM ledger WHERE month = 202502")'
status_is 0 "deleting a month's last row"
is "$(q "SELECT month FROM ledger_months ORDER BY month" | paste -sd' ')" "202501" "... removes the month"

printf 'code,month,line,amount\n46010000001000,2025-03,express,1.00\n' >l.csv
run kam --db l.db import ledger l.csv
status_is 0 "a month imported gets a table of its own"
is "$(q "SELECT own_table FROM ledger_months WHERE month = 202503")" 1 "... recorded"
for sql in "DELETE FROM ledger WHERE month = 202503" \
           "UPDATE ledger SET amount = 9 WHERE month = 202503" \
           "UPDATE ledger SET month = 202503 WHERE month = 202501"; do
  run kam --db l.db run - <<<"kam.db.exec(\"$sql\")"
  status_is 1 "$sql: refused"
  like "$err" "this ledger month is stored in a table of its own: change it with kam import ledger --replace" \
    "... saying what to do"
done
is "$(q "SELECT code, month, amount FROM ledger ORDER BY month" | paste -sd' ')" \
  "46010000001000|202501|555 46010000001000|202503|100" "nothing changed"
is "$(q "PRAGMA integrity_check")" ok "integrity_check ok"

# Export reads months from ledger_rows and from tables of their own, merged in
# (code, month, line) order, as the view's ORDER BY would give them.
cat >m.csv <<'CSV'
code,month,line,amount
46010000002000,2025-04,letters,4.00
46010000001000,2025-04,parcels,3.00
46010000001000,2025-04,express,2.00
46010000002000,2025-03,express,1.50
CSV
run kam --db l.db import ledger m.csv --append
status_is 0 "more rows, in two tables of their own"
run kam --db l.db run - <<<'kam.db.exec("INSERT INTO ledger(code, month, line, amount) VALUES (46010000002000, 202502, ?, 7), (46010000001000, 202505, ?, 8)", "billing", "express")'
status_is 0 "and two more months in ledger_rows"
view=$(q "SELECT printf('%014d,%04d-%02d,%s,%d.%02d,', code, month / 100, month % 100, line, amount / 100, amount % 100) FROM ledger ORDER BY code, month, line")
run kam --db l.db export ledger
status_is 0 "export the mixed ledger"
is "$(printf '%s\n' "$out" | sed 1d)" "$view" "its rows in (code, month, line) order, every month whichever its table"
run kam --db l.db export ledger --from 2025-02 --to 2025-03
is "$(printf '%s\n' "$out" | sed 1d | cut -d, -f1,2 | paste -sd' ')" \
  "46010000001000,2025-03 46010000002000,2025-02 46010000002000,2025-03" "--from/--to: those months, from both kinds of table"

done_testing
