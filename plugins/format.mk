# kam.format builds its JSON with jansson; link it so the plugin names its own needs
# (the kam binary has it too, and both resolve to the same shared library).
PLUGIN_LIBS_format = $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
