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

run kam --db x.db init extra
status_is 2 "an extra argument is a usage error"

# An older database: schema version 1, built by the schema of that version with rows.
sqlite3 old.db < "$TOP/tests/fixtures/schema-v1.sql"
before=$(sqlite3 old.db "SELECT count(*) || ' ' || sum(amount) FROM ledger; SELECT group_concat(name, ',') FROM customers")
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

done_testing
