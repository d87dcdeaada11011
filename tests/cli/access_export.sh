#!/usr/bin/env bash
# A masked export says so in its file (issue 23): CSV a first line "# kam: masked export
# (...)" (after the byte-order mark with --bom, with the file's line end), JSON an object
# whose first field is "kam_masked_export" around the rows.  kam import refuses such a
# file, naming the marker, before any row is read, whatever the mode (--replace, append,
# --dry-run, --reject-file): nothing stored changes.  An export nothing was masked in has
# no marker and imports back.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
C=42050200005000
run kam --db a.db init --policy hubei
run kam --db a.db import customers "$F/hubei_customers.csv"
run kam --db a.db customer person add $C --name 王总 --title 总经理 --phone 13800000000
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add vic --login vic-login --role viewer
run kam --db a.db user add carl --login carl-login --role center
status_is 0 "a key person; an admin, a viewer and a center user"
state() { sqlite3 a.db "SELECT group_concat(code || name || title || phone, ' ') FROM key_persons; SELECT count(*) FROM imports" | md5sum; }

run kam --db a.db --user vic export key_persons -o kp.csv
status_is 0 "a viewer's export of key persons"
is "$(head -1 kp.csv)" "# kam: masked export (key persons read *** for vic): it does not import back" \
  "CSV: its first line says it is masked, what and for whom"
is "$(sed -n 2p kp.csv | cut -d, -f1-3)" "code,name,title" "then the header"
run kam --db a.db --user vic export key_persons --bom --crlf -o kpb.csv
is "$(head -c 23 kpb.csv | od -An -c | tr -d ' \n')" '357273277#kam:maskedexport' \
  "--bom: the byte-order mark first, then the marker"
is "$(head -1 kpb.csv | od -An -c | tr -d ' \n' | tail -c 4)" '\r\n' "--crlf: the marker line ends with CRLF too"
run kam --db a.db --user vic export key_persons -o kp.json
is "$(jq -r '.kam_masked_export' kp.json)" "key persons read *** for vic: it does not import back" \
  "JSON: a top-level field says it is masked"
is "$(jq -r '.rows[0].phone' kp.json)" "***" "the rows under \"rows\", masked"
run kam --db a.db --user vic --json export key_persons
is "$(printf '%s' "$out" | jq -r '.kam_masked_export')" "key persons read *** for vic: it does not import back" \
  "to standard output too"
run kam --db 'file:a.db?mode=ro' export key_persons -o ro.csv
is "$(head -1 ro.csv)" "# kam: masked export (key persons read *** for everyone on a database kam cannot write): it does not import back" \
  "on a database kam cannot write, the admin's export is masked and marked"

before=$(state)
for f in kp.csv kpb.csv kp.json; do
  for mode in --replace "" --dry-run "--reject-file rej.csv"; do
    run kam --db a.db import key_persons $f $mode
    if [ "$status" = 1 ] && [[ $err == *"$f"*"the file is a masked export"* ]]; then
      ok "import $f ${mode:-(append)}: refused, naming the marker"
    else
      nok "import $f ${mode:-(append)}: refused, naming the marker" "exit $status" "$err"
    fi
  done
done
like "$err" "(its field 'kam_masked_export')" "JSON: the field is named"
run kam --db a.db import key_persons kp.csv
like "$err" "kp.csv:1: the file is a masked export (its first line: '# kam: masked export (key persons read *** for vic): it does not import back')" \
  "CSV: the line is quoted"
is "$(state)" "$before" "nothing stored changed, and no import was recorded"
[ -e rej.csv ] && nok "no reject file was written" || ok "no reject file was written"
run kam --db a.db --json import key_persons kp.csv --replace
is "$(printf '%s' "$out" | jq -r '[.status, (.error | test("masked export"))] | join(" ")')" "1 true" \
  "--json: one error document"

# Nothing masked, no marker: a center user's export imports back.
run kam --db a.db --user carl export key_persons -o full.csv
is "$(head -1 full.csv | cut -d, -f1-3)" "code,name,title" "an export nothing was masked in has no marker"
run kam --db a.db --user carl export key_persons -o full.json
is "$(jq -r 'type' full.json)" "array" "JSON: an array, as always"
run kam --db a.db --user carl import key_persons full.csv --replace
status_is 0 "and imports back"
# The marker is looked for in a regular file only: a pipe's first bytes are the import's.
mkfifo pipe.csv; cat full.csv >pipe.csv & writer=$!
run kam --db a.db --user carl import key_persons pipe.csv --replace
wait $writer
status_is 0 "an import from a FIFO reads it whole (nothing was read ahead of it)"
run kam --db a.db --user carl export customers -o cust.csv
is "$(head -1 cust.csv | cut -d, -f1-2)" "code,name" "a kind with nothing confidential has no marker for a viewer either"
run kam --db a.db --user vic export customers -o vcust.csv
is "$(head -1 vcust.csv | cut -d, -f1-2)" "code,name" "... whoever exports it"

done_testing
