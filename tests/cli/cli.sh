#!/usr/bin/env bash
# The command line itself: usage errors exit 2 with usage on stderr, --help and
# --version, --json documents, and every command's --help.
source "$(dirname "$0")/lib.sh"

json_ok() { printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }

run kam --bogus
status_is 2 "a bad option exits 2"
like "$err" "kam: unknown option '--bogus'" "and names it"
like "$err" "usage: kam" "with usage on stderr"
is "$out" "" "and nothing on stdout"

run kam --db
status_is 2 "an option without its value exits 2"
like "$err" "needs a value" "and says so"

run kam
status_is 2 "no command exits 2"
like "$err" "no command given" "and says so"

run kam frobnicate
status_is 2 "an unknown command exits 2"
like "$err" "unknown command 'frobnicate'" "naming it"

run kam --help
status_is 0 "--help exits 0"
for c in init import export grade explain policy override run plugin; do
  like "$out" "  $c " "--help lists $c"
done

run kam --version
status_is 0 "--version"
like "$out" "kam 0.1.0 (Lua 5.4" "names kam's version and its libraries'"
run kam --json --version
json_ok "$out" && ok "--json --version is valid JSON" || nok "--json --version is valid JSON" "$out"

for c in init import export grade explain policy override run plugin; do
  run kam "$c" --help
  status_is 0 "kam $c --help exits 0"
  like "$out" "usage: kam $c" "kam $c --help prints its usage"
done

run kam import customers
status_is 2 "import without a file is a usage error"
run kam grade --year twenty
status_is 2 "a malformed year is a usage error"
run kam grade --as-of 2025-02-30x
status_is 2 "a malformed date is a usage error"

run kam --json --db k.db init
json_ok "$out" && ok "--json init is valid JSON" || nok "--json init is valid JSON" "$out"
run kam --json --db k.db plugin list
json_ok "$out" && ok "--json plugin list is valid JSON" || nok "--json plugin list is valid JSON" "$out"
run kam --json --db k.db policy list
json_ok "$out" && ok "--json policy list is valid JSON" || nok "--json policy list is valid JSON" "$out"
run kam --json --db k.db grade --year 2025 --dry-run
json_ok "$out" && ok "--json grade of an empty database is valid JSON" || nok "--json grade" "$out"
run kam --json --db k.db import ledger missing.csv
status_is 1 "--json failure exits 1"
json_ok "$out" && ok "--json failure still prints a valid document" || nok "--json failure document" "$out"
like "$out" "missing.csv" "and the document carries the error"

done_testing
