#!/usr/bin/env bash
# kam grade diff A B: two policies over the same facts.  A copy of hubei with Wuhan's
# class 1 bar raised from 500,000 to 600,000 moves exactly the capital customers with a
# 2025 revenue in [500,000.00, 600,000.00) from class 1 to class 2 (the expected set comes
# from sqlite3 over the ledger, not from kam); the matrix counts them; nothing is written.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac

DB=g.db
q() { sqlite3 "$DB" "$1"; }
counts() { q "SELECT (SELECT count(*) FROM grading_runs), (SELECT count(*) FROM decisions), (SELECT count(*) FROM policies)"; }
# The capital customers that hubei makes key accounts and whose 2025 revenue is in
# [500,000.00, 600,000.00): agreement (over 10,000.00), or an important or potential
# status; a network-wide customer is class 1 whatever its revenue.
expected() {
  q "SELECT printf('%014d', code) FROM customers c
     WHERE place = 'capital' AND network_wide = 0
       AND (agreement = 1 OR important IS NOT NULL OR potential IS NOT NULL)
       AND (SELECT coalesce(sum(amount), 0) FROM ledger l
            WHERE l.code = c.code AND l.month BETWEEN 202501 AND 202512
              AND l.line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding'))
         BETWEEN 50000000 AND 59999999
     ORDER BY code"
}

cp "$TOP/policies/hubei.lua" hubei_raised.lua
sed -i 's/^\(    capital = {\)yuan(500000),/\1yuan(600000),/' hubei_raised.lua
run diff "$TOP/policies/hubei.lua" hubei_raised.lua
is "$(grep -c '^[<>]' <<<"$out")" 2 "the copy differs in one line"
like "$out" ">     capital = {yuan(600000), yuan(300000), yuan(100000), yuan(10000)},  -- 武汉市" "... Wuhan's class 1 bar"

# --- crafted: the hubei boundary fixture ---------------------------------------------------
DB=k.db
run kam --db k.db init --policy hubei
run kam --db k.db import customers "$F/hubei_customers.csv"
run kam --db k.db import ledger "$F/hubei_ledger.csv"
status_is 0 "the hubei fixture"
run kam --db k.db grade --year 2025 --as-of 2026-01-15
before=$(counts)
run kam --db k.db grade diff hubei hubei_raised.lua --year 2025 --as-of 2026-01-15
status_is 0 "grade diff hubei hubei_raised.lua"
is "$(grep -E '^[0-9]{14} ' <<<"$out" | cut -d' ' -f1 | paste -sd' ')" "42010200001000 42010200011000" \
  "exactly 500,000.00 and 599,999.99 change (not 499,999.99, not the 600,000.00 ones)"
is "$(expected | paste -sd' ')" "42010200001000 42010200011000" "the expected set from sqlite3 agrees"
like "$out" "42010200011000 武汉差一分六十万=599999.99: 1 -> 2" "a change: code, name, old -> new"
like "$out" "annual EMS revenue 599,999.99 ≥ 500,000.00 → class 1" "with the first policy's reason"
like "$out" "annual EMS revenue 599,999.99 in [300,000.00, 600,000.00) → class 2" "and the second's"
like "$out" "2 of 41 customers change grade for 2025" "the summary counts them"
# Reasons are lines under each policy's name, as explain prints them, not JSON arrays.
block=$(sed -n '/^42010200011000 /,/^[0-9]\{14\} /p' <<<"$out" | sed '$d')
is "$(sed -n 2p <<<"$block")" "    $TOP/policies/hubei.lua:" "text: the first policy heads its reasons (its file: both are named hubei)"
like "$block" $'\n      - §3.1 (art. 7): Wuhan (capital), annual EMS revenue 599,999.99 ≥ 500,000.00 → class 1\n' \
  "each reason on a line of its own"
like "$block" $'\n    hubei_raised.lua:\n      - §1 (art. 3): ' "then the second policy's"
like "$(sed -n '/hubei_raised.lua:$/,$p' <<<"$block")" \
  $'\n      - §3.1 (art. 7): Wuhan (capital), annual EMS revenue 599,999.99 in [300,000.00, 600,000.00) → class 2' "with its own reasons"
unlike "$out" '["' "no JSON array in the text"
unlike "$out" '\u' "no JSON escapes in the text"
is "$(counts)" "$before" "diff writes nothing"

# --- a generated province ---------------------------------------------------------------------
DB=g.db
"$GEN" --customers 5000 --months 24 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db g.db init --policy hubei
run kam --db g.db import customers gp/customers.csv
run kam --db g.db import ledger gp/ledger.csv
status_is 0 "a province of 5,000 customers, 2024 and 2025"
run kam --db g.db grade --year 2025 --as-of 2026-01-15
status_is 0 "graded once"
before=$(counts)
want=$(expected)
n=$(grep -c . <<<"$want")
[ "$n" -gt 2 ] && ok "the province has $n capital key accounts in [500,000.00, 600,000.00)" ||
  nok "the province has capital key accounts in [500,000.00, 600,000.00)" "only $n"

run kam --db g.db grade diff hubei "$T/hubei_raised.lua" --year 2025 --as-of 2026-01-15
status_is 0 "grade diff hubei \$T/hubei_raised.lua --year 2025"
text=$out
is "$(grep -E '^[0-9]{14} ' <<<"$text" | cut -d' ' -f1)" "$want" "it lists exactly the expected customers"
is "$(grep -cE '^[0-9]{14} .*: 1 -> 2$' <<<"$text")" "$n" "each from 1 to 2"
like "$text" "$n of 5000 customers change grade for 2025" "the summary line"
is "$(awk '$1 == "from\\to" {for (i = 2; i <= NF; i++) col[$i] = i} $1 == "1" && col["2"] {print $col["2"]}' <<<"$text")" "$n" \
  "the matrix: row 1, column 2 holds the count"
is "$(awk '$1 == "from\\to" {hdr = 1; next} hdr && NF == 6 {for (i = 2; i <= 6; i++) t += $i} END {print t}' <<<"$text")" 5000 \
  "the matrix adds up to the customers"
like "$err" "diff wrote nothing" "it says it wrote nothing"
is "$(counts)" "$before" "decisions, runs and policies unchanged"

run kam --db g.db --json grade diff hubei "$T/hubei_raised.lua" --year 2025 --as-of 2026-01-15
status_is 0 "grade diff --json"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["changed"], len(d["changes"]), d["matrix"]["1"].get("2"), sum(sum(r.values()) for r in d["matrix"].values()))
print(all(c["a"]["grade"] == "1" and c["b"]["grade"] == "2" and c["a"]["reasons"] and c["b"]["reasons"]
          and c["name"] for c in d["changes"]))
for c in d["changes"]:
    print(c["code"])')" "$n $n $n 5000
True
$want" "--json: changed, changes (code, name, both grades and reasons) and the matrix agree"
is "$(counts)" "$before" "nothing written by --json either"

run kam --db g.db grade diff hubei hubei --year 2025 --as-of 2026-01-15
status_is 0 "a policy against itself"
like "$out" "0 of 5000 customers change grade" "changes nothing"
run kam --db g.db --json grade --year 2025 --as-of 2026-01-15 --dry-run
per_grade=$(printf '%s' "$out" | python3 -c 'import json,sys; g = json.load(sys.stdin)["grades"]; print(" ".join(str(g[k]) for k in ("1", "2", "3", "4", "none")))')
run kam --db g.db --json grade diff hubei hubei --year 2025 --as-of 2026-01-15
is "$(printf '%s' "$out" | python3 -c 'import json,sys; m = json.load(sys.stdin)["matrix"]; print(" ".join(str(m[k].get(k, 0)) for k in ("1", "2", "3", "4", "none")))')" \
  "$per_grade" "its matrix diagonal is the grade counts"

run kam --db g.db --json grade diff hubei city2012 --year 2025 --as-of 2026-01-15
status_is 0 "two policies with different grades"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["matrix"]
print(sorted(m), sorted({g for r in m.values() for g in r}) <= ["gold", "none", "platinum", "vip"])
print(d["changed"] == 5000 - m["none"].get("none", 0))')" "['1', '2', '3', '4', 'none'] True
True" "rows are the first policy's grades, columns the second's; every customer not none in both changes"

# 2024 is another year: 2024's rows, not 2025's.
run kam --db g.db --json grade diff hubei "$T/hubei_raised.lua" --year 2024 --as-of 2026-01-15
status_is 0 "diff --year 2024"
want24=$(q "SELECT printf('%014d', code) FROM customers c WHERE place = 'capital' AND network_wide = 0
  AND (agreement = 1 OR important IS NOT NULL OR potential IS NOT NULL)
  AND (SELECT coalesce(sum(amount), 0) FROM ledger l WHERE l.code = c.code AND l.month BETWEEN 202401 AND 202412
    AND l.line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding'))
      BETWEEN 50000000 AND 59999999 ORDER BY code")
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print("\n".join(c["code"] for c in json.load(sys.stdin)["changes"]))')" \
  "$want24" "--year 2024 lists the capital customers in the band by 2024's revenue"

# Failures and usage.
printf 'return {name = "broken", version = "1", grades = {"a"}, member = function() return true, {} end,\n  grade = function() error("boom") end}\n' >broken.lua
run kam --db g.db grade diff hubei broken.lua --year 2025
status_is 1 "a policy that fails: exit 1"
like "$err" "broken.lua:2: boom" "with its message"
run kam --db g.db grade diff hubei nothere.lua --year 2025
status_is 1 "a policy file that does not exist: exit 1"
run kam --db g.db grade diff hubei
status_is 2 "one policy only: usage error"
run kam --db g.db grade diff hubei hubei_raised.lua --year 20x5
status_is 2 "a bad year: usage error"
is "$(counts)" "$before" "still nothing written"

done_testing
