#!/usr/bin/env bash
# The bureau assessment (DOMAIN §10; Hubei art. 35) through kam run on the shared helper
# common/assessment.lua: item by item with the arithmetic, growth in whole percentage
# points (a shortfall of 2.6 points costs 2 × 0.5), the floor of 0 and the bonus caps
# binding, and "not assessed" for what kam holds no data on.
source "$(dirname "$0")/lib.sh"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
js() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# 宜昌 (420502): 2024 three class-1 customers (300,000.00 each) and seven class-4
# (20,000.00); 2025 the three fall to 20,000.00 and ten new ones join at 20,000.00.
# 襄阳 (420602): 2024 ten class-4 at 20,000.00; 2025 those ten and one more at 34,800.00
# (revenue +17.4%: 2.6 points short of 20%).
{
  echo "code,name,place,city,agreement"
  for i in $(seq 1 20); do printf '420502%05d000,宜昌%d,city,宜昌市,yes\n' $i $i; done
  for i in $(seq 1 11); do printf '420602%05d000,襄阳%d,city,襄阳市,yes\n' $i $i; done
} >customers.csv
{
  echo "code,month,line,amount"
  for i in $(seq 1 10); do a=20000; [ $i -le 3 ] && a=300000; printf '420502%05d000,2024-03,express,%d\n' $i $a; done
  for i in $(seq 1 20); do printf '420502%05d000,2025-03,express,20000\n' $i; done
  for i in $(seq 1 10); do printf '420602%05d000,2024-03,express,20000\n' $i; done
  for i in $(seq 1 10); do printf '420602%05d000,2025-03,express,20000\n' $i; done
  printf '42060200011000,2025-03,express,34800\n'
} >ledger.csv
run kam --db $DB init --policy hubei
run kam --db $DB import customers customers.csv
run kam --db $DB import ledger ledger.csv
status_is 0 "two bureaus, two years"
run kam --db $DB grade --year 2024
run kam --db $DB grade --year 2025
status_is 0 "graded 2024 and 2025"
is "$(q "SELECT count(*) FROM decisions d JOIN grading_runs r ON r.id = d.run WHERE r.year = 2024 AND grade = '1'")" "3" \
  "three class-1 customers in 2024"

# 襄阳's archives: nine filed, one not filed, one missing; visits: two each but two accounts
# with one; one symposium.  宜昌: nothing of the kind recorded.
for i in $(seq 1 10); do
  f=yes; [ $i = 10 ] && f=no
  run kam --db $DB customer set $(printf '420602%05d000' $i) --filed $f --refreshed-on 2025-06-01
done
for i in $(seq 1 11); do
  c=$(printf '420602%05d000' $i)
  run kam --db $DB visit add $c --on 2025-04-01 --by 专业局
  [ $i -le 9 ] && run kam --db $DB visit add $c --on 2025-11-01 --by 专业局
done
run kam --db $DB visit symposium --on 2025-10-01 --title 座谈会 --bureau 襄阳市
status_is 0 "archives, visits and a symposium recorded"

cat >assess.lua <<LUA
package.path = "$TOP/scripts/commands/?.lua;" .. package.path
local A = require "common.assessment"
local ob = require "common.obligations"
local y, q = A.quarter(select(1, ...))
if not y then error(q, 0) end
local doc = A.assess(ob.policy(), y, q)
for _, b in ipairs(doc.bureaus) do b.figures = nil end
return doc
LUA
run kam --json --db $DB run assess.lua 2025Q4
status_is 0 "the 2025Q4 assessment"
doc=$out
item() { echo "$doc" | js "b=[b for b in d['bureaus'] if b['bureau']=='$1'][0]; i=[i for i in b['items'] if i['item']=='$2'][0]; print(i.get('score', '-'), i['status'])"; }
arith() { echo "$doc" | js "b=[b for b in d['bureaus'] if b['bureau']=='$1'][0]; i=[i for i in b['items'] if i['item']=='$2'][0]; print(i.get('arithmetic', i.get('why')))"; }
total() { echo "$doc" | js "b=[b for b in d['bureaus'] if b['bureau']=='$1'][0]; print(b['score'], b['max'], b['assessed_base'])"; }

# 宜昌: count 10 → 20 (+100%): +80 points over, the bonus capped at +10.
is "$(item 宜昌市 count_growth)" "20 assessed" "count growth +100%: the bonus cap binds (10 + 10)"
like "$(arith 宜昌市 count_growth)" "80 whole point(s) over the 20% target: +10 (bonus at most +10)" "with the arithmetic"
# Revenue 1,040,000.00 → 400,000.00: −61.5%, 81 points short: −40.5, stops at 0.
is "$(item 宜昌市 revenue_growth)" "0 assessed" "revenue growth −61.5%: the floor of 0 binds"
like "$(arith 宜昌市 revenue_growth)" "81 whole point(s) short of the 20% target: −40.5; stops at 0" "with the arithmetic"
# Class 2+: three → none (−15), revenue 900,000.00 → 0 (−100%: −50): 20 − 65 stops at 0.
is "$(item 宜昌市 top_accounts)" "0 assessed" "class 2+ lost: the floor binds"
like "$(arith 宜昌市 top_accounts)" "net -3 × 5 = -15" "net change in number"
like "$(arith 宜昌市 top_accounts)" "-10 whole 10% step(s) × 5 = -50; 20 + changes = -45; stops at 0" "revenue steps"
is "$(item 宜昌市 archives)" "- not assessed" "no archive recorded: not assessed"
is "$(item 宜昌市 visits)" "- not assessed" "no visit recorded: not assessed"
is "$(item 宜昌市 symposiums)" "0 assessed" "no symposium of 宜昌 while others hold them: 10 − 2 × 5 = 0"
is "$(item 宜昌市 analysis)" "- not assessed" "monthly analyses: kam holds none"
is "$(item 宜昌市 accuracy)" "- not assessed" "data accuracy: kam holds none"
is "$(total 宜昌市)" "20 90 50" "宜昌: 20 of 90 on the 50 base points assessed"

# 襄阳: count 10 → 11 (+10%: 10 short, −5); revenue 200,000.00 → 234,800.00 (+17.4%: 2.6
# short counts 2, −1).
is "$(item 襄阳市 count_growth)" "5 assessed" "count +10%: 10 points short, −5"
is "$(item 襄阳市 revenue_growth)" "9 assessed" "revenue +17.4%: 2 whole points short, −1"
like "$(arith 襄阳市 revenue_growth)" "17.4%, 2 whole point(s) short of the 20% target: −1" "whole points"
is "$(item 襄阳市 top_accounts)" "20 assessed" "no class 2+ either year: the base"
is "$(item 襄阳市 archives)" "8 assessed" "one archive missing, one not filed: −2"
like "$(arith 襄阳市 archives)" "without an archive (1) or not filed (1)" "saying which"
is "$(item 襄阳市 visits)" "4 assessed" "two accounts visited once of the two a year: −6"
is "$(item 襄阳市 symposiums)" "5 assessed" "one symposium of two: −5"
is "$(total 襄阳市)" "51 110 70" "襄阳: 51 of 110 on the 70 base points assessed"

# Before Q4 the yearly bars are not judged.
run kam --json --db $DB run assess.lua 2025Q2
doc=$out
is "$(item 襄阳市 symposiums)" "- not assessed" "Q2: symposiums are judged in Q4"
is "$(item 襄阳市 visits)" "10 assessed" "Q2: yearly visits not yet judged, none below a monthly rule"
run kam --json --db $DB run assess.lua 2025Q5
status_is 1 "a quarter that does not exist fails"
# kam report assessment: the same scores, item by item, in every format.
run kam --json --db $DB run assess.lua 2025Q4
doc=$out
run kam --db $DB --json report assessment --quarter 2025Q4
status_is 0 "kam report assessment --quarter 2025Q4"
is "$(printf '%s' "$out" | jq -r '.sections[] | select(.key == "bureaus") | .rows[] | select(.bureau == "宜昌市") | .score')" \
  "$(echo "$doc" | js "b=[b for b in d['bureaus'] if b['bureau']=='宜昌市'][0]; print(b['score'])")" "宜昌's score is the assessment's"
is "$(printf '%s' "$out" | jq -r '[.sections[] | select(.key == "items") | .rows[] | select(.bureau == "宜昌市") | .status] | map(select(. == "未考核")) | length')" \
  "$(echo "$doc" | js "b=[b for b in d['bureaus'] if b['bureau']=='宜昌市'][0]; print(len([i for i in b['items'] if i['status']=='not assessed']))")" \
  "and its items not assessed are shown as such"
run kam --db $DB report assessment --quarter 2025Q4 --format html -o a.html
status_is 0 "as HTML"
run kam --db $DB report assessment --quarter 2025Q5
status_is 1 "a quarter that is none is refused"

done_testing
