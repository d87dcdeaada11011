#!/usr/bin/env bash
# The REPL per role, through a real terminal (tmux): a viewer's query of key persons shows
# *** and never the phone number; raw SQL (kam.db) is refused to a center user and to a
# viewer, and the REPL goes on; a manager reads its own customer's key persons and not
# another manager's, the refusal logged; an admin reads them.  Each session acts as a user
# the way people do: the admin's login names it with $KAM_USER.  Every wait polls the
# screen with a generous limit; nothing depends on the machine's speed.
. "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
unset KAM_USER
me=$(id -un)
C=42050200005000

. "$TOP/tests/cli/tty.bash"
if ! command -v tmux >/dev/null; then
  skip "tmux is not installed"; done_testing; exit
fi
say() { type_line "$1"; }
expect_screen() { # DESC TEXT: the screen comes to hold TEXT
  DESC=$1; check wait_for "$2"
}
# as USER: a fresh terminal running the REPL as USER
as() {
  tty_start "env LANG=C.UTF-8 TERM=xterm KAM_USER='$1' KAM_HISTORY='$T/history.$1' XDG_CONFIG_HOME='$T/config' \
     KAM_PLUGIN_PATH='$KAM_PLUGIN_PATH' '$KAM' --db '$T/a.db' repl; echo REPL-EXIT=\$?; sleep 600"
  wait_for $'\na>' || nok "the REPL of $1 starts" "$(screen | tail -5)"
}
last_audit() { sqlite3 a.db "SELECT user || ' ' || action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1"; }

run kam --db a.db init --policy hubei
run kam --db a.db import customers "$F/hubei_customers.csv"
run kam --db a.db customer person add $C --name 王总 --title 总经理 --phone 13800000000
"$KAM" --db a.db manager add M001 >/dev/null 2>&1; "$KAM" --db a.db manager add M002 >/dev/null 2>&1
run kam --db a.db manager assign $C M001
run kam --db a.db user add boss --login "$me"
run kam --db a.db user add vic --login vic-login --role viewer
run kam --db a.db user add carl --login carl-login --role center
run kam --db a.db user add mia --login mia-login --role manager --manager M001
run kam --db a.db user add max --login max-login --role manager --manager M002
status_is 0 "a key person of M001's customer; an admin, a viewer, a center user and two managers"
Q="for _, p in ipairs(kam.store.key_persons_of($C)) do print('KP:' .. p.name .. ':' .. p.title .. ':' .. p.phone) end"

# --- a viewer ---------------------------------------------------------------------------------
as vic
say "kam.store.key_persons_of($C)"
expect_screen "a viewer's REPL: key persons as a table, masked" "| 42050200005000 |  1 | ***            | ***       | ***  | ***  | ***   |"
say "$Q"
expect_screen "... and through Lua, masked" "KP:***:***:***"
say 'print(kam.db.value("SELECT phone FROM key_persons"))'
expect_screen "raw SQL is refused to a viewer" "raw SQL is for admins once users exist"
say 'print("still" .. "here")'
expect_screen "the REPL goes on after the refusal" "stillhere"
case $(screen) in *13800000000*) nok "the phone number never appears on a viewer's screen" ;; *) ok "the phone number never appears on a viewer's screen" ;; esac

# --- a center user: confidential fields, but no raw SQL ------------------------------------------
as carl
say 'print(kam.db.value("SELECT count(*) FROM customers"))'
expect_screen "raw SQL is refused to a center user in the REPL" "kam.db: user carl is a center: raw SQL is for admins once users exist"
is "$(last_audit)" 'carl refused {"why": "kam.db (raw SQL) is for admins"}' "the refusal is in the audit log"
say "$Q"
expect_screen "a center user reads the key persons" "KP:王总:总经理:13800000000"

# --- managers: their own customers only ------------------------------------------------------------
as max
say "$Q"
expect_screen "another manager's customer: masked in max's REPL" "KP:***:***:***"
like "$(last_audit)" 'max refused {"read": "key persons", "customer": 42050200005000, "why": "not a customer of manager M002"}' \
  "the refused read is logged"
case $(screen) in *13800000000*) nok "the phone number never appears on max's screen" ;; *) ok "the phone number never appears on max's screen" ;; esac
as mia
say "$Q"
expect_screen "its own customer: readable in mia's REPL" "KP:王总:总经理:13800000000"
is "$(last_audit)" 'mia read {"read": "key persons"}' "and the read is logged"

# --- the admin ---------------------------------------------------------------------------------------
as boss
say 'print("n=" .. kam.db.value("SELECT count(*) FROM key_persons"))'
expect_screen "an admin's raw SQL works in the REPL" "n=1"

done_testing
