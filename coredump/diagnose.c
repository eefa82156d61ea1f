/*
 * diagnose.c — a probable race the run-time check missed, from a SIGSEGV
 * or SIGBUS core with no panic record (see diagnose.h). The other thread is
 * the TID of a writer word with HELD set (the map it holds is the map), or
 * else a thread whose stack is inside assign, delete or clear (the map is
 * the one whose writer word names it as the last writer, or the only map).
 * A map held by the crashing thread itself is no evidence: a callback of
 * its own write may crash with nobody else around.
 */
#include "diagnose.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapread.h"

const char *libmap_function_op(const char *fn)
{
    static const struct {
        const char *prefix, *op;
    } ops[] = {
        {"libmap_assign", "assign"}, {"libmap_delete", "delete"}, {"libmap_clear", "clear"},
        {"libmap_lookup", "lookup"}, {"libmap_iter_", "iterate"},
    };
    if (fn == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(fn, ops[i].prefix, strlen(ops[i].prefix)) == 0)
            return ops[i].op;
    return NULL;
}

int op_is_write(const char *op)
{
    return op != NULL &&
           (strcmp(op, "assign") == 0 || strcmp(op, "delete") == 0 || strcmp(op, "clear") == 0);
}

/* The writer word of a live map, or -1 when unreadable or not a live map. */
static int live_word(const struct lm_layout *l, struct coremem *cm, uint64_t map, uint64_t *word)
{
    uint8_t b[8];
    struct lmi_fault f;
    if (cm_read(cm, map + l->d.map_magic_off, b, 8, &f) != 0 ||
        cm_uint(cm, b, 8) != l->d.map_magic ||
        cm_read(cm, map + l->d.map_writer, b, 8, &f) != 0)
        return -1;
    *word = cm_uint(cm, b, 8);
    return 0;
}

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
    for (size_t i = 0; i < r->n; i++) {
        uint64_t w;
        if (live_word(l, cm, r->maps[i], &w) != 0 || !writer_held(l, w) ||
            writer_panic_marker(l, w))
            continue;
        int32_t tid = writer_tid(l, w);
        if (tid <= 0 || tid == d->crashed_tid)
            continue;
        if (d->nheld % 16 == 0) {
            struct held_map *nh = realloc(d->held, (d->nheld + 16) * sizeof *nh);
            if (nh == NULL)
                break;
            d->held = nh;
        }
        d->held[d->nheld++] = (struct held_map){r->maps[i], w};
    }
}

static const char *thread_op(struct threads *ts, int32_t tid, const char **fn)
{
    struct thread *t = stacks_find(ts, tid);
    *fn = t && t->in_libmap ? t->libmap_function : NULL;
    return libmap_function_op(*fn);
}

/* No map held: a thread inside a write, and the map it last wrote. */
static int writer_from_stacks(struct diagnosis *d, struct threads *ts,
                              const struct registry_info *r, const struct lm_layout *l,
                              struct coremem *cm)
{
    struct thread *w = NULL;
    for (size_t i = 0; i < ts->n && w == NULL; i++) {
        struct thread *t = &ts->t[i];
        if (t->tid != d->crashed_tid && t->in_libmap &&
            op_is_write(libmap_function_op(t->libmap_function)))
            w = t;
    }
    if (w == NULL)
        return 0;
    d->writer_tid = w->tid;
    d->writer_function = w->libmap_function;
    d->writer_op = libmap_function_op(w->libmap_function);
    d->evidence = "stack";
    size_t named = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint64_t word;
        if (live_word(l, cm, r->maps[i], &word) == 0 && writer_tid(l, word) == w->tid &&
            named++ == 0)
            d->map = r->maps[i];
    }
    if (named == 1) {
        d->map_found_by = "last_writer";
    } else if (r->n == 1) {
        d->map = r->maps[0];
        d->map_found_by = "only_map";
    } else {
        d->map = 0;
    }
    return 1;
}

void diagnose_decide(struct diagnosis *d, struct threads *ts, const struct registry_info *r,
                     const struct lm_layout *l, struct coremem *cm)
{
    if (!d->eligible)
        return;
    struct thread *c = stacks_find(ts, d->crashed_tid);
    if (c == NULL || !c->in_libmap)
        return; /* not a crash inside libmap: nothing to say about maps */
    d->crashed_function = c->libmap_function;
    d->crashed_op = libmap_function_op(c->libmap_function);
    if (d->nheld > 0) {
        /* the held map whose writer is seen inside a write, else the first */
        size_t pick = 0;
        for (size_t i = 0; i < d->nheld; i++) {
            const char *fn;
            if (op_is_write(thread_op(ts, writer_tid(l, d->held[i].word), &fn))) {
                pick = i;
                break;
            }
        }
        const struct held_map *h = &d->held[pick];
        d->writer_tid = writer_tid(l, h->word);
        d->writer_op = op_name(writer_op(l, h->word));
        thread_op(ts, d->writer_tid, &d->writer_function);
        d->writer_held = 1;
        d->evidence = "writer_word";
        d->map = h->map;
        d->map_found_by = "writer_word";
    } else if (!writer_from_stacks(d, ts, r, l, cm)) {
        snprintf(d->why_not, sizeof d->why_not,
                 "thread %d died of %s inside libmap (%s), but no other thread held a map for "
                 "writing or was inside a libmap write: no sign of a concurrent map access",
                 (int)d->crashed_tid, d->signo == SIGBUS ? "SIGBUS" : "SIGSEGV",
                 d->crashed_function ? d->crashed_function : "?");
        return;
    }
    d->present = 1;
    if (op_is_write(d->crashed_op)) {
        d->kind = "probable_concurrent_writes";
        d->message = "probable concurrent map writes (not detected at run time)";
    } else if (d->crashed_op != NULL && strcmp(d->crashed_op, "iterate") == 0) {
        d->kind = "probable_iteration_write";
        d->message = "probable concurrent map iteration and map write (not detected at run time)";
    } else {
        d->kind = "probable_read_write";
        d->message = "probable concurrent map read and map write (not detected at run time)";
    }
}

void diagnose_free(struct diagnosis *d)
{
    free(d->held);
    d->held = NULL;
    d->nheld = 0;
}
