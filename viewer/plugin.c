/*
 * plugin.c — the babeltrace2 plugin `libmap`: its one component class,
 * sink.libmap.timeline, is sink.c's. Built as a shared module for
 * babeltrace2's plugin directory (or --plugin-path / BABELTRACE_PLUGIN_PATH).
 */
#include "viewer.h"

BT_PLUGIN_MODULE();
BT_PLUGIN(libmap);
BT_PLUGIN_DESCRIPTION("libmap: timeline and race report of libmap hash map traces");
BT_PLUGIN_AUTHOR("The libmap suite");

BT_PLUGIN_SINK_COMPONENT_CLASS(timeline, tl_sink_consume);
BT_PLUGIN_SINK_COMPONENT_CLASS_DESCRIPTION(timeline, tl_sink_description);
BT_PLUGIN_SINK_COMPONENT_CLASS_HELP(timeline, tl_sink_help);
BT_PLUGIN_SINK_COMPONENT_CLASS_INITIALIZE_METHOD(timeline, tl_sink_init);
BT_PLUGIN_SINK_COMPONENT_CLASS_FINALIZE_METHOD(timeline, tl_sink_finalize);
BT_PLUGIN_SINK_COMPONENT_CLASS_GRAPH_IS_CONFIGURED_METHOD(timeline, tl_sink_graph_is_configured);
