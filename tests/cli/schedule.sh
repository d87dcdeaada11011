#!/usr/bin/env bash
# kam schedule: jobs (add, list, show, remove, enable, disable), their history, and
# run-due: catch-up once | all | skip over three missed days, two run-due at once over 50
# due jobs (each ran exactly once), a run killed with SIGKILL shown as abandoned once its
# lease has passed (never retried; the next slot runs), a slot that comes while the job
# still runs recorded as skipped, a time limit that kills, output kept bounded, history
# trimmed, a failing job that does not stop the others.  kam init --timezone.  Time is
# driven with --now, never the wall clock; waits are for events, bounded generously.
source "$(dirname "$0")/lib.sh"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
k() { run kam --db "$DB" "$@"; }
# wait_for SQL WANT: poll the database until SQL answers WANT (a failure after 120 s).
wait_for() {
  local i
  for i in $(seq 1 1200); do
    [ "$(q "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

cat >hello.lua <<'EOF'
print("hello", os.getenv("KAM_SCHEDULE_JOB"), os.getenv("KAM_SCHEDULE_SLOT"), ...)
EOF
cat >fail.lua <<'EOF'
io.stderr:write("about to fail\n")
error("the job failed on purpose")
EOF
# block.lua FILE: wait until FILE exists (a run that is still running when asked).
cat >block.lua <<'EOF'
local f = ...
while not io.open(f) do os.execute("sleep 0.1") end
print("released")
EOF
cat >spin.lua <<'EOF'
os.execute("sleep 1000")
while true do end
EOF
cat >loud.lua <<'EOF'
io.write(string.rep("x", 200000))
io.stderr:write(string.rep("é", 50000))
EOF
cat >mark.lua <<'EOF'
local f = assert(io.open(..., "a"))
f:write(os.getenv("KAM_SCHEDULE_JOB"), " ", os.getenv("KAM_SCHEDULE_SLOT"), "\n")
f:close()
EOF

# --- init --timezone --------------------------------------------------------------------
k init --timezone Mars/Olympus_Mons
status_is 2 "init --timezone with a zone tzdata lacks is a usage error"
like "$err" "init: --timezone 'Mars/Olympus_Mons' is not a zone tzdata knows" "naming it"
k init --timezone Asia/Shanghai
status_is 0 "init --timezone Asia/Shanghai"
is "$(q "SELECT value FROM meta WHERE key = 'timezone'")" "Asia/Shanghai" "the zone is recorded in meta"
run kam --json --db "$DB" init
like "$out" '"timezone": "Asia/Shanghai"' "init --json says the database's zone"

# --- add, list, show, refusals ---------------------------------------------------------
k schedule add hello '61 * * * *' hello.lua
status_is 2 "a bad cron expression is a usage error"
like "$err" "field 'minute': '61' is out of range 0-59" "naming the field"
k schedule add hello '* * * jna *' hello.lua
like "$err" "field 'month': 'jna' is not a month name" "a bad month name names the field"
k schedule add --timezone Nowhere/Atlantis hello '@daily' hello.lua
status_is 2 "an unknown zone is a usage error"
like "$err" "--timezone 'Nowhere/Atlantis' is not a zone tzdata knows" "naming it"
k schedule add --catchup sometimes hello '@daily' hello.lua
like "$err" "--catchup 'sometimes': once, all or skip" "a bad catch-up names the choices"
k schedule add hello '@daily' missing.lua
status_is 2 "a missing script is refused"
like "$err" "script 'missing.lua' cannot be read" "naming it"
k schedule add 'bad name' '@daily' hello.lua
like "$err" "job name 'bad name'" "a bad job name is refused"
is "$(q 'SELECT count(*) FROM schedule_jobs')" "0" "nothing refused was stored"

k schedule add --now 2026-01-05T00:00+08:00 hello '0 9 * * mon-fri' hello.lua one two
status_is 0 "a job is added"
like "$err" "job 'hello' added: '0 9 * * mon-fri' in Asia/Shanghai, next run 2026-01-05T09:00:00+08:00 (CST)" \
  "in the database's zone, with its next run"
k schedule add hello '@daily' hello.lua
status_is 1 "a second job of the same name is refused"
like "$err" "a job named 'hello' exists already" "saying so"
k schedule add --now 2026-01-05T00:00Z --timezone America/New_York --catchup all --time-limit 30 --disabled ny '30 2 * * *' hello.lua
status_is 0 "a job with its own zone, catch-up, limit, disabled"
run kam --json --db "$DB" schedule list
status_is 0 "schedule list --json"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
j = {x["name"]: x for x in d["jobs"]}
assert j["hello"]["args"] == ["one", "two"] and j["hello"]["timezone"] == "Asia/Shanghai", j
assert j["hello"]["catchup"] == "once" and j["hello"]["time_limit"] == 3600 and j["hello"]["enabled"]
assert j["ny"]["timezone"] == "America/New_York" and j["ny"]["catchup"] == "all" and not j["ny"]["enabled"]
assert j["hello"]["next_run"].endswith("T09:00:00+08:00") and j["hello"]["zone"] == "CST", j["hello"]
assert j["hello"]["added_by"] == "tester"
' <(printf '%s' "$out")
status_is 0 "the list: args, zones, catch-up, limits, next run in local time and zone, who added it"
k schedule list
like "$out" "hello" "the text list names the job"
like "$out" "CST" "with the zone"
k schedule show ny
status_is 0 "schedule show"
like "$out" "next runs:" "shows the next runs"
like "$out" "T02:30:00-0" "in New York time"
k schedule show nosuch
status_is 1 "show of an unknown job fails"
like "$err" "no job named 'nosuch'" "naming it"
k schedule enable ny
status_is 0 "enable"
is "$(q "SELECT enabled FROM schedule_jobs WHERE name = 'ny'")" "1" "the job is enabled"
k schedule disable nosuch
status_is 1 "disable of an unknown job fails"
k schedule remove ny
status_is 0 "remove"
is "$(q "SELECT count(*) FROM schedule_jobs WHERE name = 'ny'")" "0" "the job is gone"
k schedule frob
status_is 2 "an unknown subcommand is a usage error"
run kam --json --db "$DB" schedule remove nosuch
status_is 1 "remove --json of an unknown job fails"
like "$out" '"error"' "with an error document"

# --- run-due: a run, its output and arguments, a failing job does not stop others ------
k schedule add --now 2026-01-05T00:00+08:00 bad '0 9 * * *' fail.lua
k schedule run-due --now 2026-01-05T08:59+08:00
status_is 0 "run-due before the first slot"
is "$(q 'SELECT count(*) FROM schedule_runs')" "0" "runs nothing"
run kam --json --db "$DB" schedule run-due --now 2026-01-05T09:00:30+08:00
status_is 3 "run-due with a failing job exits 3 (done in part)"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ran"] == 2 and d["ok"] == 1 and d["failed"] == 1, d
r = {x["job"]: x for x in d["runs"]}
assert r["hello"]["status"] == "ok" and r["hello"]["exit"] == 0 and r["hello"]["slot"] == "2026-01-05T09:00:00+08:00", r
assert r["bad"]["status"] == "failed" and r["bad"]["exit"] == 1, r
' <(printf '%s' "$out")
status_is 0 "run-due --json: both ran, one ok, one failed"
is "$(q "SELECT output FROM schedule_runs WHERE job = 'hello'")" "$(printf 'hello\thello\t2026-01-05T09:00:00+08:00\tone\ttwo')" \
  "the output is captured, the job, its slot and arguments reach the script"
like "$(q "SELECT error FROM schedule_runs WHERE job = 'bad'")" "the job failed on purpose" "the error output is captured"
run kam --json --db "$DB" schedule history hello
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
assert r["job"] == "hello" and r["status"] == "ok" and r["exit"] == 0, r
assert r["started"].startswith("2026-01-05T09:00:") and r["started"].endswith("+08:00"), r
assert r["ended"].startswith("2026-01-05T09:00:") and r["ended"] >= r["started"], r
assert r["output"].startswith("hello"), r
' <(printf '%s' "$out")
status_is 0 "history --json: start, end, status, exit, output"
k schedule history
like "$out" "failed" "the text history shows the failure"
like "$out" "err| about to fail" "and its error output"
k schedule run-due --now 2026-01-05T09:01+08:00
is "$(q 'SELECT count(*) FROM schedule_runs')" "2" "a slot runs once: run-due again runs nothing"
k schedule remove bad; k schedule remove hello

# --- catch-up after three days with nothing running -------------------------------------
for c in once all skip; do
  k schedule add --now 2026-02-01T18:00Z --timezone UTC --catchup $c "c_$c" '0 */6 * * *' hello.lua
done
k schedule run-due --now 2026-02-02T00:00Z
is "$(q "SELECT count(*) FROM schedule_runs WHERE job LIKE 'c_%' AND status = 'ok'")" "3" "each job ran at its slot"
k schedule run-due --now 2026-02-05T01:00Z
status_is 0 "run-due three days later"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'c_once' AND status = 'ok' AND slot > strftime('%s', '2026-02-02T00:00:00')")" "1" \
  "catchup=once runs the missed slots once"
is "$(q "SELECT datetime(slot, 'unixepoch') FROM schedule_runs WHERE job = 'c_once' ORDER BY slot DESC LIMIT 1")" "2026-02-05 00:00:00" \
  "for the last missed slot"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'c_once' ORDER BY slot DESC LIMIT 1")" "caught up once for 12 slots due" "saying how many it stood for"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'c_all' AND status = 'ok' AND slot > strftime('%s', '2026-02-02T00:00:00')")" "12" \
  "catchup=all runs each of the 12 missed slots"
is "$(q "SELECT group_concat(strftime('%d %H', slot, 'unixepoch'), ',') FROM (SELECT slot FROM schedule_runs WHERE job = 'c_all' ORDER BY slot)")" \
  "02 00,02 06,02 12,02 18,03 00,03 06,03 12,03 18,04 00,04 06,04 12,04 18,05 00" "in order, each once"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'c_skip' AND status = 'ok' AND slot > strftime('%s', '2026-02-02T00:00:00')")" "0" \
  "catchup=skip runs none"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'c_skip' ORDER BY slot DESC LIMIT 1")" "skipped" "and records the skip"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'c_skip' ORDER BY slot DESC LIMIT 1")" \
  "12 slots missed while nothing was running (first 2026-02-02T06:00:00+00:00, last 2026-02-05T00:00:00+00:00): not run (catchup=skip)" \
  "saying which"
k schedule run-due --now 2026-02-05T01:00Z
is "$(q "SELECT count(*) FROM schedule_runs WHERE job LIKE 'c_%'")" "17" "nothing more on a second run-due (3 + 1 + 12 + 1 skip)"
for c in once all skip; do k schedule remove "c_$c"; done

# --- two run-due at once over 50 due jobs ------------------------------------------------
for i in $(seq 1 50); do
  k schedule add --now 2026-03-01T00:00Z --timezone UTC "par$i" '0 * * * *' mark.lua "$T/marks.txt"
done
"$KAM" --db "$DB" schedule run-due --now 2026-03-01T01:00Z >p1.out 2>p1.err & p1=$!
"$KAM" --db "$DB" schedule run-due --now 2026-03-01T01:00Z >p2.out 2>p2.err & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
is "$s1 $s2" "0 0" "both run-due processes succeed"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job LIKE 'par%' AND status = 'ok'")" "50" "50 runs recorded"
is "$(q "SELECT count(*) FROM (SELECT job FROM schedule_runs WHERE job LIKE 'par%' GROUP BY job HAVING count(*) = 1)")" "50" \
  "each job once in the history"
is "$(wc -l <marks.txt | tr -d ' ')" "50" "each job's script ran once (50 lines)"
is "$(sort marks.txt | uniq -d | wc -l | tr -d ' ')" "0" "no job ran twice"
n1=$(grep -c ' par[0-9]* ok' p1.out); n2=$(grep -c ' par[0-9]* ok' p2.out)
is "$((n1 + n2))" "50" "the two processes ran 50 between them ($n1 + $n2)"
for i in $(seq 1 50); do q "DELETE FROM schedule_jobs WHERE name = 'par$i'"; done

# --- a run killed with SIGKILL: abandoned when its lease ends; the next slot runs ---------
k schedule add --now 2026-04-01T00:00Z --timezone UTC --time-limit 600 hang '0 * * * *' block.lua "$T/go"
"$KAM" --db "$DB" schedule run-due --now 2026-04-01T01:00Z >/dev/null 2>&1 & pk=$!
wait_for "SELECT status FROM schedule_runs WHERE job = 'hang'" "running" && ok "the run is recorded as running" ||
  nok "the run is recorded as running"
kill -9 $pk; wait $pk 2>/dev/null
k schedule run-due --now 2026-04-01T01:05Z
is "$(q "SELECT status FROM schedule_runs WHERE job = 'hang'")" "running" "within its lease the run still counts as running"
touch go
k schedule run-due --now 2026-04-01T02:00Z
status_is 0 "run-due after the lease ended"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'hang' AND slot = strftime('%s', '2026-04-01T01:00:00')")" "abandoned" \
  "the killed run is shown as abandoned"
like "$(q "SELECT error FROM schedule_runs WHERE job = 'hang' AND status = 'abandoned'")" "its lease ran out" "saying why"
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'hang' AND slot = strftime('%s', '2026-04-01T01:00:00')")" "1" \
  "the abandoned slot is not run again"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'hang' AND slot = strftime('%s', '2026-04-01T02:00:00')")" "ok" \
  "the next slot runs normally"
k schedule history hang
like "$out" "abandoned" "history shows it"
rm -f go; k schedule remove hang

# --- a slot that comes while the job still runs is skipped ----------------------------------
k schedule add --now 2026-05-01T00:00Z --timezone UTC --time-limit 600 busy '*/5 * * * *' block.lua "$T/go2"
"$KAM" --db "$DB" schedule run-due --now 2026-05-01T00:05Z >/dev/null 2>&1 & pb=$!
wait_for "SELECT status FROM schedule_runs WHERE job = 'busy'" "running" && ok "the first run is running" ||
  nok "the first run is running"
k schedule run-due --now 2026-05-01T00:10Z
status_is 0 "a second scheduler at the next slot"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'busy' AND slot = strftime('%s', '2026-05-01T00:10:00')")" "skipped" \
  "records that slot as skipped"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'busy' AND status = 'skipped'")" "still running" "saying why"
touch go2
wait $pb; is "$?" "0" "the first run-due ends when its job does"
is "$(q "SELECT group_concat(status, ',') FROM (SELECT status FROM schedule_runs WHERE job = 'busy' ORDER BY slot)")" "ok,skipped" \
  "the job ran once, its next slot skipped"
k schedule remove busy

# --- time limit, bounded output ------------------------------------------------------------
k schedule add --now 2026-06-01T00:00Z --timezone UTC --time-limit 1 spin '0 * * * *' spin.lua
k schedule add --now 2026-06-01T00:00Z --timezone UTC loud '0 * * * *' loud.lua
k schedule run-due --now 2026-06-01T01:00Z
status_is 3 "run-due with a job past its time limit exits 3"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'spin'")" "timeout" "the job past its limit is recorded as timeout"
like "$(q "SELECT note FROM schedule_runs WHERE job = 'spin'")" "killed after its time limit of 1 s" "saying so"
is "$(q "SELECT status FROM schedule_runs WHERE job = 'loud'")" "ok" "the other job ran"
out_len=$(q "SELECT length(output) FROM schedule_runs WHERE job = 'loud'")
[ "$out_len" -le 66000 ] && [ "$out_len" -ge 65536 ] && ok "the output is kept bounded ($out_len characters of 200000)" ||
  nok "the output is kept bounded" "length $out_len"
like "$(q "SELECT substr(output, -80) FROM schedule_runs WHERE job = 'loud'")" "[kam: cut: the first 65536 bytes are kept, 134464 more were not]" \
  "the cut is said"
like "$(q "SELECT substr(error, -80) FROM schedule_runs WHERE job = 'loud'")" "bytes are kept" "the error output too"
is "$(q "SELECT error LIKE '%' || char(65533) || '%' FROM schedule_runs WHERE job = 'loud'")" "0" "cut at a character boundary"
k schedule remove spin; k schedule remove loud

# --- history trimmed by the scheduler ------------------------------------------------------
before=$(q "SELECT count(*) FROM schedule_runs WHERE ended_at < strftime('%s', '2026-06-01')")
[ "$before" -gt 0 ] && ok "old runs are there ($before)" || nok "old runs are there"
run kam --json --db "$DB" schedule run-due --now 2026-07-15T09:30+08:00 --keep-days 45
like "$out" "\"trimmed\": $before" "run-due trims the runs older than --keep-days"
is "$(q "SELECT count(*) FROM schedule_runs WHERE ended_at < strftime('%s', '2026-06-01')")" "0" "they are gone"
[ "$(q "SELECT count(*) FROM schedule_runs")" -gt 0 ] && ok "newer runs stay" || nok "newer runs stay"

# A job removed and added again under its name is a new job: its slots run, whatever
# the history of the old one holds.
k schedule add --now 2026-07-01T00:00Z --timezone UTC again '0 * * * *' hello.lua
k schedule run-due --now 2026-07-01T01:00Z
k schedule remove again
k schedule add --now 2026-07-01T00:00Z --timezone UTC again '0 * * * *' hello.lua
k schedule run-due --now 2026-07-01T01:00Z
is "$(q "SELECT count(*) FROM schedule_runs WHERE job = 'again' AND status = 'ok'")" "2" "a job added again runs its slots again"
is "$(q "SELECT count(DISTINCT job_id) FROM schedule_runs WHERE job = 'again'")" "2" "as a job of its own"

k schedule run-due --now 2026-07-15T09:30
status_is 2 "--now without an offset is a usage error"
like "$err" "has no offset" "saying so"

done_testing
