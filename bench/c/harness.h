/*
 * harness.h — pieces shared by the C harness programs (main.c for one
 * implementation, onoff.c for the paired detection on/off comparison):
 * option parsing helpers, per-loop time buffers and the per-repetition
 * statistic.
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "driver.h"

extern const char *const phase_names[PH_COUNT];

/* Options common to the harness programs. */
struct bench_opts {
    char sizes[256];              /* comma-separated entry counts */
    int want_u64, want_str;
    unsigned long long reps;      /* measured repetitions (pairs for onoff) */
    unsigned long long warmup;    /* unmeasured repetitions first */
    unsigned long long min_ops;   /* small maps: loops until this many ops */
    unsigned long long cpu_clock_min; /* maps this big: process CPU time */
    const char *round;            /* label for the sample lines */
};

/* Parse argv into o (defaults first). Returns 0, 1 after --help, or 2 on a
 * usage error; --dump-keys is handled here (prints and returns 1). */
int bench_parse(struct bench_opts *o, int argc, char **argv, const char *prog);

/* Next size from the list (strtok state inside); 0 at the end. */
size_t bench_next_size(struct bench_opts *o, int first);

/* Loops for a map of n entries, and the clock for it (sets bench_clock). */
size_t bench_loops(const struct bench_opts *o, size_t n);

void phase_time_alloc(struct phase_time *t, size_t loops);
void phase_time_free(struct phase_time *t);
/* Zero the buffers, then run the driver function on them. */
void phase_time_run(struct phase_time *t, size_t loops,
                    void (*run)(const struct keyset *, size_t, struct phase_time *),
                    const struct keyset *ks);

/* The repetition's ns per op for one phase: the mean loop without the loops
 * over 10 times the median loop (preempted), divided by n. Sorts v. */
double loop_mean_per_op(uint64_t *v, size_t loops, size_t n);

#endif
