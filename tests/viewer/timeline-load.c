/*
 * timeline-load.c — a steady libmap workload for the live test and the
 * timeline benchmark. THREADS threads each own one map (no races) and make
 * OPS writes on it: keys 0..4095 are assigned, then deleted, then assigned
 * again, ..., so the map grows from empty on every fill (grow, evacuate and
 * grow_done events between the writes). With SECONDS > 0 the writes are
 * spread over about that long (a pause after every 10 writes).
 *
 * usage: timeline-load THREADS OPS [SECONDS [hold]]
 *   hold: print "ready" after the oracle and wait for a line on stdin
 *         before writing (so that a live reader can attach first).
 * prints (oracle, flushed before the writes start), one line per thread:
 *   thread=I tid=T map=0xADDR assign=A delete=D
 * then "done" when every thread has finished.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmap/map.h>

#include "check.h"

#define WINDOW 4096u
#define MAX_THREADS 16

struct worker {
    libmap *m;
    pthread_t thread;
    int32_t tid;
    uint64_t assigns, deletes;
};

static struct worker workers[MAX_THREADS];
static uint64_t ops;
static long pause_us;
static pthread_barrier_t tids_known, start;

static void counts_for(uint64_t n, uint64_t *assigns, uint64_t *deletes)
{
    /* op i assigns in even rounds of WINDOW ops, deletes in odd ones */
    uint64_t full = n / (2 * WINDOW), rest = n % (2 * WINDOW);
    *assigns = full * WINDOW + (rest < WINDOW ? rest : WINDOW);
    *deletes = full * WINDOW + (rest > WINDOW ? rest - WINDOW : 0);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    w->tid = (int32_t)syscall(SYS_gettid);
    pthread_barrier_wait(&tids_known);
    pthread_barrier_wait(&start);
    struct timespec nap = {pause_us / 1000000, (pause_us % 1000000) * 1000};
    for (uint64_t i = 0; i < ops; i++) {
        uint64_t key = i % WINDOW;
        if ((i / WINDOW) % 2 == 0)
            CHECK_EQ(libmap_assign_u64(w->m, key, &i), 1);
        else
            CHECK_EQ(libmap_delete_u64(w->m, key), 1);
        if (pause_us > 0 && i % 10 == 9)
            nanosleep(&nap, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5 || (argc == 5 && strcmp(argv[4], "hold") != 0)) {
        fprintf(stderr, "usage: timeline-load THREADS OPS [SECONDS [hold]]\n");
        return 2;
    }
    int nthreads = atoi(argv[1]);
    ops = strtoull(argv[2], NULL, 10);
    double seconds = argc > 3 ? atof(argv[3]) : 0;
    if (nthreads < 1 || nthreads > MAX_THREADS || ops == 0 || seconds < 0) {
        fprintf(stderr, "timeline-load: THREADS 1..%d, OPS > 0, SECONDS >= 0\n", MAX_THREADS);
        return 2;
    }
    if (seconds > 0 && ops >= 10)
        pause_us = (long)(seconds * 1e6 / (double)(ops / 10));
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    CHECK_EQ(pthread_barrier_init(&tids_known, NULL, (unsigned)nthreads + 1), 0);
    CHECK_EQ(pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1), 0);
    for (int i = 0; i < nthreads; i++) {
        CHECK_EQ(libmap_new(&cfg, &workers[i].m), 0);
        counts_for(ops, &workers[i].assigns, &workers[i].deletes);
        CHECK_EQ(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]), 0);
    }
    pthread_barrier_wait(&tids_known);
    for (int i = 0; i < nthreads; i++)
        printf("thread=%d tid=%d map=0x%" PRIxPTR " assign=%" PRIu64 " delete=%" PRIu64 "\n", i,
               (int)workers[i].tid, (uintptr_t)workers[i].m, workers[i].assigns,
               workers[i].deletes);
    if (argc == 5) {
        printf("ready\n");
        fflush(stdout);
        char line[64];
        if (fgets(line, sizeof line, stdin) == NULL) {
            fprintf(stderr, "timeline-load: no go line on stdin\n");
            return 1;
        }
    }
    fflush(stdout);
    pthread_barrier_wait(&start);
    for (int i = 0; i < nthreads; i++) {
        pthread_join(workers[i].thread, NULL);
        CHECK_EQ(libmap_len(workers[i].m), workers[i].assigns - workers[i].deletes);
        libmap_free(workers[i].m);
    }
    printf("done\n");
    return 0;
}
