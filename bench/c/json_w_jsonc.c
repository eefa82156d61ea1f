/*
 * json_w_jsonc.c — bench-json-writer's json-c writer (json_w_tree.h over
 * json-c's calls). json-c serializes a tree into one string, then it is
 * written.
 */
#include <json-c/json.h>
#include <stdio.h>

static int jsonc_flags;

static int jsonc_dump(json_object *o, FILE *out)
{
    size_t len;
    const char *s = json_object_to_json_string_length(o, jsonc_flags, &len);
    if (s == NULL) { /* its print buffer is sized with int */
        fprintf(stderr, "json-c: the tree could not be serialized\n");
        return -1;
    }
    return fwrite(s, 1, len, out) == len ? 0 : -1;
}

#define T json_object
#define T_OBJ() json_object_new_object()
#define T_ARR() json_object_new_array()
#define T_U64(u) json_object_new_uint64(u)
#define T_I64(i) json_object_new_int64(i)
#define T_STR(s) json_object_new_string(s)
#define T_REAL(d) json_object_new_double(d)
#define T_SET(o, k, v) json_object_object_add(o, k, v)
#define T_APPEND(a, v) json_object_array_add(a, v)
#define T_DUMP(o, out) jsonc_dump(o, out)
#define T_FREE(o) json_object_put(o)
#include "json_w_tree.h"

int bj_write_jsonc(int events, uint64_t n, FILE *out, int per_item)
{
    /* ts and dur with three decimals, as the writer under comparison */
    json_c_set_serialization_double_format("%.3f", JSON_C_OPTION_GLOBAL);
    jsonc_flags = (events ? JSON_C_TO_STRING_PLAIN
                          : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) |
                  JSON_C_TO_STRING_NOSLASHESCAPE;
    return bj_tree_write(events, n, out, per_item);
}
