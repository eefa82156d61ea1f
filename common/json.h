/*
 * json.h — the suite's one JSON writer, used by libmap-coredump --json,
 * libmap-timeline (--json, --chrome, --html) and bench-report --json.
 * It streams: nothing is kept but a 64 KiB buffer, so a document of a
 * 10M-entry map or a 10M-event trace (a few GB) is written in constant
 * memory (figures against json-c and jansson: docs/performance.md, "One
 * JSON writer (issue 13)").
 *
 * Two layers on one struct json:
 * - output (json_out.c): the buffer, flushed with unlocked stdio; numbers
 *   and hex formatted by hand; strings escaped by the writer's rule (enum
 *   json_esc); a failed write is remembered, later output is dropped, and
 *   json_finish() reports it.
 * - members (json_doc.c): objects and arrays that track commas, nesting
 *   and indentation, so that report code reads like the document it writes.
 * One thread writes one document: no locking.
 */
#ifndef LIBMAP_COMMON_JSON_H
#define LIBMAP_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

/* How strings are escaped. All three escape " and \ with a backslash and
 * write the other bytes below 0x20 as \u00XX; they differ in the rest. */
enum json_esc {
    /* every other byte as is (libmap-timeline --json, bench-report) */
    JSON_ESC_PLAIN,
    /* \n and \t short; 0x7f and above as \u00XX, as Latin-1: the document
     * is ASCII whatever the bytes (libmap-coredump: keys are any bytes) */
    JSON_ESC_ASCII,
    /* as ASCII with no short forms, plus < > & as \u00XX and / as \/, so
     * the text can sit in an HTML <script> block: no `</script`, no `<!--`
     * (libmap-timeline --chrome, --html) */
    JSON_ESC_SCRIPT,
};

struct json {
    FILE *f;
    size_t n;                  /* bytes in buf */
    bool err;                  /* a write failed: later output is dropped */
    int errnum;                /* its errno */
    uint64_t items;            /* json_item() calls since json_list() */
    int depth;
    int pretty;
    int compact_from;          /* depth from which members stay on one line, 0: none */
    unsigned char first[JSON_MAX_DEPTH]; /* no member written yet at this level */
    unsigned char esc[256];    /* per byte: 0 as is, 'u' \u00XX, else \ and this */
    char buf[1 << 16];
};

/* pretty: members on their own lines, indented by two spaces, ": " after
 * keys; else one line, ":" after keys. */
void json_init(struct json *j, FILE *f, enum json_esc esc, int pretty);

/* ---- output (json_out.c) ---- */

void json_flush(struct json *j);
/* json_put() when the bytes do not fit in the buffer. */
void json_put_slow(struct json *j, const char *s, size_t n);
static inline void json_put(struct json *j, const char *s, size_t n)
{
    if (n > sizeof j->buf - j->n) {
        json_put_slow(j, s, n);
        return;
    }
    __builtin_memcpy(j->buf + j->n, s, n);
    j->n += n;
}
static inline void json_putc(struct json *j, char c)
{
    if (j->n == sizeof j->buf)
        json_flush(j);
    j->buf[j->n++] = c;
}
/* A string literal. */
#define JSON_LIT(j, lit) json_put((j), (lit), sizeof(lit) - 1)
void json_puts(struct json *j, const char *s);
/* printf into the buffer (doubles: "%.1f", "%.6g"). */
void json_put_fmt(struct json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flush the buffer and the FILE: 0, or -1 when a write failed, after one
 * line `WHO: write error: REASON` on stderr if who is not NULL. */
int json_finish(struct json *j, const char *who);

void json_put_u64(struct json *j, uint64_t v);
void json_put_i64(struct json *j, int64_t v);
/* ns as microseconds with 3 decimals: 1234 -> 1.234, -5 -> -0.005. */
void json_put_us(struct json *j, int64_t ns);
/* 0x1f, without and with quotes. */
void json_put_hex(struct json *j, uint64_t v);
void json_put_hexstr(struct json *j, uint64_t v);
/* "..." lower-case hex of len bytes, in memory order. */
void json_put_hexbytes(struct json *j, const uint8_t *p, size_t len);
/* A string with its quotes, escaped by the writer's rule; the body alone,
 * to build a string from parts. */
void json_put_str(struct json *j, const char *s, size_t n);
void json_put_body(struct json *j, const char *s, size_t n);
static inline void json_put_strz(struct json *j, const char *s)
{
    json_put_str(j, s, __builtin_strlen(s));
}
static inline void json_put_bodyz(struct json *j, const char *s)
{
    json_put_body(j, s, __builtin_strlen(s));
}
/* HTML text (the --html page around the JSON): & < > " ' / as character
 * references, bytes >= 0x80 as Latin-1 references, controls dropped. */
void json_put_html(struct json *j, const char *s);

/* Hand-laid lists: json_list() starts one, json_item() writes ",\n"
 * before every item but the first. */
static inline void json_list(struct json *j) { j->items = 0; }
static inline void json_item(struct json *j)
{
    if (j->items++)
        json_put(j, ",\n", 2);
}

/* ---- members (json_doc.c); key is NULL inside arrays ---- */

void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
/* An object written on one line (entries, frames: keeps big documents small). */
void json_obj_begin_line(struct json *j, const char *key);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
/* NULL is written as null. */
void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const uint8_t *s, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* "0x..." */
void json_addr(struct json *j, const char *key, uint64_t v);
/* "..." lower-case hex of len bytes, in memory order */
void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len);
/* A member whose value the caller writes with the output layer
 * (json_put_us, json_put_fmt, ...). */
void json_key(struct json *j, const char *key);
/* The final newline, then json_finish(j, NULL). */
int json_end(struct json *j);

#endif /* LIBMAP_COMMON_JSON_H */
