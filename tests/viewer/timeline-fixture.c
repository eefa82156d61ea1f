/*
 * timeline-fixture.c — deterministic traces for libmap-timeline's golden
 * tests. Threads A and B (and C in overlap mode) write maps; the write-window
 * hook of <libmap/debug.h> orders them so that each mode makes exactly one
 * known pair of overlapping writes, and the program prints the oracle
 * (key=value lines on stdout, flushed) before the interesting part:
 *
 *   race     A's delete runs entirely inside B's assign on map M: B's hook
 *            hides B's hold (as if A's entry check had missed B's store),
 *            waits until A's delete has ended, and B's final check finds A's
 *            word: "concurrent map writes", detected at its end by B, naming
 *            A (writer_held=0). Both write events precede the panic.
 *   grow     no panic. A's assign inserts the key that crosses the load
 *            factor (count 52, B 3 -> 4); inside A's window B's delete
 *            starts, and B's hook waits until A's write has ended before B
 *            touches the map: the windows overlap, the mutations do not, so
 *            the map stays consistent while grow and evacuate happen in the
 *            overlap. Later serialized writes finish the growth.
 *   overlap  no panic, no growth: the same hand-off with A's assign
 *            (overwrite) and B's delete on M; meanwhile C writes another map
 *            N inside A's window (overlapping in time, but not the same map).
 *
 * The hand-off keeps libmap's detection build (the hook is compiled out with
 * LIBMAP_NO_DETECTION): a thread that lets another one in while it holds M
 * clears HELD in M's writer word (debug.h documents it and libmap_layout
 * gives its offset) and the one let in puts the first one's word back before
 * the first one mutates, so the checks of a write that ends see their own
 * word. All warm-up writes are serialized by a mutex.
 *
 * usage: timeline-fixture race|grow|overlap
 * exit: 0 (grow, overlap); race aborts (134 under libmap-record); 2 usage.
 */
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "check.h"

enum mode { RACE, GROW, OVERLAP };

static enum mode mode;
static libmap *M, *N;                   /* M: the map of the overlapping pair */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_ready, warm_done;
static sem_t a_in, b_in, c_done, a_done;
static _Atomic int32_t tid_a, tid_b, tid_c;
static _Atomic int armed_a, armed_b;    /* one-shot hook actions */
static uint64_t saved_a_word;

static int32_t gettid_(void) { return (int32_t)syscall(SYS_gettid); }

static uint64_t *writer_word(const libmap *m)
{
    return (uint64_t *)((char *)m + libmap_layout.map_writer);
}

static uint64_t field(const libmap *m, uint32_t off, uint32_t width)
{
    const unsigned char *p = (const unsigned char *)m + off;
    uint64_t v = 0;
    memcpy(&v, p, width < sizeof v ? width : sizeof v); /* little-endian */
    return v;
}

static unsigned map_B(const libmap *m) { return (unsigned)field(m, libmap_layout.map_B, libmap_layout.width_B); }
static int growing(const libmap *m) { return field(m, libmap_layout.map_oldbuckets, sizeof(void *)) != 0; }

static void wait_sem(sem_t *s)
{
    while (sem_wait(s) != 0)
        ;
}

/* The hand-off, on M only. */
static void hook(const libmap *m, enum libmap_op op, void *ctx)
{
    (void)op, (void)ctx;
    if (m != M)
        return;
    int32_t me = gettid_();
    uint64_t *w = writer_word(m);
    if (me == tid_a && armed_a) { /* grow, overlap: A lets B in */
        armed_a = 0;
        saved_a_word = __atomic_load_n(w, __ATOMIC_RELAXED);
        __atomic_store_n(w, saved_a_word & ~(uint64_t)LIBMAP_WRITER_HELD, __ATOMIC_RELAXED);
        sem_post(&a_in);
        wait_sem(&b_in);
    } else if (me == tid_b && armed_b) {
        armed_b = 0;
        uint64_t mine = __atomic_load_n(w, __ATOMIC_RELAXED);
        if (mode == RACE) { /* B lets A in and does not take M back */
            __atomic_store_n(w, mine & ~(uint64_t)LIBMAP_WRITER_HELD, __ATOMIC_RELAXED);
            sem_post(&b_in);
            wait_sem(&a_done);
        } else { /* A mutates M and ends, then B takes M back */
            __atomic_store_n(w, saved_a_word, __ATOMIC_RELAXED);
            sem_post(&b_in);
            wait_sem(&a_done);
            __atomic_store_n(w, mine, __ATOMIC_RELAXED);
        }
    }
}

static void locked_assign(libmap *m, uint64_t k, uint64_t v)
{
    pthread_mutex_lock(&lock);
    CHECK(libmap_assign_u64(m, k, &v) >= 0);
    pthread_mutex_unlock(&lock);
}

/* Serialized writes by one thread before the pair: keys base..base+n-1. */
static void warm_up(uint64_t base, int n)
{
    for (int i = 0; i < n; i++) {
        locked_assign(M, base + (uint64_t)i, (uint64_t)i);
        sched_yield();
    }
}

static void *thread_a(void *arg)
{
    (void)arg;
    tid_a = gettid_();
    pthread_barrier_wait(&both_ready);
    warm_up(1000, mode == GROW ? 26 : 20);
    pthread_barrier_wait(&warm_done);
    uint64_t v = 7;
    if (mode == RACE) {
        wait_sem(&b_in);
        CHECK_EQ(libmap_delete_u64(M, 1000), 1); /* entirely inside B's window */
        sem_post(&a_done);
        for (;;)
            pause(); /* B panics */
    }
    armed_a = 1;
    if (mode == GROW) {
        CHECK(!growing(M) && libmap_len(M) == 52 && map_B(M) == 3);
        CHECK_EQ(libmap_assign_u64(M, 5000, &v), 1); /* starts the growth */
        CHECK(growing(M) && map_B(M) == 4);
    } else {
        CHECK_EQ(libmap_assign_u64(M, 1001, &v), 0); /* overwrite */
    }
    sem_post(&a_done);
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    tid_b = gettid_();
    pthread_barrier_wait(&both_ready);
    warm_up(2000, mode == GROW ? 26 : 20);
    pthread_barrier_wait(&warm_done);
    uint64_t v = 9;
    armed_b = 1;
    if (mode == RACE) {
        libmap_assign_u64(M, 6000, &v); /* panics at its end */
        fprintf(stderr, "timeline-fixture: the race was not detected\n");
        exit(3);
    }
    wait_sem(mode == OVERLAP ? &c_done : &a_in);
    CHECK_EQ(libmap_delete_u64(M, 2000), 1);
    return NULL;
}

/* overlap: C writes N while A holds M, before B starts. */
static void *thread_c(void *arg)
{
    (void)arg;
    tid_c = gettid_();
    pthread_barrier_wait(&both_ready);
    pthread_barrier_wait(&warm_done);
    wait_sem(&a_in);
    uint64_t v = 3;
    CHECK_EQ(libmap_assign_u64(N, 42, &v), 1);
    sem_post(&c_done);
    return NULL;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"race", "grow", "overlap"};
    int m = -1;
    for (int i = 0; argc == 2 && i < 3; i++)
        if (strcmp(argv[1], names[i]) == 0)
            m = i;
    if (m < 0) {
        fprintf(stderr, "usage: timeline-fixture race|grow|overlap\n");
        return 2;
    }
    mode = (enum mode)m;
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    CHECK_EQ(libmap_new(&cfg, &M), 0);
    CHECK_EQ(libmap_new(&cfg, &N), 0);
    uint64_t one = 1;
    CHECK_EQ(libmap_assign_u64(N, 1, &one), 1);
    libmap_debug_set_write_hook(hook, NULL);
    CHECK_EQ(sem_init(&a_in, 0, 0) | sem_init(&b_in, 0, 0), 0);
    CHECK_EQ(sem_init(&c_done, 0, 0) | sem_init(&a_done, 0, 0), 0);
    unsigned nthreads = mode == OVERLAP ? 3 : 2;
    CHECK_EQ(pthread_barrier_init(&both_ready, NULL, nthreads + 1), 0);
    CHECK_EQ(pthread_barrier_init(&warm_done, NULL, nthreads), 0);
    pthread_t a, b, c;
    CHECK_EQ(pthread_create(&a, NULL, thread_a, NULL), 0);
    CHECK_EQ(pthread_create(&b, NULL, thread_b, NULL), 0);
    if (mode == OVERLAP)
        CHECK_EQ(pthread_create(&c, NULL, thread_c, NULL), 0);

    /* The oracle, before anything can abort. */
    pthread_barrier_wait(&both_ready);
    printf("mode=%s\npid=%d\ntid_a=%d\ntid_b=%d\n", names[m], (int)getpid(), (int)tid_a,
           (int)tid_b);
    if (mode == OVERLAP)
        printf("tid_c=%d\nmap_n=0x%" PRIxPTR "\n", (int)tid_c, (uintptr_t)N);
    printf("map=0x%" PRIxPTR "\n", (uintptr_t)M);
    if (mode == RACE)
        printf("detector_tid=%d\ndetector_op=assign\nwriter_tid=%d\nwriter_op=delete\n",
               (int)tid_b, (int)tid_a);
    else
        printf("first_tid=%d\nfirst_op=assign\nsecond_tid=%d\nsecond_op=delete\n", (int)tid_a,
               (int)tid_b);
    if (mode == GROW)
        printf("grow_old_B=3\ngrow_new_B=4\ngrow_count=52\n");
    fflush(stdout);

    pthread_join(b, NULL);
    pthread_join(a, NULL);
    if (mode == OVERLAP)
        pthread_join(c, NULL);
    if (mode == GROW) { /* finish the growth: every write evacuates */
        for (uint64_t k = 0; growing(M); k++) {
            CHECK(k < 64);
            locked_assign(M, 9000 + k, k);
        }
        CHECK_EQ(map_B(M), 4);
    }
    libmap_free(M);
    libmap_free(N);
    return 0;
}
