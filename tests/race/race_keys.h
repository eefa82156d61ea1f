/*
 * race_keys.h — every key kind the race tests cover, with one way to build
 * a map of that kind and to assign, delete and look up key number i through
 * either the typed fast path or the generic entry point.
 */
#ifndef RACE_KEYS_H
#define RACE_KEYS_H

#include <stdbool.h>

#include <libmap/map.h>

enum race_key_kind {
    RK_U32,       /* LIBMAP_KEY_U32, u64 values */
    RK_U64,       /* LIBMAP_KEY_U64, u64 values */
    RK_U64_SET,   /* LIBMAP_KEY_U64, no values */
    RK_STRING,    /* LIBMAP_KEY_STRING */
    RK_BYTES,     /* 16-byte keys, default hash and equality */
    RK_BYTES_CB,  /* 12-byte keys, user hash and equality callbacks */
    RK_BYTES_BIG, /* 200-byte keys and 160-byte values, both stored indirectly */
    RK_COUNT
};

const char *rk_name(enum race_key_kind k);
/* Whether the kind has typed entry points (u32, u64, string). */
bool rk_has_typed(enum race_key_kind k);
libmap *rk_new_map(enum race_key_kind k);
/* Operations on key number i; typed selects the fast path when there is one. */
int rk_assign(libmap *m, enum race_key_kind k, unsigned i, bool typed);
int rk_delete(libmap *m, enum race_key_kind k, unsigned i, bool typed);
bool rk_lookup(libmap *m, enum race_key_kind k, unsigned i, bool typed);

#endif /* RACE_KEYS_H */
