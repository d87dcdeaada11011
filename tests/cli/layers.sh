#!/usr/bin/env bash
# The layers of ../shared/DESIGN.md, held by the compiler: every file above the storage
# layer (the CLI, the Lua host, import and export, facts and grading, the sandbox, the
# plugins) reaches the database through the storage layer's plain headers only, so none
# of them sees sqlite3.h (directly or through a header) or calls SQLite.  Only the storage
# files (core/store*.c, core/schema.c) and kam.db's binding (core/l_db.c, the user's own
# SQL) know SQLite.
source "$(dirname "$0")/lib.sh"

# Every C file of the core but the storage layer's and kam.db's binding.
host_side=$(cd "$TOP/core" && for c in *.c; do case $c in store*.c|schema.c|l_db.c) ;; *) echo "${c%.c}" ;; esac; done)
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null || ! pkg-config --exists lua5.4 jansson 2>/dev/null; then
  skip "layers: no C compiler or pkg-config here"
else
  flags=$(pkg-config --cflags lua5.4 jansson libutf8proc 2>/dev/null)
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
  # The plugins see only kam_plugin.h.
  for f in "$TOP"/plugins/*.c "$TOP"/plugins/xlsx/*.c; do
    deps=$("$CC" -std=c11 -D_GNU_SOURCE -I"$TOP/core" -I"$TOP/plugins" $flags \
      $(pkg-config --cflags libzip expat 2>/dev/null) -M "$f" 2>&1)
    o=$(basename "$f" .c).o
    case $deps in
      *"$o:"*) unlike "$deps" "sqlite3.h" "${f#$TOP/} does not see sqlite3.h" ;;
      *) nok "${f#$TOP/}: the compiler lists its headers" "$deps" ;;
    esac
  done
  # The storage layer's plain headers stay plain: only store.h names SQLite.
  for h in $(cd "$TOP/core" && ls store_*.h | sed 's/\.h$//'); do
    is "$(grep -c '<sqlite3.h>\|sqlite3 \*\|sqlite3_' "$TOP/core/$h.h")" "0" "core/$h.h names no SQLite type"
  done
fi

done_testing
