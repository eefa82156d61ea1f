/*
 * identity.c — threads and map lives by their trace identity, in two
 * libmap maps (a u64 key for threads, a 16-byte key for maps), with the
 * last hit of each tried first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "viewer.h"

/* A map's identity in the trace; pad is always 0 (the key is hashed and
 * compared as bytes). */
struct map_key {
    uint64_t addr;
    int32_t vpid;
    uint32_t pad;
};

static libmap *new_index(libmap_key_kind kind, size_t key_size)
{
    libmap_config cfg = {.key_kind = kind, .key_size = key_size, .value_size = sizeof(uint32_t)};
    libmap *t;
    if (libmap_new(&cfg, &t) != 0) {
        fputs(TL_PROG ": out of memory\n", stderr);
        abort();
    }
    return t;
}

static void put_index(int assigned)
{
    if (assigned < 0) {
        fputs(TL_PROG ": out of memory\n", stderr);
        abort();
    }
}

void tl_identity_init(struct tl_identity *id, struct tl_model *m)
{
    memset(id, 0, sizeof *id);
    id->m = m;
    id->threads = new_index(LIBMAP_KEY_U64, 0);
    id->maps = new_index(LIBMAP_KEY_BYTES, sizeof(struct map_key));
    id->locks = new_index(LIBMAP_KEY_BYTES, sizeof(struct map_key));
    id->last_thread = UINT32_MAX;
    id->last_map = UINT32_MAX;
}

void tl_identity_free(struct tl_identity *id)
{
    libmap_free(id->threads);
    libmap_free(id->maps);
    libmap_free(id->locks);
    memset(id, 0, sizeof *id);
}

static uint32_t find_thread(struct tl_identity *id, int32_t vpid, int32_t vtid)
{
    uint64_t key = (uint64_t)(uint32_t)vpid << 32 | (uint32_t)vtid;
    uint32_t idx;
    if (!libmap_lookup_u64(id->threads, key, &idx)) {
        struct tl_thread *t = tl_vec_push(&id->m->threads);
        t->vpid = vpid;
        t->vtid = vtid;
        idx = (uint32_t)(id->m->threads.len - 1);
        put_index(libmap_assign_u64(id->threads, key, &idx));
    }
    return idx;
}

uint32_t tl_identity_thread(struct tl_identity *id, int32_t vpid, int32_t vtid,
                            const char *procname)
{
    if (id->last_thread == UINT32_MAX || id->last_vpid != vpid || id->last_vtid != vtid) {
        id->last_thread = find_thread(id, vpid, vtid);
        id->last_vpid = vpid;
        id->last_vtid = vtid;
    }
    uint32_t idx = id->last_thread;
    if (procname && procname[0]) {
        struct tl_thread *t = TL_AT(id->m->threads, struct tl_thread, idx);
        if (strncmp(t->procname, procname, sizeof t->procname - 1) != 0) {
            strncpy(t->procname, procname, sizeof t->procname - 1);
            t->procname[sizeof t->procname - 1] = '\0';
        }
    }
    return idx;
}

static uint32_t new_life(struct tl_model *m, int32_t vpid, uint64_t addr, uint32_t life)
{
    struct tl_map *mp = tl_vec_push(&m->maps);
    mp->vpid = vpid;
    mp->addr = addr;
    mp->life = life;
    mp->key_kind = 0xff;
    return (uint32_t)(m->maps.len - 1);
}

static bool map_used(const struct tl_map *mp)
{
    if (mp->freed || mp->key_kind != 0xff || mp->ngrows)
        return true;
    for (int k = 0; k < TL_NKINDS; k++)
        if (mp->nops[k])
            return true;
    return false;
}

static uint32_t find_map(struct tl_identity *id, int32_t vpid, uint64_t addr, bool is_new)
{
    struct map_key key = {.addr = addr, .vpid = vpid};
    uint32_t idx;
    if (libmap_lookup(id->maps, &key, &idx)) {
        const struct tl_map *mp = TL_AT(id->m->maps, struct tl_map, idx);
        if (!mp->freed && !(is_new && map_used(mp)))
            return idx;
        idx = new_life(id->m, vpid, addr, mp->life + 1);
    } else {
        idx = new_life(id->m, vpid, addr, 0);
    }
    put_index(libmap_assign(id->maps, &key, &idx));
    return idx;
}

uint32_t tl_identity_find_map(struct tl_identity *id, int32_t vpid, uint64_t addr, bool is_new)
{
    id->last_map = find_map(id, vpid, addr, is_new);
    id->last_map_addr = addr;
    id->last_map_vpid = vpid;
    return id->last_map;
}

uint32_t tl_identity_lock(struct tl_identity *id, int32_t vpid, uint64_t addr, uint8_t kind)
{
    struct map_key key = {.addr = addr, .vpid = vpid};
    uint32_t idx;
    if (libmap_lookup(id->locks, &key, &idx) && TL_AT(id->m->locks, struct tl_lock, idx)->kind == kind)
        return idx;
    struct tl_lock *l = tl_vec_push(&id->m->locks);
    l->vpid = vpid;
    l->addr = addr;
    l->kind = kind;
    l->shards.elem = sizeof(struct tl_shard_waits);
    idx = (uint32_t)(id->m->locks.len - 1);
    put_index(libmap_assign(id->locks, &key, &idx));
    return idx;
}
