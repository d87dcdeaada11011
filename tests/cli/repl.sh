#!/usr/bin/env bash
# kam repl with input that is not a terminal: no prompts, results printed in each mode,
# dot-commands, one transaction rolled back at the first error (exit 1).
. "$(dirname "$0")/lib.sh"
export KAM_HISTORY=/dev/null XDG_CONFIG_HOME=$T/config

run kam --db k.db init --policy hubei
cat > c.csv <<'CSV'
code,name,place,city,county,agreement
42010000001000,武汉钢铁集团,capital,武汉,,yes
42010000002000,ACME Ltd,capital,武汉,,no
42050000001000,宜昌三峡旅游股份有限公司,city,宜昌,,yes
CSV
{
  echo code,month,line,amount
  for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    echo "42010000001000,2024-$m,express,100.00"
    echo "42010000001000,2025-$m,express,50000.00"
    echo "42050000001000,2025-$m,logistics,1000.00"
  done
} > l.csv
run kam --db k.db import customers c.csv
run kam --db k.db import ledger l.csv
status_is 0 "a small province"

repl() { printf '%s\n' "$@" > in.lua; run sh -c "'$KAM' --db k.db repl < in.lua"; }

repl 'x = 6 * 7' 'x' 'function f(a)' '  return a + 1' 'end' 'f(x)' '{1, "a", k = {true}}'
status_is 0 "a script of entries runs"
is "$out" $'42\n43\n{1, "a", k = {true}}' "expressions print without return; a function spans lines; tables in Lua form"
unlike "$out$err" "k.db>" "no prompt when the input is not a terminal"

Q='kam.db.all("SELECT code, name, sum(amount) AS amount FROM customers LEFT JOIN ledger USING (code) GROUP BY code")'
repl "$Q"
is "$out" "+----------------+--------------------------+------------+
|      code      |           name           |   amount   |
+----------------+--------------------------+------------+
| 42010000001000 | 武汉钢铁集团             | 601,200.00 |
| 42010000002000 | ACME Ltd                 |            |
| 42050000001000 | 宜昌三峡旅游股份有限公司 |  12,000.00 |
+----------------+--------------------------+------------+
(3 rows)" "rows as a table: columns in the query's order, sized by display width, money in yuan"

repl '.mode box' "$Q"
like "$out" "│ 42050000001000 │ 宜昌三峡旅游股份有限公司 │  12,000.00 │" ".mode box draws box lines"
repl '.mode csv' "$Q"
is "$(printf '%s' "$out" | tr -d '\r')" "code,name,amount
42010000001000,武汉钢铁集团,601200.00
42010000002000,ACME Ltd,
42050000001000,宜昌三峡旅游股份有限公司,12000.00" ".mode csv: yuan without separators"
repl '.mode json' "$Q"
like "$out" '"amount": "601200.00"' ".mode json: money as a decimal string"
like "$out" '"code": 42010000001000' ".mode json: integers as numbers"
like "$out" '"amount": null' ".mode json: NULL as null"
repl '.mode line' "$Q"
like "$out" "  name = 宜昌三峡旅游股份有限公司" ".mode line: one column a line"
repl '.mode lua' 'kam.db.all("SELECT code, name FROM customers WHERE code = 42010000002000")'
is "$out" '{{code = 42010000002000, name = "ACME Ltd"}}' ".mode lua"
repl '.mode nosuch'
status_is 1 "an unknown mode fails"
like "$err" ".mode: unknown mode 'nosuch'" "and says which"
repl 'kam.db.all("SELECT code FROM customers WHERE 0")'
is "$out" "+------+
| code |
+------+
+------+
(0 rows)" "an empty result keeps its header and says so"

repl '.tables'
is "$(printf '%s\n' "$out" | grep -cE '^\| customers +\| table +\|$')" 1 ".tables lists tables"
is "$(printf '%s\n' "$out" | grep -cE '^\| ledger +\| view +\|$')" 1 "and views"
unlike "$out" "ledger_2025" "but not the ledger's month tables"
repl '.schema meta'
like "$out" "CREATE TABLE meta" ".schema TABLE prints its SQL"
repl '.schema nosuch'
status_is 1 ".schema of an unknown table fails"

repl '.customer 42010000001000'
status_is 0 ".customer CODE"
like "$out" "-- archive" "shows the archive"
like "$out" "name = 武汉钢铁集团" "with the name"
like "$out" "| 202512 | 50,000.00 |" "the last 12 months"
unlike "$out" "202412" "only the last 12"
repl '.customer 武汉'
like "$out" "武汉钢铁集团" ".customer NAME finds by part of the name"
repl '.customer 北京'
status_is 1 ".customer with no match fails"
like "$err" "no customer has the code or a name containing '北京'" "and says so"

run kam --db k.db grade --year 2024
run kam --db k.db grade --year 2025
status_is 0 "two years graded"
repl '.who-moved'
like "$out" "grades that changed from 2024 to 2025" ".who-moved compares the last two graded years"
like "$out" "| 42050000001000 | 宜昌三峡旅游股份有限公司 |" "a customer graded only in 2025 moved"
repl '.customer 42010000001000'
like "$out" "| 2025 |" ".customer shows the grade history"
repl '.explain 42010000001000 --year 2025'
status_is 0 ".explain runs kam explain's script"
like "$out" "42010000001000" "about the customer"
repl '.explain 99999999999999'
status_is 1 ".explain of an unknown customer fails"
repl '.diff shantou --year 2025'
status_is 0 ".diff POLICY runs grade diff against the session's policy"
like "$out$err" "hubei" "naming both policies"
repl '.policy'
like "$out" "policy hubei" ".policy shows the session's policy"
repl '.policy shantou' 'kam.policy'
like "$out" "shantou" ".policy NAME switches it"
repl '.policy nosuch'
status_is 1 ".policy with an unknown policy fails"

repl '.help'
like "$out" ".customer CODE|NAME" ".help lists the dot-commands"
like "$out" "kam.db " ".help lists the kam API"
like "$out" "all()" "one line per module with its functions"
repl '.nosuch'
status_is 1 "an unknown dot-command fails"

printf 'return 1 + 1\n' > part.lua
repl '.read part.lua'
is "$out" "2" ".read FILE runs it in the session"
repl '.output out.txt' '"to the file"' '.output' '"to the screen"'
is "$out" "to the screen" ".output FILE, and back"
is "$(cat out.txt)" "to the file" ".output wrote the file"
repl '.timer on' '1'
like "$out" "time: " ".timer on"

# the first error stops the script, rolls back its writes, exits 1
repl 'kam.db.exec("INSERT INTO meta(key, value) VALUES (\"t1\", \"x\")")' 'error("boom")' 'print("not reached")'
status_is 1 "an error stops a script: exit 1"
like "$err" "boom" "with its message"
unlike "$out" "not reached" "nothing after it runs"
run sqlite3 k.db "SELECT count(*) FROM meta WHERE key = 't1'"
is "$out" "0" "what the script wrote is rolled back"
repl 'kam.db.exec("INSERT INTO meta(key, value) VALUES (\"t2\", \"x\")")' '1'
status_is 0 "a script that ends well"
run sqlite3 k.db "SELECT count(*) FROM meta WHERE key = 't2'"
is "$out" "1" "commits what it wrote"
repl 'function broken(' ''
status_is 1 "input ending inside a function fails"
like "$err" "<eof>" "with Lua's message"

run sh -c "'$KAM' --db k.db < /dev/null"
status_is 2 "bare kam without a terminal is still a usage error"
run kam --db k.db repl --bogus
status_is 2 "an unknown option"
run kam --json --db k.db repl
status_is 2 "--json has no document to give"
like "$out" '"status": 2' "and says so as JSON"

done_testing
