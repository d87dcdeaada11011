#!/usr/bin/env bash
# kam customer merge beyond the ledger: the merged code's visits, key persons,
# competitors, current manager assignments and standing registration move to the survivor
# in one transaction, each move recorded in both codes' history; what belongs to the
# merged code alone (a grading override in force, a discount pending or in force, an
# unpaid claim or receivable, an unanswered complaint, a green-channel enrolment (not
# left) or a credit file the survivor lacks, a registration held by another team) refuses the merge, naming it, and
# changes nothing (checked by digest); closed history stays with the merged code.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
run kam --db $DB import ledger "$F/hubei_ledger.csv"
run kam --db $DB grade --year 2025
status_is 0 "the hubei fixture, graded for 2025"
echo 'print(kam.store.today())' >today.lua
TODAY=$("$KAM" --db $DB run today.lua)   # the merge happens today, in the database's timezone
S=42010200001000   # the survivor
M=42010200002000   # merged into it

for m in 王甲 李乙 张丙; do run kam --db $DB manager add $m; done
run kam --db $DB manager assign $S 王甲 --role A --since 2026-01-01
run kam --db $DB manager assign $M 李乙 --role A --since 2026-01-01
run kam --db $DB manager assign $M 张丙 --role B --since 2025-06-01
status_is 0 "managers assigned"
run kam --db $DB visit add $M --on 2026-01-15 --manager 李乙
run kam --db $DB visit add $M --on 2026-02-15 --by 市局
run kam --db $DB visit add $S --on 2026-02-20 --manager 王甲
status_is 0 "visits recorded"
run kam --db $DB customer person add $M --name 赵总 --title 总经理
run kam --db $DB customer competitor add $M --name 顺丰 --share-pct 20
run kam --db $DB register $M --team 江岸营销部
status_is 0 "the merged code is registered to a team"
expires=$(q "SELECT expires_on FROM registrations WHERE code = $M")
run kam --db $DB claim add $M --amount 100 --on 2026-01-10
run kam --db $DB claim pay 1 --on 2026-01-12
run kam --db $DB complaint add $M --content 延误 --on 2026-01-10
run kam --db $DB complaint answer 1 --answer 已处理 --on 2026-01-11
status_is 0 "a claim paid and a complaint answered: closed history"

# --- the merge ------------------------------------------------------------------------------
visits_all=$(q "SELECT count(*) FROM visits")
run kam --json --db $DB customer merge $M --into $S --reason 同一客户两个代码
status_is 0 "merge"
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
is "$(echo "$out" | py 'print(d["visits"], d["key_persons"], d["competitors"], d["assignments_moved"], d["assignments_ended"], d["registrations_moved"], d["registrations_ended"])')" \
  "2 1 1 1 1 1 0" "--json says what moved and what ended"
is "$(q "SELECT count(*) FROM visits WHERE code = $S")" "3" "the merged code's visits are the survivor's"
is "$(q "SELECT count(*) FROM visits")" "$visits_all" "no visit lost or added"
is "$(q "SELECT count(*) FROM visits WHERE code = $M")" "0" "the merged code keeps none"
is "$(q "SELECT printf('%014d', code) FROM key_persons WHERE name = '赵总'")" "$S" "key persons move"
is "$(q "SELECT printf('%014d', code) FROM competitors WHERE competitor = '顺丰'")" "$S" "competitors move"
is "$(q "SELECT count(*) FROM assignments WHERE code = $M AND ended_on IS NULL")" "0" "the merged code has no current manager"
is "$(q "SELECT m.name FROM assignments a JOIN managers m ON m.id = a.manager WHERE a.code = $S AND a.role = 'A' AND a.ended_on IS NULL")" \
  "王甲" "the survivor keeps its own A manager"
is "$(q "SELECT m.name || ' ' || a.since FROM assignments a JOIN managers m ON m.id = a.manager WHERE a.code = $S AND a.role = 'B' AND a.ended_on IS NULL")" \
  "张丙 $TODAY" "the merged code's B manager, whom the survivor lacked, now serves it from today"
like "$(q "SELECT reason FROM assignments WHERE code = $S AND role = 'B'")" "merged from $M (served since 2025-06-01)" \
  "saying since when it served the merged code"
is "$(q "SELECT count(*) FROM assignments WHERE code = $M AND ended_on = '$TODAY' AND end_reason LIKE 'merged into $S%'")" \
  "2" "the merged code's assignments are ended, not deleted"
is "$(q "SELECT status FROM registrations WHERE code = $M")" "transferred" "the merged code's registration is transferred"
is "$(q "SELECT team || ' ' || expires_on || ' ' || status FROM registrations WHERE code = $S")" "江岸营销部 $expires held" \
  "to the survivor, same team, same last day"
is "$(q "SELECT transferred_to = (SELECT id FROM registrations WHERE code = $S) FROM registrations WHERE code = $M")" "1" \
  "linked"
is "$(q "SELECT count(*) FROM claims WHERE code = $M") $(q "SELECT count(*) FROM complaints WHERE code = $M")" "1 1" \
  "closed claims and complaints stay with the code they were made for"
is "$(q "SELECT count(*) FROM decisions WHERE code = $M")" "1" "so do its grading decisions"
is "$(q "SELECT group_concat(field, ',') FROM (SELECT field FROM archive_changes WHERE code = $M AND block = 'merge' ORDER BY id)")" \
  "visits,key_persons,competitors,manager A,manager B,registration,merged_into" "the merged code's history names each move"
is "$(q "SELECT group_concat(field || '=' || new_value, ';') FROM (SELECT field, new_value FROM archive_changes WHERE code = $S AND block = 'merge' ORDER BY id)")" \
  "visits=2 moved from $M;key_persons=1 moved from $M;competitors=1 moved from $M;manager B=张丙 (from $M);registration=team 江岸营销部 (from #1 of $M);merged_from=$M" \
  "and so does the survivor's"
is "$(q "SELECT old_value || '>' || new_value FROM archive_changes WHERE code = $M AND field = 'manager A'")" \
  "李乙>ended: $S has its own manager A" "an ended assignment says why"
run kam --db $DB register $S --team 另一团队
status_is 1 "the moved registration stands for the survivor"
like "$err" "江岸营销部" "naming the team"

# --- registrations: the survivor's team holds it already; a lapsed one ------------------------
P=42050200001000; Q=42050200002000; R=42050200003000
run kam --db $DB register $P --team 西陵 && run kam --db $DB register $Q --team 西陵
run kam --json --db $DB customer merge $P --into $Q --reason 同一客户
status_is 0 "both codes registered to one team"
is "$(echo "$out" | py 'print(d["registrations_moved"], d["registrations_ended"])')" "0 1" "nothing moves, one ends"
is "$(q "SELECT status || ' ' || end_reason FROM registrations WHERE code = $P")" \
  "released merged into $Q, registered to the same team" "the merged code's is released, saying why"
is "$(q "SELECT count(*) FROM registrations WHERE code = $Q AND status = 'held'")" "1" "the survivor's stands"
run kam --db $DB register $R --team 夷陵 --on 2020-01-01
run kam --json --db $DB customer merge $R --into $Q --reason 同一客户
status_is 0 "a lapsed registration of another team does not stand in the way"
is "$(q "SELECT status || ' ' || ended_on FROM registrations WHERE code = $R")" "expired 2020-06-30" \
  "it is recorded as expired the day after its last day (2020-06-29)"
is "$(q "SELECT new_value FROM archive_changes WHERE code = $R AND field = 'registration'")" "expired on 2020-06-30" \
  "and the history says so"

# --- refusals: each names the conflict, exit 1, nothing changed ------------------------------
refused() { # FROM INTO WANT DESC
  local before; before=$(dump)
  run kam --db $DB customer merge "$1" --into "$2" --reason 测试
  status_is 1 "$4: refused"
  like "$err" "$3" "$4: the conflict named"
  like "$err" "nothing was changed" "$4: saying nothing changed"
  is "$(dump)" "$before" "$4: nothing changed"
}
S2=42010200003000
X=42010200004000; run kam --db $DB visit add $X --on 2026-02-01 --by 市局
run kam --db $DB register $S2 --team 甲队
run kam --db $DB register $X --team 乙队
rx=$(q "SELECT id FROM registrations WHERE code = $X"); rs=$(q "SELECT id FROM registrations WHERE code = $S2")
refused $X $S2 "registration #$rx by team '乙队' stands for $X" "two teams' registrations"
like "$err" "and #$rs by team '甲队' for $S2" "naming both holders"
run kam --db $DB register release $X --reason 让出
X=42010200005000
run kam --db $DB override add $X --kind cultivation --grade 2 --reason 培育 --from 2026-01-01 --until 2026-12-31 --year 2025
status_is 0 "an override"
refused $X $S2 "grading override #1 (hubei, grade 2, from 2026-01-01) stands for $X" "an override in force"
run kam --db $DB override revoke 1 --reason 合并
X=42010200006000
run kam --db $DB discount request $X --line express --rate-bp 100 --from $TODAY --until 2999-12-31 --on $TODAY
status_is 0 "a discount request"
refused $X $S2 "discount #1 (express, $TODAY..2999-12-31) of $X is awaiting its answer" "a pending discount"
run kam --db $DB discount approve 1 --level local --on $TODAY
refused $X $S2 "is in force until 2999-12-31" "a discount in force"
X=42010200007000
run kam --db $DB claim add $X --amount 50.5 --on 2026-02-01
refused $X $S2 "claim #2 of $X (50.50 yuan, claimed on 2026-02-01) is not paid" "an unpaid claim"
X=42010200008000
run kam --db $DB arrear add $X --line express --amount 300 --due 2026-02-28 --handler 王甲 --issued 2026-01-01
run kam --db $DB arrear pay 1 --amount 100 --on 2026-02-10
refused $X $S2 "receivable #1 of $X (express, due 2026-02-28) has 200.00 yuan outstanding" "an outstanding receivable"
X=42010200010000
run kam --db $DB complaint add $X --content 丢件 --on 2026-03-01
refused $X $S2 "complaint #2 of $X (received on 2026-03-01) is not answered" "an unanswered complaint"
X=42010200011000
run kam --db $DB claim enroll $X --on 2026-01-01
refused $X $S2 "$X is enrolled in the green channel (since 2026-01-01) and $S2 is not" "a green-channel enrolment"
run kam --json --db $DB customer merge $X --into $S2 --reason 测试
like "$out" '"error"' "--json: a refusal is one JSON document"
run kam --db $DB claim leave $X --on 2026-02-01 --reason 退出
status_is 0 "it leaves the green channel"
run kam --db $DB customer merge $X --into $S2 --reason 合并
status_is 0 "an enrolment it has left no longer stands in the way"
X=42050200004000
run kam --db $DB arrear credit $X --level A --limit 5000 --cycle-days 30 --on 2026-01-01 --reason 授信
status_is 0 "a credit file"
before_credit=$(dump)
run kam --db $DB customer merge $X --into $S2 --reason 测试
status_is 1 "a credit file the survivor lacks: refused"
like "$err" "$X has a credit file (since 2026-01-01) and $S2 has none" "the conflict named (not its terms)"
unlike "$err" "5000" "the limit is not shown"
is "$(dump)" "$before_credit" "nothing changed"

# A conflict settled, the merge goes through: the override revoked, the released registration.
run kam --db $DB customer merge 42010200005000 --into $S2 --reason 合并
status_is 0 "a revoked override no longer stands in the way"
run kam --db $DB customer merge 42010200004000 --into $S2 --reason 合并
status_is 0 "nor a released registration"
is "$(q "SELECT count(*) FROM visits WHERE code = $S2")" "1" "its visit moved"

done_testing
