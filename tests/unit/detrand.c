/*
 * detrand.c — a deterministic getrandom(2) for replayable tests (see
 * detrand.h). Output is splitmix64 of a stream seeded by detrand_seed.
 */
#include "detrand.h"

#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

static uint64_t stream = UINT64_C(0x853c49e6748fea9b);
static uint64_t ncalls;

void detrand_seed(uint64_t seed) { stream = seed ^ UINT64_C(0x853c49e6748fea9b); }

uint64_t detrand_calls(void) { return ncalls; }

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    (void)flags;
    __atomic_fetch_add(&ncalls, 1, __ATOMIC_RELAXED);
    unsigned char *p = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t r = splitmix(&stream);
        size_t n = len - done < sizeof r ? len - done : sizeof r;
        memcpy(p + done, &r, n);
        done += n;
    }
    return (ssize_t)len;
}
