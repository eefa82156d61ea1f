/*
 * slots.c — keys and values of bucket slots (see slots.h).
 */
#include "slots.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void slots_init(struct slot_reader *r, const struct lm_map *m, const struct lm_layout *l,
                struct lmi_mem *mem)
{
    memset(r, 0, sizeof *r);
    r->m = m;
    r->l = l;
    r->mem = mem;
    r->inline_keys = m->key_kind != l->d.key_kind_string && !m->indirect_key;
    r->budget = 2 * mem->extent + SLOT_BUDGET_EXTRA;
}

void slots_free(struct slot_reader *r)
{
    free(r->kbuf);
    free(r->vbuf);
    r->kbuf = r->vbuf = NULL;
    r->kcap = r->vcap = 0;
}

static uint8_t *reserve(uint8_t **buf, size_t *cap, uint64_t n)
{
    if (n == 0)
        n = 1;
    if (n > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < n)
            c *= 2;
        uint8_t *nb = realloc(*buf, c);
        if (nb == NULL)
            return NULL;
        *buf = nb;
        *cap = c;
    }
    return *buf;
}

/* Read len bytes at ptr (an allocation the slot points to). */
static const uint8_t *deref(struct slot_reader *r, uint8_t **buf, size_t *cap, uint64_t ptr,
                            uint64_t len, struct lmi_fault *f, char *why, size_t whylen,
                            const char *what)
{
    if (len > SLOT_MAX_BYTES) {
        snprintf(why, whylen, "%s length %" PRIu64 " is implausible", what, len);
        f->status = LMI_OK;
        f->addr = ptr;
        return NULL;
    }
    if (len == 0)
        return (const uint8_t *)"";
    if (len > r->budget) {
        snprintf(why, whylen, "%s not read: too many bytes behind pointers already read "
                 "(damaged lengths?)", what);
        f->status = LMI_NOT_SAVED;
        f->addr = ptr;
        return NULL;
    }
    r->budget -= len;
    if (ptr == 0) {
        snprintf(why, whylen, "%s pointer is NULL", what);
        f->status = LMI_OK;
        f->addr = 0;
        return NULL;
    }
    uint8_t *scratch = reserve(buf, cap, len);
    if (scratch == NULL) {
        snprintf(why, whylen, "out of memory reading %s", what);
        f->status = LMI_OK;
        f->addr = ptr;
        return NULL;
    }
    const uint8_t *p = lmi_get(r->mem, ptr, len, scratch, f);
    if (p == NULL)
        snprintf(why, whylen, "%s bytes at 0x%" PRIx64 " are %s", what, f->addr,
                 lmi_status_str(f->status));
    return p;
}

int slot_key(struct slot_reader *r, const uint8_t *b, unsigned i, struct slot_key *k)
{
    const struct lm_map *m = r->m;
    const struct libmap_layout *d = &r->l->d;
    const uint8_t *ks = b + m->key_offset + (uint64_t)i * m->key_slot;
    k->why[0] = 0;
    k->ptr = 0;
    if (m->key_kind == d->key_kind_string) {
        k->ptr = lmi_uint(r->mem, ks + d->str_ptr, r->l->ptr);
        k->len = lmi_uint(r->mem, ks + d->str_len, r->l->ptr);
        k->data = deref(r, &r->kbuf, &r->kcap, k->ptr, k->len, &k->fault, k->why, sizeof k->why,
                        "string key");
    } else if (m->indirect_key) {
        k->ptr = lmi_uint(r->mem, ks, r->l->ptr);
        k->len = m->key_size;
        k->data = deref(r, &r->kbuf, &r->kcap, k->ptr, k->len, &k->fault, k->why, sizeof k->why,
                        "indirect key");
    } else {
        k->data = ks;
        k->len = m->key_slot;
    }
    return k->data != NULL ? 0 : -1;
}

int slot_value(struct slot_reader *r, const uint8_t *b, unsigned i, const uint8_t **p,
               uint64_t *len, struct lmi_fault *f, char *why, size_t whylen)
{
    const struct lm_map *m = r->m;
    const uint8_t *vs = b + m->value_offset + (uint64_t)i * m->value_slot;
    *len = m->value_size;
    if (!m->indirect_value) {
        *p = vs;
        return 0;
    }
    uint64_t ptr = lmi_uint(r->mem, vs, r->l->ptr);
    *p = deref(r, &r->vbuf, &r->vcap, ptr, m->value_size, f, why, whylen, "indirect value");
    return *p != NULL ? 0 : -1;
}

static void print_hex(FILE *o, const uint8_t *p, uint64_t len, size_t max)
{
    uint64_t n = len < max ? len : max;
    for (uint64_t i = 0; i < n; i++)
        fprintf(o, "%02x", p[i]);
    if (n < len)
        fprintf(o, "... (%" PRIu64 " bytes)", len);
}

void key_print(FILE *o, const struct slot_reader *r, const struct slot_key *k, size_t max)
{
    const struct libmap_layout *d = &r->l->d;
    if (k->data == NULL) {
        fprintf(o, "<%s>", k->why);
        return;
    }
    if (r->m->key_kind == d->key_kind_u32 || r->m->key_kind == d->key_kind_u64) {
        fprintf(o, "%" PRIu64, lmi_uint(r->mem, k->data, (unsigned)k->len));
    } else if (r->m->key_kind == d->key_kind_string) {
        uint64_t n = k->len < max ? k->len : max;
        fputc('"', o);
        for (uint64_t i = 0; i < n; i++) {
            uint8_t c = k->data[i];
            if (c == '"' || c == '\\')
                fprintf(o, "\\%c", c);
            else if (c < 0x20 || c >= 0x7f)
                fprintf(o, "\\x%02x", c);
            else
                fputc(c, o);
        }
        fputc('"', o);
        if (n < k->len)
            fprintf(o, "... (%" PRIu64 " bytes)", k->len);
    } else {
        fputs("0x", o);
        print_hex(o, k->data, k->len, max);
    }
}

void value_print(FILE *o, const struct slot_reader *r, const uint8_t *p, uint64_t len, size_t max)
{
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        fprintf(o, "%" PRIu64, lmi_uint(r->mem, p, (unsigned)len));
        return;
    }
    if (len == 0) {
        fputs("(set)", o);
        return;
    }
    fputs("0x", o);
    print_hex(o, p, len, max);
}
