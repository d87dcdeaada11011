#!/usr/bin/env bash
# Faults found by testing, each with its edge: a 10 MB error text keeps the function and the
# customer; a finalizer (__gc) that never ends names the batch, not a customer it cannot
# know; sums past the 64-bit range name the customer (and the bureau); a customer whose
# bureau is unknown is ranked nowhere (no bureau ""); non-finite scores are in policies.sh.
source "$(dirname "$0")/lib.sh"
AS_OF=2026-01-15
GEN="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) GEN="$KAM_BUILD/bench/genprovince" ;; esac
"$GEN" --customers 3000 --months 12 --end 2025-12 --out gp >/dev/null 2>&1
run kam --db g.db init --policy hubei
run kam --db g.db import customers gp/customers.csv
run kam --db g.db import ledger gp/ledger.csv
status_is 0 "a province of 3,000 customers"
codes=($(sqlite3 g.db "SELECT printf('%014d', code) FROM customers ORDER BY code"))
victim=${codes[1500]}

# --- a 10 MB error text ------------------------------------------------------------------------
# The text is built once by the top level (the call only raises it, whatever the machine's
# speed); error(TEXT, 0) adds no position.
cat >big_error.lua <<LUA
local BIG = string.rep("x", 10 * 1024 * 1024)
local P = {name = "big_error", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx) return true, {"m"} end
function P.grade(f, ctx)
  if f.code == "$victim" then error(BIG, 0) end
  return "a", nil, {"g"}
end
return P
LUA
run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy ./big_error.lua grade --year 2025 --as-of $AS_OF --dry-run
status_is 1 "a 10 MB error text: the grading fails"
like "$err" "big_error.lua: function 'grade', customer $victim: xxxx" \
  "the function and the customer come first, then the policy's text"
like "$err" "... (the error text is 10485760 bytes; cut)" "the text is cut, and says how long it was (10 MiB)"
[ "${#err}" -lt 2200 ] && ok "the message is one line of ${#err} bytes" || nok "the message is short" "${#err} bytes"
# At the edge: a text that fits keeps the usual form; a longer one is cut.
for n_want in 1800:whole 1950:cut; do
  n=${n_want%:*} want=${n_want#*:}
  sed "s/local BIG = .*/local BIG = string.rep(\"y\", $n)/" big_error.lua >edge.lua
  run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy ./edge.lua grade --year 2025 --as-of $AS_OF --dry-run
  if [ $want = whole ]; then
    like "$err" "$(printf 'y%.0s' $(seq $n)) (function 'grade', customer $victim)" "a $n-byte text is kept whole, the place after it"
  else
    like "$err" "edge.lua: function 'grade', customer $victim: yyy" "a $n-byte text: the place first"
    like "$err" "... (the error text is $n bytes; cut)" "... and the text cut"
  fi
done

# --- a finalizer that never ends ------------------------------------------------------------------
cat >gc_loop.lua <<LUA
local P = {name = "gc_loop", version = "1", grades = {"a"}, needs = {}}
function P.member(f, ctx)
  if f.code == "$victim" then setmetatable({}, {__gc = function() while true do end end}) end
  local junk = {}
  for i = 1, 200 do junk[i] = {i} end   -- garbage, so the collector runs
  return true, {"m"}
end
function P.grade(f, ctx) return "a", nil, {"g"} end
return P
LUA
first=$(( 1500 / 2000 * 2000 )) last=$(( 2000 - 1 ))
run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy ./gc_loop.lua grade --year 2025 --as-of $AS_OF --dry-run
status_is 1 "a looping finalizer stops the grading"
like "$err" "gc_loop.lua: function 'member', customers ${codes[$first]} to ${codes[$last]} (a finalizer (__gc) was running: which call left it cannot be told)" \
  "it names the batch, first and last customer, not a customer it cannot know"
like "$err" "(time limit)" "stopped by the deadline (a loop no speed can finish)"
# A finalizer that ends is no fault: the next grading works.
sed 's/while true do end/local x = 0/' gc_loop.lua >gc_ok.lua
run env KAM_GRADE_LANES=1 "$KAM" --db g.db --policy ./gc_ok.lua --json grade --year 2025 --as-of $AS_OF --dry-run
status_is 0 "a finalizer that ends changes nothing"

# --- sums past the 64-bit range ---------------------------------------------------------------------
# Rows written straight into the table: the import's own bound on an amount is another
# check; these are the sums of amounts that each fit.
cat >c.csv <<'CSV'
code,name,place,city,county,agreement
42010200001000,大一,capital,武汉市,,yes
42010200002000,大二,capital,武汉市,,yes
42010200003000,大三,capital,武汉市,,yes
CSV
run kam --db o.db init --policy hubei
run kam --db o.db import customers c.csv
big=4611686018427387904   # 2^62 fen
sqlite3 o.db "INSERT INTO ledger(code, month, line, amount) VALUES
  (42010200001000, 202501, 'express', $big), (42010200001000, 202502, 'express', $big)"
for p in hubei shantou; do
  run kam --db o.db --policy $p grade --year 2025 --as-of $AS_OF --dry-run
  status_is 1 "$p: two rows of 2^62 fen in a year: the grading fails"
  like "$err" "customer 42010200001000: the ledger's revenue for 2025 is past the largest sum kam holds (92,233,720,368,547,758.07)" \
    "$p: the message names the customer"
done
sqlite3 o.db "DELETE FROM ledger_rows; DELETE FROM ledger_months; INSERT INTO ledger(code, month, line, amount) VALUES
  (42010200001000, 202501, 'express', $big), (42010200001000, 202502, 'express', $((big - 1)))"
run kam --db o.db grade --year 2025 --as-of $AS_OF --dry-run
status_is 0 "the largest sum itself (2^63 - 1 fen) is fine"
sqlite3 o.db "DELETE FROM ledger_rows; DELETE FROM ledger_months; INSERT INTO ledger(code, month, line, amount) VALUES
  (42010200001000, 202501, 'express', $big), (42010200002000, 202501, 'express', $big),
  (42010200003000, 202501, 'express', 1)"
run kam --db o.db --policy shantou grade --year 2025 --as-of $AS_OF --dry-run
status_is 1 "three customers of one bureau whose total passes the range"
like "$err" "customer 42010200002000: adding its revenue, the 2025 ledger total of bureau 武汉市 is past the largest sum kam holds" \
  "the message names the customer and the bureau"

# --- a customer whose bureau is unknown is ranked nowhere ---------------------------------------------
# Written straight into the table (the import refuses such rows now; older data may hold
# them): two county customers of different cities without a county.
run kam --db b.db init --policy hubei
sqlite3 b.db "INSERT INTO customers(code, name, place, city, county, agreement) VALUES
  (42020200001000, '无县一', 'county', '黄石市', NULL, 1),
  (42050200001000, '无县二', 'county', '宜昌市', '', 1),
  (42060200001000, '无市', 'city', NULL, NULL, 1),
  (42010200001000, '武汉有局', 'capital', '武汉市', NULL, 1);
  INSERT INTO ledger(code, month, line, amount) VALUES
  (42020200001000, 202506, 'express', 300000), (42050200001000, 202506, 'express', 200000),
  (42060200001000, 202506, 'express', 100000), (42010200001000, 202506, 'express', 100000)"
run kam --db b.db --json grade --year 2025 --as-of $AS_OF
status_is 0 "graded"
is "$(sqlite3 b.db "SELECT printf('%014d', code) || ' ' || grade FROM decisions ORDER BY code" | paste -sd' ')" \
  "42010200001000 4 42020200001000 none 42050200001000 none 42060200001000 none" \
  "only the customer whose bureau is known is ranked (and class 4 by the top-5 rule)"
is "$(sqlite3 b.db "SELECT count(*) FROM decisions d, json_each(d.reasons) r WHERE r.value LIKE '%bureau %'
     AND d.code <> 42010200001000")" 0 "no reason names a bureau for the others (no bureau \"\")"
run kam --db b.db explain 42020200001000 --year 2025 --as-of $AS_OF
status_is 0 "explain a customer without a bureau"
unlike "$out" "rank " "it has no rank"
run kam --db b.db explain 42060200001000 --year 2025 --as-of $AS_OF
status_is 0 "explain a customer without a city"
like "$out" "bureau unknown (no city, or no county in a county): ranked nowhere" "it has no bureau"

done_testing
