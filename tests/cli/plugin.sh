#!/usr/bin/env bash
# Plugins: loading and skipping, `kam plugin list`, command dispatch, the search order,
# and kam.format's output through `kam run`.  Test plugins are compiled on the fly from
# tests/fixtures/plugins.
source "$(dirname "$0")/lib.sh"
ABI=$(sed -n 's/^#define KAM_PLUGIN_ABI \([0-9]*\).*/\1/p' "$TOP/core/kam_plugin.h")

FIX="$TOP/tests/fixtures/plugins"
BUILT="$(dirname "$KAM")/plugins"
PLUGIN_CFLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror -shared -fPIC -I$TOP/core $(pkg-config --cflags lua5.4)"

# build OUT.so SOURCE.c [CFLAGS...]
build() {
  local out=$1 src=$2; shift 2
  mkdir -p "$(dirname "$out")"
  # shellcheck disable=SC2086
  if ! cc $PLUGIN_CFLAGS "$@" -o "$out" "$FIX/$src" 2>"$T/cc.err"; then
    nok "compile $src" "$(cat "$T/cc.err")"
    return 1
  fi
}

# kam with a given plugin path: kp PATH ARGS...
kp() { local path=$1; shift; run env KAM_PLUGIN_PATH="$path" "$KAM" "$@"; }

# ---- the built-in format plugin, found through lib.sh's KAM_PLUGIN_PATH and beside the binary

run kam plugin list
status_is 0 "plugin list succeeds"
like "$out" "format 0.1.0 ($BUILT/format.so): " "format is listed with its version and file"
like "$out" "[module kam.format]" "format lists its Lua module"
is "$(grep -c '^format ' <<<"$out")" 1 "the same directory twice loads the plugin once"
is "$err" "" "nothing on stderr"

kp "" plugin list
like "$out" "format 0.1.0 (" "format is found beside the binary without KAM_PLUGIN_PATH"

run kam --json plugin list
status_is 0 "plugin list --json succeeds"
printf '%s\n' "$out" >"$T/list.json"
if python3 -m json.tool "$T/list.json" >/dev/null 2>&1; then ok "--json output is valid JSON"; else nok "--json output is valid JSON" "$out"; fi
is "$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
f = [p for p in a if p["name"] == "format"][0]
print(type(a).__name__, f["version"], f["abi"], f["modules"], f["commands"], f["path"].endswith("/format.so"))
' "$T/list.json" 2>&1)" "list 0.1.0 $ABI ['kam.format'] [] True" "--json: an array of plugins with version, abi, modules, commands, path"

run kam plugin list --help
status_is 0 "plugin list --help succeeds"
like "$out" "usage: kam plugin list" "plugin list --help prints the usage"
run kam plugin --help
like "$out" "usage: kam plugin list" "plugin --help prints the usage"
run kam plugin
status_is 2 "plugin without a subcommand is a usage error"
like "$err" "kam plugin: missing subcommand" "... saying so"
run kam plugin frob
status_is 2 "an unknown plugin subcommand is a usage error"
like "$err" "kam plugin: unknown subcommand 'frob'" "... naming it"
like "$err" "usage: kam plugin list" "... with the usage on stderr"
is "$out" "" "... and nothing on stdout"
run kam plugin list extra
status_is 2 "plugin list takes no arguments"

# ---- test plugins, good and bad

build "$T/a/hello.so" hello.c || true
build "$T/b/hello.so" hello.c -DHELLO_VERSION='"2.0"' || true
build "$T/bad/badabi.so" badabi.c || true
build "$T/bad/notplugin.so" notplugin.c || true
build "$T/bad/initfail.so" initfail.c || true
build "$T/clash/clash.so" clash.c || true
printf 'this is not ELF\n' >"$T/bad/junk.so"
: >"$T/bad/.hidden.so"
mkdir -p "$T/bad/dir.so"

kp "$T/bad:$T/a" plugin list
status_is 0 "broken plugins do not fail the command"
like "$err" "kam: warning: $T/bad/badabi.so: plugin ABI 99, this kam speaks $ABI; skipped" "wrong ABI: warned and skipped"
like "$err" "kam: warning: $T/bad/notplugin.so: not a kam plugin (no symbol 'kam_plugin_entry'); skipped" "no entry symbol: warned and skipped"
like "$err" "kam: warning: $T/bad/junk.so: cannot load: " "not a shared object: warned and skipped"
unlike "$err" "cannot load: $T/bad/junk.so" "... without repeating the file name"
like "$err" "kam: warning: $T/bad/initfail.so: init failed: initfail: refusing to start; skipped" "failing init: warned with its message and skipped"
unlike "$err" ".hidden.so" "hidden files are not loaded"
unlike "$err" "dir.so" "directories named .so are not loaded"
is "$(grep -c warning <<<"$err")" 4 "exactly four warnings"
like "$out" "hello 1.0 ($T/a/hello.so): test plugin with a command and a module [module hello, command hello]" "the good plugin is listed with its module and command"
like "$out" "format 0.1.0 (" "the built-in plugin still loads"
unlike "$out" "badabi" "the wrong-ABI plugin is not listed"
unlike "$out" "initfail" "the failed plugin is not listed"

kp "$T/bad:$T/a" initfail
status_is 2 "a command registered by a plugin whose init failed does not exist"
like "$err" "kam: unknown command 'initfail'" "... kam says so"

# ---- command dispatch

kp "$T/bad:$T/a" hello big world
status_is 0 "a plugin command runs despite broken plugins beside it"
is "$out" "hello big world" "the plugin command gets its arguments"
kp "$T/a" hello --exit 3
status_is 3 "the plugin command's exit status passes through"
is "$err" "" "... silently"
kp "$T/a" hello --exit 0
status_is 0 "exit status 0 passes through"
kp "$T/a" hello --exit 300
status_is 1 "an exit status out of range becomes 1"
kp "$T/a" hello --fail "customer '44' not found"
status_is 1 "a plugin error fails the command"
is "$err" "kam: hello: customer '44' not found" "the host prints the plugin's error"
kp "$T/a" --json hello --fail "oops"
status_is 1 "a plugin error under --json fails"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["error"], d["status"])' 2>&1)" \
   "hello: oops 1" "... with the JSON error document on stdout"
kp "$T/a" --json --user alice hello --whoami
is "$out" '{"user": "alice"}' "a plugin sees --json and --user"
kp "$T/a" hello --help
status_is 0 "a plugin command's --help succeeds"
like "$out" "usage: kam hello [--exit N | --fail MSG | --lua CODE | --db | ARG ...]" "--help prints the registered usage"
unlike "$out" "hello --help" "--help does not run the command"
kp "$T/a" hello -- --help
is "$out" "hello -- --help" "--help after -- goes to the command"
kp "$T/a" hello --version
is "$out" "1.0 (kam 0.1.0, abi $ABI, api size ok)" "the plugin sees kam's version and ABI"
kp "$T/a" hello --log
like "$err" "kam: warning: hello: careful with that" "a plugin logs through the host"
unlike "$err" "debug detail" "... below KAM_LOG's level nothing shows"
run env KAM_PLUGIN_PATH="$T/a" KAM_LOG=debug "$KAM" hello --log
like "$err" "kam: debug: hello: debug detail" "... KAM_LOG=debug shows debug messages"

kp "$T/a" --help
status_is 0 "kam --help succeeds"
like "$out" "hello      greet, and exercise the plugin interface (plugin hello)" "kam --help lists plugin commands"
kp "$T/a" nosuch
status_is 2 "an unknown command is still a usage error"

# ---- search order: the first plugin of a name wins, silently

kp "$T/b:$T/a" hello --version
like "$out" "2.0 (" "the first directory in KAM_PLUGIN_PATH wins"
kp "$T/b:$T/a" plugin list
like "$out" "hello 2.0 ($T/b/hello.so)" "plugin list shows the winner"
unlike "$out" "$T/a/hello.so" "... and not the one skipped"
is "$err" "" "a duplicate is skipped silently"
kp "$T/a:$T/b" hello --version
like "$out" "1.0 (" "reversing KAM_PLUGIN_PATH reverses the winner"
kp "::$T/a::" hello x
is "$out" "hello x" "empty entries in KAM_PLUGIN_PATH are ignored"
run env KAM_PLUGIN_PATH="$T/b:$T/a" KAM_LOG=debug "$KAM" plugin list
like "$err" "$T/a/hello.so: plugin 'hello' already loaded from $T/b/hello.so; skipped" "KAM_LOG=debug tells which duplicate was skipped"
mkdir -p "$T/empty"
cp "$BUILT/format.so" "$T/empty/format.so"
kp "$T/empty" plugin list
like "$out" "format 0.1.0 ($T/empty/format.so)" "KAM_PLUGIN_PATH comes before the binary's plugins/"

# ---- names already taken (the format plugin first, as plugins in KAM_PLUGIN_PATH come
# before the built-in ones and could take kam.format)

kp "$BUILT:$T/a:$T/clash" plugin list
like "$err" "$T/clash/clash.so: command 'hello' is already registered by $T/a/hello.so; command ignored" "a taken command name is refused"
like "$err" "$T/clash/clash.so: bad command name 'Bad Name'; command ignored" "a malformed command name is refused"
like "$err" "$T/clash/clash.so: Lua module 'kam.format' is already registered; module ignored" "a taken module name is refused"
like "$err" "$T/clash/clash.so: bad Lua module name '9lives'; module ignored" "a malformed module name is refused"
like "$out" "clash 0.1 ($T/clash/clash.so): registers names that are taken [module kam.json, command clash]" "the plugin keeps what it could register"
kp "$BUILT:$T/a:$T/clash" hello
is "$out" "hello" "the first plugin keeps its command"
kp "$BUILT:$T/a:$T/clash" clash
is "$out" "clash ran" "the second plugin's own command works"

# ---- the Lua side: plugin modules in the host's state

kp "$T/a" hello --lua 'return require("hello").greet("kam")'
if [ "$status" = 0 ]; then
  is "$out" "hello, kam (from hello 1.0)" "a plugin module is requirable in the host state"
  kp "$T/a" hello --lua 'return require("kam.format").money(-5)'
  is "$out" "-0.05" "kam.format is requirable in the host state"
  kp "$T/a" hello --lua 'error("boom")'
  status_is 1 "a Lua error in a plugin command fails it"
  like "$err" "kam: hello: [string \"error(\"boom\")\"]:1: boom" "... with the message"
  kp "$T/a:$T/clash" hello --lua 'return type(require("kam.json").encode)'
  is "$out" "function" "a plugin cannot shadow a built-in module"
  like "$err" "$T/clash/clash.so: Lua module 'kam.json' is built into kam; module ignored" "... and is told so"
else
  nok "a plugin command runs Lua in the host state" "exit $status" "stderr: $err"
fi

# ---- the database through the host's functions (ABI 4), never a handle

if grep -n 'sqlite3' "$TOP/core/kam_plugin.h" >"$T/grep.out"; then
  nok "the plugin header has no SQLite type" "$(cat "$T/grep.out")"
else
  ok "the plugin header has no SQLite type"
fi
kp "$T/a" --db "$T/none.db" hello --db
status_is 1 "a plugin asking for a missing database fails"
like "$err" "none.db" "... the error names the file"
run kam --db "$T/k.db" init
status_is 0 "kam init makes a database for the plugins to read"
schema=$(sqlite3 "$T/k.db" 'PRAGMA user_version' 2>/dev/null)
kp "$T/a" --db "$T/k.db" hello --db
status_is 0 "a plugin reads the open database"
is "$out" "user_version $schema ($T/k.db)" "... its schema version and path, through db_open, db_schema_version and db_path"
unlike "$out" "user_version 0 " "... of the database kam init migrated"

# A plugin built against the previous ABI (its header kept in tests/fixtures/plugins/abi3,
# where kam_host_api.db still hands out a sqlite3 *) loads and works; only that slot fails.
build "$T/old/hello.so" hello.c -iquote "$FIX/abi3" -DHELLO_VERSION='"0.3"' || true
kp "$T/old" --json plugin list
is "$(printf '%s' "$out" | python3 -c '
import json, sys
print([(p["name"], p["version"], p["abi"]) for p in json.load(sys.stdin) if p["name"] == "hello"])' 2>&1)" \
   "[('hello', '0.3', 3)]" "a plugin built against ABI 3 loads, and is listed with its ABI"
kp "$T/old" hello old world
status_is 0 "... its command runs"
is "$out" "hello old world" "... with its arguments"
kp "$T/old" hello --version
is "$out" "0.3 (kam 0.1.0, abi $ABI, api size ok)" "... it sees kam's ABI and a table at least as long as its own"
kp "$T/old" hello --lua 'return require("hello").greet("abi 3")'
is "$out" "hello, abi 3 (from hello 0.3)" "... its Lua module works in the host state"
kp "$T/old" --db "$T/k.db" hello --db
status_is 1 "the old slot that handed out the SQLite handle fails"
is "$err" "kam: hello: kam_host_api.db returns no database handle since plugin ABI 4; use db_open, db_path and db_schema_version of kam_host_api, or the kam Lua module in the state lua() returns" \
   "... with an error naming the functions to use instead"
kp "$T/old" --json --db "$T/k.db" hello --db
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], "db_schema_version" in d["error"])' 2>&1)" \
   "1 True" "... and under --json as the error document"

# ---- text widths: kam's one width rule, handed to plugins (utf8proc, whatever the locale)

for lang in C C.UTF-8; do
  got=""
  for s in abc 中文 "，。" "e$(printf '\xcc\x81')" "$(printf '\xf0\x9f\x98\x80')" \
           "$(printf '\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3')" "$(printf '\xe2\x9d\xa4\xef\xb8\x8f')" \
           "$(printf '\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7')" \
           "$(printf '\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8')" "$(printf 'a\xff')"; do
    got="$got $(env LANG=$lang LC_ALL=$lang KAM_PLUGIN_PATH="$T/a" "$KAM" hello --width "$s" 2>&1)"
  done
  is "$got" " 3 4 4 1 2 2 2 2 2 -1" \
     "widths, LANG=$lang: ascii, Chinese, full-width punctuation, combining mark, emoji, flag, VS16, ZWJ family, Hangul jamo, bad UTF-8"
done

# ---- start-up stays light: the xlsx plugin registers its format at start, but libzip,
# expat and libxlsxwriter load with its heavy half, xlsx/xlsx_io.so, on first use

cat >"$T/maps.lua" <<'EOF'
local f = assert(io.open("/proc/self/maps"))
local maps = f:read("a")
f:close()
local seen = {}
for _, lib in ipairs({"libzip", "libexpat", "libxlsxwriter", "xlsx_io.so"}) do
  if maps:find(lib, 1, true) then seen[#seen + 1] = lib end
end
io.write(#seen == 0 and "none" or table.concat(seen, " "))
EOF
run kam plugin list
like "$out" "xlsx 0.1.0 ($BUILT/xlsx.so)" "the xlsx plugin is loaded at start"
like "$out" "import xlsx, export xlsx" "... with its formats registered"
run kam --db "$T/run.db" run "$T/maps.lua"
is "$out" "none" "kam run maps none of libzip, expat, libxlsxwriter, xlsx_io.so"
if nm -D --defined-only "$KAM" 2>/dev/null | grep -q ' T lua_\| T kam_'; then
  nok "the kam binary exports none of its symbols (no -rdynamic)" "$(nm -D --defined-only "$KAM" | head -5)"
else
  ok "the kam binary exports none of its symbols (no -rdynamic)"
fi
is "$(nm -D --defined-only "$BUILT/xlsx/xlsx_io.so" 2>&1 | awk '$2 == "T" {print $3}')" "kam_xlsx_io" \
   "xlsx_io.so exports its entry point alone"
if ldd "$BUILT/xlsx.so" 2>/dev/null | grep -q 'libzip\|libexpat\|libxlsxwriter'; then
  nok "xlsx.so links none of the XLSX libraries" "$(ldd "$BUILT/xlsx.so")"
else
  ok "xlsx.so links none of the XLSX libraries"
fi

# xlsx widths: kam's width rule, not a count of lead bytes (the old writer took every
# lead byte from 0xE1 on, the euro sign's 0xE2 too, for a wide character)
printf 'code,name,place,city\n42010000001000,%s,capital,武汉\n42010000002000,湖北省邮政分公司，武汉市（江岸区）,city,武汉\n' \
  "€€€€€€€€€€€€€€€€€€€€€€€€€" >"$T/wide.csv"
run kam --db "$T/k.db" import customers "$T/wide.csv"
status_is 0 "customers with Chinese, full-width punctuation and euro signs import"
run kam --db "$T/k.db" export customers -o "$T/wide.xlsx"
status_is 0 "... and export as XLSX, loading the heavy half"
cols=$(unzip -p "$T/wide.xlsx" xl/worksheets/sheet1.xml 2>/dev/null | grep -o '<col min="2" max="2" width="[0-9]*' | sed 's/.*width="//')
is "$cols" 36 "the name column is as wide as 17 wide characters (34) plus 2, not 25 euro signs counted double"

# A lone xlsx.so (its heavy half not beside it) still loads at start; an XLSX file then
# fails naming what is missing
mkdir -p "$T/lone"
cp "$BUILT/xlsx.so" "$T/lone/xlsx.so"
kp "$T/lone" plugin list
like "$out" "xlsx 0.1.0 ($T/lone/xlsx.so)" "a lone xlsx.so loads at start"
is "$err" "" "... without a word"
kp "$T/lone" --db "$T/k.db" export customers -o "$T/lone.xlsx"
status_is 1 "exporting XLSX without xlsx_io.so fails"
like "$err" "xlsx: cannot load $T/lone/xlsx/xlsx_io.so: " "... naming the missing file"
if [ -e "$T/lone.xlsx" ]; then nok "... and writes nothing" "$T/lone.xlsx exists"; else ok "... and writes nothing"; fi
kp "$T/lone" --db "$T/k.db" import customers "$T/wide.xlsx"
status_is 1 "importing XLSX without xlsx_io.so fails"
like "$err" "xlsx: cannot load $T/lone/xlsx/xlsx_io.so: " "... naming the missing file"

# ---- the installed interface: kam.pc gives what a plugin needs to compile

sed -e "s|@PREFIX@|$T/inst|; s|@PLUGINDIR@|$T/inst/lib/kam/plugins|; s|@INCDIR@|$TOP/core|; s|@VERSION@|0.1.0|" \
  "$TOP/doc/kam.pc.in" >"$T/kam.pc"
is "$(PKG_CONFIG_PATH="$T" pkg-config --variable=plugindir kam)" "$T/inst/lib/kam/plugins" "kam.pc names the plugin directory"
is "$(PKG_CONFIG_PATH="$T" pkg-config --modversion kam)" "0.1.0" "kam.pc has the version"
mkdir -p "$T/pc"
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Werror -shared -fPIC $(PKG_CONFIG_PATH="$T" pkg-config --cflags kam) \
     -o "$T/pc/hello.so" "$FIX/hello.c" 2>"$T/cc.err"; then
  ok "a plugin compiles with pkg-config --cflags kam alone"
  kp "$T/pc" hello pc
  is "$out" "hello pc" "... and runs"
else
  nok "a plugin compiles with pkg-config --cflags kam alone" "$(cat "$T/cc.err")"
fi

# ---- kam.format through kam run

cat >"$T/probe.lua" <<'EOF'
io.write("ok")
EOF
run kam --db "$T/run.db" run "$T/probe.lua"
if [ "$status" != 0 ] || [ "$out" != ok ]; then
  nok "kam run runs a script" "exit $status, stdout '$out'" "stderr: $err"
  done_testing
  exit
fi

cat >"$T/csv.lua" <<'EOF'
local format = require "kam.format"
io.write(format.csv({
  {code = "44010000000001", name = "广州市邮政局", note = 'says "hi", twice', amount = 1234560},
  {code = "44010000000002", name = "汕头", note = "line one\nline two", amount = -5},
  {code = "44010000000003", name = "Acme, Ltd", note = "", amount = 0},
}, {columns = {"code", "name", "note", "amount"}, labels = {"客户代码", "客户名称", "备注", "收入"},
    money = {"amount"}, crlf = true, bom = true}))
EOF
run kam --db "$T/run.db" run "$T/csv.lua"
status_is 0 "kam.format.csv runs under kam run"
printf '\xEF\xBB\xBF客户代码,客户名称,备注,收入\r\n44010000000001,广州市邮政局,"says ""hi"", twice",12345.60\r\n44010000000002,汕头,"line one\nline two",-0.05\r\n44010000000003,"Acme, Ltd",,0.00\r\n' >"$T/csv.want"
"$KAM" --db "$T/run.db" run "$T/csv.lua" >"$T/csv.got" 2>/dev/null
if cmp -s "$T/csv.got" "$T/csv.want"; then ok "CSV: BOM, CRLF, quoting of comma, quote and newline, Chinese, money"
else nok "CSV: BOM, CRLF, quoting of comma, quote and newline, Chinese, money" "$(od -c "$T/csv.got" | head -20)"; fi

cat >"$T/text.lua" <<'EOF'
local format = require "kam.format"
io.write(format.text({
  {code = "A1", name = "广州市邮政局", amount = 12345678901},
  {code = "B2", name = "Shantou", amount = 5},
  {code = "C3", name = "汕头ｴﾑ", amount = -100},
}, {columns = {"code", "name", "amount"}, labels = {"代码", "名称", "收入"}, money = "amount"}))
EOF
want='代码  名称                  收入
----  ------------  ------------
A1    广州市邮政局  123456789.01
B2    Shantou               0.05
C3    汕头ｴﾑ               -1.00'
for lang in C C.UTF-8; do
  run env LANG=$lang LC_ALL=$lang "$KAM" --db "$T/run.db" run "$T/text.lua"
  is "$out" "$want" "aligned text with Chinese and halfwidth kana, LANG=$lang"
done

cat >"$T/money.lua" <<'EOF'
local format = require "kam.format"
local out = {}
for _, fen in ipairs({0, 5, -5, 100, 123456789012, -123456789012}) do
  out[#out + 1] = format.money(fen)
end
io.write(table.concat(out, " "), "\n")
io.write(format.json({{fen = 5, yuan = 5}, {fen = 123456789012, yuan = 123456789012}},
  {columns = {"fen", "yuan"}, money = {"yuan"}}), "\n")
local ok, err = pcall(format.money, 0.1 + 0.2)
io.write(tostring(ok), " ", err, "\n")
EOF
run kam --db "$T/run.db" run "$T/money.lua"
is "$out" '0.00 0.05 -0.05 1.00 1234567890.12 -1234567890.12
[{"fen":5,"yuan":"0.05"},{"fen":123456789012,"yuan":"1234567890.12"}]
false format.money: want integer fen, got number 0.3' "money: 0, 5, -5, 100, 123456789012; JSON keeps integers, money as strings; floats refused"

cat >"$T/bad.lua" <<'EOF'
local format = require "kam.format"
io.write(format.text({{name = "ok"}, {name = "bad \xff byte"}}))
EOF
run kam --db "$T/run.db" run "$T/bad.lua"
status_is 1 "invalid UTF-8 fails the script"
like "$err" "format.text: row 2, column 'name': invalid UTF-8 at byte 5" "... with the row, column and byte"

done_testing
