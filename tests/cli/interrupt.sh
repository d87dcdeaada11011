#!/usr/bin/env bash
# Ctrl-C: an interrupted import, grade, grade diff, export or run exits 1 saying
# "interrupted" and what was kept (nothing), with real SIGINTs.  A SIGINT that reaches only
# a policy's worker is an interruption too, never the policy's crash.
#
# No timing decides anything here: each command is held at a point it cannot pass
# without the test -- a FIFO it reads or writes, or a policy that hangs inside
# string.find under a deadline (KAM_POLICY_TIME_MS) no slowness meets -- and the signal is
# sent once the command is provably past installing its handler (it opened the FIFO,
# wrote a first line, or started a worker).  If the interruption did not work, the command
# would go on to finish or to meet that deadline, and the assertions fail.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
# Held commands finish on their own after 5 minutes at worst (then the tests fail).
export KAM_POLICY_TIME_MS=300000

# wait_for CMD...: poll until CMD succeeds (it always does, soon; the bound only keeps a
# broken build from hanging the suite)
wait_for() {
  local i
  for ((i = 0; i < 6000; i++)); do "$@" && return 0; sleep 0.05; done
  return 1
}
# finish PID: wait for it; $status, $out and $err as `run` leaves them
finish() {
  wait "$1"; status=$?
  out=$(cat "$T/.out"); err=$(cat "$T/.err")
}
# has_children PID N: PID has N children (workers); $child is the newest
has_children() { [ "$(pgrep -c -P "$1")" -ge "$2" ] && child=$(pgrep -n -P "$1"); }
said() { grep -q "$1" "$2" 2>/dev/null; }

"$GEN" --customers 3000 --months 12 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db p.db init --policy hubei
run kam --db p.db import customers gp/customers.csv
run kam --db p.db import ledger gp/ledger.csv
status_is 0 "a province of 3,000 customers and $(($(wc -l <gp/ledger.csv) - 1)) ledger rows"
q() { sqlite3 "$1" "$2"; }

# --- import: held on a FIFO it reads ------------------------------------------------------------
run kam --db i.db init --policy hubei
run kam --db i.db import customers gp/customers.csv
imports_before=$(q i.db "SELECT count(*) FROM imports")
# import_held [kam options...]: kam import ledger in.csv, interrupted after 1,000 rows were fed
import_held() {
  rm -f in.csv; mkfifo in.csv
  "$KAM" --db i.db "$@" in.csv >"$T/.out" 2>"$T/.err" & pid=$!
  exec 3>in.csv            # returns once kam has opened the file: its handler is in place
  head -1001 gp/ledger.csv >&3
  kill -INT $pid
  tail -n +1002 gp/ledger.csv | head -1000 >&3 2>/dev/null
  exec 3>&-
  finish $pid
}
import_held import ledger
status_is 1 "import: interrupted, exit 1"
is "$err" "kam: import ledger in.csv: interrupted; nothing was imported" "import: says so, and that nothing was imported"
is "$(q i.db "SELECT count(*) FROM ledger") $(q i.db "SELECT count(*) FROM imports")" "0 $imports_before" \
  "import: no ledger row and no import record kept"
import_held import ledger --reject-file rej.csv
status_is 1 "import --reject-file: interrupted, exit 1"
is "$err" "kam: import ledger in.csv: interrupted; nothing was imported and no reject file written" \
  "import --reject-file: says that no reject file was written"
is "$(ls rej.csv* 2>/dev/null)" "" "import --reject-file: no reject file, no temporary one"
import_held --json import ledger
status_is 1 "import --json: interrupted, exit 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["error"])')" \
  "import ledger in.csv: interrupted; nothing was imported" "import --json: the document's error says so"
is "$(q i.db "SELECT count(*) FROM ledger")" 0 "still nothing imported"
run kam --db i.db import ledger gp/ledger.csv
status_is 0 "the same import without Ctrl-C loads"

# --- grade: held by a policy that hangs inside string.find --------------------------------------
run kam --db k.db init --policy hubei
run kam --db k.db import customers "$F/hubei_customers.csv"
run kam --db k.db import ledger "$F/hubei_ledger.csv"
run kam --db k.db grade --year 2025 --as-of 2026-01-15
status_is 0 "the hubei fixture, graded once"
counts() { q k.db "SELECT (SELECT count(*) FROM grading_runs), (SELECT count(*) FROM decisions), (SELECT count(*) FROM policies)"; }
before=$(counts)
cat >hang.lua <<'EOF'
-- grade() never returns: string.find backtracks inside C, where no instruction budget reaches.
local P = { name = "hang", title = "test: hang", version = "1", grades = {"a", "b"}, needs = {} }
function P.member(f, ctx) return true, {"member"} end
function P.grade(f, ctx)
  string.find(("a"):rep(100000), ("a-"):rep(4) .. "b")
  return "a", nil, {"grade a"}
end
return P
EOF
# grade_held TARGET N [kam options and command...]: start it, wait for its N workers (one
# per policy: 41 customers make one batch), send SIGINT to TARGET (host: kam itself;
# worker: the newest worker alone, the hanging policy's; group: kam and its workers at
# once, as Ctrl-C at a terminal does -- kam runs in a process group of its own then)
grade_held() {
  local target=$1 n=$2; shift 2
  if [ "$target" = group ]; then
    setsid "$KAM" --db k.db "$@" >"$T/.out" 2>"$T/.err" & pid=$!
  else
    "$KAM" --db k.db "$@" >"$T/.out" 2>"$T/.err" & pid=$!
  fi
  wait_for has_children $pid "$n"
  case $target in
    host) kill -INT $pid ;;
    worker) kill -INT "$child" ;;
    group) # only kam's own group, never the test's
      if [ "$(ps -o pgid= -p $pid | tr -d ' ')" = "$pid" ]; then kill -INT -- -$pid; else kill -INT $pid; nok "kam leads its own process group"; fi ;;
  esac
  finish $pid
}
grade_held host 1 --policy hang.lua grade --adopt --year 2025 --as-of 2026-01-15
status_is 1 "grade: Ctrl-C, exit 1"
like "$err" "kam: grade 2025: interrupted; nothing was written" "grade: says so, and that nothing was written"
is "$(counts)" "$before" "grade: no run, decision or policy source kept"
is "$(pgrep -P $pid)" "" "grade: no worker left behind"
grade_held worker 1 --policy hang.lua grade --adopt --year 2025 --as-of 2026-01-15
status_is 1 "grade: a SIGINT to the policy's worker alone, exit 1"
like "$err" "kam: grade 2025: interrupted; nothing was written" "grade: reported as an interruption"
unlike "$err" "crash" "grade: not as the policy's crash"
is "$(counts)" "$before" "grade: nothing kept"
grade_held group 1 --policy hang.lua grade --adopt --year 2025 --as-of 2026-01-15
status_is 1 "grade: SIGINT to kam and its worker at once (Ctrl-C at a terminal), exit 1"
like "$err" "kam: grade 2025: interrupted; nothing was written" "grade: one message, an interruption"
is "$(counts)" "$before" "grade: nothing kept"
grade_held host 1 --json --policy hang.lua grade --adopt --year 2025 --as-of 2026-01-15
status_is 1 "grade --json: Ctrl-C, exit 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["error"], d["status"])')" \
  "grade 2025: interrupted; nothing was written 1" "grade --json: one document saying so"
grade_held host 2 grade diff hubei hang.lua --year 2025 --as-of 2026-01-15
status_is 1 "grade diff: Ctrl-C, exit 1"
is "$err" "kam: grade diff: interrupted (a diff writes nothing)" "grade diff: says so"
grade_held worker 2 grade diff hubei hang.lua --year 2025 --as-of 2026-01-15
status_is 1 "grade diff: a SIGINT to a worker alone, exit 1"
is "$err" "kam: grade diff: interrupted (a diff writes nothing)" "grade diff: an interruption, not a crash"
is "$(counts)" "$before" "nothing written by any of them"

# --- export: held on a FIFO it writes -------------------------------------------------------------
# export_held FIFO [kam options...]: read the first line kam writes to FIFO (it is past its
# handler then), send SIGINT, read the rest
export_held() {
  local fifo=$1; shift
  exec 3<"$fifo"
  read -r first <&3
  kill -INT $pid
  cat <&3 >/dev/null
  exec 3<&-
  finish $pid
}
rm -f out.fifo; mkfifo out.fifo
"$KAM" --db p.db export ledger >out.fifo 2>"$T/.err" & pid=$!
: >"$T/.out"
export_held out.fifo
status_is 1 "export to a pipe: interrupted, exit 1"
like "$err" "kam: export: interrupted after " "export to a pipe: says so"
like "$err" "; the output is incomplete" "and that the output is incomplete"
is "$first" "code,month,line,amount,volume" "(the header had been written)"
# -o FILE writes FILE.tmpPID first: here a FIFO, made by the shell that becomes kam.
sh -c 'mkfifo "out.csv.tmp$$" && exec "$0" --db p.db export ledger -o out.csv' "$KAM" >"$T/.out" 2>"$T/.err" & pid=$!
wait_for [ -p "out.csv.tmp$pid" ]
export_held "out.csv.tmp$pid"
status_is 1 "export -o: interrupted, exit 1"
is "$err" "kam: export: interrupted; out.csv was not written" "export -o: says the file was not written"
is "$(ls out.csv* 2>/dev/null)" "" "export -o: neither the file nor the temporary one is there"

# --- run -----------------------------------------------------------------------------------------
cat >txn.lua <<'EOF'
kam.db.transaction(function()
  kam.db.exec("INSERT INTO bureau_revenue(bureau, year, amount) VALUES ('汕头市', 2025, 100)")
  io.stderr:write("started\n")
  while true do end
end)
EOF
"$KAM" --db k.db run txn.lua >"$T/.out" 2>"$T/.err" & pid=$!
wait_for said started "$T/.err"
kill -INT $pid
finish $pid
status_is 1 "run: Ctrl-C, exit 1"
like "$err" "kam: run txn.lua: interrupted; what it had not committed was rolled back" "run: says so and what was kept"
like "$err" $'stack traceback:\n' "run: with where it was"
is "$(q k.db "SELECT count(*) FROM bureau_revenue")" 0 "run: its transaction was rolled back"
cat >box.lua <<'EOF'
local box = kam.sandbox.open('return { hang = function() string.find(("a"):rep(100000), ("a-"):rep(4) .. "b") end }',
  "policies/h.lua", { time_ms = 300000 })
io.stderr:write("started\n")
box:call("hang", { 1 })
EOF
"$KAM" --db k.db run box.lua >"$T/.out" 2>"$T/.err" & pid=$!
wait_for said started "$T/.err"
wait_for has_children $pid 1
kill -INT "$child"
finish $pid
status_is 1 "run: a SIGINT to a sandbox worker alone, exit 1"
like "$err" "kam: run box.lua: interrupted" "run: reported as an interruption"
unlike "$err" "crash" "not as a crash"

done_testing
