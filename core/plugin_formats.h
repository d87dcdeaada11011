/* Plugins' data formats (kam_plugin_reader, kam_plugin_writer) as import sources and
 * export sinks. */
#ifndef KAM_PLUGIN_FORMATS_H
#define KAM_PLUGIN_FORMATS_H

#include "kam_plugin.h"

/* abi: the KAM_PLUGIN_ABI the plugin was built against (which members r has). */
int kam_plugin_add_reader(kam_host *h, const kam_plugin_reader *r, int abi);
int kam_plugin_add_writer(kam_host *h, const kam_plugin_writer *w);

#endif
