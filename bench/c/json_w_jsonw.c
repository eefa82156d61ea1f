/*
 * json_w_jsonw.c — bench-json-writer's writer of the suite (common/json.h),
 * used as the tools use it: entries through the member layer, one-line
 * objects in a pretty document (libmap-coredump --json); events laid by
 * hand through the output layer, compact (libmap-timeline --chrome).
 */
#include "json.h"

#include <stdlib.h>

#include "json_shapes.h"

static void entry(struct json *j, const struct bj_field *f, int nf)
{
    json_obj_begin_line(j, NULL);
    for (int k = 0; k < nf; k++) {
        if (f[k].t == BJ_U64)
            json_u64(j, f[k].key, f[k].u);
        else if (f[k].t == BJ_BYTES)
            json_hex(j, f[k].key, (const uint8_t *)&f[k].u, 8);
        else
            json_str(j, f[k].key, f[k].s);
    }
    json_obj_end(j);
}

static void event(struct json *j, const struct bj_field *f, int nf)
{
    int first = 1;
    json_item(j);
    json_putc(j, '{');
    for (int k = 0; k < nf; k++) {
        if (f[k].t == BJ_CLOSE) {
            json_putc(j, '}');
            continue;
        }
        json_put(j, f[k].lit + first, f[k].litlen - (size_t)first); /* ,"key": */
        first = f[k].t == BJ_OPEN;
        switch (f[k].t) {
        case BJ_U64: json_put_u64(j, f[k].u); break;
        case BJ_I64: json_put_i64(j, f[k].i); break;
        case BJ_STR: json_put_strz(j, f[k].s); break;
        case BJ_ADDR: json_put_hexstr(j, f[k].u); break;
        case BJ_US: json_put_us(j, f[k].i); break;
        case BJ_OPEN: json_putc(j, '{'); break;
        default: break;
        }
    }
    json_putc(j, '}');
}

int bj_write_jsonw(int events, uint64_t n, FILE *out)
{
    struct json *j = malloc(sizeof *j);
    if (j == NULL)
        return -1;
    json_init(j, out, events ? JSON_ESC_SCRIPT : JSON_ESC_ASCII, !events);
    if (events) {
        JSON_LIT(j, "{\"traceEvents\":[\n");
        json_list(j);
    } else {
        json_obj_begin(j, NULL);
        json_arr_begin(j, "entries");
    }
    for (uint64_t i = 0; i < n; i++) {
        struct bj_field f[BJ_MAX_FIELDS];
        int nf = bj_fields(events, i, f);
        (events ? event : entry)(j, f, nf);
    }
    if (events) {
        JSON_LIT(j, "\n]}");
    } else {
        json_arr_end(j);
        json_obj_end(j);
    }
    int rc = json_end(j);
    free(j);
    return rc;
}
