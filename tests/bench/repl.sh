#!/usr/bin/env bash
# REPL start-up: from spawning it on a terminal (a pty, through expect) to its first
# prompt, kam repl (banner with the database's counts, history, completion set up)
# against `lua5.4 -i`, both measured in this run; median of N each.
set -u
B=${KAM_BUILD:-build}
KAM=$PWD/$B/kam
export KAM_PLUGIN_PATH=$PWD/$B/plugins
N=${BENCH_RUNS:-50}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v expect >/dev/null || { echo "repl: expect is not installed"; exit 1; }
"$KAM" --db "$tmp/bench.db" init --policy hubei >/dev/null 2>&1 || exit 1

cat > "$tmp/time.exp" <<'EXP'
# argv: runs prompt-regex command args...; prints the median ms to the first prompt
set runs [lindex $argv 0]
set prompt [lindex $argv 1]
set cmd [lrange $argv 2 end]
log_user 0
set timeout 60
set times {}
for {set i 0} {$i < $runs} {incr i} {
  set t0 [clock microseconds]
  eval spawn -noecho $cmd
  expect -re $prompt {} timeout { puts stderr "no prompt"; exit 1 }
  lappend times [expr {([clock microseconds] - $t0) / 1000.0}]
  # hang up (the pty closes: the REPL reads end of input): a ^D sent at once could
  # reach the terminal before the line editor has switched it to raw mode
  catch close
  catch wait
}
set times [lsort -real $times]
puts [lindex $times [expr {$runs / 2}]]
EXP
ref=$(env LC_ALL=C.UTF-8 expect "$tmp/time.exp" "$N" '> $' lua5.4 -i) || exit 1
kam=$(env LC_ALL=C.UTF-8 KAM_HISTORY=/dev/null expect "$tmp/time.exp" "$N" 'bench> $' "$KAM" --db "$tmp/bench.db" repl --no-rc) || exit 1
awk -v r="$ref" -v k="$kam" -v n="$N" 'BEGIN {
  printf "%-28s %8.2f ms\n", "lua5.4 -i, first prompt", r
  printf "%-28s %8.2f ms  %5.2f x lua5.4 -i\n", "kam repl, first prompt", k, k / r
  printf "(%d runs each, median, through expect on a pty; target: within 2 x and under 50 ms)\n", n
}'
