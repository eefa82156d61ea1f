/*
 * export-out.c — the exports' buffered writer (see export-out.h).
 */
#include "export-out.h"

#include <errno.h>
#include <string.h>

static const char hexd[] = "0123456789abcdef";

void xo_init(struct xo *o, FILE *f)
{
    o->f = f;
    o->n = 0;
    o->err = false;
    o->items = 0;
}

void xo_flush(struct xo *o)
{
    if (o->n && !o->err && fwrite_unlocked(o->buf, 1, o->n, o->f) != o->n)
        o->err = true;
    o->n = 0;
}

int xo_finish(struct xo *o, const char *what)
{
    xo_flush(o);
    if (!o->err && fflush(o->f) != 0)
        o->err = true;
    if (o->err || ferror(o->f)) {
        fprintf(stderr, "libmap-timeline: %s: write error: %s\n", what,
                strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

void xo_put(struct xo *o, const char *s, size_t n)
{
    if (n > sizeof o->buf - o->n) {
        xo_flush(o);
        if (n > sizeof o->buf) {
            if (!o->err && fwrite_unlocked(s, 1, n, o->f) != n)
                o->err = true;
            return;
        }
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

void xo_puts(struct xo *o, const char *s) { xo_put(o, s, strlen(s)); }

void xo_u64(struct xo *o, uint64_t v)
{
    char b[24];
    int i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    xo_put(o, b + i, sizeof b - (size_t)i);
}

void xo_i64(struct xo *o, int64_t v)
{
    if (v < 0) {
        xo_putc(o, '-');
        xo_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        xo_u64(o, (uint64_t)v);
    }
}

void xo_us(struct xo *o, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        xo_putc(o, '-');
    xo_u64(o, a / 1000);
    unsigned f = (unsigned)(a % 1000);
    char d[4] = {'.', (char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10)};
    xo_put(o, d, 4);
}

static void hex(struct xo *o, uint64_t v, bool quoted)
{
    char b[24];
    int i = sizeof b;
    if (quoted)
        b[--i] = '"';
    do {
        b[--i] = hexd[v & 15];
        v >>= 4;
    } while (v);
    b[--i] = 'x';
    b[--i] = '0';
    if (quoted)
        b[--i] = '"';
    xo_put(o, b + i, sizeof b - (size_t)i);
}

void xo_hex(struct xo *o, uint64_t v) { hex(o, v, false); }
void xo_hexstr(struct xo *o, uint64_t v) { hex(o, v, true); }

void xo_jstr(struct xo *o, const char *s, size_t n)
{
    xo_putc(o, '"');
    xo_jbody(o, s, n);
    xo_putc(o, '"');
}

void xo_jbody(struct xo *o, const char *s, size_t n)
{
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' &&
            c != '&' && c != '/')
            continue;
        xo_put(o, s + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\' || c == '/') {
            char e[2] = {'\\', (char)c};
            xo_put(o, e, 2);
        } else {
            char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            xo_put(o, e, 6);
        }
    }
    xo_put(o, s + run, n - run);
}

void xo_html(struct xo *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': XO_LIT(o, "&amp;"); break;
        case '<': XO_LIT(o, "&lt;"); break;
        case '>': XO_LIT(o, "&gt;"); break;
        case '"': XO_LIT(o, "&quot;"); break;
        case '\'': XO_LIT(o, "&#39;"); break;
        case '/': XO_LIT(o, "&#47;"); break;
        default:
            if (c >= 0x80) { /* as Latin-1, like xo_jstr: never invalid UTF-8 */
                char e[6] = {'&', '#', 'x', hexd[c >> 4], hexd[c & 15], ';'};
                xo_put(o, e, 6);
            } else if (c >= 0x20 && c != 0x7f) {
                xo_putc(o, (char)c);
            }
        }
    }
}
