#!/usr/bin/env bash
# kam schedule daemon, on its test clock (--now TIME --tick MS: the clock starts at TIME
# and moves one minute per tick), so that nothing waits on real minutes: it trims history
# older than --keep-days, kills a job past its time limit and records it so, runs a job
# added while it is up at that job's slot, and stops cleanly on SIGTERM: a running job
# finishes within --stop-grace (recorded ok) or is killed and recorded as interrupted.
# Every wait is for an event, bounded generously (120 s), never a timing.
source "$(dirname "$0")/lib.sh"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
k() { run kam --db "$DB" "$@"; }
# wait_for SQL WANT: poll until SQL answers WANT; give up at once when the daemon $dpid
# (when set) has died, else after 120 s.
dpid=""
wait_for() { poll_sql "$DB" "$1" "$2" "$dpid"; }
alive() { kill -0 "$1" 2>/dev/null; }

cat >hello.lua <<'EOF'
print("hello", os.getenv("KAM_SCHEDULE_SLOT"))
EOF
cat >spin.lua <<'EOF'
while true do end
EOF
cat >block.lua <<'EOF'
local f = ...
while not io.open(f) do os.execute("sleep 0.1") end
print("released")
EOF

k init --timezone UTC
# An old run, from June 2025.
k schedule add --now 2025-06-01T00:00Z old '0 * * * *' hello.lua
k schedule run-due --now 2025-06-01T01:00Z
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'old'")" "1" "an old run is recorded"
k schedule remove old
k schedule add --now 2026-01-05T08:00Z --time-limit 1 limit '2 8 * * *' spin.lua
k schedule add --now 2026-01-05T08:00Z held '5 8 * * *' block.lua "$T/release"

"$KAM" --json --db "$DB" schedule daemon --now 2026-01-05T08:00Z --tick 100 --keep-days 90 --stop-grace 600 \
  >d.out 2>d.err & dpid=$!
# A job added while the daemon runs.
k schedule add --now 2026-01-05T08:00Z late '0 10 * * *' hello.lua
status_is 0 "a job is added while the daemon runs"

wait_for "SELECT count(*) FROM schedule_runs WHERE job = 'old'" "0" && ok "the daemon trims history older than --keep-days" ||
  nok "the daemon trims history older than --keep-days"
wait_for "SELECT status FROM schedule_runs WHERE job = 'limit'" "timeout" && ok "a job past its time limit is killed" ||
  nok "a job past its time limit is killed" "$(q "SELECT * FROM schedule_runs WHERE job = 'limit'")"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'limit'")" "killed after its time limit of 1 s" "and recorded so"
wait_for "SELECT status FROM schedule_runs WHERE job = 'late'" "ok" && ok "the job added while it ran has run" ||
  nok "the job added while it ran has run" "$(cat d.err)"
is "$(q "SELECT datetime(slot, 'unixepoch') FROM schedule_runs WHERE job = 'late'")" "2026-01-05 10:00:00" "at its slot"
is "$(q "SELECT started_at >= slot FROM schedule_runs WHERE job = 'late'")" "1" "not before it"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'late'")" "2026-01-05T10:00:00+00:00" "the script was told its slot"
wait_for "SELECT status FROM schedule_runs WHERE job = 'held'" "running" && ok "a job is running" ||
  nok "a job is running"

kill -TERM $dpid
# The held job cannot end before release exists: the daemon waits for it.
for i in $(seq 1 1200); do grep -q "stopping" d.err && break; alive $dpid || break; sleep 0.1; done
alive $dpid && ok "after SIGTERM the daemon waits for its running job" || nok "after SIGTERM the daemon waits for its running job"
touch release
wait $dpid; is "$?" "0" "then it stops, exit status 0"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'held'")" "ok" "the running job finished and is recorded ok"
like "$(cat d.err)" "stopping (signal 15)" "the daemon said it was stopping"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["stopped_by"] == "SIGTERM" and d["trimmed"] == 1 and d["ran"] >= 3 and d["failed"] >= 1, d
' d.out
status_is 0 "daemon --json: one document when it stops"
is "$(q "SELECT count(*) FROM schedule_runs WHERE status = 'running'")" "0" "nothing is left running"

# A job that does not finish within the grace: killed, recorded interrupted.
k schedule remove late; k schedule remove limit; k schedule remove held
k schedule add --now 2026-01-06T11:55Z stuck '0 12 * * *' block.lua "$T/never"
"$KAM" --db "$DB" schedule daemon --now 2026-01-06T11:55Z --tick 100 --stop-grace 1 >d2.out 2>d2.err & dpid=$!
wait_for "SELECT status FROM schedule_runs WHERE job = 'stuck'" "running" && ok "the stuck job is running" ||
  nok "the stuck job is running"
kill -TERM $dpid
wait $dpid; is "$?" "0" "SIGTERM stops the daemon"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'stuck'")" "interrupted" "the job past the grace is recorded as interrupted"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'stuck'")" "the scheduler was stopped (signal 15) before the run ended" "saying why"
pid_left=$(pgrep -f "$T/never" || true)
is "$pid_left" "" "no process of the job is left"

# Two daemons on one database, started together: each slot of 20 jobs runs once.
k schedule remove stuck
cat >mark.lua <<'EOF2'
local f = assert(io.open(..., "a"))
f:write(os.getenv("KAM_SCHEDULE_JOB"), " ", os.getenv("KAM_SCHEDULE_SLOT"), "\n")
f:close()
EOF2
for i in $(seq 1 20); do
  k schedule add --now 2026-01-07T08:00Z "two$i" '*/2 * * * *' mark.lua "$T/marks.txt"
done
"$KAM" --db "$DB" schedule daemon --now 2026-01-07T08:00Z --tick 100 >da.out 2>da.err & d1=$!
"$KAM" --db "$DB" schedule daemon --now 2026-01-07T08:00Z --tick 100 >db.out 2>db.err & d2=$!
dpid=$d1
# (A slot that comes while its job still runs is skipped: on a slow machine some are.)
wait_for "SELECT count(*) FROM schedule_runs WHERE job LIKE 'two%' AND status IN ('ok', 'skipped') AND slot = strftime('%s', '2026-01-07T08:10:00')" "20" &&
  ok "both daemons dealt with the jobs up to 08:10" || nok "both daemons dealt with the jobs up to 08:10"
kill -TERM $d1 $d2; wait $d1; r1=$?; wait $d2; r2=$?
is "$r1 $r2" "0 0" "both stop on SIGTERM"
is "$(sort marks.txt | uniq -d | wc -l | tr -d ' ')" "0" "no slot of any job ran twice"
is "$(wc -l <marks.txt | tr -d ' ')" "$(q "SELECT count(*) FROM schedule_runs WHERE job LIKE 'two%' AND status = 'ok'")" \
  "each run recorded is one run of its script"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job LIKE 'two%' AND status NOT IN ('ok', 'skipped')")" "0" "none failed"
# (How the runs fell between the two is the machine's doing: said, not tested.)
echo "# the daemons ran $(grep -c ' ok' da.err) and $(grep -c ' ok' db.err) of them"

# A daemon that waited over two seconds for another writer (and said whom for) keeps its
# locks: new connections opening afterwards must not take the database as theirs alone
# (they would truncate its shared-memory file under the daemon: SIGBUS).
for i in $(seq 1 20); do k schedule remove "two$i"; done
rm -f marks.txt
k schedule add --now 2026-01-08T08:00Z every '* * * * *' mark.lua "$T/marks.txt"
# The other writer holds the lock until the daemon has said it waits for it.
(echo "BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'policy';"; echo ".shell touch locked"
 for i in $(seq 1 1200); do grep -q "waiting up to" dw.err 2>/dev/null && break; sleep 0.1; done
 echo "COMMIT;") | sqlite3 "$DB" &
holder=$!
for i in $(seq 1 1200); do [ -e locked ] && break; sleep 0.1; done
"$KAM" --db "$DB" schedule daemon --now 2026-01-08T08:00Z --tick 300 >dw.out 2>dw.err & dpid=$!
wait $holder
for i in $(seq 1 1200); do [ "$(cat marks.txt 2>/dev/null | wc -l)" -ge 6 ] && break; alive $dpid || break; sleep 0.1; done
like "$(cat dw.err)" "is writing to k.db; waiting up to" "the daemon waited for the other writer, saying whom for"
# SQLite's mark that a connection is open: a read lock on byte 128 of the -shm file.
dms=$(python3 -c '
import fcntl, struct, sys
fd = open(sys.argv[1], "rb")
fl = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("@hhqqi4x", fcntl.F_WRLCK, 0, 128, 1, 0))
t, _, _, _, pid = struct.unpack("@hhqqi4x", fl)
print("read lock by %d" % pid if t == fcntl.F_RDLCK else "none" if t == fcntl.F_UNLCK else "other")
' "$DB-shm")
is "$dms" "read lock by $dpid" "after its wait the daemon still holds its connection's lock on the -shm file"
alive $dpid && ok "the daemon lives on after its wait, as new connections come and go" ||
  nok "the daemon lives on after its wait, as new connections come and go" "$(tail -3 dw.err)"
[ "$(wc -l <marks.txt)" -ge 6 ] && ok "and runs its job minute after minute" || nok "and runs its job minute after minute"
kill -TERM $dpid; wait $dpid; is "$?" "0" "then stops on SIGTERM"
runs=$(q "SELECT count(*) FROM schedule_runs WHERE job = 'every' AND status = 'ok'")
is "$runs" "$(wc -l <marks.txt | tr -d ' ')" "every run it made is in the database others read ($runs)"

k schedule daemon --tick 100
status_is 2 "--tick without --now is a usage error"
like "$err" "--tick needs --now" "saying so"

done_testing
