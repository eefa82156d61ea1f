/*
 * bench-bare.c — the reference of the tracepoint-overhead benchmark: ns per
 * bare LTTng-UST event with the same fields as libmap's write events,
 * emitted in a loop (provider linked in statically). Also measures the
 * CLOCK_MONOTONIC read that libmap adds per traced write.
 *
 * usage: bench-bare [N] [REPS]   prints: bare=NS clock=NS bare_clock=NS
 *   bare: the event with its fields from the loop counter; clock: one
 *   CLOCK_MONOTONIC read; bare_clock: the event with start_ns read from the
 *   clock just before, as libmap fills it. Medians over REPS.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "bare-tp.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (n <= 0 || reps <= 0 || reps > 99)
        return 2;
    double bare[100], clk[100], both[100];
    static int anchor;
    volatile uint64_t sink = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
            lttng_ust_tracepoint(libmap_bench, write, &anchor, (uint64_t)i * 0x9E3779B97F4A7C15u,
                                 (uint64_t)i & 1023, 1, (uint64_t)i, 10, (uint64_t)i);
        double t1 = now_ns();
        for (long i = 0; i < n; i++) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            sink += (uint64_t)ts.tv_nsec;
        }
        double t2 = now_ns();
        for (long i = 0; i < n; i++) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t start = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
            lttng_ust_tracepoint(libmap_bench, write, &anchor, (uint64_t)i * 0x9E3779B97F4A7C15u,
                                 (uint64_t)i & 1023, 1, (uint64_t)i, 10, start);
        }
        double t3 = now_ns();
        bare[r] = (t1 - t0) / (double)n;
        clk[r] = (t2 - t1) / (double)n;
        both[r] = (t3 - t2) / (double)n;
    }
    qsort(bare, (size_t)reps, sizeof bare[0], cmp_double);
    qsort(clk, (size_t)reps, sizeof clk[0], cmp_double);
    qsort(both, (size_t)reps, sizeof both[0], cmp_double);
    printf("bare=%.1f clock=%.1f bare_clock=%.1f\n", bare[reps / 2], clk[reps / 2],
           both[reps / 2]);
    return 0;
}
