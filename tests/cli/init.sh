#!/usr/bin/env bash
# kam init and schema upgrades: an older database is upgraded in place, rows intact.
source "$(dirname "$0")/lib.sh"

run kam --db new.db init --policy shantou
status_is 0 "init creates a database"
like "$err" "created new.db" "and says so"
run sqlite3 new.db "SELECT value FROM meta WHERE key = 'policy'"
is "$out" "shantou" "the default policy is recorded"
latest=$(sqlite3 new.db "PRAGMA user_version")
[ "$latest" -ge 1 ] && ok "a schema version is recorded ($latest)" || nok "a schema version is recorded"

run kam --db new.db init
status_is 0 "init again is harmless"
like "$err" "up to date" "and says the database is up to date"
run sqlite3 new.db "SELECT value FROM meta WHERE key = 'policy'"
is "$out" "shantou" "a second init keeps the recorded policy"

run kam --json --db new.db init
status_is 0 "init --json"
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["created"] is False and d["schema_version"] >= 1 and d["policy"] == "shantou"' <(printf '%s' "$out")
status_is 0 "init --json prints a valid document"

KAM_DB=env.db run kam init
status_is 0 "KAM_DB names the database"
[ -e env.db ] && ok "the file named by KAM_DB is created" || nok "the file named by KAM_DB is created"

run kam --db x.db init --policy 'no such; thing'
status_is 2 "a malformed policy name is a usage error"
[ -e x.db ] && nok "nothing is created on a usage error" || ok "nothing is created on a usage error"

run kam --db x.db init --policy nosuch
status_is 1 "a policy that does not exist is refused"
like "$err" "init: no policy 'nosuch'" "naming it"
[ -e x.db ] && nok "nothing is created for a missing policy" || ok "nothing is created for a missing policy"
run kam --db new.db init --policy nosuch
is "$(sqlite3 new.db "SELECT value FROM meta WHERE key = 'policy'")" "shantou" "and an existing database keeps its policy"

run kam --db x.db init extra
status_is 2 "an extra argument is a usage error"

# An older database: schema version 1, built by the schema of that version with rows.
sqlite3 old.db < "$TOP/tests/fixtures/schema-v1.sql"
before=$(sqlite3 old.db "SELECT count(*) || ' ' || sum(amount) FROM ledger; SELECT group_concat(name, ',') FROM customers")
# A backup before the upgrade copies it as it is; restoring it is init's upgrade.
run kam --db old.db backup old-backup.db
status_is 0 "an older database can be backed up before kam init upgrades it"
is "$(sqlite3 old.db 'PRAGMA user_version') $(sqlite3 old-backup.db 'PRAGMA user_version')" "1 1" \
  "the backup leaves it at schema 1, and the copy is schema 1"
run kam --db old-backup.db init
status_is 0 "kam init upgrades the restored copy"
is "$(sqlite3 old-backup.db 'PRAGMA user_version')" "$latest" "to the latest schema"
is "$(sqlite3 old-backup.db "SELECT count(*) || ' ' || sum(amount) FROM ledger; SELECT group_concat(name, ',') FROM customers")" \
  "$before" "with every row of the original"
run kam --db old.db init
status_is 0 "an older database opens"
if [ "$latest" -gt 1 ]; then
  like "$err" "upgraded old.db from schema 1 to $latest" "and is upgraded in place"
else
  like "$err" "up to date" "(schema 1 is the latest)"
fi
is "$(sqlite3 old.db 'PRAGMA user_version')" "$latest" "to the latest schema"
is "$(sqlite3 old.db "SELECT count(*) || ' ' || sum(amount) FROM ledger; SELECT group_concat(name, ',') FROM customers")" "$before" "with every row intact"
is "$(sqlite3 old.db 'PRAGMA integrity_check; PRAGMA foreign_key_check')" "ok" "and consistent"

# A database from a newer kam is refused, untouched.
sqlite3 new.db "PRAGMA user_version = 999"
run kam --db new.db init
status_is 1 "a newer schema is refused"
like "$err" "schema version 999 is newer than this kam" "with the reason"
is "$(sqlite3 new.db 'PRAGMA user_version')" "999" "and left as it was"

# Only kam init creates or adopts a database: every other command refuses a file that is
# not a kam database, naming it, and leaves it as it was.
sqlite3 theirs.db "CREATE TABLE orders(id INTEGER PRIMARY KEY, what TEXT); INSERT INTO orders(what) VALUES ('x')"
theirs_before=$(sqlite3 theirs.db ".schema" | md5sum; sqlite3 theirs.db "PRAGMA journal_mode; PRAGMA user_version")
for cmd in "grade --year 2025" "export customers" "run pragmas.lua" "explain 42010200001000" "override list"; do
  echo 'print(kam.db.value("SELECT 1"))' >pragmas.lua
  run kam --db theirs.db $cmd
  status_is 1 "kam $cmd refuses someone else's SQLite file"
  like "$err" "theirs.db: not a kam database (it has tables of its own: 'orders')" "kam $cmd: names the file and says why"
done
run kam --db theirs.db --json grade --year 2025
like "$out" "not a kam database" "--json: the refusal is the error document"
is "$(sqlite3 theirs.db ".schema" | md5sum; sqlite3 theirs.db "PRAGMA journal_mode; PRAGMA user_version")" "$theirs_before" \
  "the refused file is untouched (no kam table, journal mode and version as they were)"

: >zero.db
run kam --db zero.db grade --year 2025
status_is 1 "a 0-byte file is refused"
like "$err" "zero.db: an empty file, not a kam database (create it with 'kam init')" "naming it"
is "$(stat -c %s zero.db)" 0 "and left empty"
sqlite3 blank.db "PRAGMA user_version = 0; VACUUM"
run kam --db blank.db export customers
status_is 1 "an SQLite file without tables is refused"
like "$err" "blank.db: not a kam database (an SQLite file without tables)" "naming it"
run kam --db missing.db grade --year 2025
status_is 1 "a missing file is refused"
like "$err" "missing.db: no such database (create it with 'kam init')" "naming it"
[ -e missing.db ] && nok "and not created" || ok "and not created"

run kam --db zero.db init
status_is 0 "kam init makes a 0-byte file a database"
like "$err" "created zero.db" "and says it created it"
run kam --json --db theirs.db init
status_is 0 "kam init adopts someone else's SQLite file"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["adopted"], d["created"])')" "True False" \
  "--json says adopted, not created"
is "$(sqlite3 theirs.db "SELECT what FROM orders")" "x" "its own rows are kept"
run kam --db theirs.db export customers
status_is 0 "after init, other commands accept it"

sqlite3 versioned.db "CREATE TABLE things(a); PRAGMA user_version = 7"
run kam --db versioned.db init
status_is 1 "kam init does not adopt another application's versioned schema"
like "$err" "versioned.db: not a kam database: it has tables of its own ('things') and their schema version 7" "naming the file and why"
is "$(sqlite3 versioned.db "SELECT group_concat(name) FROM sqlite_schema; PRAGMA user_version")" "things
7" "and leaves it as it was"

# The database's policy changes only by kam init --policy, recorded with who and when.
KAM_USER=alice run kam --db new2.db init --policy hubei
is "$(sqlite3 new2.db "SELECT value FROM meta WHERE key = 'policy_set_by'")" "alice" "the first policy is recorded with who set it"
KAM_USER=bob run kam --db new2.db init --policy shantou
status_is 0 "init --policy changes the database's policy"
like "$err" "the database's policy is now shantou (was hubei), set by bob" "and says so, with who"
is "$(sqlite3 -separator ' ' new2.db "SELECT (SELECT value FROM meta WHERE key = 'policy'), (SELECT value FROM meta WHERE key = 'policy_previous'), (SELECT value FROM meta WHERE key = 'policy_set_by'), (SELECT value FROM meta WHERE key = 'policy_set_at') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'")" \
  "shantou hubei bob 1" "recorded: the policy, the one it replaced, who and when"
KAM_USER=carol run kam --db new2.db init
is "$(sqlite3 new2.db "SELECT value FROM meta WHERE key = 'policy_set_by'")" "bob" "a plain init changes nothing of that"

done_testing
