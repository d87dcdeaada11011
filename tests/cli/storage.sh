#!/usr/bin/env bash
# SQLite used as its guarantees require: pragmas on every connection, a full disk or an
# I/O error is a clear message with exit 1, and nothing is half written.
source "$(dirname "$0")/lib.sh"

run kam --db k.db init
status_is 0 "init"
run stat -c %a k.db
is "$out" "600" "a new database is readable by its owner only"

cat > pragmas.lua <<'LUA'
local db = kam.db
print(db.value("PRAGMA foreign_keys"), db.value("PRAGMA journal_mode"))
LUA
run kam --db k.db run pragmas.lua
is "$out" "$(printf '1\twal')" "foreign keys on, WAL (the busy wait: below)"

cat > fk.lua <<'LUA'
kam.db.exec("INSERT INTO ledger(code, month, line, amount) VALUES (42010000009000, 202501, 'express', 100)")
LUA
run kam --db k.db run fk.lua
status_is 1 "a ledger row for an unknown customer is refused"
like "$err" "FOREIGN KEY constraint failed" "by the foreign key"

# Seed some rows, then overflow the database with max_page_count inside a transaction.
cat > seed.lua <<'LUA'
kam.db.transaction(function()
  for i = 1, 50 do
    kam.db.exec("INSERT INTO customers(code, name, place) VALUES (?, ?, 'city')", 42010000000000 + i * 1000, "客户" .. i)
  end
end)
LUA
run kam --db k.db run seed.lua
status_is 0 "seed rows"

cat > fill.lua <<'LUA'
local db = kam.db
db.exec("PRAGMA max_page_count = " .. (db.value("PRAGMA page_count") + 3))
db.transaction(function()
  for i = 1, 100000 do
    db.exec("INSERT INTO customers(code, name, place) VALUES (?, ?, 'county')",
            43010000000000 + i * 1000, string.rep("名", 200))
  end
end)
LUA
run kam --db k.db run fill.lua
status_is 1 "a full database exits 1"
like "$err" "database or disk is full" "with a clear message"
run sqlite3 k.db "SELECT count(*) FROM customers; PRAGMA integrity_check;"
is "$out" "$(printf '50\nok')" "nothing half written, the file intact"

# A file-size limit: SIGXFSZ is ignored, so the write fails as an I/O error, not a kill.
cat > big.lua <<'LUA'
local db = kam.db
db.transaction(function()
  for i = 1, 20000 do
    db.exec("INSERT INTO customers(code, name, place) VALUES (?, ?, 'county')",
            44010000000000 + i * 1000, string.rep("大", 300))
  end
end)
LUA
run bash -c "ulimit -f 512; exec '$KAM' --db k.db run big.lua"
status_is 1 "a write past the file-size limit exits 1 (not killed by SIGXFSZ)"
like "$err" "k.db" "the message names the database"
like "$err" "disk I/O error" "and says it is an I/O error"
run sqlite3 k.db "SELECT count(*) FROM customers; PRAGMA integrity_check;"
is "$out" "$(printf '50\nok')" "nothing half written after the I/O error"

# A file that is not a database.
printf 'this is not sqlite, just text that is long enough to look like a header....\n%.0s' {1..20} > notdb.db
run kam --db notdb.db run pragmas.lua
status_is 1 "a file that is not a database exits 1"
like "$err" "notdb.db" "naming the file"
like "$err" "not a database" "and saying what is wrong"

run kam --db . run pragmas.lua
status_is 1 "a directory as database exits 1"
like "$err" "is a directory" "and says so"

# A second writer waits for the first (busy timeout) instead of failing at once.
cat > hold.lua <<'LUA'
kam.db.transaction(function()
  kam.db.exec("INSERT INTO customers(code, name, place) VALUES (45010000001000, 'hold', 'city')")
  local t = os.time() + 1
  while os.time() <= t do end
end)
LUA
cat > second.lua <<'LUA'
kam.db.exec("INSERT INTO customers(code, name, place) VALUES (45010000002000, 'second', 'city')")
LUA
"$KAM" --db k.db run hold.lua & holder=$!
sleep 0.3
run kam --db k.db run second.lua
wait $holder
status_is 0 "a second writer waits for the lock and succeeds"
run sqlite3 k.db "SELECT count(*) FROM customers WHERE code IN (45010000001000, 45010000002000)"
is "$out" "2" "both writes landed"

# A database file kam may not write: every write says "read-only", reading works.  Root writes any file, so under root the
# commands run as nobody.
mkdir ro && cp k.db ro/k.db && chmod 444 ro/k.db && chmod 777 ro
as_user=()
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$T"
  if command -v setpriv >/dev/null; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
fi
if [ "$(id -u)" = 0 ] && [ ${#as_user[@]} = 0 ]; then
  skip "read-only file: running as root without setpriv"
else
  echo 'kam.db.exec("DELETE FROM customers")' >ro/del.lua
  printf 'code,name,place,city\n46010000001000,ro,city,海口\n' >ro/c.csv
  run "${as_user[@]}" "$KAM" --db ro/k.db run ro/del.lua
  status_is 1 "a script writing a read-only database file exits 1"
  like "$err" "ro/k.db: the database file is read-only" "and says read-only, naming the file"
  run "${as_user[@]}" "$KAM" --db ro/k.db import customers ro/c.csv
  status_is 1 "an import into a read-only database file exits 1"
  like "$err" "ro/k.db: the database file is read-only" "and says read-only"
  run "${as_user[@]}" "$KAM" --db ro/k.db --json import customers ro/c.csv
  like "$out" "read-only" "--json: the error document says read-only"
  run "${as_user[@]}" "$KAM" --db ro/k.db export customers
  status_is 0 "reading a read-only database file works"
  is "$(sqlite3 ro/k.db "SELECT count(*) FROM customers")" "$(sqlite3 k.db "SELECT count(*) FROM customers")" "nothing was written"
fi

# A database in a directory kam cannot write (as on a read-only mount): a command that
# only reads opens it read-only and works when SQLite can read it, that is when the WAL's
# -shm file is there to read (kept here with persist_wal, as a writer that has the file
# open keeps it); without it the message says so and what to do.
ncust=$(sqlite3 k.db "SELECT count(*) FROM customers")
code=$(sqlite3 k.db "SELECT code FROM customers LIMIT 1")
mkdir shm noshm
cp k.db shm/k.db && sqlite3 shm/k.db '.filectrl persist_wal 1' 'SELECT count(*) FROM meta' >/dev/null
cp k.db noshm/k.db
chmod 444 shm/* noshm/*
if [ "$(id -u)" = 0 ] && [ ${#as_user[@]} = 0 ]; then
  skip "read-only directory: running as root without setpriv"
elif [ ! -e shm/k.db-shm ]; then
  nok "read-only directory: this sqlite3 keeps no -shm file with persist_wal"
else
  chmod 555 shm noshm
  run "${as_user[@]}" "$KAM" --db shm/k.db export customers
  status_is 0 "read-only directory with its -shm: export works"
  is "$(($(printf '%s\n' "$out" | wc -l) - 1))" "$ncust" "and writes every customer"
  run "${as_user[@]}" "$KAM" --db shm/k.db explain "$code"
  status_is 0 "read-only directory with its -shm: explain works"
  like "$out" "customer $code" "and explains the customer"
  echo 'print(kam.db.value("SELECT count(*) FROM customers"))' >ro/count.lua
  run "${as_user[@]}" "$KAM" --db shm/k.db run ro/count.lua
  status_is 0 "read-only directory with its -shm: a script that reads works"
  is "$out" "$ncust" "and reads the customers"
  mkdir -p out && chmod 777 out
  run "${as_user[@]}" "$KAM" --db shm/k.db backup out/copy.db
  status_is 0 "read-only directory with its -shm: backup works"
  is "$(sqlite3 out/copy.db "SELECT count(*) FROM customers")" "$ncust" "and the copy holds every customer"
  run "${as_user[@]}" "$KAM" --db shm/k.db import customers ro/c.csv
  status_is 1 "read-only directory: an import exits 1"
  like "$err" "shm/k.db: the database file is read-only" "and says read-only"
  is "$(sqlite3 "file:shm/k.db?immutable=1" "SELECT count(*) FROM customers")" "$ncust" "nothing was written"
  # The file itself writable, its directory and -shm not: the write names the directory.
  chmod 666 shm/k.db
  run "${as_user[@]}" "$KAM" --db shm/k.db import customers ro/c.csv
  status_is 1 "writable file in a read-only directory: an import exits 1"
  like "$err" "shm/k.db: the database is read-only here: kam cannot write in its directory" "and names the directory, not the file"
  run "${as_user[@]}" "$KAM" --db shm/k.db export customers
  status_is 0 "and export works"
  chmod 444 shm/k.db

  run "${as_user[@]}" "$KAM" --db noshm/k.db export customers
  status_is 1 "read-only directory without its -shm: export exits 1"
  like "$err" "noshm/k.db: kam can only read this database here" "saying kam can only read it there"
  like "$err" "without creating its -shm file beside it" "that SQLite needs the -shm file it cannot create"
  like "$err" "copy the file where kam can write" "that copying the file helps"
  like "$err" "--db 'file:noshm/k.db?immutable=1'" "and how to open it immutable"
  run "${as_user[@]}" "$KAM" --db noshm/k.db --json explain "$code"
  status_is 1 "--json: exit 1"
  like "$out" '"error": "noshm/k.db: kam can only read this database here' "--json: the error document says so"
  run "${as_user[@]}" "$KAM" --db 'file:noshm/k.db?immutable=1' export customers
  status_is 0 "immutable: export works"
  is "$(($(printf '%s\n' "$out" | wc -l) - 1))" "$ncust" "and writes every customer"
  run "${as_user[@]}" "$KAM" --db 'file:noshm/k.db?immutable=1' explain "$code"
  status_is 0 "immutable: explain works"
  run "${as_user[@]}" "$KAM" --db 'file:noshm/k.db?immutable=1' import customers ro/c.csv
  status_is 1 "immutable: an import exits 1"
  like "$err" "the database is read-only here: its name opens it read-only (nothing written)" "saying why"
  is "$(ls noshm)" "k.db" "no -wal or -shm file was made"
  chmod 755 shm noshm
fi

done_testing
