/*
 * evclass.c — resolves an event class once (which libmap event, where its
 * fields are) and caches the result by class pointer in a libmap map. The
 * per-event readers are inline in evclass.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evclass.h"
#include "viewer.h"

/* The payload fields each event needs, in the order the decoder reads them
 * (docs/tracepoints.md); field 0 is the map the event is about. */
static const struct evdesc {
    const char *name;
    const char *fields[EVC_MAXF];
} evdescs[EV_N] = {
    [EV_NEW] = {"libmap:new", {"map", "key_kind", "value_size", "B"}},
    [EV_FREE] = {"libmap:free", {"map", "count"}},
    [EV_ASSIGN] = {"libmap:assign", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_DELETE] = {"libmap:delete", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_CLEAR] = {"libmap:clear", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_GROW] = {"libmap:grow", {"map", "old_B", "new_B", "same_size", "count"}},
    [EV_EVACUATE] = {"libmap:evacuate", {"map", "oldbucket", "nevacuate", "noldbuckets"}},
    [EV_GROW_DONE] = {"libmap:grow_done", {"map", "B", "count"}},
    [EV_PANIC] = {"libmap:panic", {"map", "kind", "message", "op", "tid", "writer_op",
                                   "writer_tid", "writer_held"}},
    [EV_LOOKUP] = {"libmap:lookup", {"map", "hash", "found"}},
    [EV_ITER_INIT] = {"libmap:iter_init", {"map"}},
    [EV_ITERATE] = {"libmap:iterate", {"map"}},
    [EV_ITER_END] = {"libmap:iter_end", {"map"}},
    /* "inner" first: the map every event's field 0 names is the inner map
     * (the safe map itself is field 1) */
    [EV_LOCK_WAIT] = {"libmap:lock_wait", {"inner", "map", "kind", "shard", "waited_ns", "mode"}},
};

static const char *const optfields[EV_N][EVC_MAXOPT] = {
    [EV_ASSIGN] = {"seq"},
    [EV_DELETE] = {"seq"},
    [EV_CLEAR] = {"seq"},
    [EV_PANIC] = {"detect_ns", "at_end", "writer_done", "writer_seq"},
};

static const char *const ctx_names[CTX_N] = {"vtid", "vpid", "procname"};

static void out_of_memory(void)
{
    fputs(TL_PROG ": out of memory\n", stderr);
    abort();
}

void tl_evclass_cache_init(struct tl_evclass_cache *cc)
{
    memset(cc, 0, sizeof *cc);
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(struct tl_evclass *)};
    if (libmap_new(&cfg, &cc->by_class) != 0)
        out_of_memory();
}

void tl_evclass_cache_free(struct tl_evclass_cache *cc)
{
    if (!cc->by_class)
        return;
    libmap_iter it;
    void *value;
    libmap_iter_init(&it, cc->by_class);
    while (libmap_iter_next(&it, NULL, &value)) {
        struct tl_evclass *c = *(struct tl_evclass **)value;
        bt_event_class_put_ref(c->ec);
        free(c);
    }
    libmap_free(cc->by_class);
    memset(cc, 0, sizeof *cc);
}

/* The index of the member `name` of structure class st, if it is an
 * integer (a string when want_string). */
static bool member_index(const bt_field_class *st, const char *name, uint64_t *idx,
                         bool *is_signed, bool want_string)
{
    if (!st || bt_field_class_get_type(st) != BT_FIELD_CLASS_TYPE_STRUCTURE)
        return false;
    uint64_t n = bt_field_class_structure_get_member_count(st);
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *mb =
            bt_field_class_structure_borrow_member_by_index_const(st, i);
        if (strcmp(bt_field_class_structure_member_get_name(mb), name) != 0)
            continue;
        bt_field_class_type t =
            bt_field_class_get_type(bt_field_class_structure_member_borrow_field_class_const(mb));
        if (want_string) {
            if (t != BT_FIELD_CLASS_TYPE_STRING)
                return false;
        } else if (!bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER)) {
            return false;
        }
        *idx = i;
        *is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
        return true;
    }
    return false;
}

static enum tl_ev event_of_name(const char *name)
{
    for (int e = 1; name && e < EV_N; e++)
        if (strcmp(name, evdescs[e].name) == 0)
            return (enum tl_ev)e;
    return EV_OTHER;
}

/* The payload's required fields (false, after a warning, when one is
 * missing) and optional ones. */
static bool resolve_payload(struct tl_evclass *c, const char *name)
{
    const bt_field_class *pl = bt_event_class_borrow_payload_field_class_const(c->ec);
    const char *const *fields = evdescs[c->ev].fields;
    for (c->nf = 0; c->nf < EVC_MAXF && fields[c->nf]; c->nf++) {
        bool want_string = strcmp(fields[c->nf], "message") == 0;
        if (!member_index(pl, fields[c->nf], &c->fidx[c->nf], &c->fsigned[c->nf],
                          want_string)) {
            fprintf(stderr, TL_PROG ": warning: event %s has no usable field '%s'; "
                    "its events are ignored\n", name, fields[c->nf]);
            return false;
        }
    }
    for (int i = 0; i < EVC_MAXOPT && optfields[c->ev][i]; i++)
        c->has_opt[i] = member_index(pl, optfields[c->ev][i], &c->fidx[EVC_MAXF + i],
                                     &c->fsigned[EVC_MAXF + i], false);
    return true;
}

static void resolve_context(struct tl_evclass_cache *cc, struct tl_evclass *c,
                            const bt_stream_class *sc)
{
    const bt_field_class *cx = bt_stream_class_borrow_event_common_context_field_class_const(sc);
    for (int i = 0; i < CTX_N; i++) {
        uint64_t idx;
        c->ctx[i] = member_index(cx, ctx_names[i], &idx, &c->ctx_signed[i], i == CTX_PROCNAME)
                        ? (int64_t)idx : -1;
    }
    if ((c->ctx[CTX_VTID] < 0 || c->ctx[CTX_VPID] < 0) && !cc->warned_ctx) {
        fprintf(stderr, TL_PROG ": warning: events lack the vtid/vpid contexts "
                "(record with libmap-record, or lttng add-context --type=vtid --type=vpid "
                "--type=procname); threads cannot be told apart\n");
        cc->warned_ctx = true;
    }
}

static bool resolve_clock(struct tl_evclass_cache *cc, struct tl_evclass *c,
                          const bt_stream_class *sc, const char *name)
{
    const bt_clock_class *ck = bt_stream_class_borrow_default_clock_class_const(sc);
    if (!ck) {
        if (!cc->warned_clock)
            fprintf(stderr, TL_PROG ": warning: stream of %s has no clock; its events "
                    "are ignored\n", name);
        cc->warned_clock = true;
        return false;
    }
    c->freq = bt_clock_class_get_frequency(ck);
    return true;
}

static struct tl_evclass *resolve(struct tl_evclass_cache *cc, const bt_event_class *ec)
{
    struct tl_evclass *c = calloc(1, sizeof *c);
    if (!c)
        out_of_memory();
    c->ec = ec;
    bt_event_class_get_ref(ec);
    const char *name = bt_event_class_get_name(ec);
    c->ev = event_of_name(name);
    if (c->ev == EV_OTHER)
        return c;
    const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(ec);
    if (!resolve_payload(c, name)) {
        c->ev = EV_OTHER;
        return c;
    }
    resolve_context(cc, c, sc);
    if (!resolve_clock(cc, c, sc, name))
        c->ev = EV_OTHER;
    return c;
}

const struct tl_evclass *tl_evclass_find(struct tl_evclass_cache *cc, const bt_event_class *ec)
{
    uint64_t key = (uint64_t)(uintptr_t)ec;
    struct tl_evclass *c;
    if (!libmap_lookup_u64(cc->by_class, key, &c)) {
        c = resolve(cc, ec);
        if (libmap_assign_u64(cc->by_class, key, &c) < 0)
            out_of_memory();
    }
    cc->last = c;
    return c;
}
