/*
 * onoff.c — bench-onoff: the paired measurement of what detection costs.
 * libmap with detection (libmap_static) and without (libmap_nodetect,
 * symbols renamed nd_*) are linked into this one program. Each loop builds
 * one map of each variant and runs every phase on both, alternating
 * between them every --chunk keys (default 65536; the order within a chunk
 * pair alternates too), so that the two variants see the same machine
 * state within milliseconds. On a busy machine this resolves a few percent
 * where separate runs cannot. Prints, per pair of runs,
 *
 *     pair KIND SIZE OP ROUND ON_NS_PER_OP OFF_NS_PER_OP
 *
 * with the statistic of main.c (harness.h); --reps is the number of pairs.
 *
 * Two live maps of 1K string keys hold more than glibc's default trim
 * threshold (128 KiB), so every loop would give the heap top back to the
 * kernel and fault it in again, for both variants alike, drowning the
 * difference; heap trimming is therefore turned off here.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys.h"
#include "lm_phases.h"
#include "timer.h"

extern const struct lm_phases nd_lm_u64_phases, nd_lm_str_phases;

static size_t chunk = 65536;

/* One pair: `loops` loops, each running every phase on both variants. */
static void run_pair(const struct lm_phases *ph[2], const struct keyset *ks, size_t loops,
                     unsigned long long r, struct phase_time t[2])
{
    const size_t n = ks->n;
    for (size_t l = 0; l < loops; l++) {
        void *m[2] = {ph[0]->create(), ph[1]->create()};
        for (int p = 0; p < PH_COUNT; p++) {
            uint64_t res[2] = {0, 0}, ns[2] = {0, 0};
            size_t c = 0;
            for (size_t lo = 0; lo < n; lo += chunk, c++) {
                size_t hi = n - lo > chunk ? lo + chunk : n;
                int first = (int)((r + l + (unsigned)p + c) & 1);
                for (int k = 0; k < 2; k++) {
                    int side = first ^ k;
                    uint64_t t0 = now_ns();
                    res[side] += ph[side]->run[p](m[side], ks, lo, hi);
                    ns[side] += now_ns() - t0;
                }
            }
            for (int side = 0; side < 2; side++) {
                lm_phase_check(p, res[side], n);
                t[side].ns[p][l] = ns[side];
                bench_sink += res[side];
            }
        }
        for (int side = 0; side < 2; side++) {
            BENCH_CHECK(ph[side]->len(m[side]) == 0, "map not empty after the deletes");
            ph[side]->destroy(m[side]);
        }
    }
}

int main(int argc, char **argv)
{
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    /* --chunk N is ours; the rest are the harness options */
    for (int a = 1; a + 1 < argc; a++)
        if (strcmp(argv[a], "--chunk") == 0) {
            chunk = strtoull(argv[a + 1], NULL, 10);
            if (chunk == 0)
                chunk = 65536;
            for (int b = a; b + 2 <= argc; b++)
                argv[b] = argv[b + 2];
            argc -= 2;
            break;
        }
    struct bench_opts o;
    int rc = bench_parse(&o, argc, argv, "bench-onoff");
    if (rc != 0)
        return rc == 1 ? 0 : rc;

    for (size_t n = bench_next_size(&o, 1); n != 0; n = bench_next_size(&o, 0)) {
        size_t loops = bench_loops(&o, n);
        struct keyset ks;
        keys_make(&ks, n, o.want_u64, o.want_str);
        struct phase_time t[2];
        phase_time_alloc(&t[0], loops);
        phase_time_alloc(&t[1], loops);
        for (int is_str = 0; is_str < 2; is_str++) {
            if (!(is_str ? o.want_str : o.want_u64))
                continue;
            const struct lm_phases *ph[2] = {is_str ? &lm_str_phases : &lm_u64_phases,
                                             is_str ? &nd_lm_str_phases : &nd_lm_u64_phases};
            for (unsigned long long w = 0; w < o.warmup; w++)
                run_pair(ph, &ks, loops, w, t);
            for (unsigned long long r = 0; r < o.reps; r++) {
                run_pair(ph, &ks, loops, r, t);
                for (int p = 0; p < PH_COUNT; p++) {
                    double on = loop_mean_per_op(t[0].ns[p], loops, n);
                    double off = loop_mean_per_op(t[1].ns[p], loops, n);
                    printf("pair %s %zu %s %s.%llu %.3f %.3f\n", is_str ? "str" : "u64", n,
                           phase_names[p], o.round, r, on, off);
                }
                fflush(stdout);
            }
        }
        phase_time_free(&t[0]);
        phase_time_free(&t[1]);
        keys_free(&ks);
    }
    return 0;
}
