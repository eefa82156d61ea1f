/*
 * libmap-demo.c — main program of libmap-demo: build a u64 map, start the
 * worker threads, print their TIDs, and let them race (or, for race none,
 * work under a lock and exit 0); `fixed` runs in demo-fixed.c. See
 * demo-args.c for the usage text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "closeout.h"

static const char *mode_name(enum demo_mode mode)
{
    static const char *const names[] = {"write-write", "read-write", "iter-write", "none"};
    return names[mode];
}

static libmap *make_map(const struct demo_options *o)
{
    libmap_config cfg = {
        .key_kind = LIBMAP_KEY_U64,
        .value_size = sizeof(uint64_t),
        .hint = o->grow ? 0 : (size_t)o->keys,
    };
    libmap *m;
    int rc = libmap_new(&cfg, &m);
    if (rc != 0) {
        fprintf(stderr, "libmap-demo: libmap_new: %s\n", libmap_strerror(rc));
        exit(1);
    }
    if (!o->grow) {
        for (uint64_t k = 0; k < o->keys; k++) {
            rc = libmap_assign_u64(m, k, &k);
            if (rc < 0) {
                fprintf(stderr, "libmap-demo: libmap_assign: %s\n", libmap_strerror(rc));
                exit(1);
            }
        }
    }
    return m;
}

static void start_workers(struct demo_shared *sh, struct demo_worker *w, pthread_t *th)
{
    const struct demo_options *o = sh->opt;
    for (unsigned i = 0; i < o->threads; i++) {
        w[i] = (struct demo_worker){.shared = sh, .index = i, .role = demo_role_for(o->mode, i)};
        int rc = pthread_create(&th[i], NULL, demo_worker_main, &w[i]);
        if (rc != 0) {
            fprintf(stderr, "libmap-demo: pthread_create: %s\n", strerror(rc));
            exit(1);
        }
    }
    /* every worker has stored its TID: print them before any work starts */
    pthread_barrier_wait(&sh->ready);
    for (unsigned i = 0; i < o->threads; i++)
        printf("libmap-demo: worker %u tid %d (%s)\n", i, (int)w[i].tid,
               demo_role_name(w[i].role));
    printf("libmap-demo: start\n");
    fflush(stdout);
    pthread_barrier_wait(&sh->go);
}

int main(int argc, char **argv)
{
    closeout_at_exit("libmap-demo", 2);
    struct demo_options o;
    int rc = demo_parse_args(argc, argv, &o);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    if (o.fixed)
        return demo_fixed_main(&o);

    struct demo_shared sh = {.opt = &o};
    pthread_mutex_init(&sh.lock, NULL);
    pthread_barrier_init(&sh.ready, NULL, o.threads + 1);
    pthread_barrier_init(&sh.go, NULL, o.threads + 1);
    pthread_barrier_init(&sh.unlocked, NULL, o.threads);
    sh.map = make_map(&o);

    printf("libmap-demo: pid %d mode %s threads %u keys %llu\n", (int)getpid(), mode_name(o.mode),
           o.threads, (unsigned long long)o.keys);
    printf("libmap-demo: map %p entries %zu\n", (void *)sh.map, libmap_len(sh.map));

    struct demo_worker w[64];
    pthread_t th[64];
    start_workers(&sh, w, th);

    if (o.mode != MODE_NONE) {
        /* the workers never return: libmap aborts the process */
        sleep(o.timeout_s);
        fprintf(stderr, "libmap-demo: no race detected within %u s\n", o.timeout_s);
        _exit(3);
    }
    for (unsigned i = 0; i < o.threads; i++)
        pthread_join(th[i], NULL);
    printf("libmap-demo: done, %llu operations per worker under a mutex, %zu entries, no race\n",
           (unsigned long long)o.ops, libmap_len(sh.map));
    libmap_free(sh.map);
    return 0;
}
