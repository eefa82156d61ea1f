/*
 * json_out.c — the JSON writer's output layer (see json.h): the buffer,
 * the number and hex formats, the escaping rules, write errors.
 */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char hexd[] = "0123456789abcdef";

void json_init(struct json *j, FILE *f, enum json_esc esc, int pretty)
{
    j->f = f;
    j->n = 0;
    j->err = false;
    j->errnum = 0;
    j->items = 0;
    j->depth = 0;
    j->pretty = pretty;
    j->compact_from = 0;
    memset(j->first, 0, sizeof j->first);
    j->first[0] = 1;
    for (int c = 0; c < 256; c++)
        j->esc[c] = c < 0x20 || (c >= 0x7f && esc != JSON_ESC_PLAIN) ? 'u' : 0;
    j->esc['"'] = '"';
    j->esc['\\'] = '\\';
    if (esc == JSON_ESC_ASCII) {
        j->esc['\n'] = 'n';
        j->esc['\t'] = 't';
    } else if (esc == JSON_ESC_SCRIPT) {
        j->esc['<'] = j->esc['>'] = j->esc['&'] = 'u';
        j->esc['/'] = '/';
    }
}

static void write_out(struct json *j, const char *s, size_t n)
{
    if (n && !j->err && fwrite_unlocked(s, 1, n, j->f) != n) {
        j->err = true;
        j->errnum = errno ? errno : EIO;
    }
}

void json_flush(struct json *j)
{
    write_out(j, j->buf, j->n);
    j->n = 0;
}

int json_finish(struct json *j, const char *who)
{
    json_flush(j);
    if (!j->err && fflush(j->f) != 0) {
        j->err = true;
        j->errnum = errno ? errno : EIO;
    }
    if (!j->err && ferror(j->f)) {
        j->err = true;
        j->errnum = EIO;
    }
    if (j->err && who != NULL)
        fprintf(stderr, "%s: write error: %s\n", who, strerror(j->errnum));
    return j->err ? -1 : 0;
}

void json_put_slow(struct json *j, const char *s, size_t n)
{
    json_flush(j);
    if (n > sizeof j->buf) {
        write_out(j, s, n);
        return;
    }
    memcpy(j->buf + j->n, s, n);
    j->n += n;
}

void json_puts(struct json *j, const char *s) { json_put(j, s, strlen(s)); }

void json_put_fmt(struct json *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len < sizeof small) {
        json_put(j, small, (size_t)len);
        return;
    }
    char *big = malloc((size_t)len + 1);
    if (big == NULL) {
        j->err = true;
        j->errnum = ENOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)len + 1, fmt, ap);
    va_end(ap);
    json_put(j, big, (size_t)len);
    free(big);
}

void json_put_u64(struct json *j, uint64_t v)
{
    char b[24];
    int i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    json_put(j, b + i, sizeof b - (size_t)i);
}

void json_put_i64(struct json *j, int64_t v)
{
    if (v < 0) {
        json_putc(j, '-');
        json_put_u64(j, (uint64_t)0 - (uint64_t)v);
    } else {
        json_put_u64(j, (uint64_t)v);
    }
}

void json_put_us(struct json *j, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        json_putc(j, '-');
    json_put_u64(j, a / 1000);
    unsigned f = (unsigned)(a % 1000);
    char d[4] = {'.', (char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10)};
    json_put(j, d, 4);
}

static void hex(struct json *j, uint64_t v, bool quoted)
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
    json_put(j, b + i, sizeof b - (size_t)i);
}

void json_put_hex(struct json *j, uint64_t v) { hex(j, v, false); }
void json_put_hexstr(struct json *j, uint64_t v) { hex(j, v, true); }

void json_put_hexbytes(struct json *j, const uint8_t *p, size_t len)
{
    char b[512];
    size_t n = 0;
    b[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (n + 3 > sizeof b) {
            json_put(j, b, n);
            n = 0;
        }
        b[n++] = hexd[p[i] >> 4];
        b[n++] = hexd[p[i] & 15];
    }
    b[n++] = '"';
    json_put(j, b, n);
}

void json_put_str(struct json *j, const char *s, size_t n)
{
    json_putc(j, '"');
    json_put_body(j, s, n);
    json_putc(j, '"');
}

void json_put_body(struct json *j, const char *s, size_t n)
{
    size_t run = 0; /* start of the pending run of bytes written as they are */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i], e = j->esc[c];
        if (e == 0)
            continue;
        json_put(j, s + run, i - run);
        run = i + 1;
        if (e == 'u') {
            char u[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            json_put(j, u, 6);
        } else {
            char b[2] = {'\\', (char)e};
            json_put(j, b, 2);
        }
    }
    json_put(j, s + run, n - run);
}

void json_put_html(struct json *j, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': JSON_LIT(j, "&amp;"); break;
        case '<': JSON_LIT(j, "&lt;"); break;
        case '>': JSON_LIT(j, "&gt;"); break;
        case '"': JSON_LIT(j, "&quot;"); break;
        case '\'': JSON_LIT(j, "&#39;"); break;
        case '/': JSON_LIT(j, "&#47;"); break;
        default:
            if (c >= 0x80) { /* as Latin-1, like the JSON strings: never invalid UTF-8 */
                char e[6] = {'&', '#', 'x', hexd[c >> 4], hexd[c & 15], ';'};
                json_put(j, e, 6);
            } else if (c >= 0x20 && c != 0x7f) {
                json_putc(j, (char)c);
            }
        }
    }
}
