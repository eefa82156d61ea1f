/*
 * report_locks.c — the safe maps' locks in both reports: which registry
 * maps are guarded by a libmap_sync's or a libmap_shard shard's lock, who
 * holds each lock (the write holder's TID, the reader count) and, in the
 * text report, the locks held when the process died, and --all-maps with
 * each safe map's inner maps listed under it, shards in order.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "json.h"
#include "report_locks.h"

void lock_state_str(const struct lm_guard *g, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
#define ADD(...)                                                                             \
    do {                                                                                     \
        if (len < n)                                                                         \
            len += (size_t)snprintf(buf + len, n - len, __VA_ARGS__);                        \
    } while (0)
    if (!g->ok) {
        ADD("lock unreadable: %s", g->problem);
        return;
    }
    if (g->owner != 0)
        ADD("write lock held by thread %d", (int)g->owner);
    else if (g->writer == 1)
        ADD("write lock held (its holder had not stored its TID yet)");
    if (g->readers > 0)
        ADD("%s%" PRId64 " reader%s", len ? "; " : "", g->readers, g->readers == 1 ? "" : "s");
    if (g->writer_waiting == 1)
        ADD("%sa writer waits", len ? "; " : "");
    if (len == 0)
        ADD("%s", g->readers < 0 && g->writer < 0 ? "no write holder (readers not described)"
                                                   : "free");
#undef ADD
}

void guard_describe(const struct lm_guard *g, char *buf, size_t n)
{
    if (g->kind == LIBMAP_GUARD_SHARD)
        snprintf(buf, n, "libmap_shard 0x%" PRIx64 " shard %u of %u", g->parent, g->shard,
                 g->nshards);
    else
        snprintf(buf, n, "libmap_%s 0x%" PRIx64, g->kind_name, g->parent);
}

int lock_role(const struct analysis *a, int32_t tid, const char *base, char *buf, size_t n)
{
    for (size_t i = 0; i < a->nall; i++) {
        const struct lm_guard *g = &a->all[i].map.guard;
        if (a->all[i].ok && g->ok && g->owner != 0 && g->owner == tid) {
            char who[128];
            guard_describe(g, who, sizeof who);
            snprintf(buf, n, "%s%sholds the write lock of %s", base ? base : "", base ? "; " : "",
                     who);
            return 1;
        }
    }
    return 0;
}

void section_locks(struct analysis *a, FILE *o)
{
    int any = 0;
    for (size_t i = 0; i < a->nall; i++) {
        const struct lm_guard *g = &a->all[i].map.guard;
        if (!a->all[i].ok || g->addr == 0 || (g->ok && !guard_busy(g)))
            continue;
        if (!any++)
            fprintf(o, "\nsafe-map locks held:\n");
        char who[128], state[192];
        guard_describe(g, who, sizeof who);
        lock_state_str(g, state, sizeof state);
        fprintf(o, "  %s (map 0x%" PRIx64 "): %s\n", g->ok ? who : "a safe map", a->all[i].map.addr,
                state);
    }
}

/* Registry indexes of the guarded maps, by parent then shard. */
static const struct map_summary *sort_base;
static int by_parent_shard(const void *x, const void *y)
{
    const struct lm_guard *a = &sort_base[*(const size_t *)x].map.guard;
    const struct lm_guard *b = &sort_base[*(const size_t *)y].map.guard;
    if (a->parent != b->parent)
        return a->parent < b->parent ? -1 : 1;
    return a->shard < b->shard ? -1 : a->shard > b->shard;
}

size_t guarded_maps_sorted(struct analysis *a, size_t **out)
{
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < a->nall; i++)
        n += a->all[i].ok && a->all[i].map.guard.ok;
    if (n == 0 || (*out = malloc(n * sizeof **out)) == NULL)
        return 0;
    n = 0;
    for (size_t i = 0; i < a->nall; i++)
        if (a->all[i].ok && a->all[i].map.guard.ok)
            (*out)[n++] = i;
    sort_base = a->all;
    qsort(*out, n, sizeof **out, by_parent_shard);
    return n;
}

void guard_json(struct json *j, const struct lm_guard *g)
{
    if (g->addr == 0) {
        json_null(j, "guard");
        return;
    }
    json_obj_begin(j, "guard");
    json_addr(j, "lock", g->addr);
    json_bool(j, "ok", g->ok);
    if (!g->ok) {
        json_str(j, "error", g->problem);
        json_obj_end(j);
        return;
    }
    json_str(j, "kind", g->kind_name);
    json_addr(j, "parent", g->parent);
    json_u64(j, "shard", g->shard);
    json_u64(j, "shards", g->nshards);
    json_i64(j, "write_owner_tid", g->owner);
    if (g->writer < 0)
        json_null(j, "write_locked");
    else
        json_bool(j, "write_locked", g->writer);
    if (g->writer_waiting < 0)
        json_null(j, "writer_waiting");
    else
        json_bool(j, "writer_waiting", g->writer_waiting);
    if (g->readers < 0)
        json_null(j, "readers");
    else
        json_i64(j, "readers", g->readers);
    json_obj_end(j);
}
