/*
 * driver.h — what each map implementation's driver provides to the harness
 * (main.c): its name and one timed run of the five phases for each key kind.
 *
 * One run, repeated `loops` times (so that small maps give a stable time):
 * create an empty map (no size hint), insert keys [0, n), look up the
 * inserted keys in the probe order (hits, keys.h), look up [n, 2n)
 * (misses), iterate over the whole map, delete the inserted keys in the
 * probe order, free the map. Each phase is timed on its own; creating and freeing
 * the map are not timed. Drivers check every result and exit on a wrong one.
 */
#ifndef BENCH_DRIVER_H
#define BENCH_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

enum phase { PH_INSERT, PH_HIT, PH_MISS, PH_ITERATE, PH_DELETE, PH_COUNT };

/* Nanoseconds spent in each phase, per loop: ns[phase][loop]. Drivers
 * measure with now_ns() (timer.h). */
struct phase_time {
    uint64_t *ns[PH_COUNT];
};

extern const char driver_name[];
void driver_run_u64(const struct keyset *ks, size_t loops, struct phase_time *t);
void driver_run_str(const struct keyset *ks, size_t loops, struct phase_time *t);

#endif
