/*
 * json_shapes.h — the two document shapes of bench-json-writer (issue 13):
 * an entry of `libmap-coredump --json` (a map of u64 keys) and a write of
 * `libmap-timeline --chrome` (a trace-event "X" slice). The values are made
 * from the item's index, the same for every writer under test.
 */
#ifndef LIBMAP_BENCH_JSON_SHAPES_H
#define LIBMAP_BENCH_JSON_SHAPES_H

#include <stdint.h>
#include <stdio.h>

struct bj_entry {
    uint64_t key, value, bucket;
    unsigned overflow, slot, tophash;
};

struct bj_event {
    const char *name;          /* assign, delete or lookup */
    int64_t ts_ns, dur_ns;     /* from the origin */
    int pid, tid;
    uint64_t map, hash, count;
    int64_t result;
    unsigned B;
};

static inline uint64_t bj_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static inline void bj_entry_at(uint64_t i, struct bj_entry *e)
{
    uint64_t h = bj_mix(i + 1);
    e->key = i * 7919;
    e->value = h >> 20;
    e->bucket = (h >> 3) & ((1u << 21) - 1);
    e->overflow = (unsigned)(h & 1);
    e->slot = (unsigned)(i & 7);
    e->tophash = 5 + (unsigned)(h >> 56) % 251;
}

static inline void bj_event_at(uint64_t i, struct bj_event *ev)
{
    static const char *const names[3] = {"assign", "delete", "lookup"};
    uint64_t h = bj_mix(i + 1);
    ev->name = names[h % 3];
    ev->ts_ns = (int64_t)(i * 250 + (h >> 60));
    ev->dur_ns = (int64_t)(150 + (h >> 40) % 200);
    ev->pid = 4242;
    ev->tid = 4242 + (int)(i & 3);
    ev->map = 0x5555aaaa0010ULL + ((h >> 8) & 3) * 0x100;
    ev->hash = h;
    ev->count = i / 2;
    ev->result = (int64_t)(h >> 63);
    ev->B = 10 + (unsigned)(i >> 20);
}

/* An item as a list of members, so that every writer writes the same
 * document from one description. */
enum bj_type {
    BJ_U64,   /* u */
    BJ_I64,   /* i */
    BJ_STR,   /* s */
    BJ_BYTES, /* u: its 8 bytes in memory order as a hex string */
    BJ_ADDR,  /* u: "0x..." */
    BJ_US,    /* i: ns written as microseconds with 3 decimals */
    BJ_OPEN,  /* a nested object begins (key) */
    BJ_CLOSE, /* it ends */
};

struct bj_field {
    const char *key;
    const char *lit; /* ,"key": for writers that lay members by hand */
    size_t litlen;
    enum bj_type t;
    uint64_t u;
    int64_t i;
    const char *s;
};

#define BJ_MAX_FIELDS 16

/* The members of item i of a shape; returns their number. */
static inline int bj_fields(int events, uint64_t i, struct bj_field *f)
{
    int n = 0;
#define BJ_F(k, ty, uu, ii, ss) \
    f[n++] = (struct bj_field){k, ",\"" k "\":", sizeof(",\"" k "\":") - 1, ty, uu, ii, ss}
    if (!events) {
        struct bj_entry e;
        bj_entry_at(i, &e);
        BJ_F("key", BJ_U64, e.key, 0, NULL);
        BJ_F("key_hex", BJ_BYTES, e.key, 0, NULL);
        BJ_F("value", BJ_U64, e.value, 0, NULL);
        BJ_F("value_hex", BJ_BYTES, e.value, 0, NULL);
        BJ_F("array", BJ_STR, 0, 0, "current");
        BJ_F("bucket", BJ_U64, e.bucket, 0, NULL);
        BJ_F("overflow", BJ_U64, e.overflow, 0, NULL);
        BJ_F("slot", BJ_U64, e.slot, 0, NULL);
        BJ_F("tophash", BJ_U64, e.tophash, 0, NULL);
        return n;
    }
    struct bj_event ev;
    bj_event_at(i, &ev);
    BJ_F("name", BJ_STR, 0, 0, ev.name);
    BJ_F("cat", BJ_STR, 0, 0, "libmap");
    BJ_F("ph", BJ_STR, 0, 0, "X");
    BJ_F("ts", BJ_US, 0, ev.ts_ns, NULL);
    BJ_F("dur", BJ_US, 0, ev.dur_ns, NULL);
    BJ_F("pid", BJ_I64, 0, ev.pid, NULL);
    BJ_F("tid", BJ_I64, 0, ev.tid, NULL);
    BJ_F("args", BJ_OPEN, 0, 0, NULL);
    BJ_F("map", BJ_ADDR, ev.map, 0, NULL);
    BJ_F("hash", BJ_ADDR, ev.hash, 0, NULL);
    BJ_F("result", BJ_I64, 0, ev.result, NULL);
    BJ_F("count", BJ_U64, ev.count, 0, NULL);
    BJ_F("B", BJ_U64, ev.B, 0, NULL);
    BJ_F("", BJ_CLOSE, 0, 0, NULL);
#undef BJ_F
    return n;
}

/* A BJ_BYTES or BJ_ADDR member as a NUL-terminated string (19 bytes). */
static inline void bj_text(const struct bj_field *f, char *out)
{
    static const char hx[] = "0123456789abcdef";
    if (f->t == BJ_BYTES) {
        const uint8_t *b = (const uint8_t *)&f->u;
        for (int k = 0; k < 8; k++) {
            out[2 * k] = hx[b[k] >> 4];
            out[2 * k + 1] = hx[b[k] & 15];
        }
        out[16] = '\0';
        return;
    }
    char t[16];
    int n = 0;
    uint64_t v = f->u;
    do {
        t[n++] = hx[v & 15];
        v >>= 4;
    } while (v);
    out[0] = '0', out[1] = 'x';
    for (int k = 0; k < n; k++)
        out[2 + k] = t[n - 1 - k];
    out[2 + n] = '\0';
}

/* The writers: each writes N items of the shape ("entries" or "events")
 * to out and returns 0, or -1 on a failure. */
int bj_write_jsonw(int events, uint64_t n, FILE *out);
int bj_write_jsonc(int events, uint64_t n, FILE *out, int per_item);
int bj_write_jansson(int events, uint64_t n, FILE *out, int per_item);

#endif
