/*
 * check.h — the assertion macros of every C test. Plain test programs:
 * exit 0 passes, anything else fails (ctest reads the exit code).
 *
 * Fatal (print where and what failed, then exit 1):
 *   CHECK(cond)               the failed expression
 *   CHECK_EQ(a, b)            the expressions and both values
 *   FAIL(fmt, ...)            a message: `if (bad) FAIL("why %d", x);`
 * Non-fatal (the test goes on and decides its exit status at the end):
 *   EXPECT(cond, fmt, ...)    "FAIL file:line: message", counted in
 *                             check_failures
 * What the test was doing when it failed (a child's output, the run
 * number): check_context(fn, arg) has every failure report then call
 * fn(stderr, arg); check_context(NULL, NULL) stops it.
 */
#ifndef LIBMAP_TEST_CHECK_H
#define LIBMAP_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef void check_context_fn(FILE *out, const void *arg);

/* One copy per test file (each test program is one file plus support). */
static int check_failures __attribute__((unused));
static check_context_fn *check_context_fn_ __attribute__((unused));
static const void *check_context_arg_ __attribute__((unused));

static inline __attribute__((unused)) void check_context(check_context_fn *fn, const void *arg)
{
    check_context_fn_ = fn;
    check_context_arg_ = arg;
}

/* The end of a failure report: the context, if any. */
static inline __attribute__((unused)) void check_report_context(void)
{
    if (check_context_fn_ != NULL)
        check_context_fn_(stderr, check_context_arg_);
}

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            check_report_context();                                                     \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                 \
        if (check_a_ != check_b_) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", __FILE__, \
                    __LINE__, #a, #b, check_a_, check_b_);                              \
            check_report_context();                                                     \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

#define FAIL(...)                                                                       \
    do {                                                                                \
        fprintf(stderr, "%s:%d: failed: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                                   \
        fputc('\n', stderr);                                                            \
        check_report_context();                                                         \
        exit(1);                                                                        \
    } while (0)

#define EXPECT(cond, ...)                                                               \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                        \
            fprintf(stderr, __VA_ARGS__);                                               \
            fputc('\n', stderr);                                                        \
            check_report_context();                                                     \
            check_failures++;                                                           \
        }                                                                               \
    } while (0)

#endif /* LIBMAP_TEST_CHECK_H */
