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

/* Output is single-threaded: the unlocked stdio calls, and numbers and hex
 * formatted by hand (a map of 10M entries is a document of a few GB). */
static void put(struct json *j, const char *s, size_t n) { fwrite_unlocked(s, 1, n, j->out); }

static void indent(struct json *j)
{
    if (!j->pretty || (j->compact_from && j->depth >= j->compact_from))
        return;
    putc_unlocked('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        put(j, "  ", 2);
}

static void put_u64(struct json *j, uint64_t v)
{
    char buf[24];
    int n = sizeof buf;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(j, buf + n, sizeof buf - (size_t)n);
}

static void put_escaped(struct json *j, const uint8_t *s, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    putc_unlocked('"', j->out);
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            continue;
        put(j, (const char *)s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            put(j, "\\\"", 2);
            break;
        case '\\':
            put(j, "\\\\", 2);
            break;
        case '\n':
            put(j, "\\n", 2);
            break;
        case '\t':
            put(j, "\\t", 2);
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
            put(j, e, 6);
        }
        }
    }
    put(j, (const char *)s + run, len - run);
    putc_unlocked('"', j->out);
}

/* Comma, newline, and "key": before a member. */
static void member(struct json *j, const char *key)
{
    if (!j->first[j->depth]) {
        putc_unlocked(',', j->out);
        if (j->pretty && j->compact_from && j->depth >= j->compact_from)
            putc_unlocked(' ', j->out);
    }
    j->first[j->depth] = 0;
    if (j->depth > 0)
        indent(j);
    if (key != NULL) {
        put_escaped(j, (const uint8_t *)key, strlen(key));
        if (j->pretty)
            put(j, ": ", 2);
        else
            putc_unlocked(':', j->out);
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
    put_escaped(j, s, len);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
    member(j, key);
    put_u64(j, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
    member(j, key);
    if (v < 0) {
        putc_unlocked('-', j->out);
        put_u64(j, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(j, (uint64_t)v);
    }
}

void json_bool(struct json *j, const char *key, int v)
{
    member(j, key);
    if (v)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    put(j, "null", 4);
}

void json_addr(struct json *j, const char *key, uint64_t v)
{
    member(j, key);
    static const char hx[] = "0123456789abcdef";
    char buf[24];
    int n = sizeof buf;
    buf[--n] = '"';
    do {
        buf[--n] = hx[v & 15];
        v >>= 4;
    } while (v);
    buf[--n] = 'x';
    buf[--n] = '0';
    buf[--n] = '"';
    put(j, buf + n, sizeof buf - (size_t)n);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    member(j, key);
    char buf[512];
    size_t n = 0;
    buf[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (n + 3 > sizeof buf) {
            put(j, buf, n);
            n = 0;
        }
        buf[n++] = hx[p[i] >> 4];
        buf[n++] = hx[p[i] & 15];
    }
    buf[n++] = '"';
    put(j, buf, n);
}

void json_end(struct json *j)
{
    fputc('\n', j->out);
    fflush(j->out);
}
