#!/usr/bin/env bash
# Policies are pure functions of their input: a copy of hubei that writes into ctx, into a
# module table, into a module upvalue, into a memo cache or into a global table in grade()
# fails `kam policy test` (through its own examples), `kam policy check` and `kam grade`,
# naming the function and the customer; the member() facts a policy changes are not the
# ones grade() gets; and hubei decides the same in batches of 1 and of 2,000.
source "$(dirname "$0")/lib.sh"
AS_OF=2026-01-15

# mutant NAME TOP BODY: hubei with TOP added before `local P = {` and BODY as grade()'s
# first statement.
mutant() {
  python3 - "$TOP/policies/hubei.lua" "$1.lua" "$2" "$3" <<'PY'
import sys
src, out, top, body = sys.argv[1:]
s = open(src, encoding="utf-8").read()
assert "\nlocal P = {" in s and "\nfunction P.grade(f, ctx)\n" in s
s = s.replace("\nlocal P = {", "\n" + top + "\nlocal P = {", 1)
s = s.replace("\nfunction P.grade(f, ctx)\n", "\nfunction P.grade(f, ctx)\n  " + body + "\n", 1)
open(out, "w", encoding="utf-8").write(s)
PY
}
mutant ctx_write "" 'ctx.graded = (ctx.graded or 0) + 1'
mutant table_write "" 'T.member_revenue = T.member_revenue + 1'
mutant upvalue_write "local calls = 0" 'calls = calls + 1'
mutant memo_cache "local cache = {}" 'if cache[f.code] then return table.unpack(cache[f.code]) end cache[f.code] = {"4", nil, {"memo"}}'
mutant global_table "seen = {}" 'seen[#seen + 1] = f.code'
mutant deep_write 'local deep = {} do local t = deep for i = 1, 2000 do t.next = {} t = t.next end end' \
  'local t = deep while t.next do t = t.next end t.seen = true'

# For each mutant: what the message must say.
declare -A WANT=(
  [ctx_write]="assignment to field 'graded' of read-only table 'ctx'"
  [table_write]="assignment to field 'member_revenue' of the policy's table 'T': a policy keeps no state between calls"
  [upvalue_write]="changed 'calls', a local of the policy's module"
  [memo_cache]="of the policy's table 'cache': a policy keeps no state between calls"
  [global_table]="of the policy's table 'seen': a policy keeps no state between calls"
  [deep_write]="assignment to field 'seen' of the policy's table 'deep.next.next"
)
for m in ctx_write table_write upvalue_write memo_cache global_table deep_write; do
  run kam policy test "./$m.lua"
  status_is 1 "$m: policy test fails through the examples"
  like "$out" "${WANT[$m]}" "$m: policy test says what was written"
  like "$out" "function 'grade', customer 42010000001000" "$m: ... naming the function and the customer"
  run kam policy check "./$m.lua"
  status_is 1 "$m: policy check fails too"
  like "$err" "${WANT[$m]}" "$m: policy check says the same"
done

# kam grade on a small province: the first customer whose grade() runs is named.
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
"$GEN" --customers 3000 --months 12 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db g.db init --policy hubei
run kam --db g.db import customers gp/customers.csv
run kam --db g.db import ledger gp/ledger.csv
status_is 0 "a province of 3,000 customers"
for m in ctx_write table_write upvalue_write memo_cache global_table; do
  run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy "./$m.lua" grade --adopt --year 2025 --as-of $AS_OF
  status_is 1 "$m: kam grade fails"
  like "$err" "${WANT[$m]}" "$m: kam grade says what was written"
  if [[ $err =~ function\ \'grade\',\ customer\ ([0-9]{14}) ]]; then
    ok "$m: kam grade names the function and the customer (${BASH_REMATCH[1]})"
  else
    nok "$m: kam grade names the function and the customer" "$err"
  fi
done
is "$(sqlite3 g.db "SELECT count(*) FROM decisions")" 0 "nothing stored by a failed grading"

# A constant table of the module may be returned (read-only, it is sent as it is).
cat >constant.lua <<'LUA'
local NOT_MEMBER = {"§1: no agreement (a constant of the module)"}
local GRADE_A = {"§3: always a"}
local P = {name = "constant", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx) if f.agreement then return true, {} end return false, NOT_MEMBER end
function P.grade(f, ctx) return "a", nil, GRADE_A end
P.examples = {{name = "none", facts = {}, grade = "none", reason = "a constant of the module"},
              {name = "a", facts = {agreement = true}, grade = "a", reason = "always a"}}
return P
LUA
run kam policy test ./constant.lua
status_is 0 "a policy returning its module's constant reason tables passes"
like "$out" "2 passed, 0 failed" "... both examples, reasons included"

# A copy that changes its facts after member() decided: grade() gets its own, unchanged
# facts, so the copy decides exactly as hubei does.
python3 - "$TOP/policies/hubei.lua" member_writes.lua <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("\nreturn P\n", """
local member0 = P.member
function P.member(f, ctx)
  local is, reasons = member0(f, ctx)
  f.revenue, f.place, f.important = 0, "county", nil
  return is, reasons
end
return P
""", 1)
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY
run grep -c 'f.revenue, f.place, f.important = 0, "county", nil' member_writes.lua
is "$out" 1 "a hubei copy whose member() changes its facts"
run kam --db g.db --policy hubei --json grade --year 2025 --as-of $AS_OF --dry-run
a=$(printf '%s' "$out" | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)["grades"].items()))')
run kam --db g.db --policy ./member_writes.lua --json grade --year 2025 --as-of $AS_OF --dry-run
status_is 0 "grading with it works"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)["grades"].items()))')" "$a" \
  "grade() never sees what member() did to its copy"

# hubei in batches of 1 and of 2,000: identical decisions, reasons included.
run env KAM_GRADE_BATCH=2000 "$KAM" --db g.db grade --year 2025 --as-of $AS_OF
status_is 0 "hubei in batches of 2,000"
run env KAM_GRADE_BATCH=1 "$KAM" --db g.db grade --year 2025 --as-of $AS_OF
status_is 0 "hubei in batches of 1"
is "$(sqlite3 g.db "SELECT count(*) FROM grading_runs")" 2 "two runs"
is "$(sqlite3 g.db "SELECT count(*) FROM decisions a JOIN decisions b ON a.code = b.code AND a.run = 1 AND b.run = 2
     WHERE a.grade IS NOT b.grade OR a.computed IS NOT b.computed OR a.reasons IS NOT b.reasons")" 0 \
  "batches of 1 and of 2,000 give identical decisions"
is "$(sqlite3 g.db "SELECT count(*) FROM decisions WHERE run = 2")" 3000 "... for every customer"
is "$(sqlite3 g.db "SELECT count(DISTINCT grade) FROM decisions WHERE run = 2")" 5 "... across every class and none"

# State no freezing reaches: a coroutine, or a library closure keeping one or an
# iterator's position, at the module's level is refused when the policy loads.
mutant coroutine_state 'local co = coroutine.wrap(function() local n = 0 while true do n = n + 1 coroutine.yield(n) end end)' 'co()'
mutant gmatch_state 'local words = string.gmatch("a b c d", "%a")' 'words()'
for m in coroutine_state gmatch_state; do
  run kam policy check "./$m.lua"
  status_is 1 "$m: policy check refuses it"
  like "$err" "keeps a coroutine or an iterator at the module's level: a policy keeps no state between calls" \
    "$m: ... saying why"
  run kam policy test "./$m.lua"
  status_is 1 "$m: policy test too"
done
like "$err" "'words' keeps a coroutine or an iterator" "the message names the local"
# A read-only table is read by next, rawget and rawlen as by indexing and pairs.
mutant see_through 'local LIST = {"a", "b"}' \
  'assert(next(LIST) == 1 and rawget(LIST, 2) == "b" and rawlen(LIST) == 2 and next(LIST, 2) == nil, "next, rawget and rawlen see the read-only list")'
run kam policy test ./see_through.lua
status_is 0 "next, rawget and rawlen see a read-only table's contents"

done_testing
