#!/usr/bin/env bash
# Users, roles and the audit log: before any user, anyone acts as before; the first user
# is an admin; then each login must be a user's, --user names another user only for an
# admin, a viewer changes nothing (refused, logged, the database unchanged), raw SQL is
# for admins; every change and refusal is in a hash-chained log that `kam audit verify`
# checks, naming the first entry edited or missing; names with SQL in them are stored as
# text; files kam writes are its owner's only.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
digest() { sqlite3 "$1" "SELECT count(*) FROM customers; SELECT count(*) FROM ledger; SELECT count(*) FROM users;
                        SELECT group_concat(name || ':' || role || ':' || disabled, ' ') FROM users;
                        SELECT count(*) FROM overrides; SELECT value FROM meta WHERE key = 'policy'" | md5sum; }
entries() { sqlite3 a.db "SELECT count(*) FROM audit"; }

run kam --db a.db init --policy hubei
run kam --db a.db import customers "$F/hubei_customers.csv"
run kam --db a.db import ledger "$F/hubei_ledger.csv"
status_is 0 "a database with no users: everything works as before"
is "$(sqlite3 a.db "SELECT group_concat(action || ':' || command, ' ') FROM audit")" \
  "change:init change:import customers change:import ledger" "each change is in the log already"
run kam --db a.db grade --year 2025 --as-of 2026-01-15
like "$(sqlite3 a.db "SELECT detail FROM audit WHERE detail LIKE '%grading_run%'")" \
  '"fact_groups": ["basic", "bureau"]' "a grading run's entry names the fact groups hubei read"
run kam --db a.db discount request 42050200005000 --line express --rate-bp 999 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
status_is 0 "a discount request (its terms are confidential)"
run kam --db a.db customer person add 42050200005000 --name 王总 --title 总经理 --phone 13800000000
status_is 0 "a key person (confidential)"
is "$(stat -c %a a.db)" 600 "the database is its owner's only"
cp a.db open.db; chmod 644 open.db
run kam --db open.db export customers -o open.csv
like "$err" "open.db can be read by others (mode 0644): chmod 600 open.db" "a database others can read is warned about"
# A FILE that is no regular file is written to, never renamed over (-o /dev/null must
# leave /dev/null a device): a FIFO stands in for it here.
mkfifo pipe; cat pipe >piped.csv & reader=$!
run kam --db a.db export customers -o pipe
wait $reader
[ -p pipe ] && ok "export -o FIFO leaves the FIFO a FIFO" || nok "export -o FIFO leaves the FIFO a FIFO"
is "$(head -1 piped.csv | cut -c1-4)" "code" "and the export went through it"

# --- users ---------------------------------------------------------------------------------
run kam --db a.db user add boss --login "$me" --role viewer
status_is 2 "the first user is an admin, not a viewer"
run kam --db a.db user add boss --login "$me"
status_is 0 "the first user"
like "$err" "added user boss (login $me), admin: the first user" "is an admin, and says so"
run kam --db a.db user add vic --login vic-login --role viewer
status_is 0 "an admin adds a viewer"
run kam --db a.db user add carl --login carl-login --role center
run kam --db a.db user add mia --login mia-login --role manager
status_is 2 "a manager user names its manager record"
like "$err" "--manager ID" "... saying how"
run kam --db a.db user add mia --login mia-login --role manager --manager M001
status_is 0 "a manager user with its record"
run kam --db a.db user add vic2 --login vic-login
status_is 1 "a login belongs to one user"
like "$err" "the login vic-login is user vic's already" "... naming whose it is"
run kam --db a.db --json user list
is "$(printf '%s' "$out" | jq -r '[.users[] | .name + ":" + .role] | join(" ")')" \
  "boss:admin carl:center mia:manager vic:viewer" "kam user list --json: the users and their roles"

# --- who acts ------------------------------------------------------------------------------
run kam --db a.db --user vic export customers -o v.csv
status_is 0 "an admin acts as a viewer with --user: a viewer reads"
is "$(stat -c %a v.csv)" 600 "an export is its owner's only"
before=$(digest a.db); n=$(entries)
run kam --db a.db --user vic import ledger "$F/hubei_ledger.csv" --replace
status_is 1 "a viewer's import is refused"
like "$err" "user vic is a viewer: a viewer reads, it does not change the database; nothing written" "... saying why"
is "$(digest a.db)" "$before" "and nothing changed"
is "$(sqlite3 a.db "SELECT user || ' ' || action || ' ' || command FROM audit ORDER BY id DESC LIMIT 1")" \
  "vic refused import ledger" "the refusal is in the log, and only it"
is "$(entries)" "$((n + 1))" "one entry added: the refusal"
for cmd in "grade --year 2025 --as-of 2026-01-15" "override add 42028100007000 --kind cultivation --grade 1 --reason x --until 2099-06-30 --year 2025"; do
  run kam --db a.db --user vic $cmd
  status_is 1 "a viewer: ${cmd%% *} refused"
done
is "$(digest a.db)" "$before" "the database is unchanged after every refusal"
run env KAM_USER=vic "$KAM" --db a.db run - <<<'return kam.db.value("SELECT count(*) FROM customers")'
status_is 1 "raw SQL (kam.db) is refused to a viewer"
like "$err" "raw SQL is for admins once users exist" "... saying so"
run env KAM_USER=carl "$KAM" --db a.db run - <<<'return kam.db.value("SELECT count(*) FROM customers")'
status_is 1 "and to a center user"
run kam --db a.db run - <<<'print(kam.db.value("SELECT count(*) FROM customers"))'
status_is 0 "an admin's raw SQL works"
run kam --db a.db --user carl init --policy shantou
status_is 1 "only an admin changes the database's policy"
like "$err" "only an admin may change the database's policy" "... saying so"
run kam --db a.db --user carl user add eve --login eve-login
status_is 1 "only an admin adds users"
run kam --db a.db --user nobody-here export customers
status_is 1 "an admin naming a user that does not exist is refused"
like "$err" "no user 'nobody-here' to act as" "... naming it"

# --- confidential fields: masked in the storage layer, every read logged ------------------
run kam --db a.db --user vic --json discount list
status_is 0 "a viewer lists the discounts"
is "$(printf '%s' "$out" | jq -r '.[0] | [.code, .rate_bp, .method, .valid_from, .valid_until] | join(" ")')" \
  "42050200005000 *** *** *** ***" "... with their terms masked"
unlike "$out" "999" "the rate appears nowhere in what it reads"
n=$(entries)
run kam --db a.db --user carl --json discount list
is "$(printf '%s' "$out" | jq -r '.[0].rate_bp')" 999 "a center user reads the rate"
is "$(sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  'carl read {"read": "discounts"}' "and that read is logged"
is "$(entries)" "$((n + 1))" "once"
run kam --db 'file:a.db?mode=ro' --json discount list
is "$(printf '%s' "$out" | jq -r '.[0].rate_bp')" "***" "on a database kam cannot write, the terms are masked for an admin too"

run kam --db a.db --user vic --json customer show 42050200005000
is "$(printf '%s' "$out" | jq -r '[.key_persons[0] | .name, .title, .phone] | join(" ")')" "*** *** ***" \
  "a viewer reads a customer's key persons masked"
unlike "$out" "13800000000" "the phone number appears nowhere in it"
run kam --db a.db --user vic export key_persons -o kp.csv
status_is 0 "a viewer's export of key persons"
is "$(sed -n 3p kp.csv)" "42050200005000,***,***,***,***,***,***,***" "is masked (below its marker line: access_export.sh)"
like "$err" "masked: key persons read *** for vic (a masked export does not import back)" "and says so"
run kam --db a.db import key_persons kp.csv --replace
status_is 1 "a masked export does not import back"
like "$err" "kp.csv:1: the file is a masked export" "... its marker says why"
tail -n +2 kp.csv >kp-unmarked.csv
run kam --db a.db import key_persons kp-unmarked.csv --replace
status_is 1 "without its marker line, still not"
like "$err" "'***' is a masked value" "... each *** cell is refused (the second line of defence)"
is "$(sqlite3 a.db "SELECT name || ' ' || phone FROM key_persons")" "王总 13800000000" "and the key person is as it was"
run kam --db a.db --user carl --json customer show 42050200005000
is "$(printf '%s' "$out" | jq -r '.key_persons[0].phone')" 13800000000 "a center user reads the key person"
is "$(sqlite3 a.db "SELECT user || ' ' || customer || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  'carl 42050200005000 {"read": "key persons"}' "and that read is logged with the customer"

# A manager reads its own customers' confidential fields, not another manager's.
"$KAM" --db a.db manager add M001 >/dev/null 2>&1; "$KAM" --db a.db manager add M002 >/dev/null 2>&1
run kam --db a.db manager assign 42050200005000 M001
status_is 0 "the customer is manager M001's"
run kam --db a.db user add max --login max-login --role manager --manager M002
run kam --db a.db --user mia --json customer show 42050200005000
is "$(printf '%s' "$out" | jq -r '.key_persons[0].phone')" 13800000000 "manager M001's user reads its customer's key person"
run kam --db a.db --user max --json customer show 42050200005000
is "$(printf '%s' "$out" | jq -r '.key_persons[0].phone')" "***" "another manager's user does not"
like "$(sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  'max refused {"read": "key persons", "customer": 42050200005000, "why": "not a customer of manager M002"}' \
  "and that refusal is logged"

# Schedules are an admin's; a job runs as the user who scheduled it.
printf 'print("running as " .. kam.user)\n' >who.lua
run kam --db a.db --user vic schedule add j1 "0 * * * *" who.lua
status_is 1 "a viewer does not schedule jobs (a center user's job: schedule_access.sh)"
like "$err" "a viewer does not schedule jobs" "... saying so"
run kam --db a.db schedule add --catchup once j1 "0 * * * *" "$PWD/who.lua"
status_is 0 "an admin schedules one"
run kam --db a.db schedule run-due --now 2099-01-01T00:30:00Z
run kam --db a.db --json schedule history j1
like "$out" "running as boss" "the job ran as the admin who scheduled it"

# A login that is no user's: the admin's login moved to another user, so ours is unknown.
cp a.db b.db
sqlite3 b.db "UPDATE users SET login = 'elsewhere' WHERE name = 'boss'"
run kam --db b.db export customers
status_is 1 "a login that is no kam user's is refused"
like "$err" "the login '$me' is not a kam user of this database; an admin adds it: kam user add NAME --login $me" \
  "... saying who may add it"
like "$(sqlite3 b.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
  "$me refused" "the refusal is logged under the login"
cp a.db c.db
sqlite3 c.db "UPDATE users SET login = 'boss-login' WHERE name = 'boss'; UPDATE users SET login = '$me' WHERE name = 'vic'"
run kam --db c.db --user boss export customers
status_is 1 "a viewer may not name another user"
like "$err" "user vic (viewer) may not act as boss: only an admin names another user" "... saying so"

# --- the last admin ------------------------------------------------------------------------
run kam --db a.db user disable boss
status_is 1 "the last admin is never disabled"
like "$err" "boss is the last admin" "... saying why"
run kam --db a.db user role boss viewer
status_is 1 "nor made something else"
run kam --db a.db user role carl admin
status_is 0 "a second admin"
run kam --db a.db user disable vic
status_is 0 "a user disabled"
run kam --db a.db --user vic export customers
status_is 1 "a disabled user acts no more"
like "$err" "no enabled user 'vic'" "... naming it"

# --- names are text, never SQL -------------------------------------------------------------
evil="x'); DROP TABLE customers; --"
run kam --db a.db user add "$evil" --login "l'; DELETE FROM users; --"
status_is 0 "a name with SQL in it"
is "$(sqlite3 a.db "SELECT count(*) FROM users WHERE name = 'x''); DROP TABLE customers; --'")" 1 "is stored as it is"
is "$(sqlite3 a.db "SELECT count(*) FROM customers")" "$(sqlite3 b.db "SELECT count(*) FROM customers")" "and runs nothing"
run kam --db a.db user add "$(printf 'x%.0s' $(seq 1 10000))" --login long
status_is 2 "a 10,000-character name is refused"
like "$err" "the name must be 1 to 64 characters, not 10000" "... saying so"
run kam --db a.db user add "$(printf 'bad\xff\xfename')" --login bad
status_is 2 "a name that is not UTF-8 is refused"
like "$err" "the name is not valid UTF-8" "... saying so"

# --- the log -------------------------------------------------------------------------------
run kam --db a.db audit verify
status_is 0 "the chain holds"
like "$out" "the chain holds; newest hash" "... with the newest hash"
run kam --db a.db --json audit --user vic
is "$(printf '%s' "$out" | jq -r '[.entries[] | .action] | unique | join(" ")')" "refused" \
  "--user: what vic was refused (reading changes nothing)"
run kam --db a.db --user mia audit
status_is 1 "a manager does not read the log"
n=$(entries)
# Tampering with the sqlite3 shell, past the triggers.
cp a.db t1.db; cp a.db t2.db; cp a.db t3.db
run sqlite3 t1.db "UPDATE audit SET user = 'someone' WHERE id = 3"
like "$err" "the audit log is append-only: an entry is never changed" "the triggers refuse an edit"
sqlite3 t1.db "DROP TRIGGER audit_never_changed; UPDATE audit SET user = 'someone' WHERE id = 3"
run kam --db t1.db audit verify
status_is 1 "an edited entry: verify exits 1"
like "$err" "entry 3 was changed" "... naming it"
sqlite3 t2.db "DROP TRIGGER audit_never_deleted; DELETE FROM audit WHERE id = 5"
run kam --db t2.db audit verify
status_is 1 "a deleted entry: verify exits 1"
like "$err" "entry 5 is missing" "... naming it"
run kam --db t2.db --json audit verify
is "$(printf '%s' "$out" | jq -c '[.ok, .broken]')" "[false,5]" "--json: one document with the broken entry"
# Rewriting an entry and its hash breaks the next one's link.
sqlite3 t3.db "DROP TRIGGER audit_never_changed; UPDATE audit SET detail = '{}', hash = 'ff' || substr(hash, 3) WHERE id = 4"
run kam --db t3.db audit verify
status_is 1 "an entry rewritten with a made-up hash"
like "$err" "entry 4" "... is found"
is "$(entries)" "$n" "reading and verifying the log writes nothing to it"

done_testing
