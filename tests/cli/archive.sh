#!/usr/bin/env bash
# kam customer: the archive's blocks (basic, extended, key persons, competitors), every
# change recorded with who, when and the old value (and never deleted); "last refreshed";
# deactivate keeps the customer; merge moves the ledger to the surviving code, in month
# tables and ledger_rows alike, adding amounts of a month and line both hold; refusals
# exit 1 and change nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }
C=42050200001000; D=42050200002000; E=42050200003000

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
status_is 0 "the hubei fixture"

# --- set: fields of the basic and extended blocks, each change recorded ----------------
old_name=$(q "SELECT name FROM customers WHERE code = $C")
KAM_USER=clerk run kam --db $DB customer set $C --name 宜昌某公司 --phone 0717-123 --annual-spend 12345.60 \
  --profit -10.50 --staff 30 --refreshed-on 2026-01-31
status_is 0 "customer set"
like "$err" "5 fields changed; archive refreshed on 2026-01-31" "says what changed"
is "$(q "SELECT name FROM customers WHERE code = $C")" "宜昌某公司" "the name changed"
is "$(q "SELECT annual_spend, phone FROM archive WHERE code = $C")" "1234560|0717-123" "money in fen, the phone"
is "$(q "SELECT profit, staff FROM archive_extended WHERE code = $C")" "-1050|30" "the extended block in its own table"
is "$(q "SELECT old_value || '>' || new_value || '|' || changed_by FROM archive_changes WHERE code = $C AND field = 'name'")" \
  "$old_name>宜昌某公司|clerk" "the change keeps the old value and who"
is "$(q "SELECT refreshed_on FROM archive WHERE code = $C")" "2026-01-31" "last refreshed"
run kam --db $DB customer set $C --phone ""
is "$(q "SELECT coalesce(phone, 'NULL') FROM archive WHERE code = $C")" "NULL" "an empty value clears a field"
is "$(q "SELECT old_value FROM archive_changes WHERE code = $C AND field = 'phone' ORDER BY id DESC LIMIT 1")" "0717-123" \
  "the cleared value is kept in the history"
run kam --json --db $DB customer show $C --history
status_is 0 "customer show --json --history"
like "$out" '"refreshed_on":' "shows when it was refreshed"
like "$out" '"old_value": "0717-123"' "and the history"
like "$out" '"profit": -1050' "and the extended block"

# --- refusals: exit status, the reason, nothing changed ----------------------------------
before=$(snap)
run kam --db $DB customer set $C --place nowhere
status_is 2 "a bad enum value is a usage error"
like "$err" "field 'place': 'nowhere' is not one of capital, city, county" "naming the field"
run kam --db $DB customer set $C --annual-spend 1.234
status_is 2 "money with 3 decimals"
like "$err" "field 'annual_spend': '1.234' is not an amount in yuan with at most 2 decimals" "naming the field"
run kam --db $DB customer set $C --place county
status_is 2 "a county customer without its county"
like "$err" "a customer whose place is county names its county" "naming the rule"
run kam --db $DB customer set 42050299999000 --name x
status_is 1 "an unknown customer"
like "$err" "no customer 42050299999000" "said so"
run kam --db $DB customer add $C --name 重复 --place city --city 宜昌市
status_is 1 "adding a stored code is refused"
like "$err" "customer $C already exists" "said so"
is "$(snap)" "$before" "refusals changed nothing"
run sqlite3 $DB "DELETE FROM archive_changes"
like "$err" "an archive's history is never deleted" "history cannot be deleted"
run sqlite3 $DB "UPDATE archive_changes SET old_value = 'x'"
like "$err" "an archive's history is never changed" "nor changed"

# --- key persons and competitors -----------------------------------------------------------
run kam --db $DB customer person add $C --name 张经理 --title 总经理 --taboos 烟酒 --important-days 03-08
status_is 0 "a key person added"
run kam --db $DB customer person set 1 --phone 139
status_is 0 "a key person changed"
run kam --db $DB customer person remove 1 --reason 离职
status_is 0 "a key person removed"
is "$(q "SELECT name, phone, active FROM key_persons")" "张经理|139|0" "kept, marked removed"
run kam --db $DB customer person remove 1 --reason 离职
status_is 1 "removing twice is refused"
run kam --db $DB customer competitor add $C --name 顺丰 --share-pct 30 --volume 1200 --strengths 时效
status_is 0 "a competitor added"
run kam --db $DB customer competitor add $C --name 京东 --share-pct 130
status_is 2 "a share over 100% is refused"
is "$(q "SELECT count(*) FROM archive_changes WHERE block = 'key_person'")" "6" "key-person changes recorded"
run kam --db $DB customer show $C
like "$out" "key person #1 (removed): 张经理" "show lists key persons"
like "$out" "competitor #1: 顺丰" "and competitors"

# --- deactivate: never deleted --------------------------------------------------------------
run kam --db $DB customer deactivate $D --reason 业务迁出
status_is 0 "deactivate"
is "$(q "SELECT status, status_reason FROM archive WHERE code = $D")" "lost|业务迁出" "status lost, with the reason"
is "$(q "SELECT count(*) FROM customers WHERE code = $D")" "1" "still in the archive"
run kam --db $DB customer list
unlike "$out" "$D" "list leaves out the lost"
run kam --db $DB customer list --status lost
like "$out" "$D" "list --status lost shows it"
before=$(snap)
run kam --db $DB customer deactivate $D --reason again
status_is 1 "deactivating twice is refused"
like "$err" "already lost since" "saying since when"
run kam --db $DB customer merge $D --into $C --reason x
status_is 1 "a lost customer does not merge"
run kam --db $DB customer merge $C --into $C --reason x
status_is 1 "a customer does not merge into itself"
is "$(snap)" "$before" "refusals changed nothing"

# --- merge: the ledger moves to the survivor ---------------------------------------------
# E's ledger in month tables (kam import) and in ledger_rows (SQL), one (month, line) shared.
q "INSERT INTO ledger(code, month, line, amount) VALUES ($E, 201901, 'express', 500), ($C, 201901, 'express', 700), ($E, 201902, 'letters', 100)"
tot_c=$(q "SELECT sum(amount) FROM ledger WHERE code = $C"); tot_e=$(q "SELECT sum(amount) FROM ledger WHERE code = $E")
all=$(q "SELECT sum(amount) FROM ledger"); rows_before=$(q "SELECT sum(rows) FROM ledger_months")
shared=$(q "SELECT count(*) FROM ledger a JOIN ledger b ON a.month = b.month AND a.line = b.line WHERE a.code = $E AND b.code = $C")
nrows_e=$(q "SELECT count(*) FROM ledger WHERE code = $E")
run kam --db $DB customer merge $E --into $C --reason 同一客户两个代码
status_is 0 "merge"
like "$err" "merged into $C: $nrows_e ledger rows" "says what moved"
is "$(q "SELECT count(*) FROM ledger WHERE code = $E")" "0" "the merged code keeps no ledger row"
is "$(q "SELECT sum(amount) FROM ledger WHERE code = $C")" "$((tot_c + tot_e))" "the survivor holds both"
is "$(q "SELECT sum(amount) FROM ledger")" "$all" "the ledger's total is unchanged"
is "$(q "SELECT amount FROM ledger WHERE code = $C AND month = 201901")" "1200" "a shared month and line adds up"
is "$(q "SELECT sum(rows) FROM ledger_months")" "$((rows_before - shared))" "ledger_months counts the rows that became one"
is "$(q "SELECT sum(rows) FROM ledger_months")" "$(q "SELECT count(*) FROM ledger")" "and matches the ledger"
is "$(q "SELECT status, printf('%014d', merged_into) FROM archive WHERE code = $E")" "merged|$C" "the merged code is kept, merged"
is "$(q "SELECT from_code || '>' || into_code || ' ' || rows || ' ' || amount FROM customer_merges")" \
  "$E>$C $nrows_e $tot_e" "the merge is recorded"
run kam --json --db $DB customer show $C
like "$out" '"from_code": "'$E'"' "show lists the merge"

# --- the blocks by import: a refresh, every change recorded ---------------------------------
X=42050200004000
printf '客户代码,地址,电话,年用邮金额,已归档\n%s,宜昌市某路1号,0717-1,1234.50,是\n' $X >archive.csv
KAM_USER=importer run kam --db $DB import archive archive.csv
status_is 0 "import archive (Chinese headers)"
is "$(q "SELECT address, phone, annual_spend, filed FROM archive WHERE code = $X")" "宜昌市某路1号|0717-1|123450|1" "stored, money in fen"
is "$(q "SELECT count(*) FROM archive_changes WHERE code = $X AND changed_by = 'importer' AND block = 'basic'")" "4" \
  "each field recorded with who"
is "$(q "SELECT refreshed_on IS NOT NULL FROM archive WHERE code = $X")" "1" "the import refreshes the archive"
run kam --db $DB import archive archive.csv
like "$err" "0 added, 0 updated, 1 unchanged" "the same file again changes nothing"
printf 'code,phone\n%s,0717-2\n' $X >phone.csv
run kam --db $DB import archive phone.csv
is "$(q "SELECT address, phone FROM archive WHERE code = $X")" "宜昌市某路1号|0717-2" "a column the file lacks keeps its value"
is "$(q "SELECT old_value FROM archive_changes WHERE code = $X AND field = 'phone' ORDER BY id DESC LIMIT 1")" "0717-1" \
  "the old value kept"
printf '客户代码,姓名,职务,禁忌\n%s,王总,总经理,烟\n%s,王总,董事长,烟\n%s,李总,副总,\n' $X $X $X >persons.csv
run kam --db $DB import key_persons persons.csv
status_is 0 "import key_persons"
is "$(q "SELECT group_concat(name || ':' || title, ' ') FROM key_persons WHERE code = $X")" "王总:董事长 李总:副总" \
  "a key person found by name is changed, a new name added"
printf 'code,competitor,share_pct\n%s,顺丰,130\n99999999999999,x,1\n' $X >comp.csv
before=$(snap)
run kam --db $DB import competitors comp.csv
status_is 1 "bad competitor rows fail the import"
like "$err" "comp.csv:2: column 'share_pct': 130 is more than 100" "a share over 100%"
like "$err" "comp.csv:3: column 'code': no customer 99999999999999" "an unknown customer"
is "$(snap)" "$before" "nothing imported"
printf 'code,profit,staff,registered_capital\n%s,-5.50,10,-1\n' $X >ext.csv
run kam --db $DB import archive_extended ext.csv
status_is 1 "a negative registered capital is refused"
printf 'code,profit,staff\n%s,-5.50,10\n' $X >ext.csv
run kam --db $DB import archive_extended ext.csv
status_is 0 "import archive_extended"
run kam --db $DB export archive_extended
like "$out" "$X,-5.50,,,,,10," "export archive_extended"
run kam --db $DB export archive -o back.csv
run kam --db $DB import archive back.csv
like "$err" "0 updated" "an exported archive imports back unchanged"
done_testing
