#!/usr/bin/env bash
# kam policy list | show | check | test: every shipped policy passes its own examples
# ("N passed, 0 failed", exit 0) and a broken example fails (exit 1); list marks the
# default; show prints grades and numbers; the --json variants are valid JSON.
source "$(dirname "$0")/lib.sh"
P="$TOP/tests/fixtures/grade/policies"
policies=(hubei shantou city2012)
[ -f "$TOP/policies/hq.lua" ] && policies+=(hq)
json() { printf '%s' "$out" | python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }

# --- test --------------------------------------------------------------------------------
for p in "${policies[@]}"; do
  run kam policy test $p
  status_is 0 "policy test $p exits 0"
  last=${out##*$'\n'}
  if [[ $last =~ ^$p\ [^:]+:\ ([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 10 ]; then
    ok "policy test $p: \"${BASH_REMATCH[1]} passed, 0 failed\""
  else
    nok "policy test $p: \"N passed, 0 failed\"" "last line: $last"
  fi
  unlike "$out" "FAIL" "policy test $p: no example fails"
done
run kam policy test "$P/broken_example.lua"
status_is 1 "a policy with a broken example: exit 1"
like "$out" "broken_example 1: 2 passed, 1 failed" "the count says so"
like "$out" "FAIL broken_example example 2 (0.99 is a (wrong: it is b)): grade: expected a, got b" "the failing example is named, with both grades"
cp "$TOP/policies/city2012.lua" city2012_broken.lua
sed -i '/name = "gold: 500,000.00"/s/grade = "gold"/grade = "vip"/' city2012_broken.lua
run grep -c 'name = "gold: 500,000.00".*grade = "vip"' city2012_broken.lua
is "$out" 1 "a city2012 copy with one wrong expectation"
run kam policy test ./city2012_broken.lua
status_is 1 "its policy test exits 1"
like "${out##*$'\n'}" ", 1 failed" "one example fails"
like "$out" 'expected vip, got gold' "with both grades"
printf 'return {name = "noex", version = "1", grades = {"a"}, member = function() return false, {} end,\n  grade = function() return "a" end}\n' >noex.lua
run kam policy test ./noex.lua
status_is 1 "a policy without examples: exit 1"
like "$err" "has no examples" "said so"
# Without a name: the database's policy.
run kam --db s.db init --policy shantou
run kam --db s.db policy test
status_is 0 "policy test without a name"
like "$out" "shantou 2026.1: " "tests the database's policy"
run kam --db s.db --policy city2012 policy test
like "$out" "city2012 2026.1: " "--policy wins over the database's"

# --- list ----------------------------------------------------------------------------------
run kam --db s.db policy list
status_is 0 "policy list"
for p in "${policies[@]}"; do like "$out" " $p " "lists $p"; done
is "$(grep -c '^\*' <<<"$out")" 1 "one policy is marked"
like "$(grep '^\*' <<<"$out")" " shantou " "the database's default (shantou) is marked with '*'"
run kam --db s.db --policy city2012 policy list
like "$(grep '^\*' <<<"$out")" " city2012 " "--policy moves the mark"
run kam --db s.db --json policy list
status_is 0 "policy list --json"
is "$(json 'print(sorted(r["name"] for r in d)); print([r["name"] for r in d if r["default"] in ("*", True)]); print(all(r["version"] in ("2026.1", "2025.1") and r["grades"] for r in d))')" \
  "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "${policies[@]}")
['shantou']
True" "policy list --json: valid JSON with the policies, their versions and grades, and the default"
# A broken file among the policies: listed as broken, the list still works.
mkdir extra
cp "$P/syntax.lua" extra/zz_broken.lua
run env KAM_POLICY_PATH="$T/extra" "$KAM" --db s.db policy list
status_is 0 "a broken policy file does not break the list"
like "$(grep zz_broken <<<"$out")" "broken: " "it is listed as broken"
like "$out" " hubei " "the others are still listed"

# --- show -----------------------------------------------------------------------------------
hash=$(sha256sum "$TOP/policies/hubei.lua" | cut -d' ' -f1)
run kam policy show hubei
status_is 0 "policy show hubei"
like "$out" "hubei 2026.1 — 湖北邮政速递物流专业大客户管理实施细则(试行)" "name, version, title"
like "$out" "sha256   $hash" "the hash of the file"
like "$out" "grades   1, 2, 3, 4 (best first; none = not a key account)" "the grades"
like "$out" "cultivation 培育期 (grades 1/2/3, needs an end date, only raises)" "the override kinds"
like "$out" "revenue  express, logistics, same_city, international, freight, forwarding" "hubei's revenue lines (EMS and logistics)"
like "$out" "fluctuation_pct = 30" "a number"
like "$out" "advance_limit = 500000" "a nested number (claims, in fen)"
like "$out" "enrolled_pay_days = 7" "the green channel's enrolled customers (not 'vip', DOMAIN §4)"
like "$out" "symposiums_per_year = 1" "the symposium obligation (1 a year)"
like "$out"$'\n' "    assessment:"$'\n'"      points_per_missing_symposium = 5"$'\n'"      symposiums_per_year = 2"$'\n' \
  "and the assessment's bar (2 a year), apart (DOMAIN §4)"
run kam policy show shantou
like "$out" "grades   diamond, gold, silver, general" "shantou's grades"
like "$out" "approved_diamond 省局大客户中心批准的钻石客户 (grades diamond, needs an approver)" "its override needs an approver"
run kam policy show city2012
like "$out" "overrides none" "city2012 accepts no overrides"
like "$out" "registration_days = 180" "and its numbers"
unlike "$out" "symposiums_per_year" "no symposium obligation: the 2012 rules set none (DOMAIN §4)"
run kam --json policy show hubei
status_is 0 "policy show --json"
is "$(json 'print(d["name"], d["version"], d["hash"], d["grades"], d["numbers"]["claims"]["advance_limit"], d["numbers"]["fluctuation_pct"], d["overrides"]["cultivation"]["needs_until"], d["overrides"]["cultivation"]["grades"], d["examples"] > 10, d["needs"])')" \
  "hubei 2026.1 $hash ['1', '2', '3', '4'] 500000 30 True ['1', '2', '3'] True ['bureau']" \
  "policy show --json: name, version, hash, grades, numbers, overrides, examples, needs"
run kam --json policy show city2012
is "$(json 'print(d["overrides"], d["needs"], sorted(d["numbers"]["archive_refresh_months"].items()))')" \
  "{} ['by_line'] [('gold', 2), ('platinum', 3), ('vip', 1)]" "city2012 --json: no overrides, the by_line group (specialty Gold), its own numbers"
run kam --db s.db policy show
like "$out" "shantou 2026.1" "show without a name: the database's policy"
run kam policy show "$P/forbidden.lua"
status_is 0 "show takes a file too"
like "$out" "forbidden 1" "... and shows it"

# --- check ---------------------------------------------------------------------------------
run kam policy check "$TOP/policies/shantou.lua"
status_is 0 "policy check shantou.lua"
like "$out" "ok (shantou 2026.1, 4 grades" "ok, with the grade count"
like "$out" "examples pass)" "... after running its examples"

run kam policy show shantou
like "$out" "revenue  every line" "shantou counts every line"
# revenue_lines names business lines.
printf 'return {name = "rl", version = "1", grades = {"a"}, revenue_lines = {"express", "telegrams"},\n  member = function() return false, {} end, grade = function() return "a" end}\n' >rl.lua
run kam policy check ./rl.lua
status_is 1 "check: an unknown revenue line"
like "$err" "rl.lua: revenue_lines[2]: 'telegrams' is not a business line" "named, with its place in the list"
printf 'return {name = "rl", version = "1", grades = {"a"}, revenue_lines = {},\n  member = function() return false, {} end, grade = function() return "a" end}\n' >rl.lua
run kam policy check ./rl.lua
like "$err" "rl.lua: revenue_lines must be a non-empty list of business lines" "an empty list is refused"

# Contract problems name their line: the table returned, the second listing of a grade.
run kam policy check "$P/no_member.lua"
status_is 1 "check: no member function"
like "$err" "no_member.lua:$(grep -n '^return P' "$P/no_member.lua" | cut -d: -f1): missing function 'member' in the table returned here" \
  "a missing function is reported at the line of the table returned"
run kam policy check "$P/dup_grade.lua"
status_is 1 "check: a grade listed twice"
like "$err" "dup_grade.lua:3: grades lists 'a' twice" "a duplicate grade is reported at its second listing (line 3)"
cat >dup_kind.lua <<'LUA'
local P = {name = "dup_kind", version = "1", grades = {"a", "b"}, needs = {}}
P.overrides = {
  review = {title = "r",
            grades = {"a",
                      "b", "a"}},
}
function P.member(f, ctx) return true, {"m"} end
function P.grade(f, ctx) return "a", nil, {"g"} end
return P
LUA
run kam policy check ./dup_kind.lua
like "$err" "dup_kind.lua:5: overrides.review.grades lists 'a' twice" "... in an override kind's grades too"
# The lint's forbidden names are what the sandbox's allow-list leaves out of a full Lua.
cat >lintme.lua <<'LUA'
-- print(os.time()) in a comment is no problem
local P = {name = "lintme", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx) return true, {"m"} end
function P.grade(f, ctx)
  local t = {random = 1, dump = 2}
  if t.random + t.dump < 0 then warn("x") return math.random(3), ("x"):dump() end
  return "a", nil, {"g"}
end
P.examples = {{name = "one", facts = {}, grade = "a"}}
return P
LUA
run kam policy check ./lintme.lua
status_is 1 "check: names the sandbox leaves out"
like "$err" "lintme.lua:6: 'warn' is not available to policies" "warn (in Lua 5.4, not in the allow-list)"
like "$err" "lintme.lua:6: math.random is not available to policies" "an omitted library field"
like "$err" "lintme.lua:6: string.dump is not available to policies" "a string method left out"
like "$err" "lintme.lua: 3 problems" "and nothing else (t.random, t.dump and the comment are fine)"
run kam --json policy check ./lintme.lua
status_is 1 "check --json: exit 1"
is "$(json 'print(d["ok"], len(d["problems"]), d["policy"], d["passed"])')" "False 3 lintme 1" \
  "check --json: one document with the problems"
run kam --json policy check "$TOP/policies/hq.lua"
status_is 0 "check --json hq"
is "$(json 'print(d["ok"], d["problems"], d["policy"], d["failed"], d["passed"] == d["examples"])')" "True [] hq 0 True" \
  "check --json: ok, its examples all pass"

# --- errors --------------------------------------------------------------------------------
run kam policy show nothere
status_is 1 "show an unknown policy: exit 1"
like "$err" "kam: no policy 'nothere'" "the message starts with what is wrong"
unlike "$err" "policy.lua:" "without the script's own location"
unlike "$err" "stack traceback" "without a Lua traceback"
run kam policy test nothere
status_is 1 "test an unknown policy: exit 1"
run kam --json policy test nothere
status_is 1 "test --json an unknown policy: exit 1"
is "$(json 'print(d["status"], d["error"])')" "1 no policy 'nothere' (kam policy list shows the policies there are)" \
  "... and one JSON document with the error"
run kam --json policy test ./noex.lua
status_is 1 "test --json a policy without examples: exit 1"
is "$(json 'print(d["policy"], d["passed"], d["failed"], d["error"])')" "noex 0 0 noex.lua: the policy has no examples" \
  "... one JSON document saying so"
run kam --json policy check "$P/syntax.lua"
status_is 1 "check --json a syntax error: exit 1"
like "$(json 'print(d["ok"], d["problems"])')" "False [" "... one document with the problem"
like "$(json 'print(d["problems"][0])')" "syntax.lua:5: unexpected symbol near ','" "... and its line"
run kam policy
status_is 2 "no subcommand: exit 2"
run kam policy frob
status_is 2 "an unknown subcommand: exit 2"
like "$err" "unknown policy subcommand 'frob'" "named"
run kam policy check
status_is 2 "check without a file: exit 2"
run kam policy check nothere.lua
status_is 1 "check a file that does not exist: exit 1"
like "$err" "nothere.lua" "named"

done_testing
