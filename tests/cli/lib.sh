# Shell helpers for CLI tests: source this, call `run kam ...`, check, then `done_testing`.
# Each test file gets its own temporary directory $T, removed on exit.
set -u
KAM_BUILD=${KAM_BUILD:-build}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KAM="$TOP/$KAM_BUILD/kam"
case $KAM_BUILD in /*) KAM="$KAM_BUILD/kam" ;; esac
export KAM_PLUGIN_PATH="$(dirname "$KAM")/plugins"
export KAM_USER=tester
unset KAM_DB
T=$(mktemp -d "${TMPDIR:-/tmp}/kam-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
_n=0 _failed=0

# run CMD...: runs it, keeping stdout in $out, stderr in $err, exit status in $status.
run() {
  if [ "$1" = kam ]; then shift; set -- "$KAM" "$@"; fi
  "$@" >"$T/.out" 2>"$T/.err"; status=$?
  out=$(cat "$T/.out"); err=$(cat "$T/.err")
}

_result() { # pass desc
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
ok() { _result 0 "$1"; }
nok() { _result 1 "$1"; shift; for l in "$@"; do echo "#   $l"; done; }
# is GOT WANT DESC
is() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got:  $1" "want: $2"; fi; }
# like GOT SUBSTRING DESC
like() { case $1 in *"$2"*) ok "$3" ;; *) nok "$3" "got:  $1" "want something containing: $2" ;; esac; }
unlike() { case $1 in *"$2"*) nok "$3" "got:  $1" "want nothing containing: $2" ;; *) ok "$3" ;; esac; }
# status_is N DESC: the last run's exit status
status_is() { if [ "$status" = "$1" ]; then ok "$2"; else nok "$2" "exit status $status, want $1" "stderr: $err"; fi; }
# poll_sql DB SQL WANT [PID]: poll until sqlite3 DB answers SQL with WANT (0); 1 at once
# when PID (if given) has ended, else after 120 s, a bound no slow machine reaches.
poll_sql() {
  local i
  for i in $(seq 1 1200); do
    [ "$(sqlite3 "$1" "$2" 2>/dev/null)" = "$3" ] && return 0
    [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null && return 1
    sleep 0.1
  done
  return 1
}
skip() { _n=$((_n + 1)); echo "ok $_n # skip $1"; }
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; }
