/*
 * bench-pair.c — the paired form of the tracepoint-overhead benchmark: one
 * process holds libmap twice, with the tracepoints compiled in (libmap_*)
 * and compiled out (the same sources, symbols renamed nd_libmap_*), and
 * runs each phase on both alternately, so that both see the same machine
 * load. Prints per phase the median over rounds of the in/out time ratio.
 * Run it plain (no probe library), with the probe preloaded (no session),
 * or under a recording session; run.sh does all three.
 *
 * usage: bench-pair [N] [ROUNDS]   (default 1000000 keys, 9 rounds)
 * prints: insert=RATIO update=RATIO lookup=RATIO in_update_ns=NS out_update_ns=NS
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libmap/map.h>

/* The compiled-out copy, renamed by rename_symbols.cmake. */
int nd_libmap_new(const libmap_config *config, libmap **out);
void nd_libmap_free(libmap *m);
int nd_libmap_assign_u64(libmap *m, uint64_t key, const void *value);
bool nd_libmap_lookup_u64(const libmap *m, uint64_t key, void *value_out);

struct variant {
    int (*new_)(const libmap_config *, libmap **);
    void (*free_)(libmap *);
    int (*assign)(libmap *, uint64_t, const void *);
    bool (*lookup)(const libmap *, uint64_t, void *);
};

static const struct variant traced = {libmap_new, libmap_free, libmap_assign_u64,
                                      libmap_lookup_u64};
static const struct variant plain = {nd_libmap_new, nd_libmap_free, nd_libmap_assign_u64,
                                     nd_libmap_lookup_u64};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t *keys;
static long n;
static uint64_t sink;

/* ns per op of insert, update, lookup hit on a fresh map */
static void phases(const struct variant *v, double out[3])
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    libmap *m;
    if (v->new_(&cfg, &m) != 0)
        exit(1);
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        v->assign(m, keys[i], &keys[i]);
    double t1 = now_ns();
    for (long i = 0; i < n; i++)
        v->assign(m, keys[i], &keys[n - 1 - i]);
    double t2 = now_ns();
    for (long i = 0; i < n; i++) {
        uint64_t x;
        sink += v->lookup(m, keys[(i * 7919) % n], &x) ? x : 0;
    }
    double t3 = now_ns();
    v->free_(m);
    out[0] = (t1 - t0) / (double)n;
    out[1] = (t2 - t1) / (double)n;
    out[2] = (t3 - t2) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int k)
{
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    return v[k / 2];
}

int main(int argc, char **argv)
{
    n = argc > 1 ? atol(argv[1]) : 1000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 9;
    if (n <= 0 || rounds <= 0 || rounds > 99)
        return 2;
    keys = malloc((size_t)n * sizeof *keys);
    if (keys == NULL)
        return 1;
    for (long i = 0; i < n; i++) {
        uint64_t x = (uint64_t)i + 1;
        x ^= x >> 33;
        x *= UINT64_C(0xff51afd7ed558ccd);
        keys[i] = x ^ (x >> 33);
    }
    double ratio[3][100], in_upd[100], out_upd[100];
    for (int r = 0; r < rounds; r++) {
        double a[3], b[3];
        if (r & 1) {
            phases(&plain, b);
            phases(&traced, a);
        } else {
            phases(&traced, a);
            phases(&plain, b);
        }
        for (int p = 0; p < 3; p++)
            ratio[p][r] = a[p] / b[p];
        in_upd[r] = a[1];
        out_upd[r] = b[1];
    }
    printf("insert=%.4f update=%.4f lookup=%.4f in_update_ns=%.1f out_update_ns=%.1f\n",
           median(ratio[0], rounds), median(ratio[1], rounds), median(ratio[2], rounds),
           median(in_upd, rounds), median(out_upd, rounds));
    return sink == 42 ? 3 : 0;
}
