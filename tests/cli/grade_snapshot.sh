#!/usr/bin/env bash
# Issue 17's two faults, each reproduced: a grading run reads its facts as one snapshot.
# (1) An import --replace of 2025-12 arriving while the run reads its facts (held between
#     the ledger's two halves, which two connections read) used to commit at once and
#     give the run half old, half new facts; now the import waits for the run, and the
#     run holds none of it.
# (2) A grade started while an import is under way used to read the old facts, wait for
#     the lock and then store them after the import; now it waits for the import first
#     and grades all of it.
# Every hold is a FIFO (its writer end closed in every other process, so closing it here
# is the end of file) (a point in the run, not a delay); every wait below ends on an
# event, with an upper bound no slow machine reaches.  A busy writer says whom it waits
# for, and --wait 0 gives up at once with a message, never "database is locked".
source "$(dirname "$0")/lib.sh"
AS_OF=2026-01-15
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
# 20,001 customers: the facts read a ledger of 20,000 customers or more in two halves.
"$GEN" --customers 20001 --months 2 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db old.db init --policy hubei
run kam --db old.db import customers gp/customers.csv
run kam --db old.db import ledger gp/ledger.csv
status_is 0 "a province of 20,001 customers, 2025-11 and 2025-12"
# December again, every amount ten times what it was: many grades change.
awk -F, 'NR == 1 { print; next } $2 == "2025-12" { $4 = sprintf("%.2f", $4 * 10); print }' OFS=, \
  gp/ledger.csv >dec.csv
cp old.db new.db
run kam --db new.db import ledger --replace dec.csv
status_is 0 "the reference: 2025-12 replaced"

# The grades of the last run of a database, one line per customer.
grades() { sqlite3 "$1" "SELECT code || ' ' || grade || ' ' || reasons FROM decisions
  WHERE run = (SELECT max(id) FROM grading_runs) ORDER BY code"; }
run kam --db old.db grade --year 2025 --as-of $AS_OF
grades old.db >ref_old
run kam --db new.db grade --year 2025 --as-of $AS_OF
grades new.db >ref_new
n_old=$(wc -l <ref_old)
changed=$(comm -3 ref_old ref_new | wc -l)
is "$n_old" 20001 "every customer graded in the reference"
[ "$changed" -gt 100 ] && ok "the new December changes many decisions ($changed lines differ)" ||
  nok "the new December changes many decisions" "$changed lines differ"

# wait_for FILE TEXT PID: until FILE holds TEXT, or PID has ended.
wait_for() {
  local i=0
  while ! grep -q "$2" "$1" 2>/dev/null && kill -0 "$3" 2>/dev/null && [ $i -lt 30000 ]; do
    sleep 0.02; i=$((i + 1))
  done
  grep -q "$2" "$1" 2>/dev/null
}

# --- (1) the import arrives while the run reads its facts ----------------------------------
cp old.db a.db
mkfifo hold
exec 3<>hold # the writer end, held open until the run may go on
KAM_LOG=debug KAM_TEST_HOLD_FACTS=hold "$KAM" --db a.db --json grade --year 2025 --as-of $AS_OF >g1.out 2>g1.err 3>&- &
gpid=$!
wait_for g1.err "facts held" $gpid
like "$(cat g1.err)" "facts held at hold" "the run is between the ledger's two halves"
KAM_WAIT=3600 "$KAM" --db a.db import ledger --replace dec.csv >i1.out 2>i1.err 3>&- &
ipid=$!
wait_for i1.err "waiting" $ipid
like "$(cat i1.err)" "another kam process (pid $gpid) is writing to a.db; waiting up to 3600 s" \
  "the import waits for the run, and says for whom and how long"
exec 3>&- # the run goes on
wait $gpid; gstatus=$?
wait $ipid; istatus=$?
is "$gstatus" 0 "the run ends well"
is "$istatus" 0 "the import ends well, after it"
grades a.db >got1
if cmp -s got1 ref_old; then ok "the run saw none of the import: all $n_old decisions from the old December"
else nok "the run saw none of the import" "$(comm -3 got1 ref_old | wc -l) lines differ from the old facts," \
  "$(comm -3 got1 ref_new | wc -l) from the new"; fi
dec_a=$(sqlite3 a.db "SELECT sum(amount) FROM ledger WHERE month = 202512")
dec_new=$(sqlite3 new.db "SELECT sum(amount) FROM ledger WHERE month = 202512")
is "$dec_a" "$dec_new" "and the import is stored whole"

# --- (2) the run starts while an import is under way ---------------------------------------
cp old.db b.db
mkfifo in.csv
"$KAM" --db b.db import ledger --replace in.csv >i2.out 2>i2.err &
ipid=$!
exec 4>in.csv
# More than the pipe and the reader's buffers hold: when this returns, the import has read
# its header and begun (it takes the write lock before its rows).
head -n 40000 dec.csv >&4
KAM_WAIT=3600 "$KAM" --db b.db --json grade --year 2025 --as-of $AS_OF >g2.out 2>g2.err 4>&- &
gpid=$!
wait_for g2.err "waiting" $gpid
like "$(cat g2.err)" "another kam process (pid $ipid) is writing to b.db; waiting up to 3600 s" \
  "the run waits for the import before it reads anything, and says so"
tail -n +40001 dec.csv >&4
exec 4>&-
wait $ipid; istatus=$?
wait $gpid; gstatus=$?
is "$istatus" 0 "the import ends well"
is "$gstatus" 0 "the run ends well, after it"
grades b.db >got2
if cmp -s got2 ref_new; then ok "the run saw all of the import: all $n_old decisions from the new December"
else nok "the run saw all of the import" "$(comm -3 got2 ref_new | wc -l) lines differ from the new facts," \
  "$(comm -3 got2 ref_old | wc -l) from the old"; fi

# --- --wait: a limit, and a message instead of "database is locked" -----------------------
cp old.db c.db
rm -f hold; mkfifo hold
exec 3<>hold
KAM_LOG=debug KAM_TEST_HOLD_FACTS=hold "$KAM" --db c.db grade --year 2025 --as-of $AS_OF >/dev/null 2>g3.err 3>&- &
gpid=$!
wait_for g3.err "facts held" $gpid
run kam --db c.db grade --year 2025 --as-of $AS_OF --wait 0
status_is 1 "--wait 0: a second run gives up at once"
like "$err" "c.db: another kam process (pid $gpid) kept the write lock longer than the 0 s this command waits; nothing written" \
  "it names who holds the lock and the limit"
unlike "$err" "database is locked" "never SQLite's bare words"
run kam --db c.db --json grade --year 2025 --as-of $AS_OF --wait 0
status_is 1 "--json: exit 1"
like "$out" '"error"' "--json: one error document"
run kam --db c.db grade --year 2025 --as-of $AS_OF --dry-run --wait 0
status_is 0 "a dry run reads beside the writer: it takes no lock"
run kam --db c.db grade --year 2025 --wait soon
status_is 2 "--wait takes whole seconds"
like "$err" "grade: --wait 'soon' must be whole seconds from 0 to 86400" "and says so"
code=$(printf '%014d' "$(awk '$2 == "2" { print $1; exit }' ref_old)") # class 2: cultivation may make it 1
run kam --db c.db override add $code --kind cultivation --grade 1 --reason "潜力大" --from 2026-01-01 \
  --until 2026-06-30 --year 2025 --wait 0
status_is 1 "override add --wait 0: gives up at once while the run holds the lock"
like "$err" "c.db: another kam process (pid $gpid) kept the write lock longer than the 0 s this command waits; nothing written" \
  "and says whom it waited for"
run kam --db c.db override add $code --kind cultivation --grade 2 --reason "x" --until 2026-06-30 --wait never
status_is 2 "override --wait takes whole seconds"
printf 'code,month,line,amount\n%s,2025-12,express,1.00\n' "$code" >one.csv
run kam --db c.db import ledger one.csv --append --wait 0
status_is 1 "import --wait 0: gives up at once while the run holds the lock"
like "$err" "c.db: another kam process (pid $gpid) kept the write lock longer than the 0 s this command waits; nothing written" \
  "and says whom it waited for"
run kam --db c.db import ledger one.csv --append --wait later
status_is 2 "import --wait takes whole seconds"
exec 3>&-
wait $gpid
is "$?" 0 "the held run ends well"
is "$(sqlite3 c.db 'SELECT count(*) FROM grading_runs')" 2 "one run added (beside the copied one): the one that held the lock"

done_testing
