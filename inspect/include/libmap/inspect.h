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

#ifdef __cplusplus
}
#endif
#endif
