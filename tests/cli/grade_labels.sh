#!/usr/bin/env bash
# grade()'s fourth value, its labels: what follows from a grade kept beside it (city2012's
# breadth decides who visits a Gold customer, DOMAIN §1 and §4).  Stored with the decision
# as a JSON object with sorted keys, exported, explained and checked by a policy's
# examples; a policy returning labels that are not a table of names to short strings
# fails the run naming the function and the customer, and nothing is written.
source "$(dirname "$0")/lib.sh"
export KAM_POLICY_TIME_MS=600000
AS_OF=2026-01-15
q() { sqlite3 "$DB" "$1"; }
DB=c.db

cat >customers.csv <<'CSV'
code,name,place,city,county,agreement,account,important,potential,network_wide
42050200001000,物流专业黄金,city,宜昌市,,yes,on_account,,,no
42050200002000,差一分综合黄金,city,宜昌市,,yes,on_account,,,no
42050200003000,一般客户,city,宜昌市,,yes,on_account,,,no
42050200004000,非大客户,city,宜昌市,,no,,,,no
CSV
cat >ledger.csv <<'CSV'
code,month,line,amount
42050200001000,2025-06,logistics,595000.00
42050200001000,2025-12,logistics,5000.00
42050200002000,2025-06,logistics,595000.01
42050200002000,2025-12,logistics,4999.99
42050200003000,2025-12,letters,100.00
42050200004000,2025-12,letters,100.00
CSV
run kam --db $DB init --policy city2012
run kam --db $DB import customers customers.csv
run kam --db $DB import ledger ledger.csv
status_is 0 "crafted city2012 ledger"
run kam --db $DB grade --year 2025 --as-of $AS_OF
status_is 0 "graded"
labels_of() { q "SELECT d.grade || ' ' || coalesce(d.labels, '-') FROM decisions d WHERE d.code = $1 AND d.run = (SELECT max(id) FROM grading_runs)"; }
is "$(labels_of 42050200001000)" 'gold {"breadth":"specialty","specialty":"logistics"}' \
  "a Gold customer at the logistics bars (600,000.00 / December 5,000.00): specialty, its line"
is "$(labels_of 42050200002000)" 'gold {"breadth":"comprehensive"}' \
  "a fen under the December bar: comprehensive"
is "$(labels_of 42050200003000)" 'general {"breadth":"comprehensive"}' "a General key account carries its breadth too"
is "$(labels_of 42050200004000)" 'none -' "no key account: no labels"

# --- exported, explained -----------------------------------------------------------------
run kam --db $DB export grades --year 2025
status_is 0 "export grades"
is "${out%%$'\n'*}" "code,year,grade,computed,override,score,policy,policy_version,policy_hash,reasons,decided_at,decided_by,labels" \
  "the CSV header ends with labels"
like "$out" '"{""breadth"":""specialty"",""specialty"":""logistics""}"' "the labels as their JSON text in CSV"
run kam --db $DB export grades --year 2025 --format json
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print([r["labels"] for r in d])')" \
  "[{'breadth': 'specialty', 'specialty': 'logistics'}, {'breadth': 'comprehensive'}, {'breadth': 'comprehensive'}, None]" \
  "JSON keeps them an object (null for none)"
run kam --db $DB explain 42050200001000 --year 2025 --as-of $AS_OF
like "$out" "labels: breadth specialty, specialty logistics" "explain shows the labels"
run kam --db $DB --json explain 42050200002000 --year 2025 --as-of $AS_OF
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["stored"]["labels"], d["now"]["labels"])')" \
  "{'breadth': 'comprehensive'} {'breadth': 'comprehensive'}" "explain --json: stored and now"

# --- a policy's examples check labels ------------------------------------------------------
sed 's/labels = {breadth = "comprehensive"}}/labels = {breadth = "specialty"}}/' "$TOP/policies/city2012.lua" >wrong.lua
run kam policy test ./wrong.lua
status_is 1 "an example expecting other labels fails"
like "$out" 'labels: expected {"breadth": "specialty"}, got {"breadth": "comprehensive"}' "... saying what it got"

# --- bad labels fail the run; nothing is written ---------------------------------------------
before=$(q "SELECT (SELECT count(*) FROM grading_runs), (SELECT count(*) FROM decisions)")
bad_labels() {
  cat >bad.lua <<LUA
local P = { name = "bad_labels", title = "test", version = "1", grades = {"a"}, needs = {} }
function P.member(f, ctx) return true, {"member"} end
function P.grade(f, ctx)
  if f.code == "42050200003000" then return "a", nil, {"x"}, $1 end
  return "a", nil, {"x"}, {breadth = "comprehensive"}
end
return P
LUA
  run kam --db $DB --policy ./bad.lua grade --year 2025 --as-of $AS_OF --adopt
  status_is 1 "labels $1: the run fails"
  like "$err" "grade() for customer 42050200003000: $2" "... naming the function, the customer and why"
  is "$(q "SELECT (SELECT count(*) FROM grading_runs), (SELECT count(*) FROM decisions)")" "$before" "... nothing written"
}
bad_labels '{"specialty"}' "labels must be named"
bad_labels '{Breadth = "x"}' "a label's name must be a lowercase word"
bad_labels '{breadth = 3}' "label 'breadth' must be a string of 1 to 200 bytes of UTF-8"
bad_labels '{breadth = ""}' "label 'breadth' must be a string"
bad_labels '{breadth = string.rep("x", 201)}' "label 'breadth' must be a string of 1 to 200 bytes"
bad_labels '{a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1}' "9 labels: at most 8"
bad_labels '"specialty"' "labels (the fourth value) must be a table"

# --- labels of a policy that returns none, and an empty table: NULL ---------------------------
run kam --db $DB --policy hubei grade --year 2025 --as-of $AS_OF --adopt
status_is 0 "hubei returns no labels"
is "$(q "SELECT count(*) FROM decisions WHERE run = (SELECT max(id) FROM grading_runs) AND labels IS NOT NULL")" 0 \
  "no labels stored"

done_testing
