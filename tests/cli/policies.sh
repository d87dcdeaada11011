#!/usr/bin/env bash
# The four policies pass their own examples under `kam policy test` (the host's one runner:
# member() and grade() through the grading contract check, in the sandbox); the runner
# fails on a wrong expectation, on a policy that raises, on a malformed example and on a
# result grading would refuse.
source "$(dirname "$0")/lib.sh"

# Each policy with the fewest examples it should have.
for spec in hubei:55 shantou:95 city2012:20 hq:60; do
  name=${spec%%:*} min=${spec#*:}
  run kam policy test "$TOP/policies/$name.lua"
  status_is 0 "$name: kam policy test exits 0"
  summary=${out##*$'\n'}
  like "$summary" ", 0 failed" "$name: no example fails"
  passed=${summary##*: } passed=${passed%% passed*}
  if [[ $passed =~ ^[0-9]+$ ]] && [ "$passed" -ge "$min" ]; then
    ok "$name: $passed examples pass (at least $min)"
  else
    nok "$name: at least $min examples pass" "summary: $summary"
  fi
  is "$err" "" "$name: nothing on stderr"
  [ "$status" = 0 ] || printf '#   %s\n' "${out//$'\n'/$'\n'#   }"
  # --json: one document with the same counts.
  run kam --json policy test "$TOP/policies/$name.lua"
  is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["policy"], d["passed"], d["failed"], len(d["examples"]), all(e["ok"] for e in d["examples"]))')" \
    "$name $passed 0 $passed True" "$name: policy test --json is one document with the same counts"
done
[ -e "$TOP/tests/policies/run_examples.lua" ] && nok "the second example runner is gone" ||
  ok "the second example runner is gone (kam policy test is the one)"

# A wrong expected grade in one example of a copy.
cp "$TOP/policies/hubei.lua" "$T/hubei.lua"
sed -i '/name = "capital: 300,000.00 is class 2"/s/grade = "2"/grade = "3"/' "$T/hubei.lua"
run grep -c 'name = "capital: 300,000.00 is class 2".*grade = "3"' "$T/hubei.lua"
is "$out" 1 "hubei copy: one expectation changed"
run kam policy test "$T/hubei.lua"
status_is 1 "a wrong expected grade fails the run"
like "$out" "FAIL hubei example 3 (capital: 300,000.00 is class 2): grade: expected 3, got 2" \
  "the failure names the example and shows what was expected and what came"
like "${out##*$'\n'}" ", 1 failed" "exactly one example fails"
run kam --json policy test "$T/hubei.lua"
status_is 1 "--json: exit 1 too"
like "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print([ (e["message"], e["reasons"]) for e in d["examples"] if not e["ok"]])')" \
  "in [300,000.00, 500,000.00) → class 2" "--json: the failure with the policy's reasons"

# A wrong fn result: the Shantou revenue points at 1,500,000.00.
cp "$TOP/policies/shantou.lua" "$T/shantou.lua"
sed -i 's/{yuan(1500000), 100}, {yuan(1500000) - 1, 90}/{yuan(1500000), 90}, {yuan(1500000) - 1, 90}/' "$T/shantou.lua"
run cmp -s "$TOP/policies/shantou.lua" "$T/shantou.lua"
is "$status" 1 "shantou copy: one expectation changed"
run kam policy test "$T/shantou.lua"
status_is 1 "a wrong fn result fails the run"
like "$out" "(revenue points: 150000000 fen → 90): revenue_points: expected 90, got 100" "the fn failure names the example and both values"
like "${out##*$'\n'}" ", 1 failed" "exactly one fn example fails"

# A score is compared exactly, its integer or float kind included.
cp "$TOP/policies/shantou.lua" "$T/shantou.lua"
sed -i '/name = "gold: 612,345.00 of 150,000,000.00, province-wide comprehensive"/s/score = 88,/score = 88.5,/' "$T/shantou.lua"
run kam policy test "$T/shantou.lua"
status_is 1 "a wrong score fails"
like "$out" "score: expected 88.5, got 88" "both scores in the message"

# A wrong reason substring.
cp "$TOP/policies/city2012.lua" "$T/city2012.lua"
sed -i 's/reason = "under the VIP floor 10,000.00: a key account/reason = "under the VIP floor 10,000.01: a key account/' "$T/city2012.lua"
run kam policy test "$T/city2012.lua"
status_is 1 "a reason that no reason contains fails"
like "$out" 'reason: expected under the VIP floor 10,000.01' "the message names the substring"

# A policy that raises: each example that reaches the bug fails, with file and line.
cp "$TOP/policies/hq.lua" "$T/hq.lua"
sed -i 's/^function P.member(f, ctx)$/&\n  if f.agreement then error("policy bug") end/' "$T/hq.lua"
run kam policy test "$T/hq.lua"
status_is 1 "a raising policy fails the run"
line=$(grep -n 'error("policy bug")' "$T/hq.lua" | cut -d: -f1)
like "$out" "hq.lua:$line: policy bug (function 'member', customer 42010000001000)" "with the policy's file, line, function and customer"
like "$out" "FAIL hq example 13 (credit is said to be unscored)" "each example that reaches the bug fails"
unlike "${out##*$'\n'}" " 0 passed" "the examples that do not reach the bug still pass"

# Facts of a group the policy does not list in needs are refused, as the host would not
# hand them in: hq without "history" never sees first_month.
cp "$TOP/policies/hq.lua" "$T/hq.lua"
sed -i 's/^  needs = {"history", "volume"},/  needs = {"volume"},/' "$T/hq.lua"
run grep -c '^  needs = {"volume"},' "$T/hq.lua"
is "$out" 1 "hq copy: history taken out of needs"
run kam policy test "$T/hq.lua"
status_is 1 "an example using a withheld fact group fails"
like "$out" "the example sets 'first_month', a fact of group 'history', which the policy's needs do not list" \
  "the message names the fact and its group"
like "$out" "(diamond: top spend, volume and 5 years)" "and the example that relied on it"

# Malformed examples.
cat >"$T/badex.lua" <<'LUA'
local P = {name = "badex", version = "1", grades = {"a"}, needs = {"by_line"},
           member = function() return true, {"m"} end, grade = function() return "a", nil, {"g"} end}
P.examples = {{name = "one", facts = {}, grade = "a"}, {name = "one", facts = {}, member = true},
              {name = "empty", facts = {}}, {name = "nofacts", grade = "a"},
              {name = "line", facts = {by_line = {telegrams = 1}}, grade = "a"}}
return P
LUA
run kam policy test "$T/badex.lua"
status_is 1 "malformed examples fail"
like "$out" "two examples share this name (the first is example 1)" "duplicate example names are named"
like "$out" "the example expects nothing" "an example without expectations is named"
like "$out" "an example needs facts (a table) or fn" "an example without facts is named"
like "$out" "facts.by_line: 'telegrams' is not a business line" "an unknown business line is named"
like "${out##*$'\n'}" "1 passed, 4 failed" "one good example among them"

# What grading refuses, policy test refuses with the same message (one contract check).
for case in \
  'reasons_string|return "a", nil, "one reason"|grade() for customer 42010000001000: reasons must be a list of strings' \
  'score_string|return "a", "88", {"g"}|grade() for customer 42010000001000: must return a number or nil as the score' \
  'score_inf|return "a", 1/0, {"g"}|grade() for customer 42010000001000: returned the score inf; a score must be a finite number' \
  'score_nan|return "a", 0/0, {"g"}|grade() for customer 42010000001000: returned the score nan' \
  'bad_grade|return "zz", nil, {"g"}|grade() for customer 42010000001000: returned '"'"'zz'"'"', which is not one of the policy'"'"'s grades'; do
  IFS='|' read -r n body want <<<"$case"
  cat >"$T/$n.lua" <<LUA
local P = {name = "$n", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx) return true, {"m"} end
function P.grade(f, ctx) $body end
P.examples = {{name = "one", facts = {agreement = true}, grade = "a"}}
return P
LUA
  run kam policy test "$T/$n.lua"
  status_is 1 "$n: policy test fails"
  like "$out" "$want" "$n: with the grading message"
  run kam policy check "$T/$n.lua"
  status_is 1 "$n: policy check fails too (it runs the examples)"
  like "$err" "$want" "$n: policy check says the same"
done
cat >"$T/member_yes.lua" <<'LUA'
local P = {name = "member_yes", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx) return "yes", "reason" end
function P.grade(f, ctx) return "a", nil, {"g"} end
P.examples = {{name = "one", facts = {}, grade = "a"}}
return P
LUA
run kam policy test "$T/member_yes.lua"
status_is 1 "member returning \"yes\", \"reason\": policy test fails, no crash"
like "$out" "member() for customer 42010000001000: must return true or false first" "with the grading message"
unlike "$out$err" "policy.lua:" "no error inside the command script"
# The same policies under kam grade give the same message.
printf 'code,name,place,city,county,agreement\n42010200001000,x,capital,武汉市,,yes\n' >c.csv
run kam --db k.db init --policy hubei
run kam --db k.db import customers c.csv
printf 'code,month,line,amount\n42010200001000,2025-12,express,20000.00\n' >l.csv
run kam --db k.db import ledger l.csv
run kam --db k.db --policy "$T/score_inf.lua" grade --year 2025 --dry-run
status_is 1 "kam grade refuses an infinite score"
like "$err" "grade() for customer 42010200001000: returned the score inf; a score must be a finite number" "naming the function and the customer"
run kam --db k.db --policy "$T/score_inf.lua" grade --adopt --year 2025
status_is 1 "... and stores nothing"
is "$(sqlite3 k.db "SELECT count(*) FROM decisions")" 0 "no decision stored (no Inf in any export)"
run kam --db k.db --policy "$T/member_yes.lua" grade --year 2025 --dry-run
like "$err" "member() for customer 42010200001000: must return true or false first" "grade: the same message as policy test"

done_testing
