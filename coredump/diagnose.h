/*
 * diagnose.h — races the run-time check missed, diagnosed afterwards. When
 * the process died of SIGSEGV or SIGBUS with no panic record, the crashing
 * thread (the first NT_PRSTATUS) inside libmap, and another thread holding
 * a map's writer word (HELD, its TID) or inside a libmap write (assign,
 * delete, clear on its stack), the crash is reported as a probable
 * concurrent access "(not detected at run time)", naming both threads and
 * the map. Two steps: the registry's writer words are scanned before the
 * threads are unwound (the held map is the one to analyze), the verdict
 * needs the stacks. Everything comes from the layout descriptor.
 */
#ifndef LIBMAP_COREDUMP_DIAGNOSE_H
#define LIBMAP_COREDUMP_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>

#include "coremem.h"
#include "layout.h"
#include "notes.h"
#include "panicrec.h"
#include "stacks.h"
#include "verdict.h" /* struct held_map and the rules (inspect/src/verdict.c) */

struct diagnosis {
    int eligible;           /* no panic record, SIGSEGV/SIGBUS, crashing thread known */
    int signo;
    int32_t crashed_tid;
    struct held_map *held;  /* in registry order (most recent map first) */
    size_t nheld;
    struct diag_verdict v;  /* the verdict (verdict.h) */
};

/* Step 1, before unwinding: eligibility and the held maps. The rules are
 * libmap-inspect's (verdict.c), shared with the gdb scripts (lmi_diagnose);
 * this file feeds them the core's threads and stacks. */
void diagnose_scan(struct diagnosis *d, const struct core_notes *n, const struct panic_info *p,
                   const struct registry_info *r, const struct lm_layout *l, struct coremem *cm);
/* Step 2, with the stacks: the verdict. */
void diagnose_decide(struct diagnosis *d, struct threads *ts, const struct registry_info *r,
                     const struct lm_layout *l, struct coremem *cm);
void diagnose_free(struct diagnosis *d);

#endif
