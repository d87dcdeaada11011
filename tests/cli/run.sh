#!/usr/bin/env bash
# kam run: arguments, results, errors with file and line, transactions that roll back.
source "$(dirname "$0")/lib.sh"

run kam --db k.db init
status_is 0 "init creates the database"

cat > args.lua <<'LUA'
print(arg[0], #arg, arg[1], arg[2], select('#', ...), ...)
LUA
run kam --db k.db run args.lua one "two words"
status_is 0 "a script runs"
is "$out" "$(printf 'args.lua\t2\tone\ttwo words\t2\tone\ttwo words')" "arguments reach the script as arg and ..."

run kam --db k.db run args.lua --flag -x
is "$out" "$(printf 'args.lua\t2\t--flag\t-x\t2\t--flag\t-x')" "options after the script are the script's"

# A script that writes rows in a transaction, then errors: no row remains.
cat > tx.lua <<'LUA'
kam.db.transaction(function()
  for i = 1, 10 do
    kam.db.exec("INSERT INTO customers(code, name, place) VALUES (?, ?, 'city')",
                42010000000000 + i * 1000, "客户" .. i)
  end
  error("stop after ten rows")
end)
LUA
run kam --db k.db run tx.lua
status_is 1 "an error in a transaction exits 1"
like "$err" "tx.lua:6: stop after ten rows" "the message names the script's file and line"
like "$err" "stack traceback:" "the message carries a Lua traceback"
run sqlite3 k.db "SELECT count(*) FROM customers"
is "$out" "0" "no row of the failed transaction remains"

# With --autocommit, a raw BEGIN that the script never finishes.
cat > raw.lua <<'LUA'
kam.db.exec("BEGIN")
kam.db.exec("INSERT INTO customers(code, name, place) VALUES (42010000001000, 'x', 'city')")
error("oops")
LUA
run kam --db k.db run --autocommit raw.lua
status_is 1 "--autocommit: an error after a raw BEGIN exits 1"
run sqlite3 k.db "SELECT count(*) FROM customers"
is "$out" "0" "a raw transaction is rolled back too"
run kam --db k.db run raw.lua
status_is 1 "without --autocommit a raw BEGIN is an error: the script is already in a transaction"
like "$err" "cannot start a transaction within a transaction" "SQLite's words"

cat > open.lua <<'LUA'
kam.db.exec("BEGIN")
kam.db.exec("INSERT INTO customers(code, name, place) VALUES (42010000001000, 'x', 'city')")
LUA
run kam --db k.db run --autocommit open.lua
status_is 1 "--autocommit: a script that leaves a transaction open fails"
like "$err" "left a transaction open" "and says so"

# Nested transactions are savepoints: the inner one rolls back alone.
cat > nested.lua <<'LUA'
local db = kam.db
db.transaction(function()
  db.exec("INSERT INTO customers(code, name, place) VALUES (42010000001000, '外层', 'city')")
  local ok, e = pcall(db.transaction, function()
    db.exec("INSERT INTO customers(code, name, place) VALUES (42010000002000, '内层', 'city')")
    error("inner fails")
  end)
  assert(not ok and e:find("inner fails"), e)
end)
local rows = db.all("SELECT name FROM customers ORDER BY code")
print(#rows, rows[1].name)
LUA
run kam --db k.db run nested.lua
status_is 0 "nested transactions run"
is "$out" "1	外层" "the inner savepoint rolled back, the outer committed"

# Bound parameters: SQL metacharacters are data.
cat > bind.lua <<'LUA'
local db = kam.db
local evil = "x'); DROP TABLE customers; --"
db.exec("INSERT INTO customers(code, name, place) VALUES (?, ?, 'county')", 42010000003000, evil)
local st <close> = db.prepare("SELECT name FROM customers WHERE code = :code")
print(st:first{code = 42010000003000}.name == evil, db.value("SELECT count(*) FROM customers"))
for r in db.rows("SELECT code FROM customers ORDER BY code") do io.write(r.code, " ") break end
print(db.value("SELECT 1 WHERE 0") == nil)
LUA
run kam --db k.db run bind.lua
is "$out" "$(printf 'true\t2\n42010000001000 true')" "parameters are bound, iteration and break work"

printf 'print("from stdin", kam.db.value("SELECT count(*) FROM customers"))\n' > stdin.lua
run bash -c "'$KAM' --db k.db run - < stdin.lua"
is "$out" "$(printf 'from stdin\t2')" "a script can come from standard input"

run kam --db k.db run missing.lua
status_is 1 "a missing script exits 1"
like "$err" "cannot open missing.lua" "and says why"

printf 'local x = = 1\n' > syntax.lua
run kam --db k.db run syntax.lua
status_is 1 "a syntax error exits 1"
like "$err" "syntax.lua:1:" "with the line"

"$KAM" run - <<<'io.write(string.dump(function() print(1) end))' > bin.luac
run kam run bin.luac
status_is 1 "a precompiled script is refused"
like "$err" "binary" "because it is binary"

run kam run
status_is 2 "run without a script is a usage error"
run kam run --bogus x.lua
status_is 2 "an unknown option of run is a usage error"
run kam run --help
status_is 0 "run --help"
like "$out" "usage: kam run [--autocommit] SCRIPT" "prints usage"

printf 'return kam.db.value("SELECT 1")\n' > q.lua
run kam --db nothere.db run q.lua
status_is 1 "a script using a missing database fails"
like "$err" "nothere.db: no such database" "naming it"
[ -e nothere.db ] && nok "no database file is created by run" || ok "no database file is created by run"

printf 'return {n = 1, list = {1, 2}, name = "武汉", money = "12345.60"}\n' > ret.lua
run kam --json run ret.lua
status_is 0 "--json run"
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["name"]=="武汉" and d["list"]==[1,2]' <(printf '%s' "$out")
status_is 0 "--json prints the script's result as valid JSON"

printf 'error("bad thing")\n' > bad.lua
run kam --json run bad.lua
status_is 1 "--json failure exits 1"
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]==1 and "bad thing" in d["error"]' <(printf '%s' "$out")
status_is 0 "--json failure prints an error document"

# Errors as data: the message is one line; Lua's traceback travels beside it and is
# printed under it; the place the error was raised is the record's file and line.
printf 'local function f()\n  error("deep thing")\nend\nf()\n' > deep.lua
run kam run deep.lua
status_is 1 "a failing script exits 1"
is "$(printf '%s\n' "$err" | head -1)" "kam: deep.lua:2: deep thing" "its message is the first line"
is "$(printf '%s\n' "$err" | sed -n 2p)" "stack traceback:" "the traceback follows it"
like "$err" "deep.lua:2: in local 'f'" "naming the function"
like "$err" "deep.lua:4: in main chunk" "and the chunk"
run kam --json run deep.lua
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["error"], d["file"], d["line"], "traceback" in d["error"])')" \
  "deep.lua:2: deep thing deep.lua 2 False" "--json: one-line error, the file and line as fields"
like "$err" "stack traceback:" "--json: the traceback stays on stderr"
printf 'local t = nil\nreturn t.x\n' > nilidx.lua
run kam --json run nilidx.lua
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["file"], d["line"])')" \
  "nilidx.lua 2" "--json: a runtime error's place too"
# A command written in Lua: one line, its own place not shown; all of it with debug.
run kam --db k.db explain 42099900001000
status_is 1 "a shipped command's error exits 1"
is "$err" "kam: no customer 42099900001000" "one line, no traceback"
run kam --db k.db --json explain 42099900001000
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d))')" \
  "['error', 'status']" "--json: no file or line inside kam's own script"
KAM_LOG=debug run kam --db k.db explain 42099900001000
like "$err" $'kam: no customer 42099900001000\nstack traceback:' "KAM_LOG=debug: the traceback under it"

# Ctrl-C: the record says interrupted, by a field.
wait_for() {
  local i
  for ((i = 0; i < 6000; i++)); do "$@" && return 0; sleep 0.05; done
  return 1
}
printf 'io.stderr:write("started\\n")\nwhile true do end\n' > spin.lua
"$KAM" --json run spin.lua >"$T/.out" 2>"$T/.err" & pid=$!
wait_for grep -q started "$T/.err"
kill -INT $pid
wait $pid; status=$?
out=$(cat "$T/.out"); err=$(cat "$T/.err")
status_is 1 "an interrupted script exits 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["error"], d.get("interrupted"), d["file"], d["line"])')" \
  "run spin.lua: interrupted; what it had not committed was rolled back True spin.lua 2" \
  "--json: interrupted is a field, with where it was"

# --- the script's transaction ---------------------------------------------------------------
sqlite3 k.db "INSERT INTO customers(code, name, place) VALUES (42010000009000, 'before', 'city')"
name9() { sqlite3 k.db "SELECT name FROM customers WHERE code = 42010000009000"; }
cat > fail.lua <<'LUA'
kam.db.exec("UPDATE customers SET name = 'changed' WHERE code = 42010000009000")
error("after the update")
LUA
run kam --db k.db run fail.lua
status_is 1 "a script that writes and then fails exits 1"
like "$err" "fail.lua:2: after the update" "with its message"
like "$err" "fail.lua: rolled back: nothing the script wrote is kept" "and says nothing is kept"
is "$(name9)" "before" "what it wrote is rolled back"
run kam --json --db k.db run fail.lua
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" 1 "--json: the error document"
is "$(name9)" "before" "--json: rolled back too"

run kam --db k.db run --autocommit fail.lua
status_is 1 "--autocommit: the failing script exits 1"
is "$(name9)" "changed" "--autocommit: each statement committed on its own"
sqlite3 k.db "UPDATE customers SET name = 'before' WHERE code = 42010000009000"

cat > ok.lua <<'LUA'
assert(kam.db.in_transaction(), "the script runs in a transaction")
kam.db.exec("UPDATE customers SET name = 'one' WHERE code = 42010000009000")
local ok = pcall(kam.db.transaction, function()
  kam.db.exec("UPDATE customers SET name = 'two' WHERE code = 42010000009000")
  error("undo the savepoint")
end)
assert(not ok)
return kam.db.value("SELECT name FROM customers WHERE code = 42010000009000")
LUA
run kam --json --db k.db run ok.lua
status_is 0 "a script that returns commits"
is "$out" '"one"' "kam.db.transaction inside it is a savepoint: its failure undid only its own write"
is "$(name9)" "one" "what the script wrote is kept"

# Another process writes between this script's read and its first write.  Reading alone
# blocks no writer; the first write then fails, saying so, and nothing is written.
cat > other.lua <<'LUA'
kam.db.exec("UPDATE customers SET name = name || '+' WHERE code = 42010000001000")
LUA
cat > snap.lua <<'LUA'
local before = kam.db.value("SELECT name FROM customers WHERE code = 42010000001000")
assert(os.execute(string.format("%q --db k.db run other.lua", arg[1])), "the other writer failed")
local ok, e = pcall(kam.db.exec, "UPDATE customers SET name = 'mine' WHERE code = 42010000009000")
print(ok, e)
if arg[2] == "raise" then error(e, 0) end
LUA
n1=$(sqlite3 k.db "SELECT name FROM customers WHERE code = 42010000001000")
run kam --db k.db run snap.lua "$KAM" raise
status_is 1 "a script whose first write comes after another process's write exits 1"
like "$err" "kam: k.db: another process wrote to the database after this transaction began reading; nothing written; run it again" \
  "saying exactly that"
like "$err" "kam: snap.lua: rolled back: nothing the script wrote is kept" "and that it rolled back"
is "$(sqlite3 k.db "SELECT name FROM customers WHERE code = 42010000001000")" "$n1+" "the other process's write (made while this script read) landed"
is "$(name9)" "one" "nothing of the script was written"
run kam --db k.db run snap.lua "$KAM"
status_is 1 "a script that catches that error still fails"
like "$err" "snap.lua: another process wrote to the database after this script began reading; nothing written; run it again" \
  "and says so at the end"
is "$(name9)" "one" "nothing written"
run kam --db k.db run --autocommit snap.lua "$KAM"
status_is 0 "--autocommit: no snapshot to lose"
is "$(name9)" "mine" "the write lands"

# Interrupted (SIGINT) after a write: rolled back.  The script says when it has written;
# no deadline: the test waits for that however slow the machine is.
cat > spin.lua <<'LUA'
kam.db.exec("UPDATE customers SET name = 'spun' WHERE code = 42010000009000")
io.open("written", "w"):close()
while true do end
LUA
rm -f written
"$KAM" --db k.db run spin.lua 2>spin.err & pid=$!
while [ ! -e written ] && kill -0 $pid 2>/dev/null; do sleep 0.1; done
kill -INT $pid
wait $pid; status=$?
status_is 1 "an interrupted script exits 1"
like "$(cat spin.err)" "interrupted" "and says interrupted"
like "$(cat spin.err)" "rolled back: nothing the script wrote is kept" "and that nothing is kept"
is "$(name9)" "mine" "what it wrote is rolled back"

# --- the Lua API: the sandbox's pure helpers, kam.policy ------------------------------------
cat > api.lua <<'LUA'
print(kam.yuan(123456789), kam.yuan(-5), kam.yuan(0), kam.yuan(100000000000))
print(kam.policy)
LUA
run kam --db k.db run api.lua
status_is 0 "kam.yuan in a kam run script"
is "$out" "$(printf '1,234,567.89\t-0.05\t0.00\t1,000,000,000.00\nhubei')" \
  "kam.yuan formats as in policies; kam.policy is the database's policy (hubei)"
run kam --db k.db --policy city2012 run api.lua
is "$(sed -n 2p <<<"$out")" "city2012" "--policy wins"
run kam --db k.db init --policy shantou
run kam --db k.db run api.lua
is "$(sed -n 2p <<<"$out")" "shantou" "after kam init --policy shantou, kam.policy is shantou"
run kam --db none.db run api.lua
status_is 0 "without a database a script still runs"
is "$(sed -n 2p <<<"$out")" "nil" "and kam.policy is nil"
cat > same.lua <<'LUA'
local box <close> = kam.sandbox.open("return { f = function(v) return kam.yuan(v) end }", "same")
local fen = {0, 1, -1, 99, 100, -100000, 123456789012, math.maxinteger}
local inside = box:call("f", fen)
for i, v in ipairs(fen) do assert(inside[i] == kam.yuan(v), v .. ": " .. tostring(inside[i]) .. " vs " .. kam.yuan(v)) end
print(#fen)
LUA
run kam run same.lua
status_is 0 "kam.yuan in a script and in the sandbox"
is "$out" "8" "agree on every value"

# The README's list of the tables a script may query is the schema's, table for table and
# column for column.
run kam --db doc.db init
documented=$(awk '/^\*\*The tables a script may query\*\*/ {on = 1} on && /^\| `/ {print} on && /^The current grade/ {exit}' "$TOP/README.md")
is "$(sed -E 's/^\| `([a-z_]+)`.*/\1/' <<<"$documented" | sort | paste -sd' ')" \
  "$(sqlite3 doc.db "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name" | paste -sd' ')" \
  "the README lists every table (and view) of the schema"
missing=""
while IFS='|' read -r _ name cols _; do
  t=$(sed -E 's/[ `]//g' <<<"$name")
  [ "$t" = meta ] && continue
  for c in $(sqlite3 doc.db "SELECT name FROM pragma_table_info('$t') WHERE name <> 'id'"); do
    case $cols in *"\`$c\`"*) ;; *) case $t:$c in imports:rows|imports:inserted|imports:updated|imports:unchanged|imports:rejected) ;; *) missing="$missing $t.$c" ;; esac ;; esac
  done
done <<<"$documented"
is "$missing" "" "and names their columns"

done_testing
