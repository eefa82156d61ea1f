/*
 * evclass.h — what the decoder knows of each babeltrace2 event class,
 * resolved once per class: which libmap event it is (docs/tracepoints.md),
 * the member index and signedness of every payload and context field it
 * needs, and its clock's frequency. A cache keyed by the class pointer
 * (a libmap map) hands the resolution out per event; the fields are then
 * read by index, never by name.
 */
#ifndef LIBMAP_VIEWER_EVCLASS_H
#define LIBMAP_VIEWER_EVCLASS_H

#include <stdbool.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>
#include <libmap/map.h>

enum tl_ev {
    EV_OTHER, EV_NEW, EV_FREE, EV_ASSIGN, EV_DELETE, EV_CLEAR, EV_GROW,
    EV_EVACUATE, EV_GROW_DONE, EV_PANIC, EV_LOOKUP, EV_ITER_INIT, EV_ITERATE,
    EV_ITER_END, EV_LOCK_WAIT, EV_N
};

/* Required payload fields per event, and optional ones (added to the
 * contract later) read as indices EVC_MAXF + i when present. */
#define EVC_MAXF 8
#define EVC_MAXOPT 4

enum { CTX_VTID, CTX_VPID, CTX_PROCNAME, CTX_N };

struct tl_evclass {
    const bt_event_class *ec;     /* referenced while cached */
    enum tl_ev ev;
    uint8_t nf;
    uint64_t fidx[EVC_MAXF + EVC_MAXOPT];
    bool fsigned[EVC_MAXF + EVC_MAXOPT];
    bool has_opt[EVC_MAXOPT];
    int64_t ctx[CTX_N];           /* member index, -1 when absent */
    bool ctx_signed[CTX_N];
    uint64_t freq;                /* clock frequency, Hz */
};

/* The resolved classes, by class pointer, and the last one handed out. */
struct tl_evclass_cache {
    libmap *by_class;             /* class pointer -> struct tl_evclass * */
    struct tl_evclass *last;
    bool warned_ctx, warned_clock;
};

void tl_evclass_cache_init(struct tl_evclass_cache *cc);
void tl_evclass_cache_free(struct tl_evclass_cache *cc);
/* The resolution of ec from the cache, made on its first event. */
const struct tl_evclass *tl_evclass_find(struct tl_evclass_cache *cc, const bt_event_class *ec);

/* The resolution of ec: the last one handed out, else from the cache. */
static inline const struct tl_evclass *tl_evclass_of(struct tl_evclass_cache *cc,
                                                     const bt_event_class *ec)
{
    return cc->last && cc->last->ec == ec ? cc->last : tl_evclass_find(cc, ec);
}

/* Payload field i (an index into the event's field list) as an integer. */
static inline uint64_t tl_evclass_field(const bt_field *payload, const struct tl_evclass *c, int i)
{
    const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(payload, c->fidx[i]);
    return c->fsigned[i] ? (uint64_t)bt_field_integer_signed_get_value(f)
                         : bt_field_integer_unsigned_get_value(f);
}

/* Payload field i as a string (the panic's message). */
static inline const char *tl_evclass_string(const bt_field *payload, const struct tl_evclass *c,
                                            int i)
{
    return bt_field_string_get_value(
        bt_field_structure_borrow_member_field_by_index_const(payload, c->fidx[i]));
}

static inline uint64_t tl_evclass_context_field(const bt_field *cx, const struct tl_evclass *c,
                                                int i)
{
    const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(cx, (uint64_t)c->ctx[i]);
    return c->ctx_signed[i] ? (uint64_t)bt_field_integer_signed_get_value(f)
                            : bt_field_integer_unsigned_get_value(f);
}

/* The vtid, vpid and procname contexts of an event (0 and NULL when the
 * trace lacks them). Inline: it runs for every event. */
static inline void tl_evclass_context(const bt_event *ev, const struct tl_evclass *c,
                                      int32_t *vpid, int32_t *vtid, const char **procname)
{
    *vpid = *vtid = 0;
    *procname = NULL;
    const bt_field *cx = bt_event_borrow_common_context_field_const(ev);
    if (!cx)
        return;
    if (c->ctx[CTX_VTID] >= 0)
        *vtid = (int32_t)tl_evclass_context_field(cx, c, CTX_VTID);
    if (c->ctx[CTX_VPID] >= 0)
        *vpid = (int32_t)tl_evclass_context_field(cx, c, CTX_VPID);
    if (c->ctx[CTX_PROCNAME] >= 0)
        *procname = bt_field_string_get_value(
            bt_field_structure_borrow_member_field_by_index_const(cx, (uint64_t)c->ctx[CTX_PROCNAME]));
}

#endif /* LIBMAP_VIEWER_EVCLASS_H */
