/*
 * verdict.c — a probable race the run-time check missed (see verdict.h):
 * the other thread is the TID of a writer word with HELD set (the map it
 * holds is the map), or else a thread inside assign, delete or clear (the
 * map is the one whose writer word names it as the last writer, or the
 * only map). A map held by the crashing thread itself is no evidence: a
 * callback of its own write may crash with nobody else around. Also
 * lmi_diagnose, the same for a tool holding only an lmi_target.
 */
#include "verdict.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapread.h"
#include "panicrec.h"
#include "target.h"

const char *lmi_function_op(const char *fn)
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

int diag_op_is_write(const char *op)
{
    return op != NULL &&
           (strcmp(op, "assign") == 0 || strcmp(op, "delete") == 0 || strcmp(op, "clear") == 0);
}

/* The writer word of a live map, or -1 when unreadable or not a live map. */
static int live_word(const struct lm_layout *l, struct lmi_mem *mem, uint64_t map, uint64_t *word)
{
    uint8_t b[8];
    struct lmi_fault f;
    if (lmi_read(mem, map + l->d.map_magic_off, b, 8, &f) != 0 ||
        lmi_uint(mem, b, 8) != l->d.map_magic ||
        lmi_read(mem, map + l->d.map_writer, b, 8, &f) != 0)
        return -1;
    *word = lmi_uint(mem, b, 8);
    return 0;
}

size_t diag_held_maps(const struct lm_layout *l, struct lmi_mem *mem, const uint64_t *maps,
                      size_t n, int32_t crashed_tid, struct held_map **held)
{
    size_t nheld = 0;
    *held = NULL;
    for (size_t i = 0; i < n; i++) {
        uint64_t w;
        if (live_word(l, mem, maps[i], &w) != 0 || !writer_held(l, w) ||
            writer_panic_marker(l, w))
            continue;
        int32_t tid = writer_tid(l, w);
        if (tid <= 0 || tid == crashed_tid)
            continue;
        if (nheld % 16 == 0) {
            struct held_map *nh = realloc(*held, (nheld + 16) * sizeof *nh);
            if (nh == NULL)
                break;
            *held = nh;
        }
        (*held)[nheld++] = (struct held_map){maps[i], w};
    }
    return nheld;
}

static const struct lmi_thread *find(const struct lmi_thread *ts, size_t n, int32_t tid)
{
    for (size_t i = 0; i < n; i++)
        if (ts[i].tid == tid)
            return &ts[i];
    return NULL;
}

/* The libmap function thread tid is inside (NULL: none), and its operation. */
static const char *thread_op(const struct lmi_thread *ts, size_t n, int32_t tid, const char **fn)
{
    const struct lmi_thread *t = find(ts, n, tid);
    *fn = t != NULL ? t->function : NULL;
    return lmi_function_op(*fn);
}

/* No map held: a thread inside a write, and the map it last wrote. */
static int writer_from_stacks(struct diag_verdict *v, int32_t crashed_tid,
                              const struct lmi_thread *ts, size_t nts, const uint64_t *maps,
                              size_t nmaps, const struct lm_layout *l, struct lmi_mem *mem)
{
    const struct lmi_thread *w = NULL;
    for (size_t i = 0; i < nts && w == NULL; i++)
        if (ts[i].tid != crashed_tid && diag_op_is_write(lmi_function_op(ts[i].function)))
            w = &ts[i];
    if (w == NULL)
        return 0;
    v->writer_tid = w->tid;
    v->writer_function = w->function;
    v->writer_op = lmi_function_op(w->function);
    v->evidence = "stack";
    size_t named = 0;
    for (size_t i = 0; i < nmaps; i++) {
        uint64_t word;
        if (live_word(l, mem, maps[i], &word) == 0 && writer_tid(l, word) == w->tid &&
            named++ == 0)
            v->map = maps[i];
    }
    if (named == 1) {
        v->map_found_by = "last_writer";
    } else if (nmaps == 1) {
        v->map = maps[0];
        v->map_found_by = "only_map";
    } else {
        v->map = 0;
    }
    return 1;
}

void diag_decide(struct diag_verdict *v, int signo, int32_t crashed_tid,
                 const struct lmi_thread *ts, size_t nts, const struct held_map *held,
                 size_t nheld, const uint64_t *maps, size_t nmaps, const struct lm_layout *l,
                 struct lmi_mem *mem)
{
    memset(v, 0, sizeof *v);
    if (signo != SIGSEGV && signo != SIGBUS)
        return;
    const struct lmi_thread *c = find(ts, nts, crashed_tid);
    if (c == NULL || c->function == NULL)
        return; /* not a crash inside libmap: nothing to say about maps */
    v->crashed_function = c->function;
    v->crashed_op = lmi_function_op(c->function);
    if (nheld > 0) {
        /* the held map whose writer is seen inside a write, else the first */
        size_t pick = 0;
        for (size_t i = 0; i < nheld; i++) {
            const char *fn;
            if (diag_op_is_write(thread_op(ts, nts, writer_tid(l, held[i].word), &fn))) {
                pick = i;
                break;
            }
        }
        const struct held_map *h = &held[pick];
        v->writer_tid = writer_tid(l, h->word);
        v->writer_op = op_name(writer_op(l, h->word));
        thread_op(ts, nts, v->writer_tid, &v->writer_function);
        v->writer_held = 1;
        v->evidence = "writer_word";
        v->map = h->map;
        v->map_found_by = "writer_word";
    } else if (!writer_from_stacks(v, crashed_tid, ts, nts, maps, nmaps, l, mem)) {
        snprintf(v->why_not, sizeof v->why_not,
                 "thread %d died of %s inside libmap (%s), but no other thread held a map for "
                 "writing or was inside a libmap write: no sign of a concurrent map access",
                 (int)crashed_tid, signo == SIGBUS ? "SIGBUS" : "SIGSEGV", c->function);
        return;
    }
    v->present = 1;
    if (diag_op_is_write(v->crashed_op)) {
        v->kind = "probable_concurrent_writes";
        v->message = "probable concurrent map writes (not detected at run time)";
    } else if (v->crashed_op != NULL && strcmp(v->crashed_op, "iterate") == 0) {
        v->kind = "probable_iteration_write";
        v->message = "probable concurrent map iteration and map write (not detected at run time)";
    } else {
        v->kind = "probable_read_write";
        v->message = "probable concurrent map read and map write (not detected at run time)";
    }
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

int lmi_diagnose(lmi_target *t, int signo, int32_t crashed_tid, const struct lmi_thread *threads,
                 size_t nthreads, struct lmi_diagnosis *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->crashed_tid = crashed_tid;
    if (threads == NULL && nthreads > 0) {
        snprintf(err, errlen, "libmap-inspect: lmi_diagnose: no threads array");
        return -1;
    }
    struct registry_info ri;
    registry_read(&ri, &t->lay, &t->mem); /* unreadable: no maps */
    struct held_map *held;
    size_t nheld = diag_held_maps(&t->lay, &t->mem, ri.maps, ri.n, crashed_tid, &held);
    struct diag_verdict v;
    diag_decide(&v, signo, crashed_tid, threads, nthreads, held, nheld, ri.maps, ri.n, &t->lay,
                &t->mem);
    free(held);
    registry_free(&ri);
    out->present = v.present;
    COPY(out->kind, v.kind);
    COPY(out->message, v.message);
    COPY(out->crashed_op, v.crashed_op);
    COPY(out->crashed_function, v.crashed_function);
    out->writer_tid = v.writer_tid;
    COPY(out->writer_op, v.writer_op);
    COPY(out->writer_function, v.writer_function);
    out->writer_held = v.writer_held;
    COPY(out->evidence, v.evidence);
    out->map = v.map;
    COPY(out->map_found_by, v.map_found_by);
    COPY(out->why_not, v.why_not);
    return 0;
}
