/*
 * test_no_false_positive.c — a correctly synchronized program never aborts:
 * libmap's concurrent-access check (entry check, and the end check of every
 * lookup and iterator step) must stay silent whatever synchronization orders
 * the accesses. Threads take turns on ONE u64 map and ONE string map doing
 * assign, delete, lookup, iteration (with writes between steps, and an
 * iteration carried from turn to turn, thread to thread), clear, and
 * free-and-recreate (growth from empty again, so bucket arrays are retired
 * over and over). A mode is one synchronization pattern:
 *   mutex    each turn under one pthread mutex
 *   rwlock   writes under the write lock; lookups and read-only iterations
 *            under the read lock, so readers run concurrently
 *   condvar  a token passed to a random other thread with a mutex-protected
 *            variable and per-thread condition variables; the map work is
 *            done outside the mutex
 *   atomic   a turn variable: acquire load (spinning with sched_yield),
 *            release store of the next thread's number
 *   sem      one semaphore per thread: sem_wait(mine) ... sem_post(next)
 *   join     a chain of threads: A works and exits; B, created meanwhile,
 *            pthread_joins A then works; main joins B and creates the next A
 * Every mode checks exact outcomes against a shadow kept under the same
 * synchronization: assign/delete results, lookup presence and value, each
 * iterator step (the key is present, its current value, no key twice unless
 * deleted meanwhile, every key present throughout an iteration is yielded,
 * none after a clear), libmap_len after every write, and the full contents
 * at every free and at the end. It prints the counts each mode reached.
 * Usage: test_no_false_positive [--mode mutex|rwlock|condvar|atomic|sem|join|all]
 *        [--rwlock] [--threads N] [--ops TOTAL_PER_MODE] [OPS_PER_THREAD]
 * Defaults: mutex, 8 threads, 2000000 operations (map calls) per mode.
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "check.h"

#define MAX_THREADS 64
#define MAX_KEYS 8192
#define WORDS (MAX_KEYS / 64)
#define JOIN_CHUNK 20000 /* operations per thread of the join chain */

enum mode { MUTEX, RWLOCK, CONDVAR, ATOMIC, SEM, JOIN, NMODES };
static const char *const mode_names[NMODES] = {"mutex", "rwlock", "condvar",
                                               "atomic", "sem", "join"};

struct stats {
    _Alignas(128) unsigned long ops, assigns, inserted, deletes, removed, lookups, hits;
    unsigned long steps, walks, walks_done, carried_steps, clears, resets, turns;
};

/* An iteration and what it has seen, checked against the shadow. */
struct walk {
    struct shadow *s;
    int live;
    libmap_iter it;
    uint64_t init_seq; /* wseq at libmap_iter_init */
    uint64_t seen[WORDS], at_init[WORDS];
};

/* One map and its shadow; only the thread whose turn it is touches either
 * (several readers at once in rwlock mode, which only read). */
struct shadow {
    libmap *map;
    int is_str;
    unsigned keys;       /* this epoch's keys are 0..keys-1 */
    size_t count, peak;  /* entries now; most at any time */
    uint64_t writes, next_clear, next_reset;
    uint64_t cleared_at; /* wseq of the last clear */
    uint64_t present[WORDS];
    uint64_t value[MAX_KEYS];
    uint64_t removed_at[MAX_KEYS]; /* wseq of the key's last removal */
    struct walk carried;           /* an iteration that spans turns */
};

static struct shadow shadows[2];
static uint64_t wseq; /* writes so far, to order iterations and removals */
static uint64_t base_seed;
static unsigned nthreads = 8;
static unsigned long total_ops = 2000000;
static _Atomic unsigned long ops_done;
static struct stats tstats[MAX_THREADS];

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static int has(const uint64_t *bits, unsigned i) { return (bits[i / 64] >> (i % 64)) & 1; }
static void set_bit(uint64_t *bits, unsigned i) { bits[i / 64] |= UINT64_C(1) << (i % 64); }
static void clear_bit(uint64_t *bits, unsigned i) { bits[i / 64] &= ~(UINT64_C(1) << (i % 64)); }

/* The string key of index i: "k" and its decimal digits. */
static size_t key_text(char *buf, unsigned i)
{
    char tmp[12];
    size_t n = 0, len = 1;
    do
        tmp[n++] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    buf[0] = 'k';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

/* The index of a key yielded by an iterator (aborts on a malformed one). */
static unsigned key_index(const struct shadow *s, const void *k)
{
    if (!s->is_str) {
        uint64_t v;
        memcpy(&v, k, sizeof v);
        CHECK(v < s->keys);
        return (unsigned)v;
    }
    const libmap_str *str = k;
    CHECK(str->len >= 2 && str->len <= 6 && str->ptr[0] == 'k');
    unsigned v = 0;
    for (size_t i = 1; i < str->len; i++) {
        CHECK(str->ptr[i] >= '0' && str->ptr[i] <= '9');
        v = v * 10 + (unsigned)(str->ptr[i] - '0');
    }
    CHECK(v < s->keys);
    return v;
}

static unsigned pick_keys(uint64_t r)
{
    static const unsigned sizes[4] = {16, 256, MAX_KEYS, MAX_KEYS};
    return sizes[r % 4];
}

static void shadow_open(struct shadow *s, int is_str, unsigned keys)
{
    libmap_config c = {.key_kind = is_str ? LIBMAP_KEY_STRING : LIBMAP_KEY_U64,
                       .value_size = 8};
    CHECK_EQ(libmap_new(&c, &s->map), 0);
    s->is_str = is_str;
    s->keys = keys;
    s->count = 0;
    memset(s->present, 0, sizeof s->present);
}

static void check_len(const struct shadow *s)
{
    CHECK_EQ(libmap_len(s->map), s->count);
}

/* Writes: each checks libmap's result against the shadow, then updates it. */
static void op_assign(struct shadow *s, unsigned i, uint64_t v, struct stats *st)
{
    char buf[16];
    int rc = s->is_str ? libmap_assign_str(s->map, buf, key_text(buf, i), &v)
                       : libmap_assign_u64(s->map, i, &v);
    wseq++, s->writes++;
    st->assigns++;
    if (has(s->present, i)) {
        CHECK_EQ(rc, LIBMAP_UPDATED);
    } else {
        CHECK_EQ(rc, LIBMAP_INSERTED);
        set_bit(s->present, i);
        s->count++;
        st->inserted++;
        if (s->count > s->peak)
            s->peak = s->count;
    }
    s->value[i] = v;
    check_len(s);
}

static void op_delete(struct shadow *s, unsigned i, struct stats *st)
{
    char buf[16];
    int rc = s->is_str ? libmap_delete_str(s->map, buf, key_text(buf, i))
                       : libmap_delete_u64(s->map, i);
    wseq++, s->writes++;
    st->deletes++;
    if (has(s->present, i)) {
        CHECK_EQ(rc, LIBMAP_DELETED);
        clear_bit(s->present, i);
        s->removed_at[i] = wseq;
        s->count--;
        st->removed++;
    } else {
        CHECK_EQ(rc, LIBMAP_ABSENT);
    }
    check_len(s);
}

static void op_lookup(const struct shadow *s, unsigned i, struct stats *st)
{
    char buf[16];
    uint64_t v = 0;
    bool found = s->is_str ? libmap_lookup_str(s->map, buf, key_text(buf, i), &v)
                           : libmap_lookup_u64(s->map, i, &v);
    st->lookups++;
    CHECK_EQ(found, has(s->present, i));
    if (found) {
        CHECK_EQ(v, s->value[i]);
        st->hits++;
    }
}

static void walk_begin(struct walk *w, struct shadow *s)
{
    libmap_iter_init(&w->it, s->map);
    w->s = s;
    w->live = 1;
    w->init_seq = wseq;
    memset(w->seen, 0, sizeof w->seen);
    memcpy(w->at_init, s->present, sizeof w->at_init);
}

/* One iterator step, checked; returns 0 once the iteration has ended. */
static int walk_step(struct walk *w, struct stats *st)
{
    struct shadow *s = w->s;
    const void *k;
    void *v;
    bool got = libmap_iter_next(&w->it, &k, &v);
    st->steps++;
    st->ops++;
    int cleared = s->cleared_at > w->init_seq;
    if (got) {
        CHECK(!cleared); /* "After libmap_clear the iteration ends." */
        unsigned i = key_index(s, k);
        CHECK(has(s->present, i));
        uint64_t val;
        memcpy(&val, v, sizeof val);
        CHECK_EQ(val, s->value[i]);
        /* A key comes back only as a new entry: deleted since the start. */
        if (has(w->seen, i))
            CHECK(s->removed_at[i] > w->init_seq);
        set_bit(w->seen, i);
        return 1;
    }
    w->live = 0;
    st->walks_done++;
    if (!cleared) /* every key present throughout was yielded */
        for (unsigned i = 0; i < s->keys; i++)
            if (has(w->at_init, i) && !has(w->seen, i))
                CHECK(s->removed_at[i] > w->init_seq);
    return 0;
}

static void walk_stop(struct walk *w)
{
    if (w->live)
        libmap_iter_done(&w->it);
    w->live = 0;
}

/* A full iteration must yield exactly the shadow's contents. */
static void verify(struct shadow *s, struct stats *st)
{
    struct walk w;
    st->walks++;
    walk_begin(&w, s);
    size_t n = 0;
    while (walk_step(&w, st))
        n++;
    CHECK_EQ(n, s->count);
    check_len(s);
    CHECK(memcmp(w.seen, s->present, sizeof w.seen) == 0);
}

static void op_clear(struct shadow *s, uint64_t r, struct stats *st)
{
    libmap_clear(s->map);
    wseq++, s->writes++;
    s->cleared_at = wseq;
    memset(s->present, 0, sizeof s->present);
    s->count = 0;
    s->next_clear = s->writes + 3000 + r % 40000;
    st->clears++;
    check_len(s);
}

/* Free the map and start again from an empty one: growth from scratch. */
static void op_reset(struct shadow *s, uint64_t r, struct stats *st)
{
    walk_stop(&s->carried);
    verify(s, st);
    libmap_free(s->map);
    wseq++;
    shadow_open(s, s->is_str, pick_keys(r));
    s->next_reset = s->writes + 5000 + (r >> 8) % 25000;
    st->resets++;
}

/* One write: assign or delete, or when due a clear or (may_reset: no
 * iteration of this turn is live on s) a free and new map. */
static void write_op(struct shadow *s, uint64_t r, int may_reset, struct stats *st)
{
    unsigned i = (unsigned)((r >> 16) % s->keys);
    if (may_reset && s->writes >= s->next_reset)
        op_reset(s, r, st);
    else if (s->writes >= s->next_clear)
        op_clear(s, r, st);
    else if ((r >> 40) % 1000 < 556)
        op_assign(s, i, r, st);
    else
        op_delete(s, i, st);
    st->ops++;
}

/* Up to 32 steps of an iteration, or all of it (1 in 128); with writes
 * between steps when the turn may write. */
static void local_walk(struct shadow *s, uint64_t *rng, int can_write, struct stats *st)
{
    uint64_t r = next_rand(rng);
    unsigned max = (r & 127) == 0 ? ~0u : 1 + (unsigned)(r >> 8) % 32;
    int with_writes = can_write && ((r >> 16) & 1);
    struct walk w;
    st->walks++;
    walk_begin(&w, s);
    for (unsigned n = 0; n < max && walk_step(&w, st); n++) {
        uint64_t r2 = next_rand(rng);
        if (with_writes && (r2 & 3) == 0)
            write_op((r2 >> 2) % 8 ? s : &shadows[s == shadows], r2, 0, st);
    }
    walk_stop(&w);
}

/* The iteration carried from turn to turn: 1..16 more steps. */
static void carried_walk(struct shadow *s, uint64_t r, struct stats *st)
{
    if (!s->carried.live) {
        st->walks++;
        walk_begin(&s->carried, s);
    }
    for (unsigned n = 1 + (unsigned)(r % 16); n > 0; n--) {
        st->carried_steps++;
        if (!walk_step(&s->carried, st))
            break;
    }
}

/* One turn: at least n operations; can_write is 0 under a read lock. */
static void turn(unsigned long n, uint64_t *rng, int can_write, struct stats *st)
{
    unsigned long start = st->ops;
    st->turns++;
    while (st->ops - start < n) {
        uint64_t r = next_rand(rng);
        struct shadow *s = &shadows[r & 1];
        unsigned choice = (unsigned)(r >> 48) % 1000;
        if (choice < 540 && can_write) {
            write_op(s, r, 1, st);
        } else if (choice >= 960 && choice < 980) {
            local_walk(s, rng, can_write, st);
        } else if (choice >= 980 && can_write) {
            carried_walk(s, r >> 8, st);
        } else {
            op_lookup(s, (unsigned)((r >> 16) % s->keys), st);
            st->ops++;
        }
    }
    atomic_fetch_add_explicit(&ops_done, st->ops - start, memory_order_relaxed);
}

static int budget_left(void)
{
    return atomic_load_explicit(&ops_done, memory_order_relaxed) < total_ops;
}

static unsigned next_thread(unsigned me, uint64_t *rng)
{
    if (nthreads == 1)
        return me;
    return (me + 1 + (unsigned)(next_rand(rng) % (nthreads - 1))) % nthreads;
}

static uint64_t thread_seed(uintptr_t id)
{
    return base_seed + (id + 1) * UINT64_C(0x9e3779b97f4a7c15);
}

/* ---- the synchronization patterns ---- */

static pthread_barrier_t start_barrier;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static _Atomic unsigned readers, max_readers;

static void *mutex_worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    uint64_t rng = thread_seed(me);
    pthread_barrier_wait(&start_barrier);
    while (budget_left()) {
        unsigned long n = 1 + next_rand(&rng) % 16;
        pthread_mutex_lock(&mutex);
        turn(n, &rng, 1, &tstats[me]);
        pthread_mutex_unlock(&mutex);
    }
    return NULL;
}

static void *rwlock_worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    uint64_t rng = thread_seed(me);
    pthread_barrier_wait(&start_barrier);
    while (budget_left()) {
        uint64_t r = next_rand(&rng);
        unsigned long n = 1 + r % 16;
        if ((r >> 8) & 1) {
            pthread_rwlock_wrlock(&rwlock);
            turn(n, &rng, 1, &tstats[me]);
        } else {
            pthread_rwlock_rdlock(&rwlock);
            unsigned now = atomic_fetch_add(&readers, 1) + 1, max = atomic_load(&max_readers);
            while (now > max && !atomic_compare_exchange_weak(&max_readers, &max, now))
                ;
            turn(n, &rng, 0, &tstats[me]);
            atomic_fetch_sub(&readers, 1);
        }
        pthread_rwlock_unlock(&rwlock);
    }
    return NULL;
}

/* condvar: token names the thread whose turn it is. */
static pthread_mutex_t token_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t token_cond[MAX_THREADS];
static unsigned token;
static int finished;

static void *condvar_worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    uint64_t rng = thread_seed(me);
    pthread_barrier_wait(&start_barrier);
    for (;;) {
        pthread_mutex_lock(&token_mutex);
        while (token != me && !finished)
            pthread_cond_wait(&token_cond[me], &token_mutex);
        int stop = finished;
        pthread_mutex_unlock(&token_mutex);
        if (stop)
            break;
        int more = budget_left();
        if (more)
            turn(1 + next_rand(&rng) % 128, &rng, 1, &tstats[me]);
        pthread_mutex_lock(&token_mutex);
        if (more) {
            token = next_thread((unsigned)me, &rng);
            pthread_cond_signal(&token_cond[token]);
        } else {
            finished = 1;
            for (unsigned i = 0; i < nthreads; i++)
                pthread_cond_signal(&token_cond[i]);
        }
        pthread_mutex_unlock(&token_mutex);
    }
    return NULL;
}

/* atomic: turn_of holds the number of the thread whose turn it is. */
#define NOBODY ((unsigned)-1)
static _Atomic unsigned turn_of;

static void *atomic_worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    uint64_t rng = thread_seed(me);
    pthread_barrier_wait(&start_barrier);
    for (;;) {
        unsigned t;
        for (unsigned spins = 0;
             (t = atomic_load_explicit(&turn_of, memory_order_acquire)) != me && t != NOBODY;
             spins++)
            if (spins >= 64)
                sched_yield();
        if (t == NOBODY)
            break;
        if (!budget_left()) {
            atomic_store_explicit(&turn_of, NOBODY, memory_order_release);
            break;
        }
        turn(1 + next_rand(&rng) % 128, &rng, 1, &tstats[me]);
        atomic_store_explicit(&turn_of, next_thread((unsigned)me, &rng), memory_order_release);
    }
    return NULL;
}

/* sem: a thread works between sem_wait on its own semaphore and sem_post on
 * the next thread's. */
static sem_t sems[MAX_THREADS];

static void *sem_worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    uint64_t rng = thread_seed(me);
    pthread_barrier_wait(&start_barrier);
    for (;;) {
        while (sem_wait(&sems[me]) != 0)
            ; /* EINTR */
        if (finished)
            break;
        if (!budget_left()) {
            finished = 1;
            for (unsigned i = 0; i < nthreads; i++)
                if (i != me)
                    CHECK_EQ(sem_post(&sems[i]), 0);
            break;
        }
        turn(1 + next_rand(&rng) % 128, &rng, 1, &tstats[me]);
        CHECK_EQ(sem_post(&sems[next_thread((unsigned)me, &rng)]), 0);
    }
    return NULL;
}

/* join: each link of the chain works its share; the second of each pair
 * first joins the first, the only thing ordering them. The links add their
 * counts to join_stats, ordered by the joins as well. */
struct link {
    unsigned long index, quota;
    int joins_prev;
    pthread_t prev;
};
static struct stats join_stats;
static unsigned long join_links;

static void add_stats(struct stats *to, const struct stats *s)
{
    to->ops += s->ops, to->assigns += s->assigns, to->inserted += s->inserted;
    to->deletes += s->deletes, to->removed += s->removed, to->lookups += s->lookups;
    to->hits += s->hits, to->steps += s->steps, to->walks += s->walks;
    to->walks_done += s->walks_done, to->carried_steps += s->carried_steps;
    to->clears += s->clears, to->resets += s->resets, to->turns += s->turns;
}

static void *join_worker(void *arg)
{
    struct link *l = arg;
    if (l->joins_prev)
        CHECK_EQ(pthread_join(l->prev, NULL), 0);
    uint64_t rng = thread_seed(l->index);
    struct stats st = {0};
    while (st.ops < l->quota)
        turn(1 + next_rand(&rng) % 128, &rng, 1, &st);
    add_stats(&join_stats, &st);
    return NULL;
}

static void run_join(void)
{
    unsigned long links = (total_ops + JOIN_CHUNK - 1) / JOIN_CHUNK;
    if (links < nthreads)
        links = nthreads;
    links += links & 1;
    join_links = links;
    for (unsigned long k = 0; k < links; k += 2) {
        struct link a = {.index = k, .quota = total_ops * (k + 1) / links - total_ops * k / links};
        struct link b = {.index = k + 1, .joins_prev = 1,
                         .quota = total_ops * (k + 2) / links - total_ops * (k + 1) / links};
        pthread_t tb;
        CHECK_EQ(pthread_create(&b.prev, NULL, join_worker, &a), 0);
        CHECK_EQ(pthread_create(&tb, NULL, join_worker, &b), 0);
        CHECK_EQ(pthread_join(tb, NULL), 0);
    }
}

static void run_threads(void *(*fn)(void *))
{
    pthread_t th[MAX_THREADS];
    CHECK_EQ(pthread_barrier_init(&start_barrier, NULL, nthreads), 0);
    for (uintptr_t i = 0; i < nthreads; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, fn, (void *)i), 0);
    for (unsigned i = 0; i < nthreads; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&start_barrier);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one mode on fresh maps; returns the operations done. */
static unsigned long run_mode(enum mode mode)
{
    uint64_t rng = base_seed ^ (uint64_t)(mode + 1) << 56;
    memset(shadows, 0, sizeof shadows);
    memset(tstats, 0, sizeof tstats);
    memset(&join_stats, 0, sizeof join_stats);
    wseq = 0;
    atomic_store(&ops_done, 0);
    atomic_store(&max_readers, 0);
    for (int i = 0; i < 2; i++) {
        shadow_open(&shadows[i], i, MAX_KEYS);
        /* The first epoch grows past MAX_KEYS / 8 entries before either. */
        shadows[i].next_clear = 3000 + next_rand(&rng) % 8000;
        shadows[i].next_reset = 4000 + next_rand(&rng) % 10000;
    }
    finished = 0;
    token = 0;
    atomic_store(&turn_of, 0);
    for (unsigned i = 0; i < nthreads; i++) {
        CHECK_EQ(pthread_cond_init(&token_cond[i], NULL), 0);
        CHECK_EQ(sem_init(&sems[i], 0, i == 0), 0);
    }

    double t0 = now_seconds();
    switch (mode) {
    case MUTEX: run_threads(mutex_worker); break;
    case RWLOCK: run_threads(rwlock_worker); break;
    case CONDVAR: run_threads(condvar_worker); break;
    case ATOMIC: run_threads(atomic_worker); break;
    case SEM: run_threads(sem_worker); break;
    case JOIN: run_join(); break;
    default: CHECK(0);
    }
    double secs = now_seconds() - t0;

    struct stats sum = join_stats, dummy = {0};
    unsigned long min_turns = ~0ul, max_turns = 0;
    if (mode != JOIN)
        for (unsigned i = 0; i < nthreads; i++) {
            add_stats(&sum, &tstats[i]);
            if (tstats[i].turns < min_turns)
                min_turns = tstats[i].turns;
            if (tstats[i].turns > max_turns)
                max_turns = tstats[i].turns;
        }
    size_t left[2], peak = 0;
    for (int i = 0; i < 2; i++) {
        walk_stop(&shadows[i].carried);
        verify(&shadows[i], &dummy);
        left[i] = shadows[i].count;
        if (shadows[i].peak > peak)
            peak = shadows[i].peak;
        libmap_free(shadows[i].map);
    }
    for (unsigned i = 0; i < nthreads; i++) {
        pthread_cond_destroy(&token_cond[i]);
        sem_destroy(&sems[i]);
    }

    printf("%-7s %lu ops in %.2f s: %lu assign (%lu new), %lu delete (%lu removed), "
           "%lu lookup (%lu hit), %lu iteration steps (%lu carried) in %lu iterations "
           "(%lu complete), %lu clear, %lu free+new, peak %zu entries, %zu + %zu left; ",
           mode_names[mode], sum.ops, secs, sum.assigns, sum.inserted, sum.deletes,
           sum.removed, sum.lookups, sum.hits, sum.steps, sum.carried_steps, sum.walks,
           sum.walks_done, sum.clears, sum.resets, peak, left[0], left[1]);
    if (mode == JOIN)
        printf("%lu turns by a chain of %lu threads\n", sum.turns, join_links);
    else
        printf("%lu turns, per thread %lu..%lu", sum.turns, min_turns, max_turns);
    if (mode == RWLOCK)
        printf(", up to %u readers at once", atomic_load(&max_readers));
    if (mode != JOIN)
        printf("\n");
    fflush(stdout);

    /* The counts show that the checks ran, and that the budget was spent. */
    CHECK_EQ(sum.ops, atomic_load(&ops_done));
    CHECK(sum.ops >= total_ops);
    CHECK_EQ(sum.ops, sum.assigns + sum.deletes + sum.lookups + sum.steps + sum.clears +
                          sum.resets);
    if (total_ops >= 200000) {
        CHECK(sum.hits > 0 && sum.hits < sum.lookups);
        CHECK(sum.inserted > 0 && sum.removed > 0);
        CHECK(sum.walks_done > 0 && sum.carried_steps > 0);
        CHECK(sum.clears > 0 && sum.resets > 0);
        CHECK(peak > MAX_KEYS / 8);
        /* Every thread took part: the handoffs pick a random next thread
         * (a lock promises no fairness, so mutex and rwlock only print it). */
        if (mode == CONDVAR || mode == ATOMIC || mode == SEM)
            CHECK(min_turns > 0);
    }
    return sum.ops;
}

int main(int argc, char **argv)
{
    int run[NMODES] = {0}, any = 0;
    unsigned long per_thread = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rwlock") == 0) {
            run[RWLOCK] = any = 1;
        } else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            int found = 0;
            for (int k = 0; k < NMODES; k++)
                if (strcmp(m, "all") == 0 || strcmp(m, mode_names[k]) == 0)
                    run[k] = found = any = 1;
            if (!found) {
                fprintf(stderr, "unknown mode %s\n", m);
                return 2;
            }
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            nthreads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
            total_ops = strtoul(argv[++i], NULL, 0);
        } else if (argv[i][0] >= '0' && argv[i][0] <= '9') {
            per_thread = strtoul(argv[i], NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [--mode mutex|rwlock|condvar|atomic|sem|join|all] "
                            "[--rwlock] [--threads N] [--ops N] [OPS_PER_THREAD]\n", argv[0]);
            return 2;
        }
    }
    if (nthreads < 1 || nthreads > MAX_THREADS) {
        fprintf(stderr, "--threads: 1..%d\n", MAX_THREADS);
        return 2;
    }
    if (per_thread)
        total_ops = per_thread * nthreads;
    if (!any)
        run[MUTEX] = 1;
    base_seed = (uint64_t)time(NULL) | 1;
    if (getenv("LIBMAP_TEST_SEED"))
        base_seed = strtoull(getenv("LIBMAP_TEST_SEED"), NULL, 0);
    printf("no-false-positive: %u threads, %lu ops per mode, seed %llu (LIBMAP_TEST_SEED)\n",
           nthreads, total_ops, (unsigned long long)base_seed);
    fflush(stdout);

    double t0 = now_seconds();
    unsigned long all = 0;
    int modes = 0;
    for (int k = 0; k < NMODES; k++)
        if (run[k]) {
            all += run_mode((enum mode)k);
            modes++;
        }
    CHECK(libmap_panic_record.magic == 0);
    printf("no-false-positive: ok, %lu ops in %d mode(s), %.2f s\n", all, modes,
           now_seconds() - t0);
    return 0;
}
