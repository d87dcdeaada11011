#!/usr/bin/env bash
# kam import killed with SIGKILL part-way (a big province: 20,000 customers, ~1.3 million
# ledger rows): the database holds exactly what it held before, passes integrity_check,
# and a later import works.  Killed early, late, and in the middle of a --replace of every
# stored month (the old rows must all still be there).  The moments come from the size of
# the write-ahead log, measured on a full import first, not from the clock.
source "$(dirname "$0")/lib.sh"
G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
if [ ! -x "$G" ]; then
  nok "genprovince is built" "missing $G (make $KAM_BUILD/bench/genprovince)"
  done_testing
  exit 1
fi

size() { stat -c %s "$1" 2>/dev/null || echo 0; }
checksum() {
  sqlite3 "$1" "SELECT count(*), total(amount), total(volume), min(month), max(month) FROM ledger;
                SELECT count(*), total(code) FROM customers;
                SELECT count(*) FROM imports"
}
# copy SRC DST: a database and its log, as files
copy() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; [ -e "$1-wal" ] && cp "$1-wal" "$2-wal"; true; }

run "$G" --customers 20000 --out p
status_is 0 "a province of 20,000 customers"
run kam --db base.db init
status_is 0 "init"
run kam --db base.db import customers p/customers.csv
status_is 0 "its customers load"
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# The full import, watching the log grow: its largest size sets the moments to kill at.
copy base.db full.db
start=$(date +%s%N)
"$KAM" --db full.db import ledger p/ledger.csv --no-progress 2>full.err &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  s=$(size full.db-wal)
  [ "$s" -gt "$peak" ] && peak=$s
  sleep 0.01
done
wait "$pid"
st=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$st" 0 "the full ledger import succeeds ($ms ms, log up to $((peak / 1048576)) MB)"
rows=$(sqlite3 full.db "SELECT count(*) FROM ledger")
[ "$rows" -gt 1000000 ] && ok "it stores over a million rows ($rows)" || nok "it stores over a million rows" "$rows"
if [ "$peak" -lt $((8 * 1048576)) ]; then
  nok "the log grows past 8 MB during the import" "peak $peak bytes: cannot pick moments to kill at"
fi
full=$(checksum full.db)

# kill_at DB THRESHOLD DESC [IMPORT OPTION...]: import the ledger into DB, SIGKILL it once
# the log is THRESHOLD bytes; the database must then be as it was before.
kill_at() {
  local db=$1 at=$2 desc=$3 before s pid st
  shift 3
  before=$(checksum "$db")
  "$KAM" --db "$db" import ledger p/ledger.csv --no-progress "$@" 2>kill.err &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    s=$(size "$db-wal")
    [ "$s" -ge "$at" ] && break
    sleep 0.005
  done
  if kill -9 "$pid" 2>/dev/null; then
    { wait "$pid"; } 2>/dev/null
    st=$?
    is "$st" 137 "$desc: the import is killed by SIGKILL (log at $(($(size "$db-wal") / 1048576)) MB)"
  else
    wait "$pid"
    nok "$desc: the import is killed mid-way" "it ended first (exit $?): $(cat kill.err)"
  fi
  is "$(checksum "$db")" "$before" "$desc: the database holds exactly what it held before"
  is "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "$desc: PRAGMA integrity_check is ok"
  is "$(sqlite3 "$db" "PRAGMA foreign_key_check")" "" "$desc: no dangling ledger row"
}

copy base.db k1.db
kill_at k1.db $((peak / 10)) "killed early (10% of the log)"
run kam --db k1.db import ledger p/ledger.csv --no-progress
status_is 0 "after the early kill, the import runs again"
is "$(checksum k1.db | sed '$d')" "$(printf '%s\n' "$full" | sed '$d')" "and stores exactly what an undisturbed import stores"

copy base.db k2.db
kill_at k2.db $((peak * 3 / 4)) "killed late (75% of the log)" --reject-file rej.csv
[ -e rej.csv ] && nok "no reject file appears for a killed import" || ok "no reject file appears for a killed import"
is "$(ls | grep -c '^rej\.csv\.tmp')" 0 "nor a temporary one (rej.csv.tmpPID): it is written unnamed"
printf 'code,month,line,amount\n%s,2030-01,express,1.00\n' "$(sqlite3 k2.db 'SELECT code FROM customers LIMIT 1')" >one.csv
run kam --db k2.db import ledger one.csv
status_is 0 "after the late kill, a later import works"
is "$(sqlite3 k2.db "SELECT count(*), sum(amount) FROM ledger")" "1|100" "and holds just its row"

# Replacing every stored month: the old rows must survive the kill whole.
copy full.db k3.db
sqlite3 k3.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
kill_at k3.db $((peak / 2)) "killed halfway through --replace of every month" --replace
run kam --db k3.db import ledger p/ledger.csv --replace --no-progress
status_is 0 "after that kill, the --replace import runs again"
like "$err" "; replaced 20" "replacing the stored months"
like "$err" "($rows rows)" "all of their rows"
is "$(checksum k3.db | sed '$d')" "$(printf '%s\n' "$full" | sed '$d')" "and the data is the same as before"
is "$(sqlite3 k3.db "PRAGMA integrity_check")" ok "integrity_check is ok at the end"

done_testing
