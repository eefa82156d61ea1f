/*
 * bench-trace.c — the workload of the tracepoint-overhead benchmark: u64
 * keys to u64 values, ns per operation for insert into an empty map, update
 * of present keys (one write event each, no growth), lookup hit, and update
 * on a 1024-key map that stays in cache (update1k: the CPU cost of a traced
 * write without the memory misses of a large map). Built
 * twice from this file: against libmap with the tracepoints compiled in, and
 * compiled out. run.sh runs it in every configuration; see docs there.
 *
 * usage: bench-trace [N] [REPS]   (default 1000000 keys, 5 repetitions)
 * prints: insert=NS update=NS lookup=NS update1k=NS   (medians over REPS)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libmap/map.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1024 || reps <= 0 || reps > 99) {
        fprintf(stderr, "usage: bench-trace [N] [REPS]\n");
        return 2;
    }
    uint64_t *keys = malloc((size_t)n * sizeof *keys);
    if (keys == NULL)
        return 1;
    for (long i = 0; i < n; i++)
        keys[i] = mix((uint64_t)i + 1);
    double ins[100], upd[100], look[100], small[100];
    uint64_t sink = 0;
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    for (int r = 0; r < reps; r++) {
        libmap *m;
        if (libmap_new(&cfg, &m) != 0)
            return 1;
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
            libmap_assign_u64(m, keys[i], &keys[i]);
        double t1 = now_ns();
        for (long i = 0; i < n; i++)
            libmap_assign_u64(m, keys[i], &keys[n - 1 - i]);
        double t2 = now_ns();
        for (long i = 0; i < n; i++) {
            uint64_t v;
            sink += libmap_lookup_u64(m, keys[(i * 7919) % n], &v) ? v : 0;
        }
        double t3 = now_ns();
        libmap *s;
        if (libmap_new(&cfg, &s) != 0)
            return 1;
        for (long i = 0; i < 1024; i++)
            libmap_assign_u64(s, keys[i], &keys[i]);
        double t4 = now_ns();
        for (long i = 0; i < n; i++)
            libmap_assign_u64(s, keys[i & 1023], &keys[i]);
        double t5 = now_ns();
        libmap_free(s);
        small[r] = (t5 - t4) / (double)n;
        ins[r] = (t1 - t0) / (double)n;
        upd[r] = (t2 - t1) / (double)n;
        look[r] = (t3 - t2) / (double)n;
        libmap_free(m);
    }
    printf("insert=%.1f update=%.1f lookup=%.1f update1k=%.1f\n", median(ins, reps),
           median(upd, reps), median(look, reps), median(small, reps));
    return sink == 42 ? 3 : 0;
}
