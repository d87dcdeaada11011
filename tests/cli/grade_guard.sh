#!/usr/bin/env bash
# Grading writes the current grades: it refuses a year without ledger rows, warns about an
# incomplete year, and writes under the database's own policy only (or --adopt).
source "$(dirname "$0")/lib.sh"
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
q() { sqlite3 k.db "$1"; }
runs() { q "SELECT count(*) FROM grading_runs"; }

"$GEN" --customers 200 --months 14 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db k.db init --policy hubei
run kam --db k.db import customers gp/customers.csv
status_is 0 "customers"

# --- a year without data ---------------------------------------------------------------
run kam --db k.db grade --year 2025
status_is 1 "an empty ledger: grade refuses"
like "$err" "grade 2025: the ledger is empty" "and says the ledger is empty"
run kam --db k.db import ledger gp/ledger.csv
status_is 0 "14 months of ledger (2024-11 to 2025-12)"

run kam --db k.db grade --year 2030
status_is 1 "a year without ledger rows: grade exits 1"
is "$err" "kam: grade 2030: the ledger has no rows for 2030 (it holds 2024, 2025); nothing graded" \
  "the message names the year and the years there are"
run kam --db k.db --json grade --year 2030
status_is 1 "--json: exit 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], "2024, 2025" in d["error"])')" \
  "1 True" "--json: the error document"
run kam --db k.db grade --year 2030 --dry-run
status_is 1 "a dry run of a year without data is refused too"
is "$(runs)" 0 "nothing stored"

run kam --db k.db grade --year 2024
status_is 0 "a year with 2 months is graded"
like "$err" "warning: the 2024 ledger has 2 of 12 months (none for 2024-01, " "with a warning naming the months missing"
like "$err" "2024-10)" "... up to the last one missing"
run kam --db k.db --json grade --year 2024 --dry-run
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ledger_months"])')" 2 \
  "--json: ledger_months says how many months the year had"
like "$err" "warning: the 2024 ledger has 2 of 12 months" "--json: the warning on stderr"
run kam --db k.db grade --year 2025
status_is 0 "a full year"
unlike "$err" "warning" "no warning for 12 months"
is "$(runs)" 2 "two runs stored"

# --- a policy other than the database's -------------------------------------------------
run kam --db k.db --policy shantou grade --year 2025
status_is 1 "--policy other than the database's, without --dry-run: refused"
like "$err" "grade: shantou is not the database's policy (hubei)" "naming both policies"
like "$err" "--dry-run" "saying how to try it"
like "$err" "kam init --policy shantou" "how to make it the database's"
like "$err" "--adopt" "and how to write its grades anyway"
is "$(runs)" 2 "nothing written"
cp "$TOP/policies/shantou.lua" mine.lua
run kam --db k.db --policy mine.lua --json grade --year 2025
status_is 1 "a policy file: refused too"
like "$out" "mine.lua is not the database's policy" "--json: the error document"

run kam --db k.db --policy shantou grade --year 2025 --dry-run
status_is 0 "--dry-run tries any policy"
is "$(runs)" 2 "writing nothing"
run kam --db k.db --policy hubei grade --year 2025
status_is 0 "--policy naming the database's own policy grades"
run kam --db k.db --policy "$TOP/policies/hubei.lua" grade --year 2025
status_is 0 "... as does the path of its file"
is "$(runs)" 4 "both written"
run kam --db k.db --policy shantou grade --year 2025 --dry-run --adopt
status_is 2 "--dry-run with --adopt is a usage error"

run kam --db k.db --policy shantou grade --year 2025 --adopt
status_is 0 "--adopt writes another policy's grades"
is "$(q "SELECT p.name FROM grading_runs r JOIN policies p ON p.hash = r.policy_hash ORDER BY r.id DESC LIMIT 1")" "shantou" \
  "the run is shantou's"
is "$(q "SELECT value FROM meta WHERE key = 'policy'")" "hubei" "the database's policy stays"

run kam --db k.db init --policy shantou
status_is 0 "kam init --policy makes shantou the database's"
run kam --db k.db --policy shantou grade --year 2025
status_is 0 "then --policy shantou grades without --adopt"
run kam --db k.db --policy hubei grade --year 2025
status_is 1 "and hubei is the other one now"
like "$err" "hubei is not the database's policy (shantou)" "said so"

done_testing
