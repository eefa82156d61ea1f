/*
 * timer.h — the harness clock, a sink that keeps the compiler from dropping
 * benchmarked work, and a fatal check for drivers.
 *
 * The clock is CLOCK_MONOTONIC (wall time, read in the vDSO) for small maps,
 * whose phases are short and repeated many times (main.c leaves out the
 * loops that were preempted, see there); and the process's CPU
 * time for big maps, whose phases last long enough to be preempted many
 * times on a busy machine (a system call per reading, negligible there).
 * Process CPU time counts every thread: for Go, its concurrent GC too.
 */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern clockid_t bench_clock;

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Results are folded in here so that no lookup can be optimized away. */
extern volatile uint64_t bench_sink;

#define BENCH_CHECK(cond, ...)                                                   \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "bench: %s:%d: check failed: %s: ", __FILE__,        \
                    __LINE__, #cond);                                            \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            exit(3);                                                             \
        }                                                                        \
    } while (0)

#endif
