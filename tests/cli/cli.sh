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
like "$err" "kam: option '--db' needs a value" "and names it as typed (--db, not -d)"
run kam --user
like "$err" "kam: option '--user' needs a value" "--user likewise"
run kam -x
status_is 2 "an unknown short option exits 2"
like "$err" "kam: unknown option '-x'" "naming it"

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

# An unknown option is named the same way by every command, C or Lua, with that
# command's usage and exit status 2.
for c in init import export grade explain policy override run plugin help; do
  run kam --db k.db $c --yeer
  status_is 2 "kam $c --yeer exits 2"
  is "$(printf '%s\n' "$err" | head -1)" "kam $c: unknown option '--yeer'" "kam $c names the unknown option"
  like "$err" "usage: kam $c" "kam $c prints its own usage"
  is "$out" "" "kam $c prints nothing on stdout"
done
for sub in "policy list" "policy show" "override list" "override add"; do
  run kam --db k.db $sub --yeer
  status_is 2 "kam $sub --yeer exits 2"
  is "$(printf '%s\n' "$err" | head -1)" "kam ${sub% *}: unknown option '--yeer'" "kam $sub names it alike"
done
run kam grade diff --yeer 2025 hubei shantou
is "$(printf '%s\n' "$err" | head -1)" "kam grade diff: unknown option '--yeer'" "grade diff names it too"
run kam grade --yeer=2025
is "$(printf '%s\n' "$err" | head -1)" "kam grade: unknown option '--yeer'" "an option with =VALUE is named without its value"
run kam explain --yeer=2025 42010200001000
is "$(printf '%s\n' "$err" | head -1)" "kam explain: unknown option '--yeer'" "in Lua commands too"
run kam grade --year
status_is 2 "an option without its value exits 2 in a command"
is "$(printf '%s\n' "$err" | head -1)" "kam grade: option '--year' needs a value" "naming the option"
run kam explain 42010200001000 --year
is "$(printf '%s\n' "$err" | head -1)" "kam explain: option '--year' needs a value" "in Lua commands too"
run kam grade --dry-run=yes
is "$(printf '%s\n' "$err" | head -1)" "kam grade: option '--dry-run' takes no value" "a flag given a value"
run kam override list --all=yes
is "$(printf '%s\n' "$err" | head -1)" "kam override: option '--all' takes no value" "in Lua commands too"
run kam import --re customers x.csv
is "$(printf '%s\n' "$err" | head -1)" "kam import: option '--re' is ambiguous (--reject-file, --replace)" "an ambiguous abbreviation"
run kam explain -y 2025 42010200001000
status_is 2 "an unknown short option in a Lua command exits 2"
is "$(printf '%s\n' "$err" | head -1)" "kam explain: unknown option '-y'" "naming it, not taking it for a code"
run kam export -o
is "$(printf '%s\n' "$err" | head -1)" "kam export: option '-o' needs a value" "a short option without its value"

# Errors of the commands written in Lua name no file of kam's.
run kam --db none.db explain 42010200001000
status_is 1 "explain on a missing database exits 1"
is "$err" "kam: none.db: no such database (create it with 'kam init')" "saying so, with no script path or line"
run kam --db none.db override list
is "$err" "kam: none.db: no such database (create it with 'kam init')" "override likewise"
run kam --db k.db init
cat >>k.sql <<'SQL'
DROP TABLE overrides;
SQL
sqlite3 k.db <k.sql
run kam --db k.db override list
status_is 1 "a command whose SQL fails exits 1"
unlike "$err" "scripts/commands" "and names no path of kam's files"
unlike "$err" ".lua:" "nor a .lua file"
like "$err" "kam: override:" "but the command"

# kam help
run kam help
status_is 0 "kam help exits 0"
run kam --help
is "$("$KAM" help 2>/dev/null)" "$out" "kam help is kam --help"
run kam help grade
status_is 0 "kam help grade exits 0"
is "$out" "$("$KAM" grade --help)" "and is kam grade --help"
run kam help frob
status_is 2 "kam help of an unknown command exits 2"
like "$err" "kam help: unknown command 'frob'" "naming it"

done_testing
