/*
 * json_doc.c — the JSON writer's member layer (see json.h): commas, keys,
 * nesting and indentation, over the output layer of json_out.c.
 */
#include "json.h"

#include <string.h>

static void indent(struct json *j)
{
    if (!j->pretty || (j->compact_from && j->depth >= j->compact_from))
        return;
    json_putc(j, '\n');
    for (int i = 0; i < j->depth; i++)
        json_put(j, "  ", 2);
}

/* Comma, newline, and "key": before a member. */
void json_key(struct json *j, const char *key)
{
    if (!j->first[j->depth]) {
        json_putc(j, ',');
        if (j->pretty && j->compact_from && j->depth >= j->compact_from)
            json_putc(j, ' ');
    }
    j->first[j->depth] = 0;
    if (j->depth > 0)
        indent(j);
    if (key != NULL) {
        json_put_str(j, key, strlen(key));
        if (j->pretty)
            json_put(j, ": ", 2);
        else
            json_putc(j, ':');
    }
}

static void open_(struct json *j, const char *key, char c)
{
    json_key(j, key);
    json_putc(j, c);
    if (j->depth < JSON_MAX_DEPTH - 1)
        j->depth++;
    j->first[j->depth] = 1;
}

static void close_(struct json *j, char c)
{
    int empty = j->first[j->depth];
    int was_compact = j->compact_from && j->depth >= j->compact_from;
    if (j->compact_from && j->depth == j->compact_from)
        j->compact_from = 0;
    if (j->depth > 0)
        j->depth--;
    if (!empty && !was_compact)
        indent(j);
    json_putc(j, c);
}

void json_obj_begin(struct json *j, const char *key) { open_(j, key, '{'); }
void json_obj_begin_line(struct json *j, const char *key)
{
    open_(j, key, '{');
    if (j->compact_from == 0)
        j->compact_from = j->depth;
}
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j, const char *key) { open_(j, key, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }

void json_str(struct json *j, const char *key, const char *s)
{
    if (s == NULL) {
        json_null(j, key);
        return;
    }
    json_key(j, key);
    json_put_str(j, s, strlen(s));
}

void json_strn(struct json *j, const char *key, const uint8_t *s, size_t len)
{
    json_key(j, key);
    json_put_str(j, (const char *)s, len);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_put_u64(j, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
    json_key(j, key);
    json_put_i64(j, v);
}

void json_bool(struct json *j, const char *key, int v)
{
    json_key(j, key);
    if (v)
        JSON_LIT(j, "true");
    else
        JSON_LIT(j, "false");
}

void json_null(struct json *j, const char *key)
{
    json_key(j, key);
    JSON_LIT(j, "null");
}

void json_addr(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_put_hexstr(j, v);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len)
{
    json_key(j, key);
    json_put_hexbytes(j, p, len);
}

int json_end(struct json *j)
{
    json_putc(j, '\n');
    return json_finish(j, NULL);
}
