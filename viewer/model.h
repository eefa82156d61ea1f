/*
 * model.h — libmap-timeline's in-memory model of a libmap trace: the
 * threads, maps, operations (as time intervals), growth phases, instants,
 * the panic and the safe maps' lock waits (locks.c), decoded from the
 * events of docs/tracepoints.md. The babeltrace2
 * sink fills it (decode.c), analysis.c derives the race report, overlapping
 * writes and the summary, and every output (terminal view, race report,
 * summary, --chrome, --html, --json) reads it and nothing else.
 *
 * The model depends on neither: the decoder writes into it, and the
 * analysis follows it as an observer (struct tl_model_observer), told of
 * every operation and panic the decoder records.
 *
 * Times are signed nanoseconds from the clock's origin (the Unix epoch for
 * LTTng traces): babeltrace2's ns-from-origin of the event for the end of an
 * operation, and `start_ns + clock offset` for its start (docs/tracepoints.md,
 * "Time"). Operations without a start time (lookups, iteration steps) are
 * intervals of length 0.
 *
 * Indices, not pointers, link the records (ops to threads and maps), so the
 * vectors may grow freely. A map is identified by (vpid, address, life): an
 * address reused after `libmap:free` starts a new life.
 */
#ifndef LIBMAP_VIEWER_MODEL_H
#define LIBMAP_VIEWER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmap/debug.h> /* the operation and panic-kind codes the events carry */

/* Operation kinds. The first five are libmap's `enum libmap_op` codes, which
 * the panic event's `op` and `writer_op` fields carry; the viewer's own
 * kinds follow them. */
enum tl_kind {
    TL_ASSIGN = LIBMAP_OP_ASSIGN,
    TL_DELETE = LIBMAP_OP_DELETE,
    TL_CLEAR = LIBMAP_OP_CLEAR,
    TL_LOOKUP = LIBMAP_OP_LOOKUP,
    TL_ITERATE = LIBMAP_OP_ITERATE, /* one libmap:iterate step */
    TL_ITER_INIT = LIBMAP_NOPS,
    TL_ITER_END,
    TL_NEW,
    TL_FREE,
    TL_NKINDS
};

const char *tl_kind_name(enum tl_kind k); /* "assign", "delete", ... */
static inline bool tl_kind_is_write(int k) { return k >= TL_ASSIGN && k <= TL_CLEAR; }

/* A growable array of fixed-size records. */
struct tl_vec {
    void *data;
    size_t len, cap, elem;
};

struct tl_thread {
    int32_t vpid, vtid;
    char procname[17];
    uint64_t nops[TL_NKINDS]; /* operations of each kind on this thread */
};

struct tl_map {
    int32_t vpid;
    uint32_t life;        /* 0 for the first map at this address, then 1, ... */
    uint64_t addr;
    bool freed;
    uint8_t key_kind;     /* from libmap:new, 0xff if the trace missed it */
    uint64_t value_size;
    uint64_t nops[TL_NKINDS];
    uint32_t ngrows, nsame_size_grows;
    uint64_t nevacuations;
    uint64_t last_count;  /* entries after its last traced write */
    uint8_t last_B;
};

/* An operation: a write's interval [start, end], or an instant (start == end)
 * for lookups, iteration events, new and free. */
struct tl_op {
    int64_t start, end;
    uint64_t hash;        /* write and lookup events; 0 otherwise */
    uint64_t count;       /* entries after a write */
    uint32_t seq;         /* a write's sequence in the writer word (TL_OP_SEQ) */
    uint32_t thread;      /* index in tl_model.threads */
    uint32_t map;         /* index in tl_model.maps */
    uint8_t kind;         /* enum tl_kind */
    int8_t result;        /* write result (1 inserted/deleted, 0, <0 error); lookup found */
    uint8_t B;
    uint8_t flags;        /* TL_OP_* below (added by the decoder/analysis) */
};

/* tl_op.flags */
#define TL_OP_SYNTH 1     /* no event in the trace: made from the panic event
                           * (a write detected on entry, or a writer whose
                           * event never completed); start == end == panic ts */
#define TL_OP_PANIC 2     /* one of the two operations the panic names */
#define TL_OP_SEQ 4       /* seq is known (write events of traces that have it) */

/* A growth phase: libmap:grow to libmap:grow_done on one map. */
struct tl_grow {
    int64_t start, end;   /* end = -1: not finished within the trace */
    uint32_t map, thread; /* thread: the one whose assign started it */
    uint8_t old_B, new_B;
    bool same_size;
    uint64_t count;       /* entries when it started */
    uint64_t noldbuckets;
    uint64_t nevacuated;  /* evacuate events seen for it */
};

/* One libmap:evacuate, kept for the views (progress marks). */
struct tl_evac {
    int64_t ts;
    uint32_t map, thread, grow; /* grow: index in tl_model.grows */
    uint64_t oldbucket, nevacuate, noldbuckets;
};

struct tl_panic {
    bool present;
    int64_t ts;
    uint32_t thread, map;         /* thread: the detecting thread's lane */
    uint32_t kind;                /* enum libmap_panic_kind */
    char message[64];
    uint8_t op, writer_op;        /* enum tl_kind codes 1..5 */
    int32_t tid, writer_tid;
    uint32_t writer_thread;       /* lane of writer_tid, UINT32_MAX when unknown */
    bool writer_held;
    /* from the event's detect_ns and at_end fields (libmap 0.1 traces made
     * before these fields existed lack them: has_detect false) */
    bool has_detect;
    int64_t detect;               /* ns from origin: when the access was detected */
    bool at_end;                  /* detected at the end of the detecting thread's own write */
    /* writer_done (newer traces): the writer's colliding write was over,
     * its event out, when the panic event was emitted */
    bool has_writer_done, writer_done;
    /* writer_seq (newer traces): the write sequence of the word the check
     * found, naming the colliding write: the writer's write event on the
     * map with that seq */
    bool has_writer_seq;
    uint32_t writer_seq;
    /* --- filled by tl_analyze --- */
    uint64_t det_op, writer_op_idx; /* the colliding operations (indices in
                                     * ops), TL_NONE when the trace has none */
    uint8_t writer_verdict;       /* enum tl_writer_verdict */
};

/* What the trace says of the writer's colliding write (tl_panic). */
enum tl_writer_verdict {
    TL_WRITER_UNKNOWN = 0,    /* the panic names no writer thread */
    TL_WRITER_EVENT = 1,      /* its write completed: writer_op_idx is its event */
    TL_WRITER_UNFINISHED = 2, /* still writing when the panic was reported, no event */
    TL_WRITER_NO_EVENT = 3,   /* the trace holds no event of it (lost, or not traced) */
};

/* Contention (libmap:lock_wait): a thread waited for the lock of a
 * libmap_sync or of one shard of a libmap_shard. The event's `inner` (the
 * map the lock guards, a libmap with its own events) is the wait's map;
 * the safe map itself (the event's `map`) is a tl_lock. */
enum tl_wait_mode { TL_WAIT_READ = 0, TL_WAIT_WRITE = 1 };

/* Count, total and longest of some waits, in all and per mode. */
struct tl_wait_stats {
    uint64_t n, total_ns, max_ns;
    uint64_t n_mode[2], total_mode[2], max_mode[2]; /* by enum tl_wait_mode */
};

/* One shard's waits (a libmap_sync has one, shard 0). */
struct tl_shard_waits {
    uint32_t map;             /* the inner map (index in maps), UINT32_MAX: none seen */
    struct tl_wait_stats st;
};

/* A libmap_sync or libmap_shard, by (vpid, address), with its waits. */
struct tl_lock {
    int32_t vpid;
    uint64_t addr;
    uint8_t kind;             /* 1 libmap_sync, 2 libmap_shard (the event's kind) */
    struct tl_wait_stats st;
    struct tl_vec shards;     /* struct tl_shard_waits, by shard index (up to the
                               * highest seen; n == 0: no wait on it) */
    uint64_t nbad_shards;     /* waits naming a shard >= TL_MAX_SHARDS (not per shard) */
};
#define TL_MAX_SHARDS (1u << 16) /* LIBMAP_SHARD_MAX_BITS */

/* One wait, kept for the views (with keep_ops): [start, end] on thread. */
struct tl_wait {
    int64_t start, end;       /* end: the event (the lock is held); start = end - waited_ns */
    uint32_t thread, map, lock, shard;
    uint8_t mode;             /* enum tl_wait_mode */
};

/* Two operations on one map, from different threads, whose intervals
 * overlap: a race. from_panic marks the pair that the panic names. */
struct tl_race {
    uint64_t a, b;                /* indices in tl_model.ops; a started first */
    int64_t overlap_start, overlap_end;
    bool from_panic;
};

/* Latency histogram, log-linear: exact below 256 ns, then 128 sub-buckets
 * per power of two (relative error below 0.8 %); min, max and sum exact. */
#define TL_HIST_SUB_BITS 7
#define TL_HIST_NBINS (64 << TL_HIST_SUB_BITS)
struct tl_hist {
    uint64_t n, sum;
    int64_t min, max;
    uint64_t *bins;       /* TL_HIST_NBINS counters, allocated on first add */
};
void tl_hist_add(struct tl_hist *h, int64_t ns);
/* The value at quantile q (0..1): the lower bound of its bucket, or max. */
int64_t tl_hist_quantile(const struct tl_hist *h, double q);
void tl_hist_free(struct tl_hist *h);

/* Latency percentiles of one operation kind, ns (all 0 when n == 0). */
struct tl_latency {
    uint64_t n;
    int64_t min, p50, p90, p99, max;
    double mean;
};

/* Who follows the model while it is filled (the online analysis): told of
 * every operation recorded, kept in ops or not (idx: its index in ops, or
 * TL_NONE), and of every panic, in event order. */
struct tl_model;
struct tl_model_observer {
    void (*op)(struct tl_model_observer *self, struct tl_model *m, const struct tl_op *op,
               uint64_t idx);
    void (*panic)(struct tl_model_observer *self, struct tl_model *m, uint32_t panic);
    void (*release)(struct tl_model_observer *self);
};


struct tl_model {
    struct tl_vec threads;   /* struct tl_thread */
    struct tl_vec maps;      /* struct tl_map */
    struct tl_vec ops;       /* struct tl_op, in event order (end time) */
    struct tl_vec grows;     /* struct tl_grow */
    struct tl_vec evacs;     /* struct tl_evac */
    struct tl_vec races;     /* struct tl_race, filled by tl_analyze */
    struct tl_vec panics;    /* struct tl_panic: every panic, at most one per
                              * process, in trace order */
    struct tl_vec locks;     /* struct tl_lock: the safe maps that waited */
    struct tl_vec waits;     /* struct tl_wait, in event order (with keep_ops) */
    uint64_t nwaits;         /* lock_wait events decoded, kept or not */
    /* The panic the views focus on (a copy of the first in panics, made by
     * tl_analyze) and its two colliding operations (indices in ops), or
     * TL_NONE when the trace does not hold them. */
    struct tl_panic panic;
    uint64_t panic_op, panic_writer_op;
    /* --pid: only this process's events are decoded (0: all) */
    int32_t only_pid;
    uint64_t nfiltered_events;   /* libmap events of other processes, skipped */
    struct tl_vec pids;          /* int32_t: every process seen, in order */
    int64_t first_ts, last_ts;   /* of all libmap events seen */
    uint64_t nevents;            /* libmap events decoded */
    uint64_t nother_events;      /* events of other providers, ignored */
    uint64_t discarded_events;   /* reported by the trace (LTTng) */
    uint64_t discarded_packets;
    bool keep_ops;               /* false for --summary: ops are counted, not kept */

    /* --- added by the decoder/analysis (see viewer/model.c) --- */
    /* With keep_ops false, ops holds only the operations that races and the
     * panic refer to (so tl_race and panic_op indices stay valid). */
    uint64_t nops_total;         /* operations decoded, kept or not */
    uint64_t nraces;             /* overlapping pairs found; races.len <= nraces
                                  * (at most TL_RACES_KEPT are kept) */
    uint64_t nevacuations;       /* evacuate events (evacs may be empty with !keep_ops) */
    struct tl_hist lat[TL_NKINDS];        /* write durations, ns, per kind */
    struct tl_latency latency[TL_NKINDS]; /* from lat, filled by tl_analyze */
    struct tl_model_observer *observer; /* or NULL; released by tl_model_free */
};

#define TL_NONE UINT64_MAX
#define TL_RACES_KEPT 100000

/* Element i of a vector of records of type T: TL_AT(m->ops, struct tl_op, i). */
#define TL_AT(vec, T, i) (&((T *)(vec).data)[(i)])

void tl_model_init(struct tl_model *m, bool keep_ops);
void tl_model_free(struct tl_model *m);
/* Appends a zeroed record and returns it (aborts on out of memory). The
 * pointer is valid until the next push on the same vector. */
void *tl_vec_push(struct tl_vec *v);

/* Attaches the model's one observer (the previous one is released). */
void tl_model_observe(struct tl_model *m, struct tl_model_observer *obs);
/* Records a decoded operation: counts it on its thread and map, keeps it
 * in ops when keep_ops, and tells the observer. */
void tl_model_add_op(struct tl_model *m, const struct tl_op *op);
/* Appends a decoded panic to panics and tells the observer. */
void tl_model_add_panic(struct tl_model *m, const struct tl_panic *p);
/* Records a decoded lock wait (locks.c): counts it on its lock and shard,
 * and keeps it in waits when keep_ops. w->lock must be a valid index. */
void tl_model_add_wait(struct tl_model *m, const struct tl_wait *w);
/* Frees the locks' shard vectors (called by tl_model_free). */
void tl_model_free_locks(struct tl_model *m);
/* "sync" or "shard" for a tl_lock's kind. */
const char *tl_lock_kind_name(uint8_t kind);

/* Short label of a map: "0x55d0c2a0" or "0x55d0c2a0#2" for its third life. */
const char *tl_map_label(const struct tl_map *mp, char buf[32]);

#endif /* LIBMAP_VIEWER_MODEL_H */
