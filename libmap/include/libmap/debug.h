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

/* Operations, as recorded in the writer word, the panic record and traces. */
enum libmap_op {
    LIBMAP_OP_NONE = 0,
    LIBMAP_OP_ASSIGN = 1,
    LIBMAP_OP_DELETE = 2,
    LIBMAP_OP_CLEAR = 3,
    LIBMAP_OP_LOOKUP = 4,
    LIBMAP_OP_ITERATE = 5,
};

/* What was detected. The messages are Go's. */
enum libmap_panic_kind {
    LIBMAP_PANIC_NONE = 0,
    LIBMAP_PANIC_CONCURRENT_WRITES = 1,     /* "concurrent map writes" */
    LIBMAP_PANIC_READ_WRITE = 2,            /* "concurrent map read and map write" */
    LIBMAP_PANIC_ITERATION_WRITE = 3,       /* "concurrent map iteration and map write" */
};

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

struct libmap_layout {
    uint64_t magic;
    uint32_t version;
    uint32_t size;                  /* sizeof(struct libmap_layout) */

    /* constants */
    uint32_t bucket_cnt;            /* slots per bucket: 8 */
    uint32_t max_inline;            /* LIBMAP_MAX_INLINE */
    uint32_t load_factor_num;       /* growth when count > num * 2^B / den */
    uint32_t load_factor_den;
    uint32_t empty_rest, empty_one, evacuated_x, evacuated_y, evacuated_empty, min_tophash;
    uint32_t flag_iterator, flag_old_iterator, flag_same_size_grow;
    uint32_t writer_op_mask, writer_held, writer_tid_shift;
    uint32_t key_kind_bytes, key_kind_u32, key_kind_u64, key_kind_string;
    uint32_t type_flag_indirect_key, type_flag_indirect_value;
    uint64_t map_magic;             /* value of the map's magic field when live */

    /* struct libmap */
    uint32_t map_size;
    uint32_t map_magic_off;
    uint32_t map_count, map_flags, map_B, map_noverflow, map_hash0;
    uint32_t map_buckets, map_oldbuckets, map_nevacuate, map_next_overflow;
    uint32_t map_writer, map_clearseq, map_reg_next, map_reg_prev, map_type;

    /* the type descriptor inside struct libmap */
    uint32_t type_key_kind, type_flags, type_key_size, type_value_size;
    uint32_t type_key_slot, type_value_slot, type_bucket_size;
    uint32_t type_key_offset, type_value_offset, type_overflow_offset;
    uint32_t width_count, width_B, width_flags, width_noverflow, width_key_size, width_value_size,
        width_key_slot, width_value_slot, width_bucket_size, width_offsets;

    /* libmap_str, as stored in a string key slot */
    uint32_t str_size, str_ptr, str_len;

    /* struct libmap_panic_record */
    uint32_t panic_size, panic_magic, panic_kind, panic_map, panic_op, panic_writer_op, panic_tid,
        panic_writer_tid, panic_pid, panic_writer_held, panic_realtime_ns, panic_monotonic_ns,
        panic_message, panic_message_size;

    /* struct libmap_registry */
    uint32_t registry_size, registry_magic, registry_head, registry_count;

    /* Widths not covered above (appended; tools check size before use):
     * width_offsets is the width of type_value_offset and
     * type_overflow_offset only; type_key_offset has its own. */
    uint32_t width_key_kind, width_type_flags, width_key_offset, width_nevacuate, width_hash0,
        width_pointer;
    /* the type descriptor's user hash callback (a pointer; NULL: keys are
     * hashed with XXH3 of their bytes, so placement can be verified) */
    uint32_t type_hash;
    /* the writer word's PANIC bit */
    uint32_t writer_panic;
    /* the writer word's write sequence: (word & writer_seq_mask) >>
     * writer_seq_shift */
    uint32_t writer_seq_shift, writer_seq_mask;
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
