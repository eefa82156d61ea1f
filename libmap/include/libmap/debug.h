/*
 * libmap/debug.h — libmap's debug contract: what postmortem tools (the core
 * analyzer, the gdb scripts) and the tracing layer may rely on.
 *
 *  - libmap_panic_record: filled when libmap detects concurrent access, just
 *    before abort(). Found by symbol in a core.
 *  - libmap_registry: every live map, linked through the map itself.
 *  - libmap_layout: offsets, sizes and constants of the map's internal
 *    structures, exported as read-only data so that tools never copy numbers.
 *  - panic hooks, called on the panic path before abort().
 *  - the write-window hook, which tests use to hold a writer inside its
 *    write window so that a race happens on demand.
 */
#ifndef LIBMAP_DEBUG_H
#define LIBMAP_DEBUG_H

#include <stddef.h>
#include <stdint.h>

#include <libmap/map.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The contract tables ----
 * Every name and number below that a tool may rely on is listed once, in
 * an X-macro table of this header; the rest is generated from the tables:
 *   - enum libmap_op, enum libmap_panic_kind, enum libmap_growth and
 *     struct libmap_layout, here, by the preprocessor;
 *   - the descriptor's values (libmap/src/layout.c) and its test
 *     (tests/unit/test_layout.c);
 *   - the inspector's decoder of a target's descriptor (inspect/src/layout.c)
 *     and its names of operations and panic kinds;
 *   - the gdb scripts' libmap_gdb/contract.py, written at build time by
 *     gdb-scripts/gen_contract.c (the test gdb_contract_drift checks it).
 * Tables of named values: X(NAME, value, "name"[, ...]), "name" being NAME
 * in lower case; the C names are LIBMAP_OP_NAME, LIBMAP_PANIC_NAME and
 * LIBMAP_NAME. Values are fixed: cores and traces carry them. */

/* Operations, as recorded in the writer word, the panic record and traces:
 * X(NAME, value, "name"). */
#define LIBMAP_OPS(X)                                                                        \
    X(NONE, 0, "none")                                                                       \
    X(ASSIGN, 1, "assign")                                                                   \
    X(DELETE, 2, "delete")                                                                   \
    X(CLEAR, 3, "clear")                                                                     \
    X(LOOKUP, 4, "lookup")                                                                   \
    X(ITERATE, 5, "iterate")

/* What was detected: X(NAME, value, "name", "Go's message"). */
#define LIBMAP_PANIC_KINDS(X)                                                                \
    X(NONE, 0, "none", "libmap panic")                                                       \
    X(CONCURRENT_WRITES, 1, "concurrent_writes", "concurrent map writes")                    \
    X(READ_WRITE, 2, "read_write", "concurrent map read and map write")                      \
    X(ITERATION_WRITE, 3, "iteration_write", "concurrent map iteration and map write")

/* Growth constants (Go's, runtime/map.go): X(NAME, value, "name").
 *   BUCKET_CNT       slots per bucket;
 *   LOAD_FACTOR_*    growth when count > NUM * (2^B / DEN) (6.5 per bucket);
 *   NOVERFLOW_MAX_B  noverflow is exact while B <= this, then sampled with
 *                    probability 2^-(B - this); there are too many overflow
 *                    buckets (same-size growth) when
 *                    noverflow >= 1 << min(B, this). */
#define LIBMAP_GROWTH(X)                                                                     \
    X(BUCKET_CNT, 8, "bucket_cnt")                                                           \
    X(LOAD_FACTOR_NUM, 13, "load_factor_num")                                                \
    X(LOAD_FACTOR_DEN, 2, "load_factor_den")                                                 \
    X(NOVERFLOW_MAX_B, 15, "noverflow_max_b")

/* Contract constants that must stay macros (64-bit magics, unsigned masks,
 * the note's name in assembly): defined next to what they describe, listed
 * here by name so that generators see every one. */
#define LIBMAP_MACROS(X)                                                                     \
    X(LIBMAP_PANIC_MAGIC)                                                                    \
    X(LIBMAP_PANIC_RECORD_VERSION)                                                           \
    X(LIBMAP_REGISTRY_MAGIC)                                                                 \
    X(LIBMAP_LAYOUT_MAGIC)                                                                   \
    X(LIBMAP_LAYOUT_VERSION)                                                                 \
    X(LIBMAP_NOTE_TYPE)                                                                      \
    X(LIBMAP_NOTE_VERSION)                                                                   \
    X(LIBMAP_MAX_PANIC_HOOKS)                                                                \
    X(LIBMAP_WRITER_OP_MASK)                                                                 \
    X(LIBMAP_WRITER_HELD)                                                                    \
    X(LIBMAP_WRITER_PANIC)                                                                   \
    X(LIBMAP_WRITER_SEQ_SHIFT)                                                               \
    X(LIBMAP_WRITER_SEQ_MASK)                                                                \
    X(LIBMAP_WRITER_TID_SHIFT)                                                               \
    X(LIBMAP_LOCK_MAGIC)
#define LIBMAP_STRING_MACROS(X) X(LIBMAP_NOTE_NAME)

/* The safe maps (libmap/sync.h): the map of a libmap_sync, and each shard's
 * map of a libmap_shard, points at the lock that guards it (libmap_layout's
 * map_guard; the lock's fields are its lock_* entries). The lock's kind
 * says which of the two owns it; its magic, that it is one. */
#define LIBMAP_GUARD_KINDS(X)                                                                \
    X(SYNC, 1, "sync")                                                                       \
    X(SHARD, 2, "shard")
#define LIBMAP_LOCK_MAGIC 0x6b636f6cu /* "lock" */

#define LIBMAP_ENUM_OP_(NAME, value, name) LIBMAP_OP_##NAME = value,
enum libmap_op { LIBMAP_OPS(LIBMAP_ENUM_OP_) };
#define LIBMAP_COUNT_OP_(NAME, value, name) +1
enum { LIBMAP_NOPS = 0 LIBMAP_OPS(LIBMAP_COUNT_OP_) }; /* operations are 0 .. LIBMAP_NOPS - 1 */

#define LIBMAP_ENUM_PANIC_(NAME, value, name, message) LIBMAP_PANIC_##NAME = value,
enum libmap_panic_kind { LIBMAP_PANIC_KINDS(LIBMAP_ENUM_PANIC_) };

#define LIBMAP_ENUM_GROWTH_(NAME, value, name) LIBMAP_##NAME = value,
enum libmap_growth { LIBMAP_GROWTH(LIBMAP_ENUM_GROWTH_) };

#define LIBMAP_ENUM_GUARD_(NAME, value, name) LIBMAP_GUARD_##NAME = value,
enum libmap_guard_kind { LIBMAP_GUARD_KINDS(LIBMAP_ENUM_GUARD_) };

#define LIBMAP_PANIC_MAGIC UINT64_C(0x63696e61706d626c) /* "lbmpanic" little-endian */
#define LIBMAP_PANIC_RECORD_VERSION 1

/* The panic record. magic is set only once the record is complete, so a tool
 * that finds LIBMAP_PANIC_MAGIC can trust the other fields. */
struct libmap_panic_record {
    uint64_t magic;
    uint32_t version;
    uint32_t kind;          /* enum libmap_panic_kind */
    const libmap *map;      /* the map on which the access was detected */
    uint32_t op;            /* enum libmap_op of the detecting thread */
    uint32_t writer_op;     /* enum libmap_op of the writing thread */
    int32_t tid;            /* detecting thread's TID */
    int32_t writer_tid;     /* TID of the thread that held (or had just held)
                               the map for writing; 0 if unknown */
    int32_t pid;
    uint32_t writer_held;   /* 1: the writer still held the map; 0: it had
                               just released it */
    int64_t realtime_ns;    /* CLOCK_REALTIME at detection */
    int64_t monotonic_ns;   /* CLOCK_MONOTONIC at detection (LTTng's clock) */
    char message[64];       /* NUL-terminated Go message, without "fatal error: " */
};

extern LIBMAP_API struct libmap_panic_record libmap_panic_record;

/* Panic hooks run in registration order on the detecting thread, after the
 * record is filled and before the message is written and abort() called. A
 * hook must be async-signal-safe in spirit: no locks the map's users may hold,
 * no allocation. At most LIBMAP_MAX_PANIC_HOOKS. Returns 0, or LIBMAP_ENOMEM
 * when the table is full, LIBMAP_EINVAL for a NULL fn. */
#define LIBMAP_MAX_PANIC_HOOKS 8
typedef void (*libmap_panic_hook)(const struct libmap_panic_record *rec, void *ctx);
LIBMAP_API int libmap_add_panic_hook(libmap_panic_hook fn, void *ctx);

/* The write-window hook: when set, every assign, delete and clear calls it
 * on the writing thread while the map is held for writing (after the writer
 * word is set, before the bucket is touched). Tests use it to park a writer
 * inside its window. NULL removes it. Costs one load and a branch per write
 * when unset. */
typedef void (*libmap_write_hook)(const libmap *m, enum libmap_op op, void *ctx);
LIBMAP_API void libmap_debug_set_write_hook(libmap_write_hook fn, void *ctx);

/* The registry of live maps: a doubly linked list through each map's
 * reg_next/reg_prev fields (offsets in libmap_layout), guarded by a mutex
 * that postmortem tools ignore. */
#define LIBMAP_REGISTRY_MAGIC UINT64_C(0x7972747369676572) /* "register" */
struct libmap_registry {
    uint64_t magic;
    libmap *head;
    uint64_t count;
    uint64_t generation;    /* bumped on every change */
};
extern LIBMAP_API struct libmap_registry libmap_registry;

/* Snapshot of the registry (for live tools): calls fn for every live map
 * under the registry lock. fn must not create or free maps. */
LIBMAP_API void libmap_registry_foreach(void (*fn)(libmap *m, void *ctx), void *ctx);

/* The writer word (an atomic 64-bit field of the map, offset
 * libmap_layout.map_writer): bits 0-6 the writer's enum libmap_op, bit 7 set
 * while the map is held for writing, bit 8 PANIC (below), bits 9-31 a write
 * sequence that every write's start advances (readers compare the word at
 * their end with the word at their start: any change means a write
 * overlapped the read), bits 32-63 the writer's TID. It keeps the last
 * writer's TID, operation and sequence after the write ends. On panic, the
 * reporting thread stores its own TID and op with HELD and PANIC set: every
 * other thread stops at its next check on that map (a writer at its end
 * check), so the map in a core is the map as it was when the race was seen. */
#define LIBMAP_WRITER_OP_MASK 0x7fu
#define LIBMAP_WRITER_HELD 0x80u
#define LIBMAP_WRITER_PANIC 0x100u
#define LIBMAP_WRITER_SEQ_SHIFT 9
#define LIBMAP_WRITER_SEQ_MASK 0xfffffe00u /* in place: bits 9-31 */
#define LIBMAP_WRITER_TID_SHIFT 32

/* The layout descriptor. Every offset is in bytes from the start of the
 * structure named in its prefix: map_* in struct libmap, type_* in the
 * map's type descriptor (itself at map_type), panic_* in the panic record,
 * registry_* in the registry. Bucket layout is per map, in its type
 * descriptor: tophash[8] at offset 0 of a bucket, keys at type_key_offset
 * values at type_value_offset, the overflow pointer at type_overflow_offset.
 * Tools must check magic and version. */
#define LIBMAP_LAYOUT_MAGIC UINT64_C(0x74756f79616c626c) /* "lblayout" */
#define LIBMAP_LAYOUT_VERSION 1

/* The descriptor's fields, in their binary order (append only: old cores
 * carry older descriptors; a tool reads an appended field only when the
 * descriptor's size covers it): X(type, field, KIND, a, b), the value being
 * LIBMAP_LAYOUT_VALUE(KIND, a, b):
 *   CONST  a, a constant (internal ones from libmap/src/internal.h);
 *   OFF    offsetof(a, b);
 *   WIDTH  the size of member b of a;
 *   SIZE   sizeof(a).
 * The structures are libmap's own (struct libmap and its type descriptor
 * struct libmap_type are private: libmap/src/internal.h). */
#define LIBMAP_LAYOUT_FIELDS(X)                                                              \
    X(uint64_t, magic, CONST, LIBMAP_LAYOUT_MAGIC, 0)                                        \
    X(uint32_t, version, CONST, LIBMAP_LAYOUT_VERSION, 0)                                    \
    X(uint32_t, size, SIZE, struct libmap_layout, 0)                                         \
    /* constants */                                                                          \
    X(uint32_t, bucket_cnt, CONST, LIBMAP_BUCKET_CNT, 0)                                     \
    X(uint32_t, max_inline, CONST, LIBMAP_MAX_INLINE, 0)                                     \
    X(uint32_t, load_factor_num, CONST, LIBMAP_LOAD_FACTOR_NUM, 0)                           \
    X(uint32_t, load_factor_den, CONST, LIBMAP_LOAD_FACTOR_DEN, 0)                           \
    X(uint32_t, empty_rest, CONST, EMPTY_REST, 0)                                            \
    X(uint32_t, empty_one, CONST, EMPTY_ONE, 0)                                              \
    X(uint32_t, evacuated_x, CONST, EVAC_X, 0)                                               \
    X(uint32_t, evacuated_y, CONST, EVAC_Y, 0)                                               \
    X(uint32_t, evacuated_empty, CONST, EVAC_EMPTY, 0)                                       \
    X(uint32_t, min_tophash, CONST, MIN_TOPHASH, 0)                                          \
    X(uint32_t, flag_iterator, CONST, F_ITERATOR, 0)                                         \
    X(uint32_t, flag_old_iterator, CONST, F_OLD_ITERATOR, 0)                                 \
    X(uint32_t, flag_same_size_grow, CONST, F_SAME_SIZE_GROW, 0)                             \
    X(uint32_t, writer_op_mask, CONST, LIBMAP_WRITER_OP_MASK, 0)                             \
    X(uint32_t, writer_held, CONST, LIBMAP_WRITER_HELD, 0)                                   \
    X(uint32_t, writer_tid_shift, CONST, LIBMAP_WRITER_TID_SHIFT, 0)                         \
    X(uint32_t, key_kind_bytes, CONST, LIBMAP_KEY_BYTES, 0)                                  \
    X(uint32_t, key_kind_u32, CONST, LIBMAP_KEY_U32, 0)                                      \
    X(uint32_t, key_kind_u64, CONST, LIBMAP_KEY_U64, 0)                                      \
    X(uint32_t, key_kind_string, CONST, LIBMAP_KEY_STRING, 0)                                \
    X(uint32_t, type_flag_indirect_key, CONST, T_INDIRECT_KEY, 0)                            \
    X(uint32_t, type_flag_indirect_value, CONST, T_INDIRECT_VALUE, 0)                        \
    X(uint64_t, map_magic, CONST, MAP_MAGIC, 0) /* the map's magic field when live */        \
    /* struct libmap */                                                                      \
    X(uint32_t, map_size, SIZE, struct libmap, 0)                                            \
    X(uint32_t, map_magic_off, OFF, struct libmap, magic)                                    \
    X(uint32_t, map_count, OFF, struct libmap, count)                                        \
    X(uint32_t, map_flags, OFF, struct libmap, flags)                                        \
    X(uint32_t, map_B, OFF, struct libmap, B)                                                \
    X(uint32_t, map_noverflow, OFF, struct libmap, noverflow)                                \
    X(uint32_t, map_hash0, OFF, struct libmap, hash0)                                        \
    X(uint32_t, map_buckets, OFF, struct libmap, buckets)                                    \
    X(uint32_t, map_oldbuckets, OFF, struct libmap, oldbuckets)                              \
    X(uint32_t, map_nevacuate, OFF, struct libmap, nevacuate)                                \
    X(uint32_t, map_next_overflow, OFF, struct libmap, next_overflow)                        \
    X(uint32_t, map_writer, OFF, struct libmap, writer)                                      \
    X(uint32_t, map_clearseq, OFF, struct libmap, clearseq)                                  \
    X(uint32_t, map_reg_next, OFF, struct libmap, reg_next)                                  \
    X(uint32_t, map_reg_prev, OFF, struct libmap, reg_prev)                                  \
    X(uint32_t, map_type, OFF, struct libmap, t)                                             \
    /* the type descriptor inside struct libmap */                                           \
    X(uint32_t, type_key_kind, OFF, struct libmap_type, key_kind)                            \
    X(uint32_t, type_flags, OFF, struct libmap_type, flags)                                  \
    X(uint32_t, type_key_size, OFF, struct libmap_type, key_size)                            \
    X(uint32_t, type_value_size, OFF, struct libmap_type, value_size)                        \
    X(uint32_t, type_key_slot, OFF, struct libmap_type, key_slot)                            \
    X(uint32_t, type_value_slot, OFF, struct libmap_type, value_slot)                        \
    X(uint32_t, type_bucket_size, OFF, struct libmap_type, bucket_size)                      \
    X(uint32_t, type_key_offset, OFF, struct libmap_type, key_offset)                        \
    X(uint32_t, type_value_offset, OFF, struct libmap_type, value_offset)                    \
    X(uint32_t, type_overflow_offset, OFF, struct libmap_type, overflow_offset)              \
    X(uint32_t, width_count, WIDTH, struct libmap, count)                                    \
    X(uint32_t, width_B, WIDTH, struct libmap, B)                                            \
    X(uint32_t, width_flags, WIDTH, struct libmap, flags)                                    \
    X(uint32_t, width_noverflow, WIDTH, struct libmap, noverflow)                            \
    X(uint32_t, width_key_size, WIDTH, struct libmap_type, key_size)                         \
    X(uint32_t, width_value_size, WIDTH, struct libmap_type, value_size)                     \
    X(uint32_t, width_key_slot, WIDTH, struct libmap_type, key_slot)                         \
    X(uint32_t, width_value_slot, WIDTH, struct libmap_type, value_slot)                     \
    X(uint32_t, width_bucket_size, WIDTH, struct libmap_type, bucket_size)                   \
    /* the width of type_value_offset and type_overflow_offset */                            \
    X(uint32_t, width_offsets, WIDTH, struct libmap_type, value_offset)                      \
    /* libmap_str, as stored in a string key slot */                                         \
    X(uint32_t, str_size, SIZE, libmap_str, 0)                                               \
    X(uint32_t, str_ptr, OFF, libmap_str, ptr)                                               \
    X(uint32_t, str_len, OFF, libmap_str, len)                                               \
    /* struct libmap_panic_record */                                                         \
    X(uint32_t, panic_size, SIZE, struct libmap_panic_record, 0)                             \
    X(uint32_t, panic_magic, OFF, struct libmap_panic_record, magic)                         \
    X(uint32_t, panic_kind, OFF, struct libmap_panic_record, kind)                           \
    X(uint32_t, panic_map, OFF, struct libmap_panic_record, map)                             \
    X(uint32_t, panic_op, OFF, struct libmap_panic_record, op)                               \
    X(uint32_t, panic_writer_op, OFF, struct libmap_panic_record, writer_op)                 \
    X(uint32_t, panic_tid, OFF, struct libmap_panic_record, tid)                             \
    X(uint32_t, panic_writer_tid, OFF, struct libmap_panic_record, writer_tid)               \
    X(uint32_t, panic_pid, OFF, struct libmap_panic_record, pid)                             \
    X(uint32_t, panic_writer_held, OFF, struct libmap_panic_record, writer_held)             \
    X(uint32_t, panic_realtime_ns, OFF, struct libmap_panic_record, realtime_ns)             \
    X(uint32_t, panic_monotonic_ns, OFF, struct libmap_panic_record, monotonic_ns)           \
    X(uint32_t, panic_message, OFF, struct libmap_panic_record, message)                     \
    X(uint32_t, panic_message_size, WIDTH, struct libmap_panic_record, message)              \
    /* struct libmap_registry */                                                             \
    X(uint32_t, registry_size, SIZE, struct libmap_registry, 0)                              \
    X(uint32_t, registry_magic, OFF, struct libmap_registry, magic)                          \
    X(uint32_t, registry_head, OFF, struct libmap_registry, head)                            \
    X(uint32_t, registry_count, OFF, struct libmap_registry, count)                          \
    /* appended: widths not covered above */                                                 \
    X(uint32_t, width_key_kind, WIDTH, struct libmap_type, key_kind)                         \
    X(uint32_t, width_type_flags, WIDTH, struct libmap_type, flags)                          \
    X(uint32_t, width_key_offset, WIDTH, struct libmap_type, key_offset)                     \
    X(uint32_t, width_nevacuate, WIDTH, struct libmap, nevacuate)                            \
    X(uint32_t, width_hash0, WIDTH, struct libmap, hash0)                                    \
    X(uint32_t, width_pointer, SIZE, void *, 0)                                              \
    /* appended: the type descriptor's user hash callback (a pointer; NULL:                  \
     * keys are hashed with XXH3 of their bytes, so placement can be verified) */            \
    X(uint32_t, type_hash, OFF, struct libmap_type, hash)                                    \
    /* appended: the writer word's PANIC bit and write sequence                              \
     * ((word & writer_seq_mask) >> writer_seq_shift) */                                     \
    X(uint32_t, writer_panic, CONST, LIBMAP_WRITER_PANIC, 0)                                 \
    X(uint32_t, writer_seq_shift, CONST, LIBMAP_WRITER_SEQ_SHIFT, 0)                         \
    X(uint32_t, writer_seq_mask, CONST, LIBMAP_WRITER_SEQ_MASK, 0)                           \
    /* appended: LIBMAP_NOVERFLOW_MAX_B. It fills what was the descriptor's                  \
     * trailing padding (zero), so the size did not change: 0 means a                        \
     * libmap from before it, whose value was LIBMAP_NOVERFLOW_MAX_B too. */                 \
    X(uint32_t, noverflow_max_b, CONST, LIBMAP_NOVERFLOW_MAX_B, 0)                           \
    /* appended: the safe maps' locks (libmap/sync.h). A map's guard field                   \
     * points at the lock guarding it (NULL: a plain map); the lock's state                  \
     * word holds the writer bit, the waiting-writer bit and the reader count                \
     * under these masks (0: not described, a pthread lock: owner only) */                  \
    X(uint32_t, map_guard, OFF, struct libmap, guard)                                        \
    X(uint32_t, lock_magic, CONST, LIBMAP_LOCK_MAGIC, 0)                                     \
    X(uint32_t, lock_size, SIZE, struct sync_lock, 0)                                        \
    X(uint32_t, lock_word, OFF, struct sync_lock, LOCK_STATE_FIELD)                          \
    X(uint32_t, lock_owner, OFF, struct sync_lock, owner)                                    \
    X(uint32_t, lock_magic_off, OFF, struct sync_lock, magic)                                \
    X(uint32_t, lock_kind, OFF, struct sync_lock, kind)                                      \
    X(uint32_t, lock_shard, OFF, struct sync_lock, shard)                                    \
    X(uint32_t, lock_nshards, OFF, struct sync_lock, nshards)                                \
    X(uint32_t, lock_parent, OFF, struct sync_lock, parent)                                  \
    X(uint32_t, lock_map, OFF, struct sync_lock, map)                                        \
    X(uint32_t, lock_word_writer, CONST, LOCK_WORD_WRITER, 0)                                \
    X(uint32_t, lock_word_waiting, CONST, LOCK_WORD_WAITING, 0)                              \
    X(uint32_t, lock_word_readers, CONST, LOCK_WORD_READERS, 0)                              \
    /* readers counted in reader slots (lock_nslots of lock_slot_size bytes                  \
     * from lock_slots, each a uint32 count at lock_slot_readers); 0 slots:                  \
     * the count is in the word (lock_word_readers) or not described */                      \
    X(uint32_t, lock_slots, OFF, struct sync_lock, slots)                                    \
    X(uint32_t, lock_nslots, CONST, LOCK_NSLOTS, 0)                                          \
    X(uint32_t, lock_slot_size, SIZE, struct lock_slot, 0)                                   \
    X(uint32_t, lock_slot_readers, OFF, struct lock_slot, readers)

#define LIBMAP_LAYOUT_CONST(a, b) (a)
#define LIBMAP_LAYOUT_OFF(a, b) offsetof(a, b)
#define LIBMAP_LAYOUT_WIDTH(a, b) sizeof(((a *)0)->b)
#define LIBMAP_LAYOUT_SIZE(a, b) sizeof(a)
#define LIBMAP_LAYOUT_VALUE(KIND, a, b) LIBMAP_LAYOUT_##KIND(a, b)

#define LIBMAP_LAYOUT_DECLARE_(type, field, KIND, a, b) type field;
struct libmap_layout {
    LIBMAP_LAYOUT_FIELDS(LIBMAP_LAYOUT_DECLARE_)
};

extern LIBMAP_API const struct libmap_layout libmap_layout;

/* The debug note. libmap carries an ELF note (section .note.libmap, type
 * SHT_NOTE, allocated, so in a PT_NOTE segment) that survives
 * `strip --strip-all`: tools find the layout descriptor, the panic record
 * and the registry in a program with no symbol table at all (a stripped
 * static program). Note name LIBMAP_NOTE_NAME, type LIBMAP_NOTE_TYPE; its
 * descriptor, in the target's byte order:
 *   uint32 version (LIBMAP_NOTE_VERSION), uint32 0,
 *   int64  libmap_layout       - (address of this field),
 *   int64  libmap_panic_record - (address of this field),
 *   int64  libmap_registry     - (address of this field).
 * Offsets, not addresses: they need no relocation, and add to the note's
 * address wherever the module is loaded. */
#define LIBMAP_NOTE_NAME "libmap"
#define LIBMAP_NOTE_TYPE 0x6c6d0001
#define LIBMAP_NOTE_VERSION 1

#ifdef __cplusplus
}
#endif
#endif /* LIBMAP_DEBUG_H */
