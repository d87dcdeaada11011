#!/usr/bin/env bash
# Bad input against the CLI and import (issue 23's must-show): SQL metacharacters in names,
# 10,000-character fields and invalid UTF-8, in customer names, key persons and user
# names, are stored exactly as text or refused with the reason (line and column, or the
# option), never executed: the tables stay whole.  A user name that is no UTF-8 is refused
# before it can reach the audit log, and the log reads as JSON throughout.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
evil="x'); DROP TABLE customers; --"
evil2='王"总; DELETE FROM key_persons WHERE 1=1; --'
long=$(head -c 10000 /dev/zero | tr '\0' 'y')
long_zh=$(for i in $(seq 1 1000); do printf '一二三四五六七八九十'; done)   # 10,000 characters, 30,000 bytes
bad=$(printf 'bad\xff\xfename')
C1=42050200090000 C2=42050200091000 C3=42050200092000 C4=42050200093000
tables() { sqlite3 a.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)" | md5sum; }

run kam --db a.db init --policy hubei
run kam --db a.db import customers "$F/hubei_customers.csv"
status_is 0 "a province"
schema=$(tables)
n=$(sqlite3 a.db "SELECT count(*) FROM customers")

# --- through the CLI -------------------------------------------------------------------------
run kam --db a.db customer add $C1 --name "$evil" --place city --city 宜昌市
status_is 0 "a customer name with SQL in it is added"
run kam --db a.db --json customer show $C1
is "$(printf '%s' "$out" | jq -r '.customer.name')" "$evil" "and reads back exactly"
run kam --db a.db customer add $C2 --name "$long_zh" --place city --city 宜昌市
status_is 0 "a 10,000-character Chinese name is added"
is "$(sqlite3 a.db "SELECT length(name) || ' ' || (name = '$long_zh') FROM customers WHERE code = $C2")" "10000 1" \
  "and stored exactly (10,000 characters)"
run kam --db a.db customer add $C3 --name "$bad" --place city --city 宜昌市
status_is 2 "a name that is not UTF-8 is refused"
like "$err" "field 'name' is not valid UTF-8 text" "... saying so"
is "$(sqlite3 a.db "SELECT count(*) FROM customers WHERE code = $C3")" 0 "and not stored"
run kam --db a.db customer person add $C1 --name "$evil2" --title "$evil" --phone "$long"
status_is 0 "a key person with SQL in its name and title and a 10,000-character phone"
is "$(sqlite3 a.db "SELECT (name = '王\"总; DELETE FROM key_persons WHERE 1=1; --') || (title = 'x''); DROP TABLE customers; --') || length(phone) FROM key_persons WHERE code = $C1")" \
  "1110000" "is stored exactly"
run kam --db a.db customer person add $C1 --name "$bad"
status_is 2 "a key person's name that is not UTF-8 is refused"
like "$err" "field 'name' is not valid UTF-8 text" "... saying so"
run kam --db a.db customer person add $C1 --name ok --note "$(printf 'cut \xe4\xb8')"
status_is 2 "a note cut inside a character is refused"
like "$err" "field 'note' is not valid UTF-8 text" "... naming the field"

# --- through import ---------------------------------------------------------------------------
printf 'code,name,place,city\n%s,"%s",city,宜昌市\n%s,%s,city,宜昌市\n' $C3 "$evil" $C4 "$long" >c.csv
run kam --db a.db import customers c.csv
status_is 0 "import: a name with SQL in it and a 10,000-character one"
is "$(sqlite3 a.db "SELECT (name = 'x''); DROP TABLE customers; --') FROM customers WHERE code = $C3; SELECT length(name) FROM customers WHERE code = $C4")" \
  "$(printf '1\n10000')" "both stored exactly"
run kam --db a.db export customers -o back.csv
run kam --db a.db import customers back.csv
like "$err" "0 added, 0 updated" "they export and import back unchanged"
printf 'code,name,place,city\n%s,%s,city,宜昌市\n' 42050200094000 "$bad" >u.csv
run kam --db a.db import customers u.csv
status_is 1 "import: a name that is neither UTF-8 nor GB18030 is refused"
like "$err" "u.csv:2:19: invalid GB18030 byte sequence 0xFF 0xFE" "... naming line and column"
run kam --db a.db import customers u.csv --encoding utf-8
status_is 1 "--encoding utf-8: refused as no UTF-8"
like "$err" "u.csv:2:19: invalid UTF-8 byte sequence 0xFF" "... naming line and column"
printf '[{"code": "42050200094000", "name": "%s", "place": "city", "city": "宜昌市"}]' "$bad" >u.json
run kam --db a.db import customers u.json
status_is 1 "JSON: a name that is not UTF-8 is refused"
like "$err" "u.json:1:" "... naming where"
printf 'code,name,title,phone,note\n%s,"%s",t,1,"%s"\n' $C3 "${evil2//\"/\"\"}" "$long" >kp.csv   # a quote doubled, as CSV has it
run kam --db a.db import key_persons kp.csv
status_is 0 "import: a key person with SQL in its name and a 10,000-character note"
is "$(sqlite3 a.db "SELECT length(note) FROM key_persons WHERE code = $C3 AND name = '王\"总; DELETE FROM key_persons WHERE 1=1; --'")" \
  10000 "stored exactly"
printf 'code,name,title\n%s,%s,t\n' $C3 "$bad" >kpu.csv
run kam --db a.db import key_persons kpu.csv --encoding utf-8
status_is 1 "import: a key person's name that is not UTF-8 is refused"
like "$err" "kpu.csv:2:" "... naming the line"
is "$(tables)" "$schema" "no table was dropped or added by any of it"
is "$(sqlite3 a.db "SELECT count(*) FROM customers")" "$((n + 4))" "the customers: the province's and the four added"
is "$(sqlite3 a.db "SELECT count(*) FROM key_persons")" 2 "the key persons: the two added"

# --- user names ---------------------------------------------------------------------------------
run kam --db a.db --user "$bad" export customers
status_is 2 "before users: a --user name that is not UTF-8 is refused"
like "$err" "--user or \$KAM_USER: the user name is not valid UTF-8" "... saying so"
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add "$evil" --login "l'; DELETE FROM users; --" --role viewer
status_is 0 "a user name and a login with SQL in them"
is "$(sqlite3 a.db "SELECT count(*) FROM users WHERE name = 'x''); DROP TABLE customers; --' AND login = 'l''; DELETE FROM users; --'")" \
  1 "are stored exactly"
run kam --db a.db --user "$evil" --json customer show $C1
is "$(printf '%s' "$out" | jq -r '.key_persons[0].phone')" "***" "the admin acts as that user: it is a viewer, and reads masked"
for who in "$bad" "$long" "$(printf 'a\tb')"; do
  before=$(sqlite3 a.db "SELECT count(*) FROM audit")
  run kam --db a.db --user "$who" export customers
  if [ "$status" = 2 ] && [ "$(sqlite3 a.db "SELECT count(*) FROM audit")" = "$before" ]; then
    ok "--user ${who:0:12}…: refused as a usage error, before anything is logged"
  else
    nok "--user ${who:0:12}…: refused as a usage error, before anything is logged" "exit $status: $err"
  fi
done
run kam --db a.db user add "$long" --login long
status_is 2 "a 10,000-character user name is refused"
like "$err" "the name must be 1 to 64 characters, not 10000" "... saying so"
run kam --db a.db user add ok --login "$bad"
status_is 2 "a login that is not UTF-8 is refused"
like "$err" "the login is not valid UTF-8" "... saying so"
run kam --db a.db --json audit
status_is 0 "the audit log reads as JSON"
printf '%s' "$out" | jq -e '.entries | length > 0' >/dev/null && ok "... one document, every entry in it" || nok "... one document, every entry in it" "$out"
run kam --db a.db audit verify
status_is 0 "and its chain holds"
# An entry with bytes that are no UTF-8, appended around kam (an older kam, or by hand).
cp a.db t.db
sqlite3 t.db "INSERT INTO audit(id, at, user, command, action, detail, prev, hash) VALUES ((SELECT max(id) + 1 FROM audit),
  '2026-01-01T00:00:00.000Z', CAST(X'626164FF' AS TEXT), 'x', 'refused', CAST(X'7B2277223A2022FF227D' AS TEXT), 'p', 'h')"
run kam --db t.db --json audit
status_is 0 "a foreign entry with bytes that are no UTF-8: the log still reads as JSON"
is "$(printf '%s' "$out" | jq -r '.entries[-1] | .user + " " + .detail')" "bad� {\"w\": \"�\"}" \
  "... those bytes shown as U+FFFD"
run kam --db t.db audit verify
status_is 1 "and verify finds the entry that does not follow"

done_testing
