/*
 * addrset.c — the address set on a libmap map (see addrset.h). The map
 * comes from the inspector's private copy of libmap, whose global symbols
 * are renamed lmimap_* (inspect/CMakeLists.txt): the names below say so,
 * so that this code never calls (nor is interposed by) a libmap the
 * program links itself.
 */
#define libmap_new lmimap_libmap_new
#define libmap_free lmimap_libmap_free
#define libmap_assign_u64 lmimap_libmap_assign_u64
#define libmap_lookup_u64 lmimap_libmap_lookup_u64
#define libmap_iter_init lmimap_libmap_iter_init
#define libmap_iter_next lmimap_libmap_iter_next
#define libmap_iter_done lmimap_libmap_iter_done
#include <libmap/map.h>

#include "addrset.h"

#include <string.h>

_Static_assert(sizeof(libmap_iter) <= sizeof(struct addrset_iter),
               "struct addrset_iter must hold a libmap_iter");

void addrset_init(struct addrset *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->max = max;
}

/* A hint beyond this is not taken up front (a damaged noverflow could ask
 * for terabytes): the map grows on demand past it, up to max. */
#define ADDRSET_MAX_HINT ((size_t)1 << 22)

void addrset_reserve(struct addrset *s, size_t n)
{
    if (n > s->max)
        n = s->max;
    s->hint = n < ADDRSET_MAX_HINT ? n : ADDRSET_MAX_HINT;
}

void addrset_free(struct addrset *s)
{
    libmap_free(s->m);
    memset(s, 0, sizeof *s);
}

/* The map, with room for the hint when that much memory is to be had. */
static int create(struct addrset *s)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t),
                       .hint = s->hint};
    if (libmap_new(&c, &s->m) == 0)
        return 0;
    c.hint = 0;
    return libmap_new(&c, &s->m) == 0 ? 0 : -1;
}

int addrset_put(struct addrset *s, uint64_t addr, uint64_t val, uint64_t *old)
{
    if (addr == 0)
        return -1;
    if (s->m != NULL) {
        uint64_t v;
        if (libmap_lookup_u64(s->m, addr, &v)) {
            if (old != NULL)
                *old = v;
            return 1;
        }
    }
    if (s->len >= s->max)
        return -1;
    if (s->m == NULL && create(s) != 0)
        return -1;
    if (libmap_assign_u64(s->m, addr, &val) != LIBMAP_INSERTED)
        return -1;
    s->len++;
    return 0;
}

void addrset_iter_init(struct addrset_iter *it, struct addrset *s)
{
    libmap_iter *li = (libmap_iter *)(void *)it->opaque;
    memset(it, 0, sizeof *it); /* li->map stays NULL for an empty set */
    if (s->m != NULL)
        libmap_iter_init(li, s->m);
}

int addrset_next(struct addrset_iter *it, uint64_t *addr, uint64_t *val)
{
    libmap_iter *li = (libmap_iter *)(void *)it->opaque;
    const void *k;
    void *v;
    if (li->map == NULL || !libmap_iter_next(li, &k, &v))
        return 0;
    memcpy(addr, k, sizeof *addr);
    memcpy(val, v, sizeof *val);
    return 1;
}
