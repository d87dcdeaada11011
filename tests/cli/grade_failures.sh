#!/usr/bin/env bash
# A policy that fails while grading -- an endless loop, endless allocation, os.execute, a
# grade outside its list, an error for one customer -- makes kam grade exit 1 with a
# message naming the file (and the line, where Lua knows it) and the function, and writes
# nothing: no run, no decision, no policy source.  The failing customer is the last of
# 5,000, so that earlier batches were decided (and stored, inside the transaction) first.
# A policy that does not load (syntax error, no member function, a grade listed twice)
# fails the same way; kam policy check reports those and forbidden calls with lines.
source "$(dirname "$0")/lib.sh"
# Every case here tests something other than the deadline (a budget, the memory cap, a
# crash, an error): a deadline no slowness meets, so a loaded machine cannot turn them into
# "stopped after 5000 ms (time limit)".  The deadline's own case sets a short one.
export KAM_POLICY_TIME_MS=600000
P="$TOP/tests/fixtures/grade/policies"
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac

q() { sqlite3 g.db "$1"; }
counts() { q "SELECT (SELECT count(*) FROM grading_runs), (SELECT count(*) FROM decisions), (SELECT count(*) FROM policies)"; }
# names_function FN DESC: the last message names function FN ("function 'FN'" or "FN()")
names_function() {
  case $err in
    *"function '$1'"* | *"$1()"*) ok "$2" ;;
    *) nok "$2" "got:  $err" "want: function '$1' or $1() named" ;;
  esac
}

"$GEN" --customers 5000 --months 12 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db g.db init --policy hubei
run kam --db g.db import customers gp/customers.csv
run kam --db g.db import ledger gp/ledger.csv
status_is 0 "a province of 5,000 customers"
run kam --db g.db grade --year 2025 --as-of 2026-01-15
status_is 0 "hubei grades it"
before=$(counts)
is "$before" "1|5000|1" "one run, 5,000 decisions, one policy stored"
last=$(q "SELECT printf('%014d', max(code)) FROM customers")
mkdir pol
for f in loop alloc exec bad_grade one_error; do sed "s/@CODE@/$last/" "$P/$f.lua" >"pol/$f.lua"; done

# fails NAME FUNCTION DESC: kam grade under pol/NAME.lua exits 1 naming the file and the
# function, and writes nothing.  (How long it took is shown, not tested.)
fails() {
  local name=$1 fn=$2 desc=$3 start=$SECONDS
  run kam --db g.db --policy "pol/$name.lua" grade --year 2025 --as-of 2026-01-15 --adopt
  status_is 1 "$desc: kam grade exits 1"
  like "$err" "pol/$name.lua" "$desc: the message names the policy file"
  names_function "$fn" "$desc: the message names $fn()"
  like "$err" "$last" "$desc: the message names the customer ($last)"
  is "$(counts)" "$before" "$desc: no run, decision or policy source written"
  printf '#   %s (after %d s)\n' "$err" $((SECONDS - start))
}
fails loop grade "endless loop in grade()"
like "$err" "instruction limit" "endless loop: the instruction budget is named"
fails alloc grade "endless allocation in grade()"
like "$err" "memory limit of 64 MiB exceeded" "endless allocation: the memory cap is named"
# The deadline: string.find on a pattern that backtracks runs inside C, where no
# instruction budget reaches; only the wall-clock deadline (here $KAM_POLICY_TIME_MS) does.
cat >pol/hang.lua <<EOF
local P = { name = "hang", title = "test: hang", version = "1", grades = {"a", "b"}, needs = {} }
function P.member(f, ctx) return true, {"member"} end
function P.grade(f, ctx)
  if f.code == "$last" then string.find(("a"):rep(100000), ("a-"):rep(4) .. "b") end
  return "a", nil, {"grade a"}
end
return P
EOF
KAM_POLICY_TIME_MS=300 fails hang grade "a hang inside string.find"
like "$err" "stopped after 300 ms (time limit)" "the hang: the deadline of \$KAM_POLICY_TIME_MS is named"
KAM_POLICY_TIME_MS=soon run kam --db g.db --policy pol/hang.lua grade --year 2025 --as-of 2026-01-15 --dry-run
status_is 1 "a \$KAM_POLICY_TIME_MS that is no number: the hang still fails the grading"
like "$err" "KAM_POLICY_TIME_MS 'soon' is not a number of milliseconds from 1 to 86400000; the deadline is 5000 ms" \
  "the bad value is named, with the deadline used instead"
like "$err" "stopped after 5000 ms (time limit)" "and that deadline applies"
is "$(grep -c "KAM_POLICY_TIME_MS 'soon'" <<<"$err")" 1 "the warning comes once"
fails exec member "os.execute in member()"
like "$err" "pol/exec.lua:6:" "os.execute: the line Lua gives"
like "$err" "'os'" "os.execute: the missing global is named"
[ -e pwned ] || [ -e "$TOP/pwned" ] && nok "os.execute ran nothing" || ok "os.execute ran nothing"
fails bad_grade grade "a grade outside the list"
like "$err" "'platinum'" "a grade outside the list: the grade is named"
fails one_error grade "error() in grade() for one customer"
line=$(grep -n 'error("no rule' "pol/one_error.lua" | cut -d: -f1)
like "$err" "pol/one_error.lua:$line: no rule for this customer" "error(): the line and the policy's message"

run kam --db g.db --policy pol/one_error.lua grade --year 2025 --as-of 2026-01-15 --dry-run
status_is 1 "a failing policy fails a dry run too"
run kam --db g.db --policy pol/one_error.lua --json grade --year 2025 --as-of 2026-01-15 --adopt
status_is 1 "and with --json"
is "$(printf '%s' "$out" | jq -r '[.function, .customer] | join(" ")')" "grade $last" \
  "the error document names the function and the customer as fields"
is "$(printf '%s' "$out" | jq -r '[.file, .line] | join(":")')" "pol/one_error.lua:$line" \
  "and the policy's file and line"
like "$(printf '%s' "$out" | jq -r .error)" "(function 'grade', customer $last)" "and its message names them too"
is "$(counts)" "$before" "nothing written"
run kam --db g.db grade --year 2025 --as-of 2026-01-15
status_is 0 "a good policy grades after the failures"
is "$(counts)" "2|10000|1" "and its run is stored"
before=$(counts)

# --- policies that do not load ------------------------------------------------------------
cp "$P/syntax.lua" "$P/no_member.lua" "$P/dup_grade.lua" "$P/forbidden.lua" pol/
run kam --db g.db --policy pol/syntax.lua grade --year 2025
status_is 1 "a syntax error: kam grade exits 1"
like "$err" "pol/syntax.lua:5:" "naming the file and line"
run kam --db g.db --policy pol/no_member.lua grade --year 2025
status_is 1 "no member function: kam grade exits 1"
like "$err" "pol/no_member.lua" "naming the file"
like "$err" "missing function 'member'" "and the missing function"
run kam --db g.db --policy pol/dup_grade.lua grade --year 2025
status_is 1 "a grade listed twice: kam grade exits 1"
like "$err" "pol/dup_grade.lua" "naming the file"
like "$err" "'a' twice" "and the grade"
run kam --db g.db --policy pol/nothere.lua grade --year 2025
status_is 1 "a policy file that does not exist: exit 1"
like "$err" "pol/nothere.lua: no such policy file" "said so"
is "$(counts)" "$before" "nothing written by policies that do not load"

run kam --db g.db policy check pol/syntax.lua
status_is 1 "policy check: a syntax error"
like "$err" "pol/syntax.lua:5: unexpected symbol near ','" "with its line"
run kam --db g.db policy check pol/no_member.lua
status_is 1 "policy check: no member function"
like "$err" "missing function 'member'" "named"
run kam --db g.db policy check pol/dup_grade.lua
status_is 1 "policy check: a duplicate grade"
like "$err" "grades lists 'a' twice" "named"
line=$(grep -n 'os.execute' pol/forbidden.lua | grep -v -- '--' | cut -d: -f1)
run kam --db g.db policy test pol/forbidden.lua
status_is 0 "the forbidden call is in a function no example reaches: its examples pass"
run kam --db g.db policy check pol/forbidden.lua
status_is 1 "policy check: a forbidden call"
like "$err" "pol/forbidden.lua:$line: 'os' is not available to policies" "with its line ($line)"
unlike "$err" "forbidden.lua:1:" "a mention in a comment is not reported"
like "$err" "1 problem" "one problem"
run kam --db g.db policy check "$TOP/policies/hubei.lua"
status_is 0 "policy check: hubei is fine"
like "$out" "ok (hubei 2026.1, 4 grades" "said so"

done_testing
