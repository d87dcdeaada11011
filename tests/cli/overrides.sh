#!/usr/bin/env bash
# kam override add | list | revoke.  Hubei's cultivation (培育期) needs an end date and
# exactly the class above the computed one; while valid it outranks the computed grade
# (and the reasons say so), after its end date it lapses; a revoked override stays on
# record.  Overrides are only ever revoked (a trigger refuses other changes).  Shantou's
# approved Diamond needs the approver.  Kinds and grades the policy does not accept are
# refused, naming what it accepts.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
nover() { q "SELECT count(*) FROM overrides"; }
# decision CODE: "grade computed override-id" of the latest decision of CODE
decision() { q "SELECT grade || ' ' || computed || ' ' || coalesce(override, '-') FROM decisions WHERE code = $1 ORDER BY id DESC LIMIT 1"; }
reasons() { q "SELECT reasons FROM decisions WHERE code = $1 ORDER BY id DESC LIMIT 1"; }
clean_error() { unlike "$err" "stack traceback" "$1: no Lua traceback in the message"; }

run kam --db k.db init --policy hubei
run kam --db k.db import customers "$F/hubei_customers.csv"
run kam --db k.db import ledger "$F/hubei_ledger.csv"
status_is 0 "the hubei fixture"
C3=42050200005000   # 宜昌, 50,000.00: class 3
C1=42050200001000   # 宜昌, 200,000.00: class 1
CN=42050200008000   # 宜昌, 9,999.99: no key account
add() { run kam --db k.db override add "$@"; }

# --- refusals -----------------------------------------------------------------------------
add $C3 --kind cultivation --grade 2 --reason "潜力大" --from 2026-01-01 --year 2025
status_is 1 "cultivation without --until is refused"
like "$err" "override kind 'cultivation' needs an end date (--until)" "saying it needs an end date"
clean_error "no end date"
add $C3 --kind cultivation --grade 1 --reason "潜力大" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "cultivation two classes up is refused"
like "$err" "the computed grade is class 3, so the cultivation grade must be class 2, not '1'" "with the policy's reason"
clean_error "two classes up"
add $C3 --kind cultivation --grade 3 --reason "潜力大" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "cultivation at the computed class is refused"
like "$err" "must be class 2, not '3'" "with the policy's reason"
add $C1 --kind cultivation --grade 1 --reason "潜力大" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "cultivation of a class 1 customer is refused"
like "$err" "no class above it" "nothing above class 1"
add $CN --kind cultivation --grade 3 --reason "潜力大" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "cultivation of a customer that is no key account is refused"
like "$err" "cultivation is for an existing key account" "said so"
add $C3 --kind approved_diamond --grade 2 --reason "x" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "a kind hubei does not accept is refused"
like "$err" "policy hubei accepts no override kind 'approved_diamond' (it accepts: cultivation)" "listing the kinds it accepts"
clean_error "unknown kind"
add $C3 --kind cultivation --grade 4 --reason "x" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "a grade the kind does not allow is refused"
like "$err" "sets one of the grades 1, 2, 3, not '4'" "listing the grades it allows"
add $C3 --kind cultivation --grade 2 --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 2 "no --reason is a usage error"
like "$err" "override add: --reason is required" "said so"
add $C3 --grade 2 --reason "x" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 2 "no --kind is a usage error"
like "$err" "override add: --kind is required" "said so"
# A reason is bounded in characters (2000), not bytes: 2001 Chinese characters are refused.
long=$(python3 -c 'print("培" * 2001)')
add $C3 --kind cultivation --grade 2 --reason "$long" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 2 "a reason of 2001 characters is a usage error"
like "$err" "override add: --reason has 2001 characters, more than the 2000 allowed" "naming its length and the bound"
clean_error "a long reason"
add $C3 --kind cultivation --grade 2 --reason "$(printf '潜力\xe5\xa4')" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 2 "a reason that is not UTF-8 (a character cut in two) is a usage error"
like "$err" "override add: --reason is not valid UTF-8 text" "said so"
add $C3 --kind cultivation --grade 2 --reason "x" --from 2026-07-01 --until 2026-06-30 --year 2025
status_is 2 "--until before --from is a usage error"
add 42099900001000 --kind cultivation --grade 2 --reason "x" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 1 "an unknown customer is refused"
like "$err" "no customer 42099900001000" "named"
add 4205 --kind cultivation --grade 2 --reason "x" --from 2026-01-01 --until 2026-06-30
status_is 2 "a malformed code is a usage error"
add $C3 --kind cultivation --grade 2 --reason "x" --from 2026-02-30 --until 2026-06-30
status_is 2 "a day that does not exist is a usage error"
is "$(nover)" 0 "no refused override was recorded"

# --- a valid cultivation ----------------------------------------------------------------------
add $C3 --kind cultivation --grade 2 --reason "潜力大，培育一年" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 0 "cultivation one class up (3 -> 2) with an end date"
like "$err" "override #1: customer $C3 grade 2 (cultivation, computed now: 3) from 2026-01-01 until 2026-06-30" "confirmed on stderr"
is "$(q "SELECT printf('%014d', code), policy, kind, grade, valid_from, valid_until, reason, created_by, revoked_at IS NULL FROM overrides")" \
  "$C3|hubei|cultivation|2|2026-01-01|2026-06-30|潜力大，培育一年|tester|1" "recorded with who, why and the period"

run kam --db k.db --json grade --year 2025 --as-of 2026-03-01
status_is 0 "grade as of a day in the period"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["overridden"])')" 1 "one decision overridden"
is "$(decision $C3)" "2 3 1" "the decision's grade is the override's; the computed grade and the override are kept"
like "$(reasons $C3)" "override #1 (cultivation by tester, valid until 2026-06-30): grade 2 instead of 3: 潜力大，培育一年" \
  "the reasons mention the override"
like "$("$KAM" --db k.db export grades --year 2025 --format csv | grep "^$C3,")" "$C3,2025,2," "export grades gives the override's grade"
run kam --db k.db explain $C3 --year 2025 --as-of 2026-03-01
status_is 0 "explain during the period"
like "$out" "grade 2 (computed 3, overridden)" "explain shows the computed and the overridden grade"
like "$out" "#1 cultivation (hubei) grade 2, 2026-01-01..2026-06-30, by tester" "and the override"
like "$out" "[valid]" "valid on that day"
run kam --db k.db --json explain $C3 --year 2025 --as-of 2026-03-01
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["now"]["grade"], d["now"]["computed"], d["now"]["override"], d["stored"]["grade"], d["stored"]["computed"],
      [(o["id"], o["state"]) for o in d["overrides"]])')" "2 3 1 2 3 [(1, 'valid')]" "explain --json: now and stored, computed and overridden"

run kam --db k.db grade --year 2025 --as-of 2026-06-30
is "$(decision $C3)" "2 3 1" "still valid on its end date"
run kam --db k.db grade --year 2025 --as-of 2025-12-31
is "$(decision $C3)" "3 3 -" "not yet valid the day before it starts"
run kam --db k.db --json grade --year 2025 --as-of 2026-07-01
is "$(decision $C3)" "3 3 -" "after its end date it lapses: the computed grade stands"
unlike "$(reasons $C3)" "override" "and the reasons do not mention it"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["overridden"])')" 0 "nothing overridden"
run kam --db k.db --json explain $C3 --year 2025 --as-of 2026-07-01
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["now"]["grade"], [o["state"] for o in d["overrides"]])')" \
  "3 ['lapsed']" "explain: lapsed"

# Overrides belong to their policy: city2012 ignores hubei's.
run kam --db k.db --policy city2012 --json grade --year 2025 --as-of 2026-03-01 --adopt
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["overridden"])')" 0 "another policy does not apply hubei's override"
is "$(decision $C3)" "vip vip -" "its own grade stands"

# --- list ----------------------------------------------------------------------------------
run kam --db k.db override list --all
status_is 0 "override list --all"
like "$out" "cultivation" "lists the override"
like "$out" "$C3" "with its customer"
run kam --db k.db --json override list $C3 --all
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([(o["id"], o["code"], o["grade"], o["valid_until"]) for o in json.load(sys.stdin)])')" \
  "[(1, '$C3', '2', '2026-06-30')]" "override list CODE --all --json"
run kam --db k.db --json override list $C1 --all
is "$out" "[]" "another customer has none"
# --- one override of a kind per customer and day ----------------------------------------------
add $C3 --kind cultivation --grade 2 --reason "长期培育" --from 2025-01-01 --until 2999-12-31 --year 2025
status_is 1 "a second cultivation overlapping the first is refused"
like "$err" "customer $C3 already has override #1 (cultivation, grade 2, 2026-01-01..2026-06-30, by tester), which overlaps 2025-01-01..2999-12-31" \
  "naming the first and both periods"
like "$err" "or add --replace" "saying how to replace it"
clean_error "overlap"
add $C3 --kind cultivation --grade 2 --reason "长期培育" --from 2026-06-30 --until 2026-12-31 --year 2025
status_is 1 "sharing one day (the first one's end date) is an overlap too"
is "$(nover)" 1 "nothing recorded"
add $C3 --kind cultivation --grade 2 --reason "续期培育" --from 2026-07-01 --until 2999-12-31 --year 2025
status_is 0 "a cultivation starting the day after the first ends"
like "$err" "override #2: customer $C3 grade 2" "confirmed"
run kam --db k.db --json override list
today=$(date +%F)
if [[ $today < 2026-01-01 ]]; then valid_today="[]"; elif [[ $today > 2026-06-30 ]]; then valid_today="[2]"; else valid_today="[1]"; fi
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([o["id"] for o in json.load(sys.stdin)])')" "$valid_today" \
  "override list without --all: only the ones valid today ($today)"
run kam --db k.db grade --year 2025 --as-of 2026-03-01
is "$(decision $C3)" "2 3 1" "in the first period the first applies"
run kam --db k.db grade --year 2025 --as-of 2026-08-01
is "$(decision $C3)" "2 3 2" "in the second period the second"

add $C3 --kind cultivation --grade 2 --reason "重新培育" --from 2026-05-01 --until 2026-12-31 --year 2025
status_is 1 "an override overlapping both is refused"
like "$err" "already has override #1 (cultivation, grade 2, 2026-01-01..2026-06-30, by tester) (and 1 more), which overlaps 2026-05-01..2026-12-31" \
  "naming the first and counting the others"
like "$err" "or add --replace to revoke them" "saying --replace revokes them all"

# --replace: the new one is recorded, the overlapping ones are revoked, saying by which.
add $C3 --kind cultivation --grade 2 --reason "重新培育" --from 2026-05-01 --until 2026-12-31 --year 2025 --replace
status_is 0 "--replace records an overlapping override"
like "$err" "override #3: customer $C3 grade 2 (cultivation, computed now: 3) from 2026-05-01 until 2026-12-31; it replaces #1, #2 (revoked)" \
  "saying which ones it replaces"
is "$(q "SELECT id, revoked_by, revoke_reason FROM overrides WHERE revoked_at IS NOT NULL ORDER BY id")" \
  "1|tester|replaced by override #3: 重新培育
2|tester|replaced by override #3: 重新培育" "both are revoked, the reason naming the new one"
run kam --db k.db grade --year 2025 --as-of 2026-03-01
is "$(decision $C3)" "3 3 -" "the replaced one no longer applies"
run kam --db k.db grade --year 2025 --as-of 2026-06-01
is "$(decision $C3)" "2 3 3" "the new one does, in its period"
run kam --db k.db --json override add $C3 --kind cultivation --grade 2 --reason "x" --from 2027-01-01 --until 2027-03-31 --year 2025 --replace
status_is 0 "--replace with nothing overlapping just records it"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["id"], d["replaced"])')" "4 []" \
  "--json: the new id and what it replaced (nothing)"

# --- revoke ----------------------------------------------------------------------------------
run kam --db k.db override revoke 3
status_is 2 "revoke without --reason is a usage error"
like "$err" "override revoke: --reason is required" "said so"
like "$err" "usage: kam override" "with the usage"
run kam --db k.db override revoke 3 --reason "$long"
status_is 2 "revoke with a reason of 2001 characters is a usage error"
like "$err" "override revoke: --reason has 2001 characters, more than the 2000 allowed" "said so"
run kam --db k.db --json override revoke 3 --reason "客户流失"
status_is 0 "override revoke 3"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["id"], d["revoked_by"], d["revoke_reason"])')" \
  "3 tester 客户流失" "--json: the revocation"
is "$(q "SELECT revoked_by, revoke_reason, revoked_at IS NOT NULL, grade, valid_until FROM overrides WHERE id = 3")" \
  "tester|客户流失|1|2|2026-12-31" "the revocation is recorded; the override row is kept"
run kam --db k.db grade --year 2025 --as-of 2026-06-01
is "$(decision $C3)" "3 3 -" "with it revoked the computed grade stands"
run kam --db k.db override revoke 4 --reason "不再需要"
run kam --db k.db override revoke 3 --reason "again"
status_is 1 "revoking twice is refused"
like "$err" "override #3 was already revoked on " "said so"
like "$err" "by tester: 客户流失" "with who and why"
run kam --db k.db override revoke 99 --reason "x"
status_is 1 "an unknown override id"
like "$err" "no override #99" "said so"
run kam --db k.db --json override list --all
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([(o["id"], bool(o.get("revoked_at")), o["revoked_by"], o["revoke_reason"]) for o in json.load(sys.stdin)])')" \
  "[(1, True, 'tester', 'replaced by override #3: 重新培育'), (2, True, 'tester', 'replaced by override #3: 重新培育'), (3, True, 'tester', '客户流失'), (4, True, 'tester', '不再需要')]" \
  "revoked overrides stay on record, with who revoked them and why"
run kam --db k.db override list --all
status_is 0 "override list --all (text)"
like "$out" "revoke_reason" "has a column for the revocation's reason"
line3=$(printf '%s\n' "$out" | grep '^ *3 ')
like "$line3" "客户流失" "the text shows the revocation's reason"
like "$line3" "$(q "SELECT revoked_at FROM overrides WHERE id = 3")" "when"
like "$(printf '%s\n' "$out" | grep '^ *1 ')" "replaced by override #3" "and a replacement"
run kam --db k.db --json explain $C3 --year 2025 --as-of 2026-03-01
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([(o["state"], o["revoke_reason"]) for o in json.load(sys.stdin)["overrides"]][2:])')" \
  "[('revoked', '客户流失'), ('revoked', '不再需要')]" "explain --json: revoked, with the reason"
run kam --db k.db explain $C3 --year 2025 --as-of 2026-03-01
like "$out" "#3 cultivation (hubei) grade 2, 2026-05-01..2026-12-31, by tester: 重新培育 [revoked]" "explain text: the revoked override"
like "$out" "    revoked $(q "SELECT revoked_at FROM overrides WHERE id = 3") by tester: 客户流失" "with when, who and why it was revoked"

# --- the trigger: an override is only ever revoked -----------------------------------------------
# A reason of exactly 2000 characters is kept whole.
long=$(python3 -c 'print("培" * 2000)')
add $C3 --kind cultivation --grade 2 --reason "$long" --from 2026-01-01 --until 2026-06-30 --year 2025
status_is 0 "a reason of 2000 characters is accepted"
is "$(q "SELECT length(reason), reason = '$long' FROM overrides WHERE id = 5")" "2000|1" "and stored whole"
trigger() { # SQL DESC
  run sqlite3 k.db "$1"
  if [ "$status" != 0 ] && [[ $err == *"an override is only ever revoked"* || $err == *"revoked, never deleted"* ]]; then
    ok "$2"
  else
    nok "$2" "exit $status: $err"
  fi
}
snapshot=$(q "SELECT * FROM overrides ORDER BY id")
trigger "UPDATE overrides SET grade = '1' WHERE id = 5" "UPDATE of the grade is refused"
trigger "UPDATE overrides SET valid_until = '2999-12-31' WHERE id = 5" "UPDATE of the end date is refused"
trigger "UPDATE overrides SET reason = 'x' WHERE id = 5" "UPDATE of the reason is refused"
trigger "UPDATE overrides SET created_by = 'x', revoked_at = '2026-01-02T00:00:00Z' WHERE id = 5" \
  "a revocation that also changes another column is refused"
trigger "UPDATE overrides SET revoked_at = NULL WHERE id = 1" "un-revoking is refused"
trigger "UPDATE overrides SET revoke_reason = 'x' WHERE id = 1" "changing a revocation is refused"
trigger "DELETE FROM overrides WHERE id = 1" "DELETE is refused"
is "$(q "SELECT * FROM overrides ORDER BY id")" "$snapshot" "the overrides are unchanged"

# --- shantou: approved Diamond -----------------------------------------------------------------
DB=s.db
run kam --db s.db init --policy shantou
run kam --db s.db import customers "$F/shantou_customers.csv"
run kam --db s.db import ledger "$F/shantou_ledger.csv"
run kam --db s.db import bureau_revenue "$F/shantou_bureau_revenue.csv"
status_is 0 "the shantou fixture"
S=44050700039000   # 100,000.00 in 汕头市: silver
run kam --db s.db override add $S --kind approved_diamond --grade diamond --reason "战略客户" --from 2026-01-01 --year 2025
status_is 1 "approved_diamond without --approved-by is refused"
like "$err" "override kind 'approved_diamond' needs the approver (--approved-by)" "said so"
run kam --db s.db override add $S --kind approved_diamond --grade gold --reason "战略客户" --approved-by 省局大客户中心 --from 2026-01-01 --year 2025
status_is 1 "approved_diamond with another grade is refused"
like "$err" "sets one of the grades diamond, not 'gold'" "listing the grade it allows"
run kam --db s.db override add $S --kind cultivation --grade diamond --reason "x" --approved-by y --from 2026-01-01 --year 2025
status_is 1 "shantou refuses hubei's kind"
like "$err" "(it accepts: approved_diamond)" "listing its kinds"
is "$(nover)" 0 "nothing recorded"
run kam --db s.db override add $S --kind approved_diamond --grade diamond --reason "战略客户" --approved-by 省局大客户中心 --from 2026-01-01 --year 2025
status_is 0 "approved_diamond with the approver"
is "$(q "SELECT approved_by || ' ' || coalesce(valid_until, '-') FROM overrides")" "省局大客户中心 -" "recorded with the approver, without an end"
run kam --db s.db grade --year 2025 --as-of 2026-03-01
status_is 0 "shantou grade"
is "$(decision $S)" "diamond silver 1" "Diamond whatever the score; silver computed"
like "$(reasons $S)" "override #1 (approved_diamond by tester, approved by 省局大客户中心): grade diamond instead of silver: 战略客户" \
  "the reasons name who approved it"
is "$(q "SELECT score FROM decisions WHERE code = $S ORDER BY id DESC LIMIT 1")" 68.0 "the computed score is kept"
run kam --db s.db grade --year 2025 --as-of 2099-01-01
is "$(decision $S)" "diamond silver 1" "without an end date it does not lapse"

# --- kam.store: the shipped commands write no SQL ------------------------------------------
hits=$(grep -nE 'kam\.db|\<(SELECT|INSERT|UPDATE|DELETE)\>' "$TOP"/scripts/commands/*.lua || true)
is "$hits" "" "no shipped Lua command uses kam.db or writes SQL (kam.store instead)"
cat >store.lua <<'LUA'
local s = kam.store
print(s.customer_exists(arg[1]), s.customer_exists(1), #s.overrides_of(arg[1]), s.meta("policy"),
  s.latest_decision(arg[1], 2025).grade, s.override(1).kind, s.override(999999))
LUA
run kam --db s.db run store.lua $S
is "$out" "$(printf 'true\tfalse\t1\tshantou\tdiamond\tapproved_diamond\tnil')" \
  "kam.store answers kam run scripts too: customers, overrides, meta, the latest decision"
run kam --db s.db run - <<<'kam.store.override_add({ code = 1 })'
status_is 1 "kam.store.override_add checks its fields"
like "$err" "field 'policy' must be a string" "and names the field"

done_testing
