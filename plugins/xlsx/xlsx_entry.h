/* xlsx_entry.h: what the xlsx plugin's light half (xlsx.so) asks its heavy half
 * (xlsx_io.so) for -- the one thing both include.  Both halves are built together; a
 * version mismatch (a stale xlsx_io.so) is refused rather than called. */
#ifndef KAM_XLSX_ENTRY_H
#define KAM_XLSX_ENTRY_H

#include "kam_plugin.h"

#define XLSX_IO_SYMBOL "kam_xlsx_io"
#define XLSX_IO_VERSION 2

struct xlsx_io {
	int version;                        /* XLSX_IO_VERSION */
	const kam_plugin_reader *reader;
	const kam_plugin_writer *writer;
	/* Version 2: end the writer's current sheet and start another named name (a report's
	 * sections, one sheet each: kam.xlsx.write); header and rows follow as for the first.
	 * 0, or -1 with err. */
	int (*sheet)(void *w, const char *name, char *err, size_t err_size);
};

/* kam_xlsx_io(api): the reader and the writer, keeping api for the host's functions. */
typedef const struct xlsx_io *(*xlsx_io_fn)(const kam_host_api *api);

#endif
