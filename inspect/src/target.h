/*
 * target.h — what a public lmi_target handle holds (api.c creates it): the
 * caller's configuration, the memory reader over its callback and the
 * checked layout descriptor. For the files implementing <libmap/inspect.h>.
 */
#ifndef LIBMAP_INSPECT_TARGET_H
#define LIBMAP_INSPECT_TARGET_H

#include <libmap/inspect.h>

#include "layout.h"
#include "mem.h"

struct lmi_target {
    struct lmi_target_config c;
    struct lmi_mem mem;
    struct lm_layout lay;
};

#endif
