#!/usr/bin/env bash
# The A/B pair (DOMAIN §4): under city2012, VIP and better need an A and a B manager;
# kam manager staffing lists those lacking one, and sets no ratio the policy lacks.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
js() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
run kam --db $DB init --policy city2012
run kam --db $DB import customers "$F/city2012_customers.csv"
run kam --db $DB import ledger "$F/city2012_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "city2012, graded for 2025"
pair=$(q "SELECT count(*) FROM decisions WHERE grade IN ('platinum', 'gold', 'vip')")
P=$(q "SELECT code FROM decisions WHERE grade = 'platinum' ORDER BY code LIMIT 1")
G=$(q "SELECT code FROM decisions WHERE grade = 'general' ORDER BY code LIMIT 1")
run kam --db $DB manager add 甲
run kam --db $DB manager add 乙
run kam --json --db $DB manager staffing --as-of 2026-03-01 --limit 100
status_is 0 "staffing"
is "$(echo "$out" | js "print(d['ab_pair']['from'], d['ab_pair']['missing_total'])")" "vip $pair" \
  "every VIP-or-better customer lacks the pair"
like "$out" '"rule": "the policy sets no ratio"' "no ratio where the policy sets none"
run kam --db $DB manager assign $P 甲 --since 2026-01-01
run kam --json --db $DB manager staffing --as-of 2026-03-01 --limit 100
is "$(echo "$out" | js "print([m['lacks'] for m in d['ab_pair']['missing'] if m['code']=='$P'])")" "['B']" "with A only it lacks B"
run kam --db $DB manager assign $P 乙 --role B --since 2026-01-01
run kam --db $DB manager assign $G 甲 --since 2026-01-01
run kam --json --db $DB manager staffing --as-of 2026-03-01 --limit 100
is "$(echo "$out" | js "print(d['ab_pair']['missing_total'], '$P' in [m['code'] for m in d['ab_pair']['missing']])")" \
  "$((pair - 1)) False" "A and B: no longer listed"
is "$(echo "$out" | js "print('$G' in [m['code'] for m in d['ab_pair']['missing']])")" "False" "General needs no pair"
run kam --db $DB manager staffing --as-of 2026-03-01
like "$out" "A/B pair (grade vip and better): $((pair - 1)) customer(s) lack one of the pair" "text"
done_testing
