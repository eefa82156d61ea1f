/*
 * growth_peak.c — bench-growth-peak: the memory a map holds while it grows.
 * Inserts N u64 -> u64 keys (keys.h's u64 keys 0..N-1, default 1M) into an
 * empty map (no size hint) whose allocator (libmap_config.allocator) counts
 * the bytes libmap holds: live bytes after every call, their peak, and the
 * large blocks (bucket arrays) still held at the end. It reports
 *
 *     peak_live_bytes     the most libmap held at once during the inserts
 *     final_live_bytes    what it holds after the last insert
 *     final_blocks        the large blocks (>= 64 KiB) held then, largest
 *                         first: the current bucket array, and any array
 *                         kept after its growth ended (retired)
 *     growth B0->B1 ...   per growth: the insert that started it, live
 *                         bytes just before, the peak until it ended, and
 *                         live bytes after the insert that ended it
 *     ru_maxrss_kib       the process's peak RSS (getrusage; includes the
 *                         program, its key array and the allocator's slack)
 *
 * Live bytes are the sizes libmap asked for, the map structure included.
 * Large blocks are allocated as libmap's default allocator does (mmap, 2 MiB
 * aligned and rounded, MADV_HUGEPAGE), small ones with malloc, so the RSS
 * is that of a default map; --default-allocator uses libmap's own allocator
 * (allocator NULL) and reports only the RSS. The map's B and growth state
 * are read through the layout descriptor (<libmap/debug.h>). Only the
 * public API is used: bench/growth-peak.sh compiles this file against two
 * libmap builds (before and after a change) and prints the comparison.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "keys.h"
#include "timer.h"

volatile uint64_t bench_sink;
clockid_t bench_clock = CLOCK_PROCESS_CPUTIME_ID;

#define HUGE_BLOCK ((size_t)1 << 21)
#define BIG_BLOCK ((size_t)64 << 10)
#define MAX_BIG 64

struct counter {
    size_t live, peak, allocs, frees;
    size_t wpeak; /* peak since the caller last set it */
    struct {
        void *p;
        size_t size;
    } big[MAX_BIG];
};

static void *huge_alloc(size_t size)
{
    size_t len = (size + HUGE_BLOCK - 1) & ~(HUGE_BLOCK - 1);
    uint8_t *p = mmap(NULL, len + HUGE_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uint8_t *aligned = (uint8_t *)(((uintptr_t)p + HUGE_BLOCK - 1) & ~(uintptr_t)(HUGE_BLOCK - 1));
    if (aligned != p)
        munmap(p, (size_t)(aligned - p));
    size_t tail = (size_t)(p + len + HUGE_BLOCK - (aligned + len));
    if (tail)
        munmap(aligned + len, tail);
    madvise(aligned, len, MADV_HUGEPAGE);
    return aligned;
}

static void *count_alloc(size_t size, bool zero, void *ctx)
{
    struct counter *c = ctx;
    void *p = size >= HUGE_BLOCK ? huge_alloc(size) : zero ? calloc(1, size) : malloc(size);
    if (p == NULL)
        return NULL;
    c->live += size;
    c->allocs++;
    if (c->live > c->peak)
        c->peak = c->live;
    if (c->live > c->wpeak)
        c->wpeak = c->live;
    if (size >= BIG_BLOCK)
        for (int i = 0; i < MAX_BIG; i++)
            if (c->big[i].p == NULL) {
                c->big[i].p = p;
                c->big[i].size = size;
                break;
            }
    return p;
}

static void count_free(void *p, size_t size, void *ctx)
{
    struct counter *c = ctx;
    BENCH_CHECK(c->live >= size, "free of %zu bytes with %zu live", size, c->live);
    c->live -= size;
    c->frees++;
    if (size >= BIG_BLOCK)
        for (int i = 0; i < MAX_BIG; i++)
            if (c->big[i].p == p) {
                c->big[i].p = NULL;
                break;
            }
    if (size >= HUGE_BLOCK)
        munmap(p, (size + HUGE_BLOCK - 1) & ~(HUGE_BLOCK - 1));
    else
        free(p);
}

/* The map's B and whether it is growing, from the layout descriptor. */
static unsigned map_B(const libmap *m)
{
    uint64_t v = 0;
    memcpy(&v, (const char *)m + libmap_layout.map_B, libmap_layout.width_B); /* little-endian */
    return (unsigned)v;
}

static int map_growing(const libmap *m)
{
    void *old;
    memcpy(&old, (const char *)m + libmap_layout.map_oldbuckets, sizeof old);
    return old != NULL;
}

static int cmp_size_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    int use_default = 0, bad = 0;
    for (int a = 1; a < argc && !bad; a++) {
        if (strcmp(argv[a], "--default-allocator") == 0) {
            use_default = 1;
        } else if (strcmp(argv[a], "--size") == 0 && a + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++a], &end, 10);
            bad = *end != '\0' || v == 0 || v > UINT32_MAX;
            n = (size_t)v;
        } else {
            bad = 1;
        }
    }
    if (bad) {
        fprintf(stderr, "usage: bench-growth-peak [--size N] [--default-allocator]\n");
        return 2;
    }
    BENCH_CHECK(libmap_layout.magic == LIBMAP_LAYOUT_MAGIC, "layout descriptor");

    uint64_t *keys = malloc(n * sizeof *keys);
    BENCH_CHECK(keys != NULL, "out of memory");
    uint64_t state = KEYS_SEED_U64;
    for (size_t i = 0; i < n; i++)
        keys[i] = splitmix64_next(&state); /* keys.h's u64 keys 0..n-1 */

    static struct counter cnt;
    libmap_allocator alloc = {count_alloc, count_free, &cnt};
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    if (!use_default)
        c.allocator = &alloc;
    libmap *m = NULL;
    BENCH_CHECK(libmap_new(&c, &m) == 0, "libmap_new");
    size_t at_new = cnt.live;

    /* per growth: the insert that started it, live bytes before that
     * insert, the peak from then until the insert that ended it (the
     * allocator's window peak, so the moment inside an assign when the new
     * array is allocated is counted) */
    unsigned B = map_B(m), g_from = 0;
    int growing = map_growing(m);
    size_t g_start = 0, g_before = 0, peak_at = 0, last_peak = cnt.peak;
    unsigned peak_B = B;
    int peak_growing = growing;
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        size_t before = cnt.live;
        if (!growing)
            cnt.wpeak = before;
        uint64_t v = i + 1;
        BENCH_CHECK(libmap_assign_u64(m, keys[i], &v) == LIBMAP_INSERTED, "insert %zu", i);
        if (use_default)
            continue;
        unsigned nB = map_B(m);
        int ng = map_growing(m);
        if (cnt.peak != last_peak) {
            last_peak = cnt.peak;
            peak_at = i + 1;
            peak_B = nB;
            peak_growing = ng;
        }
        int started = nB != B || (ng && !growing);
        if (growing && (!ng || started)) /* the growth under way ended */
            printf("growth B %u->%u inserts %zu-%zu live_before %zu peak %zu live_after %zu\n",
                   g_from, B, g_start, i + 1, g_before, cnt.wpeak, cnt.live);
        if (started) {
            g_from = B;
            g_start = i + 1;
            g_before = before;
            if (!ng) /* started and ended within this insert */
                printf("growth B %u->%u inserts %zu-%zu live_before %zu peak %zu "
                       "live_after %zu\n",
                       g_from, nB, g_start, i + 1, g_before, cnt.wpeak, cnt.live);
        }
        B = nB;
        growing = ng;
    }
    uint64_t t1 = now_ns();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("size %zu B %u growing %d inserts %.1f ns/insert (process CPU time)\n", n, map_B(m),
           map_growing(m), (double)(t1 - t0) / (double)n);
    if (!use_default) {
        printf("map_struct_bytes %zu\n", at_new);
        printf("peak_live_bytes %zu at_insert %zu B %u growing %d\n", cnt.peak, peak_at, peak_B,
               peak_growing);
        printf("final_live_bytes %zu\n", cnt.live);
        size_t sizes[MAX_BIG], nbig = 0, big_total = 0;
        for (int i = 0; i < MAX_BIG; i++)
            if (cnt.big[i].p != NULL) {
                sizes[nbig++] = cnt.big[i].size;
                big_total += cnt.big[i].size;
            }
        qsort(sizes, nbig, sizeof *sizes, cmp_size_desc);
        printf("final_blocks %zu total %zu:", nbig, big_total);
        for (size_t i = 0; i < nbig; i++)
            printf(" %zu", sizes[i]);
        printf("\n");
        printf("allocs %zu frees %zu\n", cnt.allocs, cnt.frees);
    }
    printf("ru_maxrss_kib %ld\n", ru.ru_maxrss);
    bench_sink += libmap_len(m);
    libmap_free(m);
    if (!use_default)
        BENCH_CHECK(cnt.live == 0, "%zu bytes still live after libmap_free", cnt.live);
    free(keys);
    return 0;
}
