/* io.c: the one entry point of xlsx_io.so, the xlsx plugin's heavy part (xlsx_io.h). */
#include "xlsx_io.h"

const kam_host_api *xlsx_host;

const struct xlsx_io *kam_xlsx_io(const kam_host_api *api)
{
	static const struct xlsx_io io = {XLSX_IO_VERSION, &xlsx_reader, &xlsx_writer, xlsx_writer_sheet};
	xlsx_host = api;
	return &io;
}
