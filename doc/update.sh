#!/bin/sh
# `make docs`: write the parts of doc/kam.1 and README.md that are made from kam's command
# table (kam help --format man|markdown) between their BEGIN and END markers.
# tests/cli/docs.sh fails when what is there differs from what kam prints.
set -eu
cd "$(dirname "$0")/.."
kam=${1:-build/kam}

replace() { # FILE FORMAT
  for m in BEGIN END; do
    if [ "$(grep -c "$m kam help --format $2" "$1")" != 1 ]; then
      echo "doc/update.sh: $1: need exactly one '$m kam help --format $2' line" >&2
      exit 1
    fi
  done
  gen=$(mktemp) out=$(mktemp)
  "$kam" help --format "$2" >"$gen"
  awk -v gen="$gen" -v format="$2" '
    index($0, "END kam help --format " format) { skip = 0 }
    !skip { print }
    index($0, "BEGIN kam help --format " format) { while ((getline line < gen) > 0) print line; skip = 1 }
  ' "$1" >"$out"
  cat "$out" >"$1"
  rm -f "$gen" "$out"
}

replace doc/kam.1 man
replace README.md markdown
