/*
 * minijson.h — a small JSON parser for the tests: parses a whole document
 * into a tree (objects keep member order), with lookups by key and path.
 * Numbers keep their text so that 64-bit integers compare exactly.
 */
#ifndef LIBMAP_TEST_MINIJSON_H
#define LIBMAP_TEST_MINIJSON_H

#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
    enum jtype type;
    int b;
    char *s;            /* J_STR (decoded, may hold NUL: slen) and J_NUM (text) */
    size_t slen;
    struct jval **items; /* J_ARR, J_OBJ values */
    char **keys;         /* J_OBJ */
    size_t n;
};

/* NULL on a syntax error (err gets a message). */
struct jval *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct jval *v);

/* Member of an object, NULL when absent or not an object. */
struct jval *jget(const struct jval *o, const char *key);
/* Dotted path: "map.growth.state"; NULL when absent. */
struct jval *jpath(const struct jval *o, const char *path);
/* Conveniences; def when absent or of another type. */
const char *jstr(const struct jval *o, const char *path, const char *def);
uint64_t ju64(const struct jval *o, const char *path, uint64_t def);
int64_t ji64(const struct jval *o, const char *path, int64_t def);
int jbool(const struct jval *o, const char *path, int def);
int jisnull(const struct jval *o, const char *path);

#endif
