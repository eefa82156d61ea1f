/*
 * json_w_jansson.c — bench-json-writer's jansson writer (json_w_tree.h over
 * jansson's calls). json_dumpf streams a tree's text as it walks it.
 */
#include <jansson.h>

static size_t jansson_flags;

#define T json_t
#define T_OBJ() json_object()
#define T_ARR() json_array()
#define T_U64(u) json_integer((json_int_t)(u))
#define T_I64(i) json_integer(i)
#define T_STR(s) json_string_nocheck(s)
#define T_REAL(d) json_real(d)
#define T_SET(o, k, v) json_object_set_new_nocheck(o, k, v)
#define T_APPEND(a, v) json_array_append_new(a, v)
#define T_DUMP(o, out) json_dumpf(o, out, jansson_flags)
#define T_FREE(o) json_decref(o)
#include "json_w_tree.h"

int bj_write_jansson(int events, uint64_t n, FILE *out, int per_item)
{
    jansson_flags = events ? JSON_COMPACT : JSON_INDENT(2);
    return bj_tree_write(events, n, out, per_item);
}
