#!/usr/bin/env bash
# The rules as DOMAIN.md §1, §3.1 now states them, on crafted ledgers, each with the grade
# and the reason asserted: Hubei counts EMS and logistics lines only (for the classes and
# for the top-5 rank); only revenue above zero ranks; cultivation only raises; an override
# applies from its first valid day to its last; an override's reason is stored whole.
source "$(dirname "$0")/lib.sh"
AS_OF=2026-01-15
# grade_of DB CODE: "grade<TAB>computed<TAB>override<TAB>reasons joined by ' | '" of the
# current 2025 decision, from the decisions table.
grade_of() {
  sqlite3 -separator $'\t' "$1" "SELECT d.grade, d.computed, coalesce(d.override, '-'),
    (SELECT group_concat(value, ' | ') FROM json_each(d.reasons)) FROM decisions d
    WHERE d.code = $2 AND d.run = (SELECT max(id) FROM grading_runs)"
}
field() { cut -f"$1" <<<"$2"; }

cat >customers.csv <<'CSV'
code,name,place,city,county,agreement,account,important,potential,network_wide
42010200001000,只有储汇,capital,武汉市,,yes,on_account,,,no
42010200002000,特快九万帐单两万,capital,武汉市,,yes,on_account,,,no
42010200003000,六条速递物流线十万,capital,武汉市,,yes,on_account,,,no
42010200004000,速递差一分函件一分,capital,武汉市,,yes,on_account,,,no
42022200001000,阳新一,county,黄石市,阳新县,yes,cash,,,no
42022200002000,阳新二,county,黄石市,阳新县,yes,cash,,,no
42022200003000,阳新一分,county,黄石市,阳新县,yes,cash,,,no
42022200004000,阳新无今年一,county,黄石市,阳新县,yes,cash,,,no
42022200005000,阳新无今年二,county,黄石市,阳新县,yes,cash,,,no
42022200006000,阳新无今年三,county,黄石市,阳新县,yes,cash,,,no
42022200007000,阳新只退款,county,黄石市,阳新县,yes,cash,,,no
42022200008000,阳新只储汇,county,黄石市,阳新县,yes,cash,,,no
42022200009000,阳新无协议,county,黄石市,阳新县,no,,,,no
CSV
cat >ledger.csv <<'CSV'
code,month,line,amount
42010200001000,2025-03,savings,15000.00
42010200002000,2025-02,express,90000.00
42010200002000,2025-04,billing,20000.00
42010200003000,2025-01,express,40000.00
42010200003000,2025-02,same_city,20000.00
42010200003000,2025-03,international,10000.00
42010200003000,2025-04,logistics,10000.00
42010200003000,2025-05,freight,10000.00
42010200003000,2025-06,forwarding,10000.00
42010200003000,2025-07,letters,50000.00
42010200004000,2025-05,express,99999.99
42010200004000,2025-05,letters,0.01
42022200001000,2025-05,express,5000.00
42022200002000,2025-05,logistics,3000.00
42022200003000,2025-12,same_city,0.01
42022200004000,2024-06,express,50000.00
42022200007000,2025-08,express,-500.00
42022200008000,2025-08,savings,8000.00
42022200009000,2023-06,express,100.00
CSV
run kam --db h.db init --policy hubei
run kam --db h.db import customers customers.csv
status_is 0 "crafted hubei customers"
run kam --db h.db import ledger ledger.csv
status_is 0 "crafted hubei ledger"
run kam --db h.db grade --year 2025 --as-of $AS_OF
status_is 0 "grade 2025"

# --- EMS and logistics revenue only (DOMAIN §3.1) ------------------------------------------
d=$(grade_of h.db 42010200001000)
is "$(field 1 "$d")" none "15,000.00 of savings only: no key account (savings is no EMS line)"
like "$(field 4 "$d")" "annual EMS revenue 0.00 < 10,000.00" "... the reason states the EMS revenue"
like "$(field 4 "$d")" "no EMS revenue above zero in 2025, so not ranked" "... and that it is not ranked"
d=$(grade_of h.db 42010200002000)
is "$(field 1 "$d")" 4 "Wuhan 90,000.00 express + 20,000.00 billing: class 4 (billing does not count)"
like "$(field 4 "$d")" "Wuhan (capital), annual EMS revenue 90,000.00 in [10,000.00, 100,000.00) → class 4" "... its reason"
run kam --db h.db explain 42010200002000 --year 2025 --as-of $AS_OF
like "$out" "revenue 90,000.00, December 0.00 (on express, logistics, same_city, international, freight, forwarding)" \
  "explain shows the revenue the policy counts, and on which lines"
like "$out" "billing 20,000.00" "... with every line in the by-line figures"
d=$(grade_of h.db 42010200003000)
is "$(field 1 "$d")" 3 "100,000.00 over the six EMS and logistics lines (and 50,000.00 of letters): class 3"
like "$(field 4 "$d")" "annual EMS revenue 100,000.00 in [100,000.00, 300,000.00) → class 3" "... each of the six lines counts"
d=$(grade_of h.db 42010200004000)
is "$(field 1 "$d")" 4 "99,999.99 of express and 0.01 of letters: class 4 (one fen under the class 3 bar)"
like "$(field 4 "$d")" "annual EMS revenue 99,999.99 in [10,000.00, 100,000.00) → class 4" "... the letters fen is not counted"

# --- only revenue above zero ranks (DOMAIN §1) ---------------------------------------------
d=$(grade_of h.db 42022200003000)
is "$(field 1 "$d")" 4 "阳新县: 0.01 of EMS revenue ranks (3rd) and is class 4 by the top-5 rule"
like "$(field 4 "$d")" "rank 3 by EMS revenue among the 8 agreement customers of bureau 阳新县, within the top 5" "... its rank"
like "$(field 4 "$d")" "annual EMS revenue 0.01 under the class 4 bar 10,000.00 → class 4" "... and the class 4 reason"
for c in 42022200004000 42022200005000 42022200006000; do
  d=$(grade_of h.db $c)
  is "$(field 1 "$d")" none "阳新县 $c: no 2025 rows is no key account (not 'rank 4 ... 0.00')"
  like "$(field 4 "$d")" "no EMS revenue above zero in 2025, so not ranked in its bureau's top 5" "... said so"
  unlike "$(field 4 "$d")" "rank " "... with no rank"
done
d=$(grade_of h.db 42022200007000)
is "$(field 1 "$d")" none "阳新县: only a -500.00 refund is never rank 1"
like "$(field 4 "$d")" "annual EMS revenue -500.00 < 10,000.00" "... its reason"
unlike "$(field 4 "$d")" "rank " "... with no rank"
d=$(grade_of h.db 42022200008000)
is "$(field 1 "$d")" none "阳新县: 8,000.00 of savings only does not rank on EMS revenue"
is "$(sqlite3 h.db "SELECT count(*) FROM decisions WHERE run = (SELECT max(id) FROM grading_runs) AND grade = '4'
     AND code BETWEEN 42022200000000 AND 42022299999999")" 3 "阳新县: exactly the three with EMS revenue above zero are class 4"
# A year in which no agreement customer has a ledger row: none of them is ranked.
run kam --db h.db --json grade --year 2023 --as-of $AS_OF
status_is 0 "grade 2023 (one row, of a customer without agreement)"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["members"], d["grades"].get("none"))')" \
  "0 13" "2023: no agreement customer is class 4 by the top-5 rule at revenue 0.00"

# --- cultivation only raises (DOMAIN §3.1); an override's first and last valid day ------------
cat >cust2.csv <<'CSV'
code,name,place,city,county,agreement,account,important,potential,network_wide
42050200001000,长成一类,city,宜昌市,,yes,on_account,,,no
42050200002000,仍是三类,city,宜昌市,,yes,on_account,,,no
42050200003000,长成二类,city,宜昌市,,yes,on_account,,,no
CSV
cat >ledger2.csv <<'CSV'
code,month,line,amount
42050200001000,2024-06,express,60000.00
42050200001000,2025-06,express,250000.00
42050200002000,2024-06,express,60000.00
42050200002000,2025-06,express,60000.00
42050200003000,2024-06,express,60000.00
42050200003000,2025-06,express,150000.00
CSV
run kam --db c.db init --policy hubei
run kam --db c.db import customers cust2.csv
run kam --db c.db import ledger ledger2.csv
status_is 0 "crafted cultivation ledger"
for c in 42050200001000 42050200002000 42050200003000; do
  run kam --db c.db override add $c --kind cultivation --grade 2 --from 2026-01-10 --until 2026-06-30 \
    --year 2024 --reason "培育期: 2024 class 3"
  status_is 0 "cultivation 3 -> 2 for $c, accepted on its 2024 class 3"
done
run kam --db c.db grade --year 2025 --as-of $AS_OF
status_is 0 "grade 2025 with three cultivations"
d=$(grade_of c.db 42050200001000)
is "$(field 1 "$d") $(field 2 "$d") $(field 3 "$d")" "1 1 -" \
  "grown to class 1 under a class-2 cultivation: grade 1, not lowered, no override applied"
like "$(field 4 "$d")" "override #1 (cultivation by tester, valid until 2026-06-30): grade 2 not applied: the computed grade 1 outranks it" \
  "... the reasons say the computed grade outranked the cultivation"
d=$(grade_of c.db 42050200002000)
is "$(field 1 "$d") $(field 2 "$d") $(field 3 "$d")" "2 3 2" "still class 3: the cultivation raises it to 2"
like "$(field 4 "$d")" "override #2 (cultivation by tester, valid until 2026-06-30): grade 2 instead of 3: 培育期: 2024 class 3" \
  "... said so"
d=$(grade_of c.db 42050200003000)
is "$(field 1 "$d") $(field 2 "$d") $(field 3 "$d")" "2 2 -" "grown to class 2 itself: class 2, the cultivation changes nothing"
like "$(field 4 "$d")" "grade 2 not applied: the computed grade 2 is the same" "... said so"
# Valid from 2026-01-10 to 2026-06-30, both days included.
for day_want in 2026-01-09:3 2026-01-10:2 2026-06-30:2 2026-07-01:3; do
  day=${day_want%:*} want=${day_want#*:}
  run kam --db c.db grade --year 2025 --as-of $day
  status_is 0 "grade as of $day"
  is "$(field 1 "$(grade_of c.db 42050200002000)")" "$want" "as of $day the class-3 customer is $want"
done

# --- an override's reason is stored whole, however long (no fixed buffer) -------------------
long=$(python3 -c 'print("客户发展潜力强" * 114 + "终")')   # 799 characters, 2,397 bytes
run kam --db c.db override add 42050200002000 --kind cultivation --grade 2 --from 2026-01-10 --until 2026-06-30 --replace \
  --year 2024 --reason "$long"
status_is 0 "an override with a reason of 799 Chinese characters"
run kam --db c.db grade --year 2025 --as-of $AS_OF
status_is 0 "graded"
is "$(sqlite3 c.db "SELECT count(*) FROM decisions d, json_each(d.reasons) r WHERE d.code = 42050200002000
     AND d.run = (SELECT max(id) FROM grading_runs) AND r.value LIKE '%' || '$long'")" 1 \
  "the decision's reason ends with the whole 799-character reason"
run kam --db c.db explain 42050200002000 --year 2025 --as-of $AS_OF
status_is 0 "explain decodes it"
like "$out" "$long" "explain shows it whole"
"$KAM" --db c.db export grades --format json -o g.json 2>/dev/null
is "$(python3 -c 'import json,sys; rows = json.load(open("g.json", encoding="utf-8")); print(sum(1 for r in rows for t in r["reasons"] if t.endswith(sys.argv[1])))' "$long")" 1 \
  "export grades --format json is valid UTF-8 JSON with the whole reason"
# The bound of a reason's length is tested in overrides.sh (2,000 characters).

done_testing
