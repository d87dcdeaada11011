#!/usr/bin/env bash
# kam grade end to end: every band edge of hubei (per place), shantou (line bars, rule 2,
# revenue and share points with entered and stood-in bureau revenue) and city2012, on
# crafted data (tests/fixtures/grade, each customer's name carries its 2025 revenue);
# decisions appended with policy name, version and hash, the source kept once per hash,
# triggers against changing them, --dry-run writing nothing; and a generated province of
# 5,000 customers graded under the four policies and checked against an independent
# reading of the rules (tests/fixtures/grade/reference.py).
source "$(dirname "$0")/lib.sh"
# Every grading here tests the rules, not the deadline: one no slowness meets.
export KAM_POLICY_TIME_MS=600000
F="$TOP/tests/fixtures/grade"
AS_OF=2026-01-15

q() { sqlite3 "${DB:-k.db}" "$1"; }
# grades DB [export options]: "code<TAB>grade<TAB>score<TAB>reasons joined by ' | '" per
# exported row, from kam export grades --format json.
grades() {
  local db=$1
  shift
  "$KAM" --db "$db" export grades --format json "$@" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    s = r["score"]
    print("%s\t%s\t%s\t%s" % (r["code"], r["grade"], "-" if s is None else s, " | ".join(r["reasons"])))'
}
declare -A G S R
load() { # DB: the current 2025 grades into G, S, R
  G=() S=() R=()
  local code grade score reasons
  while IFS=$'\t' read -r code grade score reasons; do
    G[$code]=$grade S[$code]=$score R[$code]=$reasons
  done < <(grades "$1" --year 2025)
}
# refused DESC: the last run (an sqlite3 statement) failed with a trigger's message
refused() { if [ "$status" != 0 ] && [[ $err == *" are never "* ]]; then ok "$1"; else nok "$1" "exit $status: $err"; fi; }
# expect CODE GRADE [SCORE] DESC
expect() {
  local code=$1 want=$2 score= desc
  if [ $# = 4 ]; then score=$3 desc=$4; else desc=$3; fi
  is "${G[$code]:-missing}" "$want" "$desc: grade $want"
  [ -n "$score" ] && is "${S[$code]:-missing}" "$score" "$desc: score $score"
  return 0
}
setup() { # DB POLICY NAME: a database with the fixture NAME imported
  local db=$1 policy=$2 name=$3
  run kam --db "$db" init --policy "$policy"
  status_is 0 "$name: init --policy $policy"
  run kam --db "$db" import customers "$F/${name}_customers.csv"
  status_is 0 "$name: import customers"
  run kam --db "$db" import ledger "$F/${name}_ledger.csv"
  status_is 0 "$name: import ledger"
  # The fixture is what it says: each name ends in "=" and the customer's 2025 revenue.
  is "$(sqlite3 "$db" "SELECT count(*) FROM customers c WHERE printf('%.2f', (SELECT coalesce(sum(amount), 0)
        FROM ledger l WHERE l.code = c.code AND l.month BETWEEN 202501 AND 202512) / 100.0)
        IS NOT substr(c.name, instr(c.name, '=') + 1)")" 0 "$name: every customer's 2025 ledger sums to the revenue its name says"
}

# --- hubei --------------------------------------------------------------------------------
setup k.db hubei hubei
ncust=$(q "SELECT count(*) FROM customers")
run kam --db k.db grade --year 2025 --as-of $AS_OF
status_is 0 "hubei: grade 2025"
like "$err" "graded $ncust customers for 2025 under hubei 2026.1" "the summary on stderr names the count and the policy"
like "$out" "grade       customers" "a grade/customers table on stdout"
load k.db
is "${#G[@]}" "$ncust" "hubei: one current grade per customer"

# Wuhan: 500,000 / 300,000 / 100,000 / 10,000 and one fen under each.
expect 42010200001000 1 "capital 500,000.00"
expect 42010200002000 2 "capital 499,999.99"
expect 42010200003000 2 "capital 300,000.00"
expect 42010200004000 3 "capital 299,999.99"
expect 42010200005000 3 "capital 100,000.00"
expect 42010200006000 4 "capital 99,999.99"
expect 42010200007000 4 "capital 10,000.00"
expect 42010200008000 none "capital 9,999.99 (rank 10 of its bureau's agreement customers)"
expect 42010200009000 none "capital 600,000.00 without an agreement"
expect 42010200010000 1 "capital 600,000.00 with a county-level importance: revenue class 1 beats status 4"
expect 42010200011000 1 "capital 599,999.99"
# Other prefecture city: 200,000 / 100,000 / 50,000 / 10,000.
expect 42050200001000 1 "city 200,000.00"
expect 42050200002000 2 "city 199,999.99"
expect 42050200003000 2 "city 100,000.00"
expect 42050200004000 3 "city 99,999.99"
expect 42050200005000 3 "city 50,000.00"
expect 42050200006000 4 "city 49,999.99"
expect 42050200007000 4 "city 10,000.00"
expect 42050200008000 none "city 9,999.99"
# County: 100,000 / 50,000 / 30,000 / 10,000.
expect 42028100001000 1 "county 100,000.00"
expect 42028100002000 2 "county 99,999.99"
expect 42028100003000 2 "county 50,000.00"
expect 42028100004000 3 "county 49,999.99"
expect 42028100005000 3 "county 30,000.00"
expect 42028100006000 4 "county 29,999.99"
expect 42028100007000 4 "county 10,000.00"
expect 42028100008000 none "county 9,999.99"
like "${R[42028100007000]}" "annual EMS revenue 10,000.00 ≥ 10,000.00" "county 10,000.00: the membership reason with both numbers (EMS revenue, DOMAIN §3.1)"
like "${R[42028100007000]}" "county, annual EMS revenue 10,000.00 in [10,000.00, 30,000.00) → class 4" "county 10,000.00: the band reason"
like "${R[42010200003000]}" "in [300,000.00, 500,000.00) → class 2" "capital 300,000.00: band reason"
like "${R[42050200008000]}" "annual EMS revenue 9,999.99 < 10,000.00" "city 9,999.99: the reason says why not"
like "${R[42050200008000]}" "rank 8 by EMS revenue among the 8 agreement customers of bureau 宜昌市, outside the top 5" \
  "city 9,999.99: outside the top 5 of its bureau"
# Top 5 of the county bureau 阳新县: revenues 9,000 8,000 8,000 7,000 5,000 5,000 4,000 rank
# 1 2 2 4 5 5 7 (RANK(): a dense rank would give 4,000 rank 5; ROW_NUMBER() a second 5,000 rank 6).
for i in 1 2 3 4 5 6; do expect 4202220000${i}000 4 "阳新县 top 5 customer $i under 10,000.00"; done
expect 42022200007000 none "阳新县 4,000.00 at rank 7 after the tie at 5"
expect 42022200008000 none "阳新县 9,500.00 without an agreement (not ranked)"
like "${R[42022200005000]}" "rank 5 by EMS revenue among the 7 agreement customers of bureau 阳新县" "rank 5 (first of the tie)"
like "${R[42022200006000]}" "rank 5 by EMS revenue among the 7 agreement customers of bureau 阳新县" "rank 5 (second of the tie)"
like "${R[42022200003000]}" "rank 2 by EMS revenue" "8,000.00 tied at rank 2"
like "${R[42022200004000]}" "rank 4 by EMS revenue" "7,000.00 ranks 4 after the tie at 2"
like "${R[42022200007000]}" "rank 7 by EMS revenue among the 7 agreement customers of bureau 阳新县, outside the top 5" "rank 7 is outside"
like "${R[42022200006000]}" "under the class 4 bar 10,000.00 → class 4" "top 5 under the bar is class 4, said so"
expect 42020200001000 4 "黄石市 city bureau: its only agreement customer (its counties are other bureaus)"
# Status grades.
expect 42060200001000 4 "county-level important, revenue 0"
expect 42060200002000 2 "provincial important with class-4 revenue"
expect 42060200003000 1 "network-wide"
expect 42060200004000 3 "prefecture-level potential"
expect 42060200005000 2 "provincial potential beats county-level important"
like "${R[42060200002000]}" "the better of revenue class 4 and status class 2 → class 2" "status vs revenue reason"
like "${R[42060200003000]}" "network-wide customer" "network-wide reason"
is "$(q "SELECT count(*) FROM decisions WHERE score IS NOT NULL")" 0 "hubei has no score"

# The same grades straight from the decisions table.
is "$(q "SELECT group_concat(printf('%014d', code) || '=' || grade, ' ') FROM (SELECT code, grade FROM decisions ORDER BY code)")" \
  "$(grades k.db --year 2025 | awk -F'\t' '{print $1 "=" $2}' | paste -sd' ')" \
  "sqlite3 over decisions agrees with export grades"

# --- decisions are appended ---------------------------------------------------------------
hubei_hash=$(sha256sum "$TOP/policies/hubei.lua" | cut -d' ' -f1)
run kam --db k.db --json grade --year 2025 --as-of $AS_OF
status_is 0 "hubei: grade 2025 again"
is "$(q "SELECT count(*) FROM grading_runs")" 2 "two gradings, two runs"
is "$(q "SELECT count(*) FROM decisions")" $((2 * ncust)) "each run appends a decision per customer"
is "$(q "SELECT count(*) FROM policies")" 1 "the policy source is stored once for its hash"
is "$(grades k.db | wc -l)" "$ncust" "export grades: one current decision per customer and year"
is "$(grades k.db --history | wc -l)" $((2 * ncust)) "export grades --history: every decision"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["year"], d["policy"], d["policy_version"], d["policy_hash"], d["as_of"], d["dry_run"], d["run"],
      d["customers"], d["members"], d["overridden"], sum(d["grades"].values()), sorted(d["grades"]))')" \
  "2025 hubei 2026.1 $hubei_hash $AS_OF False 2 $ncust 35 0 $ncust ['1', '2', '3', '4', 'none']" \
  "grade --json: year, policy, version, hash, as-of, run, counts that add up"
"$KAM" --db k.db export grades --format json -o cur.json 2>/dev/null
is "$(python3 -c '
import json
rows = json.load(open("cur.json"))
print(sorted(rows[0]))
print({(r["policy"], r["policy_version"], r["policy_hash"], r["decided_by"], r["year"]) for r in rows})')" \
  "['code', 'computed', 'decided_at', 'decided_by', 'grade', 'labels', 'override', 'policy', 'policy_hash', 'policy_version', 'reasons', 'score', 'year']
{('hubei', '2026.1', '$hubei_hash', 'tester', 2025)}" \
  "each exported decision names the policy, its version and the SHA-256 of its source (sha256sum), and who decided"
is "$(q "SELECT DISTINCT policy_hash || ' ' || as_of || ' ' || decided_by FROM grading_runs")" "$hubei_hash $AS_OF tester" \
  "the runs keep the hash, the as-of day and the user"
is "$(python3 -c '
import hashlib, sqlite3
for h, name, version, src in sqlite3.connect("k.db").execute("SELECT hash, name, version, source FROM policies"):
    print(hashlib.sha256(src.encode()).hexdigest() == h, name, version, src == open("'"$TOP"'/policies/hubei.lua", encoding="utf-8").read())')" \
  "True hubei 2026.1 True" "the stored source is the file, byte for byte, under its hash"

# Another policy on the same data: a second source stored; the current decision is the latest.
run kam --db k.db --policy city2012 grade --year 2025 --as-of $AS_OF --adopt
status_is 0 "city2012 grades the hubei data too"
is "$(q "SELECT count(*) FROM policies")" 2 "a second policy source is stored"
is "$(grades k.db | cut -f1 | sort -u | wc -l) $(grades k.db | wc -l)" "$ncust $ncust" \
  "export grades still gives one decision per customer"
is "$("$KAM" --db k.db export grades --format json | python3 -c 'import json,sys; print(sorted({r["policy"] for r in json.load(sys.stdin)}))')" \
  "['city2012']" "... the latest one (city2012's)"
is "$(grades k.db --history | wc -l)" $((3 * ncust)) "--history: all three runs"
is "$("$KAM" --db k.db export grades --history --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print([r["policy"] for r in rows if r["code"] == "42010200001000"])')" "['hubei', 'hubei', 'city2012']" \
  "--history lists a customer's decisions oldest first"
run kam --db k.db grade --year 2024 --as-of $AS_OF
status_is 0 "grade 2024 as well"
is "$(grades k.db --year 2025 | wc -l) $(grades k.db --year 2024 | wc -l) $(grades k.db | wc -l)" "$ncust $ncust $((2 * ncust))" \
  "export grades --year picks one year; without it, the current decision of every year"
# In 2024 only the December 2024 rows count: 50,000.00 each.
is "$(grades k.db --year 2024 | awk -F'\t' '$1 == "42010200008000" || $1 == "42050200008000" {print $1, $2}')" \
  "42010200008000 4
42050200008000 3" "2024 is graded on 2024's rows (50,000.00 in December 2024)"
csv=$("$KAM" --db k.db export grades --year 2025 --format csv)
is "${csv%%$'\n'*}" \
  "code,year,grade,computed,override,score,policy,policy_version,policy_hash,reasons,decided_at,decided_by,labels" "export grades CSV header"

# Triggers: decisions, runs and stored policies are never changed or deleted.
before=$(q "SELECT count(*), group_concat(grade, '') FROM decisions; SELECT count(*) FROM grading_runs; SELECT count(*) FROM policies")
run sqlite3 k.db "UPDATE decisions SET grade = '1' WHERE code = 42010200008000"
refused "UPDATE decisions is refused"
like "$err" "decisions are never changed" "by the trigger"
run sqlite3 k.db "DELETE FROM decisions WHERE run = 1"
refused "DELETE FROM decisions is refused"
like "$err" "decisions are never deleted" "by the trigger"
run sqlite3 k.db "UPDATE grading_runs SET decided_by = 'x'"
refused "UPDATE grading_runs is refused"
run sqlite3 k.db "DELETE FROM grading_runs"
refused "DELETE FROM grading_runs is refused"
run sqlite3 k.db "UPDATE policies SET source = 'return {}'"
refused "UPDATE policies is refused"
run sqlite3 k.db "DELETE FROM policies"
refused "DELETE FROM policies is refused"
is "$(q "SELECT count(*), group_concat(grade, '') FROM decisions; SELECT count(*) FROM grading_runs; SELECT count(*) FROM policies")" \
  "$before" "nothing changed"

# --dry-run writes nothing, not even a new policy source.
cp "$TOP/policies/hubei.lua" "$T/hubei_v2.lua"
sed -i 's/^  version = "2026.1",/  version = "2026.2",/' "$T/hubei_v2.lua"
run kam --db k.db --policy "$T/hubei_v2.lua" --json grade --year 2025 --as-of $AS_OF --dry-run
status_is 0 "grade --dry-run"
is "$(q "SELECT count(*), group_concat(grade, '') FROM decisions; SELECT count(*) FROM grading_runs; SELECT count(*) FROM policies")" \
  "$before" "--dry-run writes no decision, run or policy"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["dry_run"], d["run"], d["policy_version"], d["customers"])')" \
  "True None 2026.2 $ncust" "--dry-run --json: dry_run true, run null"
run kam --db k.db grade --year 2025 --as-of $AS_OF --dry-run
like "$err" "nothing written" "--dry-run says nothing was written"

# --- shantou ------------------------------------------------------------------------------
DB=s.db
setup s.db shantou shantou
run kam --db s.db import bureau_revenue "$F/shantou_bureau_revenue.csv"
status_is 0 "shantou: import bureau_revenue"
is "$(q "SELECT amount FROM bureau_revenue WHERE bureau = '汕头市' AND year = 2025")" 10000000000 "the entered revenue is kept in fen"
run kam --db s.db grade --year 2025 --as-of $AS_OF
status_is 0 "shantou: grade 2025"
load s.db
# Rule (3), each line: year and December bars both met exactly (a December refund on
# same_city keeps rule 2 from holding); one fen under either half is no key account.
i=0
for line in savings billing letters philately express logistics parcels newspapers; do
  code() { printf '440507%05d000' $((3 * i + $1)); }
  is "${G[$(code 1)]:-missing}" general "rule 3: $line at both bars is a key account"
  like "${R[$(code 1)]}" "§1 rule (3): specialty (专业) key account of" "rule 3: $line: the reason names the rule"
  is "${G[$(code 2)]:-missing}" none "rule 3: $line one fen under the annual bar is none"
  is "${G[$(code 3)]:-missing}" none "rule 3: $line one fen under the December bar is none"
  i=$((i + 1))
done
like "${R[44050700010000]}" "philately (集邮) 2025 40,000.00 / December 3,500.00 (bar 40,000.00 / 3,500.00)" \
  "rule 3 reason: the line's year and December against its bars"
expect 44050700025000 general "express one fen under its bar, but rule 2 holds"
like "${R[44050700025000]}" "§1 rule (2): revenue 2025 19,999.99 / December 2,000.00" "... by rule 2"
unlike "${R[44050700025000]}" "rule (3)" "... not by rule 3"
expect 44050700026000 general "rule 2: 10,000.00 and December 1,000.00"
expect 44050700027000 none "rule 2: 9,999.99 and December 1,000.00"
expect 44050700028000 none "rule 2: 10,000.00 and December 999.99"
# Revenue points (bureau 汕头市, 100,000,000.00 entered): each band edge and a fen under it.
expect 44050700031000 diamond 100 "1,500,000.00: 100 and 100 share points"
expect 44050700032000 diamond 94 "1,499,999.99: 90 revenue points"
expect 44050700033000 diamond 94 "1,000,000.00: 90 revenue points"
expect 44050700034000 gold 88 "999,999.99: 80 revenue points"
expect 44050700035000 gold 88 "500,000.00: 80 revenue points"
expect 44050700036000 gold 82 "499,999.99: 70 revenue points"
expect 44050700037000 gold 82 "300,000.00: 70, and exactly 3‰ of 100,000,000.00: 100 share points"
expect 44050700038000 silver 68 "299,999.99: 60, under 3‰: 80"
expect 44050700039000 silver 68 "100,000.00: 60, exactly 1‰: 80"
expect 44050700040000 general 24 "99,999.99: 0, 0.5‰ or more: 60"
expect 44050700041000 general 16 "10,000.00: exactly 0.1‰: 40"
expect 44050700042000 general 0 "9,999.99: under 0.1‰: 0"
like "${R[44050700037000]}" "share of the whole bureau 汕头市's annual revenue: 300,000.00 of 100,000,000.00 (3.00‰), ≥ 3‰ → 100 share points" \
  "the share reason with both figures"
like "${R[44050700037000]}" "score 0.6 × 70 + 0.4 × 100 = 82 → gold [75, 90)" "the score reason"
# Share edges: one fen more in the entered bureau revenue drops a band.
expect 44510200001000 silver 74 "300,000.00 of 100,000,000.01: under 3‰"
expect 44520200001000 general 60 "100,000.00 of 200,000,000.00: exactly 0.5‰"
expect 44140200001000 general 52 "100,000.00 of 200,000,000.01: under 0.5‰"
expect 44150200001000 general 52 "100,000.00 of 1,000,000,000.00: exactly 0.1‰"
expect 44160200001000 general 36 "100,000.00 of 1,000,000,000.01: under 0.1‰"
expect 44170200001000 general 60 "100,000.00 of 100,000,000.01: under 1‰"
expect 44530200001000 diamond 92 "1,500,000.00 of 1,500,000,000.00: exactly 1‰"
expect 44090200001000 gold 84 "1,500,000.00 of 1,500,000,000.01: under 1‰"
unlike "${R[44530200001000]}" "stood in" "an entered bureau revenue is not called a stand-in"
# The share is of the whole city bureau (DOMAIN §3.2): a county customer of 汕头市 and its
# twin in the city get the same grade and score, on the same denominator.
expect 44051300001000 gold 82 "潮阳区 (a county of 汕头市): 300,000.00 of 汕头市's 100,000,000.00 (exactly 3‰)"
is "${G[44051300001000]} ${S[44051300001000]}" "${G[44050700037000]} ${S[44050700037000]}" \
  "two identical customers, one in the city and one in its county, get the same grade and score"
like "${R[44051300001000]}" "share of the whole bureau 汕头市's annual revenue: 300,000.00 of 100,000,000.00 (3.00‰)" \
  "the county customer's share is of the city bureau's figure, not its county's"
unlike "${R[44051300001000]}" "潮阳区's" "its county's figure is no denominator"
# 普宁市 has revenue entered for 2024 only: its 2025 ledger total (the city's customers,
# its county's included) stands in, and says so.
expect 44528100001000 gold 82 "普宁县: 300,000.00 of 普宁市's ledger total 100,000,000.00 (exactly 3‰)"
like "${R[44528100001000]}" "no annual revenue was entered for bureau 普宁市 in 2025; the ledger total 100,000,000.00 of its customers (its counties' included) stood in" \
  "the reasons say the ledger total stood in"
expect 44051300002000 none "潮阳区: a large customer without agreement and without December revenue"

# --- city2012 -----------------------------------------------------------------------------
DB=c.db
setup c.db city2012 city2012
run kam --db c.db grade --year 2025 --as-of $AS_OF
status_is 0 "city2012: grade 2025"
load c.db
expect 42030200001000 platinum "6,000,000.00"
expect 42030200002000 platinum "5,000,000.00"
like "${R[42030200002000]}" "5,000,000.00 ≥ 5,000,000.00 (DOMAIN §3.3: Platinum too)" "5,000,000.00: Platinum too, said so"
expect 42030200003000 platinum "4,999,999.99"
like "${R[42030200003000]}" "in [1,000,000.00, 5,000,000.00)" "4,999,999.99: within the seed's Platinum band"
expect 42030200004000 platinum "1,000,000.00"
expect 42030200005000 gold "999,999.99"
expect 42030200006000 gold "500,000.00"
like "${R[42030200006000]}" "§4: comprehensive Gold (综合): no business line meets its bar" \
  "500,000.00 of express with December's 1,000.00 on letters: a comprehensive Gold (DOMAIN §4, specialty as in §1)"
expect 42030200007000 vip "499,999.99"
expect 42030200008000 vip "10,000.00 with an agreement"
expect 42030200009000 general "9,999.99 with an agreement (under the floor: General, never VIP, DOMAIN §3.3)"
like "${R[42030200009000]}" "under the VIP floor 10,000.00: a key account (by agreement) below it is General (一般大客户), never VIP" "9,999.99: General, said so"
expect 42030200010000 vip "10,000.00 and December 1,000.00 without agreement"
expect 42030200011000 none "9,999.99 and December 1,000.00 without agreement"
expect 42030200012000 none "10,000.00 and December 999.99 without agreement"
expect 42030200013000 none "2,000,000.00 with nothing in December, without agreement"
expect 42030200014000 gold "700,000.00 and December 1,000.00 without agreement"
DB=k.db

# --- usage ----------------------------------------------------------------------------------
DB=k.db
before=$(q "SELECT count(*) FROM grading_runs")
run kam --db k.db grade 2025
status_is 2 "a year without --year is a usage error"
run kam --db k.db grade --year 20x5
status_is 2 "a bad year: exit 2"
run kam --db k.db grade --year 2025 --as-of 2026-1-5
status_is 2 "an as-of day not in YYYY-MM-DD: exit 2"
run kam --db k.db grade --year 2025 --frob
status_is 2 "an unknown option: exit 2"
is "$(q "SELECT count(*) FROM grading_runs")" "$before" "no run recorded by a usage error"
run kam --db k.db grade --year 2025 --as-of 2026-02-30
status_is 2 "an as-of day that does not exist (2026-02-30): exit 2, as override and explain do"
run kam --db none.db grade --year 2025
status_is 1 "no database: exit 1"
like "$err" "no such database" "said so"
[ -e none.db ] && nok "no database is created by grade" || ok "no database is created by grade"

# --- a generated province, against an independent reading of the rules -------------------
DB=g.db
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
"$GEN" --customers 5000 --months 24 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db g.db init
run kam --db g.db import customers gp/customers.csv
status_is 0 "province: 5,000 customers"
run kam --db g.db import ledger gp/ledger.csv
status_is 0 "province: 24 months of ledger"
for p in hubei shantou city2012 hq; do
  run kam --db g.db --policy $p --json grade --year 2025 --as-of $AS_OF --dry-run
  dry=$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["customers"], sorted(d["grades"].items()))')
  run kam --db g.db --policy $p --json grade --year 2025 --as-of $AS_OF --adopt
  status_is 0 "province: $p grades 5,000 customers"
  wet=$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["customers"], sorted(d["grades"].items()))')
  is "$dry" "$wet" "province: $p: grade and grade --dry-run --json agree"
  is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(sum(d["grades"].values()), d["customers"], d["members"] == d["customers"] - d["grades"]["none"])')" \
    "5000 5000 True" "province: $p: the counts per grade add up to the customers, the key accounts to all but none"
  is "$(q "SELECT group_concat(grade || ':' || n, ' ') FROM (SELECT grade, count(*) n FROM decisions
        WHERE run = (SELECT max(id) FROM grading_runs) GROUP BY grade ORDER BY grade)")" \
    "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(" ".join("%s:%d" % kv for kv in sorted(d["grades"].items()) if kv[1]))')" \
    "province: $p: the counts printed are the decisions stored"
  grades g.db --year 2025 | cut -f1-3 | tr '\t' ' ' >kam_$p.txt
  python3 "$F/reference.py" $p 2025 gp/customers.csv gp/ledger.csv >ref_$p.txt
  run diff ref_$p.txt kam_$p.txt
  is "$status" 0 "province: $p: every grade (and score) is the independent reading's"
  [ "$status" = 0 ] || printf '#   %s\n' "$(head -5 <<<"$out")"
done
is "$(q "SELECT count(DISTINCT grade) FROM decisions WHERE run = (SELECT max(id) FROM grading_runs)")" 5 \
  "province: the data reaches every hq grade and none"
# The two grading lanes and one lane decide the same.
run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy shantou grade --year 2025 --as-of $AS_OF --adopt
status_is 0 "province: shantou with one grading lane"
is "$(q "SELECT count(*) FROM decisions a JOIN decisions b ON a.code = b.code
        WHERE a.run = (SELECT max(id) FROM grading_runs) AND b.run = 2
          AND (a.grade IS NOT b.grade OR a.score IS NOT b.score OR a.reasons IS NOT b.reasons)")" 0 \
  "province: one lane gives the same decisions, reasons and scores as two"
DB=k.db

# --- the default as-of day and year are the database's (its timezone), not the machine's --
# A zone 12 hours from UTC on the side where the day differs right now, so the check
# always tells the two apart.
if [ "$(date -u +%H)" -lt 12 ]; then ZONE=Etc/GMT+12; else ZONE=Etc/GMT-12; fi
cp k.db tz.db
sqlite3 tz.db "INSERT OR REPLACE INTO meta(key, value) VALUES ('timezone', '$ZONE')"
run env TZ=UTC "$KAM" --db tz.db --json grade --dry-run
status_is 0 "grade with no --year and no --as-of"
want=$(TZ=$ZONE date +%F)
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["as_of"], d["year"])')" "$want $(( ${want%%-*} - 1 ))" \
  "as of the database's today in $ZONE, the year before it (machine in UTC: $(date -u +%F))"

done_testing
