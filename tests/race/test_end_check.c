/*
 * test_end_check.c — the end-of-write check: writer A, about to release the
 * map, finds that writer B has stored its own word meanwhile, and reports
 * "concurrent map writes" naming B ("(writer)" if B still holds the map,
 * "(writer, just finished)" if B has released it).
 *
 * Why B's store is made by hand: in a real race B's entry load happens
 * before A's store and B's store after it, so B passes its entry check.
 * The write hook runs after the store, so no hook can hold B between its
 * load and its store, and the interleaving cannot be produced on demand
 * through libmap's API. B therefore does what its write_begin would do at
 * that point: it stores its word (its TID, its op, HELD) into the writer
 * word, found through the documented layout (libmap_layout.map_writer and
 * the encoding in debug.h), while A is parked. A is then released and runs
 * its real write and its real end check. libmap-demo race write-write
 * produces the real interleaving, not on demand.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "race_harness.h"
#include "race_keys.h"
#include "race_park.h"

static const enum libmap_op writes[] = {LIBMAP_OP_ASSIGN, LIBMAP_OP_DELETE, LIBMAP_OP_CLEAR};

struct end_case {
    enum race_key_kind key;
    bool typed;
    enum libmap_op a_op, b_op;
    bool b_held;
};

struct writer {
    libmap *m;
    const struct end_case *c;
    int32_t tid;
};

static uint64_t word(int32_t tid, enum libmap_op op, bool held)
{
    return ((uint64_t)(uint32_t)tid << LIBMAP_WRITER_TID_SHIFT) |
           (held ? LIBMAP_WRITER_HELD : 0) | (uint64_t)op;
}

/* Thread A: its write is parked, then finishes and must panic at the end. */
static void *writer_main(void *arg)
{
    struct writer *w = arg;
    const struct end_case *c = w->c;
    w->tid = race_gettid();
    park_arm();
    if (c->a_op == LIBMAP_OP_ASSIGN)
        rk_assign(w->m, c->key, 1000, c->typed); /* a new key: the insert path */
    else if (c->a_op == LIBMAP_OP_DELETE)
        rk_delete(w->m, c->key, 7, c->typed);
    else
        libmap_clear(w->m);
    fprintf(stderr, "writer A finished its write without a panic\n");
    _exit(98);
}

static void child(void *arg)
{
    const struct end_case *c = arg;
    libmap *m = rk_new_map(c->key);
    for (unsigned i = 0; i < 100; i++)
        CHECK_EQ(rk_assign(m, c->key, i, c->typed), LIBMAP_INSERTED);
    _Atomic uint64_t *writer_word =
        (_Atomic uint64_t *)(void *)((char *)m + libmap_layout.map_writer);

    park_install();
    struct writer w = {m, c, 0};
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, writer_main, &w), 0);
    CHECK_EQ(park_wait_parked(), c->a_op);
    /* A holds the map: the word is A's, as debug.h documents (with the
     * write sequence, which only changes) */
    CHECK((atomic_load_explicit(writer_word, memory_order_relaxed) &
           ~(uint64_t)LIBMAP_WRITER_SEQ_MASK) == word(w.tid, c->a_op, true));

    int32_t me = race_gettid();
    race_report_oracle(m, w.tid, me); /* A detects; B (this thread) is named */
    atomic_store_explicit(writer_word, word(me, c->b_op, c->b_held), memory_order_relaxed);
    park_release();
    pthread_join(th, NULL); /* never returns: A aborts the process */
}

int main(void)
{
    unsigned n = 0;
    for (int k = 0; k < RK_COUNT; k++) {
        for (int typed = 0; typed <= (int)rk_has_typed(k); typed++) {
            for (int a = 0; a < 3; a++) {
                for (int held = 0; held <= 1; held++) {
                    struct end_case c = {k, typed, writes[a], writes[(a + held + 1) % 3], held};
                    char name[128];
                    snprintf(name, sizeof name, "end-check/%s/%s/%s-caught-%s%s", rk_name(k),
                             typed ? "typed" : "generic", race_op_name(c.a_op),
                             race_op_name(c.b_op), held ? "" : "-just-finished");
                    struct race_expect exp = {LIBMAP_PANIC_CONCURRENT_WRITES, c.a_op, c.b_op,
                                              held};
                    race_run(name, child, &c, &exp);
                    n++;
                }
            }
        }
    }
    printf("end-of-write check: %u cases passed\n", n);
    return 0;
}
