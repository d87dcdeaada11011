#!/usr/bin/env bash
# --json everywhere: every command, and every error path reachable from the command line,
# prints exactly one JSON document on stdout; an error's document is {"error": "...",
# "status": N} with N the exit status, and its message is on stderr too.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
C=42028100007000

# one_doc STATUS: the last run's stdout is one JSON document (nothing after it); when
# STATUS is not 0, an error document carrying that status.  Prints why not.
one_doc() {
  printf '%s' "$out" | python3 -c '
import json, sys
want = int(sys.argv[1])
try:
    d = json.loads(sys.stdin.read())
except ValueError as e:
    sys.exit("not one JSON document: %s" % e)
if want != 0:
    if not isinstance(d, dict) or not isinstance(d.get("error"), str) or not d["error"]:
        sys.exit("no error message in the document")
    if d.get("status") != want:
        sys.exit("status %r in the document, %d expected" % (d.get("status"), want))
' "$1"
}

# J STATUS DESC ARGS...: kam --json ARGS exits STATUS with one document on stdout (an error
# document unless STATUS is 0) and, for an error, its message on stderr.
J() {
  local want=$1 desc=$2 why
  shift 2
  run kam --json "$@"
  if [ "$status" != "$want" ]; then
    nok "$desc: exit $want" "exit status $status" "stdout: $out" "stderr: $err"
    return
  fi
  if why=$(one_doc "$want" 2>&1); then ok "$desc: exit $want, one document"; else
    nok "$desc: exit $want, one document" "$why" "stdout: $out"
  fi
  if [ "$want" != 0 ]; then
    msg=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"])' 2>/dev/null)
    like "$err" "$msg" "$desc: the message is on stderr too"
  fi
}

# The global options and the command table.
J 2 "an unknown global option" --bogus
J 2 "--db without its value" --db
J 2 "--json after a bad option still counts" --bogus-first
J 2 "no command" --db k.db
J 2 "an unknown command" frob
J 0 "--help" --help
J 0 "--version" --version
J 0 "help" help
J 0 "help grade" help grade
J 0 "help explain (a command in Lua)" help explain
J 2 "help of an unknown command" help frob
J 0 "help --format man" help --format man
J 0 "help --format markdown" help --format markdown
J 2 "help --format of an unknown format" help --format pdf
J 2 "help with two commands" help grade explain
run kam --bogus --json
status_is 2 "a bad option before --json exits 2"
one_doc 2 >/dev/null 2>&1 && ok "... and the document is there: --json is seen wherever it is" ||
  nok "... and the document is there" "$out"

# Every command's --help is a document with the help text.
for c in init import export grade explain override policy run plugin help; do
  J 0 "$c --help" "$c" --help
  like "$out" "\"help\": \"usage: kam $c" "$c --help: the document carries the usage"
done

# init
J 0 "init" --db k.db init --policy hubei
J 2 "init with an unknown option" --db k.db init --bogus
J 2 "init with an operand" --db k.db init extra
J 2 "init with a bad policy name" --db k.db init --policy 'Not A Name'

# import
J 0 "import customers" --db k.db import customers "$F/hubei_customers.csv"
J 0 "import ledger" --db k.db import ledger "$F/hubei_ledger.csv"
J 0 "import --dry-run" --db k.db import --dry-run --replace customers "$F/hubei_customers.csv"
J 1 "import of a missing file" --db k.db import ledger missing.csv
J 1 "import of a file with bad rows" --db k.db import ledger "$F/hubei_customers.csv"
J 2 "import with an unknown option" --db k.db import --bogus customers x.csv
J 2 "import with an ambiguous option" --db k.db import --re customers x.csv
J 2 "import without FILE" --db k.db import customers
J 2 "import with an extra operand" --db k.db import customers a.csv b.csv
J 2 "import of an unknown kind" --db k.db import frob x.csv
J 2 "import --replace --append" --db k.db import --replace --append ledger x.csv
J 1 "import into a missing database" --db none.db import customers "$F/hubei_customers.csv"

# grade
J 0 "grade --dry-run" --db k.db grade --year 2025 --as-of 2026-01-15 --dry-run
J 0 "grade" --db k.db grade --year 2025 --as-of 2026-01-15
J 2 "grade with an unknown option" --db k.db grade --yeer 2025
J 2 "grade --year without its value" --db k.db grade --year
J 2 "grade --dry-run=yes" --db k.db grade --dry-run=yes
J 2 "grade with a malformed year" --db k.db grade --year twenty
J 2 "grade with a day that does not exist" --db k.db grade --as-of 2025-02-30
J 2 "grade with an operand" --db k.db grade 2025
J 0 "grade diff" --db k.db grade diff hubei shantou --year 2025 --as-of 2026-01-15
J 2 "grade diff with one policy" --db k.db grade diff hubei
J 2 "grade diff with an unknown option" --db k.db grade diff --bogus hubei shantou
J 1 "grade diff with a policy that does not exist" --db k.db grade diff hubei nosuch --year 2025
J 1 "grade of a missing database" --db none.db grade --year 2025

# explain (Lua)
J 0 "explain" --db k.db explain $C --year 2025 --as-of 2026-01-15
J 1 "explain of an unknown customer" --db k.db explain 42999999999999 --year 2025
J 2 "explain of a malformed code" --db k.db explain 123
J 2 "explain without a code" --db k.db explain
J 2 "explain with an unknown option" --db k.db explain $C --yeer 2025
J 2 "explain with an unknown short option" --db k.db explain -y 2025 $C
J 2 "explain --year without its value" --db k.db explain $C --year
J 1 "explain on a missing database" --db none.db explain $C

# override (Lua)
J 0 "override add" --db k.db override add $C --kind cultivation --grade 3 --until 2099-12-31 --reason "培育期" --year 2025
J 0 "override list" --db k.db override list
J 0 "override list --all" --db k.db override list --all
J 1 "override add of a kind the policy lacks" --db k.db override add $C --kind frob --grade 3 --reason x
J 2 "override add of a malformed code" --db k.db override add 123 --kind cultivation --grade 3 --reason x
J 2 "override with an unknown option" --db k.db override list --bogus
J 2 "override without a subcommand" --db k.db override
J 2 "override with an unknown subcommand" --db k.db override frob
J 1 "override revoke of an unknown id" --db k.db override revoke 999 --reason x

# policy (Lua)
J 0 "policy list" --db k.db policy list
J 0 "policy show" --db k.db policy show hubei
J 2 "policy with an unknown subcommand" --db k.db policy frob
J 2 "policy with an unknown option" --db k.db policy list --bogus
J 2 "policy list with an operand" --db k.db policy list extra
J 2 "policy show of a malformed name" --db k.db policy show 'Not A Name'
J 0 "policy test" --db k.db policy test hubei
J 0 "policy check" --db k.db policy check "$TOP/policies/hubei.lua"

# backup
J 0 "backup" --db k.db backup b.db
J 2 "backup over an existing file (needs --force)" --db k.db backup b.db
J 2 "backup with an unknown option" --db k.db backup --bogus c.db
J 2 "backup without a file" --db k.db backup

# export
J 0 "export customers as JSON" --db k.db export customers
J 0 "export grades as JSON" --db k.db export grades --year 2025
J 0 "export -o FILE" --db k.db export ledger -o ledger.csv
J 2 "export with an unknown option" --db k.db export --bogus customers
J 2 "export -o without its value" --db k.db export customers -o
J 2 "export without KIND" --db k.db export
J 2 "export of an unknown kind" --db k.db export frob
J 2 "export --lang fr" --db k.db export customers --lang fr
J 2 "export --year x" --db k.db export grades --year x
J 2 "export --year of customers" --db k.db export customers --year 2025
J 2 "export of an unknown format" --db k.db export customers --format pdf
J 1 "export to a directory that does not exist" --db k.db export customers -o no/such/dir.csv

# run
printf 'print("to stderr under --json", 42)\nio.stderr:write("x\\n")\nreturn {n = kam.db.value("SELECT count(*) FROM customers")}\n' >ok.lua
J 0 "run of a script that prints and returns a table" --db k.db run ok.lua
like "$err" "to stderr under --json	42" "print() went to stderr"
like "$out" '"n":' "and the document is what the script returned"
run kam --db k.db run ok.lua
like "$out" "to stderr under --json	42" "without --json, print() writes on stdout as ever"
printf 'return 1, 2\n' >two.lua
J 0 "run of a script returning two values (the first is the document)" --db k.db run two.lua
printf 'return function() end\n' >fn.lua
J 1 "run of a script returning what JSON cannot hold" --db k.db run fn.lua
printf 'print("before")\nerror("boom")\n' >boom.lua
J 1 "run of a failing script" --db k.db run boom.lua
printf 'return (' >syntax.lua
J 1 "run of a script with a syntax error" --db k.db run syntax.lua
J 1 "run of a missing script" --db k.db run missing.lua
J 2 "run with an unknown option" --db k.db run --bogus ok.lua
J 2 "run without a script" --db k.db run
run sh -c "printf 'print(1) return {ok = true}' | '$KAM' --json --db k.db run -"
is "$status" 0 "run - (standard input) exits 0"
one_doc 0 >/dev/null 2>&1 && ok "... with one document" || nok "... with one document" "$out"

# plugin
J 0 "plugin list" --db k.db plugin list
J 2 "plugin without a subcommand" plugin
J 2 "plugin with an unknown subcommand" plugin frob
J 2 "plugin with an unknown option" plugin --bogus
J 2 "plugin list with an operand" plugin list extra

done_testing
