#!/usr/bin/env bash
# The layers of ../shared/DESIGN.md, held by the compiler: the CLI's and the Lua host's
# files reach the database through the storage layer's plain headers only, so none of
# them sees sqlite3.h (directly or through a header) or calls SQLite.
source "$(dirname "$0")/lib.sh"

# The host side: the command-line entry, the commands of the host, the Lua host.
host_side="main cmd_run cmd_init cmd_backup cli ctx host interrupt"
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null || ! pkg-config --exists lua5.4 jansson 2>/dev/null; then
  skip "layers: no C compiler or pkg-config here"
else
  flags=$(pkg-config --cflags lua5.4 jansson)
  for f in $host_side; do
    # -M lists every header the file reads, system ones included.
    deps=$("$CC" -std=c11 -D_GNU_SOURCE -I"$TOP/core" $flags -DKAM_VERSION='"t"' \
      -DKAM_PLUGINDIR='"t"' -DKAM_DATADIR='"t"' -M "$TOP/core/$f.c" 2>&1)
    case $deps in
      *"$f.o:"*) unlike "$deps" "sqlite3.h" "core/$f.c does not see sqlite3.h" ;;
      *) nok "core/$f.c: the compiler lists its headers" "$deps" ;;
    esac
    is "$(grep -c 'sqlite3_\|SQLITE_' "$TOP/core/$f.c")" "0" "core/$f.c calls no SQLite function"
  done
  # The storage layer's plain headers stay plain.
  for h in store_db store_meta store_backup; do
    is "$(grep -c '<sqlite3.h>\|sqlite3 \*\|sqlite3_' "$TOP/core/$h.h")" "0" "core/$h.h names no SQLite type"
  done
fi

done_testing
