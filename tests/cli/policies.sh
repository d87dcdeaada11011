#!/usr/bin/env bash
# The four policies pass their own examples, run by tests/policies/run_examples.lua (until
# `kam policy test` exists); the runner fails on a wrong expectation, on a policy that
# raises and on a malformed policy table.
source "$(dirname "$0")/lib.sh"

R="$TOP/tests/policies/run_examples.lua"

# Each policy with the fewest examples it should have.
for spec in hubei:50 shantou:85 city2012:18 hq:60; do
  name=${spec%%:*} min=${spec#*:}
  run kam run "$R" "$TOP/policies/$name.lua"
  status_is 0 "$name: the runner exits 0"
  summary=${out##*$'\n'}
  like "$summary" ", 0 failed" "$name: no example fails"
  passed=${summary%% passed*}
  if [[ $passed =~ ^[0-9]+$ ]] && [ "$passed" -ge "$min" ]; then
    ok "$name: $passed examples pass (at least $min)"
  else
    nok "$name: at least $min examples pass" "summary: $summary"
  fi
  is "$err" "" "$name: nothing on stderr"
  [ "$status" = 0 ] || printf '#   %s\n' "${out//$'\n'/$'\n'#   }"
  # The host's own entry point runs the same examples.
  run kam policy test "$TOP/policies/$name.lua"
  status_is 0 "$name: kam policy test exits 0"
  like "$out" ": $passed passed, 0 failed" "$name: kam policy test passes the same $passed examples"
done

# A wrong expected grade in one example of a copy.
cp "$TOP/policies/hubei.lua" "$T/hubei.lua"
sed -i '/name = "capital: 300,000.00 is class 2"/s/grade = "2"/grade = "3"/' "$T/hubei.lua"
run grep -c 'name = "capital: 300,000.00 is class 2".*grade = "3"' "$T/hubei.lua"
is "$out" 1 "hubei copy: one expectation changed"
run kam run "$R" "$T/hubei.lua"
status_is 1 "a wrong expected grade fails the run"
like "$out" "FAIL: capital: 300,000.00 is class 2" "the failure names the example"
like "$out" 'grade: expected "3", got "2"' "it shows what was expected and what came"
like "$out" "in [300,000.00, 500,000.00) → class 2" "it shows the policy's reasons"
like "${out##*$'\n'}" ", 1 failed" "exactly one example fails"

# A wrong fn result: the Shantou revenue points at 1,500,000.00.
cp "$TOP/policies/shantou.lua" "$T/shantou.lua"
sed -i 's/{yuan(1500000), 100}, {yuan(1500000) - 1, 90}/{yuan(1500000), 90}, {yuan(1500000) - 1, 90}/' "$T/shantou.lua"
run cmp -s "$TOP/policies/shantou.lua" "$T/shantou.lua"
is "$status" 1 "shantou copy: one expectation changed"
run kam run "$R" "$T/shantou.lua"
status_is 1 "a wrong fn result fails the run"
like "$out" "FAIL: revenue points: 150000000 fen → 90" "the fn failure names the example"
like "$out" "revenue_points: expected 90, got 100" "and shows both values"
like "${out##*$'\n'}" ", 1 failed" "exactly one fn example fails"

# A score is compared exactly, its integer or float kind included.
cp "$TOP/policies/shantou.lua" "$T/shantou.lua"
sed -i '/name = "gold: 612,345.00 of 150,000,000.00, province-wide comprehensive"/s/score = 88,/score = 88.0,/' "$T/shantou.lua"
run kam run "$R" "$T/shantou.lua"
status_is 1 "a float score where the policy gives an integer fails"
like "$out" "score: expected 88.0, got 88" "the kinds show in the message"

# A wrong reason substring.
cp "$TOP/policies/city2012.lua" "$T/city2012.lua"
sed -i 's/reason = "under the VIP floor 10,000.00"/reason = "under the VIP floor 10,000.01"/' "$T/city2012.lua"
run kam run "$R" "$T/city2012.lua"
status_is 1 "a reason that no reason contains fails"
like "$out" 'reason: expected one containing "under the VIP floor 10,000.01"' "the message names the substring"

# A policy that raises: the runner reports each example and goes on.
cp "$TOP/policies/hq.lua" "$T/hq.lua"
sed -i 's/^function P.member(f, ctx)$/&\n  if f.agreement then error("policy bug") end/' "$T/hq.lua"
run kam run "$R" "$T/hq.lua"
status_is 1 "a raising policy fails the run"
like "$out" "member raised: " "the failure says member raised"
line=$(grep -n 'error("policy bug")' "$T/hq.lua" | cut -d: -f1)
like "$out" "hq.lua:$line: policy bug" "with the policy's file, line and message"
like "$out" "FAIL: credit is said to be unscored" "each example that reaches the bug fails"
unlike "${out##*$'\n'}" " 0 passed" "the examples that do not reach the bug still pass"

# Facts of a group the policy does not list in needs are refused, as the host would not
# hand them in: hq without "history" never sees first_month.
cp "$TOP/policies/hq.lua" "$T/hq.lua"
sed -i 's/^  needs = {"history", "volume"},/  needs = {"volume"},/' "$T/hq.lua"
run grep -c '^  needs = {"volume"},' "$T/hq.lua"
is "$out" 1 "hq copy: history taken out of needs"
run kam run "$R" "$T/hq.lua"
status_is 1 "an example using a withheld fact group fails"
like "$out" 'facts.first_month belongs to the fact group "history"' "the message names the fact and its group"
like "$out" "FAIL: diamond: top spend, volume and 5 years" "and the example that relied on it"

# A malformed policy table.
cat > "$T/bad.lua" <<'LUA'
return {name = "bad", title = "x", version = 1, grades = {"a", "none"}, overrides = {},
        member = function() return true, {} end, grade = function() return "zz", nil, {} end,
        examples = {{name = "one", facts = {}, grade = "a"}, {name = "one", facts = {}, member = true},
                    {name = "empty", facts = {}}}}
LUA
run kam run "$R" "$T/bad.lua"
status_is 1 "a malformed policy fails"
like "$out" "version must be a string" "a non-string version is named"
like "$out" 'grades must not list "none"' "a listed none is named"
like "$out" 'grade returned "zz", not one of the policy' "a grade outside the list is named"
like "$out" "two examples share this name" "duplicate example names are named"
like "$out" "the example expects nothing" "an example without expectations is named"

run kam run "$R"
status_is 1 "no policy argument is an error"
like "$err" "usage: kam run tests/policies/run_examples.lua POLICY.lua" "with the usage"

done_testing
