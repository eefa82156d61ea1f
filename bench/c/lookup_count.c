/*
 * lookup_count.c — bench-lookup-count: the read path's instruction count.
 * Builds a map of N u64 or string keys (u64 values, no size hint), then
 * runs M lookups that hit and M that miss with the typed fast paths
 * (libmap_lookup_u64 / libmap_lookup_str), each loop in its own function
 * (not inlined, not cloned), so that callgrind counts the loops alone:
 *
 *     valgrind --tool=callgrind --toggle-collect=lookup_hits \
 *         --toggle-collect=lookup_misses bench-lookup-count --size 1000 --kind u64
 *
 * and callgrind_annotate --inclusive=yes gives each loop's instructions
 * (its own self cost is the loop's few instructions). Instructions per
 * lookup = that / M. Key generation and the inserts are outside the loops.
 * Same keys and probe order as the benchmark (keys.h): the hits go through
 * the N inserted keys in the probe order, the misses through the N keys
 * never inserted, M / N times over (M is rounded up to a multiple of N).
 *
 * Only the public API is used, so this file builds against any libmap of
 * the same API: bench/callgrind-read-path.sh compiles it against two libmap
 * builds (before and after a change) and prints the comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmap/map.h>

#include "keys.h"
#include "timer.h"

volatile uint64_t bench_sink;
clockid_t bench_clock = CLOCK_PROCESS_CPUTIME_ID;

#define NOINLINE __attribute__((noinline, noclone))

NOINLINE uint64_t lookup_hits(const libmap *m, const struct keyset *ks, size_t passes, int str)
{
    const size_t n = ks->n;
    uint64_t acc = 0;
    for (size_t p = 0; p < passes; p++)
        for (size_t i = 0; i < n; i++) {
            uint64_t v = 0;
            acc += str ? libmap_lookup_str(m, ks->probe_str[i], ks->probe_len[i], &v)
                       : libmap_lookup_u64(m, ks->probe_u64[i], &v);
            acc += v;
        }
    return acc;
}

NOINLINE uint64_t lookup_misses(const libmap *m, const struct keyset *ks, size_t passes, int str)
{
    const size_t n = ks->n;
    uint64_t acc = 0;
    for (size_t p = 0; p < passes; p++)
        for (size_t i = n; i < 2 * n; i++)
            acc += !(str ? libmap_lookup_str(m, ks->str[i], ks->str_len[i], NULL)
                         : libmap_lookup_u64(m, ks->u64[i], NULL));
    return acc;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || v == 0 || v > UINT32_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = 1000, lookups = 1000000;
    int str = 0, bad = argc % 2 == 0;
    for (int a = 1; a + 1 < argc && !bad; a += 2) {
        if (strcmp(argv[a], "--size") == 0)
            bad = parse_size(argv[a + 1], &n) != 0;
        else if (strcmp(argv[a], "--lookups") == 0)
            bad = parse_size(argv[a + 1], &lookups) != 0;
        else if (strcmp(argv[a], "--kind") == 0)
            bad = !(strcmp(argv[a + 1], "u64") == 0 || (str = strcmp(argv[a + 1], "str") == 0));
        else
            bad = 1;
    }
    if (bad) {
        fprintf(stderr, "usage: bench-lookup-count [--size N] [--lookups M] [--kind u64|str]\n"
                        "  N keys in the map (default 1000); M lookups that hit and M\n"
                        "  that miss (default 1000000, rounded up to a multiple of N)\n");
        return 2;
    }
    size_t passes = (lookups + n - 1) / n;
    lookups = passes * n;

    struct keyset ks;
    keys_make(&ks, n, !str, str);
    libmap_config c = {.key_kind = str ? LIBMAP_KEY_STRING : LIBMAP_KEY_U64,
                       .value_size = sizeof(uint64_t)};
    libmap *m = NULL;
    BENCH_CHECK(libmap_new(&c, &m) == 0, "libmap_new");
    for (size_t i = 0; i < n; i++) {
        uint64_t v = i + 1;
        int rc = str ? libmap_assign_str(m, ks.str[i], ks.str_len[i], &v)
                     : libmap_assign_u64(m, ks.u64[i], &v);
        BENCH_CHECK(rc == LIBMAP_INSERTED, "insert %zu", i);
    }

    uint64_t t0 = now_ns();
    uint64_t hits = lookup_hits(m, &ks, passes, str);
    uint64_t t1 = now_ns();
    uint64_t misses = lookup_misses(m, &ks, passes, str);
    uint64_t t2 = now_ns();
    /* each hit adds 1 and its value (i + 1); each miss adds 1 */
    uint64_t want_hits = (uint64_t)passes * ((uint64_t)n + (uint64_t)n * (n + 1) / 2);
    BENCH_CHECK(hits == want_hits, "hits returned %llu, want %llu", (unsigned long long)hits,
                (unsigned long long)want_hits);
    BENCH_CHECK(misses == lookups, "misses returned %llu, want %zu", (unsigned long long)misses,
                lookups);
    bench_sink += hits + misses;
    printf("size %zu lookups %zu kind %s hit %.2f ns/lookup miss %.2f ns/lookup "
           "(process CPU time)\n",
           n, lookups, str ? "str" : "u64", (double)(t1 - t0) / (double)lookups,
           (double)(t2 - t1) / (double)lookups);
    libmap_free(m);
    keys_free(&ks);
    return 0;
}
