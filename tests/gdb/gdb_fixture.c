/*
 * gdb_fixture.c — the live process of the gdb tests: builds the fixture maps
 * (fixture_maps.c), parks one thread inside a libmap write (the write hook
 * blocks it while it holds fx_parked), prints the expected content on
 * stdout, then calls fixture_ready(), where the test's breakpoint stops it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmap/debug.h>

#include "fixture_maps.h"

libmap *fx_parked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int parked;

static void park_hook(const libmap *m, enum libmap_op op, void *ctx)
{
    (void)op, (void)ctx;
    if (m != fx_parked)
        return;
    pthread_mutex_lock(&lock);
    parked = (int)syscall(SYS_gettid);
    pthread_cond_broadcast(&cond);
    for (;;)
        pthread_cond_wait(&cond, &lock); /* until the test kills the process */
}

static void *writer(void *arg)
{
    (void)arg;
    uint64_t v = 1;
    libmap_assign_u64(fx_parked, 77, &v);
    return NULL;
}

/* The test stops here. */
__attribute__((noinline)) void fixture_ready(void)
{
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
    fx_build();
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    if (libmap_new(&c, &fx_parked) != 0)
        return 2;
    libmap_debug_set_write_hook(park_hook, NULL);
    pthread_t th;
    pthread_create(&th, NULL, writer, NULL);
    pthread_mutex_lock(&lock);
    while (!parked)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    fx_print_expected(stdout);
    printf("parked %d\n", parked);
    fflush(stdout);
    fixture_ready();
    _exit(0);
}
