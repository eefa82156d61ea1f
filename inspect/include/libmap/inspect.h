/*
 * libmap/inspect.h — libmap-inspect: read and verify the libmap maps of
 * another process (a core file, a process stopped under a debugger)
 * through a memory-read callback and libmap's layout descriptor
 * (<libmap/debug.h>). Nothing about libmap's structures is compiled in:
 * every offset and constant is read from the target's descriptor.
 *
 * The target's memory is hostile: every read is bounded, every walk capped
 * and cycle-checked, and errors are values (a message), never a crash.
 * The API is plain C with opaque handles and fixed-size structures so
 * that Python's ctypes can call it (the gdb scripts do).
 *
 *     struct lmi_target_config c = {.read = my_read, .ctx = me, .pointer_size = 8,
 *                                   .layout_addr = addr_of_libmap_layout};
 *     lmi_target *t;
 *     if (lmi_open(&c, &t, err, sizeof err) != 0) ...
 *     lmi_report *r;
 *     if (lmi_verify(t, map_addr, 0, &r, err, sizeof err) == 0) {
 *         for (size_t i = 0; i < lmi_report_count(r); i++) ... lmi_report_problem(r, i)
 *         lmi_report_free(r);
 *     }
 *     lmi_close(t);
 */
#ifndef LIBMAP_INSPECT_H
#define LIBMAP_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copy len bytes of the target at addr into buf: 0, or -1 when any of
 * them cannot be read. */
typedef int (*lmi_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

struct lmi_target_config {
    lmi_read_fn read;
    void *ctx;
    int big_endian;          /* the target's byte order */
    unsigned pointer_size;   /* 4 or 8 */
    int serial;              /* call read from one thread only (a debugger) */
    uint64_t extent;         /* at most this many bytes readable; 0: 2^48 */
    uint64_t layout_addr;    /* &libmap_layout in the target */
    uint64_t panic_addr;     /* &libmap_panic_record, or 0 */
    uint64_t registry_addr;  /* &libmap_registry, or 0 */
};

typedef struct lmi_target lmi_target;

/* Read and check the layout descriptor. Returns 0, or -1 with a one-line
 * message in err. */
int lmi_open(const struct lmi_target_config *c, lmi_target **out, char *err, size_t errlen);
void lmi_close(lmi_target *t);

/* A field of the target's layout descriptor (struct libmap_layout in
 * <libmap/debug.h>, named as there: "bucket_cnt", "empty_rest",
 * "key_kind_string", "map_magic", ...), as lmi_open decoded and checked
 * it, in *out. Returns 0, or -1 for a name the descriptor does not have
 * or a field appended after the target's libmap was built (the
 * descriptor's size does not cover it). For tools that show what the
 * constants mean (tophash markers, key kinds) without decoding the
 * descriptor themselves. */
int lmi_layout_value(const lmi_target *t, const char *field, uint64_t *out);

/* A target that is the calling process itself (a test verifying its own
 * maps) can run a bytes map's user callbacks, which no other reader can:
 * hash hashes key (len bytes) as the map at map does with seed; equal
 * says whether two keys are equal to that map (nonzero: equal). Called
 * with ctx, from the verifying thread only. Without them (NULL, and
 * always for another process) such a map's placement is not checked and
 * its keys are compared by their bytes. */
typedef uint64_t (*lmi_host_hash_fn)(void *ctx, uint64_t map, const void *key, uint64_t len,
                                     uint64_t seed);
typedef int (*lmi_host_equal_fn)(void *ctx, uint64_t map, const void *a, const void *b,
                                 uint64_t len);
void lmi_set_host_callbacks(lmi_target *t, lmi_host_hash_fn hash, lmi_host_equal_fn equal,
                            void *ctx);

/* One invariant that does not hold (or memory that could not be read). */
struct lmi_problem {
    const char *check;   /* short name (docs/coredump-json.md, "verify") */
    int array;           /* -1 the map as a whole, 0 current buckets, 1 old buckets */
    int64_t bucket;      /* base bucket index, -1 when none */
    int chain;           /* position in the overflow chain (0 = base), -1 when none */
    int slot;            /* -1 when none */
    uint64_t addr;       /* the bucket's address (or what failed), 0 when none */
    int unreadable;      /* memory missing rather than an invariant broken */
    char msg[320];
};

struct lmi_stats {
    uint64_t live_new, live_old;  /* live slots: current array, unevacuated old */
    uint64_t deleted, empty;      /* emptyOne / emptyRest slots */
    uint64_t overflow_new, overflow_old;
    uint64_t evacuated_old;       /* old base buckets evacuated */
    uint64_t empty_buckets;       /* current base buckets with no live slot */
    uint64_t longest_chain;
    uint64_t chains_with_overflow;
};

typedef struct lmi_report lmi_report;

/* Verify the map at map (libmap/src/internal.h, "Invariants"; the list is
 * in docs/coredump-json.md). threads: slices checked side by side, 0 to
 * choose (a serial target uses one). Returns 0 with a report, or -1 with
 * a message when not even the map's header can be read. */
int lmi_verify(lmi_target *t, uint64_t map, unsigned threads, lmi_report **out, char *err,
               size_t errlen);
/* Problems kept in detail (the first 1000), and all of them counted. */
size_t lmi_report_count(const lmi_report *r);
const struct lmi_problem *lmi_report_problem(const lmi_report *r, size_t i);
uint64_t lmi_report_failures(const lmi_report *r);   /* invariants broken */
uint64_t lmi_report_unreadable(const lmi_report *r); /* memory missing */
/* Whether every key's bucket and tophash were checked (no user hash). */
int lmi_report_placement_checked(const lmi_report *r);
const struct lmi_stats *lmi_report_stats(const lmi_report *r);
void lmi_report_free(lmi_report *r);

/* A live entry. key and value point to its bytes (a string key's
 * characters, an indirect key's or value's target), valid during the
 * callback only; NULL with error set when they cannot be read. */
struct lmi_entry {
    const uint8_t *key;
    uint64_t key_len;
    const uint8_t *value;
    uint64_t value_len;
    uint64_t key_addr;   /* where a string or indirect key lives, 0 inline */
    int array;           /* 0 current buckets, 1 old (not yet evacuated) */
    int64_t bucket;      /* base bucket index */
    int chain;           /* position in the overflow chain (0 = base) */
    int slot;
    uint64_t bucket_addr;
    unsigned tophash;
    char error[160];
};

/* Returns nonzero to stop the walk. */
typedef int (*lmi_entry_fn)(void *ctx, const struct lmi_entry *e);

/* Every live entry of the map at map once: the current array's, then,
 * while the map grows, those of the old buckets not yet evacuated. In
 * batches: start with *cursor = 0; when fn returns nonzero the walk stops
 * a little later (at the end of a slice of buckets: entries keep coming
 * until then) and *cursor says where the next call goes on, or is
 * LMI_ENTRIES_END when every entry was given. *unreadable (may be NULL)
 * counts the stretches of the map that could not be read and were
 * skipped. Returns 0, or -1 with a message when the map's header cannot
 * be read or its geometry cannot be walked. */
#define LMI_ENTRIES_END UINT64_MAX
int lmi_entries(lmi_target *t, uint64_t map, uint64_t *cursor, lmi_entry_fn fn, void *ctx,
                uint64_t *unreadable, char *err, size_t errlen);

/* lmi_entries for a caller that prefers bytes to callbacks (Python's
 * ctypes: one call per batch instead of one per entry). The entries of one
 * batch of about want bytes are packed into *buf (malloc'd, *len bytes;
 * free it with lmi_buffer_free), each as a record in host byte order:
 *     uint64 key_len, value_len   (UINT64_MAX: unreadable, see the error)
 *     int64 bucket; uint64 bucket_addr
 *     uint32 chain; uint16 slot; uint8 array, tophash; uint16 error_len;
 *     6 zero bytes
 *     key bytes, value bytes, error text, then zeros to a multiple of 8
 * (a 48-byte header: LMI_PACKED_HEADER). The cursor works as in
 * lmi_entries. */
#define LMI_PACKED_HEADER 48
int lmi_entries_packed(lmi_target *t, uint64_t map, uint64_t *cursor, size_t want, uint8_t **buf,
                       size_t *len, uint64_t *unreadable, char *err, size_t errlen);
void lmi_buffer_free(void *buf);

/* The maps of libmap's registry (config.registry_addr), in list order:
 * *maps is malloc'd (free it with lmi_buffer_free), *n entries. problem
 * (may be empty) says why the walk stopped early (a loop, an unreadable
 * link) or where the list disagrees with the registry's count. Returns
 * 0, or -1 with a message when the registry itself cannot be read. */
int lmi_registry(lmi_target *t, uint64_t **maps, size_t *n, char *problem, size_t problemlen,
                 char *err, size_t errlen);

/* Find key (len bytes: for u32/u64 maps the integer in the target's byte
 * order, for string maps the characters) in the map at map as libmap
 * would. Returns 1 after calling fn with the entry, 0 when absent, -1 with
 * a message when the map or the memory on the way cannot be read. */
int lmi_lookup(lmi_target *t, uint64_t map, const void *key, uint64_t len, lmi_entry_fn fn,
               void *ctx, char *err, size_t errlen);

/* A map's header and type descriptor, decoded through the layout
 * descriptor, with its growth state and writer word taken apart: all a
 * tool needs to describe a map without knowing where its fields are. */
struct lmi_map {
    uint64_t addr;
    uint64_t magic, expected_magic;
    int magic_ok;                 /* a live map: magic == expected_magic */
    uint64_t count, flags, B, noverflow, hash0;
    uint64_t buckets, oldbuckets, nevacuate, next_overflow, clearseq, reg_next, reg_prev;
    uint64_t writer;              /* the writer word, raw; decoded: */
    int writer_held;              /* HELD: writer_tid is writing */
    int writer_panic;             /* PANIC marker: writer_tid detected a race */
    int32_t writer_tid;
    uint32_t writer_op;           /* enum libmap_op */
    int64_t writer_seq;           /* the write sequence, -1 when this libmap has none */
    char writer_op_name[16];      /* "assign", ... */
    /* the type descriptor */
    uint64_t key_kind, tflags, key_size, value_size, key_slot, value_slot;
    uint64_t bucket_size, key_offset, value_offset, overflow_offset;
    uint64_t hash_fn;             /* user hash callback (bytes keys) */
    int hash_fn_known;            /* the descriptor locates it */
    int indirect_key, indirect_value;
    char kind[16];                /* "u32", "u64", "string", "bytes", "unknown" */
    /* derived */
    int growing, same_size;
    uint64_t nbuckets;            /* current base buckets (0 before the first) */
    uint64_t noldbuckets;         /* old base buckets while growing */
    int walkable;                 /* the geometry is sane enough to walk */
    char problem[256];            /* why not, when not */
    /* appended: the lock that guards the map when it is the map of a
     * libmap_sync or a shard's map of a libmap_shard (map_guard and lock_*
     * in the layout descriptor) */
    uint64_t guard;               /* the lock's address; 0: a plain map (or a libmap
                                   * whose descriptor predates the safe maps) */
    int guard_ok;                 /* the lock was read and is one (its magic) */
    uint32_t guard_kind;          /* enum libmap_guard_kind */
    char guard_kind_name[16];     /* "sync", "shard" */
    uint64_t guard_parent;        /* the libmap_sync or libmap_shard */
    uint32_t guard_shard, guard_nshards; /* this shard's index, the shard count */
    int32_t lock_owner;           /* TID holding it for writing, 0: none */
    int lock_writer;              /* the state word's writer bit: 1, 0, -1 not described */
    int lock_writer_waiting;      /* a writer waits (new readers wait too): 1, 0, -1 */
    int64_t lock_readers;         /* threads holding it for reading, -1 not described */
    char guard_problem[128];      /* why guard_ok is 0, when guard is not 0 */
};

/* Decode the header of the map at map. Returns 0 (check magic_ok and
 * walkable), or -1 with a message when the header cannot be read. */
int lmi_map_header(lmi_target *t, uint64_t map, struct lmi_map *out, char *err, size_t errlen);

/* One bucket as lmi_buckets shows it. kind LMI_BUCKET: a bucket of a
 * chain, base first (its slots follow through the slot callback);
 * LMI_BUCKET_STOP: the chain of the bucket just shown (same array, bucket,
 * chain and addr) stops early, problem says why (a loop, a link into
 * another chain or the base array, a misaligned or unreadable link);
 * LMI_BUCKET_UNREADABLE: base buckets bucket..last cannot be read. */
#define LMI_BUCKET 0
#define LMI_BUCKET_STOP 1
#define LMI_BUCKET_UNREADABLE 2
#define LMI_MAX_SLOTS 64
struct lmi_bucket {
    int kind;
    int array;          /* 0 current buckets, 1 old */
    int64_t bucket;     /* base bucket index */
    int64_t last;       /* LMI_BUCKET_UNREADABLE: the last unreadable base bucket */
    int chain;          /* position in the overflow chain (0 = base) */
    uint64_t addr;
    uint64_t overflow;  /* its overflow pointer (0: the chain ends here) */
    /* Base buckets while the map grows: the old bucket that holds (or
     * held) the entries (array 0: bucket mod the old count; array 1: the
     * bucket itself) and its state: 1 evacuated, 0 not evacuated, -1
     * unknown (unreadable). evac_bucket is -1 when the map is not growing. */
    int64_t evac_bucket;
    int evac;
    unsigned nslots;    /* tophash bytes (the bucket's slot count) */
    uint8_t tophash[LMI_MAX_SLOTS];
    char problem[192];
};

typedef int (*lmi_bucket_fn)(void *ctx, const struct lmi_bucket *b);

/* Walk base buckets [from, to) of one array (old = 0: current, 1: old;
 * to is clamped to the array's size) with their overflow chains, bounded
 * and cycle-checked as verification walks them: bucket_fn for each bucket
 * (and each early stop or unreadable stretch, see struct lmi_bucket);
 * slot_fn (may be NULL) after each bucket for its live slots and, in old
 * buckets, its slots marked evacuated to X or Y. An evacuated slot whose
 * key lives behind a pointer (string, indirect key) is handed over with
 * key and value NULL and no error: its bytes went with the entry and may
 * be freed. When a callback returns nonzero the walk stops at the end of
 * that base bucket's chain. Returns 0, or -1 with a message when the map's
 * header cannot be read or its geometry cannot be walked. */
int lmi_buckets(lmi_target *t, uint64_t map, int old, uint64_t from, uint64_t to,
                lmi_bucket_fn bucket_fn, lmi_entry_fn slot_fn, void *ctx, char *err,
                size_t errlen);

/* libmap's panic record (config.panic_addr), decoded. */
struct lmi_panic {
    uint64_t addr;            /* the record's address */
    uint64_t map;             /* the map the race was detected on */
    uint32_t kind, op, writer_op, writer_held;
    int32_t tid, writer_tid, pid;
    int64_t realtime_ns, monotonic_ns;
    char kind_name[24];       /* "concurrent_writes", "read_write", "iteration_write" */
    char op_name[16], writer_op_name[16];
    char message[256];
};

/* Returns 1 with the record, 0 when libmap has not panicked (err says
 * so), -1 with a message when the record cannot be found or read. */
int lmi_panic(lmi_target *t, struct lmi_panic *out, char *err, size_t errlen);

/* The diagnosis of a race the run-time check missed: the process died of
 * SIGSEGV or SIGBUS (signo) in thread crashed_tid with no panic record.
 * The tool unwinds the stacks; threads says which public libmap function
 * (libmap_*, the outermost on the stack) each thread is inside, function
 * NULL when none. The rules (docs/coredump-json.md, "diagnosis"): the
 * crashed thread is inside libmap and another thread holds a registered
 * map's writer word (HELD, its TID) or is inside assign, delete or clear;
 * the map is the one held, else the one whose writer word names that
 * thread as its last writer, else the only map. */
struct lmi_thread {
    int32_t tid;
    const char *function;
};

struct lmi_diagnosis {
    int present;              /* a probable race */
    char kind[32];            /* "probable_read_write", "probable_concurrent_writes",
                                 "probable_iteration_write" */
    char message[96];
    int32_t crashed_tid;
    char crashed_op[16];      /* "lookup", "iterate", "assign"...; "": another libmap call */
    char crashed_function[128]; /* "" when the crash is not inside libmap */
    int32_t writer_tid;
    char writer_op[16];       /* "" when unknown */
    char writer_function[128];/* the writer's libmap function, "" when not on its stack */
    int writer_held;          /* the writer word names it with HELD set */
    char evidence[16];        /* "writer_word" or "stack" */
    uint64_t map;             /* 0: unknown */
    char map_found_by[16];    /* "writer_word", "last_writer", "only_map", "" */
    char why_not[256];        /* a crash inside libmap with no verdict: why */
};

/* Returns 0 (present says whether there is a verdict), or -1 with a
 * message. The registry (config.registry_addr) is read for the maps; an
 * unreadable registry counts as no maps. */
int lmi_diagnose(lmi_target *t, int signo, int32_t crashed_tid, const struct lmi_thread *threads,
                 size_t nthreads, struct lmi_diagnosis *out, char *err, size_t errlen);

/* The operation of a public libmap function ("libmap_assign_u64":
 * "assign", "libmap_iter_next": "iterate"), NULL for any other. */
const char *lmi_function_op(const char *function);

/* libmap's debug note (<libmap/debug.h>, LIBMAP_NOTE_TYPE): where it
 * says libmap_layout, libmap_panic_record and libmap_registry are. */
struct lmi_note_addrs {
    uint32_t version;         /* the note's (LIBMAP_NOTE_VERSION) */
    uint64_t layout, panic_record, registry;
};

/* Find and decode libmap's note among the ELF notes of bytes (len bytes,
 * a SHT_NOTE section or PT_NOTE segment as the target has it, 4-byte
 * aligned records in its byte order) loaded at address addr: the note's
 * offsets are relative to their own addresses. Notes of other names,
 * types or versions, and one whose descriptor is short or runs past len,
 * are passed over. Returns 1 with *out filled, or 0 (*out zeroed) when
 * none is libmap's. Needs no target: a tool calls it before lmi_open to
 * find layout_addr in a program without symbols. */
int lmi_note_decode(const void *bytes, size_t len, uint64_t addr, int big_endian,
                    struct lmi_note_addrs *out);

/* sizeof of the public structures, in this order: lmi_target_config,
 * lmi_problem, lmi_stats, lmi_entry, lmi_map, lmi_bucket, lmi_panic,
 * lmi_thread, lmi_diagnosis, lmi_note_addrs. Returns how many there are;
 * fills at most n of sizes. For bindings (the gdb scripts' ctypes) to
 * check their copies. */
size_t lmi_abi_sizes(size_t *sizes, size_t n);

#ifdef __cplusplus
}
#endif
#endif
