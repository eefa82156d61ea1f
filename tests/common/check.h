/*
 * check.h — the tests' assertion macros: print file:line and the failed
 * expression (with both values for comparisons) and exit 1. Plain test
 * programs: exit 0 passes, anything else fails (ctest reads the exit code).
 */
#ifndef LIBMAP_TEST_CHECK_H
#define LIBMAP_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                 \
        if (check_a_ != check_b_) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", __FILE__, \
                    __LINE__, #a, #b, check_a_, check_b_);                              \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

#endif /* LIBMAP_TEST_CHECK_H */
