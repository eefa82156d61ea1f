/*
 * detrand.h — makes libmap's randomness replayable in tests. detrand.c
 * defines getrandom(2) in the test executable; the dynamic linker binds
 * libmap's call to it, so the per-thread PRNG seed, and with it every map's
 * hash seed and every iterator's start position, follow the test's seed.
 * libmap seeds once per thread: a fresh thread re-reads getrandom.
 */
#ifndef LIBMAP_TEST_DETRAND_H
#define LIBMAP_TEST_DETRAND_H

#include <stdint.h>

/* Restart the getrandom stream from seed. */
void detrand_seed(uint64_t seed);
/* Number of getrandom calls served since the program started. */
uint64_t detrand_calls(void);

#endif
