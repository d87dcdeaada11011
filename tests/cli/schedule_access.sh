#!/usr/bin/env bash
# Scheduled jobs under users, through the daemon (issue 23): a job runs as the user who
# scheduled it, with that user's rights: a center user's job reads what a center user
# reads and is refused raw SQL (logged as that user's refusal); a job of a user disabled
# since is refused and the refusal logged, the run recorded failed; a viewer schedules
# nothing (refused, logged, nothing stored).  The daemon runs on its test clock (--now
# --tick), under the admin's login; every wait is for an event, bounded generously (120 s).
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
C=42050200005000
q() { sqlite3 a.db "$1"; }
dpid=""
wait_for() { poll_sql a.db "$1" "$2" "$dpid"; }   # SQL WANT: until SQL answers WANT, or the daemon died

run kam --db a.db init --policy hubei --timezone UTC
run kam --db a.db import customers "$F/hubei_customers.csv"
run kam --db a.db customer person add $C --name 王总 --title 总经理 --phone 13800000000
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add carl --login carl-login --role center
run kam --db a.db user add dan --login dan-login --role center
run kam --db a.db user add vic --login vic-login --role viewer
status_is 0 "an admin (this login), two center users and a viewer"
cat >job.lua <<LUA
print("running as " .. kam.user)
for _, p in ipairs(kam.store.key_persons_of($C)) do print("phone " .. p.phone) end
local ok, err = pcall(kam.db.value, "SELECT count(*) FROM customers")
print(ok and "raw SQL ran" or ("raw SQL: " .. tostring(err)))
LUA
cat >viewer.lua <<LUA
for _, p in ipairs(kam.store.key_persons_of($C)) do print("phone " .. p.phone) end
LUA

# --- who may schedule -----------------------------------------------------------------------
run kam --db a.db --user vic schedule add --now 2026-01-05T08:00Z vj '3 8 * * *' "$PWD/viewer.lua"
status_is 1 "a viewer does not schedule a job"
like "$err" "user vic is a viewer: a viewer does not schedule jobs" "... saying why"
is "$(q "SELECT user || ' ' || action || ' ' || command FROM audit ORDER BY id DESC LIMIT 1")" "vic refused schedule add" \
  "the refusal is logged"
is "$(q "SELECT count(*) FROM schedule_jobs")" 0 "and nothing was scheduled"
run kam --db a.db --user carl schedule add --now 2026-01-05T08:00Z cj '1 8 * * *' "$PWD/job.lua"
status_is 0 "a center user schedules a job"
run kam --db a.db --user dan schedule add --now 2026-01-05T08:00Z dj '2 8 * * *' "$PWD/job.lua"
status_is 0 "so does another"
is "$(q "SELECT group_concat(name || ':' || added_by, ' ') FROM schedule_jobs ORDER BY name")" "cj:carl dj:dan" \
  "each job is its adder's"
run kam --db a.db --user carl schedule remove dj
status_is 1 "a user may not change another user's job"
like "$err" "user carl is a center: job 'dj' was scheduled by dan; only they or an admin may change it" "... saying whose it is"
is "$(q "SELECT user || ' ' || action || ' ' || command FROM audit ORDER BY id DESC LIMIT 1")" "carl refused schedule remove" \
  "the refusal is logged"
run kam --db a.db --user dan schedule disable dj
status_is 0 "its adder disables its own job"
run kam --db a.db --user dan schedule enable dj
status_is 0 "and enables it again"
run kam --db a.db --user vic schedule disable cj
status_is 1 "a viewer changes no job"
run kam --db a.db user disable dan
status_is 0 "dan is disabled after scheduling"

# --- the daemon runs them, each as its user -----------------------------------------------------
n=$(q "SELECT max(id) FROM audit")
"$KAM" --db a.db --json schedule daemon --now 2026-01-05T08:00Z --tick 100 >d.out 2>d.err & dpid=$!
wait_for "SELECT count(*) FROM schedule_runs WHERE status <> 'running'" 2 && ok "the daemon ran both jobs" ||
  nok "the daemon ran both jobs" "$(cat d.err)" "$(q "SELECT * FROM schedule_runs")"
kill -TERM $dpid; wait $dpid; is "$?" 0 "the daemon stops on SIGTERM"

is "$(q "SELECT status FROM schedule_runs WHERE job = 'cj'")" ok "carl's job ran"
out=$(q "SELECT output FROM schedule_runs WHERE job = 'cj'")
like "$out" "running as carl" "as carl"
like "$out" "phone 13800000000" "reading what a center user reads"
like "$out" "raw SQL: kam.db: user carl is a center: raw SQL is for admins" "and refused what a center user is refused"
is "$(q "SELECT user || ' ' || action || ' ' || detail FROM audit WHERE id > $n AND user = 'carl' ORDER BY id")" \
  "$(printf '%s\n%s' 'carl read {"read": "key persons"}' 'carl refused {"why": "kam.db (raw SQL) is for admins"}')" \
  "the job's read and its refusal are logged as carl's"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'dj'")" failed "the disabled user's job did not run"
like "$(q "SELECT coalesce(error, '') || coalesce(output, '') FROM schedule_runs WHERE job = 'dj'")" "no enabled user 'dan' to act as" \
  "its run says why"
unlike "$(q "SELECT coalesce(output, '') FROM schedule_runs WHERE job = 'dj'")" "13800000000" "and read nothing"
like "$(q "SELECT user || ' ' || action || ' ' || detail FROM audit WHERE id > $n AND action = 'refused' AND detail LIKE '%dan%'")" \
  "refused {\"why\": \"no enabled user 'dan' to act as" "the refusal is logged"
run kam --db a.db audit verify
status_is 0 "the chain holds"

done_testing
