#!/usr/bin/env bash
# kam backup: a consistent copy while others write.  The copy opens, passes its checks,
# and holds an import committed meanwhile whole or not at all; an existing file is kept
# unless --force; the copy is the owner's only.
#
# No timing decides anything: the import is held open on a FIFO it reads, and the
# backup is taken once the import provably holds the write lock (another writer is
# refused): it has read its first chunk (1 MiB, to decide the encoding) and begun.
source "$(dirname "$0")/lib.sh"
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac

"$GEN" --customers 3000 --months 12 --end 2025-12 --out gp >/dev/null 2>&1
late=',2025-0[7-9],\|,2025-1[0-2],'
head -1 gp/ledger.csv >late.csv; grep "$late" gp/ledger.csv >>late.csv
head -1 gp/ledger.csv >rest.csv; grep -v '^code,' gp/ledger.csv | grep -v "$late" >>rest.csv
nlate=$(($(wc -l <late.csv) - 1)); nrest=$(($(wc -l <rest.csv) - 1))
run kam --db p.db init
run kam --db p.db import customers gp/customers.csv
run kam --db p.db import ledger rest.csv
status_is 0 "a province of 3,000 customers and $nrest ledger rows (2025-01..06)"
[ "$(head -40001 late.csv | wc -c)" -gt 1200000 ] && ok "the held import's first part passes the reader's first chunk" ||
  nok "the held import's first part passes the reader's first chunk"
q() { sqlite3 "$1" "$2"; }

# --- plain backup ------------------------------------------------------------------------
run kam --db p.db backup b1.db
status_is 0 "backup exits 0"
like "$err" "kam: backed up p.db to b1.db: " "says what it copied"
like "$err" "$nrest ledger" "with the rows of each table"
like "$err" "integrity ok" "and that the copy passed its check"
is "$(q b1.db 'PRAGMA integrity_check')" "ok" "the copy passes integrity_check"
is "$(q b1.db 'SELECT count(*) FROM ledger')" "$nrest" "the copy holds the ledger"
is "$(q b1.db 'PRAGMA user_version')" "$(q p.db 'PRAGMA user_version')" "and the schema version"
run stat -c %a b1.db
is "$out" "600" "the copy is readable by its owner only"
run kam --db b1.db export customers
status_is 0 "kam opens the copy"
is "$(ls b1.db.tmp* 2>/dev/null)" "" "no temporary file is left"

# An existing file is kept unless --force; the database itself never.
echo keep >old.db
run kam --db p.db backup old.db
status_is 2 "an existing file: refused, exit 2"
like "$err" "old.db exists; --force replaces it" "saying --force replaces it"
is "$(cat old.db)" "keep" "and the file is untouched"
run kam --db p.db --json backup --force old.db
status_is 0 "--force replaces it"
is "$(q old.db 'SELECT count(*) FROM ledger')" "$nrest" "with the copy"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"]["ledger"], d["integrity"], d["schema_version"] > 0, d["bytes"] > 0)')" \
  "$nrest ok True True" "--json: rows per table, integrity, schema version, size"
run kam --db p.db backup p.db
status_is 2 "the database itself: refused"
like "$err" "p.db is the database itself" "saying so"
run kam --db p.db backup
status_is 2 "no FILE: usage error"
run kam --db p.db backup nodir/b.db
status_is 1 "a directory that does not exist: exit 1"
like "$err" "nodir/b.db: cannot create the copy" "naming the file"

# --- during an import ----------------------------------------------------------------------
# wait_for CMD...: poll until CMD succeeds (the bound only keeps a broken build from
# hanging the suite)
wait_for() {
  local i
  for ((i = 0; i < 6000; i++)); do "$@" && return 0; sleep 0.05; done
  return 1
}
locked() { ! sqlite3 p.db 'PRAGMA busy_timeout=0; BEGIN IMMEDIATE; ROLLBACK' >/dev/null 2>&1; }
rm -f in.csv; mkfifo in.csv
"$KAM" --db p.db import ledger in.csv >imp.out 2>imp.err & pid=$!
exec 3>in.csv
head -40001 late.csv >&3         # the header and 40,000 rows: past the first chunk
wait_for locked
locked && ok "the import holds the write lock" || nok "the import holds the write lock"
run kam --db p.db backup during.db
status_is 0 "a backup while the import is open exits 0"
tail -n +40002 late.csv >&3
exec 3>&-
wait $pid; istatus=$?
is "$istatus" 0 "the import then finishes and commits"
is "$(q during.db 'PRAGMA integrity_check')" "ok" "the copy taken during it passes integrity_check"
n=$(q during.db 'SELECT count(*) FROM ledger')
is "$n" "$nrest" "and holds none of the import (it had not committed)"
is "$(q during.db "SELECT count(*) FROM imports WHERE file LIKE '%in.csv'")" "0" "nor its log entry"
run kam --db during.db export customers
status_is 0 "kam opens the copy"
run kam --db p.db backup after.db
is "$(q after.db 'SELECT count(*) FROM ledger')" "$((nrest + nlate))" "a backup after the commit holds all of it"

# --- Ctrl-C in the middle ------------------------------------------------------------------
# A database of some 256 MB, so that the copy takes a while.  The backup is stopped as soon
# as its temporary file exists, sent SIGINT, and let go: either it had finished the copy
# (exit 0, a whole copy) or it stops, removing what it wrote.  Never a file left behind.
cp p.db big.db
q big.db "CREATE TABLE pad(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)
          INSERT INTO pad SELECT randomblob(1048576) FROM n" >/dev/null
"$KAM" --db big.db backup big-copy.db 2>int.err & pid=$!
for _ in $(seq 1 4000); do
  compgen -G 'big-copy.db.tmp.*' >/dev/null && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.005
done
kill -STOP $pid 2>/dev/null; kill -INT $pid 2>/dev/null; kill -CONT $pid 2>/dev/null
wait $pid; bstatus=$?
is "$(compgen -G 'big-copy.db*' | grep -c tmp)" 0 "Ctrl-C during a backup leaves no temporary file"
if [ "$bstatus" = 1 ]; then
  echo "# the backup was interrupted"
  like "$(cat int.err)" "backup: interrupted; nothing written" "it says it was interrupted and wrote nothing"
  [ ! -e big-copy.db ] && ok "and no copy is there" || nok "and no copy is there"
else
  echo "# the backup had finished before Ctrl-C"
  is "$bstatus" 0 "it finished first: exit 0"
  is "$(q big-copy.db 'SELECT count(*) FROM pad')" 256 "and the copy is whole"
fi
is "$(q big.db 'PRAGMA integrity_check')" ok "the database itself is untouched"

done_testing
