#!/usr/bin/env bash
# kam import customers --replace records each change in the archive's history
# (archive_changes: who, when, the old and the new value), as kam customer set does, and
# refreshes the archive; a row that changes nothing, a column the file lacks, a refused
# import and a dry run record nothing.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
A=42010200001000; B=42010200002000

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei customers"
is "$(q "SELECT count(*) FROM archive_changes")" "0" "a first import adds, with no history of changes"

old_a=$(q "SELECT name FROM customers WHERE code = $A")
cat >c.csv <<CSV
code,name,place,city,agreement,account
$A,武汉某集团,capital,武汉市,no,on_account
$B,$(q "SELECT name FROM customers WHERE code = $B"),capital,武汉市,yes,
CSV
before=$(dump)
run kam --db $DB import customers c.csv
status_is 1 "without --replace a changed customer is refused"
is "$(dump)" "$before" "and nothing is recorded"
run kam --db $DB import customers c.csv --replace --dry-run
is "$(dump)" "$before" "a dry run records nothing"

KAM_USER=importer run kam --db $DB import customers c.csv --replace
status_is 0 "--replace"
is "$(q "SELECT group_concat(field || ':' || coalesce(old_value, '(none)') || '>' || coalesce(new_value, '(none)') || ':' || changed_by, ' ') FROM (SELECT * FROM archive_changes WHERE code = $A ORDER BY id)")" \
  "name:$old_a>武汉某集团:importer agreement:1>0:importer" "each changed field with its old value and who"
like "$(q "SELECT changed_at FROM archive_changes WHERE code = $A LIMIT 1")" "T" "and when"
is "$(q "SELECT count(*) FROM archive_changes WHERE code = $B")" "1" "the other row: only its changed column"
is "$(q "SELECT field || ':' || old_value || '>' || coalesce(new_value, '(none)') FROM archive_changes WHERE code = $B")" \
  "account:cash>(none)" "a value the file empties is recorded as cleared"
is "$(q "SELECT refreshed_by FROM archive WHERE code = $A")" "importer" "the archive is refreshed"
is "$(q "SELECT count(*) FROM archive_changes WHERE field IN ('county', 'industry')")" "0" \
  "columns the file lacks record nothing"
run kam --json --db $DB customer show $A --history
like "$out" '"old_value": "'"$old_a"'"' "customer show --history lists the import's changes"
n=$(q "SELECT count(*) FROM archive_changes")
run kam --db $DB import customers c.csv --replace
like "$err" "0 updated, 2 unchanged" "the same file again changes nothing"
is "$(q "SELECT count(*) FROM archive_changes")" "$n" "and records nothing"

done_testing
