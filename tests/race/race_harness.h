/*
 * race_harness.h — run one race scenario in a forked child and check how it
 * died: SIGABRT, stderr exactly Go's message plus the line naming both
 * threads, and the panic record (sent by a panic hook through a pipe) holding
 * the same facts. The child tells the parent which threads it expects to
 * collide (the oracle) before it triggers the race.
 */
#ifndef RACE_HARNESS_H
#define RACE_HARNESS_H

#include <stdint.h>

#include <libmap/debug.h>

/* What the parent must find once the child has died. */
struct race_expect {
    enum libmap_panic_kind kind;
    enum libmap_op op;        /* the detecting thread's operation */
    enum libmap_op writer_op; /* the operation in the writer word */
    int writer_held;          /* 1: "(writer)", 0: "(writer, just finished)" */
};

/* Runs in the child; must call race_report_oracle() and then make libmap
 * abort. Returning is a failure. */
typedef void (*race_scenario_fn)(void *arg);

/* Forks, runs fn(arg) in the child, checks the child's death against exp.
 * On any mismatch prints what differed (with name) and exits 1. */
void race_run(const char *name, race_scenario_fn fn, void *arg, const struct race_expect *exp);

/* Child side: the map, the thread expected to detect and the thread
 * expected in the writer word. */
void race_report_oracle(const libmap *m, int32_t detector_tid, int32_t writer_tid);

/* The calling thread's kernel TID. */
int32_t race_gettid(void);

/* Go's message and libmap's operation name, from the test's own tables. */
const char *race_message(enum libmap_panic_kind kind);
const char *race_op_name(enum libmap_op op);

#endif /* RACE_HARNESS_H */
