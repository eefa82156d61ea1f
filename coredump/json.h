/*
 * json.h — a small streaming JSON writer: objects, arrays, escaped strings,
 * 64-bit integers, hex strings. It tracks commas and nesting so that the
 * report code reads like the document it writes.
 */
#ifndef LIBMAP_COREDUMP_JSON_H
#define LIBMAP_COREDUMP_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
    FILE *out;
    int depth;
    int first[JSON_MAX_DEPTH]; /* no member written yet at this level */
    int pretty;
    int compact_from;          /* depth from which members stay on one line, 0: none */
};

void json_init(struct json *j, FILE *out, int pretty);
/* key is NULL inside arrays. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
/* An object written on one line (entries, frames: keeps big documents small). */
void json_obj_begin_line(struct json *j, const char *key);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
/* len bytes, any values: bytes >= 0x80 and controls become \u00XX. */
void json_strn(struct json *j, const char *key, const uint8_t *s, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* "0x..." */
void json_addr(struct json *j, const char *key, uint64_t v);
/* lower-case hex of len bytes, in memory order */
void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len);
void json_end(struct json *j);

#endif
