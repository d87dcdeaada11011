#!/usr/bin/env bash
# kam.sandbox through `kam run`: every runaway is stopped within the limits with a message
# naming the script, the function and the item, and the host's next call works; every
# escape attempt fails; the environment matches the checked-in allow-list.
source "$(dirname "$0")/lib.sh"

S="$TOP/tests/sandbox"
P="$S/untrusted.lua"

# elapsed_ms CMD...: like run, and sets $ms to the wall time of the command.
elapsed_ms() {
  local t0
  t0=$(date +%s%N)
  run "$@"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# runaway FUNCTION ARG TIME_MS WANT [WANT2]: the call fails with WANT (or WANT2) and the
# host goes on.  How long it took goes to the TAP output, never into a test: a loaded
# machine is slow.
runaway() {
  local fn=$1 arg=$2 time_ms=$3 want=$4 want2=${5:-}
  elapsed_ms kam run "$S/drive.lua" "$P" "$fn" "$arg" "$time_ms"
  status_is 0 "$fn: kam run survives"
  case $out in
    *"$want"*) ok "$fn: $want" ;;
    *) if [ -n "$want2" ] && [[ $out == *"$want2"* ]]; then ok "$fn: $want2"
       else nok "$fn: stopped with the right message" "got: $out" "want: $want${want2:+ or $want2}"; fi ;;
  esac
  echo "# $fn: kam run took $ms ms"
  like "$out" "next	42" "$fn: the next call returns the right value"
}

# The runaways really run away without the sandbox (plain Lua 5.4).
if command -v lua5.4 >/dev/null; then
  run timeout 2 lua5.4 -e "dofile('$P').find(2000)"
  is "$status" 124 "plain lua5.4: the pattern still runs after 2 s"
  run timeout 2 lua5.4 -e "dofile('$P').gc()"
  is "$status" 124 "plain lua5.4: the looping __gc still runs after 2 s"
  # (through bash -c, so that bash's "Segmentation fault" lands in $err)
  run bash -c "timeout 10 lua5.4 -e \"dofile('$P').close_chain(20000)\""
  if [ "$status" -ge 128 ] && [ "$status" != 124 ]; then
    ok "plain lua5.4: the coroutine.close chain crashes it (status $status)"
  else
    nok "plain lua5.4: the coroutine.close chain crashes it" "status $status"
  fi
else
  skip "no lua5.4 to show the runaways run away"
fi

# Default limits (5,000 ms, 64 MiB, 50,000,000 instructions) where the deadline is what must
# stop it; where the instruction budget, a crash or the memory cap must, a deadline no
# slowness meets (ten minutes), so that a loaded machine cannot make it the deadline.
PATIENT=600000
runaway spin 0 $PATIENT "error	policies/untrusted.lua: function 'spin', item 1: instruction limit exceeded"
runaway swallow 0 $PATIENT "error	policies/untrusted.lua: function 'swallow', item 1: instruction limit exceeded"
runaway find 2000 0 "error	policies/untrusted.lua: function 'find', item 1: stopped after 5000 ms (time limit)"
runaway gc 0 0 "error	policies/untrusted.lua: function 'gc', item 1: stopped after 5000 ms (time limit)"
runaway close_chain 20000 $PATIENT "error	policies/untrusted.lua: function 'close_chain', item 1: worker crashed" \
  "error	policies/untrusted.lua: function 'close_chain', item 1: worker exited"
runaway hog 0 $PATIENT "error	policies/untrusted.lua: function 'hog', item 1: memory limit of 64 MiB exceeded"

# A time limit alone (no instruction budget to speak of) stops a plain loop too.
cat > timed.lua <<'LUA'
local box = kam.sandbox.open("function spin() while true do end end", "policies/timed.lua",
                             {time_ms = 200, instructions = 1 << 50})
print(pcall(box.call, box, "spin", {1}))
LUA
elapsed_ms kam run timed.lua
like "$out" "policies/timed.lua: function 'spin', item 1: stopped after 200 ms (time limit)" \
  "time_ms applies per item"
echo "# timed: kam run took $ms ms"

# Escapes: each fails with its own error, and the host goes on.
escape() {
  local fn=$1 want=$2
  run kam run "$S/drive.lua" "$P" "$fn"
  status_is 0 "$fn: kam run survives"
  like "$out" "$want" "$fn: refused"
  like "$out" "next	42" "$fn: the next call returns the right value"
}
escape os_execute "error	policies/untrusted.lua:55: attempt to index a nil value (global 'os') (function 'os_execute', item 1)"
escape io_open "attempt to index a nil value (global 'io') (function 'io_open', item 1)"
escape require "attempt to call a nil value (global 'require') (function 'require', item 1)"
escape load_bytecode "error	policies/untrusted.lua: attempt to load a binary chunk (mode is 't') (function 'load_bytecode', item 1)"
escape string_dump "attempt to call a nil value (field 'dump') (function 'string_dump', item 1)"
escape string_dump_method "attempt to call a nil value (field 'dump') (function 'string_dump_method', item 1)"
escape string_metatable "attempt to index a boolean value (function 'string_metatable', item 1)"
escape rawset "attempt to call a nil value (global 'rawset') (function 'rawset', item 1)"
escape new_global "assignment to undeclared global 'leaked' (function 'new_global', item 1)"
escape collectgarbage "attempt to call a nil value (global 'collectgarbage') (function 'collectgarbage', item 1)"
escape debug "attempt to index a nil value (global 'debug') (function 'debug', item 1)"
[ -e pwned ] && nok "os.execute left no file behind" || ok "os.execute left no file behind"

# Uncaught, the error reaches kam run's own report, with the item's index.
run kam run "$S/raise.lua" "$P" boom 1 2 3 4
status_is 1 "an uncaught sandbox error fails kam run"
like "$err" "policies/untrusted.lua:9: boom (function 'boom', item 3)" "kam run prints it"
run kam run "$S/raise.lua" "$P" double 1 2 3
status_is 0 "a good batch"
is "$out" "2 4 6" "one result per item, in order"

# The module, functions as kam.sandbox.FUNCTION; bad arguments and closed boxes.
cat > module.lua <<'LUA'
local box <close> = kam.sandbox.open([[
  local M = {rates = {0.1, 0.2}, name = "demo"}
  function M.f() end
  return M
]], "policies/demo.lua")
local m = box:module()
print(m.name, m.rates[2], m.f == kam.sandbox.FUNCTION, tostring(kam.sandbox.FUNCTION))
print(pcall(box.call, box, "f", {{x = print}}))
print(pcall(box.call, box, "f", {1}, {shared = io.stdout}))
print(pcall(kam.sandbox.open, "return 1", "x.lua", {memory = 1}))
print(pcall(kam.sandbox.open, "x = = 1", "policies/bad.lua"))
box:close()
print(pcall(box.call, box, "f", {1}))
LUA
run kam run module.lua
status_is 0 "module script runs"
is "$(sed -n 1p <<<"$out")" "$(printf 'demo\t0.2\ttrue\tkam.sandbox.FUNCTION')" "module() with a function marker"
like "$out" "policies/demo.lua: function 'f': cannot send a function value at 'items[1].x'" "functions are not sent"
like "$out" "policies/demo.lua: function 'f': cannot send a userdata value at 'shared.shared'" "nor userdata"
like "$out" "unknown option 'memory'" "unknown option refused"
like "$out" "policies/bad.lua:1: unexpected symbol near '='" "load errors name the script"
like "$out" "the sandbox is closed" "a closed box refuses calls"

# Everything a sandboxed chunk can reach, against the checked-in allow-list.
run kam run "$S/allowlist.lua" "$S/walk.lua"
status_is 0 "walk the sandbox environment"
printf '%s\n' "$out" > reach.txt
if diff -u "$TOP/tests/fixtures/sandbox-allowlist.txt" reach.txt > reach.diff; then
  ok "reachable names match tests/fixtures/sandbox-allowlist.txt"
else
  nok "reachable names match tests/fixtures/sandbox-allowlist.txt" "$(cat reach.diff)"
fi
unlike "$out" "dump" "no string.dump among them"

done_testing
