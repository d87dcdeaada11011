# The xlsx plugin is two shared objects (plugins/xlsx.c says why): xlsx.so, which kam
# loads at start and which links none of the XLSX libraries, and xlsx/xlsx_io.so, built
# from plugins/xlsx/*.c as separate objects, which reads with libzip and expat and
# writes with libxlsxwriter (Debian's libzip-dev, libexpat1-dev, libxlsxwriter-dev; the
# Makefile's deps step installs them).  xlsx_io.so exports one symbol, kam_xlsx_io.
PLUGIN_LIBS_xlsx = -ldl
XLSX_IO_CFLAGS = $(shell pkg-config --cflags libzip expat xlsxwriter 2>/dev/null)
XLSX_IO_LIBS = $(shell pkg-config --libs libzip expat xlsxwriter 2>/dev/null || echo -lzip -lexpat -lxlsxwriter)
XLSX_IO_SRC = $(wildcard plugins/xlsx/*.c)
XLSX_IO_OBJ = $(XLSX_IO_SRC:plugins/xlsx/%.c=$(B)/plugins/xlsx/%.o)
PLUGIN_PARTS += $(B)/plugins/xlsx/xlsx_io.so

$(B)/plugins/xlsx.so: plugins/xlsx/xlsx_entry.h

$(B)/plugins/xlsx/%.o: plugins/xlsx/%.c $(wildcard plugins/xlsx/*.h) core/kam_plugin.h | $(B)/plugins/xlsx
	@echo "  CC      $<"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(EXTRA_CFLAGS) $(PKG_CFLAGS) $(XLSX_IO_CFLAGS) -fPIC \
	  -fvisibility=hidden -c $< -o $@

$(B)/plugins/xlsx/xlsx_io.so: $(XLSX_IO_OBJ)
	@echo "  PLUGIN  $@"
	@$(CC) $(OPT) $(EXTRA_CFLAGS) -shared -o $@ $(XLSX_IO_OBJ) $(XLSX_IO_LIBS) $(EXTRA_LDFLAGS)

$(B)/plugins/xlsx:
	@mkdir -p $@
