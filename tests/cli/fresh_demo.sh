#!/usr/bin/env bash
# The first hour: the README's two commands on a fresh copy of the tree (no build
# directory), and .ci/run running both.
. "$(dirname "$0")/lib.sh"

# A copy of what a clone has: the tracked files plus new ones not yet committed (so the
# test checks the tree as it is), never build/ or any other ignored file.
if ! git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  skip "not a git checkout: cannot tell which files a clone has"
  done_testing; exit
fi
SRC=$T/clone
mkdir -p "$SRC"
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  xargs -0 cp --parents -t "$SRC")
[ ! -e "$SRC/build" ] && [ ! -e "$SRC/kam" ]; is $? 0 "the copy has no build directory"

run make -C "$SRC" --no-print-directory demo
status_is 0 "make demo succeeds on a fresh copy"
like "$out" "The demo database is" "the demo ran to its end"
like "$out$err" "graded 3000 customers for 2025" "the demo graded the sample province"
like "$out" "Wuhan (capital), annual EMS revenue 300,000.00 in [300,000.00, 500,000.00) → class 2" \
  "the demo explains the Wuhan customer exactly on the class 2 edge"
like "$out" "hubei 2026.1: 57 passed, 0 failed" "the demo's policy test passes"
[ -x "$SRC/build/bench/genprovince" ]; is $? 0 "make demo built the province generator"

# .ci/run with a stand-in make that records its targets: both commands run, and the
# failure of either fails CI.
mkdir -p "$T/ci/.ci" "$T/bin"
cp "$TOP/.ci/run" "$T/ci/.ci/run"
cat >"$T/bin/make" <<'SH'
#!/bin/sh
echo "$*" >>"$MAKE_LOG"
case " $* " in *" $FAIL_TARGET "*) exit 2 ;; esac
exit 0
SH
chmod +x "$T/bin/make"
for fail in none test demo; do
  : >"$T/make.log"
  PATH="$T/bin:$PATH" MAKE_LOG="$T/make.log" FAIL_TARGET=$fail run bash "$T/ci/.ci/run"
  targets=$(tr '\n' ' ' <"$T/make.log")
  case $fail in
    none) status_is 0 ".ci/run passes when both pass"
          is "$targets" "test demo " ".ci/run runs make test, then make demo" ;;
    *)    if [ "$status" != 0 ]; then ok ".ci/run fails when make $fail fails"; else nok ".ci/run fails when make $fail fails"; fi
          like "$err" "failed" ".ci/run says it failed (make $fail)" ;;
  esac
done

done_testing
