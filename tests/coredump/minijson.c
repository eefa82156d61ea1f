/*
 * minijson.c — the tests' JSON parser (see minijson.h). Recursive descent
 * with a depth limit; \uXXXX escapes above 0xff are kept as UTF-8.
 */
#include "minijson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *start, *p, *end;
    char *err;
    size_t errlen;
    int depth;
};

static struct jval *parse_value(struct parser *ps);

static void fail(struct parser *ps, const char *what)
{
    if (ps->err[0] == 0)
        snprintf(ps->err, ps->errlen, "%s at offset %td", what, ps->p - ps->start);
}

static void ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static struct jval *new_val(enum jtype t)
{
    struct jval *v = calloc(1, sizeof *v);
    if (v)
        v->type = t;
    return v;
}

static void push(struct jval *v, char *key, struct jval *item)
{
    if (v->n % 16 == 0) {
        v->items = realloc(v->items, (v->n + 16) * sizeof *v->items);
        if (v->type == J_OBJ)
            v->keys = realloc(v->keys, (v->n + 16) * sizeof *v->keys);
        if (v->items == NULL || (v->type == J_OBJ && v->keys == NULL))
            abort();
    }
    if (v->type == J_OBJ)
        v->keys[v->n] = key;
    v->items[v->n++] = item;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *parse_string(struct parser *ps, size_t *len)
{
    if (ps->p >= ps->end || *ps->p != '"') {
        fail(ps, "expected string");
        return NULL;
    }
    ps->p++;
    size_t cap = 16, n = 0;
    char *s = malloc(cap);
    while (ps->p < ps->end && *ps->p != '"') {
        if (n + 8 > cap)
            s = realloc(s, cap *= 2);
        char c = *ps->p++;
        if (c != '\\') {
            s[n++] = c;
            continue;
        }
        if (ps->p >= ps->end)
            break;
        c = *ps->p++;
        switch (c) {
        case 'n': s[n++] = '\n'; break;
        case 't': s[n++] = '\t'; break;
        case 'r': s[n++] = '\r'; break;
        case 'b': s[n++] = '\b'; break;
        case 'f': s[n++] = '\f'; break;
        case 'u': {
            if (ps->end - ps->p < 4) {
                fail(ps, "short \\u escape");
                free(s);
                return NULL;
            }
            unsigned u = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(ps->p[i]);
                if (h < 0) {
                    fail(ps, "bad \\u escape");
                    free(s);
                    return NULL;
                }
                u = u * 16 + (unsigned)h;
            }
            ps->p += 4;
            if (u < 0x100) {
                s[n++] = (char)u; /* the analyzer escapes single bytes this way */
            } else if (u < 0x800) {
                s[n++] = (char)(0xc0 | (u >> 6));
                s[n++] = (char)(0x80 | (u & 0x3f));
            } else {
                s[n++] = (char)(0xe0 | (u >> 12));
                s[n++] = (char)(0x80 | ((u >> 6) & 0x3f));
                s[n++] = (char)(0x80 | (u & 0x3f));
            }
            break;
        }
        default: s[n++] = c;
        }
    }
    if (ps->p >= ps->end) {
        fail(ps, "unterminated string");
        free(s);
        return NULL;
    }
    ps->p++;
    s[n] = 0;
    *len = n;
    return s;
}

static struct jval *parse_value(struct parser *ps)
{
    ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end");
        return NULL;
    }
    if (++ps->depth > 200) {
        fail(ps, "too deep");
        return NULL;
    }
    struct jval *v = NULL;
    char c = *ps->p;
    if (c == '{' || c == '[') {
        v = new_val(c == '{' ? J_OBJ : J_ARR);
        ps->p++;
        ws(ps);
        char close = c == '{' ? '}' : ']';
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return v;
        }
        for (;;) {
            char *key = NULL;
            if (v->type == J_OBJ) {
                ws(ps);
                size_t kl;
                key = parse_string(ps, &kl);
                if (key == NULL)
                    goto bad;
                ws(ps);
                if (ps->p >= ps->end || *ps->p != ':') {
                    free(key);
                    fail(ps, "expected ':'");
                    goto bad;
                }
                ps->p++;
            }
            struct jval *item = parse_value(ps);
            if (item == NULL) {
                free(key);
                goto bad;
            }
            push(v, key, item);
            ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
                break;
            }
            fail(ps, "expected ',' or close");
            goto bad;
        }
    } else if (c == '"') {
        v = new_val(J_STR);
        v->s = parse_string(ps, &v->slen);
        if (v->s == NULL)
            goto bad;
    } else if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
        v = new_val(J_BOOL);
        v->b = c == 't';
        ps->p += v->b ? 4 : 5;
    } else if (strncmp(ps->p, "null", 4) == 0) {
        v = new_val(J_NULL);
        ps->p += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        const char *st = ps->p;
        while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p))
            ps->p++;
        v = new_val(J_NUM);
        v->slen = (size_t)(ps->p - st);
        v->s = strndup(st, v->slen);
    } else {
        fail(ps, "unexpected character");
        return NULL;
    }
    ps->depth--;
    return v;
bad:
    json_free(v);
    return NULL;
}

struct jval *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    struct parser ps = {text, text, text + len, err, errlen, 0};
    err[0] = 0;
    struct jval *v = parse_value(&ps);
    if (v == NULL)
        return NULL;
    ws(&ps);
    if (ps.p != ps.end) {
        snprintf(err, errlen, "trailing text after the document");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(struct jval *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}

struct jval *jget(const struct jval *o, const char *key)
{
    if (o == NULL || o->type != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}

struct jval *jpath(const struct jval *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    struct jval *v = (struct jval *)o;
    for (char *save, *tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
        v = jget(v, tok);
    return v;
}

const char *jstr(const struct jval *o, const char *path, const char *def)
{
    struct jval *v = jpath(o, path);
    return v && v->type == J_STR ? v->s : def;
}

uint64_t ju64(const struct jval *o, const char *path, uint64_t def)
{
    struct jval *v = jpath(o, path);
    if (v == NULL)
        return def;
    if (v->type == J_NUM)
        return strtoull(v->s, NULL, 10);
    if (v->type == J_STR && strncmp(v->s, "0x", 2) == 0)
        return strtoull(v->s, NULL, 16);
    return def;
}

int64_t ji64(const struct jval *o, const char *path, int64_t def)
{
    struct jval *v = jpath(o, path);
    return v && v->type == J_NUM ? strtoll(v->s, NULL, 10) : def;
}

int jbool(const struct jval *o, const char *path, int def)
{
    struct jval *v = jpath(o, path);
    return v && v->type == J_BOOL ? v->b : def;
}

int jisnull(const struct jval *o, const char *path)
{
    struct jval *v = jpath(o, path);
    return v == NULL || v->type == J_NULL;
}
