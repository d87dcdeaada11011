#!/usr/bin/env bash
# The docs are true to the binary: the README's command table and the man page's commands
# are what `kam help --format` makes from the command table (`make docs` writes them); each
# command's usage lines are that table's forms; the docs name no command, and the README
# no import kind, that kam does not have.
source "$(dirname "$0")/lib.sh"

README="$TOP/README.md" MAN="$TOP/doc/kam.1"

# block FILE FORMAT: the lines between the BEGIN and END markers of FORMAT.
block() {
  awk -v format="$2" '
    index($0, "END kam help --format " format) { inside = 0 }
    inside { print }
    index($0, "BEGIN kam help --format " format) { inside = 1 }' "$1"
}

for pair in "$MAN man" "$README markdown"; do
  set -- $pair
  run kam help --format "$2"
  status_is 0 "kam help --format $2 exits 0"
  want=$out
  got=$(block "$1" "$2")
  [ -n "$want" ] && [ "$got" = "$want" ] && ok "$(basename "$1") holds what kam help --format $2 prints" ||
    nok "$(basename "$1") holds what kam help --format $2 prints (run make docs)" \
      "$(diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -20)"
done

run kam help --format pdf
status_is 2 "an unknown doc format is a usage error"
like "$err" "kam help: unknown format 'pdf' (man, markdown)" "naming it and the formats"

# The command table as a document: names, forms, kinds.
run kam --json --help
status_is 0 "kam --json --help exits 0"
table=$out
names=$(printf '%s' "$table" | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["commands"]))')
[ -n "$names" ] && ok "the command table names commands: $names" || nok "the command table names commands" "$table"

run kam --help
help_text=$out
for c in $names; do
  like "$help_text" "  $c " "kam --help lists $c"
done
n_help=$(printf '%s\n' "$help_text" | sed -n '/^commands:/,/^$/p' | grep -c '^  [a-z]')
is "$n_help" "$(echo $names | wc -w | tr -d ' ')" "kam --help lists as many commands as the table holds"

# usage_forms TEXT: each "usage: kam ..." / "       kam ..." line, continuation lines joined.
usage_forms() {
  python3 -c '
import re, sys
forms, cur = [], None
for line in sys.stdin.read().split("\n"):
    m = re.match(r"^(usage: |       )(kam .*)$", line)
    if m:
        if cur: forms.append(cur)
        cur = m.group(2).rstrip()
    elif cur and re.match(r"^ {8,}\S", line):
        cur += " " + line.strip()
    else:
        if cur: forms.append(cur)
        cur = None
        if forms and not line.strip(): break
if cur: forms.append(cur)
print("\n".join(forms))'
}

for c in $names; do
  run kam "$c" --help
  status_is 0 "kam $c --help exits 0"
  from_help=$(printf '%s\n' "$out" | usage_forms)
  from_table=$(printf '%s' "$table" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["commands"]:
    if c["name"] == sys.argv[1]:
        print("\n".join(f["synopsis"] for f in c["forms"]))' "$c")
  [ -n "$from_help" ] && [ "$from_help" = "$from_table" ] && ok "kam $c --help has the table's forms" ||
    nok "kam $c --help has the table's forms" "help:  $from_help" "table: $from_table"
done

# The docs name only commands that exist: `kam WORD` in the README's code spans and
# \fBkam WORD in the man page.
mentioned=$( { grep -o '`kam [a-z_][a-z_-]*' "$README" | sed 's/^`kam //'
               grep -o '\\fBkam [a-z_][a-z_-]*' "$MAN" | sed 's/^\\fBkam //'
               grep -oE '^\.B[RI]? "?kam [a-z_][a-z_-]*' "$MAN" | sed -E 's/^\.B[RI]? "?kam //'
               grep -oE '^    kam (--[a-z]+( [^ -][^ ]*)? )*[a-z_]+' "$README" | awk '{print $NF}'
             } | sort -u)
bad=""
for w in $mentioned; do
  case " $names " in *" $w "*) ;; *) bad="$bad $w" ;; esac
done
is "$bad" "" "the README and the man page name no command kam lacks"
[ "$(echo $mentioned | wc -w)" -ge 5 ] && ok "(and that check saw commands: $(echo $mentioned))" ||
  nok "the mention check saw too few commands" "$mentioned"

# Import kinds: the README's data-file table has one row per kind kam imports, and each
# kind is one kam import and kam export know.
kinds=$(printf '%s' "$table" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["import_kinds"]))')
ekinds=$(printf '%s' "$table" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["export_kinds"]))')
like " $ekinds " " bureau_revenue " "bureau_revenue is an export kind"
like " $ekinds " " grades " "grades is an export kind"
readme_kinds=$(awk '/^\| kind \| columns/ { t = 1; next } t && /^\|---/ { next } t && /^\|/ { print $2; next } { t = 0 }' "$README" | tr '\n' ' ' | sed 's/ $//')
is "$readme_kinds" "$kinds" "the README's data-file table lists exactly the import kinds"
run kam import --help
for k in $kinds; do like "$out" "$k" "kam import --help names $k"; done
run kam --db none.db import frob x.csv
status_is 2 "an unknown import kind is a usage error"
like "$err" "unknown kind 'frob' ($(echo $kinds | sed 's/ /, /g'))" "listing the kinds from the table"
for k in $kinds; do
  run kam --db none.db import "$k" missing.csv
  unlike "$err" "unknown kind" "kam import knows $k"
done
for k in $ekinds; do
  run kam --db none.db export "$k"
  unlike "$err" "unknown kind" "kam export knows $k"
done
run kam export frob
like "$err" "unknown kind 'frob' ($(echo $ekinds | sed 's/ /, /g'))" "kam export lists its kinds from the table"

done_testing
