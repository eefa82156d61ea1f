/*
 * rand.c — cheap pseudo-random numbers: per-thread (iteration start,
 * seeding new maps) and per-map (sampled overflow counting, reseeding).
 * wyrand; the per-thread state is seeded once from getrandom(2).
 */
#include <sys/random.h>
#include <time.h>

#include "internal.h"

static uint64_t wyrand(uint64_t *state)
{
    *state += UINT64_C(0xa0761d6478bd642f);
    __uint128_t t = (__uint128_t)*state * (*state ^ UINT64_C(0xe7037ed1a0b428db));
    return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

static __thread uint64_t thread_state __attribute__((tls_model("initial-exec")));

uint64_t libmap_rand(void)
{
    if (__builtin_expect(thread_state == 0, 0)) {
        uint64_t s = 0;
        if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            s = (uint64_t)ts.tv_nsec * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)(uintptr_t)&s;
        }
        thread_state = s | 1;
    }
    return wyrand(&thread_state);
}

uint64_t map_rand(struct libmap *m) { return wyrand(&m->prng); }
