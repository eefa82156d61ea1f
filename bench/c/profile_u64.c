/*
 * profile_u64.c — bench-profile-u64: one phase of the u64 benchmark on one
 * map, for profilers. The measured phase runs inside profiled_phase() (not
 * inlined), so that e.g.
 *     valgrind --tool=callgrind --toggle-collect=profiled_phase \
 *         bench-profile-u64 --size 1000000 --phase hit
 * counts that phase alone; the setup (key generation, the inserts before a
 * lookup) is outside it. Same keys and probe order as the benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmap/map.h>

#include "keys.h"
#include "timer.h"

volatile uint64_t bench_sink;
clockid_t bench_clock = CLOCK_PROCESS_CPUTIME_ID;

enum { P_INSERT, P_HIT, P_MISS, P_DELETE, P_ITERATE };

__attribute__((noinline)) static uint64_t profiled_phase(libmap *m, const struct keyset *ks,
                                                         int phase)
{
    const size_t n = ks->n;
    uint64_t acc = 0;
    switch (phase) {
    case P_INSERT:
        for (size_t i = 0; i < n; i++) {
            uint64_t v = i + 1;
            acc += libmap_assign_u64(m, ks->u64[i], &v) == LIBMAP_INSERTED;
        }
        break;
    case P_HIT:
        for (size_t i = 0; i < n; i++) {
            uint64_t v = 0;
            acc += libmap_lookup_u64(m, ks->probe_u64[i], &v);
            acc += v;
        }
        break;
    case P_MISS:
        for (size_t i = n; i < 2 * n; i++)
            acc += !libmap_lookup_u64(m, ks->u64[i], NULL);
        break;
    case P_DELETE:
        for (size_t i = 0; i < n; i++)
            acc += libmap_delete_u64(m, ks->probe_u64[i]) == LIBMAP_DELETED;
        break;
    case P_ITERATE: {
        libmap_iter it;
        void *v;
        libmap_iter_init(&it, m);
        while (libmap_iter_next(&it, NULL, &v))
            acc += *(const uint64_t *)v;
        break;
    }
    }
    return acc;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    int phase = P_HIT;
    static const char *const names[] = {"insert", "hit", "miss", "delete", "iterate"};
    for (int a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--size") == 0) {
            n = strtoull(argv[a + 1], NULL, 10);
        } else if (strcmp(argv[a], "--phase") == 0) {
            phase = -1;
            for (int p = 0; p < 5; p++)
                if (strcmp(argv[a + 1], names[p]) == 0)
                    phase = p;
        } else {
            phase = -1;
        }
    }
    if (phase < 0 || n == 0 || argc % 2 == 0) {
        fprintf(stderr, "usage: bench-profile-u64 [--size N] [--phase "
                        "insert|hit|miss|delete|iterate]\n");
        return 2;
    }
    struct keyset ks;
    keys_make(&ks, n, 1, 0);
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    libmap *m = NULL;
    BENCH_CHECK(libmap_new(&c, &m) == 0, "libmap_new");
    if (phase != P_INSERT)
        for (size_t i = 0; i < n; i++) {
            uint64_t v = i + 1;
            libmap_assign_u64(m, ks.u64[i], &v);
        }
    uint64_t t0 = now_ns();
    uint64_t acc = profiled_phase(m, &ks, phase);
    uint64_t t1 = now_ns();
    bench_sink += acc;
    printf("%s %zu: %.1f ns/op (process CPU time)\n", names[phase], n, (double)(t1 - t0) / (double)n);
    libmap_free(m);
    keys_free(&ks);
    return 0;
}
