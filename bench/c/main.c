/*
 * main.c — the C harness for one implementation (linked with one driver):
 * generates the key sets, runs warm-up and measured repetitions of the
 * driver, and prints one sample line per (kind, size, phase, repetition):
 *
 *     sample IMPL KIND SIZE OP ROUND NS_PER_OP
 *
 * KIND is u64 or str; OP is insert, hit, miss, iterate (ns per element) or
 * delete. A repetition runs the driver's loop `loops` times (enough for
 * --min-ops operations per phase); NS_PER_OP is the mean loop time divided
 * by the size, leaving out loops over 10 times the median loop (a small
 * map's phase takes microseconds, so such a loop was preempted: on a busy
 * machine, the time of another process). Maps of at least --cpu-clock-min
 * entries are timed with the process's CPU time, smaller ones with wall
 * time (timer.h). report.c aggregates these lines; go/mapbench.go prints
 * the same.
 */
#include <stdio.h>

#include "driver.h"
#include "harness.h"
#include "keys.h"

int main(int argc, char **argv)
{
    char prog[64];
    snprintf(prog, sizeof prog, "bench-%s", driver_name);
    struct bench_opts o;
    int rc = bench_parse(&o, argc, argv, prog);
    if (rc != 0)
        return rc == 1 ? 0 : rc;

    for (size_t n = bench_next_size(&o, 1); n != 0; n = bench_next_size(&o, 0)) {
        size_t loops = bench_loops(&o, n);
        struct keyset ks;
        keys_make(&ks, n, o.want_u64, o.want_str);
        struct phase_time t;
        phase_time_alloc(&t, loops);
        for (int is_str = 0; is_str < 2; is_str++) {
            if (!(is_str ? o.want_str : o.want_u64))
                continue;
            void (*run)(const struct keyset *, size_t, struct phase_time *) =
                is_str ? driver_run_str : driver_run_u64;
            for (unsigned long long w = 0; w < o.warmup; w++)
                phase_time_run(&t, loops, run, &ks);
            for (unsigned long long r = 0; r < o.reps; r++) {
                phase_time_run(&t, loops, run, &ks);
                for (int p = 0; p < PH_COUNT; p++)
                    printf("sample %s %s %zu %s %s.%llu %.3f\n", driver_name,
                           is_str ? "str" : "u64", n, phase_names[p], o.round, r,
                           loop_mean_per_op(t.ns[p], loops, n));
                fflush(stdout);
            }
        }
        phase_time_free(&t);
        keys_free(&ks);
    }
    return 0;
}
