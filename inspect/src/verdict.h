/*
 * verdict.h — the decision part of diagnosing a race the run-time check
 * missed (a SIGSEGV or SIGBUS core with no panic record), shared by
 * libmap-coredump (coredump/diagnose.c) and, through lmi_diagnose, the gdb
 * scripts. The tools unwind the stacks their own way and hand over each
 * thread's libmap function; the rules are here, once.
 */
#ifndef LIBMAP_INSPECT_VERDICT_H
#define LIBMAP_INSPECT_VERDICT_H

#include <libmap/inspect.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "mem.h"

/* A registered map held for writing by a thread other than the crashing one. */
struct held_map {
    uint64_t map, word;
};

/* The verdict; strings are static or point into the caller's threads. */
struct diag_verdict {
    int present;
    const char *kind, *message;
    const char *crashed_op;       /* NULL: another libmap call */
    const char *crashed_function; /* NULL: the crash is not inside libmap */
    int32_t writer_tid;
    const char *writer_op, *writer_function;
    int writer_held;
    const char *evidence;
    uint64_t map;
    const char *map_found_by;
    char why_not[256];
};

/* The maps of maps[0..n) whose writer word is held (not a PANIC marker) by
 * a thread other than crashed_tid, in that order: *held is malloc'd (free
 * it), returns the count. */
size_t diag_held_maps(const struct lm_layout *l, struct lmi_mem *mem, const uint64_t *maps,
                      size_t n, int32_t crashed_tid, struct held_map **held);

/* The verdict for a crash by signal signo (SIGSEGV or SIGBUS) in
 * crashed_tid, given held (diag_held_maps) and the registry's maps. */
void diag_decide(struct diag_verdict *v, int signo, int32_t crashed_tid,
                 const struct lmi_thread *threads, size_t nthreads, const struct held_map *held,
                 size_t nheld, const uint64_t *maps, size_t nmaps, const struct lm_layout *l,
                 struct lmi_mem *mem);

/* Whether an operation name ("assign", ...) writes the map. */
int diag_op_is_write(const char *op);

#endif
