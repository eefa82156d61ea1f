/*
 * libmap-tp.c — the probe library liblibmap-lttng.so: LTTng-UST's probe
 * functions for every libmap event. Loading it (LD_PRELOAD, or LIBMAP_TRACE=1
 * which makes libmap dlopen it) connects libmap's tracepoints to LTTng.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "libmap-tp.h"
