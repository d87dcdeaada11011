#!/usr/bin/env bash
# kam report discounts | claims | arrears | complaints (DOMAIN §4, §5, §6, §11): each
# report's figures are the commands' own on the same day (the last of --month), which
# their own tests check at the rules' edges; a viewer reads a discount's rate masked.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
DB=m.db
run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025 --as-of 2026-01-15
status_is 0 "the hubei fixture, graded for 2025"
C3=42050200005000                   # class 3
A=$(sqlite3 $DB "SELECT printf('%014d', code) FROM customers WHERE agreement = 1 AND code <> $C3 ORDER BY code LIMIT 1")
k() { "$KAM" --db $DB "$@" >/dev/null 2>&1 || nok "setup: kam $*"; }
k discount request $C3 --line express --rate-bp 999 --from 2026-01-01 --until 2026-06-30 --on 2026-01-05
k discount request $C3 --line express --rate-bp 500 --from 2026-01-01 --until 2026-12-31 --on 2026-01-30
k discount request $C3 --line letters --rate-bp 300 --from 2026-01-01 --until 2026-12-31 --on 2026-01-02
k discount approve 3 --level province --on 2026-01-04
k claim add $C3 --amount 5000.00 --on 2026-01-02
k claim add $C3 --amount 5000.01 --on 2026-01-10
k claim add $A --amount 10.00 --on 2026-01-29
k claim pay 1 --on 2026-01-05
k arrear add $A --line express --amount 100.00 --issued 2025-10-01 --due 2025-11-01 --handler 张三
k arrear add $A --line express --amount 50.00 --issued 2026-01-01 --due 2026-02-15 --handler 李四
k arrear add $C3 --line express --amount 70.00 --issued 2025-12-01 --due 2026-01-10 --handler 王五
k arrear pay 3 --amount 20.00 --on 2026-01-20
k complaint add $C3 --content 晚到 --on 2026-01-03
k complaint add $A --content 丢失 --on 2026-01-20
k complaint add $A --content 破损 --on 2026-01-28
k complaint answer 1 --answer 已处理 --on 2026-01-05
k complaint rate 1 --satisfaction satisfied --on 2026-01-06
DAY=2026-01-31
rep() { "$KAM" --db $DB --json report "$@" --month 2026-01; }
ids() { jq -c "[.sections[] | select(.key == \"$1\") | .rows[].id]"; }

# --- discounts ---------------------------------------------------------------------------
out=$(rep discounts)
is "$(ids overdue <<<"$out")" "$("$KAM" --db $DB --json discount list --state overdue --as-of $DAY | jq -c '[.[].id]')" \
  "discounts: the overdue requests are discount list's on the day"
is "$(ids pending <<<"$out")" "[2]" "... the pending one not yet due apart"
is "$(ids granted <<<"$out")" "$("$KAM" --db $DB --json discount list --state granted --as-of $DAY | jq -c '[.[].id]')" \
  "... and the discounts granted now"
is "$(jq -r '.sections[] | select(.key == "granted") | .rows[0].rate' <<<"$out")" "3.00%" "a rate as a percentage"
"$KAM" --db $DB user add boss --login "$(id -un)" >/dev/null 2>&1
"$KAM" --db $DB user add vic --login vic-login --role viewer >/dev/null 2>&1
out=$("$KAM" --db $DB --user vic --json report discounts --month 2026-01)
is "$(jq -r '[.sections[].rows[].rate] | unique | join(" ")' <<<"$out")" "***" "a viewer's report shows every rate masked"

# --- claims ------------------------------------------------------------------------------
out=$(rep claims)
is "$(ids overdue <<<"$out")" "$("$KAM" --db $DB --json claim list --state overdue --as-of $DAY | jq -c '[.[].id]')" \
  "claims: the overdue ones are claim list's"
is "$(ids open <<<"$out")" "[3]" "the one still in time is open"
is "$(ids paid <<<"$out")" "[1]" "the one paid in January"
is "$(jq -r '.sections[] | select(.key == "overdue") | .rows[0] | [.amount, .missed] | join(" ")' <<<"$out")" \
  "5000.01 上报" "5,000.01 went to the province, and its report is what is late"

# --- arrears -----------------------------------------------------------------------------
out=$(rep arrears)
stops=$("$KAM" --db $DB --json arrear stops --as-of $DAY)
is "$(jq -c '[.sections[] | select(.key == "stops") | .rows[] | [.code, .outstanding]]' <<<"$out")" \
  "$(jq -c '[.stops[] | [.code, (.outstanding / 100 | tostring | if test("\\.") then . else . + "" end)]]' <<<"$stops" |
     python3 -c 'import json,sys; print(json.dumps([[c, "%.2f" % float(v)] for c, v in json.load(sys.stdin)], separators=(",", ":")))')" \
  "arrears: the credit stops are arrear stops', with what is overdue"
owed=$(sqlite3 $DB "SELECT printf('%.2f', (SELECT sum(amount) FROM receivables) / 100.0 - (SELECT sum(amount) FROM receivable_payments WHERE paid_on <= '$DAY') / 100.0)")
is "$(jq -r '[.sections[] | select(.key == "ageing") | .rows[].outstanding | tonumber] | add' <<<"$out" |
     python3 -c 'import sys; print("%.2f" % float(sys.stdin.read()))')" \
  "$owed" "the ageing buckets add up to what is owed on the day ($owed, by SQL)"
warn=$("$KAM" --db $DB --json arrear warnings --as-of $DAY)
is "$(jq -c '[.sections[] | select(.key == "warnings") | .rows[] | .code]' <<<"$out")" "$(jq -c '[.warnings[].code]' <<<"$warn")" \
  "the arrears warnings are arrear warnings'"
is "$(jq -c '[.warnings[].code]' <<<"$warn")" "[\"$A\"]" "one customer warned (an arrear more than 90 days past due)"
ratio=$("$KAM" --db $DB --json arrear ratio --year 2025)
is "$(jq -r '.sections[] | select(.key == "ratio") | .rows[0] | [.arrears, .revenue] | join(" ")' <<<"$out")" \
  "$(jq -r '[.arrears, .revenue] | map(. / 100 | tostring) | join(" ")' <<<"$ratio" |
     python3 -c 'import sys; print(" ".join("%.2f" % float(v) for v in sys.stdin.read().split()))')" \
  "the year-end ratio is arrear ratio's for 2025"

# --- complaints --------------------------------------------------------------------------
out=$(rep complaints)
m=$("$KAM" --db $DB --json complaint measures --as-of $DAY)
is "$(jq -c '.sections[] | select(.key == "measures") | .rows[0] | [.received, .answered, .on_time, .open, .overdue]' <<<"$out")" \
  "$(jq -c '.all | [.received, .answered, .on_time, .open, .overdue]' <<<"$m")" "complaints: the measures are complaint measures'"
is "$(jq -r '.sections[] | select(.key == "measures") | .rows[0].on_time_share' <<<"$out")" "50.0" \
  "on time: 1 of the 2 due by the day (the third is not due yet)"
is "$(ids open <<<"$out")" "[2,3]" "the open complaints"
# --- the daily reminder -------------------------------------------------------------------
out=$(KAM_SCHEDULE_SLOT=2026-01-31T07:00:00+08:00 "$KAM" --db $DB run "$TOP/scripts/schedule/daily_reminder.lua" 7 2>&1)
like "$out" "discount #1 customer $C3: answer the request for 9.99% off express, due 2026-01-08 (overdue)" \
  "the daily reminder: a discount answer overdue, under its answering level"
like "$out" "claim #2 customer $C3: claim of 5,000.01: report it to the province, due 2026-01-13 (overdue)" \
  "a claim's missed deadline, under who took it"
like "$out" "张三: 2 money and service item(s)" "an arrear to collect, under its handler"
like "$out" "arrears warning #1 customer 42010200001000: an arrear 91 days past due (more than 90), due 2026-01-31" \
  "and the arrears warning (more than hubei's 90 days past due), under each of the customer's handlers"
like "$out" "complaint #2 customer $A: answer the complaint, due 2026-01-27 (overdue)" "a complaint to answer"
for r in discounts claims arrears complaints; do
  run kam --db $DB report $r --month 2026-01 --format html -o $r.html
  status_is 0 "$r as HTML"
done

done_testing
