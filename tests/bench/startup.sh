#!/usr/bin/env bash
# Startup cost: `kam --version` and `kam run` of an empty script, against `lua5.4 -e ''`,
# all measured in this run (median of many runs each).
set -u
B=${KAM_BUILD:-build}
KAM=$PWD/$B/kam TIMEIT=$PWD/$B/bench/timeit
export KAM_PLUGIN_PATH=$PWD/$B/plugins
N=${BENCH_RUNS:-300}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: > "$tmp/empty.lua"

ref=$($TIMEIT -n "$N" -w 20 -- lua5.4 -e '') || exit 1
ver=$($TIMEIT -n "$N" -w 20 -q -- "$KAM" --version) || exit 1
run=$($TIMEIT -n "$N" -w 20 -- "$KAM" --db "$tmp/none.db" run "$tmp/empty.lua") || exit 1

set -- $ref; ref_ms=$1 ref_rss=$4
report() { # name "median mean min rss"
  local name=$1; set -- $2
  awk -v name="$name" -v med="$1" -v rss="$4" -v ref="$ref_ms" \
    'BEGIN { printf "%-28s %8.3f ms  %6.2f x lua5.4   peak %6.1f MB\n", name, med, med / ref, rss / 1024 }'
}
printf '%-28s %8.3f ms  %6.2f x lua5.4   peak %6.1f MB\n' "lua5.4 -e ''" "$ref_ms" 1 "$(awk -v r="$ref_rss" 'BEGIN{print r/1024}')"
report "kam --version" "$ver"
report "kam run empty.lua" "$run"
echo "($N runs each, median wall time; target: kam run within 1.5 x lua5.4.  Plugins load"
echo " at start, their heavy libraries on first use: see the README's Plugins section)"
