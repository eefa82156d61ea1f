/*
 * export.h — libmap-timeline's file exports, both written from the model
 * (model.h) after tl_analyze(): Chrome trace-event JSON for Perfetto UI and
 * chrome://tracing (chrome.c), and one self-contained HTML page with an SVG
 * timeline (html.c). Both honour the same view: a time window and an
 * optional single map.
 */
#ifndef LIBMAP_VIEWER_EXPORT_H
#define LIBMAP_VIEWER_EXPORT_H

#include <stdio.h>

#include "model.h"

/* What part of the model to show. from/to: nanoseconds from origin,
 * inclusive; an operation is shown when its interval touches the window.
 * map: index in model->maps, or TL_NONE for every map. */
struct tl_view {
    int64_t from, to;
    uint64_t map;
};

/* Each returns 0, or -1 after printing one line `libmap-timeline: ...` on
 * stderr (for example a write error on out). */
int tl_write_chrome(const struct tl_model *m, const struct tl_view *v, FILE *out);
int tl_write_html(const struct tl_model *m, const struct tl_view *v, FILE *out);

#endif /* LIBMAP_VIEWER_EXPORT_H */
