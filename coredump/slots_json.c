/*
 * slots_json.c — a slot's key and value as JSON members of
 * libmap-coredump's report (docs/coredump-json.md), by key kind.
 */
#include "slots_json.h"

void key_json(struct json *j, const struct slot_reader *r, const struct slot_key *k)
{
    const struct libmap_layout *d = &r->l->d;
    if (r->m->key_kind == d->key_kind_u32 || r->m->key_kind == d->key_kind_u64) {
        json_u64(j, "key", lmi_uint(r->mem, k->data, (unsigned)k->len));
    } else if (r->m->key_kind == d->key_kind_string) {
        json_strn(j, "key", k->data, (size_t)k->len);
        json_hex(j, "key_hex", k->data, (size_t)k->len);
    } else {
        json_hex(j, "key", k->data, (size_t)k->len);
        json_hex(j, "key_hex", k->data, (size_t)k->len);
    }
}

void value_json(struct json *j, const struct slot_reader *r, const uint8_t *p, uint64_t len)
{
    if (len == 1 || len == 2 || len == 4 || len == 8)
        json_u64(j, "value", lmi_uint(r->mem, p, (unsigned)len));
    json_hex(j, "value_hex", p, (size_t)len);
}
