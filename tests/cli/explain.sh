#!/usr/bin/env bash
# kam explain CODE: the facts (money in yuan with two decimals), the rules that fired, the
# grade, the policy's name, version and hash; the stored decision and what the policy
# decides now; --json with the same parts; an unknown code exits 1, a malformed one 2.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
HASH=$(sha256sum "$TOP/policies/hubei.lua" | cut -d' ' -f1)

run kam --db k.db init --policy hubei
run kam --db k.db import customers "$F/hubei_customers.csv"
run kam --db k.db import ledger "$F/hubei_ledger.csv"
status_is 0 "the hubei fixture"
C=42028100007000   # 大冶 (county), 10,000.00 in 2025: class 4

# Before any grading: no stored decision, but what the policy decides now.
run kam --db k.db explain $C --year 2025 --as-of 2026-01-15
status_is 0 "explain before grading"
like "$out" "no stored decision for 2025" "says there is no stored decision"
like "$out" "what hubei 2026.1 decides now (as of 2026-01-15, nothing written):" "and shows what the policy decides now"
is "$(sqlite3 k.db "SELECT count(*) FROM decisions; SELECT count(*) FROM grading_runs")" "0
0" "explain writes nothing"

run kam --db k.db grade --year 2025 --as-of 2026-01-15
status_is 0 "grade 2025"
run kam --db k.db explain $C --year 2025 --as-of 2026-01-15
status_is 0 "explain $C"
like "$out" "customer $C 大冶边界=10000.00" "the customer's code and name"
like "$out" "place county, city 黄石市, county 大冶市, bureau 大冶市" "its place and bureau"
like "$out" "revenue 10,000.00, December 5,000.00" "revenue and December in yuan with two decimals"
like "$out" "by line: express 5,000.00, logistics 5,100.00, same_city -100.00" "revenue by line, refunds with their sign"
like "$out" "bureau 大冶市: rank 7 among its agreement customers; 8 agreement customers; bureau revenue 379,999.96" \
  "the bureau facts (rank, count, the bureau's ledger total)"
like "$out" "the ledger's total stood in: none entered" "saying the bureau revenue is the ledger's stand-in"
city=$(sqlite3 k.db "SELECT printf('%,d.%02d', sum(amount) / 100, sum(amount) % 100) FROM ledger l JOIN customers c USING (code)
                     WHERE c.city = '黄石市' AND l.month BETWEEN 202501 AND 202512")
like "$out" "city bureau 黄石市: revenue $city (the ledger's total stood in: none entered)" \
  "a county's customer: its city bureau's revenue too, its counties included ($city, by SQL)"
like "$out" "decision for 2025 (stored: run #1," "the stored decision and its run"
like "$out" "by tester" "who decided"
like "$out" "  grade 4" "the grade"
like "$out" "policy hubei 2026.1 (sha256 $HASH)" "the policy's name, version and full hash"
like "$out" "    - §1 (art. 3): agreement customer (on-account 记账), annual EMS revenue 10,000.00 ≥ 10,000.00" "the membership rule that fired"
like "$out" "    - §3.1 (art. 7): county, annual EMS revenue 10,000.00 in [10,000.00, 30,000.00) → class 4" "the grade rule that fired"
unlike "$out" "differs from the stored decision" "now and stored agree"

run kam --db k.db explain 42028100008000 --year 2025 --as-of 2026-01-15
like "$out" "revenue 9,999.99" "9,999.99 shown to the fen"
like "$out" "  grade none" "a customer that is no key account: grade none"
like "$out" "annual EMS revenue 9,999.99 < 10,000.00" "and why"
like "$out" "outside the top 5" "and why not by rank"
run kam --db k.db explain 42060200001000 --year 2025 --as-of 2026-01-15
like "$out" "revenue 0.00, December 0.00" "no ledger rows: 0.00"
like "$out" "important county" "the status is shown"
like "$out" "county-level important account (重要大客户) → class 4" "and the rule it fires"
run kam --db k.db explain 42022200006000 --year 2025 --as-of 2026-01-15
like "$out" "bureau 阳新县: rank 5 among its agreement customers; 7 agreement customers" "a tied rank (5, 5)"

# --json
run kam --db k.db --json explain $C --year 2025 --as-of 2026-01-15
status_is 0 "explain --json"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sorted(d))
print(d["code"], d["year"], d["as_of"])
f = d["facts"]
print(f["revenue"], f["december"], f["place"], f["bureau"], f["rank_in_bureau"], f["bureau_revenue"], f["bureau_revenue_entered"])
s, n = d["stored"], d["now"]
print(s["grade"], s["computed"], s["policy"], s["policy_version"], s["policy_hash"], s["run"], s["decided_by"], len(s["reasons"]))
print(n["grade"], n["computed"], n["policy"], n["policy_version"], n["policy_hash"], n["reasons"] == s["reasons"])
print(d["overrides"])')" "['as_of', 'code', 'facts', 'now', 'overrides', 'stored', 'year']
$C 2025 2026-01-15
1000000 500000 county 大冶市 7 37999996 False
4 4 hubei 2026.1 $HASH 1 tester 2
4 4 hubei 2026.1 $HASH True
[]" "explain --json: code, year, as-of, facts (in fen), stored and now decisions, overrides"

# A later policy version: now differs from the stored decision, and says so.
cp "$TOP/policies/hubei.lua" hubei_v2.lua
sed -i 's/^  version = "2026.1",/  version = "2026.2",/; s/^\(    county = {yuan(100000), yuan(50000), \)yuan(30000),/\1yuan(10000),/' hubei_v2.lua
run diff "$TOP/policies/hubei.lua" hubei_v2.lua
is "$(grep -c '^>' <<<"$out")" 2 "the copy changes the version and the county class 3 bar (30,000 -> 10,000)"
run kam --db k.db --policy hubei_v2.lua explain $C --year 2025 --as-of 2026-01-15
status_is 0 "explain under another policy file"
like "$out" "what hubei 2026.2 decides now" "now is the other version"
like "$out" "county, annual EMS revenue 10,000.00 in [10,000.00, 50,000.00) → class 3" "with its grade"
like "$out" "policy hubei 2026.1 (sha256 $HASH)" "the stored decision keeps its version and hash"
like "$out" "note: differs from the stored decision (grade, policy source)" "the difference is pointed out"

# Shantou: a score, and the ledger standing in for the bureau's revenue.
run kam --db s.db init --policy shantou
run kam --db s.db import customers "$F/shantou_customers.csv"
run kam --db s.db import ledger "$F/shantou_ledger.csv"
run kam --db s.db import bureau_revenue "$F/shantou_bureau_revenue.csv"
run kam --db s.db grade --year 2025 --as-of 2026-01-15
status_is 0 "shantou fixture graded"
run kam --db s.db explain 44528100001000 --year 2025 --as-of 2026-01-15
status_is 0 "explain a shantou customer"
like "$out" "bureau revenue 300,000.00 (the ledger's total stood in: none entered)" "the stand-in is said in the facts"
like "$out" "the ledger total 100,000,000.00 of its customers (its counties' included) stood in" "and in the rules that fired"
like "$out"$'\n' "  grade gold, score 82"$'\n' "grade and score (82, as the policy gave it and export shows it)"
run kam --db s.db explain 44050700037000 --year 2025 --as-of 2026-01-15
like "$out" "bureau revenue 100,000,000.00 (entered by the center)" "an entered bureau revenue is said to be entered"
run kam --db s.db --json explain 44050700037000 --year 2025 --as-of 2026-01-15
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["facts"]["bureau_revenue"], d["facts"]["bureau_revenue_entered"], d["stored"]["score"] == 82, d["now"]["score"] == 82, d["stored"]["grade"])')" \
  "10000000000 True True True gold" "--json: the entered revenue in fen, the score"

# Errors.
run kam --db k.db explain 42099900001000 --year 2025
status_is 1 "an unknown code exits 1"
like "$err" "no customer 42099900001000" "naming it"
unlike "$err" "stack traceback" "without a Lua traceback"
run kam --db k.db --json explain 42099900001000 --year 2025
status_is 1 "an unknown code with --json exits 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>&1)" 1 "with a JSON error document"
run kam --db k.db explain 4202810000700 --year 2025
status_is 2 "a 13-digit code exits 2"
like "$err" "must be 14 digits" "said so"
run kam --db k.db explain 4202810000700x --year 2025
status_is 2 "a code with a letter exits 2"
run kam --db k.db explain --year 2025
status_is 2 "no code exits 2"
run kam --db k.db explain $C --year 25
status_is 2 "a bad year exits 2"
run kam --db k.db explain $C --as-of 2026-13-01
status_is 2 "a bad date exits 2"

done_testing
