#!/usr/bin/env bash
# kam import's progress bar: on a terminal, an import shows the rows, the rows per second
# and an ETA from the start of its work (also while --replace deletes a month), redrawn in
# place and cleared before the summary;
# when stderr is not a terminal (a file, cron), or with --no-progress or --json, nothing of
# the kind.  The terminal is util-linux script(1)'s pty.  So that every import takes over a
# second however fast kam gets, another connection holds the write lock for its first second.
source "$(dirname "$0")/lib.sh"
G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
if [ ! -x "$G" ]; then
  nok "genprovince is built" "missing $G (make $KAM_BUILD/bench/genprovince)"
  done_testing
  exit 1
fi
if ! script -qfec true /dev/null >/dev/null 2>&1; then
  skip "util-linux script(1) is needed for a pseudo-terminal"
  done_testing
  exit 0
fi

run "$G" --customers 10000 --months 48 --out p
status_is 0 "a province of 10,000 customers over 48 months (~1.3 million ledger rows)"
run kam --db k.db init
status_is 0 "init"
run kam --db k.db import customers p/customers.csv
status_is 0 "its customers"

# seconds SUMMARY: the import's own time from its summary line "(UTF-8 csv, 2.1 s)"
seconds() { printf '%s\n' "$1" | sed -n 's/.*csv, \([0-9.]*\) s).*/\1/p' | tail -1; }
# long_enough SECONDS: the import took over a second
long_enough() { [ -n "$1" ] && awk -v s="$1" 'BEGIN { exit !(s > 1.0) }'; }
# lines_of TEXT: the terminal's output split at CR and LF
lines_of() { printf '%s' "$1" | tr '\r' '\n'; }
# slowed CMD...: `run CMD...` while another connection holds k.db's write lock for 1.1 s
slowed() {
  local locker
  rm -f lock.out
  python3 -c '
import sqlite3, sys, time
c = sqlite3.connect("k.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(1.1)
c.execute("ROLLBACK")' >lock.out &
  locker=$!
  for _ in $(seq 200); do grep -q locked lock.out 2>/dev/null && break; sleep 0.01; done
  run "$@"
  wait "$locker"
}

# --- on a terminal ----------------------------------------------------------------------
slowed script -qfec "'$KAM' --db k.db import ledger p/ledger.csv --dry-run" /dev/null
status_is 0 "a dry-run import on a terminal"
tty_out=$out
secs=$(seconds "$tty_out")
if ! long_enough "$secs"; then
  skip "the import took ${secs:-?} s, not over a second: the bar need not show"
else
  like "$tty_out" "rows/s" "the terminal shows rows/s (the import took $secs s)"
  bar=$(lines_of "$tty_out" | grep -E 'rows/s' | tail -1)
  if printf '%s' "$bar" | grep -qE 'ledger\.csv: [0-9]+ rows, [0-9]+ rows/s, [0-9]+%, [0-9]+ s left'; then
    ok "the bar names the file and shows rows, rows/s, the percentage and the time left"
  else
    nok "the bar names the file and shows rows, rows/s, the percentage and the time left" "last bar: $bar"
  fi
  counts=$(lines_of "$tty_out" | sed -n 's/.*: \([0-9]*\) rows, .*rows\/s.*/\1/p')
  n=$(printf '%s\n' "$counts" | grep -c .)
  [ "$n" -ge 2 ] && ok "it is redrawn as the import goes ($n times)" || nok "it is redrawn as the import goes" "$n bars"
  is "$(printf '%s\n' "$counts" | sort -n -c 2>&1 && echo increasing)" increasing "with a growing row count"
  like "$tty_out" $'\r\033[K' "each redraw goes back to the start of the line and clears it"
  last=$(lines_of "$tty_out" | grep -F 'rows:' | tail -1)
  like "$last" "kam: dry run: p/ledger.csv: " "the summary comes after the bar is cleared, on a clean line"
  unlike "$last" "rows/s" "with no bar left on it"
fi

slowed script -qfec "'$KAM' --db k.db import ledger p/ledger.csv --dry-run --no-progress" /dev/null
status_is 0 "the same with --no-progress"
unlike "$out" "rows/s" "--no-progress: no bar on a terminal ($(seconds "$out") s)"

slowed script -qfec "'$KAM' --db k.db --json import ledger p/ledger.csv --dry-run" /dev/null
status_is 0 "the same with --json"
unlike "$out" "rows/s" "--json: no bar on a terminal"

# --- not a terminal ---------------------------------------------------------------------
slowed "$KAM" --db k.db import ledger p/ledger.csv --dry-run
status_is 0 "the same import with stderr in a file"
secs=$(seconds "$err")
if long_enough "$secs"; then ok "it took over a second here too ($secs s)"; else
  skip "the import took ${secs:-?} s: too fast to tell"; fi
unlike "$err" "rows/s" "no rows/s when stderr is not a terminal"
unlike "$err" $'\r' "no carriage return"
unlike "$err" $'\033' "no escape sequence"
is "$(printf '%s\n' "$err" | grep -c .)" 1 "just the one summary line"

# --- a bad row near the end of a long import on a terminal ----------------------------------
total=$(wc -l <p/ledger.csv)
at=$((total - 1000))
{
  head -n "$at" p/ledger.csv
  printf '42010000000000,2025-01,express,1.234,1\n'
  tail -n +"$((at + 1))" p/ledger.csv
} >bad.csv
slowed script -qfec "'$KAM' --db k.db import ledger bad.csv --dry-run" /dev/null
status_is 1 "a bad file on a terminal fails"
msg=$(lines_of "$out" | grep -F "bad.csv:$((at + 1)):" | head -1)
like "$msg" "kam: bad.csv:$((at + 1)): column 'amount'" "the message of its bad row is shown"
is "${msg%%kam: bad.csv*}" "" "at the start of a line of its own"
unlike "$msg" "rows/s" "not glued to the bar"
is "$(lines_of "$out" | grep -c 'rows/s.*kam: \|kam: .*rows/s')" 0 "no message shares a line with the bar"

# --- the bar from the start, and while --replace deletes a month -----------------------------
# A month kept in ledger_rows (written through SQL, as in a database from before schema 4)
# is deleted row by row when replaced: the bar shows that phase, whatever the machine's
# speed (it is drawn from SQLite's progress callback, not after a time).
cp k.db r.db
sqlite3 r.db -cmd ".mode csv" ".import p/ledger.csv raw" \
  "INSERT INTO ledger(code, month, line, amount, volume)
   SELECT code, CAST(replace(month, '-', '') AS INTEGER), line, CAST(round(amount * 100) AS INTEGER),
          CAST(volume AS INTEGER) FROM raw WHERE month IN ('2024-03', '2024-04', '2025-05', '2025-06');
   DROP TABLE raw" 2>/dev/null
n=$(sqlite3 r.db "SELECT count(*) FROM ledger_rows")
is "$n" "$(grep -cE ',(2024-03|2024-04|2025-05|2025-06),' p/ledger.csv)" \
  "four months written through SQL, into ledger_rows ($n rows)"
{ head -1 p/ledger.csv; grep ',2025-06,' p/ledger.csv; grep ',2024-03,' p/ledger.csv; } > two.csv
script -qfec "'$KAM' --db r.db import ledger two.csv --replace" /dev/null > rep.out 2>&1
is "$(grep -c 'replaced' rep.out)" 1 "--replace on a terminal"
like "$(lines_of "$(cat rep.out)" | grep 'rows/s' | head -1)" "importing two.csv: 0 rows" \
  "the bar shows as soon as the work starts, before a row is stored"
like "$(cat rep.out)" ", replacing 2025-06" "and while a month is deleted, naming it"
like "$(cat rep.out)" "replaced 2024-03, 2025-06 (" "the months replaced are listed in order"
is "$(sqlite3 r.db "SELECT group_concat(month || ':' || own_table) FROM ledger_months WHERE month IN (202403, 202506)")" \
  "202403:1,202506:1" "and now have tables of their own"
is "$(sqlite3 r.db "SELECT count(*) FROM ledger_rows WHERE month IN (202403, 202506)")" 0 "their rows left ledger_rows"
is "$(sqlite3 r.db "SELECT count(*) FROM ledger")" "$n" "the ledger holds as many rows as before"

done_testing
