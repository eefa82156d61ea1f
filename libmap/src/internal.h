/*
 * internal.h — the map's internal layout and constants: the single source of
 * truth. The exported layout descriptor (layout.c) is generated from these
 * definitions with offsetof/sizeof, and postmortem tools read it (or DWARF)
 * from the binary; nothing outside libmap/ copies these numbers.
 *
 * Data structure (Go's classic map, runtime/map.go, Go 1.19–1.23):
 *
 *   struct libmap (Go's hmap) points to an array of 2^B buckets. A bucket
 *   holds 8 slots: tophash[8], then the 8 keys, then the 8 values, then a
 *   pointer to an overflow bucket. Key and value slots are the key and value
 *   sizes, or a pointer when the size exceeds LIBMAP_MAX_INLINE (indirect).
 *
 *   A key's 64-bit hash (XXH3 seeded with the per-map hash0) selects the
 *   bucket with its low B bits; its top 8 bits are the slot's tophash, raised
 *   by MIN_TOPHASH when below it so that values 0..4 can mark slot states:
 *     EMPTY_REST  0  this slot and every later slot and overflow are empty
 *     EMPTY_ONE   1  this slot is empty (deleted)
 *     EVAC_X      2  live entry moved to the first half of the new array
 *     EVAC_Y      3  ... to the second half
 *     EVAC_EMPTY  4  slot was empty when its bucket was evacuated
 *   An old bucket is evacuated iff its tophash[0] is one of 2..4.
 *
 *   Growth starts only in an assign that inserts a new key, when the map is
 *   not already growing, and either count+1 exceeds 6.5 * 2^B (and 8): the
 *   array doubles; or there are >= 2^min(B,15) overflow buckets: a new array
 *   of the same size compacts the chains (same-size growth). The old array
 *   stays in oldbuckets; every assign or delete while growing evacuates the
 *   old bucket it touches and the one at nevacuate. Evacuating old bucket i
 *   splits it, by the hash bit newbit = old bucket count, into new bucket i
 *   (X) and i + newbit (Y); in same-size growth everything goes to X.
 *   nevacuate only advances past evacuated buckets; when it reaches the old
 *   bucket count the old array is released.
 *
 *   Invariants the analyzer and gdb scripts verify:
 *     - count equals the number of live slots (tophash >= MIN_TOPHASH) in the
 *       new array plus the unevacuated old buckets;
 *     - every live key sits in the bucket its hash selects (in the old array
 *       with the old mask if its old bucket is not evacuated), with the
 *       matching tophash, and appears once;
 *     - old buckets below nevacuate are evacuated;
 *     - after an EMPTY_REST slot, every slot of the chain is EMPTY_REST.
 *
 *   Concurrent-access detection: the 64-bit writer word holds the writer's
 *   TID and operation and a HELD bit. Writers check HELD on entry, set the
 *   word, and at the end check that the word is still theirs before clearing
 *   HELD (keeping TID and op, so that a late detector can still name the
 *   thread that just wrote). Readers check HELD on entry, iterators in every
 *   next. Accesses are C11 relaxed atomics: plain loads and stores on x86 and
 *   arm64, yet no undefined behaviour.
 *
 *   Released memory is retired, not freed at once. A reader that raced a
 *   writer (its entry check passed before the write began) may still be
 *   walking the old bucket array, an overflow chain or a key the writer
 *   just released; Go's garbage collector keeps such memory alive, and here
 *   it stays allocated until a later safe point, so that the racing reader
 *   reads stale but mapped memory and then fails its end check
 *   (detect.h) instead of faulting. Iterators may also read the old array
 *   (and its chains and keys) after growth has finished. So:
 *     - a finished growth's old array, with the overflow chains evacuation
 *       left on it, goes on m->retired (growth_done); so does the old array
 *       of a growth that clear ends;
 *     - clear parks the current array's heap overflow buckets in
 *       m->graveyard (the array itself is zeroed in place and kept);
 *     - delete parks key storage there while an iterator is live.
 *   retire.c frees them at safe points (the end of a growth, clear) once
 *   they are RETIRE_MIN_AGE_NS old, or oldest first when they exceed a
 *   budget of twice the current array; libmap_free frees everything.
 *   Nothing is freed while an iterator is live (the map counts them in
 *   live_iters, from libmap_iter_init until libmap_iter_next returns false
 *   or libmap_iter_done). The cost: a growing map keeps its earlier
 *   arrays (2^(B-1) + 2^(B-2) + ... < 2^B buckets) for at least that age
 *   (docs/performance.md has the measured peak). Go's iterator/oldIterator
 *   flags are kept as Go sets them, for postmortem display; they decide
 *   nothing here.
 */
#ifndef LIBMAP_INTERNAL_H
#define LIBMAP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libmap/debug.h>
#include <libmap/map.h>

/* growth constants: the contract table (debug.h, LIBMAP_GROWTH) */
#define BUCKET_CNT_BITS 3
#define BUCKET_CNT LIBMAP_BUCKET_CNT
#define LOAD_FACTOR_NUM LIBMAP_LOAD_FACTOR_NUM
#define LOAD_FACTOR_DEN LIBMAP_LOAD_FACTOR_DEN
#define NOVERFLOW_MAX_B LIBMAP_NOVERFLOW_MAX_B
_Static_assert(1 << BUCKET_CNT_BITS == BUCKET_CNT, "BUCKET_CNT_BITS");
#define MAX_KEY_INLINE LIBMAP_MAX_INLINE
#define MAX_VALUE_INLINE LIBMAP_MAX_INLINE

#define EMPTY_REST 0
#define EMPTY_ONE 1
#define EVAC_X 2
#define EVAC_Y 3
#define EVAC_EMPTY 4
#define MIN_TOPHASH 5

/* map flags (Go's values; Go's hashWriting 4 lives in the writer word) */
#define F_ITERATOR 1
#define F_OLD_ITERATOR 2
#define F_SAME_SIZE_GROW 8

/* type descriptor flags */
#define T_INDIRECT_KEY 1
#define T_INDIRECT_VALUE 2

#define MAP_MAGIC UINT64_C(0x2170616d62696c21) /* "!libmap!" */
#define MAP_MAGIC_FREED UINT64_C(0x646565726670616d)

/* Test-only layout perturbation: tests/coredump builds a libmap with
 * -DLIBMAP_LAYOUT_TEST_PAD=N, which shifts the fields of struct libmap, of
 * the type descriptor and the keys in a bucket by N words, to prove that
 * postmortem tools follow libmap_layout instead of copied numbers. */
#ifdef LIBMAP_LAYOUT_TEST_PAD
#define LAYOUT_TEST_PAD(name) uint64_t name[LIBMAP_LAYOUT_TEST_PAD];
#define LAYOUT_TEST_PAD_BYTES (8 * (LIBMAP_LAYOUT_TEST_PAD))
#else
#define LAYOUT_TEST_PAD(name)
#define LAYOUT_TEST_PAD_BYTES 0
#endif

/* Bucket array header: precedes the buckets of every array allocation. */
struct barray {
    struct barray *retired_next; /* link on m->retired */
    size_t nbuckets;             /* buckets allocated, including preallocated overflow */
    size_t alloc_size;
    size_t nbase;                /* 2^B: buckets before the preallocated area */
    size_t chains_kept;          /* old buckets evacuated with their chain kept */
    size_t chain_bytes;          /* heap overflow buckets in those chains */
    uint64_t retired_ns;         /* CLOCK_MONOTONIC when it was retired */
    uint64_t pad;                /* keeps buckets 16-byte aligned */
};

static inline struct barray *barray_of(uint8_t *buckets)
{
    return (struct barray *)(void *)buckets - 1;
}

/* A key allocation whose free is deferred (see the top comment). */
struct parked {
    void *ptr;
    size_t size;
    uint64_t retired_ns;  /* CLOCK_MONOTONIC when it was retired */
};

/* Go's maptype: per-map key/value description and bucket geometry. */
struct libmap_type {
    LAYOUT_TEST_PAD(test_pad)
    uint8_t key_kind;       /* libmap_key_kind */
    uint8_t flags;          /* T_INDIRECT_* */
    uint16_t key_slot;      /* bytes of a key slot */
    uint16_t value_slot;    /* bytes of a value slot */
    uint16_t key_offset;    /* within a bucket */
    uint32_t value_offset;
    uint32_t overflow_offset;
    uint32_t bucket_size;
    size_t key_size;        /* bytes of a key (libmap_str for strings) */
    size_t value_size;      /* bytes of a value */
    libmap_hash_fn hash;
    libmap_equal_fn equal;
    void *ctx;
};

struct libmap {
    uint64_t magic;
    LAYOUT_TEST_PAD(test_pad)
    /* Go's hmap */
    size_t count;
    uint8_t flags;
    uint8_t B;
    uint16_t noverflow;
    uint32_t pad0;
    uint64_t hash0;
    uint8_t *buckets;
    uint8_t *oldbuckets;
    size_t nevacuate;
    uint8_t *next_overflow;  /* next preallocated overflow bucket, or NULL */
    /* detection */
    _Atomic uint64_t writer;
    _Atomic uint32_t live_iters; /* iterators between init and end */
    /* bookkeeping */
    uint64_t clearseq;        /* bumped by clear; iterators stop when it changes */
    struct barray *retired;   /* released old arrays, kept for racing readers and iterators */
    struct parked *graveyard; /* released blocks (key storage, overflow buckets), kept so */
    size_t graveyard_len, graveyard_cap;
    size_t retired_bytes;     /* held by retired and graveyard */
    _Atomic uint64_t traced_word; /* the writer word of the last write whose event
                                   * was emitted (tracing only: trace.c) */
    uint64_t prng;            /* per-map PRNG for sampled noverflow */
    libmap_allocator alloc;
    const void *guard;        /* the lock guarding it (struct sync_lock, lock.h) when it is the
                               * map of a libmap_sync or a shard of a libmap_shard, else NULL */
    struct libmap *reg_next, *reg_prev;
    struct libmap_type t;
};

/* ---- bucket accessors ---- */

/* Where a bucket's keys start (after the tophash bytes), and the key size of
 * the typed key kinds (0 for LIBMAP_KEY_BYTES, whose size the caller
 * gives). type_init() builds the type descriptor from these, and key.h's
 * kind-specialized accessors fold them to constants, so the two agree. */
#define BUCKET_KEY_OFFSET (BUCKET_CNT + LAYOUT_TEST_PAD_BYTES)
static inline size_t typed_key_size(int kind)
{
    switch (kind) {
    case LIBMAP_KEY_U32:
        return 4;
    case LIBMAP_KEY_U64:
        return 8;
    case LIBMAP_KEY_STRING:
        return sizeof(libmap_str);
    default:
        return 0;
    }
}
static inline size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }
/* Where a bucket's values start, for keys stored in slots of key_slot bytes. */
static inline size_t bucket_value_offset(size_t key_slot)
{
    return align8(BUCKET_KEY_OFFSET + BUCKET_CNT * key_slot);
}

static inline uint8_t *bucket_at(const struct libmap *m, uint8_t *arr, size_t i)
{
    return arr + i * (size_t)m->t.bucket_size;
}
static inline uint8_t *slot_key(const struct libmap *m, uint8_t *b, unsigned i)
{
    return b + m->t.key_offset + (size_t)i * m->t.key_slot;
}
static inline uint8_t *slot_value(const struct libmap *m, uint8_t *b, unsigned i)
{
    return b + m->t.value_offset + (size_t)i * m->t.value_slot;
}
static inline uint8_t *bucket_overflow(const struct libmap *m, uint8_t *b)
{
    uint8_t *o;
    memcpy(&o, b + m->t.overflow_offset, sizeof o);
    return o;
}
static inline void set_overflow(const struct libmap *m, uint8_t *b, uint8_t *o)
{
    memcpy(b + m->t.overflow_offset, &o, sizeof o);
}
/* The key's bytes (following an indirect pointer). */
static inline uint8_t *key_data(const struct libmap *m, uint8_t *k)
{
    if (m->t.flags & T_INDIRECT_KEY) {
        uint8_t *p;
        memcpy(&p, k, sizeof p);
        return p;
    }
    return k;
}
static inline uint8_t *value_data(const struct libmap *m, uint8_t *v)
{
    if (m->t.flags & T_INDIRECT_VALUE) {
        uint8_t *p;
        memcpy(&p, v, sizeof p);
        return p;
    }
    return v;
}

static inline bool is_empty(uint8_t top) { return top <= EMPTY_ONE; }
static inline bool evacuated(const uint8_t *b)
{
    return b[0] > EMPTY_ONE && b[0] < MIN_TOPHASH;
}
static inline uint8_t tophash(uint64_t hash)
{
    uint8_t top = (uint8_t)(hash >> 56);
    return top < MIN_TOPHASH ? (uint8_t)(top + MIN_TOPHASH) : top;
}
static inline size_t bucket_shift(uint8_t B) { return (size_t)1 << B; }
static inline size_t bucket_mask(uint8_t B) { return bucket_shift(B) - 1; }
static inline bool growing(const struct libmap *m) { return m->oldbuckets != NULL; }
/* B for indexing m->buckets or m->oldbuckets read after it. hash_grow
 * stores the new arrays, then B with release: a reader that sees the new B
 * sees the new (larger) array, and one that sees the old B indexes either
 * array in range, even when it races the growth (no instruction on x86). */
static inline uint8_t map_B(const struct libmap *m) { return __atomic_load_n(&m->B, __ATOMIC_ACQUIRE); }
/* Readers (lookups, iterator steps) read flags while other readers may be
 * setting the iterator bits in libmap_iter_init (an atomic OR: several
 * threads may start iterating at once under a read lock), so this load is
 * atomic too: relaxed, a plain byte load on x86 and arm64. A plain load
 * there is a data race in C11 terms, and ThreadSanitizer reported it on
 * correctly locked use (tests/race, rwlock mode). Writers, exclusive, read
 * and write flags plainly. */
static inline bool same_size_grow(const struct libmap *m)
{
    return __atomic_load_n(&m->flags, __ATOMIC_RELAXED) & F_SAME_SIZE_GROW;
}
/* Number of buckets before the current growth started. */
static inline size_t noldbuckets(const struct libmap *m)
{
    uint8_t oldB = m->B;
    if (!same_size_grow(m))
        oldB--;
    return bucket_shift(oldB);
}
static inline size_t oldbucket_mask(const struct libmap *m) { return noldbuckets(m) - 1; }

/* count > 8 and count > 6.5 * 2^B */
static inline bool over_load_factor(size_t count, uint8_t B)
{
    return count > BUCKET_CNT && count > LOAD_FACTOR_NUM * (bucket_shift(B) / LOAD_FACTOR_DEN);
}
static inline bool too_many_overflow_buckets(uint16_t noverflow, uint8_t B)
{
    if (B > NOVERFLOW_MAX_B)
        B = NOVERFLOW_MAX_B;
    return noverflow >= (uint16_t)(1u << B);
}

/* ---- allocation (alloc.c) ---- */
void *map_alloc(struct libmap *m, size_t size, bool zero);
void map_dealloc(struct libmap *m, void *p, size_t size);
uint8_t *bucket_array_new(struct libmap *m, uint8_t B, uint8_t **next_overflow);
/* Whether overflow bucket o, chained from the array, is a heap block of its
 * own (not one preallocated in the array). */
bool heap_overflow(const struct libmap *m, uint8_t *buckets, const uint8_t *o);
void bucket_array_free_chains(struct libmap *m, uint8_t *buckets);
void bucket_array_free(struct libmap *m, uint8_t *buckets);
/* Key storage: string bytes and indirect keys/values. */
void key_storage_free(struct libmap *m, uint8_t *kslot);
void value_storage_free(struct libmap *m, uint8_t *vslot);
void release_all_entries(struct libmap *m);
static inline bool iterators_live(const struct libmap *m)
{
    return atomic_load_explicit(&((struct libmap *)m)->live_iters, memory_order_relaxed) != 0;
}

/* ---- retirement (retire.c) ---- */
int graveyard_reserve(struct libmap *m);
void graveyard_push(struct libmap *m, void *ptr, size_t size); /* after a reserve */
void retire_array(struct libmap *m, uint8_t *buckets, bool all_chains);
void retire_chains(struct libmap *m, uint8_t *buckets);
size_t heap_chain_bytes(const struct libmap *m, uint8_t *buckets, uint8_t *b);
void release_retired(struct libmap *m);     /* a safe point: what is old enough */
void release_all_retired(struct libmap *m); /* libmap_free */

/* ---- randomness (rand.c) ---- */
uint64_t libmap_rand(void);
uint64_t map_rand(struct libmap *m);

/* ---- hashing and key comparison (key.h) are header-inline ---- */

/* ---- growth (grow.c) ---- */
int hash_grow(struct libmap *m);
int grow_work(struct libmap *m, size_t bucket, enum libmap_op op);
uint8_t *new_overflow(struct libmap *m, uint8_t *b);

/* ---- detection (detect.c) ---- */
/* This thread's TID shifted into the writer word's TID field, or 0 until
 * first use (and in a child after fork). Read inline on every write. */
extern __thread uint64_t map_thread_word __attribute__((tls_model("initial-exec")));
uint64_t thread_word_init(void);
static inline uint64_t thread_word(void)
{
    uint64_t w = map_thread_word;
    return __builtin_expect(w != 0, 1) ? w : thread_word_init();
}
static inline int32_t current_tid(void) { return (int32_t)(thread_word() >> LIBMAP_WRITER_TID_SHIFT); }
/* Report concurrent access and abort. at_end: detected by a writer's final
 * check (its write completed), else on entry (the operation did not run). */
_Noreturn void map_panic(const struct libmap *m, enum libmap_panic_kind kind, enum libmap_op op,
                         uint64_t writer_word, bool at_end);
/* Whether thread `tid` has entered map_panic after the first thread did (it
 * then stops there for good): its last write, and that write's event, are
 * complete. The tracing layer's panic waits for the colliding writer so. */
bool map_panic_reached(int32_t tid);
/* Store the panic word over the frozen map's writer word again. A writer
 * that loaded the word just before the freeze overwrites it with its own
 * store and goes on writing; the panic path repeats the freeze while it
 * waits, so that such a writer stops at its next check. */
void map_refreeze(void);
extern libmap_write_hook map_write_hook;
extern void *map_write_hook_ctx;

/* ---- registry (registry.c) ---- */
void registry_add(struct libmap *m);
void registry_remove(struct libmap *m);

/* Hidden aliases of the debug contract's globals, defined next to them, so
 * that the debug note (layout.c) refers to them by offsets the static
 * linker resolves: no dynamic relocation in a read-only note. */
extern const struct libmap_layout libmap_layout_local __attribute__((visibility("hidden")));
extern struct libmap_panic_record libmap_panic_record_local __attribute__((visibility("hidden")));
extern struct libmap_registry libmap_registry_local __attribute__((visibility("hidden")));

/* lookup without the reader check, used by iteration (access.c) */
uint8_t *map_access_k(const struct libmap *m, const void *key, uint8_t **value);

#endif /* LIBMAP_INTERNAL_H */
