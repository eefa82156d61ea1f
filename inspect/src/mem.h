/*
 * mem.h — the target's memory as the inspector sees it: a read callback
 * supplied by the tool (a core file for libmap-coredump, gdb's
 * read_memory for the gdb scripts, the process itself for tests), with
 * optional faster paths. Every read is bounded and, when bytes are
 * missing, says why and where. Integers are decoded in the target's byte
 * order.
 */
#ifndef LIBMAP_INSPECT_MEM_H
#define LIBMAP_INSPECT_MEM_H

#include <stddef.h>
#include <stdint.h>

enum lmi_status {
    LMI_OK = 0,
    LMI_NOT_MAPPED,  /* no mapping covers the address */
    LMI_NOT_SAVED,   /* mapped, but the core did not save the bytes */
    LMI_TRUNCATED,   /* the bytes lie past the end of a truncated core */
    LMI_UNREADABLE,  /* the reader could not read them (a live process) */
};

/* Where a read failed. */
struct lmi_fault {
    enum lmi_status status;
    uint64_t addr;
};

struct lmi_mem_ops {
    /* Copy len bytes at addr into buf. Returns 0, or -1 with *f set.
     * Required. */
    int (*read)(void *ctx, uint64_t addr, void *buf, size_t len, struct lmi_fault *f);
    /* Pointer to len bytes at addr held by the reader (a mapped core), or
     * copied into scratch; NULL with *f set. Optional (read into scratch). */
    const uint8_t *(*get)(void *ctx, uint64_t addr, size_t len, uint8_t *scratch,
                          struct lmi_fault *f);
    /* Copy up to max bytes at addr, as many as are readable in one piece;
     * returns the count (0: none). For bulk reads of bucket arrays.
     * Optional (read whole chunks, then smaller ones). */
    size_t (*read_span)(void *ctx, uint64_t addr, void *buf, size_t max);
    /* The lowest readable address >= addr, or UINT64_MAX. Optional (the
     * next page is tried). */
    uint64_t (*next_readable)(void *ctx, uint64_t addr);
    /* Like read, from the program's files only (read-only data the core
     * did not save). Optional. */
    int (*read_file)(void *ctx, uint64_t addr, void *buf, size_t len, struct lmi_fault *f);
};

struct lmi_mem {
    const struct lmi_mem_ops *ops;
    void *ctx;
    int big_endian;
    unsigned ptr;       /* bytes in a pointer: 4 or 8 */
    uint64_t extent;    /* at most this many bytes are readable (a core's size):
                           bounds walks and the bytes read behind pointers */
    int serial;         /* the reader must be called from one thread only */
    /* a target that is this process: a bytes map's user hash and equality
     * (lmi_target_config; NULL otherwise) */
    uint64_t (*host_hash)(void *ctx, uint64_t map, const void *key, uint64_t len, uint64_t seed);
    int (*host_equal)(void *ctx, uint64_t map, const void *a, const void *b, uint64_t len);
    void *host_ctx;
};

static inline int lmi_read(struct lmi_mem *m, uint64_t addr, void *buf, size_t len,
                           struct lmi_fault *f)
{
    return m->ops->read(m->ctx, addr, buf, len, f);
}

/* From the program's files only; fails as unreadable without that path. */
int lmi_read_file(struct lmi_mem *m, uint64_t addr, void *buf, size_t len, struct lmi_fault *f);

/* Pointer to len bytes at addr (scratch holds at least len bytes); valid
 * until the next call. NULL with *f set when some byte is missing. */
const uint8_t *lmi_get(struct lmi_mem *m, uint64_t addr, size_t len, uint8_t *scratch,
                       struct lmi_fault *f);

/* The lowest address >= addr that is readable, or UINT64_MAX. Used to skip
 * over an unreadable region in one step. */
uint64_t lmi_next_readable(struct lmi_mem *m, uint64_t addr);

/* Target integers in the target's byte order (width 1..8). */
uint64_t lmi_uint_slow(const struct lmi_mem *m, const uint8_t *p, unsigned width);
static inline uint64_t lmi_uint(const struct lmi_mem *m, const uint8_t *p, unsigned width)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (!m->big_endian) {
        switch (width) {
        case 1:
            return p[0];
        case 2: {
            uint16_t v;
            __builtin_memcpy(&v, p, 2);
            return v;
        }
        case 4: {
            uint32_t v;
            __builtin_memcpy(&v, p, 4);
            return v;
        }
        case 8: {
            uint64_t v;
            __builtin_memcpy(&v, p, 8);
            return v;
        }
        }
    }
#endif
    return lmi_uint_slow(m, p, width);
}

/* Sequential reads of a large range (a bucket array) through one buffer
 * filled in large chunks: one reader call per chunk instead of one per
 * bucket (for gdb, one read_memory per megabytes). Anything the buffer
 * cannot serve goes through lmi_get. */
struct lmi_stream {
    struct lmi_mem *mem;
    uint8_t *buf;
    size_t cap;                 /* bytes allocated at buf */
    uint64_t win_addr, win_len; /* the target addresses held in buf */
    uint64_t end;               /* read nothing at or past this address (0: no end) */
};
void lmi_stream_init(struct lmi_stream *s, struct lmi_mem *mem);
void lmi_stream_free(struct lmi_stream *s);
const uint8_t *lmi_stream_get(struct lmi_stream *s, uint64_t addr, size_t len, uint8_t *scratch,
                              struct lmi_fault *f);

/* "not saved in the core" and friends. */
const char *lmi_status_str(enum lmi_status s);

#endif
