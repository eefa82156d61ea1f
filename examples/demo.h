/*
 * demo.h — shared declarations of libmap-demo: the parsed command line, the
 * state the worker threads share, and the worker roles.
 */
#ifndef LIBMAP_DEMO_H
#define LIBMAP_DEMO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmap/map.h>

enum demo_mode { MODE_WRITE_WRITE, MODE_READ_WRITE, MODE_ITER_WRITE, MODE_NONE };

enum demo_role { ROLE_WRITER, ROLE_READER, ROLE_ITERATOR, ROLE_MIXED };

/* libmap-demo fixed: which of <libmap/sync.h>'s maps */
enum demo_variant { VARIANT_SYNC, VARIANT_SHARD };

struct demo_options {
    bool fixed;         /* `fixed`: the race's workload on a safe map */
    enum demo_variant variant;
    enum demo_mode mode;
    unsigned threads;   /* worker threads */
    uint64_t keys;      /* keys are drawn from [0, keys) */
    uint64_t ops;       /* race none: operations per worker */
    uint64_t warmup;    /* races: locked operations per worker first */
    unsigned timeout_s; /* give up (exit 3) when no race is seen in time */
    bool grow;          /* start empty so that the race happens mid-growth */
};

/* Parses argv into *o. Returns 0 to run, 1 when --help was printed (exit 0),
 * 2 after printing a one-line error (exit 2). */
int demo_parse_args(int argc, char **argv, struct demo_options *o);

struct demo_shared {
    libmap *map;
    const struct demo_options *opt;
    pthread_mutex_t lock;     /* race none only */
    pthread_barrier_t ready;  /* workers have published their TIDs */
    pthread_barrier_t go;     /* main has printed them: start working */
    pthread_barrier_t unlocked; /* workers only: warm-up done, drop the lock */
};

struct demo_worker {
    struct demo_shared *shared;
    unsigned index;
    enum demo_role role;
    pid_t tid;                /* set by the worker before the ready barrier */
};

const char *demo_role_name(enum demo_role role);
enum demo_role demo_role_for(enum demo_mode mode, unsigned index);

/* Thread entry: publish the TID, wait for the start, run the role. */
void *demo_worker_main(void *arg);

/* libmap-demo fixed (demo-fixed.c): run the mode's workload on a
 * libmap_sync or libmap_shard map, check the final contents against a
 * single-threaded replay; returns the exit status. */
int demo_fixed_main(const struct demo_options *o);

/* The worker's random number generator and its seed (demo-workers.c). */
uint64_t demo_next_rand(uint64_t *s);
uint64_t demo_seed_for(pid_t tid);

#endif /* LIBMAP_DEMO_H */
