#!/usr/bin/env bash
# Approval levels tied to users (issue 23, DOMAIN §5): once users exist, kam discount
# approve|refuse answer at the acting user's level (kam user add --level, kam user level);
# a user without a level, a stated --level that is not the user's, and a level the policy
# does not allow for the request's route are refused with exit 1, the refusal in the audit
# log and nothing changed.  The storage layer refuses an answer at another level even when
# a script calls kam.store.discount_answer itself.  Before any user exists the stated
# --level works as it always did.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
export KAM_TODAY=2026-01-05
answers() { sqlite3 a.db "SELECT count(*) || ':' || coalesce(group_concat(discount || '/' || decision || '/' || level || '/' || answered_by, ' '), '') FROM discount_answers"; }
last_audit() { sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1"; }
C3=42050200005000   # class 3 in hubei: local standard 10% on express

run kam --db a.db init --policy hubei
run kam --db a.db import customers "$F/hubei_customers.csv"
run kam --db a.db import ledger "$F/hubei_ledger.csv"
run kam --db a.db grade --year 2025
req() { "$KAM" --db a.db discount request $C3 --line express --rate-bp "$1" --from 2026-01-01 --until 2026-06-30 --on 2026-01-05 2>/dev/null; }
req 500; req 2000; req 600; req 700; req 800
is "$(sqlite3 a.db "SELECT group_concat(id || route, ' ') FROM discounts")" "1local 2province 3local 4local 5local" \
  "five requests: #2 beyond the local standard, the others within it"

# --- single-user mode: the stated level, as before -------------------------------------------
run kam --db a.db discount approve 5 --level local --on 2026-01-06
status_is 0 "without users, a stated --level answers"
is "$(answers)" "1:5/approved/local/$me" "recorded at the stated level"
run kam --db a.db discount approve 4 --on 2026-01-06
status_is 2 "without users, --level is still required"

# --- users with levels ----------------------------------------------------------------------
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add carl --login carl-login --role center --level locl
status_is 2 "a level the policy does not have is refused"
like "$err" "policy hubei has no approval level 'locl' (it has: local, province)" "... naming the levels it has"
run kam --db a.db user add carl --login carl-login --role center --level local
status_is 0 "a center user approving at the local level"
like "$err" "approving at the local level" "... says so"
run kam --db a.db --json user add pat --login pat-login --role center --level province
is "$(printf '%s' "$out" | jq -r '.level')" province "a province-level user (--json names its level)"
run kam --db a.db user add nol --login nol-login --role center
run kam --db a.db --json user list
is "$(printf '%s' "$out" | jq -r '[.users[] | .name + ":" + (.level // "-")] | join(" ")')" \
  "boss:- carl:local nol:- pat:province" "kam user list: each user's level"
run kam --db a.db --user carl user level nol local
status_is 1 "only an admin sets a level"
like "$err" "only an admin may change a user" "... saying so"

before=$(answers)
run kam --db a.db --user nol discount approve 1 --on 2026-01-06
status_is 1 "a user without a level answers nothing"
like "$err" "user nol has no approval level; an admin gives it one: kam user level nol LEVEL" "... saying how to get one"
is "$(last_audit)" 'nol refused {"why": "discount approve #1: user nol has no approval level; an admin gives it one: kam user level nol LEVEL"}' \
  "the refusal is in the audit log"
run kam --db a.db --user nol discount approve 1 --level province --on 2026-01-06
status_is 1 "... not even by stating a level"
run kam --db a.db --user carl discount approve 1 --level province --on 2026-01-06
status_is 1 "a stated --level other than the user's is refused"
like "$err" "user carl answers at the local level, not at the province level" "... naming both"
is "$(last_audit)" 'carl refused {"why": "discount approve #1: user carl answers at the local level, not at the province level"}' \
  "... and logged as refused"
run kam --db a.db --user carl --json discount approve 2 --on 2026-01-06
status_is 1 "the local level may not answer a request routed to the province"
is "$(printf '%s' "$out" | jq -r '.status')" 1 "--json: one error document"
like "$(printf '%s' "$out" | jq -r '.error')" "the local level (city bureau (市州局/大客户部)) may not answer a request routed to the province level" \
  "... naming the level and the route"
like "$(last_audit)" 'carl refused {"why": "discount approve: request #2 (routed to the province level): policy hubei: the local level' \
  "that refusal is logged too, though the transaction it came from was rolled back"
is "$(answers)" "$before" "no refusal changed anything"

# A script cannot record an answer at another level either: the storage layer checks it.
cat >answer.lua <<'LUA'
kam.store.transaction(function()
  kam.store.discount_answer({ discount = 2, decision = "approved", level = "province", answered_on = "2026-01-06",
    answered_by = kam.user, created_at = "2026-01-06T00:00:00Z" })
end)
LUA
run kam --db a.db --user carl run answer.lua
status_is 1 "kam.store.discount_answer at a level not the user's is refused in the storage layer"
like "$err" "record the discount's answer: user carl answers at the local level, not at the province level" "... saying why"
is "$(answers)" "$before" "and nothing was recorded"

run kam --db a.db --user carl discount approve 1 --on 2026-01-06
status_is 0 "a local user approves a local request at its own level"
run kam --db a.db --user carl discount refuse 3 --level local --reason 太高 --on 2026-01-06
status_is 0 "... and refuses one, stating its own level"
run kam --db a.db --user pat --json discount approve 2 --on 2026-01-06
status_is 0 "a province user approves a request routed to the province"
is "$(printf '%s' "$out" | jq -r '[.level, .answered_by] | join(" ")')" "province pat" "at its level, by it"
is "$(answers)" "4:1/approved/local/carl 2/approved/province/pat 3/refused/local/carl 5/approved/local/$me" \
  "the answers recorded: each at its user's level"
is "$(sqlite3 a.db "SELECT count(*) FROM audit WHERE action = 'change' AND user IN ('carl', 'pat')")" 3 \
  "each answer is logged as a change (a confidential read in the same transaction hides none)"

# A manager reads no discount terms (several customers' at once are never its own): it
# answers none, even at a level.
run kam --db a.db manager add M001
run kam --db a.db user add mia --login mia-login --role manager --manager M001 --level province
before=$(answers)
run kam --db a.db --user mia discount approve 4 --on 2026-01-06
status_is 1 "a user who reads a request's terms masked does not answer it"
like "$err" "request #4: its terms read *** for user mia, who therefore does not answer it" "... saying why"
like "$(last_audit)" "mia refused" "logged as refused"
is "$(answers)" "$before" "nothing recorded"

run kam --db a.db user level carl province
status_is 0 "an admin changes a user's level"
run kam --db a.db --user carl discount approve 4 --level province --on 2026-01-06
status_is 0 "the user then answers at its new level"
run kam --db a.db user level carl none
run kam --db a.db --user carl discount approve 4 --on 2026-01-06
status_is 1 "level none: the user answers nothing any more"
like "$(sqlite3 a.db "SELECT group_concat(detail, ' ') FROM audit WHERE action = 'users' AND detail LIKE '%\"level\"%'")" \
  '{"user": "carl", "level": "province"} {"user": "carl", "level": null}' "level changes are in the audit log"
run kam --db a.db audit verify
status_is 0 "the chain holds"

done_testing
