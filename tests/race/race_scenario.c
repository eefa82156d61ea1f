/*
 * race_scenario.c — writer A parked in its write window, thread B conflicts
 * (see race_scenario.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "race_park.h"
#include "race_scenario.h"

#define PREFILL 100 /* enough to grow past the first bucket */

struct writer {
    libmap *m;
    const struct race_case *c;
    int32_t tid;
};

static void do_write(libmap *m, const struct race_case *c, enum libmap_op op, unsigned key)
{
    switch (op) {
    case LIBMAP_OP_ASSIGN:
        rk_assign(m, c->key, key, c->typed);
        break;
    case LIBMAP_OP_DELETE:
        rk_delete(m, c->key, key, c->typed);
        break;
    case LIBMAP_OP_CLEAR:
        libmap_clear(m);
        break;
    default:
        CHECK(!"not a write");
    }
}

/* Thread A: park inside the write; libmap aborts the process meanwhile. */
static void *writer_main(void *arg)
{
    struct writer *w = arg;
    w->tid = race_gettid();
    park_arm();
    do_write(w->m, w->c, w->c->a_op, 7); /* key 7: present unless empty */
    fprintf(stderr, "writer A returned from its write\n");
    _exit(98);
}

static void child(void *arg)
{
    const struct race_case *c = arg;
    libmap *m = rk_new_map(c->key);
    if (!c->empty)
        for (unsigned i = 0; i < PREFILL; i++)
            CHECK_EQ(rk_assign(m, c->key, i, c->typed), LIBMAP_INSERTED);

    libmap_iter it;
    if (c->b_op == LIBMAP_OP_ITERATE) {
        libmap_iter_init(&it, m);
        if (c->iter_started)
            CHECK(libmap_iter_next(&it, NULL, NULL));
    }

    park_install();
    struct writer w = {m, c, 0};
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, writer_main, &w), 0);
    CHECK_EQ(park_wait_parked(), c->a_op);
    race_report_oracle(m, race_gettid(), w.tid);

    switch (c->b_op) {
    case LIBMAP_OP_LOOKUP:
        rk_lookup(m, c->key, 3, c->typed);
        break;
    case LIBMAP_OP_ITERATE:
        libmap_iter_next(&it, NULL, NULL);
        break;
    default:
        do_write(m, c, c->b_op, PREFILL + 1); /* a new key for assign */
        break;
    }
}

static enum libmap_panic_kind kind_for(enum libmap_op b_op)
{
    if (b_op == LIBMAP_OP_LOOKUP)
        return LIBMAP_PANIC_READ_WRITE;
    if (b_op == LIBMAP_OP_ITERATE)
        return LIBMAP_PANIC_ITERATION_WRITE;
    return LIBMAP_PANIC_CONCURRENT_WRITES;
}

void race_case_name(const struct race_case *c, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s-vs-%s/%s%s%s", rk_name(c->key), race_op_name(c->a_op),
             race_op_name(c->b_op), c->typed ? "typed" : "generic", c->empty ? "/empty" : "",
             c->iter_started ? "/mid-iteration" : "");
}

void race_case_run(const struct race_case *c)
{
    char name[128];
    race_case_name(c, name, sizeof name);
    struct race_expect exp = {
        .kind = kind_for(c->b_op), .op = c->b_op, .writer_op = c->a_op, .writer_held = 1};
    race_run(name, child, (void *)c, &exp);
}
