# The xlsx plugin reads with libzip and expat and writes with libxlsxwriter (Debian's
# libzip-dev, libexpat1-dev, libxlsxwriter-dev; the Makefile's deps step installs them).
PLUGIN_CFLAGS_xlsx = $(shell pkg-config --cflags libzip expat xlsxwriter 2>/dev/null)
PLUGIN_LIBS_xlsx = $(shell pkg-config --libs libzip expat xlsxwriter 2>/dev/null || echo -lzip -lexpat -lxlsxwriter)
