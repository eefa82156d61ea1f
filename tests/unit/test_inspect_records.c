/*
 * test_inspect_records.c — the libmap-inspect API the tools describe maps
 * with, on this process's own maps: lmi_map_header against the map's
 * fields, lmi_buckets against the buckets themselves (every tophash byte,
 * overflow link, evacuation state and slot, and a chain made to loop or to
 * lead to unreadable memory), lmi_panic on an empty and a filled panic
 * record, lmi_diagnose's verdicts, and lmi_abi_sizes.
 */
#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <libmap/map.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "inspect_self.h"
#include "internal.h"

#define ADDR(p) ((uint64_t)(uintptr_t)(p))

/* u64 keys 1..n (value 3k), stopping mid-growth when asked. */
static libmap *u64_map(uint64_t n, int mid_growth, uint64_t *inserted)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    *inserted = 0;
    for (uint64_t k = 1; k <= n; k++) {
        uint64_t v = k * 3;
        CHECK_EQ(libmap_assign_u64(m, k, &v), LIBMAP_INSERTED);
        ++*inserted;
        if (mid_growth && k > 100 && ((struct libmap *)m)->oldbuckets != NULL)
            break;
    }
    return m;
}

static void test_header(void)
{
    uint64_t n;
    libmap *pm = u64_map(5000, 1, &n);
    struct libmap *m = (struct libmap *)pm;
    lmi_target *t = open_self();
    struct lmi_map h;
    char err[256];
    CHECK_EQ(lmi_map_header(t, ADDR(m), &h, err, sizeof err), 0);
    CHECK(h.magic_ok && h.walkable && h.problem[0] == 0);
    CHECK_EQ(h.addr, ADDR(m));
    CHECK_EQ(h.magic, h.expected_magic);
    CHECK_EQ(h.count, n);
    CHECK_EQ(h.B, m->B);
    CHECK_EQ(h.hash0, m->hash0);
    CHECK_EQ(h.noverflow, m->noverflow);
    CHECK_EQ(h.buckets, ADDR(m->buckets));
    CHECK_EQ(h.oldbuckets, ADDR(m->oldbuckets));
    CHECK_EQ(h.nevacuate, m->nevacuate);
    CHECK(h.growing == 1 && h.same_size == 0);
    CHECK_EQ(h.nbuckets, (uint64_t)1 << m->B);
    CHECK_EQ(h.noldbuckets, (uint64_t)1 << (m->B - 1));
    CHECK_EQ(h.key_size, 8);
    CHECK_EQ(h.value_size, 8);
    CHECK_EQ(h.bucket_size, m->t.bucket_size);
    CHECK_EQ(h.key_offset, m->t.key_offset);
    CHECK_EQ(h.value_offset, m->t.value_offset);
    CHECK_EQ(h.overflow_offset, m->t.overflow_offset);
    CHECK(strcmp(h.kind, "u64") == 0 && !h.indirect_key && !h.indirect_value);
    CHECK(h.hash_fn_known && h.hash_fn == 0);
    /* the writer word, decoded: a write by thread 4242 in progress */
    uint64_t saved = m->writer;
    m->writer = ((uint64_t)4242 << LIBMAP_WRITER_TID_SHIFT) | (7u << LIBMAP_WRITER_SEQ_SHIFT) |
                LIBMAP_WRITER_HELD | LIBMAP_OP_DELETE;
    CHECK_EQ(lmi_map_header(t, ADDR(m), &h, err, sizeof err), 0);
    CHECK(h.writer_held == 1 && h.writer_panic == 0 && h.writer_tid == 4242);
    CHECK(h.writer_op == LIBMAP_OP_DELETE && strcmp(h.writer_op_name, "delete") == 0);
    CHECK_EQ(h.writer_seq, 7);
    m->writer = saved;
    /* a map that is not there: an error value */
    CHECK_EQ(lmi_map_header(t, 16, &h, err, sizeof err), -1);
    CHECK(strncmp(err, "cannot read map header (", 24) == 0);
    lmi_close(t);
    libmap_free(pm);
}

/* What lmi_buckets gave, checked against the buckets as it goes. */
struct seen {
    const struct libmap *m;
    uint64_t base[2], records[2], overflow[2], live[2], moved[2], stops, unreadable;
    uint64_t keys, values;
    int64_t last_bucket[2];
    char problem[192];
};

static int on_bucket(void *ctx, const struct lmi_bucket *b)
{
    struct seen *s = ctx;
    const struct libmap *m = s->m;
    s->records[b->array]++;
    if (b->kind == LMI_BUCKET_STOP) {
        s->stops++;
        snprintf(s->problem, sizeof s->problem, "%s", b->problem);
        return 0;
    }
    if (b->kind == LMI_BUCKET_UNREADABLE) {
        s->unreadable++;
        return 0;
    }
    CHECK_EQ(b->kind, LMI_BUCKET);
    const uint8_t *bk = (const uint8_t *)(uintptr_t)b->addr;
    CHECK_EQ(b->nslots, BUCKET_CNT);
    CHECK(memcmp(b->tophash, bk, BUCKET_CNT) == 0);
    CHECK_EQ(b->overflow, ADDR(bucket_overflow(m, (uint8_t *)bk)));
    if (b->chain > 0) {
        s->overflow[b->array]++;
        CHECK(b->evac_bucket == -1 && b->evac == -1);
        return 0;
    }
    /* base buckets come in order, at their address */
    CHECK_EQ(b->bucket, s->last_bucket[b->array] + 1);
    s->last_bucket[b->array] = b->bucket;
    s->base[b->array]++;
    uint8_t *arr = b->array ? m->oldbuckets : m->buckets;
    CHECK_EQ(b->addr, ADDR(bucket_at(m, arr, (size_t)b->bucket)));
    if (!growing(m)) {
        CHECK(b->evac_bucket == -1 && b->evac == -1);
        return 0;
    }
    uint64_t j = b->array ? (uint64_t)b->bucket : (uint64_t)b->bucket & oldbucket_mask(m);
    CHECK_EQ(b->evac_bucket, (int64_t)j);
    CHECK_EQ(b->evac, evacuated(bucket_at(m, m->oldbuckets, j)) ? 1 : 0);
    return 0;
}

static int on_slot(void *ctx, const struct lmi_entry *e)
{
    struct seen *s = ctx;
    const uint8_t *bk = (const uint8_t *)(uintptr_t)e->bucket_addr;
    CHECK_EQ(e->tophash, bk[e->slot]);
    CHECK(e->key != NULL && e->value != NULL && e->error[0] == 0);
    if (e->tophash < MIN_TOPHASH) {
        s->moved[e->array]++;
        CHECK(e->array == 1 && (e->tophash == libmap_layout.evacuated_x ||
                                e->tophash == libmap_layout.evacuated_y));
        return 0;
    }
    uint64_t k, v;
    memcpy(&k, e->key, 8);
    memcpy(&v, e->value, 8);
    CHECK_EQ(v, k * 3);
    /* a live slot of an evacuated old bucket would be counted twice */
    if (e->array == 1)
        CHECK(!evacuated(bucket_at(s->m, s->m->oldbuckets, (size_t)e->bucket)));
    s->live[e->array]++;
    s->keys += k;
    return 0;
}

static void walk(lmi_target *t, struct seen *s, int old, uint64_t from, uint64_t to)
{
    char err[256];
    s->last_bucket[old] = (int64_t)from - 1;
    CHECK_EQ(lmi_buckets(t, ADDR(s->m), old, from, to, on_bucket, on_slot, s, err, sizeof err),
             0);
}

static void test_buckets(uint64_t want, int mid_growth)
{
    uint64_t n;
    libmap *pm = u64_map(want, mid_growth, &n);
    struct libmap *m = (struct libmap *)pm;
    lmi_target *t = open_self();
    struct seen s = {.m = m};
    walk(t, &s, 0, 0, UINT64_MAX);
    walk(t, &s, 1, 0, UINT64_MAX);
    CHECK_EQ(s.base[0], bucket_shift(m->B));
    CHECK_EQ(s.base[1], growing(m) ? noldbuckets(m) : 0);
    CHECK_EQ(s.live[0] + s.live[1], n);
    CHECK_EQ(s.keys, n * (n + 1) / 2);
    CHECK_EQ(s.stops + s.unreadable, 0);
    if (mid_growth)
        CHECK(s.moved[1] > 0 && s.live[1] > 0);
    /* a range: exactly those base buckets */
    struct seen r = {.m = m};
    walk(t, &r, 0, 3, 9);
    CHECK(r.base[0] == 6 && r.last_bucket[0] == 8);
    lmi_close(t);
    libmap_free(pm);
}

/* Chains that loop or lead to unreadable memory stop with a record. */
static void test_broken_chains(void)
{
    uint64_t n;
    libmap *pm = u64_map(20, 0, &n);
    struct libmap *m = (struct libmap *)pm;
    lmi_target *t = open_self();
    uint8_t *b2 = bucket_at(m, m->buckets, 2);
    uint8_t *ovf = aligned_alloc(64, (m->t.bucket_size + 63) / 64 * 64);
    memset(ovf, 0, m->t.bucket_size); /* an empty overflow bucket */
    set_overflow(m, b2, ovf);
    set_overflow(m, ovf, ovf); /* ... that links to itself */
    struct seen s = {.m = m};
    walk(t, &s, 0, 2, 3);
    CHECK(s.base[0] == 1 && s.overflow[0] == 1 && s.stops == 1);
    char want[192];
    snprintf(want, sizeof want, "overflow chain loops back to 0x%llx",
             (unsigned long long)ADDR(ovf));
    CHECK(strcmp(s.problem, want) == 0);
    set_overflow(m, ovf, (uint8_t *)(uintptr_t)0x800); /* unreadable for self_read */
    struct seen u = {.m = m};
    walk(t, &u, 0, 2, 3);
    CHECK(u.overflow[0] == 1 && u.stops == 1);
    CHECK(strcmp(u.problem, "overflow bucket at 0x800 is unreadable") == 0);
    set_overflow(m, b2, NULL);
    free(ovf);
    char err[256];
    CHECK_EQ(lmi_buckets(t, 16, 0, 0, 1, on_bucket, on_slot, &s, err, sizeof err), -1);
    lmi_close(t);
    libmap_free(pm);
}

static void test_panic(void)
{
    lmi_target *t = open_self();
    struct lmi_panic p;
    char err[256];
    struct libmap_panic_record saved = libmap_panic_record;
    CHECK_EQ(lmi_panic(t, &p, err, sizeof err), 0);
    CHECK(strcmp(err, "no panic record: libmap did not detect a concurrent access in this "
                      "process") == 0);
    libmap_panic_record = (struct libmap_panic_record){
        .magic = LIBMAP_PANIC_MAGIC, .version = 1, .kind = LIBMAP_PANIC_READ_WRITE,
        .map = (const libmap *)(uintptr_t)0x1234560, .op = LIBMAP_OP_LOOKUP,
        .writer_op = LIBMAP_OP_ASSIGN, .tid = 11, .writer_tid = 12, .pid = 10,
        .writer_held = 1, .realtime_ns = 1700000000123456789, .monotonic_ns = 42,
        .message = "concurrent map read and map write"};
    CHECK_EQ(lmi_panic(t, &p, err, sizeof err), 1);
    CHECK(p.addr == ADDR(&libmap_panic_record) && p.map == 0x1234560);
    CHECK(p.kind == LIBMAP_PANIC_READ_WRITE && strcmp(p.kind_name, "read_write") == 0);
    CHECK(p.op == LIBMAP_OP_LOOKUP && strcmp(p.op_name, "lookup") == 0);
    CHECK(p.writer_op == LIBMAP_OP_ASSIGN && strcmp(p.writer_op_name, "assign") == 0);
    CHECK(p.tid == 11 && p.writer_tid == 12 && p.pid == 10 && p.writer_held == 1);
    CHECK(p.realtime_ns == 1700000000123456789 && p.monotonic_ns == 42);
    CHECK(strcmp(p.message, "concurrent map read and map write") == 0);
    libmap_panic_record = saved;
    lmi_close(t);
}

static void test_diagnose(void)
{
    uint64_t n;
    libmap *pm = u64_map(10, 0, &n); /* the registry's only map */
    struct libmap *m = (struct libmap *)pm;
    lmi_target *t = open_self();
    struct lmi_diagnosis d;
    char err[256];
    struct lmi_thread th[] = {{100, "libmap_lookup_u64"}, {200, NULL}, {4242, "libmap_assign_u64"}};
    /* 4242 holds the map: a read crashed into its write */
    uint64_t saved = m->writer;
    m->writer = ((uint64_t)4242 << LIBMAP_WRITER_TID_SHIFT) | LIBMAP_WRITER_HELD | LIBMAP_OP_ASSIGN;
    CHECK_EQ(lmi_diagnose(t, SIGSEGV, 100, th, 3, &d, err, sizeof err), 0);
    CHECK(d.present && strcmp(d.kind, "probable_read_write") == 0);
    CHECK(strcmp(d.message, "probable concurrent map read and map write (not detected at run "
                            "time)") == 0);
    CHECK(d.crashed_tid == 100 && strcmp(d.crashed_op, "lookup") == 0 &&
          strcmp(d.crashed_function, "libmap_lookup_u64") == 0);
    CHECK(d.writer_tid == 4242 && d.writer_held == 1 && strcmp(d.writer_op, "assign") == 0 &&
          strcmp(d.writer_function, "libmap_assign_u64") == 0);
    CHECK(d.map == ADDR(m) && strcmp(d.map_found_by, "writer_word") == 0 &&
          strcmp(d.evidence, "writer_word") == 0);
    /* the crashed thread's own write is no evidence */
    CHECK_EQ(lmi_diagnose(t, SIGBUS, 4242, th, 3, &d, err, sizeof err), 0);
    CHECK(!d.present && strcmp(d.crashed_op, "assign") == 0);
    CHECK(strcmp(d.why_not, "thread 4242 died of SIGBUS inside libmap (libmap_assign_u64), but "
                            "no other thread held a map for writing or was inside a libmap "
                            "write: no sign of a concurrent map access") == 0);
    m->writer = saved;
    /* nothing held: the thread inside a write; the map, the only one */
    CHECK_EQ(lmi_diagnose(t, SIGSEGV, 100, th, 3, &d, err, sizeof err), 0);
    CHECK(d.present && d.writer_tid == 4242 && d.writer_held == 0);
    CHECK(strcmp(d.evidence, "stack") == 0 && strcmp(d.writer_op, "assign") == 0);
    CHECK(d.map == ADDR(m) && strcmp(d.map_found_by, "only_map") == 0);
    /* a crash outside libmap, or not SIGSEGV/SIGBUS: nothing to say */
    CHECK_EQ(lmi_diagnose(t, SIGSEGV, 200, th, 3, &d, err, sizeof err), 0);
    CHECK(!d.present && d.why_not[0] == 0 && d.crashed_function[0] == 0);
    CHECK_EQ(lmi_diagnose(t, SIGABRT, 100, th, 3, &d, err, sizeof err), 0);
    CHECK(!d.present);
    /* an iteration crashing into a write */
    struct lmi_thread it[] = {{100, "libmap_iter_next"}, {4242, "libmap_clear"}};
    CHECK_EQ(lmi_diagnose(t, SIGSEGV, 100, it, 2, &d, err, sizeof err), 0);
    CHECK(d.present && strcmp(d.kind, "probable_iteration_write") == 0 &&
          strcmp(d.writer_op, "clear") == 0);
    lmi_close(t);
    libmap_free(pm);
}

static void test_abi_sizes(void)
{
    const size_t want[] = {
        sizeof(struct lmi_target_config), sizeof(struct lmi_problem), sizeof(struct lmi_stats),
        sizeof(struct lmi_entry),         sizeof(struct lmi_map),     sizeof(struct lmi_bucket),
        sizeof(struct lmi_panic),         sizeof(struct lmi_thread),  sizeof(struct lmi_diagnosis),
        sizeof(struct lmi_note_addrs),
    };
    size_t got[16] = {0};
    CHECK_EQ(lmi_abi_sizes(got, 16), 10);
    CHECK(memcmp(got, want, sizeof want) == 0 && got[10] == 0);
    CHECK_EQ(lmi_abi_sizes(NULL, 0), 10);
}

int main(void)
{
    test_header();
    test_buckets(1000, 0);
    test_buckets(100000, 0);
    test_buckets(5000, 1);
    test_broken_chains();
    test_panic();
    test_diagnose();
    test_abi_sizes();
    printf("test_inspect_records: ok\n");
    return 0;
}
