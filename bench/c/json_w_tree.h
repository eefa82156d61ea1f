/*
 * json_w_tree.h — bench-json-writer's writer for a tree library, written
 * once for json-c and jansson: the including file defines the library's
 * calls as macros, then includes this to get BJ_TREE_WRITE(events, n, out,
 * per_item). The document as one tree serialized at the end, or
 * (per_item) one small tree per item written and freed at once, the
 * lists' brackets by hand.
 *
 *   T                      the node type
 *   T_OBJ() T_ARR()        new object, array
 *   T_U64(u) T_I64(i) T_STR(s) T_REAL(d)   new scalars
 *   T_SET(obj, key, v)  T_APPEND(arr, v)   add, taking the reference
 *   T_DUMP(node, out)      write the node's text: 0, or -1 on a failure
 *   T_FREE(node)           drop the tree
 */
#include "json_shapes.h"

static T *bj_tree_item(int events, uint64_t i)
{
    struct bj_field f[BJ_MAX_FIELDS];
    int nf = bj_fields(events, i, f);
    T *stack[2] = {T_OBJ(), NULL}, *v = NULL;
    int d = 0;
    char text[20];
    for (int k = 0; k < nf; k++) {
        switch (f[k].t) {
        case BJ_U64: v = T_U64(f[k].u); break;
        case BJ_I64: v = T_I64(f[k].i); break;
        case BJ_STR: v = T_STR(f[k].s); break;
        case BJ_BYTES:
        case BJ_ADDR: bj_text(&f[k], text); v = T_STR(text); break;
        case BJ_US: v = T_REAL((double)f[k].i / 1000); break;
        case BJ_OPEN: v = stack[++d] = T_OBJ(); break;
        case BJ_CLOSE: d--; continue;
        }
        T_SET(stack[f[k].t == BJ_OPEN ? d - 1 : d], f[k].key, v);
    }
    return stack[0];
}

static int bj_tree_write(int events, uint64_t n, FILE *out, int per_item)
{
    const char *list = events ? "traceEvents" : "entries";
    int rc = 0;
    if (per_item) {
        fprintf(out, "{\"%s\": [", list);
        for (uint64_t i = 0; i < n; i++) {
            T *o = bj_tree_item(events, i);
            if (i)
                fputs(",\n", out);
            rc |= T_DUMP(o, out);
            T_FREE(o);
        }
        fputs("]}\n", out);
        return rc || ferror(out) ? -1 : 0;
    }
    T *root = T_OBJ(), *arr = T_ARR();
    T_SET(root, list, arr);
    for (uint64_t i = 0; i < n; i++)
        T_APPEND(arr, bj_tree_item(events, i));
    rc = T_DUMP(root, out) != 0 || fputc('\n', out) == EOF ? -1 : 0;
    T_FREE(root);
    return rc;
}
