/*
 * export-out.h — the buffered writer behind the file exports (chrome.c,
 * html.c): a 64 KiB buffer flushed with unlocked stdio, numbers formatted by
 * hand, and the two escapings the exports need (JSON strings that are also
 * safe inside an HTML <script> block, and HTML text). A 10M-operation model
 * is a document of about 2 GB: printf per field would dominate.
 */
#ifndef LIBMAP_VIEWER_EXPORT_OUT_H
#define LIBMAP_VIEWER_EXPORT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xo {
    FILE *f;
    size_t n;
    bool err;   /* a write failed: later output is dropped */
    uint64_t items; /* xo_item() calls since the last xo_list() */
    char buf[1 << 16];
};

void xo_init(struct xo *o, FILE *f);
void xo_put(struct xo *o, const char *s, size_t n);
void xo_flush(struct xo *o);
/* Flush and report: 0, or -1 after one line `libmap-timeline: WHAT: ...`
 * on stderr. */
int xo_finish(struct xo *o, const char *what);

static inline void xo_putc(struct xo *o, char c)
{
    if (o->n == sizeof o->buf)
        xo_flush(o);
    o->buf[o->n++] = c;
}
/* A string literal. */
#define XO_LIT(o, lit) xo_put((o), (lit), sizeof(lit) - 1)
void xo_puts(struct xo *o, const char *s);

void xo_u64(struct xo *o, uint64_t v);
void xo_i64(struct xo *o, int64_t v);
/* ns as microseconds with 3 decimals: 1234 -> 1.234, -5 -> -0.005. */
void xo_us(struct xo *o, int64_t ns);
/* 0x1f, without and with quotes. */
void xo_hex(struct xo *o, uint64_t v);
void xo_hexstr(struct xo *o, uint64_t v);
/* List items: xo_list() starts a list, xo_item() writes the separator
 * (",\n") before every item but the first. */
static inline void xo_list(struct xo *o) { o->items = 0; }
static inline void xo_item(struct xo *o)
{
    if (o->items++)
        xo_put(o, ",\n", 2);
}
/* A JSON string with its quotes. Besides JSON's own escapes, < > & / and
 * every byte outside printable ASCII become \u00XX (or \/), so the text can
 * sit in an HTML <script> block: no `</script`, no `<!--`, no URL. Bytes
 * >= 0x80 are taken as Latin-1 (procname is bytes, maybe not UTF-8). */
void xo_jstr(struct xo *o, const char *s, size_t n);
/* The same without the quotes, to build a string from parts. */
void xo_jbody(struct xo *o, const char *s, size_t n);
static inline void xo_jstrz(struct xo *o, const char *s) { xo_jstr(o, s, __builtin_strlen(s)); }
static inline void xo_jbodyz(struct xo *o, const char *s) { xo_jbody(o, s, __builtin_strlen(s)); }
/* HTML text: & < > " ' / as character references, controls dropped. */
void xo_html(struct xo *o, const char *s);

#endif /* LIBMAP_VIEWER_EXPORT_OUT_H */
