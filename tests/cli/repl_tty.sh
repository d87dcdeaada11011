#!/usr/bin/env bash
# The REPL through a real terminal (tmux): a multi-line function, a query whose Chinese
# names line up (checked by display column), an error then a working command, Ctrl-C out
# of a Lua loop and out of a long SQL query, Ctrl-C twice at an empty prompt, Ctrl-D,
# history across a restart, completion of kam.d<TAB> and of a table name.  The whole
# session runs under LC_ALL=C, with a Chinese prompt.  Every wait polls the screen with a
# generous limit; nothing depends on the machine's speed.
. "$(dirname "$0")/lib.sh"

. "$TOP/tests/cli/tty.bash"

if ! command -v tmux >/dev/null; then
  skip "tmux is not installed"; done_testing; exit
fi

DB=$T/湖北.db
run kam --db "$DB" init --policy hubei
cat > c.csv <<'CSV'
code,name,place,city,county,agreement
42010000001000,武汉钢铁集团,capital,武汉,,yes
42010000002000,ACME Ltd,capital,武汉,,no
42050000001000,宜昌三峡旅游股份有限公司,city,宜昌,,yes
CSV
printf 'code,month,line,amount\n42010000001000,2025-01,express,1234567.89\n42050000001000,2025-02,logistics,-300\n' > l.csv
run kam --db "$DB" import customers c.csv
run kam --db "$DB" import ledger l.csv
run kam --db "$DB" grade --year 2025
status_is 0 "a small province with Chinese names, graded"

start() { # start the REPL in a fresh terminal (a tmux server of its own), under LC_ALL=C
  tty_start "env LC_ALL=C LANG=C TERM=xterm KAM_HISTORY='$T/history' KAM_PLUGIN_PATH='$KAM_PLUGIN_PATH' \
     KAM_USER=tester PAGER='${1:-}' XDG_CONFIG_HOME='$T/config' '$KAM' --db '$DB' repl; echo REPL-EXIT=\$?; sleep 600"
}
start
DESC="banner names the database, its policy and its counts"; check wait_for "policy hubei: 3 customers, 2 ledger months"
DESC="the prompt is the database's Chinese name, under LC_ALL=C"; check wait_for $'\n湖北>'


type_line 'function twice(x)'
type_line 'return 2 * x'
type_line 'end'
type_line 'twice(21)'
DESC="a multi-line function continues on a continuation prompt"; check wait_for "  ...> end"
DESC="and is defined: twice(21) prints 42"; check wait_for $'\n42'

type_line 'kam.db.all("SELECT c.code, c.name AS 客户名称, sum(l.amount) AS amount FROM customers c LEFT JOIN ledger l USING (code) GROUP BY c.code")'
DESC="a query prints as a table with a footer"; check wait_for "(3 rows)"
screen > table.txt
# Every border and row line of the table: the '|' and '+' at the same display columns
# (a CJK character takes two; lua5.4 measures, so the test does not trust the locale).
cat > cols.lua <<'LUA'
local function width(cp)
  if (cp >= 0x1100 and cp <= 0x115F) or (cp >= 0x2E80 and cp <= 0xA4CF) or (cp >= 0xAC00 and cp <= 0xD7A3)
    or (cp >= 0xF900 and cp <= 0xFAFF) or (cp >= 0xFE30 and cp <= 0xFE4F) or (cp >= 0xFF00 and cp <= 0xFF60)
    or (cp >= 0xFFE0 and cp <= 0xFFE6) then return 2 end
  return 1
end
local want, lines, bad = nil, 0, 0
for line in io.lines() do
  if line:match("^[+|]") then
    local cols, col = {}, 0
    for _, cp in utf8.codes(line) do
      if cp == 0x7C or cp == 0x2B then cols[#cols + 1] = col end
      col = col + width(cp)
    end
    local key = table.concat(cols, ",")
    want = want or key
    if key ~= want then bad = bad + 1; io.stderr:write(line, "\n") end
    lines = lines + 1
  end
end
print(lines, bad)
LUA
set -- $(lua5.4 cols.lua < table.txt)
DESC="borders line up by display column with Chinese names (${1:-0} lines, ${2:-?} off)"
if [ "${1:-0}" -ge 7 ] && [ "${2:-1}" = 0 ]; then ok "$DESC"; else nok "$DESC" "$(cat table.txt)"; fi
like "$(cat table.txt)" "| 宜昌三峡旅游股份有限公司 |" "Chinese text in a cell, under LC_ALL=C"
like "$(cat table.txt)" "1,234,567.89 |" "money right-aligned in yuan with separators"

type_line 'nosuch.field'
DESC="an error prints"; check wait_for "attempt to index a nil value (global 'nosuch')"
type_line '"中文 " .. 6 * 7'
DESC="and the session goes on"; check wait_for "中文 42"

type_line 'while true do end'
wait_for "while true do end" && tm send-keys -t repl C-c
DESC="Ctrl-C stops a running Lua loop"; check wait_count "interrupted" 1
type_line '1 + 1'
DESC="and returns to the prompt"; check wait_for $'\n2'

type_line 'kam.db.value("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")'
wait_for "SELECT count(*) FROM c\")" && tm send-keys -t repl C-c
DESC="Ctrl-C stops a long SQL query"; check wait_count "interrupted" 2
type_line 'marker = 40 + 2'
type_line 'marker'
DESC="and the session goes on after it"; check wait_count "42" 3

tm send-keys -t repl -l 'kam.d'
tm send-keys -t repl Tab
DESC="kam.d<TAB> completes to kam.db"; check wait_for "> kam.db"
tm send-keys -t repl -l '.all("select count(*) AS n from ledger_mo'
tm send-keys -t repl Tab
DESC="a table name completes inside a string after FROM"; check wait_for 'kam.db.all("select count(*) AS n from ledger_months'
tm send-keys -t repl -l '")'
tm send-keys -t repl Enter
DESC="the completed line runs"; check wait_for "(1 row)"

printf 'kam.db.exec("INSERT INTO meta(key, value) VALUES (\x27from_read\x27, \x27yes\x27)")\nreturn "read " .. 40 + 2\n' > part.lua
type_line ".read $T/part.lua"
DESC=".read FILE runs a Lua file in the session"; check wait_for "read 42"
type_line 'kam.db.value("SELECT value FROM meta WHERE key = \x27from_read\x27") .. "!"'
DESC="and what it wrote is committed with its entry"; check wait_for "yes!"

tm send-keys -t repl -l '.customer 42050'
tm send-keys -t repl Tab
DESC=".customer completes a customer code"; check wait_for ".customer 42050000001000"
tm send-keys -t repl Enter
DESC="and shows the customer"; check wait_for "name = 宜昌三峡旅游股份有限公司"
type_line '.diff shantou --year 2025'
DESC=".diff runs grade diff inside a session"; check wait_for "diff wrote nothing"
type_line '#kam.db.all("SELECT * FROM customers")'
DESC="and the session goes on after it"; check wait_for $'\n3'
# Ctrl-C only at the prompt (see Ctrl-D below).
DESC="the prompt is back"; check wait_for $'\n3\n湖北>'

tm send-keys -t repl C-c
DESC="Ctrl-C at an empty prompt says how to quit"; check wait_for "Ctrl-C again to quit"
tm send-keys -t repl C-c
DESC="a second Ctrl-C at an empty prompt quits"; check wait_for "REPL-EXIT=0"

mkdir -p "$T/config/kam"
printf '_PROMPT = "客户> "\n' > "$T/config/kam/replrc.lua"
start "sed s/^/PAGED:/"
DESC="replrc.lua runs at start: its Chinese prompt"; check wait_for $'\n客户>'
DESC="a restarted session"; check wait_for "policy hubei: 3 customers"
tm send-keys -t repl Up
DESC="history survives a restart"; check wait_for '> #kam.db.all("SELECT * FROM customers")'
tm send-keys -t repl Up
DESC="the entries before it too"; check wait_for "> .diff shantou --year 2025"
tm send-keys -t repl C-u
type_line 'kam.db.all("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 80) SELECT x FROM c")'
DESC="output taller than the terminal goes through \$PAGER"; check wait_for "PAGED:(80 rows)"
# Ctrl-D only once the prompt is back: sent while the pager runs, it waits in the
# terminal's queue, which the line editor may flush as it takes the terminal back.
DESC="the prompt comes back after the pager"; check wait_for $'PAGED:(80 rows)\n客户>'
tm send-keys -t repl C-d
DESC="Ctrl-D quits"; check wait_for "REPL-EXIT=0"
lines=$(wc -l < "$T/history")
DESC="the history file holds the entries ($lines lines)"
if [ "$lines" -ge 8 ]; then ok "$DESC"; else nok "$DESC" "$(cat "$T/history")"; fi

done_testing
