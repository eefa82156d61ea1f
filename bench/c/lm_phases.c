/*
 * lm_phases.c — runs a libmap phase table (lm_phases.h) the way driver.h
 * describes, and checks each phase's result. Independent of which libmap
 * variant the table calls, so it is compiled once per program.
 */
#include "lm_phases.h"

#include "timer.h"

void lm_phase_check(int p, uint64_t result, size_t n)
{
    uint64_t want = 0;
    switch (p) {
    case PH_INSERT:
    case PH_DELETE:
        want = n;
        break;
    case PH_HIT:
    case PH_ITERATE:
        want = (uint64_t)n * (n + 1) / 2;
        break;
    default: /* PH_MISS */
        want = 0;
    }
    BENCH_CHECK(result == want, "phase %d returned %llu, want %llu", p,
                (unsigned long long)result, (unsigned long long)want);
}

void lm_run_loops(const struct lm_phases *ph, const struct keyset *ks, size_t loops,
                  struct phase_time *t)
{
    for (size_t l = 0; l < loops; l++) {
        void *m = ph->create();
        uint64_t res[PH_COUNT], tp[PH_COUNT + 1];
        tp[0] = now_ns();
        for (int p = 0; p < PH_COUNT; p++) {
            res[p] = ph->run[p](m, ks, 0, ks->n);
            tp[p + 1] = now_ns();
        }
        for (int p = 0; p < PH_COUNT; p++) {
            lm_phase_check(p, res[p], ks->n);
            t->ns[p][l] = tp[p + 1] - tp[p];
        }
        BENCH_CHECK(ph->len(m) == 0, "map not empty after the deletes");
        ph->destroy(m);
        bench_sink += res[PH_HIT] + res[PH_ITERATE];
    }
}
