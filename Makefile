# kam — key-account management host.  `make demo` and `make test` are the whole set-up:
# both install missing Debian packages first (the `deps` step).

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
DATADIR    = $(PREFIX)/share/kam
PLUGINDIR  = $(PREFIX)/lib/kam/plugins
INCDIR     = $(PREFIX)/include/kam
MANDIR     = $(PREFIX)/share/man/man1
PCDIR      = $(PREFIX)/lib/pkgconfig
# The policy a new database records when `kam init` is given none: a build's choice, so
# that no province's name is written into the code.
DEFAULT_POLICY ?= hubei

# Debian packages the build, the tests and the demo need.
DEBS = gcc make pkg-config liblua5.4-dev lua5.4 libsqlite3-dev sqlite3 libjansson-dev \
       libedit-dev libcsv-dev libutf8proc-dev libzip-dev libexpat1-dev libxlsxwriter-dev expect tmux \
       unzip tzdata python3 jq procps
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)

PKGS    = lua5.4 sqlite3 jansson libedit libutf8proc
CC     ?= cc
WARN    = -Wall -Wextra -Werror -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes \
          -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Icore \
          -DKAM_VERSION='"$(VERSION)"' -DKAM_PLUGINDIR='"$(PLUGINDIR)"' -DKAM_DATADIR='"$(DATADIR)"' \
          -DKAM_DEFAULT_POLICY='"$(DEFAULT_POLICY)"'
OPT    ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    = $(PKG_LIBS) -lcsv -ldl -lm -pthread

B      ?= build
CORE_SRC  = $(wildcard core/*.c)
CORE_OBJ  = $(CORE_SRC:core/%.c=$(B)/core/%.o)
LIB_OBJ   = $(filter-out $(B)/core/main.o,$(CORE_OBJ))
PLUGIN_SRC = $(wildcard plugins/*.c)
PLUGINS   = $(PLUGIN_SRC:plugins/%.c=$(B)/plugins/%.so)
UNIT_SRC  = $(wildcard tests/unit/*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_SRC = $(wildcard tests/bench/*.c)
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
BIN       = $(B)/kam

# `make` alone builds everything: the plugins' own rules below must not become the goal.
.DEFAULT_GOAL := all

# Plugins may need libraries of their own: plugins/NAME.mk sets PLUGIN_LIBS_NAME, and
# adds to PLUGIN_PARTS what a plugin loads itself on first use (beside it, in NAME/).
-include $(wildcard plugins/*.mk)

.PHONY: all deps test asan bench demo docs install uninstall clean check-deps

all: $(BIN) $(PLUGINS) $(PLUGIN_PARTS) kam

kam: $(BIN)
	@ln -sf $(B)/kam kam

$(B)/core/%.o: core/%.c $(wildcard core/*.h) | $(B)/core
	@echo "  CC      $<"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -fPIC -c $< -o $@

$(BIN): $(CORE_OBJ)
	@echo "  LD      $@"
	@$(CC) $(OPT) $(EXTRA_CFLAGS) -o $@ $(CORE_OBJ) $(LIBS) $(EXTRA_LDFLAGS)

$(B)/plugins/%.so: plugins/%.c core/kam_plugin.h $(wildcard plugins/*.h) | $(B)/plugins
	@echo "  PLUGIN  $@"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(EXTRA_CFLAGS) $(PKG_CFLAGS) $(PLUGIN_CFLAGS_$*) -fPIC -shared \
	  -o $@ $< $(PLUGIN_LIBS_$*) $(EXTRA_LDFLAGS)

$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(LIB_OBJ) | $(B)/tests
	@echo "  TEST    $@"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) \
	  $(LIBS) $(EXTRA_LDFLAGS)

# Tools of the tests and benchmarks (the province generator): plain C, no core objects.
$(B)/bench/%: tests/bench/%.c | $(B)/bench
	@echo "  TOOL    $@"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(EXTRA_CFLAGS) -o $@ $< -lm $(EXTRA_LDFLAGS)

$(B)/core $(B)/plugins $(B)/tests $(B)/bench:
	@mkdir -p $@

# Install what is missing, quietly when nothing is.
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "kam: installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing || \
	  { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends $$missing; }; \
	fi

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory B=$(B) $(UNIT_BIN) $(BENCH_BIN)
	@KAM_BUILD=$(B) tests/run-tests

asan: deps
	@$(MAKE) --no-print-directory B=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" build-asan/kam $(PLUGINS:$(B)/%=build-asan/%) $(PLUGIN_PARTS:$(B)/%=build-asan/%) \
	  $(UNIT_BIN:$(B)/%=build-asan/%) $(BENCH_BIN:$(B)/%=build-asan/%)
	@KAM_BUILD=build-asan KAM_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 tests/run-tests

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@KAM_BUILD=$(B) tests/bench/run

# The demo needs the province generator, a tool of the tests: build it too.
demo: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory B=$(B) $(B)/bench/genprovince
	@KAM_BUILD=$(B) scripts/demo.sh

# The README's command table and the man page's commands come from kam's command table;
# tests/cli/docs.sh fails when they were not rewritten after a change.
docs: all
	@doc/update.sh $(BIN)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(DATADIR)/policies \
	  $(DESTDIR)$(DATADIR)/scripts $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(PCDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/kam
	for p in $(PLUGINS); do install -m 755 $$p $(DESTDIR)$(PLUGINDIR)/; done
	for p in $(PLUGIN_PARTS); do install -D -m 755 $$p $(DESTDIR)$(PLUGINDIR)/$${p#$(B)/plugins/}; done
	for f in policies/*.lua; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(DATADIR)/policies/ || true; done
	cd scripts && find . -type f -name '*.lua' | while read -r f; do \
	  install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/scripts/$$f"; done
	install -m 644 core/kam_plugin.h $(DESTDIR)$(INCDIR)/
	install -m 644 doc/kam.1 $(DESTDIR)$(MANDIR)/kam.1
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@PLUGINDIR@|$(PLUGINDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
	  doc/kam.pc.in > $(DESTDIR)$(PCDIR)/kam.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kam $(DESTDIR)$(MANDIR)/kam.1 $(DESTDIR)$(PCDIR)/kam.pc
	rm -rf $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(INCDIR)

clean:
	rm -rf build build-asan kam tests/tmp
