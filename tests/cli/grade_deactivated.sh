#!/usr/bin/env bash
# A lost or merged customer (kam customer deactivate | merge: kept, never deleted) is no
# customer to grade from the day it was deactivated: graded none whatever its revenue, its
# status or an override, with the reason; not ranked in its bureau's top 5, nor counted
# among the bureau's agreement customers; its revenue still counts for the bureau.  Graded
# as of a day before, it is graded as before.
source "$(dirname "$0")/lib.sh"
TODAY=$(date +%F)
YESTERDAY=$(date -d yesterday +%F)
grade_of() {
  sqlite3 -separator $'\t' "$1" "SELECT d.grade, coalesce(d.override, '-'),
    (SELECT group_concat(value, ' | ') FROM json_each(d.reasons)) FROM decisions d
    WHERE d.code = $2 AND d.run = (SELECT max(id) FROM grading_runs)"
}
field() { cut -f"$1" <<<"$2"; }

# Six agreement customers of the 阳新县 bureau, all under the class 4 bar: the top 5 by
# revenue are class 4.  A province-level important account (class 2 by status), and the
# code it will be merged into.
cat >customers.csv <<'CSV'
code,name,place,city,county,agreement,account,important,potential,network_wide
42022200001000,阳新六千,county,黄石市,阳新县,yes,cash,,,no
42022200002000,阳新五千,county,黄石市,阳新县,yes,cash,,,no
42022200003000,阳新四千,county,黄石市,阳新县,yes,cash,,,no
42022200004000,阳新三千,county,黄石市,阳新县,yes,cash,,,no
42022200005000,阳新两千,county,黄石市,阳新县,yes,cash,,,no
42022200006000,阳新一千,county,黄石市,阳新县,yes,cash,,,no
42010200001000,省级机关旧码,capital,武汉市,,yes,on_account,province,,no
42010200002000,省级机关新码,capital,武汉市,,yes,on_account,,,no
CSV
cat >ledger.csv <<'CSV'
code,month,line,amount
42022200001000,2025-05,express,6000.00
42022200002000,2025-05,express,5000.00
42022200003000,2025-05,express,4000.00
42022200004000,2025-05,express,3000.00
42022200005000,2025-05,express,2000.00
42022200006000,2025-05,express,1000.00
42010200001000,2025-03,express,20000.00
42010200002000,2025-03,express,5000.00
CSV
run kam --db h.db init --policy hubei
run kam --db h.db import customers customers.csv
run kam --db h.db import ledger ledger.csv
status_is 0 "crafted ledger"
run kam --db h.db override add 42022200001000 --kind cultivation --grade 3 --from 2026-01-01 \
  --until 2099-12-31 --year 2025 --reason "培育期"
status_is 0 "a cultivation for the bureau's first"

run kam --db h.db grade --year 2025 --as-of $TODAY
status_is 0 "graded with everyone active"
is "$(field 1 "$(grade_of h.db 42022200001000)") $(field 2 "$(grade_of h.db 42022200001000)")" "3 1" \
  "the first is class 3 by its cultivation"
is "$(field 1 "$(grade_of h.db 42022200006000)")" "none" "the sixth is outside the top 5"
is "$(field 1 "$(grade_of h.db 42010200001000)")" "2" "the important account is class 2 by status"

# --- deactivated today -------------------------------------------------------------------
run kam --db h.db customer deactivate 42022200001000 --reason "迁出本省"
status_is 0 "the first is lost"
run kam --db h.db customer merge 42010200001000 --into 42010200002000 --reason "同一单位两个编码"
status_is 0 "the old code is merged into the new"

run kam --db h.db --json grade --year 2025 --as-of $TODAY
status_is 0 "graded as of today"
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["deactivated"], d["customers"])')" \
  "2 8" "two deactivated customers, every customer still decided"
d=$(grade_of h.db 42022200001000)
is "$(field 1 "$d") $(field 2 "$d")" "none -" "the lost customer: none, its cultivation not applied"
is "$(field 3 "$d")" "lost on $TODAY: deactivated, not graded (its revenue still counts for its bureau, and it is not ranked)" \
  "... and the one reason says why"
d=$(grade_of h.db 42022200006000)
is "$(field 1 "$d")" "4" "the sixth moves up into the top 5: class 4"
like "$(field 3 "$d")" "rank 5 by EMS revenue among the 5 agreement customers of bureau 阳新县" \
  "... ranked 5th of the bureau's 5 agreement customers (the lost one counts in neither)"
d=$(grade_of h.db 42010200001000)
is "$(field 1 "$d")" "none" "the merged code: none, though its status says class 2"
is "$(field 3 "$d")" "merged into 42010200002000 on $TODAY: deactivated, not graded (its ledger is the surviving code's)" \
  "... the reason names the surviving code"
is "$(field 1 "$(grade_of h.db 42010200002000)")" "4" "the surviving code holds the moved ledger (25,000.00): class 4"

run kam --db h.db grade --year 2025 --as-of $TODAY
like "$err" "2 lost or merged customers (deactivated on or before $TODAY) graded none, without the policy" \
  "the summary says how many were deactivated"

# --- as of a day before the deactivation, graded as before -------------------------------
run kam --db h.db grade --year 2025 --as-of $YESTERDAY
status_is 0 "graded as of yesterday"
is "$(field 1 "$(grade_of h.db 42022200001000)")" "3" "as of yesterday the first was active: class 3 by cultivation"
is "$(field 1 "$(grade_of h.db 42022200006000)")" "none" "... and the sixth outside the top 5"
unlike "$err" "deactivated" "no deactivation mentioned"

# --- the facts a script sees --------------------------------------------------------------
cat >facts.lua <<'LUA'
local a = kam.grading.facts(2025, 42022200006000, kam.grading.policy("hubei"), ...)
print(a.rank_in_bureau, a.bureau_agreement_customers, a.bureau_revenue)
LUA
run kam --db h.db run facts.lua $TODAY
is "$out" "5	5	2100000" "kam.grading.facts as of today: rank 5 of 5; the bureau's revenue keeps the lost one's 6,000.00"
run kam --db h.db run facts.lua $YESTERDAY
is "$out" "6	6	2100000" "as of yesterday: rank 6 of 6"

done_testing
