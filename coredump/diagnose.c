/*
 * diagnose.c — a probable race the run-time check missed, from a SIGSEGV
 * or SIGBUS core with no panic record (see diagnose.h): the core's facts
 * (its signal, the dumping thread, the threads' libmap functions from the
 * unwound stacks) handed to libmap-inspect's rules (inspect/src/verdict.c),
 * which the gdb scripts apply too (lmi_diagnose).
 */
#include "diagnose.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void diagnose_scan(struct diagnosis *d, const struct core_notes *n, const struct panic_info *p,
                   const struct registry_info *r, const struct lm_layout *l, struct coremem *cm)
{
    memset(d, 0, sizeof *d);
    d->signo = n->signo;
    if (p->present || p->unreadable || n->ntids == 0 ||
        (n->signo != SIGSEGV && n->signo != SIGBUS))
        return;
    d->eligible = 1;
    d->crashed_tid = n->tids[0]; /* the kernel writes the dumping thread's note first */
    d->nheld = diag_held_maps(l, &cm->mem, r->maps, r->n, d->crashed_tid, &d->held);
}

void diagnose_decide(struct diagnosis *d, struct threads *ts, const struct registry_info *r,
                     const struct lm_layout *l, struct coremem *cm)
{
    if (!d->eligible)
        return;
    struct lmi_thread *th = calloc(ts->n ? ts->n : 1, sizeof *th);
    if (th == NULL)
        return;
    for (size_t i = 0; i < ts->n; i++)
        th[i] = (struct lmi_thread){ts->t[i].tid,
                                    ts->t[i].in_libmap ? ts->t[i].libmap_function : NULL};
    /* the verdict's strings are static or the threads' own (they outlive d) */
    diag_decide(&d->v, d->signo, d->crashed_tid, th, ts->n, d->held, d->nheld, r->maps, r->n, l,
                &cm->mem);
    free(th);
}

void diagnose_free(struct diagnosis *d)
{
    free(d->held);
    d->held = NULL;
    d->nheld = 0;
}
