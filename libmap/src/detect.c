/*
 * detect.c — the panic path: fill the panic record, run the panic hooks,
 * print Go's message and a line naming both threads, abort().
 *
 * Only the first thread to panic reports; it marks the map's writer word
 * PANIC so that every other thread stops at its next check of that map. A
 * second reporter (both racing writers often notice) parks until the first
 * has aborted the process, so that its stack still shows where it was
 * writing and the map stays as it was when the race was seen.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "trace.h"

struct libmap_panic_record libmap_panic_record;
extern struct libmap_panic_record libmap_panic_record_local
    __attribute__((alias("libmap_panic_record"), visibility("hidden")));

libmap_write_hook map_write_hook;
void *map_write_hook_ctx;

static struct {
    libmap_panic_hook fn;
    void *ctx;
} hooks[LIBMAP_MAX_PANIC_HOOKS];
static _Atomic unsigned nhooks;
static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_flag panicking = ATOMIC_FLAG_INIT;

/* The threads that entered map_panic after the first one, by TID (the
 * first MAX_LATECOMERS of them). */
#define MAX_LATECOMERS 16
static _Atomic int32_t latecomers[MAX_LATECOMERS];
static _Atomic unsigned nlatecomers;

__thread uint64_t map_thread_word __attribute__((tls_model("initial-exec")));

static void forget_tid(void) { map_thread_word = 0; }

static void register_atfork(void) { pthread_atfork(NULL, NULL, forget_tid); }

uint64_t thread_word_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_atfork);
    map_thread_word = (uint64_t)(uint32_t)syscall(SYS_gettid) << LIBMAP_WRITER_TID_SHIFT;
    return map_thread_word;
}

int libmap_add_panic_hook(libmap_panic_hook fn, void *ctx)
{
    if (fn == NULL)
        return LIBMAP_EINVAL;
    pthread_mutex_lock(&hooks_lock);
    unsigned n = atomic_load(&nhooks);
    int rc = LIBMAP_ENOMEM;
    if (n < LIBMAP_MAX_PANIC_HOOKS) {
        hooks[n].fn = fn;
        hooks[n].ctx = ctx;
        atomic_store(&nhooks, n + 1);
        rc = 0;
    }
    pthread_mutex_unlock(&hooks_lock);
    return rc;
}

void libmap_debug_set_write_hook(libmap_write_hook fn, void *ctx)
{
    map_write_hook_ctx = ctx;
    map_write_hook = fn;
}

/* Go's message and the operations' names: the contract table (debug.h) */
static const char *panic_message(enum libmap_panic_kind kind)
{
#define MESSAGE(NAME, value, name, message)                                                  \
    case LIBMAP_PANIC_##NAME:                                                                \
        return message;
    switch (kind) {
        LIBMAP_PANIC_KINDS(MESSAGE)
    }
#undef MESSAGE
    return "libmap panic";
}

static const char *op_name(uint32_t op)
{
#define NAME(NAME, value, name) [value] = name,
    static const char *const names[] = {LIBMAP_OPS(NAME)};
#undef NAME
    return op < sizeof names / sizeof names[0] ? names[op] : "unknown";
}

/* A tiny async-signal-safe line builder (no stdio on the panic path). */
struct line {
    char buf[256];
    size_t len;
};

static void put_str(struct line *l, const char *s)
{
    while (*s && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, uint64_t v, unsigned base)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = tmp[--n];
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The panic word, stored over the map's writer word so that any other
 * thread entering the map stops in here (freezing the map for postmortem
 * tools). Stored again once the record is filled: a writer that had already
 * passed its final check when the first store landed clears HELD with its
 * release store, which would otherwise unfreeze the map. */
static void freeze(const struct libmap *m, uint64_t word)
{
    atomic_store_explicit(&((struct libmap *)m)->writer, word, memory_order_relaxed);
}

/* The frozen map and its panic word, for map_refreeze. */
static const struct libmap *frozen_map;
static uint64_t frozen_word;

void map_refreeze(void)
{
    if (frozen_map != NULL)
        freeze(frozen_map, frozen_word);
}

bool map_panic_reached(int32_t tid)
{
    unsigned n = atomic_load(&nlatecomers);
    for (unsigned k = 0; k < n && k < MAX_LATECOMERS; k++)
        if (atomic_load(&latecomers[k]) == tid)
            return true;
    return false;
}

_Noreturn void map_panic(const struct libmap *m, enum libmap_panic_kind kind, enum libmap_op op,
                         uint64_t writer_word, bool at_end)
{
    /* The time of detection, as close to the check as possible: trace
     * readers place the detecting operation here (the panic event itself
     * comes later, after the record is filled). */
    int64_t detected_monotonic = clock_ns(CLOCK_MONOTONIC);
    if (atomic_flag_test_and_set(&panicking)) {
        /* another thread is reporting and will abort the process */
        unsigned k = atomic_fetch_add(&nlatecomers, 1);
        if (k < MAX_LATECOMERS)
            atomic_store(&latecomers[k], current_tid());
        for (;;)
            pause();
    }
    /* Freeze the map: any other thread touching it now stops in here. */
    uint64_t frozen = ((uint64_t)(uint32_t)current_tid() << LIBMAP_WRITER_TID_SHIFT) |
                      LIBMAP_WRITER_PANIC | LIBMAP_WRITER_HELD | (uint64_t)op;
    freeze(m, frozen);
    frozen_word = frozen;
    frozen_map = m;
    int64_t detected_realtime = clock_ns(CLOCK_REALTIME);
    struct libmap_panic_record *r = &libmap_panic_record;
    const char *msg = panic_message(kind);
    r->version = LIBMAP_PANIC_RECORD_VERSION;
    r->kind = kind;
    r->map = m;
    r->op = op;
    r->writer_op = (uint32_t)(writer_word & LIBMAP_WRITER_OP_MASK);
    r->tid = current_tid();
    r->writer_tid = (int32_t)(writer_word >> LIBMAP_WRITER_TID_SHIFT);
    r->writer_held = (writer_word & LIBMAP_WRITER_HELD) ? 1 : 0;
    r->pid = (int32_t)getpid();
    r->realtime_ns = detected_realtime;
    r->monotonic_ns = detected_monotonic;
    size_t n = strlen(msg);
    memcpy(r->message, msg, n + 1);
    atomic_signal_fence(memory_order_seq_cst);
    r->magic = LIBMAP_PANIC_MAGIC;
    atomic_thread_fence(memory_order_seq_cst);
    freeze(m, frozen);
    LIBMAP_TRACE_PANIC(r, writer_word, at_end); /* before the hooks: a snapshot trigger fires even if a hook hangs */

    unsigned nh = atomic_load(&nhooks);
    for (unsigned i = 0; i < nh; i++)
        hooks[i].fn(r, hooks[i].ctx);

    struct line l = {.len = 0};
    put_str(&l, "fatal error: ");
    put_str(&l, msg);
    put_str(&l, "\n");
    write_all(2, l.buf, l.len);
    l.len = 0;
    put_str(&l, "map 0x");
    put_num(&l, (uint64_t)(uintptr_t)m, 16);
    put_str(&l, ": ");
    put_str(&l, op_name(op));
    put_str(&l, " by thread ");
    put_num(&l, (uint64_t)(uint32_t)r->tid, 10);
    if (r->writer_tid != 0) {
        put_str(&l, " collided with ");
        put_str(&l, op_name(r->writer_op));
        put_str(&l, " by thread ");
        put_num(&l, (uint64_t)(uint32_t)r->writer_tid, 10);
        put_str(&l, r->writer_held ? " (writer)" : " (writer, just finished)");
    } else {
        put_str(&l, " collided with an unknown writer");
    }
    put_str(&l, "\n");
    write_all(2, l.buf, l.len);
    freeze(m, frozen); /* once more: the core shows the map frozen (map_refreeze) */
    abort();
}
