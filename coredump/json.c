/*
 * json.c — the streaming JSON writer (see json.h).
 */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void json_init(struct json *j, FILE *out, int pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
    j->first[0] = 1;
}

static void indent(struct json *j)
{
    if (!j->pretty || (j->compact_from && j->depth >= j->compact_from))
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

static void put_escaped(FILE *o, const uint8_t *s, size_t len)
{
    fputc('"', o);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '"':
            fputs("\\\"", o);
            break;
        case '\\':
            fputs("\\\\", o);
            break;
        case '\n':
            fputs("\\n", o);
            break;
        case '\t':
            fputs("\\t", o);
            break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fprintf(o, "\\u%04x", c);
            else
                fputc(c, o);
        }
    }
    fputc('"', o);
}

/* Comma, newline, and "key": before a member. */
static void member(struct json *j, const char *key)
{
    if (!j->first[j->depth]) {
        fputc(',', j->out);
        if (j->pretty && j->compact_from && j->depth >= j->compact_from)
            fputc(' ', j->out);
    }
    j->first[j->depth] = 0;
    if (j->depth > 0)
        indent(j);
    if (key != NULL) {
        put_escaped(j->out, (const uint8_t *)key, strlen(key));
        fputs(j->pretty ? ": " : ":", j->out);
    }
}

static void open_(struct json *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->out);
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
    fputc(c, j->out);
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
    json_strn(j, key, (const uint8_t *)s, strlen(s));
}

void json_strn(struct json *j, const char *key, const uint8_t *s, size_t len)
{
    member(j, key);
    put_escaped(j->out, s, len);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
    member(j, key);
    fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, int v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    fputs("null", j->out);
}

void json_addr(struct json *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    member(j, key);
    fputc('"', j->out);
    for (size_t i = 0; i < len; i++) {
        fputc(hx[p[i] >> 4], j->out);
        fputc(hx[p[i] & 15], j->out);
    }
    fputc('"', j->out);
}

void json_end(struct json *j)
{
    fputc('\n', j->out);
    fflush(j->out);
}
